"""``zoo check``: a model on both simulators, against its closed form and each other.

A thin use of the explorer: the model's check protocol is swept (in this process),
rates are compared with the closed form, and :func:`explorer.compare` compares the
simulators. The verdict table has one row per (simulator, metric): the worst
point's value, its reference, the error, the tolerance and whether every point passed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import registry
from .backends import SIMULATORS as _SIMULATORS

SIMULATORS = tuple(_SIMULATORS)
COLUMNS = ["simulator", "metric", "value", "reference", "error", "tolerance", "pass", "worst_at"]


@dataclass
class CheckReport:
    model: str
    verdicts: pd.DataFrame
    table: pd.DataFrame
    comparison: pd.DataFrame

    @property
    def passed(self) -> bool:
        return bool(self.verdicts["pass"].all())


def check_model(name: str, simulators=None) -> CheckReport:
    """Run the model's check protocol on each simulator (default: every simulator that
    can run the model); compare with theory and across."""
    import explorer

    from . import backends

    spec = registry.get(name)
    simulators = backends.available(spec) if simulators is None else list(simulators)
    if spec.check is None:
        raise ValueError(f"model {name!r} declares no check protocol")
    protocols = spec.check if isinstance(spec.check, tuple) else (spec.check,)
    tables = []
    for protocol in protocols:
        grid = {k: np.atleast_1d(v) for k, v in protocol.params.items()}
        tables.append(explorer.sweep(name, grid=grid, simulators=simulators, duration_ms=protocol.duration_ms,
                                     dt_ms=protocol.dt_ms, scheduler="inline", progress=False))
    table = pd.concat(tables, ignore_index=True)
    varying = [p for p in spec.parameter_names if table[p].nunique() > 1]
    rows = []
    failed = table[table["status"] != "ok"]
    for _, row in failed.iterrows():
        rows.append({"simulator": row["simulator"], "metric": "run", "value": np.nan, "reference": np.nan,
                     "error": np.inf, "tolerance": 0.0, "pass": False, "worst_at": row["error"]})
    for simulator in simulators:
        for protocol in protocols:
            mine = table[(table["simulator"] == simulator) & (table["status"] == "ok")
                         & (table["dt_ms"] == protocol.dt_ms) & (table["duration_ms"] == protocol.duration_ms)]
            if mine.empty or not spec.closed_form_metrics:
                continue
            tolerances = spec.closed_form_tolerance(mine, protocol.dt_ms, protocol.duration_ms)
            for metric in spec.closed_form_metrics:
                known = mine[f"{metric}_closed_form"].notna().to_numpy()  # theory may not apply to every case
                if known.any():
                    rows.append(_worst(simulator, f"{metric} vs closed form", mine[metric].to_numpy()[known],
                                       mine[f"{metric}_closed_form"].to_numpy()[known],
                                       np.asarray(tolerances[metric])[known], _labels(mine[known], varying)))
    if spec.references is not None:
        for simulator in simulators:
            rows.extend(spec.references(simulator))
    comparison = explorer.compare(table, simulators)
    pairs = [] if comparison.empty else comparison.groupby(["simulators", "metric"], sort=False)
    for (pair, metric), block in pairs:
        if metric == "coincidence_factor":
            value, reference = block["difference"].to_numpy(), np.ones(len(block))
        elif block["value_a"].isna().all():
            value, reference = block["difference"].to_numpy(), np.zeros(len(block))
        else:
            value, reference = block["value_b"].to_numpy(), block["value_a"].to_numpy()
        rows.append(_worst(pair, metric, value, reference, block["tolerance"].to_numpy(), _labels(block, varying)))
    return CheckReport(name, pd.DataFrame(rows, columns=COLUMNS), table, comparison)


def reference_row(simulator, metric, value, reference, error, tolerance, note) -> dict:
    """One verdict row of a model's own check against a published or derived value."""
    return {"simulator": simulator, "metric": metric, "value": value, "reference": reference, "error": error,
            "tolerance": tolerance, "pass": bool(error <= tolerance), "worst_at": note}


def _worst(simulator, metric, value, reference, tolerance, label) -> dict:
    """The row for the point with the largest error relative to its tolerance.

    NaN on one side only (e.g. one simulator fires, the other does not) is an
    infinite error; NaN on both sides agrees. A metric without any tolerance (NaN)
    is shown for information and passes, as in :func:`explorer.compare`.
    """
    if np.all(np.isnan(np.asarray(tolerance, dtype=float))):
        value, reference = np.asarray(value, dtype=float), np.asarray(reference, dtype=float)
        error = np.where(np.isnan(value) & np.isnan(reference), 0.0, np.abs(value - reference))
        worst = int(np.nanargmax(error)) if not np.all(np.isnan(error)) else 0
        return {"simulator": simulator, "metric": metric, "value": value[worst], "reference": reference[worst],
                "error": error[worst], "tolerance": np.nan, "pass": True,
                "worst_at": f"{label(worst)} (information, no tolerance)"}
    value, reference, tolerance = (np.asarray(x, dtype=float) for x in (value, reference, tolerance))
    both_nan = np.isnan(value) & np.isnan(reference)
    error = np.where(both_nan, 0.0, np.abs(value - reference))
    error = np.where(np.isnan(error), np.inf, error)
    ok = error <= tolerance
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(tolerance > 0, error / tolerance, np.where(error > 0, np.inf, 0.0))
    worst = int(np.argmax(score))
    return {
        "simulator": simulator,
        "metric": metric,
        "value": value[worst],
        "reference": reference[worst],
        "error": error[worst],
        "tolerance": tolerance[worst],
        "pass": bool(ok.all()),
        "worst_at": f"{label(worst)} (worst of {len(value)})",
    }


def _labels(frame: pd.DataFrame, varying):
    values = {k: frame[k].to_numpy() for k in varying}

    def label(i):
        return ", ".join(f"{k}={v[i]:.4g}" for k, v in values.items()) or "default"

    return label
