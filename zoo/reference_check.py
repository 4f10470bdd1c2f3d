"""A spiking cell's whole train on each simulator against the zoo's accurate solution, with the
tolerance each simulator's declared scheme implies: the study of a cell whose spike is the
crossing of a level, reset there and reported at the end of its step (the AdEx, the
Izhikevich neuron). A model declares a :class:`TrainStudy` (its points, its reference) and
``zoo check`` runs :func:`against_reference` of it (``zoo.models.adex.studies``,
``zoo.models.izhikevich.studies``).

**The tolerances.** The reference's crossings t* are reported at the end of their step,
T = ⌈t*/h⌉·h, as a simulator reports its spikes (``zoo.backends.base``).

- A scheme accurate within each step (NEST's RKF45 for the AdEx, error 1e-6 per internal step) follows
  the reference's trajectory far below a step: each spike is reported on the reference's
  step, or on a neighbouring one where its crossing lies that close to a step boundary. So
  the counts agree, the first spike within h, the mean ISI within 2h/(n − 1).
- A fixed-step scheme of order p (for the AdEx Brian2's rk2 and NEURON's semi-implicit step;
  for the Izhikevich neuron forward Euler and NEURON's linearised step: all first order, the
  reset at the end of the crossing step) errs by what its own convergence
  runs at h/2 and h/4 estimate (Richardson, :func:`zoo.declarations.convergence.richardson_error`,
  with the grid offset c and quantisation Q of :func:`zoo.declarations.tolerances.grid_terms`):
  |m(h) − m_ref(h)| ≤ E + 2Q(h) (the simulator's and the reference's grid values each
  within Q of their continuous ones). Each spike k's time is bounded the same way from its
  times in the runs (:func:`spike_drift`); a spike within the largest such bound (plus two
  steps) of the run's end may be in one train and not the other, which bounds the count.
  Where the runs at h, h/2, h/4 are not yet asymptotic (their differences grow),
  a run at h/8 bounds the error through the finer three (:func:`_fixed_step_bound`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import backends, registry
from .declarations import convergence
from .declarations.model import CheckProtocol
from .declarations.numerics import ACCURATE_WITHIN_STEP
from .declarations.tolerances import FLOAT_SLACK, grid_terms
from .declarations.verdicts import worst_row
from .runner import run

#: The metrics judged against the reference.
METRICS = ("n_spikes", "first_spike_ms", "mean_isi_ms")


@dataclass(frozen=True)
class TrainStudy:
    """A model's points judged against its reference: ``model`` (registered name) of cell type
    ``cell_type`` (whose scheme each backend declares), the points and run of ``check``, at
    each step of ``steps_ms`` (ms; a fixed-step scheme also runs at h/2 and h/4), and
    ``reference(point, duration_ms, dt_ms)``: one point's reference train, reported on the
    grid of dt (ms)."""

    model: str
    cell_type: str
    check: CheckProtocol
    reference: Callable[[dict, float, float], np.ndarray]
    steps_ms: tuple[float, ...] = (0.1,)


def trains(model: str, simulator: str, params: dict, duration_ms: float, dt_ms: float) -> list[np.ndarray]:
    """The simulator's spike trains (ms) of ``model``, one per point of ``params`` (per-neuron arrays)."""
    result = run(model, simulator, duration_ms=duration_ms, dt_ms=dt_ms, trace_neurons=0, **params)
    return result.spike_trains_ms()


def reference_trains(study: "TrainStudy", params: dict, duration_ms: float, dt_ms: float) -> list[np.ndarray]:
    """The reference's reported trains, one per point (arrays in ``params`` vary per point)."""
    values, size = registry.get(study.model).validate(params, dt_ms)
    points = [{k: (v[i] if np.ndim(v) else v) for k, v in values.items()} for i in range(size)]
    return [study.reference(point, duration_ms, dt_ms) for point in points]


def summary(train_list) -> dict[str, np.ndarray]:
    """n_spikes, first_spike_ms, mean_isi_ms per train (NaN where undefined), and the
    trains themselves (``trains``, for the per-spike bound)."""
    n = np.array([len(t) for t in train_list], dtype=float)
    first = np.array([t[0] if len(t) else np.nan for t in train_list])
    mean = np.array([(t[-1] - t[0]) / (len(t) - 1) if len(t) > 1 else np.nan for t in train_list])
    return {"n_spikes": n, "first_spike_ms": first, "mean_isi_ms": mean,
            "trains": [np.asarray(t, dtype=float) for t in train_list]}


def _spike_k(runs: list[dict], k: int) -> list[dict]:
    """The runs with spike k's time (1-based; NaN where a train has fewer) as their first
    spike: a spike's time is bounded as the first spike's is."""
    return [{"n_spikes": found["n_spikes"], "mean_isi_ms": found["mean_isi_ms"],
             "first_spike_ms": np.array([t[k - 1] if len(t) >= k else np.nan for t in found["trains"]])}
            for found in runs]


