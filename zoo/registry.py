"""Models by name, imported only when asked for. Three sources, one namespace:

- the zoo's own models (:data:`BUILT_IN`);
- **plugins**: installed packages that declare models in the entry-point group
  ``zoo.models`` (``[project.entry-points."zoo.models"] my_lif = "my_pkg:MODEL"``), the
  convention of pytest and Gymnasium plugins. The group is read once, when a name
  outside the built-ins is first asked for (names only: a plugin's module is imported
  when its model is used);
- models **registered at run time** (:func:`register`, a notebook or a script), and the
  entry points a sweep's task carries into a worker process (:func:`ensure`).

Names are never shadowed: a built-in name wins over a plugin of the same name, which is
reported by :func:`conflicts`, and a name that two installed plugins declare differently
is refused when used. A plugin that fails to import, names something that is not a
``Model``, or a ``Model`` of another name, is refused with a one-line ValueError only
when it is used (``zoo.get``, ``zoo run``, a sweep, the conformance matrix of all
models); ``list_models`` still lists it, so ``zoo list`` shows the others and names it.
"""
from __future__ import annotations

import functools
import importlib
import re
from importlib import metadata

from .declarations.model import Model

#: The entry-point group of plugin models.
GROUP = "zoo.models"

#: The zoo's own models: name -> "module:attribute" of its Model.
BUILT_IN: dict[str, str] = {
    "adex": "zoo.models.adex:MODEL",
    "cable": "zoo.models.cable:MODEL",
    "hh": "zoo.models.hh:MODEL",
    "hh_traub": "zoo.models.hh_traub:MODEL",
    "if_cond_exp": "zoo.models.if_cond_exp:MODEL",
    "izhikevich": "zoo.models.izhikevich:MODEL",
    "izhikevich2004": "zoo.models.izhikevich.general:MODEL",
    "brette2007_coba": "zoo.models.brette2007:COBA",
    "brette2007_cuba": "zoo.models.brette2007:CUBA",
    "brunel2000": "zoo.models.brunel2000:MODEL",
    "lapicque": "zoo.models.lapicque:MODEL",
    "lif": "zoo.models.lif:MODEL",
    "mainen_sejnowski1995": "zoo.models.mainen_sejnowski1995:MODEL",
    "mainen_sejnowski1995_hh": "zoo.models.mainen_sejnowski1995.hh:MODEL",
    "masquelier2008": "zoo.models.masquelier2008:MODEL",
    "masquelier2008_srm": "zoo.models.masquelier2008.srm:MODEL",
}
#: Built-in and run-time models: name -> "module:attribute" (plugins: :func:`_plugins`).
_ENTRY_POINTS: dict[str, str] = dict(BUILT_IN)
_models: dict[str, Model] = {}

