"""Spike-timing reliability with the classic Hodgkin-Huxley cell instead of the LIF:
a cell that generates its own spikes, closer to the paper's cortical neurons (Mainen &
Sejnowski 1995). Same stimulus and measures as ``mainen_sejnowski1995``; the cell is
``hh``'s (the 1952 squid-axon patch, rheobase 0.627 nA). Settings (the zoo's): a
0.8 nA step (about 50 Hz, above the type-II onset), frozen noise of SD 0.5 nA over
5 ms, intrinsic noise of 0.1 nA over 1 ms; dt 0.025 ms.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ...declarations.metrics import SHAPED_TRAIN
from ...declarations.model import Agreement
from ...declarations.tolerances import (GRID_TIE_KEY, INTEGRATION_ERROR, PEAK_DETECTION_AGREEMENT,
                                        peak_detection_tolerances)
from ...stimuli import noisy_current
from ..hh import PARAMETERS as HH_PARAMETERS
from ..hh.steady_state import check_rests_below_level
from . import RELIABILITY_METRICS, reliability_model

CELL_PARAMETERS = tuple(dataclasses.replace(p, per_neuron=False, default=0.0 if p.name == "i_offset" else p.default)
                        for p in HH_PARAMETERS if p.name not in ("step_amplitude", "step_start", "step_stop"))
STIMULUS_PARAMETERS = noisy_current.noisy_step_parameters(
    step_amplitude=0.8, noise_sigma=0.5, noise_tau=5.0, intrinsic_sigma=0.1, intrinsic_tau=1.0, n_trials=25)
DT_MS = 0.025


def agreement_tolerances(pairs, numerics) -> dict:
    """Every spike within one step under frozen noise (``peak_detection_tolerances``).
    Under the constant step (``noise_sigma`` = 0) the trials' spike times amplify any
    perturbation, which is the unreliability the model shows, so two schemes' integration
    errors grow apart from spike to spike: shown, not judged (measured at dt 0.1 ms: 1190
    spikes with RK4 substeps of 0.01 ms, 1195 with adaptive RKF45)."""
    tolerances = dict(peak_detection_tolerances(pairs, numerics))
    unstable = np.asarray(pairs["noise_sigma"], dtype=float) == 0.0
    for name in PEAK_DETECTION_AGREEMENT.covers:
        tolerances[name] = np.where(unstable, np.nan, np.asarray(tolerances[name], dtype=float))
    reasons = np.asarray(tolerances.get(GRID_TIE_KEY, np.full(unstable.size, "", dtype=object)), dtype=object)
    tolerances[GRID_TIE_KEY] = np.where(unstable, INTEGRATION_ERROR, reasons)
    return tolerances


AGREEMENT = Agreement(covers=PEAK_DETECTION_AGREEMENT.covers, tolerances=agreement_tolerances,
                      doc="peak-detected HH spikes within one step under frozen noise; the constant step shown only")

MODEL = reliability_model(
    "mainen_sejnowski1995_hh",
    "spike-timing reliability (Mainen & Sejnowski 1995) with the classic Hodgkin-Huxley cell",
    "Mainen & Sejnowski 1995, Science 268:1503; Hodgkin & Huxley 1952, J. Physiol. 117:500", "HH_curr_alpha",
    CELL_PARAMETERS + STIMULUS_PARAMETERS, tuple(m for m in SHAPED_TRAIN if m.source == "spikes") + RELIABILITY_METRICS,
    AGREEMENT, dt_ms=DT_MS, study="reliability_checks_hh", constraints=(check_rests_below_level,), doc=__doc__)
