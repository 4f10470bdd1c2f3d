"""Zoo cell types for ``pyNN.brian2``: PyNN's, with the zoo's grid spike semantics.

PyNN's Brian2 threshold group fires on ``v > v_thresh``, refuses per-neuron
``tau_refrac`` and clamps one step short of NEST (see ``zoo.backends.brian2``).
``GridThresholdNeuronGroup`` fires on ``v >= v_thresh`` (as NEST), keeps
``tau_refrac`` as a per-neuron variable and stays refractory for ``tau_refrac + dt``.
"""
from __future__ import annotations

import brian2
import pyNN.brian2 as pynn_brian2
from pyNN.brian2 import simulator


class GridThresholdNeuronGroup(brian2.NeuronGroup):
    """Integrate-and-fire group with NEST's grid-based threshold, reset and refractoriness."""

    def __init__(self, n, equations, **parameters):
        equations = equations + brian2.Equations(
            """
            v_thresh : volt (constant)
            v_reset : volt (constant)
            tau_refrac : second (constant)
            """
        )
        super().__init__(
            n,
            model=equations,
            threshold="v >= v_thresh",
            reset="v = v_reset",
            refractory="tau_refrac + dt",
            method="exact",
            clock=simulator.state.network.clock,
        )
        for name, value in parameters.items():
            setattr(self, name, value)
        self.add_attribute("initial_values")
        self.initial_values = {}

    def initialize(self):
        for variable, values in self.initial_values.items():
            setattr(self, variable, values)


class IF_curr_exp(pynn_brian2.IF_curr_exp):
    __doc__ = pynn_brian2.IF_curr_exp.__doc__
    brian2_model = GridThresholdNeuronGroup


CELL_TYPES = {"IF_curr_exp": IF_curr_exp}
