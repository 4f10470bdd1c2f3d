"""Benchmarks 1 (COBA) and 2 (CUBA) of Brette et al. (2007), after Vogels & Abbott (2005):
4,000 integrate-and-fire neurons (3,200 excitatory, 800 inhibitory), every ordered pair
connected with probability ``p_connect`` = 0.02, self-sustained activity.

- ``brette2007_coba`` (:data:`COBA`): ``IF_cond_exp``, conductance jumps of ``w_exc`` = 4 nS
  (reversal 0 mV, τ 5 ms) and ``w_inh`` = 51 nS (−80 mV, τ 10 ms); rest at −60 mV. Started
  by the brief external stimulation of PyNN's ``VAbenchmarks.py``: 20 Poisson sources at
  ``stim_rate`` = 100 Hz for the first ``stim_duration`` = 50 ms, each connected to each
  neuron with probability 0.01 and weight 0.1 µS.
- ``brette2007_cuba`` (:data:`CUBA`): ``IF_curr_exp``, current jumps of the COBA
  conductances at the mean potential −60 mV (Brette et al.'s conversion, scaled down as
  theirs to 0.27 and 4.5 nS: 0.27 nS × 60 mV = 0.0162 nA and 4.5 nS × (−20 mV) = −0.09 nA).
  Its leak reverses at −49 mV, above the threshold −50 mV: every neuron fires unless
  inhibited, so it starts itself (Vogels & Abbott's current-based network; PyNN's script
  stimulates COBA only). The stimulation is declared here as well, off by default
  (``stim_weight`` = 0).

Common: τ_m = 20 ms, C = 0.2 nF (a 20,000 µm² membrane at 1 µF/cm²), threshold −50 mV,
reset −60 mV, 5 ms refractory, delay 0.2 ms.

**The zoo draws everything that is random**, from the seed: the graph (a Bernoulli draw per
ordered pair, self-connections allowed as PyNN's ``FixedProbabilityConnector``), the initial
potentials (uniform in [reset, threshold), as PyNN's script), and the stimulation's spike
times and connections. So NEST, Brian2 and NEURON simulate the same network from the same
state with the same input, and their trains stay identical until their arithmetic moves
one crossing by a step (``zoo.declarations.spike_identity``): CUBA fires the same trains on
NEST and Brian2 for the whole second (both integrate it exactly), NEURON's exponential
synapse parts it at 2.5 ms; COBA parts at 0.7 ms, where NEST is the one that agrees with the
accurate solution (README, "Networks"). After that they agree in distribution (``zoo check``).

References: Brette R, Rudolph M, Carnevale T, et al. (2007) Simulation of networks of
spiking neurons: a review of tools and strategies. J. Comput. Neurosci. 23:349-398
(Appendix B, Benchmarks 1 and 2); Vogels TP, Abbott LF (2005) Signal propagation and
logic gating in networks of integrate-and-fire neurons. J. Neurosci. 25:10786-10795.
"""
from __future__ import annotations

import numpy as np

from ...declarations.metrics import POPULATION
from ...declarations.model import CheckProtocol, Model, Network, Protocol, Simulation, Validation
from ...declarations.parameters import Parameter, at_least_steps

#: Excitatory and inhibitory population sizes.
N_E, N_I = 3200, 800
#: The stimulation: sources, and each one's connection probability to each neuron.
STIM_SOURCES, STIM_P_CONNECT = 20, 0.01
#: Random streams of the zoo's draws (with the seed).
GRAPH_STREAM, INITIAL_STREAM, STIM_STREAM = 2100, 2110, 2120
#: Spikes before this time (ms) are left out of the measures: the stimulation and its echo.
TRANSIENT_MS = 100.0

_MEMBRANE = dict(tau_m=20.0, cm=0.2, v_thresh=-50.0, v_reset=-60.0, tau_refrac=5.0, tau_syn_E=5.0,
                 tau_syn_I=10.0, i_offset=0.0)


