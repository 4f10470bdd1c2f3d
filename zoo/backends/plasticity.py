"""Plasticity rules the zoo adds to PyNN, declared once; each backend translates them
(``nest_plasticity``, ``brian2_plasticity``). No simulator is imported here.

Semantics of the zoo's STDP (both backends follow it; the tests check it):

- **Timing.** All of a connection's delay d is dendritic (PyNN's
  ``dendritic_delay_fraction = 1``, Morrison, Diesmann & Gerstner 2008 sec. 4.1): a
  presynaptic spike emitted at t_pre reaches the synapse at t_pre and the soma at
  t_pre + d; a postsynaptic spike at t_post reaches the synapse at t_post + d. Pairs
  are timed at the synapse: Δt = t_post + d − t_pre.
- **Same step.** A postsynaptic spike that reaches the synapse in the same step as a
  presynaptic spike counts as preceding it (NEST's order).
- **Start.** Every synapse starts as if its afferent had fired at t = 0 without
  transmitting (NEST initialises the last presynaptic spike time to 0), so a
  postsynaptic spike before an afferent's first spike potentiates it by
  A_plus·exp(−(t_post + d)/tau_plus).
"""
from __future__ import annotations

from pyNN.standardmodels.synapses import STDPTimingDependence


class ReducedNearestNeighbourRule(STDPTimingDependence):
    """Spike pairing restricted to nearest neighbours (Morrison, Diesmann & Gerstner
    2008, Biol. Cybern. 98:459, Fig. 7C, "reduced symmetric"; NEST
    ``stdp_nn_restr_synapse``): a presynaptic spike is depressed by the nearest earlier
    postsynaptic spike, and potentiated by the first postsynaptic spike after it, only
    if no other presynaptic spike intervenes; so potentiation and depression
    alternate. Additive (with ``AdditiveWeightDependence``):

        Δw = +w_max·A_plus·exp(−Δt/tau_plus)   (Δt > 0)
        Δw = −w_max·A_minus·exp(Δt/tau_minus)  (Δt ≤ 0), weights clipped to [0, w_max].

    Arguments: ``tau_plus``, ``tau_minus`` (ms), ``A_plus``, ``A_minus`` (relative to
    w_max). Used by Masquelier, Guyonneau & Thorpe (2008), for whom all-to-all pairing
    silences the neuron (Hathway & Goodman 2018).
    """

    default_parameters = {
        "tau_plus": 20.0,
        "tau_minus": 20.0,
        "A_plus": 0.01,
        "A_minus": 0.01,
    }

    def __init__(self, tau_plus=20.0, tau_minus=20.0, A_plus=0.01, A_minus=0.01):
        if A_plus == 0 and A_minus != 0:
            # NEST scales depression by potentiation (alpha·lambda); one semantics for all
            raise ValueError("ReducedNearestNeighbourRule: A_plus = 0 (no potentiation) needs A_minus = 0")
        STDPTimingDependence.__init__(self, tau_plus=tau_plus, tau_minus=tau_minus, A_plus=A_plus,
                                      A_minus=A_minus)
