"""The zoo's multicompartment description on NEST: one ``cm_default`` node.

Each compartment of the cylinder becomes a ``cm_default`` compartment (parent = the
previous one; NEST's units pF, nS, mV), its Na and K conductances those of the
description (``cm_default``'s built-in channels are the ones declared there). A
``dc_generator`` reaches compartment k through ``receptor_type = k`` with a delay of
one step, and a multimeter samples every ``v_comp<k>`` at every step. NEST integrates
the cable with the Crank-Nicolson scheme and the gates with exponential Euler.
"""
from __future__ import annotations

import math

import numpy as np

from ..multicompartment import CompartmentalPopulation, DCSource


class NestCompartmentalPopulation(CompartmentalPopulation):
    def _build(self) -> None:
        import nest

        cell = self.cell
        values = cell.compartment_values()
        params = {"C_m": values["C_m"], "g_L": values["g_L"], "e_L": cell.pas.e_rev, "v_comp": cell.pas.e_rev}
        if cell.active:
            # NEST 3.10 reads e_K only when e_Na is given too: always give both.
            params.update({"gbar_Na": values["gbar_Na"], "e_Na": cell.na.e_rev,
                           "gbar_K": values["gbar_K"], "e_K": cell.kdr.e_rev})
        n = cell.morphology.n_compartments
        self.node = nest.Create("cm_default")
        self.node.compartments = [
            {"parent_idx": i - 1, "params": dict(params, g_C=0.0 if i == 0 else values["g_C"])} for i in range(n)
        ]
        self.meter = nest.Create("multimeter", {"record_from": [f"v_comp{i}" for i in range(n)],
                                                "interval": self.dt_ms})
        nest.Connect(self.meter, self.node)

    def _inject(self, source: DCSource, compartment: int) -> None:
        import nest

        settings = {"amplitude": source.amplitude * 1000.0, "start": source.start}  # nA -> pA
        if math.isfinite(source.stop):
            settings["stop"] = source.stop
        generator = nest.Create("dc_generator", settings)
        nest.Connect(generator, self.node,
                     syn_spec={"weight": 1.0, "delay": self.dt_ms, "receptor_type": compartment})

    def _voltages(self):
        events = self.meter.events
        times = np.asarray(events["times"], dtype=float)
        n = self.cell.morphology.n_compartments
        volts = np.column_stack([np.asarray(events[f"v_comp{i}"], dtype=float) for i in range(n)])
        return times, volts
