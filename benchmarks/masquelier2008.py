"""One run of the Masquelier et al. (2008) protocol (2000 afferents, one neuron with
restricted nearest-neighbour STDP, dt = 0.1 ms), through the zoo and through a plain
native script of the same network on the same simulator, in one process.

- Input: ``zoo.models.masquelier2008.input.make_input`` for the run, its wall time and peak memory
  (tracemalloc, which sees NumPy's buffers).
- NEST: ``zoo.run("masquelier2008", "nest", threads=T)`` against a NEST script with
  ``spike_train_injector`` → ``iaf_psc_exp`` through ``stdp_nn_restr_synapse``.
- Brian2: ``zoo.run(..., "brian2")`` (C++ standalone for a run this long, see
  ``zoo.backends.brian2``) against a Brian2 script with the same groups and synapse
  equations, in runtime mode (Cython) and compiled whole as C++ standalone; each
  compiles once untimed (a 1 s run of another seed), as the zoo's caches would.

Every wall time includes generating the input and building the network. The output
spike trains of zoo and native script must be identical (the script checks it), so
both did the same work. Ratios > 1 mean the zoo is slower.

    python benchmarks/masquelier2008.py [--duration 450000] [--seed 1] [--threads 2]
        [--simulators nest brian2]
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
import tracemalloc

import numpy as np

import zoo
from zoo.models.masquelier2008 import MODEL, unit_weight_na
from zoo.models.masquelier2008.input import make_input

P = MODEL.defaults()
DT_MS = 0.1


def timed_input(seed: int, duration_ms: float):
    tracemalloc.start()
    started = time.perf_counter()
    pattern = make_input(seed, duration_ms, DT_MS)
    wall = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return pattern, wall, peak


def native_nest(seed: int, duration_ms: float, threads: int) -> np.ndarray:
    os.environ.setdefault("PYNEST_QUIET", "1")
    import nest

    pattern = make_input(seed, duration_ms, DT_MS)
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": DT_MS, "local_num_threads": threads})
    w_max_pa = unit_weight_na(P) * 1000.0
    sources = nest.Create("spike_train_injector", pattern.n_afferents)
    for node, times in zip(sources, pattern.trains_ms()):
        node.spike_times = times.tolist()
    neuron = nest.Create("iaf_psc_exp", params={
        "C_m": P["cm"] * 1000.0, "tau_m": P["tau_m"], "tau_syn_ex": P["tau_syn_E"], "E_L": P["v_rest"],
        "V_th": P["v_thresh"], "V_reset": P["v_reset"], "t_ref": P["tau_refrac"], "V_m": P["v_rest"],
        "I_e": 0.0, "tau_minus": P["tau_minus"]})
    nest.CopyModel("stdp_nn_restr_synapse", "pattern_stdp", {
        "tau_plus": P["tau_plus"], "lambda": P["A_plus"], "alpha": P["A_minus"] / P["A_plus"],
        "mu_plus": 0.0, "mu_minus": 0.0, "Wmax": w_max_pa})
    nest.Connect(sources, neuron, "all_to_all",
                 {"synapse_model": "pattern_stdp", "weight": P["w_init"] * w_max_pa, "delay": P["delay"]})
    recorder = nest.Create("spike_recorder")
    nest.Connect(neuron, recorder)
    nest.Simulate(duration_ms)
    return np.sort(recorder.events["times"])


def native_brian2(seed: int, duration_ms: float, standalone_directory: str | None = None) -> np.ndarray:
    """Same groups and equations as the zoo's Brian2 backend builds (its delay and
    stamping conventions included, so the trains can be compared spike for spike), in
    runtime mode or, given a directory, compiled whole as C++ standalone."""
    import brian2 as b2

    from zoo.backends.brian2.plasticity import ReducedNearestNeighbourRule as rule

    b2.prefs.codegen.target = "cython"
    b2.BrianLogger.log_level_warn()
    if standalone_directory:
        b2.set_device("cpp_standalone", build_on_run=False, directory=standalone_directory)
    b2.start_scope()
    b2.defaultclock.dt = DT_MS * b2.ms
    pattern = make_input(seed, duration_ms, DT_MS)
    dt = DT_MS * b2.ms
    sources = b2.SpikeGeneratorGroup(pattern.n_afferents, pattern.afferents, pattern.steps * dt,
                                     name="native_sources")
    neuron = b2.NeuronGroup(1, """
        dv/dt = (v_rest - v)/tau_m + ie/c_m : volt (unless refractory)
        die/dt = -ie/tau_syn : amp
        """, threshold="v >= v_thresh", reset="v = v_reset", refractory=P["tau_refrac"] * b2.ms + dt,
        method="exact", name="native_neuron",
        namespace={"v_rest": P["v_rest"] * b2.mV, "tau_m": P["tau_m"] * b2.ms, "c_m": P["cm"] * b2.nF,
                   "tau_syn": P["tau_syn_E"] * b2.ms, "v_thresh": P["v_thresh"] * b2.mV,
                   "v_reset": P["v_reset"] * b2.mV})
    neuron.v = P["v_rest"] * b2.mV
    delay = P["delay"] * b2.ms
    synapses = b2.Synapses(sources, neuron, model=rule.eqs % {"weight_units": "amp"},
                           on_pre=rule.pre % {"syn_var": "ie_post"}, on_post=rule.post,
                           delay={"pre": delay - dt, "post": rule.post_delay(delay)}, name="native_stdp")
    synapses.connect()
    synapses.post.order = synapses.pre.order - 1
    w_max = unit_weight_na(P) * b2.nA
    synapses.w_max, synapses.w_min = w_max, 0 * b2.nA
    synapses.tau_plus, synapses.tau_minus = P["tau_plus"] * b2.ms, P["tau_minus"] * b2.ms
    synapses.A_plus, synapses.A_minus = P["A_plus"], P["A_minus"]
    synapses.weight = P["w_init"] * w_max
    for name, value in rule.initial_values(delay, dt, P["tau_plus"] * b2.ms).items():
        setattr(synapses, name, value)
    monitor = b2.SpikeMonitor(neuron, name="native_spikes")
    network = b2.Network(sources, neuron, synapses, monitor)
    network.run(duration_ms * b2.ms, namespace={})
    if standalone_directory:
        b2.device.build(directory=standalone_directory, run=True, with_output=False)
    spikes = np.sort(np.asarray(monitor.t / b2.ms)) + DT_MS   # the zoo reports at the end of the step
    if standalone_directory:
        b2.device.reinit()
        b2.set_device("runtime")
    return spikes


def through_zoo(simulator: str, seed: int, duration_ms: float, threads: int) -> np.ndarray:
    result = zoo.run("masquelier2008", simulator, duration_ms=duration_ms, dt_ms=DT_MS, seed=seed, threads=threads)
    return result.spikes["t_ms"].to_numpy()


def wall(function, *args):
    started = time.perf_counter()
    out = function(*args)
    return time.perf_counter() - started, out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=450_000.0, help="ms (default: the protocol's 450 s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2, help="NEST threads, zoo and native alike (default 2)")
    parser.add_argument("--simulators", nargs="+", default=["nest", "brian2"], choices=["nest", "brian2"])
    args = parser.parse_args(argv)

    pattern, seconds, peak = timed_input(args.seed, args.duration)
    print(f"input, {args.duration / 1000:g} s, seed {args.seed}: {pattern.n_spikes} spikes in {seconds:.2f} s, "
          f"peak memory {peak / 2**30:.2f} GiB (tracemalloc)")
    del pattern
    per_protocol = 450_000.0 / args.duration
    for simulator in args.simulators:
        threads = args.threads if simulator == "nest" else 1
        natives = {}
        if simulator == "nest":
            natives["native NEST script"] = wall(native_nest, args.seed, args.duration, threads)
        else:
            directory = tempfile.mkdtemp(prefix="native-brian2-")
            for name, where in (("native Brian2 runtime", None), ("native Brian2 standalone", directory)):
                wall(native_brian2, args.seed + 1, 1000.0, where)   # compile once, untimed
                natives[name] = wall(native_brian2, args.seed, args.duration, where)
        # imports and (Brian2) the standalone build directory, untimed, as for natives
        os.environ["ZOO_BRIAN2_DEVICE"] = "cpp_standalone"
        zoo.run("masquelier2008", simulator, duration_ms=1000.0, seed=args.seed + 1)
        del os.environ["ZOO_BRIAN2_DEVICE"]
        zoo_time, ours = wall(through_zoo, simulator, args.seed, args.duration, threads)
        label = f"{simulator} ({threads} thread{'s' if threads > 1 else ''})"
        print(f"{label}: zoo {zoo_time:.1f} s for {args.duration / 1000:g} s ({zoo_time * per_protocol:.0f} s per "
              f"450 s), {ours.size} output spikes")
        for name, (native_time, native) in natives.items():
            same = native.size == ours.size and np.allclose(native, ours, atol=1e-6)
            print(f"  {name}: {native_time:.1f} s, zoo/native {zoo_time / native_time:.2f}; output trains "
                  f"{'identical' if same else 'DIFFER'}")


if __name__ == "__main__":
    main()
