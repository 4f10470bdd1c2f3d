"""Brunel (2000) Fig. 8 as a study: the four states on one simulator, each classified
(:mod:`.states`) and compared with Brunel's, and the AI state's rate against the
mean-field rate within the bound :func:`.theory.simulated_rate_tolerance` derives.

``zoo check brunel2000`` runs :func:`figure8` on every simulator at the size it runs in
minutes (``Backend.network_study_scale``) for :data:`STUDY_MS` (measured after the transient); ``experiments/brunel2000_fig8.py``
draws the panels.
"""
from __future__ import annotations

import numpy as np

from ...declarations.verdicts import verdict_row
from . import TRANSIENT_MS
from .states import FIGURE_8, classify

#: Simulated time of each state (ms); the measures leave out the first TRANSIENT_MS.
STUDY_MS = 600.0
#: Threads a simulator that can use them gets.
THREADS = 2


def state_runs(simulator: str, scale: float | None = None, duration_ms: float = STUDY_MS, seed: int = 1):
    """(panel, g, eta, Brunel's state, Result) of each state of Fig. 8, at ``scale`` or the
    size the simulator runs in minutes (``Backend.network_study_scale``: the full network on
    NEST, 2 threads, about 6 minutes, 4 of them the SR state's 5·10⁹ synaptic events; half
    of it on single-threaded Brian2)."""
    from ... import backends, runner

    backend = backends.backend_class(simulator)
    scale = backend.network_study_scale if scale is None else scale
    threads = min(THREADS, backend.max_threads or THREADS)
    return [(panel, g, eta, expected, runner.run("brunel2000", simulator=simulator, scale=scale, g=g, eta=eta,
                                                  duration_ms=duration_ms, seed=seed, threads=threads,
                                                  trace_neurons=0))
            for panel, g, eta, expected in FIGURE_8]


def state_rows(simulator: str, runs) -> list[dict]:
    """One verdict row per state (1 when the classified state is Brunel's) and one for the
    AI rate against the mean field."""
    from .theory import simulated_rate_tolerance

    rows = []
    for panel, g, eta, expected, result in runs:
        excitatory = result.summary.set_index("population").loc["E"]
        found = classify(excitatory["cv_isi"], excitatory["oscillation_power"], excitatory["oscillation_hz"])
        label = (f"{found}: rate {excitatory['rate_hz']:.1f} Hz, CV {excitatory['cv_isi']:.2f}, synchrony "
                 f"{excitatory['synchrony']:.2f}, peak {excitatory['oscillation_hz']:.0f} Hz × "
                 f"{excitatory['oscillation_power']:.0f} (scale {excitatory['scale']:g})")
        rows.append(verdict_row(simulator, f"Fig. 8{panel} state at g={g:g}, eta={eta:g} (Brunel: {expected})",
                                float(found == expected), 1.0, float(found != expected), 0.0, label))
        if expected == "AI":
            info = result.info
            sizes = excitatory["n_neurons"] + result.summary.set_index("population").loc["I", "n_neurons"]
            window = info["duration_ms"] - min(TRANSIENT_MS, info["duration_ms"] / 2)
            bound = simulated_rate_tolerance(g, eta, n_e=int(excitatory["n_neurons"]), n_recorded=int(sizes),
                                             duration_ms=window)
            rate = float(np.average(result.summary["rate_hz"], weights=result.summary["n_neurons"]))
            rows.append(verdict_row(simulator, f"Fig. 8{panel} AI rate (Hz) against the mean field", rate,
                                    bound.rate_hz, abs(rate - bound.rate_hz), bound.total_hz,
                                    f"bound: shot noise {bound.shot_noise_hz:.2f} + input statistics "
                                    f"{bound.input_statistics_hz:.2f} + correlations {bound.correlation_hz:.2f} + "
                                    f"counting {bound.counting_hz:.2f} Hz"))
    return rows


def figure8(simulator: str) -> list[dict]:
    """The study ``zoo check`` runs (module docstring); on a simulator that runs the network
    only below the classifier's :data:`~.states.MIN_SCALE`, one row saying so, not judged."""
    from ... import backends
    from .states import MIN_SCALE

    backend = backends.backend_class(simulator)
    if backend.network_study_scale < MIN_SCALE:
        return [verdict_row(simulator, "Fig. 8 states", float("nan"), float("nan"), float("nan"), float("nan"),
                            f"not run: {simulator} runs brunel2000 up to scale {backend.network_study_scale:g} "
                            f"(its limit: {backend.max_synapses_reason}); the states are classified from scale "
                            f"{MIN_SCALE:g}")]
    return state_rows(simulator, state_runs(simulator))
