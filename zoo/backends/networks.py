"""What the zoo adds to PyNN for networks, declared once here and translated by each
backend (``Backend._connect_arrays``, ``Backend._inject_poisson_drive``):

- ``FromArraysConnector(sources, targets)``: the connections the zoo drew itself, as
  two integer arrays of presynaptic and postsynaptic indices (multapses and autapses
  allowed), so every simulator builds the same graph from the same seed. PyNN's
  ``FromListConnector`` says the same, but connects one postsynaptic neuron at a time
  (a deep copy of the parameter space per neuron, and on Brian2 a Python loop per
  synapse): far too slow for Brunel's 15.6 million synapses. Weight and delay are the
  synapse type's, one value each.
- ``PoissonDrive(rate_hz, weight)``: an independent Poisson train into every neuron of
  a population, each spike a synaptic event of ``weight`` (PyNN's units for the cell's
  synapses: mV for ``IF_curr_delta``) — the external input of Brunel (2000). PyNN's way,
  a ``SpikeSourcePoisson`` per neuron and a one-to-one projection, is the default; NEST
  uses one ``poisson_generator`` (it draws each target's count per step) and Brian2 a
  ``PoissonInput`` (a binomial count per step, the Poisson limit at these rates), as
  their own Brunel scripts do (NEST's with the shortest delay of the network connected
  before it, as its example: at a one-step delay its threads met every step, 1.1-1.4× the
  native simulation time against 1.3-1.6×, so on NEST the first D − dt ms of a run, 1.4
  ms for Brunel's D = 1.5 ms, go without drive). The trains are the simulator's random numbers (seeded by
  the run's seed), so two simulators never share them: networks are compared in
  distribution (``zoo.declarations.network_judge``).
"""
from __future__ import annotations

import numpy as np


def from_arrays_connector_class(backend) -> type:
    """The ``FromArraysConnector`` of ``backend``'s namespace (a PyNN ``Connector``)."""
    from pyNN.connectors import Connector

    class FromArraysConnector(Connector):
        """Connections from presynaptic index ``sources[k]`` to postsynaptic index
        ``targets[k]`` (integer arrays of one length; repeats allowed)."""

        parameter_names = ("sources", "targets")

        def __init__(self, sources, targets):
            super().__init__(safe=False)
            self.sources = np.asarray(sources, dtype=np.int64).ravel()
            self.targets = np.asarray(targets, dtype=np.int64).ravel()
            if self.sources.shape != self.targets.shape:
                raise ValueError(f"FromArraysConnector: {self.sources.size} sources for {self.targets.size} targets")

        def connect(self, projection) -> None:
            for indices, population, side in ((self.sources, projection.pre, "source"),
                                              (self.targets, projection.post, "target")):
                if indices.size and (indices.min() < 0 or indices.max() >= population.size):
                    raise ValueError(f"FromArraysConnector: a {side} index outside [0, {population.size - 1}]")
            if self.sources.size:
                backend._connect_arrays(projection, self.sources, self.targets)
            else:  # a draw can leave a projection empty (a small p or population)
                backend._connect_nothing(projection)

    return FromArraysConnector


def poisson_drive_class(backend) -> type:
    """The ``PoissonDrive`` of ``backend``'s namespace."""

    class PoissonDrive:
        """An independent Poisson train at ``rate_hz`` into each neuron, each spike a
        synaptic event of ``weight`` through ``receptor_type``."""

        def __init__(self, rate_hz: float, weight: float, receptor_type: str = "excitatory"):
            self.rate_hz, self.weight, self.receptor_type = float(rate_hz), float(weight), receptor_type
            if not (np.isfinite(self.rate_hz) and self.rate_hz >= 0):
                raise ValueError(f"PoissonDrive rate must be a finite rate >= 0 Hz, got {rate_hz!r}")

        def inject_into(self, population) -> None:
            if self.rate_hz > 0 and self.weight != 0:
                backend._inject_poisson_drive(population, self)

    return PoissonDrive


def single_value(projection, name: str) -> float:
    """The one native value of synapse parameter ``name`` of ``projection`` (ValueError
    if it varies: ``FromArraysConnector`` takes one weight and one delay)."""
    space = projection.synapse_type.native_parameters
    space.shape = (1,)
    space.evaluate(simplify=True)
    value = np.asarray(space[name], dtype=float)
    if value.size != 1:
        raise ValueError(f"FromArraysConnector takes one {name} per projection")
    return float(value.ravel()[0])
