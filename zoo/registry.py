"""Models by name. One flat table of entry points, imported only when asked for."""
from __future__ import annotations

import importlib

from .declarations.model import Model

#: model name -> "module:attribute" of its Model.
_ENTRY_POINTS: dict[str, str] = {
    "cable": "zoo.models.cable:MODEL",
    "hh": "zoo.models.hh:MODEL",
    "hh_traub": "zoo.models.hh_traub:MODEL",
    "if_cond_exp": "zoo.models.if_cond_exp:MODEL",
    "lapicque": "zoo.models.lapicque:MODEL",
    "lif": "zoo.models.lif:MODEL",
    "mainen_sejnowski1995": "zoo.models.mainen_sejnowski1995:MODEL",
    "mainen_sejnowski1995_hh": "zoo.models.mainen_sejnowski1995.hh:MODEL",
    "masquelier2008": "zoo.models.masquelier2008:MODEL",
    "masquelier2008_srm": "zoo.models.masquelier2008.srm:MODEL",
}
_models: dict[str, Model] = {}


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


def get(name: str) -> Model:
    """The declaration of model ``name``; ValueError naming the valid models if unknown."""
    if name not in _ENTRY_POINTS:
        raise ValueError(f"unknown model {name!r}; valid models: {', '.join(list_models())}")
    if name not in _models:
        _models[name] = load(_ENTRY_POINTS[name])
    return _models[name]


def load(entry_point: str):
    """The object an entry point ``"module:attribute"`` names (imported now)."""
    module_name, attribute = entry_point.split(":")
    return getattr(importlib.import_module(module_name), attribute)
