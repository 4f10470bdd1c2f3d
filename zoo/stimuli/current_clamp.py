"""Current clamp of point neurons: a constant current through the soma, plus a step,
and for models that declare them a ramp and a train of input spikes.

The constant current is ``i_offset`` (nA) for the whole run; a step current
(``step_amplitude`` nA from ``step_start`` to ``step_stop`` ms) may be added through
PyNN's ``DCSource``, which on every simulator acts on the potential from one time
step after ``step_start`` (see :func:`zoo.stimuli.check_onset`).

A **ramp** (:data:`RAMP_PARAMETERS`) rises linearly from 0 at ``ramp_start`` towards
``ramp_amplitude`` (nA) at ``ramp_stop``, where it stops: during the step (t, t + dt] the
neuron receives its value at t (a ``GridCurrentSource``, from 2·dt on), so the last
step carries ramp_amplitude·(1 − dt/(ramp_stop − ramp_start)) and the held current
converges to the line as dt shrinks (the lecture's ramp is this at dt = one step). An **input
spike train** (:data:`INPUT_TRAIN_PARAMETERS`) is a spike every ``input_interval`` ms
from ``input_start`` until ``input_stop``, through one excitatory current synapse of
weight ``input_weight`` (nA, decaying with the cell's ``tau_syn_E``) and a delay of
one time step. Speaks PyNN only.
"""
from __future__ import annotations

import numpy as np

from ..declarations.model import CheckProtocol, Network, Protocol, Simulation
from ..declarations.parameters import Parameter
from . import check_onset

STEP_PARAMETERS = (
    Parameter("step_amplitude", "nA", 0.0, "(-inf, inf)", "amplitude of a current step added to i_offset", per_neuron=False),
    Parameter("step_start", "ms", 0.0, "[0, inf)", "time the current step starts (>= dt, whole time steps)",
              per_neuron=False, on_time_grid=True),
    Parameter("step_stop", "ms", float("inf"), "[0, inf]", "time the current step ends (inf: end of run)",
              per_neuron=False, on_time_grid=True),
)
STEP_NAMES = tuple(p.name for p in STEP_PARAMETERS)
STEP_RELATIONS = (("step_start", "<", "step_stop"),)

RAMP_PARAMETERS = (
    Parameter("ramp_amplitude", "nA", 0.0, "(-inf, inf)", "slope times duration: the current the ramp would reach "
                                                         "at ramp_stop (0: no ramp)", per_neuron=False),
    Parameter("ramp_start", "ms", 10.0, "[0, inf)", "time the ramp starts from 0 nA (whole time steps, >= 2 dt)",
              per_neuron=False),
    Parameter("ramp_stop", "ms", 30.0, "[0, inf)", "time the ramp would reach ramp_amplitude, and stops (whole "
                                                    "time steps)", per_neuron=False),
)
INPUT_TRAIN_PARAMETERS = (
    Parameter("input_weight", "nA", 0.0, "[0, inf)", "weight of the input spikes' excitatory current synapse "
                                                     "(0: no input train)", per_neuron=False),
    Parameter("input_interval", "ms", 3.0, "(0, inf)", "time between input spikes (at least dt)", per_neuron=False,
              limit="at least one time step: the spikes of one source within one step cannot be delivered apart "
                    "(Brian2 refuses them, NEURON merged them)"),
    Parameter("input_start", "ms", 5.0, "(0, inf)", "time of the first input spike (after 0; delivered at the end "
                                                    "of its step)", per_neuron=False,
              limit="after 0: a spike source emits at the end of a step, and none ends at t = 0 (NEST refuses it)"),
    Parameter("input_stop", "ms", float("inf"), "[0, inf]", "no input spike at or after this time",
              per_neuron=False),
)
STIMULUS_NAMES = STEP_NAMES + tuple(p.name for p in RAMP_PARAMETERS + INPUT_TRAIN_PARAMETERS)
RAMP_RELATIONS = (("ramp_start", "<", "ramp_stop"),)


def has_ramp(params: dict) -> bool:
    return float(params.get("ramp_amplitude", 0.0)) != 0.0


