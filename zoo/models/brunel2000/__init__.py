"""Brunel (2000) model A: a sparse network of excitatory and inhibitory integrate-and-fire
neurons with delta synapses, driven by external Poisson input.

    τ dV/dt = −V + R·I(t),   I: jumps of J (excitatory) and −g·J (inhibitory) after a delay D,
    V ≥ θ → spike, V ← V_r, insensitive for τ_rp

N_E = 10,000·``scale`` excitatory and N_I = N_E/4 inhibitory ``IF_curr_delta`` neurons.
Each receives C_E = ``c_e`` excitatory and C_I = C_E/4 inhibitory connections drawn at
random (multapses and autapses allowed, as NEST's ``fixed_indegree``), and an independent
Poisson train of rate C_E·η·ν_thr with ν_thr = θ/(J·C_E·τ), weight J: η = 1 is the
external rate whose mean input alone reaches threshold.

**The graph is the zoo's**, drawn with NumPy from the seed (:func:`draw_sources`), so NEST,
Brian2 and NEURON simulate the same network; the initial potentials are drawn the same
way (uniform in [V_r, θ), which spreads the first spikes instead of starting every neuron
in step). The external Poisson trains are each simulator's own random numbers.

**Scale.** ``scale`` < 1 shrinks both populations and keeps the in-degrees C_E, C_I and J:
each neuron's input has the same mean and variance as at full size (μ and σ of Brunel's
eqs. 4-5 depend on C_E, J, g, η and the rates only), so the mean-field rate and the
diffusion-approximation phase diagram are those of the full network. What it changes is
the connection probability ε = C_E/N_E = 0.1/scale: neurons share more of their inputs,
and the correlations of their inputs grow with ε (van Albada, Helias & Diesmann 2015,
PLoS Comput. Biol. 11:e1004490: fixed in-degree preserves the first-order statistics,
not the correlations). At ε = 1 (scale 0.1 at C_E = 1000) every neuron samples the whole
population. Lowering ``c_e`` instead changes the mean-field input itself (σ² ∝ C_E J²).

Reference: Brunel N (2000) Dynamics of sparsely connected networks of excitatory and
inhibitory spiking neurons. J. Comput. Neurosci. 8:183-208; Fig. 8 shows the four states.
"""
from __future__ import annotations

import numpy as np

from ...declarations.metrics import POPULATION, Metric
from ...declarations.model import Analysis, CheckProtocol, Model, Network, Protocol, Simulation, Validation
from ...declarations.parameters import Parameter, at_least_steps

#: Inhibitory neurons and in-degree per excitatory one (γ = 0.25).
GAMMA = 0.25
#: Full-size excitatory population.
FULL_N_E = 10_000
#: Spikes before this time (ms) are left out of the measures (the initial transient),
#: or the first half of a shorter run.
TRANSIENT_MS = 100.0
#: Random streams of the zoo's draws (with the seed).
GRAPH_STREAM, INITIAL_STREAM = 2000, 2002  # the graph takes 2000 (E) and 2001 (I)

#: Why the delay is at least one step.
DELAY_LIMIT = "a spike is delivered at the earliest one step after it"

PARAMETERS = (
    Parameter("g", "1", 5.0, "[0, inf)", "relative strength of inhibition (inhibitory weight −g·J)", per_neuron=False),
    Parameter("eta", "1", 2.0, "[0, inf)", "external rate over ν_thr, the rate that brings the mean input to "
              "threshold", per_neuron=False),
    Parameter("scale", "1", 1.0, "(0, 1]", "fraction of Brunel's 12,500 neurons; keeps the in-degrees (module "
              "docstring)", per_neuron=False),
    Parameter("c_e", "1", 1000.0, "[4, 10000]",
              "excitatory in-degree C_E (inhibitory: C_E/4, at least one); at most N_E",
              per_neuron=False),
    Parameter("J", "mV", 0.1, "(0, 20]", "excitatory synaptic efficacy (jump of V)", per_neuron=False),
    Parameter("delay", "ms", 1.5, "(0, 100]", "transmission delay D (whole time steps, at least one)",
              per_neuron=False, on_time_grid=True, limit=f"at least one time step: {DELAY_LIMIT}"),
    Parameter("tau_m", "ms", 20.0, "(0, inf)", "membrane time constant τ", per_neuron=False),
    Parameter("v_thresh", "mV", 20.0, "(-inf, inf)", "threshold θ (rest is 0 mV)", per_neuron=False),
    Parameter("v_reset", "mV", 10.0, "(-inf, inf)", "reset V_r", per_neuron=False),
    Parameter("tau_refrac", "ms", 2.0, "[0, inf)", "refractory period τ_rp (whole time steps)", per_neuron=False,
              on_time_grid=True),
)


