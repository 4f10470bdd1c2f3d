"""The zoo's reference solution (``zoo.declarations.reference``): against its own
convergence, its spike rule and stimulus by hand. Against the simulators:
tests/zoo/models/test_hh_reference.py."""
import math

import numpy as np
import pytest

import zoo
from zoo.declarations import reference
from zoo.declarations.reference import (current_pieces, first_spike_on_grid, first_spike_shape, first_spike_solution,
                                        spikes_on_grid)

TRAUB = dict(zoo.get("hh_traub").defaults(), i_offset=0.6)
CLASSIC = dict(zoo.get("hh").defaults(), i_offset=1.0)


@pytest.mark.parametrize("cell, params", [("HH_curr_alpha", CLASSIC), ("HH_cond_exp", TRAUB)], ids=["classic", "traub"])
def test_the_first_spike_converges_far_below_any_step(cell, params):
    """At 100 times the tolerance (1e-8) the first spike's peak time moves by less than
    1e-6 ms and its value, curvature and the grid metrics by less than 1e-6 relative:
    the reference's own error is negligible against a simulator's (1e-3 mV and more)."""
    loose = reference.Solution(reference.cell(cell), params, current_pieces(params, 100.0, 0.1), rtol=1e-8)
    tight = first_spike_solution(cell, params, 100.0, 0.1)
    assert abs(loose.peaks[0] - tight.peaks[0]) < 1e-6
    t = np.linspace(0.0, tight.peaks[0] + 1.0, 2001)
    assert np.max(np.abs(loose.v(t) - tight.v(t))) < 1e-5
    shape = first_spike_shape(cell, params, 100.0, 0.1)
    assert shape.peak_curvature > 0 and shape.rise_slope > shape.fall_slope > 0


def test_the_spike_rule_by_hand():
    t = np.arange(10) * 0.1
    v = np.array([-65, 10, 20, 15, 5, 30, 40, 35, -10, 1.0])
    # falls at 0.3 (peak at 0.2); at 0.7 (peak at 0.6) only once the 0.3 ms pause is over
    assert spikes_on_grid(t, v, 0.0, 0.3).tolist() == pytest.approx([0.3, 0.7])
    assert spikes_on_grid(t, v, 0.0, 0.5).tolist() == pytest.approx([0.3])
    assert spikes_on_grid(t, v, 32.0, 0.0).tolist() == pytest.approx([0.7])  # the level
    assert spikes_on_grid(t, v, 100.0, 0.0).size == 0


def test_the_current_by_hand():
    assert current_pieces({"i_offset": 0.5}, 100.0, 0.1) == [(0.0, 100.0, 0.5)]
    # PyNN's DCSource acts from one step after step_start, on every simulator
    pieces = current_pieces({"i_offset": 0.5, "step_amplitude": 1.0, "step_start": 10.0, "step_stop": 20.0}, 100.0, 0.1)
    assert pieces == [(0.0, 10.1, 0.5), (10.1, 20.1, 1.5), (20.1, 100.0, 0.5)]
    pieces = current_pieces({"step_amplitude": 1.0, "step_start": 10.0, "step_stop": math.inf}, 100.0, 0.1)
    assert pieces == [(0.0, 10.1, 0.0), (10.1, 100.0, 1.0)]


def test_the_grid_metrics_are_those_of_the_samples():
    """On a grid of 0.1 ms the classic cell's first spike at 1 nA: detected at the first
    sample after its peak (2.138 ms) that falls, its sampled peak below the continuous one
    by at most |v''|h²/8."""
    found = first_spike_on_grid("HH_curr_alpha", CLASSIC, 100.0, 0.1)
    shape = first_spike_shape("HH_curr_alpha", CLASSIC, 100.0, 0.1)
    assert shape.peak_ms < found["first_spike_ms"] < shape.peak_ms + 0.2
    assert 0 <= shape.peak_mv - found["spike_peak_mv"] <= shape.peak_curvature * 0.01 / 8
    assert 1.0 < found["spike_half_width_ms"] < 2.0
    silent = first_spike_on_grid("HH_curr_alpha", dict(CLASSIC, i_offset=0.0), 50.0, 0.1)
    assert all(math.isnan(v) for v in silent.values())
    assert math.isnan(first_spike_shape("HH_curr_alpha", dict(CLASSIC, i_offset=0.0), 50.0, 0.1).peak_mv)


def test_an_unknown_cell_is_named():
    with pytest.raises(ValueError, match="^no reference solution for cell type 'IF_curr_exp'; known: HH_curr_alpha, "
                                         "HH_cond_exp$"):
        reference.cell("IF_curr_exp")


def test_the_adex_reference_under_a_recorded_current_of_constant_samples_is_the_one_under_i_offset():
    """Pieces of a recorded current that all hold 0.8 nA give the train i_offset = 0.8 gives
    (the pieces' edges are not events: the solution goes on through them), and a recording
    that changes gives another train."""
    params = {**zoo.get("adex").defaults(), "i_offset": 0.0, "v_init": -70.6, "w_init": 0.0}
    constant = reference.adex_train({**params, "i_offset": 0.8}, 200.0, 0.1)
    pieced = reference.adex_train(params, 200.0, 0.1, pieces=reference.recorded_pieces(params, np.full(1000, 0.8), 0.2))
    assert len(constant.reported_ms) > 3
    np.testing.assert_allclose(pieced.crossings_ms, constant.crossings_ms, atol=1e-6)
    changing = reference.adex_train(params, 200.0, 0.1, pieces=reference.recorded_pieces(
        params, np.where(np.arange(1000) < 500, 0.8, 1.2), 0.2))
    assert len(changing.reported_ms) > len(constant.reported_ms)
