"""``zoo check`` of spike-timing reliability: conditions A (constant step), B (frozen
noise) and the control (the same noise, drawn anew on every trial), judged against
the bounds below.

Bounds, from the paper and from the LIF's noise level (defaults of ``mainen_sejnowski1995``):

- **Precision under frozen noise below 1 ms**: Mainen & Sejnowski (1995), "reproducible
  to less than 1 millisecond". The model predicts it: the intrinsic current
  (sigma_i 0.02 nA, tau_i 1 ms) moves the membrane by sigma_V = R·sigma_i·sqrt(tau_i /
  (tau_i + tau_m)) = 120 MOhm · 0.02 nA · 0.18 = 0.43 mV, while the frozen drive's own
  fluctuations (R·sigma·sqrt(tau_n/(tau_n + tau_m)) = 9.1 mV) cross threshold at slopes
  of about 9.1 mV / sqrt(tau_n·tau_m) = 0.74 mV/ms: a spike moves by 0.43/0.74 = 0.6 ms.
- **Reliability under frozen noise at least 0.75**: a crossing the frozen drive makes is
  shared by the trials unless its slope s is so shallow that the intrinsic noise spreads
  it beyond an event's width (about 3.9 ms, below): s < 0.43/3.9 = 0.11 mV/ms. For a
  Gaussian process the slopes at up-crossings follow a Rayleigh law (Rice 1944) of scale
  sigma_s = 0.74 mV/ms, so P(s < 0.11) = 1 - exp(-(0.11/0.74)²/2) = 1 %: about 0.99 of
  the spikes should fall in events. The bound leaves room for what this picture omits
  (the reset after each spike, which makes the next crossing depend on the last).
- **Reliability under a constant step at most 0.5**: at threshold v rises at
  (V_inf - V_thresh)/tau_m = 7 mV / 30 ms = 0.23 mV/ms, so each interval's end moves by
  0.43/0.23 = 1.8 ms and the k-th spike by 1.8·sqrt(k) ms. An event needs the trials
  within about 3.9 ms (the smoothed PSTH must reach a tenth of the trials per 1 ms bin:
  peak 1/sqrt(2·pi·(s² + 1 ms²)) >= 0.1), so only the first 4-5 of a trial's 19 spikes
  can belong to events: reliability near 5/19 = 0.26, bounded with room by 0.5. The
  control, whose noise differs between trials, shares no crossing: same bound.

The Hodgkin-Huxley variant is held to the same bounds.
"""
from __future__ import annotations

import numpy as np

from ...declarations.verdicts import verdict_row

PRECISION_BELOW_MS = 1.0
RELIABLE_AT_LEAST = 0.75
UNRELIABLE_AT_MOST = 0.5

CONDITIONS = {
    "A: constant step": {"noise_sigma": 0.0},
    "B: frozen noise": {},
    "control: noise drawn per trial": {"noise_frozen": 0.0},
}


def conditions(model: str, simulator: str, **settings) -> dict:
    """The run's measures per condition (first summary row of each run)."""
    from zoo.runner import run

    measured = {}
    for name, params in CONDITIONS.items():
        result = run(model, simulator, trace_neurons=0, progress=False, **settings, **params)
        measured[name] = result.summary.iloc[0]
    return measured


def judged(simulator: str, measured: dict) -> list[dict]:
    """Verdict rows of the bounds in the module docstring."""
    a, b, control = (measured[name] for name in CONDITIONS)

    def at_most(metric, value, bound, note):
        error = max(0.0, value - bound) if np.isfinite(value) else np.inf
        return verdict_row(simulator, metric, value, bound, error, 0.0, note)

    def at_least(metric, value, bound, note):
        error = max(0.0, bound - value) if np.isfinite(value) else np.inf
        return verdict_row(simulator, metric, value, bound, error, 0.0, note)

    return [
        at_most("precision under frozen noise (ms)", b["precision_ms"], PRECISION_BELOW_MS, "B: at most"),
        at_least("reliability under frozen noise", b["reliability"], RELIABLE_AT_LEAST, "B: at least"),
        at_most("reliability under a constant step", a["reliability"], UNRELIABLE_AT_MOST, "A: at most"),
        at_most("reliability, noise drawn per trial", control["reliability"], UNRELIABLE_AT_MOST, "control: at most"),
    ]


def reliability_checks(simulator: str) -> list[dict]:
    return judged(simulator, conditions("mainen_sejnowski1995", simulator))


def reliability_checks_hh(simulator: str) -> list[dict]:
    return judged(simulator, conditions("mainen_sejnowski1995_hh", simulator))
