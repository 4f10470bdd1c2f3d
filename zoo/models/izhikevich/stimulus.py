"""The current-clamp stimuli of the ``izhikevich`` model: ``i_offset`` for the whole run, a
step, a ramp and a train of square pulses, and the current they inject step by step, which
the zoo's reference solution is given (:func:`current_pieces`).

On an Izhikevich cell every simulator integrates the current of the step (t, t + dt] that
it receives over that step (measured: NEST, Brian2 and NEURON change v at t + dt first):

- the step (PyNN's ``DCSource``, :data:`zoo.stimuli.current_clamp.STEP_PARAMETERS`) acts
  during (step_start, step_stop];
- the ramp (:data:`zoo.stimuli.current_clamp.RAMP_PARAMETERS`) gives the step from t its
  value at t, from ramp_start to ramp_stop (a ``GridCurrentSource``);
- pulse k of the train (:data:`PULSE_PARAMETERS`) acts during (s_k, s_k + pulse_width],
  s_k = pulse_start + k·pulse_interval, as a ``DCSource`` from s_k to s_k + width would
  (a ``GridCurrentSource``, so it starts at 2·dt at the earliest);
- the current of a panel of Izhikevich (2004) Fig. 1 (``fig1_panel``,
  :func:`.figure1.current`: the paper's staircase on its own grid): its value at t = 0
  added to ``i_offset``, its time course I − I(0) given to each step from the third on (a
  ``GridCurrentSource``).

Speaks PyNN only.
"""
from __future__ import annotations

import numpy as np

from ...declarations.parameters import Parameter, on_time_grid
from ...stimuli import FIRST_GRID_ONSET_STEPS, check_onset
from ...stimuli.current_clamp import has_ramp, has_step, injected_current as clamp_current, ramp_values
from . import figure1

PULSE_PARAMETERS = (
    Parameter("pulse_amplitude", "nA", 0.0, "(-inf, inf)", "amplitude of each square pulse (0: no pulses)",
              per_neuron=False),
    Parameter("pulse_start", "ms", 10.0, "[0, inf)", "time the first pulse starts (whole time steps, >= 2 dt)",
              per_neuron=False),
    Parameter("pulse_width", "ms", 2.0, "(0, inf)", "duration of each pulse (whole time steps)", per_neuron=False),
    Parameter("pulse_interval", "ms", 20.0, "(0, inf)", "time from one pulse's start to the next's (whole time "
                                                       "steps, longer than the width)", per_neuron=False),
    Parameter("pulse_count", "1", 1.0, "[1, 1000]", "number of pulses (a whole number)", per_neuron=False),
)
PULSE_NAMES = tuple(p.name for p in PULSE_PARAMETERS)
PANEL_PARAMETERS = (
    Parameter("fig1_panel", "1", 0.0, f"[0, {len(figure1.LETTERS)}]",
              "the current of a panel of Izhikevich (2004) Fig. 1, added to the others: 1 = A (tonic spiking) ... "
              "20 = T, sampled at each step's start (0: none; the panel's cell, step and duration are the study's: "
              "zoo.models.izhikevich.figure1)", per_neuron=False),
)


def has_panel(params) -> bool:
    return float(params.get("fig1_panel", 0.0)) != 0.0


def check_panel(values: dict, dt_ms: float) -> None:
    """``fig1_panel`` a whole number."""
    number = values.get("fig1_panel", 0.0)
    if number != round(number):
        raise ValueError(f"parameter 'fig1_panel' = {number:g} must be a whole number (1 = A ... "
                         f"{len(figure1.LETTERS)} = {figure1.LETTERS[-1]}; 0: none)")


def panel_offset(params) -> float:
    """The panel's current at t = 0 (nA), which acts through ``i_offset``."""
    if not has_panel(params):
        return 0.0
    return float(figure1.panel(params["fig1_panel"]).current(np.zeros(1))[0]) * figure1.NA_PER_PAPER_UNIT


def panel_values(params, dt_ms: float, duration_ms: float) -> np.ndarray:
    """The panel's time course (nA) per step from the third: I − I(0)."""
    steps = figure1.current(params["fig1_panel"], dt_ms, duration_ms) * figure1.NA_PER_PAPER_UNIT
    return steps[FIRST_GRID_ONSET_STEPS:] - panel_offset(params)


def has_pulses(params) -> bool:
    return float(params.get("pulse_amplitude", 0.0)) != 0.0


def check_pulses(values: dict, dt_ms: float) -> None:
    """A pulse train, where there is one: its times on the grid, from 2·dt (a waveform), a
    whole number of pulses, each shorter than the interval when there are several."""
    if not has_pulses(values):
        return
    for name in ("pulse_start", "pulse_width", "pulse_interval"):
        if not np.all(on_time_grid(values[name], dt_ms)):
            raise ValueError(f"parameter {name!r} = {values[name]:g} ms must be a whole number of time steps "
                             f"(dt = {dt_ms:g} ms)")
    count = values["pulse_count"]
    if count != round(count):
        raise ValueError(f"parameter 'pulse_count' = {count:g} must be a whole number")
    if count > 1 and values["pulse_width"] >= values["pulse_interval"]:
        raise ValueError(f"parameter 'pulse_width' = {values['pulse_width']:g} ms must be shorter than "
                         f"'pulse_interval' = {values['pulse_interval']:g} ms: the pulses would overlap")
    check_onset("pulse_start", values["pulse_start"], dt_ms, steps=FIRST_GRID_ONSET_STEPS)


