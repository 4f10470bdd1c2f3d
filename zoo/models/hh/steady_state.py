"""Where a Hodgkin-Huxley membrane comes to rest, and the fence it gives the spike rule.

The zoo counts a spike at the first step where v is at or above a level (0 mV for the
classic cell, V_T + 30 mV for Traub-Miles) and falls. A membrane whose stable steady
state lies above that level (a depolarisation block there: no potassium current, a
reversal potential moved, a large current) sits on a plateau after its first spike, and
whether v "falls" from one step to the next is decided by round-off: every simulator
counts its own train of pseudo-spikes, one per pause (measured: the classic cell without
potassium rests at +8.2 mV, NEST counted 17 and Brian2 18 in 200 ms). Such parameters are
refused: :func:`check_rests_below_level` is a model constraint.

At the other end, a membrane driven far below rest (a hyperpolarising current through a
small leak, the sodium and potassium gates closed) leaves the range the rate functions
were fitted on (Hodgkin & Huxley 1952 measured between about -100 and +50 mV), where
β_m, α_h and β_n grow as exp(-V/18 mV) and faster: NEST's adaptive RKF45 shrinks its step
with them and stalls (measured: no sodium, g_leak = 0.0004 µS, -1.78 nA, heading for
-4500 mV, ran for minutes without ending 200 ms), while the fixed-step simulators return
whatever their step gives. :func:`check_rests_above_floor` refuses a membrane whose
current at the floor, its gates at their steady values, still hyperpolarises it.

The steady states are the zeros of the current balance at the gates' steady values,
I(V) = Σ ḡ·x∞(V)·(E − V) + I_inj; one is stable when every eigenvalue of the full
system's Jacobian there has a negative real part (a Hopf-unstable one oscillates, with
real peaks, and is not refused). Rate functions as in ``zoo.backends.celltypes`` (classic,
NEST ``hh_psc_alpha``) and NEST ``hh_cond_exp_traub`` (V − V_T).
"""
from __future__ import annotations

import numpy as np

#: The steady states looked for: from the level up to this far above it (mV), every this (mV).
SCAN_MV, SCAN_STEP_MV = 300.0, 0.05


