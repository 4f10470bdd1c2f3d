"""NEST 3 through ``pyNN.nest``.

- The banner is switched off with ``PYNEST_QUIET`` before NEST is imported; the
  deprecation warnings NEST raises for PyNN's calls, and PyNN's attempt to build its
  NEST extensions, are silenced.
- Spikes are grid-based (``spike_precision="on_grid"``, i.e. ``iaf_psc_exp``), the
  zoo's declared semantics; PyNN's default would be NEST's precise-timing models.
"""
from __future__ import annotations

import contextlib

import os

import numpy as np

from ...declarations.numerics import Scheme
from . import nestml_build
from ..base import (ADEX_AT_CROSSING, GRID_THRESHOLD, IZHIKEVICH_CUT, NO_SPIKES, PEAK_DETECTION, SPIKE_RESPONSE,
                    Backend, CellRecord,
                    silence_pynn_logger)

_EXACT = Scheme("exact", note="exact propagator of the linear subthreshold dynamics (Rotter & Diesmann 1999)")
#: NEST's izhikevich (default consistent_integration = true): one forward Euler step, both
#: derivatives from the state at the step's start. Its other setting (false), which NEST's
#: documentation calls the published one, is the network code of Izhikevich (2003): v in two
#: half steps, then u from the new v; figure1.m of Izhikevich (2004) uses neither (one full step
#: for v, then u from the new v). Not selectable through PyNN (tests/zoo/models/test_izhikevich_schemes.py).
_IZHIKEVICH_EULER = Scheme("forward_euler", order=1,
                           note="izhikevich, consistent_integration = true: forward Euler (v and u from the "
                                "step's start); the 2003 scheme (false) is not used")
#: NEST's HH models: GSL's RKF45 inside each step, absolute error of v at 1e-3 mV.
_RKF45 = Scheme("adaptive_rkf45", step_error_mv=1e-3, note="GSL RKF45 within each step, abs. error 1e-3 mV")
#: NEST's aeif_cond_exp (PyNN's EIF_cond_exp_isfa_ista): GSL RKF45 at its default gsl_error_tol,
#: 1e-6 absolute per internal step (of V in mV and w in pA), v capped at V_peak in the equations.
_AEIF_RKF45 = Scheme("adaptive_rkf45", step_error_mv=1e-6,
                     note="aeif_cond_exp: GSL RKF45, abs. error 1e-6 (gsl_error_tol), V_peak tested at every "
                          "internal step")


def _one_process_recorder_class(pynn) -> type:
    """PyNN's NEST ``Recorder``, told that every node is local when NEST runs in one process
    (this wheel has no MPI). PyNN's ``record`` asks NEST whether each recorded node is local,
    one status query per neuron: 1.3 s of a full Brunel build's 6 (12,500 neurons, profiled)."""
    import nest
    from pyNN.nest.recording import Recorder

    class OneProcessRecorder(Recorder):
        def record(self, variables, ids, sampling_interval=None, locations=None):
            if nest.NumProcesses() != 1:
                return super().record(variables, ids, sampling_interval, locations)
            ids = list(ids)
            with _all_local(type(ids[0]) if ids else None):
                return super().record(variables, ids, sampling_interval, locations)

    return OneProcessRecorder


@contextlib.contextmanager
def _all_local(id_class):
    """Within it, PyNN's NEST IDs answer ``local`` (a property that asks NEST) with True."""
    owner = next((c for c in getattr(id_class, "__mro__", ()) if "local" in vars(c)), None)
    if owner is None:
        yield
        return
    saved = vars(owner)["local"]
    owner.local = True
    try:
        yield
    finally:
        owner.local = saved




