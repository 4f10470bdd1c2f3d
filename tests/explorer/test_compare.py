"""``explorer.compare`` and the one judge behind it at the edges: NaN on one side or
both, a failed or missing row beside an ok one, a grid tie, an error at and just
beyond its tolerance. Tables come from a real sweep (NEST and NEURON); each case
edits one value of it to what a simulator could have returned."""
import dataclasses
import importlib
import io
import itertools
import sys
import warnings

import numpy as np
import pandas as pd
import pytest

import explorer
from zoo.declarations.tolerances import FLOAT_SLACK, GRID_TIE, grid_ties
from zoo.declarations.verdicts import COLUMNS, INFORMATION, errors, passes, \
    point_labels, verdict_row, worst_row

from zoo import backends, registry
from zoo.declarations.model import Validation

from tests.conftest import pairs_of, swept
from tests.explorer.test_distances import elephant_distances, van_rossum_round_off, victor_purpura_round_off

DT_MS = 0.1
#: The LIF current (nA) whose time from reset to threshold is exactly 200 steps:
#: τ·ln((V∞ − v_reset)/(V∞ − θ)) = τ with V∞ − v_rest = 15 mV·e/(e − 1), i = (V∞ − v_rest)·C/τ.
TIE_NA = 15.0 * np.e / (np.e - 1.0) * 1.0 / 20.0
CURRENTS = [0.0, 1.0, TIE_NA]
#: A pair of simulators whose LIF schemes differ (exact propagation and Crank-Nicolson
#: today): at the tie they detect the first spike a step apart (measured).
A, B = next(p for p in pairs_of("lif") if len(backends.numerics(p, "IF_curr_exp", DT_MS, 100.0).names()) == 2)

#: The judging and bookkeeping code handles the NaN and inf it expects without a
#: floating-point warning (a user would see it on every comparison).
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


@pytest.fixture(scope="module")
def table():
    table = swept("lif", grid={"i_offset": CURRENTS}, simulators=(A, B), duration_ms=100.0)
    assert (table["status"] == "ok").all() and len(table) == 6
    return table


def row_of(table, simulator, current):
    return table.index[(table["simulator"] == simulator) & np.isclose(table["i_offset"], current)][0]


def compared(table, metric, current):
    comparison = explorer.compare(table)
    rows = comparison[(comparison["metric"] == metric) & np.isclose(comparison["i_offset"], current)]
    assert len(rows) == 1
    return rows.iloc[0], explorer.verdicts(comparison).set_index("metric")


def test_the_current_sits_on_a_grid_tie():
    rate = 1000.0 / (0.1 + 20.0)  # the closed form: t_ref + 200 steps
    assert grid_ties(rate, 0.1, DT_MS) and not grid_ties(1000.0 / (0.1 + 20.03), 0.1, DT_MS)


def test_the_real_pair_passes_and_its_tie_uses_its_whole_tolerance(table):
    """NEURON detects the tie's first spike one step after NEST: an error of exactly
    one step, judged against a tolerance of one step, and the distances there are
    shown, not judged."""
    row, summary = compared(table, "first_spike_ms", TIE_NA)
    assert row["judged"] == "judged" and row["pass"]
    assert np.isclose(row["abs_difference"], DT_MS) and row["tolerance"] == pytest.approx(DT_MS * (1 + FLOAT_SLACK))
    assert summary["pass"].all(), summary
    distance, summary = compared(table, "van_rossum", TIE_NA)
    assert distance["judged"] == GRID_TIE and np.isnan(distance["tolerance"]) and distance["pass"]
    assert summary.loc["van_rossum", "judged"] == 2 and summary.loc["van_rossum", "points"] == 3
    assert "1 grid tie, shown only" in summary.loc["van_rossum", "worst_at"]
    off_tie, _ = compared(table, "van_rossum", 1.0)
    assert off_tie["judged"] == "judged" and off_tie["tolerance"] < 1e-6


def test_at_a_tie_a_measure_without_enough_spikes_says_why(table):
    """Two spikes at a tie may lose one to the drift: no interval is sure to remain, so
    the mean ISI is shown, not judged, with the tie as the reason."""
    edited = table.copy()
    for simulator in (A, B):
        edited.loc[row_of(edited, simulator, TIE_NA), "n_spikes"] = 2
    row, _ = compared(edited, "mean_isi_ms", TIE_NA)
    assert np.isnan(row["tolerance"]) and row["judged"] == GRID_TIE and row["pass"]


def test_one_step_more_at_the_tie_fails(table):
    edited = table.copy()
    first = edited.loc[row_of(edited, A, TIE_NA), "first_spike_ms"]
    edited.loc[row_of(edited, B, TIE_NA), "first_spike_ms"] = first + 2 * DT_MS
    row, summary = compared(edited, "first_spike_ms", TIE_NA)
    assert not row["pass"] and summary.loc["first_spike_ms", "verdict"] == "FAIL"
    assert summary.loc["first_spike_ms", "failed"] == 1


