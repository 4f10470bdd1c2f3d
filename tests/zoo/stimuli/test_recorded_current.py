"""A recorded current (``zoo.run(current_nA=, current_dt_ms=)``) acts from t = 0 on every
simulator: sample k during [k·Δ, (k+1)·Δ), held over its steps, on top of i_offset, the same
waveform in every neuron of the population; checked against the potential each backend's
declared scheme gives for a leaky neuron under that piecewise-constant current. A 2-D
recording gives each neuron its own row, its first sample too."""
import numpy as np
import pytest

import zoo
from zoo import backends
from zoo.stimuli import recorded_current

from tests.conftest import SIMULATORS

DT = 0.1
SAMPLES = np.array([0.8, -0.4, 1.5, 0.3, 0.0, 2.0, -1.0, 0.6])  # nA, one per 0.2 ms
CELL = {"cm": 1.0, "v_rest": 0.0, "v_reset": -1.0, "v_thresh": 1e6, "i_offset": 0.1}


def expected_v(current_na: np.ndarray, tau_m: float, scheme: str) -> np.ndarray:
    """v (mV, rest 0) at every grid point under ``current_na`` per step, stepped exactly or by
    Crank-Nicolson, the two schemes the backends declare for IF_curr_exp."""
    a = DT / tau_m
    v = np.zeros(current_na.size + 1)
    for k, i in enumerate(current_na):
        target = tau_m / CELL["cm"] * i
        v[k + 1] = (target + (v[k] - target) * np.exp(-a) if scheme == "exact"
                    else (v[k] * (1 - a / 2) + a * target) / (1 + a / 2))
    return v


#: Another recording, with another first sample (so that its i_offset share differs).
OTHER = np.array([-0.5, 1.2, 0.0, 0.9, -0.3, 0.4, 1.1, -0.8])
#: The recording of each of three neurons: one for all; a row each; rows repeated (each
#: stored once: one generator or column per recording, and each neuron told its own).
RECORDINGS = {"one-for-all": [SAMPLES] * 3, "a-row-each": [SAMPLES, OTHER, 0.5 * SAMPLES],
              "repeated-rows": [OTHER, SAMPLES, OTHER]}


@pytest.mark.parametrize("layout", RECORDINGS)
@pytest.mark.parametrize("simulator", SIMULATORS)
def test_each_sample_acts_from_t0_during_its_own_steps_in_every_neuron(simulator, layout):
    tau_m = np.array([5.0, 20.0, 10.0])
    duration = 2.0  # ms: the 1.6 ms recording, then 0.4 ms of no current
    recording = SAMPLES if layout == "one-for-all" else np.stack(RECORDINGS[layout])
    result = zoo.run("lif", simulator=simulator, dt_ms=DT, duration_ms=duration, current_nA=recording,
                     current_dt_ms=0.2, tau_m=tau_m, trace_neurons=[0, 1, 2], **CELL)
    scheme = backends.backend_class(simulator).numerics["IF_curr_exp"].name
    for neuron, (tau, samples) in enumerate(zip(tau_m, RECORDINGS[layout])):
        per_step = CELL["i_offset"] + np.concatenate([np.repeat(samples, 2), np.zeros(4)])
        v = result.traces.query("neuron == @neuron and variable == 'v'").sort_values("t_ms")["value"].to_numpy()
        np.testing.assert_allclose(v, expected_v(per_step, tau, scheme), rtol=0, atol=1e-9)
    assert result.meta["current_digest"].iloc[0] == recorded_current.digest(recording)
    assert result.meta["current_samples"].iloc[0] == SAMPLES.size


def test_the_run_lasts_as_long_as_the_recording_unless_told():
    result = zoo.run("lif", current_nA=np.zeros(50), current_dt_ms=0.2, i_offset=0.0)
    assert result.meta["duration_ms"].iloc[0] == pytest.approx(10.0)


@pytest.mark.parametrize("name, kwargs, message", [
    ("brunel2000", {"current_nA": SAMPLES, "current_dt_ms": 0.2}, "takes no injected current"),
    ("lif", {"current_nA": SAMPLES, "current_dt_ms": 0.15}, "whole number of time steps"),
    ("lif", {"current_nA": SAMPLES}, "current_dt_ms .* is required"),
    ("lif", {"current_nA": np.ones((2, 2, 3)), "current_dt_ms": 0.2}, "1-D"),
    ("lif", {"current_nA": np.ones((2, 3)), "current_dt_ms": 0.2}, "2 rows .* for 1 neurons"),
    ("lif", {"current_nA": np.array([1.0, np.inf]), "current_dt_ms": 0.2}, "finite"),
])
def test_a_recording_the_run_cannot_use_is_refused_before_any_simulation(name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        zoo.run(name, **kwargs)


def test_the_memory_guard_counts_the_recorded_current():
    """A 200 s recording (2 million steps at dt 0.1 ms) is about 0.22 GiB as the simulators
    hold it: refused under a 0.1 GiB limit before any simulation, allowed under 1 GiB."""
    from zoo.runner import memory_estimate_gib, prepare

    long = np.zeros(1_000_000)
    with pytest.raises(ValueError, match="would need about 0.2"):
        zoo.run("lif", current_nA=long, current_dt_ms=0.2, trace_neurons=0, max_memory_gib=0.1)
    plan = prepare("lif", "nest", None, None, None, 0, {}, long, 0.2)
    assert 0.2 < memory_estimate_gib(plan) < 1.0


def test_the_memory_guard_counts_a_repeated_recording_once():
    """A thousand rows of the same recording are stored as one waveform, and counted as one."""
    from zoo.runner import memory_estimate_gib, prepare

    recording = np.zeros(100_000)
    one = memory_estimate_gib(prepare("lif", "nest", None, None, None, 0, {}, recording, 0.2))
    rows = prepare("lif", "nest", None, None, None, 0, {"tau_m": np.full(1000, 20.0)}, np.tile(recording, (1000, 1)),
                   0.2)
    assert memory_estimate_gib(rows) == pytest.approx(one, rel=0.01)
