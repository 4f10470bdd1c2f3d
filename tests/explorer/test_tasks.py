"""``explorer.tasks`` on its own: how points become tasks, how a failing batch or seed batch
splits, what a failed row holds, pooled trials. Real runs where a run is needed (NEST, tens of ms)."""
import json
from dataclasses import replace
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


def test_a_task_splits_into_groups_that_keep_their_keys():
    (task,) = lif_plan(points.expand({"i_offset": [0.1, 0.2, 0.3, 0.4, 0.5]}, None, None, 0))
    first, second = task.split(3)
    assert [len(first.points), len(second.points)] == [2, 3]
    assert first.keys + second.keys == task.keys and first.pair_keys + second.pair_keys == task.pair_keys
    assert first.points + second.points == task.points
    for part in (first, second):
        assert (part.model, part.simulator, part.seed, part.dt_ms, part.duration_ms) == (
            task.model, task.simulator, task.seed, task.dt_ms, task.duration_ms)
        assert part.regrouped and not task.regrouped
    assert len({task.key, first.key, second.key}) == 3 and task.key == lif_plan(
        points.expand({"i_offset": [0.1, 0.2, 0.3, 0.4, 0.5]}, None, None, 0))[0].key


def test_a_failed_batch_runs_again_in_groups_of_about_its_square_root_then_point_by_point():
    (task,) = lif_plan(points.expand({"i_offset": np.linspace(0.1, 1.0, 10)}, None, None, 0))
    groups = tasks.after_failure(task)
    assert [len(g.points) for g in groups] == [3, 3, 4] and all(g.regrouped for g in groups)
    assert sum((g.keys for g in groups), ()) == task.keys
    singles = tasks.after_failure(groups[0])
    assert [s.points for s in singles] == [(p,) for p in groups[0].points]
    assert tasks.after_failure(singles[0]) == ()
    (pair,) = lif_plan([{"i_offset": 0.1}, {"i_offset": 0.2}])  # a group would be the batch itself
    assert [len(s.points) for s in tasks.after_failure(pair)] == [1, 1]


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
    assert set(rows["pynn_version"]) == {metadata.version("PyNN")} and list(rows.columns[:len(tasks.PROVENANCE)]) == tasks.PROVENANCE
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
    assert row["max_trial_spikes"].iloc[0] == 4 and row["min_trial_spikes"].iloc[0] == 0
    assert pooled_trials(model, summary.iloc[:0], [])[1][0].size == 0


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


def test_inline_failures_are_isolated_until_the_failing_points_stand_alone(tmp_path, lif_unchecked):
    """A population of four of which two cannot be built on NEST: the batch runs again in
    groups, then point by point; every other point runs."""
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


def test_a_failed_seed_batch_runs_again_in_groups_of_seeds_then_seed_by_seed():
    tasks_ = lif_plan([{"i_offset": 1.0}], seeds=(1, 2, 3))
    batch = tasks.SeedBatch(tuple(tasks_))
    assert batch.simulator == FIRST and batch.model == "lif" and batch.entry_point == EP
    assert batch.keys == tuple(t.keys[0] for t in tasks_) and len(batch.points) == 3
    first, second = tasks.after_failure(batch)
    assert first == tasks_[0]  # one seed: its task as planned
    assert isinstance(second, tasks.SeedBatch) and second.tasks == tuple(tasks_[1:]) and second.regrouped
    assert tasks.after_failure(second) == (tasks_[1], tasks_[2])
    assert tasks.after_failure(tasks.SeedBatch(tuple(tasks_[:2]))) == (tasks_[0], tasks_[1])
    assert len({batch.key, second.key}) == 2


def test_groups_are_as_even_as_they_can_be_the_smaller_first():
    assert [(s.start, s.stop) for s in tasks.groups(3, 2)] == [(0, 1), (1, 3)]
    assert [s.stop - s.start for s in tasks.groups(10, 4)] == [3, 3, 4]
    assert [s.stop - s.start for s in tasks.groups(16, 4)] == [4, 4, 4, 4]
    assert [s.stop - s.start for s in tasks.groups(5, 1)] == [1] * 5 and tasks.groups(1, 4) == [slice(0, 1)]


def test_groups_keep_how_to_run_them():
    (task,) = lif_plan([{"i_offset": 0.1}, {"i_offset": 0.2}])
    for part in task.split(1):
        assert (part.entry_point, part.simulator_version) == (EP, task.simulator_version)


#: Per batch of 16 (groups of 4), the positions that NEST refuses (negative cm): one point,
#: two in different groups, and every point.
BAD_POSITIONS = ({5}, {0, 9}, set(range(16)))


