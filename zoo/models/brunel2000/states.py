"""The four states of Brunel (2000), Fig. 8, and the zoo's rule for telling them apart
from a population's measures (:mod:`zoo.declarations.population_activity`).

Brunel's names: SR, synchronous regular (neurons fire almost periodically at high rate,
locked to a fast population oscillation); AI, asynchronous irregular (a flat population
rate, irregular neurons); SI fast and SI slow, synchronous irregular (irregular neurons
at a rate well below that of an oscillation of the population rate, fast: near
1/(4D) ≈ 170 Hz, slow: a few tens of Hz).

The rule, in order:

0. ``rate_hz < QUIESCENT_RATE_HZ`` (when given): quiescent, the network fell silent (below
   η ≈ 0.9 from the zoo's initial potentials; a phase-diagram sweep meets it).
1. ``cv_isi < REGULAR_CV``: SR. Irregular firing has CVs from 0.36 (SI slow, 2-3 spikes a
   neuron in 500 ms) to 1.0 in every other state measured, an SR neuron fires every 3 ms
   (CV 0.001 at (3, 2)).
2. ``oscillation_power < SYNCHRONOUS_POWER``: AI. The peak of the population rate's spectrum
   over its median: a damped resonance of the asynchronous state (the theory's
   least-damped mode, damped at 134/s near 150 Hz at (5, 2)) lifts it to 10-26; a growing
   mode (SI) to 46-126.
3. ``oscillation_hz >= FAST_HZ``: SI fast, else SI slow.

The thresholds lie between the values measured on NEST's full network and Brian2's half
network, 600 ms, two graphs each (the closing note of issue 34 lists them): AI 10.7-26,
SI fast 64-124, SI slow 46-126; 35 is the geometric middle of 26 and 46. Synchrony alone does not
separate the states at every scale (AI 0.59 at full size, 0.69-0.81 at half, SI fast 0.83).
At smaller ``scale`` the shared input (ε = 0.1/scale) raises the asynchronous state's
peak, so the rule is declared for ``scale`` ≥ :data:`MIN_SCALE`.
"""
from __future__ import annotations

#: (panel, g, eta, Brunel's state) of Fig. 8.
FIGURE_8 = (("A", 3.0, 2.0, "SR"), ("B", 6.0, 4.0, "SI fast"), ("C", 5.0, 2.0, "AI"), ("D", 4.5, 0.9, "SI slow"))
REGULAR_CV = 0.2
SYNCHRONOUS_POWER = 35.0
FAST_HZ = 80.0
#: The smallest scale the thresholds are declared for.
MIN_SCALE = 0.5
#: Below this rate (Hz: one spike in 20 s) a population is silent.
QUIESCENT_RATE_HZ = 0.05


def classify(cv_isi: float, oscillation_power: float, oscillation_hz: float, rate_hz: float | None = None) -> str:
    """SR, AI, SI fast or SI slow (or quiescent, given ``rate_hz``) by the rule of the module docstring."""
    if rate_hz is not None and not rate_hz >= QUIESCENT_RATE_HZ:
        return "quiescent"
    if cv_isi < REGULAR_CV:
        return "SR"
    if not oscillation_power >= SYNCHRONOUS_POWER:
        return "AI"
    return "SI fast" if oscillation_hz >= FAST_HZ else "SI slow"
