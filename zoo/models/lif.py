"""Leaky integrate-and-fire neuron (PyNN ``IF_curr_exp``) under current clamp.

    C dV/dt = (C/τ_m)(V_rest − V) + I,   V ≥ V_thresh → spike, V ← V_reset for τ_refrac

Reference: Lapicque (1907) J. Physiol. Pathol. Gén. 9:620; Gerstner, Kistler, Naud &
Paninski (2014) *Neuronal Dynamics*, eqs. (1.5)–(1.12) (rate under constant current).
Defaults are PyNN's ``IF_curr_exp`` defaults (no synaptic input is connected), except
the current: 1 nA (PyNN's 0 would leave the default run silent), 36 Hz. A step, a ramp
and a train of input spikes may be added (:mod:`zoo.stimuli.current_clamp`; the
lecture's exercise 3 uses the last two).
"""
from __future__ import annotations

import numpy as np

from ..declarations.fitting import FitBound, FitSpace
from ..declarations.metrics import TRAIN
from ..declarations.model import ClosedForm, Model, Validation
from ..declarations.parameters import Parameter, at_least_steps
from ..declarations.tolerances import GRID_IF_AGREEMENT, grid_rate_closed_form_tolerance
from ..stimuli.current_clamp import (CURRENT_RANGE_CHECK, INPUT_TRAIN_PARAMETERS, RAMP_PARAMETERS, RAMP_RELATIONS,
                                     STEP_CONSTRAINTS, STEP_PARAMETERS, STEP_RELATIONS, SYNAPSE_RESOLVED,
                                     check_input_train,
                                     check_ramp, current_clamp_simulation, current_clamp_protocol, has_input_train,
                                     has_ramp, has_step)

#: Why tau_m is at least one time step.
TAU_M_RESOLVED = ("the time step must resolve the membrane: below one step a fixed-step second-order scheme "
                  "(NEURON's Crank-Nicolson) oscillates instead of relaxing, so no threshold crossing is bounded")
#: tau_m >= dt (:data:`TAU_M_RESOLVED`).
TAU_M_AT_LEAST_ONE_STEP = at_least_steps("tau_m", 1, TAU_M_RESOLVED)

PARAMETERS = (
    Parameter("cm", "nF", 1.0, "(0, inf)", "membrane capacitance"),
    Parameter("tau_m", "ms", 20.0, "(0, inf)", "membrane time constant (at least dt)",
              limit=f"at least one time step: {TAU_M_RESOLVED}"),
    Parameter("v_rest", "mV", -65.0, "(-inf, inf)", "resting potential, also the initial potential"),
    Parameter("v_reset", "mV", -65.0, "(-inf, inf)", "potential after a spike"),
    Parameter("v_thresh", "mV", -50.0, "(-inf, inf)", "spike threshold"),
    Parameter("tau_refrac", "ms", 0.1, "[0, inf)", "refractory period (whole time steps)", on_time_grid=True),
    Parameter("i_offset", "nA", 1.0, "(-inf, inf)", "constant injected current (rheobase 0.75 nA at the defaults)"),
    Parameter("tau_syn_E", "ms", 5.0, "(0, inf)", "decay time of the excitatory synaptic current (input spikes)",
              limit=f"at least one time step with an input train: {SYNAPSE_RESOLVED}"),
) + STEP_PARAMETERS + RAMP_PARAMETERS + INPUT_TRAIN_PARAMETERS


def rate_hz(p: dict) -> np.ndarray:
    """Closed-form firing rate (Hz) under constant current ``i_offset``.

    f = 1 / (τ_refrac + τ_m · ln((V∞ − V_reset) / (V∞ − V_thresh))),  V∞ = V_rest + R·I,
    R = τ_m / C (MΩ with ms and nF; R·I in mV). With V_reset = V_rest this is the
    textbook f = 1/(t_ref + τ_m·ln(R·I/(R·I − Δv))), Δv = V_thresh − V_reset.
    f = 0 when V∞ ≤ V_thresh (below rheobase I = C·(V_thresh − V_rest)/τ_m).

    Assumes: constant current and no synaptic input (no step current); continuous
    time; the neuron fires periodically from V_reset, and the first interval from
    V_rest has the same length (V_reset = V_rest).
    """
    tau_m, cm, i = (np.asarray(p[k], dtype=float) for k in ("tau_m", "cm", "i_offset"))
    v_inf = np.asarray(p["v_rest"], dtype=float) + tau_m / cm * i
    above = v_inf - np.asarray(p["v_thresh"], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_to_threshold = tau_m * np.log((v_inf - p["v_reset"]) / above)
        rate = 1000.0 / (p["tau_refrac"] + t_to_threshold)
    return np.where(above > 0, rate, 0.0)


def closed_forms(p: dict) -> dict:
    """{"rate_hz": :func:`rate_hz`}; NaN under a step, a ramp or input spikes, where it does not apply."""
    return {"rate_hz": rate_hz(p) if not (has_step(p) or has_ramp(p) or has_input_train(p)) else np.nan}


#: ``zoo fit lif``: the five parameters of the leaky neuron; v_reset's range lies below
#: v_thresh's, so every candidate is valid; the model's own current off.
FIT_SPACE = FitSpace(
    bounds=(FitBound("cm", 0.02, 0.5, log=True), FitBound("tau_m", 2.0, 50.0, log=True),
            FitBound("v_rest", -80.0, -50.0), FitBound("v_reset", -80.0, -65.0), FitBound("v_thresh", -65.0, -35.0)),
    fixed={"i_offset": 0.0, "tau_refrac": 1.0},
    note="v_reset below every v_thresh; a 1 ms refractory period (the recordings' shortest interval)",
)

MODEL = Model(
    name="lif",
    summary="leaky integrate-and-fire neuron (PyNN IF_curr_exp) driven by a current",
    citation="Lapicque 1907; Gerstner et al. 2014, Neuronal Dynamics, eqs. 1.5-1.12",
    parameters=PARAMETERS,
    protocol=current_clamp_protocol(dt_ms=0.1),
    metrics=TRAIN,
    simulation=current_clamp_simulation("IF_curr_exp"),
    validation=Validation(
        closed_form=ClosedForm(metrics=("rate_hz",), values=closed_forms, tolerance=grid_rate_closed_form_tolerance,
                               doc="f = 1/(t_ref + tau_m*ln(R*I/(R*I - dv))), R = tau_m/cm, dv = v_thresh - v_reset"),
        agreement=GRID_IF_AGREEMENT,
        protocols=(CURRENT_RANGE_CHECK,),
    ),
    relations=(("v_reset", "<", "v_thresh"),) + STEP_RELATIONS + RAMP_RELATIONS,
    constraints=STEP_CONSTRAINTS + (check_ramp, check_input_train, TAU_M_AT_LEAST_ONE_STEP),
    cell_types=("IF_curr_exp",),
    revision=3,  # 2: the default i_offset is 1 nA; 3: input spikes at the end of their step (issue 32)
    doc=__doc__,
    fit_space=FIT_SPACE,
)
