"""Rows are what they claim: a sweep row, rerun alone with ``zoo.run`` from its own
provenance (model, simulator, dt, duration, seed, parameters), gives the same
metrics and the same spike train.

A sweep runs many points as one heterogeneous population; if the values of a
per-neuron parameter reached the wrong neurons (reversed, shifted), every row would
still look plausible and the simulators would still agree with each other, since both
would make the same mistake. Only rerunning each row's own point alone catches it."""
import numpy as np
import pytest

import explorer
import zoo
from zoo import backends, registry

from tests.conftest import runs

SEED = 20261127  # which rows are drawn


@pytest.fixture(scope="module")
def lif_table():
    grid = {"i_offset": [0.8, 1.1, 1.4, 1.7, 2.0], "tau_m": [12.0, 25.0], "v_thresh": [-52.0, -48.0]}
    return explorer.sweep("lif", grid=grid, simulators=runs("lif"), seeds=(1, 2), duration_ms=150.0,
                          scheduler="inline")


@pytest.fixture(scope="module")
def trials_table():
    """A model whose seed draws its input noise, one row pooling each point's trials (the
    pooling is the explorer's, the same on every simulator: the default one serves)."""
    grid = {"noise_sigma": [0.1, 0.2], "n_trials": [4.0]}
    return explorer.sweep("mainen_sejnowski1995", grid=grid, simulators=(backends.DEFAULT,), seeds=(3, 4),
                          duration_ms=300.0, scheduler="inline")


def rerun_alone(row):
    model = registry.get(row["model"])
    params = {name: row[name] for name in model.parameter_names}
    result = zoo.run(row["model"], simulator=row["simulator"], dt_ms=row["dt_ms"], duration_ms=row["duration_ms"],
                     seed=int(row["seed"]), **params)
    summary, trains = result.summary, result.spike_trains_ms()
    if model.trials is not None:
        summary, trains = explorer.tasks.pooled_trials(model, summary.drop(columns="neuron"), trains)
    assert len(summary) == 1
    return model, summary.iloc[0], trains[0]


def assert_row_is_its_point(row):
    model, alone, train = rerun_alone(row)
    np.testing.assert_array_equal(np.asarray(row["spike_times_ms"], dtype=float), train)
    for metric in model.metrics:
        if metric.name in alone:
            np.testing.assert_allclose(float(row[metric.name]), float(alone[metric.name]), rtol=0, atol=0,
                                       err_msg=metric.name)


def test_heterogeneous_batches_ran_as_one_population(lif_table):
    # 5 currents × 2 time constants × 2 thresholds: one population per simulator and seed
    assert set(lif_table["batch_size"]) == {20} and (lif_table["status"] == "ok").all()
    assert lif_table.groupby(["simulator", "seed"])["spike_times_ms"].apply(
        lambda trains: len({tuple(t) for t in trains})).min() > 10  # the points differ


def test_random_lif_rows_rerun_alone_give_the_same_train_and_metrics(lif_table):
    rng = np.random.default_rng(SEED)
    for index in rng.choice(len(lif_table), size=8, replace=False):
        assert_row_is_its_point(lif_table.iloc[index])


def test_random_rows_of_a_model_of_trials_rerun_alone_give_the_same_row(trials_table):
    assert (trials_table["status"] == "ok").all()
    rng = np.random.default_rng(SEED)
    for index in rng.choice(len(trials_table), size=4, replace=False):
        assert_row_is_its_point(trials_table.iloc[index])