def sizes(params) -> tuple[int, int, int, int]:
    """(N_E, N_I, C_E, C_I) of the parameter values."""
    n_e = int(round(FULL_N_E * float(params["scale"])))
    c_e = int(round(float(params["c_e"])))
    return n_e, int(round(GAMMA * n_e)), c_e, int(round(GAMMA * c_e))


def threshold_rate_hz(params) -> float:
    """ν_thr = θ/(J·C_E·τ) (Hz), the external rate per input whose mean drive reaches threshold."""
    return 1000.0 * float(params["v_thresh"]) / (float(params["J"]) * float(params["c_e"]) * float(params["tau_m"]))


def check_sizes(values: dict, dt_ms: float) -> None:
    """Every population holds a neuron, every in-degree at least one connection and at
    most the population it draws from."""
    n_e, n_i, c_e, c_i = sizes(values)
    if n_i < 1 or c_i < 1:
        raise ValueError(f"scale {values['scale']:g} and c_e {values['c_e']:g} leave N_E = {n_e}, N_I = {n_i}, "
                         f"C_I = {c_i}: no inhibitory neuron or synapse; raise scale or c_e")
    if c_e > n_e or c_i > n_i:
        raise ValueError(f"in-degree C_E = {c_e} (C_I = {c_i}) is larger than the population it draws from "
                         f"(N_E = {n_e}, N_I = {n_i} at scale {values['scale']:g}); lower c_e to at most {n_e} "
                         f"or raise scale to at least {c_e / FULL_N_E:g}")
    if float(values["v_thresh"]) <= 0:
        raise ValueError(f"v_thresh must be above the resting potential 0 mV, got {values['v_thresh']:g}")


def draw_sources(seed: int, n_pre: int, n_post: int, indegree: int, stream: int) -> np.ndarray:
    """(n_post, indegree) presynaptic indices, uniform with repeats (NEST's ``fixed_indegree``
    with multapses), from the zoo's stream ``stream`` of ``seed``."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), int(stream)])))
    return rng.integers(0, n_pre, size=(n_post, indegree), dtype=np.int64)


def initial_potentials(seed: int, size: int, params) -> np.ndarray:
    """Initial V (mV), uniform in [V_r, θ), the same on every simulator."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), INITIAL_STREAM])))
    low, high = float(params["v_reset"]), float(params["v_thresh"])
    return low + (max(high, low) - low) * rng.random(size)


def build(sim, params, size, duration_ms, seed) -> Network:
    n_e, n_i, c_e, c_i = sizes(params)
    cell = sim.IF_curr_delta(tau_m=params["tau_m"], v_thresh=params["v_thresh"], v_reset=params["v_reset"],
                             tau_refrac=params["tau_refrac"], v_rest=0.0, cm=0.25, i_offset=0.0)
    v0 = initial_potentials(seed, n_e + n_i, params)
    excitatory = sim.Population(n_e, cell, initial_values={"v": v0[:n_e]}, label="E")
    inhibitory = sim.Population(n_i, cell, initial_values={"v": v0[n_e:]}, label="I")
    j, delay = float(params["J"]), float(params["delay"])
    n = n_e + n_i
    from_e = draw_sources(seed, n_e, n, c_e, GRAPH_STREAM)
    from_i = draw_sources(seed, n_i, n, c_i, GRAPH_STREAM + 1)
    # row k of a draw is neuron k's sources, E neurons first: the rows of each target population
    # are a contiguous block, passed as views (15.6 M synapses at full size: no copies)
    for pre, sources, weight, receptor in ((excitatory, from_e, j, "excitatory"),
                                           (inhibitory, from_i, -float(params["g"]) * j, "inhibitory")):
        for post, rows in ((excitatory, sources[:n_e]), (inhibitory, sources[n_e:])):
            targets = np.repeat(np.arange(post.size), rows.shape[1])
            sim.Projection(pre, post, sim.FromArraysConnector(rows.reshape(-1), targets),
                           sim.StaticSynapse(weight=weight, delay=delay), receptor_type=receptor)
    drive = sim.PoissonDrive(rate_hz=float(params["eta"]) * threshold_rate_hz(params) * c_e, weight=j)
    drive.inject_into(excitatory)
    drive.inject_into(inhibitory)
    return Network(populations={"E": excitatory, "I": inhibitory})


