"""Convergence runs: a fixed-step scheme's own error, estimated from the same simulator
at finer steps, for tolerances where no closed form bounds it (a nonlinear cell).

**The columns.** An agreement's ``pairs`` hold side a's values (the pair's first
simulator) under the metric's name, as always. With convergence runs they also hold
side b's (``metric@b``) and each side's runs at the next two finer steps
(``metric@a'``, ``metric@b'``, then ``metric@a''``, ``metric@b''``), with those steps in
``dt_ms@a'`` etc. (:func:`column`). Side b may have run at another step than side a
(``dt_ms@b``): one simulator at two steps, the conformance matrix's convergence rows.

**The estimate** (Richardson 1911; e.g. Hairer, Nørsett & Wanner 1993, *Solving ODEs
I*, sec. II.4). A scheme of order p computes a smooth quantity M at step h as
M(h) = M* + C·hᵖ + o(hᵖ). Measured at h₀ > h₁, the difference d = M(h₀) − M(h₁) =
C·(h₀ᵖ − h₁ᵖ), so the error at h₀ is

    |M(h₀) − M*| = |d|·h₀ᵖ / (h₀ᵖ − h₁ᵖ)        (4/3·|d| for p = 2, h₁ = h₀/2).

A metric on the time grid is not smooth in h: it is M(h) + c(h) + q(h), where c is a
known offset of the grid (a spike is detected one step after its peak, on average) and
|q| ≤ Q(h) the grid's quantisation (which step the detection lands on). So
|M(h₀) − M(h₁)| ≤ |m̃₀ − m̃₁| + Q(h₀) + Q(h₁), with m̃ = m − c.

**The third step checks the asymptotic regime.** With h₂ < h₁, the same bound taken
from the finer pair, |M(h₀) − M(h₂)| + |M(h₁) − M(h₂)|·h₂ᵖ/(h₁ᵖ − h₂ᵖ), holds whenever
h₁ is in the asymptotic regime even if h₀ is not; the estimate is the larger of the two.
Where the differences grow from (h₀, h₁) to (h₁, h₂) by more than the quantisation
allows, the scheme is not converging there (the point sits on a sensitive trajectory):
not judged (:data:`NOT_CONVERGING`). Without a convergence run nothing bounds the
scheme: not judged (:data:`NO_CONVERGENCE_RUN`).
"""
from __future__ import annotations

from typing import Callable

import numpy as np

SIDES = ("a", "b")
#: Levels of a side's runs: 0 the compared run, 1 and 2 its convergence runs.
LEVELS = (0, 1, 2)
STEP = "dt_ms"
#: Why a fixed-step scheme's error is not bounded at a point (shown in the verdicts).
NO_CONVERGENCE_RUN = "no convergence run: sweep also at dt/2 and dt/4"
NOT_CONVERGING = "not converging: the convergence runs differ more at the finer steps"


def column(metric: str, side: str = "a", level: int = 0) -> str:
    """The column of ``metric`` for ``side`` ("a" or "b") at ``level`` (module docstring);
    side a's compared run is the metric's own column."""
    if side not in SIDES or level not in LEVELS:
        raise ValueError(f"side must be one of {SIDES} and level one of {LEVELS}, got {side!r}, {level!r}")
    return metric if side == "a" and level == 0 else f"{metric}@{side}{chr(39) * level}"


def values(pairs, metric: str, side: str = "a", level: int = 0, default=np.nan) -> np.ndarray:
    """``metric`` of ``side`` at ``level`` per row, as floats (``default`` where absent)."""
    name = column(metric, side, level)
    if name in pairs:
        return np.asarray(pairs[name], dtype=float)
    return np.full(len(np.asarray(pairs[next(iter(pairs))])), default, dtype=float)


def steps(pairs, dt_ms: float, side: str) -> list[np.ndarray]:
    """Per row, the step of ``side``'s run at each level (NaN where a run is missing):
    side a's compared run is at ``dt_ms`` (the numerics'), side b's at ``dt_ms@b`` if
    given, else also at ``dt_ms``."""
    first = values(pairs, STEP, side, 0, default=dt_ms) if side == "b" else values(pairs, STEP, "a", 0, dt_ms)
    first = np.where(np.isnan(first), dt_ms, first)
    return [first] + [values(pairs, STEP, side, level) for level in LEVELS[1:]]


