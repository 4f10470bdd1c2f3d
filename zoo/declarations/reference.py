"""Accurate reference solutions of point neurons under current clamp, computed by the zoo
itself with SciPy (no simulator): what each simulator's run is judged against, and where
the spike-shape tolerances take the shape of a spike from.

A cell is declared as data (:class:`Cell`): its state, right-hand side, initial state
and spike rule, transcribed from the cell type's definition (not from any backend, so a
backend's translation error shows as a disagreement). The classic Hodgkin-Huxley cell
(``HH_curr_alpha``: Hodgkin & Huxley 1952, rates of Dayan & Abbott 2001 sec. 5.6, NEST
``hh_psc_alpha``) and PyNN's Traub-Miles cell (``HH_cond_exp``: Traub & Miles 1991, NEST
``hh_cond_exp_traub``) are declared; a cell of issue 33 (AdEx, Izhikevich) adds one entry.

Solution: SciPy's DOP853 (Hairer's explicit Runge-Kutta of order 8 with a dense output
of order 7) at relative and absolute tolerance :data:`RTOL` (1e-10), in pieces between
the discontinuities of the current. Its own convergence is tested (the first spike at
1e-8 and at 1e-10 agree to 1e-6 ms and 1e-6 mV, far below any simulator's error), so its
error is negligible against a time step.

On a grid of step dt the zoo's spike rule is applied to the solution's samples: a spike
at the first grid time at which v ≥ the cell's level and v falls (its peak), detection
then paused for the refractory time; the first spike's peak and half-width come from the
sampled v by :func:`zoo.declarations.spike_trains.spike_shape`, exactly as a run's do.

Continuous quantities of the first spike (:func:`first_spike_shape`): its peak time and
value, the curvature |v''| at the peak, and at the two crossings of the half level
(the midpoint between the initial v and the peak) the slope |v'| and curvature |v''|;
:mod:`zoo.declarations.tolerances` derives the sampling error of the peak and the
half-width from them.

Only the first spike is solved here (to its peak plus :data:`AFTER_PEAK_MS`): about
0.2-0.5 s per point. A whole 1 s train at this accuracy takes 8-15 s per point in
Python (measured), so trains are judged by their convergence instead.
"""
from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

from .spike_trains import spike_shape

#: Relative and absolute tolerance of the reference solution (mV, and per gate).
RTOL = 1e-10
#: How long past the first spike's peak the solution is kept (ms): the half-width's fall
#: and :func:`spike_shape`'s window (1 ms after the detected spike) lie within it.
AFTER_PEAK_MS = 4.0
#: How far before its peak the first spike's rising half-level crossing is looked for (ms).
SHAPE_WINDOW_MS = 5.0


@dataclass(frozen=True)
class Cell:
    """A point neuron's equations, as the zoo's reference solves them.

    ``rhs(params)`` returns f(y, current_na) -> dy/dt (ms⁻¹ units: mV/ms for v, 1/ms for
    gates); ``initial(params)`` the state at t = 0; the spike rule is the peak rule:
    a spike at the first grid time with v ≥ ``level(params)`` (mV) at which v falls, and
    none for ``refractory(params)`` ms after it."""

    name: str
    state: tuple[str, ...]
    rhs: Callable[[Mapping], Callable[[np.ndarray, float], tuple]]
    initial: Callable[[Mapping], tuple]
    level: Callable[[Mapping], float]
    refractory: Callable[[Mapping], float]


#: Largest exponent taken: a trial stage of the solver far outside the physics (v of
#: -1e8 mV, seen in the property test) must give a huge rate that the step control rejects,
#: not an OverflowError that ends the reference.
_MAX_EXPONENT = 700.0


def _exp(x: float) -> float:
    """exp(x), capped at exp(:data:`_MAX_EXPONENT`)."""
    return math.exp(min(x, _MAX_EXPONENT))


