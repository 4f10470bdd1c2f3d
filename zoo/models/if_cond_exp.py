"""Conductance-based leaky integrate-and-fire neuron (PyNN ``IF_cond_exp``) under current clamp.

    C dV/dt = (C/τ_m)(V_rest − V) + g_E (E_E − V) + g_I (E_I − V) + I,
    V ≥ V_thresh → spike, V ← V_reset for τ_refrac

PyNN's standard conductance-based cell, the workhorse of network models (Brette et al.
2007, J. Comput. Neurosci. 23:349, benchmarks 1 and 2). Under current clamp no
synaptic conductance is active (g_E = g_I = 0), so its membrane obeys the LIF's
equation and the LIF's closed-form rate holds (``zoo.models.lif.rate_hz``). What
differs is the numerics: the simulators cannot integrate the conductance-based
equation exactly in general and declare other schemes (NEST ``iaf_cond_exp``: RKF45
with a controlled error; Brian2: exponential Euler, exact while g = 0), so the
tolerances widen by the threshold-crossing error those schemes allow
(``zoo.declarations.tolerances.crossing_error_ms``).

Defaults are PyNN's ``IF_cond_exp`` defaults, except the current: 1 nA (36 Hz).
"""
from __future__ import annotations

import numpy as np

from ..declarations.metrics import TRAIN
from ..declarations.model import CheckProtocol, ClosedForm, Model, Validation
from ..declarations.parameters import Parameter
from ..declarations.tolerances import GRID_IF_AGREEMENT, grid_rate_closed_form_tolerance
from ..stimuli.current_clamp import (STEP_CONSTRAINTS, STEP_PARAMETERS, STEP_RELATIONS, current_clamp_simulation,
                                     current_clamp_protocol)
from .lif import closed_forms

PARAMETERS = (
    Parameter("cm", "nF", 1.0, "(0, inf)", "membrane capacitance"),
    Parameter("tau_m", "ms", 20.0, "(0, inf)", "membrane time constant (leak conductance cm/tau_m)"),
    Parameter("v_rest", "mV", -65.0, "(-inf, inf)", "leak reversal (resting) potential, also the initial potential"),
    Parameter("v_reset", "mV", -65.0, "(-inf, inf)", "potential after a spike"),
    Parameter("v_thresh", "mV", -50.0, "(-inf, inf)", "spike threshold"),
    Parameter("tau_refrac", "ms", 0.1, "[0, inf)", "refractory period (whole time steps)", on_time_grid=True),
    Parameter("i_offset", "nA", 1.0, "(-inf, inf)", "constant injected current (rheobase 0.75 nA at the defaults)"),
) + STEP_PARAMETERS

MODEL = Model(
    name="if_cond_exp",
    summary="conductance-based leaky integrate-and-fire neuron (PyNN IF_cond_exp) driven by a current",
    citation="PyNN IF_cond_exp; Brette et al. 2007, J. Comput. Neurosci. 23:349; Gerstner et al. 2014, eq. 1.5",
    parameters=PARAMETERS,
    protocol=current_clamp_protocol(dt_ms=0.1),
    metrics=TRAIN,
    simulation=current_clamp_simulation("IF_cond_exp"),
    validation=Validation(
        closed_form=ClosedForm(metrics=("rate_hz",), values=closed_forms, tolerance=grid_rate_closed_form_tolerance,
                               doc="no synaptic conductance: the LIF's f = 1/(t_ref + tau_m*ln(R*I/(R*I - dv)))"),
        agreement=GRID_IF_AGREEMENT,
        protocols=(CheckProtocol(params={"i_offset": np.linspace(0.0, 2.0, 50)}, duration_ms=1000.0, dt_ms=0.1),),
    ),
    relations=(("v_reset", "<", "v_thresh"),) + STEP_RELATIONS,
    constraints=STEP_CONSTRAINTS,
    cell_types=("IF_cond_exp",),
    doc=__doc__,
)
