"""NEURON-specific behaviour of the NEURON backend: what plain PyNN-NEURON does
differently and the backend fixes or declares (regression pins, measured with PyNN
0.13 and NEURON 9.0.2), and the order of its fixed-step scheme."""

import numpy as np
import pytest

import zoo
from zoo import backends
from zoo.models.hh import ua_per_cm2_to_na

DT_MS = 0.1


def test_plain_pynn_neuron_starts_traubs_sodium_inactivated_which_the_backend_fixes():
    """Regression pin: PyNN-NEURON's hh_traub sets its gates to 0 at initialisation
    (h = 0: sodium inactivated) where NEST and Brian2 start from PyNN's initial values
    (h = 1): its first spike came 0.3-0.4 ms late. The backend starts them alike."""
    import pyNN.neuron as sim

    sim.setup(timestep=0.01)
    cells = sim.Population(1, sim.HH_cond_exp(i_offset=1.0))
    sim.run(0.02)
    plain_h = cells[0]._cell.seg.hh_traub.h
    sim.end()
    assert plain_h < 0.05  # started at 0, not at the initial value 1
    zoo_first = zoo.run("hh_traub", "neuron", dt_ms=0.01, duration_ms=50.0, i_offset=[1.0]).summary
    nest_first = zoo.run("hh_traub", "nest", dt_ms=0.01, duration_ms=50.0, i_offset=[1.0]).summary
    assert zoo_first["first_spike_ms"][0] == pytest.approx(nest_first["first_spike_ms"][0], abs=0.01 + 1e-9)


def test_the_peak_rule_counts_each_spike_once():
    """PyNN-NEURON's HH_cond_exp reports a spike at each upward crossing of 10 mV; the
    zoo's rule (the peak at or above v_offset + 30 mV, then 2 ms) gives NEST's counts."""
    currents = [0.2, 0.5, 1.0, 2.0]
    ours = zoo.run("hh_traub", "neuron", dt_ms=0.01, duration_ms=300.0, i_offset=currents).summary
    nest = zoo.run("hh_traub", "nest", dt_ms=0.01, duration_ms=300.0, i_offset=currents).summary
    np.testing.assert_array_equal(ours["n_spikes"], nest["n_spikes"])
    assert (ours["spike_peak_mv"] > -33.0).all()


@pytest.mark.parametrize("model, tables", [("hh", "usetable_hh"), ("hh_traub", "usetable_hh_traub")])
def test_rate_functions_are_computed_not_tabulated(model, tables):
    """NEURON's hh and hh_traub interpolate their rates in 1 mV tables by default (the
    Traub cell's spike peak was then 4 mV low at 1 nA); the backend turns them off."""
    from neuron import h

    zoo.run(model, "neuron", duration_ms=5.0)
    assert getattr(h, tables) == 0


def test_hh_period_converges_at_second_order():
    """Crank-Nicolson with staggered gates is second order: the period of the classic
    HH at 10 µA/cm² (1 s, about 70 spikes) approaches NEST's at dt = 0.005 ms four
    times closer each time dt halves (measured relative errors 2.9e-2, 7.3e-3, 1.2e-3
    at 0.1, 0.05, 0.025 ms). The peak rule's grid adds at most 2·dt/(n − 1) to a mean
    interval, two orders below."""
    current = ua_per_cm2_to_na(10.0)
    reference = zoo.run("hh", "nest", dt_ms=0.005, duration_ms=1000.0, i_offset=[current]).summary["mean_isi_ms"][0]
    errors = [abs(zoo.run("hh", "neuron", dt_ms=dt, duration_ms=1000.0, i_offset=[current])
                  .summary["mean_isi_ms"][0] - reference) for dt in (0.1, 0.05, 0.025)]
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert (orders >= 1.8).all(), (errors, orders)


