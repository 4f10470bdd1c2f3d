"""More of ``zoo.declarations.tolerances`` worked out by hand: the edges of each bound
(the first interval from v_rest, ties at exactly zero slack, rheobase, the spike-count
thresholds, missing or unconverged convergence runs, the drift windows of the
spike-train distances). Every table is a few rows written here, every expected number
is derived in the test from the function's docstring; no simulation runs.
(The first file, tests/zoo/declarations/test_tolerances.py, covers the main cases.)"""
import math

import numpy as np
import pytest

from zoo.declarations.convergence import NO_CONVERGENCE_RUN, NOT_CONVERGING
from zoo.declarations.metrics import COINCIDENCE_WINDOW_MS, VAN_ROSSUM_TAU_MS, VICTOR_PURPURA_COST_PER_MS
from zoo.declarations.numerics import CONVERGENT, Numerics, Scheme
from zoo.declarations.tolerances import (FLOAT_SLACK, GRID_TIE, GRID_TIE_KEY, INTEGRATION_ERROR, NO_CLOSED_FORM,
                                         NO_TRAIN_TO_COUNT, PEAK_COVERS, SHAPE_FIELDS,
                                         SPIKE_MAY_VANISH, coincidence_tolerance,
                                         crossing_error_ms, first_interval_ms, first_spike_shapes, grid_if_tolerances,
                                         grid_rate_closed_form_tolerance, grid_rate_tolerance_hz, grid_terms, grid_ties,
                                         interval_ties, peak_detection_agreement, peak_detection_tolerances)

EXACT = Scheme("exact")
RKF45 = Scheme("adaptive_rkf45", step_error_mv=1e-3)
#: An adaptive scheme declaring 1e-5 mV per step: its crossing error (a few 1e-4 ms) is
#: far below half a step, so a point can be near a tie through one interval only.
FINE_RKF45 = Scheme("adaptive_rkf45", step_error_mv=1e-5)
RK4 = Scheme("rk4_substeps", order=4, substep_ms=0.01, step_error_mv=1e-4)
CN = Scheme("crank_nicolson", order=2)

#: A leaky neuron: τ = 20 ms, C = 0.25 nF, 0.5 nA: V∞ = −65 + 20/0.25·0.5 = −25 mV.
LEAKY = dict(tau_m=[20.0], cm=[0.25], i_offset=[0.5], v_rest=[-65.0], v_reset=[-65.0], v_thresh=[-50.0])
#: Without a leak (Lapicque): v rises by I/C = 2 mV/ms, so θ − v_rest = 15 mV takes 7.5 ms.
LINEAR = dict(cm=[0.25], i_offset=[0.5], v_rest=[-65.0], v_reset=[-65.0], v_thresh=[-50.0])

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def assert_float_tolerances(tolerances: dict, rows: int):
    """Every tolerance is a float per row (the verdicts test np.isnan on each)."""
    for name, value in tolerances.items():
        if name != GRID_TIE_KEY:
            assert np.asarray(value).shape == (rows,) and np.isnan(value).shape == (rows,), name


def kistler_gamma(coincidences, n_reference, n_other, duration_ms, window_ms=COINCIDENCE_WINDOW_MS):
    """Kistler et al. 1997: Γ = (N_c − 2νΔN)/(½(N + N')(1 − 2νΔ)), ν = N'/T."""
    chance = 2.0 * n_other / duration_ms * window_ms
    return (coincidences - chance * n_reference) / (0.5 * (n_reference + n_other) * (1.0 - chance))


# --- the first interval, from v_rest -------------------------------------------------


def test_first_interval_by_hand():
    # leaky: τ·ln((V∞ − v_rest)/(V∞ − θ)) = 20·ln(40/25)
    assert first_interval_ms(dict(LEAKY, n_spikes=[3])) == pytest.approx([20.0 * math.log(40.0 / 25.0)], rel=1e-12)
    # no leak: C·(θ − v_rest)/I = 0.25·15/0.5 = 7.5 ms; 0.5 nA is below 1 nA (a threshold of i > 1 would miss it)
    assert first_interval_ms(dict(LINEAR, n_spikes=[3])).tolist() == [7.5]
    # rows are independent: a leak and its own current per row
    two = dict(tau_m=[20.0, 10.0], cm=[0.25, 0.5], i_offset=[0.5, 2.0], v_rest=[-65.0, -70.0],
               v_thresh=[-50.0, -55.0], n_spikes=[1, 1])
    np.testing.assert_allclose(first_interval_ms(two), [20 * math.log(40 / 25), 10 * math.log(40 / 25)], rtol=1e-12)


def test_first_interval_where_the_threshold_is_not_reached_from_below():
    """NaN where the neuron starts at or above threshold (it fires at the end of the first
    step everywhere), never reaches it (V∞ ≤ θ, or no current without a leak), or the
    table lacks the parameters."""
    at = dict(LEAKY, v_rest=[-50.0], n_spikes=[1])  # starts on the threshold: ln(25/25) = 0, still NaN
    above = dict(LEAKY, v_rest=[-45.0], n_spikes=[1])  # ln(20/25) < 0: NaN
    below_rheobase = dict(LEAKY, i_offset=[0.1], n_spikes=[0])  # V∞ = −57 < θ
    silent = dict(LINEAR, i_offset=[0.0], n_spikes=[0])
    negative = dict(LINEAR, i_offset=[-0.5], n_spikes=[0])
    for rows in (at, above, below_rheobase, silent, negative):
        found = first_interval_ms(rows)
        assert found.dtype == float and np.isnan(found).all(), rows
    missing = first_interval_ms({"n_spikes": [3, 0]})
    assert missing.dtype == float and np.isnan(missing).all() and len(missing) == 2
    for name in ("cm", "i_offset", "v_rest", "v_thresh"):
        partial = {k: v for k, v in LEAKY.items() if k != name}
        assert np.isnan(first_interval_ms(dict(partial, n_spikes=[1]))).all(), name


def test_interval_ties_by_hand():
    # 0.3 ms is 3 steps of 0.1 (to round-off); 0.35 is 3.5 steps
    assert interval_ties([0.3, 0.35], 0.1).tolist() == [True, False]
    # an exact tie needs no slack: 0.75 ms = 3 steps of 0.25 exactly
    assert interval_ties(0.75, 0.25, rtol=0.0)
    # round-off is relative to the step count: 200 steps off by 1e-4 steps is within 2e-4
    assert interval_ties(20.0 + 1e-5, 0.1)
    # ... but never below rtol of one step: 1 step off by 1.5e-6 steps is not within 1e-6
    assert not interval_ties(0.1 * (1 + 1.5e-6), 0.1)
    # 201.3 steps: 0.3 steps from a tie, within a crossing error of 0.05 ms (0.5 steps)
    assert not interval_ties(20.13, 0.1) and interval_ties(20.13, 0.1, crossing_ms=0.05)
    assert not interval_ties(20.13, 0.1, crossing_ms=0.02)
    # no interval (NaN) or an infinite one: no tie, and no floating-point warning
    assert interval_ties([np.nan, np.inf], 0.1).tolist() == [False, False]


def test_grid_ties_at_exactly_zero_slack():
    # 800 Hz: 1000/800 − 0.5 = 0.75 ms = 3 steps of 0.25 exactly
    assert grid_ties(800.0, 0.5, 0.25, rtol=0.0)
    assert not grid_ties(800.0, 0.5, 0.3, rtol=0.0)


def test_no_crossing_error_at_rheobase():
    """V∞ = θ exactly (0.1875 nA: τ/C·I = 15 mV): f = 0, no crossing to move, although the
    charge time ln(15/0) and the adaptive scheme's 1/slope are infinite."""
    rows = dict(LEAKY, i_offset=[0.1875], rate_hz_closed_form=[0.0])
    for scheme in (Scheme("implicit_euler", order=1), RKF45, CN):
        assert crossing_error_ms(rows, Numerics(0.1, 1000.0, (scheme,))).tolist() == [0.0], scheme.name


def test_rate_bound_where_the_scheme_bounds_no_crossing():
    """Crank-Nicolson at dt > 2·τ_m bounds no crossing (inf): neither the closed-form rate
    (NaN), without a floating-point warning."""
    assert np.isnan(grid_rate_tolerance_hz(100.0, 0.1, 1000.0, np.inf))
    rows = dict(LEAKY, tau_m=[0.04], i_offset=[1000.0], rate_hz_closed_form=[400.0])
    assert np.isnan(grid_rate_closed_form_tolerance(rows, Numerics(0.1, 1000.0, (CN,)))["rate_hz"]).all()