def with_convergence_runs(left, right, refined, keys: list[str], a: str, b: str, step_b: float | None = None):
    """``left`` (side a's rows of one step) with side b's values (``right``, the same points
    in the same order) and, from ``refined`` (rows at other steps: each simulator's
    convergence runs), each side's rows at the next two steps finer than its own, matched
    by ``keys`` (what makes a point, apart from its step). ``step_b``: side b's step, where
    it differs from side a's (convergence rows of one simulator)."""
    import pandas as pd

    step_a = float(left["dt_ms"].iloc[0]) if len(left) else np.nan
    step_b = step_a if step_b is None else float(step_b)
    own = [k for k in keys + ["dt_ms"] if k in right.columns]
    frames = [left, right.drop(columns=own).add_suffix("@b").set_axis(left.index)]
    steps_ = {column(STEP, "b"): np.full(len(left), step_b)}
    if refined is not None and len(refined) and len(left):
        ok = refined[refined["status"].to_numpy() == "ok"]
        groups = dict(list(ok.groupby(["simulator", "dt_ms"], sort=False)))
        where = pd.MultiIndex.from_frame(left[keys].reset_index(drop=True))
        for side, simulator, own in (("a", a, step_a), ("b", b, step_b)):
            finer = sorted((dt for sim, dt in groups if sim == simulator and dt < own * (1 - 1e-9)), reverse=True)[:2]
            for level, step in enumerate(finer, start=1):
                rows = groups[(simulator, step)].drop_duplicates(keys).set_index(keys).reindex(where)
                steps_[column(STEP, side, level)] = np.where(rows["status"].notna().to_numpy(), step, np.nan)
                rows = rows.drop(columns=[c for c in ("key", "pair_key", "dt_ms") if c in rows.columns])
                frames.append(rows.add_suffix(f"@{side}{chr(39) * level}").set_axis(left.index))
    frames.append(pd.DataFrame(steps_, index=left.index))
    return pd.concat(frames, axis=1)


def richardson_error(pairs, metric: str, side: str, dt_ms: float, order: int,
                     quantisation: Callable[[np.ndarray, int], np.ndarray],
                     offset: Callable[[np.ndarray, int], np.ndarray] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Per row, a bound on |M(h₀) − M*| of ``metric`` on ``side`` (module docstring) and
    why there is none ("" where there is). ``quantisation(h, level)`` is Q, ``offset(h,
    level)`` the grid's known offset c (default 0), both at that level's step h."""
    hs = steps(pairs, dt_ms, side)
    ms = [values(pairs, metric, side, level) for level in LEVELS]
    n = len(hs[0])
    offset = offset or (lambda h, level: np.zeros(n))
    centred = [m - offset(h, level) for m, h, level in zip(ms, hs, LEVELS)]
    slack = [np.asarray(quantisation(h, level), dtype=float) for h, level in zip(hs, LEVELS)]
    p = float(order)
    with np.errstate(invalid="ignore", divide="ignore"):
        d01 = _difference(centred[0], centred[1]) + slack[0] + slack[1]
        bound = d01 * hs[0] ** p / (hs[0] ** p - hs[1] ** p)
        d12 = _difference(centred[1], centred[2]) + slack[1] + slack[2]
        d02 = _difference(centred[0], centred[2]) + slack[0] + slack[2]
        finer = d02 + d12 * hs[2] ** p / (hs[1] ** p - hs[2] ** p)
        third = ~np.isnan(hs[2])
        bound = np.where(third, np.fmax(bound, finer), bound)
        # the differences grow beyond what the grid allows: no convergence to extrapolate
        growing = third & (_difference(centred[1], centred[2]) - slack[1] - slack[2] > d01)
    missing = np.isnan(hs[1])
    reasons = np.where(missing, NO_CONVERGENCE_RUN, np.where(growing, NOT_CONVERGING, ""))
    return np.where(reasons == "", bound, np.nan), reasons.astype(object)


def _difference(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """|x − y|, 0 where both are NaN (neither has the metric), inf where one is."""
    both = np.isnan(x) & np.isnan(y)
    with np.errstate(invalid="ignore"):
        return np.where(both, 0.0, np.where(np.isnan(x) | np.isnan(y), np.inf, np.abs(x - y)))
