"""``GridCurrentSource``: a current given step by step on the time grid, one waveform
per neuron, which PyNN lacks as such (its ``StepCurrentSource`` drops a waveform's
first value at an early onset on NEST and on NEURON, and runs from Python at every
step on Brian2: 35 s for 25 trials of 1 s; ``docs/notes/step-current-source-measurements.md``).

``GridCurrentSource(start=t0, amplitudes=A)``: ``A[i, k]`` (nA) is the current into
neuron ``i`` during the step (t0 + k·dt, t0 + (k+1)·dt], zero before and after; a 1-D
``A`` gives every neuron the same waveform, stored once (one generator, one array) where the
simulator can share it: a recorded current into a thousand fit candidates costs one
waveform, not a thousand. ``rows=R`` (one integer per neuron) gives neuron ``i`` the
waveform ``A[R[i]]``, each row stored once: a fit's candidates under several recordings. ``t0`` is on the grid and at least
:data:`zoo.stimuli.FIRST_GRID_ONSET_STEPS` steps (NEST's ``step_current_generator``
applies no change at t = 0, and its change at t reaches a neuron one step later). Sources add to the
neuron's other currents (``i_offset``, PyNN's sources). Each backend translates it
(``Backend._inject_grid_current``); the stimuli that use it (frozen and intrinsic noise,
ramps) are drawn by the zoo, so every simulator receives the same numbers.
"""
from __future__ import annotations

import numpy as np

from ..stimuli import FIRST_GRID_ONSET_STEPS as FIRST_ONSET_STEPS


def grid_current_source_class(backend) -> type:
    """The ``GridCurrentSource`` class of ``backend``'s namespace."""

    class GridCurrentSource:
        __doc__ = __doc__

        def __init__(self, start: float, amplitudes, rows=None):
            self.start = float(start)
            self.amplitudes = np.asarray(amplitudes, dtype=float)
            if self.amplitudes.ndim not in (1, 2) or self.amplitudes.shape[-1] == 0:
                raise ValueError(f"GridCurrentSource amplitudes must be a non-empty 1-D array (one waveform) or "
                                 f"2-D array (one row per neuron), got shape {self.amplitudes.shape}")
            if not np.all(np.isfinite(self.amplitudes)):
                raise ValueError("GridCurrentSource amplitudes must be finite numbers (nA)")
            self.rows = None if rows is None else np.asarray(rows)
            if self.rows is not None:
                count = len(np.atleast_2d(self.amplitudes))
                if (self.rows.ndim != 1 or not np.issubdtype(self.rows.dtype, np.integer)
                        or (self.rows.size and (self.rows.min() < 0 or self.rows.max() >= count))):
                    raise ValueError(f"GridCurrentSource rows must be a 1-D array of whole numbers in 0..{count - 1} "
                                     "(the waveform of each neuron)")

        def inject_into(self, population) -> None:
            dt_ms = float(backend.pynn.get_time_step())
            first_step = self.start / dt_ms
            if abs(first_step - round(first_step)) > 1e-9 * max(1.0, first_step) \
                    or round(first_step) < FIRST_ONSET_STEPS:
                raise ValueError(f"GridCurrentSource start ({self.start:g} ms) must be a whole number of time steps "
                                 f"(dt = {dt_ms:g} ms), at least {FIRST_ONSET_STEPS} steps "
                                 f"({FIRST_ONSET_STEPS * dt_ms:g} ms)")
            amplitudes = np.ascontiguousarray(np.atleast_2d(self.amplitudes))
            if self.rows is not None:
                if self.rows.size != population.size:
                    raise ValueError(f"GridCurrentSource has rows for {self.rows.size} neurons, the population "
                                     f"{population.size}")
                rows = self.rows.astype(int)
            elif self.amplitudes.ndim == 2 and self.amplitudes.shape[0] != population.size:
                raise ValueError(f"GridCurrentSource has {self.amplitudes.shape[0]} waveforms for a population of "
                                 f"{population.size} neurons")
            else:  # one row for a shared waveform (given to every neuron), else one per neuron
                rows = np.zeros(population.size, dtype=int) if len(amplitudes) == 1 else np.arange(population.size)
            backend._inject_grid_current(population, int(round(first_step)), amplitudes, dt_ms, rows)

    return GridCurrentSource