# --- grid-based IF pairs ---------------------------------------------------------------


def linear_rows(v_thresh, rate, **extra):
    """One Lapicque row (first interval (θ + 65)/2 ms from v_rest) with the closed-form
    ``rate`` given (its intervals from v_reset), 10 spikes."""
    return dict(LINEAR, v_thresh=[v_thresh], tau_refrac=[0.1], rate_hz_closed_form=[rate], n_spikes=[10.0],
                mean_isi_ms=[1000.0 / rate if rate else np.nan], **extra)


def test_a_tie_of_the_first_interval_alone():
    """The first interval (from v_rest) is 7.5 ms, 75 steps, while the later ones are
    7.63 ms: the whole train may shift by a step, so the point is judged as a tie."""
    rows = linear_rows(-50.0, 1000.0 / (0.1 + 7.53))
    t = grid_if_tolerances(rows, Numerics(0.1, 1000.0, (EXACT, EXACT)))
    assert t[GRID_TIE_KEY].tolist() == [GRID_TIE]
    assert_float_tolerances(t, 1)
    # the trains drift a step per spike: ⌈n·s·f/1000⌉ = ⌈f²·s/1000⌉ in 1 s, f = 131 Hz: ⌈1.72⌉ = 2
    f = 1000.0 / 7.63
    assert t["n_spikes"].tolist() == [math.ceil(f * f * 0.1 / 1000.0)] == [2]
    assert np.isnan(t["van_rossum"]).all()
    # off every tie (7.55 ms, 75.5 steps): exact
    off = grid_if_tolerances(linear_rows(-49.9, 1000.0 / (0.1 + 7.53)), Numerics(0.1, 1000.0, (EXACT, EXACT)))
    assert off[GRID_TIE_KEY].tolist() == [""] and off["n_spikes"].tolist() == [0.0]


def test_near_a_tie_through_one_interval_only():
    """FINE_RKF45's crossing error (76 steps × 1e-5 mV over the slope I/C = 2 mV/ms, about
    3.8e-4 ms = 0.0038 steps) reaches a tie 0.002 steps away, beyond round-off (1e-6 × 75
    steps): "integration error", through either the first interval or the later ones."""
    numerics = Numerics(0.1, 1000.0, (EXACT, FINE_RKF45))
    # the first interval 7.5002 ms (75.002 steps) near its tie; the later ones 7.63 ms (76.3 steps) far
    first_near = linear_rows(-49.9996, 1000.0 / (0.1 + 7.53))
    crossing = crossing_error_ms(first_near, numerics)[0]
    assert crossing == pytest.approx(76.3 * 1e-5 / 2.0, rel=1e-9) and 0.002 < crossing / 0.1 < 0.5
    # the later intervals 7.5002 ms near their tie; the first 7.55 ms (75.5 steps) far
    later_near = linear_rows(-49.9, 1000.0 / (0.1 + 7.5002))
    for rows in (first_near, later_near):
        t = grid_if_tolerances(rows, numerics)
        assert t[GRID_TIE_KEY].tolist() == [INTEGRATION_ERROR]
        assert t["first_spike_ms"][0] == pytest.approx(0.1 * (1 + FLOAT_SLACK), rel=1e-15)  # ⌈2c/dt⌉ = 1 step
        f = rows["rate_hz_closed_form"][0]  # 131 or 132 Hz: ⌈f²·s/1000⌉ = 2
        assert t["n_spikes"].tolist() == [math.ceil(f * f * 0.1 / 1000.0)] == [2]
    # both far: judged exact
    t = grid_if_tolerances(linear_rows(-49.9, 1000.0 / (0.1 + 7.53)), numerics)
    assert t[GRID_TIE_KEY].tolist() == [""] and t["n_spikes"].tolist() == [0.0]


def test_input_spikes_are_judged_only_on_exact_schemes():
    """Under input spikes (weight 0.5 nA, below 1) no declared bound carries an inexact
    scheme's synaptic error to spike times: not judged ("integration error"); on exact
    schemes the point is judged as one without a closed form. Intervals far from ties."""
    rows = dict(LINEAR, v_thresh=[-49.9] * 2, tau_refrac=[0.1] * 2, n_spikes=[10.0] * 2, mean_isi_ms=[50.0] * 2,
                input_weight=[0.5, 0.0], **{k: v * 2 for k, v in LINEAR.items() if k != "v_thresh"})
    exact = grid_if_tolerances(rows, Numerics(0.1, 1000.0, (EXACT, EXACT)))
    assert exact[GRID_TIE_KEY].tolist() == [NO_CLOSED_FORM, NO_CLOSED_FORM]
    # 10 spikes in 1 s: ⌈10·0.1·10/1000⌉ = 1
    assert exact["n_spikes"].tolist() == [1.0, 1.0]
    inexact = grid_if_tolerances(rows, Numerics(0.1, 1000.0, (EXACT, FINE_RKF45)))
    assert inexact[GRID_TIE_KEY].tolist() == [INTEGRATION_ERROR, NO_CLOSED_FORM]
    assert_float_tolerances(inexact, 2)
    for name, value in inexact.items():
        if name != GRID_TIE_KEY:
            assert np.isnan(value[0]), name
    # the second is judged as a tie: counts, times and intervals bounded, distances shown only
    for name in ("n_spikes", "rate_hz", "first_spike_ms", "mean_isi_ms", "cv_isi"):
        assert inexact[name][1] == exact[name][1], name


# --- peak-detected cells: accurate schemes ---------------------------------------------

SHAPE = {"peak_curvature": [2000.0], "rise_slope": [800.0], "rise_curvature": [1e4], "fall_slope": [200.0],
         "fall_curvature": [200.0]}


def test_one_spike_keeps_its_time_and_shape_bounds():
    """A single spike (no interval) is judged like any first spike: within a step, its
    peak within both grids' deficits (|v''|h²/8 = 2.5 mV) and both η (8e-3 mV each),
    its half-width by the same terms as with more spikes."""
    rows = {"n_spikes": [1.0], "first_spike_ms": [5.0], "mean_isi_ms": [np.nan], "cv_isi": [np.nan],
            "spike_peak_mv": [40.0], "spike_half_width_ms": [0.54]}
    t = peak_detection_tolerances(rows, Numerics(0.1, 1000.0, (RKF45, RK4)), SHAPE)
    step = 0.1 * (1 + FLOAT_SLACK)
    assert t["first_spike_ms"].tolist() == [step]
    assert t["spike_peak_mv"][0] == pytest.approx(2.5 + 8e-3 + 8e-3, rel=1e-12)
    half = 2000 * 0.01 * (1 / 800 + 1 / 200) / 32 + 0.01 / 8 * (1e4 / 800 + 1)
    assert t["spike_half_width_ms"][0] == pytest.approx(2 * half + 1.5 * 16e-3 * (1 / 800 + 1 / 200), rel=1e-12)
    assert t["mean_isi_ms"].tolist() == [0.0] and t["cv_isi"].tolist() == [0.0]  # undefined on both: equal
    assert t[GRID_TIE_KEY].tolist() == [""]
    assert_float_tolerances(t, 1)