def _x_over_expm1(x: float) -> float:
    """x / (exp(x) − 1), 1 at x = 0 (the removable singularity of the HH rate functions)."""
    if x > _MAX_EXPONENT:
        return x * math.exp(-x)
    return x / math.expm1(x) if x != 0.0 else 1.0


def classic_rates(v: float) -> tuple[float, float, float, float, float, float]:
    """Classic HH rates (1/ms) at v (mV), rest at −65 mV (Dayan & Abbott 2001, eqs.
    5.22, 5.24, 5.25): (α_m, β_m, α_h, β_h, α_n, β_n)."""
    return (1.0 * _x_over_expm1(-(v + 40.0) / 10.0),          # 0.1(v + 40)/(1 − exp(−(v + 40)/10))
            4.0 * _exp(-(v + 65.0) / 18.0),
            0.07 * _exp(-(v + 65.0) / 20.0),
            1.0 / (1.0 + _exp(-(v + 35.0) / 10.0)),
            0.1 * _x_over_expm1(-(v + 55.0) / 10.0),           # 0.01(v + 55)/(1 − exp(−(v + 55)/10))
            0.125 * _exp(-(v + 65.0) / 80.0))


def _classic_rhs(p: Mapping):
    c, g_na, g_k, g_l = p["cm"], p["gbar_Na"], p["gbar_K"], p["g_leak"]
    e_na, e_k, e_l = p["e_rev_Na"], p["e_rev_K"], p["e_rev_leak"]

    def f(y, current):
        v, m, h, n = y
        am, bm, ah, bh, an, bn = classic_rates(v)
        return ((g_l * (e_l - v) + g_na * m * m * m * h * (e_na - v) + g_k * n * n * n * n * (e_k - v) + current) / c,
                am * (1.0 - m) - bm * m, ah * (1.0 - h) - bh * h, an * (1.0 - n) - bn * n)

    return f


def _classic_initial(p: Mapping) -> tuple:
    """v = −65 mV, gates at their steady state there (NEST ``hh_psc_alpha``)."""
    am, bm, ah, bh, an, bn = classic_rates(-65.0)
    return (-65.0, am / (am + bm), ah / (ah + bh), an / (an + bn))


def traub_rates(v: float, v_offset: float) -> tuple[float, float, float, float, float, float]:
    """Traub-Miles rates (1/ms) at v (mV) with V_T = ``v_offset`` (Traub & Miles 1991;
    PyNN ``HH_cond_exp``, NEST ``hh_cond_exp_traub``): (α_m, β_m, α_h, β_h, α_n, β_n)."""
    u = v - v_offset
    return (0.32 * 4.0 * _x_over_expm1((13.0 - u) / 4.0),     # 0.32(13 − u)/(exp((13 − u)/4) − 1)
            0.28 * 5.0 * _x_over_expm1((u - 40.0) / 5.0),     # 0.28(u − 40)/(exp((u − 40)/5) − 1)
            0.128 * _exp((17.0 - u) / 18.0),
            4.0 / (1.0 + _exp((40.0 - u) / 5.0)),
            0.032 * 5.0 * _x_over_expm1((15.0 - u) / 5.0),    # 0.032(15 − u)/(exp((15 − u)/5) − 1)
            0.5 * _exp((10.0 - u) / 40.0))


def _traub_rhs(p: Mapping):
    c, g_na, g_k, g_l = p["cm"], p["gbar_Na"], p["gbar_K"], p["g_leak"]
    e_na, e_k, e_l, v_t = p["e_rev_Na"], p["e_rev_K"], p["e_rev_leak"], p["v_offset"]

    def f(y, current):
        v, m, h, n = y
        am, bm, ah, bh, an, bn = traub_rates(v, v_t)
        return ((g_l * (e_l - v) - g_na * m * m * m * h * (v - e_na) - g_k * n * n * n * n * (v - e_k) + current) / c,
                am * (1.0 - m) - bm * m, ah * (1.0 - h) - bh * h, an * (1.0 - n) - bn * n)

    return f


