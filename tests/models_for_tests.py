"""Test-only models, registered by the tests that use them (real PyNN, real NEST).

- ``lif_unchecked``: the LIF with the zoo's range check on ``cm`` removed, so a
  negative capacitance reaches NEST, which rejects it (BadProperty).
- ``lif_crashing``: the LIF whose build kills its own process with SIGSEGV when any
  ``i_offset`` equals CRASH_CURRENT_NA: a real crash of a real worker.
- ``masquelier2008_failing_seed``: the Masquelier network, whose build raises for seed
  FAILING_SEED alone.
- ``lif_short_agreement``: the LIF whose agreement returns fewer tolerances than it covers.
- ``lif_failing``: the LIF whose build raises (in Python, on every simulator) when any
  ``i_offset`` equals FAILING_CURRENT_NA.
"""
import dataclasses
import os
import signal

import numpy as np

from zoo.models import lif, masquelier2008

CRASH_CURRENT_NA = 13.0

lif_unchecked = dataclasses.replace(
    lif.MODEL,
    name="lif_unchecked",
    parameters=tuple(
        dataclasses.replace(p, bounds="(-inf, inf)") if p.name == "cm" else p for p in lif.MODEL.parameters
    ),
)


def _build_or_crash(sim, params, size, duration_ms, seed):
    if np.any(np.asarray(params["i_offset"]) == CRASH_CURRENT_NA):
        os.kill(os.getpid(), signal.SIGSEGV)
    return lif.MODEL.simulation.build(sim, params, size, duration_ms, seed)


lif_crashing = dataclasses.replace(lif.MODEL, name="lif_crashing",
                                   simulation=dataclasses.replace(lif.MODEL.simulation, build=_build_or_crash))


FAILING_CURRENT_NA = 7.0


def _build_or_fail(sim, params, size, duration_ms, seed):
    if np.any(np.asarray(params["i_offset"]) == FAILING_CURRENT_NA):
        raise RuntimeError(f"no cell of this model takes i_offset = {FAILING_CURRENT_NA:g} nA")
    return lif.MODEL.simulation.build(sim, params, size, duration_ms, seed)


lif_failing = dataclasses.replace(lif.MODEL, name="lif_failing",
                                  simulation=dataclasses.replace(lif.MODEL.simulation, build=_build_or_fail))


#: ``masquelier2008_failing_seed``: the Masquelier network, whose build fails for this
#: seed alone (a seed whose input cannot be drawn); its seed only selects its input.
FAILING_SEED = 13


def _build_or_fail_on_seed(sim, params, size, duration_ms, seed):
    if seed == FAILING_SEED:
        raise RuntimeError(f"no input for seed {seed}")
    return masquelier2008.MODEL.simulation.build(sim, params, size, duration_ms, seed)


masquelier2008_failing_seed = dataclasses.replace(
    masquelier2008.MODEL, name="masquelier2008_failing_seed",
    simulation=dataclasses.replace(masquelier2008.MODEL.simulation, build=_build_or_fail_on_seed))


def _without_cv(pairs, numerics):
    from zoo.declarations.tolerances import grid_if_tolerances

    return {k: v for k, v in grid_if_tolerances(pairs, numerics).items() if k != "cv_isi"}


#: ``lif_short_agreement``: the LIF whose agreement declares that it covers ``cv_isi`` but
#: returns no tolerance for it (a broken declaration that ``compare`` must refuse).
lif_short_agreement = dataclasses.replace(
    lif.MODEL, name="lif_short_agreement",
    validation=dataclasses.replace(lif.MODEL.validation, agreement=dataclasses.replace(
        lif.MODEL.validation.agreement, tolerances=_without_cv)))


#: ``lif_interrupted``: the LIF whose build is interrupted (Ctrl-C, as a user would) when
#: its step amplitude equals INTERRUPT_STEP_NA.
INTERRUPT_STEP_NA = 0.15


def _build_or_interrupt(sim, params, size, duration_ms, seed):
    if float(params["step_amplitude"]) == INTERRUPT_STEP_NA:
        raise KeyboardInterrupt
    return lif.MODEL.simulation.build(sim, params, size, duration_ms, seed)


lif_interrupted = dataclasses.replace(lif.MODEL, name="lif_interrupted",
                                      simulation=dataclasses.replace(lif.MODEL.simulation, build=_build_or_interrupt))


#: ``lif_without_theory``: the LIF without its closed form (and no study): on one simulator a
#: check has nothing to judge it against.
lif_without_theory = dataclasses.replace(
    lif.MODEL, name="lif_without_theory",
    validation=dataclasses.replace(lif.MODEL.validation, closed_form=None, studies=()))


def _without_ties(pairs, numerics):
    from zoo.declarations.tolerances import GRID_TIE_KEY, grid_if_tolerances

    return {k: v for k, v in grid_if_tolerances(pairs, numerics).items() if k != GRID_TIE_KEY}


#: ``lif_no_ties``: the LIF whose agreement marks no grid ties (a legal agreement: it
#: returns a tolerance for every metric it covers and no reason for any point).
lif_no_ties = dataclasses.replace(
    lif.MODEL, name="lif_no_ties",
    validation=dataclasses.replace(lif.MODEL.validation, agreement=dataclasses.replace(
        lif.MODEL.validation.agreement, tolerances=_without_ties)))