def test_accurate_schemes_on_two_grids_are_bounded_as_two_grids():
    """RKF45 at 0.1 ms against RK4 at 1 ms (``dt_ms@b``): not one grid, so each spike is
    within W = 2·max(h) + 0 = 2 ms exactly (both accurate: E = 0), the first spike within
    |c(0.1) − c(1)| + Q(0.1) + Q(1) = 0.9 + 0.1 + 1 = 2 ms. A spike exactly W from the
    run's end cannot cross it (the detected times differ by less than W), and every
    spike is within Γ's ±2 ms window (|Δt| ≤ Δ coincides)."""
    train = np.array([100.0, 998.0])
    rows = {"n_spikes": [2.0], "first_spike_ms": [100.0], "mean_isi_ms": [898.0], "cv_isi": [np.nan],
            "spike_times_ms": [train], "spike_times_ms@b": [train], "dt_ms@b": [1.0]}
    t = peak_detection_tolerances(rows, Numerics(0.1, 1000.0, (RKF45, RK4)))
    assert t["first_spike_ms"].tolist() == pytest.approx([2.0], rel=1e-12)
    assert t["n_spikes"].tolist() == [0.0] and t["rate_hz"].tolist() == [FLOAT_SLACK]
    assert t["coincidence_factor"].tolist() == pytest.approx([FLOAT_SLACK * 10], rel=1e-12)
    assert t["victor_purpura"][0] == pytest.approx(2 * min(2.0, VICTOR_PURPURA_COST_PER_MS * 2.0) + FLOAT_SLACK * 3,
                                                   rel=1e-12)
    # steps 1e-8 apart (far above round-off, 1e-9 relative) are two grids too: c's 1e-9 ms, two Q
    near = dict(rows, **{"dt_ms@b": [0.1 + 1e-9]})
    t = peak_detection_tolerances(near, Numerics(0.1, 1000.0, (RKF45, RK4)))
    assert t["first_spike_ms"].tolist() == pytest.approx([0.2 + 2e-9], rel=1e-12)


# --- peak-detected cells: fixed-step sides and their convergence runs ------------------


def _metrics(train) -> tuple[float, float, float]:
    """(first spike, mean ISI, CV of the ISIs) of a train, by hand."""
    train = np.asarray(train, dtype=float)
    first = train[0] if len(train) else np.nan
    mean = (train[-1] - train[0]) / (len(train) - 1) if len(train) > 1 else np.nan
    isi = np.diff(train)
    cv = float(np.std(isi) / np.mean(isi)) if len(train) > 2 else np.nan
    return first, mean, cv


def table(trains: dict, steps: dict | None = None, **extra) -> dict:
    """Rows of pairs from each run's trains: ``trains`` maps a column suffix ("" for side
    a's compared run, "@b", "@b'", "@a'", ...) to one train per row; ``steps`` the runs'
    steps (``dt_ms@b'`` etc.)."""
    rows = {"n_spikes": [float(len(train)) for train in trains[""]]}  # first: convergence.values counts rows by it
    for suffix, per_row in trains.items():
        found = [_metrics(train) for train in per_row]
        rows["spike_times_ms" + suffix] = [np.asarray(train, dtype=float) for train in per_row]
        for j, name in enumerate(("first_spike_ms", "mean_isi_ms", "cv_isi")):
            rows[name + suffix] = [f[j] for f in found]
    for suffix, step in (steps or {}).items():
        rows["dt_ms" + suffix] = step if isinstance(step, list) else [step] * len(rows["n_spikes"])
    rows.update(extra)
    return rows


def test_drift_windows_and_distances_by_hand():
    """Crank-Nicolson on both sides at 0.1 ms, each with a run at 0.05 ms (Richardson
    p = 2: 4/3 of the difference). Row 0:

    - a: first spike 10.0 at both steps: offsets h removed (9.9, 9.95): E(first) =
      4/3·(0.05 + 0.1 + 0.05) = 0.2667; ISI 10 at both: E(ISI) = 4/3·(2h/1 + 2h'/1) = 0.4;
    - b: first 10.1 and 10.5 (10.0, 10.45): E(first) = 4/3·(0.45 + 0.15) = 0.8; E(ISI) 0.4;
    - W(1) = 2·0.1 + 0.2667 + 0.8 = 1.2667, W(2) = W(1) + 0.8 = 2.0667 > Δ = 2 ms.

    Row 1 fires its second spike 0.1 ms (b: 0.05 ms) before the run's end: on both sides
    within W of it, so the count may differ by c = 1, which the distances add."""
    t = table({"": [[10.0, 20.0], [10.0, 999.9]], "@a'": [[10.0, 20.0], [10.0, 999.9]],
               "@b": [[10.1, 20.1], [10.1, 999.95]], "@b'": [[10.5, 20.5], [10.05, 999.9]]},
              {"@a'": 0.05, "@b'": 0.05})
    found = peak_detection_tolerances(t, Numerics(0.1, 1000.0, (CN, CN)))
    assert_float_tolerances(found, 2)
    e_first_a = 4 / 3 * 0.2
    windows = [[0.2 + e_first_a + 0.8, 0.2 + e_first_a + 0.8 + 0.8],
               [0.2 + e_first_a + 0.2, 0.2 + e_first_a + 0.2 + 0.8]]  # row 1, b: (10.0, 10.0): E(first) = 0.2
    assert found["n_spikes"].tolist() == [0.0, 1.0]
    for row, count in ((0, 0.0), (1, 1.0)):
        w = np.array(windows[row])
        victor = np.sum(np.minimum(2.0, VICTOR_PURPURA_COST_PER_MS * w)) + count + FLOAT_SLACK * 3
        rossum = np.sum(np.sqrt(2 * (1 - np.exp(-w / VAN_ROSSUM_TAU_MS)))) + count + 1e-7 * 3
        assert found["victor_purpura"][row] == pytest.approx(victor, rel=1e-12), row
        assert found["van_rossum"][row] == pytest.approx(rossum, rel=1e-12), row
    # Γ, row 0: counts equal, spike 1 sure to coincide (W ≤ 2), spike 2 not: 1 or 2 of 2
    assert found["coincidence_factor"][0] == pytest.approx(
        abs(1 - kistler_gamma(1, 2, 2, 1000.0)) + FLOAT_SLACK * 10, rel=1e-12)
    # row 1: both sure; the other train has 1, 2 or 3 spikes
    worst = max(abs(1 - kistler_gamma(min(2, k), 2, k, 1000.0)) for k in (1, 2, 3))
    assert found["coincidence_factor"][1] == pytest.approx(worst + FLOAT_SLACK * 10, rel=1e-12)
    assert found[GRID_TIE_KEY].tolist() == ["", SPIKE_MAY_VANISH]


