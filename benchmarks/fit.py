"""How fast ``zoo fit`` evaluates candidates (issue 35, item 4): N AdEx candidates (one neuron
each, parameters drawn around ``adex``'s defaults) under one recorded 6.8 s current of the
QSNMC 2007 data at dt = 0.1 ms, as one ``explorer.fitting.evaluate.spike_trains`` call, on
each simulator; against native NEST (``aeif_cond_exp``, one ``step_current_generator`` into
all) and native Brian2 (the AdEx equations, rk2 as the zoo's, a ``TimedArray`` of the
current) doing the same work in the same run, each a fresh process with its simulator
imported before the clock starts.

    python benchmarks/fit.py [--candidates 1000] [--set 04] [--simulator nest ...]
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "qsnmc2007-challenge-a" / "training"
DT_MS = 0.1


def candidates(n: int, seed: int = 0) -> dict:
    """n candidates around adex's defaults (Brette & Gerstner's fit: each fitted parameter of
    its fit space within ±20 %, potentials within ±3 mV), a population as a search holds it
    once it has found the region, with adex's fixed fit values. Drawn across the whole fit
    space, some candidates fire every step and make NEST stop with a numerical instability
    (which ``zoo fit`` isolates, but a native script cannot time)."""
    sys.path.insert(0, str(ROOT))
    from explorer.fitting import space
    from zoo import registry

    model = registry.get("adex")
    fit_space = space.resolve(model)
    defaults = {p.name: p.default for p in model.parameters}
    rng = np.random.default_rng(seed)
    drawn = {}
    for bound in fit_space.bounds:
        centre = defaults[bound.name]
        if bound.name.startswith("v_"):
            drawn[bound.name] = (centre + rng.uniform(-3.0, 3.0, n)).tolist()
        else:
            drawn[bound.name] = (centre * rng.uniform(0.8, 1.2, n)).tolist()
    return {**fit_space.fixed, **drawn}


def current(stimulus_set: str) -> tuple[list, float]:
    sys.path.insert(0, str(ROOT))
    from zoo import recordings

    found = recordings.read(DATA).select([stimulus_set])
    return found.current(stimulus_set).tolist(), found.dt_ms


def zoo_worker(spec: dict) -> dict:
    from explorer.fitting import evaluate
    from zoo import backends

    backends.load(spec["simulator"])
    params = {k: np.asarray(v) if isinstance(v, list) else v for k, v in spec["params"].items()}
    started = time.perf_counter()
    (trains,) = evaluate.spike_trains("adex", spec["simulator"], params, [np.asarray(spec["current"])],
                                      spec["current_dt"], DT_MS)
    return {"seconds": time.perf_counter() - started, "spikes": int(sum(len(t) for t in trains))}


def native_nest(spec: dict) -> dict:
    """aeif_cond_exp with PyNN's units converted (nF->pF, nA->pA, uS->nS), the current as one
    step_current_generator (held samples, from t = 0), spikes recorded."""
    import nest

    nest.set_verbosity("M_ERROR")
    p = {k: np.asarray(v) if isinstance(v, list) else v for k, v in spec["params"].items()}
    n = len(p["cm"])
    started = time.perf_counter()
    nest.ResetKernel()
    nest.SetKernelStatus({"resolution": DT_MS, "local_num_threads": 1})  # as each fit worker
    cells = nest.Create("aeif_cond_exp", n)
    cells.set([{"C_m": p["cm"][i] * 1000, "g_L": p["cm"][i] / p["tau_m"][i] * 1000, "E_L": p["v_rest"][i],
                "V_reset": p["v_reset"][i], "V_th": p["v_thresh"][i], "Delta_T": p["delta_T"][i],
                "a": p["a"][i], "b": p["b"][i] * 1000, "tau_w": p["tau_w"][i], "V_peak": p["v_spike"],
                "t_ref": p["tau_refrac"], "I_e": 0.0, "V_m": p["v_init"], "w": 0.0} for i in range(n)])
    samples = np.asarray(spec["current"]) * 1000.0
    generator = nest.Create("step_current_generator")
    times = np.round(np.arange(1, samples.size) * spec["current_dt"], 6)
    generator.set({"amplitude_times": times.tolist(), "amplitude_values": samples[1:].tolist()})
    cells.set({"I_e": float(samples[0])})  # the first sample from t = 0, as the zoo's
    nest.Connect(generator, cells, "all_to_all", {"delay": DT_MS})
    recorder = nest.Create("spike_recorder")
    nest.Connect(cells, recorder)
    nest.Simulate(samples.size * spec["current_dt"])
    return {"seconds": time.perf_counter() - started, "spikes": int(recorder.n_events)}


def native_brian2(spec: dict) -> dict:
    """The AdEx equations in Brian2 (runtime, Cython), rk2, threshold v > v_spike, reset."""
    import brian2 as b2

    b2.prefs.codegen.target = "cython"
    p = {k: np.asarray(v) if isinstance(v, list) else v for k, v in spec["params"].items()}
    n = len(p["cm"])
    started = time.perf_counter()
    b2.start_scope()
    b2.defaultclock.dt = DT_MS * b2.ms
    drive = b2.TimedArray(np.asarray(spec["current"]) * b2.nA, dt=spec["current_dt"] * b2.ms)
    equations = """
    dv/dt = (-gL*(v - EL) + gL*DeltaT*exp((v - VT)/DeltaT) - w + drive(t))/C : volt (unless refractory)
    dw/dt = (a*(v - EL) - w)/tauw : amp
    C : farad
    gL : siemens
    EL : volt
    VT : volt
    DeltaT : volt
    a : siemens
    b : amp
    tauw : second
    Vr : volt
    """
    cells = b2.NeuronGroup(n, equations, threshold=f"v > {p['v_spike']}*mV", reset="v = Vr; w += b",
                           refractory=p["tau_refrac"] * b2.ms, method="rk2")
    cells.C, cells.gL = p["cm"] * b2.nF, p["cm"] / p["tau_m"] * b2.uS
    cells.EL, cells.VT, cells.DeltaT = p["v_rest"] * b2.mV, p["v_thresh"] * b2.mV, p["delta_T"] * b2.mV
    cells.a, cells.b, cells.tauw = p["a"] * b2.nS, p["b"] * b2.nA, p["tau_w"] * b2.ms
    cells.Vr, cells.v = p["v_reset"] * b2.mV, p["v_init"] * b2.mV
    monitor = b2.SpikeMonitor(cells)
    b2.run(len(spec["current"]) * spec["current_dt"] * b2.ms)
    return {"seconds": time.perf_counter() - started, "spikes": int(monitor.num_spikes)}


WORKERS = {"zoo": zoo_worker, "nest": native_nest, "brian2": native_brian2}


def fresh(who: str, spec: dict) -> dict:
    out = subprocess.run([sys.executable, __file__, "--worker", who], input=json.dumps(spec), capture_output=True,
                         text=True, cwd=ROOT)
    if out.returncode:
        raise RuntimeError(f"the {who} run failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=1000)
    parser.add_argument("--set", default="04", help="the QSNMC training set whose current is injected")
    parser.add_argument("--simulator", action="append", choices=("nest", "brian2", "neuron"))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        spec = json.loads(sys.stdin.read())
        if args.worker != "zoo":
            __import__(args.worker)  # the simulator imported before the clock, as the zoo's worker does
        result = WORKERS[args.worker](spec)
        result["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        print(json.dumps(result))
        return
    samples, interval = current(args.set)
    params = candidates(args.candidates)
    print(f"{args.candidates} AdEx candidates, set {args.set}'s current ({len(samples) * interval:g} ms), "
          f"dt = {DT_MS} ms; each run a fresh process")
    print(f"{'simulator':<9} {'who':<7} {'seconds':>8} {'spikes':>8} {'peak MiB':>9} {'zoo/native':>11}")
    for simulator in args.simulator or ("nest", "brian2", "neuron"):
        spec = {"simulator": simulator, "params": params, "current": samples, "current_dt": interval}
        native = fresh(simulator, spec) if simulator in WORKERS else None
        zoo_run = fresh("zoo", spec)
        if native is not None:
            print(f"{simulator:<9} {'native':<7} {native['seconds']:8.2f} {native['spikes']:8d} "
                  f"{native['peak_mib']:9.0f}")
        ratio = f"{zoo_run['seconds'] / native['seconds']:11.2f}" if native else f"{'(no native)':>11}"
        print(f"{simulator:<9} {'zoo':<7} {zoo_run['seconds']:8.2f} {zoo_run['spikes']:8d} {zoo_run['peak_mib']:9.0f} "
              f"{ratio}")


if __name__ == "__main__":
    main()
