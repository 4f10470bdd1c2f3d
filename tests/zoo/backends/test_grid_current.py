"""``GridCurrentSource`` on every backend: value k of a waveform that starts at t0 acts
during (t0 + k·dt, t0 + (k+1)·dt], from t0 = 2·dt on, one waveform per neuron, and adds
to the neuron's other currents. Checked against the potential each backend's declared
scheme must produce for a leaky neuron under that piecewise-constant current."""
import numpy as np
import pytest

from zoo import backends
from zoo.stimuli import FIRST_GRID_ONSET_STEPS

from tests.conftest import SIMULATORS

DT = 0.1
TAU_M, CM = 10.0, 1.0  # ms, nF: R = 10 MOhm
WAVEFORMS = np.array([[1.0, 2.0, 3.0, -1.0], [0.5, 0.0, -1.0, 0.25]])  # nA, one row per neuron


def expected_v(current_na: np.ndarray, scheme: str) -> np.ndarray:
    """v (mV, rest 0) at every grid point under ``current_na`` per step, stepped by the
    declared scheme: exact (exponential) or Crank-Nicolson (trapezoidal)."""
    a = DT / TAU_M
    v = np.zeros(current_na.size + 1)
    for k, i in enumerate(current_na):
        target = TAU_M / CM * i
        if scheme == "exact":
            v[k + 1] = target + (v[k] - target) * np.exp(-a)
        else:
            v[k + 1] = (v[k] * (1 - a / 2) + a * target) / (1 + a / 2)
    return v


def run_leaky(simulator: str, start_ms: float, amplitudes, steps: int = 30, i_offset: float = 0.0,
              dc: tuple | None = None) -> np.ndarray:
    """v (mV) of two non-spiking leaky neurons, one column each, at every grid point."""
    backend = backends.load(simulator)
    sim = backend.setup(DT, 1, duration_ms=steps * DT)
    try:
        cells = sim.Population(2, sim.IF_curr_exp(tau_m=TAU_M, cm=CM, v_rest=0.0, v_reset=0.0, v_thresh=1e6,
                                                  i_offset=i_offset), initial_values={"v": 0.0})
        sim.GridCurrentSource(start=start_ms, amplitudes=amplitudes).inject_into(cells)
        if dc is not None:
            sim.DCSource(amplitude=dc[0], start=dc[1], stop=dc[2]).inject_into(cells)
        cells.record("v")
        backend.run(steps * DT)
        segment = cells.get_data().segments[0]
        backend.report_spikes(segment, DT)
        return np.asarray(segment.analogsignals[0].magnitude)
    finally:
        backend.end()


def scheme_of(simulator: str) -> str:
    return backends.backend_class(simulator).numerics["IF_curr_exp"].name


@pytest.mark.parametrize("simulator", SIMULATORS)
@pytest.mark.parametrize("onset_steps", [FIRST_GRID_ONSET_STEPS, 3, 10])
def test_each_value_acts_during_its_own_step(simulator, onset_steps):
    v = run_leaky(simulator, onset_steps * DT, WAVEFORMS)
    for neuron, row in enumerate(WAVEFORMS):
        current = np.zeros(v.shape[0] - 1)
        current[onset_steps:onset_steps + row.size] = row
        np.testing.assert_allclose(v[:, neuron], expected_v(current, scheme_of(simulator)), rtol=0, atol=1e-9)


@pytest.mark.parametrize("simulator", SIMULATORS)
def test_one_waveform_reaches_every_neuron_and_adds_to_other_currents(simulator):
    """A 1-D waveform goes to every neuron; i_offset and a DCSource add to it."""
    v = run_leaky(simulator, 5 * DT, WAVEFORMS[0], i_offset=0.2, dc=(0.3, 8 * DT, 20 * DT))
    current = np.full(v.shape[0] - 1, 0.2)
    current[5:9] += WAVEFORMS[0]
    current[8:20] += 0.3  # PyNN's step: acts from the step after its start (zoo.stimuli)
    for neuron in range(2):
        np.testing.assert_allclose(v[:, neuron], expected_v(current, scheme_of(simulator)), rtol=0, atol=1e-9)


@pytest.mark.parametrize("start, amplitudes, message", [
    (DT, WAVEFORMS, "at least 2 steps"),
    (0.25, WAVEFORMS, "whole number of time steps"),
    (5 * DT, np.ones((3, 4)), "3 waveforms for a population of 2"),
    (5 * DT, np.array([]), "non-empty"),
    (5 * DT, np.array([1.0, np.nan]), "finite"),
])
def test_a_waveform_the_simulators_cannot_honour_is_refused(start, amplitudes, message):
    backend = backends.load("nest")
    sim = backend.setup(DT, 1, duration_ms=3.0)
    try:
        cells = sim.Population(2, sim.IF_curr_exp())
        with pytest.raises(ValueError, match=message):
            sim.GridCurrentSource(start=start, amplitudes=amplitudes).inject_into(cells)
    finally:
        backend.end()
