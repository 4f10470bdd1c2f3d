"""Rasters and spike histograms of any run or sweep (explorer.plot_raster, plot_psth)."""
import numpy as np
import pytest

import explorer
import zoo


@pytest.fixture(scope="module")
def population():
    return zoo.run("lif", "nest", duration_ms=200.0, i_offset=np.linspace(0.0, 1.5, 20))


def test_the_psth_counts_every_spike_once_in_its_bin(population):
    histogram = explorer.psth(population, bin_ms=5.0)
    assert histogram["count"].sum() == len(population.spikes)
    assert len(histogram) == 40 and histogram["t_ms"].iloc[1] == 5.0
    first = population.spikes["t_ms"].min()
    # bins are (a, b]: a spike reported at the end of its step belongs to the bin it ends
    assert histogram.loc[histogram["count"] > 0, "t_ms"].iloc[0] == 5.0 * np.ceil(first / 5.0) - 5.0
    # spikes per neuron per second
    np.testing.assert_allclose(histogram["rate_hz"], histogram["count"] / 20 / 0.005)


def test_a_sweep_table_gives_the_same_psth_as_the_run(population, tmp_path):
    table = explorer.sweep("lif", grid={"i_offset": np.linspace(0.0, 1.5, 20)}, simulators=["nest"],
                           duration_ms=200.0, scheduler=explorer.INLINE, progress=False)
    ours, theirs = explorer.psth(table, 5.0), explorer.psth(population, 5.0)
    np.testing.assert_array_equal(ours["count"], theirs["count"])


def test_raster_and_psth_draw_every_neuron(population, tmp_path):
    ax = explorer.plot_raster(population)
    assert len(ax.collections) == 20  # one row per neuron, silent ones too
    explorer.plot_psth(population, 5.0).figure.savefig(tmp_path / "psth.png")
    assert (tmp_path / "psth.png").stat().st_size > 0


def test_a_bin_that_is_not_positive_is_refused(population):
    with pytest.raises(ValueError, match="bin"):
        explorer.psth(population, 0.0)
