"""Experiments run in their quick mode (the full mode runs on demand)."""
import numpy as np

import zoo

from experiments import hodgkin_huxley_fi
from zoo.models.hh import RHEOBASE_UA_CM2

from tests.conftest import pairs_of, runs

SIMULATORS, PAIRS = runs("hh"), pairs_of("hh")


def test_hodgkin_huxley_fi_quick(tmp_path):
    tables = hodgkin_huxley_fi.main(quick=True, out=tmp_path)
    for name in ("fi.parquet", "rheobase.parquet", "convergence.parquet", "fi.png"):
        assert (tmp_path / name).stat().st_size > 0
    fi = tables["fi"]
    by = {s: fi[fi["simulator"] == s].reset_index(drop=True) for s in SIMULATORS}
    for a, b in PAIRS:
        np.testing.assert_array_equal(by[a]["n_spikes"], by[b]["n_spikes"])
    first = by[SIMULATORS[0]]
    silent = first["i_ua_cm2"] < RHEOBASE_UA_CM2[0]
    assert (first.loc[silent, "late_rate_hz"] == 0).all()
    assert first.loc[~silent, "late_rate_hz"].min() >= 40  # type II: the curve jumps
    for _, row in tables["rheobase"].iterrows():
        assert row["low_ua_cm2"] <= RHEOBASE_UA_CM2[1] and row["high_ua_cm2"] >= RHEOBASE_UA_CM2[0]
    steps = tables["convergence"]
    bounded = steps["bound_ms"].notna()
    assert (steps.loc[bounded, "max_abs_error_ms"] <= steps.loc[bounded, "bound_ms"] + 1e-9).all()
    # a fixed-step second-order scheme: its O(dt²) drift on top of the peak rule's
    # first-order grid makes the error shrink faster than dt (measured: order 1.49)
    unbounded = steps[~bounded & steps["observed_order"].notna()]
    assert (unbounded["observed_order"] > 1.0).all()


def test_cable_attenuation_quick(tmp_path):
    from experiments import cable_attenuation
    from zoo.models.cable import theory as cable_theory

    SIMULATORS, PAIRS = runs("cable"), pairs_of("cable")

    tables = cable_attenuation.main(quick=True, out=tmp_path)
    for name in ("profiles.parquet", "convergence.parquet", "velocity.parquet", "cable.png"):
        assert (tmp_path / name).stat().st_size > 0
    profiles = tables["profiles"]
    # every simulator draws the same V(x), within 1e-6 of each other and 2(dx/lambda)^2 of the closed form
    by = {s: profiles[profiles["simulator"] == s].reset_index(drop=True) for s in SIMULATORS}
    for a, b in PAIRS:
        assert np.allclose(by[a]["v_final_mv"], by[b]["v_final_mv"], atol=1e-6)
    first = by[SIMULATORS[0]]
    deflection = first["v_final_mv"] + 65.0
    closed = first["v_steady_closed_form_mv"] + 65.0
    assert (np.abs(deflection - closed) / closed).max() < 2 * (10.0 / 1000.0) ** 2
    errors = tables["convergence"].sort_values("n_compartments")
    for _, frame in errors.groupby("simulator"):
        assert frame["abs_error"].is_monotonic_decreasing
    velocity = tables["velocity"].pivot(index="diameter", columns="simulator", values="velocity_m_per_s")
    for a, b in PAIRS:
        assert np.all(np.abs(velocity[a] - velocity[b]) <= 2 * cable_theory.VELOCITY_ERROR_PER_MS * 0.025 * velocity[a])
    exponent = np.log(velocity.loc[4.0] / velocity.loc[1.0]) / np.log(4.0)
    assert np.all(np.abs(exponent - 0.5) < 0.02)


