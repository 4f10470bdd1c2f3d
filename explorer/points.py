"""Parameter points of a sweep: grids, random samples, their validation and keys.

Grids expand deterministically (parameters in sorted order, values as given);
random samples are uniform, seeded. Each (point, simulator, seed) gets a key, a
hash of everything that determines its result, which makes sweeps resumable.
"""
from __future__ import annotations

import hashlib
import itertools
import json
from typing import Mapping, Sequence

import numpy as np

from zoo import backends, registry
from zoo.declarations import zoo_version

from .code_version import code_version


def expand(grid: Mapping[str, Sequence[float]] | None, samples: Mapping[str, tuple[float, float]] | None,
           n_samples: int | None, sample_seed: int) -> list[dict[str, float]]:
    """All distinct points: the grid's Cartesian product, each combined with every
    random sample (a repeated point is kept once)."""
    grid = {name: [float(v) for v in np.atleast_1d(np.asarray(values, dtype=float))]
            for name, values in (grid or {}).items()}
    for name, values in grid.items():
        if not values:
            raise ValueError(f"grid {name!r} is empty")
    both = sorted(set(grid) & set(samples or {}))
    if both:
        raise ValueError(f"parameter {both[0]!r} is both in the grid and randomly sampled; choose one")
    names = sorted(grid)
    grid_points = [dict(zip(names, combo)) for combo in itertools.product(*(grid[n] for n in names))]
    if samples:
        if not n_samples or n_samples < 1:
            raise ValueError("random sampling needs samples >= 1")
        rng = np.random.default_rng(sample_seed)
        drawn = {name: rng.uniform(low, high, n_samples) for name, (low, high) in sorted(samples.items())}
        sampled = [{name: float(values[i]) for name, values in drawn.items()} for i in range(n_samples)]
        grid_points = [{**g, **s} for g in grid_points for s in sampled]
    unique = {tuple(sorted(p.items())): p for p in reversed(grid_points)}
    return [unique[key] for key in dict.fromkeys(tuple(sorted(p.items())) for p in grid_points)]


def validate(model: str, points: list[dict], simulators: Sequence[str], dt_ms: float, duration_ms: float) -> None:
    """Everything the zoo can check before a task starts; ValueError naming the problem."""
    spec = registry.get(model)
    if not simulators:
        raise ValueError(f"no simulator given; valid simulators: {', '.join(backends.names())}")
    for simulator in simulators:
        backends.check_model(spec, backends.validate_simulator(simulator)).check_timing(dt_ms, duration_ms)
    if not points:
        raise ValueError("the sweep has no points")
    for name in points[0]:
        spec.parameter(name)  # unknown names fail here, naming the valid ones
    for point in points:
        values, _ = spec.validate(point, dt_ms)
        for simulator in simulators:
            backends.backend_class(simulator).check_values(spec.cell_types, values, dt_ms)
            if spec.network:
                backends.backend_class(simulator).check_network(spec, values)


def point_key(model: str, params: Mapping[str, float], simulator: str | None, version: str | None,
              dt_ms: float, seed: int, duration_ms: float) -> str:
    """A short stable hash of everything that determines a row: the model, its
    revision and the zoo's version, the version of the code that computes the row
    (:func:`explorer.code_version.code_version`: the model's declaration, the
    simulator's translation, the tolerances, the runner), every parameter (defaults
    filled in), the simulator and its version, dt, seed and duration
    (``simulator=None``: the key shared by the same point on every simulator, with the
    code they share)."""
    spec = registry.get(model)
    full = {**spec.defaults(), **params}
    payload = json.dumps(
        {"model": model, "revision": spec.revision, "zoo": zoo_version(), "code": code_version(model, simulator),
         "params": {k: repr(float(v)) for k, v in sorted(full.items())},
         "simulator": simulator, "version": version, "dt_ms": repr(float(dt_ms)), "seed": int(seed),
         "duration_ms": repr(float(duration_ms))},
        sort_keys=True,
    )
    return hashlib.sha1(payload.encode()).hexdigest()[:16]


def row_keys(model, key: str) -> list[str]:
    """The keys of a point's rows: the point's own key, or for a network model
    (``Model.populations``) one key per population (a point has one row per population)."""
    if not model.network:
        return [key]
    return [hashlib.sha1(f"{key}/{population}".encode()).hexdigest()[:16] for population in model.populations]
