"""A current step with a frozen noisy component, and each trial's own noise: the
stimulus of Mainen & Sejnowski (1995), declared once for any point-neuron cell type.

During the step (``step_start``, ``step_stop``] (ms) every trial receives the mean
current ``step_amplitude`` (nA) plus an Ornstein-Uhlenbeck current of SD
``noise_sigma`` (nA) and correlation time ``noise_tau`` (ms) drawn once from the run's
seed (:func:`zoo.stimuli.noise.frozen_noise`): the same waveform on every trial and
every simulator. ``noise_sigma = 0`` is a constant step (the paper's condition A).
With ``noise_frozen = 0`` each trial draws its own noise instead: the control that
shows reliability comes from the frozen stimulus.

Intrinsic noise, the neuron's own, is independent per trial: an OU current of SD
``intrinsic_sigma`` (nA) and correlation time ``intrinsic_tau`` (ms), on from the
earliest time a waveform can start at the noise's resolution
(:data:`zoo.stimuli.FIRST_GRID_ONSET_STEPS` × ``noise_dt``) to the end of the run. All
draws are the zoo's, injected with ``GridCurrentSource``. The noise is drawn every
``noise_dt`` ms (its OU samples exact at any interval) and each value held for that
interval, so the stimulus is one function of time at every dt that divides ``noise_dt``:
runs at two such steps are the same experiment, and converge as dt shrinks. Speaks PyNN
only.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..declarations.model import Network
from ..declarations.parameters import Parameter
from . import FIRST_GRID_ONSET_STEPS, check_onset
from .noise import CONTROL_STREAM, frozen_noise, intrinsic_noise, trial_noise


def noisy_step_parameters(step_amplitude: float, noise_sigma: float, noise_tau: float, intrinsic_sigma: float,
                          intrinsic_tau: float, n_trials: int, step_start: float = 50.0, step_stop: float = 950.0,
                          noise_dt: float = 0.1) -> tuple[Parameter, ...]:
    """The stimulus's parameters with a model's defaults (all set per run: the trials
    of one run are the neurons of one population)."""
    return (
        Parameter("step_amplitude", "nA", step_amplitude, "(-inf, inf)", "mean current of the step",
                  per_neuron=False),
        Parameter("step_start", "ms", step_start, "[0, inf)",
                  f"time the step starts (whole time steps, at least {FIRST_GRID_ONSET_STEPS} steps)",
                  per_neuron=False, on_time_grid=True),
        Parameter("step_stop", "ms", step_stop, "[0, inf]", "time the step ends (inf: end of run)",
                  per_neuron=False, on_time_grid=True),
        Parameter("noise_sigma", "nA", noise_sigma, "[0, inf)",
                  "SD of the noise added to the step (0: a constant step, condition A)", per_neuron=False),
        Parameter("noise_tau", "ms", noise_tau, "(0, inf)", "correlation time of the step's noise (OU)",
                  per_neuron=False),
        Parameter("noise_frozen", "1", 1.0, "[0, 1]",
                  "1: the same noise on every trial (frozen); 0: independent noise per trial (control)",
                  per_neuron=False),
        Parameter("intrinsic_sigma", "nA", intrinsic_sigma, "[0, inf)",
                  "SD of each trial's own noise current (intrinsic noise), on for the whole run", per_neuron=False),
        Parameter("intrinsic_tau", "ms", intrinsic_tau, "(0, inf)", "correlation time of the intrinsic noise (OU)",
                  per_neuron=False),
        Parameter("n_trials", "1", float(n_trials), "[1, 1000]", "number of trials (whole number): the neurons "
                                                                  "of the population", per_neuron=False),
        Parameter("noise_dt", "ms", noise_dt, "(0, inf)", "interval at which the noise currents are drawn and held "
                                                          "(whole time steps): the same stimulus at every such dt",
                  per_neuron=False, on_time_grid=True),
    )


STIMULUS_NAMES = ("step_amplitude", "step_start", "step_stop", "noise_sigma", "noise_tau", "noise_frozen",
                  "intrinsic_sigma", "intrinsic_tau", "n_trials", "noise_dt")
RELATIONS = (("step_start", "<", "step_stop"),)


def check_stimulus(values: dict, dt_ms: float) -> None:
    """Whole numbers where counts and switches are meant; a step that starts where a
    waveform can (ValueError naming the rule)."""
    for name in ("n_trials", "noise_frozen"):
        if float(values[name]) != round(float(values[name])):
            raise ValueError(f"parameter {name!r} must be a whole number, got {values[name]:g}")
    check_onset("step_start", values["step_start"], dt_ms, steps=FIRST_GRID_ONSET_STEPS)


CONSTRAINTS = (check_stimulus,)


def step_window(params: dict, duration_ms: float) -> tuple[float, float]:
    """The step (start, stop] within the run (ms): where rates and reliability are measured
    (empty, stop = start, when the run ends before the step starts)."""
    start = float(params["step_start"])
    return start, max(start, float(min(params["step_stop"], duration_ms)))


def held(samples: np.ndarray, resolution_ms: float, dt_ms: float, steps: int) -> np.ndarray:
    """Samples drawn every ``resolution_ms``, each held for its interval, as ``steps``
    values of dt (the last axis)."""
    repeat = int(round(resolution_ms / dt_ms))
    return np.repeat(samples, repeat, axis=-1)[..., :steps]


def step_drive(params: dict, seed: int, dt_ms: float, duration_ms: float) -> np.ndarray:
    """The current during the step (nA), one value per step of dt (drawn every
    ``noise_dt`` and held): a 1-D waveform when the noise is frozen, else one row per trial."""
    start, stop = step_window(params, duration_ms)
    steps = int(round((stop - start) / dt_ms))
    every = float(params["noise_dt"])
    draws = int(np.ceil(steps * dt_ms / every - 1e-9))
    sigma, tau = float(params["noise_sigma"]), float(params["noise_tau"])
    if params["noise_frozen"]:
        noise = frozen_noise(seed, draws, every, tau, sigma)
    else:
        noise = trial_noise(seed, CONTROL_STREAM, int(params["n_trials"]), draws, every, tau, sigma)
    return params["step_amplitude"] + held(noise, every, dt_ms, steps)


def own_noise_start(params: dict) -> float:
    """When each trial's intrinsic noise starts (ms): the earliest onset at its resolution."""
    return FIRST_GRID_ONSET_STEPS * float(params["noise_dt"])


