"""NEST-specific behaviour of the NEST backend: threads, and the cell types it declares
unavailable (refused before any simulation, with the reason)."""
import time

import numpy as np
import pytest

import explorer
import zoo
from zoo import backends

from tests.conftest import ZOO, press_ctrl_c, stderr_lines

SHORT_MS = 4_000.0
SEED = 1


def test_nest_threads_change_speed_not_results():
    """NEST with two threads (the speed remedy for this network) gives the same spikes
    and weights as one; Brian2, single-threaded through PyNN, refuses more."""
    one = zoo.run("masquelier2008", simulator="nest", duration_ms=SHORT_MS, seed=SEED)
    two = zoo.run("masquelier2008", simulator="nest", duration_ms=SHORT_MS, seed=SEED, threads=2)
    assert len(one.spikes) > 100
    np.testing.assert_array_equal(two.spikes["t_ms"], one.spikes["t_ms"])
    np.testing.assert_array_equal(two.weights["weight"], one.weights["weight"])
    with pytest.raises(ValueError, match="brian2 runs at most 1 thread"):
        zoo.run("masquelier2008", simulator="brian2", duration_ms=SHORT_MS, threads=2)
    with pytest.raises(ValueError, match="threads must be a whole number"):
        zoo.run("masquelier2008", simulator="nest", duration_ms=SHORT_MS, threads=0)


@pytest.mark.parametrize("given, expected", [(None, "PASSIVE"), ("ACTIVE", "ACTIVE")])
def test_nest_threads_sleep_while_they_wait_unless_the_user_says_otherwise(given, expected):
    """OpenMP's wait policy is set before NEST's library loads (it is read then): PASSIVE,
    since spinning threads took 20-85x longer beside other work (benchmarks/nest_threads.py);
    a policy the user set is kept."""
    import os
    import subprocess
    import sys

    env = {key: value for key, value in os.environ.items() if key != "OMP_WAIT_POLICY"}
    if given:
        env["OMP_WAIT_POLICY"] = given
    code = ("import os; from zoo import backends; backends.load('nest'); import nest; "
            "print(os.environ['OMP_WAIT_POLICY'], nest.__name__)")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == [expected, "nest"]


def test_spike_sources_given_their_times_at_the_run_keep_every_change_made_before_it():
    """The backend hands a SpikeSourceArray's times to NEST when the run starts (a
    query of the nodes' status before then would copy every spike); what is read or
    set before the run, through the population or a view, is still what runs."""
    backend = backends.load("nest")
    with backend.quiet():
        sim = backend.setup(0.1, SEED, duration_ms=50.0)
        try:
            given = [[1.0, 2.0], [3.0], [], [4.5]]

            def sources():
                population = sim.Population(4, sim.SpikeSourceArray(spike_times=[sim.Sequence(t) for t in given]))
                population.record("spikes")
                return population

            read, whole, by_view, by_cell, untouched = sources(), sources(), sources(), sources(), sources()
            read_times = [np.ravel(s.value).tolist() for s in read.get("spike_times")]
            whole.set(spike_times=sim.Sequence([6.0]))
            by_view[1:2].set(spike_times=sim.Sequence([7.0, 8.0]))
            by_cell[3].spike_times = sim.Sequence([9.0])
            backend.run(50.0)
            trains = {name: [list(np.asarray(t.magnitude)) for t in population.get_data().segments[0].spiketrains]
                      for name, population in [("read", read), ("whole", whole), ("by_view", by_view),
                                               ("by_cell", by_cell), ("untouched", untouched)]}
        finally:
            backend.end()
    assert read_times == given
    assert trains == {"read": given, "untouched": given, "whole": [[6.0]] * 4, "by_view": [[1.0, 2.0], [7.0, 8.0], [], [4.5]],
                      "by_cell": [[1.0, 2.0], [3.0], [], [9.0]]}


def test_the_srm_runs_on_nest_through_nestml_and_neuron_refuses_it_with_the_reason():
    assert backends.available(zoo.registry.get("masquelier2008_srm")) == ["nest", "brian2"]
    with pytest.raises(ValueError, match=r"cannot run on neuron.*valid simulators for 'masquelier2008_srm': nest, brian2"):
        zoo.run("masquelier2008_srm", simulator="neuron", duration_ms=1000.0)
    with pytest.raises(ValueError, match="cannot run on neuron"):
        explorer.sweep("masquelier2008_srm", grid={"w_init": [0.475]}, simulators=["neuron", "brian2"],
                       duration_ms=1000.0, scheduler=explorer.INLINE)


def test_ctrl_c_ends_a_long_nest_run_with_one_line():
    """NEST's own loop does not answer Ctrl-C; between slices the zoo does."""
    started = time.perf_counter()
    done = press_ctrl_c([ZOO, "run", "lif", "--set", "i_offset=0:2:20000", "--duration", "30000", "--max-memory", "100"],
                      after_s=5.0)
    assert done.returncode == 130 and time.perf_counter() - started < 15
    assert stderr_lines(done.stderr) == ["zoo: interrupted; nothing was written"]
