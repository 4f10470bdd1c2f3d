"""Plots of a sweep table: a metric against a parameter, heatmaps, simulator differences."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def new_figure(**kwargs):
    """A matplotlib Figure that needs no GUI backend (no pyplot state, nothing to close)."""
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def varying_parameters(table: pd.DataFrame) -> list[str]:
    """Model parameters that take more than one value in the table."""
    from zoo import registry

    spec = registry.get(table["model"].iloc[0])
    return [name for name in spec.parameter_names if table[name].nunique() > 1]


def _label(table: pd.DataFrame, name: str) -> str:
    """``name (unit)`` for a model parameter or metric, from the model's declarations."""
    from zoo import registry

    model = registry.get(table["model"].iloc[0])
    if name in model.parameter_names:
        return f"{name} ({model.parameter(name).unit})"
    if name in model.metric_names:
        return model.metric(name).label
    return name


def plot_metric(table: pd.DataFrame, x: str, metric: str = "rate_hz", ax=None):
    """``metric`` against parameter ``x``, one line per simulator, with the closed
    form where the model has one (for ``rate_hz``)."""
    ax = ax or new_figure(figsize=(7, 4)).subplots()
    ok = table[table["status"] == "ok"].sort_values(x)
    for (simulator, seed), rows in ok.groupby(["simulator", "seed"]):
        ax.plot(rows[x], rows[metric], ".-", ms=3, lw=1, label=f"{simulator} (seed {seed})")
    if metric == "rate_hz" and "rate_hz_closed_form" in ok:
        theory = ok.drop_duplicates(x)
        ax.plot(theory[x], theory["rate_hz_closed_form"], "k--", lw=1, label="closed form")
    failed = table[table["status"] == "failed"]
    if len(failed):
        ax.plot(failed[x], np.zeros(len(failed)), "rx", label=f"failed ({len(failed)})")
    ax.set_xlabel(_label(table, x))
    ax.set_ylabel(_label(table, metric))
    ax.legend(fontsize="small")
    return ax


def plot_difference(table: pd.DataFrame, x: str, metric: str = "rate_hz", ax=None):
    """Difference between simulators (second minus first) of ``metric`` against ``x``."""
    from .compare import compare

    ax = ax or new_figure(figsize=(7, 3)).subplots()
    comparison = compare(table, distances=False)
    rows = comparison[comparison["metric"] == metric].sort_values(x)
    for pair, block in rows.groupby("simulators"):
        ax.plot(block[x], block["difference"], ".", ms=3, label=pair)
        ax.fill_between(block[x], -block["tolerance"], block["tolerance"], color="0.85", label="tolerance")
    ax.axhline(0, color="k", lw=0.5)
    ax.set_xlabel(_label(table, x))
    ax.set_ylabel(f"Δ {metric}")
    ax.legend(fontsize="small")
    return ax


def plot_heatmap(table: pd.DataFrame, x: str, y: str, metric: str = "rate_hz"):
    """``metric`` over parameters ``x`` and ``y``: one panel per simulator."""
    ok = table[table["status"] == "ok"]
    simulators = sorted(ok["simulator"].unique())
    fig = new_figure(figsize=(5 * len(simulators), 4))
    axes = fig.subplots(1, len(simulators), squeeze=False)
    for ax, simulator in zip(axes[0], simulators):
        grid = ok[ok["simulator"] == simulator].pivot_table(index=y, columns=x, values=metric, aggfunc="mean")
        image = ax.pcolormesh(grid.columns, grid.index, grid.to_numpy(), shading="nearest")
        fig.colorbar(image, ax=ax, label=_label(table, metric))
        ax.set_title(simulator)
        ax.set_xlabel(_label(table, x))
        ax.set_ylabel(_label(table, y))
    return fig


def plot_sweep(table: pd.DataFrame, path: str | Path, metric: str = "rate_hz", x: str | None = None,
               y: str | None = None) -> Path:
    """The default figure for a sweep: one varying parameter gives the metric and the
    simulators' difference against it; two give heatmaps."""
    if metric not in table.columns:
        raise ValueError(f"unknown metric {metric!r}; columns of this sweep: {', '.join(table.columns)}")
    varying = varying_parameters(table)
    for name in (x, y):
        if name is not None and name not in varying:
            raise ValueError(f"{name!r} does not vary in this sweep; varying parameters: {', '.join(varying)}")
    x = x or (varying[0] if varying else None)
    if x is None:
        raise ValueError("the sweep varies no parameter; nothing to plot against")
    y = y or (varying[1] if len(varying) > 1 else None)
    if y is not None:
        fig = plot_heatmap(table, x, y, metric)
    else:
        fig = new_figure(figsize=(7, 6))
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(2, 1))
        plot_metric(table, x, metric, ax=top)
        if table["simulator"].nunique() > 1:
            plot_difference(table, x, metric, ax=bottom)
        else:
            bottom.set_visible(False)
    fig.suptitle(f"{table['model'].iloc[0]}: {metric}")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=120)
    return path
