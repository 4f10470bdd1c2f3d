"""The coincidence factor Γ: 1 for identical trains, about 0 for independent ones, each
spike matched once, and the chance correction of Kistler et al. (1997)."""
import numpy as np
import pytest

from zoo.declarations import coincidence


def test_identical_trains_score_one_and_a_shift_beyond_the_window_scores_below_chance():
    train = np.arange(10.0, 1000.0, 50.0)
    assert coincidence.gamma(train, train, 1000.0) == pytest.approx(1.0)
    assert coincidence.gamma(train + 1.9, train, 1000.0) == pytest.approx(1.0)
    assert coincidence.gamma(train + 2.1, train, 1000.0) < 0


def test_independent_poisson_trains_score_chance():
    rng = np.random.default_rng(3)
    gammas = [coincidence.gamma(np.sort(rng.uniform(0, 10_000, 200)), np.sort(rng.uniform(0, 10_000, 200)), 10_000.0)
              for _ in range(200)]
    assert abs(np.mean(gammas)) < 0.02


def test_a_model_at_250_hz_or_more_scores_minus_infinity_and_silence_is_defined_where_it_can_be():
    """Below 250 Hz (2νΔ < 1 at ±2 ms) Γ is finite; from there on -inf, the limit of its
    chance correction (1 − 2νΔ → 0 in the denominator). A
    silent model against a silent repetition has no Γ: the mean leaves it out."""
    duration = 1000.0
    data = np.arange(3.0, duration, 7.0)
    assert np.isfinite(coincidence.gamma(np.arange(0.0, duration, 4.05), data, duration))
    assert coincidence.gamma(np.arange(0.0, duration, 3.9), data, duration) == -np.inf
    assert coincidence.mean_gamma([], [[], [10.0]], duration) == 0.0
    assert coincidence.mean_gamma([], [[], []], duration) == 0.0
    assert coincidence.mean_gamma([10.0], [[10.0], []], duration) == pytest.approx(0.5)  # Γ 1 and Γ 0


def test_a_burst_is_matched_one_to_one():
    """Two model spikes within 2 ms of one data spike count once (without replacement)."""
    assert coincidence.matched([10.0, 11.0], [10.5]) == 1
    assert coincidence.matched([10.0, 11.0], [9.0, 12.5]) == 2
    n_model, n_data, duration = 2, 1, 1000.0
    chance = 2 * n_model / duration * coincidence.WINDOW_MS
    expected = (1 - chance * n_data) / (0.5 * (n_model + n_data) * (1 - chance))
    assert coincidence.gamma([10.0, 11.0], [10.5], duration) == pytest.approx(expected)
