"""The derived tolerances at points worked out by hand from their docstrings
(``zoo.declarations.tolerances``): a changed constant, a flipped comparison or a
dropped term in a bound changes one of these numbers. Whether the bounds hold and are
reached on real runs: tests/zoo/models/test_rates_closed_form.py, tests/explorer/test_compare.py,
tests/zoo/models/test_cable.py, tests/zoo/models/test_hh.py."""
import math

import numpy as np
import pytest

from zoo.declarations.numerics import Numerics, Scheme
from zoo.declarations.convergence import NO_CONVERGENCE_RUN
from zoo.declarations.tolerances import (FLOAT_SLACK, GRID_TIE, GRID_TIE_KEY, INTEGRATION_ERROR, NO_CLOSED_FORM,
                                         NO_SHAPE, SCHEME_TIME_CONSTANT, SPIKE_MAY_VANISH, coincidence_tolerance,
                                         cross_count_tolerance, crossing_error_ms, grid_if_tolerances,
                                         grid_rate_closed_form_tolerance, grid_rate_tolerance_hz, grid_terms, grid_ties,
                                         identical_semantics_agreement, peak_detection_tolerances, step_error_mv,
                                         voltage_error_mv)
from zoo.declarations.metrics import TRAIN

EXACT = Scheme("exact")
RKF45 = Scheme("adaptive_rkf45", step_error_mv=1e-3)
CN = Scheme("crank_nicolson", order=2)
IMPLICIT = Scheme("implicit_euler", order=1)
RK4 = Scheme("rk4_substeps", order=4, substep_ms=0.01)

#: The LIF of 0.25 nF at 0.5 nA: V∞ − v_rest = τ·I/C = 40 mV, 15 mV to threshold, τ = 20 ms,
#: t_ref = 0.1 ms.
LIF_2NA = dict(tau_m=[20.0], cm=[0.25], i_offset=[0.5], v_rest=[-65.0], v_reset=[-65.0], v_thresh=[-50.0],
               tau_refrac=[0.1])
F_2NA = 1000.0 / (0.1 + 20.0 * math.log(40.0 / 25.0))

#: The judging and bookkeeping code handles the NaN and inf it expects without a
#: floating-point warning (a user would see it on every comparison).
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def test_grid_rate_tolerance_by_hand():
    # 100 Hz, dt 0.1 ms, 1 s: 1/D + f²·dt/(1 − f·dt) = 1 + 1/0.99 Hz, plus 1e-9 relative
    assert grid_rate_tolerance_hz(100.0, 0.1, 1000.0) == pytest.approx(1.0 + 1.0 / 0.99 + 1e-7, rel=1e-12)
    # a crossing error of 0.05 ms adds to the step: f²·(dt + c)/(1 − f·(dt + c))
    assert grid_rate_tolerance_hz(100.0, 0.1, 1000.0, 0.05) == pytest.approx(1.0 + 1.5 / 0.985 + 1e-7, rel=1e-12)
    # silence: the count's quantisation alone; a 2 s run halves it
    assert grid_rate_tolerance_hz(0.0, 0.1, 2000.0) == 0.5
    # where dt + c reaches the interval 1/f, nothing is bounded
    assert np.isnan(grid_rate_tolerance_hz(10000.0, 0.1, 1000.0))
    assert np.isnan(grid_rate_tolerance_hz(5000.0, 0.1, 1000.0, 0.1))
    np.testing.assert_allclose(grid_rate_tolerance_hz([0.0, 100.0], 0.1, 1000.0), [1.0, 1.0 + 1.0 / 0.99 + 1e-7])


def test_ties_by_hand():
    t_ref = 0.1
    on = 1000.0 / (t_ref + 20.0)  # 200 steps from reset to threshold
    assert grid_ties(on, t_ref, 0.1)
    assert grid_ties(1000.0 / (t_ref + 20.0 + 1e-6), t_ref, 0.1)  # round-off: 1e-6 relative of 200 steps
    assert not grid_ties(1000.0 / (t_ref + 20.0 + 1e-3), t_ref, 0.1)
    assert grid_ties(1000.0 / (t_ref + 20.0 + 1e-3), t_ref, 0.1, crossing_ms=2e-3)  # within the crossing error
    assert not grid_ties(1000.0 / (t_ref + 20.05), t_ref, 0.1, crossing_ms=0.04)
    assert grid_ties(1000.0 / (t_ref + 20.05), t_ref, 0.1, crossing_ms=0.05)
    assert not grid_ties(0.0, t_ref, 0.1)  # silence is no tie
    assert grid_ties([on, 0.0], [t_ref, t_ref], 0.1).tolist() == [True, False]


