"""Brian2-specific behaviour of the Brian2 backend: what plain PyNN-Brian2 gets wrong
and the backend fixes (regression pins, measured with PyNN 0.13), and whole-run
compilation (``SRM_curr_exp``'s closed form, on every simulator: tests/zoo/backends/test_srm_cell.py)."""

import numpy as np
import pandas as pd
import pytest

import zoo

from tests.conftest import ZOO, press_ctrl_c, stderr_lines

DT_MS = 0.1
DURATION_MS = 1000.0
SHORT_MS = 2_000.0  # 127 output spikes at seed 1
SEED = 1


def test_plain_pynn_brian2_fires_early_which_the_backend_fixes():
    """Regression pin: PyNN's own Brian2 IF_curr_exp stamps a spike at the start of
    its step and clamps one step short, so its ISIs are shorter than the closed form
    and than NEST's (measured: 38,643 vs 38,478 spikes for 1000 neurons, 0–2 nA, 1 s).
    The zoo's Brian2 cell type matches NEST."""
    import pyNN.brian2 as sim

    currents = np.linspace(0.8, 2.0, 100)
    sim.setup(timestep=DT_MS)
    cells = sim.Population(len(currents), sim.IF_curr_exp(i_offset=currents, tau_refrac=2.0))
    cells.record("spikes")
    sim.run(DURATION_MS)
    plain = np.array([len(st) for st in cells.get_data().segments[0].spiketrains])
    sim.end()
    for cell in cells.all_cells:  # free the population (PyNN leaks it) so later Brian2 runs keep their names
        cell.parent = None
    nest = zoo.run("lif", simulator="nest", i_offset=currents, tau_refrac=2.0).summary["n_spikes"].to_numpy()
    fixed = zoo.run("lif", simulator="brian2", i_offset=currents, tau_refrac=2.0).summary["n_spikes"].to_numpy()
    assert plain.sum() > nest.sum()
    np.testing.assert_array_equal(fixed, nest)



def test_plain_pynn_hh_on_brian2_counts_every_step_which_the_backend_fixes():
    """Regression pin (measured with PyNN 0.13): pyNN.brian2's HH_cond_exp fires on
    v > -40 mV with no refractoriness, so each step above -40 mV counts as a spike;
    for 21 cells at 0-1 nA over 1 s it gave 1,138-10,392 spikes against NEST's 0-128.
    The zoo's Brian2 cell type uses NEST's peak rule and agrees with NEST."""
    import pyNN.brian2 as sim

    currents = np.linspace(0.0, 1.0, 21)
    sim.setup(timestep=0.01)
    cells = sim.Population(len(currents), sim.HH_cond_exp(i_offset=currents))
    cells.record("spikes")
    sim.run(300.0)
    plain = np.array([len(st) for st in cells.get_data().segments[0].spiketrains])
    sim.end()
    for cell in cells.all_cells:  # free the population (PyNN leaks it)
        cell.parent = None
    kwargs = dict(duration_ms=300.0, spike_shape=False, trace_neurons=0, i_offset=currents)
    nest = zoo.run("hh_traub", "nest", **kwargs).summary["n_spikes"].to_numpy()
    fixed = zoo.run("hh_traub", "brian2", **kwargs).summary["n_spikes"].to_numpy()
    assert plain.sum() > 10 * nest.sum() > 0
    np.testing.assert_array_equal(fixed, nest)


