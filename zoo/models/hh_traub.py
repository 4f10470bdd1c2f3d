"""PyNN's standard Hodgkin-Huxley cell ``HH_cond_exp`` (Traub & Miles) under current clamp.

Sodium, potassium and leak currents with the rate functions of Traub & Miles (1991)
*Neuronal Networks of the Hippocampus* as used by NEST's ``hh_cond_exp_traub``
(Brette et al. 2007, J. Comput. Neurosci. 23:349, benchmark 3), PyNN's defaults:
C = 0.2 nF, ḡ_Na = 20 µS, ḡ_K = 6 µS, g_L = 0.01 µS, V_T (``v_offset``) = −63 mV.

A spike is the first time step at which v ≥ V_T + 30 mV and falls (its peak, NEST's
rule), with a 2 ms detection pause. PyNN's own Brian2 version counts every step
above −40 mV as a spike; the zoo's backend layer gives Brian2 NEST's rule.
"""
from __future__ import annotations

import dataclasses

from ..declarations.model import CheckProtocol, Validation
from ..declarations.parameters import Parameter
from ..declarations.tolerances import peak_detection_agreement
from ..stimuli.current_clamp import STEP_CONSTRAINTS, STEP_PARAMETERS, current_clamp_simulation
from . import hh
from .hh.steady_state import check_traub_rests_above_floor, check_traub_rests_below_level

PARAMETERS = (
    Parameter("cm", "nF", 0.2, "(0, inf)", "membrane capacitance"),
    Parameter("gbar_Na", "uS", 20.0, "[0, inf)", "maximal sodium conductance"),
    Parameter("gbar_K", "uS", 6.0, "[0, inf)", "maximal potassium conductance"),
    Parameter("g_leak", "uS", 0.01, "[0, inf)", "leak conductance"),
    Parameter("v_offset", "mV", -63.0, "(-inf, inf)", "V_T, shifts the rate functions and the spike level"),
    Parameter("e_rev_Na", "mV", 50.0, "(-inf, inf)", "sodium reversal potential"),
    Parameter("e_rev_K", "mV", -90.0, "(-inf, inf)", "potassium reversal potential"),
    Parameter("e_rev_leak", "mV", -65.0, "(-inf, inf)", "leak reversal potential"),
    Parameter("i_offset", "nA", 0.5, "(-inf, inf)", "constant injected current (0.5 nA fires repetitively)"),
) + STEP_PARAMETERS

#: The classic model's declaration (protocol at dt = 0.01 ms, spike-shape metrics,
#: peak-detection agreement) with PyNN's Traub-Miles cell and its own check currents;
#: no published values are checked here.
MODEL = dataclasses.replace(
    hh.MODEL,
    name="hh_traub",
    summary="PyNN's HH_cond_exp (Traub-Miles Hodgkin-Huxley) driven by a current",
    citation="Traub & Miles 1991; Brette et al. 2007, J. Comput. Neurosci. 23:349; PyNN HH_cond_exp",
    parameters=PARAMETERS,
    simulation=current_clamp_simulation("HH_cond_exp"),
    validation=Validation(
        agreement=peak_detection_agreement("HH_cond_exp", tuple(p.name for p in PARAMETERS)),
        protocols=(CheckProtocol(params={"i_offset": [0.0, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0]}, duration_ms=1000.0,
                                 dt_ms=0.01),),
    ),
    constraints=STEP_CONSTRAINTS + (check_traub_rests_below_level, check_traub_rests_above_floor),
    cell_types=("HH_cond_exp",),
    revision=2,  # 2: the default i_offset is 0.5 nA
    doc=__doc__,
)
