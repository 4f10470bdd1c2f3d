"""The conformance matrix (``zoo conformance``): the quick matrix from the command line,
resumed without rerunning, its verdicts consistent with their numbers; the measured
differences against their closed form."""
import subprocess

import numpy as np
import pandas as pd
import pytest

from zoo import backends, registry
from zoo.conformance import COLUMNS, POOR_FACTOR, VERDICTS, convergence_steps, grade, time_steps
from zoo.conformance.report import at_a_glance, reasons_not_judged, unjudged_cells
from zoo.conformance.differences import measure_psp
from zoo.declarations.tolerances import grid_rate_tolerance_hz

from tests.conftest import ZOO

#: The zoo's models (other tests register their own in this process).
MODELS = [m for m in registry.list_models() if registry.entry_point(m).startswith("zoo.")]


#: The default suite's matrix: a closed-form model and an HH model with fixed-step pairs and
#: convergence rows (35 s on 2 cores); every model's quick matrix is on demand (``-m slow``:
#: 10 minutes and more since the HH pairs with NEURON are judged from convergence runs).
DEFAULT_MODELS = ("lif", "hh")


def _quick_matrix(out, models):
    base = [ZOO, "conformance", "--quick", "--out", str(out / "run")]
    chosen = [] if set(models) == set(MODELS) else sum((["--model", m] for m in models), [])
    first = subprocess.run(base + chosen + ["--report", str(out / "report.md")], capture_output=True, text=True,
                           timeout=1800)
    table = pd.read_parquet(out / "run" / "conformance.parquet") if first.returncode == 0 else None
    parts = sorted((out / "run" / "sweeps").rglob("part-*.parquet"))
    # resumed: one model suffices to show that nothing is rerun
    again = subprocess.run(base + ["--model", "lif", "--report", str(out / "lif.md")], capture_output=True,
                           text=True, timeout=600)
    return out, first, again, parts, table, list(models)


@pytest.fixture(scope="module")
def quick_matrix(tmp_path_factory):
    return _quick_matrix(tmp_path_factory.mktemp("conformance"), DEFAULT_MODELS)


@pytest.fixture(scope="module")
def every_models_quick_matrix(tmp_path_factory):
    return _quick_matrix(tmp_path_factory.mktemp("conformance-all"), MODELS)


def test_the_quick_matrix_covers_its_models_simulators_and_steps(quick_matrix):
    _check_matrix(quick_matrix)


@pytest.mark.slow
def test_the_quick_matrix_covers_every_model_simulator_and_step(every_models_quick_matrix):
    _check_matrix(every_models_quick_matrix)
    _, _, _, _, table, _ = every_models_quick_matrix
    measured = set(table.loc[table["kind"] == "convergence", "model"])
    assert measured == {m for m in MODELS if not registry.get(m).validation.closed_form
                        and registry.get(m).validation.same_run_at_every_dt}
    assert {"mainen_sejnowski1995", "mainen_sejnowski1995_hh"} <= measured
    # the quick matrix runs the studies where nothing else judges a simulator alone
    assert set(table.loc[table["model"] == "mainen_sejnowski1995", "kind"]) >= {"published", "agreement"}


def _check_matrix(matrix):
    out, first, _, _, table, models = matrix
    assert first.returncode == 0, first.stderr[-3000:]
    assert set(table["model"]) == set(models)
    assert list(table.columns) == COLUMNS
    assert set(table["verdict"]) <= set(VERDICTS) and not {"fail", "poor"} & set(table["verdict"])
    for model in models:
        spec = registry.get(model)
        mine = table[table["model"] == model]
        assert set(mine["dt_ms"].dropna()) == set(time_steps(quick=True)), model  # studies: their own dt (NaN)
        for simulator in backends.names():
            rows = mine[mine["simulator"] == simulator]
            refused = backends.unavailable(spec).get(simulator)
            if refused:  # refused with its reason at every step, and nothing run
                assert set(rows["verdict"]) == {"unavailable"} and set(rows["reason"]) == {refused}
            else:
                assert len(rows) and "unavailable" not in set(rows["verdict"]), (model, simulator)
    # a verdict says what its numbers say
    judged = table[table["verdict"].isin(["pass", "poor", "fail"])]
    assert (judged["error"] <= judged["tolerance"]).eq(judged["verdict"] == "pass").all()
    closed = table[table["kind"] == "closed form"]
    assert set(closed["model"]) == {m for m in models if registry.get(m).validation.closed_form}
    assert "neuron vs nest" in set(table["simulator"])
    # convergence against the finest step where no closed form judges a simulator
    assert set(table.loc[table["kind"] == "convergence", "model"]) >= {"hh"}
    assert "published" not in set(table.loc[table["model"] == "hh", "kind"])
    # a fixed-step pair is judged at 0.1 ms (its convergence run: the 0.025 ms table) and,
    # for want of a finer run, not at 0.025 ms, which the verdicts say
    fixed = table[(table["model"] == "hh") & (table["simulator"] == "neuron vs nest")]
    assert (fixed.loc[fixed["dt_ms"] == 0.1, "verdict"] == "pass").all()
    coarse = fixed[fixed["dt_ms"] == 0.025]
    assert (coarse["verdict"] == "info").all() and coarse["reason"].str.startswith("no convergence run").all()
    # the accurate simulators' convergence rows are judged, NEURON's (no finer run at 0.025) not
    converging = table[(table["model"] == "hh") & (table["kind"] == "convergence")]
    assert (converging.loc[converging["simulator"] == "nest", "verdict"] == "pass").all()
    assert (converging.loc[converging["simulator"] == "neuron", "verdict"] == "info").all()