def test_standalone_runs_equal_runtime_ones_and_consecutive_ones_regenerate_the_same_code(monkeypatch):
    """Long Brian2 runs are compiled whole (C++ standalone); forcing either mode on a
    short run gives the same spikes and weights, and runtime mode works again
    afterwards. The second of two standalone runs in one process (a sweep worker's next
    seed) names its groups as the first did, so only the input's arrays are rebuilt,
    not every file."""
    from zoo.backends.brian2.backend import cache_root

    def run(device, seed=SEED):
        monkeypatch.setenv("ZOO_BRIAN2_DEVICE", device)
        return zoo.run("masquelier2008", simulator="brian2", duration_ms=SHORT_MS, seed=seed)

    def latest_makefile():  # the list of generated files, named after the groups
        return max(cache_root().glob("slot-*/makefile"), key=lambda path: path.stat().st_mtime).read_text()

    runtime = run("runtime")
    assert len(runtime.spikes) > 100
    standalone = run("cpp_standalone")
    first_makefile = latest_makefile()
    next_seed = run("cpp_standalone", SEED + 1)
    assert "neurongroup_stateupdater_codeobject" in first_makefile
    assert "neurongroup_1" not in latest_makefile() and latest_makefile() == first_makefile
    assert not np.array_equal(next_seed.spikes["t_ms"], standalone.spikes["t_ms"])  # a new input, run anew
    runtime_again = run("runtime")
    for other in (standalone, runtime_again):
        np.testing.assert_array_equal(other.spikes["t_ms"], runtime.spikes["t_ms"])
        np.testing.assert_allclose(other.weights["weight"], runtime.weights["weight"], atol=1e-12)
    monkeypatch.setenv("ZOO_BRIAN2_DEVICE", "gpu")
    with pytest.raises(ValueError, match="valid values: auto, runtime, cpp_standalone"):
        zoo.run("masquelier2008", simulator="brian2", duration_ms=SHORT_MS, seed=SEED)


def test_consecutive_runtime_runs_name_their_objects_alike_so_their_compiled_code_is_reused():
    """Brian2's code of a group is named after it, and Cython's cache is keyed by the
    code: the second run in one process (a test session, a sweep worker's next task, a
    notebook) must name its objects as the first did, or a fresh machine compiles every
    code object of the model twice. It named them ``neurongroup_1``, ... while the first
    run's objects awaited collection."""
    from brian2.core.base import BrianObject

    def names():
        return sorted(ref().name for ref in BrianObject.__instances__() if ref() is not None)

    zoo.run("lif", simulator="brian2", duration_ms=50.0)
    first = names()
    zoo.run("lif", simulator="brian2", duration_ms=50.0, i_offset=2.0)
    assert "neurongroup_stateupdater" in first and names() == first


def test_ctrl_c_ends_a_brian2_run_instead_of_returning_part_of_it():
    """Brian2 would stop early and return the partial run as if it were whole."""
    done = press_ctrl_c([ZOO, "run", "lif", "--simulator", "brian2", "--set", "i_offset=0:2:2000", "--duration", "60000"],
                      after_s=8.0)
    assert done.returncode == 130 and done.stdout == ""
    assert stderr_lines(done.stderr) == ["zoo: interrupted; nothing was written"]


def test_grid_currents_compile_whole_with_brian2_standalone(monkeypatch):
    """The waveforms of GridCurrentSource are read by generated code, not by Python at
    each step, so a model made of them compiles whole: standalone and runtime runs of
    the reliability model give the same trials."""
    kwargs = dict(duration_ms=300.0, step_stop=250.0, n_trials=4, seed=SEED)
    runs = {}
    for device in ("runtime", "cpp_standalone"):
        monkeypatch.setenv("ZOO_BRIAN2_DEVICE", device)
        runs[device] = zoo.run("mainen_sejnowski1995", simulator="brian2", **kwargs).spikes
    assert len(runs["runtime"]) > 10
    pd.testing.assert_frame_equal(runs["cpp_standalone"], runs["runtime"])


def test_the_stdp_traces_need_no_symbolic_derivation():
    """The STDP rule's traces decay as written out in the backend: its Synapses
    equations hold no event-driven differential equation, which Brian2 would solve with
    SymPy at every run (about 5 s of each Brian2 run of masquelier2008), and a real run
    with them learns."""
    import brian2

    from zoo.backends.brian2.plasticity import ReducedNearestNeighbourRule

    equations = brian2.Equations(ReducedNearestNeighbourRule.eqs % {"weight_units": "amp"})
    assert not equations.diff_eq_names and not [e for e in equations.values() if "event-driven" in e.flags]
    result = zoo.run("masquelier2008", simulator="brian2", duration_ms=300.0, seed=SEED)
    assert len(result.spikes) > 0 and result.weights["weight"].nunique() > 1  # it learned
