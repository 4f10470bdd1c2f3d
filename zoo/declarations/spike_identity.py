"""How long two runs of one network fire the same trains: the first spike at which two
spike tables (``population``, ``neuron``, ``t_ms``) differ, on the time grid.

Two simulators given the same graph, initial state and input fire identical trains until
a difference in their arithmetic (round-off, or a scheme's error) moves one neuron's
threshold crossing by a step; the network's chaos then spreads it within tens of
milliseconds. The time of that first difference is what "identical for a while" means
(issue 34, item 5; ``zoo.models.brette2007``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class FirstDifference:
    """``identical`` spikes agree (step, population, neuron, in time order); the next one
    differs, at ``t_ms`` (the earlier of the two tables' spikes
    there; inf if none differs); ``total``: spikes of the first table."""

    identical: int
    t_ms: float
    total: int


def _ordered(spikes: pd.DataFrame, dt_ms: float) -> pd.DataFrame:
    step = np.rint(spikes["t_ms"].to_numpy(float) / dt_ms).astype(np.int64)
    return (spikes.assign(step=step)[["step", "population", "neuron"]]
            .sort_values(["step", "population", "neuron"], kind="stable").reset_index(drop=True))


def first_difference(first: pd.DataFrame, second: pd.DataFrame, dt_ms: float) -> FirstDifference:
    """The first spike at which ``second`` differs from ``first`` (times compared as steps of
    ``dt_ms``, so simulators' round-off in reported times does not count)."""
    a, b = _ordered(first, dt_ms), _ordered(second, dt_ms)
    n = min(len(a), len(b))
    differs = np.zeros(n, dtype=bool)
    for column in ("step", "population", "neuron"):
        differs |= a[column].to_numpy()[:n] != b[column].to_numpy()[:n]
    if differs.any():
        index = int(np.argmax(differs))
    elif len(a) == len(b):
        return FirstDifference(identical=n, t_ms=float("inf"), total=len(a))
    else:
        index = n
    steps = [table["step"].iloc[index] for table in (a, b) if index < len(table)]
    return FirstDifference(identical=index, t_ms=float(min(steps) * dt_ms), total=len(a))
