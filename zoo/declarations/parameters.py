"""A model's parameters: PyNN names and units, defaults, ranges, and the checks of
user input (numbers, shapes, ranges, the time grid, relations between parameters).

Plain data (after PyNN's ``standardmodels``): nothing here imports a simulator, so
input is refused before any simulator is imported or any simulation starts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np


@dataclass(frozen=True)
class Bounds:
    """An interval such as ``(0, inf)`` or ``[-100, 0]``; parsed from that text."""

    low: float
    high: float
    low_closed: bool
    high_closed: bool

    @classmethod
    def parse(cls, text: str) -> "Bounds":
        text = text.strip()
        if text[0] not in "[(" or text[-1] not in "])" or "," not in text:
            raise ValueError(f"bounds must look like '(0, inf)' or '[-100, 0]', not {text!r}")
        low, high = (float(part) for part in text[1:-1].split(","))
        return cls(low, high, text[0] == "[", text[-1] == "]")

    def contains(self, values: np.ndarray) -> np.ndarray:
        above = values >= self.low if self.low_closed else values > self.low
        below = values <= self.high if self.high_closed else values < self.high
        return above & below

    def __str__(self) -> str:
        def fmt(x: float) -> str:
            return "inf" if x == math.inf else "-inf" if x == -math.inf else f"{x:g}"

        return f"{'[' if self.low_closed else '('}{fmt(self.low)}, {fmt(self.high)}{']' if self.high_closed else ')'}"


@dataclass(frozen=True)
class Parameter:
    """One user-settable parameter, named as in PyNN, in PyNN units.

    ``per_neuron`` parameters may be given as arrays: each value becomes one neuron
    of a single heterogeneous population (one simulation, not one per value).
    ``limit``: why the range (or a constraint) stops short of what the physics allows,
    where it does: a limit of the time grid or of the simulators (``zoo show`` prints it).
    """

    name: str
    unit: str
    default: float
    bounds: str
    doc: str
    per_neuron: bool = True
    on_time_grid: bool = False  # a time (ms) that must be a whole number of steps dt
    limit: str = ""

    @property
    def interval(self) -> Bounds:
        return Bounds.parse(self.bounds)


#: A relation between two parameters, e.g. ("v_reset", "<", "v_thresh"), held by every neuron.
Relation = tuple[str, str, str]
#: A further check of a model's values: (values, dt_ms) -> None, or ValueError naming the problem.
Constraint = Callable[[dict, float], None]


def _unit(spec: Parameter) -> str:
    """' mV' after a value; nothing for a pure number (unit "1")."""
    return "" if spec.unit == "1" else f" {spec.unit}"


def validate(model: str, parameters: Sequence[Parameter], params: Mapping[str, object], dt_ms: float | None = None,
             relations: Sequence[Relation] = (), constraints: Sequence[Constraint] = ()
             ) -> tuple[dict[str, np.ndarray | float], int]:
    """Check names, numbers, shapes and ranges of ``params`` (defaults fill the rest),
    the ``relations`` and, given ``dt_ms``, the time grid and the ``constraints``;
    return (values, population size).

    Scalars stay floats; per-neuron arrays become float arrays of one common length,
    which is the population size (1 when every value is a scalar).
    """
    by_name = {p.name: p for p in parameters}
    values: dict[str, np.ndarray | float] = {p.name: p.default for p in parameters}
    size = 1
    sized_by = None
    for name, raw in params.items():
        spec = parameter(model, parameters, name)
        array = _as_float_array(raw, f"{model}.{name} ({spec.unit})")
        if array.ndim > 1:
            raise ValueError(f"parameter {name!r} must be a number or a 1-D array, got shape {array.shape}")
        if array.ndim == 1:
            if not spec.per_neuron:
                per_neuron = [p.name for p in parameters if p.per_neuron]
                raise ValueError(
                    f"parameter {name!r} is set for the whole population and takes one number; "
                    + (f"per-neuron parameters of {model!r}: {', '.join(per_neuron)}" if per_neuron else
                       f"{model!r} has no per-neuron parameter (sweep values with zoo sweep --grid)")
                )
            if array.size == 0:
                raise ValueError(f"parameter {name!r} was given an empty array")
            if sized_by is not None and array.size != size:
                raise ValueError(
                    f"per-neuron arrays must have one length: {sized_by!r} has {size} values, "
                    f"{name!r} has {array.size}"
                )
            size, sized_by = array.size, name
        inside = spec.interval.contains(array)
        if not np.all(inside):
            bad = np.atleast_1d(array)[~np.atleast_1d(inside)][0]
            raise ValueError(
                f"parameter {name!r} = {bad:g}{_unit(spec)} is out of range; allowed: {spec.interval}{_unit(spec)}"
                + (f" ({spec.limit})" if spec.limit else "")
            )
        values[name] = array if array.ndim == 1 else float(array)
    for low, relation, high in relations:
        _check_relation(values, low, relation, high, by_name[low].unit)
    if dt_ms is not None:
        for spec in parameters:
            if spec.on_time_grid:
                _check_on_grid(spec.name, values[spec.name], dt_ms)
        for constraint in constraints:
            constraint(values, dt_ms)
    return values, size


def parameter(model: str, parameters: Sequence[Parameter], name: str) -> Parameter:
    """The parameter ``name``; ValueError naming the valid ones if unknown."""
    for p in parameters:
        if p.name == name:
            return p
    raise ValueError(f"unknown parameter {name!r} for model {model!r}; "
                     f"valid parameters: {', '.join(p.name for p in parameters)}")


def check_seed(seed) -> int:
    """``seed`` as an int in [0, 2**31); ValueError otherwise."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**31:
        raise ValueError(f"seed must be an integer in [0, 2**31), got {seed!r}")
    return int(seed)


