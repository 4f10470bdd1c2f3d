"""Every simulator runs the same grid scheme: same spike counts, first spikes within dt."""
import numpy as np
import pytest

import zoo
from zoo import backends
from zoo.declarations.tolerances import cross_count_tolerance, grid_ties

from tests.conftest import CURRENTS_NA, DT_MS, DURATION_MS


def _both(pair, model, **params):
    return [zoo.run(model, simulator=s, duration_ms=DURATION_MS, dt_ms=DT_MS, **params).summary for s in pair]


@pytest.mark.parametrize("model", ["lif", "lapicque"])
def test_same_counts_and_first_spikes_over_current_range(model, pair):
    nest, brian2 = _both(pair, model, i_offset=CURRENTS_NA)
    allowed = cross_count_tolerance(nest["rate_hz_closed_form"], nest["tau_refrac"], DT_MS, DURATION_MS)
    assert np.all(np.abs(nest["n_spikes"] - brian2["n_spikes"]) <= allowed)
    np.testing.assert_allclose(brian2["first_spike_ms"], nest["first_spike_ms"], atol=DT_MS * (1 + 1e-9))
    # off the grid ties the two simulators agree exactly
    off_tie = ~grid_ties(nest["rate_hz_closed_form"], nest["tau_refrac"], DT_MS)
    assert off_tie.sum() >= 40
    np.testing.assert_array_equal(nest["n_spikes"][off_tie], brian2["n_spikes"][off_tie])
    np.testing.assert_allclose(nest["first_spike_ms"][off_tie], brian2["first_spike_ms"][off_tie], atol=1e-9)


def test_heterogeneous_population_agrees_spike_for_spike(pair):
    """Random per-neuron parameters, tau_refrac included (per-neuron on Brian2 too)."""
    rng = np.random.default_rng(7)
    n = 200
    params = dict(
        i_offset=rng.uniform(0.5, 3.0, n),
        tau_m=rng.uniform(5.0, 40.0, n),
        cm=rng.uniform(0.5, 2.0, n),
        tau_refrac=rng.choice([0.0, 0.5, 1.0, 2.0, 5.0], n),
    )
    runs = [zoo.run("lif", simulator=s, duration_ms=500.0, **params) for s in pair]
    nest, brian2 = (r.spikes for r in runs)
    assert len(nest) > 1000
    assert len(nest) == len(brian2)
    np.testing.assert_array_equal(nest["neuron"], brian2["neuron"])
    np.testing.assert_allclose(nest["t_ms"], brian2["t_ms"], atol=1e-9)


def _trace_tolerance_mv(pair, tau_m=20.0, swing_mv=45.0, dt_ms=DT_MS) -> float:
    """Largest difference of v between two schemes on a current-clamped LIF: a scheme
    that charges with τ_s instead of τ (SCHEME_TIME_CONSTANT) is off by at most
    swing·|τ_s/τ − 1|/e (the largest gap between exp(−t/τ) and exp(−t/τ_s)), where the
    swing is the largest distance to the target potential (v_reset −65 mV to V∞ −20 mV
    under 1.5 nA, at the defaults); exact schemes add nothing; 1e-9 for round-off."""
    from zoo.declarations.tolerances import SCHEME_TIME_CONSTANT

    bound = 1e-9
    for simulator in pair:
        scheme = backends.backend_class(simulator).numerics["IF_curr_exp"].name
        if scheme in SCHEME_TIME_CONSTANT:
            bound += swing_mv * abs(SCHEME_TIME_CONSTANT[scheme](dt_ms, tau_m) / tau_m - 1.0) / np.e
    return bound


def test_step_current_agrees_and_respects_its_window(pair):
    runs = [
        zoo.run("lif", simulator=s, duration_ms=500.0, i_offset=[0.0, 0.5], step_amplitude=1.0, step_start=100.0, step_stop=400.0)
        for s in pair
    ]
    for result in runs:
        silent_neuron = result.spikes[result.spikes["neuron"] == 0]["t_ms"]
        assert len(silent_neuron) > 5
        assert silent_neuron.min() > 100.0 and silent_neuron.max() <= 400.0 + DT_MS
    np.testing.assert_allclose(runs[0].spikes["t_ms"], runs[1].spikes["t_ms"], atol=1e-9)
    traces = [r.traces[r.traces["variable"] == "v"] for r in runs]
    v = [t["value"].to_numpy() for t in traces]
    # the sample at a spike's step reads v_reset, or the crossing value where a backend declares so
    at_spike = np.zeros(len(v[0]), dtype=bool)
    if not all(backends.backend_class(s).records_reset_at_spike_step for s in pair):
        spikes = runs[0].spikes
        keys = set(zip(spikes["neuron"], np.round(spikes["t_ms"], 6)))
        at_spike = np.array([(n, t) in keys for n, t in zip(traces[0]["neuron"], np.round(traces[0]["t_ms"], 6))])
        assert at_spike.sum() == len(spikes[spikes["neuron"].isin(traces[0]["neuron"].unique())])
    np.testing.assert_allclose(v[0][~at_spike], v[1][~at_spike], atol=_trace_tolerance_mv(pair))


