"""Lapicque's perfect integrate-and-fire neuron (no leak) under current clamp.

    C dV/dt = I,   V ≥ V_thresh → spike, V ← V_reset for τ_refrac

Reference: Lapicque (1907) J. Physiol. Pathol. Gén. 9:620; Dayan & Abbott (2001)
*Theoretical Neuroscience*, sec. 5.4; Gerstner et al. (2014) *Neuronal Dynamics*, sec. 1.3.

PyNN has no leak-free cell type and NEST no perfect integrator, so the model is
PyNN's ``IF_curr_exp`` with τ_m fixed at 1e9 ms. Within one interspike interval T the
leak changes the charging time by at most T/(2τ_m) relative (5e-8 for T = 100 ms),
far below the time-step error; numerically, τ_m = 1e9 ms keeps the exact propagator's
round-off below 1e-6 mV per step.
"""
from __future__ import annotations

import numpy as np

from ..declarations.metrics import TRAIN
from ..declarations.model import ClosedForm, Model, Validation
from ..declarations.parameters import Parameter
from ..declarations.tolerances import GRID_IF_AGREEMENT, grid_rate_closed_form_tolerance
from ..stimuli.current_clamp import (CURRENT_RANGE_CHECK, STEP_CONSTRAINTS, STEP_PARAMETERS, STEP_RELATIONS,
                                     current_clamp_simulation,
                                     current_clamp_protocol, has_step)

LEAK_FREE_TAU_M_MS = 1.0e9

PARAMETERS = (
    Parameter("cm", "nF", 1.0, "(0, inf)", "membrane capacitance"),
    Parameter("v_rest", "mV", -65.0, "(-inf, inf)", "initial potential (there is no leak towards it)"),
    Parameter("v_reset", "mV", -65.0, "(-inf, inf)", "potential after a spike"),
    Parameter("v_thresh", "mV", -50.0, "(-inf, inf)", "spike threshold"),
    Parameter("tau_refrac", "ms", 2.0, "[0, inf)", "refractory period (whole time steps)", on_time_grid=True),
    Parameter("i_offset", "nA", 1.0, "(-inf, inf)", "constant injected current (59 Hz at the defaults)"),
) + STEP_PARAMETERS


def rate_hz(p: dict) -> np.ndarray:
    """Closed-form firing rate (Hz) under constant current ``i_offset``.

    f = 1 / (τ_refrac + C·Δv / I),  Δv = V_thresh − V_reset (mV, nF, nA → ms); f = 0 for I ≤ 0.

    Assumes: constant current and no synaptic input (no step current); continuous
    time; the first interval from V_rest is as long as the others (V_rest = V_reset).
    """
    i = np.asarray(p["i_offset"], dtype=float)
    dv = np.asarray(p["v_thresh"], dtype=float) - np.asarray(p["v_reset"], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = 1000.0 / (p["tau_refrac"] + np.asarray(p["cm"], dtype=float) * dv / i)
    return np.where(i > 0, rate, 0.0)


def closed_forms(p: dict) -> dict:
    """{"rate_hz": :func:`rate_hz`}; NaN under a step current, where it does not apply."""
    return {"rate_hz": rate_hz(p) if not has_step(p) else np.nan}


MODEL = Model(
    name="lapicque",
    summary="Lapicque's perfect integrate-and-fire neuron (no leak) driven by a current",
    citation="Lapicque 1907; Dayan & Abbott 2001, Theoretical Neuroscience, sec. 5.4",
    parameters=PARAMETERS,
    protocol=current_clamp_protocol(dt_ms=0.1),
    metrics=TRAIN,
    simulation=current_clamp_simulation("IF_curr_exp", fixed={"tau_m": LEAK_FREE_TAU_M_MS}),
    validation=Validation(
        closed_form=ClosedForm(metrics=("rate_hz",), values=closed_forms, tolerance=grid_rate_closed_form_tolerance,
                               doc="f = 1/(t_ref + cm*dv/I), dv = v_thresh - v_reset"),
        agreement=GRID_IF_AGREEMENT,
        protocols=(CURRENT_RANGE_CHECK,),
    ),
    relations=(("v_reset", "<", "v_thresh"),) + STEP_RELATIONS,
    constraints=STEP_CONSTRAINTS,
    cell_types=("IF_curr_exp",),
    revision=3,  # 2: the default i_offset is 1 nA; 3: NEURON fires when v starts at or above threshold (issue 32)
    doc=__doc__,
)
