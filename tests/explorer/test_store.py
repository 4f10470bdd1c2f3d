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
