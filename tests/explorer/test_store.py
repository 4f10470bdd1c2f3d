"""``explorer.store``: what a sweep folder accepts and refuses, atomic parts, a point's
further tables, dropping rows."""
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
    assert sorted(target.read()["i_offset"]) == [1.0, 3.0] and len(target.parts()) == 1
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


def _lock_holder(out) -> dict:
    text = (out / store.LOCK).read_text() if (out / store.LOCK).exists() else ""
    return json.loads(text) if text else {}


@pytest.mark.second_pass
def test_two_sweeps_into_one_folder_one_runs_the_other_is_refused_and_a_kill_frees_it(tmp_path):
    """Two concurrent ``zoo sweep`` commands on one folder: the second exits 2 with one
    line naming the first (held stopped part-way, so that a slow start of the second, as
    under make mutate, cannot let the first finish); ``kill -9`` of the first frees the
    folder (the kernel drops its lock) and the same command resumes."""
    import signal
    import subprocess
    import time

    from tests.conftest import ZOO

    out = tmp_path / "shared"
    args = [ZOO, "sweep", "lif", "--simulator", FIRST, "--grid", "step_amplitude=0.0:1.0:40", "--grid",
            "step_start=100", "--duration", "3000", "--workers", "1", "--out", str(out)]
    first = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and not list(out.glob("part-*.parquet")):
        time.sleep(0.05)
    # frozen part-way (its lock still held), so the second command meets it however slowly it starts
    os.killpg(first.pid, signal.SIGSTOP)
    holder = _lock_holder(out)
    assert holder.get("pid") == first.pid and "zoo sweep lif" in holder["command"]
    second = subprocess.run(args, capture_output=True, text=True, timeout=120)
    lines = second.stderr.strip().splitlines()
    assert second.returncode == 2 and len(lines) == 1, second.stderr
    assert f"is being written by another sweep: process {first.pid} (zoo sweep lif" in lines[0]
    os.killpg(first.pid, signal.SIGKILL)
    first.wait()
    stored = len(pd.read_parquet(out))
    assert 0 < stored < 40, "the first sweep must be killed part-way"
    done = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    table = pd.read_parquet(out)
    assert len(table) == 40 and table["key"].is_unique and f"{stored} already stored" in done.stdout
    assert _lock_holder(out) == {}, "a writer that ended leaves the lock free and empty"


def test_a_writer_holds_the_folder_until_it_ends(tmp_path):
    """In one process: while a store writes, a second writer is refused with one line
    naming this process; afterwards the folder is free. A folder that the writer
    created and left without a row is removed."""
    spec = registry.get("lif")
    manifest = {"model": "lif", "dt_ms": 0.1, "duration_ms": 50.0}
    folder = tmp_path / "one"
    with store.Store(folder, spec, manifest).writer():
        with pytest.raises(ValueError, match=rf"^{re.escape(str(folder))} is being written by another sweep: "
                                             rf"process {os.getpid()} \(.*\), since .*; wait until it ends, or "
                                             r"choose another --out$"):
            with store.Store(folder, spec, manifest).writer():
                pass
    assert not folder.exists()
    with store.Store(folder, spec, manifest).writer() as writer:
        (task,) = lif_plan([{"i_offset": 1.0}])
        writer.write(tasks.run_task(task))
    with store.Store(folder, spec, manifest).writer():
        pass
    assert folder.is_dir() and len(writer.parts()) == 1


def test_keys_stored_twice_are_repaired_on_resume(tmp_path):
    """Rows written twice (two writers before folders were locked) break the comparison;
    resuming the sweep removes the extra copies, keeping an ok row of each key."""
    kwargs = dict(grid={"i_offset": [1.0, 2.0]}, simulators=(FIRST, OTHER), out=tmp_path, scheduler="inline",
                  duration_ms=50.0)
    table = explorer.sweep("lif", **kwargs)
    spec = registry.get("lif")
    manifest = json.loads((tmp_path / store.MANIFEST).read_text())
    again = table.copy()
    failed = again.iloc[:1].assign(status="failed", error="a failed copy")
    store.Store(tmp_path, spec, manifest).write(again)
    store.Store(tmp_path, spec, manifest).write(failed)
    assert len(pd.read_parquet(tmp_path)) == 9
    with pytest.raises(ValueError, match="repeated keys"):
        explorer.compare(pd.read_parquet(tmp_path))
    resumed = explorer.sweep("lif", **kwargs)
    stored = pd.read_parquet(tmp_path)
    assert len(stored) == 4 and stored["key"].is_unique and (stored["status"] == "ok").all()
    assert resumed.attrs["counts"]["cached"] == 4 and explorer.verdicts(explorer.compare(stored))["pass"].all()