@contextlib.contextmanager
def _one_process_node_queries():
    """Within it, a NEST NodeCollection answers ``local`` with all True and ``tolist`` from its
    IDs alone, as they are in one process (this wheel has no MPI). NEST answers both from
    every node's whole status: 0.35 s of PyNN's 0.55 s to create Brunel's 12,500 neurons
    and set their initial potentials (profiled), where the IDs alone take 1 ms."""
    import nest

    collection = nest.NodeCollection
    if nest.NumProcesses() != 1 or "local" in vars(collection):  # several processes, or already within
        yield
        return
    own_tolist = vars(collection)["tolist"]
    # NEST's answer's shape: True for one node, a tuple of flags for more (otherwise __getattr__'s status query)
    collection.local = property(lambda self: True if len(self) == 1 else (True,) * len(self))
    collection.tolist = lambda self: list(self._to_array("all")["All"])
    try:
        yield
    finally:
        del collection.local
        collection.tolist = own_tolist

def _node_ids(ids: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """NEST node IDs of population ``indices``: an offset where the population's IDs are
    consecutive (one pass over 15.6 M synapses, where a gather costs twice as long)."""
    if ids.size and ids[-1] - ids[0] == ids.size - 1 and np.all(np.diff(ids) == 1):
        return indices + ids[0]
    return ids[indices]

class NestBackend(Backend):
    name = "nest"
    distribution = "nest-simulator"
    modules = ("nest", "pyNN.nest")
    spike_report_offset_steps = 0
    source_files = ("nestml/*.nestml",)
    #: NEST's default tic (ms); a step that is not a whole number of them (0.0625 ms, a
    #: convergence run of a 0.25 ms step) gets a finer tic, 1/(1000·2^k) ms (:func:`tics_per_ms`).
    #: The resolution must be a multiple of the finest: 0.001/2^10 ms.
    DEFAULT_TICS_PER_MS = 1000
    MAX_TIC_HALVINGS = 10
    #: SRM_curr_exp comes from NESTML (``nestml_build``), when NESTML is installed
    unavailable_cell_types = {} if nestml_build.available() else {
        "SRM_curr_exp": "NEST has no built-in neuron whose spike discards the pending synaptic currents "
                        "(the EPSPs in flight); the zoo builds one with NESTML, which is not installed here "
                        "(make setup installs it)",
        "IzhikevichGeneral": "NEST's izhikevich hard-codes 0.04v² + 5v + 140 and u' = a(bv - u); the zoo builds "
                             "the general one with NESTML, which is not installed here (make setup installs it)",
    }

    #: NEST's Hodgkin-Huxley neurons lose every spike when the membrane relaxes faster than
    #: this (1/ms): their GSL RKF45 lost every spike at (ḡ_Na + ḡ_K + g_L)/C = 1.6e6 and
    #: 2.6e6/ms (classic and Traub-Miles cells at cm = 1e-5 nF) and fired as NEURON does at
    #: 1.6e5 and 2.6e5/ms (cm = 1e-4 nF); measured at dt = 0.01 ms.
    MAX_HH_MEMBRANE_RATE_PER_MS = 3e5
    _HH_LIMIT = (f"(gbar_Na + gbar_K + g_leak)/cm at most {MAX_HH_MEMBRANE_RATE_PER_MS:g}/ms: the adaptive RKF45 "
                 "loses every spike beyond")

    cell_types = {
        "IF_curr_exp": CellRecord(_EXACT, GRID_THRESHOLD),  # PyNN's: iaf_psc_exp (on_grid)
        "IF_curr_delta": CellRecord(_EXACT, GRID_THRESHOLD, "cells:IF_curr_delta"),  # iaf_psc_delta, v mapped
        "IF_cond_exp": CellRecord(Scheme("adaptive_rkf45", step_error_mv=1e-3,
                                         note="iaf_cond_exp: GSL RKF45, abs. error 1e-3"), GRID_THRESHOLD),
        "SRM_curr_exp": CellRecord(Scheme("exact", note="NESTML neuron, exact propagator in its well-conditioned "
                                                        "form"), SPIKE_RESPONSE, "cells:SRM_curr_exp"),
        "HH_curr_alpha": CellRecord(_RKF45, PEAK_DETECTION, "cells:HH_curr_alpha", limit=_HH_LIMIT),
        "HH_cond_exp": CellRecord(_RKF45, PEAK_DETECTION, limit=_HH_LIMIT),  # PyNN's: hh_cond_exp_traub
        "MultiCompartmentNeuron": CellRecord(Scheme("crank_nicolson", order=2,
                                                    note="cm_default: Crank-Nicolson cable, exponential-Euler gates"),
                                             NO_SPIKES),  # multicompartment.py
        "EIF_cond_exp_isfa_ista": CellRecord(_AEIF_RKF45, ADEX_AT_CROSSING),  # PyNN's: aeif_cond_exp
        # PyNN's: izhikevich, with NEST's default consistent_integration = true
        "Izhikevich": CellRecord(_IZHIKEVICH_EULER, IZHIKEVICH_CUT),
        "IzhikevichGeneral": CellRecord(_IZHIKEVICH_EULER, IZHIKEVICH_CUT, "cells:IzhikevichGeneral"),
    }

    @classmethod
    def check_values(cls, cell_types, values: dict, dt_ms: float) -> None:
        """A Hodgkin-Huxley membrane faster than NEST's RKF45 follows
        (:data:`MAX_HH_MEMBRANE_RATE_PER_MS`) is refused."""
        hh = [name for name in cell_types if name in ("HH_curr_alpha", "HH_cond_exp")]
        if not hh:
            return
        conductance = sum(np.asarray(values[name], dtype=float) for name in ("gbar_Na", "gbar_K", "g_leak"))
        rate = conductance / np.asarray(values["cm"], dtype=float)
        if np.any(rate > cls.MAX_HH_MEMBRANE_RATE_PER_MS):
            raise ValueError(
                f"on nest this {hh[0]} cell is too stiff: (gbar_Na + gbar_K + g_leak)/cm = {float(np.max(rate)):.4g}/ms, "
                f"above the {cls.MAX_HH_MEMBRANE_RATE_PER_MS:g}/ms its adaptive RKF45 follows (it loses every spike); "
                "raise cm, or run it on neuron")

    def _import_pynn(self):
        os.environ.setdefault("PYNEST_QUIET", "1")
        # NEST's threads wait for each other at every step. libgomp's default makes a waiting
        # thread spin for a while first, which on a machine shared with other work (a sweep's
        # other Dask worker, the other test worker) takes the core from the thread it waits
        # for: masquelier2008 with 2 threads beside one busy process took 54.7 s unset and
        # 2.95 s PASSIVE; alone, 14.0 s and 1.68 s (2 s simulated, 2 cores, measured with
        # benchmarks/nest_threads.py). Read when NEST's library loads; a user's setting stays.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        silence_pynn_logger()
        import pyNN.nest

        return pyNN.nest

    def _tracked_population_class(self):
        """PyNN's Population, whose spike sources receive their spike times just before
        the first run.

        PyNN creates a ``SpikeSourceArray`` with its spike times, then reads the nodes'
        ``local`` flags and IDs, and a Projection reads the IDs again; NEST answers each
        such query with the nodes' whole status, spike times included: 14 s for the 57
        million input spikes of a 450 s ``masquelier2008`` run (measured). Created empty,
        the sources get the same times at once when the run starts, through the hook
        PyNN's ``run`` calls for the populations it must finish then (its parrot
        connections)."""
        from pyNN.parameters import Sequence

        from .cells import SpikeSourceArray

        class Population(super()._tracked_population_class()):
            __doc__ = self.pynn.Population.__doc__
            _recorder_class = _one_process_recorder_class(self.pynn)

            def __init__(self, *args, **kwargs):
                with _one_process_node_queries():  # creating the cells, setting their initial values
                    super().__init__(*args, **kwargs)

            def _create_cells(self):
                if not isinstance(self.celltype, SpikeSourceArray):
                    return super()._create_cells()
                space = self.celltype.parameter_space
                space.shape = (self.size,)
                space.evaluate(simplify=False)
                given = space["spike_times"]
                space.update(spike_times=self.celltype.default_parameters["spike_times"])
                try:
                    super()._create_cells()
                finally:
                    space.update(spike_times=given)
                    space.evaluate(simplify=False)
                trains = [given] * self.size if isinstance(given, Sequence) else list(given)
                self._zoo_spike_times = [np.asarray(times.value, dtype=float) for times in trains]
                self._deferred_parrot_connections = True   # PyNN's run calls the hook below

            def _connect_parrot_neurons(self):
                pending = getattr(self, "_zoo_spike_times", None)
                if pending is None:
                    return super()._connect_parrot_neurons()
                self.node_collection.set([{"spike_times": times} for times in pending])
                self._zoo_spike_times = None
                self._deferred_parrot_connections = False

            # what reads or sets parameters before the run (the population, or a view, which
            # a cell's parameters go through) sees the given times first
            def _flush_spike_times(self):
                if getattr(self, "_zoo_spike_times", None) is not None:
                    self._connect_parrot_neurons()

            def _get_parameters(self, *names):
                self._flush_spike_times()
                return super()._get_parameters(*names)

            def _set_parameters(self, parameter_space):
                self._flush_spike_times()
                return super()._set_parameters(parameter_space)

            def _get_view(self, selector, label=None):
                self._flush_spike_times()
                return super()._get_view(selector, label)

        return Population

    @classmethod
    def check_timing(cls, dt_ms: float, duration_ms: float) -> None:
        super().check_timing(dt_ms, duration_ms)
        cls.tics_per_ms(dt_ms)

    @classmethod
    def tics_per_ms(cls, dt_ms: float) -> int:
        """NEST's tics per ms for a step of ``dt_ms``: its default 1000 where dt is a whole
        number of them (every step of the zoo's protocols), else the fewest 1000·2^k that
        make it one (the kernel's tic changes nothing else on the grid)."""
        for k in range(cls.MAX_TIC_HALVINGS + 1):
            tics = cls.DEFAULT_TICS_PER_MS * 2**k
            if abs(dt_ms * tics - round(dt_ms * tics)) <= 1e-9 * max(1.0, dt_ms * tics):
                return tics
        raise ValueError(f"dt ({dt_ms:g} ms) must be a multiple of 0.001 ms, or of 0.001 ms / 2^k up to "
                         f"k = {cls.MAX_TIC_HALVINGS} (0.25 ms / 4 = 0.0625 ms is), on nest")

    @staticmethod
    @contextlib.contextmanager
    def _tics(tics: int):
        """PyNN's setup resets NEST's kernel (back to 1000 tics per ms), then sets the
        resolution: the tic is set right after the reset, with the default resolution."""
        from pyNN.nest import simulator

        import nest

        if tics == NestBackend.DEFAULT_TICS_PER_MS:
            yield
            return
        clear = simulator.state.clear

        def clear_then_set_tics():
            clear()
            nest.set(tics_per_ms=tics, resolution=nest.resolution)

        simulator.state.clear = clear_then_set_tics
        try:
            yield
        finally:
            del simulator.state.clear  # the class's own method again

    def setup(self, dt_ms: float, seed: int, threads: int = 1, duration_ms: float | None = None,
              whole_run: bool = False):
        """PyNN's setup resets NEST's kernel, which unloads modules, and NEST loads one only
        before any node exists: the zoo's NESTML neurons are installed at once (built
        first if not yet cached). A step off NEST's default tic sets a finer one first."""
        with self._tics(self.tics_per_ms(dt_ms)):
            sim = super().setup(dt_ms, seed, threads, duration_ms, whole_run)
        self._unlabelled = {}  # the kernel's bulk projections without a label: {copy: [(pre IDs, post IDs)]}
        if nestml_build.available():
            with self.quiet():
                nestml_build.install()
        return sim

    def _compartmental_population_class(self) -> type:
        from .multicompartment import NestCompartmentalPopulation

        return NestCompartmentalPopulation

    def _synapse_types(self) -> dict:
        from . import plasticity, projections

        return {**plasticity.PLASTICITY_TYPES, "Projection": projections.Projection}

    def _extra_types(self) -> dict:
        from .cells import SpikeSourceArray

        return {"SpikeSourceArray": SpikeSourceArray}

    def _setup_kwargs(self, dt_ms: float, seed: int, threads: int = 1) -> dict:
        return {"spike_precision": "on_grid", "rng_seed": int(seed), "verbosity": "error", "threads": int(threads)}

    def _inject_grid_current(self, population, first_step, amplitudes, dt_ms, rows):
        """One ``step_current_generator`` per waveform, connected to the neurons that
        receive it. A generator's change at t reaches its neuron through a
        connection of one step's delay, so each value is set one step before the step it
        acts in; only changes are given (pA)."""
        import nest

        generators = nest.Create("step_current_generator", len(amplitudes))
        steps = amplitudes.shape[1]
        times = np.round((first_step - 1 + np.arange(steps + 1)) * dt_ms, 9)
        settings = []
        for row in amplitudes:
            values = np.append(row, 0.0) * 1000.0
            changed = np.flatnonzero(np.diff(values, prepend=0.0) != 0.0)
            settings.append({"amplitude_times": times[changed].tolist(), "amplitude_values": values[changed].tolist()})
        generators.set(settings)
        if len(amplitudes) == 1:
            nest.Connect(generators, population.node_collection, "all_to_all", syn_spec={"delay": dt_ms})
        elif np.array_equal(rows, np.arange(population.size)):
            nest.Connect(generators, population.node_collection, "one_to_one", syn_spec={"delay": dt_ms})
        else:  # NEST's array path takes a weight and a delay per connection
            sources = np.asarray(generators.tolist(), dtype=np.int64)[rows]
            targets = np.asarray(population.all_cells, dtype=np.int64)
            nest.Connect(sources, targets, "one_to_one",
                         syn_spec={"weight": np.ones(targets.size), "delay": np.full(targets.size, dt_ms)})

    @staticmethod
    def _native_weight(population, weight: float, receptor_type: str) -> float:
        """A PyNN weight in NEST's units (pA, nS, or mV for delta synapses), inhibitory
        conductances negative, as PyNN's projections give it."""
        celltype = population.celltype
        if receptor_type == "inhibitory" and population.conductance_based:
            weight = -weight
        return weight * getattr(celltype, "receptor_scale", 1.0)

    def _connect_arrays(self, projection, sources, targets):
        """One ``nest.Connect`` of two arrays of node IDs (one-to-one, repeats allowed):
        NEST's bulk path, where PyNN's connects neuron by neuron."""
        import nest

        from ..networks import single_value

        if projection.receptor_type not in ("excitatory", "inhibitory"):
            raise NotImplementedError("FromArraysConnector connects PyNN's standard receptors on NEST")
        weight = self._native_weight(projection.post, single_value(projection, "weight"), projection.receptor_type)
        # node IDs from PyNN's own array of them (NodeCollection.tolist asks NEST: 55 ms a call
        # for 12,500 nodes, eight calls in a Brunel build)
        pre_ids = np.asarray(projection.pre.all_cells, dtype=np.int64)
        post_ids = np.asarray(projection.post.all_cells, dtype=np.int64)
        pre, post = _node_ids(pre_ids, sources), _node_ids(post_ids, targets)
        # the weight and delay as defaults of a copy of the projection's synapse model: NEST's
        # array path then sets nothing per synapse (arrays of 15.6 M values cost a third of the build).
        # One copy per (model, weight, delay), shared by projections that agree (Brunel's E->E and
        # E->I): each synapse model is a separate connection table that every spike is sent and
        # delivered to, so 4 copies instead of 2 made each spike two deliveries. The projections
        # stay apart by their targets (E->E, E->I), or by a synapse_label (_unlabelled_base).
        delay = single_value(projection, "delay")
        labelled = projection.nest_synapse_model
        base = self._unlabelled_base(labelled, weight, delay, pre_ids, post_ids)
        model = f"{base}_zoo_{weight!r}_{delay!r}"
        if model not in nest.synapse_models:
            nest.CopyModel(base, model, {"weight": weight, "delay": delay})
        projection.nest_synapse_model = model
        if base == labelled:
            nest.Connect(pre, post, "one_to_one", {"synapse_model": model, "synapse_label": projection.nest_synapse_label})
        else:
            projection.nest_synapse_label = None  # PyNN's queries then filter by sources, targets and model
            self._unlabelled.setdefault(model, []).append((pre_ids, post_ids))
            nest.Connect(pre, post, "one_to_one", {"synapse_model": model})
        used = np.zeros(pre_ids.size, dtype=bool)  # PyNN's set of source IDs: a mask, not np.unique's sort
        used[sources] = True
        projection._sources.update(pre_ids[used].tolist())
        self.pynn.simulator.state.stale_connection_cache = True

    def _unlabelled_base(self, labelled: str, weight: float, delay: float, pre_ids: np.ndarray,
                         post_ids: np.ndarray) -> str:
        """The NEST model a bulk projection's copy is made from: PyNN's labelled one
        (``static_synapse_lbl``), or its unlabelled original where the projection's
        connections can be found without a label: no earlier unlabelled projection of the
        same copy (model, weight, delay) joins any of its source cells to any of its
        targets. A label is a field of every connection: the full Brunel network built
        0.3-1.0 s slower with them (``benchmarks/brunel_nest_variants.py``), for
        connections PyNN finds as well by their sources, targets and model."""
        import nest

        base = labelled[:-len("_lbl")] if labelled.endswith("_lbl") else labelled
        if base == labelled or base not in nest.synapse_models:
            return labelled
        for pre, post in self._unlabelled.get(f"{base}_zoo_{weight!r}_{delay!r}", ()):
            if np.intersect1d(pre, pre_ids).size and np.intersect1d(post, post_ids).size:
                return labelled
        return base

    def _slice_unit_steps(self) -> int:
        """NEST's minimum delay in steps. Each thread has one random generator, which
        its devices (a ``poisson_generator`` per population) draw from in turn, for one
        stretch of the run at a time: stretches of one ``min_delay``, or shorter where a
        ``Run`` ends inside one. A run cut elsewhere than at whole minimum delays draws
        the same numbers in another order (PyNN issue #411; ``benchmarks/nest_slices.py``
        shows it on a Brunel network)."""
        return max(1, int(round(float(self.pynn.simulator.state.min_delay) / float(self.pynn.get_time_step()))))

    @contextlib.contextmanager
    def _slices(self):
        """One ``Prepare`` for the whole sliced run, a ``Run`` per slice, one ``Cleanup``
        (NEST's ``RunManager`` pattern), where PyNN's ``run`` calls ``Simulate``, which
        prepares and cleans up every time (``benchmarks/nest_slices.py``: 0.46 s of a
        1 s full Brunel run in slices). PyNN's own bookkeeping before a
        run is kept: its ``run(0)`` connects recorders and parrots, and its first run
        goes one ``min_delay`` past the end so the recorders hold every spike. (When each
        slice was a ``Simulate``, cm_default restarted its cable solution at every one: a
        300 ms cable run in slices differed by up to 1.35 mV from one run; within one
        ``Prepare`` it is identical, ``tests/zoo/backends/test_progress.py``.)"""
        import nest

        state = self.pynn.simulator.state
        state.run(0.0)
        extra = [0.0 if state.running else state.min_delay]
        state.running = True

        def advance(ms: float) -> None:
            nest.Run(ms + extra.pop() if extra else ms)

        nest.Prepare()
        try:
            yield advance
        finally:
            nest.Cleanup()

    def _inject_poisson_drive(self, population, drive):
        """One ``poisson_generator`` to every neuron (it draws each target's own train), with
        the shortest delay of the network connected so far (as NEST's Brunel example, whose
        noise takes the synapses' delay D), one step if none. A one-step delay set NEST's
        min_delay to dt: ten times as many communication rounds per simulated second as at
        D = 1.5 ms, each with the threads' barriers (20,000 against 1,400 thread sleeps and
        wake-ups a simulated second, measured). The train is stationary: only the first
        delay - dt ms of the run are without drive."""
        import nest

        weight = self._native_weight(population, drive.weight * 1000.0, drive.receptor_type)  # nA, uS -> pA, nS
        delay = float(self.pynn.get_time_step())
        if nest.GetKernelStatus("num_connections"):
            delay = max(delay, float(nest.GetKernelStatus("min_delay")))
        generator = nest.Create("poisson_generator", params={"rate": drive.rate_hz})
        nest.Connect(generator, population.node_collection, "all_to_all", {"weight": weight, "delay": delay})

    @property
    def version(self) -> str:
        import nest

        return str(nest.__version__)
