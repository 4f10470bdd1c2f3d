"""The sweep's progress bar on the terminal (tqdm): points done, failed so far."""
from __future__ import annotations

import sys


def progress_bar(total: int, progress: bool | None):
    """A bar over ``total`` points on stderr, shown on a terminal (``progress=None``) or as
    told."""
    from tqdm import tqdm  # imported when a sweep runs: `import explorer` stays light

    return tqdm(total=total, unit="pt", desc="sweep", file=sys.stderr, dynamic_ncols=True,
                disable=(not sys.stderr.isatty()) if progress is None else not progress)
