"""Passive cable theory: closed forms for a uniform cylinder with sealed ends, and the
exact solution of its compartmental discretisation (which bounds the zoo's errors).

A cylinder of length L (µm) and diameter d (µm), specific membrane resistance R_m
(Ω·cm²), specific capacitance C_m (µF/cm²) and axial resistivity R_a (Ω·cm), with a
constant current I (nA) entering at x = 0 (Rall 1959; Koch 1999 *Biophysics of
Computation* ch. 2; Dayan & Abbott 2001 sec. 6.3):

    λ = sqrt(d·R_m / (4·R_a))                         length constant
    τ = R_m·C_m                                        membrane time constant
    r_a = 4·R_a / (π·d²)                               axial resistance per length
    R_in = r_a·λ·coth(L/λ)                             input resistance at x = 0
    V(x) = I·R_in · cosh((L − x)/λ) / cosh(L/λ)        steady state (deflection from rest)
    V(L)/V(0) = 1 / cosh(L/λ)                          attenuation at the far end

**The compartmental cable** (the zoo's ``MultiCompartmentNeuron``: N compartments of
length Δx, centres x_i = (i + ½)Δx) is the cell-centred finite-difference scheme of
the same equation. Its steady state is exactly V_i = A·cosh(κ·(N − ½ − i)) with
cosh κ = 1 + (Δx/λ)²/2 and A = I / (2·g_C·sinh(κN)·sinh(κ/2)), g_C = π·d²/(4·R_a·Δx):
the continuous solution with λ replaced by Δx/κ = λ·(1 + (Δx/λ)²/24 + …). The
difference between the two is the discretisation error, second order in Δx/λ.
"""
from __future__ import annotations

import numpy as np

from ...declarations.numerics import Numerics

UM_PER_CM = 1e4


def length_constant_um(diameter_um, Rm_ohm_cm2, Ra_ohm_cm):
    """λ (µm)."""
    d_cm = np.asarray(diameter_um, dtype=float) / UM_PER_CM
    return np.sqrt(d_cm * np.asarray(Rm_ohm_cm2, dtype=float) / (4.0 * np.asarray(Ra_ohm_cm, dtype=float))) * UM_PER_CM


def membrane_time_constant_ms(Rm_ohm_cm2, cm_uF_cm2):
    """τ = R_m·C_m (ms): Ω·cm² × µF/cm² = µs."""
    return np.asarray(Rm_ohm_cm2, dtype=float) * np.asarray(cm_uF_cm2, dtype=float) * 1e-3


def axial_resistance_mohm_per_um(diameter_um, Ra_ohm_cm):
    """r_a (MΩ/µm)."""
    d_cm = np.asarray(diameter_um, dtype=float) / UM_PER_CM
    return 4.0 * np.asarray(Ra_ohm_cm, dtype=float) / (np.pi * d_cm**2) / UM_PER_CM * 1e-6


def input_resistance_mohm(length_um, diameter_um, Rm_ohm_cm2, Ra_ohm_cm):
    """R_in = r_a·λ·coth(L/λ) (MΩ) of a sealed finite cable, at x = 0."""
    lam = length_constant_um(diameter_um, Rm_ohm_cm2, Ra_ohm_cm)
    return axial_resistance_mohm_per_um(diameter_um, Ra_ohm_cm) * lam / np.tanh(np.asarray(length_um) / lam)


def attenuation(length_um, diameter_um, Rm_ohm_cm2, Ra_ohm_cm):
    """V(L)/V(0) = 1/cosh(L/λ) at steady state."""
    return 1.0 / np.cosh(np.asarray(length_um) / length_constant_um(diameter_um, Rm_ohm_cm2, Ra_ohm_cm))


def steady_state_mv(x_um, amplitude_na, length_um, diameter_um, Rm_ohm_cm2, Ra_ohm_cm):
    """Steady deflection V(x) from rest (mV) at positions ``x_um`` for a current
    ``amplitude_na`` (nA) into the sealed end x = 0."""
    lam = length_constant_um(diameter_um, Rm_ohm_cm2, Ra_ohm_cm)
    r_in = input_resistance_mohm(length_um, diameter_um, Rm_ohm_cm2, Ra_ohm_cm)
    return amplitude_na * r_in * np.cosh((length_um - np.asarray(x_um, dtype=float)) / lam) / np.cosh(length_um / lam)