def test_cross_count_tolerance_by_hand():
    on, off = 1000.0 / 20.1, 1000.0 / 20.13
    # off a tie: identical counts; at a tie the trains drift a step per spike:
    # ⌈n·dt·f/1000⌉ with n = f·D/1000 ≈ 49.75 spikes in 1 s: ⌈0.2476⌉ = 1
    assert cross_count_tolerance([on, off], 0.1, 0.1, 1000.0).tolist() == [1.0, 0.0]
    # 100 s: ⌈4975·0.1·49.75/1000⌉ = ⌈24.75⌉ = 25
    assert cross_count_tolerance(on, 0.1, 0.1, 100_000.0) == 25.0
    # a crossing error of 0.12 ms makes each slip ⌈2c/dt⌉ = 3 steps: ⌈74.3⌉ = 75
    assert cross_count_tolerance(on, 0.1, 0.1, 100_000.0, crossing_ms=0.12) == 75.0
    # 0.3 steps off a tie, within a crossing error of 0.05 ms: treated as a tie
    near = 1000.0 / 20.13
    assert cross_count_tolerance(near, 0.1, 0.1, 1000.0, crossing_ms=0.05) == 1.0


def test_crossing_error_by_scheme():
    rows = dict(LIF_2NA, rate_hz_closed_form=[F_2NA])
    assert crossing_error_ms(rows, Numerics(0.1, 1000.0, (EXACT,))).tolist() == [0.0]
    assert crossing_error_ms(rows, Numerics(0.1, 1000.0, (EXACT, Scheme("exponential_euler")))).tolist() == [0.0]
    # a fixed-step scheme charges with τ_s: |τ_s/τ − 1| × the longest charge, τ·ln(40/25)
    charge = 20.0 * math.log(40.0 / 25.0)
    for scheme, tau_s in ((CN, 0.1 / math.log((1 + 0.1 / 40) / (1 - 0.1 / 40))),
                          (IMPLICIT, 0.1 / math.log1p(0.1 / 20.0))):
        expected = abs(tau_s / 20.0 - 1.0) * charge
        assert SCHEME_TIME_CONSTANT[scheme.name](0.1, 20.0) == pytest.approx(tau_s, rel=1e-12)
        assert crossing_error_ms(rows, Numerics(0.1, 1000.0, (EXACT, scheme)))[0] == pytest.approx(expected, rel=1e-9)
    # from v_rest below v_reset the first charge is the longer one
    low_reset = dict(rows, v_reset=[-70.0])
    longer = 20.0 * math.log(45.0 / 25.0)
    assert crossing_error_ms(low_reset, Numerics(0.1, 1000.0, (IMPLICIT,)))[0] == pytest.approx(
        abs(0.1 / math.log1p(0.1 / 20.0) / 20.0 - 1.0) * longer, rel=1e-9)
    # adaptive: the declared per-step error over an interval's steps, over the slope (V∞ − θ)/τ
    steps = 1000.0 / F_2NA / 0.1
    assert crossing_error_ms(rows, Numerics(0.1, 1000.0, (RKF45,)))[0] == pytest.approx(
        steps * 1e-3 / (25.0 / 20.0), rel=1e-9)
    # a silent neuron has no crossing to move; a slow one has (0.5 Hz: 20000 steps)
    silent = dict(rows, i_offset=[0.0], rate_hz_closed_form=[0.0])
    assert crossing_error_ms(silent, Numerics(0.1, 1000.0, (RKF45, IMPLICIT))).tolist() == [0.0]
    slow = dict(rows, rate_hz_closed_form=[0.5])
    assert crossing_error_ms(slow, Numerics(0.1, 1000.0, (RKF45,)))[0] == pytest.approx(20000 * 1e-3 / (25.0 / 20.0))
    # rows are independent: each row's own longest charge
    two = {k: v * 2 for k, v in rows.items()}
    two["v_reset"] = [-65.0, -70.0]
    both = crossing_error_ms(two, Numerics(0.1, 1000.0, (IMPLICIT,)))
    factor = abs(0.1 / math.log1p(0.1 / 20.0) / 20.0 - 1.0)
    np.testing.assert_allclose(both, [factor * charge, factor * 20.0 * math.log(45.0 / 25.0)], rtol=1e-9)
    with pytest.raises(ValueError, match="not rk4_substeps"):
        crossing_error_ms(rows, Numerics(0.1, 1000.0, (RK4,)))


def test_crossing_error_without_a_leak_is_the_adaptive_part_only():
    """Lapicque (no tau_m): a linear rise, integrated exactly by any linear scheme; the
    adaptive scheme's slope is I/C."""
    rows = dict(cm=[0.5], i_offset=[2.0], v_rest=[-65.0], v_reset=[-65.0], v_thresh=[-50.0], rate_hz_closed_form=[100.0])
    assert crossing_error_ms(rows, Numerics(0.1, 1000.0, (CN,))).tolist() == [0.0]
    assert crossing_error_ms(rows, Numerics(0.1, 1000.0, (RKF45,)))[0] == pytest.approx(100 * 1e-3 / 4.0)