def spike_drift(runs: list[dict], dt_ms: float, order: int) -> np.ndarray:
    """Per point, a bound on how far any spike of the run at h lies from its exact time: the
    largest over k of spike k's own Richardson bound (:func:`_fixed_step_bound`) across the
    runs, for every k the run at h has. NaN where one does not converge (not judged). Unlike
    E_first + (k − 1)·E_isi from the mean ISI, it needs no assumption on how the intervals
    change: an adapting cell's mean ISI over trains of different counts averages different
    intervals (NEURON at 2 nA: 48 spikes against the reference's 49; spike 48 is 5.9 ms late,
    its own bound 5.95 ms, the mean-ISI drift 4.4 ms)."""
    n = runs[0]["n_spikes"]
    drift = np.zeros(n.shape)
    for k in range(1, int(np.max(n, initial=0.0)) + 1):
        bound, _ = _fixed_step_bound("first_spike_ms", _spike_k(runs, k), dt_ms, order)
        drift = np.where(n >= k, np.maximum(drift, bound), drift)  # NaN (not converging) stays NaN
    return drift


def _richardson(metric: str, runs: list[dict], dt_ms: float, order: int):
    """(bound on |m(h) − M*| per point, NaN where none; the quantisation Q(h)) from three
    runs at h, h/2, h/4 (:func:`zoo.declarations.convergence.richardson_error`)."""
    n = runs[0]["n_spikes"]
    rows = {"n_spikes": n, "cv_isi": np.zeros(n.shape), "mean_isi_ms": runs[0]["mean_isi_ms"]}
    for level, found in enumerate(runs[:3]):
        rows[convergence.column(metric, "b", level)] = found[metric]
        rows[convergence.column("dt_ms", "b", level)] = np.full(n.shape, dt_ms / 2**level)
    offset, quantisation = grid_terms(metric, rows, None)
    error, why = convergence.richardson_error(rows, metric, "b", dt_ms, order, lambda h, level: quantisation(h),
                                              lambda h, level: offset(h))
    return np.where((why == "") & _shrinking(metric, runs, dt_ms, order, offset, quantisation), error, np.nan), \
        quantisation


def _shrinking(metric: str, runs: list[dict], dt_ms: float, order: int, offset, quantisation) -> np.ndarray:
    """Per point, whether the differences between the runs at h, h/2, h/4 shrink as the
    scheme's order says (by 2^p, up to the grid terms): |m(h/2) − m(h/4)| − Q(h/2) − Q(h/4) ≤
    (|m(h) − m(h/2)| + Q(h) + Q(h/2))/2^p. Richardson's bound extrapolates with that ratio;
    where a spike's time moves by as much at each halving (a latency growing without bound
    at a threshold: Izhikevich 2004 Fig. 1I at 0.2 ms moves 1.3, 1.5, 1.7 ms), it bounds
    nothing."""
    h = [dt_ms / 2**level for level in range(3)]
    m = [np.asarray(found[metric], dtype=float) - offset(np.full(np.shape(found[metric]), step))
         for found, step in zip(runs[:3], h)]
    q = [np.asarray(quantisation(np.full(np.shape(m[0]), step)), dtype=float) for step in h]
    with np.errstate(invalid="ignore"):
        coarse = convergence._difference(m[0], m[1]) + q[0] + q[1]
        fine = convergence._difference(m[1], m[2]) - q[1] - q[2]
        return ~(fine > coarse / 2.0**order + 1e-9 * dt_ms)  # a tie is not a growth: times carry round-off


def _fixed_step_bound(metric: str, runs: list[dict], dt_ms: float, order: int):
    """(bound on |m(h) − M*|, Q(h)) of a fixed-step scheme. From its runs at h, h/2, h/4;
    where those are not yet in the asymptotic regime (the difference grows from the first
    pair to the second: NEURON's AdEx at 2 nA, dt 0.1 ms) and a run at h/8 is given, from
    the finer three: |m(h) − M*| ≤ |m(h) − m(h/2)| + Q(h) + Q(h/2) + E(h/2)."""
    bound, quantisation = _richardson(metric, runs, dt_ms, order)
    if len(runs) > 3:
        finer, finer_q = _richardson(metric, runs[1:], dt_ms / 2, order)
        with np.errstate(invalid="ignore"):
            step = np.abs(runs[0][metric] - runs[1][metric])
            step = np.where(np.isnan(runs[0][metric]) & np.isnan(runs[1][metric]), 0.0, step)
            via_finer = step + quantisation(dt_ms) + finer_q(dt_ms / 2) + finer
        bound = np.where(np.isnan(bound), via_finer, bound)
    return bound, quantisation(dt_ms)


