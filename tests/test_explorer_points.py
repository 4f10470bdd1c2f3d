"""Sweep points: deterministic grids, seeded random samples, stable keys; inline sweeps."""
import numpy as np

import explorer
from zoo import backends
from explorer.points import expand, point_key
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
