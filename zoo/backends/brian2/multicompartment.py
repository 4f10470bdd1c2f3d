"""The zoo's multicompartment description on Brian2: one ``SpatialNeuron``.

The cylinder is Brian2's ``Cylinder`` (the same compartments as the description);
every parameter is a variable of the group, not a constant of the generated code,
so cables of any geometry, passive or active, share one compiled model. The gate
rates and steady states are marked ``constant over dt``: without that, Brian2's
exponential Euler hands the gate equations to SymPy, whose rearrangement of the
``exprel`` terms loses all precision and made spikes exceed E_Na. The cable is
integrated by Brian2's implicit scheme, the gates by exponential Euler.

Timing follows NEST: v is sampled at the end of each step (times dt … T) and a
current from ``start`` acts during the steps (start, stop].
"""
from __future__ import annotations

import math
import re

import brian2
import numpy as np
from brian2 import cm, mV, ms, nA, ohm, siemens, uF, um
from pyNN.brian2 import simulator

from ..multicompartment import RATE_FACTOR, RATES, H_INF, CompartmentalPopulation, DCSource, steady_state_gates


def _in_mv(expression: str) -> str:
    """The description's rate expressions take v in mV; Brian2's v carries units."""
    return re.sub(r"\bv\b", "v_mv", expression)


def _equations() -> str:
    rates = "\n".join(f"{name} = {_in_mv(expr)} : 1" for name, expr in RATES.items())
    gates = "\n".join(
        f"{gate}_inf = {inf} : 1 (constant over dt)\n"
        f"tau_{gate} = ms/({RATE_FACTOR}*(alpha_{gate} + beta_{gate})) : second (constant over dt)\n"
        f"d{gate}/dt = ({gate}_inf - {gate})/tau_{gate} : 1"
        for gate, inf in (("m", "alpha_m/(alpha_m + beta_m)"), ("h", _in_mv(H_INF)),
                          ("n", "alpha_n/(alpha_n + beta_n)"))
    )
    return f"""
Im = g_leak*(e_leak - v) + gbar_Na*m**3*h*(e_Na - v) + gbar_K*n*(e_K - v) : amp/meter**2
I = I_amp*int(t + dt > t_on + dt/2)*int(t + dt < t_off + dt/2) : amp (point current)
I_amp : amp (constant)
t_on : second (constant, shared)
t_off : second (constant, shared)
g_leak : siemens/meter**2 (constant)
e_leak : volt (constant)
gbar_Na : siemens/meter**2 (constant)
gbar_K : siemens/meter**2 (constant)
e_Na : volt (constant, shared)
e_K : volt (constant, shared)
v_mv = v/mV : 1
{rates}
{gates}
"""


EQUATIONS = _equations()


class Brian2CompartmentalPopulation(CompartmentalPopulation):
    def _build(self) -> None:
        cell = self.cell
        geometry = cell.morphology
        clock = simulator.state.network.clock
        self.neuron = brian2.SpatialNeuron(
            morphology=brian2.Cylinder(length=geometry.length * um, diameter=geometry.diameter * um,
                                       n=geometry.n_compartments),
            model=EQUATIONS, Cm=cell.cm * uF / cm**2, Ri=cell.Ra * ohm * cm, method="exponential_euler",
            clock=clock, name="zoo_cable", namespace={},
        )
        neuron = self.neuron
        neuron.v = cell.pas.e_rev * mV
        neuron.g_leak = cell.pas.conductance_density * siemens / cm**2
        neuron.e_leak = cell.pas.e_rev * mV
        neuron.gbar_Na = cell.na.conductance_density * siemens / cm**2
        neuron.gbar_K = cell.kdr.conductance_density * siemens / cm**2
        neuron.e_Na = cell.na.e_rev * mV
        neuron.e_K = cell.kdr.e_rev * mV
        for gate, value in steady_state_gates(cell.pas.e_rev).items():
            setattr(neuron, gate, value)
        neuron.t_on = 0 * ms
        neuron.t_off = 0 * ms
        self.monitor = brian2.StateMonitor(neuron, "v", record=True, when="end", clock=clock,
                                           name="zoo_cable_monitor")
        simulator.state.network.add(neuron, self.monitor)

    def _inject(self, source: DCSource, compartment: int) -> None:
        if self.injections[:-1]:
            raise ValueError("the Brian2 cable takes one current source")
        self.neuron.I_amp[compartment] = source.amplitude * nA
        self.neuron.t_on = source.start * ms
        self.neuron.t_off = (source.stop if math.isfinite(source.stop) else 1e12) * ms

    def _voltages(self):
        times = np.asarray(self.monitor.t / ms) + self.dt_ms  # sampled after the step's update
        volts = np.asarray(self.monitor.v / mV).T
        return times, volts
