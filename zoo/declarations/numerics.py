"""How a simulator integrates a cell type, declared as data; what tolerances read.

Every backend declares, per cell type it runs, its integration :class:`Scheme`
(``zoo.backends``: ``Backend.numerics``). Tolerances are derived from these
declarations and the run's time step and duration, handed over as a
:class:`Numerics`, never from a simulator's name: a new backend declares its
schemes, and every tolerance that knows them applies to it.

Known scheme names, and what the zoo's tolerances derive from them:

- ``exact``: the linear subthreshold dynamics are propagated exactly from grid point
  to grid point (Rotter & Diesmann 1999); only the time grid of spike detection errs.
- ``adaptive_rkf45``: Runge-Kutta-Fehlberg 4(5) with step control inside each step;
  ``step_error_mv`` is the controlled absolute error of v per step.
- ``rk4_substeps``: classical Runge-Kutta with fixed substeps of at most ``substep_ms``;
  ``step_error_mv`` is the error of v it commits per substep.
- ``crank_nicolson``: the cable's implicit trapezoidal rule (second order); a mode of
  rate μ is multiplied by (1 − μh/2)/(1 + μh/2) per step h.
- ``implicit_euler``: the cable's backward Euler (first order); a mode is multiplied
  by 1/(1 + μh) per step.
- ``exponential_euler``: each step solves the equation with its coefficients frozen at
  the step's start (first order); exact for a linear equation with constant
  coefficients, such as a conductance-based IF neuron's v while no conductance is active.
- ``rk2``: the explicit midpoint rule (Runge's second-order method), one evaluation at
  the step's start and one at its middle (Brian2's ``rk2``).
- ``semi_implicit``: the linear currents by Crank-Nicolson, a nonlinear current at its
  value at the step's start (NEURON with a current it must not linearise, the AdEx's
  exponential).
- ``forward_euler``: every variable advanced by h times its derivative at the step's
  start (first order): NEST's ``izhikevich`` and Brian2's ``euler``.

For a nonlinear cell (Hodgkin-Huxley) no closed form bounds a fixed-step scheme's error.
A scheme accurate within each step (:data:`ACCURATE_WITHIN_STEP`) declares its error of v
per step, which bounds its trajectory's distance from the exact one; one of known order
(:data:`CONVERGENT`) is bounded by its own convergence runs at dt/2 and dt/4 (Richardson:
:mod:`zoo.declarations.convergence`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

SCHEMES = ("exact", "adaptive_rkf45", "rk4_substeps", "crank_nicolson", "implicit_euler", "exponential_euler", "rk2",
           "semi_implicit", "forward_euler")
#: Schemes accurate within each step for a nonlinear (Hodgkin-Huxley) cell: their
#: error is far below the time grid's, so a peak-detected spike lands within one step
#: of the exact one (tolerances, experiments and tests that rely on it read this).
ACCURATE_WITHIN_STEP = ("adaptive_rkf45", "rk4_substeps")
#: Fixed-step schemes of a declared global order: for a nonlinear cell, their error is
#: estimated from the same simulator's runs at finer steps (:mod:`zoo.declarations.convergence`).
CONVERGENT = ("crank_nicolson", "implicit_euler", "exponential_euler", "rk2", "semi_implicit", "forward_euler")


@dataclass(frozen=True)
class Scheme:
    """An integration scheme: its name (one of :data:`SCHEMES`), global order in dt
    (None for exact or adaptive), and what bounds its error."""

    name: str
    order: int | None = None
    step_error_mv: float | None = None
    substep_ms: float | None = None
    note: str = ""

    def __post_init__(self):
        if self.name not in SCHEMES:
            raise ValueError(f"unknown integration scheme {self.name!r}; known: {', '.join(SCHEMES)}")


@dataclass(frozen=True)
class Numerics:
    """What a tolerance is derived from: the time step and duration (ms) of the runs
    and the scheme of each simulator involved (one for a check against theory, two
    for a comparison)."""

    dt_ms: float
    duration_ms: float
    schemes: tuple[Scheme, ...] = field(default_factory=tuple)

    def names(self) -> set[str]:
        return {s.name for s in self.schemes}

    def require(self, *allowed: str) -> None:
        """ValueError unless every scheme is one of ``allowed`` (a tolerance derived
        for those schemes must not be applied to another)."""
        other = self.names() - set(allowed)
        if other:
            raise ValueError(f"this tolerance is derived for {', '.join(allowed)} integration, "
                             f"not {', '.join(sorted(other))}")