CELLS = {
    "HH_curr_alpha": Cell("HH_curr_alpha", ("v", "m", "h", "n"), _classic_rhs, _classic_initial,
                          level=lambda p: 0.0, refractory=lambda p: float(p["tau_refrac"])),
    # PyNN's initial values: v = −65 mV, m = 0, h = 1, n = 0; NEST's spike level V_T + 30 mV, t_ref 2 ms
    "HH_cond_exp": Cell("HH_cond_exp", ("v", "m", "h", "n"), _traub_rhs, lambda p: (-65.0, 0.0, 1.0, 0.0),
                        level=lambda p: float(p["v_offset"]) + 30.0, refractory=lambda p: 2.0),
}


def cell(name: str) -> Cell:
    """The reference cell of cell type ``name``; ValueError naming the known ones."""
    if name not in CELLS:
        raise ValueError(f"no reference solution for cell type {name!r}; known: {', '.join(CELLS)}")
    return CELLS[name]


def current_pieces(params: Mapping, duration_ms: float, dt_ms: float) -> list[tuple[float, float, float]]:
    """The injected current as (start, stop, nA) pieces over [0, duration]: ``i_offset``
    throughout, plus a step (``step_amplitude``) that acts, as PyNN's DCSource does on
    every simulator, from one time step after ``step_start`` to one after ``step_stop``."""
    base = float(params.get("i_offset", 0.0))
    amplitude = float(params.get("step_amplitude", 0.0))
    edges = {0.0, float(duration_ms)}
    if amplitude:
        on = float(params.get("step_start", 0.0)) + dt_ms
        off = float(params.get("step_stop", math.inf)) + dt_ms
        edges |= {min(max(t, 0.0), duration_ms) for t in (on, off) if math.isfinite(t)}
    else:
        on = off = math.inf
    edges = sorted(edges)
    return [(a, b, base + (amplitude if on <= a < off else 0.0)) for a, b in zip(edges[:-1], edges[1:]) if b > a]


def recorded_pieces(params: Mapping, samples_nA, sample_ms: float) -> list[tuple[float, float, float]]:
    """A recorded current as (start, stop, nA) pieces, ``i_offset`` added: sample k during
    [k·Δ, (k+1)·Δ) (:mod:`zoo.stimuli.recorded_current`, exact on every simulator when Δ is
    at least two steps)."""
    base = float(params.get("i_offset", 0.0))
    return [(k * sample_ms, (k + 1) * sample_ms, base + float(value)) for k, value in enumerate(samples_nA)]


@dataclass(frozen=True)
class FirstSpike:
    """The first spike of the reference solution, in continuous time (NaN without one):
    peak time (ms) and value (mV), |v''| at the peak (mV/ms²), and at the rising and the
    falling crossing of the half level (v₀ + peak)/2 the slope |v'| (mV/ms) and |v''|."""

    peak_ms: float
    peak_mv: float
    peak_curvature: float
    rise_slope: float
    rise_curvature: float
    fall_slope: float
    fall_curvature: float

    @staticmethod
    def none() -> "FirstSpike":
        return FirstSpike(*(np.nan,) * 7)