def test_masquelier2008_short(tmp_path, capsys):
    """Two seeds, 2 s, both simulators, through the explorer: the table, each run's
    stored tables, the seed-by-seed agreement, the figures; a rerun is all cached."""
    import explorer
    from experiments import masquelier2008

    argv = ["--seeds", "1-2", "--duration", "2000", "--scheduler", "inline", "--out", str(tmp_path)]
    table = masquelier2008.main(argv)
    assert (table["status"] == "ok").all() and len(table) == 4
    printed = capsys.readouterr().out
    assert "2 of 2 runs give identical output spike trains" in printed and "replication" in printed
    for key in table["key"]:
        tables = explorer.read_tables(tmp_path / "runs", key)
        assert set(tables) == {"patterns", "weights", "discharges"}
        assert len(tables["weights"]) == 2000
    seeds = masquelier2008.agreement(table, runs=tmp_path / "runs")
    assert seeds["identical"].all() and (seeds["max_weight_difference"] < 1e-9).all()
    for simulator in runs("masquelier2008"):
        assert (tmp_path / f"masquelier2008_seed1_{simulator}.png").stat().st_size > 0
    again = masquelier2008.run_seeds([1, 2], duration_ms=2000.0, out=tmp_path, scheduler="inline")
    assert again.attrs["counts"]["cached"] == 4


def test_mainen_sejnowski1995_quick(tmp_path):
    """Figure 1 on every simulator, the measures per condition, and the noise sweep: the
    same measures on every simulator (the same stimulus and trials), reliable under
    frozen noise only, and fast noise (1 ms, filtered away by the 30 ms membrane: its
    voltage SD is R·sigma·sqrt(tau/(tau + tau_m)), 0.18 vs 0.38 of R·sigma at 5 ms) less
    reliable than noise of a few ms."""
    from experiments import mainen_sejnowski1995 as experiment
    from zoo.models.mainen_sejnowski1995 import studies

    simulators = runs(experiment.MODEL)
    tables = experiment.main(quick=True, out=tmp_path)
    for name in [f"fig1_{s}.png" for s in simulators] + ["reliability.parquet", "noise_sweep.parquet",
                                                         "noise_sweep.png", "peaks.parquet"]:
        assert (tmp_path / name).stat().st_size > 0
    measures = tables["reliability"].set_index(["simulator", "condition"])
    for simulator in simulators:
        assert measures.loc[(simulator, "B: frozen noise"), "reliability"] >= studies.RELIABLE_AT_LEAST
        assert measures.loc[(simulator, "B: frozen noise"), "precision_ms"] < studies.PRECISION_BELOW_MS
        assert measures.loc[(simulator, "A: constant step"), "reliability"] <= studies.UNRELIABLE_AT_MOST
    exact = [s for s in simulators if zoo.backends.backend_class(s).numerics["IF_curr_exp"].name == "exact"]
    for simulator in exact[1:]:  # identical trials, identical measures
        np.testing.assert_array_equal(measures.loc[simulator, "reliability"], measures.loc[exact[0], "reliability"])
    sweep = tables["noise_sweep"].groupby("noise_tau")["reliability"].mean()
    assert sweep[5.0] > sweep[1.0]


def test_adex_simulators_quick(tmp_path):
    """The AdEx table of docs/adex-simulators.md, quick: NEST's RKF45 (accurate within each
    step, reset at the crossing as the reference is) puts every spike on the reference's step
    or the next; the fixed-step simulators, resetting at the step's end, differ from the
    reference by their spike rule and their integrator, each measured."""
    from experiments import adex_simulators
    from zoo import backends
    from zoo.declarations.numerics import ACCURATE_WITHIN_STEP

    found = adex_simulators.main(quick=True, out=tmp_path)["distances"]
    assert (tmp_path / "distances.parquet").stat().st_size > 0
    assert set(found["simulator"]) == set(backends.available(zoo.get("adex")))
    for _, row in found.iterrows():
        if row["scheme"] in ACCURATE_WITHIN_STEP:
            assert row["n_spikes"] == row["n_reference"] and row["error_ms"] <= row["dt_ms"] * (1 + 1e-9), row
            assert row["spike_rule_ms"] == 0.0
        else:
            assert row["spike_rule_ms"] > 0.0 and np.isfinite(row["integrator_ms"]), row


