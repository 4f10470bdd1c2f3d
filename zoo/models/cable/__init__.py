"""A cable: an unbranched cylinder of compartments, current injected at one end.

    c_m ∂V/∂t = (d / (4·R_a)) ∂²V/∂x² − (V − V_rest)/R_m − i_Na − i_K      (per membrane area)

Passive by default (``gbar_Na = gbar_K = 0``). With channel densities it carries
spikes: ``gbar_Na = 0.12`` and ``gbar_K = 0.036`` S/cm² (Hodgkin & Huxley's densities)
with the Na (m³h) and K (n) kinetics of Mainen & Sejnowski (1996) at 37 °C, the
channels the zoo's multicompartment description provides on every backend.

The description is the zoo's ``MultiCompartmentNeuron`` (PyNN style), translated by
the backend layer. Closed forms of the passive cable (:mod:`.theory`): λ = sqrt(d·R_m/(4·R_a)), R_in = r_a·λ·coth(L/λ),
V(L)/V(0) = 1/cosh(L/λ), τ = R_m·C_m (Rall 1959, Exp. Neurol. 1:491; Koch 1999,
*Biophysics of Computation*, ch. 2; Dayan & Abbott 2001, sec. 6.3).
"""
from __future__ import annotations

import math

import numpy as np

from ...declarations.model import (Agreement, CheckProtocol, ClosedForm, Model, Network, Protocol, Simulation,
                                   Validation)
from ...declarations.parameters import Parameter
from ...stimuli import check_onset
from . import theory
from .metrics import METRICS, analyse

PARAMETERS = (
    Parameter("length", "um", 1000.0, "(0, 1e6]", "cable length", per_neuron=False),
    Parameter("diameter", "um", 2.0, "(0, 1e4]", "cable diameter", per_neuron=False),
    # NEST's cm_default takes time growing faster than N² to build N compartments
    # (measured: 0.4 s at 1000, 3.4 s at 2000, 28 s at 4000): 2000 keeps a run
    # within seconds on every simulator, and dx = L/2000 is far below lambda/10.
    Parameter("n_compartments", "1", 100.0, "[2, 2000]", "number of equal compartments (whole number)",
              per_neuron=False),
    Parameter("cm", "uF/cm2", 1.0, "(0, inf)", "specific membrane capacitance", per_neuron=False),
    Parameter("Rm", "ohm*cm2", 20000.0, "(0, inf)", "specific membrane resistance (leak density 1/Rm S/cm²)",
              per_neuron=False),
    Parameter("Ra", "ohm*cm", 100.0, "(0, inf)", "axial resistivity", per_neuron=False),
    Parameter("v_rest", "mV", -65.0, "[-200, 200]", "leak reversal: the resting potential of the passive cable",
              per_neuron=False),
    Parameter("gbar_Na", "S/cm2", 0.0, "[0, 10]", "sodium conductance density (0: passive)", per_neuron=False),
    Parameter("gbar_K", "S/cm2", 0.0, "[0, 10]", "potassium conductance density (0: passive)", per_neuron=False),
    Parameter("e_rev_Na", "mV", 50.0, "[-200, 200]", "sodium reversal potential", per_neuron=False),
    Parameter("e_rev_K", "mV", -85.0, "[-200, 200]", "potassium reversal potential", per_neuron=False),
    Parameter("amplitude", "nA", 0.1, "[-1000, 1000]", "current injected at x = 0", per_neuron=False),
    Parameter("start", "ms", 1.0, "[0, inf)", "current on from this time (>= dt; acts from the next step)",
              per_neuron=False, on_time_grid=True),
    Parameter("stop", "ms", math.inf, "[0, inf]", "current off at this time (inf: to the end of the run)",
              per_neuron=False, on_time_grid=True),
)

#: The active cable: HH densities, a 1 nA pulse of 1 ms, 2 mm in 10 µm compartments.
ACTIVE = {"gbar_Na": 0.12, "gbar_K": 0.036, "amplitude": 1.0, "start": 1.0, "stop": 2.0, "length": 2000.0,
          "n_compartments": 200}
#: Compartment counts of the convergence check (1 mm cable, λ = 1 mm) and its run length:
#: 500 ms = 25 τ leaves no measurable transient.
CONVERGENCE_COMPARTMENTS = (10, 20, 40, 80)
CONVERGENCE_DURATION_MS = 500.0
#: Conduction velocity grows as sqrt(d) in the continuum (v ∝ λ/τ; Rushton 1951, J. Physiol.
#: 115:101; Hodgkin 1954). With the compartments fixed at 10 µm the exponent over d = 1–4 µm
#: may differ from 1/2 by the spatial error: at most this much.
SQRT_D_EXPONENT_TOLERANCE = 0.02


