"""Stimulus protocols shared by several models, and the rules every stimulus follows.

**Onset.** A current source that starts at t acts on the potential from the step
after t on every simulator, except that NEST cannot deliver a source's current in the
very first step: a source switched on at t = 0 reaches a NEST neuron (through
``dc_generator``) one step later than a Brian2 one. So no stimulus may start before
the first step: ``start >= dt`` (a constant current from t = 0 is a parameter of the
cell, such as ``i_offset``).
"""
from __future__ import annotations

#: The earliest step (in steps of dt) at which a current source may start.
FIRST_ONSET_STEPS = 1
#: The earliest step at which a waveform given step by step (``GridCurrentSource``) may
#: start on every simulator (:mod:`zoo.backends.grid_current` says why).
FIRST_GRID_ONSET_STEPS = 2


def check_onset(name: str, start_ms: float, dt_ms: float, hint: str = "", steps: int = FIRST_ONSET_STEPS) -> None:
    """ValueError unless the stimulus parameter ``name`` (ms) starts at or after the
    first step every simulator can honour (``steps``: :data:`FIRST_ONSET_STEPS` for a
    current source, :data:`FIRST_GRID_ONSET_STEPS` for a waveform)."""
    earliest = steps * dt_ms
    if start_ms < earliest - 1e-9 * dt_ms:
        at_least = "one time step" if steps == 1 else f"{steps} time steps"
        what = "a current source cannot act in the first step" if steps == 1 else "a waveform cannot act earlier"
        raise ValueError(f"{name} must be at least {at_least} ({earliest:g} ms): {what} on every simulator"
                         + (f"; {hint}" if hint else ""))
