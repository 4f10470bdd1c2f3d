"""Brian2 translations of the zoo's plasticity rules (``zoo.backends.plasticity``).

``pyNN.brian2`` has all-to-all STDP only, with axonal delays only
(``dendritic_delay_fraction = 0``). The restricted nearest-neighbour rule is written
here as Synapses equations (the traces decayed at each event, as Brian2 does for
event-driven equations) that follow the zoo's declared semantics,
which are NEST's ``stdp_nn_restr_synapse``:

- the ``pre`` pathway runs when the presynaptic spike reaches the soma (delay d − dt,
  the zoo's Brian2 delay convention, ``zoo.backends.brian2.projections``): it
  depresses with the trace of the nearest postsynaptic spike, restarts the
  potentiation trace and transmits the weight, which is then the weight NEST sends;
- the ``post`` pathway is delayed by 2d: a postsynaptic spike reaches the synapse d
  after it happened (dendritic delay), the presynaptic spike was timed d before its
  arrival, less the step by which Brian2 stamps a spike before NEST (see
  ``zoo.backends.brian2``) and the step by which the pre pathway runs early. It runs
  before ``pre`` within a step (NEST's order).
- As in NEST, both changes of a pairing are applied when the next presynaptic spike
  is sent (``P_paired`` holds the potentiation until then), so weights read at the end
  of a run are NEST's too.
- When a postsynaptic spike reaches the synapse in the same step as the presynaptic
  spike, NEST depresses with the trace of the postsynaptic spike before it (its
  trace lookup excludes equal times); ``M_before`` keeps that trace.
- The potentiation trace starts at exp((d − dt)/tau_plus): NEST's initial last-spike
  time t = 0, seen from the ``pre`` pathway's clock.

The Synapses object is built by ``zoo.backends.brian2.projections.Projection`` from
``eqs``, ``pre`` and ``post`` and ``initial_values(delay, dt)`` below.
"""
from __future__ import annotations

import brian2
import numpy as np
import pyNN.brian2 as pynn_brian2
from brian2 import ms
from pyNN.standardmodels import build_translations

from .. import plasticity


class ReducedNearestNeighbourRule(plasticity.ReducedNearestNeighbourRule):
    __doc__ = plasticity.ReducedNearestNeighbourRule.__doc__
    translations = build_translations(
        ("tau_plus", "tau_plus", ms),
        ("tau_minus", "tau_minus", ms),
        ("A_plus", "A_plus"),
        ("A_minus", "A_minus"),
    )
    eqs = """
        weight : %(weight_units)s
        w_max : %(weight_units)s (shared)
        w_min : %(weight_units)s (shared)
        tau_plus : second (shared)
        tau_minus : second (shared)
        A_plus : 1 (shared)
        A_minus : 1 (shared)
        P : 1
        M : 1
        M_before : 1
        t_update : second
        P_paired : 1
        post_seen : 1
        t_back : second
        """
    # The traces' decay since the synapse's last event, as Brian2 writes it for
    # event-driven equations (the same expressions, hence the same numbers), written out
    # so that no run pays Brian2's SymPy derivation of it (about 2 s per pathway).
    decay = """
        P = P*exp(-(t - t_update)/tau_plus)
        M = M*exp(-(t - t_update)/tau_minus)
        M_before = M_before*exp(-(t - t_update)/tau_minus)
        """
    pre = decay + """
        coincident = int(abs(t - t_back) < 0.5*dt)  # t_back: last postsynaptic spike at the synapse
        weight = clip(weight + w_max*A_plus*P_paired, w_min, w_max)
        weight = clip(weight - w_max*A_minus*post_seen*(coincident*M_before + (1 - coincident)*M), w_min, w_max)
        P_paired = 0
        post_seen = 0
        P = 1
        %(syn_var)s += weight
        t_update = t
        """
    post = decay + """
        P_paired += P
        P = 0
        M_before = M
        M = 1
        post_seen = 1
        t_back = t
        t_update = t
        """

    @staticmethod
    def post_delay(delay):
        """Delay of the ``post`` pathway (see the module docstring)."""
        return 2 * delay

    @staticmethod
    def initial_values(delay, dt, tau_plus):
        """Per-synapse start: the phantom presynaptic spike at t = 0 (NEST), seen from the
        pre pathway's clock; no postsynaptic spike yet."""
        return {"P": np.exp(float((delay - dt) / tau_plus)), "t_back": -1.0 * brian2.second}


class STDPMechanism(pynn_brian2.STDPMechanism):
    """PyNN's STDPMechanism; with a zoo timing rule it takes the zoo's (dendritic)
    timing semantics and the rule's equations."""

    __doc__ = pynn_brian2.STDPMechanism.__doc__

    def __init__(self, timing_dependence=None, weight_dependence=None, voltage_dependence=None,
                 dendritic_delay_fraction=1.0, weight=0.0, delay=None):
        self.zoo_rule = isinstance(timing_dependence, plasticity.ReducedNearestNeighbourRule)
        if self.zoo_rule:
            if dendritic_delay_fraction != 1:
                raise ValueError("the zoo's STDP rules time pairs with all of the delay dendritic "
                                 "(dendritic_delay_fraction=1), as NEST does")
            dendritic_delay_fraction = 0.0  # what pyNN.brian2's parent accepts; timing is handled here
            self.eqs, self.pre, self.post = timing_dependence.eqs, timing_dependence.pre, timing_dependence.post
            self.initial_conditions = {}
            self.post_delay = timing_dependence.post_delay
            self.initial_values = timing_dependence.initial_values
        super().__init__(timing_dependence, weight_dependence, voltage_dependence, dendritic_delay_fraction,
                         weight, delay)


PLASTICITY_TYPES = {
    "ReducedNearestNeighbourRule": ReducedNearestNeighbourRule,
    "STDPMechanism": STDPMechanism,
}
