"""A passive cable of 100 compartments, 100 ms at dt = 0.025 ms, v recorded in every
compartment: through the zoo and through a native script of each simulator doing the
same work (NEST ``cm_default`` + ``dc_generator`` + multimeter; Brian2 ``SpatialNeuron``
+ ``StateMonitor``), in one run. PyNN has no multicompartment cells on either simulator,
so the native script is the baseline.

Each variant runs once untimed (imports, Brian2's compile cache), then REPEATS times;
medians. The zoo's time includes its tables (traces of all 100 compartments) and metrics.

    python benchmarks/cable_passive.py [--repeats N]
"""
from __future__ import annotations

import argparse
import math
import os
import statistics
import time
import warnings

import numpy as np

import zoo

N_COMPARTMENTS = 100
DURATION_MS = 100.0
DT_MS = 0.025
LENGTH_UM, DIAMETER_UM, CM, RM, RA, E_L, AMPLITUDE_NA = 1000.0, 2.0, 1.0, 20000.0, 100.0, -65.0, 0.1


def native_nest() -> np.ndarray:
    import nest

    nest.ResetKernel()
    nest.resolution = DT_MS
    dx_cm = LENGTH_UM / N_COMPARTMENTS * 1e-4
    area = math.pi * DIAMETER_UM * 1e-4 * dx_cm
    g_c = math.pi * (DIAMETER_UM * 1e-4) ** 2 / (4 * RA * dx_cm) * 1e9
    params = {"C_m": CM * area * 1e6, "g_L": area / RM * 1e9, "e_L": E_L, "v_comp": E_L}
    cell = nest.Create("cm_default")
    cell.compartments = [{"parent_idx": i - 1, "params": dict(params, g_C=0.0 if i == 0 else g_c)}
                         for i in range(N_COMPARTMENTS)]
    source = nest.Create("dc_generator", {"amplitude": AMPLITUDE_NA * 1e3})
    nest.Connect(source, cell, syn_spec={"weight": 1.0, "delay": DT_MS, "receptor_type": 0})
    meter = nest.Create("multimeter", {"record_from": [f"v_comp{i}" for i in range(N_COMPARTMENTS)],
                                       "interval": DT_MS})
    nest.Connect(meter, cell)
    nest.Simulate(DURATION_MS)
    events = meter.events
    return np.column_stack([events[f"v_comp{i}"] for i in range(N_COMPARTMENTS)])


def native_brian2() -> np.ndarray:
    import brian2 as b2
    from brian2 import cm, mV, ms, nA, ohm, siemens, uF, um

    b2.start_scope()
    b2.prefs.codegen.target = "cython"
    b2.defaultclock.dt = DT_MS * ms
    eqs = """
    Im = g_leak*(e_leak - v) : amp/meter**2
    I : amp (point current)
    g_leak : siemens/meter**2 (constant)
    e_leak : volt (constant)
    """
    neuron = b2.SpatialNeuron(b2.Cylinder(length=LENGTH_UM * um, diameter=DIAMETER_UM * um, n=N_COMPARTMENTS),
                              eqs, Cm=CM * uF / cm**2, Ri=RA * ohm * cm, method="exponential_euler",
                              name="native_cable")
    neuron.v = E_L * mV
    neuron.e_leak = E_L * mV
    neuron.g_leak = 1 / RM * siemens / cm**2
    neuron.I[0] = AMPLITUDE_NA * nA
    monitor = b2.StateMonitor(neuron, "v", record=True, name="native_cable_monitor")
    b2.run(DURATION_MS * ms)
    return np.asarray(monitor.v / mV).T


def zoo_run(simulator: str) -> np.ndarray:
    result = zoo.run("cable", simulator, duration_ms=DURATION_MS, dt_ms=DT_MS, n_compartments=N_COMPARTMENTS)
    return result.traces["value"].to_numpy()


def timed(function, *args, repeats: int) -> float:
    function(*args)
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main(repeats: int) -> None:
    os.environ.setdefault("PYNEST_QUIET", "1")
    warnings.simplefilter("ignore")
    zoo.run("cable", "nest", duration_ms=1.0)  # import the simulators quietly through the zoo first
    zoo.run("cable", "brian2", duration_ms=1.0)
    import brian2

    brian2.BrianLogger.log_level_error()
    print(f"passive cable, {N_COMPARTMENTS} compartments, {DURATION_MS:g} ms at dt {DT_MS} ms, median of {repeats}")
    print(f"{'simulator':10} {'native (s)':>11} {'zoo (s)':>9} {'ratio':>7}")
    for simulator, native in (("nest", native_nest), ("brian2", native_brian2)):
        baseline = timed(native, repeats=repeats)
        mine = timed(zoo_run, simulator, repeats=repeats)
        print(f"{simulator:10} {baseline:11.3f} {mine:9.3f} {mine / baseline:7.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    main(parser.parse_args().repeats)