def pulse_starts(params) -> np.ndarray:
    """The start of each pulse (ms)."""
    return params["pulse_start"] + np.arange(int(round(params["pulse_count"]))) * params["pulse_interval"]


def pulse_values(params, dt_ms: float, duration_ms: float) -> np.ndarray:
    """The pulse train's current (nA) per step from ``pulse_start`` to its last pulse's end
    (or the run's end)."""
    starts = pulse_starts(params)
    stop = min(starts[-1] + params["pulse_width"], duration_ms)
    t = params["pulse_start"] + np.arange(int(round((stop - params["pulse_start"]) / dt_ms))) * dt_ms
    inside = np.zeros(t.shape, dtype=bool)
    for start in starts:
        inside |= (t >= start - 1e-9 * dt_ms) & (t < start + params["pulse_width"] - 1e-9 * dt_ms)
    return np.where(inside, float(params["pulse_amplitude"]), 0.0)


def pulse_samples(params, size: int, dt_ms: float, duration_ms: float) -> int:
    """Values of the pulse train's and the ramp's waveforms a run allocates (memory estimate)."""
    from ...stimuli.current_clamp import ramp_samples

    samples = ramp_samples(params, size, dt_ms, duration_ms)
    if has_pulses(params) and params["pulse_start"] < duration_ms:
        samples += size * len(pulse_values(params, dt_ms, duration_ms))
    if has_panel(params):
        samples += size * int(round(duration_ms / dt_ms))
    return samples


def inject(sim, cells, params, duration_ms: float) -> None:
    """The step (``DCSource``), the ramp and the pulse train (``GridCurrentSource``s) into ``cells``."""
    dt_ms = float(sim.get_time_step())
    if has_step(params) and params["step_start"] < duration_ms:
        sim.DCSource(amplitude=params["step_amplitude"], start=params["step_start"],
                     stop=min(params["step_stop"], duration_ms)).inject_into(cells)
    if has_ramp(params) and params["ramp_start"] < duration_ms:
        sim.GridCurrentSource(start=params["ramp_start"],
                              amplitudes=ramp_values(params, dt_ms, duration_ms)).inject_into(cells)
    if has_pulses(params) and params["pulse_start"] < duration_ms:
        sim.GridCurrentSource(start=params["pulse_start"],
                              amplitudes=pulse_values(params, dt_ms, duration_ms)).inject_into(cells)
    start = FIRST_GRID_ONSET_STEPS * dt_ms
    if has_panel(params) and start < duration_ms:
        sim.GridCurrentSource(start=start, amplitudes=panel_values(params, dt_ms, duration_ms)).inject_into(cells)


def injected_current(params, t_ms: np.ndarray) -> np.ndarray:
    """The current (nA) the cell receives at times ``t_ms``: i_offset, the step and the ramp
    (:func:`zoo.stimuli.current_clamp.injected_current`), the pulses over (s_k, s_k + width],
    and a Fig. 1 panel's I(t) (as drawn: the run receives it sampled at each step's start)."""
    t_ms = np.asarray(t_ms, dtype=float)
    current = clamp_current(params, t_ms)
    if has_pulses(params):
        for start in pulse_starts(params):
            current += params["pulse_amplitude"] * ((t_ms > start) & (t_ms <= start + params["pulse_width"]))
    if has_panel(params):
        current = current + figure1.panel(params["fig1_panel"]).current(t_ms) * figure1.NA_PER_PAPER_UNIT
    return current


def current_pieces(params, duration_ms: float, dt_ms: float) -> list[tuple[float, float, float]]:
    """The current (nA) the cell receives, as contiguous (start, stop, nA) pieces over
    [0, duration]: constant over each step (module docstring), merged where it does not
    change. What the zoo's reference solution integrates."""
    steps = int(round(duration_ms / dt_ms))
    starts = np.arange(steps) * dt_ms
    current = np.full(steps, float(params["i_offset"]))
    if has_step(params):
        current += params["step_amplitude"] * ((starts >= params["step_start"] - 1e-9 * dt_ms)
                                               & (starts < params["step_stop"] - 1e-9 * dt_ms))
    for present, first, values in ((has_ramp(params), "ramp_start", ramp_values),
                                   (has_pulses(params), "pulse_start", pulse_values)):
        if present and params[first] < duration_ms:
            waveform = values(params, dt_ms, duration_ms)
            k = int(round(params[first] / dt_ms))
            current[k:k + len(waveform)] += waveform[:steps - k]
    if has_panel(params):
        current += panel_offset(params)
        current[FIRST_GRID_ONSET_STEPS:] += panel_values(params, dt_ms, duration_ms)
    return merged_pieces(current, dt_ms)


def merged_pieces(current: np.ndarray, dt_ms: float) -> list[tuple[float, float, float]]:
    """(start, stop, value) pieces of a current given per step of ``dt_ms``, one per run of equal values."""
    changes = np.flatnonzero(np.diff(current) != 0.0) + 1
    edges = np.concatenate([[0], changes, [len(current)]])
    return [(float(a * dt_ms), float(b * dt_ms), float(current[a])) for a, b in zip(edges[:-1], edges[1:])]