def compartmental_steady_state_mv(n_compartments, amplitude_na, length_um, diameter_um, Rm_ohm_cm2, Ra_ohm_cm):
    """Exact steady deflection (mV) of each compartment of the discretised cable
    (module docstring), current into compartment 0."""
    n = int(n_compartments)
    dx = length_um / n
    kappa = np.arccosh(1.0 + 0.5 * (dx / length_constant_um(diameter_um, Rm_ohm_cm2, Ra_ohm_cm)) ** 2)
    g_c_us = 1.0 / (axial_resistance_mohm_per_um(diameter_um, Ra_ohm_cm) * dx)  # 1/MΩ = µS
    a = amplitude_na / (2.0 * g_c_us * np.sinh(kappa * n) * np.sinh(kappa / 2.0))
    return a * np.cosh(kappa * (n - 0.5 - np.arange(n)))


def end_values(deflection_mv: np.ndarray) -> tuple[float, float]:
    """Deflection at the two sealed ends, x = 0 and x = L, extrapolated linearly from
    the two outermost compartment centres (error second order in Δx)."""
    v = np.asarray(deflection_mv, dtype=float)
    if v.size < 2:
        return float(v[0]), float(v[0])
    return 1.5 * v[0] - 0.5 * v[1], 1.5 * v[-1] - 0.5 * v[-2]


#: Per-step factor by which each scheme multiplies a cable mode of rate μ (h = μ·dt).
MODE_AMPLIFICATION = {
    "implicit_euler": lambda h: 1.0 / (1.0 + h),
    "crank_nicolson": lambda h: (1.0 - h / 2.0) / (1.0 + h / 2.0),
}
#: Bias of the fitted charging time constant (ms) for each scheme at step dt (ms):
#: implicit Euler dt/ln(1 + dt/τ) = τ + dt/2 − …; Crank-Nicolson τ − dt²/(12τ) + …
TAU_BIAS_MS = {
    "implicit_euler": lambda dt, tau: dt / 2.0,
    "crank_nicolson": lambda dt, tau: dt**2 / (12.0 * tau),
}


def _known(numerics: Numerics, table: dict, what: str) -> list:
    unknown = numerics.names() - set(table)
    if unknown:
        raise ValueError(f"cable theory has no {what} for the integration scheme(s) {', '.join(sorted(unknown))}; "
                         f"known: {', '.join(table)}")
    return [table[name] for name in sorted(numerics.names())]


def transient_bound(n_compartments, length_um, diameter_um, Rm_ohm_cm2, Ra_ohm_cm, cm_uF_cm2, numerics: Numerics,
                    steps):
    """Largest factor by which an initial error can survive ``steps`` time steps of
    the schemes in ``numerics`` (:data:`MODE_AMPLIFICATION`).

    The compartmental cable is dV/dt = −M·V + b with M symmetric (uniform
    compartments) and eigenvalues μ_k = (1/τ)·(1 + (2 − 2·cos(kπ/N))/(Δx/λ)²),
    k = 0 … N−1 (sealed ends). Starting at rest, |V_i(t) − V_i(∞)| ≤ factor · ‖V(∞)‖₂.
    """
    n = int(n_compartments)
    dx = length_um / n
    lam = length_constant_um(diameter_um, Rm_ohm_cm2, Ra_ohm_cm)
    tau = membrane_time_constant_ms(Rm_ohm_cm2, cm_uF_cm2)
    mu = (1.0 + (2.0 - 2.0 * np.cos(np.pi * np.arange(n) / n)) / (dx / lam) ** 2) / tau
    h = mu * numerics.dt_ms
    per_step = max(np.max(np.abs(amplify(h))) for amplify in _known(numerics, MODE_AMPLIFICATION, "mode damping"))
    return float(per_step ** max(int(steps), 0))


#: Relative slack for floating-point round-off: a tridiagonal solve of N ≤ 1000
#: compartments loses about N·ε ≈ 2e-13 per step, and errors decay with the cable's
#: slowest mode, so at most τ/dt steps accumulate: 2e-13 × 1e4 = 2e-9 at τ/dt = 1e4.
ROUND_OFF = 1e-8
#: First-order time-step error of the conduction velocity of the cable schemes with
#: exponential-Euler gates, relative, per ms of dt (|v(dt) − v(0)|/v ≤ this · dt):
#: bounded by step doubling in ``zoo.models.cable.studies.active_rows``.
VELOCITY_ERROR_PER_MS = 0.6


