"""Tolerances derived from the numerics, shared by the models' declarations, the
checks and the tests. Each takes the time step, the duration and the integration
schemes of the simulators involved (:class:`zoo.declarations.numerics.Numerics`),
never a simulator's name.
"""
from __future__ import annotations

import numpy as np

from .metrics import (SPIKE_TRAIN_DISTANCES, VAN_ROSSUM_TAU_MS, VICTOR_PURPURA_COST_PER_MS,
                      Metric)
from .model import Agreement
from .numerics import ACCURATE_WITHIN_STEP, Numerics

DISTANCE_NAMES = tuple(m.name for m in SPIKE_TRAIN_DISTANCES)


def grid_rate_tolerance_hz(rate_hz, dt_ms: float, duration_ms: float, crossing_ms=0.0) -> np.ndarray:
    """Largest |n/D − f| for a grid-based integrate-and-fire neuron under constant current.

    f is the closed-form rate and n the number of spikes in a run of duration D.

    1. Time grid. Between grid points the potential is integrated with an error that
       moves the continuous threshold crossing by at most ``crossing_ms`` (0 for exact
       integration, :func:`crossing_error_ms`); the threshold is tested at the end of
       each step, so the time from reset to detection is that crossing rounded *up* to
       the grid. The refractory clamp is exact: tau_refrac is required to be a whole
       number of steps. Hence ISI_grid − 1/f ∈ [−c, dt + c) and
       |1/ISI_grid − f| ≤ f²·(dt + c)/(1 − f·(dt + c)).
    2. Spike-count quantisation. With the first spike within one ISI of the start,
       the count n in [0, D] satisfies |n/D − 1/ISI_grid| ≤ 1/D.

    The bound is 1/D + f²·(dt + c)/(1 − f·(dt + c)), plus 1e-9 relative for floating point.
    Where dt + c reaches the interval 1/f the declared error bounds nothing: NaN (not
    judged). An adaptive scheme's c grows as dt shrinks (its per-step error, declared,
    accumulates over more steps), so this happens at fine steps.
    """
    rate_hz = np.asarray(rate_hz, dtype=float)
    grid_s = (dt_ms + np.asarray(crossing_ms, dtype=float)) / 1000.0
    margin = 1.0 - rate_hz * grid_s
    with np.errstate(divide="ignore", invalid="ignore"):
        bound = 1000.0 / duration_ms + rate_hz**2 * grid_s / margin + 1e-9 * rate_hz
    return np.where(margin > 0, bound, np.nan)


#: Schemes that propagate a current-clamped IF neuron's potential exactly: the exact
#: propagator, and exponential Euler, which is exact for v's equation while no
#: synaptic conductance is active (linear, constant coefficients).
EXACT_UNDER_CURRENT_CLAMP = ("exact", "exponential_euler")


#: Fixed-step schemes that integrate a linear ODE with constant input as the exact
#: solution with another time constant: the deviation from V∞ shrinks per step by
#: 1/(1 + h) (implicit Euler) or (1 − h/2)/(1 + h/2) (Crank-Nicolson), h = dt/τ, so
#: the scheme charges with τ_s = dt / ln(1/factor).
SCHEME_TIME_CONSTANT = {
    "implicit_euler": lambda dt, tau: dt / np.log1p(dt / tau),
    "crank_nicolson": lambda dt, tau: dt / (np.log1p(dt / (2 * tau)) - np.log1p(-dt / (2 * tau))),
}


