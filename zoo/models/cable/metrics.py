"""Metrics of a cable run, from the membrane potential of every compartment.

- ``input_resistance_mohm`` (passive cables): steady deflection at the injected end x = 0 (linear
  extrapolation from the first two compartment centres) / ``amplitude`` (MΩ).
- ``attenuation`` (passive cables): steady deflection at the far end x = L / that at x = 0.
- ``tau_ms``: charging time constant. The area-weighted mean potential of a uniform
  passive cable obeys C·dV̄/dt = −G·V̄ + I exactly (axial currents cancel), so its
  increments after the current starts shrink by one factor per step; a least-squares
  fit of their logarithm gives τ (passive cables only, else NaN). The schemes bias it by at most dt/2 (implicit
  Euler: dt/ln(1 + dt/τ) = τ + dt/2 − …; Crank-Nicolson: τ − dt²/(12τ) + …).
- ``velocity_m_per_s``: conduction velocity between the compartments at L/4 and 3L/4,
  from the first upward crossing of ``SPIKE_THRESHOLD_MV`` (linear interpolation in
  time); active cables only (a passive cable has no spike to conduct), else NaN.
- ``far_end_peak_mv``: the largest potential at the far end (does a spike arrive?).

Steady-state metrics need the current on at the end of the run (``stop`` ≥ the
duration) for long enough to settle: the slowest mode of a sealed cable decays with
τ_m = R_m·c_m, so the run must last ln(1/``STEADY_RESIDUE``)·τ_m (4.6·τ_m) after
``start``; else they are NaN, with a note saying why. ``tau_ms`` needs the step to
start inside the run. An active cable has no steady state: its steady metrics are NaN.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ...declarations.metrics import Metric
from ...declarations.model import Analysis, Recording
from . import theory

SPIKE_THRESHOLD_MV = 0.0
#: Largest share of the slowest mode's transient left at the end of a run whose
#: steady-state metrics are reported: exp(−(duration − start)/τ_m) ≤ this.
STEADY_RESIDUE = 0.01
#: Increments below this fraction of the first one are left out of the τ fit (round-off).
TAU_FIT_FLOOR = 1e-3

METRICS = (
    Metric("input_resistance_mohm", "MOhm", "steady deflection at the injected end x = 0 / amplitude (passive "
                                            "cables, current on for 4.6 tau_m to the end; else NaN)",
           title="input resistance",
           source="analysis"),
    Metric("attenuation", "1", "steady deflection at the far end x = L / deflection at x = 0 (as "
                               "input_resistance_mohm: else NaN)", source="analysis", title="attenuation V(L)/V(0)"),
    Metric("tau_ms", "ms", "charging time constant of the cable's mean potential (passive cables)",
           source="analysis", title="time constant"),
    Metric("velocity_m_per_s", "m/s", "conduction velocity between L/4 and 3L/4, first upward crossing of 0 mV "
                                      "(active cables)", source="analysis", title="conduction velocity"),
    # informational: whether a spike arrives is checked by the studies; its height
    # depends on each scheme's time error, which no declared tolerance bounds
    Metric("far_end_peak_mv", "mV", "largest potential at the far end x = L", source="analysis", compared=False,
           title="peak at x = L"),
)


def analyse(recording: Recording) -> Analysis:
    """The metrics above and the ``profile`` table (one row per compartment: position,
    final potential, closed-form steady state) from v in every compartment."""
    signal = recording.v
    positions = np.asarray(signal.array_annotations["position_um"], dtype=float)
    metrics, profile = measure(signal.times.rescale("ms").magnitude, np.asarray(signal.magnitude), positions,
                               recording.params, recording.duration_ms)
    return Analysis(metrics=metrics, tables={"profile": profile}, notes=steady_notes(recording.params,
                                                                                       recording.duration_ms))


def settling_ms(params: dict) -> float:
    """Time after ``start`` a run needs for its steady-state metrics (ms)."""
    return float(np.log(1.0 / STEADY_RESIDUE) * theory.membrane_time_constant_ms(params["Rm"], params["cm"]))


def settled(params: dict, duration_ms: float) -> bool:
    return duration_ms - params["start"] >= settling_ms(params)


def steady_notes(params: dict, duration_ms: float) -> tuple[str, ...]:
    """Why the steady-state metrics are NaN for a run too short to settle."""
    if (not theory.is_passive(params) or params["amplitude"] == 0.0 or params["stop"] < duration_ms
            or settled(params, duration_ms)):
        return ()
    need = settling_ms(params)
    return (f"input_resistance_mohm and attenuation are NaN: the run ends {duration_ms - params['start']:g} ms after "
            f"the current starts, and the cable needs {need:.3g} ms (4.6 tau_m) to come within "
            f"{STEADY_RESIDUE:.0%} of its steady state; run with a duration of at least {params['start'] + need:.4g} ms",)


def measure(times_ms: np.ndarray, volts_mv: np.ndarray, positions_um: np.ndarray, params: dict,
            duration_ms: float) -> tuple[dict, pd.DataFrame]:
    """(metrics of the cable, per-compartment profile table) from samples × compartments."""
    deflection = volts_mv - params["v_rest"]
    passive = theory.is_passive(params)
    steady = passive and params["stop"] >= duration_ms and params["amplitude"] != 0.0 and settled(params, duration_ms)
    final = deflection[-1]
    near, far = theory.end_values(final)
    metrics = {
        "input_resistance_mohm": near / params["amplitude"] if steady else np.nan,
        "attenuation": far / near if steady and near != 0 else np.nan,
        "tau_ms": _charging_tau(times_ms, deflection.mean(axis=1), params) if passive else np.nan,
        "velocity_m_per_s": np.nan if passive else _velocity(times_ms, volts_mv, positions_um),
        "far_end_peak_mv": float(volts_mv[:, -1].max()),
    }
    closed = theory.steady_state_mv(positions_um, params["amplitude"], params["length"], params["diameter"],
                                          params["Rm"], params["Ra"])
    profile = pd.DataFrame({
        "neuron": 0, "compartment": np.arange(len(positions_um)), "position_um": positions_um,
        "v_final_mv": volts_mv[-1],
        "v_steady_closed_form_mv": params["v_rest"] + closed if passive else np.nan,  # theory of the passive cable
    })
    return metrics, profile


def _charging_tau(times_ms, mean_deflection, params) -> float:
    dt = times_ms[1] - times_ms[0] if len(times_ms) > 1 else np.nan
    window = (times_ms > params["start"]) & (times_ms <= params["stop"])
    increments = np.diff(mean_deflection[window]) * np.sign(params["amplitude"])
    if params["amplitude"] == 0.0 or increments.size < 3 or increments[0] <= 0:
        return np.nan
    keep = np.flatnonzero(increments > TAU_FIT_FLOOR * increments[0])
    last = keep[np.flatnonzero(np.diff(keep) > 1)[0]] if np.any(np.diff(keep) > 1) else keep[-1]
    steps = np.arange(1, last + 1)  # from the second increment: the first can hold the onset
    if steps.size < 2:
        return np.nan
    slope = np.polyfit(steps, np.log(increments[steps]), 1)[0]
    return float(-dt / slope) if slope < 0 else np.nan


def _velocity(times_ms, volts_mv, positions_um) -> float:
    length = positions_um[-1] + positions_um[0]
    a, b = (int(np.argmin(np.abs(positions_um - f * length))) for f in (0.25, 0.75))
    if a == b:
        return np.nan
    ta, tb = (_first_crossing(times_ms, volts_mv[:, i]) for i in (a, b))
    if not (np.isfinite(ta) and np.isfinite(tb)) or tb <= ta:
        return np.nan
    return float((positions_um[b] - positions_um[a]) / (tb - ta) * 1e-3)  # µm/ms = mm/s -> m/s


def _first_crossing(times_ms, v) -> float:
    above = np.flatnonzero(v >= SPIKE_THRESHOLD_MV)
    if above.size == 0 or above[0] == 0:
        return np.nan
    k = above[0]
    return float(times_ms[k - 1] + (SPIKE_THRESHOLD_MV - v[k - 1]) / (v[k] - v[k - 1]) * (times_ms[k] - times_ms[k - 1]))
