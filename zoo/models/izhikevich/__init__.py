"""PyNN's ``Izhikevich`` neuron under current clamp (Izhikevich 2003, IEEE Trans. Neural
Netw. 14:1569):

    dv/dt = 0.04·v² + 5·v + 140 − u + I,   du/dt = a·(b·v − u)
    v ≥ 30 mV: spike, v ← c, u ← u + d   (no refractory period)

with v in mV, t in ms, and I = 1000 mV/ms per nA: PyNN's cell has a membrane of 1 pF on every
backend (NEST's ``I_e`` in pA enters dv/dt as mV/ms; Brian2 divides by 1 pF; NEURON's
compartment of 100 µm² at 1 µF/cm²), so ``i_offset = 0.014`` nA is the paper's I = 14.

Parameters are PyNN's (``a``, ``b``, ``c``, ``d``, ``i_offset``, PyNN's defaults a 0.02,
b 0.2, c −65, d 2, with the initial state ``v_init`` −70 mV and ``u_init`` −14 mV/ms, PyNN's
initial values), except the default current: 0.01 nA (PyNN's 0 nA leaves the cell at
rest; rheobase is 0.004 nA at the default a, b: the saddle-node where 0.04v² + 4.8v + 140 + I
has no root). Stimuli: a step, a ramp, a train of square pulses and the current of any
panel of Izhikevich (2004) Fig. 1 (:mod:`.stimulus`, :mod:`.figure1`).

How each simulator integrates it (``zoo show izhikevich``): NEST's ``izhikevich`` and the
zoo's Brian2 group take one forward Euler step (v and u from the step's start: NEST's default
``consistent_integration = true``); NEURON solves v implicitly with the quadratic current
linearised at each step and u by backward Euler. All three are first order in dt, and none
is the scheme of the paper's figures (figure1.m of Izhikevich 2004: v by one Euler step,
then u from the new v: :func:`.figure1.published_euler`). NEST's other setting
(``consistent_integration = false``) is the network code of Izhikevich (2003), which PyNN
does not select (tests/zoo/models/test_izhikevich.py). Runs are judged against the zoo's
accurate solution (:mod:`zoo.declarations.reference`, :mod:`.studies`), and the 17 panels of
Fig. 1 that PyNN's equations express are reproduced on every simulator (the other three:
``izhikevich2004``, :mod:`.general`).
"""
from __future__ import annotations

from ...declarations.metrics import TRAIN
from ...declarations.model import CheckProtocol, Model, Network, Protocol, Simulation, Validation
from ...declarations.parameters import Parameter
from ...stimuli.current_clamp import (RAMP_PARAMETERS, RAMP_RELATIONS, STEP_CONSTRAINTS, STEP_PARAMETERS,
                                      STEP_RELATIONS, check_ramp, step_window)
from . import stimulus
from .theory import IZHIKEVICH_AGREEMENT

CELL_TYPE = "Izhikevich"

#: The cut (mV): PyNN's Izhikevich fires at v >= 30 mV on every backend.
CUT_MV = 30.0
BELOW_CUT = (f"below the {CUT_MV:g} mV cut: a cell at or above it fires at once and, reset there, at every step "
             "(NEST and Brian2), where NEURON, which waits for v to rise through the cut, never fires")