class Solution:
    """A dense reference solution of one point from t = 0 to its first spike's peak plus
    :data:`AFTER_PEAK_MS`, or to the end of ``pieces`` without a spike: ``v(t)`` at any
    time up to ``end``; ``peaks`` holds the first spike's peak time (or nothing)."""

    def __init__(self, cell_: Cell, params: Mapping, pieces, rtol: float):
        from scipy.integrate import solve_ivp

        self.cell, self.params = cell_, params
        f = cell_.rhs(params)
        level = cell_.level(params)
        y = np.asarray(cell_.initial(params), dtype=float)
        self.v0 = float(y[0])
        self._pieces, self.peaks = [], []
        self.end = limit = pieces[-1][1]
        for start, stop, current in pieces:
            if start >= limit:
                break
            stop = min(stop, limit)

            # the first spike's peak: dv/dt falling through zero while v is at or above the level
            def peak(t, y, current=current):
                return f(y, current)[0] if y[0] >= level else 1.0
            peak.direction, peak.terminal = -1.0, not self.peaks
            solved = solve_ivp(lambda t, y, current=current: f(y, current), (start, stop), y, method="DOP853",
                               rtol=rtol, atol=rtol, dense_output=True, events=peak)
            if not solved.success:
                raise RuntimeError(f"reference solution failed: {solved.message}")
            self._pieces.append((start, float(solved.t[-1]), current, solved.sol))
            y = solved.y[:, -1]
            if not self.peaks and solved.t_events[0].size:
                self.peaks.append(float(solved.t_events[0][0]))
                limit = min(limit, self.peaks[0] + AFTER_PEAK_MS)
                if min(stop, limit) <= solved.t[-1]:
                    continue
                rest = solve_ivp(lambda t, y, current=current: f(y, current), (float(solved.t[-1]), min(stop, limit)),
                                 y, method="DOP853", rtol=rtol, atol=rtol, dense_output=True)
                self._pieces.append((float(solved.t[-1]), float(rest.t[-1]), current, rest.sol))
                y = rest.y[:, -1]
            self.end = self._pieces[-1][1]
        self._f = f

    def _piece(self, t: float):
        for start, stop, current, sol in self._pieces:
            if t <= stop:
                return current, sol
        return self._pieces[-1][2], self._pieces[-1][3]

    def v(self, t_ms) -> np.ndarray:
        t_ms = np.atleast_1d(np.asarray(t_ms, dtype=float))
        out = np.empty(t_ms.shape)
        for i, (start, stop, _, sol) in enumerate(self._pieces):
            inside = (t_ms >= start) & (t_ms <= stop) if i == 0 else (t_ms > start) & (t_ms <= stop)
            if inside.any():
                out[inside] = sol(t_ms[inside])[0]
        return out

    def derivative(self, t: float) -> float:
        """dv/dt (mV/ms) at t, from the equations at the solution's state."""
        current, sol = self._piece(t)
        return float(self._f(sol(t), current)[0])

    def curvature(self, t: float, delta: float = 1e-4) -> float:
        """|d²v/dt²| (mV/ms²) at t: the central difference of dv/dt over ±delta ms (its
        error, delta²·|v⁗|/6, is below 1e-5 relative for a spike)."""
        return abs(self.derivative(t + delta) - self.derivative(t - delta)) / (2.0 * delta)


@functools.lru_cache(maxsize=512)
def _solve(cell_name: str, items: tuple, duration_ms: float, dt_ms: float, rtol: float) -> Solution:
    params = dict(items)
    cell_ = cell(cell_name)
    pieces = current_pieces(params, duration_ms, dt_ms)
    return Solution(cell_, params, pieces, rtol)


def first_spike_solution(cell_name: str, params: Mapping, duration_ms: float, dt_ms: float,
                         rtol: float = RTOL) -> Solution:
    """The reference solution of one point up to its first spike's peak plus
    :data:`AFTER_PEAK_MS` (or the run's end without a spike); cached per point."""
    items = tuple(sorted((k, float(v)) for k, v in params.items() if _number(v)))
    whole = _solve(cell_name, items, float(duration_ms), float(dt_ms), float(rtol))
    return whole


def _number(value) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def first_spike_shape(cell_name: str, params: Mapping, duration_ms: float, dt_ms: float) -> FirstSpike:
    """The continuous first spike of one point (:class:`FirstSpike`); cached per point."""
    items = tuple(sorted((k, float(v)) for k, v in params.items() if _number(v)))
    return _shape(cell_name, items, float(duration_ms), float(dt_ms))