def rate_window(params, duration_ms: float) -> tuple[float, float]:
    """(start, stop] of the measures: after :data:`TRANSIENT_MS`, or the second half of a shorter run."""
    return min(TRANSIENT_MS, duration_ms / 2.0), duration_ms


def analyse(recording) -> Analysis:
    """The mean-field rate of the asynchronous state (:mod:`.theory`), NaN where it has no solution."""
    from .theory import mean_field_rate_hz

    p = recording.params
    try:
        rate = mean_field_rate_hz(float(p["g"]), float(p["eta"]), j_mV=float(p["J"]), c_e=float(p["c_e"]),
                                  gamma=GAMMA, tau_ms=float(p["tau_m"]), theta_mV=float(p["v_thresh"]),
                                  v_reset_mV=float(p["v_reset"]), tau_rp_ms=float(p["tau_refrac"]))
        notes = ()
    except ValueError as error:
        rate, notes = float("nan"), (f"no mean-field rate: {error}",)
    return Analysis(metrics={"rate_mean_field_hz": rate}, notes=notes)


def network_size(params) -> int:
    n_e, n_i, _, _ = sizes(params)
    return n_e + n_i


def synapse_count(params) -> int:
    n_e, n_i, c_e, c_i = sizes(params)
    return (n_e + n_i) * (c_e + c_i)


MEAN_FIELD = Metric("rate_mean_field_hz", "Hz", "the asynchronous state's rate in the diffusion approximation "
                    "(Brunel 2000 eqs. 4-5, 21; zoo.models.brunel2000.theory)", source="analysis", compared=False,
                    title="mean-field rate")

#: ``zoo check``'s network: 1,250 neurons with C_E = 100 (ε = 0.1 as Brunel's) and J = 0.3 mV,
#: so that the input fluctuates about as at full size (σ² ∝ C_E·J²: 9 against 10 mV²·Hz·s);
#: 300 ms (200 after the transient). Each simulator runs it with 5 seeds, judged in
#: distribution (``zoo.network_checks``); a run takes a few seconds.
CHECK = CheckProtocol(params={"scale": 0.1, "c_e": 100.0, "J": 0.3}, duration_ms=300.0)

MODEL = Model(
    name="brunel2000",
    summary="sparse network of excitatory and inhibitory IF neurons with delta synapses (Brunel 2000, model A)",
    citation="Brunel 2000, J. Comput. Neurosci. 8:183",
    parameters=PARAMETERS,
    protocol=Protocol(stimulus="independent Poisson input to every neuron at eta * nu_thr * C_E", duration_ms=1000.0,
                      dt_ms=0.1, recorded=("spikes", "v"), traced_neurons=0),
    metrics=POPULATION + (MEAN_FIELD,),
    simulation=Simulation(build=build, analyse=analyse, rate_window=rate_window, network_size=network_size,
                          synapse_count=synapse_count, whole_run_compilation=True),
    validation=Validation(protocols=(CHECK,), studies=("zoo.models.brunel2000.studies:figure8",)),
    relations=(("v_reset", "<", "v_thresh"),),
    constraints=(check_sizes, at_least_steps("delay", 1, DELAY_LIMIT)),
    cell_types=("IF_curr_delta",),
    populations=("E", "I"),
    sweep_figure="zoo.models.brunel2000.phase_diagram:figure",
    doc=__doc__,
)
