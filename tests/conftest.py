"""Shared fixtures: real NEST and real Brian2, never a mock."""
import numpy as np
import pytest

SIMULATORS = ("nest", "brian2")
#: The issue's reference protocol: a 50-point current range, 1 s at dt = 0.1 ms.
CURRENTS_NA = np.linspace(0.0, 2.0, 50)
DURATION_MS = 1000.0
DT_MS = 0.1


@pytest.fixture(params=SIMULATORS)
def simulator(request):
    return request.param
