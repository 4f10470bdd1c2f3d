"""``explorer.distances``: the spike-train distances of all pairs at once against their
definition, Elephant one pair at a time (and the zoo's own coincidence factor as it was
computed one pair at a time), on random trains and on edge cases, to round-off."""
import importlib
import warnings

import numpy as np
import pytest

from explorer.distances import spike_train_distances
from zoo.declarations.metrics import COINCIDENCE_WINDOW_MS, VAN_ROSSUM_TAU_MS, VICTOR_PURPURA_COST_PER_MS
from zoo.declarations.spike_trains import coincidence_factor, gamma_from_counts

EPS = np.finfo(float).eps
DURATION_MS = 1000.0
#: The module (``explorer.compare`` is also the function the package exports).
COMPARE = importlib.import_module("explorer.compare")


def elephant_distances(trains_a, trains_b, duration_ms):
    """The definition, as ``explorer.compare`` computed it before: per pair, two Neo
    trains, Elephant's van Rossum and Victor-Purpura distances with units, and Γ by
    :func:`kistler_gamma`."""
    import quantities as pq
    from elephant.spike_train_dissimilarity import van_rossum_distance, victor_purpura_distance
    from neo import SpikeTrain

    tau, cost = VAN_ROSSUM_TAU_MS * pq.ms, VICTOR_PURPURA_COST_PER_MS / pq.ms
    van_rossum, victor, gamma = [], [], []
    for ta, tb in zip(trains_a, trains_b):
        ta, tb = np.asarray(ta, float), np.asarray(tb, float)
        pair = [SpikeTrain(ta * pq.ms, t_stop=duration_ms * pq.ms), SpikeTrain(tb * pq.ms, t_stop=duration_ms * pq.ms)]
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "van_rossum_distance: very small negative", RuntimeWarning)
            van_rossum.append(van_rossum_distance(pair, time_constant=tau)[0, 1])
        victor.append(victor_purpura_distance(pair, cost_factor=cost)[0, 1])
        gamma.append(kistler_gamma(ta, tb, COINCIDENCE_WINDOW_MS, duration_ms))
    return {"van_rossum": np.array(van_rossum), "victor_purpura": np.array(victor),
            "coincidence_factor": np.array(gamma)}


def kistler_gamma(reference_ms, other_ms, window_ms, duration_ms):
    """Γ one pair at a time, as ``zoo.declarations.spike_trains.coincidence_factor`` was
    written before it was vectorised: a binary search per pair."""
    reference_ms, other_ms = np.sort(reference_ms), np.sort(other_ms)
    if len(reference_ms) == 0 and len(other_ms) == 0:
        return 1.0
    if len(other_ms) == 0:
        n_coinc = 0
    else:
        right = np.searchsorted(other_ms, reference_ms - window_ms, side="left")
        n_coinc = int(np.sum((right < len(other_ms))
                             & (other_ms[np.minimum(right, len(other_ms) - 1)] <= reference_ms + window_ms)))
    return gamma_from_counts(n_coinc, len(reference_ms), len(other_ms), window_ms, duration_ms)


def van_rossum_round_off(trains_a, trains_b):
    """Bound on |d_fast² − d_Elephant²| per pair. Both compute d² = D_aa + D_bb − 2·D_ab,
    each D a sum of N ≤ n_a + n_b terms exp(−Δt/τ)·(1 + markage), the markage by a
    recurrence of at most N steps of 3 operations: each D is within (3N + N + 2)·ε of
    itself relative (recurrence, summation in either order, exp), so the two
    implementations differ by at most 2·(4N + 2)·ε·(D_aa + D_bb + 2·D_ab). The D are
    summed here by brute force over all pairs of spikes (O(n²), the definition)."""
    bounds = []
    for ta, tb in zip(trains_a, trains_b):
        ta, tb = np.sort(np.asarray(ta, float)), np.sort(np.asarray(tb, float))
        kernel = lambda x, y: np.exp(-np.abs(x[:, None] - y[None, :]) / VAN_ROSSUM_TAU_MS).sum()  # noqa: E731
        total = kernel(ta, ta) + kernel(tb, tb) + 2 * kernel(ta, tb)
        n = len(ta) + len(tb)
        bounds.append(2 * (4 * n + 2) * EPS * total)
    return np.array(bounds)


