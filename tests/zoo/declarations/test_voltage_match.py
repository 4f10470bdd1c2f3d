"""The guide's F1 of a membrane potential and the subthreshold trace it is taken on: values
worked out by hand."""
import numpy as np
import pytest

from zoo.declarations import voltage_match


def test_f1_is_one_for_a_match_and_one_over_one_plus_x_squared_for_an_offset():
    data = np.sin(np.linspace(0, 10, 500)) * 10 - 60
    assert voltage_match.f1([data, data], data) == pytest.approx(1.0)
    assert voltage_match.f1([data], data + 2.0) == pytest.approx(0.5)  # x = 1
    assert voltage_match.f1([data], data - 4.0) == pytest.approx(0.2)  # x = 2
    # averaged over repetitions: one matched, one 2 mV off
    assert voltage_match.f1([data, data + 2.0], data) == pytest.approx(0.75)
    assert voltage_match.mean_squared_error([data], data + 3.0) == pytest.approx(9.0)


def test_samples_left_out_do_not_count_and_a_length_mismatch_is_refused():
    data = np.full(10, -60.0)
    data[:5] = np.nan
    model = np.full(10, -60.0)
    model[:5] = 100.0  # far off, but only where the data are left out
    assert voltage_match.f1([data], model) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="samples"):
        voltage_match.f1([data], model[:9])


def test_subthreshold_leaves_out_half_a_millisecond_before_to_two_after_each_spike():
    v = np.zeros(100)  # 20 ms at 0.2 ms
    cut = voltage_match.subthreshold(v, np.array([10.0, 11.0]), 0.2)
    gone = np.flatnonzero(np.isnan(cut))
    # 9.5 ms (sample 48) up to 13 ms (sample 65, excluded): the two windows merged
    assert gone[0] == 48 and gone[-1] == 64 and gone.size == 17
    assert np.all(v == 0.0)  # the recording itself is left as it was


def test_a_model_trace_that_diverged_scores_zero_where_it_is_not_finite():
    data = np.zeros(10)
    model = np.r_[np.zeros(2), np.full(8, np.nan)]
    assert voltage_match.f1([data], model) == pytest.approx(0.2)  # 2 of 10 samples matched
    assert voltage_match.mean_squared_error([data], model) == np.inf