@pytest.mark.parametrize("metric, change", [("n_spikes", 1), ("mean_isi_ms", 1e-6), ("rate_hz", 1e-6)])
def test_off_a_tie_any_difference_beyond_round_off_fails(table, metric, change):
    edited = table.copy()
    edited.loc[row_of(edited, B, 1.0), metric] += change
    row, summary = compared(edited, metric, 1.0)
    assert not row["pass"] and summary.loc[metric, "verdict"] == "FAIL"


@pytest.mark.parametrize("side", [0, 1])
def test_nan_on_one_side_fails(table, side):
    """A metric NaN on one simulator and a number on the other, in two ok rows (one
    fired, the other did not): an infinite error, never within tolerance."""
    edited = table.copy()
    edited.loc[row_of(edited, (A, B)[side], 1.0), "first_spike_ms"] = np.nan
    row, summary = compared(edited, "first_spike_ms", 1.0)
    assert not row["pass"] and np.isinf(row["abs_difference"])
    assert summary.loc["first_spike_ms", "verdict"] == "FAIL" and summary.loc["first_spike_ms", "failed"] == 1


def test_nan_on_both_sides_agrees(table):
    """Neither simulator fired at 0 nA: no first spike on either side agrees."""
    row, summary = compared(table, "first_spike_ms", 0.0)
    assert np.isnan(row["value_a"]) and np.isnan(row["value_b"])
    assert row["pass"] and row["abs_difference"] == 0.0 and row["difference"] == 0.0
    assert summary.loc["first_spike_ms", "pass"]


@pytest.mark.parametrize("statuses", [("ok", "failed"), ("failed", "ok"), ("failed", "failed")])
def test_a_failed_row_fails_the_pair(table, statuses):
    edited = table.copy()
    for simulator, status in zip((A, B), statuses):
        if status == "failed":
            index = row_of(edited, simulator, 1.0)
            edited.loc[index, ["n_spikes", "rate_hz", "first_spike_ms"]] = np.nan
            edited.loc[index, ["status", "error"]] = ["failed", "RuntimeError: a real failure"]
    comparison = explorer.compare(edited)
    status = comparison[comparison["metric"] == "status"]
    assert len(status) == 1 and not status["pass"].iloc[0]
    assert status["setting"].iloc[0] == f"{A}: {statuses[0]}, {B}: {statuses[1]}"
    assert np.isclose(status["i_offset"].iloc[0], 1.0)
    # the failed point's metrics are not compared as if it had run
    metrics = comparison[(comparison["metric"] != "status") & np.isclose(comparison["i_offset"], 1.0)]
    assert metrics.empty
    summary = explorer.verdicts(comparison).set_index("metric")
    assert summary.loc["status", "verdict"] == "FAIL" and not summary["pass"].all()


def test_a_point_missing_on_one_simulator_fails_the_pair(table):
    edited = table.drop(index=row_of(table, B, 1.0))
    status = explorer.compare(edited).query("metric == 'status'")
    assert len(status) == 1 and not status["pass"].iloc[0] and status["setting"].iloc[0] == f"{A}: ok, {B}: nan"


def test_no_status_row_when_both_ran(table):
    assert "status" not in set(explorer.compare(table)["metric"])


def test_a_table_with_repeated_keys_is_refused(table):
    with pytest.raises(ValueError, match="^the table has repeated keys; read a sweep directory written by explorer.sweep$"):
        explorer.compare(pd.concat([table, table.iloc[:1]], ignore_index=True))


def test_the_simulators_may_be_chosen_and_named_in_order(table):
    comparison = explorer.compare(table, simulators=[B, A])
    assert set(comparison["simulators"]) == {f"{A} vs {B}"}
    assert set(comparison["simulator_a"]) == {B} and set(comparison["simulator_b"]) == {A}
    counts = table.set_index(["simulator", "i_offset"])["n_spikes"]
    for _, row in comparison[comparison["metric"] == "n_spikes"].iterrows():
        assert row["value_a"] == counts[(B, row["i_offset"])] and row["value_b"] == counts[(A, row["i_offset"])]
        assert row["difference"] == row["value_b"] - row["value_a"]
    without = explorer.compare(table, distances=False)
    assert not {"van_rossum", "victor_purpura", "coincidence_factor"} & set(without["metric"])


# ---- the judge itself (zoo.declarations.verdicts), on values ----

def test_errors_and_passes_on_nan():
    np.testing.assert_array_equal(errors([1.0, np.nan, np.nan, 2.0], [1.5, np.nan, 3.0, np.nan]),
                                  [0.5, 0.0, np.inf, np.inf])
    np.testing.assert_array_equal(passes([0.5, 0.5, 0.6, np.inf], [0.5, np.nan, 0.5, 1e300]),
                                  [True, True, False, False])


