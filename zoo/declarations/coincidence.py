"""The coincidence factor Γ between spike trains (Kistler et al. 1997), as the 2007 single-
neuron modelling competition scores a model (Jolivet et al. 2008; guide section 1.1).

    Γ = (N_coinc − 2 ν_model Δ N_data) / (½ (N_model + N_data) (1 − 2 ν_model Δ))

N_coinc: spikes of the model matched one-to-one to spikes of the data within ±Δ (each
spike matched at most once: "without replacement", Naud et al. 2011, Neural Comput.
23:3016, Table 1), ν_model = N_model/T. Γ = 1 for identical trains, 0 for a Poisson train
of the model's rate. The intrinsic reliability Γ_int is Γ between repetitions of the data
(mean over ordered pairs), and the competition's score is mean_k Γ(model, data_k) / Γ_int.
With this definition the competition's training sets give Γ_int 0.85 (set 00) to 0.01 (12)
(docs/notes/qsnmc2007-fitting.md).
"""
from __future__ import annotations

import numpy as np

#: The competition's coincidence window (ms).
WINDOW_MS = 2.0


def matched(model_ms: np.ndarray, data_ms: np.ndarray, window_ms: float = WINDOW_MS) -> int:
    """The largest number of one-to-one pairs (model spike, data spike) at most
    ``window_ms`` apart: greedy over sorted trains, which is optimal for intervals."""
    model_ms, data_ms = np.sort(np.asarray(model_ms, float)), np.sort(np.asarray(data_ms, float))
    low = np.searchsorted(data_ms, model_ms - window_ms - 1e-9, side="left").tolist()
    high = np.searchsorted(data_ms, model_ms + window_ms + 1e-9, side="right").tolist()
    pairs, free = 0, 0
    for lo, hi in zip(low, high):
        if free < lo:
            free = lo
        if free < hi:
            pairs += 1
            free += 1
    return pairs


def gamma(model_ms, data_ms, duration_ms: float, window_ms: float = WINDOW_MS) -> float:
    """Γ of the model train against the data train (both in ms, over ``duration_ms``).
    0 when the model is silent; −inf when it is so fast (2 ν Δ ≥ 1, 250 Hz at ±2 ms) that
    chance explains every coincidence (the formula's limit as 2 ν Δ → 1 from below); NaN
    when both are silent."""
    n_model, n_data = len(model_ms), len(data_ms)
    if n_model + n_data == 0:
        return float("nan")
    chance = 2.0 * n_model / duration_ms * window_ms
    if n_model == 0:
        return 0.0
    if chance >= 1.0:
        return float("-inf")
    coincident = matched(model_ms, data_ms, window_ms)
    return (coincident - chance * n_data) / (0.5 * (n_model + n_data) * (1.0 - chance))


def intrinsic_reliability(trains: list, duration_ms: float, window_ms: float = WINDOW_MS) -> float:
    """Γ_int: mean Γ over the ordered pairs of distinct repetitions."""
    if len(trains) < 2:
        raise ValueError(f"the intrinsic reliability needs at least two repetitions, got {len(trains)}")
    return float(np.nanmean([gamma(a, b, duration_ms, window_ms) for i, a in enumerate(trains)
                             for j, b in enumerate(trains) if i != j]))


def mean_gamma(model_ms, trains: list, duration_ms: float, window_ms: float = WINDOW_MS) -> float:
    """Γ of the model train against each repetition, averaged over those where it is defined
    (a silent model against a silent repetition is not); 0 where it is nowhere defined."""
    values = np.array([gamma(model_ms, data, duration_ms, window_ms) for data in trains])
    return float(np.mean(values[~np.isnan(values)])) if (~np.isnan(values)).any() else 0.0