#: "module:attribute", each a dotted Python name (an entry point's object reference).
_REFERENCE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*:[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
#: A model's name: it becomes a command-line word and part of file names (sweeps, reports).
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


@functools.cache
def _plugins() -> dict[str, list[metadata.EntryPoint]]:
    """The ``zoo.models`` entry points of the installed distributions, by name (read once)."""
    found: dict[str, list[metadata.EntryPoint]] = {}
    for ep in metadata.entry_points(group=GROUP):
        if all(other.value != ep.value for other in found.get(ep.name, [])):
            found.setdefault(ep.name, []).append(ep)
    return found


def _distribution(ep: metadata.EntryPoint) -> str:
    dist = ep.dist
    return f"{dist.name} {dist.version}" if dist is not None else "an unknown distribution"


def _plugin_entry_point(name: str) -> str:
    """The ``"module:attribute"`` of plugin ``name``; ValueError if two plugins declare it."""
    declared = _plugins()[name]
    if len(declared) > 1:
        raise ValueError(f"model {name!r} is declared by several plugins ("
                         + "; ".join(f"{ep.value} in {_distribution(ep)}" for ep in declared)
                         + "): uninstall all but one")
    return declared[0].value


def _known(name: str) -> bool:
    return name in _ENTRY_POINTS or name in _plugins()


def entry_point(name: str) -> str:
    """The ``"module:attribute"`` of model ``name`` (a sweep's tasks carry it to worker processes)."""
    get(name)
    return _ENTRY_POINTS[name] if name in _ENTRY_POINTS else _plugin_entry_point(name)


def register(name: str, entry_point: str) -> None:
    """Register the ``Model`` that ``entry_point`` (``"module:attribute"``) names as
    ``name``, for this process and the sweeps it starts (their tasks carry the entry
    point to the workers, so the module must be importable there: not ``__main__``).

    Imported now. ValueError for a malformed entry point, a name another model has (the
    same name and entry point again is no error: a notebook cell run twice), an object
    that is not a ``Model``, or a ``Model`` whose ``name`` is not ``name``.
    """
    _check_name(name, "zoo.register")
    _check_reference(entry_point, f"zoo.register({name!r}, ...)")
    if entry_point.split(":")[0] == "__main__":
        raise ValueError(f"zoo.register({name!r}, {entry_point!r}): a model in __main__ cannot be imported by "
                         "the worker processes of a sweep; declare it in a module of its own")
    if _known(name):
        taken = _ENTRY_POINTS.get(name) or ", ".join(ep.value for ep in _plugins()[name])
        if name in _ENTRY_POINTS and taken == entry_point:
            return
        raise ValueError(f"zoo.register: the name {name!r} is taken by {taken} ({_origin(name)})")
    model = _checked(name, entry_point, "zoo.register")
    _ENTRY_POINTS[name] = entry_point
    _models[name] = model


def ensure(name: str, entry_point: str) -> None:
    """Register ``name`` unless it is known (a sweep's worker process, given a task's
    model; test models): not imported until used. ValueError if ``name`` is known here
    as another entry point: the worker would run another model than the sweep asked for."""
    if not _known(name):
        _ENTRY_POINTS[name] = entry_point
        return
    here = _ENTRY_POINTS[name] if name in _ENTRY_POINTS else _plugin_entry_point(name)
    if here != entry_point:
        raise ValueError(f"model {name!r} is {entry_point} where the sweep started, but {here} "
                         f"({_origin(name)}) in this process")


def list_models() -> list[str]:
    """Names of all models (built-in, plugins, registered), sorted; nothing is imported."""
    return sorted(set(_ENTRY_POINTS) | set(_plugins()))


class Names:
    """All model names as argparse ``choices`` (with a ``metavar``): read when a value is
    checked or help is shown, so that building the command line reads no plugin."""

    def __contains__(self, name) -> bool:
        return name in _ENTRY_POINTS or name in list_models()

    def __iter__(self):
        return iter(list_models())


def conflicts() -> list[str]:
    """One line per plugin that is not used because a built-in or run-time model has its name."""
    return [f"plugin {name} = {ep.value!r} of {_distribution(ep)} is ignored: {name!r} is {_ENTRY_POINTS[name]} "
            f"({_origin(name)})" for name, declared in sorted(_plugins().items()) if name in _ENTRY_POINTS
            for ep in declared]


def get(name: str) -> Model:
    """The declaration of model ``name``; ValueError naming the valid models if unknown,
    or saying why a plugin's model cannot be used."""
    if name in _models:
        return _models[name]
    if name in _ENTRY_POINTS and _ENTRY_POINTS[name] == BUILT_IN.get(name):
        _models[name] = load(_ENTRY_POINTS[name])
    elif name in _ENTRY_POINTS:
        _models[name] = _checked(name, _ENTRY_POINTS[name], f"model {name} = {_ENTRY_POINTS[name]!r}")
    elif name in _plugins():
        ep = _plugin_entry_point(name)
        _models[name] = _checked(name, ep, f"plugin {name} = {ep!r} of {_distribution(_plugins()[name][0])}")
    else:
        raise ValueError(f"unknown model {name!r}; valid models: {', '.join(list_models())}")
    return _models[name]


def load(entry_point: str):
    """The object an entry point ``"module:attribute"`` names (imported now)."""
    module_name, attribute = entry_point.split(":")
    return functools.reduce(getattr, attribute.split("."), importlib.import_module(module_name))


def _origin(name: str) -> str:
    if name in BUILT_IN and _ENTRY_POINTS.get(name) == BUILT_IN[name]:
        return "a built-in model"
    if name in _ENTRY_POINTS:
        return "registered at run time"
    return f"plugin of {_distribution(_plugins()[name][0])}"


def _check_name(name, who: str) -> None:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"{who}: the model name {name!r} must be letters, digits, '_', '.' or '-'")


def _check_reference(entry_point, who: str) -> None:
    if not isinstance(entry_point, str) or not _REFERENCE.fullmatch(entry_point):
        raise ValueError(f"{who}: entry point {entry_point!r} is not \"module:attribute\" (dotted Python names)")


def _checked(name: str, entry_point: str, who: str) -> Model:
    """The ``Model`` ``entry_point`` names, imported now; ValueError in one line saying
    what is wrong (``who``: the registration or plugin, for the message)."""
    _check_name(name, who)
    _check_reference(entry_point, who)
    try:
        model = load(entry_point)
    except Exception as error:  # noqa: BLE001 - any failure of a user's module is reported in one line
        text = str(error).splitlines()[0] if str(error) else ""
        raise ValueError(f"{who}: cannot import it: {type(error).__name__}: {text}") from error
    if not isinstance(model, Model):
        raise ValueError(f"{who}: {entry_point} is a {type(model).__name__}, not a zoo Model")
    if model.name != name:
        raise ValueError(f"{who}: {entry_point} is the model {model.name!r}; its name must be {name!r}")
    return model
