"""Declarations of a zoo model: its parameters, protocol, metrics and references.

A model is plain data (after PyNN's ``standardmodels``): nothing here imports a
simulator. Validation of user input happens in one place, :func:`ModelSpec.validate`,
before any simulator is imported or any simulation starts.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Mapping

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
    """

    name: str
    unit: str
    default: float
    bounds: str
    doc: str
    per_neuron: bool = True
    on_time_grid: bool = False  # a time (ms) that must be a whole number of steps dt

    @property
    def interval(self) -> Bounds:
        return Bounds.parse(self.bounds)


@dataclass(frozen=True)
class Protocol:
    """The default experiment: stimulus, duration, time step and what is recorded."""

    stimulus: str
    duration_ms: float = 1000.0
    dt_ms: float = 0.1
    recorded: tuple[str, ...] = ("spikes", "v")
    traced_neurons: int = 5  # membrane traces are kept for at most this many neurons by default
    seed: int = 1
    max_population: int | None = None  # largest population per simulation in sweeps (memory), None: no limit


@dataclass(frozen=True)
class CheckSpec:
    """What ``zoo check`` runs: parameter arrays (one population) and the run settings."""

    params: Mapping[str, object]
    duration_ms: float = 1000.0
    dt_ms: float = 0.1


@dataclass(frozen=True)
class ModelSpec:
    """A canonical model, declared once.

    ``build(sim, cell_params, n)`` creates the network with the PyNN API of the
    module-like ``sim`` it is given and returns the population to record; it never
    names a simulator. Where theory gives a closed form, ``closed_form(params)``
    returns {metric: value per neuron} for the metrics named in
    ``closed_form_metrics`` (in the summary as ``<metric>_closed_form``) and
    ``closed_form_tolerance(rows, dt_ms, duration_ms)`` the error each row may
    have, derived from the numerics. ``measure(times_ms, v_mv, positions_um, params,
    duration_ms)`` computes metrics from the membrane potential (models whose cells
    have compartments); it returns (metrics, per-compartment profile table).
    """

    name: str
    summary: str
    reference: str
    parameters: tuple[Parameter, ...]
    protocol: Protocol
    metrics: tuple[str, ...]
    build: Callable
    closed_form: Callable | None = None
    closed_form_doc: str = ""
    closed_form_metrics: tuple[str, ...] = ()
    closed_form_tolerance: Callable | None = None
    measure: Callable | None = None
    agreement: Callable | None = None  # (pairs, dt_ms, duration_ms) -> {metric: tolerance per pair}
    references: Callable | None = None  # (simulator) -> verdict rows against published values
    check: CheckSpec | tuple[CheckSpec, ...] | None = None  # several: each swept with its own dt and duration
    relations: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)
    checks: tuple[Callable, ...] = field(default_factory=tuple)  # (values, dt_ms) -> None or ValueError
    #: build also takes ``seed=`` (models whose input is drawn from the run's seed)
    seeded_build: bool = False
    #: (state, spikes, params, duration_ms) -> (metrics, {name: table}); build then
    #: returns (population, state), and analyse runs before the simulator is reset
    analyse: Callable | None = None
    #: zoo cell types the model builds with; a simulator that lacks one is refused
    #: before any simulation, with its reason (``Backend.unavailable_cell_types``)
    cell_types: tuple[str, ...] = ()
    #: the model adds no per-step Python callbacks (PyNN current sources), so a backend
    #: may compile a long run whole (Brian2: C++ standalone instead of runtime mode)
    whole_run_compilation: bool = False
    #: bump when the model's results change for the same parameters (input, semantics):
    #: part of every sweep key, so stored results of an earlier revision are not reused
    revision: int = 1
    doc: str = ""

    @property
    def parameter_names(self) -> list[str]:
        return [p.name for p in self.parameters]

    def parameter(self, name: str) -> Parameter:
        for p in self.parameters:
            if p.name == name:
                return p
        raise ValueError(
            f"unknown parameter {name!r} for model {self.name!r}; "
            f"valid parameters: {', '.join(self.parameter_names)}"
        )

    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.parameters}

    def validate(self, params: Mapping[str, object], dt_ms: float | None = None
                 ) -> tuple[dict[str, np.ndarray | float], int]:
        """Check names, numbers, shapes and ranges (and, given ``dt_ms``, that times
        fall on the time grid); return (values, population size).

        Scalars stay floats; per-neuron arrays become float arrays of one common
        length, which is the population size (1 when every value is a scalar).
        """
        values: dict[str, np.ndarray | float] = dict(self.defaults())
        size = 1
        sized_by = None
        for name, raw in params.items():
            spec = self.parameter(name)
            array = _as_float_array(raw, f"{self.name}.{name} ({spec.unit})")
            if array.ndim > 1:
                raise ValueError(f"parameter {name!r} must be a number or a 1-D array, got shape {array.shape}")
            if array.ndim == 1:
                if not spec.per_neuron:
                    raise ValueError(
                        f"parameter {name!r} is set for the whole population and takes one number; "
                        f"per-neuron parameters of {self.name!r}: "
                        f"{', '.join(p.name for p in self.parameters if p.per_neuron)}"
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
                    f"parameter {name!r} = {bad:g} {spec.unit} is out of range; allowed: {spec.interval} {spec.unit}"
                )
            values[name] = array if array.ndim == 1 else float(array)
        for low, relation, high in self.relations:
            _check_relation(values, low, relation, high, self.parameter(low).unit)
        if dt_ms is not None:
            for spec in self.parameters:
                if spec.on_time_grid:
                    _check_on_grid(spec.name, values[spec.name], dt_ms)
            for check in self.checks:
                check(values, dt_ms)
        return values, size


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
