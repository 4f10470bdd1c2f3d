"""The zoo's ``brunel2000`` against native NEST and Brian2 scripts of the same network
(``benchmarks/brunel_native.py``: the same graph, drawn from the same seed), in one run:
build, simulate and peak memory of each, every run in a fresh process, and the zoo's time
over the native one.

    python benchmarks/brunel.py [--scale 1] [--duration-ms 1000] [--simulator nest --simulator brian2] [--repeat 3]

The zoo's build is everything before the simulation (drawing the graph, PyNN's populations,
the bulk connections, the drive); its simulate is ``Backend.run``, which includes the
simulator's preparation (NEST's Prepare, Brian2's code objects) that the native scripts time
apart and count here as build; after it come the tables (spike table, per-neuron measures),
reported as ``after s``. ``zoo/native total`` compares build plus simulation, the same work;
``zoo/native CPU`` the least CPU time (every thread's, build to the end of the simulation) of
each side's runs: the work done, which this machine's wall-clock noise (NEST's 2-thread
simulation of one variant took 10.2-12.6 s between runs) moves less.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import brunel_native  # noqa: E402


def zoo_worker(spec: dict) -> None:
    """One zoo run in this process; prints its timings as JSON."""
    import zoo
    from zoo import backends

    timings = {}
    backend_class = backends.backend_class(spec["simulator"])
    original = backend_class.run

    def timed(self, *args, **kwargs):
        timings["cpu_run_started"] = time.process_time()
        started = time.perf_counter()
        original(self, *args, **kwargs)
        timings["simulate_s"] = time.perf_counter() - started
        timings["ended"], timings["cpu_ended"] = time.perf_counter(), time.process_time()

    backend_class.run = timed
    backends.load(spec["simulator"])  # imported before the clock starts, as the native scripts import theirs
    started, cpu_started = time.perf_counter(), time.process_time()
    result = zoo.run("brunel2000", simulator=spec["simulator"], scale=spec["scale"], g=spec["g"], eta=spec["eta"],
                     duration_ms=spec["duration_ms"], seed=spec["seed"], threads=spec["threads"], trace_neurons=0,
                     max_memory_gib=None)
    done = time.perf_counter()
    total = done - started
    rate = float((result.summary["rate_hz"] * result.summary["n_neurons"]).sum() / result.summary["n_neurons"].sum())
    print(json.dumps({"who": "zoo", "simulator": spec["simulator"], "scale": spec["scale"], "total_s": total,
                      "build_s": total - timings["simulate_s"] - (done - timings["ended"]),
                      "simulate_s": timings["simulate_s"], "after_s": done - timings["ended"],
                      "cpu_s": timings["cpu_ended"] - cpu_started,
                      "cpu_build_s": timings["cpu_run_started"] - cpu_started,
                      "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, "rate_hz": rate}))


def run_zoo(spec: dict, timeout_s: float = 1800.0) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", json.dumps(spec)], capture_output=True, text=True,
                         timeout=timeout_s, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--duration-ms", type=float, default=1000.0)
    parser.add_argument("--g", type=float, default=5.0)
    parser.add_argument("--eta", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2, help="NEST's threads (Brian2 runs one)")
    parser.add_argument("--simulator", action="append", choices=sorted(brunel_native.SIMULATORS))
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="runs of each (interleaved, each a fresh process); the fastest is shown, as timeit does: "
                             "NEST's full-size simulation varied from 10 to 20 s between identical runs here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return zoo_worker(json.loads(args.worker))
    print(f"brunel2000, g = {args.g:g}, eta = {args.eta:g}, scale {args.scale:g}, {args.duration_ms:g} ms, "
          f"seed {args.seed}; each run a fresh process")
    print(f"{'simulator':<10} {'who':<7} {'build s':>8} {'sim s':>8} {'after s':>8} {'peak MiB':>9} {'rate Hz':>8}"
          f" {'zoo/native build':>17} {'zoo/native sim':>15} {'zoo/native total':>17} {'zoo/native CPU':>15}")
    for simulator in args.simulator or sorted(brunel_native.SIMULATORS):
        threads = args.threads if simulator == "nest" else 1
        spec = {"simulator": simulator, "scale": args.scale, "g": args.g, "eta": args.eta,
                "duration_ms": args.duration_ms, "seed": args.seed, "threads": threads}
        natives, zoos = [], []
        for _ in range(max(1, args.repeat)):
            natives.append(brunel_native.run_fresh({**spec, "graph": "zoo"}))
            zoos.append(run_zoo(spec))
        native = min(natives, key=lambda r: r["build_s"] + r.get("prepare_s", 0.0) + r["simulate_s"])
        zoo_run = min(zoos, key=lambda r: r["build_s"] + r["simulate_s"])
        # the native build_s includes its graph's draw_s; its prepare_s (NEST's Prepare, Brian2's code
        # objects) the zoo pays inside Backend.run: the totals compare the same work wherever it falls
        native_build = native["build_s"] + native.get("prepare_s", 0.0)
        native_total = native_build + native["simulate_s"]
        zoo_total = zoo_run["build_s"] + zoo_run["simulate_s"]
        print(f"{simulator:<10} {'native':<7} {native_build:8.2f} {native['simulate_s']:8.2f} {'':>8} "
              f"{native['peak_mib']:9.0f} {native['rate_hz']:8.2f}")
        print(f"{simulator:<10} {'zoo':<7} {zoo_run['build_s']:8.2f} {zoo_run['simulate_s']:8.2f} "
              f"{zoo_run['after_s']:8.2f} {zoo_run['peak_mib']:9.0f} {zoo_run['rate_hz']:8.2f} "
              f"{zoo_run['build_s'] / native_build:17.2f} {zoo_run['simulate_s'] / native['simulate_s']:15.2f} "
              f"{zoo_total / native_total:17.2f} {min(z['cpu_s'] for z in zoos) / min(n['cpu_s'] for n in natives):15.2f}")
        cpu = {who: min(r["cpu_build_s"] for r in runs) for who, runs in (("zoo", zoos), ("native", natives))}
        rest = {who: min(r["cpu_s"] - r["cpu_build_s"] for r in runs) for who, runs in (("zoo", zoos), ("native", natives))}
        print(f"{simulator:<10} CPU s: build zoo {cpu['zoo']:.2f}, native {cpu['native']:.2f} "
              f"({cpu['zoo'] / cpu['native']:.2f}x); preparation and simulation zoo {rest['zoo']:.2f}, native "
              f"{rest['native']:.2f} ({rest['zoo'] / rest['native']:.2f}x)")


if __name__ == "__main__":
    main()
