"""The explorer's Dask path in worker processes, quickly: what runs there and nowhere
else (the task's model registered from its entry point, failure isolation in the
workers, a point's tables). ``make mutate`` runs this file again, with each surviving
mutant of the explorer's task, sweep and cluster code active in the workers too."""
import numpy as np
import pandas as pd
import pytest

import explorer
import zoo
from explorer import store
from explorer.code_version import code_version
from zoo import backends, registry

FIRST = backends.DEFAULT


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    """One local cluster (one worker), three sweeps into it: a model registered at run
    time only in this process, with a point the simulator rejects (cm < 0); a model
    without tables; a model with tables."""
    zoo.register("lif_unchecked", "tests.models_for_tests:lif_unchecked")
    out = tmp_path_factory.mktemp("workers")
    with explorer.local_cluster(1) as address:
        workers = dict(scheduler=address, progress=False)
        unchecked = explorer.sweep("lif_unchecked", grid={"cm": [1.0, -1.0, 2.0], "i_offset": [2.0]},
                                   simulators=(FIRST,), out=out / "unchecked", duration_ms=50.0, **workers)
        lif = explorer.sweep("lif", grid={"i_offset": [1.5]}, simulators=(FIRST,), out=out / "lif",
                             duration_ms=50.0, **workers)
        cable = explorer.sweep("cable", grid={"n_compartments": [10.0]}, simulators=(FIRST,), out=out / "cable",
                               duration_ms=60.0, **workers)
    yield out, unchecked, lif, cable
    registry._ENTRY_POINTS.pop("lif_unchecked", None)  # registered for this module only
    registry._models.pop("lif_unchecked", None)


def test_a_model_registered_at_run_time_runs_on_the_workers_and_its_bad_point_alone_fails(swept):
    out, unchecked, _, _ = swept
    assert len(unchecked) == 3 and unchecked["key"].is_unique
    ok = unchecked[unchecked["status"] == "ok"].sort_values("cm")
    assert ok["cm"].tolist() == [1.0, 2.0] and (ok["n_spikes"] > 0).all()
    failed = unchecked[unchecked["status"] == "failed"]
    assert failed["cm"].tolist() == [-1.0] and failed["error"].iloc[0].startswith(("BadProperty", "NESTError"))
    assert set(unchecked["code_version"]) == {code_version("lif_unchecked", FIRST)}
    assert unchecked.attrs["counts"] == {"ok": 2, "failed": 1, "cached": 0, "total": 3,
                                         "wall_time_s": unchecked.attrs["counts"]["wall_time_s"]}
    pd.testing.assert_frame_equal(explorer.read_sweep(out / "unchecked").sort_values("key").reset_index(drop=True),
                                  unchecked.sort_values("key").reset_index(drop=True), check_like=True)


def test_rows_from_workers_carry_their_provenance_and_only_tables_that_exist(swept):
    out, _, lif, cable = swept
    (row,) = lif.to_dict("records")
    assert row["status"] == "ok" and row["simulator_version"] == backends.version(FIRST)
    assert row["zoo_version"] == zoo.__version__ and row["model"] == "lif" and row["batch_size"] == 1
    expected = zoo.run("lif", FIRST, duration_ms=50.0, i_offset=1.5, progress=False)
    assert np.array_equal(row["spike_times_ms"], expected.spike_trains_ms()[0])
    assert not (out / "lif" / store.TABLES).exists(), "a point without tables got a tables folder"
    (key,) = cable["key"]
    tables = explorer.read_tables(out / "cable", key)
    assert list(tables) == ["profile"] and len(tables["profile"]) > 0
