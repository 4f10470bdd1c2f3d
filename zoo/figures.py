"""The figure of a run (``zoo run --plot``, ``Result.plot``), chosen by what it holds.

- A model that declares its own figure (``Simulation.figure``, e.g. the cable's
  V(t) and V(x), the paper's panels of ``masquelier2008``) draws it.
- A population that varies a parameter: the metric against that parameter with the
  closed form (an f-I curve), a raster with one row per neuron labelled by its value,
  and the potential of at most :data:`MAX_TRACES` neurons above the injected current.
- One neuron (or identical neurons): its potential with spikes marked, above the
  injected current; more than :data:`RASTER_FROM_NEURONS` identical neurons add the
  raster of all and their spike histogram (PSTH).
- A network (``Model.populations``): a raster of :data:`RASTER_NEURONS` neurons (split
  between the populations by size), the population rate, and the distributions of the
  neurons' rates and CVs, with each population's measures.

Labels and units come from the model's declarations; the title names model,
simulator and version, dt and duration.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from . import registry
from . import spike_plots

#: Traces drawn at most in a population figure (more tangle).
MAX_TRACES = 3
#: Points of the closed-form curve drawn through a population's range.
CURVE_POINTS = 400
#: Traces are drawn over a window holding about this many spikes of the fastest traced
#: neuron (at least :data:`MIN_WINDOW_MS`), so that each spike can be seen.
SPIKES_SHOWN = 10
MIN_WINDOW_MS = 100.0
#: A population of more neurons than this also gets a raster and a spike histogram.
RASTER_FROM_NEURONS = 5


def new_figure(**kwargs):
    """A matplotlib Figure that needs no GUI backend (no pyplot state, nothing to close)."""
    from matplotlib.figure import Figure

    return Figure(**kwargs)


def plot_run(result, path: str | Path) -> Path:
    """Draw ``result`` (:func:`run_figure`) and save it to ``path`` (.png, .pdf, .svg)."""
    path = Path(path)
    run_figure(result).savefig(path, dpi=120)
    return path


def run_figure(result):
    """The figure of ``result`` (see the module docstring), a matplotlib Figure."""
    model = registry.get(result.info["model"])
    if model.simulation.figure:
        fig = new_figure(figsize=(11, 7))  # the model's figure may resize it
        registry.load(model.simulation.figure)(result, fig)
    elif model.network:
        fig = network_figure(result, model)
    elif varying_parameters(result):
        fig = population_figure(result, model)
    else:
        fig = neuron_figure(result, model)
    fig.suptitle(title(result))
    fig.tight_layout()
    return fig


#: Neurons in a network's raster (Brunel 2000, Fig. 8, shows 50).
RASTER_NEURONS = 50
#: A network's population rate is drawn over at most this much of the run's end (ms).
RATE_WINDOW_MS = 300.0


def network_figure(result, model):
    """Raster and population rate over the run's last :data:`RATE_WINDOW_MS`, and the
    per-neuron rate and CV distributions of each population (the module docstring)."""
    from .declarations.population_activity import population_rate_hz

    fig = new_figure(figsize=(11, 8))
    grid = fig.add_gridspec(3, 2, height_ratios=(2.2, 1.2, 1.4))
    raster, rate = fig.add_subplot(grid[0, :]), fig.add_subplot(grid[1, :])
    rates, cvs = fig.add_subplot(grid[2, 0]), fig.add_subplot(grid[2, 1])
    duration = float(result.info["duration_ms"])
    start = max(0.0, duration - RATE_WINDOW_MS)
    summary = result.summary.set_index("population")
    sizes = summary["n_neurons"].astype(int)
    colours = dict(zip(model.populations, ("tab:red", "tab:blue", "tab:green", "tab:purple")))
    window = model.simulation.rate_window(result.summary.iloc[0].to_dict(), duration) \
        if model.simulation.rate_window else (0.0, duration)
    row = 0
    for name in model.populations:
        shown = max(1, round(RASTER_NEURONS * sizes[name] / sizes.sum()))
        own = result.spikes[(result.spikes["population"] == name) & (result.spikes["neuron"] < shown)
                            & (result.spikes["t_ms"] > start)]
        raster.scatter(own["t_ms"], own["neuron"] + row, s=2, color=colours[name], label=f"{name} ({shown} neurons)")
        row += shown
        spikes = result.spikes.loc[result.spikes["population"] == name, "t_ms"].to_numpy(float)
        bins, values = population_rate_hz(spikes, int(sizes[name]), (start, duration), bin_ms=0.5)
        rate.plot(bins, values, color=colours[name], lw=0.7, label=name)
        neurons = result.neurons[result.neurons["population"] == name]
        measures = summary.loc[name]
        per_spike = 1000.0 / (window[1] - window[0])  # one spike more in the window, in Hz
        edges = (np.arange(neurons["n_spikes"].max() + 2) - 0.5) * per_spike
        rates.hist(neurons["rate_hz"], bins=edges, color=colours[name], alpha=0.6,
                   label=f"{name}: {measures['rate_hz']:.1f} Hz, synchrony {measures['synchrony']:.2f}, "
                         f"peak {measures['oscillation_hz']:.0f} Hz")
        cvs.hist(neurons["cv_isi"].dropna(), bins=40, color=colours[name], alpha=0.6,
                 label=f"{name}: mean CV {measures['cv_isi']:.2f}")
    raster.set_xlim(start, duration)
    raster.set_ylim(-0.5, row - 0.5)
    raster.set_ylabel("neuron")
    raster.legend(loc="upper right", fontsize=8, markerscale=4)
    rate.set_xlim(start, duration)
    rate.set_xlabel("time (ms)")
    rate.set_ylabel("population rate\n(Hz, 0.5 ms bins)")
    rate.legend(loc="upper right", fontsize=8)
    if "rate_mean_field_hz" in summary and np.isfinite(summary["rate_mean_field_hz"].iloc[0]):
        rates.axvline(summary["rate_mean_field_hz"].iloc[0], color="k", ls="--", label="mean-field rate")
    rates.set_xlabel(f"firing rate (Hz), spikes in ({window[0]:g}, {window[1]:g}] ms")
    rates.set_ylabel("neurons")
    rates.legend(fontsize=7)
    cvs.set_xlabel("CV of the ISIs")
    cvs.set_ylabel("neurons")
    cvs.legend(fontsize=7)
    fig.text(0.01, 0.005, "parameters: " + ", ".join(
        f"{p}={summary[p].iloc[0]:g}" for p in model.parameter_names), fontsize=7)
    return fig


def title(result) -> str:
    info = result.info
    return (f"{info['model']} on {info['simulator']} {info['simulator_version']}, dt = {info['dt_ms']:g} ms, "
            f"{info['duration_ms']:g} ms, seed {info['seed']}")


def varying_parameters(result) -> list[str]:
    """Parameters that differ between the neurons of the run."""
    model = registry.get(result.info["model"])
    return [name for name in model.parameter_names if result.summary[name].nunique() > 1]


def parameter_label(model, name: str) -> str:
    return f"{name} ({model.parameter(name).unit})"


def neuron_figure(result, model):
    """Potential (spikes marked) above the injected current, for one neuron or a
    population of identical ones (the first traced neuron is drawn); a population of
    more than :data:`RASTER_FROM_NEURONS` neurons adds its raster and spike histogram."""
    current = model.simulation.injected_current
    many = model.spiking and len(result.summary) > RASTER_FROM_NEURONS
    heights = (3,) + ((1,) if current else ()) + ((2, 1) if many else ())
    fig = new_figure(figsize=(9, 2.2 + 1.3 * sum(heights)))
    axes = list(np.atleast_1d(fig.subplots(len(heights), 1, height_ratios=heights)))
    if current:  # the current under the potential's window; raster and histogram span the run
        axes[1].sharex(axes[0])
    traced = sorted(result.traces["neuron"].unique())[:1]
    draw_traces(axes[0], result, traced, labels=False)
    recorded = bool(traced)
    if not recorded:  # v was not recorded (trace_neurons=0): the spikes of neuron 0 and its current
        traced = [0]
        times = result.spikes.loc[result.spikes["neuron"] == 0, "t_ms"]
        axes[0].plot(times, np.zeros(len(times)), "|k", ms=12)
        axes[0].set_yticks([])
        axes[0].set_ylabel("")
        axes[0].set_title("spikes of neuron 0 (v not recorded)")
        axes[0].set_xlim(0, float(result.info["duration_ms"]))
    if current:
        draw_current(axes[1], result, model, traced)
    if many:
        draw_population_spikes(axes[-2], axes[-1], result)
    if recorded:
        show_window(axes[0], result, model, traced)
    for ax in axes[1 if current else 0:]:
        ax.set_xlabel("t (ms)")
    return fig


def population_trains(result) -> list[np.ndarray]:
    """Spike times (ms) of every neuron of the run, silent ones included."""
    return spike_plots.trains_of(result.spikes, result.summary["neuron"])


def draw_population_spikes(raster, histogram, result) -> None:
    """The raster of every neuron and the population's spike histogram (1 ms bins, or
    coarser for long runs: about 1000 bins)."""
    duration = float(result.info["duration_ms"])
    trains = population_trains(result)
    spike_plots.draw_raster(raster, trains, duration)
    raster.set_title(f"spikes of all {len(trains)} neurons")
    spike_plots.draw_psth(histogram, trains, duration, spike_plots.readable_bin_ms(duration))
    histogram.set_title("spike histogram (PSTH)")
    histogram.tick_params(labelbottom=True)


def population_figure(result, model):
    """Metric against the varying parameter with the closed form, above the population's
    spike histogram; raster labelled by value; a few traces above their injected currents."""
    x = varying_parameters(result)[0]
    current = model.simulation.injected_current
    fig = new_figure(figsize=(13, 7))
    grid = fig.add_gridspec(3 if current else 2, 2, height_ratios=(2, 2, 1) if current else (1, 1))
    curve = fig.add_subplot(grid[:-1, 0])
    histogram = fig.add_subplot(grid[-1, 0])
    duration = float(result.info["duration_ms"])
    spike_plots.draw_psth(histogram, population_trains(result), duration, spike_plots.readable_bin_ms(duration))
    histogram.set_title("spike histogram of the population (PSTH)")
    histogram.set_xlabel("t (ms)")
    raster = fig.add_subplot(grid[0, 1])
    traces = fig.add_subplot(grid[1, 1])
    draw_metric_curve(curve, result, model, x)
    draw_raster(raster, result, model, x)
    traced = pick_traced(result)
    draw_traces(traces, result, traced, labels=True, by=x, model=model)
    show_window(traces, result, model, traced)
    if current:
        below = fig.add_subplot(grid[2, 1], sharex=traces)
        draw_current(below, result, model, traced, by=x)
        below.set_xlabel("t (ms)")
    else:
        traces.set_xlabel("t (ms)")
    return fig


def figure_metric(model) -> str:
    """The metric a population is plotted by: ``rate_hz`` where reported, else the
    first with a closed form, else the first declared."""
    names = model.metric_names
    closed = model.validation.closed_form
    return "rate_hz" if "rate_hz" in names else (closed.metrics[0] if closed else names[0])


def draw_metric_curve(ax, result, model, x: str) -> None:
    """The population's metric against ``x``, and the closed form through the range."""
    metric = figure_metric(model)
    summary = result.summary.sort_values(x)
    ax.plot(summary[x], summary[metric], "o", ms=5, mfc="none", label=f"{result.info['simulator']} (simulated)")
    closed = model.validation.closed_form
    if closed is not None and metric in closed.metrics:
        dense = np.linspace(summary[x].min(), summary[x].max(), CURVE_POINTS)
        first = {name: summary[name].iloc[0] for name in model.parameter_names}
        theory = closed.values({**first, x: dense})[metric]
        if np.ndim(theory) and np.isfinite(theory).any():
            ax.plot(dense, theory, "k-", lw=1, label="closed form")
    ax.set_xlabel(parameter_label(model, x))
    ax.set_ylabel(model.metric(metric).label)
    ax.set_title(f"{model.metric(metric).name} against {x}")
    ax.legend(fontsize="small")


