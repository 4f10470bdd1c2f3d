"""The lecture's LIF exercises: the discrete-time reference follows the lecture's update
rule exactly, and the zoo's LIF, on every simulator, converges to the exact solution of
the ODE that rule steps forward."""
import numpy as np
import pytest

import zoo
from zoo import backends
from experiments.lecture_lif_exercises import (INPUT, REFRACTORY_STEPS, STEP_MS, STEPS, TAU_STEPS,
                                               exact_first_spike_ms, lecture_input, lecture_lif, zoo_parameters)

from tests.conftest import runs


def test_the_reference_is_the_lecture_update_rule():
    """V_t = V_{t-1} + I_t - V_{t-1}/tau, by hand: 0.3, 0.57, 0.813, 1.0317 > 1 (a spike,
    reset to 0) at steps 10-13."""
    v, spikes = lecture_lif(lecture_input())
    assert v[9] == 0.0 and v[10] == pytest.approx(0.3) and v[11] == pytest.approx(0.57)
    assert v[12] == pytest.approx(0.813) and spikes[0] == 13 and v[13] == 0.0
    assert v[14] == pytest.approx(0.3)  # from rest again
    # every 4 steps while the input lasts (steps 10-29), then nothing: V stays at rest
    assert spikes.tolist() == [13, 17, 21, 25, 29] and np.all(v[29:] == 0.0)


def test_the_refractory_period_holds_v_at_rest():
    """Exercise 2: after a spike at t, V stays at rest while t' - t < 5, then integrates."""
    v, spikes = lecture_lif(lecture_input(), refractory=REFRACTORY_STEPS)
    first = spikes[0]
    assert np.all(v[first:first + REFRACTORY_STEPS] == 0.0) and v[first + REFRACTORY_STEPS] == pytest.approx(INPUT)
    assert spikes.tolist() == [13, 21, 29]  # 4 steps held at rest plus 4 to reach threshold


@pytest.mark.parametrize("simulator", runs("lif"))
def test_the_zoo_lif_converges_to_the_exact_first_spike(simulator):
    """The simulators integrate the ODE exactly and detect the crossing at the end of its
    step: the first spike is the exact crossing rounded up to the grid, within dt of it
    at dt = 1, 0.1 and 0.01 ms. The lecture's forward Euler (step 1 ms) fires earlier."""
    exact = exact_first_spike_ms()
    for dt in (1.0, 0.1, 0.01):
        first = zoo.run("lif", simulator, dt_ms=dt, duration_ms=STEPS * STEP_MS, **zoo_parameters()).spikes["t_ms"].min()
        assert exact <= first + 1e-9 <= exact + dt + 1e-9, (dt, first, exact)
    euler = lecture_lif(lecture_input())[1][0] * STEP_MS
    assert euler < exact  # forward Euler overshoots the rise: V_t = 3(1 - 0.9^t) > 3(1 - e^(-t/10))


@pytest.mark.parametrize("simulator", runs("lif"))
@pytest.mark.parametrize("refractory", [0, REFRACTORY_STEPS])
def test_at_one_step_the_zoo_is_the_lecture_loop_with_its_own_step(simulator, refractory):
    """With dt = one lecture step, every simulator gives the lecture's loop with its
    forward-Euler step replaced by the step of the scheme it declares (same spikes, V in
    mV = −65 + 10·V): the only difference from the lecture is the integration, and the
    refractory mapping (T steps → tau_refrac = (T − 1) ms) is the lecture's rule."""
    scheme = backends.backend_class(simulator).numerics["IF_curr_exp"].name
    v, spikes = lecture_lif(lecture_input(), refractory=refractory, scheme=scheme)
    result = zoo.run("lif", simulator, dt_ms=STEP_MS, duration_ms=STEPS * STEP_MS, trace_neurons=[0],
                     **zoo_parameters(refractory))
    assert result.spikes["t_ms"].tolist() == pytest.approx((spikes * STEP_MS).tolist())
    traces = result.traces[result.traces["variable"] == "v"]
    at_spike = np.isin(np.round(traces["t_ms"].to_numpy()), spikes * STEP_MS)
    expected = -65.0 + 10.0 * v[np.round(traces["t_ms"].to_numpy() / STEP_MS).astype(int)]
    np.testing.assert_allclose(traces["value"].to_numpy()[~at_spike], expected[~at_spike], atol=1e-9)


