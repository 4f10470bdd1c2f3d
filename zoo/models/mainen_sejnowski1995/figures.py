"""Figure 1 of Mainen & Sejnowski (1995) for one run: the step's current, the
potential of a few trials, the raster of all trials and their spike histogram (PSTH),
events shaded. ``condition_panels`` draws one condition into a column of four axes, so
that the experiment can set conditions A and B side by side."""
from __future__ import annotations

import numpy as np

from ...spike_plots import draw_psth, draw_raster, trains_of

#: Bin of the PSTH drawn (ms): the events' own bin (``reliability.BIN_MS``) is too fine to read.
PSTH_BIN_MS = 2.0


def condition_panels(axes, result, title: str) -> None:
    """Stimulus, potentials, raster and PSTH of ``result`` into the four ``axes``."""
    stimulus, traces, raster, histogram = axes
    duration = float(result.info["duration_ms"])
    summary = result.summary.iloc[0]
    current = result.tables["stimulus"]
    stimulus.plot(current["t_ms"], current["current_na"], lw=0.6, color="tab:blue", drawstyle="steps-post")
    stimulus.set_ylabel("step current (nA)")
    frozen = "frozen noise" if summary["noise_frozen"] else "noise drawn per trial (trial 0 shown)"
    stimulus.set_title(f"{title}\nstep {summary['step_amplitude']:g} nA"
                       + (f" + {frozen}, SD {summary['noise_sigma']:g} nA, tau {summary['noise_tau']:g} ms"
                          if summary["noise_sigma"] > 0 else ""), fontsize="medium")
    v = result.traces[result.traces["variable"] == "v"]
    for trial, trace in v.groupby("neuron"):
        traces.plot(trace["t_ms"], trace["value"], lw=0.6, label=f"trial {trial}")
    traces.set_ylabel("v (mV)")
    if len(v):
        traces.legend(fontsize="x-small", loc="lower right", ncol=3)
    trains = trains_of(result.spikes, result.summary["neuron"])
    draw_raster(raster, trains, duration, ylabel="trial")
    events = result.tables["events"]
    for _, event in events.iterrows():
        raster.axvspan(event["start_ms"], event["stop_ms"], color="tab:orange", alpha=0.4, lw=0)
    centres = (events["start_ms"] + events["stop_ms"]) / 2
    raster.plot(centres, np.full(len(centres), len(trains) - 0.1), "v", color="tab:orange", ms=5, clip_on=False)
    raster.set_title(f"reliability {summary['reliability']:.2f}, precision {summary['precision_ms']:.2f} ms "
                     f"({int(summary['n_events'])} PSTH events, marked and shaded)", fontsize="small", pad=9)
    draw_psth(histogram, trains, duration, PSTH_BIN_MS, per="trial")
    histogram.set_xlabel("t (ms)")
    for ax in axes:
        ax.set_xlim(0, duration)


def draw(result, fig) -> None:
    """``zoo run mainen_sejnowski1995 --plot``: the run's condition in four panels."""
    fig.set_size_inches(9, 10)
    axes = fig.subplots(4, 1, sharex=True, height_ratios=(1, 2, 2, 1))
    first = result.summary.iloc[0]
    condition = ("A: constant step" if first["noise_sigma"] == 0 else
                 "B: step with frozen noise" if first["noise_frozen"] else "control: noise drawn per trial")
    condition_panels(axes, result, condition)
