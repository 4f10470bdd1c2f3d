"""The zoo cell type ``SRM_curr_exp`` on every simulator that has it (Brian2: equations
in the backend; NEST: a NESTML neuron built at set-up) against its closed form."""
import numpy as np
import pytest

from zoo import backends

from tests.conftest import runs

DT_MS = 0.1


def after_spike_closed_form(s_ms, p):
    """v (mV) a time s after the spike with no input: v(0) = v_reset, the pending synaptic
    current discarded, the after-potential a(s) = exp(−s/tau_ahp) driving v_ahp·a/tau_ahp."""
    tau_m, tau_a = p["tau_m"], p["tau_ahp"]
    u0 = p["v_reset"] - p["v_rest"]
    drive = p["v_ahp"] / tau_a * (np.exp(-s_ms / tau_a) - np.exp(-s_ms / tau_m)) / (1 / tau_m - 1 / tau_a)
    return p["v_rest"] + u0 * np.exp(-s_ms / tau_m) + drive


@pytest.mark.parametrize("simulator", runs("masquelier2008_srm"))
def test_the_spike_jumps_up_discards_the_epsps_and_starts_the_after_potential(simulator):
    """One strong input current drives the cell over threshold; from the spike's reported
    time on, v must follow the closed form *without* the 5 nA still pending in the synapse
    (with it, v would rise by ~20 mV/ms and fire again after the refractory ms)."""
    backend = backends.load(simulator)
    with backend.quiet():
        sim = backend.setup(DT_MS, 1, duration_ms=30.0)
        try:
            params = dict(sim.SRM_curr_exp.default_parameters)
            source = sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]))
            cell = sim.Population(1, sim.SRM_curr_exp(**params), initial_values={"v": params["v_rest"]})
            sim.Projection(source, cell, sim.AllToAllConnector(), sim.StaticSynapse(weight=5.0, delay=DT_MS),
                           receptor_type="excitatory")
            cell.record(["spikes", "v"])
            backend.run(30.0)
            segment = cell.get_data().segments[0]
            backend.report_spikes(segment, DT_MS)
        finally:
            backend.end()
    spikes = np.asarray(segment.spiketrains.multiplexed[1])
    assert spikes.size == 1, f"one spike expected, got {spikes}"
    (v,) = [s for s in segment.analogsignals if s.name == "v"]
    t = np.asarray(v.times.rescale("ms").magnitude)
    v = np.asarray(v.magnitude)[:, 0]
    after = t >= spikes[0] - 1e-9
    s = t[after] - t[after][0]
    np.testing.assert_allclose(v[after], after_spike_closed_form(s, params), atol=1e-6)
    assert v[after][0] == pytest.approx(params["v_reset"])
    assert v[after].min() < params["v_rest"] - 5.0   # the after-potential pulls v below rest
