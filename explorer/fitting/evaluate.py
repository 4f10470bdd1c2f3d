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


def responses(model: str, simulator: str, params: dict, currents: list, current_dt_ms: float,
              dt_ms: float | None, voltage: bool = False) -> tuple[list, list | None]:
    """The spike times (ms) of each candidate under each recording, ``trains[r][c]``, and
    with ``voltage`` its membrane potential (mV) at the recording's samples, ``traces[r][c]``
    (else None). ``params``: arrays of one value per candidate and fixed scalars;
    ``currents``: the recordings (nA, one 1-D array each, sampled every ``current_dt_ms``).
    Recordings of different lengths run as long as the longest, and each response is cut at
    its own recording's end (what came before is the same)."""
    currents = [np.asarray(c, dtype=float) for c in currents]
    size = max((np.size(v) for v in params.values() if np.ndim(v) == 1), default=1)
    per_neuron = registry.get(model).per_neuron_parameters
    tiled = {name: (np.tile(np.broadcast_to(value, size), len(currents)) if name in per_neuron else value)
             for name, value in params.items()}
    longest = max(c.size for c in currents)
    rows = np.stack([np.pad(c, (0, longest - c.size)) for c in currents])
    current = rows[0] if len(currents) == 1 else np.repeat(rows, size, axis=0)
    neurons = size * len(currents)
    result = run(model, simulator=simulator, dt_ms=dt_ms, current_nA=current, current_dt_ms=current_dt_ms,
                 trace_neurons=list(range(neurons)) if voltage else 0, spike_shape=False, max_memory_gib=None,
                 progress=False, **tiled)
    times = result.spikes.sort_values("t_ms")
    by_neuron = dict(tuple(times.groupby("neuron")["t_ms"]))
    trains = []
    for k, recording in enumerate(currents):
        end = recording.size * current_dt_ms
        found = [by_neuron.get(k * size + c) for c in range(size)]
        trains.append([f[f < end].to_numpy() if f is not None else np.array([]) for f in found])
    if not voltage:
        return trains, None
    v = _v_at_samples(result, neurons, longest, current_dt_ms)
    return trains, [[v[k * size + c, :recording.size] for c in range(size)] for k, recording in enumerate(currents)]


def _v_at_samples(result, neurons: int, samples: int, sample_ms: float) -> np.ndarray:
    """v (mV) of every neuron at t = k·sample_ms, k < samples: one row per neuron."""
    (signal,) = [s for s in result.block.segments[0].analogsignals if s.name == "v"]
    times = signal.times.rescale("ms").magnitude
    columns = np.asarray(signal.array_annotations["channel_index"], dtype=int)
    values = np.asarray(signal.magnitude)[:, np.argsort(columns)].T
    at = np.searchsorted(times, np.arange(samples) * sample_ms - 1e-9)
    return values[:neurons, at]


def spike_trains(model: str, simulator: str, params: dict, currents: list, current_dt_ms: float,
                 dt_ms: float | None) -> list[list[np.ndarray]]:
    """The spike trains of :func:`responses`."""
    return responses(model, simulator, params, currents, current_dt_ms, dt_ms)[0]


def responses_isolating(model: str, simulator: str, params: dict, currents: list, current_dt_ms: float,
                        dt_ms: float | None, voltage: bool = False) -> tuple[list, list | None, dict]:
    """:func:`responses`, where a candidate that breaks the simulation (NEST's
    "numerical instability" of a runaway AdEx) fails alone: the candidates are halved until
    the failing ones stand apart. Returns (trains, traces (None without ``voltage``), each
    ``[r][c]`` with None for a failed candidate; {candidate index: error text})."""
    size = max((np.size(v) for v in params.values() if np.ndim(v) == 1), default=1)
    trains, errors = [[None] * size for _ in currents], {}
    traces = [[None] * size for _ in currents] if voltage else None

    def attempt(indices: np.ndarray) -> None:
        chosen = {k: (np.asarray(v)[indices] if np.ndim(v) == 1 else v) for k, v in params.items()}
        try:
            found, shapes = responses(model, simulator, chosen, currents, current_dt_ms, dt_ms, voltage)
        except Exception as error:  # noqa: BLE001 - a simulator's own error, kept as the candidate's row
            if len(indices) == 1:
                errors[int(indices[0])] = f"{type(error).__name__}: {error}"[:300]
                return
            half = len(indices) // 2
            attempt(indices[:half])
            attempt(indices[half:])
            return
        for r, per_recording in enumerate(found):
            for k, index in enumerate(indices):
                trains[r][int(index)] = per_recording[k]
                if voltage:
                    traces[r][int(index)] = shapes[r][k]

    attempt(np.arange(size))
    return trains, traces, errors


def spike_trains_isolating(model: str, simulator: str, params: dict, currents: list, current_dt_ms: float,
                           dt_ms: float | None) -> tuple[list, dict]:
    """The trains and errors of :func:`responses_isolating`."""
    trains, _, errors = responses_isolating(model, simulator, params, currents, current_dt_ms, dt_ms)
    return trains, errors
