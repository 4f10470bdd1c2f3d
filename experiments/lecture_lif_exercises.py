"""The lecture's LIF exercises (../shared/context: "Modelling sensory neural responses"),
computed with the lecture's discrete-time update and with the zoo's LIF on every simulator.

The lecture's neuron, in dimensionless units and steps t = 1, 2, ...:

    V_t = V_{t−1} + I_t − V_{t−1}/τ;   V_t > θ → spike, V_t = V_rest;
    t − t_last spike < T → V_t = V_rest   (exercise 2)

with θ = 1, V_rest = 0, τ = 10 steps, I_t = 0.3 for 10 ≤ t < 30, 50 steps. This loop is
the forward-Euler step (of one step length Δ) of the ODE the simulators integrate
exactly, τ dV/dt = −V + τ·I/Δ. Mapped to the zoo's LIF: a step is Δ = 1 ms, one unit of
V is 10 mV above v_rest = −65 mV (θ = 1 → v_thresh = −55 mV), τ_m = 10 ms, C = 1 nF,
and an input of I per step is a current of C·I·10 mV/Δ = 10·I nA acting during the
steps (t − 1, t]: the lecture's input from step 10 to 29 is a step current acting
over (9, 29] ms. The lecture's T = 5 holds V at rest during the 4 steps after the
spike's own step; the zoo clamps for tau_refrac after the spike's step: 4 ms.

    python -m experiments.lecture_lif_exercises [--quick] [--out DIR]
"""
from __future__ import annotations

import numpy as np

#: The lecture's exercise 1 (dimensionless, in steps).
THRESHOLD, V_REST, TAU_STEPS, INPUT, ON, OFF, STEPS = 1.0, 0.0, 10.0, 0.3, 10, 30, 50
#: Exercise 2: the refractory period T (steps).
REFRACTORY_STEPS = 5
#: The mapping to physical units (module docstring).
STEP_MS, MV_PER_UNIT, CM_NF, V_REST_MV = 1.0, 10.0, 1.0, -65.0


def lecture_input(steps: int = STEPS, on: int = ON, off: int = OFF, amplitude: float = INPUT) -> np.ndarray:
    """I_t for t = 0 … steps (index t): ``amplitude`` for on ≤ t < off."""
    t = np.arange(steps + 1)
    return np.where((t >= on) & (t < off), amplitude, 0.0)


def lecture_lif(inputs: np.ndarray, tau: float = TAU_STEPS, threshold: float = THRESHOLD, v_rest: float = V_REST,
                refractory: int = 0, scheme: str = "euler") -> tuple[np.ndarray, np.ndarray]:
    """The lecture's update rule, step by step: (V_t for t = 0 … n, spike steps).
    V_0 = v_rest; a spike when V_t > threshold, then V_t = v_rest; while
    t − t_last < ``refractory`` (steps), V_t = v_rest.

    ``scheme`` replaces the lecture's forward-Euler step (``"euler"``) by another step of
    the same ODE, and fires at V_t ≥ threshold as the simulators do: ``"exact"``,
    V_t = V_{t−1}·e^(−1/τ) + I_t·τ·(1 − e^(−1/τ)), or ``"crank_nicolson"``,
    V_t = V_{t−1}·(1 − h/2)/(1 + h/2) + I_t/(1 + h/2), h = 1/τ (the zoo's LIF at dt = one
    step, on a simulator declaring that scheme)."""
    v = np.full(len(inputs), v_rest, dtype=float)
    spikes, last = [], None
    h = 1.0 / tau
    decay, gain = {"euler": (1.0 - h, 1.0), "exact": (np.exp(-h), tau * (1.0 - np.exp(-h))),
                   "crank_nicolson": ((1.0 - h / 2) / (1.0 + h / 2), 1.0 / (1.0 + h / 2))}[scheme]
    for t in range(1, len(inputs)):
        if last is not None and t - last < refractory:
            v[t] = v_rest
            continue
        v[t] = v_rest + (v[t - 1] - v_rest) * decay + inputs[t] * gain
        if v[t] > threshold if scheme == "euler" else v[t] >= threshold:
            spikes.append(t)
            v[t] = v_rest
            last = t
    return v, np.array(spikes, dtype=int)


def zoo_parameters(refractory_steps: int = 0, on: int = ON, off: int = OFF, amplitude: float = INPUT) -> dict:
    """The zoo's ``lif`` parameters (PyNN units) for the lecture's neuron (module docstring)."""
    return {"cm": CM_NF, "tau_m": TAU_STEPS * STEP_MS, "v_rest": V_REST_MV, "v_reset": V_REST_MV,
            "v_thresh": V_REST_MV + THRESHOLD * MV_PER_UNIT,
            "tau_refrac": max(refractory_steps - 1, 0) * STEP_MS, "i_offset": 0.0,
            "step_amplitude": CM_NF * amplitude * MV_PER_UNIT / STEP_MS,
            "step_start": (on - 1) * STEP_MS, "step_stop": (off - 1) * STEP_MS}


def exact_first_spike_ms(amplitude: float = INPUT, on: int = ON) -> float:
    """The ODE's first threshold crossing (ms): V(s) = V∞·(1 − e^(−s/τ)) from the input's
    onset at (on − 1)·Δ, V∞ = τ·I/Δ in units; crossing at s = τ·ln(V∞/(V∞ − θ))."""
    v_inf = TAU_STEPS * amplitude
    return (on - 1) * STEP_MS + TAU_STEPS * STEP_MS * np.log(v_inf / (v_inf - THRESHOLD))
