"""A 1000-point LIF current sweep as one population: the zoo vs plain PyNN.

Both do the same work in the same process, on the same simulator: one population of
1000 IF_curr_exp neurons with i_offset = 0..2 nA, 1 s at dt = 0.1 ms, spikes of all
neurons and v of 5, the data fetched and a rate per neuron computed. Each variant is
run once untimed (imports, Brian2's compile cache), then REPEATS times alternately;
the medians are compared. Target: zoo / plain <= 1.2 on each simulator.

The plain script fetches data the way PyNN's documentation does (``get_data()``, a
count per spike train) and uses NEST's grid-based spikes like the zoo. On Brian2 its
rates differ from the zoo's by design: PyNN's Brian2 IF_curr_exp fires a step early
(see zoo.backends.brian2). Also on Brian2, plain PyNN leaks each simulation's
objects, so every run in a process gets new object names, and Brian2 derives and may
compile its code again; the zoo frees them and reuses its cache.

On NEURON both set Crank-Nicolson (``secondorder = 2``), as the zoo does. Plain
PyNN-NEURON never frees a run's cells (its initializer and ParallelContext keep them,
and each cell refers to itself), so in one process each run would also simulate all
runs before it; on NEURON every timed run therefore gets a fresh process, with the
simulator imported before the clock starts, for both variants alike. Its rates differ
from the zoo's at a few currents by design: plain PyNN-NEURON loses a spike detected in
the run's last step (delivered after the end), which the zoo keeps.

    python benchmarks/lif_population.py [--repeats N] [--simulator nest|brian2|neuron]
"""
from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import statistics
import subprocess
import sys
import time
import warnings

import numpy as np

import zoo

N_POINTS = 1000
DURATION_MS = 1000.0
DT_MS = 0.1
CURRENTS_NA = np.linspace(0.0, 2.0, N_POINTS)
TRACED = [0, 250, 500, 749, 999]


def plain_pynn(simulator: str) -> np.ndarray:
    """The same simulation written directly against pyNN.<simulator>."""
    os.environ.setdefault("PYNEST_QUIET", "1")
    logging.getLogger("PyNN").addHandler(logging.NullHandler())  # keep the table readable
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim = importlib.import_module(f"pyNN.{simulator}")
        if simulator == "brian2":
            importlib.import_module("brian2").BrianLogger.log_level_warn()
        extra = {"spike_precision": "on_grid"} if simulator == "nest" else {}
        sim.setup(timestep=DT_MS, **extra)
        if simulator == "neuron":  # the zoo's scheme, so both do the same work
            importlib.import_module("neuron").h.secondorder = 2
        cells = sim.Population(N_POINTS, sim.IF_curr_exp(i_offset=CURRENTS_NA), initial_values={"v": -65.0})
        cells.record("spikes")
        cells[TRACED].record("v")
        sim.run(DURATION_MS)
        segment = cells.get_data().segments[0]
        rates = np.array([len(st) for st in segment.spiketrains]) / (DURATION_MS / 1000.0)
        sim.end()
    return rates


def through_zoo(simulator: str) -> np.ndarray:
    result = zoo.run("lif", simulator=simulator, duration_ms=DURATION_MS, dt_ms=DT_MS,
                     trace_neurons=TRACED, i_offset=CURRENTS_NA)
    return result.summary["rate_hz"].to_numpy()


#: Simulators whose plain PyNN keeps every run's cells alive in the process.
FRESH_PROCESS = ("neuron",)


def timed(function, simulator):
    if simulator in FRESH_PROCESS:
        return timed_in_fresh_process(function, simulator)
    started = time.perf_counter()
    rates = function(simulator)
    return time.perf_counter() - started, rates


def timed_in_fresh_process(function, simulator):
    child = subprocess.run([sys.executable, __file__, "--child", function.__name__, simulator], check=True,
                           capture_output=True, text=True)
    found = json.loads(child.stdout.strip().splitlines()[-1])
    return found["seconds"], np.asarray(found["rates"])


def child(function_name: str, simulator: str) -> None:
    """Import the simulator, then time one run; print seconds and rates as JSON."""
    os.environ.setdefault("NEURON_MODULE_OPTIONS", "-nogui")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if function_name == "plain_pynn":
            importlib.import_module(f"pyNN.{simulator}")
        else:
            zoo.backends.load(simulator)
    started = time.perf_counter()
    rates = globals()[function_name](simulator)
    print(json.dumps({"seconds": time.perf_counter() - started, "rates": np.asarray(rates).tolist()}))


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        return child(*sys.argv[2:4])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--simulator", action="append", choices=zoo.backends.names())
    args = parser.parse_args()
    print(f"LIF, {N_POINTS} currents as one population, {DURATION_MS:g} ms at dt = {DT_MS:g} ms; "
          f"median of {args.repeats} runs after one warm-up")
    print(f"{'simulator':<9} {'plain PyNN (s)':>14} {'zoo (s)':>8} {'zoo/plain':>9} {'same rates':>10}")
    for simulator in args.simulator or zoo.backends.names():
        timed(plain_pynn, simulator)
        timed(through_zoo, simulator)
        plain, ours = [], []
        for _ in range(args.repeats):
            t, plain_rates = timed(plain_pynn, simulator)
            plain.append(t)
            t, zoo_rates = timed(through_zoo, simulator)
            ours.append(t)
        p, z = statistics.median(plain), statistics.median(ours)
        same = "yes" if np.array_equal(plain_rates, zoo_rates) else f"{np.sum(plain_rates != zoo_rates)} differ"
        print(f"{simulator:<9} {p:>14.3f} {z:>8.3f} {z / p:>9.2f} {same:>10}")


if __name__ == "__main__":
    main()
