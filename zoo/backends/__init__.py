"""The backend layer: everything that differs between simulators lives here.

Models and the explorer receive a PyNN-like ``sim`` namespace from a backend and
never name a simulator. A backend is imported only when a model runs on it, so
``zoo list`` and input validation never import NEST or Brian2.
"""
from __future__ import annotations

import importlib

from .base import Backend

#: simulator name -> "module:class", imported lazily (Gymnasium-style entry points).
SIMULATORS: dict[str, str] = {
    "nest": "zoo.backends.nest:NestBackend",
    "brian2": "zoo.backends.brian2:Brian2Backend",
}

_loaded: dict[str, Backend] = {}


def validate_simulator(name: str) -> str:
    """Return ``name`` if it is a known simulator, else raise ValueError naming the choices."""
    if name not in SIMULATORS:
        raise ValueError(f"unknown simulator {name!r}; valid simulators: {', '.join(SIMULATORS)}")
    return name


def backend_class(name: str) -> type[Backend]:
    """The backend class, without importing its simulator."""
    module_name, class_name = SIMULATORS[validate_simulator(name)].split(":")
    return getattr(importlib.import_module(module_name), class_name)


def load(name: str) -> Backend:
    """The backend instance for ``name`` (one per process)."""
    if name not in _loaded:
        _loaded[name] = backend_class(name)()
    return _loaded[name]
