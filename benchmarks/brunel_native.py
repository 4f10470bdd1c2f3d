"""Brunel (2000) model A on plain NEST and Brian2 (no PyNN, no zoo), the zoo's reference.

What the zoo's Brunel network is benchmarked against: build time, simulation time, peak memory, mean rate.

Model A (Brunel 2000, pp. 184-185 and section 6; docs/notes/brunel2000-model-a.md):

- N_E = round(10000 * scale) excitatory and N_I = N_E // 4 inhibitory identical LIF neurons with delta
  synapses: tau_m = 20 ms, E_L = 0, theta = 20 mV, V_reset = 10 mV (Brunel's value; NEST's
  brunel_delta_nest.py uses 0), tau_ref = 2 ms, during which input is discarded (Brunel: "the potential is
  insensitive to stimulation"; NEST iaf_psc_delta's refractory_input = False). C_m does not enter: a
  spike makes V jump by its weight in mV.
- Fixed in-degree: every neuron (E and I alike) receives C_E = c_e excitatory and C_I = c_e // 4 inhibitory
  connections, sources drawn uniformly with replacement (autapses and multapses allowed), weights
  J = 0.1 mV and -g J, delay D = 1.5 ms.
- External drive: per neuron a Poisson process of rate c_e * eta * nu_thr with weight J, where
  nu_thr = theta / (J c_e tau_m) (so the summed external rate is eta * theta / (J tau_m) = eta * 10 kHz
  whatever c_e is).
- dt = 0.1 ms. Initial V: v_init="zoo" (default) draws it as zoo.models.brunel2000 does, uniform in
  [V_reset, theta) from numpy PCG64(SeedSequence([seed, STREAM_INITIAL])), so the native runs start
  where the zoo's do and the first spikes are spread; v_init="zero" starts every neuron at 0 mV (NEST's
  brunel_delta_nest.py), which gives a synchronous volley after ~20 ms that is part of the mean rate.
  Spikes of all neurons are recorded; rate_hz is over the whole run (no transient left out).

graph="zoo" (both simulators): the graph is drawn by ``draw_indegree_sources`` (numpy PCG64 from
SeedSequence([seed, stream])) as two draws onto all N = N_E + N_I neurons (row k = the sources of
neuron k, E neurons first): E -> all with stream STREAM_EXC, I -> all with stream STREAM_INH, the streams
of zoo.models.brunel2000 (GRAPH_STREAM, GRAPH_STREAM + 1; the zoo then splits each draw by target
population into E->E, E->I, I->E, I->I, which is the same set of synapses). A caller may pass its own
arrays (``sources={"exc": ..., "inh": ...}``) to simulate exactly a graph drawn elsewhere.
graph="nest": NEST's own ``fixed_indegree`` rule (NEST only).

Simulator specifics:

- NEST: one poisson_generator connected all_to_all (each connection an independent train); the zoo graph
  is connected with one ``nest.Connect(pre_ids, post_ids, "one_to_one", {"synapse_model": ...})`` per
  projection (NEST's connect_arrays path, which refuses scalar weights and delays in syn_spec: it wants one
  per synapse or none, so they are the defaults of two copies of static_synapse). Simulation is split
  into Prepare (connection infrastructure) and Run, reported as prepare_s and simulate_s.
  OMP_WAIT_POLICY=PASSIVE as the zoo sets it.
- Brian2: runtime device, cython code generation, one thread. ``dv/dt = -v/tau_m (unless refractory)``,
  exact integration, threshold ``v >= theta`` (NEST's test), reset ``v = V_reset``. Synapses
  ``on_pre="v_post += w*int(not_refractory_post)"`` with w a constant of the Synapses' namespace (no
  per-synapse weight array), scalar delay 1.5 ms, ``connect(i=..., j=...)`` from the drawn arrays. The
  external drive is a ``PoissonInput(N=c_e, rate=eta*nu_thr, weight="J*int(not_refractory)")``: each step
  it adds J times a binomial(c_e, rate*dt) draw per neuron, i.e. c_e independent Bernoulli(rate*dt)
  trains, whose dt -> 0 limit is the Poisson process (rate*dt = 2e-3 here, so the binomial is
  Poisson(c_e rate dt) to within that). The ``int(not_refractory)`` factors give NEST's and Brunel's
  discarding of input during refractoriness; ``refractory_input=True`` drops them (plain ``v += w``, what
  Brian2 and PyNN-Brian2 do by default, which raises the rate). Brian2 applies input arriving in a step
  after that step's threshold test, NEST before it: a one-step shift of every delay, no change in rate.
  prepare_s is a 0 ms run (code generation, compilation (cached on disk after the first time), spike
  queue); simulate_s the run that follows.

Measured on 2 cores at (g, eta) = (5, 2), C_E = 1000, 1000 ms, zoo graph and initial V, quiet machine (load
< 1.3): scale 0.1 (1.56 M synapses): NEST 2 threads build 0.42 s, prepare 0.06 s, simulate 1.33 s, peak 276 MiB,
37.8 Hz; Brian2 0.37 / 0.25 / 2.32 s, 206 MiB, 38.7 Hz. Scale 1 (15.6 M): NEST 2 threads 4.2 / 0.8 / 23.4 s,
1374 MiB, 37.3 Hz (1 thread: simulate 47.6 s); NEST fixed_indegree 3.3 / 0.8 / 23.1 s, 1249 MiB; Brian2
1.8 / 0.5 / 22.5 s, 781 MiB, 37.6 Hz (Brunel: 37.7 Hz simulated, 38.0 Hz theory). With another busy process
on the machine, NEST's 2-thread simulation takes about twice as long (52 s at scale 1). Brian2's first run on
a cold code cache adds about a minute of compilation.

Each configuration of the command line runs in a fresh process (this file with --worker), so its peak
resident memory (ru_maxrss) is that run's alone; import_mib is the peak after importing the simulator.

    python benchmarks/brunel_native.py [--simulator nest|brian2|both] [--scale 0.1 1] [--g 5] [--eta 2]
        [--c-e 1000] [--duration-ms 1000] [--threads 2 [1]] [--graph zoo|nest] [--seed 1] [--v-init zoo|zero]
        [--timeout-s 600] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np

TAU_M_MS = 20.0
THETA_MV = 20.0
V_RESET_MV = 10.0
E_L_MV = 0.0
T_REF_MS = 2.0
J_MV = 0.1
DELAY_MS = 1.5
#: SeedSequence streams of the two draws and of the initial potentials: zoo.models.brunel2000's GRAPH_STREAM,
#: GRAPH_STREAM + 1 and INITIAL_STREAM, copied (this file imports nothing of the zoo). Note that the zoo's
#: INITIAL_STREAM equals GRAPH_STREAM + 1, so its I graph and its initial potentials come from one stream.
STREAM_EXC = 2000
STREAM_INH = 2001
STREAM_INITIAL = 2002  # zoo.models.brunel2000.INITIAL_STREAM (its own stream, not the inhibitory graph's)


def draw_indegree_sources(seed: int, n_pre: int, n_post: int, indegree: int, stream: int) -> np.ndarray:
    """Sources of a fixed in-degree projection: row k holds the ``indegree`` presynaptic indices (0..n_pre-1,
    drawn with replacement, so multapses and, within one population, autapses occur) of postsynaptic k."""
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), int(stream)])))
    return rng.integers(0, n_pre, size=(n_post, indegree), dtype=np.int64)


def sizes(scale: float, c_e: int) -> dict:
    n_e = int(round(10000 * scale))
    n_i = n_e // 4
    c_i = int(c_e) // 4
    nu_thr_hz = THETA_MV / (J_MV * c_e * TAU_M_MS) * 1000.0
    return {"n_e": n_e, "n_i": n_i, "n": n_e + n_i, "c_e": int(c_e), "c_i": c_i, "nu_thr_hz": nu_thr_hz}


def zoo_graph(seed: int, n_e: int, n_i: int, c_e: int, c_i: int) -> dict:
    """The two projections onto all n_e + n_i neurons: {"exc": (n, c_e) E indices, "inh": (n, c_i) I indices}."""
    n = n_e + n_i
    return {"exc": draw_indegree_sources(seed, n_e, n, c_e, STREAM_EXC),
            "inh": draw_indegree_sources(seed, n_i, n, c_i, STREAM_INH)}


def initial_potentials(seed: int, n: int, v_init: str = "zoo") -> np.ndarray:
    """Initial V (mV) of the n neurons: "zoo", uniform in [V_reset, theta) as the zoo draws it, or "zero"."""
    if v_init == "zero":
        return np.zeros(n)
    if v_init != "zoo":
        raise ValueError(f"v_init must be 'zoo' or 'zero', not {v_init!r}")
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence([int(seed), STREAM_INITIAL])))
    return V_RESET_MV + (THETA_MV - V_RESET_MV) * rng.random(n)


def _check_graph(sources: dict, size: dict) -> None:
    for key, n_pre, degree in (("exc", size["n_e"], size["c_e"]), ("inh", size["n_i"], size["c_i"])):
        array = np.asarray(sources[key])
        if array.shape != (size["n"], degree) or array.min() < 0 or array.max() >= n_pre:
            raise ValueError(f"sources[{key!r}] must be ({size['n']}, {degree}) indices in [0, {n_pre})")


def _result(size: dict, n_synapses: int, spikes: int, duration_ms: float, times: dict, **extra) -> dict:
    return {**size, "n_synapses": int(n_synapses), "spikes": int(spikes),
            "rate_hz": spikes / size["n"] / (duration_ms / 1000.0), **times, **extra}


def native_nest(scale: float, g: float, eta: float, c_e: int = 1000, duration_ms: float = 1000.0,
                dt_ms: float = 0.1, threads: int = 2, seed: int = 1, graph: str = "zoo",
                sources: dict | None = None, v_init: str = "zoo") -> dict:
    """Model A on NEST 3; returns sizes, n_synapses, spikes, rate_hz (mean over all neurons) and the times
    draw_s (numpy graph, zoo only; part of build_s), build_s (kernel setup, Create, Connect), prepare_s,
    simulate_s."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    os.environ.setdefault("PYNEST_QUIET", "1")
    import nest

    size = sizes(scale, c_e)
    if graph not in ("zoo", "nest"):
        raise ValueError(f"graph must be 'zoo' or 'nest', not {graph!r}")
    started, cpu_started = time.perf_counter(), time.process_time()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": dt_ms, "local_num_threads": int(threads), "rng_seed": int(seed)})
    params = {"tau_m": TAU_M_MS, "C_m": 250.0, "E_L": E_L_MV, "V_th": THETA_MV, "V_reset": V_RESET_MV,
              "t_ref": T_REF_MS, "refractory_input": False}
    neurons = nest.Create("iaf_psc_delta", size["n"], params=params)
    neurons.V_m = initial_potentials(seed, size["n"], v_init).tolist()
    exc, inh = neurons[:size["n_e"]], neurons[size["n_e"]:]
    noise = nest.Create("poisson_generator", params={"rate": c_e * eta * size["nu_thr_hz"]})
    recorder = nest.Create("spike_recorder")
    # connect_arrays takes weights and delays as arrays of one per synapse or from the model's defaults
    # (not as scalars), so the scalars go into two copies of static_synapse.
    nest.CopyModel("static_synapse", "brunel_exc", {"weight": J_MV, "delay": DELAY_MS})
    nest.CopyModel("static_synapse", "brunel_inh", {"weight": -g * J_MV, "delay": DELAY_MS})
    excitatory, inhibitory = {"synapse_model": "brunel_exc"}, {"synapse_model": "brunel_inh"}
    draw_s = 0.0
    if graph == "nest":
        nest.Connect(exc, neurons, {"rule": "fixed_indegree", "indegree": size["c_e"]}, excitatory)
        nest.Connect(inh, neurons, {"rule": "fixed_indegree", "indegree": size["c_i"]}, inhibitory)
    else:
        drawn = time.perf_counter()
        if sources is None:
            sources = zoo_graph(seed, size["n_e"], size["n_i"], size["c_e"], size["c_i"])
        _check_graph(sources, size)
        draw_s = time.perf_counter() - drawn
        first = np.asarray(neurons.tolist(), dtype=np.int64)
        for key, pre_ids, spec in (("exc", first[:size["n_e"]], excitatory),
                                   ("inh", first[size["n_e"]:], inhibitory)):
            array = np.asarray(sources[key])
            nest.Connect(pre_ids[array.ravel()], np.repeat(first, array.shape[1]), "one_to_one", spec)
            del array
    nest.Connect(noise, neurons, "all_to_all", excitatory)
    nest.Connect(neurons, recorder)
    build_s = time.perf_counter() - started
    cpu_build_s = time.process_time() - cpu_started
    n_synapses = nest.GetKernelStatus("num_connections") - 2 * size["n"]  # less the noise and recorder ones
    prepared = time.perf_counter()
    nest.Prepare()
    prepare_s = time.perf_counter() - prepared
    ran = time.perf_counter()
    nest.Run(duration_ms)
    simulate_s = time.perf_counter() - ran
    cpu_s = time.process_time() - cpu_started  # every thread's CPU time, build to end of simulation
    nest.Cleanup()
    spikes = recorder.get("n_events")
    return _result(size, n_synapses, spikes, duration_ms,
                   {"draw_s": draw_s, "build_s": build_s, "prepare_s": prepare_s, "simulate_s": simulate_s, "cpu_s": cpu_s,
                    "cpu_build_s": cpu_build_s},
                   simulator="nest", threads=int(threads), graph=graph, v_init=v_init)


