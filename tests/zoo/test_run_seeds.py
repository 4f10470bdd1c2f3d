"""Seeds in one simulation (``zoo.run_seeds``, ``Model.seed_selects_input``): each
seed's result is the one it gets alone, on every simulator; the explorer batches a
sweep's seeds where the simulator gains from it, and keeps failure isolation and
resumability per seed."""
import numpy as np
import pandas as pd
import pytest

import explorer
import zoo
from explorer.tasks import SeedBatch, batch_seeds, plan
from zoo import backends, registry

from tests.conftest import runs
from tests.models_for_tests import FAILING_SEED

MODEL = "masquelier2008"
SHORT_MS = 1000.0


def _same_result(together, alone):
    pd.testing.assert_frame_equal(together.spikes, alone.spikes)
    pd.testing.assert_frame_equal(together.summary, alone.summary)
    assert together.tables.keys() == alone.tables.keys()
    for name in alone.tables:
        pd.testing.assert_frame_equal(together.tables[name], alone.tables[name])
    assert together.meta["seed"].iloc[0] == alone.meta["seed"].iloc[0]


@pytest.mark.parametrize("simulator", runs(MODEL))
def test_each_seed_of_a_joint_run_is_its_run_alone(simulator):
    seeds = [3, 1]
    together = zoo.run_seeds(MODEL, seeds, simulator=simulator, duration_ms=SHORT_MS)
    alone = [zoo.run(MODEL, simulator, duration_ms=SHORT_MS, seed=seed) for seed in seeds]
    assert len(alone[0].spikes) > 20 and not alone[0].spikes.equals(alone[1].spikes)  # seeds differ
    for joint, single in zip(together, alone):
        _same_result(joint, single)


def test_joint_seeds_are_refused_for_a_model_whose_seed_shapes_the_network():
    with pytest.raises(ValueError, match="seed_selects_input"):
        zoo.run_seeds("lif", [1, 2])
    with pytest.raises(ValueError, match="distinct seeds"):
        zoo.run_seeds(MODEL, [1, 1], duration_ms=SHORT_MS)
    with pytest.raises(ValueError, match="would need about"):  # one seed's estimate times the seeds
        zoo.run_seeds(MODEL, range(1, 5), duration_ms=450_000.0)


def _tasks(model, simulators, seeds, duration_ms, points=({},)):
    points = [{**registry.get(model).defaults(), **p} for p in points]
    return plan(model, registry.entry_point(model), points, registry.get(model).per_neuron_parameters,
                simulators, seeds, 0.1, duration_ms, 1000)


def test_no_backend_batches_seeds_since_none_gains():
    tasks = _tasks(MODEL, backends.available(registry.get(MODEL)), range(1, 5), 75_000.0)
    assert batch_seeds(registry.get(MODEL), tasks, 1000, 2, 8.0) == tasks


def test_seeds_are_batched_within_memory_and_spread_over_the_workers():
    """Asked for (``always``, as ``explorer.sweep(seed_batches=True)`` asks)."""
    model = registry.get(MODEL)
    tasks = _tasks(MODEL, ["brian2"], range(1, 21), 75_000.0)
    on = {"brian2": batch_seeds(model, tasks, batch_size=1000, parallel=2, memory_gib=8.0, always=True)}
    # 75 s of input is about 1 GiB a seed, so at most 8 seeds a batch
    sizes = sorted(len(t.tasks) if isinstance(t, SeedBatch) else 1 for t in on["brian2"])
    assert sizes == [6, 7, 7]
    assert sorted(t.seed for b in on["brian2"] for t in b.tasks) == list(range(1, 21))
    # few seeds: each worker still gets a batch; the inline scheduler takes them in one
    two = _tasks(MODEL, ["brian2"], [1, 2, 3, 4], 5_000.0)
    assert [len(b.tasks) for b in batch_seeds(model, two, 1000, 2, 8.0, always=True)] == [2, 2]
    assert [len(b.tasks) for b in batch_seeds(model, two, 1000, 1, 8.0, always=True)] == [4]
    # batch_size bounds the neurons of a batch; a model without the declaration is untouched
    assert [len(b.tasks) for b in batch_seeds(model, two, 3, 1, 8.0, always=True)] == [2, 2]
    lif_tasks = _tasks("lif", ["brian2"], [1, 2, 3], 100.0)
    assert batch_seeds(registry.get("lif"), lif_tasks, 1000, 1, 8.0, always=True) == lif_tasks
    with pytest.raises(ValueError, match="seed_selects_input"):
        explorer.sweep("lif", grid={"i_offset": [1.0]}, seeds=[1, 2], seed_batches=True, scheduler=explorer.INLINE)


@pytest.fixture(scope="module")
def failing_seed_model():
    """Registered for this module only: other tests list the zoo's own models."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(registry._ENTRY_POINTS, "masquelier2008_failing_seed",
                      "tests.models_for_tests:masquelier2008_failing_seed")
        yield "masquelier2008_failing_seed"


def test_batched_sweep_rows_are_each_seed_alone_and_a_failing_seed_fails_alone(tmp_path, failing_seed_model):
    """Asked for (``seed_batches=True``), the three seeds go as one batch; the failing
    seed is isolated (groups of about √3: it alone, the other two together), their rows and tables
    are those of each seed's own run, and the same sweep again runs nothing. (A 1 s
    run: runtime mode, whose two-copy code the joint-run test above has compiled.)"""
    seeds = [FAILING_SEED, 2, 1]
    kwargs = dict(grid={"w_init": [0.475]}, simulators=["brian2"], duration_ms=SHORT_MS, out=tmp_path,
                  scheduler=explorer.INLINE, seed_batches=True)
    table = explorer.sweep(failing_seed_model, seeds=seeds, **kwargs).set_index("seed")
    assert table.attrs["counts"]["ok"] == 2 and table.attrs["counts"]["failed"] == 1
    assert table.loc[FAILING_SEED, "status"] == "failed"
    assert f"no input for seed {FAILING_SEED}" in table.loc[FAILING_SEED, "error"]
    assert table.loc[2, "wall_time_s"] == table.loc[1, "wall_time_s"]  # one simulation
    for seed in (2, 1):
        alone = zoo.run(failing_seed_model, "brian2", duration_ms=SHORT_MS, seed=seed)
        row = table.loc[seed]
        assert row["status"] == "ok" and row["batch_size"] == 1
        np.testing.assert_array_equal(row["spike_times_ms"], alone.spikes["t_ms"].to_numpy())
        assert row["n_spikes"] == alone.summary["n_spikes"].iloc[0]
        assert row["potentiated_share"] == alone.summary["potentiated_share"].iloc[0]
        pd.testing.assert_frame_equal(explorer.read_tables(tmp_path, row["key"])["weights"], alone.tables["weights"])
    again = explorer.sweep(failing_seed_model, seeds=seeds, **kwargs)
    assert again.attrs["counts"] == {**again.attrs["counts"], "ok": 0, "failed": 0, "cached": 3}