def test_off_grid_source_spikes_act_from_the_end_of_their_step():
    """NEURON delivers an event at the step boundary nearest its time; the backend moves
    a source spike to the end of its step first (the declared semantics), so 2.03 ms
    acts exactly as 2.1 ms."""
    def psp(spike_ms):
        backend = backends.load("neuron")
        with backend.quiet():
            sim = backend.setup(DT_MS, 1, duration_ms=20.0)
            try:
                source = sim.Population(1, sim.SpikeSourceArray(spike_times=sim.Sequence([spike_ms])))
                cell = sim.Population(1, sim.IF_curr_exp(), initial_values={"v": -65.0})
                sim.Projection(source, cell, sim.AllToAllConnector(), sim.StaticSynapse(weight=1.0, delay=0.1))
                cell.record("v")
                backend.run(20.0)
                return np.asarray(cell.get_data().segments[0].analogsignals[0].magnitude).ravel()
            finally:
                backend.end()

    np.testing.assert_array_equal(psp(2.03), psp(2.1))
    assert not np.array_equal(psp(2.0), psp(2.1))


@pytest.mark.parametrize("model", ["lif", "hh", "cable"])
def test_runs_do_not_accumulate_cells(model):
    """PyNN-NEURON keeps each run's cells alive (its initializer, its ParallelContext,
    each cell's reference to itself), so every run also simulated all the cells before
    it; the backend frees them at the end of a run."""
    from neuron import h

    params = {"i_offset": np.linspace(0.5, 2.0, 20)} if model != "cable" else {}
    counts = []
    for _ in range(3):
        zoo.run(model, "neuron", duration_ms=20.0, **params)
        counts.append(sum(1 for _ in h.allsec()))
    assert counts[0] == counts[1] == counts[2]


def test_runs_with_projections_do_not_accumulate_connections():
    """PyNN-NEURON also lists every Projection for good, and their NetCons hold the
    target cells: the backend drops them at the end of a run."""
    from neuron import h

    from zoo.conformance.differences import measure_psp

    counts = []
    for _ in range(3):
        measure_psp("neuron", DT_MS)
        counts.append((sum(1 for _ in h.allsec()), h.List("NetCon").count(), h.List("VecStim").count()))
    assert counts[0] == counts[1] == counts[2]


@pytest.mark.parametrize("model, currents", [("hh", np.linspace(0.0, 2.0, 9)), ("hh_traub", [0.2, 0.4, 0.6, 0.8, 1.0])])
def test_hh_counts_equal_the_accurate_simulators_at_fine_steps(model, currents):
    """The currents of the issue-4 agreement tests, 500 ms at dt = 0.01 ms: NEURON's
    spike counts equal NEST's and Brian2's. Its period's relative error is about 2.9·dt²
    (dt in ms; test_hh_period_converges_at_second_order): 2.9e-4 at 0.01 ms, so its
    trains drift by at most 0.15 ms over the run, less than 1 % of an interval: no spike
    moves across the run's end. Its first spikes are within a step of theirs."""
    runs = {s: zoo.run(model, s, dt_ms=0.01, duration_ms=500.0, spike_shape=False, trace_neurons=0,
                       i_offset=currents).summary for s in backends.available(zoo.get(model))}
    ours = runs.pop("neuron")
    for other in runs.values():
        np.testing.assert_array_equal(ours["n_spikes"], other["n_spikes"])
        np.testing.assert_allclose(ours["first_spike_ms"], other["first_spike_ms"], atol=0.01 + 1e-9)
    assert ours["n_spikes"].sum() > 100


@pytest.mark.parametrize("params", [{"length": 1000.0, "n_compartments": 50}, dict(__import__(
    "zoo.models.cable", fromlist=["ACTIVE"]).ACTIVE)], ids=["passive", "active"])
def test_the_cable_traces_match_nest_compartment_by_compartment(params):
    """Every compartment's v after every step, passive and active: NEURON's Section and
    NEST's cm_default solve the same Crank-Nicolson cable (the active one with
    exponential gates), so they agree to round-off of the swing (ROUND_OFF × 100 mV)."""
    from zoo.models.cable.theory import ROUND_OFF

    runs = [zoo.run("cable", s, duration_ms=20.0, dt_ms=0.025, **params).traces for s in ("nest", "neuron")]
    assert len(runs[0]) == len(runs[1]) > 1000
    np.testing.assert_array_equal(runs[0]["t_ms"].to_numpy(), runs[1]["t_ms"].to_numpy())
    np.testing.assert_allclose(runs[1]["value"].to_numpy(), runs[0]["value"].to_numpy(), rtol=0, atol=ROUND_OFF * 100)
