"""Raster plots and spike histograms (PSTH) of spike trains, for any figure: a run's,
a model's own (e.g. trials of ``mainen_sejnowski1995``), a sweep's (``explorer.spikes``).
Trains are arrays of spike times (ms), one per neuron, trial or sweep row; the histogram
is Elephant's ``time_histogram``."""
from __future__ import annotations

import contextlib
import logging

import numpy as np
import pandas as pd


@contextlib.contextmanager
def quiet_binning():
    """Elephant logs a warning each time it moves a spike that sits on a bin edge by
    round-off into the next bin (grid times such as 88.00000000000001 ms); that is the
    binning meant here, so the warning is kept off the user's terminal."""
    import elephant.utils

    logger = logging.getLogger(elephant.utils.__file__)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


#: How far before its reported time a spike is binned (ms): spikes are reported at the end
#: of their step, so a spike at a bin's right edge belongs to that bin. More than Elephant's
#: binning tolerance (1e-8 of a bin), which would move it back; far less than any dt.
EDGE_MS = 1e-6


def ends_of_steps(times, t_start_ms: float, t_stop_ms: float) -> np.ndarray:
    """Spike times (ms) within (t_start, t_stop], moved :data:`EDGE_MS` earlier so that
    Elephant's bins [a, b) count them as (a, b]: a spike of the run's last step is kept."""
    times = np.asarray(times, dtype=float)
    times = times[(times > t_start_ms) & (times <= t_stop_ms + EDGE_MS)]
    return np.maximum(times - EDGE_MS, t_start_ms)


def trains_of(spikes: pd.DataFrame, neurons) -> list[np.ndarray]:
    """Spike times (ms) of each of ``neurons`` (silent ones: empty) from a spike table
    (``neuron``, ``t_ms``)."""
    by_neuron = spikes.groupby("neuron")["t_ms"].apply(np.asarray)
    return [np.asarray(by_neuron.get(n, np.zeros(0)), dtype=float) for n in neurons]


def readable_bin_ms(duration_ms: float) -> float:
    """A PSTH bin for a run of ``duration_ms``: 1 ms, or a power of ten giving at most
    about 1000 bins."""
    return max(1.0, float(10 ** np.ceil(np.log10(duration_ms / 1000.0))))


def psth_table(trains, t_stop_ms: float, bin_ms: float = 1.0, t_start_ms: float = 0.0,
               sources: int | None = None) -> pd.DataFrame:
    """The trains' spike histogram: ``t_ms`` (bin start), ``count`` and ``rate_hz``
    (spikes per source per second), in bins (a, b] of ``bin_ms`` from ``t_start_ms``.
    ``sources``: how many neurons or trials the trains hold (default: one each; a sweep
    row of a model of trials pools its trials)."""
    import neo
    import quantities as pq
    from elephant.statistics import time_histogram

    if not bin_ms > 0:
        raise ValueError(f"the PSTH's bin must be > 0 ms, got {bin_ms}")
    if not len(trains):
        raise ValueError("no spike train to make a PSTH of")
    t_stop_ms = t_start_ms + bin_ms * max(1, int(np.floor((t_stop_ms - t_start_ms) / bin_ms + 1e-9)))
    neo_trains = [neo.SpikeTrain(ends_of_steps(times, t_start_ms, t_stop_ms) * pq.ms, t_start=t_start_ms * pq.ms,
                                 t_stop=t_stop_ms * pq.ms) for times in trains]
    with quiet_binning():
        counts = time_histogram(neo_trains, bin_size=bin_ms * pq.ms, output="counts")
    count = np.asarray(counts.magnitude).ravel()
    starts = np.asarray(counts.times.rescale("ms").magnitude)
    sources = len(trains) if sources is None else sources
    return pd.DataFrame({"t_ms": starts, "count": count, "rate_hz": count / sources / (bin_ms / 1000.0)})


def draw_raster(ax, trains, t_stop_ms: float, ylabel: str = "neuron", labels=None, t_start_ms: float = 0.0):
    """One row per train, a tick per spike; ``labels`` names the rows."""
    ax.eventplot([np.asarray(t, dtype=float) for t in trains], colors="k", linelengths=0.8,
                 linewidths=max(0.5, min(1.2, 60 / max(1, len(trains)))))
    ax.set_xlim(t_start_ms, t_stop_ms)
    ax.set_ylim(-0.5, len(trains) - 0.5)
    ax.set_ylabel(ylabel)
    if labels is not None:
        ax.set_yticks(range(len(trains)), labels)
    return ax


def draw_psth(ax, trains, t_stop_ms: float, bin_ms: float = 1.0, t_start_ms: float = 0.0, per: str = "neuron",
              sources: int | None = None):
    """The spike histogram (:func:`psth_table`) as a rate per source, in bins of ``bin_ms``."""
    histogram = psth_table(trains, t_stop_ms, bin_ms, t_start_ms, sources)
    edges = np.append(histogram["t_ms"].to_numpy(), histogram["t_ms"].iloc[-1] + bin_ms)
    ax.stairs(histogram["rate_hz"].to_numpy(), edges, fill=True, color="0.3")
    ax.set_xlim(t_start_ms, t_stop_ms)
    ax.set_ylabel(f"rate (Hz per {per},\n{bin_ms:g} ms bins)")
    return ax
