"""The 20 panels of Izhikevich (2004), Fig. 1 ("Which model to use for cortical spiking
neurons?", IEEE Trans. Neural Netw. 15:1063), as the paper's own code draws them
(``figure1.m``, izhikevich.org/publications): each panel's a, b, c, d, initial state, step
tau, duration and current I(t), and the scheme that code integrates (:func:`published_euler`).

Read from ``figure1.m`` (the MATLAB file distributed with the paper); the copies of it in
other repositories differ only in comments. Units are the paper's: v in mV, t in ms, I in
mV/ms; the zoo's cells take nA over 1 pF, so I = 14 is ``i_offset`` = 0.014 nA
(:data:`NA_PER_PAPER_UNIT`).

Three panels use equations other than PyNN's ``Izhikevich`` (0.04v² + 5v + 140 − u + I,
u' = a(bv − u)): G and L have 0.04v² + 4.1v + 108, R has u' = a·b·(v + 65). They carry
their coefficients (``k1``, ``k0``, ``v_u``, ``u_decay`` of the zoo's ``IzhikevichGeneral``).

**How the current is sampled.** ``figure1.m`` advances from t_k = k·tau with I(t_k), its
conditions (t > T1, |t − T1| < 1, ...) evaluated at t_k; here they are evaluated in exact
arithmetic on the grid (t_k rounded to 1e-9 ms: at 0.2 and 0.1 ms, k·tau in floating point
is 13.0 where MATLAB's colon may give 12.999...; which side of a strict inequality a grid
time falls on is then the exact one). The panel's current is that staircase, I(t_k) held
over [t_k, t_k + tau) of the paper's grid, whatever the run's step (:func:`current`): runs at
tau/2 and tau/4 (a fixed-step scheme's convergence runs) integrate the same current as the
run at tau, and so does the reference. A current source acts from a run's third step on
(``zoo.stimuli``), so the staircase starts from its value at t = 0 until 2·tau; only panel R
changes before (its ramp's first value, 0.02 mV/ms over 0.5 ms: 0.01 mV not given).

**Spike times.** ``figure1.m`` plots the value after the step from t_k at t_k; here, as in
every simulator, a spike is reported at the end of the step in which v passed 30 mV,
t_k + tau (one step later than the paper's plot draws it).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: 1 mV/ms of the paper's current is 0.001 nA into the zoo's 1 pF cell.
NA_PER_PAPER_UNIT = 1e-3
#: PyNN's ``Izhikevich`` coefficients (the zoo's ``IzhikevichGeneral`` defaults).
STANDARD = {"k2": 0.04, "k1": 5.0, "k0": 140.0, "v_u": 0.0, "u_decay": 1.0}
#: figure1.m's cut: v > 30 mV (strict) is a spike.
CUT_MV = 30.0


def _on(t, start, stop):
    """start < t < stop, figure1.m's open windows."""
    return (t > start) & (t < stop)


def _accommodation(t):
    """Panel R: t/25 up to 200 ms, 0 to 300 ms, a fast ramp (t − 300)/12.5·4 to 312.5 ms, 0."""
    return np.where(t < 200, t / 25, np.where(t < 300, 0.0, np.where(t < 312.5, (t - 300) / 12.5 * 4, 0.0)))


@dataclass(frozen=True)
class Panel:
    """One panel: its title, the cell (a, b, c, d, and coefficients other than PyNN's),
    the initial state (v0 mV; u0 mV/ms, b·v0 unless given), figure1.m's step tau and
    duration (ms), and I(t) (mV/ms) at the grid times t (ms)."""

    title: str
    a: float
    b: float
    c: float
    d: float
    v0: float
    tau: float
    duration: float
    current: callable
    u0: float | None = None
    coefficients: dict = field(default_factory=dict)

    @property
    def standard(self) -> bool:
        """Whether PyNN's ``Izhikevich`` expresses the panel's equations."""
        return not self.coefficients

    @property
    def cell(self) -> dict:
        """The zoo's parameters of the panel's cell (PyNN names; u in mV/ms)."""
        u0 = self.b * self.v0 if self.u0 is None else self.u0
        return {"a": self.a, "b": self.b, "c": self.c, "d": self.d, "v_init": self.v0, "u_init": u0,
                **self.coefficients}


