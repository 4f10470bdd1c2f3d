"""The statistical judge of networks: exact in its false-failure rate, passes NEST against
Brian2 on Brunel's network, and fails a planted 10 % change of g on every pair, either side."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from zoo import registry
from zoo.declarations.network_judge import NetworkRun, judge, splits
from zoo.models import brunel2000
from zoo.network_checks import network_runs, sweep_seeds

from tests.conftest import pairs_of


def _runs(rng, n, rate=10.0, spread=0.5, neurons=400):
    return [NetworkRun(measures={"rate_hz": rate + spread * rng.standard_normal(), "cv_isi": 0.8,
                                 "synchrony": 0.1, "oscillation_hz": 50.0},
                       neurons={"rate_hz": rng.normal(rate, 2.0, neurons), "cv_isi": rng.normal(0.8, 0.1, neurons)})
            for _ in range(n)]


def test_every_split_is_counted_once_and_the_false_failure_rate_is_one_in_their_number():
    for n in (3, 4, 5):
        rows = splits(n)
        assert len(rows) == math.comb(2 * n, n) // 2 and rows[0, :n].all() and not rows[0, n:].any()
        assert len({tuple(r) for r in rows} | {tuple(~r) for r in rows}) == math.comb(2 * n, n)


def test_runs_from_one_distribution_fail_about_as_often_as_declared():
    """Under the null hypothesis the observed split is one of 126 exchangeable ones: the
    judge fails about 1 in 126: at most 6 of 200 draws (expected 1.6; more than 6 has
    probability 3e-4 for a judge that keeps its rate)."""
    rng = np.random.default_rng(5)
    failures = sum(not all(r["pass"] for r in judge({"E": _runs(rng, 5, neurons=100)}, {"E": _runs(rng, 5, neurons=100)}))
                   for _ in range(200))
    assert failures <= 6


def test_a_shifted_rate_fails():
    rng = np.random.default_rng(6)
    rows = judge({"E": _runs(rng, 5)}, {"E": _runs(rng, 5, rate=12.0)})
    failed = {r["metric"] for r in rows if not r["pass"]}
    assert {"rate_hz", "rate_distribution"} <= failed


@pytest.fixture(scope="module")
def brunel_seeds(tmp_path_factory):
    """CHECK's network, 5 seeds on each simulator, as declared and with g 10 % larger."""
    model = registry.get("brunel2000")
    simulators = sorted({s for pair in pairs_of("brunel2000") for s in pair})
    directory = tmp_path_factory.mktemp("brunel-seeds")
    as_declared = sweep_seeds(model, brunel2000.CHECK, simulators, directory / "declared", scheduler=None)
    planted_g = brunel2000.CHECK.params.get("g", 5.0) * 1.1
    planted = sweep_seeds(model, brunel2000.CHECK, simulators, directory / "planted", scheduler=None, g=planted_g)
    point = dict(brunel2000.CHECK.params)

    def runs(simulator, which):
        table, folder, values = ((as_declared, directory / "declared", point) if which == "declared" else
                                 (planted, directory / "planted", {**point, "g": planted_g}))
        return {p: network_runs(table, folder, simulator, p, values) for p in model.populations}

    return runs


@pytest.mark.parametrize("pair", pairs_of("brunel2000"), ids=" vs ".join)
def test_simulators_agree_in_distribution_on_brunels_network(brunel_seeds, pair):
    a, b = pair
    rows = judge(brunel_seeds(a, "declared"), brunel_seeds(b, "declared"))
    assert len(rows) == 12 and all(r["pass"] for r in rows), [r for r in rows if not r["pass"]]


@pytest.mark.parametrize("pair", pairs_of("brunel2000"), ids=" vs ".join)
def test_a_planted_change_of_g_fails_the_judge_on_either_side_of_every_pair(brunel_seeds, pair):
    for a, b in (pair, pair[::-1]):
        rows = judge(brunel_seeds(a, "declared"), brunel_seeds(b, "planted"))
        failed = [f"{r['population']}: {r['metric']}" for r in rows if not r["pass"]]
        assert failed, f"{b} with g 10 % larger passed against {a}"