def has_input_train(params: dict) -> bool:
    return float(params.get("input_weight", 0.0)) != 0.0


def check_ramp(values: dict, dt_ms: float) -> None:
    """A ramp, where there is one, starts and stops on the time grid, and where a
    waveform can start (``GridCurrentSource``: two steps)."""
    from ..declarations.parameters import on_time_grid
    from . import FIRST_GRID_ONSET_STEPS

    if not has_ramp(values):
        return
    for name in ("ramp_start", "ramp_stop"):
        if not np.all(on_time_grid(values[name], dt_ms)):
            raise ValueError(f"parameter {name!r} = {values[name]:g} ms must be a whole number of time steps "
                             f"(dt = {dt_ms:g} ms)")
    check_onset("ramp_start", values["ramp_start"], dt_ms, steps=FIRST_GRID_ONSET_STEPS)


def ramp_values(params: dict, dt_ms: float, duration_ms: float) -> np.ndarray:
    """The ramp's current (nA) per step from ``ramp_start``: its value at each step's start."""
    start, stop = float(params["ramp_start"]), float(min(params["ramp_stop"], duration_ms))
    t = start + np.arange(int(round((stop - start) / dt_ms))) * dt_ms
    return params["ramp_amplitude"] * (t - start) / (float(params["ramp_stop"]) - start)


def input_spike_count(params: dict, duration_ms: float) -> int:
    """How many input spikes fall within the run (computed, not generated: the runner's
    memory estimate asks before anything is allocated)."""
    if not has_input_train(params):
        return 0
    stop = min(float(params["input_stop"]), duration_ms)
    return max(0, int(np.ceil((stop - params["input_start"]) / params["input_interval"] - 1e-9)))


def input_spike_times(params: dict, duration_ms: float) -> np.ndarray:
    """Times (ms) of the input spikes within the run."""
    return params["input_start"] + np.arange(input_spike_count(params, duration_ms)) * params["input_interval"]


#: Why the synaptic time constant of an input train is at least one time step.
SYNAPSE_RESOLVED = ("the time step must resolve the synaptic current: far below a step NEST's propagator and "
                    "NEURON's synapse deliver the charge of a whole step (w*dt) where the exact one delivers "
                    "w*tau_syn")


def check_input_train(values: dict, dt_ms: float) -> None:
    """An input train's spikes each in a step of their own (``input_interval`` >= dt), into a
    synaptic current the step resolves (``tau_syn_E`` >= dt, :data:`SYNAPSE_RESOLVED`)."""
    if not has_input_train(values):
        return
    if values["input_interval"] < dt_ms * (1 - 1e-9):
        raise ValueError(f"parameter 'input_interval' = {values['input_interval']:g} ms is below one time step "
                         f"(dt = {dt_ms:g} ms): the spikes of one source within one step cannot be delivered apart")
    tau_syn = np.atleast_1d(np.asarray(values.get("tau_syn_E", np.inf), dtype=float))
    if np.any(tau_syn < dt_ms * (1 - 1e-9)):
        raise ValueError(f"parameter 'tau_syn_E' = {tau_syn[tau_syn < dt_ms * (1 - 1e-9)][0]:g} ms is below one time "
                         f"step (dt = {dt_ms:g} ms) with an input train: {SYNAPSE_RESOLVED}")


def ramp_samples(params: dict, size: int, dt_ms: float, duration_ms: float) -> int:
    """Values of the ramp's waveform a run allocates: one per step and neuron (0 without a ramp)."""
    if not has_ramp(params) or params["ramp_start"] >= duration_ms:
        return 0
    return size * int(round((min(params["ramp_stop"], duration_ms) - params["ramp_start"]) / dt_ms))


def check_step(values: dict, dt_ms: float) -> None:
    """A step must start where every simulator can honour it (a current from t = 0 is
    ``i_offset``)."""
    if values["step_amplitude"] != 0.0:
        check_onset("step_start", values["step_start"], dt_ms, "for a current from t = 0 use i_offset")


STEP_CONSTRAINTS = (check_step,)


def has_step(params: dict) -> bool:
    """Whether a step current is added to ``i_offset`` (closed forms assume none)."""
    return params["step_amplitude"] != 0.0