def test_izhikevich2004_fig1_quick(tmp_path):
    """Panels A, I and R on every simulator beside the paper's scheme and the exact solution:
    A agrees everywhere (5 spikes); I fires once on the paper's scheme at 0.2 ms where the exact
    solution is silent and the paper's scheme too from 0.1 ms on (the published numerics);
    R runs on the zoo's own cell (its u' = a·b·(v + 65))."""
    from experiments import izhikevich2004_fig1 as experiment

    tables = experiment.main(quick=True, out=tmp_path)
    counts = tables["panels"].pivot(index="panel", columns="source", values="n_spikes")
    assert set(counts.index) == {"A", "I", "R"}
    assert (counts.loc["A"] == 5).all() and (counts.loc["R"] == 1).all()
    assert counts.loc["I", "paper"] == 1 and counts.loc["I", "reference"] == 0
    shrinking = tables["convergence"].set_index(["panel", "divisor"])["n_spikes"]
    assert shrinking["I", 1] == 1 and shrinking["I", 2] == 0
    assert (tmp_path / "panels.parquet").exists()


def test_brunel2000_fig8_quick(tmp_path):
    """The four states run, are classified and drawn (NEST, a fifth of the network: the SR
    state, regular at any size, is named as Brunel's; the others are not judged this small)."""
    from experiments import brunel2000_fig8 as experiment

    states = experiment.main(quick=True, out=tmp_path)["states"]
    assert (tmp_path / "fig8_nest.png").stat().st_size > 10_000 and (tmp_path / "states.parquet").exists()
    assert len(states) == 8 and set(states["panel"]) == {"A", "B", "C", "D"}
    regular = states[states["panel"] == "A"]
    assert (regular["state"] == "SR").all() and (regular["cv_isi"] < 0.05).all()
    irregular = states[states["panel"].isin(["B", "C"])]  # D's neurons fire 0-2 spikes in 100 ms: no CV
    assert (irregular["cv_isi"] > 0.3).all()


def test_brunel2000_phase_diagram_quick(tmp_path):
    """The explorer's sweep over g and eta, its figure and its points table with the theory's
    region beside each classified state; a second run resumes and reruns nothing."""
    from experiments import brunel2000_phase_diagram as experiment

    points = experiment.main(quick=True, out=tmp_path)["points"]
    assert (tmp_path / "phase_diagram.png").stat().st_size > 10_000
    assert len(points) == 4 and set(points["simulator"]) == {"nest"}
    assert points.set_index(["g", "eta"]).loc[(3.0, 4.0), "state"] == "SR"
    assert set(points["theory"]) <= {"quiescent", "AI", "SI slow", "SI fast", "SR", "none"}
    again = experiment.sweep(["nest"], experiment.QUICK_GRID, 200.0, tmp_path)
    assert again.attrs["counts"]["cached"] == 8 and again.attrs["counts"]["ok"] == 0
    assert "of 4 points in the theory's region" in experiment.summary(points)


def test_brette2007_quick(tmp_path):
    """CUBA on every simulator: the figure, the measures, and the identical trains of NEST
    and Brian2 (NEURON parts at its first borderline neuron)."""
    from experiments import brette2007

    tables = brette2007.main(quick=True, out=tmp_path)
    assert (tmp_path / "brette2007_cuba.png").stat().st_size > 10_000
    identity = tables["identity"].set_index("pair")
    assert identity.loc["nest vs brian2", "first_difference_ms"] == float("inf")
    assert identity.loc["nest vs brian2", "identical_spikes"] == identity.loc["nest vs brian2", "spikes"] > 1000
    assert set(tables["summary"]["population"]) == {"E", "I"}


def test_qsnmc2007_fit_quick(tmp_path):
    """LIF fitted to the competition's set 11 (two generations), every other set held out and
    scored on every simulator; the fit's figure."""
    from experiments import qsnmc2007_fit

    scores = qsnmc2007_fit.main(quick=True, out=tmp_path)["scores"]
    assert (tmp_path / "fit_lif.png").stat().st_size > 10_000
    assert set(scores["set"]) == set(qsnmc2007_fit.ALL_SETS) and len(set(scores["simulator"])) == 3
    assert (scores.loc[scores["set"] == "11", "role"] == "training").all()
    held = qsnmc2007_fit.held_out_table(scores)
    assert len(held) == 7 and held["gamma_int"].between(0.0, 1.0).all()
    f1 = qsnmc2007_fit.held_out_table(scores, "f1")  # the recordings hold v: F1 whatever was fitted
    assert len(f1) == 7 and f1[["nest", "brian2", "neuron"]].stack().between(0.0, 1.0).all()
