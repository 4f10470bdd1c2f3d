"""One way to judge a measured value against a reference and a tolerance, used by
``explorer.compare``, ``explorer.verdicts``, ``zoo check`` and the models' studies alike.

- NaN on both sides agrees (e.g. neither simulator fired); NaN on one side is an
  infinite error (one fired, the other did not): never within tolerance.
- A NaN tolerance marks a point that is not judged: an informational metric, or a
  measure the model's tolerances leave unjudged at that point (a grid tie). It is
  shown and never fails; the table says why it is not judged (:data:`INFORMATION`,
  :data:`GRID_TIE`).
"""
from __future__ import annotations

import numpy as np

#: Columns of a verdict table (``zoo check``, the models' studies, ``zoo compare``'s
#: summary): ``judged`` counts the points judged against a tolerance, of ``points``;
#: ``verdict`` is ``pass``, ``FAIL`` or why nothing was judged.
COLUMNS = ["simulator", "metric", "points", "judged", "value", "reference", "error", "tolerance", "verdict",
           "pass", "worst_at"]

#: Why a point is not judged (the ``judged`` column of a comparison).
JUDGED, INFORMATION, GRID_TIE = "judged", "information", "grid tie"


def errors(value, reference) -> np.ndarray:
    """|value − reference| with NaN handled as above (0 if both NaN, inf if one)."""
    value, reference = np.asarray(value, dtype=float), np.asarray(reference, dtype=float)
    both_nan = np.isnan(value) & np.isnan(reference)
    with np.errstate(invalid="ignore"):
        error = np.where(both_nan, 0.0, np.abs(value - reference))
    return np.where(np.isnan(error), np.inf, error)


def passes(error, tolerance) -> np.ndarray:
    """error ≤ tolerance, or True where the tolerance is NaN (not judged)."""
    error, tolerance = np.asarray(error, dtype=float), np.asarray(tolerance, dtype=float)
    with np.errstate(invalid="ignore"):
        return np.where(np.isnan(tolerance), True, error <= tolerance)


def verdict_word(passed: bool, judged: int, reason: str = INFORMATION) -> str:
    """``pass``/``FAIL`` for judged rows, else the reason nothing was judged."""
    if judged == 0:
        return reason
    return "pass" if passed else "FAIL"


def verdict_row(simulator: str, metric: str, value, reference, error, tolerance, note: str) -> dict:
    """One verdict row of a check against a published or derived value (NaN
    tolerance: shown as information)."""
    passed = bool(passes(error, tolerance))
    judged = int(not np.isnan(tolerance))
    return {"simulator": simulator, "metric": metric, "points": 1, "judged": judged, "value": value,
            "reference": reference, "error": error, "tolerance": tolerance, "verdict": verdict_word(passed, judged),
            "pass": passed, "worst_at": note}


def worst_row(simulator: str, metric: str, value, reference, tolerance, label, error=None, why_not=None) -> dict:
    """The verdict row for the judged point with the largest error relative to its
    tolerance (``label(i)`` names point i); the row passes only if every judged point
    does. ``error``: the errors as already judged (e.g. by ``explorer.compare``), else
    :func:`errors`. ``why_not``: per point, why a NaN tolerance leaves it unjudged
    (default :data:`INFORMATION`). With no judged point, the row shows the largest
    finite error as information."""
    value, reference, tolerance = (np.atleast_1d(np.asarray(x, dtype=float)) for x in (value, reference, tolerance))
    tolerance = np.broadcast_to(tolerance, value.shape)
    error = errors(value, reference) if error is None else np.atleast_1d(np.asarray(error, dtype=float))
    why_not = np.broadcast_to(np.asarray(INFORMATION if why_not is None else why_not, dtype=object), value.shape)
    ok = passes(error, tolerance)
    judged = ~np.isnan(tolerance)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(~judged, -np.inf,
                         np.where(tolerance > 0, error / tolerance, np.where(error > 0, np.inf, 0.0)))
    if not judged.any():
        score = np.where(np.isfinite(error), error, -1.0)
    worst = int(np.argmax(score))
    reasons = sorted(set(why_not[~judged]))
    if not judged.any():
        note = f"({' and '.join(reasons)}, no tolerance)"
    elif judged.all():
        note = f"(worst of {len(value)})"
    else:
        note = f"(worst of {int(judged.sum())} judged; {int((~judged).sum())} {' and '.join(reasons)}, shown only)"
    passed = bool(ok.all())
    return {"simulator": simulator, "metric": metric, "points": len(value), "judged": int(judged.sum()),
            "value": value[worst], "reference": reference[worst], "error": error[worst],
            "tolerance": tolerance[worst], "verdict": verdict_word(passed, int(judged.sum()), " and ".join(reasons)),
            "pass": passed, "worst_at": f"{label(worst)} {note}"}


def point_labels(frame, varying):
    """``label(i)``: point i of ``frame`` named by its values of the ``varying``
    parameters ("i_offset=0.6"), or "default" — the ``worst_at`` text of verdict rows."""
    values = {k: frame[k].to_numpy() for k in varying}

    def label(i):
        return ", ".join(f"{k}={v[i]:.4g}" for k, v in values.items()) or "default"

    return label
