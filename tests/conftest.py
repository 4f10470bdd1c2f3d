"""Shared fixtures: real simulators, never a mock. Simulators come from the backend
registry, so a new backend is tested by every test that takes ``simulator`` or
``pair``."""
import functools
import inspect
import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from zoo import backends, registry


def _fresh_dask_offload_pool() -> None:
    """In a process forked after Dask ran (mutmut forks one per mutant from a process that
    ran every test), Dask's offload thread pool holds a thread that did not survive the
    fork, and a scheduler in that process waits on it for ever: the child gets a fresh
    pool, as a new process would (tests/mutation/test_forked_dask.py)."""
    utils = sys.modules.get("distributed.utils")
    if utils is not None:
        from concurrent.futures import ThreadPoolExecutor

        utils._offload_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="Dask-Offload")


os.register_at_fork(after_in_child=_fresh_dask_offload_pool)

SIMULATORS = tuple(backends.names())
#: Every pair of simulators, for agreement tests.
PAIRS = tuple(itertools.combinations(SIMULATORS, 2))
#: The issue's reference protocol: a 50-point current range, 1 s at dt = 0.1 ms.
CURRENTS_NA = np.linspace(0.0, 2.0, 50)
DURATION_MS = 1000.0
DT_MS = 0.1


#: The longest test files (measured, seconds of a 2-worker run), started first: ``make
#: test`` hands whole files to its two workers (``--dist loadfile``), and a long file
#: started last leaves the other worker idle at the end (the Makefile passes
#: ``--no-loadscope-reorder``, or xdist would order files by their number of tests).
#: Only the order changes, and only when xdist hands out files: a run in one process
#: keeps the order it was given (mutmut gives a mutant's tests fastest first, so a
#: mutant any quick test kills is killed in a second, not after these files).
LONGEST_FIRST = ("tests/web/test_app.py", "tests/explorer/test_fit.py", "tests/zoo/models/test_hh.py", "tests/experiments/test_experiments.py",
                 "tests/zoo/test_network_checks.py", "tests/zoo/models/test_brunel2000.py",
                 "tests/zoo/models/test_brette2007.py",
                 "tests/zoo/backends/test_brian2.py", "tests/zoo/backends/test_cross_simulator.py",
                 "tests/zoo/models/test_cable.py", "tests/zoo/test_parameter_space.py",
                 "tests/zoo/backends/test_progress.py", "tests/explorer/test_sweep.py",
                 "tests/zoo/conformance/test_conformance.py", "tests/zoo/models/test_masquelier2008.py")


#: The QSNMC 2007 Challenge A training recordings, beside the repository (never copied into it).
QSNMC_TRAINING = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "qsnmc2007-challenge-a" / "training"


def pytest_collection_modifyitems(config, items):
    if not hasattr(config, "workerinput"):  # set by xdist on its workers, where collection happens
        return
    rank = {path: i for i, path in enumerate(LONGEST_FIRST)}
    root = Path(config.rootpath)
    items.sort(key=lambda item: rank.get(Path(item.fspath).relative_to(root).as_posix(), len(rank)))


@pytest.fixture(params=SIMULATORS)
def simulator(request):
    return request.param


@pytest.fixture(params=PAIRS, ids=[f"{a}-{b}" for a, b in PAIRS])
def pair(request):
    return request.param


#: The zoo command of this environment.
ZOO = str(Path(sys.executable).with_name("zoo"))


def press_ctrl_c(command: list[str], after_s: float, ready=None) -> subprocess.CompletedProcess:
    """Run ``command`` as a terminal would and press Ctrl-C (SIGINT to its process
    group) after ``after_s``, or as soon as ``ready()`` is true (checked every 0.1 s; a
    ``ready`` that takes one argument is given the process)."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    if ready is not None and inspect.signature(ready).parameters:
        ready = functools.partial(ready, process)
    deadline = time.perf_counter() + after_s
    while time.perf_counter() < deadline and not (ready and ready()):
        time.sleep(0.1)
    assert process.poll() is None, "the command ended before Ctrl-C"
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=120)
    return subprocess.CompletedProcess(command, process.returncode, out, err)


def stderr_lines(stderr: str) -> list[str]:
    """stderr without the progress bars' redraws."""
    return [line for line in stderr.replace("\r", "\n").splitlines() if line.strip() and not line.startswith("sweep:")]


def refused_in_one_line(args, capsys) -> str:
    """``zoo ARGS`` run in this process must exit 2 with nothing on stdout and one line on
    stderr (argparse's usage errors exit): that line."""
    from zoo.cli import main

    try:
        code = main(list(args))
    except SystemExit as stop:
        code = stop.code
    out, err = capsys.readouterr()
    assert code == 2 and out == "", (code, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


def runs(model: str) -> tuple[str, ...]:
    """The simulators that can run ``model``; every other one refuses it with its reason
    before simulating (tests/zoo/test_registry.py)."""
    return tuple(backends.available(registry.get(model)))


def pairs_of(model: str) -> tuple[tuple[str, str], ...]:
    """Every pair of the simulators that can run ``model``."""
    return tuple(itertools.combinations(runs(model), 2))


def pair_ids(pairs) -> list[str]:
    return [f"{a}-{b}" for a, b in pairs]


#: Set by ``make mutate`` (mutation/run.py): a folder where :func:`swept` keeps each
#: table the unmutated code made, so that a mutant's test session reads it instead of
#: simulating again. Unset (``make test``), every table is simulated.
TABLES_ENV = "ZOO_MUTATION_TABLES"
if os.environ.get(TABLES_ENV):
    # mutmut forks each mutant's session from a process that has collected the tests:
    # loading the simulators here (0.3 s) spares every session that sweeps the import
    for _name in backends.names():
        backends.load(_name)


def swept(model: str, **kwargs):
    """``explorer.sweep(model, scheduler="inline", **kwargs)``: a real sweep table for
    tests of what is computed from tables (comparison, tolerances). Under ``make mutate``
    the first session (mutmut's run of the unmutated code) stores it with plain pandas,
    and later sessions read it, so that each mutant of the judging code is judged on
    the same real table without a simulation per mutant."""
    import hashlib
    import json

    import pandas as pd

    import explorer

    folder = os.environ.get(TABLES_ENV)
    if not folder:
        return explorer.sweep(model, scheduler="inline", **kwargs)
    name = hashlib.sha1(json.dumps([model, kwargs], sort_keys=True, default=repr).encode()).hexdigest()[:16]
    path = Path(folder) / f"{model}-{name}.pickle"
    if path.exists():
        return pd.read_pickle(path)
    table = explorer.sweep(model, scheduler="inline", **kwargs)
    Path(folder).mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    table.to_pickle(temporary)
    os.replace(temporary, path)
    return table
