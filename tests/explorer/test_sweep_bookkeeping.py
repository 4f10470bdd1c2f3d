"""``explorer.sweep``'s own bookkeeping: its input checks (before any task), counts, the
manifest, defaults, Ctrl-C in an inline sweep. Real sweeps (NEST, tens of ms)."""
import json
import os
import re

import numpy as np
import pandas as pd
import pytest

import explorer
from explorer import points, store, tasks
from explorer.sweep import _parallel, _without
from explorer.tasks import Task, failed_rows, plan, pooled_trials
from zoo import backends, registry
from tests.explorer.conftest import EP, FIRST, OTHER, lif_plan

#: The judging and bookkeeping code handles the NaN and inf it expects without a
#: floating-point warning (a user would see it on every comparison).
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


@pytest.mark.parametrize("kwargs, message", [
    (dict(seeds=()), "^no seed given$"),
    (dict(seeds=(-1,)), "^seed must be an integer"),
    (dict(batch_size=0), "^batch_size must be a whole number >= 1, got 0$"),
    (dict(grid={"i_offset": []}), "^grid 'i_offset' must be a non-empty list of numbers$"),
    (dict(grid={"i_offset": ["a"]}), "^grid 'i_offset': values must be numbers"),
    (dict(grid={"i_offset": [[1.0, 2.0]]}), "^grid 'i_offset' must be a non-empty list of numbers$"),
    (dict(simulators=()), "^no simulator given; valid simulators: " + ", ".join(backends.names()) + "$"),
    (dict(grid={"tau_refrac": [0.15]}), "^parameter 'tau_refrac' = 0.15 ms must be a whole number of time steps"),
    (dict(simulators=("nestor",)), "unknown simulator 'nestor'"),
    (dict(grid={"i_offset": [1.0]}, samples={"i_offset": (0.0, 1.0)}, n_samples=2), "^parameter 'i_offset' is both in the grid and randomly sampled; choose one$"),
    (dict(grid=None, samples={"tau_m": (5.0, 10.0)}, n_samples=0), "^random sampling needs samples >= 1$"),
    (dict(seed_batches=True), "^seed_batches=True: model 'lif' does not declare that its seed only selects its input"),
    (dict(workers=0, scheduler=None), "^workers must be >= 1, got 0$"),
])
def test_bad_sweep_input_is_refused_before_any_task(tmp_path, kwargs, message):
    arguments = dict(grid={"i_offset": [1.0]}, simulators=(FIRST,), out=tmp_path / "never", scheduler="inline",
                     duration_ms=50.0)
    with pytest.raises(ValueError, match=message):
        explorer.sweep("lif", **{**arguments, **kwargs})
    assert not (tmp_path / "never").exists()


def test_an_out_path_that_cannot_be_a_folder_is_refused(tmp_path):
    (tmp_path / "file").write_text("x")
    file = str(tmp_path / "file")
    for out, message in ((tmp_path / "file", f"--out '{file}' exists and is not a directory"),
                         (tmp_path / "file" / "below", f"--out '{file}/below': '{file}' is not a directory")):
        with pytest.raises(ValueError, match="^" + re.escape(message) + "$"):
            explorer.sweep("lif", grid={"i_offset": [1.0]}, simulators=(FIRST,), out=out, scheduler="inline")


def test_simulators_and_seeds_given_twice_run_once(tmp_path):
    table = explorer.sweep("lif", grid={"i_offset": [1.0, 1.0]}, simulators=[FIRST, FIRST], seeds=[3, 3],
                           scheduler="inline", duration_ms=50.0)
    assert len(table) == 1 and table["seed"].tolist() == [3] and table.attrs["counts"]["total"] == 1
    one = explorer.sweep("lif", grid={"i_offset": [1.0]}, simulators=FIRST, seeds=4, scheduler="inline",
                         duration_ms=50.0)
    assert one["simulator"].tolist() == [FIRST] and one["seed"].tolist() == [4]


def test_the_defaults_are_the_models_protocol_and_every_simulator_that_runs_it():
    table = explorer.sweep("lapicque", grid={"i_offset": [1.0]}, scheduler="inline", duration_ms=30.0)
    spec = registry.get("lapicque")
    assert set(table["simulator"]) == set(backends.available(spec)) and set(table["dt_ms"]) == {spec.protocol.dt_ms}
    assert table["batch_size"].tolist() == [1] * len(table)


def test_counts_and_the_summary_line(tmp_path):
    first = explorer.sweep("lif", grid={"i_offset": [1.0, 2.0]}, simulators=(FIRST,), out=tmp_path,
                           scheduler="inline", duration_ms=50.0)
    counts = first.attrs["counts"]
    assert {k: counts[k] for k in ("ok", "failed", "cached", "total")} == {"ok": 2, "failed": 0, "cached": 0, "total": 2}
    assert 0 < counts["wall_time_s"] < 60
    line = explorer.summary_line({**counts, "wall_time_s": 1.25})
    assert line == "sweep: 2 ok, 0 failed, 0 already stored (of 2), 1.2 s"
    message = str(explorer.SweepInterrupted({"ok": 3, "failed": 1, "cached": 2, "total": 10}, tmp_path))
    assert message == (f"sweep interrupted: 4 of 8 pending points finished (2 were stored before), kept in {tmp_path}; "
                       "the same command resumes")
    lost = str(explorer.SweepInterrupted({"ok": 0, "failed": 0, "cached": 0, "total": 5}, None))
    assert lost.endswith("lost: the sweep had no --out folder") and "0 of 5 pending" in lost


