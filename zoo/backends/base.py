"""What every backend provides; the semantics every backend follows.

**Spike timing (all backends).** Time advances in steps of ``dt``. A spike is
detected at the end of the step during which the membrane potential reached
threshold (``v >= v_thresh``) and is reported at that grid time; the potential is
then clamped at ``v_reset`` for ``tau_refrac/dt`` steps (models require
``tau_refrac`` to be a whole number of steps: NEST rounds it up, Brian2 down). This
is NEST's grid-based ``iaf_psc_exp``; the Brian2 backend is adjusted to follow it
exactly.

**The sample of v at a spike's step.** NEST and Brian2 record v_reset there; NEURON
records the potential that crossed threshold, since it delivers the reset event at the
start of the next step (``records_reset_at_spike_step``). Every other sample, and the
spike times, are the same.

**Input arrival (all backends).** A spike that arrives at a neuron at t (sent at
t − d) is added to its synaptic input before the step from t is integrated (NEST's
order; the Brian2 backend runs its pathways at d − dt to match). NEURON adds it at the
same step, but into a synaptic current it integrates at half steps, so each event
delivers exp(dt/(2·tau_syn)) times the exact charge (2 % at dt 0.1 ms, tau_syn 2.5 ms;
:meth:`Backend.synaptic_charge_factor`): first order in dt, and declared, not hidden.

**Spike sources (all backends).** A source spike at t is delivered at the end of its
step, ceil(t/dt)·dt. A spike whose step ends at or after the end of the run, T, is
dropped when the source is created: it can reach no neuron within the run, yet NEST
would still update a plastic weight with it while Brian2 never sends it.

**Grid currents (all backends).** ``GridCurrentSource`` (:mod:`zoo.backends.grid_current`):
the k-th value of a waveform starting at t0 acts during (t0 + k·dt, t0 + (k+1)·dt], as a
constant current over that step, from t0 >= 2·dt on.

**Numerics.** Each backend declares, per cell type, how it integrates it
(:attr:`Backend.numerics`, :class:`zoo.declarations.numerics.Scheme`); tolerances are
derived from these declarations.
"""
from __future__ import annotations

import contextlib
import importlib
import logging
import math
import os
import sys
import time
import warnings
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np

from ..declarations.numerics import Scheme
from . import multicompartment
from .grid_current import grid_current_source_class
from .networks import from_arrays_connector_class, poisson_drive_class

#: Longest run accepted (ms): 1e8 ms is 28 hours of model time.
MAX_DURATION_MS = 1e8


#: Spike rules a cell record declares (what the tolerances and the docs read).
GRID_THRESHOLD = ("v >= v_thresh tested at the end of each step, the spike reported there; v clamped at v_reset "
                  "for tau_refrac (zoo.backends.base)")
PEAK_DETECTION = ("the first step at which v is at or above a level and falls (the peak), the spike reported "
                  "there; detection paused for tau_refrac")
SPIKE_RESPONSE = ("v >= v_thresh tested at the end of each step, the spike reported there; then v jumps to "
                  "v_reset, pending synaptic currents are discarded and the after-potential starts (SRM_curr_exp)")
NO_SPIKES = "no spike rule: the model's measures are read from v"
#: The AdEx's spike rules (issue 33). The zoo's semantics: one spike per crossing of v_spike,
#: reported at the end of the step that holds the crossing (T); v = v_reset and w += b at the
#: crossing; v held at v_reset until T + tau_refrac (NEST ``aeif_cond_exp``'s, which the zoo's
#: reference solution follows: ``zoo.declarations.reference``). The rules below say where a
#: backend departs from it.
ADEX_AT_CROSSING = ("v >= v_spike tested after every internal step of the adaptive integrator: v = v_reset and "
                    "w += b there, inside the time step (the crossing, to the integrator's step); the spike "
                    "reported at the end of that step (T); v held at v_reset until T + tau_refrac. With tau_refrac = "
                    "0 each crossing is a spike, even several in one step (nest-simulator #3088), all reported at T")
