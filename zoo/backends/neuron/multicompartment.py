"""The zoo's multicompartment description on NEURON: one ``Section``.

The cylinder is a Section of ``nseg`` = N segments. NEURON's nodes sit at the segment
centres, (i + ½)·L/N, plus the two ends, which have no membrane: sealed ends, and
between neighbouring centres the axial conductance π·d²/(4·Ra·Δx) — the description's
compartments exactly. Membrane: ``pas`` for the leak, ``zoo_na`` and ``zoo_kdr``
(``nmodl/``: the description's channels, from its rate functions) when active.

Numerics: fixed step with ``secondorder = 2``, Crank-Nicolson for the cable (as NEST's
``cm_default``), the gates by ``cnexp`` half a step apart from v. An ``IClamp`` at a
segment's centre is evaluated at the step's midpoint, so a current from ``start``
acts during the steps (start, stop], as on NEST. v is recorded at every centre after
every step (times dt … T).
"""
from __future__ import annotations

import math
import weakref

import numpy as np
from neuron import h

from ..multicompartment import CompartmentalPopulation, DCSource


#: Cables to start at rest. Weak, so that a finished run's cable can be freed (a handler
#: per cable would hold it from NEURON's side, out of Python's reach).
_CABLES: weakref.WeakSet = weakref.WeakSet()


def _start_all_at_rest() -> None:
    for cable in list(_CABLES):
        cable._start_at_rest()


#: Type 0: before the INITIAL blocks, so that the gates start at their steady state at rest.
_START_HANDLER = h.FInitializeHandler(0, _start_all_at_rest)


class NeuronCompartmentalPopulation(CompartmentalPopulation):
    #: The run's duration (ms), set by the backend: it runs one step more (``NeuronBackend.run``).
    duration_ms: float | None = None

    def _build(self) -> None:
        cell = self.cell
        geometry = cell.morphology
        section = h.Section(name="zoo_cable")
        section.L = geometry.length
        section.diam = geometry.diameter
        section.nseg = geometry.n_compartments
        section.cm = cell.cm
        section.Ra = cell.Ra
        section.insert("pas")
        for segment in section:
            segment.pas.g = cell.pas.conductance_density
            segment.pas.e = cell.pas.e_rev
        if cell.active:
            section.insert("zoo_na")
            section.insert("zoo_kdr")
            for segment in section:
                segment.zoo_na.gbar = cell.na.conductance_density
                segment.zoo_na.e = cell.na.e_rev
                segment.zoo_kdr.gbar = cell.kdr.conductance_density
                segment.zoo_kdr.e = cell.kdr.e_rev
        self.section = section
        _CABLES.add(self)
        self._centres = [(i + 0.5) / geometry.n_compartments for i in range(geometry.n_compartments)]
        self.recordings = [h.Vector().record(section(x)._ref_v) for x in self._centres]
        self.clamps = []

    def _start_at_rest(self) -> None:
        for segment in self.section:
            segment.v = self.cell.pas.e_rev

    def _inject(self, source: DCSource, compartment: int) -> None:
        clamp = h.IClamp(self.section(self._centres[compartment]))
        clamp.delay = source.start
        clamp.dur = (source.stop - source.start) if math.isfinite(source.stop) else 1e12
        clamp.amp = source.amplitude
        self.clamps.append(clamp)

    def _voltages(self):
        volts = np.column_stack([recording.as_numpy() for recording in self.recordings])
        n_steps = volts.shape[0] - 1  # the first sample is the start, at t = 0
        if self.duration_ms is not None:
            n_steps = min(n_steps, round(self.duration_ms / self.dt_ms))
        times = np.arange(1, n_steps + 1) * self.dt_ms
        return times, volts[1:n_steps + 1]