def test_worst_row_is_the_largest_error_relative_to_its_tolerance():
    """Point 1 has the smaller error but uses more of its tolerance; one failing point
    fails the row."""
    labels = point_labels(pd.DataFrame({"i_offset": [0.5, 1.0, 1.5]}), ["i_offset"])
    row = worst_row("b vs a", "rate_hz", [1.0, 1.2, 3.0], [1.0, 1.0, 2.0], [0.1, 0.25, 2.0], labels)
    assert row["value"] == 1.2 and row["error"] == pytest.approx(0.2) and row["tolerance"] == 0.25
    assert row["worst_at"] == "i_offset=1 (worst of 3)" and row["pass"] and row["verdict"] == "pass"
    assert row["points"] == 3 and row["judged"] == 3
    failing = worst_row("b vs a", "rate_hz", [1.0, 1.3, 3.0], [1.0, 1.0, 2.0], [0.1, 0.25, 2.0], labels)
    assert not failing["pass"] and failing["verdict"] == "FAIL" and failing["value"] == 1.3
    zero = worst_row("b vs a", "n_spikes", [3.0, 4.0], [3.0, 3.0], [0.0, 5.0], lambda i: str(i))
    assert zero["value"] == 4.0 and zero["pass"]  # 0/0 scores 0, 1/5 more
    exceeded = worst_row("b vs a", "n_spikes", [4.0, 7.0], [3.0, 3.0], [0.0, 5.0], lambda i: str(i))
    assert exceeded["value"] == 4.0 and not exceeded["pass"]  # 1 over a zero tolerance: infinitely worse


def test_worst_row_without_a_judged_point_shows_the_largest_finite_error():
    row = worst_row("sim", "van_rossum", [0.1, 5.0, np.nan], [0.0, 0.0, 0.0], np.nan, lambda i: f"p{i}",
                    why_not=[GRID_TIE, GRID_TIE, INFORMATION])
    assert row["judged"] == 0 and row["pass"] and row["value"] == 5.0
    assert row["verdict"] == "grid tie and information" and row["worst_at"] == "p1 (grid tie and information, no tolerance)"
    some = worst_row("sim", "x", [0.1, 5.0, 0.2], [0.0, 0.0, 0.0], [1.0, np.nan, 0.1], lambda i: f"p{i}")
    assert some["judged"] == 2 and some["value"] == 0.2 and not some["pass"]
    assert some["worst_at"] == "p2 (worst of 2 judged; 1 information, shown only)"


def test_a_verdict_row_against_a_published_value():
    row = verdict_row("sim", "rheobase", 6.3, 6.27, 0.03, 0.05, "bisection")
    assert (row["pass"], row["judged"], row["verdict"]) == (True, 1, "pass")
    assert verdict_row("sim", "rheobase", 6.4, 6.27, 0.13, 0.05, "")["verdict"] == "FAIL"
    shown = verdict_row("sim", "onset", 50.0, np.nan, np.nan, np.nan, "")
    assert (shown["pass"], shown["judged"], shown["verdict"]) == (True, 0, INFORMATION)


def test_point_labels_name_the_varying_parameters():
    frame = pd.DataFrame({"i_offset": [0.123456, 2.0], "tau_m": [10.0, 20.0]})
    assert point_labels(frame, ["i_offset", "tau_m"])(0) == "i_offset=0.1235, tau_m=10"
    assert point_labels(frame, [])(1) == "default"


