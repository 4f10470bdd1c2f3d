"""Where a sweep's tasks run: a Dask cluster (a local one of single-threaded worker
processes, or a given scheduler) and the handling of Ctrl-C and crashed workers
around it. Process plumbing only: which points run, and what becomes of their
rows, is :mod:`explorer.sweep`'s."""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading

from zoo import backends

from .progress import progress_bar
from .tasks import Task, after_failure, failed_rows, run_inline, run_task

#: ``scheduler=INLINE`` runs tasks in this process, without Dask (small sweeps, ``zoo check``).
INLINE = "inline"


def run(pending: list, record, scheduler: str | None, workers: int | None, progress: bool | None) -> None:
    """Run the pending tasks: inline, on a local Dask cluster (``scheduler=None``) or on the
    scheduler at that address; each finished task's rows go to ``record`` at once, with a
    progress bar over the points. Ctrl-C closes the bar and raises KeyboardInterrupt."""
    with contextlib.nullcontext() if scheduler == INLINE else client(scheduler, workers) as dask_client:
        bar = progress_bar(sum(len(t.points) for t in pending), progress)
        failed = 0

        def recorded(rows) -> None:
            nonlocal failed
            record(rows)
            failed += int((rows["status"] != "ok").sum())
            bar.update(len(rows))
            bar.set_postfix(failed=failed, refresh=False)

        try:
            if dask_client is None:
                run_inline(pending, recorded, describe)
            else:
                execute(dask_client, pending, recorded)
        finally:
            bar.close()


def execute(client, pending: list[Task], record) -> None:
    """Run tasks on Dask; a failed batch runs again as ``tasks.after_failure`` says, and
    the points that fail alone become failed rows."""
    from distributed import as_completed

    futures = {client.submit(run_task, task, pure=False, key=f"zoo-{task.key}-{len(task.points)}"): task
               for task in pending}
    queue = as_completed(list(futures))
    for future in queue:
        task = futures.pop(future)
        try:
            rows = future.result()
        except Exception as error:  # noqa: BLE001 - any failure of a point is recorded, the sweep goes on
            retry = after_failure(task)
            if retry:
                for part in retry:
                    new = client.submit(run_task, part, pure=False, key=f"zoo-{part.key}-{len(part.points)}")
                    futures[new] = part
                    queue.add(new)
                continue
            rows = failed_rows(task, describe(error))
        finally:
            future.release()
        record(rows)


def describe(error: BaseException) -> str:
    """The ``error`` column of a point that failed: a crashed worker said in words."""
    from distributed.scheduler import KilledWorker

    if isinstance(error, KilledWorker):
        return f"the worker process died while running this point (crash or kill): {error}"
    return f"{type(error).__name__}: {error}"


class ClientScope:
    """A Dask client on a LocalCluster (closed afterwards) or on a given scheduler."""

    def __init__(self, scheduler: str | None, workers: int | None):
        import dask
        from distributed import Client, LocalCluster

        from .workers import IgnoreInterrupts

        self.cluster = None
        if scheduler is None:
            with dask.config.set({
                # Workers forked from this process start with its imports (zoo, pandas, Dask:
                # 0.3 s of a cold 5 s sweep); spawned instead once a simulator is loaded
                # here, whose state and threads a fork would copy.
                "distributed.worker.multiprocessing-method": "spawn" if backends.any_imported() else "fork",
                # A point that crashes its worker fails at once instead of killing three more ...
                "distributed.scheduler.allowed-failures": 0,
                # ... and only the task that was running is blamed: a worker holds one task at a time.
                "distributed.scheduler.worker-saturation": 1.0,
                # Dask's diagnostics, which nothing reads here, cost CPU that the runs
                # lack on a small machine: the statistical profiler samples every worker
                # thread's stack each 10 ms (4% of a masquelier2008 run on Brian2); the
                # event loops wake every 20 ms to check their own health and every 0.5 s
                # to record the host's load. Idle, a 2-worker cluster took 8.7% of a
                # core; 3.3% with these settings (the memory monitor, which stops a
                # worker about to exhaust the memory, keeps its pace).
                "distributed.worker.profile.enabled": False,
                "distributed.admin.tick.interval": "1s",
                "distributed.admin.system-monitor.interval": "5s",
            }):
                # Failures are reported as rows; Dask's own log lines about them would only be noise.
                # The workers never see Ctrl-C (they start with SIGINT blocked, then ignore
                # it): this process alone stops the sweep, and closing the cluster ends them,
                # without a traceback from each. A Ctrl-C meanwhile stops the sweep once the
                # cluster is up, and closes it.
                try:
                    with sigint_deferred():
                        # dashboard_address=None still takes port 8787, and a second sweep (or
                        # `zoo conformance` beside a sweep) warned that it was in use: any free port
                        self.cluster = LocalCluster(n_workers=workers or os.cpu_count() or 1, threads_per_worker=1,
                                                    processes=True, dashboard_address=":0",
                                                    silence_logs=logging.CRITICAL, plugins={IgnoreInterrupts()})
                except KeyboardInterrupt:
                    if self.cluster is not None:
                        self.cluster.close()
                    raise
            self.client = Client(self.cluster)
        else:
            try:
                self.client = Client(scheduler, timeout="5s")
            except (OSError, TimeoutError) as error:
                raise ValueError(f"cannot reach the Dask scheduler at {scheduler!r}: {error}") from None
            threads = {info.get("nthreads", 1) for info in self.client.scheduler_info()["workers"].values()}
            if max(threads, default=1) > 1:
                self.client.close()
                raise ValueError(f"the Dask workers at {scheduler!r} run {max(threads)} threads each; a simulator "
                                 "runs one task at a time in one thread of its process: start the workers with "
                                 "`dask worker --nthreads 1` (one process per core)")

    def __enter__(self):
        return self.client

    def __exit__(self, *exc):
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


@contextlib.contextmanager
def sigint_deferred():
    """Ctrl-C held back, not lost: a SIGINT in the block is raised as KeyboardInterrupt
    when it ends. Threads started in the block inherit SIGINT blocked, and so do the
    processes they start: the local cluster's event loop, and through it the worker
    processes (also those restarted after a crash), which a Ctrl-C must not reach.

    Two layers, because blocking alone is not enough: another thread that does not block
    SIGINT (OpenBLAS's, started with NumPy) receives it, and Python then raises
    KeyboardInterrupt in the main thread at once; so the handler records it meanwhile.
    Ignoring SIGINT instead (SIG_IGN, inherited by the workers) lost a Ctrl-C pressed
    while the workers started, and the sweep ran on to its end. Outside the main thread,
    which alone raises KeyboardInterrupt, nothing is changed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        # a SIGINT pending in this thread is handled (recorded) within this call
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        signal.signal(signal.SIGINT, previous if previous is not None else signal.default_int_handler)
    if pressed:
        raise KeyboardInterrupt


@contextlib.contextmanager
def local_cluster(workers: int | None = None):
    """A Dask LocalCluster for several sweeps (its address, to pass as ``scheduler``):
    worker processes start once, and keep their simulators imported and their code
    generated, instead of once per sweep."""
    scope = client(None, workers)
    try:
        yield scope.cluster.scheduler_address
    finally:
        scope.__exit__(None, None, None)


def client(scheduler, workers) -> ClientScope:
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    return ClientScope(scheduler, workers)
