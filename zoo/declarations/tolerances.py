"""Tolerances derived from the numerics, shared by the models' declarations, the
checks and the tests. Each takes the time step, the duration and the integration
schemes of the simulators involved (:class:`zoo.declarations.numerics.Numerics`),
never a simulator's name.
"""
from __future__ import annotations

import numpy as np

from . import convergence
from .metrics import (COINCIDENCE_WINDOW_MS, SPIKE_TRAIN_DISTANCES, VAN_ROSSUM_TAU_MS, VICTOR_PURPURA_COST_PER_MS,
                      Metric)
from .model import Agreement
from .numerics import ACCURATE_WITHIN_STEP, CONVERGENT, Numerics, Scheme
from .spike_trains import gamma_from_counts

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

#: Why a point of a peak-detected cell is not judged: no shape to derive the peak's
#: sampling error from (the cell has no reference solution).
NO_SHAPE = "no reference solution for the spike's shape"
#: Why a point's first spike or intervals are not judged: drift may move the spikes they
#: need across the run's end, so one side may lack them.
SPIKE_MAY_VANISH = "drift may move a spike it needs out of the run"
#: A convergence run (or the compared run) of a fixed-step side without a spike train or
#: a count, beside runs with one: its count cannot be extrapolated.
NO_TRAIN_TO_COUNT = "a run has no spike train to count beside runs that have one"
#: Why a point's trains are not judged at all: its dynamics amplify perturbations far
#: below any scheme's error, so no drift bound exists (a model's tolerances say where).
ILL_CONDITIONED = "ill-conditioned: the trials amplify any perturbation"

#: The agreement's metrics of peak-detected spikes.
PEAK_COVERS = ("n_spikes", "rate_hz", "late_rate_hz", "first_spike_ms", "mean_isi_ms", "cv_isi", "spike_peak_mv",
               "spike_half_width_ms") + DISTANCE_NAMES
#: Smooth functions of the continuous trajectory (times and the first spike's shape): a
#: fixed-step scheme's error in them is estimated from its convergence runs.
SMOOTH = ("first_spike_ms", "mean_isi_ms", "cv_isi", "spike_peak_mv", "spike_half_width_ms")
PEAK_SHAPE = ("spike_peak_mv", "spike_half_width_ms")
#: The first spike's shape, from the reference solution (:class:`zoo.declarations.reference.FirstSpike`).
SHAPE_FIELDS = ("peak_curvature", "rise_slope", "rise_curvature", "fall_slope", "fall_curvature")


def step_error_mv(scheme: Scheme, dt_ms):
    """The error of v a scheme declares per time step of ``dt_ms`` (mV): its
    ``step_error_mv``, once per step (GSL's RKF45 controls it per step), or once per substep
    of at most ``substep_ms`` (RK4 substeps: ⌈dt/substep⌉ of them per step)."""
    if scheme.step_error_mv is None:
        raise ValueError(f"the {scheme.name} scheme declares no error of v per step; no voltage bound can be derived")
    substeps = np.ceil(np.asarray(dt_ms, dtype=float) / scheme.substep_ms - 1e-9) if scheme.substep_ms else 1.0
    return scheme.step_error_mv * substeps


def voltage_error_mv(scheme: Scheme, dt_ms, half_width_ms) -> np.ndarray:
    """η: how far a scheme accurate within each step may put v from the exact solution's at
    a spike's peak (mV).

    The scheme commits at most :func:`step_error_mv` per step. An error committed before
    the spike moves the spike in time (the upstroke from any nearby state has the same
    shape), which the timing tolerances cover; the errors committed while the spike is
    above its half level, for its half-width w, add to its height undamped: the ⌈w/dt⌉ + 1
    steps that overlap it and the step before its rise, (⌈w/dt⌉ + 2) × the per-step
    error. The model is checked against the zoo's reference solution at dt = 0.05 ms
    (tests/zoo/models/test_hh_reference.py: Brian2's largest error 0.40 η, at Traub-Miles'
    peak). At 0.1 ms a sampled peak also moves with the spike's timing error (NEST at
    Traub-Miles, 0.1 nA: 1.3 η against the reference), which the sampling term of
    :func:`grid_terms` covers."""
    steps = np.ceil(np.asarray(half_width_ms, dtype=float) / np.asarray(dt_ms, dtype=float) - 1e-9) + 2.0
    return step_error_mv(scheme, dt_ms) * steps