@functools.lru_cache(maxsize=512)
def _shape(cell_name: str, items: tuple, duration_ms: float, dt_ms: float) -> FirstSpike:
    from scipy.optimize import brentq

    solution = first_spike_solution(cell_name, dict(items), duration_ms, dt_ms)
    if not solution.peaks:
        return FirstSpike.none()
    t_peak = solution.peaks[0]
    peak = float(solution.v(t_peak)[0])
    half = 0.5 * (solution.v0 + peak)
    # the crossings of the half level next to the peak, bracketed on a 0.01 ms grid
    before = np.arange(max(0.0, t_peak - SHAPE_WINDOW_MS), t_peak, 0.01)
    after = np.arange(t_peak, solution.end, 0.01)
    below = np.flatnonzero(solution.v(before) < half)
    falling = np.flatnonzero(solution.v(after) < half)
    if not below.size or not falling.size:
        return FirstSpike(t_peak, peak, solution.curvature(t_peak), *(np.nan,) * 4)
    rise = brentq(lambda t: solution.v(t)[0] - half, before[below[-1]], min(before[below[-1]] + 0.01, t_peak),
                  xtol=1e-12)
    fall = brentq(lambda t: solution.v(t)[0] - half, after[falling[0] - 1], after[falling[0]], xtol=1e-12)
    return FirstSpike(t_peak, peak, solution.curvature(t_peak), abs(solution.derivative(rise)),
                      solution.curvature(rise), abs(solution.derivative(fall)), solution.curvature(fall))


def spikes_on_grid(t_ms: np.ndarray, v_mv: np.ndarray, level_mv: float, refractory_ms: float) -> np.ndarray:
    """Spike times of the peak rule on sampled v: the first grid time with v ≥ level at
    which v is below its previous sample, then no spike for ``refractory_ms``."""
    candidates = np.flatnonzero((v_mv[1:] >= level_mv) & (v_mv[1:] < v_mv[:-1])) + 1
    spikes, free_from = [], -np.inf
    for k in candidates:
        if t_ms[k] >= free_from - 1e-9:
            spikes.append(t_ms[k])
            free_from = t_ms[k] + refractory_ms
    return np.asarray(spikes, dtype=float)


def first_spike_on_grid(cell_name: str, params: Mapping, duration_ms: float, dt_ms: float) -> dict[str, float]:
    """The reference's first spike as a run on a grid of ``dt_ms`` reports it:
    ``first_spike_ms`` by the peak rule, ``spike_peak_mv`` and ``spike_half_width_ms`` by
    :func:`spike_shape` on the sampled v (NaN without a spike)."""
    solution = first_spike_solution(cell_name, params, duration_ms, dt_ms)
    cell_ = cell(cell_name)
    end = solution.peaks[0] + AFTER_PEAK_MS if solution.peaks else duration_ms
    steps = int(math.floor(min(end, duration_ms) / dt_ms + 1e-9))
    t = np.arange(steps + 1) * dt_ms
    v = solution.v(t)
    spikes = spikes_on_grid(t, v, cell_.level(params), cell_.refractory(params))
    first = spikes[0] if spikes.size else np.nan
    peak, width = spike_shape(t, v[:, None], np.array([first]))
    return {"first_spike_ms": float(first), "spike_peak_mv": float(peak[0]), "spike_half_width_ms": float(width[0])}


# -- AdEx (issue 33) ---------------------------------------------------------------------------
#: The AdEx's reference: its whole spike train, not only the first spike (a 2-D system, cheap
#: to solve: the run's crossings are located as events of the solver).


@dataclass(frozen=True)
class AdExTrain:
    """The reference AdEx's spikes in one run: ``crossings_ms``, the continuous times at which v
    reaches v_spike, and ``reported_ms``, each at the end of the time step that holds it
    (ceil(t*/dt)·dt, the zoo's grid); ``w_after_ms``/``w_after_na``: w just after each reset."""

    crossings_ms: np.ndarray
    reported_ms: np.ndarray
    w_after_na: np.ndarray


