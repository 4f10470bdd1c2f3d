"""Every figure type is rendered and its content checked: panels, labels with units
from the declarations, the data drawn, and the broken layouts of issue 17 (one tangle
of traces, empty panels, hidden tick labels, a tolerance drawn as a stroke, a blank
heatmap of random samples, round-off coloured as data) do not come back."""
import warnings

import numpy as np
import pytest
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.colors import LogNorm
from matplotlib.patches import StepPatch

import explorer
import zoo
from zoo import backends
from zoo.figures import MAX_TRACES, run_figure
from zoo.models.cable.metrics import STEADY_RESIDUE

from tests.conftest import SIMULATORS


def _by_title(fig) -> dict:
    return {ax.get_title(): ax for ax in fig.axes}


def _tick_labels(ax) -> list[str]:
    ax.figure.canvas.draw()
    return [t.get_text() for t in ax.get_xticklabels() if t.get_visible() and t.get_text()]


def test_a_population_that_varies_a_current_shows_its_f_i_curve_raster_and_few_traces():
    result = zoo.run("lif", duration_ms=300.0, i_offset=np.linspace(0.0, 2.0, 11))
    fig = run_figure(result)
    axes = _by_title(fig)
    curve = axes["rate_hz against i_offset"]
    assert curve.get_xlabel() == "i_offset (nA)" and curve.get_ylabel() == "firing rate, rate_hz (Hz)"
    simulated, theory = curve.get_lines()[:2]
    assert np.allclose(simulated.get_ydata(), result.summary.sort_values("i_offset")["rate_hz"])
    assert theory.get_label() == "closed form" and len(theory.get_xdata()) >= 100
    raster = axes["spikes, one row per neuron"]
    assert raster.get_ylabel() == "i_offset (nA)"
    assert {float(t.get_text()) for t in raster.get_yticklabels()} <= set(np.round(result.summary["i_offset"], 3))
    assert len(raster.get_lines()[0].get_xdata()) == len(result.spikes)
    traces = next(ax for title, ax in axes.items() if title.startswith("membrane potential"))
    labels = [line.get_label() for line in traces.get_lines() if not line.get_label().startswith("_")]
    assert 1 <= len(labels) <= MAX_TRACES and all(label.startswith("i_offset = ") for label in labels)
    assert _tick_labels(traces) and _tick_labels(raster)
    current = next(ax for ax in fig.axes if ax.get_ylabel() == "injected (nA)")
    assert {round(float(line.get_ydata()[0]), 6) for line in current.get_lines()} <= set(result.summary["i_offset"])


def test_a_single_neuron_shows_its_potential_above_the_injected_step():
    params = dict(i_offset=0.5, step_amplitude=0.5, step_start=100.0, step_stop=300.0)
    result = zoo.run("lif", duration_ms=400.0, **params)
    fig = run_figure(result)
    v_ax, i_ax = fig.axes
    assert v_ax.get_ylabel() == "v (mV)" and i_ax.get_ylabel() == "injected (nA)" and i_ax.get_xlabel() == "t (ms)"
    t, current = (np.asarray(a) for a in i_ax.get_lines()[0].get_data())
    assert np.isclose(current.min(), 0.5) and np.isclose(current.max(), 1.0)
    assert np.isclose(t[current > 0.75].min(), 100.0, atol=0.5) and np.isclose(t[current > 0.75].max(), 300.0, atol=0.5)
    spike_marks = v_ax.get_lines()[1].get_xdata()
    assert np.allclose(spike_marks, result.spikes["t_ms"]) and len(spike_marks) > 0
    assert _tick_labels(v_ax)


def test_the_cable_shows_v_of_t_at_positions_and_v_of_x_against_theory():
    result = zoo.run("cable", duration_ms=120.0)
    fig = run_figure(result)
    axes = _by_title(fig)
    v_t, v_x = axes["membrane potential at five positions"], axes["V(x)"]
    assert [line.get_label() for line in v_t.get_lines()][0] == "x = 5 µm" and len(v_t.get_lines()) == 5
    assert v_x.get_xlabel() == "position x (µm)" and v_x.get_ylabel() == "V (mV)"
    simulated, theory = v_x.get_lines()[:2]
    assert theory.get_label() == "closed form, steady state"
    assert np.allclose(theory.get_ydata(), result.profile["v_steady_closed_form_mv"])
    deflection = np.abs(theory.get_ydata() - result.summary["v_rest"].iloc[0]).max()
    # settled (119 ms > 4.6 tau_m): within STEADY_RESIDUE of the deflection, plus the discretisation
    assert np.abs(simulated.get_ydata() - theory.get_ydata()).max() < (STEADY_RESIDUE + 0.002) * deflection
    current = next(ax for ax in fig.axes if ax.get_ylabel() == "injected at x = 0 (nA)")
    assert np.isclose(np.max(current.get_lines()[0].get_ydata()), result.summary["amplitude"].iloc[0])


