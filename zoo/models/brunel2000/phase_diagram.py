"""Brunel's phase diagram (his Fig. 2) from a sweep over ``g`` and ``eta``: the excitatory
population's rate, CV, synchrony and classified state (:mod:`.states`) on each simulator,
with the regions the theory draws (:func:`.theory.phase_region`) outlined on top.

``zoo sweep brunel2000 --grid g=... --grid eta=... --grid scale=0.5`` fills the table;
``zoo plot DIR`` draws this figure (``Model.sweep_figure``). The theory is evaluated on
the sweep's grid refined twice in each direction, at the parameters the rows carry
(``c_e``, ``J``, ``delay``, ...), so its boundaries fall between the simulated points
and are those of the network that was simulated.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .states import MIN_SCALE, classify

#: The states in the order of the colour scale, and their colours (theory's "quiescent" too).
STATES = ("quiescent", "AI", "SI slow", "SI fast", "SR")
COLOURS = ("#f0f0f0", "#66c2a5", "#8da0cb", "#fc8d62", "#e78ac3")
#: Measures drawn as heatmaps before the state.
MEASURES = (("rate_hz", "rate (Hz)", "log"), ("cv_isi", "CV of ISI", "linear"), ("synchrony", "synchrony", "linear"))
#: The population the panels show.
POPULATION = "E"
#: Theory points between two sweep points (in each direction).
REFINE = 2


def states_table(table: pd.DataFrame) -> pd.DataFrame:
    """The excitatory rows that ran, with the classified ``state`` of each."""
    rows = table[(table["status"] == "ok") & (table["population"] == POPULATION)].copy()
    rows["state"] = [classify(r.cv_isi, r.oscillation_power, r.oscillation_hz, r.rate_hz) for r in rows.itertuples()]
    return rows


def _refined(values: np.ndarray) -> np.ndarray:
    """Sorted ``values`` with REFINE − 1 points between neighbours, evenly."""
    values = np.sort(np.unique(values))
    parts = [np.linspace(a, b, REFINE + 1)[:-1] for a, b in zip(values[:-1], values[1:])]
    return np.concatenate(parts + [values[-1:]])


def theory_regions(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(g values, eta values, region per (eta, g): an index into :data:`STATES`, −1 where
    the theory has no answer) on the refined grid, at the fixed parameters of the rows."""
    from .theory import phase_region

    first = table.iloc[0]
    model = dict(j_mV=float(first["J"]), c_e=float(first["c_e"]), tau_ms=float(first["tau_m"]),
                 theta_mV=float(first["v_thresh"]), v_reset_mV=float(first["v_reset"]),
                 tau_rp_ms=float(first["tau_refrac"]))
    gs, etas = _refined(table["g"].to_numpy(float)), _refined(table["eta"].to_numpy(float))
    regions = np.full((etas.size, gs.size), -1, dtype=int)
    for i, eta in enumerate(etas):
        for j, g in enumerate(gs):
            try:
                regions[i, j] = STATES.index(phase_region(g, eta, delay_ms=float(first["delay"]), **model))
            except ValueError:  # no solution of the mean field, or a failed stability count
                pass
    return gs, etas, regions


def _boundaries(ax, regions) -> None:
    """Lines between neighbouring refined cells whose regions differ (in the panels' index
    coordinates: sweep point k at k, refined point m at m / REFINE)."""
    from matplotlib.collections import LineCollection

    half, step = 0.5 / REFINE, 1.0 / REFINE
    segments = []
    rows, columns = regions.shape
    for i in range(rows):
        for j in range(columns):
            x, y = j * step, i * step
            if j + 1 < columns and regions[i, j] != regions[i, j + 1]:
                segments.append([(x + half, y - half), (x + half, y + half)])
            if i + 1 < rows and regions[i, j] != regions[i + 1, j]:
                segments.append([(x - half, y + half), (x + half, y + half)])
    ax.add_collection(LineCollection(segments, colors="black", linewidths=1.8))


def _label_regions(ax, regions) -> None:
    """Each theory region named once, at its cell nearest the region's centre."""
    for index, name in enumerate(STATES):
        cells = np.argwhere(regions == index)
        if len(cells):
            i, j = cells[np.argmin(((cells - cells.mean(axis=0)) ** 2).sum(axis=1))]
            ax.text(j / REFINE, i / REFINE, name, ha="center", va="center", fontsize=9, fontweight="bold",
                    bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="black", lw=0.5, alpha=0.85))


