"""The explorer's bookkeeping on its own: how points become tasks, how a failing batch
splits, what a failed row holds, what the store accepts and refuses, and the sweep's
input checks. Real sweeps where a run is needed (NEST, tens of ms)."""
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

EP = registry.entry_point("lif")
#: The default simulator, and another (the cheapest to start); NEST rejects what lif_unchecked lets through.
FIRST = backends.DEFAULT
OTHER = next(s for s in reversed(backends.available(registry.get("lif"))) if s != FIRST)

#: The judging and bookkeeping code handles the NaN and inf it expects without a
#: floating-point warning (a user would see it on every comparison).
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def lif_plan(grid_points, simulators=(FIRST,), seeds=(1,), batch_size=1000, duration_ms=50.0):
    return plan("lif", EP, grid_points, registry.get("lif").per_neuron_parameters, list(simulators), list(seeds), 0.1,
                duration_ms, batch_size)


def test_points_share_a_task_only_when_they_differ_in_per_neuron_parameters_alone():
    spec = registry.get("lif")
    assert "i_offset" in spec.per_neuron_parameters and "step_amplitude" not in spec.per_neuron_parameters
    grid = points.expand({"i_offset": [0.5, 1.0, 1.5], "step_amplitude": [0.0, 0.2]}, None, None, 0)
    planned = lif_plan(grid)
    assert len(planned) == 2  # one population per step amplitude
    for task in planned:
        assert len(task.points) == 3 and len({p["step_amplitude"] for p in task.points}) == 1
        assert [p["i_offset"] for p in task.points] == [0.5, 1.0, 1.5]
    assert len(lif_plan(grid, simulators=(FIRST, OTHER), seeds=(1, 2, 3))) == 12


def test_batch_size_bounds_a_population():
    grid = points.expand({"i_offset": np.linspace(0.1, 1.0, 10)}, None, None, 0)
    sizes = [len(t.points) for t in lif_plan(grid, batch_size=4)]
    assert sizes == [4, 4, 2]
    flat = [p["i_offset"] for t in lif_plan(grid, batch_size=4) for p in t.points]
    assert flat == [p["i_offset"] for p in grid]


def test_a_task_splits_into_halves_that_keep_their_keys():
    (task,) = lif_plan(points.expand({"i_offset": [0.1, 0.2, 0.3, 0.4, 0.5]}, None, None, 0))
    first, second = task.split()
    assert [len(first.points), len(second.points)] == [2, 3]
    assert first.keys + second.keys == task.keys and first.pair_keys + second.pair_keys == task.pair_keys
    assert first.points + second.points == task.points
    for half in (first, second):
        assert (half.model, half.simulator, half.seed, half.dt_ms, half.duration_ms) == (
            task.model, task.simulator, task.seed, task.dt_ms, task.duration_ms)
    assert len({task.key, first.key, second.key}) == 3 and task.key == lif_plan(
        points.expand({"i_offset": [0.1, 0.2, 0.3, 0.4, 0.5]}, None, None, 0))[0].key


def test_a_failed_row_keeps_its_provenance_and_parameters():
    (task,) = lif_plan([{"i_offset": 0.5}, {"i_offset": 1.5, "tau_m": 12.0}], seeds=(7,))
    rows = failed_rows(task, "RuntimeError: boom")
    defaults = registry.get("lif").defaults()
    assert rows["status"].tolist() == ["failed", "failed"] and set(rows["error"]) == {"RuntimeError: boom"}
    assert rows["i_offset"].tolist() == [0.5, 1.5] and rows["tau_m"].tolist() == [defaults["tau_m"], 12.0]
    assert rows["key"].tolist() == list(task.keys) and rows["pair_key"].tolist() == list(task.pair_keys)
    assert set(rows["seed"]) == {7} and set(rows["simulator"]) == {FIRST} and set(rows["dt_ms"]) == {0.1}
    assert set(rows["duration_ms"]) == {50.0} and set(rows["batch_size"]) == {2}
    assert rows["wall_time_s"].isna().all() and all(len(t) == 0 for t in rows["spike_times_ms"])
    assert set(rows["simulator_version"]) == {backends.version(FIRST)}
    assert list(rows.columns[:len(tasks.PROVENANCE)]) == tasks.PROVENANCE
    from zoo.declarations import zoo_version
    assert set(rows["model"]) == {"lif"} and set(rows["zoo_version"]) == {zoo_version()}


