"""Where the zoo's NEST Brunel network loses time against the native script: the native
model A (``brunel_native``, the zoo's graph and initial potentials) built in variants that
differ from it in one way each, and the zoo's own network with NEST's Prepare and Run
called directly, every run a fresh process, interleaved.

Variants of the native build (two synapse-model copies, two projections onto all neurons):

- ``plain``: the native script's way;
- ``labels``: the copies made from ``static_synapse_lbl`` with a label per connection
  call, as PyNN's projections are told apart;
- ``four``: four projections (E->E, E->I, I->E, I->I) as the zoo's model declares, still
  two copies;
- ``four_labels``: four projections with labels: what the zoo's NEST backend builds;
- ``four_copies``: four projections, one unlabelled copy each (the alternative to labels).

``zoo``: ``zoo.run("brunel2000", simulator="nest")`` up to the run (its build: the draw,
PyNN's populations and projections), then Prepare and one Run of the same length (no
slices; PyNN's recorders connected first), so that its ``simulate_s`` is the native one's.

    python benchmarks/brunel_nest_variants.py [--scale 1] [--repeat 2] [--threads 2]

Prints build, prepare and simulate seconds per run, and each kind's fastest simulation.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import brunel_native as native  # noqa: E402

VARIANTS = ("plain", "labels", "four", "four_labels", "four_copies")
DURATION_MS = 1000.0
G, ETA, SEED = 5.0, 2.0, 1


def native_variant(variant: str, scale: float, threads: int) -> dict:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("PYNEST_QUIET", "1")
    import nest
    import numpy as np

    size = native.sizes(scale, 1000)
    started = time.perf_counter()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": 0.1, "local_num_threads": threads, "rng_seed": SEED})
    neurons = nest.Create("iaf_psc_delta", size["n"], params={
        "tau_m": native.TAU_M_MS, "C_m": 250.0, "E_L": native.E_L_MV, "V_th": native.THETA_MV,
        "V_reset": native.V_RESET_MV, "t_ref": native.T_REF_MS, "refractory_input": False})
    neurons.V_m = native.initial_potentials(SEED, size["n"]).tolist()
    base = "static_synapse_lbl" if "labels" in variant else "static_synapse"
    weights = {"exc": native.J_MV, "inh": -G * native.J_MV}
    for key, weight in weights.items():
        nest.CopyModel(base, f"brunel_{key}", {"weight": weight, "delay": native.DELAY_MS})
    graph = native.zoo_graph(SEED, size["n_e"], size["n_i"], size["c_e"], size["c_i"])
    ids = np.asarray(neurons.tolist(), dtype=np.int64)
    n_e = size["n_e"]
    blocks = ((slice(0, None),) if not variant.startswith("four") else (slice(0, n_e), slice(n_e, None)))
    label = 0
    for key, pre in (("exc", ids[:n_e]), ("inh", ids[n_e:])):
        for targets in blocks:
            label += 1
            model = f"brunel_{key}"
            if variant == "four_copies":
                model = f"brunel_{key}_{label}"
                nest.CopyModel("static_synapse", model, {"weight": weights[key], "delay": native.DELAY_MS})
            spec = {"synapse_model": model}
            if "labels" in variant:
                spec["synapse_label"] = label
            rows = graph[key][targets]
            nest.Connect(pre[rows.ravel()], np.repeat(ids[targets], rows.shape[1]), "one_to_one", spec)
    noise = nest.Create("poisson_generator", params={"rate": 1000 * ETA * size["nu_thr_hz"]})
    nest.Connect(noise, neurons, "all_to_all", {"weight": native.J_MV, "delay": native.DELAY_MS})
    nest.Connect(neurons, nest.Create("spike_recorder"))
    build = time.perf_counter() - started
    return {"build_s": build, **_prepare_and_run(nest)}


def zoo_network(scale: float, threads: int) -> dict:
    """The zoo's network, built by ``zoo.run``; its run replaced by Prepare and one Run."""
    import nest

    import zoo
    from zoo import backends

    backend_class = backends.backend_class("nest")
    times = {}

    def run_directly(self, duration_ms, progress=False):
        times["build_s"] = time.perf_counter() - started  # drawing, PyNN's populations and projections
        state = self.pynn.simulator.state
        for device in state.recording_devices:  # what PyNN's run does first
            if not device._connected:
                device.connect_to_cells()
                device._local_files_merged = False
        state.running = True
        times.update(_prepare_and_run(nest, duration_ms + state.min_delay))

    backend_class.run = run_directly
    backends.load("nest")
    started = time.perf_counter()  # read by run_directly
    zoo.run("brunel2000", simulator="nest", scale=scale, g=G, eta=ETA, duration_ms=DURATION_MS, seed=SEED,
            threads=threads, trace_neurons=0, max_memory_gib=None)
    return times


def _prepare_and_run(nest, duration_ms: float = DURATION_MS) -> dict:
    started = time.perf_counter()
    nest.Prepare()
    prepared = time.perf_counter()
    nest.Run(duration_ms)
    ran = time.perf_counter()
    nest.Cleanup()
    return {"prepare_s": prepared - started, "simulate_s": ran - prepared}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        kind = args.worker
        result = zoo_network(args.scale, args.threads) if kind == "zoo" else \
            native_variant(kind, args.scale, args.threads)
        print(json.dumps(result))
        return
    print(f"brunel2000 on NEST, scale {args.scale:g}, {DURATION_MS:g} ms at (g, eta) = ({G:g}, {ETA:g}), "
          f"{args.threads} threads; each run a fresh process")
    print(f"{'kind':<12} {'build s':>8} {'prepare s':>10} {'simulate s':>11}")
    fastest = {}
    for _ in range(max(1, args.repeat)):
        for kind in (*VARIANTS, "zoo"):
            out = subprocess.run([sys.executable, __file__, "--worker", kind, "--scale", str(args.scale),
                                  "--threads", str(args.threads)], capture_output=True, text=True, check=True)
            result = json.loads(out.stdout.strip().splitlines()[-1])
            fastest[kind] = min(fastest.get(kind, float("inf")), result["simulate_s"])
            print(f"{kind:<12} {result['build_s']:8.2f} {result['prepare_s']:10.2f} {result['simulate_s']:11.2f}")
    print("fastest simulation: " + ", ".join(f"{kind} {s:.2f} s" for kind, s in fastest.items()))


if __name__ == "__main__":
    main()
