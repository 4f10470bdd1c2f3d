"""The statistical judge on real networks (``zoo.network_checks``): it passes NEST against
Brian2 on Brunel's network, and fails a planted 10 % change of g on every pair, either side.
The judge's own arithmetic is tested in ``tests/zoo/declarations/test_network_judge.py``."""
from __future__ import annotations

import pytest

from zoo import registry
from zoo.declarations.network_judge import judge
from zoo.models import brunel2000
from zoo.network_checks import network_runs, sweep_seeds

from tests.conftest import pairs_of


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
