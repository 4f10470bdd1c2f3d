"""Raster plots and spike histograms (PSTH) of any run or sweep: a ``zoo.run`` result
(its ``spikes`` table: neuron, t_ms) or a sweep table (``spike_times_ms`` per row; a
model of trials keeps its trials' spikes pooled in one row). Drawing and the
histogram (Elephant's ``time_histogram``) are :mod:`zoo.spike_plots`'."""
from __future__ import annotations

import numpy as np
import pandas as pd

from zoo import registry
from zoo.figures import new_figure
from zoo.spike_plots import draw_psth, draw_raster, psth_table, trains_of


def spike_trains(source) -> tuple[list[np.ndarray], float]:
    """(spike times per neuron or row, in ms; the run's duration, ms) of a result or a
    sweep table. A result lists every neuron of its summary, silent ones included."""
    if isinstance(source, pd.DataFrame):
        if "spike_times_ms" not in source:
            raise ValueError("a sweep table needs its spike_times_ms column (sweeps of spiking models keep it)")
        return [np.asarray(t, dtype=float) for t in source["spike_times_ms"]], float(source["duration_ms"].max())
    neurons = source.summary["neuron"] if "neuron" in source.summary else range(len(source.summary))
    return trains_of(source.spikes, neurons), float(source.meta["duration_ms"].iloc[0])


def sources(source) -> int | None:
    """How many trials a sweep table's rows pool (a model of trials), else None (one
    neuron per train)."""
    if isinstance(source, pd.DataFrame) and "model" in source and source["model"].nunique() == 1:
        trials = registry.get(source["model"].iloc[0]).trials
        if trials is not None and trials in source:
            return int(source[trials].sum())
    return None


def psth(source, bin_ms: float = 1.0) -> pd.DataFrame:
    """The spike histogram: ``t_ms`` (bin start), ``count`` and ``rate_hz`` (spikes per
    neuron, or per trial, per second), from Elephant's ``time_histogram``."""
    trains, duration = spike_trains(source)
    return psth_table(trains, duration, bin_ms, sources=sources(source))


def plot_raster(source, ax=None, labels=None):
    """One row per neuron (or sweep row), a tick per spike; ``labels`` names the rows."""
    trains, duration = spike_trains(source)
    if ax is None:
        ax = new_figure(figsize=(7, 4)).subplots()
    row = "sweep row" if isinstance(source, pd.DataFrame) else "neuron (trial)"
    draw_raster(ax, trains, duration, ylabel=row if labels is None else "", labels=labels)
    ax.set_xlabel("time (ms)")
    return ax


def plot_psth(source, bin_ms: float = 1.0, ax=None):
    """The spike histogram (:func:`psth`) as a rate per neuron or trial, in bins of ``bin_ms``."""
    trains, duration = spike_trains(source)
    if ax is None:
        ax = new_figure(figsize=(7, 3)).subplots()
    pooled = sources(source)
    draw_psth(ax, trains, duration, bin_ms, per="trial" if pooled else "neuron", sources=pooled)
    ax.set_xlabel("time (ms)")
    return ax