def _index_axes(ax, gs, etas) -> None:
    """Sweep points as equal cells, labelled with their values."""
    ax.set_xticks(range(gs.size), [f"{g:g}" for g in gs])
    ax.set_yticks(range(etas.size), [f"{eta:g}" for eta in etas])
    ax.set_xlim(-0.5, gs.size - 0.5)
    ax.set_ylim(-0.5, etas.size - 0.5)
    ax.set_xlabel("g (relative inhibition)")
    ax.set_ylabel("eta (external rate / nu_thr)")


def figure(table: pd.DataFrame, x: str | None = None, y: str | None = None):
    """The phase diagram of a sweep over ``g`` and ``eta`` (None for any other sweep)."""
    from matplotlib import colormaps
    from matplotlib.colors import BoundaryNorm, ListedColormap, LogNorm, Normalize
    from matplotlib.figure import Figure  # no pyplot state (a model does not import the running layer)

    if {x, y} - {None} - {"g", "eta"} or table["g"].nunique() < 2 or table["eta"].nunique() < 2:
        return None
    rows = states_table(table)
    from . import PARAMETERS

    others = [p.name for p in PARAMETERS if p.name not in ("g", "eta")]
    if rows.empty or (rows[others].nunique() > 1).any():  # the theory's lines hold for one network
        return None
    simulators = list(dict.fromkeys(rows["simulator"]))
    gs, etas = np.sort(rows["g"].unique()), np.sort(rows["eta"].unique())
    _, _, regions = theory_regions(rows)
    fig = Figure(figsize=(4.6 * (len(MEASURES) + 1), 3.9 * len(simulators) + 0.8))
    axes = fig.subplots(len(simulators), len(MEASURES) + 1, squeeze=False)
    state_cmap = ListedColormap(COLOURS).with_extremes(bad="white")
    state_norm = BoundaryNorm(np.arange(len(STATES) + 1) - 0.5, len(STATES))

    def on_grid(frame, column, aggfunc="mean"):
        grid = frame.pivot_table(index="eta", columns="g", values=column, aggfunc=aggfunc)
        return grid.reindex(index=etas, columns=gs).to_numpy(float)

    def most_common(codes):  # over seeds: the state found most often (the lower code on a tie)
        return float(np.bincount(np.asarray(codes, dtype=int)).argmax())

    for row, simulator in zip(axes, simulators):
        mine = rows[rows["simulator"] == simulator]
        for ax, (metric, label, scale) in zip(row, MEASURES):
            values = rows[metric].to_numpy(float)
            positive = values[values > 0]
            norm = (LogNorm(positive.min(), positive.max()) if scale == "log" and positive.size
                    else Normalize(np.nanmin(values), np.nanmax(values)))
            shown = on_grid(mine, metric)
            if scale == "log":
                shown = np.where(shown > 0, shown, np.nan)
            image = ax.imshow(np.ma.masked_invalid(shown), origin="lower", aspect="auto", norm=norm,
                              cmap=colormaps["viridis"].with_extremes(bad="0.8"), interpolation="nearest")
            fig.colorbar(image, ax=ax, label=label + ("; grey: none" if scale == "log" else ""))
            ax.set_title(f"{simulator}: {label}")
        codes = on_grid(mine.assign(code=[STATES.index(s) for s in mine["state"]]), "code", most_common)
        ax = row[-1]
        ax.imshow(np.ma.masked_invalid(codes), origin="lower", aspect="auto", cmap=state_cmap, norm=state_norm,
                  interpolation="nearest")
        for (i, j), code in np.ndenumerate(codes):
            if np.isfinite(code):
                ax.text(j, i, STATES[int(code)].replace("SI ", "SI\n").replace("quiescent", "Q"), ha="center",
                        va="center", fontsize=6.5)
        ax.set_title(f"{simulator}: classified state (brunel2000.states)")
        for ax in row:
            _boundaries(ax, regions)
            _index_axes(ax, gs, etas)
        _label_regions(row[-1], regions)
    scale = float(rows["scale"].iloc[0])
    duration = float(rows["duration_ms"].iloc[0])
    caveat = "" if scale >= MIN_SCALE else f"; the classifier is declared for scale >= {MIN_SCALE:g}"
    fig.suptitle(f"brunel2000 phase diagram: {POPULATION} population, scale {scale:g} "
                 f"({int(round(12500 * scale))} neurons, C_E = {int(rows['c_e'].iloc[0])}), {duration:g} ms per "
                 f"point. Black lines: the linear theory's regions (named in the last panel; Q: quiescent){caveat}")
    fig.tight_layout()
    return fig
