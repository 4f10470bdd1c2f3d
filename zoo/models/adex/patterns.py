"""The eight firing patterns of Naud, Marcille, Clopath & Gerstner (2008, Biol. Cybern. 99:335,
Table 1 and Fig. 4), as AdEx parameters in PyNN's names and units, and the zoo's classifier.

**The rows.** The paper could not be read here (``docs/notes/naud2008-adex-firing-patterns.md``):
rows 1-5 and 8 are Table 1 as two independent transcriptions give it, identically. Rows 6
(delayed regular bursting) and 7 (transient) as transcribed do not show their patterns under
any protocol the copies use (row 6 is silent for 600 ms, row 7 fires 103 spikes); the note
recommends P. Müller's replacements, which the Brian2 example
``Naud_et_al_2008_adex_firing_patterns.py`` uses, and so does the zoo (:data:`REPLACED`).
Protocol (the copies' convention; the paper's Fig. 4 protocol is not verified): a constant
current I from t = 0, v(0) = E_L, w(0) = 0, cut-off v_spike = 0 mV, no refractory period,
:data:`DURATION_MS`.

**The classifier** (the zoo's own, ISI-based, after the two-stage scheme of Markram et al.
2004 that Naud et al. and Gerstner et al. 2014 ch. 6.2 follow: an initial pattern, then a
steady state). On the spike times of a run (:func:`classify`):

1. *transient*: at most :data:`TRANSIENT_SPIKES` spikes, none in the last two thirds;
2. the steady state is the intervals between spikes after :data:`STEADY_FROM` of the run;
   *bursting* if they are bimodal (longest over shortest above :data:`BIMODAL_RATIO`) and the
   long ones regular (CV below :data:`REGULAR_CV`): *delayed regular bursting* if the first
   spike comes later than :data:`DELAY_RATIO` times the mean steady interval, else *regular
   bursting*;
3. *irregular* if the steady intervals vary (CV above :data:`IRREGULAR_CV`) without regular
   bursts;
4. *initial burst* if one of the first :data:`EARLY_INTERVALS` intervals is more than
   :data:`JUMP_RATIO` times the one before (a burst, then a pause: adaptation in one jump);
5. *delayed accelerating* if the first spike is delayed (as in 2) and the intervals shrink:
   the mean steady interval below :data:`ACCELERATING_RATIO` times the first interval;
6. *adapting* if they grow: the mean steady interval above :data:`ADAPTING_RATIO` times the
   first;
7. else *tonic*.

The change of the intervals is read as the steady over the first interval, not as Markram et
al.'s adaptation index (the mean of (ISI_k+1 − ISI_k)/(ISI_k+1 + ISI_k)): the delayed
accelerating row's 45 intervals shrink by half, yet by 0.8 % each on average, as close to
tonic's 0.1 % as that. The thresholds sit between the patterns' own values of the
reference solution (measured, 600 ms at dt 0.1 ms: steady over first interval tonic 1.08,
adapting 6.8, delayed accelerating 0.55; first spike over the mean steady interval: tonic 1.49,
delayed accelerating 2.96, delayed regular bursting 3.45, the others below 0.9; the long
intervals' CV: bursting 0.001 or less, irregular 0.27; early jump: initial burst 7.4, the
regular others at most 1.63), each with room on both sides
(``tests/zoo/models/test_adex_patterns.py``).
"""
from __future__ import annotations

import numpy as np

#: Length of each pattern's run (ms): the copies' 600 ms.
DURATION_MS = 600.0

#: Table 1 in the paper's units: C (pF), g_L (nS), E_L (mV), V_T (mV), Δ_T (mV), a (nS),
#: τ_w (ms), b (pA), V_r (mV), I (pA); rows 6 and 7 as in :data:`REPLACED`.
TABLE_1 = {
    "tonic": (200, 10, -70, -50, 2, 2, 30, 0, -58, 500),
    "adapting": (200, 12, -70, -50, 2, 2, 300, 60, -58, 500),
    "initial burst": (130, 18, -58, -50, 2, 4, 150, 120, -50, 400),
    "regular bursting": (200, 10, -58, -50, 2, 2, 120, 100, -46, 210),
    "delayed accelerating": (200, 12, -70, -50, 2, -10, 300, 0, -58, 300),
    "delayed regular bursting": (100, 10, -65, -50, 2, -10, 90, 30, -47, 110),
    "transient": (100, 10, -65, -50, 2, 10, 90, 100, -47, 180),
    "irregular": (100, 12, -60, -50, 2, -11, 130, 30, -48, 160),
}
#: Rows taken from P. Müller's replacements (Brian2 example), not from the transcribed Table 1,
#: whose rows read: delayed regular bursting (200, 12, −70, −50, 2, −6, 300, 0, −58, 110),
#: transient (100, 10, −65, −50, 2, −10, 90, 30, −47, 350).
REPLACED = ("delayed regular bursting", "transient")
PATTERNS = tuple(TABLE_1)


