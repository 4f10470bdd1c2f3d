"""Seeds of masquelier2008: several in one simulation against one task per seed, and
the paper's 20-run statistics per simulator.

1. ``--seeds`` seeds of ``--duration`` ms on Brian2 (compiled whole from 50 s) through
   ``explorer.sweep`` in this process (``scheduler="inline"``, so batching is the only
   difference), with ``seed_batches=True`` (batched whatever the backend's policy,
   ``Backend.batches_seeds``) and ``seed_batches=False``; each seed's rows must be
   identical. The build directory is warmed for both first (one untimed sweep of other seeds each). With ``--nest``,
   NEST's seeds in one simulation (``zoo.run_seeds``) against one by one. These
   measurements are why no backend batches seeds.
2. ``--full``: 20 seeds of the 450 s protocol per simulator through ``zoo sweep`` on
   the default local cluster (a fresh process, as a user runs it), against the
   targets (Brian2 5 min, NEST 15 min).

    python benchmarks/seeds.py [--seeds 8] [--duration 60000] [--nest] [--full]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import explorer
import zoo

MODEL = "masquelier2008"
TARGET_S = {"brian2": 300.0, "nest": 900.0}


def sweep_seconds(simulator: str, seeds, duration_ms: float, batches: bool):
    out = tempfile.mkdtemp(prefix="zoo-seeds-")
    try:
        started = time.perf_counter()
        table = explorer.sweep(MODEL, grid={"w_init": [0.475]}, simulators=[simulator], seeds=seeds,
                               duration_ms=duration_ms, out=out, scheduler=explorer.INLINE, seed_batches=batches,
                               progress=False)
        return time.perf_counter() - started, table.sort_values("seed").reset_index(drop=True)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def compare_batching(simulator: str, n_seeds: int, duration_ms: float) -> None:
    seeds = list(range(1, n_seeds + 1))
    for batches in (True, False):  # warm the build directory for each structure, untimed
        sweep_seconds(simulator, [s + 100 for s in seeds], duration_ms, batches)
    together, rows_together = sweep_seconds(simulator, seeds, duration_ms, True)
    alone, rows_alone = sweep_seconds(simulator, seeds, duration_ms, False)
    same = all(np.array_equal(a, b) for a, b in zip(rows_together["spike_times_ms"], rows_alone["spike_times_ms"]))
    same = same and rows_together["n_spikes"].equals(rows_alone["n_spikes"])
    print(f"{simulator}, {n_seeds} seeds of {duration_ms / 1000:g} s: batched {together:.1f} s, one task per seed "
          f"{alone:.1f} s, batched/alone {together / alone:.2f}; rows {'identical' if same else 'DIFFER'}")


def full_protocol(simulator: str) -> None:
    out = tempfile.mkdtemp(prefix="zoo-seeds-full-")
    command = [str(Path(sys.executable).parent / "zoo"), "sweep", MODEL, "--simulator", simulator,
               "--grid", "w_init=0.475", "--out", out]
    for seed in range(1, 21):
        command += ["--seed", str(seed)]
    try:
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        seconds = time.perf_counter() - started
    finally:
        shutil.rmtree(out, ignore_errors=True)
    print(f"{simulator}: 20 seeds of 450 s, zoo sweep, {os.cpu_count()} workers: {seconds:.0f} s "
          f"(target {TARGET_S[simulator]:.0f} s)")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    parser.add_argument("--duration", type=float, default=60_000.0, help="ms (Brian2 compiles whole from 50 s)")
    parser.add_argument("--nest", action="store_true", help="also run NEST's seeds together (slower)")
    parser.add_argument("--full", action="store_true", help="20 seeds of 450 s per simulator (about 25 min)")
    args = parser.parse_args(argv)
    compare_batching("brian2", args.seeds, args.duration)
    if args.nest:
        seeds = list(range(1, args.seeds + 1))
        started = time.perf_counter()
        zoo.run_seeds(MODEL, seeds, simulator="nest", duration_ms=args.duration)
        together = time.perf_counter() - started
        alone, _ = sweep_seconds("nest", seeds, args.duration, False)
        print(f"nest, {args.seeds} seeds of {args.duration / 1000:g} s: in one simulation {together:.1f} s, "
              f"one by one {alone:.1f} s, together/alone {together / alone:.2f} (so NEST does not batch)")
    if args.full:
        for simulator in ("brian2", "nest"):
            full_protocol(simulator)


if __name__ == "__main__":
    main()
