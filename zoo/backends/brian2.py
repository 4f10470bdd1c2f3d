"""Brian2 through ``pyNN.brian2``.

- Code generation: Cython, compiled once per distinct model and cached by Brian2
  (``~/.cython/brian_extensions``), so later runs of the same model pay no compile;
  Brian2's INFO messages are kept off the console.
- Spike timing follows the zoo's declared semantics (see ``zoo.backends.base``):
  Brian2 stamps a spike with the start of its step and, with ``refractory=t_ref``,
  clamps the potential for one step fewer than NEST. The zoo's Brian2 cell types
  clamp for ``tau_refrac + dt`` (the spike step itself is not counted by Brian2) and
  spike times are reported one step later, which reproduces NEST's grid-based
  ``iaf_psc_exp`` step for step. ``tau_refrac`` may differ between neurons.
- Stable names: Brian2 names objects ``neurongroup``, ``neurongroup_1``, ... while
  earlier instances are alive, and the generated code (so the compile cache key)
  contains the name. The base backend frees each simulation's populations at
  ``end()`` (PyNN leaks them otherwise), so every simulation in a process reuses
  the same names and hits the compile cache.
"""
from __future__ import annotations

import contextlib
import signal
import threading

from .base import Backend, silence_pynn_logger


@contextlib.contextmanager
def _signal_handlers_only_in_main_thread():
    """Brian2 installs a SIGINT handler on import, which Python allows only in the main
    thread; Dask runs tasks in worker threads. Skip the handler there (it only makes
    Ctrl-C stop a run gracefully)."""
    if threading.current_thread() is threading.main_thread():
        yield
        return
    original = signal.signal
    signal.signal = lambda signalnum, handler: signal.getsignal(signalnum)
    try:
        yield
    finally:
        signal.signal = original


class Brian2Backend(Backend):
    name = "brian2"
    distribution = "Brian2"
    spike_report_offset_steps = 1
    max_threads = 1  # runtime mode: one Python loop drives the compiled code objects

    def _import_pynn(self):
        with _signal_handlers_only_in_main_thread():
            import brian2

        brian2.prefs.codegen.target = "cython"
        brian2.BrianLogger.log_level_warn()
        silence_pynn_logger()
        import pyNN.brian2

        return pyNN.brian2

    def _compartmental_population_class(self) -> type:
        from .brian2_multicompartment import Brian2CompartmentalPopulation

        return Brian2CompartmentalPopulation

    def _synapse_types(self) -> dict:
        from . import brian2_plasticity, brian2_projections

        return {**brian2_plasticity.PLASTICITY_TYPES, "Projection": brian2_projections.Projection}

    def _cell_types(self) -> dict:
        from . import brian2_cells

        return brian2_cells.CELL_TYPES

    def _seed(self, seed: int) -> None:
        import brian2

        brian2.seed(int(seed))

    @property
    def version(self) -> str:
        import brian2

        return str(brian2.__version__)