def test_crank_nicolson_beyond_twice_tau_bounds_nothing():
    """At dt > 2·tau_m Crank-Nicolson's factor (1 − h/2)/(1 + h/2) is negative: v
    oscillates, no time constant describes it, and no crossing is bounded."""
    rows = dict(LIF_2NA, tau_m=[0.04], i_offset=[1000.0], rate_hz_closed_form=[F_2NA])
    with np.errstate(invalid="ignore"):
        assert np.isnan(SCHEME_TIME_CONSTANT["crank_nicolson"](0.1, 0.04))
    assert np.isinf(crossing_error_ms(rows, Numerics(0.1, 1000.0, (CN,)))[0])
    tolerances = grid_if_tolerances(dict(rows, n_spikes=[10.0], mean_isi_ms=[10.0]), Numerics(0.1, 1000.0, (CN,)))
    assert all(np.isnan(tolerances[name][0]) for name in ("n_spikes", "rate_hz", "first_spike_ms", "mean_isi_ms"))


def test_the_closed_form_rate_tolerance_is_the_grid_bound_with_the_crossing():
    """By hand: RKF45's crossing error over one interval, (1000/f/dt steps × 1e-3 mV) over
    the slope at threshold (25 mV / 20 ms), widens the grid step of the rate bound."""
    rows = dict(LIF_2NA, rate_hz_closed_form=[F_2NA])
    crossing = (1000.0 / F_2NA / 0.1) * 1e-3 / (25.0 / 20.0)
    grid_s = (0.1 + crossing) / 1000.0
    by_hand = 1.0 + F_2NA**2 * grid_s / (1 - F_2NA * grid_s) + 1e-9 * F_2NA
    assert grid_rate_closed_form_tolerance(rows, Numerics(0.1, 1000.0, (RKF45,)))["rate_hz"][0] == pytest.approx(
        by_hand, rel=1e-12)
    exact = 1.0 + F_2NA**2 * 1e-4 / (1 - F_2NA * 1e-4) + 1e-9 * F_2NA
    assert grid_rate_closed_form_tolerance(rows, Numerics(0.1, 1000.0, (EXACT,)))["rate_hz"][0] == pytest.approx(
        exact, rel=1e-12)


def pairs(rate, n, mean_isi, **extra):
    return {"tau_refrac": [0.1] * len(rate), "rate_hz_closed_form": rate, "n_spikes": n, "mean_isi_ms": mean_isi,
            **extra}


def test_grid_if_tolerances_off_and_at_a_tie():
    exact = Numerics(0.1, 1000.0, (EXACT, EXACT))
    on, off = 1000.0 / 20.1, 1000.0 / 20.13
    t = grid_if_tolerances(pairs([off, on, 0.0], [49.0, 49.0, 0.0], [20.13, 20.1, np.nan]), exact)
    assert t[GRID_TIE_KEY].tolist() == ["", GRID_TIE, ""]
    step = 0.1 * (1 + FLOAT_SLACK)
    # off the tie: round-off only; every spike on the same step
    assert t["n_spikes"][0] == 0 and t["rate_hz"][0] == FLOAT_SLACK
    assert t["mean_isi_ms"][0] == FLOAT_SLACK * 50 and t["cv_isi"][0] == 1e-6
    assert t["van_rossum"][0] == pytest.approx(1e-7 * 50) and t["victor_purpura"][0] == FLOAT_SLACK * 50
    assert t["coincidence_factor"][0] == FLOAT_SLACK * 50
    assert t["first_spike_ms"][0] == pytest.approx(step, rel=1e-15)
    # at the tie: intervals T or T + dt; counts by ⌈n·s·f/1000⌉ = 1; distances shown only
    assert t["n_spikes"][1] == 1 and t["rate_hz"][1] == pytest.approx(1.0 + FLOAT_SLACK)
    assert t["mean_isi_ms"][1] == pytest.approx(step) and t["first_spike_ms"][1] == pytest.approx(step)
    assert t["cv_isi"][1] == pytest.approx((step / 2) / (20.1 - step) + 1e-6)
    assert all(np.isnan(t[name][1]) for name in ("van_rossum", "victor_purpura", "coincidence_factor"))
    # silent on both: nothing to move, exact
    assert t["n_spikes"][2] == 0 and t["mean_isi_ms"][2] == FLOAT_SLACK


