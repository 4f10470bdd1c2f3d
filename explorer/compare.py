"""Cross-simulator comparison of a sweep table.

Rows that differ only in simulator share a ``pair_key``. For each pair and each of
the model's metrics: both values (``value_a`` of ``simulator_a``, ``value_b`` of
``simulator_b``; ``simulators`` reads "b vs a"), the difference b − a, its absolute and relative size,
the tolerance the model's validation declares (derived from both simulators'
declared numerics) and a verdict; for the spike trains of a spiking model: the van
Rossum and Victor-Purpura distances (Elephant's, computed for all pairs at once by
:mod:`explorer.distances`) and Kistler's coincidence factor, with their settings stated
in the ``setting`` column. The ``judged`` column says whether a row
is judged against a tolerance, or shown only: an informational metric, or a spike-train
distance at a grid tie (where the model's tolerances say the trains may legitimately
drift apart; the interval metrics judge those points). :func:`verdicts` sums the rows
up per metric; ``zoo check`` reads the same summary, so both give one verdict.
The judging is :mod:`zoo.declarations.verdicts`.
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from zoo import backends, registry
from zoo.declarations.convergence import with_convergence_runs
from zoo.declarations.metrics import SPIKE_TRAIN_DISTANCES
from zoo.declarations.tolerances import GRID_TIE_KEY
from zoo.declarations.verdicts import COLUMNS, INFORMATION, JUDGED, errors, passes, point_labels, worst_row

from .distances import spike_train_distances
from .progress import progress_bar

DISTANCES = {m.name: m.doc for m in SPIKE_TRAIN_DISTANCES}
IDENTICAL = {m.name: m.identical for m in SPIKE_TRAIN_DISTANCES}
#: Why a distance row is not judged when the measure is undefined for its trains.
UNDEFINED = "undefined measure"
#: Spikes whose distances are computed at once: bounds the memory they take (about
#: 100 bytes a spike), whatever the size of the table.
CHUNK_SPIKES = 1 << 20
#: A comparison still running after this many seconds shows a progress bar on a terminal.
PROGRESS_AFTER_S = 3.0


def compare(table: pd.DataFrame, simulators=None, distances: bool = True, refined: pd.DataFrame | None = None
            ) -> pd.DataFrame:
    """Long table: one row per (pair of simulators, point, metric); see module docstring.
    ``distances=False`` skips the spike-train distances (:mod:`explorer.distances`,
    under a microsecond a spike). On a terminal, a comparison still running after
    ``PROGRESS_AFTER_S`` shows a bar over its points. ``refined``:
    the same points swept at finer steps (convergence runs), which an agreement reads to
    bound a fixed-step scheme's own error (:mod:`zoo.declarations.convergence`)."""
    if table.empty:
        return pd.DataFrame()
    names = table["model"].unique()
    if len(names) > 1:
        raise ValueError(f"the table holds {len(names)} models ({', '.join(map(str, names))}); "
                         "compare one model's sweep at a time")
    model = registry.get(names[0])
    if table["key"].duplicated().any():
        raise ValueError("the table has repeated keys; read a sweep directory written by explorer.sweep")
    present = set(table["simulator"].unique())
    simulators = list(simulators or [s for s in backends.names() if s in present])
    frames = [_status_rows(model, table, a, b) for a, b in itertools.combinations(simulators, 2)]
    ok = table[table["status"] == "ok"]
    blocks = []
    for a, b in itertools.combinations(simulators, 2):
        left = ok[ok["simulator"] == a].set_index("pair_key")
        right = ok[ok["simulator"] == b].set_index("pair_key")
        common = left.index.intersection(right.index)
        if common.empty:
            continue
        left, right = left.loc[common], right.loc[common]
        for (dt_ms, duration_ms), index in left.groupby(["dt_ms", "duration_ms"]).groups.items():
            blocks.append((a, b, left.loc[index], right.loc[index], dt_ms, duration_ms))
    with progress_bar(sum(len(block[2]) for block in blocks), None, desc="compare", delay_s=PROGRESS_AFTER_S) as bar:
        for a, b, left, right, dt_ms, duration_ms in blocks:
            frames.append(_compare_block(model, a, b, left, right, dt_ms, duration_ms, distances, bar, refined))
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _status_rows(spec, table, a, b) -> pd.DataFrame:
    """A failing ``status`` row for every point that is not ok on both simulators (failed
    on one or both, or missing on one): such a pair cannot be compared and must not pass."""
    status = table.pivot_table(index="pair_key", columns="simulator", values="status", aggfunc="first")
    for simulator in (a, b):
        if simulator not in status:
            status[simulator] = np.nan
    # run on either simulator but not ok on both (failed, or missing on one side): it
    # cannot be compared, and it must not pass
    present = status[a].notna() | status[b].notna()
    one_sided = status[present & ~((status[a] == "ok") & (status[b] == "ok"))]
    if one_sided.empty:
        return pd.DataFrame()
    first = table.drop_duplicates("pair_key").set_index("pair_key").loc[one_sided.index]
    frame = first[spec.parameter_names + ["seed", "dt_ms", "duration_ms"]].reset_index()
    frame.insert(0, "simulators", f"{b} vs {a}")
    frame.insert(1, "simulator_a", a)
    frame.insert(2, "simulator_b", b)
    frame.insert(3, "model", spec.name)
    frame["metric"] = "status"
    frame["value_a"] = frame["value_b"] = frame["difference"] = 0.0  # in _rows' column order
    frame["abs_difference"] = frame["rel_difference"] = np.inf
    frame["tolerance"] = 0.0
    frame["pass"] = False
    frame["judged"] = JUDGED
    frame["setting"] = [f"{a}: {status.at[k, a]}, {b}: {status.at[k, b]}" for k in one_sided.index]
    return frame


