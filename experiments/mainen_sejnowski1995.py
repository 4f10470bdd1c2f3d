"""Spike-timing reliability: Figure 1 of Mainen & Sejnowski (1995) on every simulator,
its measures, and reliability against the noise's amplitude and correlation time.

Mainen ZF, Sejnowski TJ (1995) Reliability of spike timing in neocortical neurons.
Science 268:1503-1506. Galán RF, Ermentrout GB, Urban NN (2008) Optimal time scale for
spike-time reliability. J. Neurophysiol. 99:277-283.

Model ``mainen_sejnowski1995`` (a LIF with the course's parameters; ``_hh``: the classic
Hodgkin-Huxley cell): 25 trials of a 0.9 s current step, A without and B with frozen
noise, each trial with its own intrinsic noise. Writes to ``--out``:

- ``fig1_<simulator>.png`` (and ``fig1_hh_<simulator>.png`` in full mode): for A and B
  side by side, the step's current, the potential of three trials, the raster of all
  trials with the PSTH events shaded, and the PSTH;
- ``reliability.parquet``: reliability, precision, events and correlation per cell,
  condition and simulator (A, B, and the control whose noise is drawn per trial);
- ``noise_sweep.parquet`` and ``noise_sweep.png``: reliability and precision against
  the noise's time constant, one curve per SD, mean and range over seeds, swept by the
  explorer (resumable: a second run reuses the stored points).

    python -m experiments.mainen_sejnowski1995 [--quick] [--out DIR]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

import explorer
import zoo
from explorer.plots import new_figure
from zoo.models.mainen_sejnowski1995 import figures, studies

MODEL = "mainen_sejnowski1995"
MEASURES = ["reliability", "precision_ms", "event_reliability", "n_events", "correlation", "rate_hz"]


def sweep_grid(quick: bool) -> tuple[dict, list[int], list[str]]:
    """(grid, seeds, simulators) of the noise sweep."""
    if quick:
        return {"noise_sigma": [0.1], "noise_tau": [1.0, 5.0, 50.0]}, [1, 2, 3], [zoo.backends.DEFAULT]
    return ({"noise_sigma": [0.05, 0.1, 0.2], "noise_tau": [0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 50.0]},
            [1, 2, 3, 4, 5], zoo.backends.available(zoo.registry.get(MODEL)))


def figure_one(model: str, simulator: str, path: Path) -> pd.DataFrame:
    """Figure 1 (A and B side by side) on ``simulator``; the measures of A, B and the control."""
    results = {name: zoo.run(model, simulator, trace_neurons=3, progress=False, **params)
               for name, params in studies.CONDITIONS.items()}
    fig = new_figure(figsize=(13, 10))
    axes = fig.subplots(4, 2, sharex=True, height_ratios=(1, 2, 2, 1))
    for column, name in enumerate(list(studies.CONDITIONS)[:2]):
        figures.condition_panels(axes[:, column], results[name], name)
    top = max(ax.get_ylim()[1] for ax in axes[3])  # one rate scale, so the conditions compare
    for ax in axes[3]:
        ax.set_ylim(0, top)
    info = results["B: frozen noise"].info
    trials = len(results["B: frozen noise"].summary)
    fig.suptitle(f"{model} on {simulator} {info['simulator_version']}: {trials} trials, dt = {info['dt_ms']:g} ms, "
                 f"seed {info['seed']} (Mainen & Sejnowski 1995, fig. 1)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    rows = []
    for name, result in results.items():
        row = result.summary.iloc[0]
        rows.append({"model": model, "simulator": simulator, "condition": name,
                     **{m: (result.summary[m].mean() if m == "rate_hz" else row[m]) for m in MEASURES}})
    return pd.DataFrame(rows)


def noise_sweep(quick: bool, out: Path) -> pd.DataFrame:
    grid, seeds, simulators = sweep_grid(quick)
    table = explorer.sweep(MODEL, grid=grid, simulators=simulators, seeds=seeds, out=out / "noise_sweep",
                           progress=False, scheduler=explorer.INLINE if quick else None)
    return table[table["status"] == "ok"]


def peaks(table: pd.DataFrame) -> pd.DataFrame:
    """Per simulator and noise SD, the time constant of highest mean reliability over seeds."""
    mean = table.groupby(["simulator", "noise_sigma", "noise_tau"])["reliability"].mean().reset_index()
    best = mean.loc[mean.groupby(["simulator", "noise_sigma"])["reliability"].idxmax()]
    return best.rename(columns={"noise_tau": "peak_tau_ms", "reliability": "peak_reliability"}).reset_index(drop=True)


def plot_sweep(table: pd.DataFrame, path: Path) -> None:
    """Reliability and precision against noise_tau: a colour per noise SD, a line style
    per simulator (identical runs overlap), mean over seeds and their range."""
    from matplotlib.lines import Line2D

    fig = new_figure(figsize=(12, 4.8))
    left, right = fig.subplots(1, 2)
    simulators = sorted(table["simulator"].unique())
    styles = dict(zip(simulators, ("-", "--", ":")))
    sigmas = sorted(table["noise_sigma"].unique())
    colours = dict(zip(sigmas, ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple")))
    for (simulator, sigma), frame in table.groupby(["simulator", "noise_sigma"]):
        stats = frame.groupby("noise_tau")[["reliability", "precision_ms"]].agg(["mean", "min", "max"])
        taus = stats.index.to_numpy()
        for ax, measure in ((left, "reliability"), (right, "precision_ms")):
            ax.plot(taus, stats[(measure, "mean")], styles[simulator], marker="o", ms=3, color=colours[sigma])
            if simulator == simulators[0]:
                ax.fill_between(taus, stats[(measure, "min")], stats[(measure, "max")], color=colours[sigma],
                                alpha=0.12, lw=0)
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_xlabel("noise correlation time noise_tau (ms, log scale)")
        ax.axvspan(2.0, 5.0, color="0.9", zorder=0)
    left.set_ylabel("reliability (fraction of spikes in events)")
    left.set_ylim(0, 1.02)
    left.set_title("reliability (grey: 2-5 ms, where Galán et al. 2008 found its peak)", fontsize="medium")
    right.set_ylabel("precision: spike-time SD in events (ms)")
    right.axhline(1.0, color="k", lw=0.6, ls=":")
    right.set_title("precision (dotted: 1 ms, Mainen & Sejnowski 1995)", fontsize="medium")
    handles = [Line2D([], [], color=colours[s], marker="o", ms=3, label=f"noise_sigma {s:g} nA") for s in sigmas]
    handles += [Line2D([], [], color="0.3", ls=styles[s], label=s) for s in simulators]
    left.legend(handles=handles, fontsize="x-small", loc="lower right")
    first = table.iloc[0]
    fig.suptitle(f"{MODEL}: step {first['step_amplitude']:g} nA + frozen OU noise, {first['n_trials']:g} trials; mean "
                 f"over {table['seed'].nunique()} seeds (band: their range)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(quick: bool = False, out: str | Path = "out/mainen_sejnowski1995") -> dict[str, pd.DataFrame]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    simulators = zoo.backends.available(zoo.registry.get(MODEL))
    cells = [MODEL] if quick else [MODEL, f"{MODEL}_hh"]
    measures = []
    for model in cells:
        prefix = "fig1" if model == MODEL else "fig1_hh"
        for simulator in simulators:
            measures.append(figure_one(model, simulator, out / f"{prefix}_{simulator}.png"))
    tables = {"reliability": pd.concat(measures, ignore_index=True)}
    sweep = noise_sweep(quick, out)
    plot_sweep(sweep, out / "noise_sweep.png")
    tables["noise_sweep"] = sweep.drop(columns=["spike_times_ms"])
    tables["peaks"] = peaks(sweep)
    for name, table in tables.items():
        table.to_parquet(out / f"{name}.parquet")
    return tables


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="one cell, a 3-point sweep on the default simulator (what the tests run)")
    parser.add_argument("--out", default="out/mainen_sejnowski1995")
    args = parser.parse_args()
    tables = main(quick=args.quick, out=args.out)
    with pd.option_context("display.width", 160, "display.max_columns", 20):
        print(tables["reliability"].round(3).to_string(index=False))
        print(tables["peaks"].round(3).to_string(index=False))
    print(f"wrote {args.out}")
