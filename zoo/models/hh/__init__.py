"""Classic Hodgkin-Huxley (1952) squid-axon patch under current clamp.

    C dV/dt = −ḡ_Na m³h (V − E_Na) − ḡ_K n⁴ (V − E_K) − g_L (V − E_L) + I
    dx/dt = α_x(V)(1 − x) − β_x(V) x,   x ∈ {m, h, n}

Reference: Hodgkin & Huxley (1952) J. Physiol. 117:500–544; modern convention (rest
at −65 mV) and rate functions as in Dayan & Abbott (2001) *Theoretical Neuroscience*
sec. 5.6 and the course lecture (eqs. 13–19).

Units: the membrane is a patch of A = 1e-4 cm² (100 µm × 100 µm), so the specific
values convert as C = 1 µF/cm² · A = 0.1 nF, ḡ_Na = 120 mS/cm² · A = 12 µS,
ḡ_K = 3.6 µS, g_L = 0.03 µS, and a current density of 1 µA/cm² is 0.1 nA (100 pA).
E_L = −54.402 mV puts rest at −65.000 mV (NEST's ``hh_psc_alpha`` defaults).

A spike is the first time step at which v ≥ 0 mV and falls (its peak, NEST's rule);
detection then pauses for ``tau_refrac``. Parameters whose membrane rests above 0 mV are
refused (:mod:`.steady_state`: on that plateau round-off would decide the spikes). The cell type ``HH_curr_alpha`` is added
by the zoo's backend layer (NEST ``hh_psc_alpha``; Brian2 equations, rk4).
"""
from __future__ import annotations

from ...declarations.metrics import SHAPED_TRAIN
from ...declarations.model import CheckProtocol, Model, Validation
from ...declarations.parameters import Parameter
from ...declarations.tolerances import peak_detection_agreement
from .steady_state import check_rests_above_floor, check_rests_below_level
from ...stimuli.current_clamp import (STEP_CONSTRAINTS, STEP_PARAMETERS, STEP_RELATIONS, current_clamp_simulation,
                                      current_clamp_protocol)

#: Patch area (cm²) of the model; 1 µA/cm² of membrane is 0.1 nA.
PATCH_AREA_CM2 = 1e-4


def ua_per_cm2_to_na(density):
    """Current density (µA/cm²) on the patch -> current (nA): × A (cm²) × 1000 nA/µA."""
    return density * PATCH_AREA_CM2 * 1e3


def na_to_ua_per_cm2(current):
    """Current (nA) -> current density (µA/cm²) on the patch."""
    return current / (PATCH_AREA_CM2 * 1e3)


#: Published behaviour of the classic model, checked by ``zoo check hh`` and the tests.
#: Rheobase for sustained repetitive firing under a long step: the stable and unstable
#: limit cycles meet at I = 6.2649–6.2716 µA/cm² (Balti, Lanza & Aziz-Alaoui 2018,
#: Math. Biosci. Eng. 15:807, fig. 6; Rinzel & Miller 1980, Math. Biosci. 49:27).
RHEOBASE_UA_CM2 = (6.2649, 6.2716)
#: Type II onset: repetitive firing starts at a finite rate, about 50 Hz at 6.3 °C,
#: not near 0 (Hodgkin 1948, J. Physiol. 107:165, class II excitability; Rinzel &
#: Ermentrout 1998 in Koch & Segev, *Methods in Neuronal Modeling*, ch. 7). Accepted:
#: at least 40 Hz.
ONSET_RATE_HZ_AT_LEAST = 40.0
#: First spike from rest at 10 µA/cm²: peak near +40 mV (about 100 mV above rest) and
#: width at half height 1–2 ms (Hodgkin & Huxley 1952 computed action potentials;
#: Dayan & Abbott 2001, sec. 5.6).
SPIKE_PEAK_MV = (30.0, 50.0)
SPIKE_HALF_WIDTH_MS = (1.0, 2.0)
#: Bisection precision of the rheobase (µA/cm²).
RHEOBASE_PRECISION_UA_CM2 = 0.02


