"""The AdEx on each simulator against the zoo's accurate solution
(:func:`zoo.declarations.reference.adex_train`), with the tolerance each simulator's declared
scheme implies (:mod:`zoo.reference_check`, whose docstring derives it), and the firing
patterns of Naud et al. (2008). ``zoo check adex`` runs :func:`against_reference` and
:func:`firing_patterns`; the tests and ``docs/adex-simulators.md`` read the same functions.
"""
from __future__ import annotations

import numpy as np

from ... import reference_check
from ...declarations.reference import adex_train
from ...declarations.verdicts import verdict_row
from ...reference_check import METRICS, spike_drift, summary  # noqa: F401 (the AdEx's study, as tests read it)
from ...runner import run
from . import CELL_TYPE, CURRENT_CHECK, MODEL, patterns

#: ``zoo check adex``'s points against the reference, at dt = 0.1 ms.
STUDY = reference_check.TrainStudy(MODEL.name, CELL_TYPE, CURRENT_CHECK,
                                   lambda point, duration_ms, dt_ms: adex_train(point, duration_ms, dt_ms).reported_ms)
STEPS_MS = STUDY.steps_ms


def trains(simulator: str, params: dict, duration_ms: float, dt_ms: float) -> list[np.ndarray]:
    """The simulator's AdEx spike trains (ms), one per point of ``params``."""
    return reference_check.trains(MODEL.name, simulator, params, duration_ms, dt_ms)


def compare(simulator: str, params: dict, duration_ms: float, dt_ms: float) -> dict:
    """The simulator's and the reference's metrics and the tolerances, per point."""
    return reference_check.compare(STUDY, simulator, params, duration_ms, dt_ms)


def against_reference(simulator: str) -> list[dict]:
    """Verdict rows: ``zoo check adex``'s points on ``simulator`` against the reference."""
    return reference_check.against_reference(STUDY, simulator)


# -- the firing patterns of Naud et al. (2008) ----------------------------------------------------
#: Step (ms) of the pattern runs: the zoo's default protocol step.
PATTERN_DT_MS = 0.1


def pattern_run(simulator: str, dt_ms: float = PATTERN_DT_MS, duration_ms: float = patterns.DURATION_MS,
                traced: bool = True):
    """The eight patterns as one population of eight neurons (one per row of
    :data:`zoo.models.adex.patterns.TABLE_1`, every parameter per neuron): the ``Result``."""
    rows = [patterns.parameters(name) for name in patterns.PATTERNS]
    params = {k: np.array([row[k] for row in rows]) for k in rows[0]}
    return run(MODEL.name, simulator, duration_ms=duration_ms, dt_ms=dt_ms,
               trace_neurons=len(rows) if traced else 0, **params)


def reference_patterns(dt_ms: float = PATTERN_DT_MS, duration_ms: float = patterns.DURATION_MS):
    """The reference's reported train of each pattern."""
    return [adex_train(patterns.parameters(name), duration_ms, dt_ms).reported_ms for name in patterns.PATTERNS]


def firing_patterns(simulator: str) -> list[dict]:
    """Verdict rows: each of the eight patterns classified as its name on ``simulator``
    (:func:`zoo.models.adex.patterns.classify`), and the classifier on the reference."""
    trains_ = pattern_run(simulator, traced=False).spike_trains_ms()
    rows = []
    for name, train in zip(patterns.PATTERNS, trains_):
        found = patterns.classify(train)
        rows.append(verdict_row(simulator, f"pattern: {name}", float(found == name), 1.0, float(found != name), 0.0,
                                f"classified as {found} ({len(train)} spikes)"))
    return rows
