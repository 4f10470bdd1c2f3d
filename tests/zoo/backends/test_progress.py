"""Progress over simulated time, and Ctrl-C: a run in slices (NEST) or with a report
callback (Brian2) gives the same result as one piece; the bar shows simulated time;
Ctrl-C ends a run, a sweep or a check with one line saying what was kept."""

import numpy as np
import pandas as pd
import pytest

import zoo
from zoo.backends import base

from tests.conftest import ZOO, press_ctrl_c, runs, stderr_lines


def force_the_bar(monkeypatch):
    """The bar from the first step: threshold 0 s, through the setting a user has
    (``ZOO_PROGRESS_AFTER_S``), read by every backend at each run."""
    monkeypatch.setenv(base.PROGRESS_AFTER_ENV, "0")


CASES = {"lif": {"i_offset": np.linspace(0.0, 2.0, 7)}, "hh": {}, "cable": {}}


@pytest.mark.parametrize("model, simulator", [(m, s) for m in CASES for s in runs(m)])
def test_progress_changes_no_result(simulator, model, monkeypatch):
    """With a bar forced on (threshold 0 s), spikes and every sample of v are those of
    the run in one piece."""
    whole = zoo.run(model, simulator, duration_ms=300.0, progress=False, **CASES[model])
    force_the_bar(monkeypatch)
    shown = zoo.run(model, simulator, duration_ms=300.0, progress=True, **CASES[model])
    pd.testing.assert_frame_equal(whole.spikes, shown.spikes)
    assert np.array_equal(whole.traces["value"].to_numpy(), shown.traces["value"].to_numpy())
    assert np.array_equal(whole.traces["t_ms"].to_numpy(), shown.traces["t_ms"].to_numpy())


@pytest.mark.parametrize("simulator", runs("brunel2000"))
def test_slices_of_any_length_keep_a_networks_random_drive(simulator, monkeypatch):
    """Slices a step or two long (a slice's target of 0.1 ms of wall-clock time) give the
    spikes of the run in one piece, on a network driven by Poisson generators, whose
    draws NEST's one generator per thread interleaves by stretches of the run (PyNN
    issue #411): its backend cuts only at whole minimum delays. Before, the slices were
    sized by wall-clock time alone and 3 of 3 cuts at 7, 16 and 100 steps changed the
    spikes of a scale-0.2 network."""
    settings = dict(scale=0.05, c_e=100, g=5.0, eta=2.0, duration_ms=60.0, seed=3, trace_neurons=0)
    whole = zoo.run("brunel2000", simulator, progress=False, **settings)
    force_the_bar(monkeypatch)
    monkeypatch.setattr(base, "PROGRESS_SLICE_S", 1e-4)
    sliced = zoo.run("brunel2000", simulator, progress=True, **settings)
    assert len(whole.spikes) > 100
    pd.testing.assert_frame_equal(whole.spikes, sliced.spikes)


@pytest.mark.parametrize("simulator", runs("hh"))
def test_the_bar_counts_simulated_milliseconds(simulator, monkeypatch, capsys):
    force_the_bar(monkeypatch)
    zoo.run("hh", simulator, duration_ms=300.0, progress=True)
    err = capsys.readouterr().err
    assert f"{simulator}: simulated" in err and "of 300 ms" in err


def test_ctrl_c_ends_a_dask_sweep_with_one_line_and_the_rest_resumes(tmp_path):
    out = tmp_path / "hh"
    command = [ZOO, "sweep", "hh", "--grid", "i_offset=0:2:200", "--batch-size", "1", "--workers", "2",
               "--out", str(out)]
    # Ctrl-C once a few points are stored (about 1 s of work each): mid-sweep however fast the machine
    done = press_ctrl_c(command, after_s=60.0, ready=lambda: len(list(out.glob("part-*.parquet"))) >= 4)
    assert done.returncode == 130
    (line,) = stderr_lines(done.stderr)
    assert line.startswith("zoo: sweep interrupted: ") and f"kept in {out}; the same command resumes" in line
    kept = len(pd.read_parquet(out)) if list(out.glob("part-*.parquet")) else 0
    assert f" {kept} of 200 pending points finished" in line and 4 <= kept < 200
    resumed = press_ctrl_c(command, after_s=60.0, ready=lambda: len(list(out.glob("part-*.parquet"))) >= kept + 2)
    assert resumed.returncode == 130
    assert f"({kept} were stored before)" in stderr_lines(resumed.stderr)[0]


def test_ctrl_c_in_a_check_says_which_step_it_stopped_in():
    done = press_ctrl_c([ZOO, "check", "hh"], after_s=8.0)
    assert done.returncode == 130
    lines = stderr_lines(done.stderr)
    assert lines[0].startswith("check hh [1/") and lines[-1].startswith("zoo: interrupted in check hh [")


@pytest.mark.parametrize("text", ["soon", "-1", "nan"])
def test_a_bad_progress_threshold_is_refused_naming_its_setting(text, monkeypatch):
    monkeypatch.setenv(base.PROGRESS_AFTER_ENV, text)
    with pytest.raises(ValueError, match="ZOO_PROGRESS_AFTER_S must be a number of seconds >= 0"):
        base.progress_after_s()
