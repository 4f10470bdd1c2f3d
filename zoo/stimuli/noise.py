"""Noisy currents drawn by the zoo itself, so that every simulator receives the same
numbers (injected with ``GridCurrentSource``, :mod:`zoo.backends.grid_current`).

An Ornstein-Uhlenbeck current x with time constant tau (ms) and stationary SD sigma
(nA), dx = -x/tau dt + sigma·sqrt(2/tau) dW, is drawn on the time grid with its exact
update (Gillespie 1996, Phys. Rev. E 54:2084, eq. 1.8):

    x[k+1] = x[k]·exp(-dt/tau) + sigma·sqrt(1 - exp(-2·dt/tau))·N(0, 1),

starting from its stationary distribution, x[0] ~ N(0, sigma²). Each value is then
held for one step. The samples are exact at any dt; the held current converges to
the continuous process as dt/tau -> 0.

Streams: every draw comes from ``numpy.random.SeedSequence([seed, stream, index])``, one
stream per kind of noise (so no two kinds can share a key).
The frozen noise of a seed is one waveform, whatever the number of trials. Trial i's
intrinsic noise depends only on (seed, i), so adding trials keeps the first ones.
"""
from __future__ import annotations

import numpy as np

#: Stream numbers under a run's seed (see the module docstring).
FROZEN_STREAM = 1
INTRINSIC_STREAM = 2
#: A stimulus's noise drawn anew for each trial: the control of frozen noise.
CONTROL_STREAM = 3


def ornstein_uhlenbeck(rng: np.random.Generator, steps: int, dt_ms: float, tau_ms: float, sigma_na: float
                       ) -> np.ndarray:
    """``steps`` samples (nA) of a stationary OU current, one per time step (module docstring)."""
    if sigma_na == 0.0 or steps == 0:
        return np.zeros(steps)
    decay = np.exp(-dt_ms / tau_ms)
    kicks = rng.standard_normal(steps) * sigma_na
    kicks[1:] *= np.sqrt(-np.expm1(-2.0 * dt_ms / tau_ms))
    # x[k] = decay·x[k-1] + kick[k]: a first-order linear filter, run in compiled code
    from scipy.signal import lfilter

    return lfilter([1.0], [1.0, -decay], kicks)


def frozen_noise(seed: int, steps: int, dt_ms: float, tau_ms: float, sigma_na: float) -> np.ndarray:
    """The frozen noise of ``seed``: one OU waveform (nA), replayed on every trial."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), FROZEN_STREAM, 0]))
    return ornstein_uhlenbeck(rng, steps, dt_ms, tau_ms, sigma_na)


def trial_noise(seed: int, stream: int, trials: int, steps: int, dt_ms: float, tau_ms: float, sigma_na: float
                ) -> np.ndarray:
    """Independent OU currents (nA), one row per trial; row i depends only on (seed, stream, i)."""
    rows = [ornstein_uhlenbeck(np.random.default_rng(np.random.SeedSequence([int(seed), stream, i])),
                               steps, dt_ms, tau_ms, sigma_na) for i in range(trials)]
    return np.array(rows).reshape(trials, steps)


def intrinsic_noise(seed: int, trials: int, steps: int, dt_ms: float, tau_ms: float, sigma_na: float
                    ) -> np.ndarray:
    """Each trial's own noise (nA), one row per trial (:func:`trial_noise`)."""
    return trial_noise(seed, INTRINSIC_STREAM, trials, steps, dt_ms, tau_ms, sigma_na)
