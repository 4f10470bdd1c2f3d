"""Naud, Marcille, Clopath & Gerstner (2008): the eight AdEx firing patterns on every simulator.

Naud R, Marcille N, Clopath C, Gerstner W (2008) Firing patterns in the adaptive exponential
integrate-and-fire model. Biol. Cybern. 99:335–347.

Each pattern's parameters (``zoo.models.adex.patterns``: Table 1 as transcribed, rows 6 and 7
replaced, as ``docs/notes/naud2008-adex-firing-patterns.md`` recommends) run as one
population of eight neurons per simulator (600 ms, dt 0.1 ms); each train is classified by
the zoo's ISI-based classifier, and so is the zoo's accurate reference solution. A Fig.
4-style figure per simulator: each pattern's membrane potential (spikes drawn to v_spike).
Writes ``patterns.parquet`` and
``patterns_<simulator>.png`` to ``--out``.

    python -m experiments.naud2008_patterns [--quick] [--out DIR]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import zoo
from zoo import backends
from zoo.models.adex import patterns
from zoo.models.adex.studies import pattern_run, reference_patterns

SIMULATORS = tuple(backends.available(zoo.get("adex")))


def table(results: dict, reference: list[np.ndarray]) -> pd.DataFrame:
    """One row per simulator (and the reference) and pattern: the class found, the features."""
    rows = []
    sources = {"reference": reference, **{s: r.spike_trains_ms() for s, r in results.items()}}
    for source, trains in sources.items():
        for name, train in zip(patterns.PATTERNS, trains):
            found = patterns.classify(train)
            rows.append({"source": source, "pattern": name, "classified": found, "correct": found == name,
                         "replaced_row": name in patterns.REPLACED, **patterns.features(train)})
    return pd.DataFrame(rows)


def plot(simulator: str, result, found: pd.DataFrame, path: Path) -> None:
    """Fig. 4-style: each pattern's membrane potential, spikes drawn up to v_spike, titled with
    its name (and the class found, where it differs)."""
    from explorer.plots import new_figure

    traces = result.traces[result.traces["variable"] == "v"]
    fig = new_figure(figsize=(14, 6))
    axes = fig.subplots(2, 4, sharey=True)
    spikes = result.spike_trains_ms()
    for k, (name, ax) in enumerate(zip(patterns.PATTERNS, axes.flat)):
        v = traces[traces["neuron"] == k]
        t, vm = v["t_ms"].to_numpy(), v["value"].to_numpy().copy()
        at = np.searchsorted(t, spikes[k] - 1e-9)
        vm[at[at < len(vm)]] = patterns.parameters(name)["v_spike"]
        ax.plot(t, vm, lw=0.6, color="k")
        label = found.loc[(found["source"] == simulator) & (found["pattern"] == name), "classified"].iloc[0]
        ax.set_title(f"{chr(97 + k)}. {name}" + ("*" if name in patterns.REPLACED else "")
                     + ("" if label == name else f" (classified: {label})"), fontsize=9,
                     color="k" if label == name else "red")
        ax.set_ylim(-80, 5)
        ax.set_xlabel("t (ms)", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes[:, 0]:
        ax.set_ylabel("v (mV)", fontsize=8)
    fig.suptitle(f"AdEx firing patterns (Naud et al. 2008, Fig. 4) on {simulator}, dt 0.1 ms, I from t = 0; "
                 "* rows replaced (P. Müller's, see the note)", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(quick: bool = False, out: str | Path = "out/naud2008_patterns") -> dict[str, pd.DataFrame]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    results = {s: pattern_run(s) for s in SIMULATORS}
    found = table(results, reference_patterns())
    found.to_parquet(out / "patterns.parquet", index=False)
    if not quick:
        for simulator, result in results.items():
            plot(simulator, result, found, out / f"patterns_{simulator}.png")
    print(found.pivot(index="pattern", columns="source", values="classified").loc[list(patterns.PATTERNS)]
          .to_string())
    return {"patterns": found}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="no figures (what the tests run)")
    parser.add_argument("--out", default="out/naud2008_patterns")
    args = parser.parse_args()
    main(quick=args.quick, out=args.out)