#: The classic parameters on the patch, in PyNN units: the model's defaults and the
#: zoo cell type ``HH_curr_alpha``'s (``zoo.backends.celltypes``), declared once.
CLASSIC_PATCH = {
    "cm": 0.1,              # nF (1 µF/cm²)
    "gbar_Na": 12.0,        # µS (120 mS/cm²)
    "gbar_K": 3.6,          # µS (36 mS/cm²)
    "g_leak": 0.03,         # µS (0.3 mS/cm²)
    "e_rev_Na": 50.0,       # mV
    "e_rev_K": -77.0,       # mV
    "e_rev_leak": -54.402,  # mV (rest at -65 mV)
    "tau_refrac": 2.0,      # ms, spike-detection pause (v is not clamped)
}

PARAMETERS = (
    Parameter("cm", "nF", CLASSIC_PATCH["cm"], "(0, inf)", "membrane capacitance (1 µF/cm² on the patch)"),
    Parameter("gbar_Na", "uS", CLASSIC_PATCH["gbar_Na"], "[0, inf)", "maximal sodium conductance (120 mS/cm²)"),
    Parameter("gbar_K", "uS", CLASSIC_PATCH["gbar_K"], "[0, inf)", "maximal potassium conductance (36 mS/cm²)"),
    Parameter("g_leak", "uS", CLASSIC_PATCH["g_leak"], "[0, inf)", "leak conductance (0.3 mS/cm²)"),
    Parameter("e_rev_Na", "mV", CLASSIC_PATCH["e_rev_Na"], "(-inf, inf)", "sodium reversal potential"),
    Parameter("e_rev_K", "mV", CLASSIC_PATCH["e_rev_K"], "(-inf, inf)", "potassium reversal potential"),
    Parameter("e_rev_leak", "mV", CLASSIC_PATCH["e_rev_leak"], "(-inf, inf)",
              "leak reversal potential (rest at -65 mV)"),
    Parameter("tau_refrac", "ms", CLASSIC_PATCH["tau_refrac"], "[2, inf)",
              "spike-detection pause after a spike (v is not clamped)", on_time_grid=True,
              limit="at least 2 ms: the spike rule (v >= 0 mV and falling) needs a pause that outlasts a spike's fall "
                    "from its peak to 0 mV (0.5-1.1 ms for the classic cell from 0.7 to 10 nA), or it counts every "
                    "falling step of one spike (4664 spikes in 1 s at 0 ms, where NEURON's detector counted 69)"),
    Parameter("i_offset", "nA", 1.0, "(-inf, inf)",
              "constant injected current (0.1 nA = 1 µA/cm²; 1 nA fires repetitively, rheobase 0.627 nA)"),
) + STEP_PARAMETERS

MODEL = Model(
    name="hh",
    summary="classic Hodgkin-Huxley (1952) squid-axon patch driven by a current",
    citation="Hodgkin & Huxley 1952, J. Physiol. 117:500; Dayan & Abbott 2001, sec. 5.6",
    parameters=PARAMETERS,
    protocol=current_clamp_protocol(dt_ms=0.01, max_population=200),
    metrics=SHAPED_TRAIN,
    simulation=current_clamp_simulation("HH_curr_alpha"),
    validation=Validation(
        agreement=peak_detection_agreement("HH_curr_alpha", tuple(p.name for p in PARAMETERS)),
        protocols=(CheckProtocol(params={"i_offset": [0.0, 0.3, 0.6, 0.65, 0.8, 1.0, 1.5, 2.0, 3.0]},
                                 duration_ms=1000.0, dt_ms=0.01),),
        studies=("zoo.models.hh.studies:published_checks",),
    ),
    relations=STEP_RELATIONS,
    constraints=STEP_CONSTRAINTS + (check_rests_below_level, check_rests_above_floor),
    cell_types=("HH_curr_alpha",),
    revision=2,  # 2: the default i_offset is 1 nA (10 µA/cm²)
    doc=__doc__,
)
