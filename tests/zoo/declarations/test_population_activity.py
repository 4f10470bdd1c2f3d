"""The population measures of a network: windows and bins right-closed, and blind to the
round-off in the spike times simulators report."""
from __future__ import annotations

import numpy as np
import pytest

from zoo.declarations.population_activity import inside, population_measures, population_rate_hz


def test_bins_are_right_closed_and_a_spike_on_an_edge_counts_once_whatever_its_round_off():
    times = np.array([0.5, 1.0, 1.0 + 1e-13, 1.0 - 1e-13, 2.0, 3.5])
    starts, rate = population_rate_hz(times, 1, (0.0, 3.0), bin_ms=1.0)
    assert starts.tolist() == [0.0, 1.0, 2.0]
    assert (rate / 1000.0).tolist() == [4.0, 1.0, 0.0]  # (0, 1]: 0.5 and the three 1.0s; (1, 2]: 2.0
    assert inside(np.array([0.0, 1e-13, 0.1, 3.0 + 1e-13, 3.1]), (0.0, 3.0)).tolist() == [False, False, True, True,
                                                                                          False]


def test_one_train_reported_with_two_round_offs_has_the_same_measures():
    rng = np.random.default_rng(4)
    steps = np.sort(rng.integers(1, 5000, 4000))
    neuron = rng.integers(0, 200, steps.size)
    exact = steps * 0.1
    accumulated = np.cumsum(np.full(5000, 0.1))[steps - 1]  # NEURON's t, a sum of steps
    assert not np.array_equal(exact, accumulated)
    first, _ = population_measures(neuron, exact, 200, (100.0, 500.0))
    second, _ = population_measures(neuron, accumulated, 200, (100.0, 500.0))
    assert all(np.isfinite(value) for value in first.values())  # every measure is defined here
    for name, value in first.items():
        assert second[name] == pytest.approx(value), name