def test_the_exercises_quick_mode_shows_each_order(tmp_path):
    """The experiment's convergence table: V before the first spike is exact (round-off)
    on a simulator declaring the exact scheme, and the lecture's forward Euler converges
    at first order (its error halves with dt, to within the step's own second-order term)."""
    from experiments import lecture_lif_exercises as lecture

    tables = lecture.main(quick=True, out=tmp_path)
    for name in ("exercises.png", "exercise3.png", "convergence.parquet", "spikes.parquet"):
        assert (tmp_path / name).stat().st_size > 0
    third = tables["spikes"][tables["spikes"]["exercise"].str.startswith("Exercise 3")]
    assert set(third["exercise"]) == {"Exercise 3: ramp", "Exercise 3: spikes"} and len(third) == 2 * 4
    steps = tables["convergence"]
    euler = steps[steps["method"].str.startswith("forward Euler")].set_index("dt_ms")["v_error"]
    order = np.log(euler[0.1] / euler[0.01]) / np.log(10.0)
    assert 0.95 < order < 1.05
    simulator = steps[~steps["method"].str.startswith("forward Euler")]
    scheme = backends.backend_class(simulator["method"].iloc[0]).numerics["IF_curr_exp"]
    if scheme.name == "exact":
        assert simulator["v_error"].max() < 1e-9


@pytest.mark.parametrize("simulator", runs("lif"))
def test_exercise_3_ramp_at_one_step_is_the_lecture_ramp(simulator):
    """The zoo's ramp, sampled at each step's start, is the lecture's I_t = peak·(t − on)/
    (off − on) over (t − 1, t] at dt = one step: the zoo gives the lecture's loop with the
    declared scheme's step, spike for spike."""
    from experiments.lecture_lif_exercises import RAMP_PEAK, exercise3_parameters, lecture_ramp

    scheme = backends.backend_class(simulator).numerics["IF_curr_exp"].name
    v, spikes = lecture_lif(lecture_ramp(peak=RAMP_PEAK), scheme=scheme)
    result = zoo.run("lif", simulator, dt_ms=STEP_MS, duration_ms=STEPS * STEP_MS, trace_neurons=[0],
                     **exercise3_parameters("ramp", dt_ms=STEP_MS))
    assert len(spikes) >= 3
    assert result.spikes["t_ms"].tolist() == pytest.approx((spikes * STEP_MS).tolist())


@pytest.mark.parametrize("simulator", runs("lif"))
def test_exercise_3_input_spike_delivers_the_lecture_charge(simulator):
    """One input spike of the lecture's weight w = 0.4 through the zoo's exponential synapse
    (tau_s = 1 ms, weight 4 pC / tau_s) reaching the neuron at t0 gives, s ms later,
    V(s) = w·tau_m/(tau_m − tau_s)·(exp(−s/tau_m) − exp(−s/tau_s)) (lecture units): the
    lecture's jump w, spread over the synapse's decay. Exact on a simulator that declares
    the exact scheme; on NEURON the declared charge factor exp(dt/(2·tau_s)) applies and
    its Crank-Nicolson step errs by O((dt/tau_s)²) (1e-2 relative at dt 0.1 ms)."""
    from experiments.lecture_lif_exercises import (EXERCISE3_DT_MS, SYNAPSE_TAU_MS, TRAIN_START, TRAIN_WEIGHT,
                                                   exercise3_parameters)

    params = {**exercise3_parameters("spikes"), "input_stop": (TRAIN_START - 1) * STEP_MS}  # one spike
    result = zoo.run("lif", simulator, dt_ms=EXERCISE3_DT_MS, duration_ms=30.0, trace_neurons=[0], **params)
    traces = result.traces[result.traces["variable"] == "v"]
    arrival = (TRAIN_START - 1) * STEP_MS
    s = traces["t_ms"].to_numpy() - arrival
    tau_m, tau_s = TAU_STEPS * STEP_MS, SYNAPSE_TAU_MS
    expected = np.where(s > 0, TRAIN_WEIGHT * tau_m / (tau_m - tau_s) * (np.exp(-s / tau_m) - np.exp(-s / tau_s)), 0)
    simulated = (traces["value"].to_numpy() + 65.0) / 10.0
    backend = backends.backend_class(simulator)
    if backend.numerics["IF_curr_exp"].name == "exact":
        np.testing.assert_allclose(simulated, expected, atol=1e-9)
    else:
        factor = backends.load(simulator).synaptic_charge_factor(tau_s, EXERCISE3_DT_MS)
        np.testing.assert_allclose(simulated, factor * expected, atol=0.01 * TRAIN_WEIGHT)
