"""Parameter points of a sweep: grids, random samples, their validation and keys.

Grids expand deterministically (parameters in sorted order, values as given);
random samples are uniform, seeded. Each (point, simulator, seed) gets a key, a
hash of everything that determines its result, which makes sweeps resumable.
"""
from __future__ import annotations

import hashlib
import itertools
import json
from importlib import metadata
from typing import Mapping, Sequence

import numpy as np

from zoo import backends, registry

#: PyPI distribution of each simulator, for its version without importing it.
DISTRIBUTIONS = {"nest": "nest-simulator", "brian2": "Brian2"}


def parse_values(name: str, text: str) -> list[float]:
    """``START:STOP:NUM`` (inclusive, NUM >= 1) or ``V1,V2,...`` -> values; ValueError otherwise."""
    try:
        if ":" in text:
            start, stop, num = text.split(":")
            if int(num) < 1:
                raise ValueError
            return np.linspace(float(start), float(stop), int(num)).tolist()
        values = [float(v) for v in text.split(",") if v.strip() != ""]
    except ValueError:
        raise ValueError(f"grid {name}={text!r}: expected START:STOP:NUM with NUM >= 1 or V1,V2,...") from None
    if not values:
        raise ValueError(f"grid {name}={text!r} is empty")
    return values


def parse_range(name: str, text: str) -> tuple[float, float]:
    """``LOW:HIGH`` -> (low, high) with low < high."""
    try:
        low, high = (float(v) for v in text.split(":"))
    except ValueError:
        raise ValueError(f"random {name}={text!r}: expected LOW:HIGH") from None
    if not low < high:
        raise ValueError(f"random {name}={text!r}: LOW must be below HIGH")
    return low, high


def expand(grid: Mapping[str, Sequence[float]] | None, samples: Mapping[str, tuple[float, float]] | None,
           n_samples: int | None, sample_seed: int) -> list[dict[str, float]]:
    """All points: the grid's Cartesian product, each combined with every random sample."""
    grid = dict(grid or {})
    for name, values in grid.items():
        if np.ndim(values) == 0:
            grid[name] = [values]
        if len(grid[name]) == 0:
            raise ValueError(f"grid {name!r} is empty")
    names = sorted(grid)
    grid_points = [dict(zip(names, combo)) for combo in itertools.product(*(grid[n] for n in names))]
    if not samples:
        return [{k: float(v) for k, v in p.items()} for p in grid_points]
    if not n_samples or n_samples < 1:
        raise ValueError("random sampling needs samples >= 1")
    rng = np.random.default_rng(sample_seed)
    drawn = {name: rng.uniform(low, high, n_samples) for name, (low, high) in sorted(samples.items())}
    sampled = [{name: float(values[i]) for name, values in drawn.items()} for i in range(n_samples)]
    return [{**{k: float(v) for k, v in g.items()}, **s} for g in grid_points for s in sampled]


def validate(model: str, points: list[dict], simulators: Sequence[str], dt_ms: float, duration_ms: float) -> None:
    """Everything the zoo can check before a task starts; ValueError naming the problem."""
    spec = registry.get(model)
    if not simulators:
        raise ValueError(f"no simulator given; valid simulators: {', '.join(backends.SIMULATORS)}")
    for simulator in simulators:
        backends.backend_class(simulator).check_timing(dt_ms, duration_ms)
    if not points:
        raise ValueError("the sweep has no points")
    for name in points[0]:
        spec.parameter(name)  # unknown names fail here, naming the valid ones
    for point in points:
        spec.validate(point)


def simulator_version(simulator: str) -> str:
    return metadata.version(DISTRIBUTIONS[simulator])


def point_key(model: str, params: Mapping[str, float], simulator: str | None, version: str | None,
              dt_ms: float, seed: int, duration_ms: float) -> str:
    """A short stable hash of everything that determines a row (``simulator=None``: the
    key shared by the same point on every simulator)."""
    payload = json.dumps(
        {"model": model, "params": {k: repr(float(v)) for k, v in sorted(params.items())},
         "simulator": simulator, "version": version, "dt_ms": repr(float(dt_ms)), "seed": int(seed),
         "duration_ms": repr(float(duration_ms))},
        sort_keys=True,
    )
    return hashlib.sha1(payload.encode()).hexdigest()[:16]