def test_failures_planted_in_every_batch_cost_runs_linear_in_the_bad_points(tmp_path, lif_unchecked, monkeypatch):
    """Batches of n = 16 points with bad points in every batch: each failed batch runs
    again as ⌈n/g⌉ = 4 groups of g = 4, and the points of a failed group alone; so k bad
    points in different groups of a batch cost 1 + 4 + 4·k runs (9, 13), and a batch of
    nothing but bad points 1 + 4 + 16 (halving cost 9, 15 and 31). Simulations are counted,
    every good point runs, every bad one is a failed row of its own."""
    cm = [-(1 + (16 * b + i) / 100) if i in bad else 1 + (16 * b + i) / 100
          for b, bad in enumerate(BAD_POSITIONS) for i in range(16)]
    runs = []
    real = tasks.run_task

    def counted(task):
        runs.append(len(task.points))
        return real(task)

    monkeypatch.setattr(tasks, "run_task", counted)
    table = explorer.sweep(lif_unchecked, grid={"cm": cm, "i_offset": [2.0]}, simulators=(FIRST,), out=tmp_path,
                           scheduler="inline", duration_ms=20.0, batch_size=16)
    bad = sum(len(positions) for positions in BAD_POSITIONS)
    assert table.attrs["counts"]["failed"] == bad and table.attrs["counts"]["ok"] == len(cm) - bad
    assert sorted(table.loc[table["status"] == "failed", "cm"]) == sorted(c for c in cm if c < 0)
    assert set(table.loc[table["status"] == "failed", "batch_size"]) == {1}
    assert len(runs) == (1 + 4 + 4 * 1) + (1 + 4 + 4 * 2) + (1 + 4 + 16)
    assert runs.count(16) == 3 and runs.count(4) == 12


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
    assert list(row.columns) == list(summary.columns) + ["max_trial_spikes", "min_trial_spikes"]
    assert row.index.tolist() == [0]
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


def test_a_model_of_trials_runs_one_point_per_population():
    table = explorer.sweep("mainen_sejnowski1995", grid={"noise_sigma": [0.1, 0.2], "n_trials": [2.0]},
                           simulators=(FIRST,), duration_ms=150.0, scheduler="inline")
    assert (table["n_spikes"] > 0).all()
    assert table["batch_size"].tolist() == [1, 1] and (table["status"] == "ok").all()
    assert [len(t) for t in table["spike_times_ms"]] == table["n_spikes"].tolist()  # the trials' spikes, pooled


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
        rows = tasks.run_task(task)
        assert rows["first_spike_ms"].tolist() == [first_spike(simulator, dt_ms)]
        # and for the task's 60 ms: the model's own duration is longer, and this current keeps it firing
        whole = zoo.run("lif", simulator, dt_ms=dt_ms, i_offset=[tie])
        assert whole.info["duration_ms"] > 60.0 and whole.spike_trains_ms()[0].max() > 60.0
        assert 0.0 < rows["spike_times_ms"][0].max() < 60.0


def test_a_network_point_gives_a_row_per_population_with_its_own_tables():
    """A network's task: one row per population (its measures from the run's summary,
    keyed by row_keys), no pooled spikes in the row, and each row's spikes and per-neuron
    table in its own further tables."""
    import zoo

    point = {"scale": 0.05, "c_e": 100.0, "g": 5.0, "eta": 2.0}
    (task,) = plan("brunel2000", registry.entry_point("brunel2000"), [point], set(), [FIRST], [3], 0.1, 60.0, 1000)
    rows = tasks.run_task(task)
    result = zoo.run("brunel2000", FIRST, duration_ms=60.0, seed=3, progress=False, **point)
    populations = list(registry.get("brunel2000").populations)
    assert rows["population"].tolist() == populations == result.summary["population"].tolist()
    assert rows["key"].tolist() == points.row_keys(registry.get("brunel2000"), task.keys[0]) and rows["key"].is_unique
    for column in ("rate_hz", "cv_isi", "n_neurons"):
        np.testing.assert_array_equal(rows[column].to_numpy(dtype=float), result.summary[column].to_numpy(dtype=float))
    assert (rows["status"] == "ok").all() and rows["error"].isna().all() and (rows["batch_size"] == 1).all()
    assert (rows["seed"] == 3).all() and (rows["scale"] == 0.05).all() and (rows["simulator"] == FIRST).all()
    assert [len(t) for t in rows["spike_times_ms"]] == [0, 0] and (rows["wall_time_s"] > 0).all()
    tables = rows.attrs["tables"]
    assert list(tables) == rows["key"].tolist()
    for key, population in zip(rows["key"], populations):
        own = result.spikes[result.spikes["population"] == population].reset_index(drop=True)
        assert len(own) > 0
        pd.testing.assert_frame_equal(tables[key]["spikes"], own)
        assert set(tables[key]) == {"spikes", "neurons"} and (tables[key]["neurons"]["population"] == population).all()


def test_a_failed_seed_batch_of_several_points_splits_by_its_seeds():
    """A seed batch's units are its seeds, not its points: two seeds of two points each run
    again seed by seed."""
    tasks_ = lif_plan([{"i_offset": 1.0}, {"i_offset": 2.0}], seeds=(1, 2))
    assert [len(t.points) for t in tasks_] == [2, 2]
    assert tasks.after_failure(tasks.SeedBatch(tuple(tasks_))) == tuple(tasks_)