@pytest.mark.parametrize("setting", ["dt_ms", "duration_ms"])
def test_a_manifest_without_a_run_setting_is_refused_in_one_line(tmp_path, setting):
    manifest = {"model": "lif", "dt_ms": 0.1, "duration_ms": 50.0}
    (tmp_path / store.MANIFEST).write_text(json.dumps({k: v for k, v in manifest.items() if k != setting}))
    with pytest.raises(ValueError, match=rf"^{re.escape(str(tmp_path))}: its _sweep.json has no {setting} \(ms\); "
                                         "it was not written by explorer.sweep, or is damaged; choose another --out$"):
        store.Store(tmp_path, registry.get("lif"), manifest)


def test_read_sweep_keeps_the_current_codes_rows_and_the_newest_of_each_point_with_all(tmp_path):
    """Rows of another model declaration or translation, zoo or simulator version stay in the
    folder and are left out and counted; ``all_versions`` keeps one row per point and
    simulator, the one written last; a key stored twice is read once."""
    import time

    from explorer.code_version import code_version

    target = store.Store(tmp_path, registry.get("lif"), {"model": "lif", "dt_ms": 0.1, "duration_ms": 50.0})
    (task,) = lif_plan([{"i_offset": 1.0}, {"i_offset": 2.0}, {"i_offset": 3.0}, {"i_offset": 4.0}])
    rows = failed_rows(task, "x")
    assert set(rows["code_version"]) == {code_version("lif", FIRST)}
    assert set(rows["simulator_version"]) == {backends.version(FIRST)}
    stale = rows.copy()
    stale["error"] = "old"
    stale.loc[0, "code_version"] = "another translation"
    stale.loc[1, "zoo_version"] = "0.0.1"
    stale.loc[2, "simulator_version"] = "0.0"
    target.write(stale.iloc[:3])
    time.sleep(0.01)  # parts are read in the order they were written (their times)
    target.write(rows.iloc[[0, 3]].assign(error="new"))
    target.write(rows.iloc[[3]].assign(error="new"))  # a key stored twice

    current = explorer.read_sweep(tmp_path)
    assert sorted(current["i_offset"]) == [1.0, 4.0] and set(current["error"]) == {"new"}
    assert current["key"].is_unique and current.index.tolist() == [0, 1]
    assert current.attrs["other_versions"] == 3
    assert current.attrs["note"] == (f"{str(tmp_path)!r}: 3 rows were made by another version of the model, its "
                                     "translation, the zoo or the simulator, and are left out (rerun the sweep to "
                                     "update them, or --all to use them)")
    every = explorer.read_sweep(tmp_path, all_versions=True)
    assert sorted(every["i_offset"]) == [1.0, 2.0, 3.0, 4.0] and every["key"].is_unique
    assert every.set_index("i_offset")["error"].to_dict() == {1.0: "new", 2.0: "old", 3.0: "old", 4.0: "new"}
    assert "_written" not in every and every.attrs["other_versions"] == 3
    assert every.attrs["note"] == (f"{str(tmp_path)!r}: 3 rows were made by another version of the code or "
                                   "simulator, used where the current code has none (--all)")

    fresh = tmp_path / "fresh"
    store.Store(fresh, registry.get("lif"), {"model": "lif", "dt_ms": 0.1, "duration_ms": 50.0}).write(rows)
    clean = explorer.read_sweep(fresh, all_versions=True)
    assert len(clean) == 4 and clean.attrs == {"other_versions": 0, "note": ""}
    assert explorer.read_sweep(fresh).attrs == {"other_versions": 0, "note": ""}
    older = rows.drop(columns="code_version")  # written before rows carried their code's version
    no_versions = tmp_path / "no-versions"
    (no_versions).mkdir()
    import pyarrow as pa
    import pyarrow.parquet as pq
    pq.write_table(pa.Table.from_pandas(older, preserve_index=False), no_versions / "part-0.parquet")
    assert explorer.read_sweep(no_versions).empty and explorer.read_sweep(no_versions).attrs["other_versions"] == 4
    for empty in (tmp_path / "nothing", tmp_path / "nothing.txt"):
        with pytest.raises(ValueError, match=r"holds no sweep \(no part-\*\.parquet files\)$"):
            explorer.read_sweep(empty)


