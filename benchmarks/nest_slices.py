"""How the zoo runs NEST in slices (progress bar, Ctrl-C between slices), against NEST
doing the same simulated time in one ``Simulate``, in one process on one network.

1. Cost: alternating segments of ``--segment-ms`` of the zoo's ``brunel2000``, run
   (a) in slices each a PyNN ``run``, i.e. a NEST ``Simulate`` with its Prepare and
   Cleanup (the base backend's ``_slices``, what the NEST backend did before), (b) in
   slices within one Prepare (the NEST backend's ``_slices``), (c) as one ``Simulate``;
   the fastest of ``--rounds`` of each, and its ratio to (c). The network's activity is
   stationary (the asynchronous irregular state at g = 5, eta = 2), so later segments
   cost what earlier ones do.
2. Reproducibility: the same seed run whole and in slices of fixed numbers of steps,
   at the backend's own slice unit (a whole minimum delay) and at 1 (any cut): the spike
   count and a checksum of the spike times of each. NEST's Poisson generators draw from
   one random generator per thread by stretches of the run (PyNN issue #411), so only
   cuts at whole minimum delays give the whole run's spikes.

    python benchmarks/nest_slices.py [--scale 1] [--segment-ms 1000] [--rounds 4] [--check-scale 0.2]
"""
from __future__ import annotations

import argparse
import time

import zoo
from zoo import backends
from zoo.backends.base import Backend


def _captured(scale: float, seed: int = 1):
    """The NEST backend with the zoo's brunel2000 built and 10 ms run (its one-off costs paid)."""
    backend_class = backends.backend_class("nest")
    held, original_run, original_end = {}, backend_class.run, backend_class.end

    def first_run(self, duration_ms, progress=False):
        held["backend"] = self
        original_run(self, 10.0, progress)

    backend_class.run, backend_class.end = first_run, lambda self: None
    try:
        zoo.run("brunel2000", simulator="nest", scale=scale, g=5.0, eta=2.0, duration_ms=10.0, seed=seed,
                threads=2, trace_neurons=0, max_memory_gib=None)
    finally:
        backend_class.run, backend_class.end = original_run, original_end
    return held["backend"]


def cost(scale: float, segment_ms: float, rounds: int) -> None:
    backend = _captured(scale)
    kinds = {"a: a Simulate per slice": lambda: Backend._slices(backend),
             "b: slices in one Prepare": backend._slices}
    times = {name: [] for name in (*kinds, "c: one Simulate")}
    for _ in range(rounds):
        for name, slices in kinds.items():
            backend._slices = slices
            started = time.perf_counter()
            backend._run_in_slices(segment_ms, False)
            times[name].append(time.perf_counter() - started)
        started = time.perf_counter()
        backend.pynn.run(segment_ms)
        times["c: one Simulate"].append(time.perf_counter() - started)
    one = min(times["c: one Simulate"])
    print(f"brunel2000 at scale {scale:g}, {segment_ms:g} ms segments, fastest of {rounds}:")
    for name, values in times.items():
        print(f"  {name:<26} {min(values):7.2f} s  ({min(values) / one:.3f}x one Simulate)")


def reproducibility(scale: float, duration_ms: float = 300.0) -> None:
    backend_class = backends.backend_class("nest")
    original_unit, original_run = backend_class._slice_unit_steps, backend_class._run_in_slices

    def fixed(steps, unit):
        def run(self, duration, progress):
            dt = float(self.pynn.get_time_step())
            total, done = int(round(duration / dt)), 0
            with self._slices() as advance:
                size = -(-steps // unit(self)) * unit(self)
                while done < total:
                    advance(min(size, total - done) * dt)
                    done += min(size, total - done)
        return run

    print(f"brunel2000 at scale {scale:g}, {duration_ms:g} ms, seed 1: spikes, sum of spike times (ms)")
    for label, steps, unit in (("whole", 10 ** 9, original_unit),
                               *((f"slices of {n} steps, the backend's unit", n, original_unit) for n in (7, 16, 100)),
                               *((f"slices of {n} steps, cut anywhere", n, lambda self: 1) for n in (7, 16, 100))):
        backend_class._run_in_slices = fixed(steps, unit)
        try:
            spikes = zoo.run("brunel2000", simulator="nest", scale=scale, g=5.0, eta=2.0, duration_ms=duration_ms,
                             seed=1, threads=2, trace_neurons=0).spikes
        finally:
            backend_class._run_in_slices = original_run
        print(f"  {label:<40} {len(spikes):7d} {spikes['t_ms'].sum():14.1f}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--segment-ms", type=float, default=1000.0)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--check-scale", type=float, default=0.2)
    args = parser.parse_args(argv)
    backends.load("nest")
    reproducibility(args.check_scale)
    cost(args.scale, args.segment_ms, args.rounds)


if __name__ == "__main__":
    main()