def test_the_judge_takes_missing_values_and_integers_quietly():
    """A metric missing as None on both sides agrees, as NaN does; counts may come as
    integers; no floating-point warning is raised for the NaN and inf it expects."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_array_equal(errors([None, 3, 1.0], [None, 1, None]), [0.0, 2.0, np.inf])
        np.testing.assert_array_equal(passes([0, 1, np.inf], [None, 1, 2]), [True, True, False])
        np.testing.assert_array_equal(passes([None, 0.5], [1.0, 1.0]), [False, True])
        np.testing.assert_array_equal(errors([np.inf, np.inf], [np.inf, 1.0]), [np.inf, np.inf])
        row = worst_row("b vs a", "n_spikes", [3, None, 5], [3, None, 4], [0, 0, None], lambda i: f"p{i}",
                        error=[0, 0, 1], why_not=[INFORMATION, INFORMATION, GRID_TIE])
        assert (row["judged"], row["pass"], row["value"]) == (2, True, 3.0)
        assert np.isnan(worst_row("x", "m", [np.nan], [1.0], [0.0], str)["value"])
        assert worst_row("x", "m", [0.5, np.inf], [0.0, 0.0], [np.nan, np.nan], str)["error"] == 0.5


def test_verdict_rows_have_the_declared_columns():
    labels = point_labels(pd.DataFrame({"i_offset": [1.0]}), ["i_offset"])
    for row in (verdict_row("sim", "m", 1.0, 1.0, 0.0, 0.1, "note"),
                worst_row("sim", "m", [1.0], [1.0], [0.1], labels)):
        assert list(row) == COLUMNS
    row = verdict_row("sim", "rheobase", 6.3, 6.27, 0.03, 0.05, "bisection")
    assert row == {"simulator": "sim", "metric": "rheobase", "points": 1, "judged": 1, "value": 6.3,
                   "reference": 6.27, "error": 0.03, "tolerance": 0.05, "verdict": "pass", "pass": True,
                   "worst_at": "bisection"}
    worst = worst_row("sim", "rate_hz", [1.0, 2.5], [1.0, 2.0], [0.1, 1.0], lambda i: f"p{i}")
    assert worst == {"simulator": "sim", "metric": "rate_hz", "points": 2, "judged": 2, "value": 2.5,
                     "reference": 2.0, "error": 0.5, "tolerance": 1.0, "verdict": "pass", "pass": True,
                     "worst_at": "p1 (worst of 2)"}


def test_the_reasons_of_unjudged_points_are_named_together():
    row = worst_row("x", "m", [0.1, 0.2, 0.3], [0.0, 0.0, 0.0], [1.0, np.nan, np.nan], lambda i: f"p{i}",
                    why_not=[INFORMATION, GRID_TIE, INFORMATION])
    assert row["worst_at"] == "p0 (worst of 1 judged; 2 grid tie and information, shown only)"


COMPARISON_COLUMNS = ["simulators", "simulator_a", "simulator_b", "model", "pair_key"]
RESULT_COLUMNS = ["metric", "value_a", "value_b", "difference", "abs_difference", "rel_difference", "tolerance",
                  "pass", "judged", "setting"]


def test_the_comparison_table_and_its_summary_have_one_layout(table):
    """One layout for ok and failed points alike: pair, model, the point's parameters and
    run settings, then the metric's row; the summary in order of first appearance."""
    edited = table.copy()
    edited.loc[row_of(edited, B, 1.0), "status"] = "failed"
    comparison = explorer.compare(edited)
    parameters = registry.get("lif").parameter_names + ["seed", "dt_ms", "duration_ms"]
    assert list(comparison.columns) == COMPARISON_COLUMNS + parameters + RESULT_COLUMNS
    assert comparison.index.tolist() == list(range(len(comparison)))  # one index across the blocks
    status = comparison[comparison["metric"] == "status"].iloc[0]
    first = edited.loc[row_of(edited, A, 1.0)]
    assert status[["simulators", "simulator_a", "simulator_b", "model", "pair_key"]].tolist() == [
        f"{B} vs {A}", A, B, "lif", first["pair_key"]]
    assert all(status[p] == first[p] for p in parameters)
    assert status[["value_a", "value_b", "difference", "tolerance"]].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert np.isinf(status["abs_difference"]) and np.isinf(status["rel_difference"])
    assert status["judged"] == "judged" and not status["pass"]
    summary = explorer.verdicts(comparison)
    assert summary["metric"].tolist() == ["status", "n_spikes", "rate_hz", "first_spike_ms", "mean_isi_ms", "cv_isi",
                                          "van_rossum", "victor_purpura", "coincidence_factor"]
    assert list(summary.columns) == COLUMNS + ["failed", "setting"] and set(summary["simulator"]) == {f"{B} vs {A}"}
    by_metric = summary.set_index("metric")
    assert by_metric.loc["status", "setting"] == f"{A}: ok, {B}: failed"
    assert by_metric.loc["status", "worst_at"] == "i_offset=1 (worst of 1)"
    assert by_metric.loc["van_rossum", "setting"].startswith("van Rossum distance, tau = 10 ms")
    assert by_metric.loc["n_spikes", "setting"] == "" and by_metric.loc["n_spikes", "failed"] == 0
    # a distance is judged against identity (0, or 1 for the coincidence factor), not against the other side
    assert by_metric.loc["coincidence_factor", "reference"] == 1.0 and by_metric.loc["van_rossum", "reference"] == 0.0
    empty = explorer.verdicts(pd.DataFrame())
    assert empty.empty and list(empty.columns) == COLUMNS + ["failed", "setting"]
    assert explorer.compare(table.iloc[:0]).empty