def own_noise(params: dict, seed: int, dt_ms: float, duration_ms: float) -> np.ndarray:
    """Each trial's intrinsic noise (nA), one row per trial, one value per step of dt from
    :func:`own_noise_start` to the end (drawn every ``noise_dt`` and held)."""
    every = float(params["noise_dt"])
    steps = int(round((duration_ms - own_noise_start(params)) / dt_ms))
    draws = int(np.ceil(steps * dt_ms / every - 1e-9))
    noise = intrinsic_noise(seed, int(params["n_trials"]), draws, every, float(params["intrinsic_tau"]),
                            float(params["intrinsic_sigma"]))
    return held(noise, every, dt_ms, steps)


def waveform_samples(params: dict, size: int, dt_ms: float, duration_ms: float) -> int:
    """Values of the injected waveforms a run allocates (the runner's memory estimate):
    the step's current and each trial's intrinsic noise, one per step and neuron."""
    start, stop = step_window(params, duration_ms)
    step = int(round((stop - start) / dt_ms))
    intrinsic = max(0, int(round(duration_ms / dt_ms)) - FIRST_GRID_ONSET_STEPS) if params["intrinsic_sigma"] > 0 else 0
    return size * (step + intrinsic)


def stimulus_table(params: dict, drive: np.ndarray, dt_ms: float, duration_ms: float) -> pd.DataFrame:
    """The step's current (nA) over the run, as the neuron receives it during each step
    (t, t + dt], at t on the grid: the frozen waveform, or trial 0's in the control."""
    t_ms = np.arange(int(round(duration_ms / dt_ms)) + 1) * dt_ms
    current = np.zeros(t_ms.size)
    first = int(round(params["step_start"] / dt_ms))
    wave = drive if drive.ndim == 1 else drive[0]
    current[first:first + wave.size] = wave
    return pd.DataFrame({"t_ms": t_ms, "current_na": current})


def noisy_step_population(cell_type: str, initial_v: str | None = "v_rest"):
    """A ``Simulation.build`` function: ``n_trials`` neurons of ``cell_type`` (its
    parameters: every model parameter that is not the stimulus's), the step with its
    noise and the intrinsic noise injected; the network's state keeps the stimulus."""

    def build(sim, params: dict, size: int, duration_ms: float, seed: int) -> Network:
        dt_ms = float(sim.get_time_step())
        cell_params = {name: value for name, value in params.items() if name not in STIMULUS_NAMES}
        initial = {"v": params[initial_v]} if initial_v in params else {}
        cells = sim.Population(size, getattr(sim, cell_type)(**cell_params), initial_values=initial)
        drive = step_drive(params, seed, dt_ms, duration_ms)
        if params["step_start"] < duration_ms and drive.shape[-1] and np.any(drive != 0.0):
            sim.GridCurrentSource(start=params["step_start"], amplitudes=drive).inject_into(cells)
        if params["intrinsic_sigma"] > 0 and duration_ms > own_noise_start(params):
            sim.GridCurrentSource(start=own_noise_start(params),
                                  amplitudes=own_noise(params, seed, dt_ms, duration_ms)).inject_into(cells)
        return Network(cells, state={"stimulus": stimulus_table(params, drive, dt_ms, duration_ms)})

    return build
