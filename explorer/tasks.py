"""Tasks of a sweep: points that differ only in per-neuron parameters share one
heterogeneous population (one simulation per batch); anything else — simulator,
seed, population-level parameters — makes separate tasks. The model's declaration
says which parameters are per-neuron; nothing here knows any model. A failed batch is
run again in smaller groups once (:func:`after_failure`), so a sweep with bad points in
every batch costs runs linear in the number of bad points.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np
import pandas as pd

from zoo import backends, registry
from zoo.declarations import zoo_version

from . import points as pts
from .code_version import code_version

#: Columns that say how to rerun a row, in table order.
PROVENANCE = ["key", "pair_key", "model", "simulator", "simulator_version", "pynn_version", "zoo_version",
              "code_version", "dt_ms", "duration_ms", "seed"]
BOOKKEEPING = ["spike_times_ms", "status", "error", "wall_time_s", "batch_size"]


@dataclass(frozen=True)
class Task:
    """One simulation: ``points`` (full parameter dicts) on one simulator with one seed;
    ``code_version``: the version of the code its rows come from
    (:func:`explorer.code_version.code_version`), part of their keys."""

    model: str
    entry_point: str
    simulator: str
    simulator_version: str
    seed: int
    dt_ms: float
    duration_ms: float
    points: tuple[dict, ...]
    keys: tuple[str, ...]
    pair_keys: tuple[str, ...]
    code_version: str = ""

    #: A group of a failed batch (:func:`after_failure`): if it fails too, its points run alone.
    regrouped: bool = False

    @property
    def key(self) -> str:
        return hashlib.sha1("".join(self.keys).encode()).hexdigest()[:16]

    def split(self, size: int) -> tuple["Task", ...]:
        """Consecutive groups of at most ``size`` points (:func:`groups`), each a task that keeps
        its points' keys and how to run them (marked ``regrouped``)."""
        return tuple(replace(self, points=self.points[s], keys=self.keys[s], pair_keys=self.pair_keys[s],
                             regrouped=True) for s in groups(len(self.points), size))


def plan(model: str, entry_point: str, points: list[dict], per_neuron: set[str], simulators: Sequence[str],
         seeds: Sequence[int], dt_ms: float, duration_ms: float, batch_size: int) -> list[Task]:
    """Group points into tasks of at most ``batch_size`` points that can share a population."""
    tasks = []
    for simulator in simulators:
        version = backends.version(simulator)
        code = code_version(model, simulator)
        for seed in seeds:
            groups: dict[tuple, list[dict]] = {}
            for point in points:
                shared = tuple(sorted((k, v) for k, v in point.items() if k not in per_neuron))
                groups.setdefault(shared, []).append(point)
            for members in groups.values():
                for start in range(0, len(members), batch_size):
                    batch = tuple(members[start:start + batch_size])
                    keys = tuple(pts.point_key(model, p, simulator, version, dt_ms, seed, duration_ms) for p in batch)
                    pairs = tuple(pts.point_key(model, p, None, None, dt_ms, seed, duration_ms) for p in batch)
                    tasks.append(Task(model, entry_point, simulator, version, int(seed), float(dt_ms),
                                      float(duration_ms), batch, keys, pairs, code))
    return tasks


@dataclass(frozen=True)
class SeedBatch:
    """Tasks that differ only in their seed, run as one simulation (``zoo.run_seeds``):
    for a model whose seed only selects its input, on a simulator that runs copies of a
    network together faster than one after another. Splits into halves of seeds."""

    tasks: tuple[Task, ...]
    #: A group of a failed seed batch (:func:`after_failure`): if it fails too, its seeds run alone.
    regrouped: bool = False

    @property
    def model(self) -> str:
        return self.tasks[0].model

    @property
    def entry_point(self) -> str:
        return self.tasks[0].entry_point

    @property
    def simulator(self) -> str:
        return self.tasks[0].simulator

    @property
    def points(self) -> tuple[dict, ...]:
        return tuple(point for task in self.tasks for point in task.points)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(key for task in self.tasks for key in task.keys)

    @property
    def key(self) -> str:
        return hashlib.sha1("".join(self.keys).encode()).hexdigest()[:16]

    def split(self, size: int) -> tuple:
        """Consecutive groups of at most ``size`` seeds (:func:`groups`; one seed: its task as planned)."""
        parts = [self.tasks[s] for s in groups(len(self.tasks), size)]
        return tuple(SeedBatch(part, regrouped=True) if len(part) > 1 else part[0] for part in parts)


