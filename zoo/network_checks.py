"""``zoo check`` of a network model: every pair of simulators judged in distribution
(:mod:`zoo.declarations.network_judge`) over seeds of the model's check protocols.

Each protocol is swept through the explorer with :data:`~zoo.declarations.network_judge.SEEDS`
seeds on every simulator (a seed draws the graph, the initial potentials and the input);
each run's per-neuron table is read from the sweep's store. The verdict rows have the
layout of every other check (``zoo.declarations.verdicts.COLUMNS``), one per pair,
population and metric.
"""
from __future__ import annotations

import itertools
import tempfile
from typing import Callable

import numpy as np
import pandas as pd

import explorer

from .declarations.network_judge import SEEDS, NetworkRun, judge
from .declarations.verdicts import verdict_word


def network_runs(table: pd.DataFrame, directory, simulator: str, population: str, point: dict) -> list[NetworkRun]:
    """The runs of ``simulator`` for one population at ``point`` (parameter values), in seed order."""
    rows = table[(table["simulator"] == simulator) & (table["population"] == population)
                 & (table["status"] == "ok")]
    for name, value in point.items():
        rows = rows[np.isclose(rows[name], value)]
    runs = []
    for _, row in rows.sort_values("seed").iterrows():
        neurons = explorer.read_tables(directory, row["key"])["neurons"]
        runs.append(NetworkRun(measures=row.to_dict(),
                               neurons={c: neurons[c].to_numpy(float) for c in ("rate_hz", "cv_isi")}))
    return runs


def sweep_seeds(model, protocol, simulators, directory, seeds: int = SEEDS, scheduler: str | None = explorer.INLINE,
                **changed) -> pd.DataFrame:
    """The protocol's point (with ``changed`` values) on each simulator, ``seeds`` seeds
    (``scheduler``: as :func:`explorer.sweep`'s; None: a local cluster)."""
    grid = {k: np.atleast_1d(v) for k, v in {**protocol.params, **changed}.items()}
    return explorer.sweep(model.name, grid=grid, simulators=simulators, seeds=range(1, seeds + 1),
                          duration_ms=protocol.duration_ms, dt_ms=protocol.dt_ms, out=directory,
                          scheduler=scheduler, progress=False)


def pair_rows(first: dict[str, list[NetworkRun]], second: dict[str, list[NetworkRun]], label: str) -> list[dict]:
    """Verdict rows of one pair (runs by population)."""
    rows = []
    for row in judge(first, second):
        rows.append({"simulator": label, "metric": f"{row['population']}: {row['metric']}", "points": row["seeds"],
                     "judged": 1, "value": row["value"], "reference": row["reference"], "error": row["error"],
                     "tolerance": row["tolerance"], "verdict": verdict_word(row["pass"], 1), "pass": row["pass"],
                     "worst_at": f"{row['seeds']} seeds each; agreeing simulators fail 1 time in "
                                 f"{round(1 / row['false_failure'])}"})
    return rows


def statistical_rows(model, simulators, announce: Callable[[str], str]) -> tuple[list[dict], pd.DataFrame]:
    """Every pair of ``simulators`` judged on each of the model's check protocols."""
    rows, tables = [], []
    with tempfile.TemporaryDirectory(prefix="zoo-network-check-") as directory:
        for index, protocol in enumerate(model.validation.protocols):
            announce(f"{SEEDS} seeds of {', '.join(f'{k}={v:g}' for k, v in protocol.params.items())} on "
                     f"{', '.join(simulators)}, {protocol.duration_ms:g} ms")
            part = f"{directory}/protocol-{index}"
            table = sweep_seeds(model, protocol, simulators, part)
            tables.append(table)
            for a, b in itertools.combinations(simulators, 2):
                runs = [{p: network_runs(table, part, s, p, protocol.params) for p in model.populations}
                        for s in (a, b)]
                if min(len(r) for side in runs for r in side.values()) < 3:
                    continue  # failed runs are failed rows of their own
                rows += pair_rows(runs[0], runs[1], f"{b} vs {a}")
    return rows, pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
