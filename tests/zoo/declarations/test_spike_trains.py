"""The vectorised metrics equal Elephant's on the same spike trains, and by hand
where Elephant has none (late rate, rate window, spike shape, coincidence factor)."""
import warnings

import numpy as np
import pytest
import quantities as pq
from elephant.statistics import cv, isi, mean_firing_rate
from neo import SpikeTrain

from zoo.declarations.spike_trains import (FlatTrains, coincidence_factor, coincidence_factors, gamma_from_counts,
                                          spike_shape, spike_train_metrics)

#: The judging and bookkeeping code handles the NaN and inf it expects without a
#: floating-point warning (a user would see it on every comparison).
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def test_metrics_match_elephant_on_random_trains():
    rng = np.random.default_rng(3)
    duration = 2000.0
    trains = [np.sort(rng.uniform(0, duration, n)) for n in (0, 1, 2, 3, 17, 250)]
    neuron = np.concatenate([np.full(len(t), i) for i, t in enumerate(trains)])
    times = np.concatenate(trains)
    shuffle = rng.permutation(len(times))
    table = spike_train_metrics(neuron[shuffle], times[shuffle], len(trains), duration)
    for i, t in enumerate(trains):
        row = table.iloc[i]
        train = SpikeTrain(t * pq.ms, t_start=0 * pq.ms, t_stop=duration * pq.ms)
        assert row["n_spikes"] == len(t)
        expected_rate = mean_firing_rate(train).rescale(pq.Hz).magnitude
        assert np.isclose(row["rate_hz"], expected_rate)
        if len(t):
            assert row["first_spike_ms"] == t[0]
        else:
            assert np.isnan(row["first_spike_ms"])
        if len(t) >= 2:
            assert np.isclose(row["mean_isi_ms"], isi(train).magnitude.mean())
        else:
            assert np.isnan(row["mean_isi_ms"])
        if len(t) >= 3:
            assert np.isclose(row["cv_isi"], cv(isi(train).magnitude))
        else:
            assert np.isnan(row["cv_isi"])


def test_late_rate_counts_the_second_half_only():
    """``late_rate_hz``: spikes after D/2 over D/2 (a spike at exactly D/2 is early)."""
    duration = 1000.0
    trains = [[100.0, 499.9, 500.0, 500.1, 999.0], [10.0, 20.0], [600.0], []]
    neuron = np.concatenate([np.full(len(t), i) for i, t in enumerate(trains)])
    table = spike_train_metrics(neuron, np.concatenate(trains), 4, duration)
    assert table["late_rate_hz"].tolist() == [4.0, 0.0, 2.0, 0.0]
    assert table["rate_hz"].tolist() == [5.0, 2.0, 1.0, 0.0]


def test_the_rate_window_counts_spikes_in_start_to_stop():
    """``rate_window_ms`` = (start, stop]: a spike at start is outside, one at stop inside."""
    times = np.array([50.0, 50.05, 100.0, 150.0, 150.0000001, 150.001])
    table = spike_train_metrics(np.zeros(len(times), dtype=int), times, 1, 300.0, rate_window_ms=(50.0, 150.0))
    assert table["rate_hz"].iloc[0] == 4 / 0.1  # 50.05, 100, 150 and 150 + round-off (1e-9 relative)
    assert table["n_spikes"].iloc[0] == 6 and table["first_spike_ms"].iloc[0] == 50.0
    empty = spike_train_metrics(np.zeros(1, dtype=int), np.array([1.0]), 1, 300.0, rate_window_ms=(10.0, 10.0))
    assert np.isnan(empty["rate_hz"].iloc[0])


