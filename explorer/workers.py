"""What the local cluster's worker processes are given when they start (imported only
when a cluster starts: it needs Dask's ``distributed``)."""
from __future__ import annotations

import signal

from distributed.diagnostics.plugin import WorkerPlugin


class IgnoreInterrupts(WorkerPlugin):
    """The worker process ignores SIGINT: the sweep's own process alone answers Ctrl-C,
    and closing the cluster ends the workers, without a traceback from each. Given to
    the workers at their start (also when the nanny restarts one after a point crashed
    it), not registered afterwards: that cost a round trip to every worker (0.26 s)."""

    name = "zoo-ignore-sigint"

    def setup(self, worker) -> None:
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        except ValueError:  # not the process's main thread: the inherited setting stays
            pass
