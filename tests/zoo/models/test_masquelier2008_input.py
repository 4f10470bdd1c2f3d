"""The Masquelier et al. (2008) input: its statistics against the protocol."""
import numpy as np
import pytest

from zoo.models.masquelier2008.input import JITTER_MS, MAX_SILENCE_MS, PATTERN_MS, PATTERN_SHARE, make_input

DURATION_MS = 30_000.0


@pytest.fixture(scope="module")
def pattern():
    return make_input(seed=5, duration_ms=DURATION_MS, dt_ms=0.1)


def test_mean_rate_is_about_64_hz(pattern):
    """54 Hz from the rate walk with forced spikes (the replication's figure) + 10 Hz."""
    rate = pattern.n_spikes / pattern.n_afferents / (DURATION_MS / 1000.0)
    assert 60.0 < rate < 68.0


def test_no_afferent_outside_the_pattern_is_silent_for_more_than_50_ms(pattern):
    """The forced spike comes in the bin after 50 ms; the grid adds at most one step."""
    for afferent in range(pattern.n_pattern, pattern.n_afferents):
        times = np.concatenate(([0.0], pattern.times_ms(afferent), [DURATION_MS]))
        assert np.diff(times).max() <= MAX_SILENCE_MS + 1.0 + pattern.dt_ms + 1e-9


def test_pattern_covers_a_quarter_of_the_windows_never_two_in_a_row(pattern):
    windows = DURATION_MS // PATTERN_MS
    assert pattern.onsets_ms.size == int(windows * PATTERN_SHARE)
    assert np.all(np.diff(pattern.onsets_ms) >= 2 * PATTERN_MS)
    assert np.all(pattern.onsets_ms % PATTERN_MS == 0)


def test_pattern_spikes_repeat_with_1_ms_jitter(pattern):
    """Pattern afferent spikes recur at the same offset in every window, spread by the jitter."""
    first, second = pattern.onsets_ms[:2]
    spreads = []
    for afferent in range(pattern.n_pattern):
        times = pattern.times_ms(afferent)
        a = times[(times >= first + 5) & (times < first + PATTERN_MS - 5)] - first
        b = times[(times >= second) & (times < second + PATTERN_MS)] - second
        if a.size == 1 and b.size == 1:  # unambiguous: one spike each
            spreads.append(b[0] - a[0])
    spreads = np.asarray(spreads)
    assert spreads.size > 100
    # the difference of two jittered copies has SD sqrt(2) ms (plus spontaneous spikes rarely)
    assert np.sqrt(2) * JITTER_MS * 0.8 < np.median(np.abs(spreads)) / 0.6745 < np.sqrt(2) * JITTER_MS * 1.25


def test_same_seed_same_input_and_repetition():
    a = make_input(seed=3, duration_ms=2_000.0, dt_ms=0.1, repeat_ms=1_000.0)
    b = make_input(seed=3, duration_ms=2_000.0, dt_ms=0.1, repeat_ms=1_000.0)
    np.testing.assert_array_equal(a.steps, b.steps)
    t = a.times_ms(7)
    np.testing.assert_allclose(t[t > 1000.0] - 1000.0, t[t <= 1000.0], atol=1e-9)
    np.testing.assert_allclose(a.onsets_ms[a.onsets_ms >= 1000] - 1000, a.onsets_ms[a.onsets_ms < 1000])
    assert not np.array_equal(make_input(seed=4, duration_ms=2_000.0).steps[:100], a.steps[:100])


def test_every_spike_lies_inside_the_run(pattern):
    """Spikes on steps 1 .. T/dt. One on the last grid point reaches no neuron; the
    backends' spike sources drop it for every model (tests/zoo/backends/test_spike_sources.py)."""
    total = int(round(DURATION_MS / pattern.dt_ms))
    assert pattern.steps.min() >= 1 and pattern.steps.max() <= total
    repeated = make_input(seed=3, duration_ms=20_000.0, dt_ms=0.1, repeat_ms=10_000.0)
    assert repeated.steps.min() >= 1 and repeated.steps.max() <= 200_000