def crossing_error_ms(rows, numerics: Numerics) -> np.ndarray:
    """Bound on how far the integration error moves a current-clamped IF neuron's
    threshold crossing (ms), per row:

    - 0 for the schemes in :data:`EXACT_UNDER_CURRENT_CLAMP`;
    - for a fixed-step scheme of :data:`SCHEME_TIME_CONSTANT`, exactly
      |τ_s/τ − 1| × the longest charge to threshold (from v_reset, or from v_rest for
      the first spike), T = τ·ln((V∞ − v₀)/(V∞ − V_thresh)), V∞ = v_rest + τ_m·I/C;
    - for an adaptive scheme, the voltage error it may accumulate over one interval
      (its declared per-step error × the interval's steps) over the slope of v at
      threshold, (V∞ − V_thresh)/τ_m.

    Rows need ``rate_hz_closed_form`` and the LIF's parameters (``tau_m``, ``cm``,
    ``i_offset``, ``v_rest``, ``v_reset``, ``v_thresh``) unless every scheme is exact."""
    numerics.require(*EXACT_UNDER_CURRENT_CLAMP, "adaptive_rkf45", *SCHEME_TIME_CONSTANT)
    rate = _closed_rate(rows)
    inexact = [s for s in numerics.schemes if s.name not in EXACT_UNDER_CURRENT_CLAMP]
    if not inexact:
        return np.zeros_like(rate)
    # a model without tau_m has no leak (Lapicque): tau_m = inf, and v rises linearly
    tau_m = np.asarray(rows["tau_m"], dtype=float) if "tau_m" in rows else np.full(len(rate), np.inf)
    cm, i = (np.asarray(rows[k], dtype=float) for k in ("cm", "i_offset"))
    v_rest, v_thresh = (np.asarray(rows[k], dtype=float) for k in ("v_rest", "v_thresh"))
    firing = rate > 0
    bound = np.zeros_like(rate)
    with np.errstate(divide="ignore", invalid="ignore"):
        v_inf = v_rest + tau_m / cm * i  # inf × 0 (no leak, no current) is NaN: not firing, no error
        for scheme in inexact:
            if scheme.name in SCHEME_TIME_CONSTANT:
                # a linear rise (no leak) is integrated exactly by every linear scheme
                starts = [np.asarray(rows[k], dtype=float) for k in ("v_reset", "v_rest")]
                charge = np.max([tau_m * np.log((v_inf - v0) / (v_inf - v_thresh)) for v0 in starts], axis=0)
                tau_s = SCHEME_TIME_CONSTANT[scheme.name](numerics.dt_ms, tau_m)
                # no time constant (Crank-Nicolson at dt ≥ 2·tau_m oscillates): nothing bounded
                error = np.where(np.isinf(tau_m), 0.0, np.where(np.isnan(tau_s), np.inf,
                                                                np.abs(tau_s / tau_m - 1.0) * charge))
            else:
                slope = np.where(np.isinf(tau_m), i / cm, (v_inf - v_thresh) / tau_m)
                steps = 1000.0 / rate / numerics.dt_ms
                error = steps * scheme.step_error_mv / slope
            bound = np.maximum(bound, np.where(firing, np.nan_to_num(error, nan=0.0, posinf=np.inf), 0.0))
    return bound


def grid_rate_closed_form_tolerance(rows, numerics: Numerics) -> dict:
    """The closed-form tolerance of the grid-based IF models under current clamp: the rate's."""
    rate = np.asarray(rows["rate_hz_closed_form"], dtype=float)
    return {"rate_hz": grid_rate_tolerance_hz(rate, numerics.dt_ms, numerics.duration_ms,
                                              crossing_error_ms(rows, numerics))}