def _parameters(kind: str) -> tuple[Parameter, ...]:
    weight_unit, w_exc, w_inh = ("uS", 0.004, 0.051) if kind == "coba" else ("nA", 0.0162, -0.09)
    sign = "(0, inf)" if kind == "coba" else "(-inf, 0)"
    return (
        Parameter("w_exc", weight_unit, w_exc, "(0, inf)", "excitatory synaptic weight (PyNN units: µS for "
                  "conductances, nA for currents)", per_neuron=False),
        Parameter("w_inh", weight_unit, w_inh, sign, "inhibitory synaptic weight (a current's is negative)",
                  per_neuron=False),
        Parameter("p_connect", "1", 0.02, "(0, 1]", "probability that a neuron connects to another (each "
                  "ordered pair drawn once)", per_neuron=False),
        Parameter("delay", "ms", 0.2, "(0, 100]", "synaptic delay (whole time steps)", per_neuron=False,
                  on_time_grid=True),
        Parameter("v_rest", "mV", -60.0 if kind == "coba" else -49.0, "(-inf, inf)",
                  "leak reversal (CUBA's is above threshold: the network starts itself)", per_neuron=False),
        Parameter("stim_rate", "Hz", 100.0, "[0, 10000]", "rate of each of the 20 stimulating Poisson sources",
                  per_neuron=False),
        Parameter("stim_duration", "ms", 50.0, "[0, 1000]", "the stimulation lasts from 0 to this time (its "
                  "spikes are drawn step by step: 20 sources x its steps)",
                  per_neuron=False),
        Parameter("stim_weight", weight_unit, 0.1 if kind == "coba" else 0.0, "[0, inf)",
                  "weight of a stimulating connection (excitatory; 0: no stimulation)", per_neuron=False),
    )


def draw_pairs(seed: int, stream: int, n_pre: int, n_post: int, p: float) -> tuple[np.ndarray, np.ndarray]:
    """(sources, targets) of a Bernoulli(p) draw over every ordered pair, from the zoo's
    stream ``stream`` of ``seed`` (one target's row of n_pre draws at a time, in blocks)."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), int(stream)])))
    sources, targets = [], []
    block = max(1, 4_000_000 // max(n_pre, 1))
    for start in range(0, n_post, block):
        rows = min(block, n_post - start)
        post, pre = np.nonzero(rng.random((rows, n_pre)) < p)
        sources.append(pre)
        targets.append(post + start)
    return np.concatenate(sources), np.concatenate(targets)


def initial_potentials(seed: int, size: int) -> np.ndarray:
    """Initial V (mV), uniform in [reset, threshold), the same on every simulator."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), INITIAL_STREAM])))
    return _MEMBRANE["v_reset"] + (_MEMBRANE["v_thresh"] - _MEMBRANE["v_reset"]) * rng.random(size)


