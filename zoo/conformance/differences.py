"""Known differences between the simulators, each with its measurement.

What the backends declare (``zoo.backends.base``'s semantics, each backend's
attributes) is measured here against theory, so the report states both the
declaration and what was found:

- the postsynaptic potential of one input spike into a LIF, against its closed form
  (the synaptic charge each backend delivers per event);
- the sample of v at a spike's step (v_reset, or the value that crossed threshold).
"""
from __future__ import annotations

import numpy as np

from .. import backends

#: The PSP protocol: one spike at 2 ms through a 0.1 ms delay into a LIF at rest.
PSP = {"tau_m": 10.0, "cm": 0.25, "tau_syn_E": 2.5, "v_rest": -70.0, "v_thresh": -50.0, "v_reset": -70.0,
       "tau_refrac": 1.0}
WEIGHT_NA, SPIKE_MS, DELAY_MS, DURATION_MS = 0.5, 2.0, 0.1, 40.0


def psp_closed_form(t_ms: np.ndarray, arrival_ms: float) -> np.ndarray:
    """Deflection (mV) of a LIF (:data:`PSP`) by one exponential current of ``WEIGHT_NA``
    arriving at ``arrival_ms``: w·τs·τm / (C·(τm − τs)) · (e^(−s/τm) − e^(−s/τs)), s = t − t_a."""
    tau_m, tau_s, cm = PSP["tau_m"], PSP["tau_syn_E"], PSP["cm"]
    s = np.clip(np.asarray(t_ms, dtype=float) - arrival_ms, 0.0, None)
    return WEIGHT_NA * tau_s * tau_m / (cm * (tau_m - tau_s)) * (np.exp(-s / tau_m) - np.exp(-s / tau_s))


def measure_psp(simulator: str, dt_ms: float) -> dict:
    """One spike's PSP on ``simulator`` against :func:`psp_closed_form`: the charge
    ratio (the PSP's tail, 10-30 ms after arrival, over theory's), its declaration
    (``synaptic_charge_factor``) and the largest error (mV)."""
    backend = backends.load(simulator)
    with backend.quiet():
        sim = backend.setup(dt_ms, 1, duration_ms=DURATION_MS)
        try:
            source = sim.Population(1, sim.SpikeSourceArray(spike_times=sim.Sequence([SPIKE_MS])))
            cell = sim.Population(1, sim.IF_curr_exp(**PSP), initial_values={"v": PSP["v_rest"]})
            sim.Projection(source, cell, sim.AllToAllConnector(), sim.StaticSynapse(weight=WEIGHT_NA, delay=DELAY_MS),
                           receptor_type="excitatory")
            cell.record("v")
            backend.run(DURATION_MS)
            segment = cell.get_data().segments[0]
            backend.report_spikes(segment, dt_ms)
            signal = segment.analogsignals[0]
            v = np.asarray(signal.magnitude).ravel()
            t = np.asarray(signal.times.rescale("ms").magnitude)
        finally:
            backend.end()
    arrival = SPIKE_MS + DELAY_MS
    theory = psp_closed_form(t, arrival)
    deflection = v - PSP["v_rest"]
    tail = (t >= arrival + 10.0) & (t <= arrival + 30.0)
    return {"simulator": simulator, "dt_ms": dt_ms,
            "charge_ratio": float(np.mean(deflection[tail] / theory[tail])),
            "declared_ratio": backend.synaptic_charge_factor(PSP["tau_syn_E"], dt_ms),
            "max_error_mv": float(np.max(np.abs(deflection - theory))),
            "peak_mv": float(theory.max())}


def declared(simulator: str) -> list[str]:
    """What a backend declares that differs from the zoo's reference semantics."""
    cls = backends.backend_class(simulator)
    notes = []
    if not cls.records_reset_at_spike_step:
        notes.append("the sample of v at a spike's step is the value that crossed threshold, not v_reset "
                     "(the reset is an event delivered at the start of the next step); every other sample and "
                     "every spike time follow the zoo's semantics")
    if cls.spike_times_accumulate_round_off:
        notes.append("spike times are sums of dt with round-off (68.30000000000173 ms); reported at "
                     "round(t/dt)·dt")
    for cell_type, scheme in sorted(cls.numerics.items()):
        notes.append(f"{cell_type}: {scheme.name}" + (f", order {scheme.order}" if scheme.order else "")
                     + (f" ({scheme.note})" if scheme.note else ""))
    for cell_type, reason in sorted(cls.unavailable_cell_types.items()):
        notes.append(f"no {cell_type}: {reason}")
    return notes