def _rows(rows) -> list[dict]:
    import pandas as pd

    return rows.to_dict("records") if isinstance(rows, pd.DataFrame) else list(rows)


def is_passive(p) -> bool:
    """Whether the cable has no active channels (its closed forms apply)."""
    return p["gbar_Na"] == 0.0 and p["gbar_K"] == 0.0


def steady_state_bounds(p, numerics: Numerics):
    """(discrete R_in, discrete attenuation, error bound on R_in, on the attenuation);
    NaNs and zero bounds without a current (the steady metrics are NaN then)."""
    dt_ms, duration_ms = numerics.dt_ms, numerics.duration_ms
    if p["amplitude"] == 0.0:
        return np.nan, np.nan, 0.0, 0.0
    args = (p["length"], p["diameter"], p["Rm"], p["Ra"])
    discrete = compartmental_steady_state_mv(p["n_compartments"], p["amplitude"], *args)
    near, far = end_values(discrete)
    steps = int(round((duration_ms - p["start"]) / dt_ms)) - 1
    survive = transient_bound(p["n_compartments"], *args, p["cm"], numerics, steps) * np.linalg.norm(discrete)
    # the end values weigh two compartments by 1.5 and 0.5: their error is at most 2·survive
    r_error = 2.0 * survive / abs(p["amplitude"])
    att_error = 2.0 * survive * (1.0 + abs(far / near)) / abs(near)
    return near / p["amplitude"], far / near, r_error, att_error


def tau_error_ms(tau_ms, numerics: Numerics):
    """Bound on the error of the fitted charging time constant: the sum of the
    schemes' biases (:data:`TAU_BIAS_MS`); one scheme against theory, or the
    difference between two simulators (whose biases may have opposite signs)."""
    tau = np.asarray(tau_ms, dtype=float)
    _known(numerics, TAU_BIAS_MS, "tau bias")
    return np.sum([TAU_BIAS_MS[s.name](numerics.dt_ms, tau) for s in numerics.schemes], axis=0)


def closed_form_tolerance(rows, numerics: Numerics) -> dict:
    """Allowed |simulated − closed form| per row: the exact discretisation error (the
    compartmental solution against the continuous one), the transient left at the
    end of the run, the τ-fit bias of the schemes, and round-off."""
    out = {"input_resistance_mohm": [], "attenuation": [], "tau_ms": []}
    for p in _rows(rows):
        r_disc, att_disc, r_error, att_error = steady_state_bounds(p, numerics)
        r_cont = input_resistance_mohm(p["length"], p["diameter"], p["Rm"], p["Ra"])
        att_cont = attenuation(p["length"], p["diameter"], p["Rm"], p["Ra"])
        tau = membrane_time_constant_ms(p["Rm"], p["cm"])
        out["input_resistance_mohm"].append(abs(r_disc - r_cont) + r_error + ROUND_OFF * r_cont)
        out["attenuation"].append(abs(att_disc - att_cont) + att_error + ROUND_OFF)
        out["tau_ms"].append(tau_error_ms(tau, numerics) + ROUND_OFF * tau)
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}


def agreement(pairs, numerics: Numerics) -> dict:
    """Allowed difference between two simulators per pair: both solve the same
    compartmental equations, so the steady state differs only by what each leaves of
    the transient; τ by the schemes' fit biases; the velocity by both schemes'
    first-order time errors."""
    dt_ms = numerics.dt_ms
    out = {"input_resistance_mohm": [], "attenuation": [], "tau_ms": [], "velocity_m_per_s": []}
    for p in _rows(pairs):
        r_disc, _, r_error, att_error = steady_state_bounds(p, numerics)
        out["input_resistance_mohm"].append(2 * r_error + 2 * ROUND_OFF * np.nan_to_num(abs(r_disc)))
        out["attenuation"].append(2 * att_error + 2 * ROUND_OFF)
        tau = membrane_time_constant_ms(p["Rm"], p["cm"])
        out["tau_ms"].append(tau_error_ms(tau, numerics) + 2 * ROUND_OFF * tau)
        velocity = p["velocity_m_per_s"]  # NaN when no spike crossed: then both sides must be NaN
        out["velocity_m_per_s"].append(2 * VELOCITY_ERROR_PER_MS * dt_ms * abs(velocity) if velocity == velocity else 0.0)
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}