def verdicts(comparison: pd.DataFrame) -> pd.DataFrame:
    """Per (simulators, metric): the worst judged point against its tolerance, as a
    verdict table (:data:`zoo.declarations.verdicts.COLUMNS`, ``simulator`` holding the
    pair, "b vs a"), plus ``failed``, the number of failed points. ``zoo check`` uses
    this same summary."""
    if comparison.empty:
        return pd.DataFrame(columns=COLUMNS + ["failed", "setting"])
    (name,) = comparison["model"].unique() if "model" in comparison else (None,)
    parameters = registry.get(name).parameter_names if name else []
    varying = [p for p in parameters if p in comparison and comparison[p].nunique() > 1]
    rows = []
    for (pair, metric), block in comparison.groupby(["simulators", "metric"], sort=False):
        if metric in IDENTICAL:  # a distance between the pair's trains: its value against identity
            value, reference = block["difference"], np.full(len(block), IDENTICAL[metric])
        else:
            value, reference = block["value_b"], block["value_a"]
        why_not = block["judged"].where(block["judged"] != JUDGED, INFORMATION).to_numpy()
        row = worst_row(pair, metric, value, reference, block["tolerance"], point_labels(block, varying),
                        error=block["abs_difference"], why_not=why_not)
        row["failed"] = int((~block["pass"]).sum())
        row["setting"] = block["setting"].iloc[0]
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS + ["failed", "setting"])


def _per_trial_tolerances(model, agreement, left, numerics) -> dict:
    """A model of trials keeps one row per point (``explorer.tasks.pooled_trials``): its
    spike-train metrics are trial means, ``n_spikes`` the trials' total. Tolerances made
    for one neuron apply to each trial, so they are computed from a trial's count and
    hold for the means; the total's is n_trials times a trial's. The distances compare
    the pooled trains, with the pooled count (the tolerances as computed for the row)."""
    trials = left[model.trials].to_numpy(float)
    per_trial = left.assign(n_spikes=left["n_spikes"].to_numpy(float) / trials)
    tolerances = dict(agreement.tolerances(per_trial, numerics))
    return {m.name: np.asarray(tolerances[m.name], dtype=float) * (trials if m.name == "n_spikes" else 1.0)
            for m in model.metrics if m.source == "spikes" and m.name in tolerances}