def test_silence_on_a_fixed_step_side_is_exact():
    """No spike, none near an edge, none extrapolated: the distances are round-off only."""
    t = table({"": [[]], "@b": [[]], "@b'": [[]]}, {"@b'": 0.05})
    found = peak_detection_tolerances(t, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert found["n_spikes"].tolist() == [0.0] and found["rate_hz"].tolist() == [FLOAT_SLACK]
    assert found["van_rossum"].tolist() == pytest.approx([1e-7], rel=1e-12)
    assert found["victor_purpura"].tolist() == pytest.approx([FLOAT_SLACK], rel=1e-12)
    assert found["coincidence_factor"].tolist() == pytest.approx([FLOAT_SLACK * 10], rel=1e-12)


def test_rates_count_the_spikes_near_their_windows_edges():
    """A step from 200 to 400 ms: a spike 0.05 ms before its end may leave the rate's
    window (1 spike over 0.2 s: 5 Hz); one 0.02 ms after 500 ms may cross into the late
    half (1 over 0.5 s: 2 Hz), one 0.1 ms before the end out of the run (count 1, and
    the late rate 2 over 0.5 s). The others lie tens of ms from every edge, far beyond W
    (< 1 ms here). With two trials pooled, each count is per trial."""
    a = [50.0, 150.0, 250.0, 399.95, 500.02, 700.0, 999.9]
    step = dict(step_amplitude=[1.0], step_start=[200.0], step_stop=[400.0])
    t = table({"": [a], "@b": [[x + 0.05 for x in a]], "@b'": [[x + 0.02 for x in a]]}, {"@b'": 0.05}, **step)
    found = peak_detection_tolerances(t, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert found["n_spikes"].tolist() == [1.0]
    assert found["rate_hz"][0] == pytest.approx(1 / 0.2 + FLOAT_SLACK, rel=1e-12)
    assert found["late_rate_hz"][0] == pytest.approx(2 / 0.5 + FLOAT_SLACK, rel=1e-12)
    pooled = dict(t, n_spikes=[3.5])
    found = peak_detection_tolerances(pooled, Numerics(0.1, 1000.0, (RKF45, CN)), trials=2.0)
    assert found["n_spikes"].tolist() == [0.5]
    assert found["rate_hz"][0] == pytest.approx(0.5 / 0.2 + FLOAT_SLACK, rel=1e-12)
    assert found["late_rate_hz"][0] == pytest.approx(1 / 0.5 + FLOAT_SLACK, rel=1e-12)


def test_extrapolated_spikes_widen_every_count():
    """b's run at 0.05 ms has a spike more (at 500 ms): the scheme may add or drop
    ⌈4/3⌉ = 2 spikes; none lies near an edge, so the count is 2 and the rates 2/1 s and
    2/0.5 s. With a fixed-step side a that also has one more, both add: 4."""
    a = [10.0, 20.0, 30.0]
    t = table({"": [a], "@b": [[x + 0.1 for x in a]], "@b'": [[x + 0.05 for x in a]]}, {"@b'": 0.05})
    t["spike_times_ms@b'"] = [np.array([10.05, 20.05, 30.05, 500.0])]
    found = peak_detection_tolerances(t, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert found["n_spikes"].tolist() == [2.0]
    assert found["rate_hz"][0] == pytest.approx(2.0 + FLOAT_SLACK, rel=1e-12)
    assert found["late_rate_hz"][0] == pytest.approx(4.0 + FLOAT_SLACK, rel=1e-12)
    both = table({"": [a], "@a'": [a], "@b": [[x + 0.1 for x in a]], "@b'": [[x + 0.05 for x in a]]},
                 {"@a'": 0.05, "@b'": 0.05})
    both["spike_times_ms@a'"] = [np.array(a + [500.0])]
    both["spike_times_ms@b'"] = t["spike_times_ms@b'"]
    assert peak_detection_tolerances(both, Numerics(0.1, 1000.0, (CN, CN)))["n_spikes"].tolist() == [4.0]


def test_a_spike_only_side_b_fires_near_the_end():
    """Side b fires a second spike 0.1 ms before the end that side a does not: the count
    may differ by it (the larger side's number near the edge)."""
    t = table({"": [[10.0]], "@b": [[10.1, 999.9]], "@b'": [[10.05, 999.85]]}, {"@b'": 0.05})
    found = peak_detection_tolerances(t, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert found["n_spikes"].tolist() == [1.0]


def test_without_trains_only_the_extrapolated_count_remains():
    """A table without spike trains (or a row without one) has no spike near an edge: the
    count tolerance is the scheme's extrapolated count (0 here: no counts either)."""
    t = table({"": [[10.0, 20.0]], "@b": [[10.1, 20.1]], "@b'": [[10.05, 20.05]]}, {"@b'": 0.05})
    bare = {k: v for k, v in t.items() if not k.startswith("spike_times_ms")}
    for missing in (None, np.nan):
        rows = dict(t, **{"spike_times_ms@b": [missing], "spike_times_ms@b'": [missing]})
        found = peak_detection_tolerances(rows, Numerics(0.1, 1000.0, (RKF45, CN)))
        assert found["n_spikes"].tolist() == [0.0] and found["rate_hz"].tolist() == [FLOAT_SLACK]
    found = peak_detection_tolerances(bare, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert found["n_spikes"].tolist() == [0.0] and found["rate_hz"].tolist() == [FLOAT_SLACK]
    assert found["late_rate_hz"].tolist() == [FLOAT_SLACK]


def test_a_missing_convergence_run_in_one_row():
    """As ``with_convergence_runs`` leaves it: one row's run missing (step and train NaN).
    That row is not judged; the other is."""
    t = table({"": [[10.0, 20.0], [10.0, 20.0]], "@b": [[10.1, 20.1], [10.1, 20.1]],
               "@b'": [[10.05, 20.05], [10.05, 20.05]]}, {"@b'": [0.05, np.nan]})
    t["spike_times_ms@b'"] = [t["spike_times_ms@b'"][0], np.nan]
    found = peak_detection_tolerances(t, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert found[GRID_TIE_KEY].tolist() == ["", NO_CONVERGENCE_RUN]
    assert found["n_spikes"][0] == 0.0 and np.isnan(found["n_spikes"][1])


def test_unconverged_runs_leave_the_counts_unjudged():
    """Side a (Crank-Nicolson, runs at 0.05 and 0.025 ms) moves a spike by 0.6 ms between
    its finer runs, more than between the coarser (the differences grow): its error is
    not bounded ("not converging"). Its counts converge (equal at every step), but a
    spike whose time is unbounded may cross any edge: counts, rates and distances are
    not judged. Row 0: one spike (its first time); row 1: two spikes, the first
    converging, the interval not. Side b (RKF45) is accurate."""
    t = table({"": [[10.0], [10.0, 20.0]], "@a'": [[10.0], [10.0, 20.0]], "@a''": [[10.6], [10.0, 20.6]],
               "@b": [[10.02], [10.02, 20.02]]}, {"@a'": 0.05, "@a''": 0.025})
    found = peak_detection_tolerances(t, Numerics(0.1, 1000.0, (CN, RKF45)))
    assert found[GRID_TIE_KEY].tolist() == [NOT_CONVERGING, NOT_CONVERGING]
    assert_float_tolerances(found, 2)
    for name in ("n_spikes", "rate_hz", "late_rate_hz", "van_rossum", "victor_purpura", "coincidence_factor",
                 "mean_isi_ms", "cv_isi"):
        assert np.isnan(found[name]).all(), name


def test_an_unconverged_side_b_that_fires_is_unjudged_beside_a_silent_side_a():
    """Side a (RKF45, accurate) is silent; side b (Crank-Nicolson) fires once, and its
    spike moves by 0.6 ms between its finer runs, more than between the coarser: b's
    time is not bounded, so its spike may cross any edge. Whether b's errors are bounded
    turns on b's own count (1), not a's (0): counts, rates and distances are not judged
    (judged with c = 0, the row would fail on a count that differs by the unbounded spike)."""
    t = table({"": [[]], "@b": [[10.0]], "@b'": [[10.0]], "@b''": [[10.6]]}, {"@b'": 0.05, "@b''": 0.025})
    found = peak_detection_tolerances(t, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert found[GRID_TIE_KEY].tolist() == [NOT_CONVERGING]
    for name in ("n_spikes", "rate_hz", "late_rate_hz", "van_rossum", "victor_purpura", "coincidence_factor"):
        assert np.isnan(found[name]).all(), name
    # b's own count may also come from its n_spikes column (as the comparison's pairs carry it)
    counted = dict(t, **{"n_spikes@b": [1.0]})
    del counted["spike_times_ms@b"]
    assert np.isnan(peak_detection_tolerances(counted, Numerics(0.1, 1000.0, (RKF45, CN)))["n_spikes"]).all()


def test_a_run_without_a_train_beside_runs_with_one_leaves_the_count_unjudged():
    """Side b's compared run has no spike train (None: not recorded) but its run at h/2
    has two spikes: the count cannot be extrapolated from one level. Its count comes
    from ``n_spikes@b`` where the table has it (then judged as usual); otherwise counts,
    rates and distances are not judged, with the reason, and nothing raises."""
    t = table({"": [[10.0, 20.0]], "@b": [[10.1, 20.1]], "@b'": [[10.05, 20.05]]}, {"@b'": 0.05})
    t["spike_times_ms@b"] = [None]
    found = peak_detection_tolerances(t, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert found[GRID_TIE_KEY].tolist() == [NO_TRAIN_TO_COUNT]
    for name in ("n_spikes", "rate_hz", "late_rate_hz", "van_rossum", "victor_purpura", "coincidence_factor"):
        assert np.isnan(found[name]).all(), name
    counted = dict(t, **{"n_spikes@b": [2.0]})
    found = peak_detection_tolerances(counted, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert found[GRID_TIE_KEY].tolist() == [""] and found["n_spikes"].tolist() == [0.0]


def test_intervals_where_one_spike_may_cross_the_end():
    """Four spikes 16, 20 and 24 ms apart, the last 0.05 ms before the end: c = 1. The
    mean ISI then allows one interval more, c·CV·T̄/sqrt(n − 1); the CV 2·c·CV; and with
    n − c = 3 ≥ 3 both are judged. The last two spikes alone, with c = 1, leave one:
    the intervals cannot be judged ("drift may move a spike it needs out of the run")."""
    a = [939.95, 955.95, 975.95, 999.95]
    first, mean, cv = _metrics(a)
    t = table({"": [a], "@b": [[x + 0.1 for x in a]], "@b'": [[x + 0.05 for x in a]]}, {"@b'": 0.05})
    found = peak_detection_tolerances(t, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert found["n_spikes"].tolist() == [1.0] and found[GRID_TIE_KEY].tolist() == [""]
    # the grid's terms: Q(mean) = 2h/3 on each grid and b's Richardson error 4/3·(Q(h) + Q(h/2))
    def q_cv(h):
        return 2 * h * (1 + cv / 3) / (mean - 2 * h / 3)
    cv_b = _metrics([x + 0.1 for x in a])[2]
    cv_b1 = _metrics([x + 0.05 for x in a])[2]
    e_cv = 4 / 3 * (abs(cv_b - cv_b1) + q_cv(0.1) + q_cv(0.05))
    assert found["cv_isi"][0] == pytest.approx(2 * q_cv(0.1) + e_cv + 2 * 1 * cv, rel=1e-9)
    mean_b, mean_b1 = _metrics([x + 0.1 for x in a])[1], _metrics([x + 0.05 for x in a])[1]
    e_mean = 4 / 3 * (abs(mean_b - mean_b1) + 2 * 0.1 / 3 + 2 * 0.05 / 3)
    assert found["mean_isi_ms"][0] == pytest.approx(2 * (2 * 0.1 / 3) + e_mean + cv * mean / math.sqrt(3), rel=1e-9)
    two = table({"": [a[2:]], "@b": [[x + 0.1 for x in a[2:]]], "@b'": [[x + 0.05 for x in a[2:]]]}, {"@b'": 0.05})
    found = peak_detection_tolerances(two, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert found["n_spikes"].tolist() == [1.0] and found[GRID_TIE_KEY].tolist() == [SPIKE_MAY_VANISH]


def test_a_spike_that_may_vanish_takes_its_shape_along():
    """One spike 0.2 ms before the end (count 1): its time and shape are not judged; a
    silent side a whose b may fire near the end has no shape to compare (NaN, not 0)."""
    rows = table({"": [[999.8], []], "@b": [[999.9], [999.9]], "@b'": [[999.85], [999.85]]}, {"@b'": 0.05},
                 spike_peak_mv=[40.0, np.nan], spike_half_width_ms=[0.5, np.nan])
    shape = {k: v * 2 for k, v in SHAPE.items()}
    found = peak_detection_tolerances(rows, Numerics(0.1, 1000.0, (RKF45, CN)), shape)
    assert found["n_spikes"].tolist() == [1.0, 1.0]
    assert_float_tolerances(found, 2)
    for name in ("first_spike_ms", "spike_peak_mv", "spike_half_width_ms", "cv_isi"):
        assert np.isnan(found[name]).all(), name
    assert found[GRID_TIE_KEY].tolist() == [SPIKE_MAY_VANISH, SPIKE_MAY_VANISH]


# --- grid terms and the coincidence factor ----------------------------------------------


def test_grid_terms_with_few_spikes():
    """(n − 1) intervals, at least one: 2 spikes give Q(mean ISI) = 2h; the CV's Q is
    finite only while T̄ exceeds 2h/(n − 1)."""
    h = 0.1
    for n, expected in ((2.0, 2 * h), (1.0, 2 * h), (0.0, 2 * h), (3.0, h)):
        assert grid_terms("mean_isi_ms", {"n_spikes": [n]}, None)[1](h)[0] == pytest.approx(expected), n
    rows = {"n_spikes": [11.0, 11.0], "cv_isi": [0.5, 0.5], "mean_isi_ms": [0.025, 0.015]}
    q = grid_terms("cv_isi", rows, None)[1](h)
    assert q[0] == pytest.approx(2 * h * (1 + 0.5 / 10) / (0.025 - 2 * h / 10), rel=1e-12) and q[1] == np.inf


def test_the_cv_quantisation_at_no_room_is_infinite_without_a_warning():
    """T̄ = 2h/(n − 1) exactly leaves no room: Q is infinite (nothing bounded), and no
    floating-point warning escapes (the division ran outside its errstate: divide by zero)."""
    q = grid_terms("cv_isi", {"n_spikes": [3.0], "cv_isi": [0.0], "mean_isi_ms": [0.1]}, None)[1]
    assert np.isinf(q(0.1)).all()


def test_grid_terms_of_a_shape_without_slope_quietly_bound_nothing():
    """A shape with no slope at the half level (the reference found no crossing) gives
    an infinite offset of the half-width, and no floating-point warning."""
    flat = dict(SHAPE, rise_slope=[0.0], rise_curvature=[0.0])
    c, q = grid_terms("spike_half_width_ms", {"n_spikes": [1.0]}, flat)
    assert np.isinf(c(0.1)).all() and not np.isfinite(q(0.1)).any()


def test_coincidence_tolerance_edges():
    # no spike on either side, none may appear: nothing to compare
    assert coincidence_tolerance(0, 0, 0, 1000.0) == 0.0
    # equal counts, 5 of 10 sure to coincide: Γ ranges over 5..10 coincidences of 10 and 10
    assert coincidence_tolerance(10, 0, 5, 1000.0) == pytest.approx(abs(1 - kistler_gamma(5, 10, 10, 1000.0)))
    # one spike that may vanish: the other train may have 0 spikes (Γ = 0), 1 or 2
    assert coincidence_tolerance(1, 1, 1, 1000.0) == pytest.approx(1.0)
    # none sure: the worst is the larger train without coincidences (n' = 11)
    worst = max(abs(1 - kistler_gamma(c, 10, k, 1000.0)) for k in (9, 10, 11) for c in (0, min(10, k)))
    assert coincidence_tolerance(10, 1, 0, 1000.0) == pytest.approx(worst, rel=1e-12)
    assert worst == pytest.approx(abs(1 - kistler_gamma(0, 10, 11, 1000.0)), rel=1e-12)
    # at 250 Hz (2νΔ = 1) Γ is undefined: no finite term, NaN
    assert np.isnan(coincidence_tolerance(250, 0, 250, 1000.0))


# --- the agreement and the reference's shapes --------------------------------------------


def test_the_peak_detection_agreement():
    agreement = peak_detection_agreement()
    assert agreement.covers == PEAK_COVERS == ("n_spikes", "rate_hz", "late_rate_hz", "first_spike_ms", "mean_isi_ms",
                                               "cv_isi", "spike_peak_mv", "spike_half_width_ms", "van_rossum",
                                               "victor_purpura", "coincidence_factor")
    assert agreement.convergence_runs == CONVERGENT and agreement.across_steps is True
    assert agreement.doc == ("peak-detected HH spikes: within one step on accurate schemes, within the drift a "
                             "fixed-step scheme's convergence runs bound")
    rows = {"n_spikes": [2.0], "first_spike_ms": [5.0], "mean_isi_ms": [20.0], "cv_isi": [np.nan]}
    numerics = Numerics(0.1, 1000.0, (RKF45, RK4))
    found, direct = agreement.tolerances(rows, numerics), peak_detection_tolerances(rows, numerics)
    assert found.keys() == direct.keys()
    for name in found:
        np.testing.assert_array_equal(found[name], direct[name])
    # with a cell type, each fired row's shape comes from that cell's reference solution
    named = peak_detection_agreement("no_such_cell", ("i_offset",))
    with pytest.raises(ValueError, match="^no reference solution for cell type 'no_such_cell'"):
        named.tolerances(dict(rows, i_offset=[0.5]), numerics)


def test_shapes_of_rows_that_did_not_fire_are_nan_without_a_solution():
    rows = {"n_spikes": [0.0, 0.0], "first_spike_ms": [np.nan, np.nan], "i_offset": [0.0, 0.1]}
    found = first_spike_shapes("no_such_cell", ("i_offset",), rows, Numerics(0.1, 100.0, (RKF45,)))
    assert set(found) == set(SHAPE_FIELDS)
    assert all(np.isnan(found[name]).all() and found[name].shape == (2,) for name in SHAPE_FIELDS)


def test_one_interval_more_or_fewer():
    """5 spikes, one 0.05 ms before the end: c = 1, n − c = 4 ≥ 2 spikes remain, so the
    mean ISI is judged and allows c·CV·T̄/sqrt(n − 1) = 1·0.2·20/2 more than with regular
    firing (CV 0): its other terms do not depend on the CV."""
    a = np.array([100.0, 100.5, 120.0, 140.0, 999.95])
    rows = {"n_spikes": [5.0], "first_spike_ms": [100.0], "mean_isi_ms": [20.0], "spike_times_ms": [a],
            "spike_times_ms@b": [a + 0.02], "first_spike_ms@b": [100.02], "mean_isi_ms@b": [20.0],
            "spike_times_ms@b'": [a + 0.01], "first_spike_ms@b'": [100.01], "mean_isi_ms@b'": [20.0],
            "dt_ms@b'": [0.05]}
    found = {}
    for cv in (0.0, 0.2):
        with_cv = dict(rows, cv_isi=[cv], **{"cv_isi@b": [cv], "cv_isi@b'": [cv]})
        found[cv] = peak_detection_tolerances(with_cv, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert found[0.2]["n_spikes"].tolist() == [1.0] and np.isfinite(found[0.2]["mean_isi_ms"]).all()
    assert found[0.2]["mean_isi_ms"][0] - found[0.0]["mean_isi_ms"][0] == pytest.approx(
        1.0 * 0.2 * 20.0 / 2.0, rel=1e-9)


def _two_trials_of_regular_firing(a) -> dict:
    """Rows of two trials pooled into train ``a`` (2.5 spikes a trial, first at 100 ms, mean
    ISI 20 ms, CV 0.2), side b 0.02 ms later with a run at 0.05 ms 0.01 ms later; the
    largest trial of 3 spikes, the smallest of 2, on both sides."""
    return {"n_spikes": [2.5], "first_spike_ms": [100.0], "mean_isi_ms": [20.0], "cv_isi": [0.2],
            "spike_times_ms": [a], "spike_times_ms@b": [a + 0.02], "first_spike_ms@b": [100.02],
            "mean_isi_ms@b": [20.0], "cv_isi@b": [0.2], "spike_times_ms@b'": [a + 0.01],
            "first_spike_ms@b'": [100.01], "mean_isi_ms@b'": [20.0], "cv_isi@b'": [0.2], "dt_ms@b'": [0.05],
            "max_trial_spikes": [3.0], "max_trial_spikes@b": [3.0], "min_trial_spikes": [2.0],
            "min_trial_spikes@b": [2.0]}


def test_a_trials_mean_interval_is_unjudged_where_a_trials_count_may_change():
    """Two trials pooled, 5 spikes, one 0.05 ms before the end: some trial may lose it.
    The trials' mean ISI and CV average each trial's own, which that spike may change by
    up to the trial's last interval (unknown from the pooled train), so they are not
    judged; the first spike, which no trial of 2 or more spikes can lose, is."""
    a = np.array([100.0, 100.5, 120.0, 140.0, 999.95])
    rows = _two_trials_of_regular_firing(a)
    found = peak_detection_tolerances(rows, Numerics(0.1, 1000.0, (RKF45, CN)), trials=2.0)
    assert found["n_spikes"].tolist() == [0.5]
    assert np.isnan(found["mean_isi_ms"]).all() and np.isnan(found["cv_isi"]).all()
    assert np.isfinite(found["first_spike_ms"]).all() and found[GRID_TIE_KEY].tolist() == [SPIKE_MAY_VANISH]
    unsure = dict(rows, min_trial_spikes=[1.0], **{"min_trial_spikes@b": [1.0]})
    found = peak_detection_tolerances(unsure, Numerics(0.1, 1000.0, (RKF45, CN)), trials=2.0)
    assert np.isnan(found["first_spike_ms"]).all()  # a trial of one spike may lose it
    found = peak_detection_tolerances({k: v for k, v in rows.items() if "min_trial" not in k},
                                      Numerics(0.1, 1000.0, (RKF45, CN)), trials=2.0)
    assert np.isnan(found["first_spike_ms"]).all()  # the split unknown: so may a trial


def test_a_trial_may_hold_more_spikes_than_the_trials_mean():
    """Two trials pooled, 3 spikes (1.5 a trial): some trial fires at least twice, so a
    spike may drift by W(2) = 2.13 ms (W(1.5) = 1.27 ms): side b's last spike, 1.4 ms
    before the end, may leave the run (0.5 a trial). With the split unknown (no
    ``max_trial_spikes``), a trial may hold all 3 spikes: W(3) > W(2), the same count."""
    a = np.array([10.0, 500.0, 998.5])
    rows = {"n_spikes": [1.5], "first_spike_ms": [10.0], "mean_isi_ms": [988.5], "cv_isi": [np.nan],
            "spike_times_ms": [a], "spike_times_ms@b": [a + 0.1], "first_spike_ms@b": [10.1],
            "mean_isi_ms@b": [988.5], "spike_times_ms@b'": [a + 0.05], "first_spike_ms@b'": [10.05],
            "mean_isi_ms@b'": [987.5], "dt_ms@b'": [0.05]}
    for split in ({}, {"max_trial_spikes": [2.0], "max_trial_spikes@b": [2.0]}):
        found = peak_detection_tolerances(dict(rows, **split), Numerics(0.1, 1000.0, (RKF45, CN)), trials=2.0)
        assert found["n_spikes"].tolist() == [0.5]
        assert np.isnan(found["mean_isi_ms"]).all()  # defined (a trial has an interval), and may change


def test_a_trials_unbounded_interval_leaves_the_count_unjudged():
    """Two trials, 2 spikes pooled (1 a trial on average), which one trial may fire both
    of: side b's mean ISI does not converge (20, 20, 21 ms at dt, dt/2, dt/4), so that
    trial's second spike is unbounded and so is the count."""
    a = np.array([10.0, 30.0])
    rows = {"n_spikes": [1.0], "first_spike_ms": [10.0], "mean_isi_ms": [20.0], "cv_isi": [np.nan],
            "spike_times_ms": [a], "spike_times_ms@b": [a + 0.1], "first_spike_ms@b": [10.1],
            "mean_isi_ms@b": [20.0], "spike_times_ms@b'": [a + 0.05], "first_spike_ms@b'": [10.05],
            "mean_isi_ms@b'": [20.0], "dt_ms@b'": [0.05], "spike_times_ms@b''": [a + 0.025],
            "first_spike_ms@b''": [10.025], "mean_isi_ms@b''": [21.0], "dt_ms@b''": [0.025]}
    found = peak_detection_tolerances(rows, Numerics(0.1, 1000.0, (RKF45, CN)), trials=2.0)
    assert np.isnan(found["n_spikes"]).all() and np.isnan(found["mean_isi_ms"]).all()
    one_each = dict(rows, max_trial_spikes=[1.0], **{"max_trial_spikes@b": [1.0]})
    found = peak_detection_tolerances(one_each, Numerics(0.1, 1000.0, (RKF45, CN)), trials=2.0)
    assert found["n_spikes"].tolist() == [0.0]  # no trial has an interval to drift over


def test_the_trials_distances_add_up_trial_by_trial():
    """Two identical trials of 2 spikes: knowing that no trial fired more than 2, the
    pooled bounds are twice one trial's (less the round-off slack, which scales with the
    pooled count); not knowing it, one trial may hold all 4 spikes and the 3rd and 4th
    spikes' wider windows W(3), W(4) count instead of a second W(1), W(2)."""
    train = [10.0, 30.0]
    one = table({"": [train], "@b": [[x + 0.1 for x in train]], "@b'": [[x + 0.05 for x in train]]}, {"@b'": 0.05})
    twice = sorted(train * 2)
    pooled = table({"": [twice], "@b": [[x + 0.1 for x in twice]], "@b'": [[x + 0.05 for x in twice]]},
                   {"@b'": 0.05})
    for suffix in ("", "@b", "@b'"):
        for name in ("first_spike_ms", "mean_isi_ms", "cv_isi"):
            pooled[name + suffix] = one[name + suffix]
    pooled["n_spikes"] = [2.0]
    numerics = Numerics(0.1, 1000.0, (RKF45, CN))
    single = peak_detection_tolerances(one, numerics)
    known = peak_detection_tolerances(dict(pooled, max_trial_spikes=[2.0], **{"max_trial_spikes@b": [2.0]}),
                                      numerics, trials=2.0)
    unknown = peak_detection_tolerances(pooled, numerics, trials=2.0)
    assert single["n_spikes"].tolist() == known["n_spikes"].tolist() == [0.0]
    assert known["van_rossum"][0] - 1e-7 * 5 == pytest.approx(2 * (single["van_rossum"][0] - 1e-7 * 3), rel=1e-9)
    assert known["victor_purpura"][0] - FLOAT_SLACK * 5 == pytest.approx(
        2 * (single["victor_purpura"][0] - FLOAT_SLACK * 3), rel=1e-9)
    assert unknown["van_rossum"][0] > known["van_rossum"][0] * (1 + 1e-6)
    assert unknown["victor_purpura"][0] > known["victor_purpura"][0] * (1 + 1e-6)


def test_a_held_interval_is_judged_across_steps_with_its_grid_extra():
    """The AdEx holds v until tau_refrac after the reported (grid) time: each interval holds
    an extra e ∈ [0, h). NEST's RKF45 at 0.1 ms against 0.01 ms, 90 regular spikes: without
    refractoriness the mean ISI is allowed only its end-point jitter 2(h_a + h_b)/89; with
    it, max(h_a, h_b) = 0.1 ms more (|c_a − c_b| + Q_a + Q_b of c = h/2, Q = h/2), which
    covers the 0.023 ms measured (11.118 against 11.095 ms at 2 nA). On one grid, no extra."""
    from zoo.declarations.tolerances import adex_tolerances

    a = 4.7 + 11.118 * np.arange(90)
    b = 4.67 + 11.095 * np.arange(90)
    rows = {"n_spikes": [90.0, 90.0], "first_spike_ms": [4.7] * 2, "mean_isi_ms": [11.118] * 2,
            "cv_isi": [0.0] * 2, "spike_times_ms": [a, a], "spike_times_ms@b": [b, b],
            "first_spike_ms@b": [4.67] * 2, "mean_isi_ms@b": [11.095] * 2, "cv_isi@b": [0.0] * 2,
            "dt_ms@b": [0.01] * 2, "tau_refrac": [0.0, 0.1]}
    numerics = Numerics(0.1, 1000.0, (RKF45, RKF45))
    found = adex_tolerances(rows, numerics)
    jitter = 2 * (0.1 + 0.01) / 89
    assert found["mean_isi_ms"].tolist() == pytest.approx([jitter, jitter + 0.1], rel=1e-9)
    assert found["mean_isi_ms"][1] > 11.118 - 11.095 > found["mean_isi_ms"][0]
    assert found["first_spike_ms"][0] == found["first_spike_ms"][1]  # no hold before the first spike
    one_grid = dict(rows, **{"dt_ms@b": [0.1] * 2, "spike_times_ms@b": [a, a], "mean_isi_ms@b": [11.118] * 2})
    found = adex_tolerances(one_grid, numerics)
    assert found["mean_isi_ms"][0] == found["mean_isi_ms"][1]


def test_a_held_interval_drifts_by_a_step_per_interval_across_steps():
    """Across steps (NEST's RKF45 at 0.1 against 0.05 ms, no scheme error) the hold's extra
    e ∈ [0, h) moves spike k by up to (k − 1)·max(h_a, h_b) on top of the grids' 2·max(h):
    10 regular spikes, the last 0.5 ms before the end: without the hold W(10) = 0.2 ms and
    the count is sure; with it W(10) = 0.2 + 9·0.1 = 1.1 ms and that spike may leave the
    run. The CV's intervals move by less than 3h, its mean by 2h/(n − 1) + h. Without a
    tau_refrac column (or at 0), nothing is held."""
    from zoo.declarations.tolerances import adex_tolerances

    a = 999.5 - 50.0 * np.arange(10)[::-1]
    rows = {"n_spikes": [10.0] * 3, "first_spike_ms": [a[0]] * 3, "mean_isi_ms": [50.0] * 3, "cv_isi": [0.1] * 3,
            "spike_times_ms": [a] * 3, "spike_times_ms@b": [a] * 3, "first_spike_ms@b": [a[0]] * 3,
            "mean_isi_ms@b": [50.0] * 3, "cv_isi@b": [0.1] * 3, "dt_ms@b": [0.05] * 3, "tau_refrac": [0.0, 0.1, 2.0]}
    numerics = Numerics(0.1, 1000.0, (RKF45, RKF45))
    found = adex_tolerances(rows, numerics)
    assert found["n_spikes"].tolist() == [0.0, 1.0, 1.0]
    assert found["van_rossum"][1] > found["van_rossum"][0]
    assert found["victor_purpura"][1] > found["victor_purpura"][0]

    def q_cv(h, held):
        moves = 2 * h / 9 + held * h
        return (2 * h + held * h + 0.1 * moves) / (50.0 - moves)

    assert found["cv_isi"][0] == pytest.approx(q_cv(0.1, 0) + q_cv(0.05, 0), rel=1e-9)
    extra = 2.0 * 1.0 * 0.1  # one interval more or fewer: 2c·CV
    assert found["cv_isi"][1] == pytest.approx(q_cv(0.1, 1) + q_cv(0.05, 1) + extra, rel=1e-9)
    unheld = adex_tolerances({k: v[:1] for k, v in rows.items() if k != "tau_refrac"}, numerics)
    assert all(unheld[name][0] == found[name][0] for name in ("n_spikes", "mean_isi_ms", "cv_isi", "van_rossum"))


def test_on_one_grid_a_fixed_step_pair_holds_nothing_extra():
    """On one grid both sides hold the same e_k: a fixed-step pair's tolerances at
    tau_refrac 0.1 ms are those at 0."""
    from zoo.declarations.tolerances import adex_tolerances

    a = np.array([10.0, 60.0, 110.0])
    t = table({"": [a, a], "@b": [a + 0.05, a + 0.05], "@b'": [a + 0.03, a + 0.03], "@a'": [a, a]},
              {"@b'": 0.05, "@a'": 0.05}, tau_refrac=[0.0, 0.1])
    found = adex_tolerances(t, Numerics(0.1, 1000.0, (CN, CN)))
    for name in ("n_spikes", "first_spike_ms", "mean_isi_ms", "cv_isi", "van_rossum"):
        assert np.isfinite(found[name][0]) and found[name][0] == found[name][1], name


def test_a_trials_first_spike_is_unjudged_where_a_trial_may_lose_its_only_spare():
    """Two trials, the fewest spikes of a trial 2, two pooled spikes near the end (one a
    trial on average): one trial may lose both, its first spike with them, so the trials'
    mean first spike is not judged; with 3 in every trial it is."""
    a = np.array([100.0, 120.0, 140.0, 999.95, 999.96])
    rows = _two_trials_of_regular_firing(a)
    found = peak_detection_tolerances(rows, Numerics(0.1, 1000.0, (RKF45, CN)), trials=2.0)
    assert found["n_spikes"].tolist() == [1.0] and np.isnan(found["first_spike_ms"]).all()
    three = dict(rows, min_trial_spikes=[3.0], **{"min_trial_spikes@b": [3.0]})
    found = peak_detection_tolerances(three, Numerics(0.1, 1000.0, (RKF45, CN)), trials=2.0)
    assert np.isfinite(found["first_spike_ms"]).all()


def test_trials_without_an_interval_agree_on_an_undefined_mean_isi():
    """Two accurate schemes on one grid, two trials of one spike each, none near an edge:
    no trial has an interval on either side and no count can change, so the undefined
    mean ISI and CV are judged as agreeing (tolerance 0, NaN on both sides), not left
    unjudged."""
    a = np.array([100.0, 300.0])
    rows = {"n_spikes": [1.0], "first_spike_ms": [200.0], "mean_isi_ms": [np.nan], "cv_isi": [np.nan],
            "spike_times_ms": [a], "spike_times_ms@b": [a], "first_spike_ms@b": [200.0],
            "mean_isi_ms@b": [np.nan], "cv_isi@b": [np.nan], "max_trial_spikes": [1.0], "max_trial_spikes@b": [1.0],
            "min_trial_spikes": [1.0], "min_trial_spikes@b": [1.0]}
    found = peak_detection_tolerances(rows, Numerics(0.1, 1000.0, (RKF45, RKF45)), trials=2.0)
    assert found["n_spikes"].tolist() == [0.0]
    assert found["mean_isi_ms"].tolist() == [0.0] and found["cv_isi"].tolist() == [0.0]


def test_the_trials_distances_pack_the_spikes_that_do_not_fill_a_trial_into_one_more():
    """Three spikes in two trials, none of more than 2: one trial of 2 and one of 1, so the
    bounds are one 2-spike trial's plus one 1-spike trial's (their round-off slack aside),
    and every spike's W(k) < 2 ms coincides: Γ's tolerance is that of 3 sure coincidences.
    Two spikes in two trials of 1: twice a 1-spike trial's."""
    numerics = Numerics(0.1, 1000.0, (RKF45, CN))

    def rows(train, pooled_train=None, **split):
        pooled_train = train if pooled_train is None else pooled_train
        t = table({"": [pooled_train], "@b": [[x + 0.1 for x in pooled_train]],
                   "@b'": [[x + 0.05 for x in pooled_train]]}, {"@b'": 0.05})
        one = table({"": [train], "@b": [[x + 0.1 for x in train]], "@b'": [[x + 0.05 for x in train]]},
                    {"@b'": 0.05})
        for suffix in ("", "@b", "@b'"):
            for name in ("first_spike_ms", "mean_isi_ms", "cv_isi"):
                t[name + suffix] = one[name + suffix]
        return dict(t, **split)

    two = peak_detection_tolerances(rows([10.0, 30.0]), numerics)
    one = peak_detection_tolerances(rows([10.0]), numerics)
    three = peak_detection_tolerances(
        rows([10.0, 30.0], [10.0, 10.0, 30.0], n_spikes=[1.5], max_trial_spikes=[2.0],
             **{"max_trial_spikes@b": [2.0]}), numerics, trials=2.0)
    assert three["van_rossum"][0] - 1e-7 * 4 == pytest.approx(
        two["van_rossum"][0] - 1e-7 * 3 + one["van_rossum"][0] - 1e-7 * 2, rel=1e-9)
    assert three["victor_purpura"][0] - FLOAT_SLACK * 4 == pytest.approx(
        two["victor_purpura"][0] - FLOAT_SLACK * 3 + one["victor_purpura"][0] - FLOAT_SLACK * 2, rel=1e-9)
    assert three["coincidence_factor"][0] == pytest.approx(
        coincidence_tolerance(3.0, 0.0, 3.0, 1000.0) + FLOAT_SLACK * 10, rel=1e-12)
    pair = peak_detection_tolerances(
        rows([10.0], [10.0, 10.0], n_spikes=[1.0], max_trial_spikes=[1.0], **{"max_trial_spikes@b": [1.0]}),
        numerics, trials=2.0)
    assert pair["van_rossum"][0] - 1e-7 * 3 == pytest.approx(2 * (one["van_rossum"][0] - 1e-7 * 2), rel=1e-9)


def test_each_side_is_bounded_by_its_own_largest_trial():
    """Side a's trials fire one spike each, side b's largest trial two, whose mean ISI does
    not converge: b's second spike is unbounded, so the count is not judged; the same
    when only b's run says how many spikes it pooled (its train, no column), and not when
    b's largest trial holds one spike too."""
    a = np.array([10.0, 30.0])
    rows = {"n_spikes": [1.0], "first_spike_ms": [10.0], "mean_isi_ms": [20.0], "cv_isi": [np.nan],
            "spike_times_ms": [a], "spike_times_ms@b": [a + 0.1], "first_spike_ms@b": [10.1],
            "mean_isi_ms@b": [20.0], "spike_times_ms@b'": [a[:1] + 0.05], "first_spike_ms@b'": [10.05],
            "mean_isi_ms@b'": [20.0], "dt_ms@b'": [0.05], "spike_times_ms@b''": [a[:1] + 0.025],
            "first_spike_ms@b''": [10.025], "mean_isi_ms@b''": [21.0], "dt_ms@b''": [0.025]}
    numerics = Numerics(0.1, 1000.0, (RKF45, CN))
    stated = dict(rows, max_trial_spikes=[1.0], **{"max_trial_spikes@b": [2.0]})
    assert np.isnan(peak_detection_tolerances(stated, numerics, trials=2.0)["n_spikes"]).all()
    assert np.isnan(peak_detection_tolerances(rows, numerics, trials=2.0)["n_spikes"]).all()
    one_each = dict(rows, max_trial_spikes=[1.0], **{"max_trial_spikes@b": [1.0]})
    assert np.isfinite(peak_detection_tolerances(one_each, numerics, trials=2.0)["n_spikes"]).all()


def test_without_its_train_side_a_may_hold_all_its_pooled_spikes_in_one_trial():
    """A table without side a's train: its pooled count is n_spikes times the trials (1.5
    a trial, 3 in all), and with the split unknown one trial may hold all 3, as when the
    table says so."""
    b = np.array([10.0, 30.0, 50.0])
    rows = {"n_spikes": [1.5], "first_spike_ms": [10.0], "mean_isi_ms": [20.0], "cv_isi": [0.0],
            "spike_times_ms@b": [b + 0.1], "first_spike_ms@b": [10.1], "mean_isi_ms@b": [20.0], "cv_isi@b": [0.0],
            "spike_times_ms@b'": [b + 0.05], "first_spike_ms@b'": [10.05], "mean_isi_ms@b'": [20.0],
            "cv_isi@b'": [0.0], "dt_ms@b'": [0.05]}
    numerics = Numerics(0.1, 1000.0, (RKF45, CN))
    unknown = peak_detection_tolerances(rows, numerics, trials=2.0)
    stated = peak_detection_tolerances(dict(rows, max_trial_spikes=[3.0]), numerics, trials=2.0)
    split = peak_detection_tolerances(dict(rows, max_trial_spikes=[2.0]), numerics, trials=2.0)
    assert unknown["van_rossum"][0] == stated["van_rossum"][0] > split["van_rossum"][0]


def test_the_adex_agreement():
    """What the AdEx's agreement declares, and that it judges with adex_tolerances."""
    from zoo.declarations.tolerances import ADEX_COVERS, adex_agreement, adex_tolerances

    agreement = adex_agreement()
    assert agreement.covers == ADEX_COVERS == ("n_spikes", "rate_hz", "first_spike_ms", "mean_isi_ms", "cv_isi",
                                               "van_rossum", "victor_purpura", "coincidence_factor")
    assert agreement.convergence_runs == CONVERGENT and agreement.across_steps is True
    assert agreement.tolerances is adex_tolerances
    assert agreement.doc == ("AdEx spikes at the crossing of v_spike: within one step on accurate schemes, within the "
                             "drift a fixed-step scheme's convergence runs bound")


def test_two_silent_fixed_step_sides_agree_on_no_spike():
    """Both sides fixed-step, silent at every step: no spike to drift, none extrapolated,
    so the count is judged (0), though no first spike has a Richardson error."""
    t = table({"": [[]], "@a'": [[]], "@b": [[]], "@b'": [[]]}, {"@a'": 0.05, "@b'": 0.05})
    found = peak_detection_tolerances(t, Numerics(0.1, 1000.0, (CN, CN)))
    assert found["n_spikes"].tolist() == [0.0] and found["van_rossum"][0] < 1e-6


def test_a_lone_held_spike_drifts_by_its_first_window_only():
    """Across steps with the hold, one spike 0.25 ms before the end: it is its trial's
    first, whose window W(1) = 2·max(h) = 0.2 ms holds no interval, so it cannot leave."""
    from zoo.declarations.tolerances import adex_tolerances

    a = np.array([999.75])
    rows = {"n_spikes": [1.0], "first_spike_ms": [999.75], "mean_isi_ms": [np.nan], "cv_isi": [np.nan],
            "spike_times_ms": [a], "spike_times_ms@b": [a], "first_spike_ms@b": [999.75], "mean_isi_ms@b": [np.nan],
            "cv_isi@b": [np.nan], "dt_ms@b": [0.05], "tau_refrac": [0.1]}
    assert adex_tolerances(rows, Numerics(0.1, 1000.0, (RKF45, RKF45)))["n_spikes"].tolist() == [0.0]


def test_a_convergence_run_without_its_train_is_counted_by_its_own_n_spikes():
    """One trial; side b's run at dt/2 kept no train but its count (4 against 3 at dt):
    the scheme may add or drop ⌈4/3·1⌉ = 2 spikes, read from that run's own n_spikes@b'."""
    a = [10.0, 20.0, 30.0]
    t = table({"": [a], "@b": [[x + 0.1 for x in a]], "@b'": [[x + 0.05 for x in a]]}, {"@b'": 0.05})
    del t["spike_times_ms@b'"]
    t["n_spikes@b'"] = [4.0]
    found = peak_detection_tolerances(t, Numerics(0.1, 1000.0, (RKF45, CN)))
    assert found["n_spikes"].tolist() == [2.0]
