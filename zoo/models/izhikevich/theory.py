"""How far an Izhikevich run may be from another simulator's and from the zoo's accurate
solution, derived from each simulator's declared scheme.

**The schemes** (``zoo show izhikevich``): forward Euler on NEST and Brian2, NEURON's
linearised implicit step with u by backward Euler; all first order, none accurate within a
step. No closed form bounds a fixed-step scheme's error on this nonlinear cell, so it is
bounded by the same simulator's runs at dt/2 and dt/4 (Richardson:
:mod:`zoo.declarations.convergence`), exactly as for a fixed-step Hodgkin-Huxley cell.

**The spike rule's grid terms.** A run reports a spike at the end of the step in which its
trajectory reached the cut: within [0, h) after the scheme's own crossing. The peak rule's
terms (:func:`zoo.declarations.tolerances.grid_terms`: detection within (0, 2h) of the
peak, so offset c = h and quantisation Q = h for the first spike, Q = 2h/(n − 1) for the
mean interval) contain every offset in [0, h): they bound the cut's detection too, with at
most h to spare. So the agreement is the one of the peak-detected cells
(:func:`zoo.declarations.tolerances.peak_detection_tolerances`) without a spike shape (the
cut leaves none: v is reset where it crosses 30 mV).

**Against the reference**: :mod:`zoo.reference_check` (the AdEx's study): each spike within
its own Richardson bound, |m − m_ref| ≤ E + 2·Q(h).
"""
from __future__ import annotations

import numpy as np

from ...declarations.metrics import SPIKE_TRAIN_DISTANCES, TRAIN
from ...declarations.model import Agreement
from ...declarations.numerics import CONVERGENT, Numerics
from ...declarations.tolerances import peak_detection_tolerances

COVERS = tuple(m.name for m in TRAIN + SPIKE_TRAIN_DISTANCES)


def izhikevich_tolerances(pairs, numerics: Numerics) -> dict[str, np.ndarray]:
    """The cross-simulator (or cross-step) tolerances of an Izhikevich cell (module docstring)."""
    return peak_detection_tolerances(pairs, numerics, shape=None)


IZHIKEVICH_AGREEMENT = Agreement(covers=COVERS, tolerances=izhikevich_tolerances, convergence_runs=CONVERGENT,
                                 across_steps=True,
                                 doc="spikes at the 30 mV cut: each fixed-step scheme within the drift its "
                                     "convergence runs bound (the peak rule's grid terms cover the cut's)")