def test_run_task_rows_are_each_points_in_order():
    (task,) = lif_plan(points.expand({"i_offset": [0.0, 1.0, 2.0]}, None, None, 0), duration_ms=100.0)
    rows = tasks.run_task(task)
    assert rows["key"].tolist() == list(task.keys) and rows["i_offset"].tolist() == [0.0, 1.0, 2.0]
    assert rows["n_spikes"].tolist()[0] == 0 and rows["n_spikes"].tolist()[1] < rows["n_spikes"].tolist()[2]
    assert [len(t) for t in rows["spike_times_ms"]] == rows["n_spikes"].tolist()
    assert set(rows["status"]) == {"ok"} and rows["error"].isna().all() and set(rows["batch_size"]) == {3}
    from importlib import metadata
    assert set(rows["pynn_version"]) == {metadata.version("PyNN")} and list(rows.columns[:10]) == tasks.PROVENANCE
    assert (rows["wall_time_s"] > 0).all() and set(rows["seed"]) == {1}


def test_pooled_trials_sum_the_count_and_average_the_rest():
    model = registry.get("mainen_sejnowski1995")
    summary = pd.DataFrame({"noise_sigma": [0.2, 0.2, 0.2], "n_spikes": [2, 4, 0], "rate_hz": [2.0, 4.0, 0.0],
                            "first_spike_ms": [10.0, 30.0, np.nan], "event_reliability": [0.5, 0.5, 0.5]})
    trains = [np.array([30.0, 10.0]), np.array([5.0, 40.0, 20.0, 60.0]), np.array([])]
    row, pooled = pooled_trials(model, summary, trains)
    assert len(row) == 1 and row["n_spikes"].iloc[0] == 6 and row["rate_hz"].iloc[0] == 2.0
    assert row["first_spike_ms"].iloc[0] == 20.0  # the mean of the trials that fired
    assert row["event_reliability"].iloc[0] == 0.5 and row["noise_sigma"].iloc[0] == 0.2
    assert pooled[0].tolist() == [5.0, 10.0, 20.0, 30.0, 40.0, 60.0]
    assert pooled_trials(model, summary.iloc[:0], [])[1][0].size == 0


def test_the_store_refuses_columns_the_model_does_not_declare(tmp_path):
    spec = registry.get("lif")
    target = store.Store(tmp_path, spec, {"model": "lif", "dt_ms": 0.1, "duration_ms": 50.0})
    (task,) = lif_plan([{"i_offset": 1.0}])
    rows = failed_rows(task, "x")
    with pytest.raises(ValueError, match=r"columns \['surprise'\] are not in the model's declared table"):
        target.write(rows.assign(surprise=1.0))
    part = target.write(rows)
    assert part.name.startswith("part-") and part.suffix == ".parquet"
    import pyarrow.parquet as pq
    assert pq.read_schema(part).remove_metadata() == store.schema(spec)  # typed even with no value, no index
    assert json.loads((tmp_path / store.MANIFEST).read_text())["model"] == "lif"
    assert [p.name for p in target.parts()] == [part.name] and not list(tmp_path.glob(".*"))
    back = target.read()
    assert list(back.columns) == store.schema(spec).names and back["key"].tolist() == rows["key"].tolist()
    assert str(back["n_spikes"].dtype) == "Int64" and back["n_spikes"].isna().all()
    assert target.read({"other"}).empty
    target.drop(set(rows["key"]))
    assert target.parts() == [] and target.read().empty and list(target.read().columns) == store.schema(spec).names