def _as_float_array(raw: object, what: str) -> np.ndarray:
    try:
        array = np.asarray(raw, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be numeric, got {raw!r}") from None
    if np.any(np.isnan(array)):
        raise ValueError(f"{what} must be a number, got NaN")
    return array


_RELATIONS = {"<": np.less, "<=": np.less_equal}


def on_time_grid(values, dt_ms: float) -> np.ndarray:
    """Whether each finite time (ms) is a whole number of steps (to 1e-9 relative)."""
    steps = np.asarray(values, dtype=float) / dt_ms
    finite = np.isfinite(steps)
    ok = np.ones(steps.shape, dtype=bool)
    ok[finite] = np.abs(steps[finite] - np.round(steps[finite])) <= 1e-9 * np.maximum(1.0, np.abs(steps[finite]))
    return ok


def _check_on_grid(name: str, value, dt_ms: float) -> None:
    ok = on_time_grid(value, dt_ms)
    if not np.all(ok):
        bad = np.atleast_1d(value)[~np.atleast_1d(ok)][0]
        raise ValueError(f"parameter {name!r} = {bad:g} ms must be a whole number of time steps (dt = {dt_ms:g} ms)")


def _check_relation(values, low: str, relation: str, high: str, unit: str) -> None:
    ok = _RELATIONS[relation](values[low], values[high])
    if not np.all(ok):
        raise ValueError(f"parameters must satisfy {low} {relation} {high} ({unit})")


def at_least_steps(name: str, steps: float, why: str) -> Constraint:
    """A constraint: parameter ``name`` (ms) is at least ``steps`` time steps, because ``why``
    (a limit of the time grid: what the step cannot resolve)."""

    def check(values: dict, dt_ms: float) -> None:
        value = np.atleast_1d(np.asarray(values[name], dtype=float))
        least = steps * dt_ms
        if np.any(value < least * (1 - 1e-9)):
            bad = value[value < least * (1 - 1e-9)][0]
            raise ValueError(f"parameter {name!r} = {bad:g} ms is below {steps:g} time step(s) "
                             f"({least:g} ms at dt = {dt_ms:g} ms): {why}")

    check.__doc__ = f"{name} >= {steps:g} dt: {why}"
    return check


def parse_values(name: str, text: str) -> list[float]:
    """The command line's value grammar: ``START:STOP:NUM`` (inclusive, NUM >= 1),
    ``V1,V2,...`` or a single number; ValueError otherwise."""
    try:
        if ":" in text:
            start, stop, num = text.split(":")
            if int(num) < 1:
                raise ValueError
            values = np.linspace(float(start), float(stop), int(num)).tolist()
        else:
            values = [float(v) for v in text.split(",") if v.strip() != ""]
    except ValueError:
        raise ValueError(f"{name}={text!r}: expected a number, V1,V2,... or START:STOP:NUM with NUM >= 1") from None
    if not values:
        raise ValueError(f"{name}={text!r} is empty")
    return values


def parse_range(name: str, text: str) -> tuple[float, float]:
    """``LOW:HIGH`` -> (low, high), finite with low < high."""
    try:
        low, high = (float(v) for v in text.split(":"))
    except ValueError:
        raise ValueError(f"random {name}={text!r}: expected LOW:HIGH") from None
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"random {name}={text!r}: LOW and HIGH must be finite, LOW below HIGH")
    return low, high