def tolerances(study: "TrainStudy", simulator: str, runs: list[dict], reference: list[np.ndarray], duration_ms: float, dt_ms: float,
               ) -> dict[str, np.ndarray]:
    """Per point, the allowed |simulator − reference| of :data:`METRICS` (module docstring).
    ``runs``: the simulator's :func:`summary` at h (and at h/2, h/4 for a fixed-step scheme)."""
    scheme = backends.backend_class(simulator).numerics[study.cell_type]
    n = runs[0]["n_spikes"]
    intervals = np.maximum(n - 1.0, 1.0)
    if scheme.name in ACCURATE_WITHIN_STEP:
        step = dt_ms * (1 + FLOAT_SLACK)
        first, isi = np.full(n.shape, step), 2 * step / intervals
        drift = np.zeros(n.shape)
    else:
        bounds = {metric: _fixed_step_bound(metric, runs, dt_ms, scheme.order) for metric in ("first_spike_ms",
                                                                                            "mean_isi_ms")}
        # not converging (NaN): not judged, never a bound of 0
        first = bounds["first_spike_ms"][0] + 2 * bounds["first_spike_ms"][1]
        isi = np.where(n > 1, bounds["mean_isi_ms"][0] + 2 * bounds["mean_isi_ms"][1], 0.0)
        drift = spike_drift(runs, dt_ms, scheme.order)
    # a spike within W of the run's end may be in one train only (an infinite W: a spike
    # missing from a convergence run, not judged)
    width = 2 * dt_ms + drift
    count = np.array([np.sum(t > duration_ms - w) if np.isfinite(w) else np.nan for t, w in zip(reference, width)],
                     dtype=float)
    # the convergence runs must hold the same spikes before that window: one that appears at
    # h/2 or h/4 inside the run (the end of a burst) leaves the count, and the intervals that
    # average over it, unbounded; the first spike stays judged where every run has one
    agree = np.ones(n.shape, dtype=bool)
    for found in runs[1:]:
        agree &= np.array([_same_spikes(a, b, duration_ms - w) for a, b, w in zip(runs[0]["trains"], found["trains"],
                                                                                  width)], dtype=bool)
    count = np.where(agree, count, np.nan)
    sure = n - count
    every_run = np.min([found["n_spikes"] for found in runs], axis=0) >= 1
    first_ok = np.where(agree, sure >= 1, every_run)
    return {"n_spikes": count, "first_spike_ms": np.where(first_ok, first, np.where(n == 0, 0.0, np.nan)),
            "mean_isi_ms": np.where(agree & (sure >= 2), isi, np.where(agree & (n < 2), 0.0, np.nan))}


def _same_spikes(a: np.ndarray, b: np.ndarray, sure_until_ms: float) -> bool:
    """Whether two runs' trains differ only by spikes after ``sure_until_ms`` (a spike there
    may have drifted past the run's end): each train's spikes up to then are no more than the
    other's whole count."""
    if not np.isfinite(sure_until_ms):
        return False
    return np.sum(a <= sure_until_ms) <= len(b) and np.sum(b <= sure_until_ms) <= len(a)


def compare(study: "TrainStudy", simulator: str, params: dict, duration_ms: float, dt_ms: float) -> dict:
    """The simulator's and the reference's metrics and the tolerances, per point."""
    scheme = backends.backend_class(simulator).numerics[study.cell_type]
    levels = 1 if scheme.name in ACCURATE_WITHIN_STEP else 3
    runs = [summary(trains(study.model, simulator, params, duration_ms, dt_ms / 2**level)) for level in range(levels)]
    reference = reference_trains(study, params, duration_ms, dt_ms)
    found = tolerances(study, simulator, runs, reference, duration_ms, dt_ms)
    if levels == 3 and any(np.isnan(found[metric]).any() for metric in ("first_spike_ms", "mean_isi_ms")):
        # pre-asymptotic at h: one more run, at h/8 (_fixed_step_bound)
        runs.append(summary(trains(study.model, simulator, params, duration_ms, dt_ms / 8)))
        found = tolerances(study, simulator, runs, reference, duration_ms, dt_ms)
    return {"simulator": runs[0], "reference": summary(reference), "tolerance": found}


def against_reference(study: "TrainStudy", simulator: str) -> list[dict]:
    """Verdict rows: the study's points (``study.check``: its lists are aligned, one value per
    point; a single value is every point's) on ``simulator`` against the reference, per
    metric, at each step of ``study.steps_ms``."""
    params, duration = dict(study.check.params), study.check.duration_ms
    size = max(np.size(v) for v in params.values())

    def label(i):
        return ", ".join(f"{k}={np.atleast_1d(v)[i]:.4g}" for k, v in params.items() if np.size(v) > 1)

    rows = []
    for dt_ms in study.steps_ms:
        found = compare(study, simulator, params, duration, dt_ms)
        for metric in METRICS:
            rows.append(worst_row(simulator, f"{metric} vs reference (dt {dt_ms:g})", found["simulator"][metric],
                                  found["reference"][metric], np.broadcast_to(found["tolerance"][metric], (size,)),
                                  label))
    return rows
