"""Izhikevich (2004) Fig. 1: the 20 neuro-computational features of the simple model, on
every simulator, beside the paper's own scheme and the zoo's accurate solution.

Izhikevich EM (2004) Which model to use for cortical spiking neurons? IEEE Trans. Neural
Netw. 15:1063-1070; the panels' parameters, stimuli and steps as its ``figure1.m`` draws them
(``zoo.models.izhikevich.figure1``). Each panel runs at the paper's step tau: on PyNN's
``Izhikevich`` (``izhikevich``), and on the zoo's ``IzhikevichGeneral`` (``izhikevich2004``)
for G, L and R, whose equations PyNN's cell cannot express.

Three trains per panel and simulator, each spike reported at the end of the step that holds
the cut: the simulator's, the paper's scheme's (v by Euler, then u from the new v: what the
figure shows) and the accurate solution's (``zoo.declarations.reference``: DOP853 with the
crossing of 30 mV located). Writes ``panels.parquet`` (spike counts and first spikes of each)
the paper's scheme's counts as its step shrinks (``papers_scheme_convergence.parquet``) and one
figure per simulator plus the paper's scheme (``fig1_<source>.png``) to ``--out``.

    python -m experiments.izhikevich2004_fig1 [--quick] [--out DIR]
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pandas as pd

import zoo
from zoo import backends
from zoo.declarations.reference import TooManySpikes, Train, cut_spikes_on_grid, reset_cell
from zoo.models.izhikevich import figure1, stimulus, studies

SIMULATORS = tuple(backends.available(zoo.get("izhikevich")))
#: The panels of ``--quick`` (what the tests run): one of each kind of outcome.
QUICK = ("A", "I", "R")


def panel_point(letter: str) -> tuple[str, dict]:
    """The model that expresses panel ``letter`` and the panel's full parameter set."""
    study = studies.panel_study(letter)
    return study.model, {**zoo.get(study.model).defaults(), **study.check.params}


def reference(letter: str):
    """(the accurate solution's reported train, or None where its spikes accumulate; the
    solution itself, or None)."""
    chosen = figure1.PANELS[letter]
    model, point = panel_point(letter)
    pieces = stimulus.current_pieces(point, chosen.duration, chosen.tau)
    cell_type = "Izhikevich" if chosen.standard else "IzhikevichGeneral"
    try:
        solution = Train(reset_cell(cell_type), point, pieces, max_spikes=int(round(chosen.duration / chosen.tau)))
    except TooManySpikes:
        return None, None
    return cut_spikes_on_grid(solution.spikes_ms, chosen.tau, chosen.duration), solution


def runs(letters) -> dict:
    """Per simulator and panel, the run at tau with v traced (``Result``)."""
    found = {}
    for simulator in SIMULATORS:
        for letter in letters:
            chosen = figure1.PANELS[letter]
            model, point = panel_point(letter)
            found[simulator, letter] = zoo.run(model, simulator=simulator, duration_ms=float(chosen.duration),
                                               dt_ms=chosen.tau, trace_neurons=1, **point)
    return found


def table(letters, results: dict, references: dict) -> pd.DataFrame:
    """One row per panel and source (paper, reference, each simulator): spikes, first spike."""
    rows = []
    for letter in letters:
        chosen = figure1.PANELS[letter]
        trains = {"paper": studies.published_train(letter), "reference": references[letter][0],
                  **{s: results[s, letter].spike_trains_ms()[0] for s in SIMULATORS}}
        for source, train in trains.items():
            rows.append({"panel": letter, "title": chosen.title, "tau_ms": chosen.tau, "source": source,
                         "n_spikes": np.nan if train is None else len(train),
                         "first_spike_ms": np.nan if train is None or not len(train) else float(train[0]),
                         "unbounded": train is None})
    return pd.DataFrame(rows)


#: The paper's scheme at tau/divisor: how its counts move as its step shrinks.
DIVISORS = (1, 2, 4, 8, 16, 64)


def papers_convergence(letters) -> pd.DataFrame:
    """One row per panel and divisor: figure1.m's scheme's spike count at tau/divisor."""
    rows = []
    for letter in letters:
        chosen, number = figure1.PANELS[letter], figure1.LETTERS.index(letter) + 1
        for divisor in DIVISORS:
            dt = chosen.tau / divisor
            spikes = figure1.published_euler(chosen.cell, figure1.current(number, dt, chosen.duration), dt)
            rows.append({"panel": letter, "divisor": divisor, "dt_ms": dt, "n_spikes": len(spikes)})
    return pd.DataFrame(rows)


