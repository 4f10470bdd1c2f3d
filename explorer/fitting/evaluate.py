"""One simulation of many candidates: one neuron per candidate in one heterogeneous
population, the same recorded current into all (``zoo.run(current_nA=...)``), on one
simulator; runs in a Dask worker or in this process."""
from __future__ import annotations

import numpy as np

from zoo.runner import run


def spike_trains(model: str, simulator: str, params: dict, current_nA: np.ndarray, current_dt_ms: float,
                 dt_ms: float | None) -> list[np.ndarray]:
    """The spike times (ms) of each candidate (``params``: arrays of one value per candidate
    and fixed scalars) under the recorded current, for as long as it lasts."""
    size = max((np.size(v) for v in params.values() if np.ndim(v) == 1), default=1)
    result = run(model, simulator=simulator, dt_ms=dt_ms, current_nA=current_nA, current_dt_ms=current_dt_ms,
                     trace_neurons=0, spike_shape=False, max_memory_gib=None, progress=False, **params)
    times = result.spikes.sort_values("t_ms")
    by_neuron = dict(tuple(times.groupby("neuron")["t_ms"]))
    return [by_neuron[i].to_numpy() if i in by_neuron else np.array([]) for i in range(size)]