def groups(count: int, size: int) -> list[slice]:
    """``count`` items in as few consecutive groups of at most ``size`` as hold them, their
    sizes differing by at most one, the smaller first (three items in groups of two: 1 and 2)."""
    parts = -(-count // size)
    small, larger = divmod(count, parts)
    sizes = [small] * (parts - larger) + [small + 1] * larger
    starts = np.cumsum([0] + sizes)
    return [slice(int(a), int(b)) for a, b in zip(starts[:-1], starts[1:])]


def after_failure(task) -> tuple:
    """What runs in place of a failed ``task`` (a :class:`Task` or :class:`SeedBatch`), so
    that every other point still runs and each failing one becomes a failed row:

    - one point: nothing (it becomes a failed row);
    - a planned batch of n points (seeds): groups of g = ⌈√n⌉, each run once, vectorised;
    - a group that fails too: its points (seeds) one by one.

    With k failing points in a batch this costs at most ⌈n/g⌉ + k·g runs after the failed
    one, linear in k, and at most n + ⌈√n⌉ if every point fails (halving down to single
    points cost up to 2n − 1, each run paying a simulator's set-up: a sweep with bad points
    in every batch crawled, issue 32). A single-seed task of a failed seed batch is a planned
    batch of its own points."""
    units = len(task.tasks) if isinstance(task, SeedBatch) else len(task.points)
    if units == 1:
        return ()
    size = math.ceil(math.sqrt(units))
    return task.split(1 if task.regrouped or size >= units else size)


def batch_seeds(model, tasks: list[Task], batch_size: int, parallel: int, memory_gib: float,
                always: bool = False) -> list:
    """Gather the tasks of a model whose seed only selects its input
    (``Model.seed_selects_input``) that differ only in their seed into
    :class:`SeedBatch` es, where the simulator gains from it (``Backend.batches_seeds``),
    or on every simulator with ``always``.

    A batch holds at most ``batch_size`` neurons and as many seeds as ``memory_gib``
    allows (each seed's copy of the network estimated as ``zoo.run`` does), and the
    seeds of a group are spread over at least ``parallel`` batches where there are
    enough, so every worker gets one. Other tasks are returned as they are.
    """
    from zoo.runner import memory_estimate_gib, prepare

    if not model.seed_selects_input:
        return list(tasks)
    groups: dict[tuple, list[Task]] = {}
    for task in tasks:
        signature = (task.simulator, task.dt_ms, task.duration_ms, tuple(tuple(sorted(p.items())) for p in task.points))
        groups.setdefault(signature, []).append(task)
    batched = []
    for (simulator, dt_ms, duration_ms, _), members in groups.items():
        gains = always or backends.backend_class(simulator).batches_seeds(
            dt_ms, duration_ms, model.simulation.whole_run_compilation)
        if len(members) == 1 or not gains:
            batched.extend(members)
            continue
        first = members[0]
        params = {name: np.array([p[name] for p in first.points], dtype=float) for name in first.points[0]}
        params = {name: v if model.parameter(name).per_neuron else float(v[0]) for name, v in params.items()}
        per_seed = memory_estimate_gib(prepare(model.name, simulator, duration_ms, dt_ms, first.seed, 0, params))
        by_memory = int(memory_gib // per_seed) if per_seed > 0 else len(members)
        largest = max(1, min(by_memory, batch_size // max(1, len(first.points)), len(members)))
        count = max(-(-len(members) // largest), min(parallel, len(members)))
        for part in np.array_split(np.arange(len(members)), count):
            chosen = tuple(members[i] for i in part)
            batched.append(SeedBatch(chosen) if len(chosen) > 1 else chosen[0])
    return batched


def run_task(task) -> pd.DataFrame:
    """Run one task (in a worker process) and return its rows. Raises on failure.

    A single-point task of a model that makes further tables returns them in
    ``rows.attrs["tables"]`` (point key -> name -> DataFrame); the store keeps them by
    point key. A :class:`SeedBatch` runs its seeds in one simulation and returns each
    task's rows as that task alone would.
    """
    from zoo.runner import run, run_seeds

    registry.ensure(task.model, task.entry_point)
    model = registry.get(task.model)
    first = task if isinstance(task, Task) else task.tasks[0]
    params = {}
    for name in first.points[0]:
        values = np.array([p[name] for p in first.points], dtype=float)
        params[name] = values if model.parameter(name).per_neuron else float(values[0])
    settings = dict(simulator=first.simulator, duration_ms=first.duration_ms, dt_ms=first.dt_ms, trace_neurons=0,
                    progress=False)  # the sweep has its bar
    if isinstance(task, Task):
        return _rows(task, model, run(task.model, seed=task.seed, **settings, **params))
    results = run_seeds(task.model, [t.seed for t in task.tasks], **settings, **params)
    parts = [_rows(member, model, result) for member, result in zip(task.tasks, results)]
    tables = {key: frames for part in parts for key, frames in part.attrs.get("tables", {}).items()}
    rows = pd.concat(parts, ignore_index=True)
    rows.attrs = {"tables": tables} if tables else {}
    return rows


def _rows(task: Task, model, result) -> pd.DataFrame:
    """The rows of ``task`` from its run's result."""
    info = result.info
    if model.network:
        return _network_rows(task, model, result)
    summary, trains = result.summary.drop(columns="neuron").reset_index(drop=True), result.spike_trains_ms()
    if model.trials is not None:
        summary, trains = pooled_trials(model, summary, trains)
    rows = pd.concat([_provenance(task, info["pynn_version"]), summary], axis=1)
    rows["spike_times_ms"] = trains
    rows["status"] = "ok"
    rows["error"] = None
    rows["wall_time_s"] = info["wall_time_s"]
    rows["batch_size"] = len(task.points)
    if len(task.points) == 1 and result.tables:
        # a model's further tables (weights, pattern onsets, ...) describe the whole run,
        # so they are kept only for single-point tasks, where run and point are one
        rows.attrs["tables"] = {task.keys[0]: dict(result.tables)}
    return rows


def _network_rows(task: Task, model, result) -> pd.DataFrame:
    """A network point's rows: one per population (``population``, its measures), each
    keyed by :func:`explorer.points.row_keys`. Its spikes are not pooled into the row
    (``spike_times_ms`` is empty): each row keeps its population's ``spikes`` and
    ``neurons`` (per-neuron rate and CV) as further tables."""
    summary = result.summary.reset_index(drop=True)
    rows = pd.concat([_provenance(task, result.info["pynn_version"], model), summary], axis=1)
    rows["spike_times_ms"] = [np.zeros(0) for _ in range(len(rows))]
    rows["status"] = "ok"
    rows["error"] = None
    rows["wall_time_s"] = result.info["wall_time_s"]
    rows["batch_size"] = len(task.points)
    tables = {}
    for key, population in zip(rows["key"], rows["population"]):
        own = {name: frame[frame["population"] == population].reset_index(drop=True)
               for name, frame in (("spikes", result.spikes), *result.tables.items()) if "population" in frame}
        tables[key] = own
    rows.attrs["tables"] = tables
    return rows


def pooled_trials(model, summary: pd.DataFrame, trains: list) -> tuple[pd.DataFrame, list]:
    """One row for the trials of a point (a model of trials, ``Model.trials``): its
    parameters and run-wide measures, the spike count of all trials (``n_spikes``), the
    most and fewest spikes of one trial (``max_trial_spikes``, ``min_trial_spikes``: what
    the tolerances of the pooled trains need to know of how they split), the trials' mean
    of every other spike-train metric, and the trials' spikes pooled."""
    row = summary.iloc[:1].copy()
    for metric in model.metrics:
        if metric.source == "spikes" and metric.name in row:
            values = summary[metric.name].astype(float)
            row[metric.name] = values.sum() if metric.name == "n_spikes" else values.mean()
    counts = [float(len(train)) for train in trains]
    row["max_trial_spikes"] = max(counts, default=np.nan)
    row["min_trial_spikes"] = min(counts, default=np.nan)
    return row.reset_index(drop=True), [np.sort(np.concatenate(trains)) if trains else np.zeros(0)]


def failed_rows(task: Task, error: str) -> pd.DataFrame:
    """Rows for points that could not be run: parameters and provenance, no metrics."""
    from importlib import metadata

    model = registry.get(task.model)
    defaults = model.defaults()
    rows = _provenance(task, metadata.version("PyNN"), model)
    points = [p for p in task.points for _ in (model.populations or (None,))]
    if model.network:
        rows["population"] = list(model.populations) * len(task.points)
    for name in model.parameter_names:
        rows[name] = [float(p.get(name, defaults[name])) for p in points]
    rows["spike_times_ms"] = [np.array([], dtype=float) for _ in points]
    rows["status"] = "failed"
    rows["error"] = error
    rows["wall_time_s"] = np.nan
    rows["batch_size"] = len(task.points)
    return rows


def _provenance(task: Task, pynn_version: str, model=None) -> pd.DataFrame:
    """The columns that say how to rerun each of the task's rows (:data:`PROVENANCE`):
    one row per point, or per point and population of a network model."""
    keys, pair_keys = list(task.keys), list(task.pair_keys)
    if model is not None and model.network:
        keys = [k for key in keys for k in pts.row_keys(model, key)]
        pair_keys = [k for key in pair_keys for k in pts.row_keys(model, key)]
    return pd.DataFrame({
        "key": keys, "pair_key": pair_keys, "model": task.model, "simulator": task.simulator,
        "simulator_version": task.simulator_version, "pynn_version": pynn_version, "zoo_version": zoo_version(),
        "code_version": task.code_version, "dt_ms": task.dt_ms, "duration_ms": task.duration_ms, "seed": task.seed,
    }, columns=PROVENANCE)


def run_inline(pending: list, record, describe) -> None:
    """Run tasks one after another in this process (no isolation from crashes), each
    task's rows handed to ``record``; a failed batch runs again as :func:`after_failure`
    says, and the points that fail alone become failed rows (``describe(error)`` their text)."""
    queue = list(pending)
    while queue:
        task = queue.pop(0)
        try:
            rows = run_task(task)
        except Exception as error:  # noqa: BLE001
            retry = after_failure(task)
            if retry:
                queue[:0] = retry
                continue
            rows = failed_rows(task, describe(error))
        record(rows)
