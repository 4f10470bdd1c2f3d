"""Spike-timing reliability (Mainen & Sejnowski 1995) on every simulator: frozen noise
makes trials reliable and sub-millisecond precise, a constant step and per-trial noise
do not (bounds derived in ``zoo.models.mainen_sejnowski1995.studies``), and the same
seed gives the same trials everywhere."""
import numpy as np
import pandas as pd
import pytest

import explorer
import zoo
from zoo.models.mainen_sejnowski1995 import studies

from tests.conftest import runs

MODEL = "mainen_sejnowski1995"


@pytest.mark.parametrize("simulator", runs(MODEL))
def test_frozen_noise_is_reliable_and_precise_a_constant_step_is_not(simulator):
    measured = studies.conditions(MODEL, simulator)
    rows = pd.DataFrame(studies.judged(simulator, measured))
    assert rows["pass"].all(), rows.to_string()
    a, b, control = (measured[name] for name in studies.CONDITIONS)
    assert b["precision_ms"] < studies.PRECISION_BELOW_MS
    assert b["reliability"] >= studies.RELIABLE_AT_LEAST and a["reliability"] <= studies.UNRELIABLE_AT_MOST
    assert control["reliability"] <= studies.UNRELIABLE_AT_MOST
    # the first spikes of the step align (events exist), the later ones do not
    assert a["n_events"] >= 1 and a["reliability"] < b["reliability"]
    # trial-to-trial correlation (Elephant) orders the conditions the same way
    assert b["correlation"] > a["correlation"] > control["correlation"]


@pytest.mark.parametrize("simulator", runs(f"{MODEL}_hh"))
def test_the_hodgkin_huxley_cell_is_held_to_the_same_bounds(simulator):
    rows = pd.DataFrame(studies.judged(simulator, studies.conditions(f"{MODEL}_hh", simulator)))
    assert rows["pass"].all(), rows.to_string()


def trials(result) -> list[np.ndarray]:
    return [result.spikes.loc[result.spikes["neuron"] == n, "t_ms"].to_numpy() for n in result.summary["neuron"]]


def test_the_same_seed_gives_the_same_trials_on_every_simulator():
    """The stimulus and every trial's intrinsic noise are the zoo's draws: identical on
    every simulator. NEST and Brian2 integrate the LIF exactly, so their trials are
    identical; NEURON's Crank-Nicolson step moves v by ~1e-4 mV, which can move a
    crossing by one step: every trial has the same spikes within one step (dt)."""
    results = {simulator: zoo.run(MODEL, simulator, seed=5) for simulator in runs(MODEL)}
    reference = results["nest"]
    assert len(reference.spikes) > 300
    for simulator, result in results.items():
        pd.testing.assert_frame_equal(result.tables["stimulus"], reference.tables["stimulus"])
        exact = zoo.backends.backend_class(simulator).numerics["IF_curr_exp"].name == "exact"
        for mine, theirs in zip(trials(result), trials(reference)):
            assert mine.size == theirs.size
            np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-9 if exact else 0.1 + 1e-9)
    other_seed = zoo.run(MODEL, "nest", seed=6)
    assert not other_seed.tables["stimulus"].equals(reference.tables["stimulus"])


def test_a_trial_depends_on_the_seed_and_its_index_only():
    few = zoo.run(MODEL, "nest", n_trials=5)
    many = zoo.run(MODEL, "nest", n_trials=25)
    for mine, theirs in zip(trials(few), trials(many)[:5]):
        np.testing.assert_array_equal(mine, theirs)
    assert len(few.summary) == 5 and few.summary["n_trials"].eq(5).all()


@pytest.mark.parametrize("params, message", [
    ({"n_trials": 2.5}, "'n_trials' must be a whole number"),
    ({"noise_frozen": 0.5}, "'noise_frozen' must be a whole number"),
    ({"step_start": 0.1}, "step_start must be at least 2 time steps"),
    ({"noise_sigma": [0.0, 0.1]}, "set for the whole population"),
    ({"noise_tau": 0.0}, "out of range"),
    ({"n_trials": 0}, "out of range"),
])
def test_bad_settings_are_refused_before_simulating(params, message):
    with pytest.raises(ValueError, match=message):
        zoo.run(MODEL, "nest", **params)