def test_only_varying_parameters_name_the_worst_point(table):
    single = explorer.compare(table[np.isclose(table["i_offset"], 1.0)])
    assert explorer.verdicts(single)["worst_at"].tolist()[0] == "default (worst of 1)"
    rows = explorer.verdicts(explorer.compare(table))
    assert rows["worst_at"].str.startswith("i_offset=").all()
    two = explorer.verdicts(explorer.compare(table[~np.isclose(table["i_offset"], 0.0)]))
    assert two["worst_at"].str.startswith("i_offset=").all()  # two values vary too
    assert not rows["worst_at"].str.contains("tau_m").any()
    # a table without its model column is summed up without naming points
    bare = explorer.compare(table).drop(columns="model")
    assert explorer.verdicts(bare)["worst_at"].str.startswith("default").all()


def test_a_pair_without_common_points_is_only_a_status(table):
    first, second = table[table["simulator"] == A], table[table["simulator"] == B]
    shifted = second.assign(pair_key=second["pair_key"] + "x")
    comparison = explorer.compare(pd.concat([first, shifted], ignore_index=True))
    assert set(comparison["metric"]) == {"status"} and len(comparison) == 6
    assert sorted(comparison["setting"]) == sorted([f"{A}: nan, {B}: ok"] * 3 + [f"{A}: ok, {B}: nan"] * 3)


def test_a_model_of_trials_is_judged_with_one_trials_tolerances():
    """A row pools n trials (its count is their total, its other metrics their means):
    tolerances made for one neuron apply to each trial, so the count's is n times a
    trial's and the others are a trial's. Without a closed form every trial counts as
    at a tie: one spike per trial (n = 4), and one spike in the step's window for the rate."""
    from zoo.stimuli.noisy_current import step_window

    trials = swept("mainen_sejnowski1995", grid={"noise_sigma": [0.0, 0.2], "n_trials": [4.0]},
                   simulators=(A, B), duration_ms=300.0)
    assert set(trials["batch_size"]) == {1}  # a point's trials fill its population
    comparison = explorer.compare(trials, distances=False)
    assert explorer.verdicts(comparison)["pass"].all()
    start, stop = step_window(trials.iloc[0].to_dict(), 300.0)
    for _, row in comparison[comparison["metric"] == "n_spikes"].iterrows():
        assert row["tolerance"] == 4.0 and row["value_a"] > 4
    for _, row in comparison[comparison["metric"] == "rate_hz"].iterrows():
        assert row["tolerance"] == pytest.approx(1000.0 / (stop - start), rel=1e-6)
    shown = comparison[comparison["metric"] == "reliability"]
    assert set(shown["judged"]) == {INFORMATION} and shown["tolerance"].isna().all()


def test_the_distances_use_their_stated_settings(table):
    """One spike moved by 1 ms: van Rossum (τ = 10 ms) sqrt(2(1 − e^(−1/10))), Victor-Purpura
    (q = 1/ms) q·1 ms = 1, and that spike no longer within the coincidence window (±2 ms)
    once moved by 3 ms."""
    edited = table.copy()
    index = row_of(edited, B, 1.0)
    train = np.asarray(edited.loc[index, "spike_times_ms"], dtype=float).copy()
    assert len(train) >= 2
    train[0] += 1.0
    edited.at[index, "spike_times_ms"] = train
    row, _ = compared(edited, "van_rossum", 1.0)
    assert row["abs_difference"] == pytest.approx(np.sqrt(2 * (1 - np.exp(-0.1))), rel=1e-9) and not row["pass"]
    row, _ = compared(edited, "victor_purpura", 1.0)
    assert row["abs_difference"] == pytest.approx(1.0, rel=1e-9)
    row, _ = compared(edited, "coincidence_factor", 1.0)
    assert row["abs_difference"] == pytest.approx(0.0, abs=1e-12)  # still within ±2 ms
    train[0] += 2.0
    edited.at[index, "spike_times_ms"] = train
    row, _ = compared(edited, "coincidence_factor", 1.0)
    assert row["abs_difference"] > 0.1 and not row["pass"]


def test_relative_differences(table):
    edited = table.copy()
    index = row_of(edited, B, 1.0)
    edited.loc[index, "n_spikes"] = edited.loc[row_of(edited, A, 1.0), "n_spikes"] + 1
    row, _ = compared(edited, "n_spikes", 1.0)
    assert row["rel_difference"] == pytest.approx(1.0 / row["value_a"]) and row["value_a"] > 1
    silent, _ = compared(table, "n_spikes", 0.0)
    assert silent["value_a"] == 0 and np.isnan(silent["rel_difference"])
    distance, _ = compared(table, "van_rossum", 1.0)
    assert np.isnan(distance["rel_difference"])  # no value of its own to be relative to


def test_an_agreement_that_returns_fewer_tolerances_than_it_covers_is_refused(table, monkeypatch):
    monkeypatch.setitem(registry._ENTRY_POINTS, "lif_short_agreement", "tests.models_for_tests:lif_short_agreement")
    with pytest.raises(ValueError, match="^model 'lif_short_agreement': its agreement returned no tolerance for "
                                         "cv_isi$"):
        explorer.compare(table.assign(model="lif_short_agreement"))


