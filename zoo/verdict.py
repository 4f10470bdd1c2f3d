"""``zoo check``: run a model on both simulators, against its closed form and each other.

The verdict table has one row per (simulator, metric): the worst point's value, its
reference, the error, the tolerance and whether every point passed.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import registry
from .runner import run
from .tolerance import cross_count_tolerance

#: Relative slack on tolerances for floating-point equality (a difference of exactly one dt).
FLOAT_SLACK = 1e-9

SIMULATORS = ("nest", "brian2")
COLUMNS = ["simulator", "metric", "value", "reference", "error", "tolerance", "pass", "worst_at"]


@dataclass
class CheckReport:
    model: str
    verdicts: pd.DataFrame
    results: dict

    @property
    def passed(self) -> bool:
        return bool(self.verdicts["pass"].all())


def check_model(name: str, simulators=SIMULATORS) -> CheckReport:
    """Run the model's check protocol on each simulator; compare with theory and across."""
    spec = registry.get(name)
    if spec.check is None:
        raise ValueError(f"model {name!r} declares no check protocol")
    protocol = spec.check
    results = {
        sim: run(name, simulator=sim, duration_ms=protocol.duration_ms, dt_ms=protocol.dt_ms, **protocol.params)
        for sim in simulators
    }
    label = _point_labels(protocol.params)
    rows = []
    if spec.closed_form is not None:
        for sim, result in results.items():
            summary = result.summary
            reference = summary["rate_hz_closed_form"].to_numpy()
            tolerance = spec.rate_tolerance(reference, protocol.dt_ms, protocol.duration_ms, summary["tau_refrac"].to_numpy())
            rows.append(_worst(sim, "rate_hz vs closed form", summary["rate_hz"].to_numpy(), reference, tolerance, label))
    for a, b in zip(simulators, simulators[1:]):
        sa, sb = results[a].summary, results[b].summary
        pair = f"{b} vs {a}"
        n_a, n_b = sa["n_spikes"].to_numpy(float), sb["n_spikes"].to_numpy(float)
        count_tolerance = np.zeros_like(n_a)
        if spec.closed_form is not None:
            count_tolerance = cross_count_tolerance(
                sa["rate_hz_closed_form"].to_numpy(), sa["tau_refrac"].to_numpy(), protocol.dt_ms, protocol.duration_ms
            )
        rows.append(_worst(pair, "n_spikes", n_b, n_a, count_tolerance, label))
        t_a, t_b = sa["first_spike_ms"].to_numpy(), sb["first_spike_ms"].to_numpy()
        step = np.full_like(t_a, protocol.dt_ms * (1 + FLOAT_SLACK))
        rows.append(_worst(pair, "first_spike_ms", t_b, t_a, step, label))
    return CheckReport(name, pd.DataFrame(rows, columns=COLUMNS), results)


def _worst(simulator, metric, value, reference, tolerance, label) -> dict:
    """The row for the point with the largest error relative to its tolerance.

    NaN on one side only (e.g. one simulator fires, the other does not) is an
    infinite error; NaN on both sides agrees.
    """
    both_nan = np.isnan(value) & np.isnan(reference)
    error = np.where(both_nan, 0.0, np.abs(value - reference))
    error = np.where(np.isnan(error), np.inf, error)
    ok = error <= tolerance
    score = np.where(tolerance > 0, error / np.where(tolerance > 0, tolerance, 1), np.where(error > 0, np.inf, 0.0))
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


def _point_labels(params):
    arrays = {k: np.asarray(v) for k, v in params.items() if np.ndim(v) == 1}

    def label(i):
        return ", ".join(f"{k}={v[i]:.4g}" for k, v in arrays.items()) or "default"

    return label
