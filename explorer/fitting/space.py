"""The search space of a fit: the model's default (``Model.fit_space``) changed by the user's
``--fit NAME=LO:HI`` and ``--fix NAME=VALUE``, checked against the model before anything runs,
and the map between the optimiser's unit cube and the parameters (linear or log)."""
from __future__ import annotations

import dataclasses

import numpy as np

from zoo.declarations.fitting import FitBound


@dataclasses.dataclass(frozen=True)
class Space:
    bounds: tuple[FitBound, ...]
    fixed: dict

    @property
    def names(self) -> list[str]:
        return [b.name for b in self.bounds]

    def values(self, unit: np.ndarray) -> dict[str, np.ndarray]:
        """Parameters (one array per fitted name, one value per row of ``unit`` in [0, 1]^d)."""
        unit = np.clip(np.atleast_2d(unit), 0.0, 1.0)
        out = {}
        for column, bound in enumerate(self.bounds):
            if bound.log:
                low, high = np.log(bound.low), np.log(bound.high)
                out[bound.name] = np.exp(low + unit[:, column] * (high - low))
            else:
                out[bound.name] = bound.low + unit[:, column] * (bound.high - bound.low)
        return out

    def describe(self) -> list[dict]:
        return [{"name": b.name, "low": b.low, "high": b.high, "log": b.log} for b in self.bounds]


def resolve(model, fit: dict | None = None, fix: dict | None = None) -> Space:
    """The model's default space with ``fit`` ({name: (low, high)}) added or narrowed and
    ``fix`` ({name: value}) set; ValueError naming the problem."""
    fit, fix = dict(fit or {}), dict(fix or {})
    by_name = {p.name: p for p in model.parameters}
    valid = ", ".join(p.name for p in model.parameters if p.per_neuron)
    for name in [*fit, *fix]:
        if name not in by_name:
            raise ValueError(f"{name!r} is not a parameter of {model.name}; its parameters: {valid}")
    both = sorted(set(fit) & set(fix))
    if both:
        raise ValueError(f"{', '.join(both)} both fitted and fixed; choose one")
    default = {b.name: b for b in model.fit_space.bounds}
    bounds = {name: b for name, b in default.items() if name not in fix}
    for name, (low, high) in fit.items():
        spec = by_name[name]
        if not spec.per_neuron:
            raise ValueError(f"{name} is one value for the whole run, so it cannot differ between candidates; "
                             f"--fix it (fitted: {valid})")
        if not low < high:
            raise ValueError(f"--fit {name}={low:g}:{high:g}: the low bound must be below the high one")
        if not spec.interval.contains(np.array([low, high])).all():
            raise ValueError(f"--fit {name}={low:g}:{high:g} leaves {name}'s range {spec.bounds} ({spec.unit})")
        log = default[name].log if name in default else False
        bounds[name] = FitBound(name, float(low), float(high), log=log and low > 0)
    if not bounds:
        raise ValueError(f"nothing to fit: {model.name} declares no default fit space; give --fit NAME=LO:HI "
                         f"(parameters: {valid})")
    fixed = {**model.fit_space.fixed, **{k: float(v) for k, v in fix.items()}}
    for name in bounds:
        fixed.pop(name, None)
    return Space(tuple(bounds[name] for name in sorted(bounds, key=list(by_name).index)), fixed)