def _compare_block(model, a, b, left, right, dt_ms, duration_ms, distances, bar, refined=None) -> pd.DataFrame:
    agreement = model.validation.agreement
    tolerances = {}
    if agreement is not None:
        numerics = backends.numerics([a, b], model.cell_types[0], dt_ms, duration_ms)
        # side b's values and both sides' convergence runs beside side a's (the agreement's ``pairs``)
        pairs = with_convergence_runs(left, right, refined, model.parameter_names + ["seed", "duration_ms"], a, b)
        tolerances = dict(agreement.tolerances(pairs, numerics))
        if model.trials is not None:
            tolerances.update(_per_trial_tolerances(model, agreement, pairs, numerics))
    # per point, why its spike steps are uncertain ("" where they are not)
    ties = np.broadcast_to(np.asarray(tolerances.pop(GRID_TIE_KEY, ""), dtype=object), (len(left),))
    parameters = left[model.parameter_names + ["seed", "dt_ms", "duration_ms"]].reset_index()
    rows = []
    missing = [m.name for m in model.compared_metrics if m.name not in tolerances]
    if missing:
        raise ValueError(f"model {model.name!r}: its agreement returned no tolerance for {', '.join(missing)}")
    for metric in model.metrics:
        va, vb = left[metric.name].to_numpy(float), right[metric.name].to_numpy(float)
        rows.append(_rows(parameters, metric, va, vb, vb - va, tolerances[metric.name] if metric.compared else None,
                          "", ties))
    if distances and model.spiking and not model.network:  # a network agrees in distribution only
        values = _distances(left["spike_times_ms"].tolist(), right["spike_times_ms"].tolist(), duration_ms, bar)
        for metric in SPIKE_TRAIN_DISTANCES:
            nan = np.full(len(left), np.nan)
            # a measure undefined for these trains (the coincidence factor's normalisation
            # vanishes at 1/(2·window) = 250 Hz) is shown, not judged as agreement
            undefined = np.isnan(values[metric.name])
            tolerance = np.where(undefined, np.nan, tolerances[metric.name])
            reasons = np.where(undefined & (ties == ""), UNDEFINED, ties)
            rows.append(_rows(parameters, metric, nan, nan, values[metric.name], tolerance,
                              DISTANCES[metric.name], reasons))
    else:
        bar.update(len(left))
    block = pd.concat(rows, ignore_index=True)
    block.insert(0, "simulators", f"{b} vs {a}")
    block.insert(1, "simulator_a", a)   # value_a is this simulator's, value_b the other's
    block.insert(2, "simulator_b", b)
    block.insert(3, "model", model.name)
    return block


def _rows(parameters, metric, value_a, value_b, difference, tolerance, setting, ties) -> pd.DataFrame:
    """One row per point. The judged size is |difference| for a summary metric and
    |value − identical| for a spike-train measure; NaN on one side fails. A compared
    metric whose tolerance is NaN at a grid tie is shown, not judged."""
    both_missing = np.isnan(value_a) & np.isnan(value_b) & np.isnan(difference)
    shown = np.where(both_missing, 0.0, difference)
    if metric.source == "comparison":
        size = errors(shown, np.full(len(shown), metric.identical))
    else:
        size = errors(value_b, value_a)
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.where(np.abs(value_a) > 0, size / np.abs(value_a), np.nan)
    tolerance = np.full(len(size), np.nan) if tolerance is None else np.asarray(tolerance, float)
    frame = parameters.copy()
    frame["metric"] = metric.name
    frame["value_a"] = value_a
    frame["value_b"] = value_b
    frame["difference"] = shown
    frame["abs_difference"] = size
    frame["rel_difference"] = relative
    frame["tolerance"] = tolerance
    frame["pass"] = passes(size, tolerance)
    uncertain = (ties != "") & metric.compared
    frame["judged"] = np.where(~np.isnan(tolerance), JUDGED, np.where(uncertain, ties, INFORMATION))
    frame["setting"] = setting
    return frame


def _distances(trains_a, trains_b, duration_ms, bar=None) -> dict[str, np.ndarray]:
    """The spike-train distances of each pair (:func:`explorer.distances.spike_train_distances`),
    ``CHUNK_SPIKES`` spikes at a time; ``bar`` counts the pairs done."""
    sizes = np.fromiter(map(len, trains_a), dtype=np.int64, count=len(trains_a))
    sizes += np.fromiter(map(len, trains_b), dtype=np.int64, count=len(trains_b))
    chunk = (np.cumsum(sizes) - sizes) // CHUNK_SPIKES  # by the spikes before each pair
    bounds = np.concatenate(([0], np.flatnonzero(np.diff(chunk)) + 1, [len(sizes)]))
    chunks = []
    for start, stop in zip(bounds[:-1], bounds[1:]):
        chunks.append(spike_train_distances(trains_a[start:stop], trains_b[start:stop], duration_ms))
        if bar is not None:
            bar.update(stop - start)
    return {name: np.concatenate([c[name] for c in chunks]) if chunks else np.zeros(0) for name in DISTANCES}
