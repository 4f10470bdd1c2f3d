"""One way to judge a measured value against a reference and a tolerance, used by
``explorer.compare``, ``zoo check`` and the models' studies alike.

- NaN on both sides agrees (e.g. neither simulator fired); NaN on one side is an
  infinite error (one fired, the other did not): never within tolerance.
- A NaN tolerance marks an informational row: shown, always passing.
"""
from __future__ import annotations

import numpy as np

#: Columns of a verdict table (``zoo check``, the models' studies).
COLUMNS = ["simulator", "metric", "value", "reference", "error", "tolerance", "pass", "worst_at"]


def errors(value, reference) -> np.ndarray:
    """|value − reference| with NaN handled as above (0 if both NaN, inf if one)."""
    value, reference = np.asarray(value, dtype=float), np.asarray(reference, dtype=float)
    both_nan = np.isnan(value) & np.isnan(reference)
    with np.errstate(invalid="ignore"):
        error = np.where(both_nan, 0.0, np.abs(value - reference))
    return np.where(np.isnan(error), np.inf, error)


def passes(error, tolerance) -> np.ndarray:
    """error ≤ tolerance, or True where the tolerance is NaN (informational)."""
    error, tolerance = np.asarray(error, dtype=float), np.asarray(tolerance, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(tolerance), True, error <= tolerance)


def verdict_row(simulator: str, metric: str, value, reference, error, tolerance, note: str) -> dict:
    """One verdict row of a check against a published or derived value."""
    return {"simulator": simulator, "metric": metric, "value": value, "reference": reference, "error": error,
            "tolerance": tolerance, "pass": bool(passes(error, tolerance)), "worst_at": note}


def worst_row(simulator: str, metric: str, value, reference, tolerance, label, error=None) -> dict:
    """The verdict row for the point with the largest error relative to its tolerance
    (``label(i)`` names point i); the row passes only if every point does. ``error``:
    the errors as already judged (e.g. by ``explorer.compare``), else :func:`errors`."""
    value, reference, tolerance = (np.atleast_1d(np.asarray(x, dtype=float)) for x in (value, reference, tolerance))
    tolerance = np.broadcast_to(tolerance, value.shape)
    error = errors(value, reference) if error is None else np.atleast_1d(np.asarray(error, dtype=float))
    ok = passes(error, tolerance)
    informational = np.isnan(tolerance)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(informational, 0.0,
                         np.where(tolerance > 0, error / tolerance, np.where(error > 0, np.inf, 0.0)))
    if informational.all():
        score = np.where(np.isfinite(error), error, -1.0)
    worst = int(np.argmax(score))
    note = "(information, no tolerance)" if informational.all() else f"(worst of {len(value)})"
    return {"simulator": simulator, "metric": metric, "value": value[worst], "reference": reference[worst],
            "error": error[worst], "tolerance": tolerance[worst], "pass": bool(ok.all()),
            "worst_at": f"{label(worst)} {note}"}