def test_an_agreement_that_marks_no_ties_names_only_its_undefined_measures(table, monkeypatch):
    """An agreement may return no grid-tie reasons at all: every point is then without
    one, so a NaN tolerance is information and an undefined measure says so."""
    monkeypatch.setitem(registry._ENTRY_POINTS, "lif_no_ties", "tests.models_for_tests:lif_no_ties")
    edited = table.assign(model="lif_no_ties")
    edited.at[row_of(edited, B, 1.0), "spike_times_ms"] = np.arange(25) * 4.0 + 1.0  # 250 Hz: Γ undefined
    comparison = explorer.compare(edited)
    gamma = comparison[(comparison["metric"] == "coincidence_factor") & np.isclose(comparison["i_offset"], 1.0)]
    assert gamma["judged"].tolist() == [COMPARE.UNDEFINED] and np.isnan(gamma["tolerance"]).all()
    assert set(comparison["judged"]) == {"judged", INFORMATION, COMPARE.UNDEFINED}


def test_a_point_failed_on_one_simulator_and_missing_on_the_other_fails(table):
    edited = table.drop(index=row_of(table, B, 1.0))
    edited.loc[row_of(edited, A, 1.0), "status"] = "failed"
    status = explorer.compare(edited).query("metric == 'status'")
    assert len(status) == 1 and status["setting"].iloc[0] == f"{A}: failed, {B}: nan" and not status["pass"].iloc[0]


def test_a_simulator_absent_from_the_table_fails_every_point(table):
    only = table[table["simulator"] == A]
    assert explorer.compare(only).empty  # nothing to pair
    status = explorer.compare(only, simulators=[A, B])
    assert set(status["metric"]) == {"status"} and len(status) == 3
    assert set(status["setting"]) == {f"{A}: ok, {B}: nan"}


def test_the_layout_of_a_comparison_without_failures(table):
    """The same columns in the same order as with a failed point (they once differed)."""
    parameters = registry.get("lif").parameter_names + ["seed", "dt_ms", "duration_ms"]
    comparison = explorer.compare(table)
    assert list(comparison.columns) == COMPARISON_COLUMNS + parameters + RESULT_COLUMNS
    assert comparison.index.tolist() == list(range(len(comparison)))


def test_relative_differences_at_zero_and_below_one(table):
    edited = table.copy()
    edited.loc[row_of(edited, B, 0.0), "n_spikes"] = 1  # one spike against none: no relative size
    row, _ = compared(edited, "n_spikes", 0.0)
    assert np.isnan(row["rel_difference"]) and row["abs_difference"] == 1.0
    small, _ = compared(table, "cv_isi", 1.0)
    assert 0 < abs(small["value_a"]) < 1 and np.isfinite(small["rel_difference"])


def test_an_undefined_coincidence_factor_is_shown_not_judged(table):
    """At 250 Hz the coincidence factor's chance level 2νΔ is 1: the measure is undefined
    there, shown with its reason, and neither passes nor fails the pair."""
    edited = table.copy()
    index = row_of(edited, B, 1.0)
    edited.at[index, "spike_times_ms"] = np.arange(25) * 4.0 + 1.0  # 25 spikes in 100 ms
    row, summary = compared(edited, "coincidence_factor", 1.0)
    assert np.isnan(row["tolerance"]) and row["judged"] == "undefined measure" and row["pass"]
    assert summary.loc["coincidence_factor", "judged"] == 1  # the silent point, still judged


def test_identical_trains_are_compared_quietly(table):
    """Elephant's van Rossum distance of identical trains can come out as a tiny negative
    square, which it reports with a warning; the comparison expects it (its tolerance
    allows for the round-off) and raises none."""
    edited = table.copy()
    train = np.sort(np.random.default_rng(0).uniform(0.0, 100.0, 5))  # one that Elephant warns about
    for simulator in (A, B):
        edited.at[row_of(edited, simulator, 1.0), "spike_times_ms"] = train
    row, _ = compared(edited, "van_rossum", 1.0)
    assert row["pass"] and row["abs_difference"] < 1e-6


def test_a_pair_with_nothing_in_common_does_not_stop_the_others():
    """With three simulators, a first pair that shares no ok point leaves the later pairs
    compared."""
    three = swept("lif", grid={"i_offset": [1.0, 1.5]}, simulators=tuple(backends.names()), duration_ms=50.0)
    first = backends.names()[0]
    edited = three.copy()
    edited.loc[edited["simulator"] == first, "status"] = "failed"
    comparison = explorer.compare(edited)
    others = [f"{b} vs {a}" for a, b in itertools.combinations(backends.names()[1:], 2)]
    for pair in others:
        assert (comparison.loc[comparison["simulators"] == pair, "metric"] == "n_spikes").any(), pair