def test_metrics_do_not_depend_on_the_order_of_the_flat_arrays():
    """Neuron i's row holds neuron i's statistics even when spikes arrive unsorted and
    a neuron without spikes sits between others."""
    neuron = np.array([2, 0, 2, 0, 2, 0])
    times = np.array([30.0, 5.0, 10.0, 25.0, 20.0, 15.0])
    table = spike_train_metrics(neuron, times, 3, 100.0)
    assert table["neuron"].tolist() == [0, 1, 2]
    assert table["n_spikes"].tolist() == [3, 0, 3]
    assert table["first_spike_ms"].tolist()[0::2] == [5.0, 10.0]
    assert table["mean_isi_ms"].tolist()[0::2] == [10.0, 10.0]
    assert table["cv_isi"].tolist()[0::2] == [0.0, 0.0]
    uneven = spike_train_metrics(np.zeros(4, dtype=int), np.array([0.0, 10.0, 30.0, 60.0]), 1, 100.0)
    assert np.isclose(uneven["cv_isi"].iloc[0], np.std([10.0, 20.0, 30.0]) / 20.0)


def test_spike_shape_peak_and_half_width_of_a_triangle():
    """A triangular spike from −65 mV to +35 mV rising and falling at 100 mV/ms: peak
    35 mV, half height −15 mV, crossed 0.5 ms before and after the peak: 1 ms wide."""
    t = np.arange(0.0, 20.0, 0.1)
    v = np.full((len(t), 2), -65.0)
    peak_at = 10.0
    v[:, 0] = np.maximum(-65.0, 35.0 - 100.0 * np.abs(t - peak_at))
    peaks, widths = spike_shape(t, v, np.array([peak_at - 0.2, np.nan]))
    assert peaks[0] == pytest.approx(35.0) and widths[0] == pytest.approx(1.0)
    assert np.isnan(peaks[1]) and np.isnan(widths[1])


def test_coincidence_factor_by_hand():
    """Γ = (N_coinc − 2νΔN_ref) / (½(N_ref + N_other)(1 − 2νΔ)), ν = N_other/D."""
    duration, window = 1000.0, 2.0
    reference = np.array([100.0, 300.0, 500.0, 700.0])
    assert coincidence_factor(reference, reference, window, duration) == pytest.approx(1.0)
    assert coincidence_factor(np.array([]), np.array([]), window, duration) == 1.0
    other = np.array([101.9, 302.1, 498.0, 900.0])  # within ±2 ms: 101.9 and 498.0 (at the edge)
    chance = 2 * (4 / duration) * window
    expected = (2 - chance * 4) / (0.5 * (4 + 4) * (1 - chance))
    assert coincidence_factor(reference, other, window, duration) == pytest.approx(expected)
    silent = coincidence_factor(reference, np.array([]), window, duration)
    assert silent == pytest.approx(0.0)
    assert gamma_from_counts(np.array([4, 2]), 4, 4, window, duration).tolist() == pytest.approx([1.0, expected])


def test_spike_shape_of_an_asymmetric_spike_between_samples():
    """Rising at 100 mV/ms, falling at 50 mV/ms, peak (35 mV) between two samples: the
    sampled maximum sets the half height h, and each crossing is interpolated on its
    linear flank, so the width is (V_peak − h)·(1/100 + 1/50) ms exactly."""
    dt, peak_t, peak_v, rest = 0.1, 10.03, 35.0, -65.0
    t = np.arange(0.0, 20.0, dt)
    flank = np.where(t < peak_t, peak_v - 100.0 * (peak_t - t), peak_v - 50.0 * (t - peak_t))
    v = np.maximum(rest, flank)[:, None]
    top = v.max()
    half = 0.5 * (rest + top)
    peaks, widths = spike_shape(t, v, np.array([10.1]))
    assert peaks[0] == top and top < peak_v
    assert widths[0] == pytest.approx((peak_v - half) * (1 / 100.0 + 1 / 50.0), rel=1e-9)