def check_whole_compartments(values: dict, dt_ms: float) -> None:
    n = values["n_compartments"]
    if n != round(n):
        raise ValueError(f"parameter 'n_compartments' must be a whole number, got {n:g}")


def check_current_onset(values: dict, dt_ms: float) -> None:
    if values["amplitude"] != 0.0:
        check_onset("start", values["start"], dt_ms)


def compartments(params: dict, size: int) -> int:
    """v signals recorded: one per compartment of every cable."""
    return int(params["n_compartments"]) * size


def build(sim, params: dict, size: int, duration_ms: float, seed: int) -> Network:
    """One cable; the current enters the compartment at x = 0."""
    mc = sim.multicompartment
    cell = mc.MultiCompartmentNeuron(
        morphology=mc.Cylinder(length=params["length"], diameter=params["diameter"],
                               n_compartments=int(params["n_compartments"])),
        cm=params["cm"],
        Ra=params["Ra"],
        pas=mc.PassiveLeak(conductance_density=1.0 / params["Rm"], e_rev=params["v_rest"]),
        na=mc.NaChannel(conductance_density=params["gbar_Na"], e_rev=params["e_rev_Na"]),
        kdr=mc.KdrChannel(conductance_density=params["gbar_K"], e_rev=params["e_rev_K"]),
    )
    cells = sim.Population(size, cell)
    if params["amplitude"] != 0.0 and params["start"] < duration_ms:
        mc.DCSource(amplitude=params["amplitude"], start=params["start"],
                    stop=min(params["stop"], duration_ms)).inject_into(cells, location=0.0)
    return Network(cells)


def injected_current(params, t_ms: np.ndarray) -> np.ndarray:
    """The current entering at x = 0 (nA) at times ``t_ms``: ``amplitude`` over
    (start, stop], where it acts on the potential."""
    t_ms = np.asarray(t_ms, dtype=float)
    return params["amplitude"] * ((t_ms > params["start"]) & (t_ms <= params["stop"])).astype(float)


def closed_forms(p: dict) -> dict:
    """Steady state and time constant of the passive sealed cable (NaN when active)."""
    passive = theory.is_passive(p)
    nan = np.nan
    args = (p["length"], p["diameter"], p["Rm"], p["Ra"])
    return {
        "input_resistance_mohm": theory.input_resistance_mohm(*args) if passive else nan,
        "attenuation": theory.attenuation(*args) if passive else nan,
        "tau_ms": theory.membrane_time_constant_ms(p["Rm"], p["cm"]) if passive else nan,
    }


MODEL = Model(
    name="cable",
    summary="passive or active cable of compartments (the zoo's multicompartment cell)",
    citation="Rall 1959; Koch 1999 ch. 2; Dayan & Abbott 2001 sec. 6.3; Mainen & Sejnowski 1996",
    parameters=PARAMETERS,
    protocol=Protocol(stimulus="current step amplitude (nA) at x = 0 from start to stop (ms)", duration_ms=300.0,
                      dt_ms=0.025, recorded=("v",), traced_neurons=1),
    metrics=METRICS,
    simulation=Simulation(build=build, analyse=analyse, records_v_everywhere=True, channels=compartments,
                          injected_current=injected_current, figure="zoo.models.cable.figures:figure"),
    validation=Validation(
        closed_form=ClosedForm(
            metrics=("input_resistance_mohm", "attenuation", "tau_ms"), values=closed_forms,
            tolerance=theory.closed_form_tolerance,
            doc="R_in = r_a*lambda*coth(L/lambda), V(L)/V(0) = 1/cosh(L/lambda), tau = Rm*cm, "
                "lambda = sqrt(d*Rm/(4*Ra))"),
        agreement=Agreement(covers=("input_resistance_mohm", "attenuation", "tau_ms", "velocity_m_per_s"),
                            tolerances=theory.agreement, doc="the same compartmental equations, two time schemes"),
        protocols=(
            # one cable shorter and one longer than lambda (1000 um at the defaults)
            CheckProtocol(params={"length": [500.0, 3000.0]}, duration_ms=300.0, dt_ms=0.025),
            # the active cable, two diameters: velocities compared across simulators
            CheckProtocol(params={**ACTIVE, "diameter": [1.0, 4.0]}, duration_ms=20.0, dt_ms=0.025),
        ),
        studies=("zoo.models.cable.studies:published_checks",),
    ),
    relations=(("start", "<", "stop"),),
    constraints=(check_whole_compartments, check_current_onset),
    cell_types=("MultiCompartmentNeuron",),
    revision=3,  # 2: the current starts at 1 ms (>= dt), not at 0; 3: steady metrics need a settled run
    doc=__doc__,
)