PANELS = {
    "A": Panel("tonic spiking", 0.02, 0.2, -65, 6, -70, 0.25, 100, lambda t: 14.0 * (t > 10)),
    "B": Panel("phasic spiking", 0.02, 0.25, -65, 6, -64, 0.25, 200, lambda t: 0.5 * (t > 20)),
    "C": Panel("tonic bursting", 0.02, 0.2, -50, 2, -70, 0.25, 220, lambda t: 15.0 * (t > 22)),
    "D": Panel("phasic bursting", 0.02, 0.25, -55, 0.05, -64, 0.2, 200, lambda t: 0.6 * (t > 20)),
    "E": Panel("mixed mode", 0.02, 0.2, -55, 4, -70, 0.25, 160, lambda t: 10.0 * (t > 16)),
    "F": Panel("spike frequency adaptation", 0.01, 0.2, -65, 8, -70, 0.25, 85, lambda t: 30.0 * (t > 8.5)),
    "G": Panel("Class 1 excitable", 0.02, -0.1, -55, 6, -60, 0.25, 300,
               lambda t: np.where(t > 30, 0.075 * (t - 30), 0.0), coefficients={"k1": 4.1, "k0": 108.0}),
    "H": Panel("Class 2 excitable", 0.2, 0.26, -65, 0, -64, 0.25, 300,
               lambda t: -0.5 + np.where(t > 30, 0.015 * (t - 30), 0.0)),
    "I": Panel("spike latency", 0.02, 0.2, -65, 6, -70, 0.2, 100, lambda t: 7.04 * _on(t, 10, 13)),
    "J": Panel("subthreshold oscillations", 0.05, 0.26, -60, 0, -62, 0.25, 200, lambda t: 2.0 * _on(t, 20, 25)),
    "K": Panel("resonator", 0.1, 0.26, -60, -1, -62, 0.25, 400,
               lambda t: 0.65 * (_on(t, 40, 44) | _on(t, 60, 64) | _on(t, 280, 284) | _on(t, 320, 324))),
    "L": Panel("integrator", 0.02, -0.1, -55, 6, -60, 0.25, 100,
               lambda t: 9.0 * (_on(t, 100 / 11, 100 / 11 + 2) | _on(t, 100 / 11 + 5, 100 / 11 + 7) | _on(t, 70, 72)
                                | _on(t, 80, 82)), coefficients={"k1": 4.1, "k0": 108.0}),
    "M": Panel("rebound spike", 0.03, 0.25, -60, 4, -64, 0.2, 200, lambda t: -15.0 * _on(t, 20, 25)),
    "N": Panel("rebound burst", 0.03, 0.25, -52, 0, -64, 0.2, 200, lambda t: -15.0 * _on(t, 20, 25)),
    "O": Panel("threshold variability", 0.03, 0.25, -60, 4, -64, 0.25, 100,
               lambda t: 1.0 * (_on(t, 10, 15) | _on(t, 80, 85)) - 6.0 * _on(t, 70, 75)),
    "P": Panel("bistability", 0.1, 0.26, -60, 0, -61, 0.25, 300,
               lambda t: 0.24 + 1.0 * (_on(t, 37.5, 42.5) | _on(t, 216, 221))),
    "Q": Panel("depolarizing after-potential", 1.0, 0.2, -60, -21, -70, 0.1, 50,
               lambda t: 20.0 * (np.abs(t - 10) < 1)),
    "R": Panel("accommodation", 0.02, 1.0, -55, 4, -65, 0.5, 400, _accommodation, u0=-16.0,
               coefficients={"v_u": -65.0, "u_decay": 0.0}),
    "S": Panel("inhibition-induced spiking", -0.02, -1.0, -60, 8, -63.8, 0.5, 350,
               lambda t: np.where((t < 50) | (t > 250), 80.0, 75.0)),
    "T": Panel("inhibition-induced bursting", -0.026, -1.0, -45, -2, -63.8, 0.5, 350,
               lambda t: np.where((t < 50) | (t > 250), 80.0, 75.0)),
}
#: Panel letters in the order of the figure; ``fig1_panel`` = 1 + the index.
LETTERS = tuple(PANELS)


def panel(number: int) -> Panel:
    """The panel of ``fig1_panel`` = number (1 = A ... 20 = T)."""
    return PANELS[LETTERS[int(round(number)) - 1]]


#: The paper's steps before which the staircase keeps its value at t = 0 (a current source
#: acts from a run's third step on: :data:`zoo.stimuli.FIRST_GRID_ONSET_STEPS`).
HELD_STEPS = 2


def grid_times(dt_ms: float, duration_ms: float) -> np.ndarray:
    """The start of each step of a run, t_k = k·dt (ms), exactly to 1e-9 ms."""
    return np.round(np.arange(int(round(duration_ms / dt_ms))) * dt_ms, 9)


def current(number: int, dt_ms: float, duration_ms: float) -> np.ndarray:
    """The current (mV/ms) of panel ``number`` over each step of a run at ``dt_ms``: the
    paper's staircase I(t_j) on its own grid t_j = j·tau (module docstring), held at I(0)
    for the first :data:`HELD_STEPS` of them."""
    chosen = panel(number)
    t = grid_times(dt_ms, duration_ms)
    j = np.floor(t / chosen.tau + 1e-9)
    paper = np.round(np.where(j < HELD_STEPS, 0.0, j) * chosen.tau, 9)
    return np.asarray(chosen.current(paper), dtype=float) + 0.0


def published_euler(cell: dict, currents: np.ndarray, dt_ms: float, trace: bool = False):
    """figure1.m's scheme (ms): v by one Euler step with I(t_k), then u from the *new* v,
    v > 30 mV a spike (v = c, u += d), reported at the step's end. ``cell``: the zoo's
    parameters (a, b, c, d, v_init, u_init, and any coefficient of :data:`STANDARD`);
    ``currents``: I per step (mV/ms). With ``trace``: (spikes, v at the end of each step,
    30 mV at a spike, as figure1.m draws it)."""
    q = {**STANDARD, **{k: float(v) for k, v in cell.items() if k in STANDARD}}
    a, b, c, d = (float(cell[k]) for k in "abcd")
    v, u = float(cell["v_init"]), float(cell["u_init"])
    spikes, drawn = [], []
    for k, i in enumerate(currents):
        v = v + dt_ms * (q["k2"] * v * v + q["k1"] * v + q["k0"] - u + i)
        u = u + dt_ms * a * (b * (v - q["v_u"]) - q["u_decay"] * u)
        if v > CUT_MV:
            spikes.append((k + 1) * dt_ms)
            drawn.append(CUT_MV)
            v, u = c, u + d
        else:
            drawn.append(v)
    spikes = np.round(np.array(spikes), 9)
    return (spikes, np.array(drawn)) if trace else spikes
