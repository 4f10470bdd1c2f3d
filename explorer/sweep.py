"""``explorer.sweep``: a parameter sweep across simulators, on Dask, resumable."""
from __future__ import annotations

import contextlib
import os
import tempfile
import time
from typing import Mapping, Sequence

from pathlib import Path

import numpy as np
import pandas as pd

from zoo import backends, registry
from zoo.declarations.parameters import check_seed
from zoo.runner import MEMORY_BUDGET_GIB

from . import cluster, points as pts
from .cluster import INLINE
from .store import Store
from .tasks import Task, batch_seeds, plan

DEFAULT_BATCH = 1000


class SweepInterrupted(KeyboardInterrupt):
    """Ctrl-C during a sweep: the finished points are stored; ``str()`` says how many
    and how to resume."""

    def __init__(self, counts: Mapping, out):
        finished = counts["ok"] + counts["failed"]
        where = f"kept in {out}; the same command resumes" if out else "lost: the sweep had no --out folder"
        super().__init__(f"sweep interrupted: {finished} of {counts['total'] - counts['cached']} pending points "
                         f"finished ({counts['cached']} were stored before), {where}")


def sweep(
    model: str,
    grid: Mapping[str, Sequence[float]] | None = None,
    samples: Mapping[str, tuple[float, float]] | None = None,
    n_samples: int | None = None,
    simulators: Sequence[str] | None = None,
    seeds: Sequence[int] = (1,),
    duration_ms: float | None = None,
    dt_ms: float | None = None,
    out: str | os.PathLike | None = None,
    scheduler: str | None = None,
    workers: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    retry_failed: bool = False,
    sample_seed: int = 0,
    progress: bool | None = None,
    seed_batches: bool | None = None,
) -> pd.DataFrame:
    """Sweep ``model`` over a grid and/or random samples on each simulator and seed.

    ``simulators``: names from ``zoo.backends.names()`` (default: every simulator
    that can run the model). ``grid``: parameter -> values (PyNN names and units); ``samples``: parameter ->
    (low, high), drawn uniformly ``n_samples`` times with ``sample_seed`` and crossed
    with the grid. Points differing only in per-neuron parameters run as one
    population per simulator, ``batch_size`` points at most per simulation. Tasks run
    on a Dask ``LocalCluster`` (one single-threaded worker process per core, or
    ``workers``), on the cluster whose scheduler is at ``scheduler`` (an address such
    as ``tcp://10.0.0.5:8786``), or with ``scheduler="inline"`` in this process.

    Results go to ``out`` as Parquet parts as tasks finish; running the same sweep
    again skips finished points (and failed ones unless ``retry_failed``), and reruns
    those whose code changed (keys hold the code's version, ``explorer.code_version``).
    ``out`` has one writer at a time: a second sweep into it is refused, naming the
    first (ValueError). Returns
    one row per (point, simulator, seed): parameters, metrics, provenance,
    ``status`` (ok/failed), ``error``, ``wall_time_s``; ``.attrs["counts"]`` has the
    ok/failed/cached counts. Raises ValueError before any task for bad input.

    ``seed_batches``: for a model whose seed only selects its input
    (``Model.seed_selects_input``), run several seeds in one simulation where the
    simulator gains from it (None; today none does, by measurement), on every simulator
    (True), or never (False). Rows are the same either way (``tasks.batch_seeds``).
    """
    spec = registry.get(model)
    duration_ms = float(spec.protocol.duration_ms if duration_ms is None else duration_ms)
    dt_ms = float(spec.protocol.dt_ms if dt_ms is None else dt_ms)
    if simulators is None:
        simulators = backends.available(spec)
    simulators = list(dict.fromkeys([simulators] if isinstance(simulators, str) else simulators))
    seeds = [check_seed(s) for s in dict.fromkeys(np.atleast_1d(seeds).tolist())]
    if not seeds:
        raise ValueError("no seed given")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a whole number >= 1, got {batch_size!r}")
    if seed_batches and not spec.seed_selects_input:
        raise ValueError(f"seed_batches=True: model {model!r} does not declare that its seed only selects its "
                         "input (seed_selects_input), so its seeds cannot share one simulation")
    grid = {name: _floats(name, values) for name, values in (grid or {}).items()}
    points = pts.expand(grid, samples, n_samples, sample_seed)
    pts.validate(model, points, simulators, dt_ms, duration_ms)
    check_out(out)
    if spec.protocol.max_population:
        batch_size = min(batch_size, spec.protocol.max_population)
    if spec.trials is not None or spec.network:
        batch_size = 1  # a point's trials fill the population; a network point is a whole network
    tasks = plan(model, registry.entry_point(model), points, spec.per_neuron_parameters, simulators, seeds, dt_ms,
                 duration_ms, batch_size)
    manifest = {"model": model, "simulators": simulators, "seeds": seeds, "dt_ms": dt_ms,
                "duration_ms": duration_ms, "grid": grid,
                "samples": {k: list(map(float, v)) for k, v in (samples or {}).items()}, "n_samples": n_samples}

    with _directory(out) as directory, Store(directory, spec, manifest).writer() as store:
        store.repair()  # keys stored twice by two writers before folders were locked
        rows_of = {key: pts.row_keys(spec, key) for task in tasks for key in task.keys}  # a network: one per population
        all_keys = {row for rows in rows_of.values() for row in rows}
        stored = store.status()
        stored = stored[stored["key"].isin(all_keys)]
        if retry_failed:
            store.drop(set(stored.loc[stored["status"] == "failed", "key"]))
            stored = stored[stored["status"] != "failed"]
        kept = set(stored["key"])
        done = {key for key, rows in rows_of.items() if all(row in kept for row in rows)}
        pending = [t for t in (_without(task, done) for task in tasks) if t is not None]
        parallel = _parallel(scheduler, workers)
        if seed_batches is not False:
            pending = batch_seeds(spec, pending, batch_size, parallel, MEMORY_BUDGET_GIB, always=bool(seed_batches))
        counts = {"ok": 0, "failed": 0, "cached": sum(len(rows_of[key]) for key in done), "total": len(all_keys)}
        started = time.perf_counter()
        if pending:
            try:
                cluster.run(pending, _recorder(store, counts), scheduler, workers, progress)
            except KeyboardInterrupt:
                raise SweepInterrupted(counts, out) from None
        counts["wall_time_s"] = time.perf_counter() - started
        table = store.read(all_keys)
    table.attrs["counts"] = counts
    return table