def test_a_second_run_resumes_without_rerunning(quick_matrix):
    out, first, again, parts, _, _ = quick_matrix
    assert again.returncode == 0, again.stderr[-3000:]
    assert sorted((out / "run" / "sweeps").rglob("part-*.parquet")) == parts  # no new results written
    lif = pd.read_parquet(out / "run" / "conformance.parquet")
    assert set(lif["model"]) == {"lif"} and not {"fail", "poor"} & set(lif["verdict"])


def test_the_report_has_the_matrix_each_model_and_its_figures(quick_matrix):
    out, _, _, _, _, models = quick_matrix
    text = (out / "report.md").read_text()
    assert "## The matrix at a glance" in text and "| model | nest | brian2 | neuron |" in text
    for model in models:
        assert f"## {model}\n" in text
    for figure in (out / "report").glob("*.png"):
        assert figure.read_bytes()[:4] == b"\x89PNG" and f"report/{figure.name}" in text
    assert {figure.stem for figure in (out / "report").glob("*.png")} >= set(models)  # a figure per model
    page = (out / "report.html").read_text()
    assert page.count("<table>") == text.count("\n|---") and 'src="report/lif.png"' in page
    assert "Known differences" in text and "charge_ratio" in text


def test_grade_follows_the_error_against_the_tolerance():
    assert grade(1.0, 1.0, judged=1) == "pass"
    assert grade(1.0 + 1e-12, 1.0, judged=1) == "poor"
    assert grade(POOR_FACTOR, 1.0, judged=1) == "poor"
    assert grade(POOR_FACTOR * 1.01, 1.0, judged=1) == "fail"
    assert grade(np.inf, 1.0, judged=1) == "fail"
    assert grade(5.0, np.nan, judged=0) == "info"


def test_a_rate_bound_that_bounds_nothing_is_not_judged():
    """Where dt plus the declared crossing error reaches the interval 1/f, the rate
    bound's denominator vanishes: the point is not judged (it was negative, and failed)."""
    tolerance = grid_rate_tolerance_hz([10.0, 10.0], 0.1, 1000.0, crossing_ms=[1.0, 200.0])
    assert tolerance[0] > 0 and np.isnan(tolerance[1])


@pytest.mark.parametrize("simulator", backends.names())
@pytest.mark.parametrize("dt_ms", [0.1, 0.025])
def test_one_psp_against_its_closed_form(simulator, dt_ms):
    """One input spike's PSP: exact where the backend declares the exact charge, and
    otherwise the charge it declares (NEURON: exp(dt/(2 tau_syn)), first order in dt)."""
    found = measure_psp(simulator, dt_ms)
    assert found["charge_ratio"] == pytest.approx(found["declared_ratio"], rel=1e-4)
    if found["declared_ratio"] == 1.0:  # exact propagation: round-off of a few hundred steps
        assert found["max_error_mv"] < 1e-9 * found["peak_mv"]
    else:  # the PSP is the exact one scaled by the declared charge, up to the scheme's
        # second-order error on its shape, (dt/tau_syn)² relative
        excess = found["declared_ratio"] - 1.0
        shape = (dt_ms / 2.5) ** 2 + 1e-3
        assert found["max_error_mv"] == pytest.approx(excess * found["peak_mv"], rel=shape)