def test_masquelier_run_draws_the_papers_panels_without_empty_ones():
    result = zoo.run("masquelier2008", duration_ms=3000.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. matplotlib's "No artists with labels found to put in legend"
        fig = run_figure(result)
    titles = [ax.get_title() for ax in fig.axes]
    assert [t.split(" (")[0] for t in titles] == ["latency", "weights", "last 1 s of input"]
    latency, weights, raster = fig.axes
    assert len(latency.get_lines()[0].get_xdata()) + len(latency.get_lines()[1].get_xdata()) == result.summary[
        "n_spikes"].iloc[0]
    assert sum(p.get_height() for p in weights.patches) == 2000
    assert len(raster.get_lines()[0].get_xdata()) > 1000  # the input spikes of the last second


@pytest.fixture(scope="module")
def two_simulator_sweep():
    return explorer.sweep("lapicque", grid={"i_offset": np.linspace(0.0, 2.0, 41)}, simulators=SIMULATORS[:2],
                          duration_ms=500.0, scheduler=explorer.INLINE, progress=False)


def test_a_sweep_on_two_simulators_keeps_them_apart_and_draws_the_tolerance_as_a_band(two_simulator_sweep):
    fig = explorer.sweep_figure(two_simulator_sweep)
    top, bottom = fig.axes
    assert top.get_ylabel() == "firing rate, rate_hz (Hz)" and bottom.get_ylabel().startswith("Δ firing rate")
    assert _tick_labels(top) and _tick_labels(bottom)
    lines = [line for line in top.get_lines() if line.get_label() in {f"{s} (seed 1)" for s in SIMULATORS[:2]}]
    assert len(lines) == 2 and len({(line.get_marker(), line.get_linestyle()) for line in lines}) == 2
    band = [p for p in bottom.patches if isinstance(p, StepPatch)]
    assert len(band) == 1
    edges = band[0].get_data().edges
    assert np.isclose(edges[0], -0.025) and np.isclose(edges[-1], 2.025)  # one bin per point, not a stroke


def test_a_one_simulator_sweep_has_one_panel_with_tick_labels(two_simulator_sweep):
    one = two_simulator_sweep[two_simulator_sweep["simulator"] == SIMULATORS[0]]
    fig = explorer.sweep_figure(one)
    assert len(fig.axes) == 1 and _tick_labels(fig.axes[0])


def test_random_samples_are_a_scatter_and_decades_get_a_log_colour_scale():
    table = explorer.sweep("lif", samples={"i_offset": (0.8, 2.0), "tau_m": (10.0, 30.0)}, n_samples=30,
                           simulators=[backends.DEFAULT], duration_ms=200.0, scheduler=explorer.INLINE, progress=False)
    fig = explorer.sweep_figure(table)
    assert any(isinstance(c, PathCollection) for c in fig.axes[0].collections)
    assert not any(isinstance(c, QuadMesh) for c in fig.axes[0].collections)
    assert "random samples" in fig.axes[0].get_title()
    grid = explorer.sweep("lif", grid={"i_offset": [0.8, 1.0, 2.0, 5.0, 50.0], "tau_m": [10.0, 20.0]},
                          simulators=[backends.DEFAULT], duration_ms=200.0, scheduler=explorer.INLINE, progress=False)
    heat = explorer.sweep_figure(grid, metric="first_spike_ms")  # from ~0.1 ms to ~50 ms: decades
    mesh = next(c for c in heat.axes[0].collections if isinstance(c, QuadMesh))
    assert isinstance(mesh.norm, LogNorm)
    regular = explorer.sweep_figure(grid, metric="cv_isi")  # perfectly regular firing: round-off is 0, not data
    values = next(c for c in regular.axes[0].collections if isinstance(c, QuadMesh)).get_array()
    assert np.ma.filled(values, 0.0).max() == 0.0


def test_a_sweep_where_every_point_failed_says_so_instead_of_crashing():
    zoo.registry.ensure("lif_unchecked", "tests.models_for_tests:lif_unchecked")
    table = explorer.sweep("lif_unchecked", grid={"cm": [-1.0, -2.0], "i_offset": [1.0]},
                           simulators=[backends.DEFAULT], scheduler=explorer.INLINE, progress=False,
                           duration_ms=50.0)
    assert (table["status"] == "failed").all()
    with pytest.raises(ValueError, match="nothing to plot|no metric with a value"):
        explorer.sweep_figure(table)