def native_brian2(scale: float, g: float, eta: float, c_e: int = 1000, duration_ms: float = 1000.0,
                  dt_ms: float = 0.1, threads: int = 1, seed: int = 1, graph: str = "zoo",
                  sources: dict | None = None, v_init: str = "zoo", refractory_input: bool = False) -> dict:
    """Model A on Brian2 (runtime device, cython, one thread whatever ``threads`` says); same dict as
    ``native_nest``. Only graph="zoo" (Brian2 has no fixed in-degree rule of its own)."""
    import brian2 as b2

    if graph != "zoo":
        raise ValueError("Brian2 has no fixed in-degree rule: graph must be 'zoo'")
    size = sizes(scale, c_e)
    b2.BrianLogger.log_level_warn()
    started, cpu_started = time.perf_counter(), time.process_time()
    b2.start_scope()
    b2.prefs.codegen.target = "cython"
    b2.defaultclock.dt = dt_ms * b2.ms
    b2.seed(int(seed))
    namespace = {"tau_m": TAU_M_MS * b2.ms, "theta": THETA_MV * b2.mV, "V_reset": V_RESET_MV * b2.mV,
                 "J": J_MV * b2.mV}
    neurons = b2.NeuronGroup(size["n"], "dv/dt = -v/tau_m : volt (unless refractory)", threshold="v >= theta",
                             reset="v = V_reset", refractory=T_REF_MS * b2.ms, method="exact",
                             namespace=namespace, name="neurons")
    neurons.v = initial_potentials(seed, size["n"], v_init) * b2.mV
    guard = "" if refractory_input else "*int(not_refractory_post)"
    drawn = time.perf_counter()
    if sources is None:
        sources = zoo_graph(seed, size["n_e"], size["n_i"], size["c_e"], size["c_i"])
    _check_graph(sources, size)
    draw_s = time.perf_counter() - drawn
    projections = []
    for key, pre, weight in (("exc", neurons[:size["n_e"]], J_MV), ("inh", neurons[size["n_e"]:], -g * J_MV)):
        array = np.asarray(sources[key])
        synapses = b2.Synapses(pre, neurons, on_pre=f"v_post += w{guard}", namespace={"w": weight * b2.mV},
                               delay=DELAY_MS * b2.ms, name=f"synapses_{key}")
        synapses.connect(i=array.ravel(), j=np.repeat(np.arange(size["n"]), array.shape[1]))
        projections.append(synapses)
        del array
    sources = None
    noise = b2.PoissonInput(neurons, "v", N=size["c_e"], rate=eta * size["nu_thr_hz"] * b2.Hz,
                            weight="J" if refractory_input else "J*int(not_refractory)")
    monitor = b2.SpikeMonitor(neurons, record=True)
    network = b2.Network(neurons, noise, monitor, *projections)
    build_s = time.perf_counter() - started
    cpu_build_s = time.process_time() - cpu_started
    n_synapses = sum(len(synapses) for synapses in projections)
    prepared = time.perf_counter()
    network.run(0 * b2.ms, namespace={})
    prepare_s = time.perf_counter() - prepared
    ran = time.perf_counter()
    network.run(duration_ms * b2.ms, namespace={})
    simulate_s = time.perf_counter() - ran
    cpu_s = time.process_time() - cpu_started  # every thread's CPU time, build to end of simulation
    spikes = monitor.num_spikes
    return _result(size, n_synapses, spikes, duration_ms,
                   {"draw_s": draw_s, "build_s": build_s, "prepare_s": prepare_s, "simulate_s": simulate_s, "cpu_s": cpu_s,
                    "cpu_build_s": cpu_build_s},
                   simulator="brian2", threads=1, graph=graph, v_init=v_init,
                   refractory_input=refractory_input)


