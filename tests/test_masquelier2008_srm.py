"""The paper's own neuron (``SRM_curr_exp``, model ``masquelier2008_srm``): its spike
against the closed form, pattern finding on Brian2, and NEST refused with the reason."""
import numpy as np
import pytest

import explorer
import zoo
from zoo import backends

DT_MS = 0.1


def after_spike_closed_form(s_ms, p):
    """v (mV) a time s after the spike with no input: v(0) = v_reset, the pending synaptic
    current discarded, the after-potential a(s) = exp(−s/tau_ahp) driving v_ahp·a/tau_ahp."""
    tau_m, tau_a = p["tau_m"], p["tau_ahp"]
    u0 = p["v_reset"] - p["v_rest"]
    drive = p["v_ahp"] / tau_a * (np.exp(-s_ms / tau_a) - np.exp(-s_ms / tau_m)) / (1 / tau_m - 1 / tau_a)
    return p["v_rest"] + u0 * np.exp(-s_ms / tau_m) + drive


def test_the_spike_jumps_up_discards_the_epsps_and_starts_the_after_potential():
    """One strong input current drives the cell over threshold; from the step after the
    spike v must follow the closed form *without* the 5 nA still pending in the synapse
    (with it, v would rise by ~20 mV/ms and fire again after the refractory ms)."""
    backend = backends.load("brian2")
    sim = backend.setup(DT_MS, 1)
    try:
        params = dict(sim.SRM_curr_exp.default_parameters)
        source = sim.Population(1, sim.SpikeSourceArray(spike_times=[1.0]))
        cell = sim.Population(1, sim.SRM_curr_exp(**params), initial_values={"v": params["v_rest"]})
        sim.Projection(source, cell, sim.AllToAllConnector(), sim.StaticSynapse(weight=5.0, delay=DT_MS),
                       receptor_type="excitatory")
        cell.record(["spikes", "v"])
        backend.run(30.0)
        segment = cell.get_data().segments[0]
    finally:
        backend.end()
    spikes = np.asarray(segment.spiketrains[0].magnitude)
    assert spikes.size == 1, f"one spike expected, got {spikes}"
    v = segment.analogsignals[0]
    t = np.asarray(v.times.rescale("ms").magnitude)
    v = np.asarray(v.magnitude)[:, 0]
    after = t >= spikes[0] + DT_MS - 1e-9           # Brian2 stamps the spike at the start of its step
    s = t[after] - t[after][0]
    np.testing.assert_allclose(v[after], after_spike_closed_form(s, params), atol=1e-6)
    assert v[after][0] == pytest.approx(params["v_reset"])
    assert v[after].min() < params["v_rest"] - 5.0   # the after-potential pulls v below rest


def test_nest_is_refused_before_any_simulation_with_the_reason():
    with pytest.raises(ValueError, match=r"cannot run on nest.*NESTML.*valid simulators for 'masquelier2008_srm': brian2"):
        zoo.run("masquelier2008_srm", simulator="nest", duration_ms=1000.0)
    with pytest.raises(ValueError, match="cannot run on nest"):
        explorer.sweep("masquelier2008_srm", grid={"w_init": [0.475]}, simulators=["nest", "brian2"],
                       duration_ms=1000.0, scheduler=explorer.INLINE)
    assert backends.available(zoo.registry.get("masquelier2008_srm")) == ["brian2"]


def test_srm_becomes_selective_on_brian2():
    """30 s, seed 1. The paper's neuron is selective after about 13.5 s (about 700
    discharges): over the last 10 s it must fire for the pattern only, at nearly every
    presentation. The latency shortens over minutes (the paper's Fig. 3), so the
    paper's full criterion (latency < 10 ms over the last 150 s of 450 s) is left to
    ``experiments/masquelier2008.py``; within 30 s one missed window of ~50 already
    fails its 98 % hit rate."""
    s = zoo.run("masquelier2008_srm", simulator="brian2", duration_ms=30_000.0, seed=1).summary.iloc[0]
    assert s["false_alarms_per_s"] == 0.0
    assert s["hit_rate"] > 0.95
    assert 5.0 < s["selective_from_s"] < 20.0
    assert s["rate_start_hz"] > 40.0 and s["rate_end_hz"] < 10.0
    assert s["pattern_share_of_potentiated"] > 0.8


def test_a_refractory_period_shorter_than_the_spike_is_refused():
    """v_reset is above threshold: with tau_refrac = 0.5 ms v is still above it when
    detection resumes (closed form), so the cell would fire at every step."""
    with pytest.raises(ValueError, match="would fire at every step"):
        zoo.run("masquelier2008_srm", simulator="brian2", duration_ms=100.0, tau_refrac=0.5)
