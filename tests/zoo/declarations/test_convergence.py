"""Richardson extrapolation of a fixed-step scheme's error from its convergence runs
(``zoo.declarations.convergence``), at points worked out by hand, and the columns an
agreement reads them from."""
import numpy as np
import pandas as pd
import pytest

from zoo.declarations.convergence import (NO_CONVERGENCE_RUN, NOT_CONVERGING, column, richardson_error, steps,
                                          with_convergence_runs)

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def runs(*levels, steps_ms=(0.1, 0.05, 0.025)):
    """Side b's metric ``m`` at each level, its steps in ``dt_ms@b…``."""
    rows = {"n_spikes": [1.0], "dt_ms@b": [steps_ms[0]]}
    for level, value in enumerate(levels):
        rows[column("m", "b", level)] = [value]
        if level:
            rows[column("dt_ms", "b", level)] = [steps_ms[level]]
    return rows


def no_grid(h, level):
    return np.zeros(1)


def test_column_names():
    assert column("m") == "m" and column("m", "b") == "m@b"
    assert column("m", "a", 1) == "m@a'" and column("m", "b", 2) == "m@b''"
    with pytest.raises(ValueError, match="^side must be one of"):
        column("m", "c")


def test_two_steps_by_hand():
    # M(h) = M* + C·h²: 10.4 at 0.1, 10.1 at 0.05 (M* = 10, C = 40): error 0.3·4/3 = 0.4
    bound, why = richardson_error(runs(10.4, 10.1), "m", "b", 0.1, 2, no_grid)
    assert bound[0] == pytest.approx(0.4) and why.tolist() == [""]
    # first order: 2/(2 − 1)·d
    bound, _ = richardson_error(runs(10.4, 10.1), "m", "b", 0.1, 1, no_grid)
    assert bound[0] == pytest.approx(0.6)
    # a non-halving ratio (0.025 → 0.01: r = 2.5): h₀²/(h₀² − h₁²) = 6.25/5.25
    bound, _ = richardson_error(runs(1.0, 0.5, steps_ms=(0.025, 0.01)), "m", "b", 0.025, 2, no_grid)
    assert bound[0] == pytest.approx(0.5 * 6.25 / 5.25)
    # the grid's quantisation widens the difference, its offset is removed first
    bound, _ = richardson_error(runs(10.4, 10.1), "m", "b", 0.1, 2, lambda h, level: h, lambda h, level: h)
    assert bound[0] == pytest.approx((0.25 + 0.15) * 4 / 3)


def test_the_third_step_guards_the_estimate():
    # asymptotic: both estimates agree (0.4)
    bound, _ = richardson_error(runs(10.4, 10.1, 10.025), "m", "b", 0.1, 2, no_grid)
    assert bound[0] == pytest.approx(0.4)
    # 0.1 ms before the asymptotic regime: the finer pair's estimate, 0.3 + 0.1/3, is larger
    bound, _ = richardson_error(runs(10.4, 10.2, 10.1), "m", "b", 0.1, 2, no_grid)
    assert bound[0] == pytest.approx(0.3 + 0.1 / 3)
    # growing differences: no convergence to extrapolate
    bound, why = richardson_error(runs(10.1, 10.2, 10.5), "m", "b", 0.1, 2, no_grid)
    assert np.isnan(bound[0]) and why.tolist() == [NOT_CONVERGING]
    # ... unless the quantisation explains the growth
    bound, why = richardson_error(runs(10.1, 10.2, 10.5), "m", "b", 0.1, 2, lambda h, level: np.full(1, 0.1))
    assert why.tolist() == [""] and np.isfinite(bound[0])


def test_missing_runs_and_values():
    bound, why = richardson_error(runs(10.4), "m", "b", 0.1, 2, no_grid)
    assert np.isnan(bound[0]) and why.tolist() == [NO_CONVERGENCE_RUN]
    # the metric undefined at both steps (no spike): nothing moved
    bound, _ = richardson_error(runs(np.nan, np.nan), "m", "b", 0.1, 2, no_grid)
    assert bound[0] == 0.0
    # defined at one only: no bound
    bound, _ = richardson_error(runs(10.0, np.nan), "m", "b", 0.1, 2, no_grid)
    assert np.isinf(bound[0])


def test_steps_of_each_side():
    rows = runs(1.0, 1.0)
    assert [s.tolist() for s in steps(rows, 0.1, "b")][:2] == [[0.1], [0.05]]
    assert np.isnan(steps(rows, 0.1, "b")[2][0])
    assert steps({"n_spikes": [1.0]}, 0.1, "a")[0].tolist() == [0.1]


def test_convergence_runs_are_matched_by_point():
    """Each side gets its own simulator's rows at the next two finer steps, by the
    point's parameters (not by row order); a missing run is NaN."""
    def rows(simulator, dt, values):
        return pd.DataFrame({"simulator": simulator, "dt_ms": dt, "i": [1.0, 2.0], "seed": 1, "duration_ms": 100.0,
                             "m": values, "status": "ok", "key": ["k1", "k2"], "pair_key": ["p1", "p2"]})

    left = rows("x", 0.1, [1.0, 2.0]).set_index("pair_key")
    right = rows("y", 0.1, [1.5, 2.5]).set_index("pair_key")
    refined = pd.concat([rows("x", 0.05, [1.1, 2.1])[::-1], rows("y", 0.05, [1.6, 2.6]), rows("y", 0.025, [1.7, 2.7]),
                         rows("y", 0.01, [9.0, 9.0]), rows("x", 0.2, [9.0, 9.0])], ignore_index=True)
    refined.loc[(refined["simulator"] == "y") & (refined["dt_ms"] == 0.025) & (refined["i"] == 2.0), "status"] = "failed"
    out = with_convergence_runs(left, right, refined, ["i", "seed", "duration_ms"], "x", "y")
    assert list(out.index) == ["p1", "p2"] and out["m"].tolist() == [1.0, 2.0]
    assert out["m@b"].tolist() == [1.5, 2.5] and out["dt_ms@b"].tolist() == [0.1, 0.1]
    assert out["m@a'"].tolist() == [1.1, 2.1] and out["dt_ms@a'"].tolist() == [0.05, 0.05]
    assert "m@a''" not in out  # x ran no second finer step
    assert out["m@b'"].tolist() == [1.6, 2.6]
    assert out["m@b''"].tolist()[0] == 1.7 and np.isnan(out["m@b''"].tolist()[1])
    assert out["dt_ms@b''"].tolist()[0] == 0.025 and np.isnan(out["dt_ms@b''"].tolist()[1])
    # one simulator at two steps: side b's own finer steps
    out = with_convergence_runs(left, left, refined, ["i", "seed", "duration_ms"], "y", "y", step_b=0.05)
    assert out["dt_ms@b"].tolist() == [0.05, 0.05] and out["m@a'"].tolist() == [1.6, 2.6]
    assert out["m@b'"].tolist()[0] == 1.7 and np.isnan(out["m@b'"].tolist()[1])
    assert out["m@b''"].tolist() == [9.0, 9.0] and out["dt_ms@b''"].tolist() == [0.01, 0.01]
    # without convergence runs: side b only
    out = with_convergence_runs(left, right, None, ["i", "seed", "duration_ms"], "x", "y")
    assert "m@a'" not in out and out["m@b"].tolist() == [1.5, 2.5]
