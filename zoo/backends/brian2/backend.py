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
- Long runs are compiled whole: a run of at least ``STANDALONE_MIN_STEPS`` steps uses
  Brian2's C++ standalone device instead of runtime mode, whose Python loop costs
  tens of µs per step (4.5 million steps for 450 s at 0.1 ms). The network is the
  same and so are the results (tested spike for spike); the build directory is a
  locked slot under ``~/.cache/zoo`` that later runs reuse, so only what changed is
  recompiled (a new seed: the input arrays). ``ZOO_BRIAN2_DEVICE`` = ``runtime`` or
  ``cpp_standalone`` forces one mode.
- Stable names: Brian2 names objects ``neurongroup``, ``neurongroup_1``, ... while
  earlier instances are alive, and the generated code (so the compile cache key)
  contains the name. The base backend frees each simulation's populations at
  ``end()`` (PyNN leaks them otherwise), so every simulation in a process reuses
  the same names and hits the compile cache.
"""
from __future__ import annotations

import math

import contextlib
import os
import signal
import sys
import threading
from pathlib import Path

import numpy as np

from ...declarations.numerics import Scheme
from ..base import (ADEX_AT_STEP_END, GRID_THRESHOLD, IZHIKEVICH_CUT, NO_SPIKES, PEAK_DETECTION, PROGRESS_SLICE_S,
                    SPIKE_RESPONSE, Backend, CellRecord, progress_after_s, silence_pynn_logger)

_EXACT = Scheme("exact", note="exact propagator of the linear equations, well conditioned at tau_m = tau_syn "
                               "(integration.ExactPropagator)")
#: Hodgkin-Huxley cells: classical RK4 substeps of at most 0.01 ms (``cells``). Its
#: error of v per substep, measured against the zoo's reference solution at the first
#: spike's peak of the classic and the Traub-Miles cell (the faster one) at dt = 0.1 to
#: 0.01 ms, is at most 5e-5 mV (tests/zoo/models/test_hh_reference.py); declared: 1e-4 mV.
_RK4 = Scheme("rk4_substeps", order=4, substep_ms=0.01, step_error_mv=1e-4,
              note="RK4 substeps of at most 0.01 ms, error of v below 1e-4 mV per substep")


#: AdEx (issue 33): PyNN's rk2 (explicit midpoint), v capped at v_spike in the exponential and
#: in w's drive (``cells._ADEX``). Second order between spikes, but the reset comes at the end of
#: the step in which v reached v_spike, up to one step after the crossing: first order in dt.
_ADEX_RK2 = Scheme("rk2", order=1, note="explicit midpoint (rk2), v capped at v_spike; the reset at the end of "
                                        "the crossing step makes spike times first order")
#: Izhikevich cells: Brian2's ``euler`` (``cells.IzhikevichCutNeuronGroup``), NEST's update.
_EULER = Scheme("forward_euler", order=1, note="Brian2's euler: v and u from the step's start, as NEST's izhikevich")


@contextlib.contextmanager
def _no_cache_size_notice():
    """Brian2's import logs, at INFO on the console, the size of its code cache once it
    passes 1 GB (``prefs.codegen.max_cache_dir_size``), before anyone can set its log
    level: a line on every command's standard error on a machine that has compiled
    much (the zoo's ``run`` and ``check`` promise a clean one). Dropped while Brian2 is
    imported; ``brian2.clear_cache('cython')`` still frees the space."""
    import logging

    def notice(record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Cache size for target")

    logger = logging.getLogger("brian2.brian2")  # Brian2's loggers are named brian2.<module>
    logger.addFilter(notice)
    try:
        yield
    finally:
        logger.removeFilter(notice)


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


#: Runs of at least this many steps use C++ standalone (see the module docstring):
#: 50 s at dt = 0.1 ms, where runtime mode's loop costs about as much as a cold compile.
STANDALONE_MIN_STEPS = 500_000
DEVICE_VARIABLE = "ZOO_BRIAN2_DEVICE"
DEVICES = ("auto", "runtime", "cpp_standalone")


def device_choice() -> str:
    """``ZOO_BRIAN2_DEVICE`` (default ``auto``); ValueError naming the valid values."""
    choice = os.environ.get(DEVICE_VARIABLE, "auto")
    if choice not in DEVICES:
        raise ValueError(f"{DEVICE_VARIABLE}={choice!r}; valid values: {', '.join(DEVICES)}")
    return choice


def use_standalone(dt_ms: float, duration_ms: float | None, whole_run: bool) -> bool:
    """Whether a run of ``duration_ms`` at ``dt_ms`` is compiled whole: only for models
    that allow it (``whole_run``: no per-step Python callbacks such as PyNN's current
    sources, which standalone code cannot call)."""
    choice = device_choice()
    if not whole_run:
        return False
    if choice != "auto":
        return choice == "cpp_standalone"
    return duration_ms is not None and duration_ms / dt_ms >= STANDALONE_MIN_STEPS


def cache_root() -> Path:
    """Where the standalone build slots live."""
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "zoo" / "brian2-standalone"


class _BuildSlot:
    """A standalone build directory that no other process uses meanwhile (a flock),
    kept between runs so unchanged code is not compiled again."""

    def __init__(self):
        import fcntl

        cache = cache_root()
        cache.mkdir(parents=True, exist_ok=True)
        index = 0
        while True:
            handle = open(cache / f"slot-{index}.lock", "w")
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                index += 1
                continue
            self.handle, self.directory = handle, cache / f"slot-{index}"
            return

    def release(self) -> None:
        self.handle.close()


class RunReport:
    """A Brian2 ``report`` callback showing a tqdm bar over simulated time once the run
    has lasted ``progress_after_s()`` (shorter runs show nothing)."""

    def __init__(self, name: str):
        self.name, self.bar, self.threshold = name, None, progress_after_s()

    def __call__(self, elapsed, completed, start, duration) -> None:
        from tqdm import tqdm

        total_ms = float(duration / brian2_ms())
        if self.bar is None:
            if float(elapsed) < self.threshold or completed >= 1.0:
                return
            self.bar = tqdm(total=total_ms, desc=f"{self.name}: simulated", file=sys.stderr, dynamic_ncols=True,
                            leave=False, bar_format="{desc} {n:.0f} of {total:.0f} ms |{bar}| {elapsed}<{remaining}")
        self.bar.update(float(completed) * total_ms - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def fastest_membrane_rate_per_ms(values: dict) -> np.ndarray:
    """(ḡ_Na + ḡ_K + g_L)/C (1/ms; µS/nF): the fastest a Hodgkin-Huxley membrane can relax."""
    conductance = sum(np.asarray(values[name], dtype=float) for name in ("gbar_Na", "gbar_K", "g_leak"))
    return conductance / np.asarray(values["cm"], dtype=float)


def brian2_ms():
    import brian2

    return brian2.ms


#: Largest probability per step and source of a ``PoissonInput`` (``_inject_poisson_drive``).
POISSON_INPUT_P = 1e-3


class Brian2Backend(Backend):
    name = "brian2"
    distribution = "Brian2"
    modules = ("brian2", "pyNN.brian2")
    spike_report_offset_steps = 1
    max_threads = 1  # runtime mode: one Python loop drives the compiled code objects
    #: single-threaded: Fig. 8's SR state took 169 s at half size (NEST: 219 s at full size, 2 threads)
    network_study_scale = 0.5

    #: RK4 is stable for real eigenvalues λ with |λ|·h ≤ 2.785 (its stability region on
    #: the negative real axis; Hairer & Wanner, Solving ODEs II, sec. IV.2).
    RK4_STABILITY_LIMIT = 2.785
    _HH_LIMIT = ("(gbar_Na + gbar_K + g_leak)/cm at most 2.785/h, h the RK4 substep (0.01 ms at most): RK4 is "
                 "unstable beyond")

    cell_types = {
        "IF_curr_exp": CellRecord(_EXACT, GRID_THRESHOLD, "cells:IF_curr_exp"),
        "IF_curr_delta": CellRecord(_EXACT, GRID_THRESHOLD, "cells:IF_curr_delta"),
        "IF_cond_exp": CellRecord(Scheme("exponential_euler", order=1,
                                         note="exact while no synaptic conductance is active"), GRID_THRESHOLD,
                                  "cells:IF_cond_exp"),
        "SRM_curr_exp": CellRecord(_EXACT, SPIKE_RESPONSE, "cells:SRM_curr_exp"),
        "HH_curr_alpha": CellRecord(_RK4, PEAK_DETECTION, "cells:HH_curr_alpha", limit=_HH_LIMIT),
        "HH_cond_exp": CellRecord(_RK4, PEAK_DETECTION, "cells:HH_cond_exp", limit=_HH_LIMIT),
        "MultiCompartmentNeuron": CellRecord(Scheme("implicit_euler", order=1,
                                                    note="SpatialNeuron: implicit cable, exponential-Euler gates"),
                                             NO_SPIKES),  # multicompartment.py
        "EIF_cond_exp_isfa_ista": CellRecord(_ADEX_RK2, ADEX_AT_STEP_END, "cells:EIF_cond_exp_isfa_ista"),
        "Izhikevich": CellRecord(_EULER, IZHIKEVICH_CUT, "cells:Izhikevich"),
        "IzhikevichGeneral": CellRecord(_EULER, IZHIKEVICH_CUT, "cells:IzhikevichGeneral"),
    }

    def _import_pynn(self):
        with _signal_handlers_only_in_main_thread(), _no_cache_size_notice():
            import brian2

        brian2.prefs.codegen.target = "cython"
        # Ctrl-C interrupts, as on every backend; Brian2 would stop the run early and
        # return its partial result as if it were whole
        brian2.prefs.core.stop_on_keyboard_interrupt = False
        brian2.BrianLogger.log_level_warn()
        silence_pynn_logger()
        import pyNN.brian2

        return pyNN.brian2

    def _compartmental_population_class(self) -> type:
        from .multicompartment import Brian2CompartmentalPopulation

        return Brian2CompartmentalPopulation

    def _synapse_types(self) -> dict:
        from . import plasticity, projections

        return {**plasticity.PLASTICITY_TYPES, "Projection": projections.Projection}

    _slot: _BuildSlot | None = None

    @classmethod
    def check_settings(cls) -> None:
        device_choice()

    @classmethod
    def check_values(cls, cell_types, values: dict, dt_ms: float) -> None:
        """Hodgkin-Huxley cells run with RK4 substeps of h = dt/⌈dt/0.01 ms⌉
        (``cells.MAX_SUBSTEP_MS``), which is unstable where the membrane relaxes
        faster than 2.785/h: its rate is at most (ḡ_Na + ḡ_K + g_L)/C (every gate is in
        [0, 1]), so that bound times h must stay within RK4's limit. (Measured at the
        defaults: the classic cell ran at cm = 0.016 nF and raised at 0.012, the Traub-Miles
        cell ran at 0.04 and silently lost its spikes at 0.03; the bound refuses from 0.056
        and 0.094.) NEST and NEURON run such cells."""
        hh = [name for name in cell_types if name in ("HH_curr_alpha", "HH_cond_exp")]
        if not hh:
            return
        substep = dt_ms / max(1, int(np.ceil(dt_ms / 0.01 - 1e-9)))
        rate = fastest_membrane_rate_per_ms(values)
        if np.any(rate * substep > cls.RK4_STABILITY_LIMIT):
            worst = float(np.max(rate))
            raise ValueError(
                f"on brian2 this {hh[0]} cell is too stiff: (gbar_Na + gbar_K + g_leak)/cm = {worst:.4g}/ms, and RK4 "
                f"substeps of {substep:g} ms are stable only up to {cls.RK4_STABILITY_LIMIT / substep:.4g}/ms; raise cm "
                "(or lower the conductances), or run it on nest or neuron")

    def setup(self, dt_ms: float, seed: int, threads: int = 1, duration_ms: float | None = None,
              whole_run: bool = False):
        import brian2

        # PyNN gives its neuron groups the network's clock, but spike sources and
        # synapses take Brian2's default clock, left at 0.1 ms: at any other dt they
        # ran on a different grid (and a source spiking twice in 0.1 ms was refused)
        brian2.defaultclock.dt = dt_ms * brian2.ms
        if not use_standalone(dt_ms, duration_ms, whole_run):
            return self._fresh(super().setup(dt_ms, seed, threads, duration_ms, whole_run))
        self._slot = _BuildSlot()
        try:
            brian2.prefs.devices.cpp_standalone.extra_make_args_unix = [f"-j{os.cpu_count() or 1}"]
            brian2.set_device("cpp_standalone", build_on_run=False, directory=str(self._slot.directory))
            return self._fresh(super().setup(dt_ms, seed, threads, duration_ms, whole_run))
        except BaseException:
            self._leave_standalone()
            raise

    @staticmethod
    def _fresh(sim):
        """``sim``, once the previous simulation's Brian2 objects are gone. PyNN lets go
        of them only when it sets up the next network, and until Python collects them
        (they hold reference cycles) their names stay taken: the next groups were named
        ``neurongroup_1``, ..., which is other code. In runtime mode that is a second
        Cython compilation of every code object of the model (about 5 s each on a fresh
        machine: ``zoo check lif`` compiled lif's code twice, and a test session or a
        Dask worker alternating between two name sets paid both); a C++ standalone run
        recompiled whole (5.5 s of a 450 s masquelier2008 seed, then a 3.6 s rebuild of
        the arrays' file alone). The collection costs 0.06-0.09 s (measured), and only
        runs while objects of an earlier run remain."""
        import gc

        from brian2.core.base import BrianObject

        if any(ref() is not None for ref in BrianObject.__instances__()):
            gc.collect()
        return sim

    def run(self, duration_ms: float, progress: bool = False) -> None:
        if self._slot is None:
            # Brian2's loop answers Ctrl-C itself, and slicing costs its per-run preparation
            if not progress:
                with self.quiet():
                    return self.pynn.run(duration_ms)
            return self._run_with_report(duration_ms)
        import brian2

        with self.quiet():
            state = self.pynn.simulator.state
            if state.current_sources:
                raise RuntimeError("PyNN current sources act through a per-step Python callback, which C++ "
                                   "standalone code cannot call; this model must not ask for whole-run compilation")
            for recorder in state.recorders:
                recorder._finalize()
            state.running = True  # PyNN would store the network (for reset), which standalone cannot
            # compiled whole, the run cannot be sliced: Brian2's own report (stderr, every 10 s)
            state.network.run(duration_ms * brian2.ms, report="stderr" if progress else None)
            brian2.device.build(directory=str(self._slot.directory), run=True, with_output=False)

    def _run_with_report(self, duration_ms: float) -> None:
        """One Brian2 run whose report callback drives the progress bar: slicing would
        cost Brian2's per-run preparation (about 0.2 s a call, measured) each time."""
        import brian2

        bar = RunReport(self.name)
        with self.quiet():
            state = self.pynn.simulator.state
            for recorder in state.recorders:
                recorder._finalize()
            state.running = True
            try:
                state.network.run(duration_ms * brian2.ms, report=bar, report_period=PROGRESS_SLICE_S * brian2.second)
            finally:
                bar.close()

    def end(self) -> None:
        self._grid_currents = 0
        try:
            super().end()
            self._release()
        finally:
            if self._slot is not None:
                self._leave_standalone()

    def _release(self) -> None:
        """PyNN's references to the finished run's network dropped (it would keep them until
        the next ``setup``): the run's Brian2 objects are then garbage, freed by the next
        collection, and never kept for good by the freeze of a simulator imported meanwhile
        (:func:`zoo.backends.load`), which would keep their names taken (the next groups
        ``neurongroup_1``: other code, compiled again)."""
        state = self.pynn.simulator.state
        state.network, state.recorders, state.current_sources = None, set(), []

    def _leave_standalone(self) -> None:
        """Back to runtime mode, the build slot released (after a run or a failure)."""
        import brian2

        try:
            brian2.device.reinit()
            brian2.devices.reset_device()
        finally:
            self._slot.release()
            self._slot = None

    _grid_currents = 0

    def _inject_grid_current(self, population, first_step, amplitudes, dt_ms, rows):
        """A ``TimedArray`` of the waveforms (one column per waveform) read by generated
        code at the start of each step, before the state update: no Python per step,
        so standalone runs compile it too. It adds the step's change to ``i_inj``, so
        PyNN's current sources, which also add to it, keep acting. A shared waveform is
        one column, which every neuron reads; neurons that share some of several waveforms
        read their column's number from a second array (one value per neuron)."""
        import brian2

        from .waveform import GridWaveform

        name = f"zoo_grid_current_{self._grid_currents}"  # stable names: the compile cache hits
        self._grid_currents += 1
        steps = amplitudes.shape[1]
        shared = amplitudes.shape[0] == 1
        values = np.zeros((first_step + steps + 1, len(amplitudes)))
        values[first_step:first_step + steps] = amplitudes.T
        waveform = GridWaveform(values * brian2.nA, dt=dt_ms * brian2.ms, name=name)  # compiled once
        group = population.brian2_group
        if group.namespace is None:  # an explicit namespace adds to the run's: the group finds its waveform
            group.namespace = {}
        group.namespace[name] = waveform
        if shared:
            column = "0"
        elif np.array_equal(rows, np.arange(population.size)):
            column = "i"
        else:
            lookup = GridWaveform(rows[np.newaxis, :].astype(float), dt=dt_ms * brian2.ms, name=f"{name}_rows")
            group.namespace[lookup.name] = lookup
            column = f"int({lookup.name}(0*second, i) + 0.5)"
        now, before = f"t, {column}", f"t - dt, {column}"
        updater = group.run_regularly(f"i_inj += {name}({now}) - {name}({before})", when="start",
                                      name=f"{name}_update")
        self.pynn.simulator.state.network.add(updater)

    def _connect_arrays(self, projection, sources, targets):
        """The projection's pairs in a ``Synapses`` of the zoo's own, connected with
        ``connect(i=, j=)`` all at once, the weight and the delay (d less
        ``projections.delay_lead``) each one value for the pathway. PyNN's own numbers each
        synapse among its multapses (``multisynaptic_index``: 7.7 of the 11 s of a full
        Brunel build) and keeps a delay per synapse; the zoo's runs in its place."""
        import brian2

        from .projections import delay_lead

        from pyNN.common import Assembly, PopulationView

        static = type(projection.synapse_type).__name__ == "StaticSynapse"  # a rule keeps PyNN's pathways
        if not static or isinstance(projection.pre, Assembly) or isinstance(projection.post, Assembly):
            return super()._connect_arrays(projection, sources, targets)
        # a view's indices are its cells' indices in the whole group, which the Synapses join
        if isinstance(projection.pre, PopulationView):
            sources = projection.pre.index_in_grandparent(sources)
        if isinstance(projection.post, PopulationView):
            targets = projection.post.index_in_grandparent(targets)
        space = projection.synapse_type.native_parameters
        space.shape = (1,)
        space.evaluate(simplify=True)
        delay = space["delay"] if hasattr(space["delay"], "dim") else float(space["delay"]) * brian2.ms
        lead = delay_lead(projection.post, projection.pre)
        if delay < lead:
            raise ValueError(f"a delay of {float(delay / brian2.ms):g} ms into {type(projection.post.celltype).__name__} "
                             f"is shorter than Brian2 can deliver on time ({float(lead / brian2.ms):g} ms)")
        network = self.pynn.simulator.state.network
        pynn_synapses = projection._brian2_synapses[0][0]
        model, on_pre = _static_synapse_code(projection)
        # one weight for the pathway, not a column of one value per synapse: on_pre then reads
        # no per-synapse array but the target index (brunel2000: 1.3 of the 3.1 s the four
        # pathways took at scale 0.25, profiled; projections.Projection reads it back per synapse)
        model = f"{model.strip()} (shared, constant)"
        synapses = brian2.Synapses(pynn_synapses.source, pynn_synapses.target, model=model, on_pre=on_pre,
                                   delay=delay - lead, clock=network.clock, name=f"{pynn_synapses.name}_arrays")
        pynn_synapses.active = False  # left in the network, never run (Brian2 warns of one dropped unused)
        network.add(synapses)
        projection._brian2_synapses[0][0] = synapses
        synapses.connect(i=sources, j=targets)
        projection._n_connections += sources.size
        synapses.weight = space["weight"]

    def _connect_nothing(self, projection):
        """An empty projection's ``Synapses`` made inactive: Brian2 refuses to run one that
        never called ``connect`` ("does not do anything")."""
        for by_target in projection._brian2_synapses.values():
            for synapses in by_target.values():
                synapses.active = False

    def _inject_poisson_drive(self, population, drive):
        """A ``PoissonInput`` into the group's input variable, as Brian2's own Brunel example,
        instead of a Poisson group and one synapse per neuron. It draws a binomial count of
        N sources per step, each with probability p = rate·dt/N (at most 1): N is chosen so
        that p <= :data:`POISSON_INPUT_P`, and the count's variance, N·p·(1 − p), is then
        within 0.1 % of the Poisson train's."""
        import brian2

        celltype = population.celltype
        target = celltype.post_synaptic_variables[drive.receptor_type]
        unit = "mV" if getattr(celltype, "voltage_based_synapses", False) or target in ("v", "v_in") else (
            "uS" if celltype.conductance_based else "nA")
        group = population.brian2_group
        sources = max(1, math.ceil(drive.rate_hz * self.pynn.get_time_step() / 1000.0 / POISSON_INPUT_P))
        drive_input = brian2.PoissonInput(group, target, N=sources, rate=drive.rate_hz / sources * brian2.Hz,
                                          weight=f"{drive.weight!r}*{unit}")
        self.pynn.simulator.state.network.add(drive_input)

    def _seed(self, seed: int) -> None:
        import brian2

        brian2.seed(int(seed))

    @property
    def version(self) -> str:
        import brian2

        return str(brian2.__version__)


def _static_synapse_code(projection) -> tuple[str, str]:
    """(model, on_pre) of ``projection``'s synapse type for its target, as PyNN writes them."""
    from brian2 import mV, nA, uS
    from pyNN.brian2.projections import basic_units

    celltype = projection.post.celltype
    if getattr(celltype, "voltage_based_synapses", False):
        units = mV
    else:
        units = uS if celltype.conductance_based else nA
    projection.synapse_type._set_target_type(units)
    context = {"syn_var": celltype.post_synaptic_variables[projection.receptor_type],
               "weight_units": basic_units(units)}
    return projection.synapse_type.eqs % context, projection.synapse_type.pre % context
