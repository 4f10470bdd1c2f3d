"""What of a model may be fitted to data (``zoo fit``): its default fit space, declared
beside the model so that ``zoo fit MODEL --target DIR`` needs no flags.

A :class:`FitBound` is one parameter searched between ``low`` and ``high`` (its unit),
on a log scale where ``log`` (a time constant, a capacitance: positive, spanning decades);
``FitSpace.fixed`` holds values set for every candidate that differ from the model's
defaults (the model's own stimulus switched off: the recording is the input).
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FitBound:
    name: str
    low: float
    high: float
    log: bool = False

    def __post_init__(self):
        if not self.low < self.high:
            raise ValueError(f"fit bounds of {self.name} must have low < high, got {self.low:g}:{self.high:g}")
        if self.log and self.low <= 0:
            raise ValueError(f"a log-scale fit bound of {self.name} must be above 0, got {self.low:g}")


@dataclass(frozen=True)
class FitSpace:
    """The parameters searched, and the values fixed for every candidate."""

    bounds: tuple[FitBound, ...] = ()
    fixed: dict = field(default_factory=dict)
    #: Where the bounds come from (a paper, a measurement): ``zoo show`` prints it.
    note: str = ""