def test_drop_keeps_the_other_rows_of_a_part(tmp_path):
    target = store.Store(tmp_path, registry.get("lif"), {"model": "lif", "dt_ms": 0.1, "duration_ms": 50.0})
    (task,) = lif_plan([{"i_offset": 1.0}, {"i_offset": 2.0}, {"i_offset": 3.0}])
    target.write(failed_rows(task, "x"))
    target.drop({task.keys[1]})
    assert target.read()["i_offset"].tolist() == [1.0, 3.0] and len(target.parts()) == 1
    assert set(target.status()["key"]) == {task.keys[0], task.keys[2]}
    assert set(target.status()["status"]) == {"failed"}


def test_a_folder_of_another_model_is_refused(tmp_path):
    explorer.sweep("lif", grid={"i_offset": [1.0]}, simulators=(FIRST,), out=tmp_path, scheduler="inline",
                   duration_ms=50.0)
    with pytest.raises(ValueError, match="holds a sweep of model 'lif', not 'lapicque'; choose another --out$"):
        explorer.sweep("lapicque", grid={"i_offset": [1.0]}, simulators=(FIRST,), out=tmp_path, scheduler="inline",
                       duration_ms=50.0)


def test_a_points_tables_are_stored_beside_its_row(tmp_path):
    target = store.Store(tmp_path, registry.get("lif"), {"model": "lif", "dt_ms": 0.1, "duration_ms": 50.0})
    (task,) = lif_plan([{"i_offset": 1.0}])
    rows = failed_rows(task, "x")
    rows.attrs["tables"] = {task.keys[0]: {"weights": pd.DataFrame({"w": [0.1, 0.2]})}}
    target.write(rows)
    assert explorer.read_tables(tmp_path, task.keys[0])["weights"]["w"].tolist() == [0.1, 0.2]
    assert explorer.read_tables(tmp_path, "missing") == {}
    target.drop({task.keys[0]})
    assert explorer.read_tables(tmp_path, task.keys[0]) == {}


