"""Plots of a sweep table: a metric against a parameter, heatmaps or scatter over two,
simulator differences with their tolerance band. Names and units come from the
model's declarations; simulators are told apart by marker and line style."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from zoo.figures import new_figure

#: Marker and line style per simulator (in the order the table names them), so that
#: curves that coincide stay distinguishable.
STYLES = (("o", "-"), ("x", "--"), ("^", ":"), ("s", "-."))
#: A colour scale is logarithmic when positive values span more than this factor.
LOG_SPAN = 100.0
#: Values within this fraction of the largest magnitude (or of 1, if all are smaller)
#: are round-off, drawn as 0 (e.g. the CV 1e-15 of perfectly regular firing).
ROUND_OFF = 1e-12


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
    simulators = _simulators(table)
    for keys, rows in ok.groupby(["simulator", "seed", *others]):
        simulator, seed, *values = keys
        marker, line = STYLES[simulators.index(simulator) % len(STYLES)]
        extra = "".join(f", {name} = {value:g}" for name, value in zip(others, values))
        ax.plot(rows[x], rows[metric], marker=marker, ls=line, ms=4, mfc="none", lw=1,
                label=f"{simulator} (seed {seed}){extra}")
    closed = f"{metric}_closed_form"
    if closed in ok and ok[closed].notna().any():
        for i, (_, theory) in enumerate(ok.drop_duplicates([x, *others]).groupby(others) if others
                                        else [(None, ok.drop_duplicates(x))]):
            ax.plot(theory[x], theory[closed], "k--", lw=1, zorder=3, label="closed form" if i == 0 else None)
    failed = table[table["status"] == "failed"]
    if len(failed):
        ax.plot(failed[x], np.zeros(len(failed)), "rx", label=f"failed ({len(failed)})")
    ax.set_xlabel(_label(table, x))
    ax.set_ylabel(_label(table, metric))
    ax.tick_params(labelbottom=True)
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
    """Difference between simulators ("b vs a": b − a) of ``metric`` against ``x``, in
    the band of the tolerance the model derives for each point (grey; none for an
    informational metric)."""
    from .compare import compare

    ax = ax or new_figure(figsize=(7, 3)).subplots()
    comparison = compare(table, distances=False)
    if comparison.empty or "metric" not in comparison:
        ax.set_title("no pair of points ran on both simulators", fontsize="small")
        return ax
    rows = comparison[comparison["metric"] == metric].sort_values(x)
    for i, (pair, block) in enumerate(rows.groupby("simulators", sort=False)):
        marker = STYLES[(i + 1) % len(STYLES)][0]
        ax.plot(block[x], block["difference"], marker, ms=4, mfc="none", ls="none", label=pair)
        band = block.groupby(x)["tolerance"].max()
        if band.notna().any():
            centres = band.index.to_numpy(float)
            edges = _edges(centres)
            ax.stairs(band.to_numpy(), edges, baseline=-band.to_numpy(), fill=True, color="0.8", lw=0,
                      label="tolerance (derived)" if i == 0 else None, zorder=0)
    if len(rows) and rows["tolerance"].isna().all():
        ax.set_title("informational metric: no tolerance", fontsize="small")
    elif len(rows):
        outside = int((~rows["pass"]).sum())
        ax.text(0.01, 0.97, f"max |Δ| = {rows['abs_difference'].max():.3g}; {outside} of {len(rows)} outside the "
                f"tolerance", transform=ax.transAxes, va="top", fontsize="small")
    ax.axhline(0, color="k", lw=0.5)
    ax.set_xlabel(_label(table, x))
    ax.set_ylabel(f"Δ {_label(table, metric)}")
    ax.legend(fontsize="small")
    return ax


def _edges(centres: np.ndarray) -> np.ndarray:
    """Bin edges around sorted ``centres``: midpoints, and half a spacing beyond the ends."""
    if len(centres) == 1:
        half = 0.05 * (abs(centres[0]) or 1.0)
        return np.array([centres[0] - half, centres[0] + half])
    middle = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[2 * centres[0] - middle[0]], middle, [2 * centres[-1] - middle[-1]]])


def _simulators(table: pd.DataFrame) -> list[str]:
    """The table's simulators in the registry's order (the same style for each in every plot)."""
    from zoo import backends

    present = set(table["simulator"])
    return [name for name in backends.names() if name in present] + sorted(present - set(backends.names()))


def _is_grid(frame: pd.DataFrame, x: str, y: str) -> bool:
    """Whether the (x, y) points fill a grid (else they are random samples)."""
    points = frame[[x, y]].drop_duplicates()
    return len(points) >= 0.5 * points[x].nunique() * points[y].nunique()


def _colour_scale(values: np.ndarray):
    """(values with round-off set to 0, a matplotlib norm): logarithmic where the
    positive values span more than :data:`LOG_SPAN`, else linear."""
    from matplotlib.colors import LogNorm, Normalize

    values = np.asarray(values, dtype=float)
    finite = np.isfinite(values)
    largest = np.abs(values[finite]).max() if finite.any() else 0.0
    values = np.where(np.abs(values) <= ROUND_OFF * max(largest, 1.0), 0.0, values)
    positive = values[np.isfinite(values) & (values > 0)]
    if len(positive) and (values[np.isfinite(values)] >= 0).all() and positive.max() / positive.min() >= LOG_SPAN:
        return values, LogNorm(positive.min(), positive.max())
    finite = values[np.isfinite(values)]
    return values, Normalize(finite.min() if len(finite) else 0, finite.max() if len(finite) else 1)


def plot_heatmap(table: pd.DataFrame, x: str, y: str, metric: str = "rate_hz"):
    """``metric`` over parameters ``x`` and ``y``, one panel per simulator: a heatmap
    for a grid, a scatter for random samples; one colour scale for all panels (log
    where values span decades; grey: zero or no value on a log scale)."""
    from matplotlib import colormaps

    ok = table[table["status"] == "ok"]
    if ok.empty:
        raise ValueError("no point of this sweep ran (every row failed); nothing to plot")
    simulators = _simulators(ok)
    fig = new_figure(figsize=(5.5 * len(simulators), 4.5))
    axes = fig.subplots(1, len(simulators), squeeze=False)
    _, norm = _colour_scale(ok[metric].to_numpy(float))
    cmap = colormaps["viridis"].with_extremes(bad="0.75")
    grid = _is_grid(ok, x, y)
    for ax, simulator in zip(axes[0], simulators):
        mine = ok[ok["simulator"] == simulator]
        if grid:
            values = mine.pivot_table(index=y, columns=x, values=metric, aggfunc="mean", dropna=False)
            shown, _ = _colour_scale(values.to_numpy())
            image = ax.pcolormesh(values.columns, values.index, np.ma.masked_invalid(_mask_log(shown, norm)),
                                  shading="nearest", norm=norm, cmap=cmap)
        else:
            shown, _ = _colour_scale(mine[metric].to_numpy(float))
            image = ax.scatter(mine[x], mine[y], c=np.ma.masked_invalid(_mask_log(shown, norm)), s=25, norm=norm,
                               cmap=cmap, plotnonfinite=True)
        grey = "; grey: no value or 0" if _is_log(norm) else "; grey: no value" if ok[metric].isna().any() else ""
        fig.colorbar(image, ax=ax, label=_label(table, metric) + grey)
        for name, set_scale in ((x, ax.set_xscale), (y, ax.set_yscale)):
            if _spans_decades(ok[name].to_numpy(float)):
                set_scale("log")
        ax.set_title(f"{simulator} ({'grid' if grid else 'random samples'})")
        ax.set_xlabel(_label(table, x))
        ax.set_ylabel(_label(table, y))
    return fig


def _spans_decades(values: np.ndarray) -> bool:
    """Positive values spanning at least :data:`LOG_SPAN`: drawn on a log axis."""
    values = values[np.isfinite(values)]
    return len(values) > 0 and values.min() > 0 and values.max() / values.min() >= LOG_SPAN


def _is_log(norm) -> bool:
    from matplotlib.colors import LogNorm

    return isinstance(norm, LogNorm)


def _mask_log(values: np.ndarray, norm) -> np.ndarray:
    from matplotlib.colors import LogNorm

    return np.where(values > 0, values, np.nan) if isinstance(norm, LogNorm) else values


def plot_sweep(table: pd.DataFrame, path: str | Path, metric: str | None = None, x: str | None = None,
               y: str | None = None, population: str | None = None) -> Path:
    """Save :func:`sweep_figure` to ``path`` (.png, .pdf, .svg)."""
    path = Path(path)
    sweep_figure(table, metric, x, y, population).savefig(path, dpi=120)
    return path


def model_figure(table: pd.DataFrame, x: str | None = None, y: str | None = None):
    """The model's own figure of this sweep (``Model.sweep_figure``), or None."""
    from zoo import registry

    entry_point = registry.get(table["model"].iloc[0]).sweep_figure
    return registry.load(entry_point)(table, x, y) if entry_point else None


