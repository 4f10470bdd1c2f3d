"""Brian2 state updaters whose derived code is kept on disk across processes.

Brian2 derives a group's integration code symbolically with SymPy each time a new
process builds the group: the 'exact' propagator of a linear cell (the Jordan form of
its state matrix, 5–6 s) or a Runge-Kutta scheme with substeps (ten RK4 substeps of a
Hodgkin-Huxley cell: about 25 s, redone for every group, since Brian2 caches only the
exact updater, and only in memory). The result is a short text, a function of the
equations, the integration method and the variables the equations refer to. This
wrapper stores that text under ``~/.cache/zoo/brian2-state-updaters`` (or
``$XDG_CACHE_HOME``), keyed by a hash of all three and of Brian2's version, so the same
code is derived once per machine: the generated code, hence every result, is
unchanged. The linear cells (``IF_curr_exp``, ``SRM_curr_exp``) need no derivation: their
exact propagators are written out (:class:`ExactPropagator`), in a form that Brian2's
general one is not (exact where tau_m = tau_syn).
"""
from __future__ import annotations

import hashlib
import os
import uuid
from pathlib import Path

import brian2
import numpy as np
from brian2.core.functions import Function
from brian2.core.variables import Constant, Variable
from brian2.stateupdaters.base import StateUpdateMethod


def cache_directory() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "zoo" / "brian2-state-updaters"


def _describe(name: str, variable) -> str:
    """What of a variable can change the derived code (never its run-time values,
    except for constants, whose value a derivation may use)."""
    if isinstance(variable, Constant):
        return f"{name}=Constant({variable.value!r},{variable.dim})"
    if isinstance(variable, Variable):
        return (f"{name}={type(variable).__name__}({variable.dim},{np.dtype(variable.dtype).str},"
                f"scalar={variable.scalar},constant={variable.constant},read_only={variable.read_only})")
    if isinstance(variable, Function):
        return f"{name}=Function({getattr(getattr(variable, 'pyfunc', None), '__name__', '')})"
    return f"{name}={type(variable).__name__}"


class CachedStateUpdater(StateUpdateMethod):
    """``method`` (a Brian2 state updater or the name of one), its output cached on
    disk under ``label`` (which must name the method unambiguously)."""

    def __init__(self, method, label: str):
        self.method = StateUpdateMethod.stateupdaters[method] if isinstance(method, str) else method
        self.label = label

    def __repr__(self) -> str:
        return f"CachedStateUpdater({self.label})"

    def key(self, equations, variables, method_options=None) -> str:
        parts = [f"brian2 {brian2.__version__}", self.label, repr(sorted((method_options or {}).items())),
                 str(equations)]
        parts += [_describe(name, variables[name]) for name in sorted(variables or {})]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def __call__(self, equations, variables=None, method_options=None):
        path = cache_directory() / f"{self.key(equations, variables, method_options)}.txt"
        if path.exists():
            return path.read_text()
        code = self.method(equations, variables, method_options)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
            temporary.write_text(code)
            os.replace(temporary, path)
        except OSError:
            pass  # an unwritable cache only costs the derivation next time
        return code


class ExactPropagator(StateUpdateMethod):
    """The exact propagator of a cell's linear equations, written out in a form that is
    well conditioned for every value of its time constants (no SymPy derivation).

    Brian2's 'exact' updater derives the propagator symbolically, for the general case:
    the response of v to an exponentially decaying current comes out as
    τ_m·τ_s·(e^{−h/τ_m} − e^{−h/τ_s})/(C·(τ_m − τ_s)), which divides by zero at
    τ_m = τ_s (a removable singularity: NEST and NEURON take the limit h/C·e^{−h/τ}) and
    loses every digit next to it, or at τ_s ≪ h (∞·0). Written as
    (h/C)·exp(−h/max(τ_m, τ_s))·exprel(−h·|1/τ_m − 1/τ_s|), with exprel(x) = (eˣ − 1)/x,
    it is exact everywhere: exprel of a non-positive argument lies in (0, 1] and is
    computed without cancellation. ``code`` is that propagation, as Brian2 abstract code;
    ``rhs`` the right-hand sides it integrates (name -> expression), checked against the
    group's equations so that the code can only be applied to the equations it solves.
    """

    def __init__(self, code: str, rhs: dict[str, str]):
        self.code = code
        self.rhs = rhs

    def __repr__(self) -> str:
        return f"ExactPropagator({', '.join(sorted(self.rhs))})"

    def __call__(self, equations, variables=None, method_options=None):
        from brian2.parsing.sympytools import str_to_sympy
        from brian2.stateupdaters.base import UnsupportedEquationsException

        found = {name: expression for name, expression in equations.get_substituted_expressions(variables)
                 if name in equations.diff_eq_names}
        if set(found) != set(self.rhs):
            raise UnsupportedEquationsException(f"{self!r} integrates {sorted(self.rhs)}, not {sorted(found)}")
        for name, expected in self.rhs.items():
            given = str_to_sympy(found[name].code, variables)
            if (given - str_to_sympy(expected, variables)).expand() != 0:
                raise UnsupportedEquationsException(f"{self!r}: d{name}/dt = {found[name].code}, expected {expected}")
        return self.code


def exponential_response(tau_a: str, tau_b: str) -> str:
    """∫₀^h exp(−(h − t)/τ_a − t/τ_b) dt (seconds) as Brian2 code, well conditioned for every τ_a, τ_b > 0
    (:class:`ExactPropagator`)."""
    longer = f"({tau_a}*int({tau_a} >= {tau_b}) + {tau_b}*int({tau_a} < {tau_b}))"
    return f"dt*exp(-dt/{longer})*exprel(-dt*abs(1/{tau_a} - 1/{tau_b}))"