def parameters(pattern: str) -> dict[str, float]:
    """The ``adex`` parameters of a pattern (PyNN units: nF, ms, mV, nS, nA), tau_m = C/g_L exact."""
    c, g_l, e_l, v_t, delta, a, tau_w, b, v_r, current = TABLE_1[pattern]
    return {"cm": c / 1000.0, "tau_m": c / g_l, "v_rest": float(e_l), "v_thresh": float(v_t),
            "delta_T": float(delta), "a": float(a), "tau_w": float(tau_w), "b": b / 1000.0,
            "v_reset": float(v_r), "i_offset": current / 1000.0, "v_spike": 0.0, "tau_refrac": 0.0,
            "v_init": float(e_l), "w_init": 0.0}


TRANSIENT_SPIKES = 3
STEADY_FROM = 1.0 / 3.0
BIMODAL_RATIO = 4.0
REGULAR_CV = 0.1
DELAY_RATIO = 2.0
IRREGULAR_CV = 0.25
EARLY_INTERVALS = 4
JUMP_RATIO = 3.0
ACCELERATING_RATIO = 0.8
ADAPTING_RATIO = 1.5


def features(spikes_ms, duration_ms: float = DURATION_MS) -> dict[str, float]:
    """The quantities :func:`classify` reads (NaN where undefined)."""
    spikes = np.asarray(spikes_ms, dtype=float)
    isi = np.diff(spikes)
    steady = np.diff(spikes[spikes > STEADY_FROM * duration_ms])
    out = {"n_spikes": float(len(spikes)), "first_spike_ms": spikes[0] if len(spikes) else np.nan,
           "last_spike_ms": spikes[-1] if len(spikes) else np.nan}
    out["steady_mean_ms"] = float(np.mean(steady)) if len(steady) else np.nan
    out["steady_cv"] = float(np.std(steady) / np.mean(steady)) if len(steady) > 1 else np.nan
    out["bimodal_ratio"] = float(np.max(steady) / np.min(steady)) if len(steady) > 1 else np.nan
    if len(steady) > 1:
        split = np.sqrt(np.max(steady) * np.min(steady))
        long = steady[steady > split]
        out["long_cv"] = float(np.std(long) / np.mean(long)) if len(long) else np.nan
    else:
        out["long_cv"] = np.nan
    early = isi[:EARLY_INTERVALS + 1]
    out["early_jump"] = float(np.max(early[1:] / early[:-1])) if len(early) > 1 else np.nan
    out["steady_over_first"] = out["steady_mean_ms"] / isi[0] if len(isi) and len(steady) else np.nan
    out["delay_ratio"] = out["first_spike_ms"] / out["steady_mean_ms"] if len(steady) else np.nan
    return out


def classify(spikes_ms, duration_ms: float = DURATION_MS) -> str:
    """The pattern of a train of spike times (ms) in a run of ``duration_ms`` (module docstring)."""
    f = features(spikes_ms, duration_ms)
    if f["n_spikes"] <= TRANSIENT_SPIKES and not f["last_spike_ms"] > STEADY_FROM * duration_ms:
        return "transient"
    delayed = f["delay_ratio"] > DELAY_RATIO
    if f["bimodal_ratio"] > BIMODAL_RATIO and f["long_cv"] < REGULAR_CV:
        return "delayed regular bursting" if delayed else "regular bursting"
    if f["steady_cv"] > IRREGULAR_CV:
        return "irregular"
    if f["early_jump"] > JUMP_RATIO:
        return "initial burst"
    if delayed and f["steady_over_first"] < ACCELERATING_RATIO:
        return "delayed accelerating"
    if f["steady_over_first"] > ADAPTING_RATIO:
        return "adapting"
    return "tonic"
