"""One simulation of many candidates under every training recording: one neuron per
(recording, candidate) in one heterogeneous population, each neuron its recording's current
(``zoo.run(current_nA=...)``, one row per neuron, each recording stored once), on one
simulator; runs in a Dask worker or in this process. One simulation, not one per recording:
a run's fixed cost (Brian2's network set-up and per-step loop, a process's turn) is paid once
per generation."""
from __future__ import annotations

import numpy as np

from zoo import registry
from zoo.runner import run


def spike_trains(model: str, simulator: str, params: dict, currents: list, current_dt_ms: float,
                 dt_ms: float | None) -> list[list[np.ndarray]]:
    """The spike times (ms) of each candidate under each recording: ``trains[r][c]``.
    ``params``: arrays of one value per candidate and fixed scalars; ``currents``: the
    recordings (nA, one 1-D array each, sampled every ``current_dt_ms``). Recordings of
    different lengths run as long as the longest, and each train is cut at its own recording's
    end (what came before is the same)."""
    currents = [np.asarray(c, dtype=float) for c in currents]
    size = max((np.size(v) for v in params.values() if np.ndim(v) == 1), default=1)
    per_neuron = registry.get(model).per_neuron_parameters
    tiled = {name: (np.tile(np.broadcast_to(value, size), len(currents)) if name in per_neuron else value)
             for name, value in params.items()}
    longest = max(c.size for c in currents)
    rows = np.stack([np.pad(c, (0, longest - c.size)) for c in currents])
    current = rows[0] if len(currents) == 1 else np.repeat(rows, size, axis=0)
    result = run(model, simulator=simulator, dt_ms=dt_ms, current_nA=current, current_dt_ms=current_dt_ms,
                 trace_neurons=0, spike_shape=False, max_memory_gib=None, progress=False, **tiled)
    times = result.spikes.sort_values("t_ms")
    by_neuron = dict(tuple(times.groupby("neuron")["t_ms"]))
    trains = []
    for k, recording in enumerate(currents):
        end = recording.size * current_dt_ms
        found = [by_neuron.get(k * size + c) for c in range(size)]
        trains.append([f[f < end].to_numpy() if f is not None else np.array([]) for f in found])
    return trains


def spike_trains_isolating(model: str, simulator: str, params: dict, currents: list, current_dt_ms: float,
                           dt_ms: float | None) -> tuple[list, dict]:
    """:func:`spike_trains`, where a candidate that breaks the simulation (NEST's
    "numerical instability" of a runaway AdEx) fails alone: the candidates are halved until
    the failing ones stand apart. Returns (``trains[r][c]``, None for a failed candidate;
    {candidate index: error text})."""
    size = max((np.size(v) for v in params.values() if np.ndim(v) == 1), default=1)
    trains, errors = [[None] * size for _ in currents], {}

    def attempt(indices: np.ndarray) -> None:
        chosen = {k: (np.asarray(v)[indices] if np.ndim(v) == 1 else v) for k, v in params.items()}
        try:
            found = spike_trains(model, simulator, chosen, currents, current_dt_ms, dt_ms)
        except Exception as error:  # noqa: BLE001 - a simulator's own error, kept as the candidate's row
            if len(indices) == 1:
                errors[int(indices[0])] = f"{type(error).__name__}: {error}"[:300]
                return
            half = len(indices) // 2
            attempt(indices[:half])
            attempt(indices[half:])
            return
        for r, per_recording in enumerate(found):
            for index, train in zip(indices, per_recording):
                trains[r][int(index)] = train

    attempt(np.arange(size))
    return trains, errors