TAU_SYN_MS = 2.5
#: The afferents' run (ms): about 210 output spikes, each of which must match.
PATTERN_RUN_MS = 1000.0
#: The single PSP's run (ms): arrival by 3.6 ms and the tail read 10-20 ms after it.
PSP_RUN_MS = 30.0


def _static_synapse_run(simulator, delay_ms, trains, weight_nA=0.02, record_v=False, dt_ms=DT_MS,
                        duration_ms=PATTERN_RUN_MS):
    """Spike trains through static synapses into one LIF for ``duration_ms``: its spike
    times (as zoo.run reports them), the delays read back, and v if asked."""
    from zoo import backends

    backend = backends.load(simulator)
    with backend.quiet():
        sim = backend.setup(dt_ms, 1, duration_ms=duration_ms)
        try:
            times = [sim.Sequence(t) for t in trains]
            sources = sim.Population(len(trains), sim.SpikeSourceArray(spike_times=times if len(times) > 1 else times[0]))
            cell = sim.Population(1, sim.IF_curr_exp(tau_m=10.0, cm=0.25, tau_syn_E=TAU_SYN_MS, v_rest=-70.0,
                                                     v_thresh=-50.0, v_reset=-70.0, tau_refrac=1.0),
                                  initial_values={"v": -70.0})
            projection = sim.Projection(sources, cell, sim.AllToAllConnector(),
                                        sim.StaticSynapse(weight=weight_nA, delay=delay_ms), receptor_type="excitatory")
            cell.record(["spikes", "v"] if record_v else "spikes")
            backend.run(duration_ms)
            segment = cell.get_data().segments[0]
            backend.report_spikes(segment, dt_ms)
            times = np.asarray(segment.spiketrains[0].magnitude)
            v = np.asarray(segment.analogsignals[0].magnitude).ravel() if record_v else None
            delays = projection.get("delay", format="array")
        finally:
            backend.end()
    return times, delays, v


def _pattern_trains(dt_ms):
    from zoo.models.masquelier2008.input import make_input

    return make_input(seed=2, duration_ms=PATTERN_RUN_MS, dt_ms=dt_ms, n_afferents=500, n_pattern=0).trains_ms()


@pytest.mark.parametrize("delay_ms, dt_ms", [(0.1, 0.1), (1.5, 0.1), (0.05, 0.025)])
def test_synaptic_input_arrives_in_the_same_step_on_both(pair, delay_ms, dt_ms):
    """Arriving input is added before the step's integration on every backend (the
    declared semantics; Brian2 runs its pathways at d - dt): one spike moves v first at
    the same sample, with the charge each backend declares, and delays read back as
    given. Backends that deliver the exact charge give the same train from 500
    afferents."""
    one = [np.array([2.1])]
    psp = {}
    for simulator in pair:
        _, delays, v = _static_synapse_run(simulator, delay_ms, one, weight_nA=0.5, record_v=True, dt_ms=dt_ms,
                                           duration_ms=PSP_RUN_MS)
        np.testing.assert_allclose(delays, delay_ms)  # read back as given
        psp[simulator] = v + 70.0
    arrival_step = round((2.1 + delay_ms) / dt_ms)
    for simulator, deflection in psp.items():
        assert np.all(np.abs(deflection[:arrival_step + 1]) < 1e-9) and deflection[arrival_step + 1] > 1e-3
    factors = [backends.load(s).synaptic_charge_factor(TAU_SYN_MS, dt_ms) for s in pair]
    # long after the PSP's peak (10-20 ms) its tail is proportional to the charge delivered
    late = slice(arrival_step + round(10 / dt_ms), arrival_step + round(20 / dt_ms))
    ratio = psp[pair[1]][late] / psp[pair[0]][late]
    np.testing.assert_allclose(ratio, factors[1] / factors[0], rtol=1e-3)
    if factors[0] == factors[1] == 1.0:
        trains = _pattern_trains(dt_ms)
        (first, _, _), (second, _, _) = (_static_synapse_run(s, delay_ms, trains, dt_ms=dt_ms) for s in pair)
        assert len(first) > 100
        np.testing.assert_allclose(second, first, atol=1e-9)


def test_rate_under_a_step_counts_the_spikes_of_the_step(simulator):
    """Under a step protocol ``rate_hz`` is the rate while the step acts, (start, stop],
    not the run's count over the whole run (which mixed silence into it)."""
    result = zoo.run("lif", simulator=simulator, duration_ms=500.0, i_offset=[0.0, 0.5], step_amplitude=1.0,
                     step_start=100.0, step_stop=400.0)
    spikes, summary = result.spikes, result.summary
    for neuron in (0, 1):
        t = spikes.loc[spikes["neuron"] == neuron, "t_ms"]
        inside = ((t > 100.0) & (t <= 400.0)).sum()
        assert summary["rate_hz"][neuron] == pytest.approx(inside / 0.3)
        assert summary["n_spikes"][neuron] == len(t)
    assert summary["rate_hz"][0] > summary["n_spikes"][0] / 0.5 > 0  # the silent neuron fires only in the step
    plain = zoo.run("lif", simulator=simulator, duration_ms=500.0, i_offset=[1.5]).summary
    assert plain["rate_hz"][0] == plain["n_spikes"][0] / 0.5  # no step: the whole run
