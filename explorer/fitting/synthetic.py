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