def test_the_manifest_records_the_sweep(tmp_path):
    explorer.sweep("lif", grid={"i_offset": [1.0, 2.0]}, samples={"tau_m": (10.0, 30.0)}, n_samples=2,
                   simulators=(FIRST,), seeds=(1, 2), out=tmp_path, scheduler="inline", duration_ms=40.0)
    manifest = json.loads((tmp_path / store.MANIFEST).read_text())
    assert manifest == {"model": "lif", "simulators": [FIRST], "seeds": [1, 2], "dt_ms": 0.1, "duration_ms": 40.0,
                        "grid": {"i_offset": [1.0, 2.0]}, "samples": {"tau_m": [10.0, 30.0]}, "n_samples": 2}


def test_random_samples_default_to_sample_seed_0():
    kwargs = dict(grid={"i_offset": [1.0]}, samples={"tau_m": (10.0, 30.0)}, n_samples=3, simulators=(FIRST,),
                  scheduler="inline", duration_ms=30.0)
    default = explorer.sweep("lif", **kwargs)
    assert default["tau_m"].tolist() == explorer.sweep("lif", sample_seed=0, **kwargs)["tau_m"].tolist()
    assert sorted(default["tau_m"]) == sorted(p["tau_m"] for p in points.expand(
        {"i_offset": [1.0]}, {"tau_m": (10.0, 30.0)}, 3, 0))


def test_counts_add_up_over_tasks(tmp_path):
    table = explorer.sweep("lif", grid={"i_offset": [1.0, 2.0], "step_amplitude": [0.05, 0.1], "step_start": [10.0]},
                           simulators=(FIRST, OTHER), seeds=(1, 2), out=tmp_path, scheduler="inline",
                           duration_ms=40.0)
    assert table.attrs["counts"]["ok"] == 16 and table.attrs["counts"]["total"] == 16 and len(table) == 16
    assert set(table["batch_size"]) == {2}  # i_offset shares a population; the step does not


def test_batch_size_one_and_the_models_own_limits():
    one = explorer.sweep("lif", grid={"i_offset": [1.0, 2.0]}, simulators=(FIRST,), scheduler="inline",
                         duration_ms=30.0, batch_size=1)
    assert one["batch_size"].tolist() == [1, 1]
    hh = registry.get("hh")
    assert hh.protocol.max_population == 200
    capped = explorer.sweep("hh", grid={"i_offset": np.linspace(0.0, 0.1, 201)}, simulators=(FIRST,),
                            scheduler="inline", duration_ms=2.0)
    assert sorted(capped["batch_size"].unique()) == [1, 200]


def test_how_many_tasks_run_at_once():
    assert _parallel("inline", 4) == 1 and _parallel(None, 3) == 3 and _parallel("tcp://x:1", 5) == 5
    assert _parallel(None, None) == os.cpu_count()


def test_a_sweep_creates_its_nested_folder_and_shows_its_bar_when_asked(tmp_path, capfd):
    out = tmp_path / "a" / "b" / "c"
    explorer.sweep("lif", grid={"i_offset": [1.0]}, simulators=(FIRST,), out=out, scheduler="inline",
                   duration_ms=30.0, progress=True)
    assert (out / store.MANIFEST).exists()
    assert "sweep: 100%" in capfd.readouterr().err


def test_an_unwritable_out_is_refused_before_any_task():
    """/proc takes no files, even from root: the folder, and a folder to be made in it."""
    with pytest.raises(ValueError, match=r"^--out '/proc': the folder '/proc' is not writable \("):
        explorer.sweep("lif", grid={"i_offset": [1.0]}, simulators=(FIRST,), out="/proc", scheduler="inline")
    with pytest.raises(ValueError, match=r"^--out '/proc/zoo': cannot create '/proc/zoo' in '/proc' is not writable \("):
        explorer.sweep("lif", grid={"i_offset": [1.0]}, simulators=(FIRST,), out="/proc/zoo", scheduler="inline")


def test_ctrl_c_in_an_inline_sweep_keeps_what_finished(tmp_path, monkeypatch):
    monkeypatch.setitem(registry._ENTRY_POINTS, "lif_interrupted", "tests.models_for_tests:lif_interrupted")
    grid = {"step_amplitude": [0.05, 0.1, 0.15], "step_start": [10.0]}
    with pytest.raises(explorer.SweepInterrupted) as caught:
        explorer.sweep("lif_interrupted", grid=grid, simulators=(FIRST,), out=tmp_path, scheduler="inline",
                       duration_ms=30.0)
    assert str(caught.value) == (f"sweep interrupted: 2 of 3 pending points finished (0 were stored before), kept in "
                                 f"{tmp_path}; the same command resumes")
    assert sorted(pd.read_parquet(tmp_path)["step_amplitude"]) == [0.05, 0.1]


@pytest.mark.parametrize("batch_size", [1.5, 0, "10", True])
def test_a_batch_size_that_is_no_whole_number_is_refused(batch_size):
    with pytest.raises(ValueError, match=r"^batch_size must be a whole number >= 1, got "):
        explorer.sweep("lif", grid={"i_offset": [1.0]}, simulators=(FIRST,), scheduler="inline",
                       batch_size=batch_size)
