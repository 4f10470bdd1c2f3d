"""Failures: a point the simulator rejects, a point that crashes its worker, a killed
sweep, bad input. The sweep goes on and loses nothing."""
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import explorer
import zoo
from zoo import backends

from tests.models_for_tests import CRASH_CURRENT_NA, FAILING_CURRENT_NA

ZOO = str(Path(sys.executable).with_name("zoo"))


@pytest.fixture(scope="module", autouse=True)
def test_models():
    """Registered for this module only: other tests list the zoo's own models."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(zoo.registry._ENTRY_POINTS, "lif_unchecked", "tests.models_for_tests:lif_unchecked")
        patch.setitem(zoo.registry._ENTRY_POINTS, "lif_crashing", "tests.models_for_tests:lif_crashing")
        patch.setitem(zoo.registry._ENTRY_POINTS, "lif_failing", "tests.models_for_tests:lif_failing")
        yield


def test_a_value_only_the_simulator_rejects_becomes_one_failed_row(tmp_path):
    """The default simulator (NEST) rejects a negative capacitance, which only the
    test model lets through."""
    cm = [1.0, 0.5, -1.0, 2.0, 1.5]
    table = explorer.sweep("lif_unchecked", grid={"cm": cm, "i_offset": [2.0]}, simulators=(backends.DEFAULT,),
                           out=tmp_path, workers=1, duration_ms=200.0)
    assert len(table) == 5
    failed = table[table["status"] == "failed"]
    assert failed["cm"].tolist() == [-1.0]
    assert "Capacitance must be strictly positive" in failed["error"].iloc[0]
    ok = table[table["status"] == "ok"]
    assert len(ok) == 4 and (ok["n_spikes"] > 0).all()
    assert table.attrs["counts"]["failed"] == 1 and table.attrs["counts"]["ok"] == 4


def test_failed_points_are_rerun_only_with_retry_failed(tmp_path):
    grid = {"cm": [1.0, -1.0], "i_offset": [1.0]}
    kwargs = dict(simulators=(backends.DEFAULT,), out=tmp_path, scheduler="inline", duration_ms=100.0)
    explorer.sweep("lif_unchecked", grid=grid, **kwargs)
    again = explorer.sweep("lif_unchecked", grid=grid, **kwargs)
    assert again.attrs["counts"]["cached"] == 2 and again.attrs["counts"]["failed"] == 0
    retried = explorer.sweep("lif_unchecked", grid=grid, retry_failed=True, **kwargs)
    assert retried.attrs["counts"] == {**retried.attrs["counts"], "cached": 1, "failed": 1, "ok": 0}
    assert len(pd.read_parquet(tmp_path)) == 2 and pd.read_parquet(tmp_path)["key"].is_unique


def test_a_point_that_crashes_its_worker_becomes_a_failed_row(tmp_path):
    table = explorer.sweep("lif_crashing", grid={"i_offset": [0.9, CRASH_CURRENT_NA, 1.2, 1.5]},
                           simulators=(backends.DEFAULT,), out=tmp_path, workers=1, duration_ms=100.0)
    assert len(table) == 4
    failed = table[table["status"] == "failed"]
    assert failed["i_offset"].tolist() == [CRASH_CURRENT_NA]
    assert "worker process died" in failed["error"].iloc[0]
    assert (table[table["status"] == "ok"]["n_spikes"] > 0).all()


def test_sigkill_then_resume_loses_nothing_and_redoes_nothing(tmp_path):
    """Points that change the protocol (step_amplitude is population-level) are
    separate tasks; kill the whole sweep (driver and workers) once some are stored."""
    out = tmp_path / "killed"
    args = [ZOO, "sweep", "lif", "--simulator", backends.DEFAULT, "--grid", "step_amplitude=0.0:1.0:60", "--grid", "step_start=100",
            "--grid", "i_offset=0.5,1.0", "--duration", "3000", "--workers", "1", "--out", str(out)]
    sweep = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and len(list(out.glob("part-*.parquet"))) < 5:
        time.sleep(0.05)
    os.killpg(sweep.pid, signal.SIGKILL)
    sweep.wait()
    before = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.parquet")}
    finished = pd.read_parquet(out)
    assert 5 <= len(before) and len(finished) < 120, "the sweep must be killed part-way"
    assert finished["key"].is_unique

    done = subprocess.run(args, capture_output=True, text=True, check=True)
    table = pd.read_parquet(out)
    assert len(table) == 120 and table["key"].is_unique and (table["status"] == "ok").all()
    assert f"{len(finished)} already stored" in done.stdout
    after = {p.name: p.stat().st_mtime_ns for p in out.glob("part-*.parquet")}
    assert all(after.get(name) == mtime for name, mtime in before.items()), "finished parts were rewritten"


def test_ctrl_c_while_the_workers_start_stops_the_sweep(tmp_path):
    """Ctrl-C pressed while the local cluster starts its worker processes (once the first
    one exists, before any point is stored) stops the sweep with its one line, as it does
    later: it was ignored there (the workers must inherit an ignored SIGINT), and the sweep
    ran on to its end (make test from a fresh clone, when a loaded machine made that start
    take a minute)."""
    import psutil

    from tests.conftest import press_ctrl_c, stderr_lines

    out = tmp_path / "hh"
    command = [ZOO, "sweep", "hh", "--simulator", backends.DEFAULT, "--grid", "i_offset=0:2:200", "--batch-size", "1",
               "--workers", "2", "--out", str(out)]
    sweep = {}

    def starting(process) -> bool:
        sweep["children"] = psutil.Process(process.pid).children()
        return bool(sweep["children"]) and not list(out.glob("part-*.parquet"))

    started = time.perf_counter()
    done = press_ctrl_c(command, after_s=60.0, ready=starting)
    assert sweep["children"], "no worker process was seen starting"
    assert done.returncode == 130, (done.returncode, done.stderr[-500:])
    (line,) = stderr_lines(done.stderr)
    assert line.startswith("zoo: sweep interrupted: ") and "of 200 pending points finished" in line
    assert time.perf_counter() - started < 60.0
    assert not any(child.is_running() and child.status() != psutil.STATUS_ZOMBIE for child in sweep["children"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--grid", "i_offset=0:1"], "expected a number, V1,V2,... or START:STOP:NUM"),
        (["--grid", "i_offset=0:1:0"], "START:STOP:NUM with NUM >= 1"),
        (["--grid", "i_offset="], "is empty"),
        (["--grid", "i_offset=a,b"], "expected a number"),
        (["--grid", "tau=1,2"], "unknown parameter 'tau' for model 'lif'; valid parameters:"),
        (["--grid", "tau_m=-1,2"], "'tau_m' = -1 ms is out of range"),
        (["--random", "i_offset=2:1", "--samples", "3"], "LOW below HIGH"),
        (["--random", "i_offset=0:1"], "--random needs --samples N"),
        (["--grid", "i_offset=1", "--scheduler", "tcp://127.0.0.1:9"], "cannot reach the Dask scheduler"),
    ],
)
def test_bad_input_exits_2_before_any_task(args, message, tmp_path, capsys):
    """In this process, through the CLI's main (tests/zoo/test_cli.py runs the real command)."""
    from tests.zoo.test_cli import run_in_process

    out = tmp_path / "never"
    code = run_in_process(["sweep", "lif", "--out", str(out), *args])
    stdout, stderr = capsys.readouterr()
    assert code == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], stderr
    assert not out.exists()


