"""The lowest layer: what a model is, as plain data and pure functions (parameters,
metrics, numerics, tolerances, verdicts, the model declaration). Nothing here imports
a simulator or any other part of the zoo."""
from __future__ import annotations

import functools
from importlib import metadata


@functools.cache
def zoo_version() -> str:
    """The installed zoo's version (part of every sweep key and result's provenance)."""
    return metadata.version("spiking-model-zoo")
