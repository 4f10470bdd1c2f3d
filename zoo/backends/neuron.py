"""NEURON 9 through ``pyNN.neuron``.

- PyNN's NMODL mechanisms must be compiled once (``nrnivmodl`` in
  ``pyNN/neuron/nmodl``; the Makefile's set-up does it). Without them PyNN fails to
  import with a ``TypeError``; the backend says what to run instead.
- NEURON's start-up notes (no DISPLAY, no graphics, mpi4py missing) are kept off the
  terminal: ``NEURON_MODULE_OPTIONS=-nogui`` before the import.
- Integration: PyNN runs NEURON's fixed step, implicit Euler by default. The zoo sets
  ``secondorder = 2`` (Crank-Nicolson) for every cell type: second order in dt like
  NEST's Crank-Nicolson cable, and its error on a current-clamped IF neuron's
  threshold crossing is known in closed form (``zoo.declarations.tolerances``).
"""
from __future__ import annotations

import os

import numpy as np

from ..declarations.numerics import Scheme
from .base import Backend, silence_pynn_logger

_CRANK_NICOLSON = Scheme("crank_nicolson", order=2,
                         note="fixed step, secondorder = 2: Crank-Nicolson for v, gates staggered")

#: Why a zoo type has no NEURON translation yet (issue 18 adds them).
_NOT_YET = "the zoo has no NEURON translation of it yet"


class NeuronBackend(Backend):
    name = "neuron"
    distribution = "neuron"
    spike_report_offset_steps = 0
    # NEURON's t is a sum of dt: a spike at step 683 reads 68.30000000000173 ms
    spike_times_accumulate_round_off = True
    # the reset is an event delivered at the start of the next step
    records_reset_at_spike_step = False
    max_threads = 1
    unavailable_cell_types = {
        "HH_cond_exp": "PyNN's NEURON HH_cond_exp reports a spike at each upward crossing of a threshold; the "
                       "zoo's rule (the first step at or above 0 mV that falls, then 2 ms) is not translated yet",
        "HH_curr_alpha": _NOT_YET,
        "MultiCompartmentNeuron": _NOT_YET,
        "SRM_curr_exp": _NOT_YET,
        "ReducedNearestNeighbourRule": _NOT_YET,
    }
    numerics = {
        "IF_curr_exp": _CRANK_NICOLSON,
        "IF_cond_exp": _CRANK_NICOLSON,
        "HH_cond_exp": _CRANK_NICOLSON,
    }

    def synaptic_charge_factor(self, tau_syn_ms, dt_ms):
        """An event sets the synaptic current at a step boundary, but NEURON integrates
        that current at the half steps, so it decays from half a step later: each event
        delivers exp(dt/(2·tau_syn)) times the exact charge (measured: the PSP of one
        spike is 1.0202 times NEST's at dt 0.1 ms, tau_syn 2.5 ms; exp(0.02) = 1.0202)."""
        return float(np.exp(dt_ms / (2 * tau_syn_ms)))

    def _delivery_times(self, spike_times_ms, dt_ms):
        """NEURON delivers an event at the step boundary nearest its time (a source
        spike at 5.03 ms acts from 5.0 ms), so times are moved to the end of their step
        first: ceil(t/dt)·dt."""
        return np.ceil(np.asarray(spike_times_ms) / dt_ms - 1e-9) * dt_ms

    def _import_pynn(self):
        os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")
        silence_pynn_logger()
        try:
            import pyNN.neuron
        except TypeError as error:  # load_mechanisms(None): the NMODL files were never compiled
            raise RuntimeError("PyNN's NEURON mechanisms are not compiled; run `make setup` (nrnivmodl in "
                               "pyNN/neuron/nmodl)") from error
        return pyNN.neuron

    def _setup_kwargs(self, dt_ms: float, seed: int, threads: int = 1) -> dict:
        return {"use_cvode": False}

    def setup(self, dt_ms, seed, threads=1, duration_ms=None, whole_run=False):
        sim = super().setup(dt_ms, seed, threads, duration_ms, whole_run)
        from neuron import h

        h.secondorder = 2
        return sim

    def run(self, duration_ms: float, progress: bool = False) -> None:
        """One step more than asked: NEURON delivers the spike event of a threshold
        crossing detected at the end of a step at the start of the next one, so a spike
        at the end of the run would be lost (measured: 5731 against NEST's 5732 spikes,
        the missing one at t = 500 ms). Spikes after the run and samples after it are
        dropped (:meth:`report_spikes`)."""
        super().run(duration_ms + float(self.pynn.get_time_step()), progress)

    def report_spikes(self, segment, dt_ms: float) -> None:
        super().report_spikes(segment, dt_ms)
        if self._duration_ms is None:
            return
        end = self._duration_ms + dt_ms / 2
        segment.analogsignals = [signal[:int(np.sum(signal.times.rescale("ms").magnitude <= end))]
                                 for signal in segment.analogsignals]

    @property
    def version(self) -> str:
        import neuron

        return str(neuron.__version__)
