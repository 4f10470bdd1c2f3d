"""Analyses built on :func:`zoo.run`: rheobase by vectorised bisection, f-I curves."""
from __future__ import annotations

import numpy as np
import pandas as pd

from . import backends
from .runner import run


def sustained(summary: pd.DataFrame, duration_ms: float, min_spikes: int = 3) -> np.ndarray:
    """Firing counts as sustained when at least ``min_spikes`` spikes fall in the last
    quarter of the run (late_rate_hz covers the last half)."""
    return summary["late_rate_hz"].to_numpy() * (duration_ms / 2000.0) >= 2 * min_spikes


def rheobase(model: str, simulator: str = backends.DEFAULT, low_na: float = 0.0, high_na: float = 2.0,
             precision_na: float = 0.002, duration_ms: float = 2000.0, dt_ms: float | None = None,
             points: int = 21, keep_runs: bool = False, **params) -> dict:
    """The smallest constant current (a step from t = 0, nA) that gives sustained
    repetitive firing, to ``precision_na``.

    Bisection generalised to ``points`` currents per round: each round is one
    population spanning the current bracket (one simulation), and the bracket shrinks
    to the interval where firing becomes sustained, by a factor ``points − 1``.
    Returns the bracket (``low_na`` silent, ``high_na`` sustained), the rheobase (its
    upper end), the late firing rate there (Hz) and the number of rounds; with
    ``keep_runs``, each round's summary too (``runs``: one row per current).
    """
    if not low_na < high_na or precision_na <= 0 or points < 3:
        raise ValueError("rheobase needs low_na < high_na, precision_na > 0 and points >= 3")
    rounds = 0
    rate_at_high = np.nan
    runs = []
    while True:
        currents = np.linspace(low_na, high_na, points)
        result = run(model, simulator=simulator, duration_ms=duration_ms, dt_ms=dt_ms, trace_neurons=0,
                     spike_shape=False, i_offset=currents, **params)
        rounds += 1
        runs.append(result.summary)
        firing = sustained(result.summary, duration_ms)
        if not firing[-1]:
            raise ValueError(f"{model}: no sustained firing up to {high_na:g} nA; raise high_na")
        if firing[0]:
            raise ValueError(f"{model}: sustained firing already at {low_na:g} nA; lower low_na")
        first = int(np.argmax(firing))
        low_na, high_na = currents[first - 1], currents[first]
        rate_at_high = float(result.summary["late_rate_hz"].iloc[first])
        if high_na - low_na <= precision_na:
            found = {"rheobase_na": high_na, "low_na": low_na, "high_na": high_na, "late_rate_hz": rate_at_high,
                     "rounds": rounds, "simulator": simulator, "model": model}
            return {**found, "runs": runs} if keep_runs else found
