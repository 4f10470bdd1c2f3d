"""Brunel (2000) Fig. 8: the four states of model A, on every simulator that runs it.

Brunel N (2000) Dynamics of sparsely connected networks of excitatory and inhibitory
spiking neurons. J. Comput. Neurosci. 8:183-208. At (g, η) = (3, 2), (6, 4), (5, 2) and
(4.5, 0.9) the network is synchronous regular (A), synchronous irregular with a fast
oscillation (B), asynchronous irregular (C) and synchronous irregular with a slow one (D).

Each state runs as ``zoo check brunel2000``'s study does (``zoo.models.brunel2000.studies``:
the full network on NEST, half of it on Brian2), is classified by the zoo's declared rule
(``zoo.models.brunel2000.states``) and the AI rate is set against the mean field. Writes
``states.parquet`` (one row per simulator, state and population: the measures, the class,
Brunel's) and ``fig8_<simulator>.png`` (for each state: a raster of 50 neurons over the last
200 ms and the population rate in 0.1 ms bins, as Brunel's panels) to ``--out``.

    python -m experiments.brunel2000_fig8 [--quick] [--out DIR]

``--quick``: the default simulator alone at scale 0.2, 200 ms (what the tests run; below the scale the rule is declared for).
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import zoo
from zoo import backends
from zoo.declarations.population_activity import population_rate_hz
from zoo.figures import new_figure
from zoo.models.brunel2000 import studies
from zoo.models.brunel2000.states import MIN_SCALE, classify

#: Those that run the network at a scale the classifier is declared for (not NEURON: its
#: largest, ``NeuronBackend.max_synapses``, is scale 0.25).
SIMULATORS = tuple(s for s in backends.available(zoo.get("brunel2000"))
                   if backends.backend_class(s).network_study_scale >= MIN_SCALE)
#: Brunel's panels show 50 neurons over 200 ms.
RASTER_NEURONS, WINDOW_MS = 50, 200.0


def state_table(simulator: str, runs) -> pd.DataFrame:
    """One row per state and population: parameters, measures, the class and Brunel's."""
    rows = []
    for panel, g, eta, expected, result in runs:
        for _, row in result.summary.iterrows():
            rows.append({"simulator": simulator, "panel": panel, "g": g, "eta": eta, "brunel": expected,
                         "state": classify(row["cv_isi"], row["oscillation_power"], row["oscillation_hz"]),
                         **{k: row[k] for k in ("population", "scale", "n_neurons", "rate_hz", "cv_isi",
                                                "synchrony", "oscillation_hz", "oscillation_power",
                                                "rate_mean_field_hz")},
                         "wall_time_s": result.info["wall_time_s"]})
    return pd.DataFrame(rows)


def draw(runs, simulator: str, path: Path) -> None:
    """Brunel's layout: per state, a raster of 50 excitatory neurons above the population rate."""
    fig = new_figure(figsize=(12, 6.5))
    grid = fig.add_gridspec(2, len(runs), height_ratios=(2, 1))
    for column, (panel, g, eta, expected, result) in enumerate(runs):
        duration = result.info["duration_ms"]
        start = duration - WINDOW_MS
        spikes = result.spikes[(result.spikes["population"] == "E") & (result.spikes["t_ms"] > start)]
        shown = spikes[spikes["neuron"] < RASTER_NEURONS]
        raster = fig.add_subplot(grid[0, column])
        raster.scatter(shown["t_ms"], shown["neuron"], s=1.5, color="k")
        raster.set_xlim(start, duration)
        raster.set_ylim(-0.5, RASTER_NEURONS - 0.5)
        summary = result.summary.set_index("population").loc["E"]
        found = classify(summary["cv_isi"], summary["oscillation_power"], summary["oscillation_hz"])
        raster.set_title(f"{panel}: g = {g:g}, η = {eta:g}\nBrunel {expected}, found {found}", fontsize=9)
        raster.set_xticks([])
        if column == 0:
            raster.set_ylabel("neuron")
        rate_axis = fig.add_subplot(grid[1, column])
        bins, rate = population_rate_hz(spikes["t_ms"].to_numpy(float), int(summary["n_neurons"]), (start, duration),
                                        bin_ms=0.1)
        rate_axis.plot(bins, rate, color="k", lw=0.5)
        rate_axis.set_xlim(start, duration)
        rate_axis.set_xlabel("time (ms)")
        rate_axis.text(0.02, 0.97, f"{summary['rate_hz']:.1f} Hz, CV {summary['cv_isi']:.2f}\n"
                                   f"peak {summary['oscillation_hz']:.0f} Hz × {summary['oscillation_power']:.0f}",
                       transform=rate_axis.transAxes, va="top", fontsize=7,
                       bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.85, "pad": 1.5})
        if column == 0:
            rate_axis.set_ylabel("population rate (Hz,\n0.1 ms bins)")
    first = runs[0][4]
    fig.suptitle(f"Brunel (2000) Fig. 8 on {simulator} {first.info['simulator_version']}: "
                 f"{int(first.info['n_neurons'])} neurons, dt = {first.info['dt_ms']:g} ms")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(quick: bool = False, out: str | Path = "out/brunel2000_fig8") -> dict:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tables = []
    for simulator in ((backends.DEFAULT,) if quick else SIMULATORS):
        runs = (studies.state_runs(simulator, scale=0.2, duration_ms=200.0) if quick
                else studies.state_runs(simulator))
        tables.append(state_table(simulator, runs))
        draw(runs, simulator, out / f"fig8_{simulator}.png")
    states = pd.concat(tables, ignore_index=True)
    states.to_parquet(out / "states.parquet", index=False)
    return {"states": states}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default="out/brunel2000_fig8")
    args = parser.parse_args()
    tables = main(args.quick, args.out)
    with pd.option_context("display.width", 160):
        print(tables["states"].drop(columns=["wall_time_s"]).to_string(index=False, float_format=lambda x: f"{x:.3g}"))
    print(f"wrote {args.out}")
