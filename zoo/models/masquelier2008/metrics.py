"""How well one neuron found the pattern (Masquelier, Guyonneau & Thorpe 2008), from
its spike times, the pattern onsets and the final weights. Definitions follow the
replication's analysis (Hathway & Goodman 2018, ``run_simulation.py``):

- a discharge inside a pattern window [onset, onset + 50 ms) is a hit with latency
  t − onset; any other discharge is a false alarm;
- over the criterion period (the last third of the run: the last 150 s of 450 s):
  ``hit_rate`` is the share of pattern windows holding at least one discharge,
  ``false_alarms_per_s`` the false-alarm rate, ``mean_latency_ms`` the mean latency of
  the hits; ``success`` = hit rate > 0.98, no false alarm, mean latency < 10 ms;
- selectivity emerges at the first discharge after the last false alarm
  (``selective_from_s``; ``selective_from_discharge`` counts discharges from 1); NaN
  if the run ends on a false alarm.

Times in ms unless a name says otherwise.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...declarations.metrics import Metric
from .input import PATTERN_MS

METRICS = tuple(Metric(name, unit, doc, source="analysis") for name, unit, doc in (
    ("hit_rate", "1", "share of pattern windows in the criterion period (last third) with a discharge"),
    ("false_alarms_per_s", "1/s", "discharges outside pattern windows per second, criterion period"),
    ("mean_latency_ms", "ms", "mean time from pattern onset to discharge, hits in the criterion period"),
    ("success", "1", "1 if hit_rate > 0.98, no false alarm and mean latency < 10 ms (criterion period), else 0"),
    ("selective_from_s", "s", "time of the first discharge after the last false alarm"),
    ("selective_from_discharge", "1", "number of that discharge, counting from 1"),
    ("rate_start_hz", "Hz", "output rate over the first 10 s, or the first third if shorter"),
    ("rate_end_hz", "Hz", "output rate over the criterion period"),
    ("potentiated_share", "1", "share of synapses with a final weight above w_max/2"),
    ("pattern_share_of_potentiated", "1", "share of those synapses whose afferent carries the pattern"),
))
HIT_RATE_MIN = 0.98
LATENCY_MAX_MS = 10.0


def latencies(t_ms: np.ndarray, onsets_ms: np.ndarray) -> np.ndarray:
    """Latency (ms) of each discharge from the onset of its pattern window; NaN for a
    false alarm."""
    t_ms = np.asarray(t_ms, dtype=float)
    index = np.searchsorted(onsets_ms, t_ms, side="right") - 1
    latency = np.full(t_ms.size, np.nan)
    inside = index >= 0
    latency[inside] = t_ms[inside] - onsets_ms[index[inside]]
    latency[latency >= PATTERN_MS] = np.nan
    return latency


def discharges(t_ms: np.ndarray, onsets_ms: np.ndarray) -> pd.DataFrame:
    """One row per output spike: ``discharge`` (from 1), ``t_ms``, ``latency_ms`` (NaN:
    false alarm) — the paper's Fig. 3."""
    t_ms = np.sort(np.asarray(t_ms, dtype=float))
    return pd.DataFrame({"discharge": np.arange(1, t_ms.size + 1), "t_ms": t_ms,
                         "latency_ms": latencies(t_ms, onsets_ms)})


def summary(t_ms: np.ndarray, onsets_ms: np.ndarray, weights: np.ndarray, w_max: float, n_pattern: int,
            duration_ms: float) -> dict:
    """The metrics above as a dict of floats."""
    table = discharges(t_ms, onsets_ms)
    t, latency = table["t_ms"].to_numpy(), table["latency_ms"].to_numpy()
    criterion_from = duration_ms * 2.0 / 3.0
    late = t >= criterion_from
    late_hits = late & ~np.isnan(latency)
    windows = onsets_ms[onsets_ms >= criterion_from]
    hit_windows = np.unique(np.searchsorted(onsets_ms, t[late_hits], side="right") - 1)
    hit_rate = hit_windows.size / windows.size if windows.size else np.nan
    false_alarms = int(np.sum(late & ~late_hits))
    mean_latency = float(np.mean(latency[late_hits])) if late_hits.any() else np.nan
    success = float(hit_rate > HIT_RATE_MIN and false_alarms == 0 and mean_latency < LATENCY_MAX_MS)
    alarms = np.flatnonzero(np.isnan(latency))
    after = alarms[-1] + 1 if alarms.size else 0
    selective = after < t.size
    start_ms = min(10_000.0, duration_ms / 3.0)
    potentiated = weights > w_max / 2.0
    return {
        "hit_rate": hit_rate,
        "false_alarms_per_s": false_alarms / ((duration_ms - criterion_from) / 1000.0),
        "mean_latency_ms": mean_latency,
        "success": success,
        "selective_from_s": t[after] / 1000.0 if selective else np.nan,
        "selective_from_discharge": float(after + 1) if selective else np.nan,
        "rate_start_hz": np.sum(t < start_ms) / (start_ms / 1000.0),
        "rate_end_hz": np.sum(late) / ((duration_ms - criterion_from) / 1000.0),
        "potentiated_share": float(np.mean(potentiated)) if weights.size else np.nan,
        "pattern_share_of_potentiated": (float(np.mean(np.flatnonzero(potentiated) < n_pattern))
                                         if potentiated.any() else np.nan),
    }