SIMULATORS = {"nest": native_nest, "brian2": native_brian2}


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB on Linux


def worker(spec: dict) -> None:
    """One configuration in this (fresh) process; prints its result as JSON on the last line."""
    simulator = spec.pop("simulator")
    if simulator == "nest":
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        os.environ.setdefault("PYNEST_QUIET", "1")
        import nest  # noqa: F401
    else:
        import brian2  # noqa: F401
    import_mib = _peak_mib()
    result = SIMULATORS[simulator](**spec)
    result.update(peak_mib=_peak_mib(), import_mib=import_mib)
    print(json.dumps(result))


def run_fresh(spec: dict, timeout_s: float | None = 600.0) -> dict:
    """Run one configuration in a fresh process of this file; {"error": ...} if it failed or timed out."""
    load = os.getloadavg()[0]
    try:
        done = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", json.dumps(spec)],
                              capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return {**spec, "error": f"timed out after {timeout_s:g} s", "load": load}
    if done.returncode != 0:
        return {**spec, "error": (done.stderr.strip().splitlines() or ["?"])[-1], "load": load}
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "load": load}


def row(result: dict) -> str:
    label = f"{result['simulator']}" + (f" ({result['threads']} thr)" if result["simulator"] == "nest" else "")
    label += "" if result.get("graph", "zoo") == "zoo" else f" {result['graph']}"
    if "error" in result:
        return f"{label:<18} {result['scale']:>6g}  {result['error']}  (load {result['load']:.2f})"
    return (f"{label:<18} {result['scale']:>6g} {result['n_synapses']:>11,d} {result['build_s']:>8.2f} "
            f"{result['prepare_s']:>8.2f} {result['simulate_s']:>8.2f} {result['peak_mib']:>8.0f} "
            f"{result['rate_hz']:>8.2f} {result['load']:>5.2f}")


