"""Current clamp of point neurons: a constant current through the soma, plus a step.

The constant current is ``i_offset`` (nA) for the whole run; a step current
(``step_amplitude`` nA from ``step_start`` to ``step_stop`` ms) may be added through
PyNN's ``DCSource``, which on every simulator acts on the potential from one time
step after ``step_start`` (see :func:`zoo.stimuli.check_onset`). Speaks PyNN only.
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
    step over (step_start, step_stop], where it acts on the potential."""
    t_ms = np.asarray(t_ms, dtype=float)
    current = np.full(t_ms.shape, float(params["i_offset"]))
    if has_step(params):
        current += params["step_amplitude"] * ((t_ms > params["step_start"]) & (t_ms <= params["step_stop"]))
    return current


def current_clamp_simulation(cell_type: str, fixed: dict | None = None):
    """The ``Simulation`` of a current-clamped point neuron of ``cell_type``."""
    return Simulation(build=current_clamp_population(cell_type, fixed), rate_window=step_window,
                      injected_current=injected_current)


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
        cell_params = {name: value for name, value in params.items() if name not in STEP_NAMES}
        cell_params.update(fixed or {})
        initial = {"v": params["v_rest"]} if "v_rest" in params else {}
        cells = sim.Population(size, getattr(sim, cell_type)(**cell_params), initial_values=initial)
        if has_step(params) and params["step_start"] < duration_ms:
            sim.DCSource(
                amplitude=params["step_amplitude"],
                start=params["step_start"],
                stop=min(params["step_stop"], duration_ms),
            ).inject_into(cells)
        return Network(cells)

    return build
