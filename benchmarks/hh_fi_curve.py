"""A 100-current f-I curve of Hodgkin-Huxley cells (1 s at dt = 0.01 ms), through the
zoo and through plain PyNN or the native simulator, on each simulator, in one run.

- ``hh`` (classic HH) on NEST: zoo vs a native NEST script with ``hh_psc_alpha``.
- ``hh`` on Brian2: zoo vs a native Brian2 script with the same equations, RK4 and
  NEST's peak spike rule (PyNN has no classic HH cell for Brian2).
- ``hh_traub`` on each simulator: zoo vs plain PyNN's ``HH_cond_exp``. On Brian2 that
  is not the same work: PyNN lets Brian2 pick forward Euler (one evaluation of the
  equations per step, against RK4's four) and miscounts spikes (see the tests).

Each variant runs once untimed (imports, compile caches), then REPEATS times; medians.

    python benchmarks/hh_fi_curve.py [--repeats N]
"""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import statistics
import time
import warnings

import numpy as np

import zoo

N = 100
DURATION_MS = 1000.0
DT_MS = 0.01
CURRENTS_HH = np.linspace(0.0, 3.0, N)      # nA, 0–30 µA/cm² on the zoo's patch
CURRENTS_TRAUB = np.linspace(0.0, 1.0, N)   # nA


def _pynn(simulator):
    os.environ.setdefault("PYNEST_QUIET", "1")
    logging.getLogger("PyNN").addHandler(logging.NullHandler())
    sim = importlib.import_module(f"pyNN.{simulator}")
    if simulator == "brian2":
        importlib.import_module("brian2").BrianLogger.log_level_error()  # plain PyNN HH warns about its threshold
    return sim


def native_nest_hh() -> np.ndarray:
    """PyNN's native_cell_type("hh_psc_alpha") fails on NEST 3.10 (a numpy bool
    parameter), so the baseline is a plain NEST script."""
    os.environ.setdefault("PYNEST_QUIET", "1")
    import nest

    nest.set_verbosity("M_ERROR")
    nest.ResetKernel()
    nest.resolution = DT_MS
    cells = nest.Create("hh_psc_alpha", N)
    cells.I_e = (CURRENTS_HH * 1000.0).tolist()
    recorder = nest.Create("spike_recorder")
    nest.Connect(cells, recorder)
    nest.Simulate(DURATION_MS)
    senders = recorder.events["senders"]
    return np.bincount(senders - cells[0].global_id, minlength=N)


def native_brian2_hh() -> np.ndarray:
    import brian2 as b2

    b2.prefs.codegen.target = "cython"
    b2.BrianLogger.log_level_warn()
    b2.start_scope()
    b2.defaultclock.dt = DT_MS * b2.ms
    eqs = """
    dv/dt = (gl*(El - v) + gna*m**3*h*(ENa - v) + gk*n**4*(EK - v) + I)/C : volt
    dm/dt = 1/exprel(-(v + 40*mV)/(10*mV))/ms*(1 - m) - 4*exp(-(v + 65*mV)/(18*mV))/ms*m : 1
    dh/dt = 0.07*exp(-(v + 65*mV)/(20*mV))/ms*(1 - h) - 1/(1 + exp(-(v + 35*mV)/(10*mV)))/ms*h : 1
    dn/dt = 0.1/exprel(-(v + 55*mV)/(10*mV))/ms*(1 - n) - 0.125*exp(-(v + 65*mV)/(80*mV))/ms*n : 1
    v_prev : volt
    I : amp
    """
    namespace = dict(C=0.1 * b2.nF, gna=12 * b2.uS, gk=3.6 * b2.uS, gl=0.03 * b2.uS, ENa=50 * b2.mV,
                     EK=-77 * b2.mV, El=-54.402 * b2.mV)
    group = b2.NeuronGroup(N, eqs, threshold="v >= 0*mV and v < v_prev", refractory="2*ms + dt", method="rk4",
                           namespace=namespace, name="hh_native")
    group.run_regularly("v_prev = v", when="end", name="hh_native_prev")
    group.v = -65 * b2.mV
    group.m, group.h, group.n = 0.0529, 0.5961, 0.3177
    group.I = CURRENTS_HH * b2.nA
    monitor = b2.SpikeMonitor(group, name="hh_native_spikes")
    net = b2.Network(group, monitor)
    net.run(DURATION_MS * b2.ms, namespace=namespace)
    return np.asarray(monitor.count[:])


def plain_pynn_traub(simulator: str) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim = _pynn(simulator)
        extra = {"spike_precision": "on_grid"} if simulator == "nest" else {}
        sim.setup(timestep=DT_MS, **extra)
        cells = sim.Population(N, sim.HH_cond_exp(i_offset=CURRENTS_TRAUB))
        cells.record("spikes")
        sim.run(DURATION_MS)
        counts = np.array([len(st) for st in cells.get_data().segments[0].spiketrains])
        sim.end()
        for cell in cells.all_cells:  # PyNN leaks populations; free it so runs stay comparable
            cell.parent = None
    return counts


def through_zoo(model: str, simulator: str) -> np.ndarray:
    currents = CURRENTS_HH if model == "hh" else CURRENTS_TRAUB
    result = zoo.run(model, simulator, duration_ms=DURATION_MS, dt_ms=DT_MS, spike_shape=False, trace_neurons=0,
                     i_offset=currents)
    return result.summary["n_spikes"].to_numpy()


def median_time(function, repeats):
    function()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        counts = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    cases = [
        ("hh", "nest", "native NEST", native_nest_hh),
        ("hh", "brian2", "native Brian2", native_brian2_hh),
        ("hh_traub", "nest", "plain PyNN HH_cond_exp", lambda: plain_pynn_traub("nest")),
        ("hh_traub", "brian2", "plain PyNN HH_cond_exp", lambda: plain_pynn_traub("brian2")),
    ]
    print(f"f-I curve: {N} currents as one population, {DURATION_MS:g} ms at dt = {DT_MS:g} ms; "
          f"median of {args.repeats}")
    print(f"{'model':<9} {'simulator':<9} {'baseline':<24} {'baseline s':>10} {'zoo s':>7} {'ratio':>6}  spikes")
    for model, simulator, label, baseline in cases:
        base_time, base_counts = median_time(baseline, args.repeats)
        zoo_time, zoo_counts = median_time(lambda: through_zoo(model, simulator), args.repeats)
        same = "same" if np.array_equal(base_counts, zoo_counts) else f"differ ({base_counts.sum()} vs {zoo_counts.sum()})"
        print(f"{model:<9} {simulator:<9} {label:<24} {base_time:>10.2f} {zoo_time:>7.2f} {zoo_time / base_time:>6.2f}  {same}")


if __name__ == "__main__":
    main()
