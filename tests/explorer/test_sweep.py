"""The explorer: a vectorised 2000-point sweep on every simulator, on 2 Dask workers."""
import subprocess
import sys
from importlib import metadata

import numpy as np
import pandas as pd
import pytest

import explorer
from zoo import backends
from zoo.declarations.tolerances import crossing_error_ms, grid_rate_tolerance_hz, grid_ties

from tests.conftest import pairs_of, runs

SIMULATORS, PAIRS = runs("lif"), pairs_of("lif")

N = 2000


@pytest.fixture(scope="module")
def lif_sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("lif-sweep")
    table = explorer.sweep("lif", grid={"i_offset": np.linspace(0.0, 2.0, N)}, simulators=SIMULATORS,
                           out=out, workers=2)
    return table, out


def test_table_shape_columns_and_provenance(lif_sweep):
    table, _ = lif_sweep
    assert len(table) == len(SIMULATORS) * N and table["key"].is_unique
    assert (table["status"] == "ok").all() and table["error"].isna().all()
    for column in ("model", "simulator", "simulator_version", "pynn_version", "dt_ms", "duration_ms", "seed",
                   "i_offset", "tau_m", "n_spikes", "rate_hz", "first_spike_ms", "cv_isi", "rate_hz_closed_form",
                   "spike_times_ms", "status", "error", "wall_time_s"):
        assert column in table.columns, column
    assert set(table["simulator"]) == set(SIMULATORS)
    for simulator in SIMULATORS:
        distribution = backends.backend_class(simulator).distribution
        assert set(table.loc[table["simulator"] == simulator, "simulator_version"]) == {metadata.version(distribution)}
    # vectorised: 2000 points per simulator ran as two populations of 1000, not 2000 simulations
    assert set(table["batch_size"]) == {1000}
    assert table.groupby("simulator")["wall_time_s"].nunique().max() <= 2
    counts = table.attrs["counts"]
    assert counts["ok"] == len(SIMULATORS) * N and counts["failed"] == 0 and counts["cached"] == 0


def test_rates_match_the_closed_form(lif_sweep):
    table, _ = lif_sweep
    tolerance = grid_rate_tolerance_hz(table["rate_hz_closed_form"], 0.1, 1000.0)
    assert (np.abs(table["rate_hz"] - table["rate_hz_closed_form"]) <= tolerance).all()
    assert table["rate_hz"].max() > 100


def test_simulators_agree_point_by_point(lif_sweep):
    table, _ = lif_sweep
    for first, second in PAIRS:
        a = table[table["simulator"] == first].set_index("pair_key").sort_index()
        b = table[table["simulator"] == second].set_index("pair_key").sort_index()
        assert (a.index == b.index).all()
        crossing = crossing_error_ms(a, backends.numerics((first, second), "IF_curr_exp", 0.1, 1000.0))
        off_tie = ~grid_ties(a["rate_hz_closed_form"], a["tau_refrac"], 0.1, crossing_ms=crossing)
        assert (a["n_spikes"][off_tie] == b["n_spikes"][off_tie]).all()
    comparison = explorer.compare(table)
    verdicts = explorer.verdicts(comparison)
    assert verdicts["pass"].all(), verdicts
    # the table says which simulator each value belongs to
    for (label, a, b), rows in comparison.groupby(["simulators", "simulator_a", "simulator_b"]):
        assert label == f"{b} vs {a}"
        by_key = table.set_index(["pair_key", "simulator"])["n_spikes"]
        sample = rows[rows["metric"] == "n_spikes"].head(20)
        for _, row in sample.iterrows():
            key = table.loc[(table["simulator"] == a) & (table["i_offset"] == row["i_offset"]), "pair_key"].iloc[0]
            assert row["value_a"] == by_key[(key, a)] and row["value_b"] == by_key[(key, b)]
    assert set(verdicts["metric"]) >= {"n_spikes", "first_spike_ms", "van_rossum", "victor_purpura", "coincidence_factor"}


def test_directory_opens_with_plain_pandas(lif_sweep):
    _, out = lif_sweep
    code = ("import pandas as pd, sys; t = pd.read_parquet(sys.argv[1]); "
            "print(len(t), t['key'].is_unique, sorted(t['simulator'].unique()), int(t['n_spikes'].sum()))")
    printed = subprocess.run([sys.executable, "-c", code, str(out)], capture_output=True, text=True, check=True).stdout
    table = pd.read_parquet(out)
    assert printed.split()[:2] == [str(len(SIMULATORS) * N), "True"]
    assert printed.strip().endswith(str(int(table["n_spikes"].sum())))


def test_a_rerun_runs_no_point_again(lif_sweep):
    table, out = lif_sweep
    again = explorer.sweep("lif", grid={"i_offset": np.linspace(0.0, 2.0, N)}, simulators=SIMULATORS, out=out)
    assert again.attrs["counts"]["cached"] == len(SIMULATORS) * N and again.attrs["counts"]["ok"] == 0
    assert len(again) == len(SIMULATORS) * N


def test_plot_and_compare_commands(lif_sweep, tmp_path):
    _, out = lif_sweep
    zoo = str(__import__("pathlib").Path(sys.executable).with_name("zoo"))
    done = subprocess.run([zoo, "compare", str(out)], capture_output=True, text=True)
    assert done.returncode == 0 and "van_rossum" in done.stdout and "PASS" in done.stdout
    png = tmp_path / "sweep.png"
    subprocess.run([zoo, "plot", str(out), "--out", str(png)], check=True, capture_output=True)
    assert png.stat().st_size > 20_000


def test_duplicate_points_are_run_and_stored_once(tmp_path):
    table = explorer.sweep("lif", grid={"i_offset": [1.0, 1.0, 1.5], "tau_m": 20.0}, simulators=(SIMULATORS[0],),
                           out=tmp_path, scheduler="inline", duration_ms=100.0)
    assert len(table) == 2 and table["key"].is_unique
    # the default written out is the same point as the default left out
    again = explorer.sweep("lif", grid={"i_offset": [1.0, 1.5]}, simulators=(SIMULATORS[0],), out=tmp_path,
                           scheduler="inline", duration_ms=100.0)
    assert again.attrs["counts"]["cached"] == 2 and again.attrs["counts"]["ok"] == 0


def test_a_sweep_process_starts_light_and_forks_workers_only_before_any_simulator():
    """``import explorer`` leaves Elephant (SciPy's statistics, 0.6 s) for ``compare``;
    local workers are forked only while no simulator is loaded (a fork would copy its
    state and threads), which ``backends.any_imported`` tells."""
    code = ("import sys, explorer, zoo; from zoo import backends; "
            "print('elephant' in sys.modules, backends.any_imported()); "
            "zoo.run('lif', duration_ms=10.0); print(backends.any_imported())")
    lines = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert lines[:2] == ["False False", "True"]