def test_a_failed_network_point_gives_a_failed_row_per_population():
    model = registry.get("brunel2000")
    (first,), (second,) = (plan("brunel2000", registry.entry_point("brunel2000"), [point], set(), [FIRST], [3], 0.1,
                                60.0, 1000) for point in ({"g": 4.0}, {"g": 6.0}))
    task = replace(first, points=first.points + second.points, keys=first.keys + second.keys,
                   pair_keys=first.pair_keys + second.pair_keys)
    rows = failed_rows(task, "RuntimeError: boom")
    populations = list(model.populations)
    assert len(populations) > 1
    assert rows["population"].tolist() == populations * 2
    assert rows["key"].tolist() == [k for key in task.keys for k in points.row_keys(model, key)]
    assert rows["pair_key"].tolist() == [k for key in task.pair_keys for k in points.row_keys(model, key)]
    assert rows["g"].tolist() == [4.0] * len(populations) + [6.0] * len(populations)
    assert (rows["status"] == "failed").all() and (rows["batch_size"] == 2).all()


def test_pooled_trials_of_no_trials_are_typed_like_any_others():
    model = registry.get("mainen_sejnowski1995")
    summary = pd.DataFrame({"noise_sigma": [0.2], "n_spikes": [2], "rate_hz": [2.0]})
    for rows in (summary, summary.iloc[:0]):
        row, _ = pooled_trials(model, rows, [])
        assert row["max_trial_spikes"].dtype == float and row["min_trial_spikes"].dtype == float
        assert row["max_trial_spikes"].isna().all() and row["min_trial_spikes"].isna().all()


def _made_result(summary, spikes, tables=None, pynn_version="0.0-from-the-run"):
    """A run's result built from small tables (what ``zoo.run`` returns), for the row code alone."""
    from zoo.result import Result

    meta = pd.DataFrame({"pynn_version": [pynn_version], "wall_time_s": [0.25]})
    return Result(spikes=spikes, traces=pd.DataFrame(), summary=summary, meta=meta, tables=dict(tables or {}))


def test_a_runs_further_tables_are_kept_only_for_a_single_point_task():
    """A batch of several points shares one run, so the run's further tables describe no
    single point and are not kept; a single point keeps them under its key; a run
    without further tables gives rows without any."""
    model = registry.get("lif")
    weights = {"weights": pd.DataFrame({"w": [0.1, 0.2]})}
    spikes = pd.DataFrame({"neuron": [1, 1], "t_ms": [3.0, 7.0]})
    (pair,) = lif_plan([{"i_offset": 1.0}, {"i_offset": 2.0}])
    summary = pd.DataFrame({"neuron": [0, 1], "i_offset": [1.0, 2.0], "n_spikes": [0, 2]})
    rows = tasks._rows(pair, model, _made_result(summary, spikes, weights))
    assert rows["key"].tolist() == list(pair.keys) and "tables" not in rows.attrs
    assert [t.tolist() for t in rows["spike_times_ms"]] == [[], [3.0, 7.0]]
    (single,) = lif_plan([{"i_offset": 2.0}])
    alone = pd.DataFrame({"neuron": [0], "i_offset": [2.0], "n_spikes": [2]})
    kept = tasks._rows(single, model, _made_result(alone, spikes.assign(neuron=0), weights))
    assert list(kept.attrs["tables"]) == [single.keys[0]] and set(kept.attrs["tables"][single.keys[0]]) == {"weights"}
    assert "tables" not in tasks._rows(single, model, _made_result(alone, spikes.assign(neuron=0))).attrs


def test_a_network_points_rows_are_provenance_measures_and_bookkeeping_only():
    """A network point's rows: the provenance columns (the PyNN version the run reports),
    the run's summary columns, the bookkeeping columns, nothing else (not the summary's
    index, whatever it is), one row per population in the summary's order."""
    model = registry.get("brunel2000")
    (task,) = plan("brunel2000", registry.entry_point("brunel2000"), [{"g": 4.0}], set(), [FIRST], [3], 0.1, 60.0,
                   1000)
    summary = pd.DataFrame({"population": ["E", "I"], "rate_hz": [5.0, 9.0]}, index=[7, 3])
    spikes = pd.DataFrame({"population": ["I", "E", "I"], "neuron": [0, 1, 2], "t_ms": [1.0, 2.0, 3.0]})
    rows = tasks._network_rows(task, model, _made_result(summary, spikes, pynn_version="0.0-from-the-run"))
    assert list(rows.columns) == tasks.PROVENANCE + ["population", "rate_hz"] + tasks.BOOKKEEPING
    assert rows["population"].tolist() == ["E", "I"] and rows["rate_hz"].tolist() == [5.0, 9.0]
    assert rows["key"].tolist() == points.row_keys(model, task.keys[0]) and rows.index.tolist() == [0, 1]
    assert set(rows["pynn_version"]) == {"0.0-from-the-run"} and set(rows["wall_time_s"]) == {0.25}
    assert rows.attrs["tables"][rows["key"][1]]["spikes"]["t_ms"].tolist() == [1.0, 3.0]
