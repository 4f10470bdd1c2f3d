"""How well a model's membrane potential follows a recorded one: the QSNMC guide's F1
(Challenge B, §2.1 eq. 4; ``docs/notes/qsnmc2007-fitting.md``) and the mean squared error.

    x_k(t) = (u_data,k(t) − u_model(t)) / 2 mV,   g(x) = 1 / (1 + x²),
    F1 = (1/n) Σ_k (1/T) ∫_0^T g(x_k(t)) dt

over the n recorded repetitions k, on the recording's samples. F1 is 1 for a perfect match
and falls to 0 as the traces part; g is bounded, so the recorded spikes (which a model that
cuts its spikes at a threshold does not reproduce) cost at most their duration, not their
height squared as in the MSE.
"""
from __future__ import annotations

import numpy as np

#: The guide's scale of a voltage difference (mV).
F1_SCALE_MV = 2.0


def f1(recorded: list, model: np.ndarray, scale_mV: float = F1_SCALE_MV) -> float:
    """F1 of ``model`` (mV, one value per sample) against each recorded trace (mV, the same
    samples; NaN samples are left out), averaged over the repetitions."""
    model = np.asarray(model, dtype=float)
    scores = []
    for trace in recorded:
        trace = np.asarray(trace, dtype=float)
        if trace.shape != model.shape:
            raise ValueError(f"a recorded trace has {trace.size} samples, the model's {model.size}")
        x = (trace - model) / scale_mV
        scores.append(np.nanmean(1.0 / (1.0 + x * x)))
    return float(np.mean(scores))


def mean_squared_error(recorded: list, model: np.ndarray) -> float:
    """The mean over repetitions and samples of (u_data − u_model)² (mV²)."""
    model = np.asarray(model, dtype=float)
    return float(np.mean([np.nanmean((np.asarray(trace, dtype=float) - model) ** 2) for trace in recorded]))
