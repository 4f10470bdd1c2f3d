"""Fixtures and helpers of the explorer's tests: the LIF planned into tasks, the default
simulator and another, and test models registered for one test only."""
import pytest

from explorer.tasks import plan
from zoo import backends, registry

EP = registry.entry_point("lif")
#: The default simulator, and another (the cheapest to start); NEST rejects what lif_unchecked lets through.
FIRST = backends.DEFAULT
OTHER = next(s for s in reversed(backends.available(registry.get("lif"))) if s != FIRST)


def lif_plan(grid_points, simulators=(FIRST,), seeds=(1,), batch_size=1000, duration_ms=50.0):
    return plan("lif", EP, grid_points, registry.get("lif").per_neuron_parameters, list(simulators), list(seeds), 0.1,
                duration_ms, batch_size)


@pytest.fixture
def lif_unchecked(monkeypatch):
    """A test model, registered for this test only (other tests list the zoo's models)."""
    monkeypatch.setitem(registry._ENTRY_POINTS, "lif_unchecked", "tests.models_for_tests:lif_unchecked")
    return "lif_unchecked"