CELL_PARAMETERS = (
    Parameter("a", "/ms", 0.02, "(-inf, inf)", "rate of the recovery variable u"),
    Parameter("b", "/ms", 0.2, "(-inf, inf)", "sensitivity of u to v"),
    Parameter("c", "mV", -65.0, f"(-inf, {CUT_MV:g})", "v after a spike", limit=BELOW_CUT),
    Parameter("d", "mV/ms", 2.0, "(-inf, inf)", "added to u at a spike"),
    Parameter("i_offset", "nA", 0.01, "[-0.1, 0.1]",
              "constant injected current, 1 nA = 1000 mV/ms (0.014 nA is the paper's I = 14; rheobase 0.004 nA at "
              "the default a, b; PyNN's default 0 nA would leave the cell at rest)",
              limit="at most 0.1 nA (100 mV/ms; Fig. 1 uses up to 80) either way: beyond it the cell fires every few "
                    "steps of 0.1 ms and the schemes part (1 nA, 50 ms: 262 spikes on NEST and Brian2, 170 on "
                    "NEURON)"),
)
INITIAL_PARAMETERS = (
    Parameter("v_init", "mV", -70.0, f"(-inf, {CUT_MV:g})", "initial membrane potential (PyNN's initial value)",
              limit=BELOW_CUT),
    Parameter("u_init", "mV/ms", -14.0, "(-inf, inf)", "initial recovery variable (PyNN's initial value, b·v_init "
                                                        "at the defaults)"),
)
STIMULUS_PARAMETERS = STEP_PARAMETERS + RAMP_PARAMETERS + stimulus.PULSE_PARAMETERS + stimulus.PANEL_PARAMETERS
PARAMETERS = CELL_PARAMETERS + INITIAL_PARAMETERS + STIMULUS_PARAMETERS
CELL_NAMES = tuple(p.name for p in CELL_PARAMETERS)


def population_builder(cell_type: str, cell_names: tuple[str, ...]):
    """A ``Simulation.build``: one population of ``cell_type`` (its parameters ``cell_names``)
    from (``v_init``, ``u_init``), under the stimuli (a panel's constant part in ``i_offset``)."""

    def build(sim, params: dict, size: int, duration_ms: float, seed: int) -> Network:
        cell = {name: params[name] for name in cell_names}
        cell["i_offset"] = cell["i_offset"] + stimulus.panel_offset(params)
        cells = sim.Population(size, getattr(sim, cell_type)(**cell),
                               initial_values={"v": params["v_init"], "u": params["u_init"]})
        stimulus.inject(sim, cells, params, duration_ms)
        return Network(cells)

    return build


def simulation(cell_type: str, cell_names: tuple[str, ...]) -> Simulation:
    return Simulation(build=population_builder(cell_type, cell_names), rate_window=step_window,
                      injected_current=stimulus.injected_current, waveform_samples=stimulus.pulse_samples)


CONSTRAINTS = STEP_CONSTRAINTS + (check_ramp, stimulus.check_pulses, stimulus.check_panel)


#: ``zoo check izhikevich``: currents from rest to fast firing, below and above rheobase
#: (0.004 nA), with PyNN's d and the paper's regular-spiking d = 8; 500 ms at dt = 0.1 ms.
CURRENTS_NA = (0.0, 0.003, 0.005, 0.007, 0.01, 0.014, 0.02, 0.03)
CHECK = CheckProtocol(params={"i_offset": list(CURRENTS_NA) * 2, "d": [2.0] * len(CURRENTS_NA) + [8.0] * len(CURRENTS_NA)},
                      duration_ms=500.0, dt_ms=0.1)

def declare(name: str, summary: str, citation: str, parameters, cell_type: str, cell_names, protocols, studies,
            doc: str) -> Model:
    """An Izhikevich model of ``cell_type``: everything but its cell, checks and studies is this
    module's (stimuli, protocol, metrics, agreement, constraints)."""
    return Model(
        name=name, summary=summary, citation=citation, parameters=parameters,
        protocol=Protocol(stimulus="constant current i_offset (nA); optional step, ramp, pulse train, Fig. 1 panel",
                          duration_ms=500.0, dt_ms=0.1),
        metrics=TRAIN,
        simulation=simulation(cell_type, cell_names),
        validation=Validation(agreement=IZHIKEVICH_AGREEMENT, protocols=protocols,
                              studies=tuple(f"zoo.models.izhikevich.studies:{study}" for study in studies)),
        relations=STEP_RELATIONS + RAMP_RELATIONS,
        constraints=CONSTRAINTS,
        cell_types=(cell_type,),
        doc=doc,
    )


MODEL = declare("izhikevich", "PyNN's Izhikevich neuron (2003) driven by a current: steps, ramps, pulses",
                "Izhikevich 2003, IEEE Trans. Neural Netw. 14:1569; PyNN Izhikevich", PARAMETERS, CELL_TYPE,
                CELL_NAMES, (CHECK,), ("against_reference", "figure1_panels"), __doc__)
