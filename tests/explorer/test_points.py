"""Sweep points: deterministic grids, seeded random samples, stable keys; inline sweeps."""
import numpy as np
import pytest

import explorer
from explorer.points import expand, point_key
from zoo import backends, registry
from explorer import points
from tests.explorer.conftest import FIRST
from zoo.declarations.parameters import parse_range, parse_values


def test_grid_is_a_sorted_cartesian_product():
    points = expand({"tau_m": [10.0, 20.0], "i_offset": [0.5, 1.0, 1.5]}, None, None, 0)
    assert len(points) == 6
    assert points[0] == {"i_offset": 0.5, "tau_m": 10.0} and points[1] == {"i_offset": 0.5, "tau_m": 20.0}


def test_random_samples_are_seeded_and_crossed_with_the_grid():
    a = expand({"tau_m": [10.0, 20.0]}, {"i_offset": (0.0, 2.0)}, 5, sample_seed=3)
    b = expand({"tau_m": [10.0, 20.0]}, {"i_offset": (0.0, 2.0)}, 5, sample_seed=3)
    c = expand({"tau_m": [10.0, 20.0]}, {"i_offset": (0.0, 2.0)}, 5, sample_seed=4)
    assert a == b and a != c and len(a) == 10
    assert all(0.0 <= p["i_offset"] < 2.0 for p in a)


def test_parsing_and_keys():
    assert parse_values("x", "0:1:3") == [0.0, 0.5, 1.0]
    assert parse_values("x", "1,2.5") == [1.0, 2.5]
    assert parse_range("x", "0:2") == (0.0, 2.0)
    key = point_key("lif", {"i_offset": 1.0}, "nest", "3.10.0", 0.1, 1, 1000.0)
    assert key == point_key("lif", {"i_offset": 1.0}, "nest", "3.10.0", 0.1, 1, 1000.0)
    assert key != point_key("lif", {"i_offset": 1.0}, "brian2", "2.9.0", 0.1, 1, 1000.0)
    assert key != point_key("lif", {"i_offset": 1.0}, "nest", "3.10.0", 0.1, 2, 1000.0)


def test_inline_two_parameter_sweep_is_one_population_and_plots_a_heatmap(tmp_path):
    grid = {"i_offset": np.linspace(0.5, 2.0, 4), "tau_m": [10.0, 20.0, 30.0]}
    table = explorer.sweep("lif", grid=grid, simulators=(backends.DEFAULT,), seeds=(1, 2), out=tmp_path / "t",
                           scheduler="inline", duration_ms=300.0)
    assert len(table) == 24 and set(table["seed"]) == {1, 2}
    assert set(table["batch_size"]) == {12}  # per seed, all 12 points in one population
    png = explorer.plot_sweep(table, tmp_path / "heat.png")
    assert png.stat().st_size > 10_000


def test_a_sweep_folder_keeps_one_protocol(tmp_path):
    """Reusing a folder with another duration or time step would mix two protocols in
    one table (and one line of a plot): refused before any task. Adding points is fine."""
    out = tmp_path / "sweep"
    explorer.sweep("lif", grid={"i_offset": [1.0]}, simulators=(backends.DEFAULT,), out=out, scheduler="inline",
                   duration_ms=100.0)
    with pytest.raises(ValueError, match="duration_ms = 100 ms, not 200 ms"):
        explorer.sweep("lif", grid={"i_offset": [1.0]}, simulators=(backends.DEFAULT,), out=out,
                       scheduler="inline", duration_ms=200.0)
    with pytest.raises(ValueError, match="dt_ms = 0.1 ms, not 0.05 ms"):
        explorer.sweep("lif", grid={"i_offset": [1.0]}, simulators=(backends.DEFAULT,), out=out,
                       scheduler="inline", duration_ms=100.0, dt_ms=0.05)
    more = explorer.sweep("lif", grid={"i_offset": [1.0, 1.5]}, simulators=(backends.DEFAULT,), out=out,
                          scheduler="inline", duration_ms=100.0)
    assert more.attrs["counts"]["cached"] == 1 and more.attrs["counts"]["ok"] == 1


