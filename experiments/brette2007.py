"""Benchmarks 1 (COBA) and 2 (CUBA) of Brette et al. (2007) on every simulator: rasters,
population rates, and how long each pair of simulators fires the same trains.

Brette R et al. (2007) Simulation of networks of spiking neurons: a review of tools and
strategies. J. Comput. Neurosci. 23:349-398 (Appendix B), after Vogels & Abbott (2005).
The zoo draws the graph, the initial potentials and COBA's stimulation from the seed, so the
simulators start from the same state with the same input; ``zoo.declarations.spike_identity``
finds the first spike at which two of them differ. Writes ``<model>.png`` (per simulator: 100
excitatory and 25 inhibitory neurons over the first 300 ms, and the population rate in 1 ms
bins), ``summary.parquet`` (per model, simulator and population: rate, CV, synchrony) and
``identity.parquet`` (per model and pair: identical spikes, and the time of the first
difference) to ``--out``.

    python -m experiments.brette2007 [--quick] [--out DIR]

``--quick``: CUBA only, 200 ms (what the tests run).
"""
from __future__ import annotations

import argparse
import itertools
from pathlib import Path

import pandas as pd

import zoo
from zoo import backends
from zoo.declarations.population_activity import population_rate_hz
from zoo.declarations.spike_identity import first_difference
from zoo.figures import new_figure

MODELS = ("brette2007_coba", "brette2007_cuba")
#: Neurons of each population in the raster, and its window (ms).
RASTER = {"E": 100, "I": 25}
WINDOW_MS = 300.0


def run_all(model: str, duration_ms: float) -> dict:
    """The model on every simulator that runs it, seed 1."""
    return {simulator: zoo.run(model, simulator=simulator, duration_ms=duration_ms, trace_neurons=0)
            for simulator in backends.available(zoo.get(model))}


def identity_rows(model: str, results: dict) -> list[dict]:
    rows = []
    for a, b in itertools.combinations(results, 2):
        found = first_difference(results[a].spikes, results[b].spikes, results[a].info["dt_ms"])
        rows.append({"model": model, "pair": f"{a} vs {b}", "identical_spikes": found.identical,
                     "first_difference_ms": found.t_ms, "spikes": found.total})
    return rows


def draw(model: str, results: dict, path: Path) -> None:
    fig = new_figure(figsize=(12, 2.6 * len(results) + 0.6))
    grid = fig.add_gridspec(len(results), 2, width_ratios=(3, 2))
    for row, (simulator, result) in enumerate(results.items()):
        raster = fig.add_subplot(grid[row, 0])
        window = min(WINDOW_MS, result.info["duration_ms"])
        spikes = result.spikes[result.spikes["t_ms"] <= window]
        offset = 0
        for population, count, colour in (("E", RASTER["E"], "k"), ("I", RASTER["I"], "tab:red")):
            shown = spikes[(spikes["population"] == population) & (spikes["neuron"] < count)]
            raster.scatter(shown["t_ms"], shown["neuron"] + offset, s=1.0, color=colour)
            offset += count
        raster.set_xlim(0, window)
        raster.set_ylim(-0.5, offset - 0.5)
        raster.set_ylabel(f"{simulator}\nneuron (E black, I red)")
        if row == len(results) - 1:
            raster.set_xlabel("time (ms)")
        rate_axis = fig.add_subplot(grid[row, 1])
        duration = result.info["duration_ms"]
        for population, colour in (("E", "k"), ("I", "tab:red")):
            mine = result.spikes[result.spikes["population"] == population]
            size = int(result.summary.set_index("population").loc[population, "n_neurons"])
            bins, rate = population_rate_hz(mine["t_ms"].to_numpy(float), size, (0.0, duration), bin_ms=1.0)
            rate_axis.plot(bins, rate, color=colour, lw=0.6, label=population)
        summary = result.summary.set_index("population")
        rate_axis.set_title(f"E {summary.loc['E', 'rate_hz']:.1f} Hz, CV {summary.loc['E', 'cv_isi']:.2f}; "
                            f"I {summary.loc['I', 'rate_hz']:.1f} Hz (after 100 ms)", fontsize=9)
        rate_axis.set_ylabel("population rate (Hz)")
        rate_axis.set_xlim(0, duration)
        if row == len(results) - 1:
            rate_axis.set_xlabel("time (ms)")
    first = next(iter(results.values()))
    fig.suptitle(f"{model}: {int(first.info['n_neurons'])} neurons, dt = {first.info['dt_ms']:g} ms, seed 1 "
                 "(the same graph, start and input on every simulator)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(quick: bool = False, out: str | Path = "out/brette2007") -> dict:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    summaries, identities = [], []
    for model in (("brette2007_cuba",) if quick else MODELS):
        results = run_all(model, 200.0 if quick else 1000.0)
        draw(model, results, out / f"{model}.png")
        identities += identity_rows(model, results)
        for simulator, result in results.items():
            summaries.append(result.summary.assign(model=model, simulator=simulator)[
                ["model", "simulator", "population", "n_neurons", "rate_hz", "cv_isi", "synchrony"]])
    tables = {"summary": pd.concat(summaries, ignore_index=True), "identity": pd.DataFrame(identities)}
    for name, table in tables.items():
        table.to_parquet(out / f"{name}.parquet", index=False)
    return tables


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default="out/brette2007")
    args = parser.parse_args()
    found = main(args.quick, args.out)
    with pd.option_context("display.width", 160):
        for table in found.values():
            print(table.to_string(index=False, float_format=lambda x: f"{x:.4g}"))
    print(f"wrote {args.out}")