def adex_derivatives(p: Mapping):
    """f(v, w, current_na) -> (dv/dt mV/ms, dw/dt nA/ms) of PyNN's ``EIF_cond_exp_isfa_ista``
    under current clamp (no synaptic conductance): C dv/dt = −g_L(v − E_L) +
    g_L Δ_T exp((v − V_T)/Δ_T) − w + I, τ_w dw/dt = a(v − E_L) − w, with g_L = cm/tau_m (µS),
    a in nS (×1e-3 µS, so a·mV is nA), w and I in nA. Brette & Gerstner (2005), eqs. 1-2."""
    c, g_l, e_l = float(p["cm"]), float(p["cm"]) / float(p["tau_m"]), float(p["v_rest"])
    v_t, delta, a, tau_w = float(p["v_thresh"]), float(p["delta_T"]), 1e-3 * float(p["a"]), float(p["tau_w"])

    def f(v, w, current):
        return ((-g_l * (v - e_l) + g_l * delta * _exp((v - v_t) / delta) - w + current) / c,
                (a * (v - e_l) - w) / tau_w)

    return f


# -- cells whose spike is a cut and a reset (Izhikevich): the whole train ---------------------
#
# A spike of such a cell is the time v reaches its cut (30 mV), located by SciPy's event
# search on the dense DOP853 solution (to round-off), at which the state is reset and the
# solution restarts: the continuous train, not only a first spike. A run on a grid of step h
# detects v >= the cut at the end of a step, so the reference's spike is reported at
# ceil(t*/h)·h (:func:`cut_spikes_on_grid`).

#: 1 nA into a cell of 1 pF (PyNN's Izhikevich on every backend) is 1000 mV/ms.
MV_PER_MS_PER_NA = 1000.0


@dataclass(frozen=True)
class ResetCell:
    """A point neuron whose spike is v reaching ``cut(params)`` (mV), after which
    ``reset(params)(y)`` is the state: ``rhs(params)`` returns f(y, current_na) -> dy/dt,
    ``initial(params)`` the state at t = 0."""

    name: str
    state: tuple[str, ...]
    rhs: Callable[[Mapping], Callable[[np.ndarray, float], tuple]]
    initial: Callable[[Mapping], tuple]
    cut: Callable[[Mapping], float]
    reset: Callable[[Mapping], Callable[[np.ndarray], np.ndarray]]


#: PyNN's Izhikevich hard-codes these; the zoo's IzhikevichGeneral makes them parameters.
IZHIKEVICH_STANDARD = {"k2": 0.04, "k1": 5.0, "k0": 140.0, "v_u": 0.0, "u_decay": 1.0}


def _izhikevich_rhs(p: Mapping):
    """v' = k2·v² + k1·v + k0 − u + I, u' = a·(b·(v − v_u) − u_decay·u) (Izhikevich 2003,
    2004; I = 1000 mV/ms per nA)."""
    q = {**IZHIKEVICH_STANDARD, **{k: float(v) for k, v in p.items() if k in IZHIKEVICH_STANDARD}}
    a, b, k2, k1, k0, v_u, decay = (float(p["a"]), float(p["b"]), q["k2"], q["k1"], q["k0"], q["v_u"], q["u_decay"])

    def f(y, current):
        v, u = y
        return (k2 * v * v + k1 * v + k0 - u + MV_PER_MS_PER_NA * current, a * (b * (v - v_u) - decay * u))

    return f


