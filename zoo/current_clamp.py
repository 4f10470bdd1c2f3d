"""The protocol shared by point-neuron models: current injected through the soma.

The default stimulus is the constant current ``i_offset`` (nA) for the whole run; a
step current (``step_amplitude`` nA from ``step_start`` to ``step_stop`` ms) may be
added to it through PyNN's ``DCSource``. Speaks PyNN only.
"""
from __future__ import annotations

from .spec import Parameter

STEP_PARAMETERS = (
    Parameter("step_amplitude", "nA", 0.0, "(-inf, inf)", "amplitude of a current step added to i_offset", per_neuron=False),
    Parameter("step_start", "ms", 0.0, "[0, inf)", "time the current step starts", per_neuron=False),
    Parameter("step_stop", "ms", float("inf"), "[0, inf]", "time the current step ends (inf: end of run)", per_neuron=False),
)
STEP_NAMES = tuple(p.name for p in STEP_PARAMETERS)
STEP_RELATIONS = (("step_start", "<", "step_stop"),)


def current_clamp_population(cell_type: str, fixed: dict | None = None):
    """A ``build`` function: one population of ``cell_type`` under current clamp.

    ``fixed`` holds cell parameters the model sets and the user cannot (PyNN names).
    The population starts at ``v_rest``.
    """

    def build(sim, params: dict, size: int, duration_ms: float):
        cell_params = {name: value for name, value in params.items() if name not in STEP_NAMES}
        cell_params.update(fixed or {})
        cells = sim.Population(size, getattr(sim, cell_type)(**cell_params), initial_values={"v": params["v_rest"]})
        if params["step_amplitude"] != 0.0 and params["step_start"] < duration_ms:
            sim.DCSource(
                amplitude=params["step_amplitude"],
                start=params["step_start"],
                stop=min(params["step_stop"], duration_ms),
            ).inject_into(cells)
        return cells

    return build