def test_spike_shape_looks_in_the_closed_window_around_the_first_spike():
    """The peak is searched in [first − 2 ms, first + 1 ms], ends included."""
    t = np.arange(0.0, 20.0, 0.5)
    for at, inside in ((8.0, True), (11.0, True), (7.5, False), (11.5, False)):
        v = np.full((len(t), 1), -65.0)
        v[t == at, 0] = 20.0  # a one-sample spike
        v[t == 9.5, 0] = -20.0  # the lower one at the reported time
        peaks, widths = spike_shape(t, v, np.array([10.0]))
        assert peaks[0] == (20.0 if inside else -20.0), at
        assert widths[0] == pytest.approx(0.5), at  # from half height up and back down over one sample each
    v = np.full((len(t), 1), -65.0)
    v[t >= 15.0, 0] = 20.0  # a spike still up when the run ends is not measured
    peaks, widths = spike_shape(t, v, np.array([15.5]))
    assert np.isnan(peaks[0]) and np.isnan(widths[0])
    assert np.isnan(spike_shape(t, v, np.array([30.0]))[0][0])  # no sample in the window


def test_coincidences_are_counted_within_the_closed_window():
    duration, window = 1000.0, 2.0
    reference = np.array([100.0, 300.0, 500.0, 900.0])
    other = np.array([98.0, 302.0, 503.0])  # both edges count; 503 is outside; nothing near 900
    chance = 2 * (3 / duration) * window
    expected = (2 - chance * 4) / (0.5 * (4 + 3) * (1 - chance))
    assert coincidence_factor(reference, other, window, duration) == pytest.approx(expected)
    late = coincidence_factor(np.array([900.0]), np.array([100.0, 200.0]), window, duration)
    chance = 2 * (2 / duration) * window
    assert late == pytest.approx((0 - chance) / (0.5 * 3 * (1 - chance)))


def test_the_coincidence_factor_of_nothing_is_undefined_quietly():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(gamma_from_counts(np.array([0]), np.array([0]), np.array([0]), 2.0, 1000.0))[0]
        assert np.isinf(gamma_from_counts(np.array([1]), np.array([0]), np.array([0]), 2.0, 1000.0))[0]
        # at 250 Hz the chance level 2νΔ is 1 and Γ has no normalisation
        assert not np.isfinite(gamma_from_counts(1, 1, 250, 2.0, 1000.0))


def test_metric_declarations_are_checked_and_derived():
    from zoo.declarations.metrics import SOURCES, Metric, analysed, informational

    with pytest.raises(ValueError, match="^metric 'x': source 'elsewhere' is not one of " + ", ".join(SOURCES) + "$"):
        Metric("x", "1", "doc", source="elsewhere")
    with pytest.raises(ValueError, match="^metric 'x': dtype must be float64 or int64, got 'int32'$"):
        Metric("x", "1", "doc", dtype="int32")
    assert Metric("x", "1", "doc", dtype="int64").dtype == "int64"
    base = Metric("rate", "Hz", "doc", title="firing rate")
    assert informational(base) == Metric("rate", "Hz", "doc", title="firing rate", compared=False)
    assert analysed(base, informational(base)) == (Metric("rate", "Hz", "doc", title="firing rate", source="analysis"),
                                                    Metric("rate", "Hz", "doc", title="firing rate", source="analysis",
                                                           compared=False))
    assert base.label == "firing rate, rate (Hz)" and Metric("cv", "1", "d").label == "cv"


def test_spike_shape_edges_of_the_trace_and_of_the_population():
    """The half height is measured from the trace's first sample; a spike that rises from
    the first sample or falls back at the last is measured; a neuron that cannot be
    measured leaves the others measured."""
    t = np.arange(0.0, 5.0, 0.5)  # 10 samples
    v = np.full((len(t), 4), -65.0)
    v[:, 0] = [-70.0, 0.0, 20.0, 0.0, -65.0, -65.0, -65.0, -65.0, -65.0, -65.0]  # rises from the first sample
    v[:, 1] = [-65.0] * 7 + [0.0, 20.0, -65.0]  # falls back at the last sample
    v[:, 2] = [-65.0] * 8 + [20.0, 20.0]  # still up at the end: not measured
    v[:, 3] = [-65.0, -65.0, -65.0, 20.0, -65.0, -65.0, -65.0, -65.0, -65.0, -65.0]
    first = np.array([1.0, 4.0, 4.0, 1.5])
    peaks, widths = spike_shape(t, v, first)
    half0 = 0.5 * (-70.0 + 20.0)  # -25 mV
    up0 = 0.0 + (half0 + 70.0) / 70.0 * 0.5
    down0 = 1.5 + (half0 - 0.0) / (-65.0 - 0.0) * 0.5
    assert peaks[0] == 20.0 and widths[0] == pytest.approx(down0 - up0)
    half1 = 0.5 * (-65.0 + 20.0)
    up1 = 3.0 + (half1 + 65.0) / 65.0 * 0.5
    down1 = 4.0 + (half1 - 20.0) / (-85.0) * 0.5
    assert peaks[1] == 20.0 and widths[1] == pytest.approx(down1 - up1)
    assert np.isnan(peaks[2]) and np.isnan(widths[2])
    assert peaks[3] == 20.0 and widths[3] == pytest.approx(0.5)
    beyond = spike_shape(t, v[:, [3, 0]], np.array([50.0, 1.0]))  # no sample near the first: the next still counts
    assert np.isnan(beyond[0][0]) and beyond[0][1] == 20.0


