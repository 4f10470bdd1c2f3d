"""The explorer's speed, in one run, against plain PyNN doing the same work.

1. A 2000-point LIF current sweep (1 s at dt = 0.1 ms) on NEST and Brian2 through
   ``explorer.sweep`` on a warm 2-worker LocalCluster, against plain PyNN running the
   same 2000-neuron population on each simulator in this process (target ratio <= 1.2).
   The cold time (cluster start, imports, Brian2 compile cache warm) is shown too.
2. The same sweep against one plain PyNN simulation per point, timed on a sample of
   points and extrapolated to 2000 per simulator (target >= 100x faster).
3. A sweep that cannot be vectorised (step_amplitude is population-level, so every
   value is its own simulation) on 2 workers against 1 (target >= 1.7x).

    python benchmarks/explorer_sweep.py
"""
from __future__ import annotations

import importlib
import logging
import os
import statistics
import tempfile
import time
import warnings

import numpy as np

import explorer

N = 2000
DURATION_MS = 1000.0
DT_MS = 0.1
CURRENTS = np.linspace(0.0, 2.0, N)
SAMPLE = 10


def plain_population(simulator: str, currents) -> float:
    """Seconds for plain PyNN to simulate one population with these currents."""
    os.environ.setdefault("PYNEST_QUIET", "1")
    logging.getLogger("PyNN").addHandler(logging.NullHandler())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sim = importlib.import_module(f"pyNN.{simulator}")
        if simulator == "brian2":
            importlib.import_module("brian2").BrianLogger.log_level_warn()
        started = time.perf_counter()
        extra = {"spike_precision": "on_grid"} if simulator == "nest" else {}
        sim.setup(timestep=DT_MS, **extra)
        cells = sim.Population(len(currents), sim.IF_curr_exp(i_offset=currents))
        cells.record("spikes")
        sim.run(DURATION_MS)
        counts = [len(st) for st in cells.get_data().segments[0].spiketrains]
        sim.end()
        assert len(counts) == len(currents)
        return time.perf_counter() - started


def timed_sweep(**kwargs) -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        table = explorer.sweep("lif", out=out, progress=False, **kwargs)
        elapsed = time.perf_counter() - started
    assert (table["status"] == "ok").all()
    return elapsed


def cluster(workers: int):
    from distributed import LocalCluster

    return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                        silence_logs=logging.CRITICAL)


def main() -> None:
    grid = {"i_offset": CURRENTS}
    both = ("nest", "brian2")
    print(f"1. {N}-point LIF current sweep, {DURATION_MS:g} ms at dt = {DT_MS:g} ms, NEST and Brian2")
    cold = timed_sweep(grid=grid, simulators=both, workers=2)
    with cluster(2) as warm:
        timed_sweep(grid=grid, simulators=both, scheduler=warm.scheduler_address)  # warm the workers
        sweep_time = statistics.median(timed_sweep(grid=grid, simulators=both, scheduler=warm.scheduler_address)
                                       for _ in range(3))
    plain = {s: (plain_population(s, CURRENTS), statistics.median(plain_population(s, CURRENTS) for _ in range(3)))[1]
             for s in both}
    plain_total = sum(plain.values())
    print("   plain PyNN, one population per simulator: " + ", ".join(f"{s} {t:.2f} s" for s, t in plain.items())
          + f" (total {plain_total:.2f} s)")
    print(f"   explorer on a warm 2-worker cluster: {sweep_time:.2f} s  -> ratio {sweep_time / plain_total:.2f}"
          f" (target <= 1.2); cold, cluster start included: {cold:.2f} s")

    print(f"2. against one plain PyNN simulation per point ({SAMPLE} sampled points per simulator)")
    per_point = {}
    for s in both:
        plain_population(s, CURRENTS[:1])  # imports, compile
        per_point[s] = statistics.median(plain_population(s, CURRENTS[i:i + 1])
                                         for i in np.linspace(0, N - 1, SAMPLE).astype(int))
    extrapolated = sum(per_point.values()) * N
    print("   per point: " + ", ".join(f"{s} {t * 1000:.0f} ms" for s, t in per_point.items())
          + f"; {N} points on both: {extrapolated:.0f} s extrapolated")
    print(f"   explorer (warm) is {extrapolated / sweep_time:.0f}x faster, cold {extrapolated / cold:.0f}x (target >= 100x)")

    print("3. a sweep that cannot be vectorised: 24 step amplitudes x 200 currents, NEST, 5 s each")
    grid = {"step_amplitude": np.linspace(0.0, 1.0, 24), "step_start": [100.0], "i_offset": np.linspace(0.5, 2.0, 200)}
    times = {}
    for workers in (1, 2):
        with cluster(workers) as local:
            timed_sweep(grid={"i_offset": [1.0]}, simulators=("nest",), scheduler=local.scheduler_address)
            times[workers] = timed_sweep(grid=grid, simulators=("nest",), duration_ms=5000.0,
                                         scheduler=local.scheduler_address)
    print(f"   1 worker {times[1]:.2f} s, 2 workers {times[2]:.2f} s -> speedup {times[1] / times[2]:.2f}x"
          " (target >= 1.7x)")


if __name__ == "__main__":
    main()
