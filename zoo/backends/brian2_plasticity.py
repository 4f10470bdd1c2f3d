"""Brian2 translations of the zoo's plasticity rules (``zoo.backends.plasticity``).

``pyNN.brian2`` has all-to-all STDP only, with axonal delays only
(``dendritic_delay_fraction = 0``). The restricted nearest-neighbour rule is written
here as event-driven Synapses equations that follow the zoo's declared semantics,
which are NEST's ``stdp_nn_restr_synapse``:

- the ``pre`` pathway runs when the presynaptic spike reaches the soma: it depresses
  with the trace of the nearest postsynaptic spike, restarts the potentiation trace
  and transmits the weight, which is then the weight NEST sends. Its delay is d − dt:
  Brian2 adds synaptic input after the step's integration, NEST before it, so a
  Brian2 pathway delayed by d acts one step after NEST's (measured: with learning
  off, every output spike one step late; with d − dt, identical trains);
- the ``post`` pathway is delayed by 2d: a postsynaptic spike reaches the synapse d
  after it happened (dendritic delay), the presynaptic spike was timed d before its
  arrival, less the step by which Brian2 stamps a spike before NEST (see
  ``zoo.backends.brian2``) and the pre pathway runs early. It runs before ``pre``
  within a step (NEST's order).
- As in NEST, both changes of a pairing are applied when the next presynaptic spike
  is sent (``P_paired`` holds the potentiation until then), so weights read at the end
  of a run are NEST's too.
- When a postsynaptic spike reaches the synapse in the same step as the presynaptic
  spike, NEST depresses with the trace of the postsynaptic spike before it (its
  trace lookup excludes equal times); ``M_before`` keeps that trace.
- The potentiation trace starts at exp((d − dt)/tau_plus): NEST's initial last-spike
  time t = 0, seen from the ``pre`` pathway's clock.

Pathway delays are one number per pathway (the zoo's plastic projections have one
delay), which Brian2 also runs faster than per-synapse delays.
"""
from __future__ import annotations

import brian2
import numpy as np
import pyNN.brian2 as pynn_brian2
from brian2 import ms
from pyNN import common
from pyNN.brian2 import simulator
from pyNN.space import Space
from pyNN.standardmodels import build_translations

from . import plasticity


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
        dP/dt = -P/tau_plus : 1 (event-driven)
        dM/dt = -M/tau_minus : 1 (event-driven)
        dM_before/dt = -M_before/tau_minus : 1 (event-driven)
        P_paired : 1
        post_seen : 1
        t_back : second
        """
    pre = """
        coincident = int(abs(t - t_back) < 0.5*dt)  # t_back: last postsynaptic spike at the synapse
        weight = clip(weight + w_max*A_plus*P_paired, w_min, w_max)
        weight = clip(weight - w_max*A_minus*post_seen*(coincident*M_before + (1 - coincident)*M), w_min, w_max)
        P_paired = 0
        post_seen = 0
        P = 1
        %(syn_var)s += weight
        """
    post = """
        P_paired += P
        P = 0
        M_before = M
        M = 1
        post_seen = 1
        t_back = t
        """


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
        super().__init__(timing_dependence, weight_dependence, voltage_dependence, dendritic_delay_fraction,
                         weight, delay)


class Projection(pynn_brian2.Projection):
    __doc__ = pynn_brian2.Projection.__doc__

    def __init__(self, presynaptic_population, postsynaptic_population, connector, synapse_type=None,
                 source=None, receptor_type=None, space=Space(), label=None):
        if not getattr(synapse_type, "zoo_rule", False):
            super().__init__(presynaptic_population, postsynaptic_population, connector, synapse_type, source,
                             receptor_type, space, label)
            return
        common.Projection.__init__(self, presynaptic_population, postsynaptic_population, connector,
                                   synapse_type, source, receptor_type, space, label)
        if isinstance(self.pre, common.Assembly) or isinstance(self.post, common.Assembly):
            raise NotImplementedError("the zoo's plastic projections connect populations, not assemblies")
        self._n_connections = 0
        post = self.post
        psv = post.celltype.post_synaptic_variables[self.receptor_type]
        weight_units = brian2.uS if post.celltype.conductance_based else brian2.nA
        synapse_type._set_target_type(weight_units)
        context = {"syn_var": psv, "weight_units": "siemens" if post.celltype.conductance_based else "amp"}
        delay = self._delay = self._single_delay()
        dt = simulator.state.dt * ms
        syn = brian2.Synapses(self.pre.brian2_group, post.brian2_group,
                              model=synapse_type.eqs % context, on_pre=synapse_type.pre % context,
                              on_post=synapse_type.post % context,
                              delay={"pre": delay - dt, "post": 2 * delay},
                              clock=simulator.state.network.clock)
        syn.post.order = syn.pre.order - 1  # a postsynaptic event first within a step
        self._brian2_synapses = {0: {0: syn}}
        simulator.state.network.add(syn)
        connector.connect(self)

    def _single_delay(self):
        """The projection's one delay (ms) on the time grid, as a Brian2 quantity."""
        delay = self.synapse_type.parameter_space["delay"]
        delay.shape = (1,)
        if not delay.is_homogeneous:
            raise ValueError("a plastic projection of the zoo takes one delay for all its connections")
        steps = max(1, int(round(float(delay.evaluate(simplify=True)) / simulator.state.dt)))
        return steps * simulator.state.dt * ms

    def _convergent_connect(self, presynaptic_indices, postsynaptic_index, location_selector=None,
                            **connection_parameters):
        if not getattr(self.synapse_type, "zoo_rule", False):
            return super()._convergent_connect(presynaptic_indices, postsynaptic_index, location_selector,
                                               **connection_parameters)
        syn = self._brian2_synapses[0][0]
        first = len(syn)
        j = self._localize_index(postsynaptic_index)[1]
        syn.connect(i=np.asarray(presynaptic_indices), j=int(j))
        new = slice(first, len(syn))
        self._n_connections += len(syn) - first
        native = self.synapse_type.native_parameters
        native.shape = (1,)
        for name in ("w_max", "w_min", "tau_plus", "tau_minus", "A_plus", "A_minus"):
            value = native[name]
            setattr(syn, name, value.evaluate(simplify=True))
        weight = connection_parameters["weight"]
        syn.weight[new] = weight
        # the phantom presynaptic spike at t = 0 (NEST), seen from the pre pathway's clock
        dt = simulator.state.dt * ms
        syn.P[new] = np.exp(float((self._delay - dt) / syn.tau_plus[:]))
        syn.t_back[new] = -1.0 * brian2.second


PLASTICITY_TYPES = {
    "ReducedNearestNeighbourRule": ReducedNearestNeighbourRule,
    "STDPMechanism": STDPMechanism,
    "Projection": Projection,
}