HEADER = (f"{'simulator':<18} {'scale':>6} {'synapses':>11} {'build s':>8} {'prep s':>8} {'sim s':>8} "
          f"{'peak MiB':>8} {'rate Hz':>8} {'load':>5}")


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        return worker(json.loads(argv[1]))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--simulator", choices=("nest", "brian2", "both"), default="both")
    parser.add_argument("--scale", type=float, nargs="+", default=[0.1])
    parser.add_argument("--g", type=float, default=5.0)
    parser.add_argument("--eta", type=float, default=2.0)
    parser.add_argument("--c-e", type=int, default=1000)
    parser.add_argument("--duration-ms", type=float, default=1000.0)
    parser.add_argument("--dt-ms", type=float, default=0.1)
    parser.add_argument("--threads", type=int, nargs="+", default=[2], help="NEST threads (Brian2: always 1)")
    parser.add_argument("--graph", choices=("zoo", "nest"), default="zoo", help="'nest': NEST's fixed_indegree")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--v-init", choices=("zoo", "zero"), default="zoo", help="initial V (module docstring)")
    parser.add_argument("--timeout-s", type=float, default=600.0, help="per configuration")
    parser.add_argument("--json", action="store_true", help="also print each result as a JSON line")
    args = parser.parse_args(argv)
    simulators = ("nest", "brian2") if args.simulator == "both" else (args.simulator,)
    print(f"Brunel model A, g = {args.g:g}, eta = {args.eta:g}, C_E = {args.c_e}, {args.duration_ms:g} ms at "
          f"dt = {args.dt_ms:g} ms, seed {args.seed}, initial V {args.v_init}; {os.cpu_count()} cores; each run a "
          f"fresh process; load = 1-min load average when the run started")
    print(HEADER)
    for scale in args.scale:
        for simulator in simulators:
            if simulator == "brian2" and args.graph != "zoo":
                print(f"{'brian2':<18} {scale:>6g}  skipped: graph 'nest' is NEST's fixed_indegree rule")
                continue
            for threads in (args.threads if simulator == "nest" else [1]):
                spec = {"simulator": simulator, "scale": scale, "g": args.g, "eta": args.eta, "c_e": args.c_e,
                        "duration_ms": args.duration_ms, "dt_ms": args.dt_ms, "threads": threads,
                        "seed": args.seed, "graph": args.graph, "v_init": args.v_init}
                result = run_fresh(spec, args.timeout_s)
                result.setdefault("scale", scale)
                print(row(result), flush=True)
                if args.json:
                    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
