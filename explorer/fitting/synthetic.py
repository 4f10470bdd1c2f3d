"""Recordings made by the zoo with known parameters, for recovering them (``explorer.fit``'s
tests and ``benchmarks/fit_recovery.py``): each stimulus set an Ornstein-Uhlenbeck current of
1 ms correlation time sampled every 0.2 ms, as the competition's (Jolivet et al. 2008; drawn by
:func:`zoo.stimuli.noise.frozen_noise`), the model's spike trains and membrane potential under it, written in the tidy
format :mod:`zoo.recordings` reads.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from zoo.stimuli.noise import frozen_noise

from .evaluate import responses

#: Recovery problems (``tests/explorer/test_fit.py``, ``benchmarks/fit_recovery.py``): each
#: model's true parameters (AdEx: Brette & Gerstner's 2005 fit, the model's defaults), the
#: parameters searched and their bounds (the truth off their centre), and two stimulus sets
#: {name: (mean nA, SD nA)}, one more regular and one more fluctuation-driven.
PROBLEMS = {
    "adex": {"truth": {"cm": 0.281, "tau_m": 9.3667, "v_rest": -70.6, "v_reset": -60.0, "v_thresh": -50.4,
                       "delta_T": 2.0, "a": 4.0, "b": 0.0805, "tau_w": 144.0, "v_spike": -30.0, "tau_refrac": 0.1,
                       "i_offset": 0.0, "v_init": -70.6, "w_init": 0.0},
             "searched": {"v_thresh": (-60.0, -40.0), "delta_T": (0.5, 5.0), "b": (0.0, 0.3), "tau_w": (30.0, 400.0)},
             "sets": {"a": (0.9, 0.35), "b": (0.7, 0.5)}},
    "lif": {"truth": {"cm": 0.2, "tau_m": 12.0, "v_rest": -68.0, "v_reset": -72.0, "v_thresh": -52.0,
                      "tau_refrac": 1.0, "i_offset": 0.0},
            "searched": {"tau_m": (4.0, 25.0), "v_reset": (-80.0, -62.0), "v_thresh": (-60.0, -40.0)},
            "sets": {"a": (0.45, 0.25), "b": (0.3, 0.35)}},
}

#: The competition's sample interval (ms) and its current's correlation time (ms).
SAMPLE_MS = 0.2
CORRELATION_MS = 1.0


def ou_current(mean_nA: float, sd_nA: float, duration_ms: float, seed: int) -> np.ndarray:
    """A stationary OU current (nA), one sample per :data:`SAMPLE_MS`."""
    steps = int(round(duration_ms / SAMPLE_MS))
    return mean_nA + frozen_noise(seed, steps, SAMPLE_MS, CORRELATION_MS, sd_nA)


def write_recordings(folder, model: str, simulator: str, truth: dict, sets: dict, duration_ms: float,
                     repetitions: int = 2, seed: int = 10) -> Path:
    """Write ``folder/samples.parquet`` and ``folder/spikes.parquet``: for each stimulus set
    {name: (mean nA, SD nA)} (the k-th drawn with seed ``seed + k``), ``repetitions``
    identical trials of ``model`` on ``simulator`` with parameters ``truth`` (a deterministic
    model repeats itself exactly: Γ_int = 1)."""
    samples, spikes = [], []
    for k, (name, (mean, sd)) in enumerate(sets.items()):
        current = ou_current(mean, sd, duration_ms, seed + k)
        ((times,),), ((v,),) = responses(model, simulator, truth, [current], SAMPLE_MS, None, voltage=True)
        for trial in range(repetitions):
            samples.append(pd.DataFrame({"set": name, "trial": trial, "t_ms": np.arange(current.size) * SAMPLE_MS,
                                         "current_nA": current, "v_mV": v}))
            spikes.append(pd.DataFrame({"set": name, "trial": trial, "t_ms": times}))
    folder = Path(folder)
    folder.mkdir(parents=True)
    pd.concat(samples).to_parquet(folder / "samples.parquet")
    pd.concat(spikes).to_parquet(folder / "spikes.parquet")
    return folder
