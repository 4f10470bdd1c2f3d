"""Masquelier, Guyonneau & Thorpe (2008) with the paper's own neuron, the spike-response
model (``SRM_curr_exp``), instead of the LIF of ``masquelier2008``.

The protocol, input, plasticity and metrics are those of ``masquelier2008``. The neuron
is written as differential equations after the replication (Hathway & Goodman 2018,
``run_simulation.py``): the same EPSP (τm = 10 ms, τs = 2.5 ms, w_max's peak is
1/500 of the threshold distance), and at a spike the potential jumps to twice the
threshold distance above rest (``v_reset`` = −30 mV), the pending EPSPs are discarded
and an after-potential of total drive −3× the threshold distance (``v_ahp`` = −60 mV,
time constant τs) pulls it back below rest; 1 ms without spikes.

Runs only where the backend layer provides the cell type ``SRM_curr_exp`` (a
backend that cannot declares it unavailable with the reason, and the zoo refuses it
before any simulation; ``zoo show masquelier2008_srm`` lists which).
"""
from __future__ import annotations

import dataclasses

import numpy as np
from scipy.special import exprel

from ...declarations.model import Network
from ...declarations.parameters import Parameter
from . import MODEL as LIF_MODEL
from . import PARAMETERS as LIF_PARAMETERS
from . import build_network

PARAMETERS = tuple(
    dataclasses.replace(p, default=-30.0, bounds="(-inf, inf)",
                        doc="potential just after a spike: the SRM's spike, rest + 2 x (threshold - rest)")
    if p.name == "v_reset" else
    dataclasses.replace(p, doc="no spike for this long after one; v is not clamped (whole time steps)")
    if p.name == "tau_refrac" else p
    for p in LIF_PARAMETERS
) + (
    Parameter("v_ahp", "mV", -60.0, "(-inf, 0]",
              "total drive of the after-potential (time constant tau_syn_E): -3 x (threshold - rest)",
              per_neuron=False),
)


def v_after_spike_mv(s_ms, p: dict):
    """v (mV) a time s after a spike without input: from v_reset, the after-potential
    a = exp(−s/τs) driving v_ahp·a/τs, the pending EPSPs discarded."""
    tau_m, tau_a = p["tau_m"], p["tau_syn_E"]
    # ∫₀^s exp(−(s − t)/τm − t/τs) dt, in the form that stays exact at τm = τs (exprel)
    response = s_ms * np.exp(-s_ms / np.maximum(tau_m, tau_a)) * exprel(-s_ms * np.abs(1 / tau_m - 1 / tau_a))
    drive = p["v_ahp"] / tau_a * response
    return p["v_rest"] + (p["v_reset"] - p["v_rest"]) * np.exp(-s_ms / tau_m) + drive


def check_refractory_outlasts_the_spike(values: dict, dt_ms: float) -> None:
    """v_reset lies above threshold (the SRM's spike): by the end of the refractory
    period v must be back below it, or the neuron would fire at every step."""
    v_end = v_after_spike_mv(values["tau_refrac"], values)
    if values["v_reset"] >= values["v_thresh"] and v_end >= values["v_thresh"]:
        raise ValueError(f"parameters tau_refrac = {values['tau_refrac']:g} ms, v_reset, v_ahp: v is still "
                         f"{v_end:.2f} mV >= v_thresh = {values['v_thresh']:g} mV when the refractory period "
                         "ends, so the neuron would fire at every step; lengthen tau_refrac or strengthen v_ahp")


def build(sim, p: dict, size: int, duration_ms: float, seed: int) -> Network:
    """The ``masquelier2008`` protocol around one plastic spike-response neuron."""
    neuron = sim.SRM_curr_exp(cm=p["cm"], tau_m=p["tau_m"], tau_syn_E=p["tau_syn_E"], tau_syn_I=p["tau_syn_E"],
                              v_rest=p["v_rest"], v_thresh=p["v_thresh"], v_reset=p["v_reset"],
                              v_ahp=p["v_ahp"], tau_ahp=p["tau_syn_E"], tau_refrac=p["tau_refrac"], i_offset=0.0)
    return build_network(sim, neuron, p, size, duration_ms, seed)


MODEL = dataclasses.replace(
    LIF_MODEL,
    name="masquelier2008_srm",
    summary="the paper's spike-response neuron with nearest-neighbour STDP finds a repeating 50 ms pattern",
    parameters=PARAMETERS,
    simulation=dataclasses.replace(LIF_MODEL.simulation, build=build),
    validation=dataclasses.replace(LIF_MODEL.validation,
                                   studies=("zoo.models.masquelier2008.studies:srm_published_checks",)),
    cell_types=("SRM_curr_exp", "SpikeSourceArray"),
    constraints=LIF_MODEL.constraints + (check_refractory_outlasts_the_spike,),
    doc=__doc__,
)
