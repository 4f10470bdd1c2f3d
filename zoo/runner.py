"""``zoo.run``: validate, build the model with PyNN on one backend, collect tables."""
from __future__ import annotations

import contextlib
import platform
import time
from typing import Iterable

import numpy as np
import pandas as pd

from . import backends, registry
from .metrics import SHAPE_METRICS, spike_train_metrics
from .metrics import spike_shape as measure_spike_shape
from .result import Result


def run(
    name: str,
    simulator: str = "nest",
    duration_ms: float | None = None,
    dt_ms: float | None = None,
    seed: int | None = None,
    trace_neurons: int | Iterable[int] | None = None,
    spike_shape: bool = True,
    threads: int = 1,
    **params,
) -> Result:
    """Run model ``name`` on ``simulator`` ("nest" or "brian2"); return a :class:`Result`.

    ``params`` are the model's parameters by PyNN name, in PyNN units (``zoo show NAME``
    lists them). A 1-D array for a per-neuron parameter makes one heterogeneous
    population, one neuron per value, simulated once. ``duration_ms`` and ``dt_ms``
    (ms) and ``seed`` default to the model's protocol. ``trace_neurons``: the number
    of neurons, spread evenly, or the indices of those whose membrane potential is
    recorded (default: the protocol's ``traced_neurons``). ``spike_shape=False`` skips
    the spike-shape metrics of models that have them (they record v of every neuron).
    ``threads``: threads the simulator may use (NEST's ``local_num_threads``; Brian2
    runs single-threaded through PyNN); results do not depend on it.

    Raises ValueError, before any simulator is imported, for an unknown model,
    simulator or parameter and for out-of-range values.
    """
    plan = prepare(name, simulator, duration_ms, dt_ms, seed, trace_neurons, params)
    plan["spike_shape"] = bool(spike_shape)
    plan["threads"] = backends.backend_class(simulator).check_threads(threads)
    return execute(plan)


def prepare(name, simulator, duration_ms, dt_ms, seed, trace_neurons, params) -> dict:
    """Check every input and resolve defaults; import no simulator."""
    spec = registry.get(name)
    backend_class = backends.check_model(spec, backends.validate_simulator(simulator))
    backend_class.check_settings()
    duration_ms = spec.protocol.duration_ms if duration_ms is None else _number("duration_ms", duration_ms)
    dt_ms = spec.protocol.dt_ms if dt_ms is None else _number("dt_ms", dt_ms)
    backend_class.check_timing(dt_ms, duration_ms)
    seed = spec.protocol.seed if seed is None else seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2**31:
        raise ValueError(f"seed must be an integer in [0, 2**31), got {seed!r}")
    values, size = spec.validate(params, dt_ms)
    return {
        "spec": spec,
        "simulator": simulator,
        "duration_ms": float(duration_ms),
        "dt_ms": float(dt_ms),
        "seed": int(seed),
        "values": values,
        "size": size,
        "traced": _traced(trace_neurons, size, spec.protocol.traced_neurons),
    }


def execute(plan: dict) -> Result:
    spec, size, dt_ms, duration_ms = plan["spec"], plan["size"], plan["dt_ms"], plan["duration_ms"]
    started = time.perf_counter()
    backend = backends.load(plan["simulator"])
    needs_shape = plan.get("spike_shape", True) and any(m in SHAPE_METRICS for m in spec.metrics)
    with _session(backend, dt_ms, plan["seed"], plan.get("threads", 1), duration_ms,
                  spec.whole_run_compilation) as sim:
        extra = {"seed": plan["seed"]} if spec.seeded_build else {}
        cells = spec.build(sim, plan["values"], size, duration_ms, **extra)
        state = None
        if spec.analyse is not None:
            cells, state = cells
        cells.record("spikes")
        if needs_shape or spec.measure is not None:
            cells.record("v")
        elif len(plan["traced"]):
            cells[list(plan["traced"])].record("v")
        backend.run(duration_ms)
        segment = cells.get_data().segments[0]
        ids, times = segment.spiketrains.multiplexed
        neuron = cells.id_to_index(np.asarray(ids, dtype=int)) if len(ids) else np.array([], dtype=int)
        spikes = _spike_table(np.asarray(neuron), times, backend, dt_ms, duration_ms)
        analysed, tables = ({}, {}) if spec.analyse is None else spec.analyse(state, spikes, plan["values"],
                                                                              duration_ms)
    traces = _trace_table(segment, plan["traced"])
    measured, profile = _measure(spec, segment, plan["values"], duration_ms)
    measured.update(analysed)
    summary = _summary(spec, plan["values"], size, spikes, duration_ms, measured)
    if needs_shape:
        summary["spike_peak_mv"], summary["spike_half_width_ms"] = _first_spike_shapes(segment, summary)
    meta = pd.DataFrame(
        [
            {
                "model": spec.name,
                "simulator": backend.name,
                "simulator_version": backend.version,
                "pynn_version": backend.pynn_version,
                "zoo_version": _zoo_version(),
                "python_version": platform.python_version(),
                "dt_ms": dt_ms,
                "duration_ms": duration_ms,
                "seed": plan["seed"],
                "n_neurons": size,
                "wall_time_s": time.perf_counter() - started,
            }
        ]
    )
    return Result(spikes=spikes, traces=traces, summary=summary, meta=meta, profile=profile, tables=tables)


