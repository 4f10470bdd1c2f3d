"""The terminal's progress bars (tqdm): a sweep's points done and failed so far, a
comparison's points."""
from __future__ import annotations

import sys


def progress_bar(total: int, progress: bool | None, desc: str = "sweep", delay_s: float = 0.0):
    """A bar over ``total`` points on stderr, shown on a terminal (``progress=None``) or as
    told, once ``delay_s`` seconds have passed (a quick task shows none)."""
    from tqdm import tqdm  # imported when a sweep runs: `import explorer` stays light

    return tqdm(total=total, unit="pt", desc=desc, file=sys.stderr, dynamic_ncols=True, delay=delay_s,
                disable=(not sys.stderr.isatty()) if progress is None else not progress)
