"""Models by name. One flat table of entry points, imported only when asked for."""
from __future__ import annotations

import importlib

from .spec import ModelSpec

#: model name -> "module:attribute" of its ModelSpec.
_ENTRY_POINTS: dict[str, str] = {
    "cable": "zoo.models.cable:MODEL",
    "hh": "zoo.models.hh:MODEL",
    "hh_traub": "zoo.models.hh_traub:MODEL",
    "lapicque": "zoo.models.lapicque:MODEL",
    "lif": "zoo.models.lif:MODEL",
    "masquelier2008": "zoo.models.masquelier2008:MODEL",
    "masquelier2008_srm": "zoo.models.masquelier2008_srm:MODEL",
}
_specs: dict[str, ModelSpec] = {}


def register(name: str, entry_point: str) -> None:
    """Add a model: ``entry_point`` is ``"module:attribute"`` naming its ModelSpec."""
    if name in _ENTRY_POINTS:
        raise ValueError(f"model {name!r} is already registered")
    _ENTRY_POINTS[name] = entry_point


def entry_point(name: str) -> str:
    """The ``"module:attribute"`` of model ``name`` (for worker processes)."""
    get(name)
    return _ENTRY_POINTS[name]


def ensure(name: str, entry_point: str) -> None:
    """Register ``name`` unless it is already known (worker processes, test models)."""
    _ENTRY_POINTS.setdefault(name, entry_point)


def list_models() -> list[str]:
    """Names of all registered models, sorted."""
    return sorted(_ENTRY_POINTS)


def get(name: str) -> ModelSpec:
    """The declaration of model ``name``; ValueError naming the valid models if unknown."""
    if name not in _ENTRY_POINTS:
        raise ValueError(f"unknown model {name!r}; valid models: {', '.join(list_models())}")
    if name not in _specs:
        module_name, attribute = _ENTRY_POINTS[name].split(":")
        _specs[name] = getattr(importlib.import_module(module_name), attribute)
    return _specs[name]
