"""NEST's OpenMP threads on a shared machine: masquelier2008 (2 s simulated, seed 1) on
NEST with 1 and 2 threads, under ``OMP_WAIT_POLICY`` unset (libgomp's default: spin a
while at every barrier, then sleep), ACTIVE (spin) and PASSIVE (sleep at once: what the
zoo's NEST backend sets unless the user did), each alone and beside one busy process (what a
sweep's other Dask worker, or the other test worker, is). Each run is a fresh process;
its simulation time (``wall_time_s`` minus the import) and ratios to 1 thread, PASSIVE,
alone are printed.

    python benchmarks/nest_threads.py [--duration-ms 2000]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

RUN = ("import json, time, zoo; zoo.run('masquelier2008', 'nest', duration_ms=100.0, seed=1); "  # import, build once
       "t = time.perf_counter(); zoo.run('masquelier2008', 'nest', duration_ms={duration}, seed=1, threads={threads}); "
       "print(json.dumps(time.perf_counter() - t))")
BUSY = "while True: pass"


def timed(policy: str, threads: int, duration_ms: float, busy: bool) -> float:
    hog = subprocess.Popen([sys.executable, "-c", BUSY]) if busy else None
    try:
        env = {key: value for key, value in os.environ.items() if key != "OMP_WAIT_POLICY"}
        if policy != "unset":
            env["OMP_WAIT_POLICY"] = policy
        done = subprocess.run([sys.executable, "-c", RUN.format(duration=duration_ms, threads=threads)], env=env,
                              capture_output=True, text=True, check=True)
        return float(json.loads(done.stdout.strip().splitlines()[-1]))
    finally:
        if hog is not None:
            hog.kill()
            hog.wait()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration-ms", type=float, default=2000.0)
    args = parser.parse_args(argv)
    print(f"masquelier2008 on NEST, {args.duration_ms:g} ms simulated; {os.cpu_count()} cores; "
          f"load average at start {os.getloadavg()[0]:.2f}")
    rows = {}
    for busy in (False, True):
        for policy in ("PASSIVE", "unset", "ACTIVE"):
            for threads in (1, 2):
                rows[busy, policy, threads] = timed(policy, threads, args.duration_ms, busy)
                print(f"  {'beside a busy process' if busy else 'alone':>22}  {policy:7}  {threads} thread(s): "
                      f"{rows[busy, policy, threads]:7.2f} s  (ratio to 1 thread, PASSIVE, alone: "
                      f"{rows[busy, policy, threads] / rows[False, 'PASSIVE', 1]:.2f})", flush=True)


if __name__ == "__main__":
    main()