def step_window(params: dict, duration_ms: float) -> tuple[float, float]:
    """The spikes ``rate_hz`` counts (ms): during the step (start, stop] where there is
    one (the step acts from the step after ``step_start``), else the whole run."""
    if has_step(params) and params["step_start"] < duration_ms:
        return float(params["step_start"]), float(min(params["step_stop"], duration_ms))
    return 0.0, float(duration_ms)


def injected_current(params: dict, t_ms: np.ndarray) -> np.ndarray:
    """The current the neuron receives at times ``t_ms`` (nA): ``i_offset``, plus the
    step over (step_start, step_stop], where it acts on the potential, plus the ramp
    as the line it samples (the neuron receives its value at each step's start, held
    over the step: at most one step's rise below the line)."""
    t_ms = np.asarray(t_ms, dtype=float)
    current = np.full(t_ms.shape, float(params["i_offset"]))
    if has_step(params):
        current += params["step_amplitude"] * ((t_ms > params["step_start"]) & (t_ms <= params["step_stop"]))
    if has_ramp(params):
        start, stop = float(params["ramp_start"]), float(params["ramp_stop"])
        inside = (t_ms > start) & (t_ms <= stop)
        current += np.where(inside, params["ramp_amplitude"] * (t_ms - start) / (stop - start), 0.0)
    return current


def current_clamp_simulation(cell_type: str, fixed: dict | None = None):
    """The ``Simulation`` of a current-clamped point neuron of ``cell_type``."""
    return Simulation(build=current_clamp_population(cell_type, fixed), rate_window=step_window,
                      injected_current=injected_current, input_spikes=input_spike_count,
                      waveform_samples=ramp_samples)


#: ``zoo check`` of a current-clamped IF neuron: 50 currents from silence to fast
#: firing, one population, 1 s at dt = 0.1 ms.
CURRENT_RANGE_CHECK = CheckProtocol(params={"i_offset": np.linspace(0.0, 2.0, 50)}, duration_ms=1000.0, dt_ms=0.1)


def current_clamp_protocol(dt_ms: float, max_population: int | None = None) -> Protocol:
    """The default experiment of a current-clamped point neuron: 1 s of constant
    ``i_offset`` (plus the optional step) at ``dt_ms``."""
    return Protocol(stimulus="constant current i_offset (nA), optional step current", duration_ms=1000.0,
                    dt_ms=dt_ms, max_population=max_population)


def current_clamp_population(cell_type: str, fixed: dict | None = None):
    """A ``Simulation.build`` function: one population of ``cell_type`` under current clamp.

    ``fixed`` holds cell parameters the model sets and the user cannot (PyNN names).
    The population starts at ``v_rest`` where the model has one, else at the cell
    type's declared initial state.
    """

    def build(sim, params: dict, size: int, duration_ms: float, seed: int) -> Network:
        cell_params = {name: value for name, value in params.items() if name not in STIMULUS_NAMES}
        cell_params.update(fixed or {})
        initial = {"v": params["v_rest"]} if "v_rest" in params else {}
        cells = sim.Population(size, getattr(sim, cell_type)(**cell_params), initial_values=initial)
        if has_step(params) and params["step_start"] < duration_ms:
            sim.DCSource(
                amplitude=params["step_amplitude"],
                start=params["step_start"],
                stop=min(params["step_stop"], duration_ms),
            ).inject_into(cells)
        dt_ms = float(sim.get_time_step())
        if has_ramp(params) and params["ramp_start"] < duration_ms:
            sim.GridCurrentSource(start=params["ramp_start"],
                                  amplitudes=ramp_values(params, dt_ms, duration_ms)).inject_into(cells)
        state = {}
        if has_input_train(params):
            times = input_spike_times(params, duration_ms)
            source = sim.Population(1, sim.SpikeSourceArray(spike_times=times))
            state["input"] = sim.Projection(source, cells, sim.AllToAllConnector(),
                                            sim.StaticSynapse(weight=params["input_weight"], delay=dt_ms),
                                            receptor_type="excitatory")
        return Network(cells, state=state)

    return build
