"""The paper's success criterion on a run of the model, for ``zoo check``."""
from __future__ import annotations

import numpy as np

from ...declarations.verdicts import verdict_row
from ...runner import run
from . import CHECK_MS
from .metrics import HIT_RATE_MIN, LATENCY_MAX_MS


def criterion_rows(simulator: str, model: str) -> list[dict]:
    """The paper's success criterion (Masquelier et al. 2008: 96 % of runs succeed) on a
    75 s run of seed 1, judged over its last 25 s."""
    s = run(model, simulator, duration_ms=CHECK_MS, seed=1).summary.iloc[0]
    note = "criterion over the last third of a 75 s run, seed 1"
    hit, alarms, latency = s["hit_rate"], s["false_alarms_per_s"], s["mean_latency_ms"]
    return [
        verdict_row(simulator, "hit rate", hit, HIT_RATE_MIN,
                    0.0 if hit > HIT_RATE_MIN else HIT_RATE_MIN - hit + 1e-12, 0.0, "> 0.98; " + note),
        verdict_row(simulator, "false alarms (1/s)", alarms, 0.0, alarms, 0.0, "none; " + note),
        verdict_row(simulator, "mean latency (ms)", latency, LATENCY_MAX_MS,
                    max(0.0, latency - LATENCY_MAX_MS) if np.isfinite(latency) else np.inf, 0.0, "< 10 ms; " + note),
    ]


def published_checks(simulator: str) -> list[dict]:
    return criterion_rows(simulator, "masquelier2008")


def srm_published_checks(simulator: str) -> list[dict]:
    return criterion_rows(simulator, "masquelier2008_srm")