def test_plot_against_either_parameter_of_a_two_parameter_sweep(tmp_path):
    """``--x`` on a two-parameter sweep draws the metric against it, one line per value
    of the other parameter (it failed with 'Grouper ... not 1-dimensional')."""
    grid = {"i_offset": np.linspace(0.8, 2.0, 4), "tau_m": [10.0, 20.0]}
    table = explorer.sweep("lif", grid=grid, simulators=(backends.DEFAULT,), out=tmp_path / "t", scheduler="inline",
                           duration_ms=200.0)
    for x in ("i_offset", "tau_m"):
        png = explorer.plot_sweep(table, tmp_path / f"{x}.png", x=x)
        assert png.stat().st_size > 10_000


def test_a_cable_sweep_plots_without_naming_a_metric(tmp_path):
    """The default metric comes from the model (a cable has no rate_hz)."""
    table = explorer.sweep("cable", grid={"diameter": [1.0, 2.0], "n_compartments": [10.0]},
                           simulators=(backends.DEFAULT,), out=tmp_path / "c", scheduler="inline", duration_ms=120.0)
    assert explorer.plots.default_metric(table) == "input_resistance_mohm"
    assert explorer.plot_sweep(table, tmp_path / "cable.png").stat().st_size > 10_000


def test_validating_no_points_is_refused():
    with pytest.raises(ValueError, match="^the sweep has no points$"):
        points.validate("lif", [], [FIRST], 0.1, 100.0)


def test_expand_edges():
    with pytest.raises(ValueError, match="^grid 'i_offset' is empty$"):
        points.expand({"i_offset": []}, None, None, 0)
    assert len(points.expand(None, {"tau_m": (5.0, 10.0)}, 1, 0)) == 1
    for bad in (0, -1, None):
        with pytest.raises(ValueError, match="^random sampling needs samples >= 1$"):
            points.expand(None, {"tau_m": (5.0, 10.0)}, bad, 0)


def test_a_network_points_rows_have_one_stable_key_per_population():
    """A point's key is its row's, or for a network one key per population: 16 hex digits,
    distinct, the same in every release (stored rows are found again by them)."""
    key = "0123456789abcdef"
    assert points.row_keys(registry.get("lif"), key) == [key]
    brunel = registry.get("brunel2000")
    assert brunel.populations == ("E", "I")
    assert points.row_keys(brunel, key) == ["790b1648708b8779", "48ca6c02c889fa1a"]


def test_every_point_is_checked_on_every_simulator_at_the_sweeps_time_step():
    """What the simulators' own checks refuse (a stiff cell on brian2, a network too large
    for neuron) is refused at any point of the sweep; what they accept passes."""
    points.validate("hh", [{"cm": 0.1}], ["brian2"], 0.1, 100.0)
    with pytest.raises(ValueError, match="^on brian2 this HH_curr_alpha cell is too stiff"):
        points.validate("hh", [{}, {"cm": 0.01}], ["nest", "brian2"], 0.1, 100.0)
    points.validate("brunel2000", [{"scale": 0.25}], ["neuron"], 0.1, 100.0)
    with pytest.raises(ValueError, match="^brunel2000 at these values has 4,687,500 synapses; neuron runs networks "
                                         "of at most 4,000,000"):
        points.validate("brunel2000", [{"scale": 0.25}, {"scale": 0.3}], ["nest", "neuron"], 0.1, 100.0)


def test_a_simulators_key_follows_its_own_translation_and_the_pair_key_does_not(monkeypatch):
    """A point's key on a simulator hashes that simulator's code version (its backend's
    translation), so a change there reruns its rows; the key shared by every simulator
    (``simulator=None``) hashes only the shared code and stays."""
    from explorer.code_version import code_version

    args = ("lif", {"i_offset": 1.0})
    before = point_key(*args, FIRST, "1.0", 0.1, 1, 100.0), point_key(*args, None, None, 0.1, 1, 100.0)
    monkeypatch.setattr(points, "code_version",
                        lambda model, simulator: code_version(model, simulator) + ("+" if simulator == FIRST else ""))
    after = point_key(*args, FIRST, "1.0", 0.1, 1, 100.0), point_key(*args, None, None, 0.1, 1, 100.0)
    assert after[0] != before[0] and after[1] == before[1]