def test_an_undefined_measure_is_named_where_the_agreement_marks_no_ties():
    """Peak-detected HH spikes (an agreement without grid ties): an undefined coincidence
    factor still says why it is not judged."""
    from zoo.declarations.numerics import ACCURATE_WITHIN_STEP

    accurate = [s for s in backends.available(registry.get("hh"))
                if backends.backend_class(s).numerics["HH_curr_alpha"].name in ACCURATE_WITHIN_STEP]
    hh = swept("hh", grid={"i_offset": [1.0]}, simulators=tuple(accurate[:2]), duration_ms=100.0)
    edited = hh.copy()
    edited.at[edited.index[edited["simulator"] == accurate[1]][0], "spike_times_ms"] = np.arange(25) * 4.0 + 1.0
    comparison = explorer.compare(edited)
    row = comparison[comparison["metric"] == "coincidence_factor"].iloc[0]
    assert row["judged"] == "undefined measure" and np.isnan(row["tolerance"])
    assert set(comparison.loc[comparison["metric"] == "n_spikes", "judged"]) == {"judged"}


# ---- the fast distances judge as Elephant did (issue 36), and what a table may hold (issue 31) ----

#: The module (``explorer.compare`` is also the function the package exports).
COMPARE = importlib.import_module("explorer.compare")
DISTANCE_METRICS = ["van_rossum", "victor_purpura", "coincidence_factor"]


def compared_both_ways(table, monkeypatch, **kwargs):
    """The comparison with the fast distances, and with the definition they replaced
    (Elephant, one pair at a time, as ``explorer.compare`` computed them before)."""
    fast = explorer.compare(table, **kwargs)
    with monkeypatch.context() as patched:
        patched.setattr(COMPARE, "_distances", lambda a, b, duration, bar=None: elephant_distances(a, b, duration))
        before = explorer.compare(table, **kwargs)
    return fast, before


def assert_same_verdicts(table, fast, before):
    """Every row the same, the van Rossum and Victor-Purpura distances to round-off
    (``tests/explorer/test_distances.py`` derives the bounds), so every pass and every
    reason a row is not judged the same; the summary the same in every column. One
    exception, which round-off alone decides: where a distance is at round-off at
    every judged point (trains that differ in the last bits of their times), any of
    them may be shown as the worst."""
    assert list(fast.columns) == list(before.columns) and len(fast) == len(before)
    rounded = fast["metric"].isin(["van_rossum", "victor_purpura"])
    exact = [c for c in fast.columns if c not in ("difference", "abs_difference")]
    pd.testing.assert_frame_equal(fast[exact], before[exact])
    pd.testing.assert_frame_equal(fast[~rounded], before[~rounded])
    trains = table.set_index(["pair_key", "simulator"])["spike_times_ms"]
    at_round_off = {}
    for metric, bound_of in (("van_rossum", van_rossum_round_off), ("victor_purpura", victor_purpura_round_off)):
        rows = fast.index[fast["metric"] == metric]
        a = [trains[(k, s)] for k, s in zip(fast.loc[rows, "pair_key"], fast.loc[rows, "simulator_a"])]
        b = [trains[(k, s)] for k, s in zip(fast.loc[rows, "pair_key"], fast.loc[rows, "simulator_b"])]
        new, old = fast.loc[rows, "difference"].to_numpy(), before.loc[rows, "difference"].to_numpy()
        power = 2 if metric == "van_rossum" else 1  # van Rossum's round-off is that of its square
        bound = bound_of(a, b)
        assert (np.abs(new ** power - old ** power) <= bound).all(), metric
        noise = (new ** power <= bound) & (old ** power <= bound)
        judged = fast.loc[rows, "judged"].to_numpy() == "judged"
        for pair in fast.loc[rows, "simulators"].unique():
            mine = fast.loc[rows, "simulators"].to_numpy() == pair
            at_round_off[(pair, metric)] = bool(noise[mine & judged].all())
    summary, summary_before = explorer.verdicts(fast), explorer.verdicts(before)
    worst = ["value", "error", "tolerance", "worst_at"]
    shown = [c for c in summary.columns if c not in worst]
    pd.testing.assert_frame_equal(summary[shown], summary_before[shown])
    moved = summary["worst_at"] != summary_before["worst_at"]
    for i in np.flatnonzero(moved):
        assert at_round_off.get((summary.at[i, "simulator"], summary.at[i, "metric"])), summary.loc[i]
    pd.testing.assert_frame_equal(summary.loc[~moved, ["tolerance", "worst_at"]],
                                  summary_before.loc[~moved, ["tolerance", "worst_at"]])
    same_point = ~moved & ~summary["metric"].isin(["van_rossum", "victor_purpura"])
    pd.testing.assert_frame_equal(summary.loc[same_point, worst], summary_before.loc[same_point, worst])