def one_population(table: pd.DataFrame, population: str | None = None) -> tuple[pd.DataFrame, str | None]:
    """(the rows of one population of a network's sweep, its name): ``population``, or the
    model's first (a network sweep has a row per point and population; averaging E and I
    would draw neither). Other tables are returned whole, with None."""
    if "population" not in table.columns or table["population"].isna().all():
        if population is not None:
            raise ValueError(f"--population {population!r}: this sweep's model has no populations")
        return table, None
    from zoo import registry

    declared = registry.get(table["model"].iloc[0]).populations
    found = set(table["population"].dropna())
    present = [name for name in declared if name in found] + sorted(found - set(declared))
    population = population or present[0]
    if population not in present:
        raise ValueError(f"unknown population {population!r}; this sweep has {', '.join(present)}")
    return table[table["population"] == population], population


def sweep_figure(table: pd.DataFrame, metric: str | None = None, x: str | None = None, y: str | None = None,
                 population: str | None = None):
    """The default figure for a sweep (a matplotlib Figure): the model's own where it
    declares one for the sweep and no metric is named (:func:`model_figure`); else the metric (default :func:`default_metric`)
    and the simulators' difference against ``x`` (one line per value of any other
    varying parameter); heatmaps over ``x`` and ``y``, which are the first two varying
    parameters when neither is named."""
    if metric is None:
        figure = model_figure(table, x, y)
        if figure is not None:
            return figure
    table, population = one_population(table, population)
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
    elif table["simulator"].nunique() > 1:
        fig = new_figure(figsize=(7, 6.5))
        top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=(2, 1))
        plot_metric(table, x, metric, ax=top)
        plot_difference(table, x, metric, ax=bottom)
    else:
        fig = new_figure(figsize=(7, 4.5))
        plot_metric(table, x, metric, ax=fig.subplots())
    whose = f", {population} population" if population else ""
    fig.suptitle(f"{table['model'].iloc[0]}: {_label(table, metric)}{whose}")
    fig.tight_layout()
    return fig