def _drawn(t: np.ndarray, v: np.ndarray, spikes: np.ndarray) -> np.ndarray:
    """v with each spike's step drawn at the 30 mV cut (as figure1.m draws it)."""
    v = v.copy()
    at = np.searchsorted(t, np.asarray(spikes) - 1e-9)
    v[at[at < len(v)]] = figure1.CUT_MV
    return v


def plot(source: str, letters, results: dict, references: dict, found: pd.DataFrame, path: Path) -> None:
    """A 5 x 4 grid as the paper's: each panel's v on ``source`` (black; "paper": figure1.m's
    scheme), the accurate solution (blue, thin), the current below (grey), titled with the
    spike counts of the source, the paper's scheme and the reference."""
    from explorer.plots import new_figure

    fig = new_figure(figsize=(15, 13))
    axes = fig.subplots(5, 4)
    for ax, letter in zip(axes.flat, letters):
        chosen = figure1.PANELS[letter]
        number = figure1.LETTERS.index(letter) + 1
        t = figure1.grid_times(chosen.tau, chosen.duration) + chosen.tau  # v at each step's end
        if source == "paper":
            _, v = figure1.published_euler(chosen.cell, figure1.current(number, chosen.tau, chosen.duration),
                                           chosen.tau, trace=True)
        else:
            result = results[source, letter]
            trace = result.traces[result.traces["variable"] == "v"]
            t, v = trace["t_ms"].to_numpy(), trace["value"].to_numpy()
            spikes = result.spike_trains_ms()[0]
            v = _drawn(t, v, spikes)
        solution = references[letter][1]
        if solution is not None:
            fine = np.linspace(0.0, chosen.duration, 4000)
            ax.plot(fine, np.minimum(solution.v(fine), figure1.CUT_MV), lw=0.6, color="tab:blue", alpha=0.8)
        ax.plot(t, v, lw=0.7, color="k")
        current = figure1.current(number, chosen.tau, chosen.duration)
        span = max(np.ptp(current), 1e-9)
        ax.plot(figure1.grid_times(chosen.tau, chosen.duration), -90 + 10 * (current - current.min()) / span,
                lw=0.7, color="0.5")
        counts = found[found["panel"] == letter].set_index("source")["n_spikes"]
        exact = "unbounded" if np.isnan(counts["reference"]) else f"{counts['reference']:.0f}"
        mine = "" if source == "paper" else f"{source} {counts[source]:.0f} · "
        ax.set_title(f"({letter}) {chosen.title}\n{mine}paper {counts['paper']:.0f} · exact {exact}", fontsize=8)
        ax.set_ylim(-95, 35)
        ax.set_xlim(0, chosen.duration)
        ax.tick_params(labelsize=6)
    for ax in axes[-1]:
        ax.set_xlabel("t (ms)", fontsize=7)
    for ax in axes[:, 0]:
        ax.set_ylabel("v (mV)", fontsize=7)
    for ax in axes.flat[len(letters):]:
        ax.axis("off")
    name = "figure1.m's scheme" if source == "paper" else source
    fig.suptitle(f"Izhikevich (2004) Fig. 1 on {name}, each panel at the paper's step (black), the accurate "
                 "solution (blue), the current (grey); titles: spikes on this source, the paper's scheme, the "
                 "exact solution", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main(quick: bool = False, out: str | Path = "out/izhikevich2004_fig1") -> dict[str, pd.DataFrame]:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    letters = QUICK if quick else figure1.LETTERS
    references = {letter: reference(letter) for letter in letters}
    results = runs(letters)
    found = table(letters, results, references)
    found.to_parquet(out / "panels.parquet", index=False)
    convergence = papers_convergence(letters)
    convergence.to_parquet(out / "papers_scheme_convergence.parquet", index=False)
    if not quick:
        for source in ("paper",) + SIMULATORS:
            plot(source, letters, results, references, found, out / f"fig1_{source}.png")
    print(found.pivot(index="panel", columns="source", values="n_spikes")
          [["paper", "reference", *SIMULATORS]].to_string())
    return {"panels": found, "convergence": convergence}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="panels A, I and R, no figures (what the tests run)")
    parser.add_argument("--out", default="out/izhikevich2004_fig1")
    args = parser.parse_args()
    main(quick=args.quick, out=args.out)
