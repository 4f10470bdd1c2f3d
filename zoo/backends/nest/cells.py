"""NEST translations of the zoo's cell types (``zoo.backends.celltypes``)."""
from __future__ import annotations

import pyNN.nest as pynn_nest
from pyNN.standardmodels import build_translations

from .. import celltypes


class HH_curr_alpha(celltypes.HH_curr_alpha):
    __doc__ = celltypes.HH_curr_alpha.__doc__
    translations = build_translations(
        ("cm", "C_m", 1000.0),  # nF -> pF
        ("gbar_Na", "g_Na", 1000.0),  # µS -> nS
        ("gbar_K", "g_K", 1000.0),
        ("g_leak", "g_L", 1000.0),
        ("e_rev_Na", "E_Na"),
        ("e_rev_K", "E_K"),
        ("e_rev_leak", "E_L"),
        ("tau_syn_E", "tau_syn_ex"),
        ("tau_syn_I", "tau_syn_in"),
        ("tau_refrac", "t_ref"),
        ("i_offset", "I_e", 1000.0),  # nA -> pA
    )
    variable_map = {"v": "V_m", "m": "Act_m", "h": "Inact_h", "n": "Act_n"}
    scale_factors = {"v": 1, "m": 1, "h": 1, "n": 1}
    nest_name = {"on_grid": "hh_psc_alpha", "off_grid": "hh_psc_alpha"}
    standard_receptor_type = True


class SpikeSourceArray(pynn_nest.SpikeSourceArray):
    """PyNN's SpikeSourceArray as NEST's ``spike_train_injector``: a neuron that emits
    the given spike times, so it can be the source of plastic synapses without a
    ``spike_generator`` → ``parrot_neuron`` pair. Half the nodes to update each step, and
    no relay step: spikes leave at the given times (measured with native NEST 3.10: 2000
    afferents at 64 Hz into one neuron with ``stdp_nn_restr_synapse``, 0.37 s per simulated
    second against 0.93 s through parrots). Output trains are those of PyNN's
    generator-and-parrot source, spike for spike."""

    translations = build_translations(("spike_times", "spike_times"))
    nest_name = {"on_grid": "spike_train_injector", "off_grid": "spike_train_injector"}
    uses_parrot = False
    always_local = True


class SRM_curr_exp(celltypes.SRM_curr_exp):
    __doc__ = celltypes.SRM_curr_exp.__doc__ + """
    On NEST: ``zoo_srm_curr_exp_neuron``, written in NESTML (``zoo/backends/nest/nestml``) and
    built at set-up (``zoo.backends.nest.nestml_build``)."""
    translations = build_translations(
        ("cm", "C_m", 1000.0),  # nF -> pF
        ("tau_m", "tau_m"),
        ("tau_syn_E", "tau_syn_exc"),
        ("tau_syn_I", "tau_syn_inh"),
        ("v_rest", "E_L"),
        ("v_thresh", "V_th"),
        ("v_reset", "V_reset"),
        ("v_ahp", "V_ahp"),
        ("tau_ahp", "tau_ahp"),
        ("tau_refrac", "refr_T"),
        ("i_offset", "I_e", 1000.0),  # nA -> pA
    )
    variable_map = {"v": "V_m", "isyn_exc": "I_syn_exc", "isyn_inh": "I_syn_inh", "a": "a"}
    scale_factors = {"v": 1, "isyn_exc": 0.001, "isyn_inh": 0.001, "a": 1}
    nest_name = {"on_grid": "zoo_srm_curr_exp_neuron", "off_grid": "zoo_srm_curr_exp_neuron"}
    standard_receptor_type = True  # inhibitory weights negative, as for iaf_psc_exp
    nestml = True



class IzhikevichGeneral(celltypes.IzhikevichGeneral):
    __doc__ = celltypes.IzhikevichGeneral.__doc__ + """
    On NEST: ``zoo_izhikevich_general_neuron``, written in NESTML (``zoo/backends/nest/nestml``)
    with NEST's own ``izhikevich`` update (forward Euler, spike at V_m >= 30 mV after it)."""
    translations = build_translations(
        ("a", "a"),
        ("b", "b"),
        ("c", "c"),
        ("d", "d"),
        ("k2", "k2"),
        ("k1", "k1"),
        ("k0", "k0"),
        ("v_u", "v_u"),
        ("u_decay", "u_decay"),
        ("i_offset", "I_e", 1000.0),  # nA -> pA, which act as mV/ms (a 1 pF membrane)
    )
    variable_map = {"v": "V_m", "u": "U_m"}
    scale_factors = {"v": 1, "u": 1}
    nest_name = {"on_grid": "zoo_izhikevich_general_neuron", "off_grid": "zoo_izhikevich_general_neuron"}
    standard_receptor_type = True
    receptor_scale = 1e-3  # weights are voltage jumps (mV), as PyNN's Izhikevich on NEST
    nestml = True


class IF_curr_delta(pynn_nest.IF_curr_delta):
    """PyNN's ``iaf_psc_delta`` with the map from PyNN's ``v`` to NEST's ``V_m`` that PyNN
    0.13 leaves out of it: without it the initial potentials were ignored ("NEST does
    not allow setting an initial value for v": every neuron started at 0 mV while Brian2
    started at the values given) and recording v failed ("unknown recordable v")."""

    __doc__ = pynn_nest.IF_curr_delta.__doc__
    variable_map = {"v": "V_m"}
