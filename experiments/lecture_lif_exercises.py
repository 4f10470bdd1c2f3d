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
import pandas as pd

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


#: Time steps of the convergence study (ms): the lecture's step and finer.
CONVERGENCE_DT_MS = (1.0, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01)


def lecture_ramp(steps: int = STEPS, on: int = ON, off: int = OFF, peak: float = 2 * INPUT) -> np.ndarray:
    """Exercise 3's ramp: I_t rising linearly from 0 at step ``on`` to ``peak`` at ``off``, then 0."""
    t = np.arange(steps + 1)
    return np.where((t >= on) & (t < off), peak * (t - on) / (off - on), 0.0)


def lecture_spike_train(steps: int = STEPS, every: int = 3, weight: float = 0.4, start: int = 5) -> np.ndarray:
    """Exercise 3's spike train: an input spike every ``every`` steps from ``start``, each
    adding ``weight`` to V in its step (the lecture's Σ w_i x_i with x_i ∈ {0, 1})."""
    t = np.arange(steps + 1)
    return np.where((t >= start) & ((t - start) % every == 0), weight, 0.0)


#: Exercise 3 on the zoo: its time step (ms) and the input synapse's decay time (ms).
EXERCISE3_DT_MS = 0.1
SYNAPSE_TAU_MS = 1.0
#: Exercise 3's inputs: the ramp's peak and the spike train's settings (lecture units, steps).
RAMP_PEAK, TRAIN_EVERY, TRAIN_WEIGHT, TRAIN_START = 2 * INPUT, 3, 0.4, 5


def exercise3_parameters(kind: str, dt_ms: float = EXERCISE3_DT_MS) -> dict:
    """The zoo's ``lif`` parameters for exercise 3's ``kind`` of input ("ramp" or "spikes").

    - Ramp: the lecture's I_t = peak·(t − on)/(off − on) acts over (t − 1, t]; the zoo's
      ramp from (on − 1) ms to (off − 1) ms, sampled at each step's start, is the same
      current at dt = 1 ms, and the continuous ramp as dt shrinks.
    - Spikes: the lecture adds w = 0.4 to V in the spike's step, an instantaneous charge
      C·(0.4 × 10 mV) = 4 pC. The zoo's input goes through an exponential current
      synapse (the simulators have no delta synapse on IF_curr_exp), of decay
      :data:`SYNAPSE_TAU_MS` and weight 4 pC / tau_syn: the same charge, spread over
      about a millisecond; each spike reaches the neuron at the start of the lecture step
      it belongs to (sent one step earlier, the synaptic delay)."""
    params = {**zoo_parameters(), "step_amplitude": 0.0}
    if kind == "ramp":
        return {**params, "ramp_amplitude": CM_NF * RAMP_PEAK * MV_PER_UNIT / STEP_MS,
                "ramp_start": (ON - 1) * STEP_MS, "ramp_stop": (OFF - 1) * STEP_MS}
    charge_pc = CM_NF * TRAIN_WEIGHT * MV_PER_UNIT
    return {**params, "tau_syn_E": SYNAPSE_TAU_MS, "input_weight": charge_pc / SYNAPSE_TAU_MS,
            "input_interval": TRAIN_EVERY * STEP_MS, "input_start": (TRAIN_START - 1) * STEP_MS - dt_ms}


def exercise3_runs(simulators) -> dict:
    """Exercise 3: {kind: {name: (t_ms, V in lecture units, spike times in ms)}}, the
    lecture's loop (forward Euler, one step) first, then the zoo's LIF on every simulator
    at dt = :data:`EXERCISE3_DT_MS`."""
    import zoo

    inputs = {"ramp": lecture_ramp(peak=RAMP_PEAK),
              "spikes": lecture_spike_train(every=TRAIN_EVERY, weight=TRAIN_WEIGHT, start=TRAIN_START)}
    found = {}
    for kind, lecture_inputs in inputs.items():
        v, spikes = lecture_lif(lecture_inputs)
        found[kind] = {"lecture (forward Euler)": (np.arange(STEPS + 1) * STEP_MS, v, spikes * STEP_MS)}
        for simulator in simulators:
            result = zoo.run("lif", simulator, dt_ms=EXERCISE3_DT_MS, duration_ms=STEPS * STEP_MS,
                             trace_neurons=[0], **exercise3_parameters(kind))
            traces = result.traces[result.traces["variable"] == "v"]
            found[kind][simulator] = (traces["t_ms"].to_numpy(), (traces["value"].to_numpy() - V_REST_MV) / MV_PER_UNIT,
                                      result.spikes["t_ms"].to_numpy())
    return found


