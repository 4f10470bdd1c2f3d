"""Tasks of a sweep: points that differ only in per-neuron parameters share one
heterogeneous population (one simulation per batch); anything else — simulator,
seed, population-level parameters — makes separate tasks. The model's declaration
says which parameters are per-neuron; nothing here knows any model.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np
import pandas as pd

from zoo import backends, registry
from zoo.declarations import zoo_version

from . import points as pts

#: Columns that say how to rerun a row, in table order.
PROVENANCE = ["key", "pair_key", "model", "simulator", "simulator_version", "pynn_version", "zoo_version",
              "dt_ms", "duration_ms", "seed"]
BOOKKEEPING = ["spike_times_ms", "status", "error", "wall_time_s", "batch_size"]


@dataclass(frozen=True)
class Task:
    """One simulation: ``points`` (full parameter dicts) on one simulator with one seed."""

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

    @property
    def key(self) -> str:
        return hashlib.sha1("".join(self.keys).encode()).hexdigest()[:16]

    def split(self) -> tuple["Task", "Task"]:
        """Two halves, to isolate a failing point by bisection."""
        half = len(self.points) // 2
        parts = [slice(0, half), slice(half, None)]
        return tuple(
            Task(self.model, self.entry_point, self.simulator, self.simulator_version, self.seed, self.dt_ms,
                 self.duration_ms, self.points[s], self.keys[s], self.pair_keys[s])
            for s in parts
        )


def plan(model: str, entry_point: str, points: list[dict], per_neuron: set[str], simulators: Sequence[str],
         seeds: Sequence[int], dt_ms: float, duration_ms: float, batch_size: int) -> list[Task]:
    """Group points into tasks of at most ``batch_size`` points that can share a population."""
    tasks = []
    for simulator in simulators:
        version = backends.version(simulator)
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
                                      float(duration_ms), batch, keys, pairs))
    return tasks


def run_task(task: Task) -> pd.DataFrame:
    """Run one task (in a worker process) and return its rows. Raises on failure.

    A single-point task of a model that makes further tables returns them in
    ``rows.attrs["tables"]`` (name -> DataFrame); the store keeps them by point key.
    """
    from zoo.runner import run

    registry.ensure(task.model, task.entry_point)
    model = registry.get(task.model)
    params = {}
    for name in task.points[0]:
        values = np.array([p[name] for p in task.points], dtype=float)
        params[name] = values if model.parameter(name).per_neuron else float(values[0])
    result = run(task.model, simulator=task.simulator, duration_ms=task.duration_ms, dt_ms=task.dt_ms,
                 seed=task.seed, trace_neurons=0, progress=False, **params)  # the sweep has its bar
    info = result.info
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
        rows.attrs["tables"] = dict(result.tables)
    return rows


def pooled_trials(model, summary: pd.DataFrame, trains: list) -> tuple[pd.DataFrame, list]:
    """One row for the trials of a point (a model of trials, ``Model.trials``): its
    parameters and run-wide measures, the spike count of all trials (``n_spikes``),
    the trials' mean of every other spike-train metric, and the trials' spikes pooled."""
    row = summary.iloc[:1].copy()
    for metric in model.metrics:
        if metric.source == "spikes" and metric.name in row:
            values = summary[metric.name].astype(float)
            row[metric.name] = values.sum() if metric.name == "n_spikes" else values.mean()
    return row.reset_index(drop=True), [np.sort(np.concatenate(trains)) if trains else np.zeros(0)]


def failed_rows(task: Task, error: str) -> pd.DataFrame:
    """Rows for points that could not be run: parameters and provenance, no metrics."""
    from importlib import metadata

    model = registry.get(task.model)
    defaults = model.defaults()
    rows = _provenance(task, metadata.version("PyNN"))
    for name in model.parameter_names:
        rows[name] = [float(p.get(name, defaults[name])) for p in task.points]
    rows["spike_times_ms"] = [np.array([], dtype=float) for _ in task.points]
    rows["status"] = "failed"
    rows["error"] = error
    rows["wall_time_s"] = np.nan
    rows["batch_size"] = len(task.points)
    return rows


def _provenance(task: Task, pynn_version: str) -> pd.DataFrame:
    """The columns that say how to rerun each of the task's rows (:data:`PROVENANCE`)."""
    return pd.DataFrame({
        "key": task.keys, "pair_key": task.pair_keys, "model": task.model, "simulator": task.simulator,
        "simulator_version": task.simulator_version, "pynn_version": pynn_version, "zoo_version": zoo_version(),
        "dt_ms": task.dt_ms, "duration_ms": task.duration_ms, "seed": task.seed,
    }, columns=PROVENANCE)
