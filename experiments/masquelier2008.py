"""Masquelier, Guyonneau & Thorpe (2008): STDP finds the start of a repeating pattern,
over many seeds on every simulator that can run it.

Masquelier T, Guyonneau R, Thorpe SJ (2008) Spike timing dependent plasticity finds the
start of repeating patterns in continuous spike trains. PLoS ONE 3:e1377.
Hathway P, Goodman DFM (2018) [Re] ... ReScience 4:6 (the replication, Brian2).

Runs the zoo model ``masquelier2008`` (or ``masquelier2008_srm``, the paper's own
neuron, where a backend provides it) (the full 450 s protocol at dt = 0.1 ms unless
told otherwise) for each seed on each simulator through the explorer: seeds are a
sweep dimension, each run a Dask task, the table is resumable Parquet in
``--out/runs``. Then it prints the success rate, the time and discharge count at
which selectivity emerged and the final latency beside the paper's and the
replication's, compares the two simulators seed by seed (identical spike trains, or
the first output spike where they part), and draws the paper's figures for one seed:
latency against discharge number (Fig. 3), weights before and after learning (Fig. 4)
and the last second of input with pattern windows and output spikes (Fig. 2).

    python -m experiments.masquelier2008 [--seeds 1-20] [--model masquelier2008|masquelier2008_srm]
        [--simulators NAME ...]
        [--duration 450000] [--workers 2] [--scheduler ADDRESS|inline] [--out DIR]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import explorer
from explorer.plots import new_figure
from zoo import backends, registry
from zoo.models.masquelier2008.figures import paper_panels

#: Published numbers (success share, time to selectivity in s, its SD, discharges, dt in ms).
PUBLISHED = pd.DataFrame([
    {"source": "paper (SRM, 100 runs)", "dt_ms": 1e-3, "success_rate": 0.96, "selective_from_s": 13.5,
     "selective_from_s_sd": np.nan, "selective_from_discharge": 700.0},
    {"source": "replication (Brian2 SRM, 100 runs)", "dt_ms": 0.1, "success_rate": 0.94,
     "selective_from_s": 21.4, "selective_from_s_sd": 5.9, "selective_from_discharge": np.nan},
    {"source": "replication (Brian2 SRM, 100 runs)", "dt_ms": 1e-3, "success_rate": 0.98,
     "selective_from_s": 13.5, "selective_from_s_sd": 1.0, "selective_from_discharge": np.nan},
])
SIMULATORS = tuple(backends.names())  # the choices of --simulators
#: The LIF version and the paper's own spike-response neuron (where a backend provides it).
MODELS = ("masquelier2008", "masquelier2008_srm")


def run_seeds(seeds, simulators=None, duration_ms: float | None = None, out: str | Path = "out/masquelier2008",
              scheduler: str | None = None, workers: int | None = None, model: str = MODELS[0],
              retry_failed: bool = False, **params) -> pd.DataFrame:
    """One run per (simulator, seed) through the explorer (default: every simulator that
    can run ``model``); the table of their metrics."""
    simulators = simulators or backends.available(registry.get(model))
    grid = {name: [value] for name, value in params.items()}
    return explorer.sweep(model, grid=grid, simulators=simulators, seeds=list(seeds),
                          duration_ms=duration_ms, out=Path(out) / "runs", scheduler=scheduler, workers=workers,
                          retry_failed=retry_failed)


def _simulators(table: pd.DataFrame) -> list[str]:
    """The table's simulators, in the registry's order."""
    return [s for s in backends.names() if s in set(table["simulator"])]


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Per simulator: runs, success rate, selectivity time and discharges (mean, SD over
    the runs where selectivity emerged), final latency (mean, SD over successes)."""
    rows = []
    for simulator, runs in table[table["status"] == "ok"].groupby("simulator"):
        selective = runs.dropna(subset=["selective_from_s"])
        won = runs[runs["success"] == 1]
        rows.append({
            "source": f"zoo {'SRM' if runs['model'].iloc[0].endswith('srm') else 'LIF'} on {simulator}", "dt_ms": runs["dt_ms"].iloc[0], "runs": len(runs),
            "success_rate": runs["success"].mean(),
            "selective_from_s": selective["selective_from_s"].mean(),
            "selective_from_s_sd": selective["selective_from_s"].std(),
            "selective_from_discharge": selective["selective_from_discharge"].mean(),
            "selective_from_discharge_sd": selective["selective_from_discharge"].std(),
            "final_latency_ms": won["mean_latency_ms"].mean(), "final_latency_ms_sd": won["mean_latency_ms"].std(),
            "rate_start_hz": runs["rate_start_hz"].mean(), "rate_end_hz": won["rate_end_hz"].mean(),
        })
    return pd.DataFrame(rows)


