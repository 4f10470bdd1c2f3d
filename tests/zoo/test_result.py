"""Result tables: tidy, provenance on every row, Parquet/CSV readable without the zoo, Neo."""
import subprocess
import sys
from importlib import metadata

import numpy as np
import pandas as pd
import pytest

import zoo
from zoo import backends


@pytest.fixture(scope="module")
def result():
    return zoo.run("lif", simulator=backends.DEFAULT, duration_ms=200.0, seed=5, i_offset=np.linspace(0.5, 2.0, 8))


def test_tables_have_the_documented_columns(result):
    assert list(result.spikes.columns) == ["neuron", "t_ms"]
    assert list(result.traces.columns) == ["t_ms", "neuron", "variable", "value"]
    assert {"neuron", "i_offset", "tau_m", "n_spikes", "rate_hz", "first_spike_ms", "mean_isi_ms", "cv_isi"} <= set(
        result.summary.columns
    )
    assert len(result.summary) == 8
    info = result.info
    assert info["model"] == "lif" and info["simulator"] == backends.DEFAULT
    assert info["simulator_version"] == backends.version(backends.DEFAULT)
    assert info["pynn_version"] == metadata.version("PyNN") and info["dt_ms"] == 0.1 and info["seed"] == 5
    assert info["duration_ms"] == 200.0 and info["wall_time_s"] > 0


def test_spike_table_is_consistent_with_summary(result):
    counts = result.spikes.groupby("neuron").size().reindex(range(8), fill_value=0)
    np.testing.assert_array_equal(counts.to_numpy(), result.summary["n_spikes"].to_numpy())
    assert result.spikes["t_ms"].between(0, 200.0).all()


def test_traces_start_at_rest_and_stay_below_threshold(result):
    v = result.traces[result.traces["variable"] == "v"]
    assert sorted(v["neuron"].unique()) == [0, 2, 4, 5, 7]  # 5 neurons spread evenly over 8
    assert (v[v["t_ms"] == 0]["value"] == -65.0).all()
    assert v["value"].max() < -50.0 and v["value"].min() >= -65.0
    assert len(v) == 5 * 2001


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_save_is_readable_by_plain_pandas(result, tmp_path, suffix):
    paths = result.save(tmp_path / f"run{suffix}")
    assert [p.name for p in paths] == [f"run{suffix}", f"run.spikes{suffix}", f"run.traces{suffix}"]
    code = (
        "import pandas as pd, sys\n"
        "read = pd.read_parquet if sys.argv[1].endswith('.parquet') else pd.read_csv\n"
        "t = read(sys.argv[1])\n"
        "print(len(t), t['model'][0], t['simulator'][0], t['seed'][0], t['dt_ms'][0], round(t['i_offset'].sum(), 6))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(paths[0])], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["8", "lif", backends.DEFAULT, "5", "0.1", f"{round(np.linspace(0.5, 2.0, 8).sum(), 6)}"]
    read = pd.read_parquet if suffix == ".parquet" else pd.read_csv
    pd.testing.assert_frame_equal(read(paths[1]), result.spikes, check_dtype=False)


def test_to_neo_is_the_block_pynn_recorded_at_the_reported_times(result):
    """No round trip through the tables: the Neo block PyNN returned, its spike trains
    at the zoo's reported times (the same as the spike table)."""
    block = result.to_neo()
    segment = block.segments[0]
    assert len(segment.spiketrains) == 8 and block.annotations["size"] == 8
    for train in segment.spiketrains:
        neuron = int(train.annotations["source_index"])
        expected = result.spikes.loc[result.spikes["neuron"] == neuron, "t_ms"].to_numpy()
        np.testing.assert_allclose(train.rescale("ms").magnitude, expected)
        assert float(train.t_stop) == 200.0 and train.segment is segment
    (signal,) = segment.analogsignals
    assert signal.shape == (2001, 5) and str(signal.units.dimensionality) == "mV"


def test_brian2_spike_trains_are_moved_to_the_reported_step():
    """Brian2 stamps a spike at the start of its step; the block says what the zoo reports."""
    other = [s for s in backends.names() if backends.backend_class(s).spike_report_offset_steps]
    for simulator in other:
        r = zoo.run("lif", simulator=simulator, duration_ms=50.0, i_offset=[2.0])
        (train,) = r.to_neo().segments[0].spiketrains
        np.testing.assert_allclose(train.magnitude, r.spikes["t_ms"])