def victor_purpura_round_off(trains_a, trains_b):
    """Bound on |VP_fast − VP_Elephant| per pair. Every cost of either dynamic programme is
    a sum along one path of at most N = n_a + n_b steps, each of at most 3 floating-point
    operations on numbers of magnitude ≤ 2N + 2 (Elephant carries a running offset of
    up to N, and so does the insertion minimum here): each is within 3(N + 1)·ε·(2N + 2)
    absolutely, and the minimum of perturbed costs moves by no more; the two programmes
    differ by at most twice that, 12·ε·(N + 1)²."""
    n = np.array([len(a) + len(b) for a, b in zip(trains_a, trains_b)], dtype=float)
    return 12 * EPS * (n + 1) ** 2


def assert_as_elephant(trains_a, trains_b, duration_ms=DURATION_MS):
    fast = spike_train_distances(trains_a, trains_b, duration_ms)
    reference = elephant_distances(trains_a, trains_b, duration_ms)
    squared = np.abs(fast["van_rossum"] ** 2 - reference["van_rossum"] ** 2)
    worst = np.argmax(squared - van_rossum_round_off(trains_a, trains_b))
    assert (squared <= van_rossum_round_off(trains_a, trains_b)).all(), (
        worst, fast["van_rossum"][worst], reference["van_rossum"][worst])
    victor = np.abs(fast["victor_purpura"] - reference["victor_purpura"])
    worst = np.argmax(victor - victor_purpura_round_off(trains_a, trains_b))
    assert (victor <= victor_purpura_round_off(trains_a, trains_b)).all(), (
        worst, fast["victor_purpura"][worst], reference["victor_purpura"][worst])
    # the same comparisons and the same arithmetic: Γ is equal, NaN (undefined) included
    np.testing.assert_array_equal(fast["coincidence_factor"], reference["coincidence_factor"])
    return fast, reference


def random_pairs(rng, n_pairs):
    """Pairs of the kinds a sweep produces and beyond: independent trains sparse and
    dense (spikes closer than 2/q chain into long edits), a jittered copy, a copy with
    spikes added and dropped, trains on a 0.1 ms grid (equal times across and within
    trains), and copies that differ by round-off only."""
    trains_a, trains_b = [], []
    for i in range(n_pairs):
        kind = i % 6
        n = int(rng.integers(0, 60))
        span = rng.choice([30.0, 200.0, DURATION_MS])
        a = np.sort(rng.uniform(0.0, span, n))
        if kind == 0:
            b = np.sort(rng.uniform(0.0, span, int(rng.integers(0, 60))))
        elif kind == 1:
            b = np.sort(np.abs(a + rng.normal(0.0, rng.choice([0.05, 0.5, 3.0]), n)))
        elif kind == 2:
            kept = a[rng.uniform(size=n) > 0.2]
            b = np.sort(np.concatenate([kept, rng.uniform(0.0, span, int(rng.integers(0, 5)))]))
        elif kind == 3:
            a = np.round(a, 1)
            b = np.sort(np.round(np.abs(a + rng.integers(-20, 21, n) * 0.1), 1))
        elif kind == 4:
            b = a * (1 + rng.choice([-1, 0, 1], n) * EPS)  # what two simulators' times differ by
        else:
            a = np.round(rng.uniform(0.0, 50.0, n), 0)  # whole ms: equal times within a train too
            b = np.sort(np.round(rng.uniform(0.0, 50.0, int(rng.integers(0, 60))), 0))
            a.sort()
        trains_a.append(a)
        trains_b.append(b)
    return trains_a, trains_b


def test_random_trains_match_elephant():
    trains_a, trains_b = random_pairs(np.random.default_rng(36), 60)
    fast, reference = assert_as_elephant(trains_a, trains_b)
    # the bounds are not vacuous: the measures vary over orders of magnitude here
    assert np.ptp(reference["victor_purpura"]) > 50 and np.ptp(reference["van_rossum"]) > 5
    assert np.ptp(reference["coincidence_factor"]) > 1