def test_grid_if_tolerances_where_the_scheme_or_the_stimulus_blurs_the_step():
    # the declared crossing error reaches a tie 0.03 ms away: "integration error", and
    # each slip is ⌈2c/dt⌉ steps
    rows = dict(LIF_2NA, rate_hz_closed_form=[1000.0 / 20.13], tau_refrac=[0.1], n_spikes=[49.0],
                mean_isi_ms=[20.13])
    numerics = Numerics(0.1, 1000.0, (EXACT, RKF45))
    crossing = crossing_error_ms(rows, numerics)[0]
    assert crossing > 0.03
    t = grid_if_tolerances(rows, numerics)
    assert t[GRID_TIE_KEY].tolist() == [INTEGRATION_ERROR]
    slip = 0.1 * math.ceil(2 * crossing / 0.1) * (1 + FLOAT_SLACK)
    assert t["first_spike_ms"][0] == pytest.approx(slip) and t["mean_isi_ms"][0] == pytest.approx(slip)
    # no closed form (a step current): every firing point is treated as a tie, drift
    # from the measured count in the step's window (200 ms: rate tolerance count/0.2 s)
    step = dict(step_amplitude=[1.0, 1.0], step_start=[100.0, 100.0], step_stop=[300.0, 300.0])
    t = grid_if_tolerances({"tau_refrac": [0.1, 0.1], "n_spikes": [2.0, 0.0], "mean_isi_ms": [50.0, np.nan], **step},
                           Numerics(0.1, 1000.0, (EXACT, EXACT)))
    assert t[GRID_TIE_KEY].tolist() == [NO_CLOSED_FORM, ""]
    assert t["n_spikes"].tolist() == [1.0, 0.0] and t["rate_hz"][0] == pytest.approx(1.0 / 0.2 + FLOAT_SLACK)
    # 2 spikes less 1 may leave 1: no interval to judge, no CV either
    assert np.isnan(t["mean_isi_ms"][0]) and np.isnan(t["cv_isi"][0])


RK4_DECLARED = Scheme("rk4_substeps", order=4, substep_ms=0.01, step_error_mv=1e-4)
#: A first spike's shape by hand: |v''| 2000 mV/ms² at the peak, slopes 800 and 200 mV/ms
#: at the half level's crossings, curvatures 1e4 and 200 mV/ms² there.
SHAPE = {"peak_curvature": [2000.0], "rise_slope": [800.0], "rise_curvature": [1e4], "fall_slope": [200.0],
         "fall_curvature": [200.0]}


def test_declared_voltage_errors_by_hand():
    # RKF45 declares its error per step; RK4 per substep of at most 0.01 ms (10 in 0.1, 3 in 0.025)
    assert step_error_mv(RKF45, 0.1) == 1e-3 and step_error_mv(RKF45, 0.01) == 1e-3
    assert step_error_mv(RK4_DECLARED, 0.1) == pytest.approx(1e-3)
    assert step_error_mv(RK4_DECLARED, 0.025) == pytest.approx(3e-4)
    assert step_error_mv(RK4_DECLARED, 0.01) == pytest.approx(1e-4)
    # η: over the ⌈w/dt⌉ + 2 steps of a spike of half-width w: 0.54 ms at 0.1 ms is 6 + 2 steps
    assert voltage_error_mv(RKF45, 0.1, 0.54) == pytest.approx(8e-3)
    assert voltage_error_mv(RKF45, 0.1, 0.5) == pytest.approx(7e-3)  # 5 whole steps: no sixth
    assert voltage_error_mv(RK4_DECLARED, 0.01, [0.53, 0.0]).tolist() == pytest.approx([5.5e-3, 2e-4])
    with pytest.raises(ValueError, match="^the rk4_substeps scheme declares no error of v per step"):
        step_error_mv(RK4, 0.1)


def test_grid_terms_by_hand():
    """The grid's offset c and quantisation Q of each metric (``grid_terms``' docstring)."""
    rows = {"n_spikes": [11.0], "cv_isi": [0.1], "mean_isi_ms": [10.0], "first_spike_ms": [5.0]}
    h = 0.1
    c, q = grid_terms("first_spike_ms", rows, None)
    assert c(h).tolist() == [h] and q(h).tolist() == [h]
    c, q = grid_terms("mean_isi_ms", rows, None)
    assert c(h).tolist() == [0.0] and q(h)[0] == pytest.approx(2 * h / 10)
    _, q = grid_terms("cv_isi", rows, None)
    assert q(h)[0] == pytest.approx(2 * h * (1 + 0.1 / 10) / (10.0 - 2 * h / 10))
    # the sampled peak: deficit in [0, |v''|h²/8] = [0, 2.5] mV, centred at 1.25
    c, q = grid_terms("spike_peak_mv", rows, SHAPE)
    assert c(h)[0] == pytest.approx(-1.25) and q(h)[0] == pytest.approx(1.25)
    # the half-width: the level's mean drop over the slopes, plus the chords' error
    c, q = grid_terms("spike_half_width_ms", rows, SHAPE)
    slopes = 1 / 800 + 1 / 200
    assert c(h)[0] == pytest.approx(2000 * h**2 * slopes / 32)
    assert q(h)[0] == pytest.approx(2000 * h**2 * slopes / 32 + h**2 / 8 * (1e4 / 800 + 200 / 200))
    with pytest.raises(ValueError, match="^no grid terms for 'rate_hz'$"):
        grid_terms("rate_hz", rows, None)