def test_a_point_failed_on_one_simulator_fails_the_comparison(tmp_path):
    """The default simulator rejects cm = -1, another runs it. The pair cannot be
    compared and must not pass."""
    other = next(s for s in backends.names() if s != backends.DEFAULT)
    table = explorer.sweep("lif_unchecked", grid={"cm": [1.0, -1.0], "i_offset": [2.0]},
                           simulators=(backends.DEFAULT, other),
                           out=tmp_path, scheduler="inline", duration_ms=100.0)
    verdicts = explorer.verdicts(explorer.compare(table))
    status = verdicts[verdicts["metric"] == "status"]
    assert len(status) == 1 and status["failed"].iloc[0] == 1 and not verdicts["pass"].all()
    assert verdicts[verdicts["metric"] != "status"]["pass"].all()


@pytest.fixture(scope="module")
def threads_scheduler():
    """A Dask scheduler whose one worker is a thread of this process: the Dask path of
    ``cluster.run`` (submit, a failed batch run again in parts, failed rows) runs in the
    test's own process; what only worker processes do is tests/explorer/test_workers.py's.
    One thread, so one simulation at a time, as the simulators require."""
    import logging

    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=":0",
                      silence_logs=logging.CRITICAL) as cluster:
        yield cluster.scheduler_address