def summary_line(counts: Mapping) -> str:
    return (f"sweep: {counts['ok']} ok, {counts['failed']} failed, {counts['cached']} already stored "
            f"(of {counts['total']}), {counts['wall_time_s']:.1f} s")


def _recorder(store: Store, counts: dict):
    """Store a finished task's rows at once (so a kill loses nothing finished) and count them."""

    def record(rows: pd.DataFrame) -> None:
        # Ctrl-C waits until the rows are both stored and counted: between the two, the
        # message would have counted fewer points than the store holds
        with cluster.sigint_deferred():
            store.write(rows)
            ok = int((rows["status"] == "ok").sum())
            counts["ok"] += ok
            counts["failed"] += len(rows) - ok

    return record


def _parallel(scheduler: str | None, workers: int | None) -> int:
    """How many tasks run at once: one inline, else one per worker (default: per core)."""
    return 1 if scheduler == INLINE else (workers or os.cpu_count() or 1)


def _without(task: Task, done: set[str]) -> Task | None:
    keep = [i for i, key in enumerate(task.keys) if key not in done]
    if not keep:
        return None
    if len(keep) == len(task.keys):
        return task
    return Task(task.model, task.entry_point, task.simulator, task.simulator_version, task.seed, task.dt_ms,
                task.duration_ms, tuple(task.points[i] for i in keep), tuple(task.keys[i] for i in keep),
                tuple(task.pair_keys[i] for i in keep), task.code_version)


def _floats(name: str, values) -> list[float]:
    try:
        array = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        raise ValueError(f"grid {name!r}: values must be numbers, got {values!r}") from None
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"grid {name!r} must be a non-empty list of numbers")
    return array.tolist()


def check_out(out) -> None:
    """``out`` must be a directory, or creatable as one, where files can be written;
    checked before any task (ValueError naming the problem)."""
    if out is None:
        return
    path = Path(out)
    if path.exists() and not path.is_dir():
        raise ValueError(f"--out {str(out)!r} exists and is not a directory")
    existing = next((p for p in [path, *path.parents] if p.exists()), None)
    if existing is None or not existing.is_dir():
        raise ValueError(f"--out {str(out)!r}: {str(existing)!r} is not a directory")
    try:  # the one reliable test (read-only file systems, permissions, root or not)
        with tempfile.NamedTemporaryFile(dir=existing, prefix=".zoo-write-test-"):
            pass
    except OSError as error:
        what = "the folder" if existing == path else f"cannot create {str(out)!r} in"
        raise ValueError(f"--out {str(out)!r}: {what} {str(existing)!r} is not writable ({error.strerror})") from None


@contextlib.contextmanager
def _directory(out):
    if out is not None:
        yield out
        return
    with tempfile.TemporaryDirectory(prefix="zoo-sweep-") as directory:
        yield directory