@pytest.mark.parametrize("kwargs, message", [
    (dict(seeds=()), "^no seed given$"),
    (dict(seeds=(-1,)), "^seed must be an integer"),
    (dict(batch_size=0), "^batch_size must be >= 1, got 0$"),
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


def test_a_pending_task_keeps_only_its_unfinished_points():
    (task,) = lif_plan([{"i_offset": 1.0}, {"i_offset": 2.0}, {"i_offset": 3.0}])
    assert _without(task, set()) is task
    assert _without(task, set(task.keys)) is None
    rest = _without(task, {task.keys[1]})
    assert rest.keys == (task.keys[0], task.keys[2]) and rest.pair_keys == (task.pair_keys[0], task.pair_keys[2])
    assert [p["i_offset"] for p in rest.points] == [1.0, 3.0] and rest.seed == task.seed
    assert isinstance(rest, Task) and rest.simulator_version == task.simulator_version
    assert (rest.model, rest.entry_point, rest.simulator, rest.dt_ms, rest.duration_ms) == (
        task.model, task.entry_point, task.simulator, task.dt_ms, task.duration_ms)


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


@pytest.fixture
def lif_unchecked(monkeypatch):
    """A test model, registered for this test only (other tests list the zoo's models)."""
    monkeypatch.setitem(registry._ENTRY_POINTS, "lif_unchecked", "tests.models_for_tests:lif_unchecked")
    return "lif_unchecked"


def test_inline_failures_split_until_the_failing_points_stand_alone(tmp_path, lif_unchecked):
    """Two simulators, a population of four of which two cannot be built on NEST: the
    batch splits into halves until each failing point is alone; every other point runs."""
    table = explorer.sweep(lif_unchecked, grid={"cm": [1.0, -1.0, 2.0, -2.0], "i_offset": [2.0]},
                           simulators=(FIRST,), out=tmp_path, scheduler="inline", duration_ms=50.0)
    counts = table.attrs["counts"]
    assert (counts["ok"], counts["failed"]) == (2, 2)
    failed = table[table["status"] == "failed"]
    assert sorted(failed["cm"]) == [-2.0, -1.0] and set(failed["batch_size"]) == {1}
    assert failed["error"].str.contains("Capacitance must be strictly positive").all()
    ok = table[table["status"] == "ok"]
    assert sorted(ok["cm"]) == [1.0, 2.0] and (ok["n_spikes"] > 0).all()
    again = explorer.sweep(lif_unchecked, grid={"cm": [1.0, -1.0, 2.0, -2.0], "i_offset": [2.0]},
                           simulators=(FIRST,), out=tmp_path, scheduler="inline", duration_ms=50.0)
    assert (again.attrs["counts"]["cached"], again.attrs["counts"]["failed"]) == (4, 0)  # failed rows are kept
    retried = explorer.sweep(lif_unchecked, grid={"cm": [1.0, -1.0, 2.0, -2.0], "i_offset": [2.0]},
                             simulators=(FIRST,), out=tmp_path, scheduler="inline", duration_ms=50.0,
                             retry_failed=True)
    assert (retried.attrs["counts"]["cached"], retried.attrs["counts"]["failed"]) == (2, 2)
    stored = pd.read_parquet(tmp_path)  # the ok rows kept, the failed ones replaced: one row per key
    assert len(stored) == 4 and stored["key"].is_unique and sorted(stored["status"]) == ["failed"] * 2 + ["ok"] * 2
    assert sorted(retried["status"]) == ["failed"] * 2 + ["ok"] * 2


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


def test_tables_are_written_without_their_index_and_replaced_on_a_second_write(tmp_path):
    target = store.Store(tmp_path, registry.get("lif"), {"model": "lif", "dt_ms": 0.1, "duration_ms": 50.0})
    (task,) = lif_plan([{"i_offset": 1.0}])
    for values in ([0.1, 0.2, 0.3], [0.5, 0.6]):
        rows = failed_rows(task, "x")
        frame = pd.DataFrame({"w": values}, index=[10 + i for i in range(len(values))])  # a filtered table's index
        rows.attrs["tables"] = {task.keys[0]: {"weights": frame}}
        target.write(rows)
    back = explorer.read_tables(tmp_path, task.keys[0])["weights"]
    assert back["w"].tolist() == [0.5, 0.6] and list(back.columns) == ["w"] and back.index.tolist() == [0, 1]


def test_drop_removes_keys_from_every_part(tmp_path):
    target = store.Store(tmp_path, registry.get("lif"), {"model": "lif", "dt_ms": 0.1, "duration_ms": 50.0})
    tasks_ = lif_plan([{"i_offset": 1.0}, {"i_offset": 2.0}], seeds=(1, 2))
    for task in tasks_:
        target.write(failed_rows(task, "x"))
    assert len(target.parts()) == 2
    target.drop({tasks_[0].keys[0], tasks_[1].keys[1]})
    assert sorted(target.read()["key"]) == sorted([tasks_[0].keys[1], tasks_[1].keys[0]])


def test_a_seed_batch_splits_into_halves_of_seeds():
    tasks_ = lif_plan([{"i_offset": 1.0}], seeds=(1, 2, 3))
    batch = tasks.SeedBatch(tuple(tasks_))
    assert batch.simulator == FIRST and batch.model == "lif" and batch.entry_point == EP
    assert batch.keys == tuple(t.keys[0] for t in tasks_) and len(batch.points) == 3
    first, second = batch.split()
    assert first == tasks_[0]  # one seed left: a plain task
    assert isinstance(second, tasks.SeedBatch) and second.tasks == tuple(tasks_[1:])
    assert tasks.SeedBatch(tuple(tasks_[:2])).split() == (tasks_[0], tasks_[1])
    assert len({batch.key, second.key}) == 2


def test_halves_keep_how_to_run_them():
    (task,) = lif_plan([{"i_offset": 0.1}, {"i_offset": 0.2}])
    for half in task.split():
        assert (half.entry_point, half.simulator_version) == (EP, task.simulator_version)


def test_failed_rows_are_typed_like_ok_rows():
    from importlib import metadata

    (task,) = lif_plan([{"i_offset": 0.5}])
    rows = failed_rows(task, "x")
    assert rows["pynn_version"].tolist() == [metadata.version("PyNN")]
    assert rows["wall_time_s"].dtype == float and rows["spike_times_ms"][0].dtype == float


def test_pooled_trials_keep_the_summary_columns():
    model = registry.get("mainen_sejnowski1995")
    summary = pd.DataFrame({"noise_sigma": [0.2, 0.2], "n_spikes": [2, 4], "rate_hz": [2, 4]}, index=[5, 6])
    row, _ = pooled_trials(model, summary, [np.array([1.0]), np.array([2.0])])
    assert list(row.columns) == list(summary.columns) and row.index.tolist() == [0]
    assert row["rate_hz"].iloc[0] == 3.0  # integer counts averaged as floats


def test_inline_seed_batches_run_every_seed_in_one_simulation(tmp_path):
    """A model whose seed only selects its input, asked for seed batches inline: its seeds
    share one simulation (one wall time); without, one simulation per seed. Each seed's
    row keeps its own tables (weights, pattern onsets, discharges)."""
    kwargs = dict(grid={"tau_m": [12.0]}, simulators=(FIRST,), seeds=(1, 2, 3), duration_ms=30.0,
                  scheduler="inline")
    batched = explorer.sweep("masquelier2008", seed_batches=True, out=tmp_path / "b", **kwargs)
    single = explorer.sweep("masquelier2008", seed_batches=False, out=tmp_path / "s", **kwargs)
    assert (batched["status"] == "ok").all() and (single["status"] == "ok").all()
    for key in batched["key"]:
        mine, alone = explorer.read_tables(tmp_path / "b", key), explorer.read_tables(tmp_path / "s", key)
        assert set(mine) == {"weights", "patterns", "discharges"} and set(mine) == set(alone)
        for name in mine:
            pd.testing.assert_frame_equal(mine[name], alone[name])
    assert (batched["status"] == "ok").all() and batched["seed"].tolist() == [1, 2, 3]
    assert batched["wall_time_s"].nunique() == 1 and single["wall_time_s"].nunique() == 3
    for column in ("n_spikes", "rate_hz"):
        assert batched[column].tolist() == single[column].tolist()
    assert [np.asarray(t).tolist() for t in batched["spike_times_ms"]] == [
        np.asarray(t).tolist() for t in single["spike_times_ms"]]


def test_validating_no_points_is_refused():
    with pytest.raises(ValueError, match="^the sweep has no points$"):
        points.validate("lif", [], [FIRST], 0.1, 100.0)


def test_how_many_tasks_run_at_once():
    assert _parallel("inline", 4) == 1 and _parallel(None, 3) == 3 and _parallel("tcp://x:1", 5) == 5
    assert _parallel(None, None) == os.cpu_count()


def test_a_model_of_trials_runs_one_point_per_population():
    table = explorer.sweep("mainen_sejnowski1995", grid={"noise_sigma": [0.1, 0.2], "n_trials": [2.0]},
                           simulators=(FIRST,), duration_ms=150.0, scheduler="inline")
    assert (table["n_spikes"] > 0).all()
    assert table["batch_size"].tolist() == [1, 1] and (table["status"] == "ok").all()
    assert [len(t) for t in table["spike_times_ms"]] == table["n_spikes"].tolist()  # the trials' spikes, pooled


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


def test_an_empty_store_has_its_columns():
    assert list(store.Store("/nonexistent/zoo", registry.get("lif"), {}).status().columns) == ["key", "status", "part"]


def test_drop_goes_through_every_part(tmp_path):
    """Parts are visited in name order; one with nothing to drop does not end the visit."""
    target = store.Store(tmp_path, registry.get("lif"), {"model": "lif", "dt_ms": 0.1, "duration_ms": 50.0})
    tasks_ = lif_plan([{"i_offset": 1.0}], seeds=(1, 2, 3))
    for number, task in enumerate(tasks_):
        target.write(failed_rows(task, "x")).rename(tmp_path / f"part-{number}.parquet")
    target.drop({tasks_[1].keys[0], tasks_[2].keys[0]})
    assert target.read()["key"].tolist() == [tasks_[0].keys[0]]
    target.drop({tasks_[0].keys[0]})
    assert target.read().empty


def test_expand_edges():
    with pytest.raises(ValueError, match="^grid 'i_offset' is empty$"):
        points.expand({"i_offset": []}, None, None, 0)
    assert len(points.expand(None, {"tau_m": (5.0, 10.0)}, 1, 0)) == 1
    for bad in (0, -1, None):
        with pytest.raises(ValueError, match="^random sampling needs samples >= 1$"):
            points.expand(None, {"tau_m": (5.0, 10.0)}, bad, 0)


def test_seed_batches_fill_the_memory_budget_exactly():
    """Batches hold as many seeds as the budget allows at the estimate of an untraced run
    (a sweep records no trace): three estimates' worth takes three seeds, a group of two
    still makes one batch."""
    from zoo.runner import memory_estimate_gib, prepare

    model = registry.get("masquelier2008")
    defaults = model.defaults()
    tasks_ = plan("masquelier2008", registry.entry_point("masquelier2008"), [defaults], model.per_neuron_parameters,
                  [FIRST], [1, 2, 3], 0.1, 5_000.0, 1000)
    per_seed = memory_estimate_gib(prepare("masquelier2008", FIRST, 5_000.0, 0.1, 1, 0, defaults))
    (batch,) = tasks.batch_seeds(model, tasks_, 1000, 1, 3 * per_seed, always=True)
    assert len(batch.tasks) == 3
    assert tasks.batch_seeds(model, tasks_, 1000, 1, per_seed, always=True) == tasks_  # one seed's worth each
    assert tasks.batch_seeds(model, tasks_, 1000, 3, 8.0, always=True) == tasks_  # three workers, one seed each
    (pair,) = tasks.batch_seeds(model, tasks_[:2], 1000, 1, 8.0, always=True)
    assert isinstance(pair, tasks.SeedBatch) and len(pair.tasks) == 2
    assert tasks.batch_seeds(model, tasks_[:1], 1000, 1, 8.0, always=True) == tasks_[:1]


def test_a_task_runs_on_its_own_simulator_and_step():
    """A task's rows are its own simulator's run at its own time step (at this current,
    a grid tie, the simulators differ at 0.1 ms and one simulator's steps differ too)."""
    import zoo

    tie = 15.0 * np.e / (np.e - 1.0) / 20.0

    def first_spike(simulator, dt_ms):
        return zoo.run("lif", simulator, dt_ms=dt_ms, duration_ms=60.0, i_offset=[tie]).summary["first_spike_ms"][0]

    assert first_spike(OTHER, 0.1) != first_spike(FIRST, 0.1) and first_spike(FIRST, 0.05) != first_spike(FIRST, 0.1)
    for simulator, dt_ms in ((OTHER, 0.1), (FIRST, 0.05)):
        (task,) = plan("lif", EP, [{"i_offset": tie}], {"i_offset"}, [simulator], [1], dt_ms, 60.0, 1000)
        assert tasks.run_task(task)["first_spike_ms"].tolist() == [first_spike(simulator, dt_ms)]