def peak_pairs(**extra):
    """Eleven spikes 10 ms apart from 10 ms on side a; side b (a fixed-step scheme) 0.2 ms
    later at dt = 0.1 ms, 0.1 ms later in its convergence run at 0.05 ms."""
    train = np.arange(10.0, 111.0, 10.0)
    rows = {"n_spikes": [11.0], "first_spike_ms": [10.0], "mean_isi_ms": [10.0], "cv_isi": [0.0],
            "spike_times_ms": [train], "spike_times_ms@b": [train + 0.2], "spike_times_ms@b'": [train + 0.1],
            "first_spike_ms@b": [10.2], "first_spike_ms@b'": [10.1], "mean_isi_ms@b": [10.1],
            "mean_isi_ms@b'": [10.05], "cv_isi@b": [0.0], "cv_isi@b'": [0.0], "dt_ms@b'": [0.05]}
    rows.update(extra)
    return rows


def test_a_fixed_step_side_is_bounded_by_its_convergence_run_by_hand():
    """RKF45 (a) against Crank-Nicolson (b) at dt = 0.1 ms, with b's run at 0.05 ms
    (Richardson, p = 2: the error is 4/3 of the difference, module docstring of
    ``zoo.declarations.convergence``)."""
    t = peak_detection_tolerances(peak_pairs(), Numerics(0.1, 1000.0, (RKF45, CN)))
    assert t[GRID_TIE_KEY].tolist() == [""]
    # first spike: offsets h removed (10.1 − 0.1, 10.05 − 0.05), both grids' Q (0.1 + 0.05)
    first = (0.05 + 0.15) * 4 / 3
    assert t["first_spike_ms"][0] == pytest.approx(0.1 + 0.1 + first)
    # mean ISI: Q = 2h/10 at each step
    isi = (0.05 + 0.02 + 0.01) * 4 / 3
    assert t["mean_isi_ms"][0] == pytest.approx(0.02 + 0.02 + isi)
    # no spike within W(11) = 2h + E(first) + 10·E(ISI) = 1.53 ms of the run's end: equal counts
    assert t["n_spikes"].tolist() == [0.0] and t["rate_hz"][0] == FLOAT_SLACK
    # the late rate's edge at 500 ms: none near either
    assert t["late_rate_hz"][0] == FLOAT_SLACK
    shifts = 0.2 + first + np.arange(11) * isi
    assert t["victor_purpura"][0] == pytest.approx(np.sum(np.minimum(2.0, shifts)) + FLOAT_SLACK * 12)
    assert t["van_rossum"][0] == pytest.approx(np.sum(np.sqrt(2 * (1 - np.exp(-shifts / 10.0)))) + 1.2e-6)
    # all eleven spikes within the ±2 ms window of Γ and equal counts: Γ = 1
    assert t["coincidence_factor"][0] == pytest.approx(FLOAT_SLACK * 10)


