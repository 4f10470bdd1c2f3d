"""The declared spike-source semantics (``zoo.backends.base``): a source spike whose
step ends at or after the end of the run is dropped by every backend, for every model,
so it can change no plastic weight."""
import numpy as np
import pytest

from zoo import backends

from tests.conftest import SIMULATORS, pair_ids, pairs_of, runs

DT_MS = 0.1
DURATION_MS = 50.0


def _final_weight(simulator: str, spike_times_ms) -> float:
    """One source into one LIF that fires regularly, through the zoo's nearest-neighbour
    STDP; the weight after the run (nA)."""
    backend = backends.load(simulator)
    with backend.quiet():
        sim = backend.setup(DT_MS, 1, duration_ms=DURATION_MS)
        try:
            source = sim.Population(1, sim.SpikeSourceArray(spike_times=sim.Sequence(spike_times_ms)))
            cell = sim.Population(1, sim.IF_curr_exp(i_offset=2.0, tau_refrac=2.0), initial_values={"v": -65.0})
            stdp = sim.STDPMechanism(
                timing_dependence=sim.ReducedNearestNeighbourRule(tau_plus=16.8, tau_minus=33.7, A_plus=0.03,
                                                                  A_minus=0.025),
                weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=0.1),
                weight=0.05, delay=DT_MS, dendritic_delay_fraction=1.0)
            projection = sim.Projection(source, cell, sim.AllToAllConnector(), synapse_type=stdp,
                                        receptor_type="excitatory")
            cell.record("spikes")
            backend.run(DURATION_MS)
            n_post = len(cell.get_data().segments[0].spiketrains[0])
            weight = float(projection.get("weight", format="array")[0, 0])
        finally:
            backend.end()
    assert n_post >= 2  # the post neuron fires, so pairs exist
    return weight


@pytest.fixture(scope="module")
def weights():
    inside = [5.0, 20.0, 40.0]
    return {s: (_final_weight(s, inside), _final_weight(s, inside + [DURATION_MS]))
            for s in runs("masquelier2008")}  # the simulators with the STDP rule


@pytest.mark.parametrize("simulator", runs("masquelier2008"))
def test_a_spike_at_the_end_of_the_run_changes_no_weight(weights, simulator):
    without, with_late = weights[simulator]
    assert without != 0.05  # learning happened
    assert with_late == without


@pytest.mark.parametrize("pair", pairs_of("masquelier2008"), ids=pair_ids(pairs_of("masquelier2008")))
def test_every_simulator_ends_with_the_same_weight(weights, pair):
    assert weights[pair[0]][0] == pytest.approx(weights[pair[1]][0], abs=1e-12)


def test_within_run_keeps_spikes_delivered_before_the_end():
    backend = backends.load(SIMULATORS[0])
    backend.setup(DT_MS, 1, duration_ms=DURATION_MS)
    try:
        kept = backend.within_run(np.array([1.0, DURATION_MS - 1.5 * DT_MS, DURATION_MS - DT_MS / 2, DURATION_MS]))
    finally:
        backend.end()
    np.testing.assert_allclose(kept, [1.0, DURATION_MS - DT_MS])  # each given the end of its step