def grid_ties(rate_hz, tau_refrac_ms, dt_ms: float, rtol: float = 1e-6, crossing_ms=0.0) -> np.ndarray:
    """Where the continuous time from reset to threshold, 1/f − t_ref, is a whole
    number of steps, to round-off or within the integration's crossing error
    ``crossing_ms``: the potential then reaches threshold at a grid time and
    round-off (or the scheme), which differs between simulators, decides on which
    step the spike is detected."""
    rate_hz = np.asarray(rate_hz, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        steps = (1000.0 / rate_hz - np.asarray(tau_refrac_ms, dtype=float)) / dt_ms
        near = np.abs(steps - np.round(steps)) <= (rtol * np.maximum(1.0, np.abs(steps))
                                                   + np.asarray(crossing_ms, dtype=float) / dt_ms)
    return (rate_hz > 0) & near


def first_interval_ms(rows) -> np.ndarray:
    """The time (ms) from v_rest to threshold under constant current, per row: the first
    interval of a current-clamped IF neuron, τ_m·ln((V∞ − v_rest)/(V∞ − V_thresh)), or
    C·(V_thresh − v_rest)/I without leak; NaN where the rows lack the parameters, the
    threshold is not reached, or the neuron starts at or above it (then it fires at the
    end of the first step, on every simulator)."""
    needed = ("cm", "i_offset", "v_rest", "v_thresh")
    if not all(name in rows for name in needed):
        return np.full(len(np.asarray(rows["n_spikes"])), np.nan)
    cm, i, v_rest, v_thresh = (np.asarray(rows[k], dtype=float) for k in needed)
    tau_m = np.asarray(rows["tau_m"], dtype=float) if "tau_m" in rows else np.full(len(cm), np.inf)
    with np.errstate(divide="ignore", invalid="ignore"):
        v_inf = v_rest + tau_m / cm * i
        leaky = tau_m * np.log((v_inf - v_rest) / (v_inf - v_thresh))
        first = np.where(np.isinf(tau_m), cm * (v_thresh - v_rest) / i, leaky)
    reached = (v_thresh > v_rest) & np.where(np.isinf(tau_m), i > 0, v_inf > v_thresh)
    return np.where(reached & np.isfinite(first), first, np.nan)


def interval_ties(interval_ms, dt_ms: float, rtol: float = 1e-6, crossing_ms=0.0) -> np.ndarray:
    """Where an interval (ms) from a grid time to a threshold crossing is a whole number of
    steps, to round-off or within the crossing error: round-off decides its step (:func:`grid_ties`)."""
    with np.errstate(invalid="ignore"):
        steps = np.asarray(interval_ms, dtype=float) / dt_ms
        near = np.abs(steps - np.round(steps)) <= (rtol * np.maximum(1.0, np.abs(steps))
                                                   + np.asarray(crossing_ms, dtype=float) / dt_ms)
    return np.isfinite(steps) & near


def cross_count_tolerance(rate_hz, tau_refrac_ms, dt_ms: float, duration_ms: float, crossing_ms=0.0) -> np.ndarray:
    """Allowed |Δ spike count| between two simulators running the same grid scheme.

    0 in general: both detect every spike on the same step. At a grid tie
    (:func:`grid_ties`) each interval may be ⌈2c/dt⌉ steps (at least one) longer on
    one simulator, so the trains drift apart by that much per spike.
    """
    rate_hz = np.asarray(rate_hz, dtype=float)
    n_expected = rate_hz * duration_ms / 1000.0
    per_spike = dt_ms * np.maximum(1.0, np.ceil(2 * np.asarray(crossing_ms, dtype=float) / dt_ms))
    drift = np.ceil(n_expected * per_spike * rate_hz / 1000.0)
    return np.where(grid_ties(rate_hz, tau_refrac_ms, dt_ms, crossing_ms=crossing_ms), np.maximum(drift, 1.0), 0.0)


FLOAT_SLACK = 1e-9


#: The key an agreement's tolerances may add: per point, why its spike step is uncertain
#: ("" where it is not). The comparison then shows, and does not judge, the measures
#: whose tolerance is NaN there, and says why.
GRID_TIE_KEY = "grid_tie"
#: Why a point's spike steps are uncertain: it sits on a grid tie (to round-off), the
#: declared integration error may move a crossing across a step boundary, or the
#: closed form (which finds ties) does not apply.
GRID_TIE, INTEGRATION_ERROR, NO_CLOSED_FORM = "grid tie", "integration error", "no closed form"


def grid_if_tolerances(pairs, numerics: Numerics) -> dict[str, np.ndarray]:
    """Cross-simulator tolerances for grid-based integrate-and-fire neurons under
    current clamp (their threshold crossings known to :func:`crossing_error_ms`).

    ``pairs`` has, per compared point, the parameters (``tau_refrac``),
    ``rate_hz_closed_form`` and the first simulator's ``n_spikes`` and ``mean_isi_ms``.

    **Off grid ties** both simulators detect every spike on the same step, so every
    difference and distance must vanish up to round-off.

    **At a grid tie** (:func:`grid_ties`) round-off decides, separately on each
    simulator and for each interval, whether the spike is detected on the step where
    threshold is reached or one step s later (s = dt, or ⌈2c/dt⌉·dt when the scheme
    moves crossings by c). Every interval is then T or T + s, so:

    - first spike: |Δ| ≤ s (also off ties: the first interval starts from v_rest, and
      may sit on a tie of its own, :func:`first_interval_ms`; then every later spike may
      follow a step apart, and the point is judged as a tie);
    - mean ISI: |Δ| ≤ s;
    - CV of the ISI: intervals within a band of width s have a standard deviation
      ≤ s/2, so |ΔCV| ≤ (s/2)/(mean ISI − s);
    - spike count: the trains drift apart by up to s per spike, so the counts by
      c = :func:`cross_count_tolerance` (n·s·f/1000, rounded up, at least 1);
    - rate: c / D.

    The spike-train distances at a tie measure that accumulated drift: spike k may
    be k·s away, which after 2 ms/s spikes exceeds the coincidence window. Their
    bound (by the triangle inequality, van Rossum ≤ Σ_k sqrt(2(1 − exp(−k·s/τ))) + c,
    Victor-Purpura ≤ Σ_k min(2, q·k·s) + c, coincidence factor down to that of the
    spikes within the window) grows with the run until it excludes nothing (1 − Γ
    above 1 in a 1 s run at 0.6 nA), so there they are shown, not judged (tolerance
    NaN, ``grid_tie`` says why): the interval metrics above judge those points.

    Where the scheme's declared error c may itself move a crossing across a step
    boundary (c ≥ the distance to the nearest tie), the point is treated as a tie
    ("integration error"); where the closed form does not apply (a step current), a
    tie cannot be ruled out ("no closed form"): both are judged as ties, with the
    drift estimated from the measured count. At such points a simulator may fire
    fewer spikes by the count tolerance: the mean ISI (CV) is not judged where that
    could leave fewer than 2 (3) spikes. The rate counts spikes in the protocol's rate
    window W (the step, or the run): its tolerance is count/W. Under input spikes
    (``input_weight`` > 0) a pair with an inexact scheme is not judged ("integration
    error"): no declared bound carries its synaptic charge and PSP error to spike times.
    """
    dt_ms, duration_ms = numerics.dt_ms, numerics.duration_ms
    crossing = crossing_error_ms(pairs, numerics)
    closed = _closed_rate(pairs)
    t_ref = np.asarray(pairs["tau_refrac"], dtype=float)
    n = np.asarray(pairs["n_spikes"], dtype=float)
    mean_isi = np.asarray(pairs["mean_isi_ms"], dtype=float)
    window_ms = _rate_window_ms(pairs, duration_ms)
    unknown = np.isnan(closed)
    rate = np.where(unknown, n / window_ms * 1000.0, closed)
    first = first_interval_ms(pairs)  # from v_rest: a tie of its own shifts the whole train by a step
    exact_tie = grid_ties(closed, t_ref, dt_ms) | interval_ties(first, dt_ms)
    near_tie = grid_ties(closed, t_ref, dt_ms, crossing_ms=crossing) | interval_ties(first, dt_ms, crossing_ms=crossing)
    reasons = np.where(exact_tie, GRID_TIE, np.where(near_tie, INTEGRATION_ERROR,
                                                      np.where(unknown & (n > 0), NO_CLOSED_FORM, "")))
    ties = reasons != ""
    step = dt_ms * np.maximum(1.0, np.ceil(2 * crossing / dt_ms)) * (1 + FLOAT_SLACK)
    n_expected = rate * window_ms / 1000.0
    count = np.where(ties, np.maximum(1.0, np.ceil(n_expected * step * rate / 1000.0)), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        cv_at_tie = np.where(n > 2, (step / 2) / (mean_isi - step), 0.0)
    exact = FLOAT_SLACK * (n + 1)
    # Elephant computes van Rossum as the square root of a difference of sums of
    # ~n² exponentials: identical trains give sqrt(round-off) ≈ n·1e-8, not 0.
    exact_van_rossum = 1e-7 * (n + 1)
    shown_only = np.full_like(n, np.nan)
    # where the scheme bounds no crossing (Crank-Nicolson at dt ≥ 2·tau_m) nothing is judged;
    # nor under input spikes on an inexact scheme: its synaptic charge and PSP differ from the
    # exact ones (NEURON: exp(dt/(2·tau_syn)) per event, Crank-Nicolson's O(dt²)) by what no
    # declared bound carries to spike times (a neuron near threshold turns it into whole intervals)
    inexact = any(scheme.name not in EXACT_UNDER_CURRENT_CLAMP for scheme in numerics.schemes)
    inputs = np.asarray(pairs["input_weight"], dtype=float) > 0 if "input_weight" in pairs else np.zeros(len(n), bool)
    unbounded_input = inputs & inexact
    reasons = np.where(unbounded_input, INTEGRATION_ERROR, reasons)
    bounded = np.isfinite(crossing) & ~unbounded_input
    tolerances = {
        "n_spikes": count,
        "rate_hz": count / (window_ms / 1000.0) + FLOAT_SLACK,
        "first_spike_ms": step,  # the first interval, from v_rest, may sit on a tie of its own
        "mean_isi_ms": np.where(ties, np.where(n - count >= 2, step, np.nan), exact),
        "cv_isi": np.where(ties, np.where(n - count >= 3, np.nan_to_num(cv_at_tie, nan=0.0) + 1e-6, np.nan), 1e-6),
        "van_rossum": np.where(ties, shown_only, exact_van_rossum),
        "victor_purpura": np.where(ties, shown_only, exact),
        "coincidence_factor": np.where(ties, shown_only, exact),
    }
    tolerances = {name: np.where(bounded, value, np.nan) for name, value in tolerances.items()}
    tolerances[GRID_TIE_KEY] = reasons
    return tolerances


def _closed_rate(rows) -> np.ndarray:
    """``rate_hz_closed_form`` per row; NaN for a model without one (a noisy current:
    its crossings have no bound, and every interval is treated as at a tie)."""
    if "rate_hz_closed_form" in rows:
        return np.asarray(rows["rate_hz_closed_form"], dtype=float)
    return np.full(len(np.asarray(rows["n_spikes"])), np.nan)


def _rate_window_ms(pairs, duration_ms: float) -> np.ndarray:
    """Length (ms) of the window ``rate_hz`` counts in, per row: the current step where
    the rows have one (:func:`zoo.stimuli.current_clamp.step_window`), else the run."""
    from ..stimuli.current_clamp import STEP_NAMES, step_window

    if not all(name in pairs for name in STEP_NAMES):
        return np.full(len(pairs["n_spikes"]), float(duration_ms))
    columns = {name: np.asarray(pairs[name], dtype=float) for name in STEP_NAMES}
    windows = [step_window({k: v[i] for k, v in columns.items()}, duration_ms) for i in range(len(columns["step_start"]))]
    return np.array([stop - start for start, stop in windows], dtype=float)


GRID_IF_AGREEMENT = Agreement(covers=("n_spikes", "rate_hz", "first_spike_ms", "mean_isi_ms", "cv_isi")
                              + DISTANCE_NAMES, tolerances=grid_if_tolerances,
                              doc="grid-based IF, exact integration: identical trains off grid ties")

#: An adaptive scheme controls the local error of v per step (``Scheme.step_error_mv``);
#: ten times the largest such error bounds the difference of a spike's peak (mV).
PEAK_ERROR_FACTOR = 10.0


def voltage_tolerance_mv(numerics: Numerics) -> float:
    """Allowed difference of a spike's peak (mV): ``PEAK_ERROR_FACTOR`` × the largest
    per-step error of v declared by the schemes (fixed-step RK4 of ≤ 0.01 ms substeps
    declares none: its error is far below an adaptive scheme's 1e-3 mV)."""
    declared = [s.step_error_mv for s in numerics.schemes if s.step_error_mv is not None]
    if not declared:
        raise ValueError("no scheme declares its voltage error; the peak tolerance cannot be derived")
    return PEAK_ERROR_FACTOR * max(declared)


def peak_detection_tolerances(pairs, numerics: Numerics) -> dict[str, np.ndarray]:
    """Cross-simulator tolerances for Hodgkin-Huxley cells detected at their peak.

    Both simulators integrate accurately within each step (an adaptive RKF45, or RK4
    substeps) and test the spike rule once per step, so a spike may land one step
    apart when its peak falls near a step boundary, and never more: every spike
    within dt, equal counts. Hence mean ISI within 2·dt/(n−1), CV within
    2·dt·(1 + CV)/(mean ISI − 2·dt); van Rossum ≤ n·sqrt(2(1 − exp(−dt/τ))),
    Victor-Purpura ≤ n·q·dt, coincidence factor 1 (the ±2 ms window exceeds dt). The
    first spike's peak agrees within :func:`voltage_tolerance_mv` and its half-width
    within that over a slope of at least 10 mV/ms at half height.

    A fixed-step second-order scheme (NEURON's Crank-Nicolson, gates half a step
    apart) declares no error bound for a nonlinear cell: its spike times drift by a
    fraction of the period of order dt² (measured against NEST: 2.9·dt² for the
    classic HH, 1.1·dt² for Traub-Miles, dt in ms), which after tens of spikes exceeds
    a step. Such pairs are shown, not judged ("integration error"); the conformance
    matrix measures that scheme's order against its own finest step instead.
    """
    n = np.asarray(pairs["n_spikes"], dtype=float)
    if "crank_nicolson" in numerics.names():
        return _unjudged_integration(PEAK_DETECTION_AGREEMENT.covers, len(n))
    numerics.require(*ACCURATE_WITHIN_STEP)
    dt_ms = numerics.dt_ms
    voltage = voltage_tolerance_mv(numerics)
    mean_isi = np.asarray(pairs["mean_isi_ms"], dtype=float)
    cv = np.asarray(pairs["cv_isi"], dtype=float)
    step = dt_ms * (1 + FLOAT_SLACK)
    with np.errstate(divide="ignore", invalid="ignore"):
        isi = np.where(n > 1, 2 * step / np.maximum(n - 1, 1), 0.0)
        cv_tolerance = np.where(n > 2, 2 * step * (1 + np.nan_to_num(cv)) / (mean_isi - 2 * step), 0.0)
    return {
        "n_spikes": np.zeros_like(n),
        "rate_hz": np.full_like(n, FLOAT_SLACK),
        "late_rate_hz": np.full_like(n, FLOAT_SLACK),
        "first_spike_ms": np.full_like(n, step),
        "mean_isi_ms": isi,
        "cv_isi": np.nan_to_num(cv_tolerance, nan=np.inf),
        "spike_peak_mv": np.full_like(n, voltage),
        "spike_half_width_ms": np.full_like(n, voltage / 10.0),
        "van_rossum": n * np.sqrt(2 * (1 - np.exp(-step / VAN_ROSSUM_TAU_MS))) + 1e-7 * (n + 1),
        "victor_purpura": n * VICTOR_PURPURA_COST_PER_MS * step + FLOAT_SLACK * (n + 1),
        "coincidence_factor": np.full_like(n, FLOAT_SLACK * 10),
    }


def _unjudged_integration(metrics, n_points: int) -> dict[str, np.ndarray]:
    """No tolerance for ``metrics``: every point shown as an integration error."""
    tolerances = {name: np.full(n_points, np.nan) for name in metrics}
    tolerances[GRID_TIE_KEY] = np.full(n_points, INTEGRATION_ERROR, dtype=object)
    return tolerances


PEAK_DETECTION_AGREEMENT = Agreement(
    covers=("n_spikes", "rate_hz", "late_rate_hz", "first_spike_ms", "mean_isi_ms", "cv_isi", "spike_peak_mv",
            "spike_half_width_ms") + DISTANCE_NAMES,
    tolerances=peak_detection_tolerances, doc="peak-detected HH spikes: every spike within one step")


def identical_semantics_agreement(metrics: tuple[Metric, ...]) -> Agreement:
    """Tolerances for models whose backends follow one declared semantics step for step
    (the same input, the same grid, the same event order): the trains must be
    identical, so counts and event-based metrics agree exactly and floating metrics to
    round-off (``FLOAT_SLACK`` relative); Elephant's van Rossum distance of identical
    trains is sqrt(round-off), about n·1e-8."""
    metrics = tuple(m.name for m in metrics)

    def tolerances(pairs, numerics: Numerics) -> dict[str, np.ndarray]:
        n = np.asarray(pairs["n_spikes"], dtype=float)
        tolerances = {m: FLOAT_SLACK * np.maximum(1.0, np.abs(np.asarray(pairs[m], dtype=float)))
                      for m in metrics if m != "n_spikes"}
        tolerances = {m: np.where(np.isnan(t), FLOAT_SLACK, t) for m, t in tolerances.items()}
        tolerances.update({"n_spikes": np.zeros_like(n), "van_rossum": 1e-7 * (n + 1),
                           "victor_purpura": FLOAT_SLACK * (n + 1), "coincidence_factor": FLOAT_SLACK * (n + 1)})
        return tolerances

    return Agreement(covers=tuple(dict.fromkeys(metrics + ("n_spikes",) + DISTANCE_NAMES)), tolerances=tolerances,
                     doc="one declared semantics on every backend: identical trains")
