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
from ...declarations.tolerances import (GRID_TIE_KEY, ILL_CONDITIONED, PEAK_COVERS, peak_detection_agreement,
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
    """:func:`zoo.declarations.tolerances.peak_detection_tolerances` for the trials' pooled
    rows (each trial's count: the pooled train's length over ``n_trials``).

    Under frozen noise the trials are reliable: the drive pulls every trajectory onto the
    same spikes, so a scheme's error does not grow from spike to spike and the bounds hold.

    Under the constant step (``noise_sigma`` = 0) the cell is bistable (0.8 nA lies between
    the onset of repetitive firing, 0.63 nA, and the Hopf point, 0.98 nA): the intrinsic
    noise carries trajectories close to the boundary between firing and rest, where
    whether a spike is skipped turns on perturbations far below any scheme's error. That
    is the unreliability the model shows, and it amplifies integration error as it
    amplifies noise. Measured with the same input at every step (noise_dt 0.1 ms): 1195,
    1194, 1190, 1190, 1190 spikes on NEST at dt 0.1, 0.05, 0.025, 0.01, 0.005 ms, 1199,
    1189, 1192, 1185, 1182 on NEURON; at 0.005 ms 8 of 25 trials still differ between them
    by more than 1 ms (up to 5 spikes): the trains do not converge, so no drift bound
    exists. Only each trial's first spike, before the noise has carried any
    trajectory near that boundary, is judged there; the rest is shown with the reason."""
    trials = np.asarray(pairs["n_trials"], dtype=float)
    per_trial = np.array([len(np.asarray(t)) for t in pairs["spike_times_ms"]], dtype=float) / trials
    view = pairs.assign(n_spikes=per_trial) if hasattr(pairs, "assign") else {**pairs, "n_spikes": per_trial}
    tolerances = dict(peak_detection_tolerances(view, numerics, trials=trials))
    unstable = np.asarray(pairs["noise_sigma"], dtype=float) == 0.0
    for name in PEAK_COVERS:
        if name in tolerances and name != "first_spike_ms":
            tolerances[name] = np.where(unstable, np.nan, np.asarray(tolerances[name], dtype=float))
    reasons = np.asarray(tolerances[GRID_TIE_KEY], dtype=object)
    tolerances[GRID_TIE_KEY] = np.where(unstable & (reasons == ""), ILL_CONDITIONED, reasons)
    return tolerances


AGREEMENT = dataclasses.replace(peak_detection_agreement(), tolerances=agreement_tolerances,
                                doc="peak-detected HH spikes of every trial; the constant step's trains ill-conditioned")

MODEL = reliability_model(
    "mainen_sejnowski1995_hh",
    "spike-timing reliability (Mainen & Sejnowski 1995) with the classic Hodgkin-Huxley cell",
    "Mainen & Sejnowski 1995, Science 268:1503; Hodgkin & Huxley 1952, J. Physiol. 117:500", "HH_curr_alpha",
    CELL_PARAMETERS + STIMULUS_PARAMETERS, tuple(m for m in SHAPED_TRAIN if m.source == "spikes") + RELIABILITY_METRICS,
    AGREEMENT, dt_ms=DT_MS, study="reliability_checks_hh", constraints=(check_rests_below_level,), doc=__doc__)