def test_a_sweep_on_a_dask_scheduler_gives_the_inline_rows_and_its_bad_point_alone_fails(threads_scheduler, tmp_path):
    """Three points in one population (one task), one of which the model's build refuses:
    the task fails, runs again point by point, and only that point is a failed row, as
    inline. On Brian2, which runs in any thread (NEST crashes outside the main thread)."""
    grid = {"i_offset": [1.5, FAILING_CURRENT_NA, 2.5]}
    settings = dict(grid=grid, simulators=("brian2",), duration_ms=50.0, progress=False)
    on_dask = explorer.sweep("lif_failing", scheduler=threads_scheduler, out=tmp_path / "dask", **settings)
    inline = explorer.sweep("lif_failing", scheduler="inline", out=tmp_path / "inline", **settings)
    assert on_dask.attrs["counts"] == {**on_dask.attrs["counts"], "ok": 2, "failed": 1, "cached": 0, "total": 3}
    on_dask, inline = (t.sort_values("key").reset_index(drop=True) for t in (on_dask, inline))
    columns = ["key", "i_offset", "status", "error", "n_spikes", "batch_size"]
    pd.testing.assert_frame_equal(on_dask[columns], inline[columns])
    assert on_dask["spike_times_ms"].map(list).tolist() == inline["spike_times_ms"].map(list).tolist()
    assert (on_dask.loc[on_dask["status"] == "ok", "n_spikes"] > 0).all()
    failed = on_dask[on_dask["status"] == "failed"]
    assert failed["i_offset"].tolist() == [FAILING_CURRENT_NA]
    assert failed["error"].iloc[0] == "RuntimeError: no cell of this model takes i_offset = 7 nA"
    assert explorer.read_sweep(tmp_path / "dask")["key"].is_unique
    # a task without a bad point runs once, all its points in one simulation
    whole = explorer.sweep("lif_failing", scheduler=threads_scheduler, out=tmp_path / "whole",
                           **{**settings, "grid": {"i_offset": [1.5, 2.5]}})
    assert whole["batch_size"].tolist() == [2, 2] and set(whole["status"]) == {"ok"}


def test_a_crashed_worker_is_said_in_words():
    from types import SimpleNamespace

    from distributed.scheduler import KilledWorker

    from explorer.cluster import describe

    assert describe(KilledWorker("zoo-1", SimpleNamespace(address="tcp://127.0.0.1:1"), 0)).startswith(
        "the worker process died while running this point (crash or kill): ")
    assert describe(ValueError("cm must be positive")) == "ValueError: cm must be positive"


