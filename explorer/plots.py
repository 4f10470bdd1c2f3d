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
    """``metric`` against parameter ``x``: one line per simulator and seed (and per
    value of any other parameter that varies), with the closed form where the model
    has one for ``metric``."""
    ax = ax or new_figure(figsize=(7, 4)).subplots()
    ok = table[table["status"] == "ok"].sort_values(x)
    others = [name for name in varying_parameters(table) if name != x]
    for keys, rows in ok.groupby(["simulator", "seed", *others]):
        simulator, seed, *values = keys
        extra = "".join(f", {name} = {value:g}" for name, value in zip(others, values))
        ax.plot(rows[x], rows[metric], ".-", ms=3, lw=1, label=f"{simulator} (seed {seed}){extra}")
    closed = f"{metric}_closed_form"
    if closed in ok:
        for i, (_, theory) in enumerate(ok.drop_duplicates([x, *others]).groupby(others) if others
                                        else [(None, ok.drop_duplicates(x))]):
            ax.plot(theory[x], theory[closed], "k--", lw=1, label="closed form" if i == 0 else None)
    failed = table[table["status"] == "failed"]
    if len(failed):
        ax.plot(failed[x], np.zeros(len(failed)), "rx", label=f"failed ({len(failed)})")
    ax.set_xlabel(_label(table, x))
    ax.set_ylabel(_label(table, metric))
    ax.legend(fontsize="small")
    return ax


def default_metric(table: pd.DataFrame) -> str:
    """The metric a sweep is plotted by when none is named: ``rate_hz`` where the model
    reports it, else its first metric with a closed form, else its first metric with data."""
    from zoo import registry

    model = registry.get(table["model"].iloc[0])
    closed = model.validation.closed_form
    candidates = ["rate_hz"] * ("rate_hz" in model.metric_names) + list(closed.metrics if closed else ())
    candidates += model.metric_names
    for name in candidates:
        if name in table and table[name].notna().any():
            return name
    raise ValueError("the sweep has no metric with a value to plot")


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


def plot_sweep(table: pd.DataFrame, path: str | Path, metric: str | None = None, x: str | None = None,
               y: str | None = None) -> Path:
    """The default figure for a sweep: the metric (default :func:`default_metric`)
    and the simulators' difference against ``x`` (one line per value of any other
    varying parameter); heatmaps over ``x`` and ``y``, which are the first two varying
    parameters when neither is named."""
    metric = metric or default_metric(table)
    if metric not in table.columns:
        raise ValueError(f"unknown metric {metric!r}; columns of this sweep: {', '.join(table.columns)}")
    varying = varying_parameters(table)
    for name in (x, y):
        if name is not None and name not in varying:
            raise ValueError(f"{name!r} does not vary in this sweep; varying parameters: {', '.join(varying)}")
    if x is not None and x == y:
        raise ValueError(f"x and y are both {x!r}; choose two parameters")
    if x is None and y is None and len(varying) > 1:
        x, y = varying[:2]
    x = x or next((name for name in varying if name != y), None)
    if x is None:
        raise ValueError("the sweep varies no parameter; nothing to plot against")
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
