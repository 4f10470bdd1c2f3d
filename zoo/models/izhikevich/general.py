"""The Izhikevich neuron with the coefficients PyNN's ``Izhikevich`` hard-codes made
parameters (the zoo's cell type ``IzhikevichGeneral``, :mod:`zoo.backends.celltypes`):

    dv/dt = k2·v² + k1·v + k0 − u + I,   du/dt = a·(b·(v − v_u) − u_decay·u)
    v ≥ 30 mV: spike, v ← c, u ← u + d

for the three panels of Izhikevich (2004, Fig. 1) whose equations PyNN's cell cannot express:
G and L (k1 = 4.1, k0 = 108) and R (v_u = −65, u_decay = 0: u' = a·b·(v + 65)). The defaults
are PyNN's coefficients, so with them this is the ``izhikevich`` model, step for step on each
simulator (tests/zoo/models/test_izhikevich.py). Everything else (units, stimuli, spike rule)
is ``izhikevich``'s.

Each backend adds one record for the cell type: a NESTML neuron on NEST with NEST's own
``izhikevich`` update, Brian2 equations with its ``euler``, an NMODL mechanism on NEURON
after PyNN's own (:mod:`zoo.backends`): the same schemes as PyNN's cell on each.
"""
from __future__ import annotations

from ...declarations.model import CheckProtocol
from ...declarations.parameters import Parameter
from . import CELL_PARAMETERS, INITIAL_PARAMETERS, STIMULUS_PARAMETERS, declare

CELL_TYPE = "IzhikevichGeneral"
COEFFICIENTS = (
    Parameter("k2", "/mV/ms", 0.04, "(0, inf)", "coefficient of v² in dv/dt (PyNN's 0.04)",
              limit="above 0: without the quadratic term v never runs away to the cut"),
    Parameter("k1", "/ms", 5.0, "(-inf, inf)", "coefficient of v in dv/dt (PyNN's 5; 4.1 in Fig. 1 G and L)"),
    Parameter("k0", "mV/ms", 140.0, "(-inf, inf)", "constant term of dv/dt (PyNN's 140; 108 in Fig. 1 G and L)"),
    Parameter("v_u", "mV", 0.0, "(-inf, inf)", "potential from which v drives u (0; -65 in Fig. 1 R)"),
    Parameter("u_decay", "1", 1.0, "[0, inf)", "weight of -u in du/dt (1; 0 in Fig. 1 R, where u integrates v)"),
)
PARAMETERS = CELL_PARAMETERS + COEFFICIENTS + INITIAL_PARAMETERS + STIMULUS_PARAMETERS
CELL_NAMES = tuple(p.name for p in CELL_PARAMETERS + COEFFICIENTS)

#: ``zoo check izhikevich2004``: the Class 1 cell of panel G (k1 = 4.1, k0 = 108, b = −0.1) and
#: the accommodating cell of panel R (u' = a·b·(v + 65)), each under three constant currents,
#: 300 ms at dt = 0.1 ms (a protocol is a grid: one per cell); then the three panels against
#: the paper and the reference.
CURRENTS_NA = [0.005, 0.01, 0.02]
CLASS_1_CHECK = CheckProtocol(params={"i_offset": CURRENTS_NA, "b": -0.1, "k1": 4.1, "k0": 108.0, "d": 6.0,
                                      "c": -55.0, "v_init": -60.0, "u_init": 6.0}, duration_ms=300.0, dt_ms=0.1)
ACCOMMODATION_CHECK = CheckProtocol(params={"i_offset": CURRENTS_NA, "b": 1.0, "v_u": -65.0, "u_decay": 0.0,
                                            "d": 4.0, "c": -55.0, "v_init": -65.0, "u_init": -16.0},
                                    duration_ms=300.0, dt_ms=0.1)

MODEL = declare("izhikevich2004",
                "the Izhikevich neuron with its coefficients as parameters (every panel of Izhikevich 2004, Fig. 1)",
                "Izhikevich 2004, IEEE Trans. Neural Netw. 15:1063 (Fig. 1, figure1.m)", PARAMETERS, CELL_TYPE,
                CELL_NAMES, (CLASS_1_CHECK, ACCOMMODATION_CHECK),
                ("general_against_reference", "figure1_general_panels"), __doc__)