def transient_mv(x_um, t_ms, amplitude_na, length_um, diameter_um, Rm_ohm_cm2, Ra_ohm_cm, cm_uF_cm2,
                 n_modes: int = 4000):
    """Deflection V(x, t) (mV) of the continuous sealed cable, at rest until t = 0, then
    a constant current ``amplitude_na`` into x = 0: the steady state minus its cosine
    series (modes cos(nπx/L), decaying at (1 + (nπλ/L)²)/τ):

        V(x, t) = V∞(x) − I·r_m/L · Σₙ wₙ·cos(nπx/L)·exp(−(1 + (nπλ/L)²)·t/τ) / (1 + (nπλ/L)²),

    w₀ = 1, wₙ = 2; r_m = R_m/(π·d). Rallpack 1 (Bhalla, Bilitch & Bower 1992) is this
    cable: 1 mm, 1 µm, R_m = 40 000 Ω·cm², R_a = 100 Ω·cm, C_m = 1 µF/cm², 0.1 nA.
    Shape: (len(t), len(x)). ``n_modes`` = 4000 leaves below 1e-12 of the sum for t ≥ 1 µs
    with L ≤ 10 λ."""
    x = np.atleast_1d(np.asarray(x_um, dtype=float))
    t = np.atleast_1d(np.asarray(t_ms, dtype=float))
    lam = length_constant_um(diameter_um, Rm_ohm_cm2, Ra_ohm_cm)
    tau = membrane_time_constant_ms(Rm_ohm_cm2, cm_uF_cm2)
    r_m = Rm_ohm_cm2 / (np.pi * diameter_um / UM_PER_CM) * UM_PER_CM * 1e-6  # MΩ·µm
    n = np.arange(n_modes)
    rate = 1.0 + (n * np.pi * lam / length_um) ** 2
    weight = np.where(n == 0, 1.0, 2.0) * amplitude_na * r_m / length_um / rate
    shapes = np.cos(np.outer(n, x) * np.pi / length_um)  # modes × positions
    steady = steady_state_mv(x, amplitude_na, length_um, diameter_um, Rm_ohm_cm2, Ra_ohm_cm)
    decay = np.exp(-np.outer(t, rate) / tau)  # times × modes
    return steady[None, :] - decay @ (weight[:, None] * shapes)


def compartmental_transient_mv(compartments, steps, dt_ms: float, scheme: str, n_compartments, amplitude_na,
                               length_um, diameter_um, Rm_ohm_cm2, Ra_ohm_cm, cm_uF_cm2):
    """The compartmental cable (module docstring) integrated by ``scheme`` with step
    ``dt_ms``, exactly: after k steps of a current into compartment 0, each mode of
    rate μ has reached (1 − R(μ·dt)^k) of its steady value (R: :data:`MODE_AMPLIFICATION`).
    Deflections (mV) of ``compartments`` after each of ``steps``; shape (steps, compartments)."""
    n = int(n_compartments)
    dx = length_um / n
    area_cm2 = np.pi * (diameter_um / UM_PER_CM) * (dx / UM_PER_CM)
    capacitance_nf = cm_uF_cm2 * area_cm2 * 1e3
    g_leak_us = area_cm2 / Rm_ohm_cm2 * 1e6
    g_axial_us = 1.0 / (axial_resistance_mohm_per_um(diameter_um, Ra_ohm_cm) * dx)
    k = np.arange(n)
    mu = (g_leak_us + 2.0 * g_axial_us * (1.0 - np.cos(np.pi * k / n))) / capacitance_nf  # 1/ms
    norm = np.where(k == 0, 1.0 / n, 2.0 / n)
    at = np.cos(np.pi * np.outer(k, np.asarray(compartments) + 0.5) / n)  # modes × compartments
    steady = norm * np.cos(np.pi * k * 0.5 / n) * (amplitude_na / capacitance_nf) / mu  # per mode
    growth = 1.0 - MODE_AMPLIFICATION[scheme](mu * dt_ms)[None, :] ** np.asarray(steps)[:, None]
    return (growth * steady[None, :]) @ at