def test_workers_of_several_threads_are_refused_before_any_task(tmp_path):
    """Dask's ``dask worker`` runs as many threads as cores by default; simulators in
    threads of one process crash (NEST) or share their state."""
    import logging

    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0",
                      silence_logs=logging.CRITICAL) as cluster:
        with pytest.raises(ValueError, match=r"^the Dask workers at '.+' run 2 threads each; .+ start the workers "
                                             r"with `dask worker --nthreads 1` \(one process per core\)$"):
            explorer.sweep("lif", grid={"i_offset": [1.0]}, simulators=(backends.DEFAULT,), out=tmp_path,
                           scheduler=cluster.scheduler_address)
    assert not list(tmp_path.rglob("*.parquet"))


def test_client_takes_any_number_of_workers_from_one_and_passes_both_arguments_on(monkeypatch):
    """``workers``: None (one per core) or at least 1; the scheduler and the worker count go
    to the client's scope as given (no cluster is started here)."""
    from explorer import cluster

    made = []
    monkeypatch.setattr(cluster, "ClientScope", lambda scheduler, workers: made.append((scheduler, workers)) or "scope")
    assert cluster.client("tcp://127.0.0.1:8786", 1) == "scope" and cluster.client(None, None) == "scope"
    assert cluster.client(None, 3) == "scope"
    assert made == [("tcp://127.0.0.1:8786", 1), (None, None), (None, 3)]
    for workers in (0, -2):
        with pytest.raises(ValueError, match=rf"^workers must be >= 1, got {workers}$"):
            cluster.client(None, workers)
    assert len(made) == 3


def test_a_sweep_hands_its_scheduler_and_worker_count_to_the_cluster(monkeypatch, tmp_path):
    """What the sweep was given is what starts its cluster (a lost scheduler would start a
    local cluster instead; a lost worker count, one worker per core)."""
    from explorer import cluster

    class Started(Exception):
        pass

    given = []

    def client(scheduler, workers):
        given.append((scheduler, workers))
        raise Started

    monkeypatch.setattr(cluster, "client", client)
    with pytest.raises(Started):
        explorer.sweep("lif", grid={"i_offset": [1.0]}, simulators=(backends.DEFAULT,), out=tmp_path,
                       scheduler="tcp://127.0.0.1:8786", workers=3, progress=False)
    assert given == [("tcp://127.0.0.1:8786", 3)]


def test_a_local_cluster_is_single_threaded_worker_processes_with_the_sweeps_dask_settings(monkeypatch):
    """What the local cluster is started with (Dask's ``LocalCluster`` and ``Client`` are
    replaced here by recorders, so the settings are read as they are given): one thread per
    worker process, ``workers`` of them or one per core, no fixed dashboard port, workers
    that ignore Ctrl-C, started with SIGINT blocked; Dask's settings for the start (a crash
    fails its point at once, one task per worker, diagnostics slowed), which end with it."""
    import dask
    import distributed

    from explorer import cluster
    from explorer.workers import IgnoreInterrupts

    settings = {"distributed.scheduler.allowed-failures": 0, "distributed.scheduler.worker-saturation": 1.0,
                "distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "1s",
                "distributed.admin.system-monitor.interval": "5s", "distributed.worker.multiprocessing-method": None}
    before = {name: dask.config.get(name) for name in settings}
    started, closed = [], []

    class Recorded:
        def __init__(self, *args, **kwargs):
            self.args, self.kwargs = args, kwargs
            started.append(self)
            self.config = {name: dask.config.get(name) for name in settings}
            self.sigint_blocked = signal.SIGINT in signal.pthread_sigmask(signal.SIG_BLOCK, [])

        def close(self):
            closed.append(self)

    monkeypatch.setattr(distributed, "LocalCluster", Recorded)
    monkeypatch.setattr(distributed, "Client", Recorded)
    cores = os.cpu_count()
    cases = ((3, 3, cores, True), (None, cores or 1, cores, False), (None, 1, None, False))
    for workers, expected, counted, imported in cases:
        monkeypatch.setattr(os, "cpu_count", lambda: counted)  # None where the cores cannot be counted
        # workers forked from this process, or spawned once it has a simulator loaded
        monkeypatch.setattr(backends, "any_imported", lambda: imported)
        settings["distributed.worker.multiprocessing-method"] = "spawn" if imported else "fork"
        started.clear()
        closed.clear()
        with cluster.ClientScope(None, workers) as dask_client:
            local, client = started
            assert dask_client is client and client.args == (local,) and client.kwargs == {}
            plugins = local.kwargs.pop("plugins")
            assert local.kwargs == {"n_workers": expected, "threads_per_worker": 1, "processes": True,
                                    "dashboard_address": ":0", "silence_logs": logging.CRITICAL}
            assert len(plugins) == 1 and isinstance(next(iter(plugins)), IgnoreInterrupts)
            assert local.config == settings and local.sigint_blocked and not client.sigint_blocked
            assert {name: dask.config.get(name) for name in settings} == before
        assert closed == [client, local]


