"""Raster plots and spike histograms (PSTH) of any run or sweep: a ``zoo.run`` result
(its ``spikes`` table: neuron, t_ms) or a sweep table (``spike_times_ms`` per row; a
model of trials keeps its trials' spikes pooled in one row). Drawing and the
histogram (Elephant's ``time_histogram``) are :mod:`zoo.spike_plots`'."""
from __future__ import annotations

import numpy as np
import pandas as pd

from zoo.figures import new_figure
from zoo.spike_plots import draw_psth, draw_raster, psth_table


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
    trains, duration = spike_trains(source)
    return psth_table(trains, duration, bin_ms)


def plot_raster(source, ax=None, labels=None):
    """One row per neuron (or sweep row), a tick per spike; ``labels`` names the rows."""
    trains, duration = spike_trains(source)
    if ax is None:
        ax = new_figure(figsize=(7, 4)).subplots()
    draw_raster(ax, trains, duration, ylabel="neuron (trial)" if labels is None else "", labels=labels)
    ax.set_xlabel("time (ms)")
    return ax


def plot_psth(source, bin_ms: float = 1.0, ax=None):
    """The spike histogram (:func:`psth`) as a rate per neuron, in bins of ``bin_ms``."""
    trains, duration = spike_trains(source)
    if ax is None:
        ax = new_figure(figsize=(7, 3)).subplots()
    draw_psth(ax, trains, duration, bin_ms)
    ax.set_xlabel("time (ms)")
    return ax
