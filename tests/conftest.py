"""Shared fixtures: real simulators, never a mock. Simulators come from the backend
registry, so a new backend is tested by every test that takes ``simulator`` or
``pair``."""
import itertools

import numpy as np
import pytest

from zoo import backends

SIMULATORS = tuple(backends.names())
#: Every pair of simulators, for agreement tests.
PAIRS = tuple(itertools.combinations(SIMULATORS, 2))
#: The issue's reference protocol: a 50-point current range, 1 s at dt = 0.1 ms.
CURRENTS_NA = np.linspace(0.0, 2.0, 50)
DURATION_MS = 1000.0
DT_MS = 0.1


@pytest.fixture(params=SIMULATORS)
def simulator(request):
    return request.param


@pytest.fixture(params=PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def pair(request):
    return request.param