def test_the_bar_counts_the_points_done_and_failed(tmp_path, capfd):
    """Its last state: every point done, and how many of them failed."""
    explorer.sweep("lif_failing", grid={"i_offset": [1.5, FAILING_CURRENT_NA, 2.5, 3.0]}, simulators=(backends.DEFAULT,),
                   scheduler="inline", out=tmp_path, duration_ms=20.0, progress=True)
    last = capfd.readouterr().err.replace("\r", "\n").strip().splitlines()[-1]
    assert "4/4" in last and last.endswith(", failed=1]"), last


def test_a_scheduler_that_cannot_be_reached_is_named_in_one_line():
    """Dask tries for the client's 5 s before it gives up."""
    from explorer import cluster

    with pytest.raises(ValueError, match=r"^cannot reach the Dask scheduler at 'tcp://127.0.0.1:9': "):
        cluster.ClientScope("tcp://127.0.0.1:9", None)


def test_a_scheduler_whose_workers_have_not_joined_yet_is_no_error():
    """Its workers' threads are checked as they are known: none yet is none too many."""
    from distributed import LocalCluster

    from explorer import cluster

    with LocalCluster(n_workers=0, processes=False, dashboard_address=":0", silence_logs=logging.CRITICAL) as empty:
        with cluster.ClientScope(empty.scheduler_address, None) as dask_client:
            assert dask_client.scheduler_info()["workers"] == {}


def test_a_ctrl_c_while_the_local_cluster_starts_closes_it(monkeypatch):
    """A Ctrl-C that arrives while the cluster starts is held until it is up, then stops
    the sweep, and the cluster is closed (Dask's ``LocalCluster`` replaced by a recorder
    that presses Ctrl-C as it starts)."""
    import distributed

    from explorer import cluster

    closed = []

    class Interrupted:
        def __init__(self, *args, **kwargs):
            os.kill(os.getpid(), signal.SIGINT)

        def close(self):
            closed.append(self)

    monkeypatch.setattr(distributed, "LocalCluster", Interrupted)
    with pytest.raises(KeyboardInterrupt):
        cluster.ClientScope(None, 1)
    assert len(closed) == 1 and isinstance(closed[0], Interrupted)


def test_a_client_of_a_given_scheduler_gives_up_after_5_s_and_checks_its_workers_threads(monkeypatch):
    """What the client of a given scheduler is asked (Dask's ``Client`` replaced by a
    recorder): the address and a 5 s connection timeout, then the workers' threads."""
    import distributed

    from explorer import cluster

    made = []

    class Recorded:
        def __init__(self, *args, **kwargs):
            made.append((args, kwargs))

        def scheduler_info(self):
            return {"workers": {"tcp://10.0.0.5:4000": {"nthreads": 1}}}

        def close(self):
            made.append("closed")

    monkeypatch.setattr(distributed, "Client", Recorded)
    with cluster.ClientScope("tcp://10.0.0.5:8786", None):
        assert made == [(("tcp://10.0.0.5:8786",), {"timeout": "5s"})]
    assert made[-1] == "closed"
