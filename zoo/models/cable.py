"""A cable: an unbranched cylinder of compartments, current injected at one end.

    c_m ∂V/∂t = (d / (4·R_a)) ∂²V/∂x² − (V − V_rest)/R_m − i_Na − i_K      (per membrane area)

Passive by default (``gbar_Na = gbar_K = 0``). With channel densities it carries
spikes: ``gbar_Na = 0.12`` and ``gbar_K = 0.036`` S/cm² (Hodgkin & Huxley's densities)
with the Na (m³h) and K (n) kinetics of Mainen & Sejnowski (1996) at 37 °C, the
channels NEST's ``cm_default`` provides (see ``zoo.backends.multicompartment``).
Classic 1952 squid kinetics are not available in ``cm_default`` without NESTML.

The description is the zoo's multicompartment cell (PyNN style), translated by the
backend layer to NEST ``cm_default`` and Brian2 ``SpatialNeuron``. Closed forms of the
passive cable (``zoo.cable_theory``): λ = sqrt(d·R_m/(4·R_a)), R_in = r_a·λ·coth(L/λ),
V(L)/V(0) = 1/cosh(L/λ), τ = R_m·C_m (Rall 1959, Exp. Neurol. 1:491; Koch 1999,
*Biophysics of Computation*, ch. 2; Dayan & Abbott 2001, sec. 6.3).
"""
from __future__ import annotations

import math

import numpy as np

from .. import cable_theory
from ..cable_metrics import measure
from ..metrics import CABLE_METRICS
from ..verdict import reference_row
from ..spec import CheckSpec, ModelSpec, Parameter, Protocol

