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


def spike_trains_isolating(model: str, simulator: str, params: dict, current_nA: np.ndarray, current_dt_ms: float,
                           dt_ms: float | None) -> tuple[list, dict]:
    """:func:`spike_trains`, where a candidate that breaks the simulation (NEST's
    "numerical instability" of a runaway AdEx) fails alone: the population is halved until
    the failing candidates stand apart. Returns (trains, with None for a failed candidate;
    {candidate index: error text})."""
    size = max((np.size(v) for v in params.values() if np.ndim(v) == 1), default=1)
    trains, errors = [None] * size, {}

    def attempt(indices: np.ndarray) -> None:
        chosen = {k: (np.asarray(v)[indices] if np.ndim(v) == 1 else v) for k, v in params.items()}
        try:
            found = spike_trains(model, simulator, chosen, current_nA, current_dt_ms, dt_ms)
        except Exception as error:  # noqa: BLE001 - a simulator's own error, kept as the candidate's row
            if len(indices) == 1:
                errors[int(indices[0])] = f"{type(error).__name__}: {error}"[:300]
                return
            half = len(indices) // 2
            attempt(indices[:half])
            attempt(indices[half:])
            return
        for index, train in zip(indices, found):
            trains[int(index)] = train

    attempt(np.arange(size))
    return trains, errors
