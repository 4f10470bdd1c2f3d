"""Cold start: ``zoo run lif`` in a fresh process against a native script of the same
neuron in a fresh process, per simulator, in one run of this script.

Both sides do the same work: one IF_curr_exp neuron (1 nF, 20 ms, −65/−50/−65 mV,
0.1 ms refractory, 1 nA), 1 s at dt = 0.1 ms, its spikes and v recorded and read, the
spike count printed. The native scripts use the simulator's own API only:

- NEST: ``iaf_psc_exp`` with a ``spike_recorder`` and a ``multimeter``;
- Brian2: a ``NeuronGroup`` with PyNN's IF_curr_exp equations (two synaptic currents),
  ``method="exact"``, Cython as the zoo uses it, monitors for spikes and v;
- NEURON: the section and point processes PyNN-NEURON builds for IF_curr_exp (PyNN's
  compiled ``ResetRefrac``, a passive membrane, an ``IClamp``), Crank-Nicolson.

Then a cold sweep: ``zoo sweep lif --grid i_offset=0:2:2000`` on NEST and Brian2 in a
fresh process, Dask's local cluster started and closed included (target: 5 s), against
plain PyNN simulating the same 2000-neuron population in a fresh process per
simulator, both at once (``lif_population.plain_pynn``): what any design that runs
each simulator in its own process at least pays.

Caches on disk (Cython's, Brian2's and the zoo's state updaters, compiled mechanisms)
are warm for both: one untimed round first. Each command is then timed ``--repeats``
times, alternately; medians are compared. ``zoo list`` and ``import zoo`` are shown for
scale. Ratios > 1 mean the zoo is slower.

    python benchmarks/startup.py [--repeats 5] [--simulators nest brian2 neuron]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
HERE = Path(__file__).parent
SWEEP_SIMULATORS = ("nest", "brian2")

NATIVE = {
    "nest": """
import os
os.environ["PYNEST_QUIET"] = "1"
import nest
nest.verbosity = nest.VerbosityLevel.ERROR
nest.ResetKernel()
nest.resolution = 0.1
cell = nest.Create("iaf_psc_exp", params={"C_m": 1000.0, "tau_m": 20.0, "E_L": -65.0, "V_reset": -65.0,
                                          "V_th": -50.0, "t_ref": 0.1, "I_e": 1000.0, "V_m": -65.0})
spikes = nest.Create("spike_recorder")
meter = nest.Create("multimeter", params={"record_from": ["V_m"], "interval": 0.1})
nest.Connect(cell, spikes)
nest.Connect(meter, cell)
nest.Simulate(1000.0)
v = meter.events["V_m"]
print(spikes.n_events)
""",
    "brian2": """
import brian2 as b2
b2.prefs.codegen.target = "cython"
b2.BrianLogger.log_level_warn()
b2.defaultclock.dt = 0.1 * b2.ms
cell = b2.NeuronGroup(1, '''
    dv/dt = (v_rest - v)/tau_m + (isyn_exc + isyn_inh + i_offset)/c_m : volt (unless refractory)
    disyn_exc/dt = -isyn_exc/tau_syn_E : amp
    disyn_inh/dt = -isyn_inh/tau_syn_I : amp
    v_rest : volt
    tau_m : second
    c_m : farad
    tau_syn_E : second
    tau_syn_I : second
    i_offset : amp
    ''', threshold="v >= -50*mV", reset="v = -65*mV", refractory=0.1 * b2.ms, method="exact")
cell.v_rest, cell.tau_m, cell.c_m = -65 * b2.mV, 20 * b2.ms, 1 * b2.nF
cell.tau_syn_E = cell.tau_syn_I = 5 * b2.ms
cell.i_offset, cell.v = 1 * b2.nA, -65 * b2.mV
spikes, trace = b2.SpikeMonitor(cell), b2.StateMonitor(cell, "v", record=True)
b2.run(1000 * b2.ms)
v = trace.v[:]
print(spikes.num_spikes)
""",
    "neuron": """
