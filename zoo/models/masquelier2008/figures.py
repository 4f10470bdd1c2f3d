"""The paper's panels for one run of ``masquelier2008`` (Masquelier, Guyonneau & Thorpe
2008, PLoS ONE 3:e1377): latency from pattern onset against discharge number (Fig. 3),
the weights after learning (Fig. 4), and the last second of input with the pattern
windows and the output spikes (Fig. 2)."""
from __future__ import annotations

import numpy as np

from .input import PATTERN_MS, make_input

#: The raster shows every n-th afferent (2000 rows do not fit).
RASTER_EVERY = 10


def figure(result, fig) -> None:
    """``zoo run masquelier2008 --plot``: the paper's panels for the run."""
    params = result.summary.iloc[0].to_dict()
    info = result.info
    fig.set_size_inches(16, 5)
    paper_panels(fig, result.spike_trains_ms()[0], result.tables, params, int(info["seed"]), float(info["dt_ms"]),
                 float(info["duration_ms"]))


def paper_panels(fig, spikes_ms: np.ndarray, tables: dict, params: dict, seed: int, dt_ms: float,
                 duration_ms: float) -> None:
    """Draw Figs. 3, 4 and 2 of the paper side by side into ``fig`` from one run's
    output spike times (ms), its ``discharges``, ``weights`` and ``patterns`` tables,
    its parameters, seed, dt and duration (ms)."""
    ax_lat, ax_w, ax_raster = fig.subplots(1, 3)

    discharges = tables["discharges"]
    hits = discharges.dropna(subset=["latency_ms"])
    ax_lat.plot(hits["discharge"], hits["latency_ms"], ".", ms=2, label="in a pattern window")
    alarms = discharges[discharges["latency_ms"].isna()]
    ax_lat.plot(alarms["discharge"], np.zeros(len(alarms)), "|", color="tab:red", ms=6, label="false alarm (at 0)")
    ax_lat.set_xlabel("discharge number")
    ax_lat.set_ylabel("latency from pattern onset (ms)")
    ax_lat.set_title("latency (Fig. 3)")
    ax_lat.legend(fontsize="small")

    weights = tables["weights"]
    bins = np.linspace(0, 1, 41)
    for in_pattern, label in ((True, "pattern afferents"), (False, "other afferents")):
        ax_w.hist(weights.loc[weights["in_pattern"] == in_pattern, "weight"], bins=bins, alpha=0.6,
                  label=f"{label}, after")
    ax_w.axvline(weights["initial_weight"].iloc[0], color="k", ls=":", label="all, before")
    ax_w.set_yscale("log")
    ax_w.set_xlabel("weight / w_max")
    ax_w.set_ylabel("afferents")
    ax_w.set_title("weights (Fig. 4)")
    ax_w.legend(fontsize="small")

    shown_ms = min(1000.0, duration_ms)
    start = duration_ms - shown_ms
    pattern = make_input(int(seed), duration_ms, dt_ms, n_afferents=int(params["n_afferents"]),
                         n_pattern=int(params["n_pattern"]), repeat_ms=params["repeat_ms"] or None)
    t_in = pattern.steps * pattern.dt_ms
    shown = (t_in >= start) & (pattern.afferents % RASTER_EVERY == 0)
    ax_raster.plot(t_in[shown] - start, pattern.afferents[shown], "|k", ms=1.5, mew=0.5)
    onsets = tables["patterns"]["onset_ms"]
    for onset in onsets[(onsets >= start - PATTERN_MS) & (onsets < duration_ms)]:
        ax_raster.axvspan(onset - start, onset - start + PATTERN_MS, ymax=params["n_pattern"] / params["n_afferents"],
                          color="tab:orange", alpha=0.35, lw=0, zorder=3)
    for t in np.asarray(spikes_ms)[np.asarray(spikes_ms) >= start]:
        ax_raster.axvline(t - start, color="tab:red", lw=1)
    ax_raster.set_xlim(0, shown_ms)
    ax_raster.set_xlabel(f"time from {start / 1000:g} s (ms); red: output spikes")
    ax_raster.set_ylabel(f"afferent (every {RASTER_EVERY}th; shaded: pattern windows)")
    ax_raster.set_title(f"last {shown_ms / 1000:g} s of input (Fig. 2), seed {seed}")