def classic_rates(v):
    """(alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n) of the classic cell (1/ms)."""
    v = np.asarray(v, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return (0.1 * _vtrap(-(v + 40.0), 10.0), 4.0 * np.exp(-(v + 65.0) / 18.0),
                0.07 * np.exp(-(v + 65.0) / 20.0), 1.0 / (1.0 + np.exp(-(v + 35.0) / 10.0)),
                0.01 * _vtrap(-(v + 55.0), 10.0), 0.125 * np.exp(-(v + 65.0) / 80.0))


def traub_rates(v, v_offset):
    """The same for NEST's ``hh_cond_exp_traub`` (Traub & Miles 1991), V = v − V_T."""
    u = np.asarray(v, dtype=float) - np.asarray(v_offset, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return (0.32 * _vtrap(13.0 - u, 4.0), 0.28 * _vtrap(u - 40.0, 5.0),
                0.128 * np.exp((17.0 - u) / 18.0), 4.0 / (1.0 + np.exp((40.0 - u) / 5.0)),
                0.032 * _vtrap(15.0 - u, 5.0), 0.5 * np.exp((10.0 - u) / 40.0))


def _vtrap(x, y):
    """x/(exp(x/y) − 1), y at x = 0 (the rate functions' removable singularity)."""
    x = np.asarray(x, dtype=float)
    ratio = x / y
    return np.where(np.abs(ratio) < 1e-9, y * (1.0 - ratio / 2.0), x / np.expm1(ratio))


def _derivatives(state, p, rates):
    """d(v, m, h, n)/dt (mV/ms and 1/ms) of the membrane ``p`` (nF, µS, mV, nA)."""
    v, m, h, n = state
    am, bm, ah, bh, an, bn = rates(v)
    current = (p["gbar_Na"] * m**3 * h * (p["e_rev_Na"] - v) + p["gbar_K"] * n**4 * (p["e_rev_K"] - v)
               + p["g_leak"] * (p["e_rev_leak"] - v) + p["current"])
    return np.array([current / p["cm"], am * (1 - m) - bm * m, ah * (1 - h) - bh * h, an * (1 - n) - bn * n])


def stable_rest_above(p: dict, level_mv: float, rates) -> float | None:
    """The highest stable steady state at or above ``level_mv`` of the membrane ``p``
    (scalars: cm, gbar_Na, gbar_K, g_leak, e_rev_Na, e_rev_K, e_rev_leak, current), or None."""
    v = level_mv + np.arange(0.0, SCAN_MV, SCAN_STEP_MV)
    am, bm, ah, bh, an, bn = rates(v)
    m, h, n = am / (am + bm), ah / (ah + bh), an / (an + bn)
    balance = _derivatives((v, m, h, n), p, rates)[0]
    # a zero where the current turns from depolarising to repolarising: stable along v
    zeros = np.flatnonzero((balance[:-1] > 0) & (balance[1:] <= 0))
    for i in zeros[::-1]:
        state = np.array([v[i], m[i], h[i], n[i]])
        jacobian = np.empty((4, 4))
        for k, step in enumerate(np.eye(4) * 1e-6):  # central differences (mV and gate fractions)
            jacobian[:, k] = (_derivatives(state + step, p, rates) - _derivatives(state - step, p, rates)) / 2e-6
        if np.all(np.real(np.linalg.eigvals(jacobian)) < 0):
            return float(v[i])
    return None


#: The classic cell's floor (mV): 85 mV below its rest of -65 mV, where β_m = 4·exp(85/18) = 450/ms.
CLASSIC_FLOOR_MV = -150.0
#: The Traub-Miles cell's floor below V_T (mV): u = -90 mV, where α_h = 0.128·exp(107/18) = 49/ms.
TRAUB_FLOOR_BELOW_VT_MV = 90.0


_MEMBRANE = ("cm", "gbar_Na", "gbar_K", "g_leak", "e_rev_Na", "e_rev_K", "e_rev_leak")


def _membranes(values: dict, currents, mv):
    """(membrane dict with its current, its value of ``mv``) for every neuron of ``values``
    (per-neuron arrays or scalars) under each of ``currents`` (nA)."""
    for current in currents:
        arrays = np.broadcast_arrays(*(np.asarray(values[k], dtype=float) for k in _MEMBRANE),
                                     np.asarray(current, dtype=float), np.asarray(mv, dtype=float))
        for index in np.ndindex(arrays[0].shape):
            yield (dict(zip(_MEMBRANE + ("current",), (float(a[index]) for a in arrays[:-1]))),
                   float(arrays[-1][index]))


def _stimulus_currents(neuron: dict) -> list:
    """i_offset, and i_offset plus the step where there is one (nA)."""
    currents = [neuron["i_offset"]]
    if float(neuron.get("step_amplitude", 0.0)) != 0.0:
        currents.append(np.asarray(neuron["i_offset"], dtype=float) + neuron["step_amplitude"])
    return currents


def _traub_neurons(values: dict):
    """Each neuron of ``values`` alone (its rate functions depend on its V_T), scalars."""
    size = max([np.size(values[k]) for k in values if np.ndim(values[k])] or [1])
    for i in range(size):
        yield {k: (float(np.asarray(v)[i]) if np.ndim(v) else v) for k, v in values.items()}


def rests_above_floor(values: dict, floor, rates, currents) -> None:
    """ValueError if a neuron of ``values`` is driven below ``floor`` (mV, per neuron) by
    one of ``currents`` (nA): its current balance there, every gate at its steady value,
    is hyperpolarising, so a steady state (or none, the membrane running away) lies below."""
    for p, v in _membranes(values, currents, floor):
        am, bm, ah, bh, an, bn = rates(np.array([v]))
        gates = (am / (am + bm), ah / (ah + bh), an / (an + bn))
        balance = float(_derivatives((v, *(g[0] for g in gates)), p, rates)[0]) * p["cm"]  # nA
        if balance < 0.0:
            raise ValueError(
                f"this cell is driven below {v:g} mV under {p['current']:g} nA (its current there is "
                f"{balance:.3g} nA, hyperpolarising), outside the range its rate functions were fitted on, "
                "where they grow exponentially (NEST's adaptive solver stalls); change the leak, reversal "
                "potentials or current")


def check_rests_above_floor(values: dict, dt_ms: float) -> None:
    """The classic membrane must not be driven below :data:`CLASSIC_FLOOR_MV` by i_offset
    alone or with the step (:func:`rests_above_floor`)."""
    rests_above_floor(values, CLASSIC_FLOOR_MV, classic_rates, _stimulus_currents(values))


def check_traub_rests_above_floor(values: dict, dt_ms: float) -> None:
    """The Traub-Miles membrane must not be driven below V_T - :data:`TRAUB_FLOOR_BELOW_VT_MV`
    by i_offset alone or with the step."""
    for neuron in _traub_neurons(values):
        offset = neuron["v_offset"]
        rests_above_floor(neuron, offset - TRAUB_FLOOR_BELOW_VT_MV, lambda v: traub_rates(v, offset),
                          _stimulus_currents(neuron))


def rests_below_level(values: dict, level, rates, currents) -> None:
    """ValueError if a neuron of ``values`` (per-neuron arrays or scalars) has a stable
    steady state at or above its spike level under one of ``currents`` (nA, per neuron)."""
    for p, level_mv in _membranes(values, currents, level):
        rest = stable_rest_above(p, level_mv, rates)
        if rest is not None:
            raise ValueError(
                f"this cell rests at {rest:.1f} mV under {p['current']:g} nA, at or above the spike level "
                f"{level_mv:g} mV: the spike rule (v at or above it and falling) would count "
                "round-off on that plateau as spikes; change the conductances, reversal potentials or current")


def check_rests_below_level(values: dict, dt_ms: float) -> None:
    """The membrane must not rest at or above the spike level, 0 mV, under i_offset alone or
    with the step: on that plateau round-off would decide the spikes (:func:`rests_below_level`)."""
    rests_below_level(values, 0.0, classic_rates, _stimulus_currents(values))


def check_traub_rests_below_level(values: dict, dt_ms: float) -> None:
    """The membrane must not rest at or above its spike level, V_T + 30 mV, under i_offset
    alone or with the step: on that plateau round-off would decide the spikes."""
    for neuron in _traub_neurons(values):
        offset = neuron["v_offset"]
        rests_below_level(neuron, offset + 30.0, lambda v: traub_rates(v, offset), _stimulus_currents(neuron))