def draw_raster(ax, result, model, x: str) -> None:
    """One row per neuron, ordered and labelled by its value of ``x``."""
    summary = result.summary
    order = summary.sort_values(x)["neuron"].to_numpy()
    row_of = np.empty(len(summary), dtype=int)
    row_of[order] = np.arange(len(order))
    spikes = result.spikes
    ax.plot(spikes["t_ms"], row_of[spikes["neuron"].to_numpy()], "|", ms=max(2.0, 120 / len(order)), color="k")
    shown = order[:: max(1, len(order) // 10)]
    ax.set_yticks(row_of[shown], [f"{summary[x].iloc[n]:.3g}" for n in shown])
    ax.set_ylim(-0.5, len(order) - 0.5)
    ax.set_xlim(0, float(result.info["duration_ms"]))
    ax.set_ylabel(parameter_label(model, x))
    ax.set_title("spikes, one row per neuron")
    ax.tick_params(labelbottom=True)


def pick_traced(result) -> list[int]:
    """At most :data:`MAX_TRACES` traced neurons, spread over the population."""
    traced = sorted(result.traces["neuron"].unique())
    if len(traced) <= MAX_TRACES:
        return traced
    return [traced[i] for i in np.linspace(0, len(traced) - 1, MAX_TRACES).round().astype(int)]


def neuron_label(result, model, neuron: int, by: str | None) -> str:
    if by is None:
        return f"neuron {neuron}"
    return f"{by} = {result.summary[by].iloc[neuron]:.3g} {model.parameter(by).unit}"


def draw_traces(ax, result, neurons, labels: bool, by: str | None = None, model=None) -> None:
    """v (mV) of ``neurons`` against time, their spikes marked above the trace."""
    v = result.traces[result.traces["variable"] == "v"]
    top = v["value"].max() if len(v) else 0.0
    for neuron in neurons:
        trace = v[v["neuron"] == neuron]
        line, = ax.plot(trace["t_ms"], trace["value"], lw=0.8,
                        label=neuron_label(result, model, neuron, by) if labels else None)
        times = result.spikes.loc[result.spikes["neuron"] == neuron, "t_ms"]
        ax.plot(times, np.full(len(times), top + 3.0), "|", color=line.get_color(), ms=6)
    ax.set_ylabel("v (mV)")
    ax.set_title("membrane potential (ticks: spikes)")
    if labels and len(neurons):
        ax.legend(fontsize="small", loc="lower right")


def show_window(ax, result, model, neurons) -> None:
    """Limit the trace panel to :func:`trace_window` and say so in its title."""
    start, stop = trace_window(result, model, neurons)
    ax.set_xlim(start, stop)
    ax.tick_params(labelbottom=True)
    if stop - start < float(result.info["duration_ms"]):
        ax.set_title(f"membrane potential, {start:.4g}-{stop:.4g} ms of {result.info['duration_ms']:g} (ticks: spikes)")


def trace_window(result, model, neurons) -> tuple[float, float]:
    """(start, stop) in ms of the traces shown: the whole run, or a window holding
    about :data:`SPIKES_SHOWN` spikes of the fastest of ``neurons`` (at least
    :data:`MIN_WINDOW_MS`), opening shortly before the injected current first changes."""
    duration = float(result.info["duration_ms"])
    counts = result.spikes[result.spikes["neuron"].isin(neurons)].groupby("neuron").size()
    most = counts.max() if len(counts) else 0
    if most <= SPIKES_SHOWN:
        return 0.0, duration
    width = max(MIN_WINDOW_MS, duration * SPIKES_SHOWN / most)
    start = 0.0
    if model.simulation.injected_current is not None and len(neurons):
        t = np.linspace(0.0, duration, 2001)
        params = {name: result.summary[name].iloc[neurons[0]] for name in model.parameter_names}
        changes = np.flatnonzero(np.diff(model.simulation.injected_current(params, t)))
        if changes.size:
            start = max(0.0, t[changes[0]] - 0.1 * width)
    return start, min(duration, start + width)


def draw_current(ax, result, model, neurons, by: str | None = None) -> None:
    """The current ``model`` declares it injects into ``neurons`` (nA)."""
    t = np.linspace(0.0, float(result.info["duration_ms"]), 2001)
    for neuron in neurons:
        params = {name: result.summary[name].iloc[neuron] for name in model.parameter_names}
        ax.plot(t, model.simulation.injected_current(params, t), lw=1, drawstyle="steps-post")
    ax.set_ylabel("injected (nA)")
    ax.margins(y=0.2)