def stimulation_times(seed: int, rate_hz: float, duration_ms: float, dt_ms: float) -> list[np.ndarray]:
    """Spike times (ms) of each stimulating source: Poisson at ``rate_hz`` in (0, ``duration_ms``],
    on the time grid (at most one spike per step), from the zoo's stream."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), STIM_STREAM])))
    steps = int(round(duration_ms / dt_ms))
    fired = rng.random((STIM_SOURCES, steps)) < -np.expm1(-rate_hz * dt_ms / 1000.0)
    return [(np.nonzero(row)[0] + 1) * dt_ms for row in fired]


def _build(kind: str):
    def build(sim, params, size, duration_ms, seed) -> Network:
        dt_ms = sim.get_time_step()
        cell_type = sim.IF_cond_exp if kind == "coba" else sim.IF_curr_exp
        extra = {"e_rev_E": 0.0, "e_rev_I": -80.0} if kind == "coba" else {}
        cell = cell_type(**_MEMBRANE, v_rest=float(params["v_rest"]), **extra)
        v0 = initial_potentials(seed, N_E + N_I)
        populations = {"E": sim.Population(N_E, cell, initial_values={"v": v0[:N_E]}, label="E"),
                       "I": sim.Population(N_I, cell, initial_values={"v": v0[N_E:]}, label="I")}
        p, delay = float(params["p_connect"]), float(params["delay"])
        for k, (pre, post) in enumerate((("E", "E"), ("E", "I"), ("I", "E"), ("I", "I"))):
            sources, targets = draw_pairs(seed, GRAPH_STREAM + k, populations[pre].size, populations[post].size, p)
            weight = float(params["w_exc"] if pre == "E" else params["w_inh"])
            sim.Projection(populations[pre], populations[post], sim.FromArraysConnector(sources, targets),
                           sim.StaticSynapse(weight=weight, delay=delay),
                           receptor_type="excitatory" if pre == "E" else "inhibitory")
        stim_weight = float(params["stim_weight"])
        stim_ms = float(params["stim_duration"])
        if stim_weight > 0 and float(params["stim_rate"]) > 0 and stim_ms > 0:
            # drawn over the whole stimulation whatever the run's length (the run drops what comes after)
            times = stimulation_times(seed, float(params["stim_rate"]), stim_ms, dt_ms)
            stimulus = sim.Population(STIM_SOURCES, sim.SpikeSourceArray(spike_times=[sim.Sequence(t) for t in times]),
                                      label="stimulation")
            for k, name in enumerate(("E", "I")):
                sources, targets = draw_pairs(seed, STIM_STREAM + 1 + k, STIM_SOURCES, populations[name].size,
                                              STIM_P_CONNECT)
                sim.Projection(stimulus, populations[name], sim.FromArraysConnector(sources, targets),
                               sim.StaticSynapse(weight=stim_weight, delay=delay), receptor_type="excitatory")
        return Network(populations=populations)

    return build


def rate_window(params, duration_ms: float) -> tuple[float, float]:
    """(start, stop] of the measures: after :data:`TRANSIENT_MS`, or the second half of a shorter run."""
    return min(TRANSIENT_MS, duration_ms / 2.0), duration_ms


def network_size(params) -> int:
    return N_E + N_I


def synapse_count(params) -> int:
    """The expected count (the draw is within a few hundred of it)."""
    n = N_E + N_I
    stimulation = STIM_SOURCES * n * STIM_P_CONNECT if float(params["stim_weight"]) > 0 else 0.0
    return int(round(float(params["p_connect"]) * n * n + stimulation))


def _model(kind: str) -> Model:
    coba = kind == "coba"
    return Model(
        name=f"brette2007_{kind}",
        summary=(f"{'conductance' if coba else 'current'}-based network of 4,000 IF neurons, self-sustained "
                 f"(Brette et al. 2007, Benchmark {1 if coba else 2}; Vogels & Abbott 2005)"),
        citation="Brette et al. 2007, J. Comput. Neurosci. 23:349; Vogels & Abbott 2005, J. Neurosci. 25:10786",
        parameters=_parameters(kind),
        protocol=Protocol(stimulus=("20 Poisson sources at stim_rate for stim_duration, then none" if coba else
                                    "none: the leak reverses above threshold"), duration_ms=1000.0, dt_ms=0.1,
                          recorded=("spikes", "v"), traced_neurons=0),
        metrics=POPULATION,
        simulation=Simulation(build=_build(kind), rate_window=rate_window, network_size=network_size,
                              synapse_count=synapse_count, whole_run_compilation=True),
        # zoo check: 5 seeds per simulator of the whole network, 400 ms (300 after the transient)
        validation=Validation(protocols=(CheckProtocol(params={}, duration_ms=400.0),)),
        constraints=(at_least_steps("delay", 1, "a spike is delivered at the earliest one step after it"),),
        relations=(),
        cell_types=("IF_cond_exp" if coba else "IF_curr_exp", "SpikeSourceArray"),
        populations=("E", "I"),
        doc=__doc__,
    )


COBA = _model("coba")
CUBA = _model("cuba")
