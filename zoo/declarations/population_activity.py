"""What a network's populations do, from their spikes: one row per population.

The measures of Brunel (2000, J. Comput. Neurosci. 8:183), computed over a window that
leaves out the initial transient:

- ``rate_hz``: spikes per neuron per second (all neurons, silent ones too);
- ``cv_isi``: the mean over neurons of each neuron's ISI coefficient of variation
  (neurons with at least two ISIs in the window; ddof 0, as :mod:`.spike_trains`);
- ``synchrony``: the modulation of the population rate beyond what N independent
  neurons give. With A(t) the population rate in bins of :data:`BIN_MS`, its variance
  is E[A]/(N·Δ) for independent Poisson neurons (shot noise, which falls as 1/N);
  ``synchrony = sqrt(max(Var A − E[A]/(N·Δ), 0)) / E[A]``: 0 for an asynchronous
  population at any size, about the relative amplitude of the oscillation of a
  synchronous one (0.71 for a rate 1 + sin). Unlike the Fano factor of the population
  count or Golomb's χ, it does not grow or shrink with N when the neurons are
  independent, so states are classified the same at every ``scale``;
- ``oscillation_hz``: the frequency of the largest peak of the population rate's power
  spectrum (Welch, mean removed, above :data:`MIN_OSCILLATION_HZ`), and
  ``oscillation_power``: that peak over the spectrum's median (≈ 1–10 for the flat
  spectrum of an asynchronous state, orders of magnitude more for an oscillation).

Pure numpy/scipy: no simulator.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import signal

from .spike_trains import spike_train_metrics

#: Bin of the population rate (ms): resolves Brunel's fast oscillations (about 180 Hz,
#: period 5.5 ms) with a Nyquist frequency of 500 Hz.
BIN_MS = 1.0
#: Frequencies below this are not an oscillation of the run (its length limits them).
MIN_OSCILLATION_HZ = 5.0
#: Samples per Welch segment (128 ms at 1 ms bins: 7.8 Hz resolution, which tells Brunel's
#: slow oscillations, 20-30 Hz, from his fast ones, near 180 Hz; 500 ms average 7 segments,
#: where 256 averaged 3 and the peak over the median of an asynchronous state scattered
#: from 18 to 34 between runs).
WELCH_SEGMENT = 128


def _tolerance_ms(stop: float) -> float:
    """How far apart two reported spike times may be and still be one time: far above the
    round-off in simulators' times (NEST's 0.8 against Brian2's 0.8000000000000001 ms, or
    NEURON's sum of steps), far below a time step."""
    return 1e-9 * max(1.0, abs(stop))


def inside(t_ms: np.ndarray, window_ms: tuple[float, float]) -> np.ndarray:
    """Which times lie in ``window_ms`` = (start, stop], the round-off at both ends ignored."""
    start, stop = window_ms
    tolerance = _tolerance_ms(stop)
    return (t_ms > start + tolerance) & (t_ms <= stop + tolerance)


def population_rate_hz(t_ms: np.ndarray, n_neurons: int, window_ms: tuple[float, float],
                       bin_ms: float = BIN_MS) -> tuple[np.ndarray, np.ndarray]:
    """Bin starts (ms) and the population rate (Hz: spikes per neuron per second) in
    bins (start + k·bin_ms, start + (k + 1)·bin_ms] over ``window_ms`` = (start, stop].
    Right-closed as the window, and a spike on a bin's edge counted in one bin whatever
    the round-off in its reported time (simulators that fire the same spikes give the
    same rate)."""
    start, stop = window_ms
    bins = int(np.floor((stop - start) / bin_ms + 1e-9))
    offsets = (np.asarray(t_ms, dtype=float) - start - _tolerance_ms(stop)) / bin_ms
    index = np.ceil(offsets).astype(np.int64) - 1
    counts = np.bincount(index[(index >= 0) & (index < bins)], minlength=bins)
    return start + bin_ms * np.arange(bins), counts / (max(n_neurons, 1) * bin_ms / 1000.0)


def synchrony(rate_hz: np.ndarray, n_neurons: int, bin_ms: float = BIN_MS) -> float:
    """Relative modulation of a population rate beyond independent neurons' shot noise
    (module docstring); NaN without spikes."""
    mean = float(np.mean(rate_hz)) if len(rate_hz) else 0.0
    if mean <= 0:
        return float("nan")
    shot = mean / (n_neurons * bin_ms / 1000.0)  # Var of A (Hz²) for independent Poisson neurons
    return float(np.sqrt(max(float(np.var(rate_hz)) - shot, 0.0)) / mean)


def oscillation(rate_hz: np.ndarray, bin_ms: float = BIN_MS) -> tuple[float, float]:
    """(frequency in Hz, peak power over median power) of the largest spectral peak of
    the population rate above :data:`MIN_OSCILLATION_HZ`; NaN for a silent or too short run."""
    if len(rate_hz) < 16 or not np.any(rate_hz):
        return float("nan"), float("nan")
    frequencies, power = signal.welch(rate_hz - np.mean(rate_hz), fs=1000.0 / bin_ms,
                                      nperseg=min(WELCH_SEGMENT, len(rate_hz)))
    above = frequencies >= MIN_OSCILLATION_HZ
    if not above.any():
        return float("nan"), float("nan")
    frequencies, power = frequencies[above], power[above]
    peak = int(np.argmax(power))
    median = float(np.median(power))
    return float(frequencies[peak]), float(power[peak] / median) if median > 0 else float("inf")


def per_neuron(neuron: np.ndarray, t_ms: np.ndarray, size: int, window_ms: tuple[float, float]) -> pd.DataFrame:
    """``neuron``, ``n_spikes``, ``rate_hz`` and ``cv_isi`` of each neuron over the window."""
    start, stop = window_ms
    kept = inside(t_ms, window_ms)
    metrics = spike_train_metrics(neuron[kept], t_ms[kept], size, stop, (start, stop))
    return metrics[["neuron", "n_spikes", "rate_hz", "cv_isi"]]


def population_measures(neuron: np.ndarray, t_ms: np.ndarray, size: int, window_ms: tuple[float, float]
                        ) -> tuple[dict, pd.DataFrame]:
    """The measures of one population (module docstring) and its per-neuron table."""
    neurons = per_neuron(neuron, t_ms, size, window_ms)
    _, rate = population_rate_hz(t_ms[inside(t_ms, window_ms)], size, window_ms)
    frequency, power = oscillation(rate)
    cvs = neurons["cv_isi"].to_numpy(float)
    measures = {
        "n_neurons": size,
        "n_spikes": int(neurons["n_spikes"].sum()),
        "rate_hz": float(neurons["rate_hz"].mean()) if size else float("nan"),
        "cv_isi": float(np.nanmean(cvs)) if np.isfinite(cvs).any() else float("nan"),
        "synchrony": synchrony(rate, size),
        "oscillation_hz": frequency,
        "oscillation_power": power,
    }
    return measures, neurons