def test_a_sweep_keeps_one_row_per_point_with_its_trials_pooled(tmp_path):
    """Conditions A and B as a sweep: one row each, its run-wide measures those of the
    single run, n_spikes the trials' total, the trials' spikes pooled."""
    table = explorer.sweep(MODEL, grid={"noise_sigma": [0.0, 0.2]}, simulators=["nest"], out=tmp_path / "s",
                           scheduler=explorer.INLINE, progress=False)
    assert len(table) == 2 and (table["status"] == "ok").all()
    for _, row in table.iterrows():
        single = zoo.run(MODEL, "nest", noise_sigma=row["noise_sigma"])
        assert row["reliability"] == pytest.approx(single.summary["reliability"].iloc[0])
        assert row["n_spikes"] == len(single.spikes) == len(row["spike_times_ms"])
        assert row["rate_hz"] == pytest.approx(single.summary["rate_hz"].mean())


def test_a_run_that_ends_before_the_step_has_no_spikes_and_says_why():
    result = zoo.run(MODEL, "nest", duration_ms=40.0)  # the step starts at 50 ms
    assert result.spikes.empty and np.isnan(result.summary["reliability"]).all()
    assert result.notes and "no PSTH event" in result.notes[0]


def test_the_noise_is_one_function_of_time_at_every_step_that_divides_its_interval():
    """Drawn every noise_dt (0.1 ms) and held: at dt = 0.025 ms each value of the 0.1 ms
    waveform holds for four steps, frozen and intrinsic alike, so runs at the two steps
    are one experiment (and converge); a step that does not divide it is refused."""
    from zoo.stimuli import noisy_current

    params = {p.name: p.default for p in zoo.get(MODEL).parameters}
    for draw in (noisy_current.step_drive, noisy_current.own_noise):
        coarse, fine = (draw(params, 3, dt, 1000.0) for dt in (0.1, 0.025))
        np.testing.assert_array_equal(fine, np.repeat(coarse, 4, axis=-1))
    assert noisy_current.own_noise_start(params) == pytest.approx(0.2)
    with pytest.raises(ValueError, match="'noise_dt' = 0.1 ms must be a whole number of time steps"):
        zoo.run(MODEL, "nest", dt_ms=0.25)


def test_the_hodgkin_huxley_constant_step_is_judged_on_its_first_spikes_only():
    """Under the constant step the trials' trains are ill-conditioned: every measure but
    the first spike is shown with the reason; under frozen noise all are judged (two
    schemes accurate within each step: counts equal, every spike within a step)."""
    from zoo.declarations.numerics import Numerics, Scheme
    from zoo.declarations.tolerances import GRID_TIE_KEY, ILL_CONDITIONED
    from zoo.models.mainen_sejnowski1995.hh import agreement_tolerances

    train = np.arange(1.0, 51.0) * 18.0
    pairs = pd.DataFrame({"noise_sigma": [0.0, 0.5], "n_trials": [2.0, 2.0], "n_spikes": [100.0, 100.0],
                          "first_spike_ms": [18.0, 18.0], "mean_isi_ms": [18.0, 18.0], "cv_isi": [0.1, 0.1],
                          "spike_times_ms": [np.sort(np.r_[train, train])] * 2})
    accurate = (Scheme("adaptive_rkf45", step_error_mv=1e-3), Scheme("rk4_substeps", order=4, substep_ms=0.01))
    t = agreement_tolerances(pairs, Numerics(0.1, 1000.0, accurate))
    assert t[GRID_TIE_KEY].tolist() == [ILL_CONDITIONED, ""]
    assert np.isnan(t["n_spikes"][0]) and np.isnan(t["van_rossum"][0]) and np.isnan(t["mean_isi_ms"][0])
    assert t["first_spike_ms"].tolist() == pytest.approx([0.1, 0.1])
    # each trial's 50 spikes: the mean ISI within 2·dt/49; the pooled trains' 100 spikes a step each
    assert t["n_spikes"][1] == 0.0 and t["mean_isi_ms"][1] == pytest.approx(0.2 / 49)
    assert t["victor_purpura"][1] == pytest.approx(100 * 0.1, rel=1e-6)