def test_a_resumed_task_keeps_what_is_not_stored_with_its_provenance():
    """The points of a task that a folder does not hold yet, each with its key, pair key and
    the task's code version (the rows it makes carry it)."""
    (task,) = lif_plan([{"i_offset": 1.0}, {"i_offset": 2.0}, {"i_offset": 3.0}])
    rest = _without(task, {task.keys[1]})
    assert rest.points == (task.points[0], task.points[2]) and rest.keys == (task.keys[0], task.keys[2])
    assert rest.pair_keys == (task.pair_keys[0], task.pair_keys[2])
    assert (rest.model, rest.entry_point, rest.simulator, rest.simulator_version, rest.seed, rest.dt_ms,
            rest.duration_ms, rest.code_version) == (task.model, task.entry_point, task.simulator,
                                                     task.simulator_version, task.seed, task.dt_ms,
                                                     task.duration_ms, task.code_version)
    assert rest.code_version and set(failed_rows(rest, "x")["code_version"]) == {task.code_version}
    assert _without(task, set()) is task and _without(task, set(task.keys)) is None


MANIFEST = {"model": "lif", "dt_ms": 0.1, "duration_ms": 50.0}


def test_read_sweep_refuses_a_folder_without_parts_naming_it(tmp_path):
    """An existing folder with no part (a sweep that never stored a row) holds no sweep
    either; the message names the folder."""
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "nothing"):
        with pytest.raises(ValueError, match=rf"^{re.escape(repr(str(folder)))} holds no sweep "
                                             r"\(no part-\*\.parquet files\)$"):
            explorer.read_sweep(folder)


def test_read_sweep_orders_parts_by_when_they_were_written_not_by_name(tmp_path):
    """Part names are random: the newest row of a point (all_versions) is the one of the
    part written last, whatever its name sorts as."""
    target = store.Store(tmp_path, registry.get("lif"), MANIFEST)
    (task,) = lif_plan([{"i_offset": 1.0}])
    rows = failed_rows(task, "x")
    older = target.write(rows.assign(error="old", code_version="another translation"))
    newer = target.write(rows.assign(error="new", code_version="yet another translation"))
    older = older.rename(tmp_path / "part-b.parquet")  # the older part's name sorts last
    newer = newer.rename(tmp_path / "part-a.parquet")
    os.utime(older, ns=(1_000_000_000, 1_000_000_000))
    os.utime(newer, ns=(2_000_000_000, 2_000_000_000))
    assert explorer.read_sweep(tmp_path, all_versions=True)["error"].tolist() == ["new"]


def test_read_sweep_gives_the_stored_columns_and_no_index_column(tmp_path):
    target = store.Store(tmp_path, registry.get("lif"), MANIFEST)
    (task,) = lif_plan([{"i_offset": 1.0}, {"i_offset": 2.0}])
    target.write(failed_rows(task, "x"))
    for all_versions in (False, True):
        table = explorer.read_sweep(tmp_path, all_versions=all_versions)
        assert list(table.columns) == target.schema.names and table.index.tolist() == [0, 1]