import importlib.util
from pathlib import Path
import neuron
from neuron import h
# PyNN's compiled NMODL (ResetRefrac), found without importing PyNN
neuron.load_mechanisms(str(Path(importlib.util.find_spec("pyNN").origin).parent / "neuron" / "nmodl"))
h.load_file("stdrun.hoc")
section = h.Section()
section.L = section.diam = 100.0                 # um; the capacitance density below makes 1 nF
area_cm2 = section(0.5).area() * 1e-8
section.cm = 1.0 / (area_cm2 * 1e3)          # 1 nF in uF/cm2
section.insert("pas")
section(0.5).pas.g = 1e-3 * section.cm / 20.0  # tau_m = 20 ms
section(0.5).pas.e = -65.0
reset = h.ResetRefrac(section(0.5))
reset.trefrac, reset.vreset = 0.1, -65.0
clamp = h.IClamp(section(0.5))
clamp.delay, clamp.dur, clamp.amp = 0.0, 1e12, 1.0
detector = h.NetCon(section(0.5)._ref_v, None, sec=section)
detector.threshold = -50.0
times = h.Vector()
detector.record(times)
link = h.NetCon(section(0.5)._ref_v, reset, sec=section)
link.threshold, link.weight[0] = -50.0, 1
v = h.Vector().record(section(0.5)._ref_v)
h.secondorder = 2
h.dt = 0.1
h.finitialize(-65.0)
h.continuerun(1000.0)
print(len(times))
""",
}


def zoo_command(simulator: str) -> list[str]:
    return [str(BIN / "zoo"), "run", "lif", "--simulator", simulator]


def timed(command: list[str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"{' '.join(command[:4])} failed: {done.stderr[-1000:]}")
    return elapsed, done.stdout


def cold_sweep() -> float:
    out = tempfile.mkdtemp(prefix="zoo-cold-sweep-")
    try:
        command = [str(BIN / "zoo"), "sweep", "lif", "--grid", "i_offset=0:2:2000", "--out", out]
        for simulator in SWEEP_SIMULATORS:
            command += ["--simulator", simulator]
        return timed(command)[0]
    finally:
        shutil.rmtree(out, ignore_errors=True)


def plain_populations_in_parallel() -> float:
    """Plain PyNN, one fresh process per simulator, all at once (s until the last ends)."""
    code = "import sys; sys.path.insert(0, {!r}); from lif_population import plain_pynn; plain_pynn({!r})"
    started = time.perf_counter()
    children = [subprocess.Popen([sys.executable, "-c", code.format(str(HERE), simulator)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for simulator in SWEEP_SIMULATORS]
    if any(child.wait() for child in children):
        raise RuntimeError("a plain PyNN population failed")
    return time.perf_counter() - started


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--simulators", nargs="+", default=list(NATIVE), choices=list(NATIVE))
    args = parser.parse_args(argv)
    python = sys.executable
    commands = {"import zoo": [python, "-c", "import zoo"], "zoo list": [str(BIN / "zoo"), "list"]}
    for simulator in args.simulators:
        commands[f"zoo run lif --simulator {simulator}"] = zoo_command(simulator)
        commands[f"native {simulator} script"] = [python, "-c", NATIVE[simulator]]
    for command in commands.values():  # warm the caches on disk, untimed
        timed(command)
    cold_sweep(), plain_populations_in_parallel()
    times = {name: [] for name in [*commands, "cold sweep", "plain"]}
    outputs = {}
    for _ in range(args.repeats):
        for name, command in commands.items():
            seconds, outputs[name] = timed(command)
            times[name].append(seconds)
        times["cold sweep"].append(cold_sweep())
        times["plain"].append(plain_populations_in_parallel())
    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"cold processes, median of {args.repeats} (s)")
    print(f"  import zoo: {median['import zoo']:.2f}   zoo list: {median['zoo list']:.2f}")
    for simulator in args.simulators:
        ours, native = median[f"zoo run lif --simulator {simulator}"], median[f"native {simulator} script"]
        spikes = outputs[f"native {simulator} script"].split()[-1]
        print(f"  {simulator}: zoo run lif {ours:.2f}, native script {native:.2f} ({spikes} spikes), "
              f"zoo/native {ours / native:.2f}")
    sweep, plain = median["cold sweep"], median["plain"]
    print(f"  zoo sweep lif, 2000 points on {' and '.join(SWEEP_SIMULATORS)}, cold: {sweep:.2f} (target 5); "
          f"plain PyNN, a fresh process per simulator in parallel: {plain:.2f}, zoo/plain {sweep / plain:.2f}")


if __name__ == "__main__":
    main()