def test_the_fast_distances_give_the_verdicts_elephant_gave(table, monkeypatch):
    """On real sweeps (this file's: the LIF at 0 nA, 1 nA and a grid tie; peak-detected
    HH spikes; pooled trials of a noisy current; and the README's LIF sweep on NEST and
    Brian2 at every 40th of its 2000 points), every comparison row and every verdict is
    the one Elephant's distances gave."""
    from zoo.declarations.numerics import ACCURATE_WITHIN_STEP

    accurate = [s for s in backends.available(registry.get("hh"))
                if backends.backend_class(s).numerics["HH_curr_alpha"].name in ACCURATE_WITHIN_STEP]
    tables = [
        table,
        swept("hh", grid={"i_offset": [1.0]}, simulators=tuple(accurate[:2]), duration_ms=100.0),
        swept("mainen_sejnowski1995", grid={"noise_sigma": [0.0, 0.2], "n_trials": [4.0]}, simulators=(A, B),
              duration_ms=300.0),
        swept("lif", grid={"i_offset": np.linspace(0.0, 2.0, 2000)[::40]}, simulators=("nest", "brian2")),
    ]
    for swept_table in tables:
        fast, before = compared_both_ways(swept_table, monkeypatch)
        assert set(DISTANCE_METRICS) <= set(fast["metric"])
        assert_same_verdicts(swept_table, fast, before)
    # the bounds are not vacuous: at the tie the trains drift a step apart
    fast, _ = compared_both_ways(table, monkeypatch)
    tie = fast[np.isclose(fast["i_offset"], TIE_NA)]
    assert (tie.loc[tie["metric"] == "victor_purpura", "difference"] > 0.05).all()


@pytest.mark.slow
def test_the_fast_distances_give_the_verdicts_elephant_gave_on_the_readme_sweeps(monkeypatch):
    """The README's sweeps whole: the LIF over 2000 currents on NEST and Brian2, and
    four seeds of masquelier2008 (30 s) on both (8 minutes on 2 shared cores)."""
    readme = [
        swept("lif", grid={"i_offset": np.linspace(0.0, 2.0, 2000)}, simulators=("nest", "brian2")),
        swept("masquelier2008", grid={"w_init": [0.475]}, seeds=(1, 2, 3, 4), simulators=("nest", "brian2"),
              duration_ms=30_000.0),
    ]
    for swept_table in readme:
        assert_same_verdicts(swept_table, *compared_both_ways(swept_table, monkeypatch))


def test_a_table_of_two_models_is_refused_naming_them(table):
    other = table.assign(model="lapicque", key=table["key"] + "-lapicque")
    with pytest.raises(ValueError, match=r"^the table holds 2 models \(lif, lapicque\); compare one model's sweep "
                                         r"at a time$"):
        explorer.compare(pd.concat([table, other], ignore_index=True))


#: A legal declaration without an agreement: the cable (no spikes) with every metric
#: informational.
CABLE_SHOWN_ONLY = dataclasses.replace(
    registry.get("cable"), name="cable_shown_only", validation=Validation(),
    metrics=tuple(dataclasses.replace(m, compared=False) for m in registry.get("cable").metrics))


def test_a_model_without_an_agreement_is_shown_not_judged(monkeypatch):
    monkeypatch.setitem(registry._ENTRY_POINTS, "cable_shown_only", "tests.explorer.test_compare:CABLE_SHOWN_ONLY")
    simulators = tuple(backends.available(registry.get("cable"))[:2])
    cable = swept("cable", simulators=simulators, duration_ms=20.0).assign(model="cable_shown_only")
    comparison = explorer.compare(cable)
    assert set(comparison["metric"]) == set(registry.get("cable").metric_names)
    assert set(comparison["judged"]) == {INFORMATION} and comparison["tolerance"].isna().all()
    assert comparison["pass"].all() and np.isfinite(comparison["value_a"]).any()
    summary = explorer.verdicts(comparison)
    assert (summary["judged"] == 0).all() and set(summary["verdict"]) == {INFORMATION}


def test_a_long_comparison_shows_its_progress_on_a_terminal(table, monkeypatch):
    """On a terminal, a comparison still running after ``PROGRESS_AFTER_S`` shows a bar
    over its points (here after 0 s); none elsewhere."""

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(COMPARE, "PROGRESS_AFTER_S", 0.0)
    for stream, shown, distances in ((Terminal(), True, True), (Terminal(), True, False), (io.StringIO(), False, True)):
        monkeypatch.setattr(sys, "stderr", stream)
        explorer.compare(table, distances=distances)  # without distances, a block's points count at once
        assert ("compare: 100%" in stream.getvalue() and "3/3" in stream.getvalue()) is shown
