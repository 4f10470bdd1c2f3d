"""How well a model's membrane potential follows a recorded one: the QSNMC guide's F1
(Challenge B, §2.1 eq. 4; ``docs/notes/qsnmc2007-fitting.md``) and the mean squared error.

    x_k(t) = (u_data,k(t) − u_model(t)) / 2 mV,   g(x) = 1 / (1 + x²),
    F1 = (1/n) Σ_k (1/T) ∫_0^T g(x_k(t)) dt

over the n recorded repetitions k, on the recording's samples. F1 is 1 for a perfect match
and falls to 0 as the traces part; g is bounded, so what is left of the recorded spikes
costs at most its duration, not its height squared as in the MSE.

Subthreshold: the recorded action potentials, which an integrate-and-fire model replaces by
a reset, are left out (:func:`subthreshold`): from :data:`SPIKE_BEFORE_MS` before each
recorded spike time to :data:`SPIKE_AFTER_MS` after it. On the competition's data the mean
recorded spike rises from its upstroke sample to +26..+36 mV in one sample (0.2 ms) and is
back within 2 mV of its after-spike level 0.6 ms later (sets 00, 06, 11, measured).
"""
from __future__ import annotations

import numpy as np

#: The guide's scale of a voltage difference (mV).
F1_SCALE_MV = 2.0
#: The window around a recorded spike left out of the subthreshold trace (ms).
SPIKE_BEFORE_MS = 0.5
SPIKE_AFTER_MS = 2.0


def subthreshold(v_mV: np.ndarray, spike_times_ms: np.ndarray, sample_ms: float) -> np.ndarray:
    """A copy of the recorded trace (one value per ``sample_ms``) with NaN from
    :data:`SPIKE_BEFORE_MS` before to :data:`SPIKE_AFTER_MS` after each spike time."""
    trace = np.array(v_mV, dtype=float)
    t = np.arange(trace.size) * sample_ms
    starts = np.searchsorted(t, np.asarray(spike_times_ms) - SPIKE_BEFORE_MS)
    stops = np.searchsorted(t, np.asarray(spike_times_ms) + SPIKE_AFTER_MS)
    cut = np.zeros(trace.size + 1, dtype=int)
    np.add.at(cut, starts, 1)
    np.add.at(cut, stops, -1)
    trace[np.cumsum(cut[:-1]) > 0] = np.nan
    return trace


def f1(recorded: list, model: np.ndarray, scale_mV: float = F1_SCALE_MV) -> float:
    """F1 of ``model`` (mV, one value per sample) against each recorded trace (mV, the same
    samples; the recording's NaN samples are left out), averaged over the repetitions. A
    model sample that is not finite (a run that diverged) scores 0, not nothing."""
    model = np.asarray(model, dtype=float)
    scores = []
    for trace in recorded:
        trace = np.asarray(trace, dtype=float)
        if trace.shape != model.shape:
            raise ValueError(f"a recorded trace has {trace.size} samples, the model's {model.size}")
        kept = np.isfinite(trace)
        with np.errstate(invalid="ignore", over="ignore"):
            x = (trace[kept] - model[kept]) / scale_mV
            g = np.where(np.isfinite(x), 1.0 / (1.0 + x * x), 0.0)
        scores.append(g.mean() if g.size else np.nan)
    return float(np.mean(scores))


def mean_squared_error(recorded: list, model: np.ndarray) -> float:
    """The mean over repetitions and samples of (u_data − u_model)² (mV²), over the
    recording's finite samples (a model sample that is not finite makes it infinite)."""
    model = np.asarray(model, dtype=float)
    errors = []
    for trace in recorded:
        trace = np.asarray(trace, dtype=float)
        kept = np.isfinite(trace)
        difference = trace[kept] - model[kept]
        errors.append(np.mean(difference ** 2) if np.all(np.isfinite(difference)) else np.inf)
    return float(np.mean(errors))
