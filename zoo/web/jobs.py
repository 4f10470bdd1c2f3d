"""What the page asks of the zoo, off its event loop.

- **Runs** go to one worker thread, one at a time: PyNN keeps a simulator's state in
  module globals, so two runs at once (two tabs) would corrupt each other. The thread is
  warmed at start-up with a short run per simulator, so that Brian2's code is compiled
  and its integrators derived before the first click.
- **Sweeps** run as ``zoo sweep`` processes writing Parquet parts to ``--data``, exactly
  as the command line stores them: progress is read from the stored rows, cancel sends
  Ctrl-C (finished points are kept), starting the same sweep again resumes it. Two tabs
  asking for the same sweep share its one process (a folder has one writer: a ``zoo
  sweep`` from a terminal into the same folder is refused, and says by whom).
"""
from __future__ import annotations

import concurrent.futures
import hashlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import backends, registry

_RUNS = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="zoo-run")
#: The warm-up run of each simulator (ms): short, but it compiles and derives what a real run needs.
WARM_UP_MS = 10.0


def submit_run(model: str, simulators: list[str], settings: dict, params: dict) -> concurrent.futures.Future:
    """Run ``model`` on each of ``simulators`` with the same settings (``duration_ms``,
    ``dt_ms``, ``seed``) and parameters; the future gives {simulator: Result or error text}."""
    return _RUNS.submit(_run_all, model, simulators, settings, params)


def _run_all(model, simulators, settings, params) -> dict:
    from ..runner import run

    results = {}
    for simulator in simulators:
        started = time.perf_counter()
        try:
            results[simulator] = run(model, simulator, progress=False, **settings, **params)
            results[simulator].meta["click_to_result_s"] = time.perf_counter() - started
        except Exception as error:  # shown on the page; the page keeps working
            results[simulator] = f"{type(error).__name__}: {error}"
    return results


def warm_up() -> concurrent.futures.Future:
    """A short ``lif`` run per simulator, queued first."""
    return _RUNS.submit(_run_all, "lif", list(backends.names()), {"duration_ms": WARM_UP_MS}, {})


@dataclass
class SweepJob:
    """One ``zoo sweep`` process: its command, output folder and expected row count."""

    command: list[str]
    out: Path
    expected: int
    process: subprocess.Popen | None = None
    log: list[str] = field(default_factory=list)

    def start(self) -> None:
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(self.command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                        start_new_session=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.log.append(line.rstrip())

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stored(self) -> int:
        """Rows stored so far (ok or failed), from the parts' footers: the progress bar asks
        twice a second, and reading the tables would grow with the sweep."""
        import pyarrow.parquet as pq

        return sum(pq.read_metadata(part).num_rows for part in sorted(self.out.glob("part-*.parquet")))

    def cancel(self) -> None:
        """Ctrl-C, as on a terminal: the sweep stops and keeps what it finished."""
        if self.running:
            os.killpg(self.process.pid, signal.SIGINT)
            self.process.wait(timeout=120)


#: The sweeps this server started, by folder: a tab asking for a running sweep joins it.
_SWEEPS: dict[Path, SweepJob] = {}
_SWEEPS_LOCK = threading.Lock()


def sweep_job(data: Path, model: str, grid: dict, simulators: list[str], seeds: list[int], settings: dict
              ) -> SweepJob:
    """The ``zoo sweep`` of this request, stored under ``data`` in a folder named by its
    request (the same request finds and resumes the same folder); while this server runs
    that sweep already (another tab), the running job itself, which the caller joins
    instead of starting a second writer (:func:`start`)."""
    request = {"model": model, "grid": grid, "simulators": simulators, "seeds": seeds, **settings}
    name = f"{model}-{hashlib.sha1(json.dumps(request, sort_keys=True).encode()).hexdigest()[:10]}"
    command = [sys.executable, "-m", "zoo.cli", "sweep", model, "--out", str(data / name)]
    for key, values in grid.items():
        command += ["--grid", f"{key}={','.join(repr(float(v)) for v in values)}"]
    for simulator in simulators:
        command += ["--simulator", simulator]
    for seed in seeds:
        command += ["--seed", str(seed)]
    if settings.get("duration_ms") is not None:
        command += ["--duration", repr(float(settings["duration_ms"]))]
    if settings.get("dt_ms") is not None:
        command += ["--dt", repr(float(settings["dt_ms"]))]
    expected = int(np.prod([len(v) for v in grid.values()])) * len(simulators) * len(set(seeds))
    with _SWEEPS_LOCK:
        running = _SWEEPS.get(data / name)
        return running if running is not None and running.running else SweepJob(command, data / name, expected)


def start(job: SweepJob) -> bool:
    """Start ``job`` unless it runs already (another tab started it); True if this call
    started it."""
    with _SWEEPS_LOCK:
        if job.running:
            return False
        job.start()
        _SWEEPS[job.out] = job
        return True


def read_sweep(folder: Path) -> pd.DataFrame:
    """A stored sweep's rows of the current code, as ``zoo compare`` and ``zoo plot`` read
    them (``attrs["note"]`` says what was left out); empty if nothing is stored yet."""
    import explorer

    if not list(Path(folder).glob("part-*.parquet")):
        return pd.DataFrame()
    return explorer.read_sweep(folder)


def stored_sweeps(data: Path) -> list[str]:
    """Folders under ``data`` that hold a sweep."""
    return sorted(p.name for p in Path(data).glob("*") if p.is_dir() and list(p.glob("part-*.parquet")))


def available(model: str) -> tuple[list[str], dict[str, str]]:
    """(simulators that can run ``model``, {simulator: why not} for the others)."""
    spec = registry.get(model)
    return list(backends.available(spec)), dict(backends.unavailable(spec))