@contextlib.contextmanager
def _session(backend, dt_ms, seed, threads=1, duration_ms=None, whole_run=False):
    with backend.quiet():
        sim = backend.setup(dt_ms, seed, threads, duration_ms, whole_run)
        try:
            yield sim
        finally:
            backend.end()


def _spike_table(neuron, times, backend, dt_ms, duration_ms) -> pd.DataFrame:
    """Flat (population index, time) arrays -> the tidy spike table, in reported times."""
    t_ms = np.asarray(times.rescale("ms").magnitude if hasattr(times, "rescale") else times, dtype=float)
    t_ms = backend.report_spike_times(t_ms, dt_ms)
    keep = t_ms <= duration_ms + 1e-9 * duration_ms
    table = pd.DataFrame({"neuron": neuron[keep].astype(np.int64), "t_ms": t_ms[keep]})
    return table.sort_values(["t_ms", "neuron"], kind="stable").reset_index(drop=True)


def _first_spike_shapes(segment, summary):
    (signal,) = [s for s in segment.analogsignals if s.name == "v"]
    neurons = np.asarray(signal.array_annotations["channel_index"], dtype=np.int64)
    order = np.argsort(neurons)
    first = summary["first_spike_ms"].to_numpy()[neurons[order]]
    return measure_spike_shape(signal.times.rescale("ms").magnitude, signal.magnitude[:, order], first)


#: Per-channel annotations of compartmental signals, kept as trace columns.
COMPARTMENT_COLUMNS = ("compartment", "position_um")


def _trace_table(segment, traced) -> pd.DataFrame:
    """Long form sorted by (variable, neuron[, compartment], t_ms); signals of
    compartmental cells add ``compartment`` and ``position_um``. Built in that order
    (channel-major) rather than sorted afterwards: a 100-compartment run has 10⁶ rows."""
    frames = []
    for signal in sorted(segment.analogsignals, key=lambda s: s.name):
        times = signal.times.rescale("ms").magnitude
        annotations = signal.array_annotations
        neurons = np.asarray(annotations["channel_index"], dtype=np.int64)
        keep = np.flatnonzero(np.isin(neurons, traced))
        extra = [name for name in COMPARTMENT_COLUMNS if name in annotations]
        keys = [np.asarray(annotations[name])[keep] for name in reversed(extra[:1])] + [neurons[keep]]
        keep = keep[np.lexsort(keys)] if keep.size else keep
        columns = {
            "t_ms": np.tile(times, keep.size),
            "neuron": np.repeat(neurons[keep], len(times)),
            "variable": signal.name,
            "value": signal.magnitude[:, keep].T.ravel(),
        }
        for name in extra:
            columns[name] = np.repeat(np.asarray(annotations[name])[keep], len(times))
        frames.append(pd.DataFrame(columns))
    if not frames:
        return pd.DataFrame({"t_ms": [], "neuron": [], "variable": [], "value": []})
    return pd.concat(frames, ignore_index=True)


def _measure(spec, segment, values, duration_ms):
    """The model's own metrics from v in every compartment, and its profile table."""
    if spec.measure is None:
        return {}, None
    (signal,) = [s for s in segment.analogsignals if s.name == "v"]
    positions = np.asarray(signal.array_annotations["position_um"], dtype=float)
    return spec.measure(signal.times.rescale("ms").magnitude, signal.magnitude, positions, values, duration_ms)


def _summary(spec, values, size, spikes, duration_ms, measured) -> pd.DataFrame:
    columns = {name: np.broadcast_to(np.asarray(value, dtype=float), (size,)) for name, value in values.items()}
    metrics = spike_train_metrics(spikes["neuron"].to_numpy(), spikes["t_ms"].to_numpy(), size, duration_ms)
    metrics = metrics[["neuron"] + [m for m in spec.metrics if m in metrics.columns]]
    for name in spec.metrics:
        if name in measured:
            metrics[name] = np.broadcast_to(np.asarray(measured[name], dtype=float), (size,))
    summary = pd.concat([metrics[["neuron"]], pd.DataFrame(columns), metrics.drop(columns="neuron")], axis=1)
    if spec.closed_form is not None and values.get("step_amplitude", 0.0) == 0.0:
        for metric, value in spec.closed_form(values).items():
            summary[f"{metric}_closed_form"] = np.broadcast_to(np.asarray(value, dtype=float), (size,))
    return summary


def _traced(trace_neurons, size: int, default: int) -> np.ndarray:
    if trace_neurons is None:
        trace_neurons = default
    if isinstance(trace_neurons, (int, np.integer)):
        count = min(int(trace_neurons), size)
        if count < 0:
            raise ValueError(f"trace_neurons must be >= 0, got {trace_neurons}")
        return np.unique(np.linspace(0, size - 1, count).round().astype(int)) if count else np.array([], int)
    indices = np.unique(np.asarray(list(trace_neurons), dtype=int))
    if indices.size and (indices.min() < 0 or indices.max() >= size):
        raise ValueError(f"trace_neurons must be indices in [0, {size - 1}], got {indices.tolist()}")
    return indices


def _number(name: str, value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in ms, got {value!r}") from None


def _zoo_version() -> str:
    from . import __version__

    return __version__
