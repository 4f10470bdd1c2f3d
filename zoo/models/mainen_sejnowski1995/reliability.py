"""Reliability and precision of spike timing across trials, from events in the PSTH.

Definitions (Mainen & Sejnowski 1995, as restated by Toups, Fellous, Thomas, Sejnowski
& Tiesinga 2011, Neural Comput. 23:2169, fig. 1; the 1995 paper's own bin width and
threshold could not be read, so the settings below are the zoo's, stated here):

- **PSTH**: spikes of all trials in bins of :data:`BIN_MS` over the step (Elephant's
  ``time_histogram``), smoothed by a Gaussian of SD :data:`SMOOTHING_MS`.
- **Event**: a run of bins where the smoothed PSTH holds at least
  :data:`EVENT_THRESHOLD` × the number of trials per bin: a fraction of the trials
  firing together (a perfectly aligned event peaks at 0.38 × trials per bin; spikes
  spread evenly at rate f give f·1 ms per trial per bin, 0.01 at 10 Hz). With fewer than
  about ten trials two coincident spikes already make an event: the measures are meant
  for the paper's 25 trials or more.
- **Reliability** (``reliability``): the fraction of the step's spikes that fall in an
  event, counting at most one per trial and event: 1 when every spike belongs to an
  event that trials share, 0 when no trials fire together. Mainen & Sejnowski's own
  measure is recalled as this fraction by two independent readers of the paper, but its
  text could not be checked. Toups et al. define the reliability of one event as the
  fraction of trials with a spike in it; ``event_reliability`` is its mean over events
  (NaN without events).
- **Precision** of an event: the SD (ms) of the trials' first spike times in it; the
  run's ``precision_ms`` is the mean over events with at least two trials (Toups et al.
  call this SD the jitter and its inverse the precision; Mainen & Sejnowski report it
  in ms, "reproducible to less than 1 millisecond").
- ``correlation``: the mean Pearson correlation of the trials' spike counts in bins of
  :data:`CORRELATION_BIN_MS` over all pairs of trials (Elephant's
  ``correlation_coefficient``; silent trials are left out).
"""
from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from ...spike_plots import ends_of_steps, quiet_binning

BIN_MS = 1.0
SMOOTHING_MS = 1.0
EVENT_THRESHOLD = 0.1
CORRELATION_BIN_MS = 2.0

EVENT_COLUMNS = ["event", "start_ms", "stop_ms", "trials", "reliability", "sd_ms"]


def neo_trains(spikes: pd.DataFrame, n_trials: int, window: tuple[float, float]) -> list:
    """One ``neo.SpikeTrain`` per trial over ``window`` (ms), from a (neuron, t_ms) table:
    the spikes in (start, stop], each moved 1e-6 ms earlier so that Elephant's bins [a, b)
    hold the spikes reported at their right edge (:func:`zoo.spike_plots.ends_of_steps`)."""
    import neo
    import quantities as pq

    start, stop = window
    by_trial = spikes.groupby("neuron")["t_ms"]
    trains = []
    for trial in range(n_trials):
        times = by_trial.get_group(trial).to_numpy() if trial in by_trial.groups else np.array([])
        # grid times (every simulator's in the same bins), binned as (a, b]
        times = ends_of_steps(np.round(times, 9), start, stop)
        trains.append(neo.SpikeTrain(times * pq.ms, t_start=start * pq.ms, t_stop=stop * pq.ms))
    return trains


def find_events(trains: list, window: tuple[float, float]) -> list[tuple[float, float]]:
    """Events (start, stop) in ms: runs of bins where the smoothed PSTH reaches the threshold."""
    import quantities as pq
    from elephant.statistics import time_histogram
    from scipy.ndimage import gaussian_filter1d

    start, stop = window
    if stop - start < BIN_MS or not any(len(t) for t in trains):
        return []
    t_stop = start + BIN_MS * np.floor((stop - start) / BIN_MS)
    with quiet_binning():
        histogram = time_histogram(trains, bin_size=BIN_MS * pq.ms, t_stop=t_stop * pq.ms, output="counts")
    counts = np.asarray(histogram.magnitude, dtype=float).ravel()
    smooth = gaussian_filter1d(counts, SMOOTHING_MS / BIN_MS, mode="constant")
    above = np.concatenate([[False], smooth >= EVENT_THRESHOLD * len(trains), [False]])
    edges = np.flatnonzero(np.diff(above.astype(int)))
    return [(start + a * BIN_MS, start + b * BIN_MS) for a, b in zip(edges[::2], edges[1::2])]


def reliability(spikes: pd.DataFrame, n_trials: int, window: tuple[float, float]) -> tuple[dict, pd.DataFrame]:
    """The run's measures (module docstring) and its events table; NaN with fewer than
    two trials or without events."""
    trains = neo_trains(spikes, n_trials, window)
    events = find_events(trains, window) if n_trials >= 2 else []
    rows = []
    for k, (a, b) in enumerate(events):
        firsts = [t.magnitude[(t.magnitude > a) & (t.magnitude <= b)][:1] for t in trains]
        times = np.concatenate(firsts)
        rows.append({"event": k, "start_ms": a, "stop_ms": b, "trials": times.size,
                     "reliability": times.size / n_trials, "sd_ms": float(np.std(times)) if times.size >= 2 else np.nan})
    table = pd.DataFrame(rows, columns=EVENT_COLUMNS)
    n_spikes = sum(len(t) for t in trains)
    measures = {
        "reliability": float(table["trials"].sum() / n_spikes) if n_spikes and n_trials >= 2 else np.nan,
        "precision_ms": float(table["sd_ms"].mean()) if table["sd_ms"].notna().any() else np.nan,
        "event_reliability": float(table["reliability"].mean()) if len(table) else np.nan,
        "n_events": float(len(table)),
        "correlation": mean_correlation(trains),
    }
    return measures, table


def mean_correlation(trains: list) -> float:
    """Mean pairwise correlation of the binned trials (Elephant), silent trials left out."""
    import quantities as pq
    from elephant.conversion import BinnedSpikeTrain
    from elephant.spike_train_correlation import correlation_coefficient

    firing = [t for t in trains if len(t)]
    if len(firing) < 2:
        return np.nan
    binned = BinnedSpikeTrain(firing, bin_size=CORRELATION_BIN_MS * pq.ms, tolerance=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matrix = correlation_coefficient(binned)
    pairs = matrix[np.triu_indices(len(firing), k=1)]
    return float(np.nanmean(pairs)) if np.isfinite(pairs).any() else np.nan