def adex_train(params: Mapping, duration_ms: float, dt_ms: float, rtol: float = RTOL,
               reset_at_step_end: bool = False, pieces=None) -> AdExTrain:
    """The AdEx's spike train from (v_init, w_init) over [0, duration_ms], under ``i_offset``
    and a step (:func:`current_pieces`: the step acts from one step after step_start), or
    under ``pieces`` of constant current, (start ms, stop ms, nA) (:func:`recorded_pieces`).

    DOP853 at ``rtol`` (relative and absolute) between events; each crossing of ``v_spike``
    (rising) is located on the solver's dense output of order 7 (SciPy's event location,
    brentq to 4 ulp), and there v = v_reset, w += b. With ``tau_refrac`` > 0, v is then held at
    v_reset until T + tau_refrac, T the reported time (the zoo's semantics,
    ``zoo.backends.base``), while w relaxes towards a·(v_reset − E_L) exactly:
    w∞ + (w − w∞)·exp(−t/τ_w). No ramp (its waveform is a current per step; refused).

    ``reset_at_step_end``: the spike rule of Brian2 and NEURON with an exact integrator: after
    the crossing, v and w follow the equations with v capped at v_spike in the exponential and
    in w's drive (NEST's form, which both backends integrate) until T, and the reset comes
    there. Its distance from the reference is the spike rule's share of those simulators'
    error; their distance from it, the integrator's (``docs/adex-simulators.md``)."""
    from scipy.integrate import solve_ivp

    if float(params.get("ramp_amplitude", 0.0)) != 0.0:
        raise ValueError("the AdEx reference takes i_offset and a step current, not a ramp")
    f = adex_derivatives(params)
    v_spike, v_reset, b = float(params["v_spike"]), float(params["v_reset"]), float(params["b"])
    tau_refrac, tau_w = float(params["tau_refrac"]), float(params["tau_w"])
    w_rest = 1e-3 * float(params["a"]) * (v_reset - float(params["v_rest"]))
    t, v, w = 0.0, float(params["v_init"]), float(params["w_init"])
    held_until = 0.0
    crossings, reported, w_after = [], [], []
    for start, stop, current in (current_pieces(params, duration_ms, dt_ms) if pieces is None else pieces):
        t = max(t, start)
        while t < stop:
            if t < held_until:  # refractory: v at v_reset, w relaxes exactly
                until = min(held_until, stop)
                w = w_rest + (w - w_rest) * math.exp(-(until - t) / tau_w)
                t = until
                continue

            def crossing(_, y):
                return y[0] - v_spike
            crossing.terminal, crossing.direction = True, 1.0
            solved = solve_ivp(lambda _, y, current=current: f(y[0], y[1], current), (t, stop), (v, w),
                               method="DOP853", rtol=rtol, atol=rtol, events=crossing)
            if not solved.success:
                raise RuntimeError(f"AdEx reference failed: {solved.message}")
            if not solved.t_events[0].size:
                t, v, w = stop, float(solved.y[0, -1]), float(solved.y[1, -1])
                break
            t = float(solved.t_events[0][0])
            v, w = v_reset, float(solved.y_events[0][0][1]) + b
            step_end = math.ceil(t / dt_ms - 1e-9) * dt_ms
            if reset_at_step_end and step_end > t:
                w = _capped_until(params, float(solved.y_events[0][0][1]), step_end - t) + b
            crossings.append(t)
            reported.append(round(step_end / dt_ms) * dt_ms)
            w_after.append(w)
            held_until = step_end + tau_refrac if tau_refrac > 0 else t
            if reset_at_step_end:
                t, held_until = max(t, step_end), max(held_until, step_end)
    kept = np.asarray(reported) <= duration_ms + 1e-9 * dt_ms
    return AdExTrain(np.asarray(crossings)[kept], np.asarray(reported)[kept], np.asarray(w_after)[kept])


def _capped_until(params: Mapping, w: float, span_ms: float) -> float:
    """w after ``span_ms`` from a crossing of v_spike with v above it: v is capped at v_spike in
    w's drive, so w relaxes exactly towards a·(v_spike − E_L) (what a step-end reset adds to w)."""
    w_spike = 1e-3 * float(params["a"]) * (float(params["v_spike"]) - float(params["v_rest"]))
    return w_spike + (w - w_spike) * math.exp(-span_ms / float(params["tau_w"]))


def _izhikevich_reset(p: Mapping):
    c, d = float(p["c"]), float(p["d"])
    return lambda y: np.array([c, y[1] + d])


_IZHIKEVICH = ResetCell("Izhikevich", ("v", "u"), _izhikevich_rhs, lambda p: (float(p["v_init"]), float(p["u_init"])),
                        cut=lambda p: 30.0, reset=_izhikevich_reset)
