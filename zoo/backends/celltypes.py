"""Cell types the zoo adds to PyNN, declared once like PyNN's standard cells:
parameters with units, recordables, initial values. No simulator is imported here;
each backend adds its record and translation (``nest/cells.py``, ``brian2/cells.py``, ``neuron/cells.py``).
"""
from __future__ import annotations

import numpy as np
from pyNN.standardmodels import StandardCellType

from ..models.hh import CLASSIC_PATCH

def hh_rates(v_mv):
    """Classic HH rate functions (1/ms) with rest at −65 mV (Dayan & Abbott 2001, eqs.
    5.22, 5.24, 5.25; NEST ``hh_psc_alpha``): (alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n)."""
    v = np.asarray(v_mv, dtype=float)
    alpha_m = 0.1 * (v + 40.0) / (1.0 - np.exp(-(v + 40.0) / 10.0))
    beta_m = 4.0 * np.exp(-(v + 65.0) / 18.0)
    alpha_h = 0.07 * np.exp(-(v + 65.0) / 20.0)
    beta_h = 1.0 / (1.0 + np.exp(-(v + 35.0) / 10.0))
    alpha_n = 0.01 * (v + 55.0) / (1.0 - np.exp(-(v + 55.0) / 10.0))
    beta_n = 0.125 * np.exp(-(v + 65.0) / 80.0)
    return alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n


def hh_steady_state(v_mv):
    """Steady-state gating (m, h, n) at ``v_mv``."""
    am, bm, ah, bh, an, bn = hh_rates(v_mv)
    return am / (am + bm), ah / (ah + bh), an / (an + bn)


_M0, _H0, _N0 = (float(x) for x in hh_steady_state(-65.0))


class HH_curr_alpha(StandardCellType):
    """Classic Hodgkin-Huxley (1952) squid-axon patch, current-based alpha synapses.

    Hodgkin & Huxley (1952) J. Physiol. 117:500, in the modern convention (rest at
    −65 mV) of Dayan & Abbott (2001) sec. 5.6: C = 1 µF/cm², ḡ_Na = 120, ḡ_K = 36,
    g_L = 0.3 mS/cm², E_Na = 50, E_K = −77, E_L = −54.402 mV (rest at −65.000 mV), on
    a patch of 1e-4 cm² (see ``zoo.models.hh``). A spike is the first time step at
    which v ≥ 0 mV and v falls (the peak); detection then pauses for ``tau_refrac``.
    """

    default_parameters = {
        **CLASSIC_PATCH,      # cm, gbar_Na, gbar_K, g_leak, e_rev_*, tau_refrac: zoo.models.hh
        "tau_syn_E": 0.2,     # ms
        "tau_syn_I": 2.0,     # ms
        "i_offset": 0.0,      # nA
    }
    recordable = ["spikes", "v", "m", "h", "n"]
    receptor_types = ("excitatory", "inhibitory")
    default_initial_values = {"v": -65.0, "m": _M0, "h": _H0, "n": _N0}
    units = {"v": "mV", "m": "dimensionless", "h": "dimensionless", "n": "dimensionless"}
    conductance_based = False


class SRM_curr_exp(StandardCellType):
    """The spike-response neuron of Masquelier, Guyonneau & Thorpe (2008), written as
    differential equations (Hathway & Goodman 2018, ReScience 4:6, ``run_simulation.py``).

    Below threshold it is ``IF_curr_exp``: dv/dt = (v_rest − v)/tau_m + (I_syn +
    i_offset)/cm + v_ahp·a/tau_ahp, exponential synaptic currents. At a spike (the
    first step with v ≥ v_thresh) three things happen that a LIF cannot do: the
    potential jumps *up* to ``v_reset`` (the paper's spike, 2× the threshold distance
    above rest), every pending synaptic current is discarded (the EPSPs in flight), and
    a negative after-potential starts (a = 1, decaying with tau_ahp; its total drive is
    ``v_ahp``, −3× the threshold distance as in the replication). No spike can follow
    for ``tau_refrac`` (v is not clamped). Units: mV, ms, nF, nA.
    """

    default_parameters = {
        "cm": 0.25,           # nF
        "tau_m": 10.0,        # ms
        "tau_syn_E": 2.5,     # ms
        "tau_syn_I": 2.5,     # ms
        "v_rest": -70.0,      # mV
        "v_thresh": -50.0,    # mV
        "v_reset": -30.0,     # mV, potential just after a spike (rest + 2 x (threshold - rest))
        "v_ahp": -60.0,       # mV, total drive of the after-potential (-3 x (threshold - rest))
        "tau_ahp": 2.5,       # ms, time constant of the after-potential
        "tau_refrac": 1.0,    # ms, no spike detection (v is not clamped)
        "i_offset": 0.0,      # nA
    }
    recordable = ["spikes", "v", "isyn_exc", "isyn_inh", "a"]
    receptor_types = ("excitatory", "inhibitory")
    default_initial_values = {"v": -70.0, "isyn_exc": 0.0, "isyn_inh": 0.0, "a": 0.0}
    units = {"v": "mV", "isyn_exc": "nA", "isyn_inh": "nA", "a": "dimensionless"}
    conductance_based = False
    injectable = True



class IzhikevichGeneral(StandardCellType):
    """PyNN's ``Izhikevich`` with the coefficients it hard-codes made parameters, for the
    three panels of Izhikevich (2004, Fig. 1) whose equations differ from the standard
    ones (G and L: 0.04v² + 4.1v + 108; R: u' = a·b·(v + 65)):

        dv/dt = k2·v² + k1·v + k0 − u + I
        du/dt = a·(b·(v − v_u) − u_decay·u)
        v ≥ 30 mV: v ← c, u ← u + d   (no refractory period)

    The defaults (k2 = 0.04 /mV/ms, k1 = 5 /ms, k0 = 140 mV/ms, v_u = 0 mV, u_decay = 1)
    are PyNN's ``Izhikevich``; I is ``i_offset`` and injected currents over a 1 pF
    membrane (1 nA = 1000 mV/ms: 0.014 nA is the paper's I = 14). Units as PyNN's
    ``Izhikevich``: mV, ms, nA.
    """

    default_parameters = {
        "a": 0.02,        # /ms
        "b": 0.2,         # /ms
        "c": -65.0,       # mV, v after a spike
        "d": 2.0,         # mV/ms, added to u at a spike
        "k2": 0.04,       # /mV/ms, coefficient of v²
        "k1": 5.0,        # /ms, coefficient of v
        "k0": 140.0,      # mV/ms, constant drive
        "v_u": 0.0,       # mV, potential at which v stops driving u
        "u_decay": 1.0,   # weight of -u in u's equation (0: u integrates v, panel R)
        "i_offset": 0.0,  # nA
    }
    recordable = ["spikes", "v", "u"]
    default_initial_values = {"v": -70.0, "u": -14.0}
    units = {"v": "mV", "u": "mV/ms"}
    conductance_based = False
    voltage_based_synapses = True
    receptor_types = ("excitatory", "inhibitory")
    injectable = True