def test_a_disagreement_names_the_simulator_closer_to_theory():
    """Two simulators' real sweep, one of them moved off theory at one point: the pair
    fails there and the referee names the other as closer to the closed form."""
    import explorer
    from zoo.checks import referee, with_referee

    pair = tuple(backends.available(registry.get("lif")))[:2]
    table = explorer.sweep("lif", grid={"i_offset": [0.8, 1.2, 1.6]}, simulators=pair, duration_ms=500.0,
                           scheduler=explorer.INLINE, progress=False)
    moved = (table["simulator"] == pair[1]) & (table["i_offset"] == 1.2)
    table.loc[moved, "rate_hz"] += 10.0
    comparison = explorer.compare(table, pair, distances=False)
    notes = referee(registry.get("lif"), comparison, table)
    key = (f"{pair[1]} vs {pair[0]}", "rate_hz")
    assert list(notes) == [key]  # only the moved metric failed
    assert notes[key].startswith(f"closer to theory: {pair[0]} ")
    verdicts = with_referee(explorer.verdicts(comparison), notes)
    failed = verdicts[~verdicts["pass"]]
    assert list(failed["metric"]) == ["rate_hz"] and "closer to theory" in failed["worst_at"].iloc[0]
    # a simulator with no value where theory has one (it did not fire) is the farther
    table.loc[moved, "rate_hz"] = np.nan
    table.loc[(table["simulator"] == pair[0]) & (table["i_offset"] == 1.6), "rate_hz"] += 10.0
    notes = referee(registry.get("lif"), explorer.compare(table, pair, distances=False), table)
    assert notes[(f"{pair[1]} vs {pair[0]}", "rate_hz")].startswith(f"closer to theory: {pair[0]} ")


def test_crank_nicolson_bounds_nothing_when_dt_reaches_twice_tau_m():
    """Crank-Nicolson has no time constant for dt ≥ 2·tau_m (its mode factor turns
    negative): the crossing error is unbounded and the points are not judged (it was 0,
    which treated the oscillating scheme as exact)."""
    from zoo.declarations.numerics import Numerics, Scheme
    from zoo.declarations.tolerances import crossing_error_ms, grid_if_tolerances

    rows = pd.DataFrame({"rate_hz_closed_form": [50.0, 50.0], "tau_m": [0.04, 10.0], "cm": 0.001, "i_offset": 1.0,
                         "v_rest": -65.0, "v_reset": -65.0, "v_thresh": -50.0, "tau_refrac": 2.0, "n_spikes": 50,
                         "mean_isi_ms": 20.0})
    numerics = Numerics(0.1, 1000.0, (Scheme("crank_nicolson", order=2), Scheme("exact")))
    crossing = crossing_error_ms(rows, numerics)
    assert np.isinf(crossing[0]) and 0 < crossing[1] < np.inf
    tolerances = grid_if_tolerances(rows, numerics)
    assert np.isnan(tolerances["n_spikes"][0]) and np.isfinite(tolerances["n_spikes"][1])


def test_a_cell_with_nothing_judged_reads_not_judged_with_its_reasons():
    """A matrix cell whose checks were all shown is "not judged", not "info" or "pass", and
    the report lists why; a cell with one judged check shows its verdict and the count."""
    def row(simulator, kind, verdict, reason):
        return {"model": "hh", "simulator": simulator, "kind": kind, "verdict": verdict, "reason": reason}

    table = pd.DataFrame([
        row("neuron vs nest", "agreement", "info", "no convergence run: sweep also at dt/2 and dt/4: i_offset=1"),
        row("neuron vs nest", "agreement", "info", "grid tie and ill-conditioned: the trials amplify: n_trials=25"),
        row("nest", "convergence", "info", "information: adaptive_rkf45, no bound across time steps"),
        row("nest", "published", "pass", ""),
        row("brian2 vs nest", "agreement", "info", "i_offset=1 (information, no tolerance)"),
        row("brian2", "published", "pass", ""), row("neuron", "published", "pass", ""),
        row("neuron", "agreement", "pass", "noise_sigma=0.5 (worst of 1 judged; 1 ill-conditioned: the trials "
                                           "amplify any perturbation, shown only)"),
    ])
    matrix = at_a_glance(table)
    assert matrix.loc["hh", "neuron vs nest"] == "not judged 0/2" and matrix.loc["hh", "nest"] == "pass 1/2"
    assert reasons_not_judged(table[table["simulator"] == "neuron vs nest"]) == ["grid tie", "ill-conditioned",
                                                                                 "no convergence run"]
    assert reasons_not_judged(table[table["simulator"] == "nest"]) == ["no bound across time steps"]
    # a judged check whose points were partly shown only says why too
    assert reasons_not_judged(table[table["simulator"] == "neuron"]) == ["ill-conditioned"]
    assert unjudged_cells(table) == ["- hh, neuron vs nest: grid tie, ill-conditioned, no convergence run",
                                     "- hh, brian2 vs nest: information only"]


def test_the_convergence_steps_by_hand():
    assert convergence_steps((0.1, 0.05, 0.025, 0.01), quick=False) == (0.005, 0.0025)
    assert convergence_steps((0.1, 0.025), quick=True) == ()
