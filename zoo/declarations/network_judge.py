"""The statistical judge of two simulators on a network: they agree when what differs
between them is no larger than what differs between seeds of one simulator.

A chaotic network's trains decorrelate within tens of milliseconds under round-off, so
two simulators can only be asked to produce the same *distributions*. Each simulator
runs the same ``n`` seeds (each seed draws the graph, the initial potentials and the
input). For every metric the judge measures a distance between any two runs:

- a population measure (``rate_hz``, ``cv_isi``, ``synchrony``, ``oscillation_hz``):
  the absolute difference of its values;
- a per-neuron distribution (``rate_distribution``, ``cv_distribution``): the
  Kolmogorov-Smirnov statistic between the two runs' per-neuron rates (CVs).

The statistic is T = (mean distance between runs of different simulators) − (mean
distance between runs of one simulator). If the simulator does not matter, the 2n runs
are exchangeable: every way of splitting them into two groups of n is as likely to give
the observed T. The judge computes T for all C(2n, n)/2 splits (a permutation test),
and a metric fails only if its T is larger than at every other split, all metrics judged
together (Westfall & Young's max-T: each T divided by its spread over the splits, the
largest of them compared): the chance that agreeing simulators fail the whole judge is
1/(C(2n, n)/2) — 0.8 % at 5 seeds, 2.9 % at 4 — whatever the number of metrics.

In the verdict rows (:data:`zoo.declarations.verdicts.COLUMNS`): ``value`` and
``reference`` are the seeds' mean of the measure on each simulator (for a distribution:
the mean cross and within KS distances), ``error`` is T and ``tolerance`` the largest T
any other split gives (scaled back to the metric), so ``error ≤ tolerance`` is the test.

Pure numpy/scipy: no simulator.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np
from scipy import stats

#: Population measures judged by their seed spread.
MEASURES = ("rate_hz", "cv_isi", "synchrony", "oscillation_hz")
#: Per-neuron distributions judged by the KS distance: name -> column of the neurons' table.
DISTRIBUTIONS = {"rate_distribution": "rate_hz", "cv_distribution": "cv_isi"}
#: Seeds per simulator of a statistical check (the chance of a false failure: 1/126).
SEEDS = 5


@dataclass
class NetworkRun:
    """One run's measures of one population: ``measures`` (name -> value) and the
    per-neuron ``neurons`` (column -> array) the distributions are read from."""

    measures: dict
    neurons: dict = field(default_factory=dict)


def distance(a: NetworkRun, b: NetworkRun, metric: str) -> float:
    """The distance between two runs for ``metric`` (module docstring); NaN values of a
    measure count as equal to each other and as far from any number."""
    if metric in DISTRIBUTIONS:
        column = DISTRIBUTIONS[metric]
        x = np.asarray(a.neurons[column], dtype=float)
        y = np.asarray(b.neurons[column], dtype=float)
        x, y = x[np.isfinite(x)], y[np.isfinite(y)]
        if not len(x) or not len(y):
            return 0.0 if len(x) == len(y) else 1.0
        return float(stats.ks_2samp(x, y).statistic)
    x, y = float(a.measures[metric]), float(b.measures[metric])
    if np.isnan(x) and np.isnan(y):
        return 0.0
    if np.isnan(x) or np.isnan(y):
        return np.inf
    return abs(x - y)


def splits(n: int) -> np.ndarray:
    """Every split of 2n runs into two groups of n, one of each mirror pair, as boolean
    rows (True: first group); row 0 is the observed split (the first n runs)."""
    rows = []
    for chosen in itertools.combinations(range(2 * n), n):
        if 0 not in chosen:
            continue  # the mirror of a split already listed
        row = np.zeros(2 * n, dtype=bool)
        row[list(chosen)] = True
        rows.append(row)
    return np.array(rows)


def excess(distances: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """T for each split (rows of ``groups``): mean distance across the groups minus mean
    distance within them, from the symmetric matrix of pairwise distances (zero diagonal)."""
    finite = np.where(np.isfinite(distances), distances, np.nan)
    big = np.nanmax(finite) * 10 + 1.0 if np.isfinite(finite).any() else 1.0
    d = np.where(np.isfinite(distances), distances, big)  # one fired, the other did not: far apart
    first = groups.astype(float)
    second = 1.0 - first
    n_first, n_second = first.sum(axis=1), second.sum(axis=1)
    cross = ((first @ d) * second).sum(axis=1) / (n_first * n_second)
    within = (((first @ d) * first).sum(axis=1) + ((second @ d) * second).sum(axis=1)) / 2.0
    pairs = n_first * (n_first - 1) / 2 + n_second * (n_second - 1) / 2
    return cross - np.where(pairs > 0, within / np.maximum(pairs, 1), 0.0)


def judge(first: dict[str, list[NetworkRun]], second: dict[str, list[NetworkRun]],
          metrics=MEASURES + tuple(DISTRIBUTIONS)) -> list[dict]:
    """Per population and metric: the seeds' means, T, its tolerance and the verdict
    (module docstring), every population's metrics one family. ``first`` and ``second``
    hold, by population, the runs of two simulators, one per seed, in seed order."""
    counts = {len(runs) for runs in (*first.values(), *second.values())}
    if len(counts) != 1 or min(counts) < 3 or set(first) != set(second):
        raise ValueError(f"the statistical judge needs the same populations and the same number of seeds (at least 3) "
                         f"on both simulators, got {sorted(counts)}")
    (n,) = counts
    groups = splits(n)
    table = {}
    for population in first:
        runs = first[population] + second[population]
        for metric in metrics:
            matrix = np.zeros((2 * n, 2 * n))
            for i, j in itertools.combinations(range(2 * n), 2):
                matrix[i, j] = matrix[j, i] = distance(runs[i], runs[j], metric)
            table[population, metric] = (matrix, excess(matrix, groups), runs)
    spreads = {key: float(np.std(t)) for key, (_, t, _) in table.items()}
    scaled = np.array([t / spreads[k] if spreads[k] > 0 else np.zeros_like(t) for k, (_, t, _) in table.items()])
    largest_other = scaled[:, 1:].max() if groups.shape[0] > 1 else np.inf  # max-T over the other splits
    rows = []
    for (population, metric), (matrix, t, runs) in table.items():
        tolerance = float(largest_other * spreads[population, metric])
        if metric in DISTRIBUTIONS:
            upper = np.triu_indices(n, 1)
            value = float(matrix[:n, n:].mean())
            reference = float(np.concatenate([matrix[:n, :n][upper], matrix[n:, n:][upper]]).mean())
        else:
            value = float(np.nanmean([r.measures[metric] for r in runs[n:]]))
            reference = float(np.nanmean([r.measures[metric] for r in runs[:n]]))
        rows.append({"population": population, "metric": metric, "value": value, "reference": reference,
                     "error": float(t[0]), "tolerance": tolerance, "pass": bool(t[0] <= tolerance), "seeds": n,
                     "false_failure": 1.0 / groups.shape[0]})
    return rows