def _shape(pairs, shape) -> dict[str, np.ndarray]:
    n = len(np.asarray(pairs["n_spikes"]))
    if shape is None:
        return {name: np.full(n, np.nan) for name in SHAPE_FIELDS}
    return {name: np.broadcast_to(np.asarray(shape[name], dtype=float), (n,)) for name in SHAPE_FIELDS}


def grid_terms(metric: str, pairs, shape, held=None) -> tuple:
    """(c, Q) of ``metric`` on a grid of step h, as functions of h: the offset of its grid
    value from the continuous quantity, and the bound on the rest (:mod:`.convergence`).

    - A spike is detected at the first grid time after its peak at which v has fallen:
      for any peak with v rising before it and falling after, within (0, 2h) of the peak,
      so ``first_spike_ms``: c = h, Q = h.
    - ``mean_isi_ms`` = (t_n − t_1)/(n − 1): the offsets cancel, each time's rest is
      within ±h, so c = 0, Q = 2h/(n − 1).
    - ``cv_isi``: every interval moves by less than 2h, its standard deviation by less
      than 2h and the mean by 2h/(n − 1), so Q = 2h(1 + CV/(n − 1))/(T̄ − 2h/(n − 1)).
    - ``spike_peak_mv`` is the largest sample: the peak P minus a deficit in
      [0, |v''|h²/8] (the nearest sample within h/2 of the peak, v ≈ P − |v''|t²/2), so
      c = −|v''|h²/16, Q = |v''|h²/16.
    - ``spike_half_width_ms`` is measured at half the sampled peak's height above v₀: the
      deficit lowers that level by up to |v''|h²/16, lengthening the width by that over the
      slopes s at the two crossings, (|v''|h²/32)(1/s_r + 1/s_f) on average and as much
      again at most; the linear interpolation of each crossing adds at most
      |v''_x|h²/(8 s_x) (the chord of a curve of curvature v''_x). So
      c = (|v''|h²/32)(1/s_r + 1/s_f), Q = c + (h²/8)(|v''_r|/s_r + |v''_f|/s_f).
    Slopes and curvatures are the reference solution's (:func:`zoo.declarations.reference.first_spike_shape`).

    ``held`` (per row; default none): each interval also holds the cell from the spike's
    continuous time to its reported grid time, an extra e_k ∈ [0, h) of refractoriness
    (the AdEx's ``ADEX_AT_CROSSING``: v held until tau_refrac after the reported time).
    Every interval is then longer by e_k, so the mean ISI has c = h/2, Q = 2h/(n − 1) + h/2,
    and the CV's intervals move by less than 3h, their mean by 2h/(n − 1) + h."""
    n = np.asarray(pairs["n_spikes"], dtype=float)
    intervals = np.maximum(n - 1.0, 1.0)
    zero = np.zeros(len(n))
    hold = zero if held is None else np.where(np.asarray(held, dtype=bool), 1.0, 0.0)
    if metric == "first_spike_ms":
        return (lambda h: h + zero), (lambda h: h + zero)
    if metric == "mean_isi_ms":
        return (lambda h: hold * h / 2.0), (lambda h: 2.0 * h / intervals + hold * h / 2.0)
    if metric == "cv_isi":
        cv = np.nan_to_num(np.asarray(pairs["cv_isi"], dtype=float))
        mean = np.asarray(pairs["mean_isi_ms"], dtype=float)

        def quantisation(h):
            # the division runs here, when Q is taken, so its silencing must be here too
            mean_moves = 2.0 * h / intervals + hold * h
            room = mean - mean_moves
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(room > 0, (2.0 * h + hold * h + cv * mean_moves) / room, np.inf)

        return (lambda h: zero), quantisation
    s = _shape(pairs, shape)
    if metric == "spike_peak_mv":
        return (lambda h: -s["peak_curvature"] * h**2 / 16.0), (lambda h: s["peak_curvature"] * h**2 / 16.0)
    if metric == "spike_half_width_ms":
        with np.errstate(divide="ignore", invalid="ignore"):
            slopes = 1.0 / s["rise_slope"] + 1.0 / s["fall_slope"]
            chords = s["rise_curvature"] / s["rise_slope"] + s["fall_curvature"] / s["fall_slope"]
        return ((lambda h: s["peak_curvature"] * h**2 * slopes / 32.0),
                (lambda h: s["peak_curvature"] * h**2 * slopes / 32.0 + h**2 * chords / 8.0))
    raise ValueError(f"no grid terms for {metric!r}")