def test_edge_cases_match_elephant():
    """Empty against empty, empty against one spike, one against one (at, inside and
    beyond 2/q = 2 ms, where a move costs as much as deletion and insertion), identical
    trains, coincident spikes, spikes at equal times within a train, unsorted input."""
    one = np.array([10.0])
    cases = [
        ([], []), ([], one), (one, []), (one, one), (one, one + 1.0), (one, one + 2.0), (one, one + 2.5),
        (np.array([10.0, 11.0, 12.0]), np.array([11.0])),
        (np.array([10.0, 12.0, 14.0]), np.array([11.0, 13.0, 15.0])),  # a chain of 1 ms steps: one long edit
        (np.array([5.0, 5.0, 9.0]), np.array([5.0, 9.0, 9.0])),  # equal times within and across trains
        (np.array([30.0, 10.0, 20.0]), np.array([20.0, 10.0])),  # unsorted
        (np.arange(1.0, 100.0, 7.3), np.arange(1.0, 100.0, 7.3)),
        (np.arange(1.0, 100.0, 7.3), np.arange(1.0, 100.0, 7.3) + 0.1),
        (np.array([999.9]), np.array([0.0])),
        (np.arange(250) * 4.0, np.arange(250) * 4.0 + 0.5),  # 250 Hz: Γ is undefined (2νΔ = 1)
    ]
    trains_a = [np.asarray(a, float) for a, _ in cases]
    trains_b = [np.asarray(b, float) for _, b in cases]
    fast, reference = assert_as_elephant(trains_a, trains_b)
    assert fast["victor_purpura"][:7].tolist() == [0.0, 1.0, 1.0, 0.0, 1.0, 2.0, 2.0]
    assert fast["van_rossum"][:3].tolist() == [0.0, 1.0, 1.0]  # Elephant's normalisation: one spike = 1
    assert np.isnan(fast["coincidence_factor"][-1])


def test_identical_trains_are_exactly_zero_and_their_coincidence_factor_is_unchanged():
    """Elephant's van Rossum distance of identical trains is the square root of its
    round-off (up to ~1e-8·n, covered by the tolerances); the shortcut gives 0. Γ keeps
    the value its counts give, including undefined at 250 Hz and above."""
    rng = np.random.default_rng(7)
    trains = [np.sort(rng.uniform(0.0, DURATION_MS, n)) for n in (0, 1, 5, 80, 250)]  # 250 Hz: 2νΔ = 1
    fast = spike_train_distances(trains, [t.copy() for t in trains], DURATION_MS)
    assert (fast["van_rossum"] == 0).all() and (fast["victor_purpura"] == 0).all()
    expected = [kistler_gamma(t, t, COINCIDENCE_WINDOW_MS, DURATION_MS) for t in trains]
    np.testing.assert_array_equal(fast["coincidence_factor"], expected)
    assert np.isnan(expected[-1]) and expected[0] == 1.0 and expected[3] == pytest.approx(1.0, abs=1e-15)


def test_very_long_trains_match_elephant():
    """Thousands of spikes: a jittered 100 Hz train over 20 s (the pieces of the edit
    are single spikes), and dense trains whose spikes chain into one edit of 600 × 600."""
    rng = np.random.default_rng(3)
    regular = np.arange(5.0, 20_000.0, 10.0)
    dense_a = np.sort(rng.uniform(0.0, 600.0, 600))
    dense_b = np.sort(rng.uniform(0.0, 600.0, 600))
    trains_a = [regular, dense_a]
    trains_b = [np.sort(regular + rng.normal(0.0, 1.0, len(regular))), dense_b]
    assert_as_elephant(trains_a, trains_b, duration_ms=20_000.0)


def test_a_comparison_in_chunks_equals_it_whole(monkeypatch):
    """``explorer.compare`` computes the distances ``CHUNK_SPIKES`` spikes at a time (its
    memory then grows with the table only): the chunks give the numbers of one pass."""
    trains_a, trains_b = random_pairs(np.random.default_rng(1), 60)
    whole = COMPARE._distances(trains_a, trains_b, DURATION_MS)
    monkeypatch.setattr(COMPARE, "CHUNK_SPIKES", 50)
    chunked = COMPARE._distances(trains_a, trains_b, DURATION_MS)
    for name, values in whole.items():
        np.testing.assert_array_equal(chunked[name], values)


def test_coincidence_factor_of_one_pair_is_that_of_all_pairs():
    trains_a, trains_b = random_pairs(np.random.default_rng(2), 30)
    for a, b in zip(trains_a, trains_b):
        expected = kistler_gamma(a, b, COINCIDENCE_WINDOW_MS, DURATION_MS)
        assert coincidence_factor(a, b, COINCIDENCE_WINDOW_MS, DURATION_MS) == pytest.approx(expected, nan_ok=True,
                                                                                              rel=0, abs=0)


def test_bad_trains_are_refused_in_one_line():
    with pytest.raises(ValueError, match="^2 trains against 1: pairs need both$"):
        spike_train_distances([[1.0], [2.0]], [[1.0]], DURATION_MS)
    with pytest.raises(ValueError, match=r"^spike times must be finite numbers \(ms\)$"):
        spike_train_distances([[1.0, np.nan]], [[1.0]], DURATION_MS)
