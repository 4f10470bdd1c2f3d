"""The paper's own neuron (``SRM_curr_exp``, model ``masquelier2008_srm``): pattern
finding on every simulator that provides the cell type; its spike against the closed
form and the refusal on a backend that lacks it are tested with the backends."""
import numpy as np
import pytest

import zoo
from zoo import backends

from tests.conftest import pair_ids, pairs_of

SIMULATORS = backends.available(zoo.get("masquelier2008_srm"))


@pytest.mark.parametrize("pair", pairs_of("masquelier2008_srm"), ids=pair_ids(pairs_of("masquelier2008_srm")))
def test_with_learning_same_spikes_and_same_weights(pair):
    """The same input, 4 s of learning: the NESTML neuron on NEST and the equations on
    Brian2 fire the same train and end with the same weights, as the LIF variant does."""
    a, b = [zoo.run("masquelier2008_srm", simulator=s, duration_ms=4_000.0, seed=1) for s in pair]
    assert len(a.spikes) > 100
    np.testing.assert_allclose(b.spikes["t_ms"], a.spikes["t_ms"], atol=1e-9)
    assert (np.abs(a.weights["weight"] - 0.475) > 1e-6).mean() > 0.9  # learning happened
    np.testing.assert_allclose(b.weights["weight"], a.weights["weight"], atol=1e-9)


@pytest.mark.slow  # a minute per simulator: on demand (make test-slow)
@pytest.mark.parametrize("simulator", SIMULATORS)
def test_srm_becomes_selective(simulator):
    """30 s, seed 1. The paper's neuron is selective after about 13.5 s (about 700
    discharges): over the last 10 s it must fire for the pattern only, at nearly every
    presentation. The latency shortens over minutes (the paper's Fig. 3), so the
    paper's full criterion (latency < 10 ms over the last 150 s of 450 s) is left to
    ``experiments/masquelier2008.py``; within 30 s one missed window of ~50 already
    fails its 98 % hit rate."""
    s = zoo.run("masquelier2008_srm", simulator=simulator, duration_ms=30_000.0, seed=1).summary.iloc[0]
    assert s["false_alarms_per_s"] == 0.0
    assert s["hit_rate"] > 0.95
    assert 5.0 < s["selective_from_s"] < 20.0
    assert s["rate_start_hz"] > 40.0 and s["rate_end_hz"] < 10.0
    assert s["pattern_share_of_potentiated"] > 0.8


def test_some_simulator_runs_it():
    assert SIMULATORS


def test_a_refractory_period_shorter_than_the_spike_is_refused():
    """v_reset is above threshold: with tau_refrac = 0.5 ms v is still above it when
    detection resumes (closed form), so the cell would fire at every step."""
    with pytest.raises(ValueError, match="would fire at every step"):
        zoo.run("masquelier2008_srm", simulator=SIMULATORS[0], duration_ms=100.0, tau_refrac=0.5)
