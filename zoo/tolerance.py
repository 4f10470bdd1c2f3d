"""Tolerances derived from the numerics, shared by the zoo's checks and tests."""
from __future__ import annotations

import numpy as np


def grid_rate_tolerance_hz(rate_hz, dt_ms: float, duration_ms: float, tau_refrac_ms) -> np.ndarray:
    """Largest |n/D − f| for a grid-based integrate-and-fire neuron under constant current.

    f is the closed-form rate and n the number of spikes in a run of duration D.

    1. Time grid. Integration is exact between grid points; the threshold is tested
       at the end of each step, so the time from reset to detection is the
       continuous one rounded *up* to the grid (error in [0, dt)). The refractory
       clamp lasts round(t_ref/dt) steps, off by q = |round(t_ref/dt)·dt − t_ref|
       ≤ dt/2. Hence |ISI_grid − 1/f| ≤ δ = dt + q and |1/ISI_grid − f| ≤ f²·δ/(1 − f·δ).
    2. Spike-count quantisation. With the first spike within one ISI of the start,
       the count n in [0, D] satisfies |n/D − 1/ISI_grid| ≤ 1/D.

    The bound is 1/D + f²·δ/(1 − f·δ), plus 1e-9 relative for floating point.
    """
    rate_hz = np.asarray(rate_hz, dtype=float)
    tau_refrac_ms = np.asarray(tau_refrac_ms, dtype=float)
    q_ms = np.abs(np.round(tau_refrac_ms / dt_ms) * dt_ms - tau_refrac_ms)
    grid_s = (dt_ms + q_ms) / 1000.0
    return 1000.0 / duration_ms + rate_hz**2 * grid_s / (1.0 - rate_hz * grid_s) + 1e-9 * rate_hz


def grid_ties(rate_hz, tau_refrac_ms, dt_ms: float, rtol: float = 1e-6) -> np.ndarray:
    """Where the continuous time from reset to threshold, 1/f − t_ref, is a whole
    number of steps: the potential then reaches threshold exactly at a grid time and
    round-off, which differs between simulators' arithmetic, decides on which step
    the spike is detected."""
    rate_hz = np.asarray(rate_hz, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        steps = (1000.0 / rate_hz - np.asarray(tau_refrac_ms, dtype=float)) / dt_ms
        near = np.abs(steps - np.round(steps)) <= rtol * np.maximum(1.0, np.abs(steps))
    return (rate_hz > 0) & near


def cross_count_tolerance(rate_hz, tau_refrac_ms, dt_ms: float, duration_ms: float) -> np.ndarray:
    """Allowed |Δ spike count| between two simulators running the same grid scheme.

    0 in general: both detect every spike on the same step. At a grid tie
    (:func:`grid_ties`) each interval may be one step longer on one simulator, so the
    trains drift apart by at most dt per spike: ⌈N·dt / ISI⌉ spikes, N = f·D.
    """
    rate_hz = np.asarray(rate_hz, dtype=float)
    n_expected = rate_hz * duration_ms / 1000.0
    drift = np.ceil(n_expected * dt_ms * rate_hz / 1000.0)
    return np.where(grid_ties(rate_hz, tau_refrac_ms, dt_ms), np.maximum(drift, 1.0), 0.0)
