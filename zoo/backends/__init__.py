"""The backend layer: everything that differs between simulators lives here.

Models and the explorer receive a PyNN-like ``sim`` namespace from a backend and
never name a simulator; everything above this package asks this registry which
simulators exist, which can run a model, and how they integrate it. A backend's
simulator is imported only when a model runs on it, so ``zoo list`` and input
validation never import one.
"""
from __future__ import annotations

import gc

import importlib
from importlib import metadata

from ..declarations.numerics import Numerics
from .base import Backend

#: simulator name -> "module:class", imported lazily (Gymnasium-style entry points).
SIMULATORS: dict[str, str] = {
    "nest": "zoo.backends.nest:NestBackend",
    "brian2": "zoo.backends.brian2:Brian2Backend",
    "neuron": "zoo.backends.neuron:NeuronBackend",
}
#: The simulator used when none is named.
DEFAULT = "nest"
#: The fastest at simulating a large population of single neurons under one current, the
#: default of ``zoo fit`` (``benchmarks/fit.py``: 1,000 AdEx candidates under 6.8 s of
#: recorded current at dt 0.1 ms: Brian2 4.8 s, NEURON 20.3 s, NEST 22.5 s).
FASTEST_FOR_POPULATIONS = "brian2"


def names() -> list[str]:
    """Every simulator the zoo has a backend for, in registry order."""
    return list(SIMULATORS)

_loaded: dict[str, Backend] = {}


def validate_simulator(name: str) -> str:
    """Return ``name`` if it is a known simulator, else raise ValueError naming the choices."""
    if not isinstance(name, str) or name not in SIMULATORS:
        raise ValueError(f"unknown simulator {name!r}; valid simulators: {', '.join(SIMULATORS)}")
    return name


def backend_class(name: str) -> type[Backend]:
    """The backend class, without importing its simulator."""
    module_name, class_name = SIMULATORS[validate_simulator(name)].split(":")
    return getattr(importlib.import_module(module_name), class_name)


def available(spec) -> list[str]:
    """The simulators that can run model ``spec`` (they have all its cell types)."""
    return [name for name in SIMULATORS
            if not set(spec.cell_types) & set(backend_class(name).unavailable_cell_types)]


def unavailable(spec) -> dict[str, str]:
    """Simulators that cannot run model ``spec``, with the reason."""
    reasons = {}
    for name in SIMULATORS:
        lacking = {t: r for t, r in backend_class(name).unavailable_cell_types.items() if t in spec.cell_types}
        if lacking:
            reasons[name] = "; ".join(f"{t}: {r}" for t, r in lacking.items())
    return reasons


def check_model(spec, name: str) -> type[Backend]:
    """The backend class for running ``spec`` on simulator ``name``; ValueError naming
    the valid simulators if ``name`` is unknown or lacks one of the model's cell types."""
    cls = backend_class(name)
    try:
        cls.check_cell_types(spec.cell_types, spec.name)
    except ValueError as error:
        raise ValueError(f"{error}; valid simulators for {spec.name!r}: {', '.join(available(spec))}") from None
    return cls


def numerics(simulators, cell_type: str, dt_ms: float, duration_ms: float) -> Numerics:
    """What tolerances derive from: the integration scheme of ``cell_type`` on each of
    ``simulators`` (declared by the backends), the time step and the duration (ms)."""
    schemes = []
    for name in simulators:
        declared = backend_class(name).numerics
        if cell_type not in declared:
            raise ValueError(f"{name} declares no integration scheme for the cell type {cell_type}")
        schemes.append(declared[cell_type])
    return Numerics(dt_ms=float(dt_ms), duration_ms=float(duration_ms), schemes=tuple(schemes))


def version(name: str) -> str:
    """The installed simulator's version, without importing it."""
    return metadata.version(backend_class(name).distribution)


def any_imported() -> bool:
    """Whether this process has imported a simulator (or PyNN's module for one): a
    process that has not can be forked safely (no simulator state or thread pool to
    copy)."""
    import sys

    return any(module in sys.modules for name in SIMULATORS for module in backend_class(name).modules)


def load(name: str) -> Backend:
    """The backend instance for ``name`` (one per process).

    Once a simulator is imported, the objects alive are frozen (``gc.freeze``, after a
    collection): the modules of the simulator, PyNN, SymPy and pandas, about 200,000 objects
    that live as long as the process. Python's cycle collection, which Brian2 runs at every
    ``run`` and the backends when they free a run's cells, then skips them: 0.1 s a
    collection before (measured), 30 % of a 1.5 s LIF run of ten neurons on Brian2 and of a
    fit's generation. What another backend's last run still holds when a simulator is
    imported stays with them (at most once per backend and process)."""
    if name not in _loaded:
        _loaded[name] = backend_class(name)()
        gc.collect()
        gc.freeze()
    return _loaded[name]