def test_no_trains_make_an_empty_flat_array_and_no_factors():
    """Kills spike_trains.xǁFlatTrainsǁof__mutmut_18 (np.concatenate of no trains raises),
    _25 (np.zeros(None) raises) and _26 (a stray time 0.0 in a flat array of no trains)."""
    flat = FlatTrains.of([])
    assert len(flat) == 0 and flat.times.shape == (0,) and flat.starts.tolist() == [0]
    assert coincidence_factors([], [], 2.0, 1000.0).shape == (0,)


def test_unsorted_trains_are_sorted_within_each_train():
    """Kills spike_trains.xǁFlatTrainsǁof__mutmut_57 (times None) and _58 (np.lexsort(None)
    raises): each train is sorted in its own place, and Γ is that of the sorted trains."""
    flat = FlatTrains.of([[30.0, 10.0, 20.0], [5.0], [], [2.0, 1.0]])
    assert flat.times.tolist() == [10.0, 20.0, 30.0, 5.0, 1.0, 2.0] and flat.starts.tolist() == [0, 3, 4, 4, 6]
    assert coincidence_factor(np.array([300.0, 100.0]), np.array([101.0, 299.0]), 2.0, 1000.0) == \
        coincidence_factor(np.array([100.0, 300.0]), np.array([101.0, 299.0]), 2.0, 1000.0)


def test_a_spike_of_the_next_pair_is_no_coincidence():
    """Kills spike_trains.x_coincidence_factors__mutmut_21 (first <= end of the pair's
    train: the search that runs past pair 0's (empty) other train lands on pair 1's spike
    at 10 ms, which is within 2 ms of pair 0's reference spike)."""
    gamma = coincidence_factors([[10.0], []], [[], [10.0]], 2.0, 1000.0)
    assert gamma.tolist() == [0.0, 0.0]
    # the same with a non-empty other train ending before the reference spike
    gamma = coincidence_factors([[50.0], [1.0]], [[10.0], [51.0]], 2.0, 1000.0)
    assert gamma[0] == pytest.approx(coincidence_factor(np.array([50.0]), np.array([10.0]), 2.0, 1000.0))
    assert gamma[0] < 0


def test_bad_trains_are_refused_with_their_reason():
    """Kills spike_trains.x_coincidence_factors__mutmut_5 (the unequal-count message),
    xǁFlatTrainsǁof__mutmut_29, _30, _31 (the one-dimensional message) and _34, _35, _36
    (the finite-times message)."""
    with pytest.raises(ValueError, match="^2 reference trains against 1 others: pairs need both$"):
        coincidence_factors([[1.0], [2.0]], [[1.0]], 2.0, 1000.0)
    with pytest.raises(ValueError, match=r"^a spike train must be a one-dimensional sequence of times \(ms\)$"):
        FlatTrains.of([[[1.0, 2.0]]])
    for bad in (np.nan, np.inf):
        with pytest.raises(ValueError, match=r"^spike times must be finite numbers \(ms\)$"):
            FlatTrains.of([[1.0, bad]])