def test_rows_without_a_code_version_keep_it_unknown_with_all(tmp_path):
    """Rows written before rows carried their code's version read with a missing one (None),
    not a made-up value."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    (task,) = lif_plan([{"i_offset": 1.0}, {"i_offset": 2.0}])
    older = failed_rows(task, "x").drop(columns="code_version")
    pq.write_table(pa.Table.from_pandas(older, preserve_index=False), tmp_path / "part-0.parquet")
    every = explorer.read_sweep(tmp_path, all_versions=True)
    assert len(every) == 2 and every["code_version"].isna().all()


def test_rows_of_a_simulator_the_zoo_does_not_know_are_left_out_and_counted(tmp_path):
    """A simulator the zoo no longer has (or none at all) is not the current code's: its rows
    are left out and counted, not an error."""
    target = store.Store(tmp_path, registry.get("lif"), MANIFEST)
    (task,) = lif_plan([{"i_offset": 1.0}, {"i_offset": 2.0}, {"i_offset": 3.0}])
    rows = failed_rows(task, "x")
    rows.loc[1, "simulator"] = "retired"
    rows.loc[2, "simulator"] = None
    target.write(rows)
    current = explorer.read_sweep(tmp_path)
    assert current["i_offset"].tolist() == [1.0] and current.attrs["other_versions"] == 2


def test_repair_keeps_one_row_per_key_an_ok_one_first_and_drops_emptied_parts(tmp_path):
    """Store.repair without a sweep (rows made, not simulated): three parts that repeat
    keys, in an order fixed by their names (Store.write's are random); one row per key
    stays, the ok copy where there is one, else the first; a part left with no row is
    deleted, the others keep their other rows in order; a folder without repeats is untouched."""
    target = store.Store(tmp_path, registry.get("lif"), MANIFEST)
    (task,) = lif_plan([{"i_offset": 1.0}, {"i_offset": 2.0}, {"i_offset": 3.0}])
    rows = failed_rows(task, "x")  # keys of i_offset 1, 2 and 3, all failed
    first = target.write(rows.iloc[[0, 1]].assign(error="a")).rename(tmp_path / "part-a.parquet")
    assert target.repair() == 0 and target.parts() == [first]
    second = target.write(rows.iloc[[1, 2, 0]].assign(status=["ok", "failed", "failed"], error=[None, "b", "b"]))
    second = second.rename(tmp_path / "part-b.parquet")
    third = target.write(rows.iloc[[1]].assign(error="c")).rename(tmp_path / "part-c.parquet")
    assert target.repair() == 3
    assert target.parts() == [first, second] and not third.exists() and not list(tmp_path.glob(".*.tmp"))
    assert pd.read_parquet(first)[["i_offset", "error"]].values.tolist() == [[1.0, "a"]]
    assert pd.read_parquet(second)[["i_offset", "status"]].values.tolist() == [[2.0, "ok"], [3.0, "failed"]]
    assert target.repair() == 0


def test_the_schema_of_a_single_neuron_a_network_and_a_model_of_trials():
    """The columns, in order, with their types: provenance (text), the run settings, a
    network's population, the parameters (floats), the metrics (their declared types), a
    model of trials' split of its count, the closed forms, and the bookkeeping."""
    import pyarrow as pa

    text = store.PROVENANCE[:store.PROVENANCE.index("dt_ms")]
    settings = [("dt_ms", pa.float64()), ("duration_ms", pa.float64()), ("seed", pa.int64())]
    bookkeeping = [("spike_times_ms", pa.list_(pa.float64())), ("status", pa.string()), ("error", pa.string()),
                   ("wall_time_s", pa.float64()), ("batch_size", pa.int64())]
    for name, middle, tail in (
            ("lif", [], [("rate_hz_closed_form", pa.float64())]),
            ("brunel2000", [("population", pa.string())], []),
            ("mainen_sejnowski1995", [], [("max_trial_spikes", pa.float64()), ("min_trial_spikes", pa.float64())])):
        model = registry.get(name)
        parameters = [(p, pa.float64()) for p in model.parameter_names]
        metrics = [(m.name, pa.int64() if m.dtype == "int64" else pa.float64()) for m in model.metrics]
        expected = [(t, pa.string()) for t in text] + settings + middle + parameters + metrics + tail + bookkeeping
        assert [(f.name, f.type) for f in store.schema(model)] == expected, name
        assert {m.dtype for m in model.metrics} <= {"int64", "float64"}


def test_repair_prefers_a_later_ok_copy_and_rewrites_a_part_that_keeps_other_rows(tmp_path):
    """The parts' order fixed by their names (Store.write's are random): the failed copy comes
    first and is dropped for the later ok one, its part rewritten in place with its other
    row; no temporary file is left."""
    target = store.Store(tmp_path, registry.get("lif"), MANIFEST)
    (task,) = lif_plan([{"i_offset": 1.0}, {"i_offset": 2.0}, {"i_offset": 3.0}])
    rows = failed_rows(task, "x")  # keys of i_offset 1, 2 and 3, all failed
    first = target.write(rows.iloc[[0, 1]]).rename(tmp_path / "part-a.parquet")
    second = target.write(rows.iloc[[0, 2]].assign(status=["ok", "failed"], error=[None, "x"]))
    second = second.rename(tmp_path / "part-b.parquet")
    assert target.parts() == [first, second]
    assert target.repair() == 1
    assert target.parts() == [first, second] and not list(tmp_path.glob(".*"))
    assert pd.read_parquet(first)["i_offset"].tolist() == [2.0]
    assert pd.read_parquet(second)[["i_offset", "status"]].values.tolist() == [[1.0, "ok"], [3.0, "failed"]]


def test_the_first_write_creates_a_folder_whose_parents_do_not_exist_yet(tmp_path):
    """``--out`` may name a folder several levels below any that exist: the first write
    makes them all, with the manifest and the part."""
    folder = tmp_path / "new" / "deeper" / "sweep"
    target = store.Store(folder, registry.get("lif"), {"model": "lif", "dt_ms": 0.1, "duration_ms": 50.0})
    (task,) = lif_plan([{"i_offset": 1.0}])
    part = target.write(failed_rows(task, "x"))
    assert part.parent == folder and json.loads((folder / store.MANIFEST).read_text())["model"] == "lif"
    assert target.read()["key"].tolist() == list(task.keys)