def test_counts_near_the_end_of_the_run():
    """A spike of either side within W of the run's end may cross it: the count tolerance
    counts them (the late and whole-run windows share that edge)."""
    train = np.arange(10.0, 111.0, 10.0)
    end = peak_pairs(**{"spike_times_ms": [np.append(train, 999.5)], "spike_times_ms@b": [train + 0.2],
                        "spike_times_ms@b'": [train + 0.1]})
    t = peak_detection_tolerances(end, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert t["n_spikes"].tolist() == [1.0] and t["late_rate_hz"][0] == pytest.approx(1 / 0.5 + FLOAT_SLACK)
    # a count that may change makes the mean ISI allow one interval more (CV 0: none) and
    # leaves ten or more intervals to judge; a run at 0.05 ms with a spike more is extrapolated
    assert np.isfinite(t["mean_isi_ms"][0])
    more = peak_pairs(**{"spike_times_ms@b'": [np.append(train, 500.0)]})
    t = peak_detection_tolerances(more, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert t["n_spikes"].tolist() == [2.0]  # ⌈4/3⌉: a spike the scheme may add or drop


def test_without_a_convergence_run_nothing_of_a_fixed_step_side_is_judged():
    rows = peak_pairs()
    del rows["dt_ms@b'"]
    t = peak_detection_tolerances(rows, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert t[GRID_TIE_KEY].tolist() == [NO_CONVERGENCE_RUN]
    assert all(np.isnan(t[name][0]) for name in ("n_spikes", "first_spike_ms", "mean_isi_ms", "cv_isi",
                                                 "van_rossum", "victor_purpura", "coincidence_factor"))
    with pytest.raises(ValueError, match="not exact"):
        peak_detection_tolerances(rows, Numerics(0.1, 1000.0, (RKF45, EXACT)))


def test_one_spike_that_may_vanish_is_not_judged():
    # 0.2 ms from the end, within W(1) = 2h + 4/3·(0 + 0.15) = 0.4 ms
    rows = {"n_spikes": [1.0], "first_spike_ms": [999.8], "mean_isi_ms": [np.nan], "cv_isi": [np.nan],
            "spike_times_ms": [np.array([999.8])], "spike_times_ms@b": [np.array([999.9])],
            "spike_times_ms@b'": [np.array([999.85])], "first_spike_ms@b": [999.9], "first_spike_ms@b'": [999.85],
            "dt_ms@b'": [0.05]}
    t = peak_detection_tolerances(rows, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert t["n_spikes"].tolist() == [1.0] and np.isnan(t["first_spike_ms"][0])
    assert t[GRID_TIE_KEY].tolist() == [SPIKE_MAY_VANISH]
    assert np.isnan(t["mean_isi_ms"][0])  # a second spike may appear on one side


def test_accurate_schemes_on_one_grid_by_hand():
    numerics = Numerics(0.1, 1000.0, (RKF45, RK4_DECLARED))
    rows = {"n_spikes": [10.0, 1.0, 0.0], "first_spike_ms": [5.0, 5.0, np.nan], "mean_isi_ms": [20.0, np.nan, np.nan],
            "cv_isi": [0.1, np.nan, np.nan], "spike_peak_mv": [40.0, 40.0, np.nan],
            "spike_half_width_ms": [0.54, 0.54, np.nan]}
    shape = {k: v * 3 for k, v in SHAPE.items()}
    t = peak_detection_tolerances(rows, numerics, shape)
    step = 0.1 * (1 + FLOAT_SLACK)
    assert t["n_spikes"].tolist() == [0.0, 0.0, 0.0] and t["first_spike_ms"][0] == pytest.approx(step)
    assert t["mean_isi_ms"][0] == pytest.approx(2 * step / 9) and t["mean_isi_ms"][1] == 0.0
    assert t["cv_isi"][0] == pytest.approx(2 * step * 1.1 / (20.0 - 2 * step)) and t["cv_isi"][1] == 0.0
    # the peaks: both grids' deficits (|v''|h²/8 = 2.5 mV) and each side's η (8e-3 mV)
    assert t["spike_peak_mv"][0] == pytest.approx(2.5 + 8e-3 + 8e-3)
    half = 2000 * 0.01 * (1 / 800 + 1 / 200) / 32 + 0.01 / 8 * (1e4 / 800 + 1)
    assert t["spike_half_width_ms"][0] == pytest.approx(2 * half + 1.5 * 16e-3 * (1 / 800 + 1 / 200))
    assert t["spike_peak_mv"][2] == 0.0  # no spike: both NaN, nothing to allow
    assert t["van_rossum"][0] == pytest.approx(10 * math.sqrt(2 * (1 - math.exp(-step / 10.0))) + 1.1e-6)
    assert t["victor_purpura"][0] == pytest.approx(10 * step + FLOAT_SLACK * 11)
    assert t["coincidence_factor"][0] == pytest.approx(FLOAT_SLACK * 10)
    assert t["rate_hz"][0] == FLOAT_SLACK and t["late_rate_hz"][0] == FLOAT_SLACK
    # without the reference's shape the spike's shape is not judged, and says why
    bare = peak_detection_tolerances(rows, numerics)
    assert np.isnan(bare["spike_peak_mv"][0]) and bare[GRID_TIE_KEY].tolist() == [NO_SHAPE, NO_SHAPE, ""]


def test_coincidence_tolerance_by_hand():
    # equal counts, every spike within the window: Γ = 1 exactly
    assert coincidence_tolerance(10, 0, 10, 1000.0) == 0.0
    # one spike may be missing on the other side: Γ with n' = 9, 9 coincidences
    # (N_c − 2ν'ΔN)/(½(N + n')(1 − 2ν'Δ)), ν' = 9/1000 per ms, Δ = 2 ms
    chance = 2 * 9 / 1000 * 2
    low = (9 - chance * 10) / (0.5 * 19 * (1 - chance))
    found = coincidence_tolerance(10, 1, 10, 1000.0)
    assert found >= abs(1 - low) and found == pytest.approx(max(abs(1 - low), abs(1 - (10 - 2 * 11 / 1000 * 2 * 10) / (
        0.5 * 21 * (1 - 2 * 11 / 1000 * 2)))))
    assert np.isnan(coincidence_tolerance(10, np.nan, 10, 1000.0))


def test_identical_semantics_tolerances_by_hand():
    agreement = identical_semantics_agreement(TRAIN)
    assert agreement.doc == "one declared semantics on every backend: identical trains"
    assert agreement.covers == ("n_spikes", "rate_hz", "first_spike_ms", "mean_isi_ms", "cv_isi", "van_rossum",
                                "victor_purpura", "coincidence_factor")
    t = agreement.tolerances({"n_spikes": [4.0, 0.0], "rate_hz": [40.0, 0.0], "first_spike_ms": [12.5, np.nan],
                              "mean_isi_ms": [0.5, np.nan], "cv_isi": [0.0, np.nan]}, Numerics(0.1, 100.0, ()))
    assert t["n_spikes"].tolist() == [0.0, 0.0]
    assert t["rate_hz"].tolist() == [FLOAT_SLACK * 40, FLOAT_SLACK]
    assert t["first_spike_ms"].tolist() == [FLOAT_SLACK * 12.5, FLOAT_SLACK]  # NaN: round-off of 1
    assert t["mean_isi_ms"].tolist() == [FLOAT_SLACK, FLOAT_SLACK]  # below 1: relative to 1
    assert t["van_rossum"].tolist() == pytest.approx([5e-7, 1e-7])
    assert t["victor_purpura"].tolist() == pytest.approx([5 * FLOAT_SLACK, FLOAT_SLACK])
    assert t["coincidence_factor"].tolist() == pytest.approx([5 * FLOAT_SLACK, FLOAT_SLACK])


def test_tie_edges():
    # the refractory time is taken off the interval (0.03 ms: no multiple of half a step)
    assert grid_ties(1000.0 / 20.03, 0.03, 0.1) and not grid_ties(1000.0 / 20.09, 0.03, 0.1)
    assert grid_ties(0.5, 0.1, 0.1)  # a slow neuron's tie: 19999 steps
    # round-off is relative to the step count, but never below 1e-6 of a step
    assert not grid_ties(1000.0 / (0.1 + 0.1 * (1 + 1.5e-6)), 0.1, 0.1)
    assert grid_ties(1000.0 / (0.1 + 0.1 * (1 + 0.5e-6)), 0.1, 0.1)
    assert grid_ties(1000.0 / (0.1 + 0.1 * (1 + 1.5e-6)), 0.1, 0.1, rtol=2e-6)


def test_count_tolerance_edges():
    # 81 s at a 20.1 ms tie: n ≈ 4030 spikes drift apart by ⌈4030·0.1·49.75/1000⌉ = ⌈20.05⌉ = 21 steps
    on = 1000.0 / 20.1
    n = on * 81_000.0 / 1000.0
    assert cross_count_tolerance(on, 0.1, 0.1, 81_000.0) == math.ceil(n * 0.1 * on / 1000.0) == 21
    assert cross_count_tolerance(on, 0.1, 0.1, 1_000.0, crossing_ms=0.0) == 1.0
    assert cross_count_tolerance([on, on], [0.1, 0.1], 0.1, 1_000.0).tolist() == [1.0, 1.0]


def test_grid_if_thresholds_on_spike_counts():
    """At a tie each interval may slip a step: the mean ISI is judged while n − count ≥ 2
    spikes are sure to remain, the CV while ≥ 3; the CV's bound needs 3 spikes."""
    exact = Numerics(0.1, 1000.0, (EXACT, EXACT))
    on = 1000.0 / 20.1
    t = grid_if_tolerances(pairs([on] * 4, [2.0, 3.0, 4.0, 1.0], [20.1, 20.1, 20.1, np.nan]), exact)
    step = 0.1 * (1 + FLOAT_SLACK)
    assert t["n_spikes"].tolist() == [1.0] * 4
    assert np.isnan(t["mean_isi_ms"][0]) and t["mean_isi_ms"][1] == step and t["mean_isi_ms"][2] == step
    assert np.isnan(t["cv_isi"][0]) and np.isnan(t["cv_isi"][1])
    assert t["cv_isi"][2] == (step / 2) / (20.1 - step) + 1e-6
    # one spike without a closed form is already "no closed form"; silence is not
    free = grid_if_tolerances({"tau_refrac": [0.1, 0.1], "n_spikes": [1.0, 0.0], "mean_isi_ms": [np.nan, np.nan]},
                              exact)
    assert free[GRID_TIE_KEY].tolist() == [NO_CLOSED_FORM, ""]
    # without a closed form the drift comes from the measured rate: 150 spikes in 1 s,
    # ⌈150·0.1·150/1000⌉ = ⌈2.25⌉ = 3
    busy = grid_if_tolerances({"tau_refrac": [0.1], "n_spikes": [150.0], "mean_isi_ms": [6.6]}, exact)
    assert busy["n_spikes"].tolist() == [3.0] and busy["rate_hz"][0] == 3.0 + FLOAT_SLACK


def test_peak_thresholds_on_spike_counts():
    numerics = Numerics(0.1, 1000.0, (RKF45, RK4))
    step = 0.1 * (1 + FLOAT_SLACK)
    t = peak_detection_tolerances({"n_spikes": [2.0, 3.0], "first_spike_ms": [5.0, 5.0], "mean_isi_ms": [20.0, 20.0],
                                   "cv_isi": [0.0, 0.1]}, numerics)
    assert t["mean_isi_ms"].tolist() == [2 * step, 2 * step / 2]
    assert t["cv_isi"][0] == 0.0 and t["cv_isi"][1] == 2 * step * 1.1 / (20.0 - 2 * step)
    assert t["first_spike_ms"].tolist() == [step, step] and step > 0.1
    assert t["van_rossum"][0] == 2 * np.sqrt(2 * (1 - np.exp(-step / 10.0))) + 1e-7 * 3
    assert t["victor_purpura"][0] == 2 * 1.0 * step + FLOAT_SLACK * 3
    assert t["coincidence_factor"].tolist() == [FLOAT_SLACK * 10] * 2


def test_counts_round_up_at_the_edge():
    """The drift ⌈n·s·f/1000⌉ just above and just below a whole number of spikes."""
    on, dt = 1000.0 / 20.1, 0.1
    # 2.001 spikes of drift round up to 3 (a per-mille error in n or in f would give 2)
    duration = 2.001e6 / (on * on * dt)
    assert cross_count_tolerance(on, 0.1, dt, duration) == 3.0
    rows = dict(LIF_2NA, rate_hz_closed_form=[on], n_spikes=[100.0], mean_isi_ms=[20.1])
    assert grid_if_tolerances(rows, Numerics(dt, duration, (EXACT, EXACT)))["n_spikes"].tolist() == [3.0]
    # without a closed form the rate is the count over the window: 100 spikes, ⌈100²·s/W⌉
    exact = Numerics(dt, 1000.0, (EXACT, EXACT))
    for drift, expected in ((2.001, 3.0), (1.9995, 2.0)):
        window = 100.0**2 * dt * (1 + FLOAT_SLACK) / drift
        step = dict(step_amplitude=[1.0], step_start=[10.0], step_stop=[10.0 + window])
        t = grid_if_tolerances({"tau_refrac": [0.1], "n_spikes": [100.0], "mean_isi_ms": [5.0], **step}, exact)
        assert t["n_spikes"].tolist() == [expected], drift


def test_degenerate_intervals_are_bounded_quietly():
    """A mean ISI equal to the slip (CV bound infinite) or twice the step (peak CV bound
    infinite) gives no floating-point warning (the tests turn warnings into errors)."""
    on = 1000.0 / 20.1
    step = 0.1 * (1 + FLOAT_SLACK)
    t = grid_if_tolerances(pairs([on], [50.0], [step]), Numerics(0.1, 1000.0, (EXACT, EXACT)))
    assert t["cv_isi"][0] > 1e300
    peak = peak_detection_tolerances({"n_spikes": [5.0], "first_spike_ms": [1.0], "mean_isi_ms": [2 * step],
                                      "cv_isi": [0.0]}, Numerics(0.1, 1000.0, (RKF45, RK4)))
    assert peak["cv_isi"][0] > 1e300


def test_distance_bounds_pack_spikes_into_as_few_trains_as_hold_them():
    """Three pooled spikes, at most one a train: three trains of one spike, each adding the
    first spike's bound W(1) (never W(2): no train has a second spike); at most two a
    train: W(1) + W(2), then W(1)."""
    from zoo.declarations import tolerances as t

    def window(k):
        return np.array([0.5 * k])

    def van(w):
        return np.sqrt(2.0 * (1.0 - np.exp(-w / t.VAN_ROSSUM_TAU_MS)))

    one = t._distance_bounds(np.array([3.0]), np.array([1.0]), np.array([0.0]), window, 1000.0, 1)
    assert one["van_rossum"][0] == pytest.approx(3 * van(0.5) + 1e-7 * 4, rel=1e-12)
    two = t._distance_bounds(np.array([3.0]), np.array([2.0]), np.array([0.0]), window, 1000.0, 1)
    assert two["van_rossum"][0] == pytest.approx(2 * van(0.5) + van(1.0) + 1e-7 * 4, rel=1e-12)
    none = t._distance_bounds(np.array([0.0]), np.array([0.0]), np.array([1.0]), window, 1000.0, 1)
    assert none["van_rossum"][0] == pytest.approx(1.0 + 1e-7, rel=1e-12)
