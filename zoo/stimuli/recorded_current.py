"""A recorded current injected from t = 0 (``zoo.run(..., current_nA=, current_dt_ms=)``,
``zoo run --current FILE``), on top of the model's own stimulus, the same numbers on every
simulator.

Sample ``k`` of the recording (nA) is the current during [k·Δ, (k+1)·Δ), Δ =
``current_dt_ms``, which must be a whole number of simulation steps: each sample is held for
Δ/dt steps (no interpolation: the sampled waveform is what was injected), and the current is
zero after the last sample. A waveform given step by step reaches every simulator only from
the second step on (:mod:`zoo.backends.grid_current`), so the first sample's value is added to
the cell's constant ``i_offset`` for the whole run and the waveform less that value is
injected from 2·dt: the first two steps receive the first sample, exactly the recording
whenever Δ ≥ 2·dt (the competition's 0.2 ms at dt 0.1 ms), and the first sample for the
second step otherwise. A 1-D recording serves every neuron of a population (fit candidates)
as one waveform; a 2-D one (one row per neuron, rows of equal length) gives each neuron its
own (a fit's candidates under every stimulus set in one simulation).
"""
from __future__ import annotations

import hashlib

import numpy as np

from . import FIRST_GRID_ONSET_STEPS

#: The parameter of the cell the first sample's value is added to (every PyNN point neuron has it).
OFFSET_PARAMETER = "i_offset"


def check(current_nA, current_dt_ms, dt_ms: float) -> np.ndarray:
    """The recorded current as a float array, or ValueError: a non-empty finite array (nA),
    1-D (one waveform for every neuron) or 2-D (one row per neuron), and a sample interval
    (ms) that is a whole number of steps of ``dt_ms``."""
    values = np.asarray(current_nA, dtype=float)
    if values.ndim not in (1, 2) or values.size == 0:
        raise ValueError(f"current_nA must be a non-empty 1-D array (one value per sample, nA) or 2-D array (one "
                         f"row per neuron), got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("current_nA must be finite numbers (nA)")
    if current_dt_ms is None:
        raise ValueError("current_dt_ms (the recording's sample interval, ms) is required with current_nA")
    interval = float(current_dt_ms)
    ratio = interval / dt_ms
    if not np.isfinite(ratio) or interval <= 0 or round(ratio) < 1 or abs(ratio - round(ratio)) > 1e-6:
        raise ValueError(f"current_dt_ms ({interval:g} ms) must be a whole number of time steps (dt = {dt_ms:g} ms): "
                         "resample the recording or choose dt so that it divides the sample interval")
    return values


def on_grid(values: np.ndarray, current_dt_ms: float, dt_ms: float, duration_ms: float) -> np.ndarray:
    """The current (nA) during each simulation step of a run of ``duration_ms`` (per row of
    a 2-D recording): each sample held for its steps, zero after the recording."""
    steps = int(round(duration_ms / dt_ms))
    held = np.repeat(values, int(round(current_dt_ms / dt_ms)), axis=-1)[..., :steps]
    padding = np.zeros(values.shape[:-1] + (steps - held.shape[-1],))
    return np.concatenate([held, padding], axis=-1)


def samples(values: np.ndarray) -> int:
    """The number of samples of each neuron's recording."""
    return int(values.shape[-1])


def inject(sim, cells, values: np.ndarray, current_dt_ms: float, dt_ms: float, duration_ms: float) -> None:
    """Inject the recording into ``cells`` (a PyNN population) from t = 0: a 1-D one into
    every neuron, row i of a 2-D one into neuron i."""
    rows = None
    if values.ndim == 2:  # identical rows (one recording into many candidates) kept once, before the grid
        index_of = {}
        rows = np.array([index_of.setdefault(row.tobytes(), len(index_of)) for row in values])
        values = values[np.unique(rows, return_index=True)[1]]  # recording k: the first row numbered k
    grid = on_grid(values, current_dt_ms, dt_ms, duration_ms)
    first = grid[..., :1]  # each waveform's first value, as a column (2-D) or a 1-vector
    if np.any(first != 0.0):
        offsets = np.asarray(cells.get(OFFSET_PARAMETER, simplify=False), dtype=float)
        cells.set(**{OFFSET_PARAMETER: offsets + (first.ravel() if rows is None else first[rows, 0])})
    rest = grid[..., FIRST_GRID_ONSET_STEPS:] - first
    if rest.size and np.any(rest != 0.0):
        sim.GridCurrentSource(start=FIRST_GRID_ONSET_STEPS * dt_ms, amplitudes=rest, rows=rows).inject_into(cells)


def digest(values: np.ndarray) -> str:
    """A short fingerprint of the samples (SHA-1 of the float64 bytes, 12 hex digits): which
    recording a result row was made with."""
    return hashlib.sha1(np.ascontiguousarray(values, dtype=np.float64).tobytes()).hexdigest()[:12]