PARAMETERS = (
    Parameter("length", "um", 1000.0, "(0, 1e6]", "cable length", per_neuron=False),
    Parameter("diameter", "um", 2.0, "(0, 1e4]", "cable diameter", per_neuron=False),
    Parameter("n_compartments", "1", 100.0, "[2, 100000]", "number of equal compartments (whole number)",
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
    Parameter("start", "ms", 0.0, "[0, inf)", "current on from this time (acts from the next step)",
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


def build(sim, params: dict, size: int, duration_ms: float):
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
    return cells


def _run(simulator, duration_ms, dt_ms, **params):
    from ..runner import run

    return run("cable", simulator, duration_ms=duration_ms, dt_ms=dt_ms, trace_neurons=0, **params).summary.iloc[0]


def convergence_rows(simulator: str) -> list[dict]:
    """Attenuation error against the closed form as the compartments shrink: its order
    at the finest pair against the order of the exact compartmental solution, with the
    tolerance propagated from each run's error bound."""
    p = dict(MODEL.defaults(), length=1000.0)
    errors, exact, bounds = [], [], []
    for n in CONVERGENCE_COMPARTMENTS:
        q = dict(p, n_compartments=float(n))
        measured = _run(simulator, CONVERGENCE_DURATION_MS, MODEL.protocol.dt_ms, length=q["length"],
                        n_compartments=q["n_compartments"])["attenuation"]
        theory = cable_theory.attenuation(q["length"], q["diameter"], q["Rm"], q["Ra"])
        _, discrete, _, bound = cable_theory.steady_state_bounds(q, MODEL.protocol.dt_ms, CONVERGENCE_DURATION_MS)
        errors.append(abs(measured - theory))
        exact.append(abs(discrete - theory))
        bounds.append(bound + cable_theory.ROUND_OFF)
    order = math.log2(errors[-2] / errors[-1])
    expected = math.log2(exact[-2] / exact[-1])
    tolerance = (bounds[-2] / exact[-2] + bounds[-1] / exact[-1]) / math.log(2)
    trail = ", ".join(f"N={n}: {e:.2e}" for n, e in zip(CONVERGENCE_COMPARTMENTS, errors))
    return [reference_row(simulator, "attenuation error order in dx", order, expected, abs(order - expected), tolerance,
                 f"errors {trail}")]


def active_rows(simulator: str) -> list[dict]:
    """The spike reaches the far end; the velocity's time-step error (step doubling,
    dt 0.02 -> 0.01 ms) is within the declared first-order bound; v grows as sqrt(d)."""
    rows, fine = [], {}
    for diameter in (1.0, 4.0):
        coarse_run = _run(simulator, 20.0, 0.02, **ACTIVE, diameter=diameter)
        fine_run = _run(simulator, 20.0, 0.01, **ACTIVE, diameter=diameter)
        fine[diameter] = fine_run["velocity_m_per_s"]
        # first order: the error of v(dt) is about 2·|v(dt) − v(dt/2)|
        per_ms = 2 * abs(coarse_run["velocity_m_per_s"] - fine[diameter]) / fine[diameter] / 0.02
        rows.append(reference_row(simulator, f"velocity dt error per ms, d={diameter:g} um", per_ms,
                         cable_theory.VELOCITY_ERROR_PER_MS, max(0.0, per_ms - cable_theory.VELOCITY_ERROR_PER_MS),
                         0.0, f"v = {fine[diameter]:.4f} m/s at dt 0.01 ms; declared bound "
                              f"{cable_theory.VELOCITY_ERROR_PER_MS}/ms"))
        rows.append(reference_row(simulator, f"far-end peak (mV), d={diameter:g} um", fine_run["far_end_peak_mv"], 0.0,
                         max(0.0, -fine_run["far_end_peak_mv"]), 0.0, "the spike reaches x = L: peak above 0 mV"))
    exponent = math.log(fine[4.0] / fine[1.0]) / math.log(4.0)
    rows.append(reference_row(simulator, "velocity exponent in d", exponent, 0.5, abs(exponent - 0.5),
                     SQRT_D_EXPONENT_TOLERANCE, "v ~ d^x between d = 1 and 4 um, dt 0.01 ms"))
    return rows


def published_checks(simulator: str) -> list[dict]:
    """``zoo check`` rows beyond the closed forms: convergence and active propagation."""
    return convergence_rows(simulator) + active_rows(simulator)


def closed_forms(p: dict) -> dict:
    """Steady state and time constant of the passive sealed cable (NaN when active)."""
    passive = p["gbar_Na"] == 0.0 and p["gbar_K"] == 0.0
    nan = np.nan
    args = (p["length"], p["diameter"], p["Rm"], p["Ra"])
    return {
        "input_resistance_mohm": cable_theory.input_resistance_mohm(*args) if passive else nan,
        "attenuation": cable_theory.attenuation(*args) if passive else nan,
        "tau_ms": cable_theory.membrane_time_constant_ms(p["Rm"], p["cm"]) if passive else nan,
    }


MODEL = ModelSpec(
    name="cable",
    summary="passive or active cable of compartments (NEST cm_default, Brian2 SpatialNeuron)",
    reference="Rall 1959; Koch 1999 ch. 2; Dayan & Abbott 2001 sec. 6.3; Mainen & Sejnowski 1996",
    parameters=PARAMETERS,
    protocol=Protocol(stimulus="current step amplitude (nA) at x = 0 from start to stop (ms)", duration_ms=300.0,
                      dt_ms=0.025, recorded=("v",), traced_neurons=1),
    metrics=CABLE_METRICS,
    build=build,
    closed_form=closed_forms,
    closed_form_doc="R_in = r_a*lambda*coth(L/lambda), V(L)/V(0) = 1/cosh(L/lambda), tau = Rm*cm, "
                    "lambda = sqrt(d*Rm/(4*Ra))",
    closed_form_metrics=("input_resistance_mohm", "attenuation", "tau_ms"),
    closed_form_tolerance=cable_theory.closed_form_tolerance,
    agreement=cable_theory.agreement,
    measure=measure,
    check=(
        # one cable shorter and one longer than lambda (1000 um at the defaults)
        CheckSpec(params={"length": [500.0, 3000.0]}, duration_ms=300.0, dt_ms=0.025),
        # the active cable, two diameters: velocities compared across simulators
        CheckSpec(params={**ACTIVE, "diameter": [1.0, 4.0]}, duration_ms=20.0, dt_ms=0.025),
    ),
    references=published_checks,
    relations=(("start", "<", "stop"),),
    checks=(check_whole_compartments,),
    doc=__doc__,
)
