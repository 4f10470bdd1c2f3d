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

Current clamp only: the LIF's train of input spikes is not offered here. Through this
cell's synapse an input spike opens a conductance (its weight in µS, not nA), the
membrane equation is then no longer linear with constant coefficients, and nothing the
simulators declare bounds their difference (Brian2's exponential Euler is first order
there; at 1 µS NEST fired 3200 times where Brian2 and NEURON fired 3307).
"""
from __future__ import annotations

import dataclasses

from ..stimuli.current_clamp import INPUT_TRAIN_PARAMETERS, current_clamp_simulation
from . import lif

#: The LIF's parameters but its input train: PyNN's IF_cond_exp has the same membrane
#: parameters, names, units and defaults (its synaptic ones play no part under current clamp).
PARAMETERS = tuple(p for p in lif.PARAMETERS if p not in INPUT_TRAIN_PARAMETERS and p.name != "tau_syn_E")

#: The LIF's declaration (protocol, metrics, closed form, agreement, check) on the
#: conductance-based cell: only the cell type and what the closed form says differ.
MODEL = dataclasses.replace(
    lif.MODEL,
    name="if_cond_exp",
    summary="conductance-based leaky integrate-and-fire neuron (PyNN IF_cond_exp) driven by a current",
    citation="PyNN IF_cond_exp; Brette et al. 2007, J. Comput. Neurosci. 23:349; Gerstner et al. 2014, eq. 1.5",
    parameters=PARAMETERS,
    simulation=current_clamp_simulation("IF_cond_exp"),
    validation=dataclasses.replace(
        lif.MODEL.validation,
        closed_form=dataclasses.replace(
            lif.MODEL.validation.closed_form,
            doc="no synaptic conductance: the LIF's f = 1/(t_ref + tau_m*ln(R*I/(R*I - dv)))")),
    cell_types=("IF_cond_exp",),
    revision=2,  # 2: no input train (issue 32)
    doc=__doc__,
)