def plot_exercise3(found: dict, path) -> None:
    """V and spikes under exercise 3's ramp and spike train: the lecture's loop and the
    zoo's LIF on every simulator, with the input drawn below."""
    from explorer.plots import new_figure

    fig = new_figure(figsize=(13, 5.5))
    axes = fig.subplots(2, 2, sharex=True, height_ratios=(3, 1))
    inputs = {"ramp": lecture_ramp(peak=RAMP_PEAK),
              "spikes": lecture_spike_train(every=TRAIN_EVERY, weight=TRAIN_WEIGHT, start=TRAIN_START)}
    titles = {"ramp": f"Exercise 3a: a ramp to I = {RAMP_PEAK:g} (steps {ON}-{OFF - 1})",
              "spikes": f"Exercise 3b: an input spike every {TRAIN_EVERY} steps from step {TRAIN_START}, "
                        f"w = {TRAIN_WEIGHT:g}"}
    for column, (kind, runs) in enumerate(found.items()):
        ax = axes[0, column]
        for index, (name, (t, v, spikes)) in enumerate(runs.items()):
            # the lecture's V_t is the potential at the end of step t: points at t, joined
            line, = ax.plot(t, v, ".-" if index == 0 else "-", linewidth=2.2 - 0.5 * index, ms=4,
                            label=f"{name}: V_t at t" if index == 0 else f"{name}, zoo lif, dt {EXERCISE3_DT_MS:g} ms")
            ax.plot(spikes, np.full(len(spikes), 1.3 + 0.1 * index), "osv^"[index % 4], ms=5, color=line.get_color())
        ax.axhline(THRESHOLD, color="0.5", linestyle=":", label="threshold θ = 1")
        ax.set_ylim(-0.05, 1.75)
        ax.set_ylabel("V (lecture units)")
        ax.set_title(titles[kind], fontsize=10)
        ax.legend(fontsize=6, loc="upper left")
        below = axes[1, column]
        steps = np.arange(STEPS + 1) * STEP_MS
        if kind == "ramp":  # I_t acts over (t - 1, t]
            below.step(steps, inputs[kind], where="pre", color="0.3")
            below.set_ylabel("I_t per step")
        else:
            below.stem(steps[inputs[kind] > 0], inputs[kind][inputs[kind] > 0], linefmt="0.3", markerfmt=".",
                       basefmt=" ")
            below.set_ylabel("w per input spike")
        below.set_xlabel("time (ms) = step × 1 ms")
    axes[1, 1].set_title(f"zoo: exponential synapse, tau_syn {SYNAPSE_TAU_MS:g} ms, the lecture's charge per spike; "
                         f"NEURON integrates it at half steps: {np.exp(EXERCISE3_DT_MS / (2 * SYNAPSE_TAU_MS)):.3f} "
                         "times that charge (declared)", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def exact_rise(t_ms) -> np.ndarray:
    """V(t) of exercise 1 in the lecture's units before the first spike: V∞·(1 − e^(−s/τ)),
    s = t − (ON − 1)·Δ ≥ 0, V∞ = τ·I/Δ."""
    s = np.clip(np.asarray(t_ms, dtype=float) - (ON - 1) * STEP_MS, 0.0, None)
    return TAU_STEPS * INPUT * (1.0 - np.exp(-s / (TAU_STEPS * STEP_MS)))


def convergence(simulators) -> pd.DataFrame:
    """Exercise 1 against the exact solution at each step dt: the largest error of V
    before the first spike (lecture units) and of the first spike's time (ms), for the
    lecture's forward Euler (its loop with τ = 10 ms/dt steps and the input per step
    scaled by dt) and for each simulator."""
    import zoo

    exact = exact_first_spike_ms()
    rows = []
    for dt in CONVERGENCE_DT_MS:
        per_step = round(STEP_MS / dt)
        t = np.arange(STEPS * per_step + 1) * dt
        inputs = np.where((t > (ON - 1) * STEP_MS + 1e-9) & (t <= (OFF - 1) * STEP_MS + 1e-9), INPUT / per_step, 0.0)
        v, euler = lecture_lif(inputs, tau=TAU_STEPS * per_step)
        rise = t < euler[0] * dt
        rows.append({"method": "forward Euler (the lecture's loop)", "dt_ms": dt,
                     "v_error": float(np.max(np.abs(v[rise] - exact_rise(t[rise])))),
                     "first_spike_ms": euler[0] * dt, "spike_error_ms": abs(euler[0] * dt - exact)})
        for simulator in simulators:
            result = zoo.run("lif", simulator, dt_ms=dt, duration_ms=STEPS * STEP_MS, trace_neurons=[0],
                             **zoo_parameters())
            first = result.spikes["t_ms"].min()
            traces = result.traces[(result.traces["variable"] == "v") & (result.traces["t_ms"] < first - dt / 2)]
            simulated = (traces["value"].to_numpy() - V_REST_MV) / MV_PER_UNIT
            rows.append({"method": simulator, "dt_ms": dt,
                         "v_error": float(np.max(np.abs(simulated - exact_rise(traces["t_ms"].to_numpy())))),
                         "first_spike_ms": first, "spike_error_ms": abs(first - exact)})
    return pd.DataFrame(rows)


def exercise_runs(simulators, refractory: int) -> dict:
    """Exercise 1 (or 2, with ``refractory`` steps) on every simulator at dt = one step:
    {name: (t_ms, V in the lecture's units, spike times in ms)}, the lecture's loop first."""
    import zoo

    v, spikes = lecture_lif(lecture_input(), refractory=refractory)
    found = {"lecture (forward Euler)": (np.arange(STEPS + 1) * STEP_MS, v, spikes * STEP_MS)}
    for simulator in simulators:
        result = zoo.run("lif", simulator, dt_ms=STEP_MS, duration_ms=STEPS * STEP_MS, trace_neurons=[0],
                         **zoo_parameters(refractory))
        traces = result.traces[result.traces["variable"] == "v"]
        t = np.concatenate([[0.0], traces["t_ms"].to_numpy()])
        units = np.concatenate([[0.0], (traces["value"].to_numpy() - V_REST_MV) / MV_PER_UNIT])
        found[simulator] = (t, units, result.spikes["t_ms"].to_numpy())
    return found


def plot(runs_by_exercise: dict, steps: pd.DataFrame, path) -> None:
    """V and spikes for exercises 1 and 2 (lecture loop and every simulator), and the
    first spike's error against dt."""
    from explorer.plots import new_figure

    fig = new_figure(figsize=(15, 4.2))
    axes = fig.subplots(1, 3)
    markers = "os^v"
    for ax, (title, found) in zip(axes[:2], runs_by_exercise.items()):
        for index, ((name, (t, v, spikes)), marker) in enumerate(zip(found.items(), markers)):
            line, = ax.step(t, v, where="post", linewidth=2.2 - 0.5 * index, label=f"{name} (markers: spikes)")
            ax.plot(spikes, np.full(len(spikes), 1.3 + 0.1 * index), marker, ms=5, color=line.get_color())
        ax.axhline(THRESHOLD, color="0.5", linestyle=":", label="threshold θ = 1")
        ax.axvspan((ON - 1) * STEP_MS, (OFF - 1) * STEP_MS, color="0.92", label="input I = 0.3 (steps 10-29)")
        ax.set_xlabel("time (ms) = step × 1 ms")
        ax.set_ylabel("V (lecture units; 1 = 10 mV above rest)")
        ax.set_title(title, fontsize=10)
        ax.set_ylim(-0.05, 1.75)
        ax.legend(fontsize=6, loc="upper right")
    ax = axes[2]
    for (method, rows), marker in zip(steps.groupby("method", sort=False), markers):
        ax.loglog(rows["dt_ms"], np.maximum(rows["v_error"], 1e-16), marker + "-", label=method)
    dts = np.array(CONVERGENCE_DT_MS)
    top = steps["v_error"].max()
    for order in (1, 2):
        ax.loglog(dts, top * (dts / dts.max()) ** order, ":", color="0.5")
        ax.annotate(f"dt^{order}", (dts.min(), top * (dts.min() / dts.max()) ** order), fontsize=7, color="0.4")
    ax.set_xlabel("time step dt (ms)")
    ax.set_ylabel("max |V − exact| before the first spike (lecture units)")
    ax.set_title("Exercise 1: error of V against dt (0 drawn at 1e-16)", fontsize=10)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main(quick: bool = False, out="out/lecture_lif_exercises") -> dict:
    from pathlib import Path

    from zoo import backends, registry

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    simulators = backends.available(registry.get("lif"))
    runs_by_exercise = {"Exercise 1: LIF in discrete time": exercise_runs(simulators, 0),
                        f"Exercise 2: refractory period T = {REFRACTORY_STEPS} steps":
                            exercise_runs(simulators, REFRACTORY_STEPS)}
    steps = convergence(simulators[:1] if quick else simulators)
    spikes = pd.DataFrame([{"exercise": title, "method": name, "spike_times_ms": list(map(float, s))}
                           for title, found in runs_by_exercise.items() for name, (_, _, s) in found.items()])
    steps.to_parquet(out / "convergence.parquet", index=False)
    spikes.to_parquet(out / "spikes.parquet", index=False)
    plot(runs_by_exercise, steps, out / "exercises.png")
    third = exercise3_runs(simulators)
    plot_exercise3(third, out / "exercise3.png")
    spikes = pd.concat([spikes, pd.DataFrame([
        {"exercise": f"Exercise 3: {kind}", "method": name, "spike_times_ms": list(map(float, s))}
        for kind, found in third.items() for name, (_, _, s) in found.items()])], ignore_index=True)
    spikes.to_parquet(out / "spikes.parquet", index=False)
    print(spikes.to_string(index=False))
    print(steps.to_string(index=False))
    print(f"wrote {out}/exercises.png, exercise3.png, spikes.parquet, convergence.parquet")
    return {"spikes": spikes, "convergence": steps}


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one simulator in the convergence study")
    parser.add_argument("--out", default="out/lecture_lif_exercises")
    args = parser.parse_args()
    main(quick=args.quick, out=args.out)