def _scheme_error(scheme: Scheme, metric: str, pairs, numerics: Numerics, side: str, grid, shape):
    """(E, reason): a bound on side's continuous error in ``metric`` at its step and why
    there is none. Accurate within each step: 0 for times, η for the peak and η's effect
    on the half-width (1.5·η(1/s_r + 1/s_f): v itself and the half level, which moves by
    half the peak's error); a fixed-step scheme: its convergence runs
    (:func:`zoo.declarations.convergence.richardson_error`)."""
    n = len(np.asarray(pairs["n_spikes"]))
    h = convergence.steps(pairs, numerics.dt_ms, side)[0]
    if scheme.name in ACCURATE_WITHIN_STEP:
        if metric not in PEAK_SHAPE:
            return np.zeros(n), np.full(n, "", dtype=object)
        width = np.nan_to_num(np.asarray(pairs["spike_half_width_ms"], dtype=float))
        eta = voltage_error_mv(scheme, h, width)
        if metric == "spike_peak_mv":
            return eta, np.full(n, "", dtype=object)
        s = _shape(pairs, shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            return 1.5 * eta * (1.0 / s["rise_slope"] + 1.0 / s["fall_slope"]), np.full(n, "", dtype=object)
    offset, quantisation = grid
    return convergence.richardson_error(pairs, metric, side, numerics.dt_ms, scheme.order,
                                        lambda hl, level: quantisation(hl), lambda hl, level: offset(hl))



def peak_detection_tolerances(pairs, numerics: Numerics, shape=None, trials=1.0, held=None) -> dict[str, np.ndarray]:
    """Tolerances for Hodgkin-Huxley cells whose spikes are detected at their peak: two
    simulators at one step, or one simulator at two steps (``dt_ms@b``, the convergence
    rows). ``shape``: the first spike's continuous shape per row (:data:`SHAPE_FIELDS`,
    from the reference solution); without it the shape metrics are not judged.
    ``trials``: per row, how many trials the spike trains pool (a model of trials): the
    counts and metrics are then each trial's (``n_spikes`` a trial's mean count), the
    count tolerances per trial (crossings of the pooled trains over ``trials``), and the
    distances those of the pooled trains (each trial's bounds summed). A spike's drift
    W(k) grows with its index in its own trial, which the pooled train does not tell:
    the bounds take the most spikes of one trial (``max_trial_spikes``; without it, all
    the pooled spikes) and judge a trials' mean of first spikes only while every trial
    keeps one (``min_trial_spikes``), of intervals only where no trial's count may change.

    **Two schemes accurate within each step on one grid** (an adaptive RKF45, RK4
    substeps) follow one trajectory up to errors far below a step, and test the spike
    rule once per step: a spike lands one step apart at most, where its peak falls near a
    step boundary. So equal counts, the first spike within dt, the mean ISI within
    2·dt/(n − 1), the CV within 2·dt·(1 + CV)/(T̄ − 2·dt); van Rossum ≤
    n·sqrt(2(1 − exp(−dt/τ))), Victor-Purpura ≤ n·q·dt, coincidence factor 1 (the ±2 ms
    window exceeds dt). Their samples are of one trajectory, each within η of the exact
    (:func:`voltage_error_mv`): the peaks within η_a + η_b, the half-widths within
    1.5(η_a + η_b)(1/s_r + 1/s_f) (v moves by η at each crossing and the half level by
    half the peak's error, over the slopes s there).

    **Otherwise** (a fixed-step scheme, or two steps) each side's continuous trajectory
    is bounded separately: E = 0 (times) or η (shape) for an accurate scheme, the
    Richardson estimate of its convergence runs for a fixed-step one
    (:mod:`zoo.declarations.convergence`). For each smooth metric (:data:`SMOOTH`) with
    grid terms c and Q (:func:`grid_terms`), |m_a − m_b| ≤ |c(h_a) − c(h_b)| + Q(h_a) +
    Q(h_b) + E_a + E_b. Spike k's continuous time is off by at most
    D(k) = E(first) + (k − 1)·E(mean ISI) on each side (drift accumulates over the
    intervals; monotone for the periodic firing of a constant current), and the grids
    add less than 2·max(h_a, h_b): its detected times differ by less than
    W(k) = D_a(k) + D_b(k) + 2·max(h_a, h_b). Hence:

    - counts: a spike changes a window's count only if it lies within W of an edge of the
      window (the run's end; the rate window; half the run for the late rate), on
      either side's train: the count tolerance c is the larger side's number of such
      spikes; the rates c/window;
    - the mean ISI and CV, where the counts may differ by c, also allow one interval
      more or fewer per count (an interval is within sqrt(n − 1)·σ of the mean:
      c·CV·T̄/sqrt(n − 1) and 2c·CV), and are judged only while n − c ≥ 2 (3) intervals
      are sure to remain; the first spike and its shape while n − c ≥ 1;
    - van Rossum ≤ Σ_k sqrt(2(1 − exp(−W(k)/τ))) + c and Victor-Purpura ≤
      Σ_k min(2, q·W(k)) + c (triangle inequality, spike by spike); the coincidence
      factor Γ with at least the spikes whose W(k) ≤ Δ coinciding, at its extremes over
      the counts n ± c.

    Where a fixed-step side has no convergence run, or its runs do not converge, the
    metrics that need it are not judged (the reason is :data:`GRID_TIE_KEY`'s).
    """
    n = np.asarray(pairs["n_spikes"], dtype=float)
    numerics.require(*ACCURATE_WITHIN_STEP, *CONVERGENT)
    schemes = dict(zip(convergence.SIDES, numerics.schemes))
    h_a = convergence.steps(pairs, numerics.dt_ms, "a")[0]
    h_b = convergence.steps(pairs, numerics.dt_ms, "b")[0]
    reasons = np.full(len(n), "", dtype=object)
    tolerances, errors = {}, {}
    for metric in (m for m in SMOOTH if m in pairs):
        offset, quantisation = grid = grid_terms(metric, pairs, shape, held)
        bound = np.abs(offset(h_a) - offset(h_b)) + quantisation(h_a) + quantisation(h_b)
        for side in convergence.SIDES:
            error, why = _scheme_error(schemes[side], metric, pairs, numerics, side, grid, shape)
            errors[(side, metric)] = np.where(why == "", error, np.nan)
            bound = bound + error
            reasons = np.where(reasons == "", why, reasons)
        tolerances[metric] = bound
    fired = ~np.isnan(np.asarray(pairs["first_spike_ms"], dtype=float))
    shaped = [m for m in PEAK_SHAPE if m in pairs]
    no_shape = fired & np.isnan(_shape(pairs, shape)["peak_curvature"]) & bool(shaped)
    trials = np.broadcast_to(np.asarray(trials, dtype=float), n.shape)
    accurate = all(s.name in ACCURATE_WITHIN_STEP for s in numerics.schemes)
    if accurate and np.allclose(h_a, h_b, rtol=1e-9, atol=0.0):
        tolerances.update(_accurate_pair(pairs, numerics, trials))
        count = tolerances["n_spikes"]
    else:
        count, why = _drift_tolerances(pairs, numerics, errors, h_a, h_b, tolerances, trials, held)
        reasons = np.where(reasons == "", why, reasons)
    cv = np.nan_to_num(np.asarray(pairs["cv_isi"], dtype=float))
    mean = np.asarray(pairs["mean_isi_ms"], dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        more_isi = count * cv * mean / np.sqrt(np.maximum(n - 1.0, 1.0))
    # judged while the spikes (intervals) it needs are sure to remain on both sides; where
    # neither side can have them and the count is sure, both are undefined: tolerance 0.
    # With several trials each trial keeps them while the fewest spikes of a trial less
    # the spikes any trial may lose (all the pooled count's) are enough; a trials' mean of
    # intervals only where no trial's count may change (the intervals it may gain or lose
    # are a trial's own, which the pooled train does not tell)
    several = trials > 1.0
    pooled = np.where(several, count * trials, count)
    fewest = np.minimum.reduce([_trial_spikes(pairs, side, trials, "min") for side in convergence.SIDES])
    crossing = np.zeros(len(n), dtype=bool)
    for metric, needed, extra in (("first_spike_ms", 1, 0.0), ("spike_peak_mv", 1, 0.0),
                                  ("spike_half_width_ms", 1, 0.0), ("mean_isi_ms", 2, more_isi),
                                  ("cv_isi", 3, 2.0 * count * cv)):
        if metric not in tolerances:
            continue
        kept = np.where(several, (pooled == 0) | ((fewest - pooled >= needed) & (needed == 1)), n - count >= needed)
        tolerances[metric] = np.where(kept, tolerances[metric] + np.where(several, 0.0, extra),
                                      np.where(~several & (n < needed) & (count == 0), 0.0, np.nan))
        crossing |= ~kept & (count > 0)
    for metric in shaped:
        tolerances[metric] = np.where(fired, tolerances[metric], np.where(count == 0, 0.0, np.nan))
    tolerances[GRID_TIE_KEY] = np.where(reasons != "", reasons, np.where(
        crossing, SPIKE_MAY_VANISH, np.where(no_shape, NO_SHAPE, "")))
    return tolerances


def _drift_tolerances(pairs, numerics: Numerics, errors: dict, h_a, h_b, tolerances: dict,
                      trials, held=None) -> tuple[np.ndarray, np.ndarray]:
    """Counts, rates and spike-train distances where a spike's detected times may differ
    by more than a step (:func:`peak_detection_tolerances`): set in ``tolerances``; the
    count tolerance is returned, with why a row's count cannot be bounded ("" where it can)."""
    n = np.asarray(pairs["n_spikes"], dtype=float)
    grids = 2.0 * np.maximum(h_a, h_b)
    most = {side: _trial_spikes(pairs, side, trials, "max") for side in convergence.SIDES}
    longest = np.maximum(most["a"], most["b"])  # a trial's spike k drifts by W(k)
    first = {side: np.nan_to_num(errors[(side, "first_spike_ms")]) for side in convergence.SIDES}
    per_interval = {side: np.where(longest > 1, np.nan_to_num(errors[(side, "mean_isi_ms")]), 0.0)
                    for side in convergence.SIDES}
    unknown = np.zeros(len(n), dtype=bool)
    for side in convergence.SIDES:  # a side's times are unbounded where its own spikes are
        unknown |= (most[side] > 0) & np.isnan(errors[(side, "first_spike_ms")])
        unknown |= (most[side] > 1) & np.isnan(errors[(side, "mean_isi_ms")])

    # an interval's held extra e ∈ [0, h) on each side (grid_terms): |c_a − c_b| + Q_a + Q_b
    hold = 0.0 if held is None else np.where(np.asarray(held, dtype=bool), np.maximum(h_a, h_b), 0.0)

    def window(k):  # W(k) for k = 1, 2, ... (array over rows)
        return grids + first["a"] + first["b"] + (k - 1.0) * (per_interval["a"] + per_interval["b"] + hold)

    last = window(np.maximum(longest, 1.0))
    trains = [_trains(pairs, side) for side in convergence.SIDES]
    duration = numerics.duration_ms
    rate_window = _rate_window_ms(pairs, duration)
    starts = _rate_window_start(pairs)
    whole = np.full(len(n), duration)
    omitted, reasons = _omitted_spikes(pairs, numerics, trials)
    unknown |= np.isnan(omitted)
    pooled = _near_edges(trains, [whole], last) + omitted
    count = pooled / trials
    tolerances["n_spikes"] = count
    tolerances["rate_hz"] = (_near_edges(trains, [starts, starts + rate_window], last) + omitted) / trials \
        / (rate_window / 1000.0) + FLOAT_SLACK
    tolerances["late_rate_hz"] = (_near_edges(trains, [whole / 2.0, whole], last) + omitted) / trials \
        / (duration / 2000.0) + FLOAT_SLACK
    tolerances.update(_distance_bounds(n, most["a"], pooled, window, duration, trials))
    for name in ("n_spikes", "rate_hz", "late_rate_hz") + DISTANCE_NAMES:
        tolerances[name] = np.where(unknown, np.nan, tolerances[name])
    return np.where(unknown, np.nan, count), reasons


def _omitted_spikes(pairs, numerics: Numerics, trials) -> tuple[np.ndarray, np.ndarray]:
    """Per row, how many spikes a fixed-step side may fire or omit that the exact solution
    does not (in all trials together): a spike whose existence turns on a small margin (a
    noise-driven depolarisation just reaching the spike level) appears or vanishes with
    the scheme's error. The count of each side's train is extrapolated from its
    convergence runs like any smooth metric (:func:`zoo.declarations.convergence.richardson_error`,
    grid terms 0: a count has no grid offset); 0 for a scheme accurate within each step.
    NaN, with the reason (:data:`NO_TRAIN_TO_COUNT` or the convergence runs'), where it
    cannot be extrapolated."""
    n = len(np.asarray(pairs["n_spikes"]))
    total, reasons = np.zeros(n), np.full(n, "", dtype=object)
    for side, scheme in zip(convergence.SIDES, numerics.schemes):
        if scheme.name in ACCURATE_WITHIN_STEP:
            continue
        counts = {"n_spikes": np.asarray(pairs["n_spikes"], dtype=float)}
        for level in convergence.LEVELS:
            counts[convergence.column("count", side, level)] = _level_count(pairs, side, level, trials)
            step = convergence.column(convergence.STEP, side, level)
            if step in pairs:
                counts[step] = np.asarray(pairs[step], dtype=float)
        error, why = convergence.richardson_error(counts, "count", side, numerics.dt_ms, scheme.order,
                                                  lambda h, level: np.zeros(n))
        why = np.where((why == "") & ~np.isfinite(error), NO_TRAIN_TO_COUNT, why)
        with np.errstate(invalid="ignore"):
            total += np.where(why == "", np.ceil(error - 1e-9), np.nan)
        reasons = np.where(reasons == "", why, reasons)
    return total, reasons


def _level_count(pairs, side: str, level: int, trials) -> np.ndarray:
    """The number of spikes of ``side``'s run at ``level`` per row, in all trials together:
    its train's length, else (one trial only) its ``n_spikes``; NaN where the table has
    neither. With several trials the count columns mix conventions (side a's is a trial's
    mean, the convergence runs' are pooled totals), so only a train is trusted there."""
    name = convergence.column("spike_times_ms", side, level)
    trains = pairs[name] if name in pairs else [None] * len(np.asarray(pairs["n_spikes"]))
    listed = np.array([len(t) if t is not None and np.ndim(t) else np.nan for t in trains], dtype=float)
    single = np.asarray(trials, dtype=float) == 1.0
    counted = np.where(single, convergence.values(pairs, "n_spikes", side, level), np.nan)
    return np.where(np.isnan(listed), counted, listed)


def _trial_spikes(pairs, side: str, trials, which: str) -> np.ndarray:
    """The most (``which`` "max") or fewest ("min") spikes one trial of ``side``'s compared
    run fired, per row: the table's ``max_trial_spikes`` (``min_trial_spikes``) column of
    that side (:func:`explorer.tasks.pooled_trials`) where it has one; else the run's count
    (:func:`_level_count`, side a's where the table has no count of side b's) with one
    trial, and with several what any split of the pooled count allows: all of it, or none."""
    trials = np.broadcast_to(np.asarray(trials, dtype=float), np.shape(pairs["n_spikes"]))
    name = f"{which}_trial_spikes" + ("" if side == "a" else f"@{side}")
    if name in pairs:
        stated = np.asarray(pairs[name], dtype=float)
    else:
        stated = np.full(trials.shape, np.nan)
    pooled = _level_count(pairs, side, 0, trials)
    pooled = np.where(np.isnan(pooled), np.asarray(pairs["n_spikes"], dtype=float) * trials, pooled)
    bound = np.where(trials > 1.0, pooled if which == "max" else 0.0, pooled)
    return np.where(np.isnan(stated), bound, stated)


def _trains(pairs, side: str) -> list[np.ndarray]:
    """Each row's spike train on ``side`` (empty where the table has none)."""
    name = convergence.column("spike_times_ms", side)
    n = len(np.asarray(pairs["n_spikes"]))
    if name not in pairs:
        return [np.zeros(0)] * n
    return [np.asarray(t, dtype=float) if t is not None and np.ndim(t) else np.zeros(0) for t in pairs[name]]


def _rate_window_start(pairs) -> np.ndarray:
    from ..stimuli.current_clamp import STEP_NAMES

    n = len(np.asarray(pairs["n_spikes"]))
    if not all(name in pairs for name in STEP_NAMES):
        return np.zeros(n)
    return np.asarray(pairs["step_start"], dtype=float)


def _near_edges(trains, edges, width) -> np.ndarray:
    """Per row, the larger side's number of spikes within ``width`` of an edge (summed over
    ``edges``): at most so many cross an edge when every spike moves by less than
    ``width`` (a spike counted in one window and not the other lies within ``width`` of
    the edge on the side that has it)."""
    rows = len(width)
    found = np.zeros(rows)
    for i in range(rows):
        per_side = []
        for train in trains:
            times = train[i]
            per_side.append(sum(int(np.sum(np.abs(times - edge[i]) < width[i])) for edge in edges
                                if np.isfinite(edge[i])))
        found[i] = max(per_side)
    return found


def _distance_bounds(n: np.ndarray, most: np.ndarray, count: np.ndarray, window, duration_ms: float,
                     trials) -> dict[str, np.ndarray]:
    """Van Rossum, Victor-Purpura and the coincidence factor of the (pooled) trains from
    spike k's bound W(k) and the pooled count tolerance (:func:`peak_detection_tolerances`),
    for ``trials`` trains of n spikes on average, none of more than ``most``. Spike k of a
    trial adds f(W(k)), increasing in k, so a trial's sum is convex in its count and the
    pooled sum is largest (the sure coincidences, concave, fewest) with the spikes packed
    into as few trials as can hold them: ⌊N/most⌋ trials of ``most`` and one of the rest."""
    van_rossum, victor, gamma = (np.zeros(len(n)) for _ in range(3))
    pooled = np.round(trials * n)
    for i in range(len(n)):
        full = max(min(round(most[i]), pooled[i]), 1.0)
        packed, rest = divmod(pooled[i], full)
        shifts = np.asarray([window(k)[i] for k in np.arange(1.0, full + 1.0)], dtype=float)
        rest_shifts = shifts[:int(rest)]
        van = np.sqrt(2.0 * (1.0 - np.exp(-shifts / VAN_ROSSUM_TAU_MS)))
        cost = np.minimum(2.0, VICTOR_PURPURA_COST_PER_MS * shifts)
        van_rossum[i] = packed * np.sum(van) + np.sum(van[:int(rest)]) + count[i]
        victor[i] = packed * np.sum(cost) + np.sum(cost[:int(rest)]) + count[i]
        sure = packed * float(np.sum(shifts <= COINCIDENCE_WINDOW_MS)) + float(np.sum(rest_shifts <= COINCIDENCE_WINDOW_MS))
        gamma[i] = coincidence_tolerance(pooled[i], count[i], sure, duration_ms)
    return {"van_rossum": van_rossum + 1e-7 * (pooled + 1), "victor_purpura": victor + FLOAT_SLACK * (pooled + 1),
            "coincidence_factor": gamma + FLOAT_SLACK * 10}


def coincidence_tolerance(n: float, count: float, sure: float, duration_ms: float) -> float:
    """max |1 − Γ| of Kistler's coincidence factor of a train of n spikes (the reference)
    against one of n' ∈ [n − c, n + c] spikes of which at least min(sure, n, n') and at
    most min(n, n') coincide (Γ is monotone in the coincidences, so its extremes are at
    these ends); NaN terms (Γ undefined at 1/(2Δ) = 250 Hz) are left out."""
    if not np.isfinite(count):
        return np.nan
    if n == 0 and count == 0:
        return 0.0
    others = np.arange(max(0.0, n - count), n + count + 1.0)
    coincidences = np.concatenate([np.minimum(np.minimum(sure, n), others), np.minimum(n, others)])
    with np.errstate(divide="ignore", invalid="ignore"):
        gamma = gamma_from_counts(coincidences, n, np.concatenate([others, others]), COINCIDENCE_WINDOW_MS,
                                  duration_ms)
    finite = np.isfinite(gamma)
    return float(np.max(np.abs(1.0 - gamma[finite]))) if finite.any() else np.nan


def _accurate_pair(pairs, numerics: Numerics, trials) -> dict[str, np.ndarray]:
    """Counts, times and distances of two schemes accurate within each step on one grid:
    every spike within one step (:func:`peak_detection_tolerances`)."""
    n = np.asarray(pairs["n_spikes"], dtype=float)
    pooled = trials * n
    mean_isi = np.asarray(pairs["mean_isi_ms"], dtype=float)
    cv = np.asarray(pairs["cv_isi"], dtype=float)
    step = numerics.dt_ms * (1 + FLOAT_SLACK)
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
        "van_rossum": pooled * np.sqrt(2 * (1 - np.exp(-step / VAN_ROSSUM_TAU_MS))) + 1e-7 * (pooled + 1),
        "victor_purpura": pooled * VICTOR_PURPURA_COST_PER_MS * step + FLOAT_SLACK * (pooled + 1),
        "coincidence_factor": np.full_like(n, FLOAT_SLACK * 10),
    }


def first_spike_shapes(cell_type: str, parameter_names, pairs, numerics: Numerics) -> dict[str, np.ndarray]:
    """Per row, the reference solution's first spike (:data:`SHAPE_FIELDS`) for the row's
    parameters; NaN where side a did not fire (no shape is needed there)."""
    from .reference import first_spike_shape

    n = len(np.asarray(pairs["n_spikes"]))
    columns = {name: np.asarray(pairs[name], dtype=float) for name in parameter_names if name in pairs}
    fired = ~np.isnan(np.asarray(pairs["first_spike_ms"], dtype=float))
    found = {name: np.full(n, np.nan) for name in SHAPE_FIELDS}
    for i in np.flatnonzero(fired):
        spike = first_spike_shape(cell_type, {k: v[i] for k, v in columns.items()}, numerics.duration_ms,
                                  numerics.dt_ms)
        for name in SHAPE_FIELDS:
            found[name][i] = getattr(spike, name)
    return found


def peak_detection_agreement(cell_type: str | None = None, parameter_names=()) -> Agreement:
    """The agreement of a peak-detected Hodgkin-Huxley cell (:func:`peak_detection_tolerances`),
    its spike shape from the reference solution of ``cell_type`` (None: shape not judged)."""

    def tolerances(pairs, numerics: Numerics) -> dict[str, np.ndarray]:
        shape = first_spike_shapes(cell_type, parameter_names, pairs, numerics) if cell_type else None
        return peak_detection_tolerances(pairs, numerics, shape)

    return Agreement(covers=PEAK_COVERS, tolerances=tolerances, convergence_runs=CONVERGENT, across_steps=True,
                     doc="peak-detected HH spikes: within one step on accurate schemes, within the drift a "
                         "fixed-step scheme's convergence runs bound")


PEAK_DETECTION_AGREEMENT = peak_detection_agreement()


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


# -- AdEx (issue 33) ---------------------------------------------------------------------------
#: The AdEx's compared metrics: its spike train (no spike shape: a spike is a reset).
ADEX_COVERS = ("n_spikes", "rate_hz", "first_spike_ms", "mean_isi_ms", "cv_isi") + DISTANCE_NAMES


def adex_tolerances(pairs, numerics: Numerics) -> dict[str, np.ndarray]:
    """Tolerances of the AdEx (``zoo.backends.base.ADEX_AT_CROSSING``): a spike is the crossing
    of v_spike, reported at the end of its step, so its reported time lies in [t*, t* + h) of
    the continuous crossing t*. That interval lies within the peak rule's (t*, t* + 2h) (grid
    offset c = h, quantisation Q = h: :func:`grid_terms`), so the peak-detected cells'
    derivation applies as it stands (:func:`peak_detection_tolerances`, no shape): NEST's RKF45
    accurate within each step (spike times off by its controlled error only), Brian2's rk2
    and NEURON's semi-implicit step, first order (the reset at the end of the crossing step),
    bounded by their convergence runs at dt/2 and dt/4. The bound on the grid term is up to
    twice the crossing rule's own (h where h/2 ± h/2 would do): loose, never too tight.

    With tau_refrac > 0, v is held until tau_refrac after the *reported* time, so each
    interval holds an extra e_k ∈ [0, h) that depends on the grid (:func:`grid_terms`'s
    ``held``): judged across steps (NEST at 0.1 ms against 0.01 ms: mean ISI 11.118 against
    11.095 ms at 2 nA, tau_refrac 0.1 ms; 11.0517 against 11.0515 ms without the hold). On
    one grid both sides hold the same e_k, except where their crossings straddle a step
    boundary, which moves the later spikes by that one step that the grid term 2h covers."""
    refractory = np.asarray(pairs["tau_refrac"], dtype=float) > 0.0 if "tau_refrac" in pairs else None
    if refractory is not None:
        h_a = convergence.steps(pairs, numerics.dt_ms, "a")[0]
        h_b = convergence.steps(pairs, numerics.dt_ms, "b")[0]
        refractory = refractory & ~np.isclose(h_a, h_b, rtol=1e-9, atol=0.0)
    return peak_detection_tolerances(pairs, numerics, shape=None, held=refractory)


def adex_agreement() -> Agreement:
    """The AdEx's agreement between simulators (:func:`adex_tolerances`)."""
    return Agreement(covers=ADEX_COVERS, tolerances=adex_tolerances, convergence_runs=CONVERGENT, across_steps=True,
                     doc="AdEx spikes at the crossing of v_spike: within one step on accurate schemes, within the "
                         "drift a fixed-step scheme's convergence runs bound")
