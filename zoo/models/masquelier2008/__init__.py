"""STDP finds the start of a repeating pattern (Masquelier, Guyonneau & Thorpe 2008).

One neuron receives 2000 afferents of constant population rate (:mod:`.input`);
a 50 ms pattern of afferents 0..999 recurs at random times in 25 % of the run. With
spike-timing-dependent plasticity restricted to nearest-neighbour pairs
(``ReducedNearestNeighbourRule``), the neuron learns without supervision to fire
once per pattern, a few ms after its onset.

**Neuron.** The paper's spike-response neuron has the EPSP kernel
K·(exp(−s/τm) − exp(−s/τs)), τm = 10 ms, τs = 2.5 ms, peak 1 per unit weight, and
threshold 500 units. PyNN's ``IF_curr_exp`` with τ_m = 10 ms and τ_syn_E = 2.5 ms has
the same EPSP shape: a current jump w (nA) gives the peak

    v_peak = (w/C)·τm·τs/(τm − τs)·(r^(τs/(τm−τs)) − r^(τm/(τm−τs))),  r = τs/τm,

(at s* = ln(τm/τs)·τm·τs/(τm − τs) = 4.62 ms; the bracket is 0.4725). The unit
weight w_max is the jump whose EPSP peak is (v_thresh − v_rest)/``threshold_epsps``,
so 500 coincident maximal EPSPs reach threshold from rest, as in the paper: 6.35 pA
at C = 0.25 nF and 20 mV. The reset 40 mV below rest stands for the paper's negative
after-potential (a reset to rest let the weights run away in native tests); what the
LIF cannot do is discard the pending synaptic current at a spike.

**Plasticity.** Additive, a⁺ = 2⁻⁵, a⁻ = 0.85·a⁺, τ⁺ = 16.8 ms, τ⁻ = 33.7 ms, weights
in [0, w_max] starting at 0.475·w_max; timing semantics in ``zoo.backends.plasticity``.
``A_plus = A_minus = 0`` switches learning off.

References: Masquelier, Guyonneau & Thorpe (2008) PLoS ONE 3:e1377; Hathway &
Goodman (2018) ReScience 4:6 (replication; the input and analysis follow its code).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.special import exprel

from ...declarations.metrics import N_SPIKES, RATE
from ...declarations.model import Analysis, CheckProtocol, Model, Network, Protocol, Recording, Simulation, Validation
from ...declarations.parameters import Parameter, at_least_steps
from ...stimuli.current_clamp import SYNAPSE_RESOLVED
from ..lif import TAU_M_AT_LEAST_ONE_STEP, TAU_M_RESOLVED
from ...declarations.tolerances import identical_semantics_agreement
from . import metrics as pattern_metrics
from .input import REPEAT_MS, expected_spikes, make_input

PARAMETERS = (
    Parameter("cm", "nF", 0.25, "(0, inf)", "membrane capacitance", per_neuron=False),
    Parameter("tau_m", "ms", 10.0, "(0, inf)", "membrane time constant (the paper's tau_m; at least dt)",
              per_neuron=False, limit=f"at least one time step: {TAU_M_RESOLVED}"),
    Parameter("tau_syn_E", "ms", 2.5, "(0, inf)", "synaptic current time constant (the paper's tau_s; at least dt)",
              per_neuron=False, limit=f"at least one time step: {SYNAPSE_RESOLVED}"),
    Parameter("v_rest", "mV", -70.0, "(-inf, inf)", "resting potential, also the initial potential",
              per_neuron=False),
    Parameter("v_thresh", "mV", -50.0, "(-inf, inf)", "spike threshold", per_neuron=False),
    Parameter("v_reset", "mV", -110.0, "(-inf, inf)", "potential after a spike", per_neuron=False),
    Parameter("tau_refrac", "ms", 1.0, "[0, inf)", "refractory period (whole time steps)", per_neuron=False,
              on_time_grid=True),
    Parameter("threshold_epsps", "1", 500.0, "(0, inf)",
              "maximal EPSP peaks from rest to threshold: sets w_max (the paper's threshold, 500)", per_neuron=False),
    Parameter("w_init", "1", 0.475, "[0, 1]", "initial weight as a fraction of w_max", per_neuron=False),
    Parameter("tau_plus", "ms", 16.8, "(0, inf)", "potentiation time constant", per_neuron=False),
    Parameter("tau_minus", "ms", 33.7, "(0, inf)", "depression time constant", per_neuron=False),
    Parameter("A_plus", "1", 2.0 ** -5, "[0, 1]", "potentiation per pair, fraction of w_max (0: no learning)",
              per_neuron=False),
    Parameter("A_minus", "1", 0.85 * 2.0 ** -5, "[0, 1]", "depression per pair, fraction of w_max",
              per_neuron=False),
    Parameter("delay", "ms", 0.1, "(0, 100]", "synaptic delay, all dendritic (whole time steps, >= dt)",
              per_neuron=False, on_time_grid=True),
    Parameter("n_afferents", "1", 2000.0, "[1, 100000]", "number of afferents (whole number)", per_neuron=False),
    Parameter("n_pattern", "1", 1000.0, "[0, 100000]", "afferents that carry the pattern (whole number)",
              per_neuron=False),
    Parameter("repeat_ms", "ms", REPEAT_MS, "[0, inf)",
              "input built once and repeated with this period, as the original (0: unique input)", per_neuron=False),
)


def check_counts(values: dict, dt_ms: float) -> None:
    for name in ("n_afferents", "n_pattern"):
        if values[name] != round(values[name]):
            raise ValueError(f"parameter {name!r} must be a whole number, got {values[name]:g}")
    if values["n_pattern"] > values["n_afferents"]:
        raise ValueError("parameters must satisfy n_pattern <= n_afferents")
    if values["A_plus"] == 0 and values["A_minus"] != 0:
        raise ValueError("A_plus = 0 (learning off) needs A_minus = 0: the rule scales depression "
                         "by potentiation, as NEST does")
    if values["delay"] < dt_ms - 1e-12:
        raise ValueError(f"parameter 'delay' = {values['delay']:g} ms must be at least dt = {dt_ms:g} ms")


def unit_weight_na(p: dict) -> float:
    """w_max (nA): the current jump whose EPSP peak is (v_thresh − v_rest)/threshold_epsps.

    The EPSP of a current jump w decaying with τs is (w/C)·∫₀^t exp(−(t − s)/τm − s/τs) ds,
    which peaks at t* = τm·τs·ln(τm/τs)/(τm − τs); both are written in forms that stay exact
    at τm = τs (t* = τ, the peak (w/C)·τ/e), where the textbook ones divide by zero."""
    tau_m, tau_s = float(p["tau_m"]), float(p["tau_syn_E"])
    y = (tau_m - tau_s) / tau_s
    t_peak = tau_m * (np.log1p(y) / y if y != 0.0 else 1.0)
    response = t_peak * np.exp(-t_peak / max(tau_m, tau_s)) * exprel(-t_peak * abs(1 / tau_m - 1 / tau_s))
    peak_mv_per_na = response / p["cm"]   # mV per nA (ms/nF = MΩ)
    return (p["v_thresh"] - p["v_rest"]) / p["threshold_epsps"] / peak_mv_per_na


#: tau_syn_E >= dt (:data:`zoo.stimuli.current_clamp.SYNAPSE_RESOLVED`).
TAU_SYN_AT_LEAST_ONE_STEP = at_least_steps("tau_syn_E", 1, SYNAPSE_RESOLVED)


def build(sim, p: dict, size: int, duration_ms: float, seed: int) -> Network:
    """2000 spike sources, the pattern input of ``seed``, into one plastic LIF."""
    neuron = sim.IF_curr_exp(cm=p["cm"], tau_m=p["tau_m"], tau_syn_E=p["tau_syn_E"], v_rest=p["v_rest"],
                             v_thresh=p["v_thresh"], v_reset=p["v_reset"], tau_refrac=p["tau_refrac"], i_offset=0.0)
    return build_network(sim, neuron, p, size, duration_ms, seed)


def build_network(sim, cell_type, p: dict, size: int, duration_ms: float, seed: int) -> Network:
    """The protocol around a neuron of ``cell_type``: the seeded input, all-to-all
    plastic synapses; the state keeps what :func:`analyse` needs."""
    dt_ms = sim.get_time_step()
    pattern = make_input(seed, duration_ms, dt_ms, n_afferents=int(p["n_afferents"]),
                         n_pattern=int(p["n_pattern"]), repeat_ms=p["repeat_ms"] or None)
    sources = sim.Population(pattern.n_afferents, sim.SpikeSourceArray(
        spike_times=[sim.Sequence(t) for t in pattern.trains_ms()]))
    neuron = sim.Population(size, cell_type, initial_values={"v": p["v_rest"]})
    w_max = unit_weight_na(p)
    stdp = sim.STDPMechanism(
        timing_dependence=sim.ReducedNearestNeighbourRule(tau_plus=p["tau_plus"], tau_minus=p["tau_minus"],
                                                          A_plus=p["A_plus"], A_minus=p["A_minus"]),
        weight_dependence=sim.AdditiveWeightDependence(w_min=0.0, w_max=w_max),
        weight=p["w_init"] * w_max, delay=p["delay"], dendritic_delay_fraction=1.0)
    projection = sim.Projection(sources, neuron, sim.AllToAllConnector(), synapse_type=stdp,
                                receptor_type="excitatory")
    return Network(neuron, {"pattern": pattern, "projection": projection, "w_max": w_max})


def analyse(recording: Recording) -> Analysis:
    """Metrics of pattern finding, and the tables ``patterns``, ``weights``, ``discharges``."""
    state, p = recording.state, recording.params
    pattern, w_max = state["pattern"], state["w_max"]
    weights = np.asarray(state["projection"].get("weight", format="array"), dtype=float)[:, 0]
    t_ms = recording.spikes["t_ms"].to_numpy()
    metrics = pattern_metrics.summary(t_ms, pattern.onsets_ms, weights, w_max, pattern.n_pattern,
                                      recording.duration_ms)
    tables = {
        "patterns": pd.DataFrame({"onset_ms": pattern.onsets_ms}),
        "weights": pd.DataFrame({"afferent": np.arange(weights.size), "weight_na": weights,
                                 "weight": weights / w_max, "in_pattern": np.arange(weights.size) < pattern.n_pattern,
                                 "initial_weight": p["w_init"]}),
        "discharges": pattern_metrics.discharges(t_ms, pattern.onsets_ms),
    }
    return Analysis(metrics, tables)


#: ``zoo check``: a run long enough for the paper's criterion over its last third.
CHECK_MS = 75_000.0

METRICS = (N_SPIKES, RATE) + pattern_metrics.METRICS

MODEL = Model(
    name="masquelier2008",
    summary="one LIF neuron with nearest-neighbour STDP finds a repeating 50 ms spike pattern",
    citation="Masquelier, Guyonneau & Thorpe 2008, PLoS ONE 3:e1377; Hathway & Goodman 2018, ReScience 4:6",
    parameters=PARAMETERS,
    protocol=Protocol(stimulus="2000 afferents, 64 Hz, a 50 ms pattern in 25 % of 50 ms windows",
                      duration_ms=450_000.0, dt_ms=0.1, recorded=("spikes",), traced_neurons=0, seed=1),
    metrics=METRICS,
    simulation=Simulation(build=build, analyse=analyse, whole_run_compilation=True, input_spikes=expected_spikes,
                          figure="zoo.models.masquelier2008.figures:figure"),
    validation=Validation(
        # one declared STDP semantics on every backend: the same trains and weights
        agreement=identical_semantics_agreement(METRICS),
        # across simulators: 5 s of learning, compared spike for spike; the criterion: the study
        protocols=(CheckProtocol(params={"w_init": [0.475]}, duration_ms=5_000.0, dt_ms=0.1),),
        studies=("zoo.models.masquelier2008.studies:published_checks",),
    ),
    constraints=(check_counts, TAU_M_AT_LEAST_ONE_STEP, TAU_SYN_AT_LEAST_ONE_STEP),
    # the plasticity rule too: a simulator without it cannot run the model
    cell_types=("IF_curr_exp", "SpikeSourceArray", "ReducedNearestNeighbourRule"),
    revision=2,  # 2: no input spike on the run's last grid point
    doc=__doc__,
    seed_selects_input=True,  # the seed draws the afferents' spikes; nothing else is random
)