ADEX_AT_STEP_END = ("v >= v_spike tested at the end of each step: the spike reported there (T), and v = v_reset, "
                    "w += b there, up to one step after the crossing (first order in dt); v held at v_reset until "
                    "T + tau_refrac; at most one spike per step")
IZHIKEVICH_CUT = ("v >= 30 mV tested at the end of each step, the spike reported there; then v = c and u += d "
                  "(no refractory period)")


@dataclass(frozen=True)
class CellRecord:
    """How one backend runs one cell type, in one place: its ``translation``
    (``"module:attribute"`` in the backend's package, imported with the simulator; None:
    PyNN's own cell type of that name), its integration ``scheme`` (with the error bound the
    tolerances derive from), its ``spike_rule`` (:data:`GRID_THRESHOLD`, ...) and, where the
    simulator cannot follow every value the zoo allows, the ``limit`` it sets (enforced by
    :meth:`Backend.check_values`, printed by ``zoo show``)."""

    scheme: Scheme
    spike_rule: str
    translation: str | None = None
    limit: str = ""


class Backend:
    """One simulator reached through PyNN. Subclasses fill in the hooks and declare one
    :class:`CellRecord` per cell type they run (:attr:`cell_types`); ``numerics`` and
    ``value_limits`` are read from those records."""

    name: str = ""
    #: The simulator's PyPI distribution (its version is read without importing it).
    distribution: str = ""
    #: Python modules whose import means this simulator is loaded in the process.
    modules: tuple[str, ...] = ()
    #: Steps to add to the simulator's recorded spike times to report them at the end
    #: of the detection step (see module docstring).
    spike_report_offset_steps: int = 0
    #: Steps the simulator runs past the end so that a spike of the last step is
    #: reported; samples and spikes after the end are dropped (:meth:`report_spikes`).
    steps_past_end: int = 0
    #: The sample of v at a spike's step reads v_reset (else the value that crossed
    #: threshold: the module docstring).
    records_reset_at_spike_step: bool = True
    #: The simulator's spike times are grid times with round-off (a clock that adds dt
    #: step after step): report them at the grid time they stand for, round(t/dt)·dt.
    spike_times_accumulate_round_off: bool = False
    #: The finest time grid the simulator supports, in ms (None: no constraint).
    time_grid_ms: float | None = None
    #: Most threads one simulation may use (None: no limit).
    max_threads: int | None = None
    #: Peak memory per synapse of a network built through this backend (bytes): the
    #: simulator's connection, what PyNN keeps of it and the zoo's drawn arrays, for the
    #: memory estimate of network models (``zoo.runner.memory_estimate_gib``). Measured as
    #: (peak − after import)/synapses of a full brunel2000 run: 94 on NEST, 99 on Brian2.
    bytes_per_synapse: float = 105.0
    #: The largest network (synapses) this simulator is given, and why (None: no limit but
    #: memory); a larger one is refused before it is built (:meth:`check_network`).
    max_synapses: int | None = None
    max_synapses_reason: str = ""
    #: The fraction of a large network's full size that this simulator runs in a study of
    #: minutes (``zoo.models.brunel2000.studies``: Fig. 8's four states).
    network_study_scale: float = 1.0
    #: Zoo cell types this simulator cannot express: name -> reason.
    unavailable_cell_types: dict[str, str] = {}
    #: Every cell type this simulator runs: name -> :class:`CellRecord`.
    cell_types: dict[str, CellRecord] = {}
    #: How this simulator integrates each cell type it runs (tolerances read it); from :attr:`cell_types`.
    numerics: dict[str, Scheme] = {}
    #: Parameter values of a cell type this simulator refuses (:meth:`check_values`): name -> the
    #: limit and why; from :attr:`cell_types`.
    value_limits: dict[str, str] = {}
    #: Files besides Python modules that the simulator's translation is made of
    #: (mechanisms, neuron descriptions), as globs in this backend's folder: part of the
    #: code version of its rows (``explorer.code_version``).
    source_files: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.numerics = {name: record.scheme for name, record in cls.cell_types.items()}
        cls.value_limits = {name: record.limit for name, record in cls.cell_types.items() if record.limit}

    def __init__(self) -> None:
        self._populations: list = []
        self._duration_ms: float | None = None
        with self.quiet():
            self.pynn = self._import_pynn()
            self.sim = self._namespace()

    # -- hooks -------------------------------------------------------------------
    def _import_pynn(self):
        raise NotImplementedError

    def _cell_types(self) -> dict:
        """The translations of :attr:`cell_types` (imported now, with the simulator), and
        what else the backend lays over PyNN's namespace (:meth:`_extra_types`). A record's
        module is relative to the package of the class that declares the records, so a
        subclass elsewhere (a user's variant of a backend) inherits them."""
        declaring = next(cls for cls in type(self).__mro__ if "cell_types" in vars(cls))
        package = declaring.__module__.rpartition(".")[0]
        translations = {}
        for name, record in self.cell_types.items():
            if record.translation is not None:
                module, attribute = record.translation.split(":")
                translations[name] = getattr(importlib.import_module(f"{package}.{module}"), attribute)
        return {**translations, **self._extra_types()}

    def _extra_types(self) -> dict:
        """PyNN classes other than cell types that the backend replaces (spike sources)."""
        return {}

    def _synapse_types(self) -> dict:
        """Zoo plasticity rules, and the PyNN classes (synapse types, Projection) that
        carry them or the zoo's spike-timing semantics, on this backend."""
        return {}

    def _setup_kwargs(self, dt_ms: float, seed: int, threads: int = 1) -> dict:
        return {}

    def _seed(self, seed: int) -> None:
        """Seed the simulator's own random numbers."""

    @property
    def version(self) -> str:
        raise NotImplementedError

    # -- shared --------------------------------------------------------------------
    @classmethod
    def check_timing(cls, dt_ms: float, duration_ms: float) -> None:
        """Raise ValueError for a time step or duration the simulator cannot honour."""
        if not (math.isfinite(dt_ms) and dt_ms > 0):
            raise ValueError(f"dt must be a finite number > 0 ms, got {dt_ms:g} ms")
        if not (math.isfinite(duration_ms) and duration_ms > 0):
            raise ValueError(f"duration must be a finite number > 0 ms, got {duration_ms:g} ms")
        if duration_ms > MAX_DURATION_MS:
            raise ValueError(f"duration must be at most {MAX_DURATION_MS:g} ms, got {duration_ms:g} ms")
        steps = duration_ms / dt_ms
        if abs(steps - round(steps)) > 1e-9 * max(1.0, steps):
            raise ValueError(f"duration ({duration_ms:g} ms) must be a whole number of time steps (dt = {dt_ms:g} ms)")
        if cls.time_grid_ms is not None:
            ticks = dt_ms / cls.time_grid_ms
            if abs(ticks - round(ticks)) > 1e-9 * max(1.0, ticks):
                raise ValueError(
                    f"dt ({dt_ms:g} ms) must be a multiple of {cls.time_grid_ms:g} ms on {cls.name}"
                )

    @classmethod
    def check_settings(cls) -> None:
        """Raise ValueError for a bad backend setting in the environment."""

    @classmethod
    def check_values(cls, cell_types, values: dict, dt_ms: float) -> None:
        """Raise ValueError, before any simulation, for parameter values (PyNN names, scalars
        or per-neuron arrays) of these cell types that this simulator cannot integrate at
        ``dt_ms``: a limit of its declared scheme, stated with the reason."""

    @classmethod
    def check_network(cls, model, values: dict) -> None:
        """ValueError if ``model`` (a network) at ``values`` has more synapses than
        :attr:`max_synapses`."""
        count = model.simulation.synapse_count
        if cls.max_synapses is None or count is None:
            return
        synapses = int(count(values))
        if synapses > cls.max_synapses:
            raise ValueError(f"{model.name} at these values has {synapses:,} synapses; {cls.name} runs networks of at "
                             f"most {cls.max_synapses:,} ({cls.max_synapses_reason}): lower the network's size, "
                             f"or choose another simulator")

    @classmethod
    def batches_seeds(cls, dt_ms: float, duration_ms: float, whole_run: bool) -> bool:
        """Whether copies of a network (one per seed of a model whose seed only selects
        its input) run in one simulation faster than one after another, for a run of
        ``duration_ms`` at ``dt_ms`` (``whole_run``: the model allows whole-run
        compilation); the explorer then batches a sweep's seeds. No backend does, as
        measured on masquelier2008 (``benchmarks/seeds.py``, 4 seeds of 60 s): NEST took
        2.8 times as long together (8000 source nodes cost 13 times what 2000 cost per
        step, not 4), Brian2 compiled whole 1.3 times, Brian2's runtime loop 2.4 times
        (4 seeds of 5 s). A backend that gains overrides this."""
        return False

    @classmethod
    def check_threads(cls, threads) -> int:
        """``threads`` as an int; ValueError if this simulator cannot use that many."""
        if isinstance(threads, bool) or not isinstance(threads, (int, np.integer)) or threads < 1:
            raise ValueError(f"threads must be a whole number >= 1, got {threads!r}")
        if cls.max_threads is not None and threads > cls.max_threads:
            raise ValueError(f"{cls.name} runs at most {cls.max_threads} thread(s) per simulation through PyNN, "
                             f"got threads={threads}")
        return int(threads)

    @classmethod
    def check_cell_types(cls, names, model: str) -> None:
        """Raise ValueError if model ``model`` needs a cell type this simulator lacks."""
        for name in names:
            if name in cls.unavailable_cell_types:
                raise ValueError(f"model {model!r} cannot run on {cls.name}: its cell type {name} is not "
                                 f"available there ({cls.unavailable_cell_types[name]})")

    @staticmethod
    @contextlib.contextmanager
    def quiet():
        """Keep the user's terminal clean while a simulator is imported or run."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield

    def _namespace(self) -> SimpleNamespace:
        """PyNN's module API with the zoo's cell types laid over it."""
        names = {name: getattr(self.pynn, name) for name in dir(self.pynn) if not name.startswith("_")}
        names.update(self._cell_types())
        names.update(self._synapse_types())
        names["Population"] = self._tracked_population_class()
        names["SpikeSourceArray"] = self._spike_source_class(names["SpikeSourceArray"])
        names["multicompartment"] = multicompartment
        names["GridCurrentSource"] = grid_current_source_class(self)
        names["FromArraysConnector"] = from_arrays_connector_class(self)
        names["PoissonDrive"] = poisson_drive_class(self)
        return SimpleNamespace(**names)

    def _spike_source_class(self, base_class) -> type:
        """``SpikeSourceArray`` without the spikes a run cannot deliver (module docstring)."""
        backend = self

        class SpikeSourceArray(base_class):
            __doc__ = base_class.__doc__

            def __init__(self, spike_times=None, **parameters):
                if spike_times is not None and backend._duration_ms is not None:
                    spike_times = backend.within_run(spike_times)
                super().__init__(**({} if spike_times is None else {"spike_times": spike_times}), **parameters)

        return SpikeSourceArray

    def within_run(self, spike_times):
        """``spike_times`` (a Sequence, a list of them, or an array) without the spikes
        whose step ends at or after the end of the run."""
        from pyNN.parameters import Sequence

        dt_ms = self.pynn.get_time_step()
        last_step = round(self._duration_ms / dt_ms)

        def kept(times):
            values = np.asarray(times.value if isinstance(times, Sequence) else times, dtype=float)
            inside = self._delivery_times(values[np.ceil(values / dt_ms - 1e-9) < last_step], dt_ms)
            return Sequence(inside) if isinstance(times, Sequence) else inside

        if isinstance(spike_times, (list, tuple)) and spike_times and isinstance(spike_times[0], (Sequence, list,
                                                                                                  np.ndarray)):
            return [kept(times) for times in spike_times]
        return kept(spike_times)

    def synaptic_charge_factor(self, tau_syn_ms: float, dt_ms: float) -> float:
        """Charge an exponential current synapse (time constant ``tau_syn_ms``)
        delivers per event, relative to the exact w·tau_syn (module docstring)."""
        return 1.0

    def _delivery_times(self, spike_times_ms: np.ndarray, dt_ms: float) -> np.ndarray:
        """The times to give the simulator so that it delivers source spikes at the end
        of their step (module docstring): ceil(t/dt)·dt. From the times as given, NEST
        refused a time off the grid ("not representable"), Brian2 took the step that
        starts there (one step early) and NEURON the nearest step boundary."""
        return np.ceil(np.asarray(spike_times_ms) / dt_ms - 1e-9) * dt_ms

    def _inject_grid_current(self, population, first_step: int, amplitudes: np.ndarray, dt_ms: float,
                             rows: np.ndarray) -> None:
        """Inject ``amplitudes[rows[i], k]`` (nA) into neuron ``i`` during the step from
        (first_step + k)·dt (:mod:`zoo.backends.grid_current`); each row of ``amplitudes`` is
        one waveform, stored once where the simulator can share it."""
        raise NotImplementedError(f"no GridCurrentSource on {self.name}")

    def _connect_arrays(self, projection, sources: np.ndarray, targets: np.ndarray) -> None:
        """Connect ``sources[k]`` to ``targets[k]`` (:mod:`zoo.backends.networks`); PyNN's
        ``FromListConnector`` here, a backend's own bulk call where it has one."""
        self.pynn.FromListConnector(np.column_stack((sources, targets)).astype(float)).connect(projection)

    def _connect_nothing(self, projection) -> None:
        """A ``FromArraysConnector`` with no connection: nothing to do here."""

    def _inject_poisson_drive(self, population, drive) -> None:
        """An independent Poisson train into each neuron (:mod:`zoo.backends.networks`); PyNN's
        ``SpikeSourcePoisson`` and a one-to-one projection here (one step's delay)."""
        sources = self.sim.Population(population.size, self.pynn.SpikeSourcePoisson(rate=drive.rate_hz))
        self.sim.Projection(sources, population, self.pynn.OneToOneConnector(),
                            self.pynn.StaticSynapse(weight=drive.weight, delay=self.pynn.get_time_step()),
                            receptor_type=drive.receptor_type)

    def _compartmental_population_class(self) -> type:
        """This backend's translation of :mod:`zoo.backends.multicompartment`."""
        raise NotImplementedError(f"no multicompartment cells on {self.name}")

    def _tracked_population_class(self):
        """PyNN's Population, remembered so :meth:`end` can free it.

        A PyNN population holds its cells' IDs in a NumPy object array and each ID
        points back to the population; NumPy arrays are invisible to Python's cycle
        collector, so without help every population (and on Brian2 its groups and
        monitors) lives until the process ends.
        """
        backend = self

        class Population(self.pynn.Population):
            __doc__ = self.pynn.Population.__doc__

            def __new__(cls, size, cellclass, *args, **kwargs):
                if isinstance(cellclass, multicompartment.MultiCompartmentNeuron):
                    population_class = backend._compartmental_population_class()
                    return population_class(size, cellclass, backend.pynn.get_time_step())
                return super().__new__(cls)

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                backend._populations.append(self)

        return Population

    def setup(self, dt_ms: float, seed: int, threads: int = 1, duration_ms: float | None = None,
              whole_run: bool = False):
        """Start a fresh simulation; return the PyNN-like namespace models build with.
        ``duration_ms`` and ``whole_run`` (the model allows its run to be compiled
        whole, see ``ModelSpec.whole_run_compilation``) let a backend choose how to run."""
        with self.quiet():
            self.pynn.setup(timestep=dt_ms, **self._setup_kwargs(dt_ms, seed, threads))
            self._seed(seed)
        self._duration_ms = duration_ms
        return self.sim

    def run(self, duration_ms: float, progress: bool = False) -> None:
        """Run for ``duration_ms``, in slices of simulated time: Ctrl-C is answered
        between slices (a simulator's own loop may not check for it), and with
        ``progress`` a bar on stderr shows runs predicted to last longer than
        :data:`PROGRESS_AFTER_S`. Slicing changes no result (``tests/zoo/backends/test_progress.py``).
        A backend may run ``steps_past_end`` more steps (what follows is dropped)."""
        duration_ms = duration_ms + self.steps_past_end * float(self.pynn.get_time_step())
        with self.quiet():
            self._run_in_slices(duration_ms, progress)

    def _run_in_slices(self, duration_ms: float, progress: bool) -> None:
        """Two slices of 1 % (the first carries one-off costs: compilation, NEST's
        preparation), then, if the rest is predicted to last longer than
        :data:`PROGRESS_AFTER_S`, slices sized to take about :data:`PROGRESS_SLICE_S`
        under a bar (:data:`QUIET_SLICE_S` without one); else the rest in one go."""
        from tqdm import tqdm

        dt_ms = float(self.pynn.get_time_step())
        total = int(round(duration_ms / dt_ms))
        done, steps, slices, bar = 0, max(1, total // 100), 0, None
        try:
            with self._slices() as advance:
                unit = self._slice_unit_steps()
                while done < total:
                    steps = min(-(-steps // unit) * unit, total - done)
                    started = time.perf_counter()
                    advance(steps * dt_ms)
                    elapsed = max(time.perf_counter() - started, 1e-6)
                    done, slices = done + steps, slices + 1
                    if bar is not None:
                        bar.update(steps * dt_ms)
                    if done >= total or slices < 2:
                        continue
                    if bar is None:
                        if elapsed * (total - done) / steps <= progress_after_s():
                            steps = total - done
                            continue
                        bar = tqdm(total=total * dt_ms, initial=done * dt_ms, desc=f"{self.name}: simulated",
                                   disable=not progress, file=sys.stderr, dynamic_ncols=True, leave=False,
                                   bar_format="{desc} {n:.0f} of {total:.0f} ms |{bar}| {elapsed}<{remaining}")
                    target = PROGRESS_SLICE_S if progress else QUIET_SLICE_S
                    steps = max(1, int(steps * target / elapsed))
        finally:
            if bar is not None:
                bar.close()

    def _slice_unit_steps(self) -> int:
        """Every slice but the last is a whole number of these steps: 1, unless a
        simulator's result depends on where a run is cut (NEST's, see its backend)."""
        return 1

    @contextlib.contextmanager
    def _slices(self):
        """Around a sliced run; yields the function that advances by one slice (ms).
        PyNN's ``run`` by default; a backend whose every ``run`` pays a preparation
        may prepare once here."""
        yield self.pynn.run

    def end(self) -> None:
        self._duration_ms = None
        with self.quiet():
            self.pynn.end()
        for population in self._populations:
            for cell in population.all_cells:
                cell.parent = None
        self._populations.clear()

    def report_spikes(self, segment, dt_ms: float) -> None:
        """Put the segment's spike trains, as PyNN returned them, at the zoo's reported
        times (in place, kept in Neo's multiplexed form), so the Neo block and the
        tables say the same."""
        if self.steps_past_end and self._duration_ms is not None:
            end = self._duration_ms + dt_ms / 2
            segment.analogsignals = [signal[:int(np.sum(signal.times.rescale("ms").magnitude <= end))]
                                     for signal in segment.analogsignals]
        trains = segment.spiketrains
        if not (self.spike_report_offset_steps or self.spike_times_accumulate_round_off
                or self.steps_past_end) or not len(trains):
            return
        import quantities as pq
        from neo.core.spiketrainlist import SpikeTrainList

        if trains._items is not None:  # PyNN built SpikeTrain objects (NEURON), silent ones included
            self._report_spike_objects(segment, dt_ms)
            return
        ids, times = trains.multiplexed
        shifted = np.asarray(times.rescale("ms").magnitude) + self.spike_report_offset_steps * dt_ms
        if self.spike_times_accumulate_round_off:
            shifted = np.round(shifted / dt_ms) * dt_ms
        ids = np.asarray(ids)
        if self.steps_past_end and self._duration_ms is not None:
            kept = shifted <= self._duration_ms + dt_ms / 2
            shifted, ids = shifted[kept], ids[kept]
        # PyNN builds the list from arrays (Neo's from_spike_time_array); read its
        # metadata without turning it into a thousand SpikeTrain objects
        metadata = trains._spiketrain_metadata
        t_stop = max(float(pq.Quantity(metadata["t_stop"], "ms")), float(shifted.max(initial=0.0)))
        moved = SpikeTrainList.from_spike_time_array(
            shifted, ids, trains._all_channel_ids, t_stop=t_stop * pq.ms, units="ms",
            t_start=metadata["t_start"], **trains._annotations)
        moved.segment = segment
        segment.spiketrains = moved

    def _report_spike_objects(self, segment, dt_ms: float) -> None:
        """:meth:`report_spikes` for a list of ``neo.SpikeTrain`` objects (PyNN-NEURON):
        replaced by the multiplexed form other backends return (one array of times, one
        of channel ids), at the reported times. Building a thousand new SpikeTrain
        objects instead took 0.7 s for 1000 neurons."""
        import quantities as pq
        from neo.core.spiketrainlist import SpikeTrainList

        trains = list(segment.spiketrains)
        channels = np.array([train.annotations["channel_id"] for train in trains], dtype=int)
        times = [np.asarray(train.magnitude, dtype=float) * float(train.units.rescale("ms").magnitude)
                 for train in trains]
        ids = np.repeat(channels, [len(t) for t in times])
        times = np.concatenate(times) if times else np.zeros(0)
        times = times + self.spike_report_offset_steps * dt_ms
        if self.spike_times_accumulate_round_off:
            times = np.round(times / dt_ms) * dt_ms
        if self.steps_past_end and self._duration_ms is not None:  # what followed the end is dropped
            kept = times <= self._duration_ms + dt_ms / 2
            times, ids = times[kept], ids[kept]
            t_stop = self._duration_ms
        else:
            t_stop = max([float(train.t_stop.rescale("ms").magnitude) for train in trains] + [times.max(initial=0.0)])
        first = trains[0]
        moved = SpikeTrainList.from_spike_time_array(
            times, ids, channels, t_stop=t_stop * pq.ms, units="ms", t_start=first.t_start,
            source_population=first.annotations.get("source_population"),
            source_index=np.array([train.annotations.get("source_index") for train in trains]))
        moved.segment = segment
        segment.spiketrains = moved

    @property
    def pynn_version(self) -> str:
        import pyNN

        return pyNN.__version__


#: A run shows a progress bar when it is predicted to take longer than this (s), unless
#: ``ZOO_PROGRESS_AFTER_S`` says otherwise (0: from the first step; read at each run).
PROGRESS_AFTER_S = 3.0
PROGRESS_AFTER_ENV = "ZOO_PROGRESS_AFTER_S"


def progress_after_s() -> float:
    """The bar's threshold (s): ``ZOO_PROGRESS_AFTER_S`` if set, else :data:`PROGRESS_AFTER_S`."""
    text = os.environ.get(PROGRESS_AFTER_ENV)
    if text is None:
        return PROGRESS_AFTER_S
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0.0:
        raise ValueError(f"{PROGRESS_AFTER_ENV} must be a number of seconds >= 0, got {text!r}")
    return value
#: Each slice of a run with a progress bar takes about this long (s): per-call costs stay
#: small (a few ms per NEST Run or Brian2 run) and Ctrl-C is answered this soon.
PROGRESS_SLICE_S = 0.5
#: Without a bar, slices only keep Ctrl-C answered, and each costs the bookkeeping
#: around the simulator's call (when NEST's slices were each a Simulate, with its
#: Prepare and Cleanup, about 50 ms a slice late in a 450 s masquelier2008 run and on
#: the full Brunel network, measured; NEST now prepares once a run): they last about
#: this long (s).
QUIET_SLICE_S = 2.0


def silence_pynn_logger() -> None:
    """PyNN logs routine notes as warnings (e.g. initial values NEST ignores);
    without a handler Python prints them. Give the logger one that drops them."""
    logger = logging.getLogger("PyNN")
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())