RESET_CELLS = {"Izhikevich": _IZHIKEVICH, "IzhikevichGeneral": _IZHIKEVICH}


def reset_cell(name: str) -> ResetCell:
    """The reference cell with a cut and reset of cell type ``name``; ValueError naming the known ones."""
    if name not in RESET_CELLS:
        raise ValueError(f"no reference train for cell type {name!r}; known: {', '.join(RESET_CELLS)}")
    return RESET_CELLS[name]


class TooManySpikes(RuntimeError):
    """The reference fires more often than allowed: its spikes accumulate (a reset that leaves
    v where it returns to the cut ever faster), which no run on a grid can follow."""


class Train:
    """The reference solution of a cell with a cut (:class:`ResetCell`) over given current
    ``pieces`` ((start, stop, nA), contiguous from 0): ``spikes_ms`` the times v reaches
    the cut, ``v(t)`` and ``state(t)`` anywhere in [0, end] (just after a spike: the reset state)."""

    def __init__(self, cell_: ResetCell, params: Mapping, pieces, rtol: float = RTOL, max_spikes: int = 100_000):
        from scipy.integrate import solve_ivp

        self.cell = cell_
        f, cut, reset = cell_.rhs(params), cell_.cut(params), cell_.reset(params)
        y = np.asarray(cell_.initial(params), dtype=float)
        if y[0] >= cut:
            raise ValueError(f"the initial v ({y[0]:g} mV) is at or above the cut ({cut:g} mV)")
        self.spikes_ms: list[float] = []
        self._segments: list[tuple[float, float, object]] = []

        def crossing(t, y, current):
            return y[0] - cut
        crossing.terminal, crossing.direction = True, 1.0

        for start, stop, current in pieces:
            t = float(start)
            while t < stop:
                solved = solve_ivp(lambda t, y, current: f(y, current), (t, float(stop)), y, method="DOP853", rtol=rtol, atol=rtol, dense_output=True,
                                   events=crossing, args=(current,))
                if solved.status == -1:
                    raise RuntimeError(f"reference solution failed: {solved.message}")
                self._segments.append((t, float(solved.t[-1]), solved.sol))
                if solved.t_events[0].size:
                    t = float(solved.t_events[0][0])
                    self.spikes_ms.append(t)
                    if len(self.spikes_ms) > max_spikes:
                        raise TooManySpikes(f"more than {max_spikes} spikes by {t:.6g} ms (the last interval "
                                            f"{t - self.spikes_ms[-2]:.3g} ms): the accurate solution fires "
                                            "ever faster after each reset")
                    y = reset(solved.y_events[0][0])
                else:
                    t, y = float(stop), solved.y[:, -1]
        self.end = float(pieces[-1][1])
        self._starts = np.array([start for start, _, _ in self._segments])

    def state(self, t_ms) -> np.ndarray:
        """The state at each time of ``t_ms`` (one row per variable): the segment that starts
        last at or before t, so a spike's time reads the reset state."""
        t_ms = np.atleast_1d(np.asarray(t_ms, dtype=float))
        which = np.clip(np.searchsorted(self._starts, t_ms, side="right") - 1, 0, len(self._segments) - 1)
        out = np.empty((len(self.cell.state), t_ms.size))
        for index in np.unique(which):
            inside = which == index
            out[:, inside] = self._segments[index][2](t_ms[inside])
        return out

    def v(self, t_ms) -> np.ndarray:
        return self.state(t_ms)[0]


def cut_spikes_on_grid(spikes_ms, dt_ms: float, duration_ms: float) -> np.ndarray:
    """The reference's spikes as a run on a grid of ``dt_ms`` reports them: at the end of the
    step in which v reached the cut, ceil(t*/dt)·dt (a crossing within 1e-9 steps of a grid
    time is taken at it), up to ``duration_ms``."""
    steps = np.ceil(np.asarray(spikes_ms, dtype=float) / dt_ms - 1e-9)
    times = steps * dt_ms
    return times[times <= duration_ms + 1e-9 * dt_ms]
