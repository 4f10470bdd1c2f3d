"""NEST translations of the zoo's plasticity rules: ``stdp_nn_restr_synapse``.

PyNN's own STDP on NEST is always the all-to-all ``stdp_synapse``; here the
restricted nearest-neighbour rule selects NEST's native model through PyNN's standard
``STDPMechanism``, so weights keep PyNN's units (nA; NEST holds pA) and NEST's
dendritic-delay timing is the zoo's declared semantics as is.
"""
from __future__ import annotations

import pyNN.nest as pynn_nest
from pyNN.standardmodels import build_translations

from .. import plasticity


def _alpha(**parameters):
    """NEST scales depression as alpha·lambda: alpha = A_minus/A_plus. The rule admits
    A_plus = 0 only with A_minus = 0 (learning off), when alpha is irrelevant; the tiny
    offset keeps the lazy division finite then."""
    return parameters["A_minus"] / (parameters["A_plus"] + 1e-300)


def _a_minus(**parameters):
    return parameters["alpha"] * parameters["lambda"]


class ReducedNearestNeighbourRule(plasticity.ReducedNearestNeighbourRule):
    __doc__ = plasticity.ReducedNearestNeighbourRule.__doc__
    translations = build_translations(
        ("tau_plus", "tau_plus"),
        ("tau_minus", "tau_minus"),  # a parameter of the postsynaptic neuron in NEST
        ("A_plus", "lambda"),
        ("A_minus", "alpha", _alpha, _a_minus),
    )
    possible_models = {"stdp_nn_restr_synapse"}


class AdditiveWeightDependence(pynn_nest.AdditiveWeightDependence):
    __doc__ = pynn_nest.AdditiveWeightDependence.__doc__
    possible_models = {"stdp_synapse", "stdp_nn_restr_synapse"}


PLASTICITY_TYPES = {
    "ReducedNearestNeighbourRule": ReducedNearestNeighbourRule,
    "AdditiveWeightDependence": AdditiveWeightDependence,
}