def agreement(table: pd.DataFrame, simulators=None, runs: Path | None = None) -> pd.DataFrame:
    """Seed by seed: do the simulators give the same output spike trains? If not, where
    do they part (the first differing output spike, ms), and do their outcomes differ.
    Given the sweep directory ``runs``, also the largest difference of final weights
    (fraction of w_max)."""
    ok = table[table["status"] == "ok"]
    first, second = (simulators or _simulators(table))[:2]
    rows = []
    for seed, pair in ok.groupby("seed"):
        by = pair.set_index("simulator")
        if not {first, second} <= set(by.index):
            continue
        a, b = np.asarray(by.at[first, "spike_times_ms"]), np.asarray(by.at[second, "spike_times_ms"])
        common = min(a.size, b.size)
        differ = np.flatnonzero(np.abs(a[:common] - b[:common]) > 1e-9)
        parted = differ[0] if differ.size else (common if a.size != b.size else None)
        rows.append({"seed": seed, f"n_spikes_{first}": a.size, f"n_spikes_{second}": b.size,
                     "identical": parted is None,
                     "parted_at_ms": np.nan if parted is None else float(min(a[parted:parted + 1].tolist()
                                                                            + b[parted:parted + 1].tolist())),
                     f"success_{first}": by.at[first, "success"], f"success_{second}": by.at[second, "success"]})
        if runs is not None:
            weights = [explorer.read_tables(runs, by.at[s, "key"]).get("weights") for s in (first, second)]
            rows[-1]["max_weight_difference"] = (np.nan if any(w is None for w in weights) else
                                                 float(np.abs(weights[0]["weight"] - weights[1]["weight"]).max()))
    return pd.DataFrame(rows)


def plot(table: pd.DataFrame, out: Path, seed: int, simulator: str) -> Path:
    """The paper's Figs. 2–4 for one run of the table (the model's own figure)."""
    row = table[(table["seed"] == seed) & (table["simulator"] == simulator) & (table["status"] == "ok")].iloc[0]
    fig = new_figure(figsize=(16, 4.5))
    params = {name: row[name] for name in registry.get(row["model"]).parameter_names}
    paper_panels(fig, np.asarray(row["spike_times_ms"]), explorer.read_tables(out / "runs", row["key"]), params,
                 int(seed), row["dt_ms"], row["duration_ms"])
    fig.suptitle(f"{row['model']} on {simulator}, seed {seed}, dt = {row['dt_ms']:g} ms")
    fig.tight_layout()
    path = out / f"{row['model']}_seed{seed}_{simulator}.png"
    fig.savefig(path, dpi=120)
    return path


def report(table: pd.DataFrame, simulators=None, runs: Path | None = None) -> str:
    """The comparison with the paper and the replication, and the seed-by-seed agreement."""
    ours = summarise(table)
    simulators = simulators or _simulators(table)
    lines = ["Masquelier et al. (2008): success = hit rate > 0.98, no false alarm, latency < 10 ms, "
             "over the last third of each run.", "",
             pd.concat([PUBLISHED, ours], ignore_index=True).to_string(index=False, float_format="%.3g"), ""]
    if len(simulators) > 1:
        seeds = agreement(table, simulators, runs)
        if len(seeds):
            lines += [f"{simulators[0]} and {simulators[1]}, seed by seed: {int(seeds['identical'].sum())} of "
                      f"{len(seeds)} runs give identical output spike trains",
                      seeds.to_string(index=False, float_format="%.6g")]
    failed = table[table["status"] != "ok"]
    for _, row in failed.iterrows():
        lines.append(f"FAILED {row['simulator']} seed {row['seed']}: {row['error']}")
    return "\n".join(lines)


def _seeds(text: str) -> list[int]:
    """``1-20`` or ``1,3,5`` or ``7``."""
    seeds = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        seeds += list(range(int(low), int(high or low) + 1))
    return seeds


def main(argv=None) -> pd.DataFrame:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="1-20", help="seeds: 1-20, 1,3,5 or 7 (default 1-20)")
    parser.add_argument("--model", default=MODELS[0], choices=MODELS,
                        help="the LIF version (default) or the paper's spike-response neuron")
    parser.add_argument("--simulators", nargs="+", default=None, choices=SIMULATORS,
                        help="default: every simulator that can run the model")
    parser.add_argument("--duration", type=float, default=None, help="ms (default: the protocol's 450000)")
    parser.add_argument("--workers", type=int, default=None, help="local Dask workers (default: one per core)")
    parser.add_argument("--scheduler", default=None, help="a Dask scheduler address, or 'inline'")
    parser.add_argument("--retry-failed", action="store_true", help="run failed runs of the table again")
    parser.add_argument("--figure-seed", type=int, default=None, help="seed drawn in the figure (default: first)")
    parser.add_argument("--out", default=None, help="default: out/MODEL")
    args = parser.parse_args(argv)
    out = Path(args.out or f"out/{args.model}")
    seeds = _seeds(args.seeds)
    simulators = args.simulators or backends.available(registry.get(args.model))
    table = run_seeds(seeds, simulators, args.duration, out, args.scheduler, args.workers, args.model,
                      args.retry_failed)
    print(explorer.summary_line(table.attrs["counts"]))
    print(report(table, simulators, out / "runs"))
    figure_seed = seeds[0] if args.figure_seed is None else args.figure_seed
    for simulator in simulators:
        if ((table["seed"] == figure_seed) & (table["simulator"] == simulator) & (table["status"] == "ok")).any():
            print("figure:", plot(table, out, figure_seed, simulator))
    return table


if __name__ == "__main__":
    main()
