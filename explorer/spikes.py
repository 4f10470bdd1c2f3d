"""Raster plots and spike histograms (PSTH) of any run or sweep: a ``zoo.run`` result
(its ``spikes`` table: neuron, t_ms) or a sweep table (``spike_times_ms`` per row).
The histogram is Elephant's ``time_histogram`` over the trains (Neo ``SpikeTrain``s)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from zoo.figures import new_figure


def spike_trains(source) -> tuple[list[np.ndarray], float]:
    """(spike times per neuron or row, in ms; the run's duration, ms) of a result or a
    sweep table. A result lists every neuron of its summary, silent ones included."""
    if isinstance(source, pd.DataFrame):
        if "spike_times_ms" not in source:
            raise ValueError("a sweep table needs its spike_times_ms column (sweeps of spiking models keep it)")
        return [np.asarray(t, dtype=float) for t in source["spike_times_ms"]], float(source["duration_ms"].max())
    spikes, summary = source.spikes, source.summary
    neurons = summary["neuron"] if "neuron" in summary else range(len(summary))
    by_neuron = spikes.groupby("neuron")["t_ms"].apply(np.asarray)
    duration = float(source.meta["duration_ms"].iloc[0])
    return [np.asarray(by_neuron.get(n, np.zeros(0)), dtype=float) for n in neurons], duration


def psth(source, bin_ms: float = 1.0) -> pd.DataFrame:
    """The population's spike histogram: ``t_ms`` (bin start), ``count`` and ``rate_hz``
    (spikes per neuron per second), from Elephant's ``time_histogram``."""
    import neo
    import quantities as pq
    from elephant.statistics import time_histogram

    if not bin_ms > 0:
        raise ValueError(f"the PSTH's bin must be > 0 ms, got {bin_ms}")
    trains, duration = spike_trains(source)
    if not trains:
        raise ValueError("no neuron to make a PSTH of")
    neo_trains = [neo.SpikeTrain(t * pq.ms, t_stop=duration * pq.ms) for t in trains]
    counts = time_histogram(neo_trains, bin_size=bin_ms * pq.ms, output="counts")
    count = np.asarray(counts.magnitude).ravel()
    starts = np.asarray(counts.times.rescale("ms").magnitude)
    return pd.DataFrame({"t_ms": starts, "count": count, "rate_hz": count / len(trains) / (bin_ms / 1000.0)})


def plot_raster(source, ax=None, labels=None):
    """One row per neuron (or sweep row), a tick per spike; ``labels`` names the rows."""
    trains, duration = spike_trains(source)
    if ax is None:
        ax = new_figure(figsize=(7, 4)).subplots()
    ax.eventplot(trains, colors="k", linelengths=0.8, linewidths=0.8)
    ax.set_xlim(0, duration)
    ax.set_ylim(-0.5, len(trains) - 0.5)
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron (trial)" if labels is None else "")
    if labels is not None:
        ax.set_yticks(range(len(trains)), labels)
    return ax


def plot_psth(source, bin_ms: float = 1.0, ax=None):
    """The spike histogram (:func:`psth`) as a rate per neuron, in bins of ``bin_ms``."""
    histogram = psth(source, bin_ms)
    if ax is None:
        ax = new_figure(figsize=(7, 3)).subplots()
    ax.stairs(histogram["rate_hz"].to_numpy(), np.append(histogram["t_ms"].to_numpy(),
                                                          histogram["t_ms"].iloc[-1] + bin_ms), fill=True,
              color="0.3")
    ax.set_xlabel("time (ms)")
    ax.set_ylabel(f"rate (spikes/s per neuron, {bin_ms:g} ms bins)")
    return ax
