"""``zoo.run``: validate, build the model with PyNN on one backend, collect tables."""
from __future__ import annotations

import contextlib
import platform
import sys
import time
from typing import Iterable

import numpy as np
import pandas as pd

from . import backends, registry
from .declarations import zoo_version
from .declarations.model import Analysis, Network, Recording
from .declarations.parameters import check_seed
from .declarations.spike_trains import spike_shape, spike_train_metrics
from .result import Result
from .stimuli import recorded_current

#: Largest estimated memory of a run (GiB) accepted without being asked
#: (``max_memory_gib``, ``zoo run --max-memory``): a third of this machine kind's 24 GiB
#: (two runs of a sweep may run at once), beyond which a run risks swapping or being
#: killed after minutes of simulation. The default masquelier2008 run needs about 6.
MEMORY_BUDGET_GIB = 8.0
#: Bytes per recorded sample of v: the simulator's buffer and PyNN's Neo signal (8 each),
#: and for traced samples the long trace table (time, neuron, variable, value, and a
#: compartment's index and position: about 48).
BYTES_PER_SAMPLE = 16
BYTES_PER_TRACED_SAMPLE = 64
#: Bytes per generated input spike (the zoo's arrays, PyNN's spike-time sequences and
#: the simulator's spike sources), measured as the growth of peak memory between a 5 s
#: and a 45 s masquelier2008 run: 110 on NEST, 99 on Brian2.
BYTES_PER_INPUT_SPIKE = 110
#: Bytes per value of a step-by-step current (``GridCurrentSource``, one value per step and
#: neuron), measured as the growth of peak memory that a ramp into 100 neurons for 10 s
#: (1e7 values) added: 120 on NEST (a step_current_generator per neuron, the values as
#: Python lists and in NEST), 27 on Brian2, 15 on NEURON; the largest is counted.
BYTES_PER_WAVEFORM_SAMPLE = 120

#: PyNN's own per-channel annotation of signals; any other one (e.g. ``compartment``,
#: ``position_um`` of a multicompartment cell) becomes a column of the trace table.
PYNN_CHANNEL_ANNOTATION = "channel_index"


def run(
    name: str,
    simulator: str = backends.DEFAULT,
    duration_ms: float | None = None,
    dt_ms: float | None = None,
    seed: int | None = None,
    trace_neurons: int | Iterable[int] | None = None,
    spike_shape: bool = True,
    threads: int = 1,
    max_memory_gib: float | None = MEMORY_BUDGET_GIB,
    progress: bool | None = None,
    current_nA=None,
    current_dt_ms: float | None = None,
    **params,
) -> Result:
    """Run model ``name`` on ``simulator`` (``zoo.backends.names()``); return a :class:`Result`.

    ``params`` are the model's parameters by PyNN name, in PyNN units (``zoo show NAME``
    lists them). A 1-D array for a per-neuron parameter makes one heterogeneous
    population, one neuron per value, simulated once. ``duration_ms`` and ``dt_ms``
    (ms) and ``seed`` default to the model's protocol. ``trace_neurons``: the number
    of neurons, spread evenly, or the indices of those whose membrane potential is
    recorded (default: the protocol's ``traced_neurons``). ``spike_shape=False`` skips
    the spike-shape metrics of models that have them (they record v of every neuron).
    ``threads``: threads the simulator may use (NEST's ``local_num_threads``; Brian2
    runs single-threaded through PyNN); results do not depend on it.
    ``max_memory_gib``: a run whose recordings are estimated to need more (GiB) is
    refused before it starts (None or inf: no limit).
    ``progress``: a progress bar over simulated time on stderr for runs predicted to
    last more than a few seconds (None: when stderr is a terminal).
    ``current_nA``: a recorded current (nA, one value per sample of ``current_dt_ms`` ms;
    1-D: into every neuron, 2-D: one row per neuron) injected from t = 0 on top of the model's own stimulus
    (:mod:`zoo.stimuli.recorded_current`; ``zoo.recordings`` reads files); the run then
    lasts as long as the recording unless ``duration_ms`` says otherwise.

    Raises ValueError, before any simulator is imported, for an unknown model,
    simulator or parameter and for out-of-range values.
    """
    plan = _run_settings(prepare(name, simulator, duration_ms, dt_ms, seed, trace_neurons, params,
                                 current_nA, current_dt_ms), spike_shape, threads, progress)
    check_memory(plan, max_memory_gib)
    return execute(plan)


def _run_settings(plan: dict, spike_shape: bool, threads: int, progress: bool | None) -> dict:
    """The prepared run with how it runs: spike shapes, threads (checked), progress bar."""
    plan["spike_shape"] = bool(spike_shape)
    plan["threads"] = backends.backend_class(plan["simulator"]).check_threads(threads)
    plan["progress"] = sys.stderr.isatty() if progress is None else bool(progress)
    return plan


def memory_estimate_gib(plan: dict) -> float:
    """The memory (GiB) a prepared run will need, estimated from what its inputs determine:
    the samples of v it keeps (:data:`BYTES_PER_SAMPLE`), the input spikes the model
    declares it generates (:data:`BYTES_PER_INPUT_SPIKE`) and the values of the currents it
    injects step by step, a recorded current's included (:data:`BYTES_PER_WAVEFORM_SAMPLE`).
    Output spikes, which only the run decides, are not counted."""
    model, size = plan["model"], plan["size"]
    samples = round(plan["duration_ms"] / plan["dt_ms"]) + 1
    per_neuron = model.simulation.channels(plan["values"], size) / size if model.simulation.channels else 1
    traced = len(plan["traced"]) * per_neuron  # a traced cell keeps the traces of all its channels
    channels = size * per_neuron if _records_v_everywhere(model, plan.get("spike_shape", True)) else traced
    recorded = (channels * BYTES_PER_SAMPLE + traced * BYTES_PER_TRACED_SAMPLE) * samples
    simulation = model.simulation
    inputs = simulation.input_spikes(plan["values"], plan["duration_ms"]) if simulation.input_spikes else 0
    waveforms = (simulation.waveform_samples(plan["values"], size, plan["dt_ms"], plan["duration_ms"])
                 if simulation.waveform_samples else 0)
    if plan.get("current") is not None:  # a recorded current, on the grid: one row per distinct recording
        samples_nA = plan["current"][0]
        rows = len({row.tobytes() for row in samples_nA}) if samples_nA.ndim == 2 else 1
        waveforms += rows * round(plan["duration_ms"] / plan["dt_ms"])
    synapses = simulation.synapse_count(plan["values"]) if simulation.synapse_count else 0
    per_synapse = backends.backend_class(plan["simulator"]).bytes_per_synapse
    return (recorded + inputs * BYTES_PER_INPUT_SPIKE + waveforms * BYTES_PER_WAVEFORM_SAMPLE
            + synapses * per_synapse) / 2**30


def check_memory(plan: dict, max_memory_gib: float | None, copies: int = 1) -> None:
    """ValueError, before any simulation, if the run (``copies`` of its network, one per
    seed) would record more than allowed."""
    if max_memory_gib is None:
        return
    needed = memory_estimate_gib(plan) * copies
    if needed > float(max_memory_gib):
        raise ValueError(
            f"this run would need about {needed:.3g} GiB (recorded membrane potential, input spikes, injected "
            f"waveforms, synapses), more "
            f"than the {float(max_memory_gib):g} GiB allowed; shorten it, coarsen dt, trace fewer neurons, or "
            "raise the limit (zoo run --max-memory GIB, zoo.run(max_memory_gib=...))")


def _has_shape_metrics(model) -> bool:
    return any(m.source == "shape" for m in model.metrics)


def _records_v_everywhere(model, spike_shape: bool) -> bool:
    """v of every neuron or compartment is recorded: for spike shapes, or because the
    model's analysis needs it."""
    return (spike_shape and _has_shape_metrics(model)) or model.simulation.records_v_everywhere


def prepare(name, simulator, duration_ms, dt_ms, seed, trace_neurons, params, current_nA=None,
            current_dt_ms=None) -> dict:
    """Check every input and resolve defaults; import no simulator."""
    model = registry.get(name)
    backend_class = backends.check_model(model, backends.validate_simulator(simulator))
    backend_class.check_settings()
    dt_ms = model.protocol.dt_ms if dt_ms is None else _number("dt_ms", dt_ms)
    if duration_ms is None and current_nA is not None and current_dt_ms is not None:
        duration_ms = np.shape(current_nA)[-1] * float(current_dt_ms)  # the recording's length
    duration_ms = model.protocol.duration_ms if duration_ms is None else _number("duration_ms", duration_ms)
    backend_class.check_timing(dt_ms, duration_ms)
    seed = check_seed(model.protocol.seed if seed is None else seed)
    values, size = model.validate(params, dt_ms)
    if model.network:
        size = int(model.simulation.network_size(values))
        backend_class.check_network(model, values)
    backend_class.check_values(model.cell_types, values, dt_ms)
    traced = _traced(trace_neurons, size, model.protocol.traced_neurons) if "v" in model.protocol.recorded else []
    current = None
    if current_nA is not None:
        current = (_recorded_current(model, current_nA, current_dt_ms, dt_ms), float(current_dt_ms))
        if current[0].ndim == 2 and current[0].shape[0] != size:
            raise ValueError(f"current_nA has {current[0].shape[0]} rows (one recording per neuron) for "
                             f"{size} neurons; give one row per neuron, or a 1-D recording for all")
    return {"model": model, "simulator": simulator, "duration_ms": float(duration_ms), "dt_ms": float(dt_ms),
            "seed": seed, "values": values, "size": size, "traced": np.asarray(traced, dtype=int), "current": current}


def _recorded_current(model, current_nA, current_dt_ms, dt_ms: float) -> np.ndarray:
    """The checked recorded current, for a model whose neurons take an injected current."""
    takes_current = recorded_current.OFFSET_PARAMETER in {p.name for p in model.parameters}
    if model.network or not takes_current:
        takers = [name for name in registry.list_models() if not registry.get(name).network
                  and recorded_current.OFFSET_PARAMETER in {p.name for p in registry.get(name).parameters}]
        raise ValueError(f"model {model.name!r} takes no injected current (no {recorded_current.OFFSET_PARAMETER}); "
                         f"a recorded current goes into one of: {', '.join(takers)}")
    return recorded_current.check(current_nA, current_dt_ms, dt_ms)


def execute(plan: dict) -> Result:
    return _execute(plan, [plan["seed"]])[0]


def run_seeds(
    name: str,
    seeds: Iterable[int],
    simulator: str = backends.DEFAULT,
    duration_ms: float | None = None,
    dt_ms: float | None = None,
    trace_neurons: int | Iterable[int] | None = None,
    spike_shape: bool = True,
    threads: int = 1,
    max_memory_gib: float | None = MEMORY_BUDGET_GIB,
    progress: bool | None = None,
    **params,
) -> list[Result]:
    """Run model ``name`` once per seed, all seeds in one simulation; return one
    :class:`Result` per seed, in order, each as :func:`run` gives for that seed alone.

    Only for models whose seed only selects their input (``Model.seed_selects_input``):
    each seed builds its own copy of the network (its own input, neurons and
    synapses) beside the others, and one simulation serves them all. Arguments as for
    :func:`run`; the memory estimate is that of one seed times the number of seeds.
    Measured on masquelier2008, it is not faster than seed after seed on NEST or Brian2
    (``Backend.batches_seeds``, ``benchmarks/seeds.py``).
    """
    plan = prepare(name, simulator, duration_ms, dt_ms, None, trace_neurons, params)
    model = plan["model"]
    if not model.seed_selects_input:
        raise ValueError(f"model {name!r} does not declare that its seed only selects its input "
                         "(seed_selects_input), so its seeds cannot share one simulation; run each seed alone")
    seeds = [check_seed(seed) for seed in seeds]
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be one or more distinct seeds, got {seeds}")
    _run_settings(plan, spike_shape, threads, progress)
    check_memory(plan, max_memory_gib, copies=len(seeds))
    return _execute(plan, seeds)


def _execute(plan: dict, seeds: list[int]) -> list[Result]:
    """Build the model once per seed in one simulation, run it once, and collect each
    seed's tables (a single seed: an ordinary run)."""
    model, size, dt_ms, duration_ms = plan["model"], plan["size"], plan["dt_ms"], plan["duration_ms"]
    started = time.perf_counter()
    backend = backends.load(plan["simulator"])
    needs_shape = plan.get("spike_shape", True) and _has_shape_metrics(model)
    v_everywhere = _records_v_everywhere(model, plan.get("spike_shape", True))
    collected = []
    with _session(backend, dt_ms, seeds[0], plan.get("threads", 1), duration_ms,
                  model.simulation.whole_run_compilation) as sim:
        networks = []
        for seed in seeds:
            network = model.simulation.build(sim, plan["values"], size, duration_ms, seed)
            if not isinstance(network, Network):
                raise TypeError(f"model {model.name!r}: build must return a zoo Network, got {type(network).__name__}")
            if model.network:
                _record_populations(model, network, plan["traced"])
                networks.append(network)
                continue
            cells = network.neurons
            if plan.get("current") is not None:
                recorded_current.inject(sim, cells, *plan["current"], dt_ms, duration_ms)
            if model.spiking:
                cells.record("spikes")
            if v_everywhere:
                cells.record("v")
            elif len(plan["traced"]):
                cells[list(plan["traced"])].record("v")
            networks.append(network)
        backend.run(duration_ms, plan.get("progress", False))
        for network in networks:
            if model.network:
                collected.append(_collect_populations(model, backend, network, plan, dt_ms, duration_ms))
                continue
            cells = network.neurons
            block = cells.get_data()
            segment = block.segments[0]
            backend.report_spikes(segment, dt_ms)
            spikes = _spike_table(cells, segment, duration_ms)
            v = _signal(segment, "v") if v_everywhere else None
            analysis = Analysis()
            if model.simulation.analyse is not None:
                analysis = model.simulation.analyse(Recording(spikes=spikes, v=v, params=plan["values"],
                                                              duration_ms=duration_ms, state=network.state))
            collected.append((block, segment, spikes, v, analysis))
    wall_time_s = time.perf_counter() - started
    results = []
    for seed, (block, segment, spikes, v, analysis) in zip(seeds, collected):
        if model.network:
            summary = _population_summary(model, plan["values"], spikes, analysis, duration_ms)
        else:
            summary = _summary(model, plan["values"], size, spikes, duration_ms, analysis.metrics,
                               closed_form=plan.get("current") is None)  # theory knows no recorded current
        if needs_shape:
            for name, values in zip(("spike_peak_mv", "spike_half_width_ms"), _first_spike_shapes(v, summary)):
                summary[name] = values
        meta = pd.DataFrame([{
            "model": model.name, "simulator": backend.name, "simulator_version": backend.version,
            "pynn_version": backend.pynn_version, "zoo_version": zoo_version(),
            "python_version": platform.python_version(), "dt_ms": dt_ms, "duration_ms": duration_ms, "seed": seed,
            "n_neurons": size, "wall_time_s": wall_time_s,
            **_current_provenance(plan.get("current")),
        }])
        traces = _network_traces(segment) if model.network else _trace_table(segment, plan["traced"])
        results.append(Result(spikes=spikes, traces=traces, summary=summary,
                              meta=meta, tables=dict(analysis.tables), block=block, notes=list(analysis.notes)))
    return results


def _current_provenance(current) -> dict:
    """What a result carries of the recorded current it was driven by (none: nothing)."""
    if current is None:
        return {}
    values, interval = current
    return {"current_dt_ms": interval, "current_samples": recorded_current.samples(values),
            "current_digest": recorded_current.digest(values)}


@contextlib.contextmanager
def _session(backend, dt_ms, seed, threads=1, duration_ms=None, whole_run=False):
    with backend.quiet():
        sim = backend.setup(dt_ms, seed, threads, duration_ms, whole_run)
        try:
            yield sim
        finally:
            backend.end()


# -- networks (Model.populations) ----------------------------------------------------------
def _population_sizes(network, model) -> list[int]:
    if network.populations is None or list(network.populations) != list(model.populations):
        raise TypeError(f"model {model.name!r}: build must return a Network whose populations are "
                        f"{', '.join(model.populations)}, in that order")
    return [network.populations[name].size for name in model.populations]


def _record_populations(model, network, traced) -> None:
    """Spikes of every population; v of the traced neurons, indexed through the whole
    network (populations in declared order)."""
    starts = np.cumsum([0] + _population_sizes(network, model))
    for index, name in enumerate(model.populations):
        cells = network.populations[name]
        cells.record("spikes")
        local = traced[(traced >= starts[index]) & (traced < starts[index + 1])] - starts[index]
        if len(local):
            cells[[int(i) for i in local]].record("v")


def _collect_populations(model, backend, network, plan, dt_ms, duration_ms):
    """The Neo block of the whole network, one segment per population as PyNN returned it
    (named and annotated with its ``population``; its trains stay in Neo's multiplexed form:
    merging 12,500 trains into one segment took 37 s), the spike table with its
    ``population`` column, and the analysis."""
    import neo

    block = neo.Block(name=model.name)
    tables, state = [], dict(network.state)
    for name in model.populations:
        cells = network.populations[name]
        segment = cells.get_data().segments[0]
        backend.report_spikes(segment, dt_ms)
        segment.name = name
        segment.annotate(population=name)
        block.segments.append(segment)
        spikes = _spike_table(cells, segment, duration_ms)
        spikes.insert(0, "population", name)
        tables.append(spikes)
    spikes = pd.concat(tables, ignore_index=True)
    spikes["population"] = pd.Categorical(spikes["population"], categories=list(model.populations))
    state["population_sizes"] = dict(zip(model.populations, _population_sizes(network, model)))
    analysis = Analysis()
    if model.simulation.analyse is not None:
        analysis = model.simulation.analyse(Recording(spikes=spikes, v=None, params=plan["values"],
                                                      duration_ms=duration_ms, state=state))
    analysis = Analysis(metrics=dict(analysis.metrics), tables=dict(analysis.tables), notes=analysis.notes)
    analysis.metrics["_sizes"] = state["population_sizes"]
    return block, block.segments, spikes, None, analysis


def _population_summary(model, values, spikes, analysis, duration_ms) -> pd.DataFrame:
    """One row per population: ``population``, the parameter values, its measures
    (:mod:`zoo.declarations.population_activity`) over the model's rate window, the
    model's own metrics and the closed forms; the per-neuron table goes to
    ``analysis.tables["neurons"]``."""
    from .declarations.population_activity import population_measures

    sizes = analysis.metrics.pop("_sizes")
    window = model.simulation.rate_window(values, duration_ms) if model.simulation.rate_window else (0.0, duration_ms)
    rows, neurons = [], []
    closed = model.validation.closed_form.values(values) if model.validation.closed_form else {}
    for name in model.populations:
        own = spikes[spikes["population"] == name]
        measures, table = population_measures(own["neuron"].to_numpy(), own["t_ms"].to_numpy(float), sizes[name],
                                               window)
        table.insert(0, "population", name)
        neurons.append(table)
        row = {"population": name, **{k: float(np.asarray(v)) for k, v in values.items()}}
        for metric in model.metrics:
            if metric.source == "population":
                row[metric.name] = measures[metric.name]
            elif metric.source == "analysis":
                value = analysis.metrics[metric.name]
                row[metric.name] = float(value[name] if isinstance(value, dict) else value)
            else:
                row[metric.name] = np.nan
        for metric, value in closed.items():
            row[f"{metric}_closed_form"] = float(value[name] if isinstance(value, dict) else value)
        rows.append(row)
    table = pd.concat(neurons, ignore_index=True)
    table["population"] = pd.Categorical(table["population"], categories=list(model.populations))
    analysis.tables["neurons"] = table
    return pd.DataFrame(rows)


def _network_traces(segments) -> pd.DataFrame:
    """The traced neurons' v in long form, with their ``population`` (one segment each)."""
    frames = []
    for segment in segments:
        if not segment.analogsignals:
            continue
        table = _trace_table(segment, np.asarray(
            [n for s in segment.analogsignals for n in s.array_annotations[PYNN_CHANNEL_ANNOTATION]], dtype=np.int64))
        table.insert(1, "population", segment.annotations["population"])
        frames.append(table)
    if not frames:
        return pd.DataFrame({"t_ms": [], "population": [], "neuron": [], "variable": [], "value": []})
    return pd.concat(frames, ignore_index=True)


def _spike_table(cells, segment, duration_ms) -> pd.DataFrame:
    """The tidy spike table (population index, reported time) from the segment's
    multiplexed spike trains."""
    if not len(segment.spiketrains):
        return pd.DataFrame({"neuron": np.array([], dtype=np.int64), "t_ms": np.array([], dtype=float)})
    ids, times = segment.spiketrains.multiplexed
    neuron = cells.id_to_index(np.asarray(ids, dtype=int)) if len(ids) else np.array([], dtype=int)
    t_ms = np.asarray(times.rescale("ms").magnitude if hasattr(times, "rescale") else times, dtype=float)
    keep = t_ms <= duration_ms + 1e-9 * duration_ms
    table = pd.DataFrame({"neuron": np.asarray(neuron)[keep].astype(np.int64), "t_ms": t_ms[keep]})
    return table.sort_values(["t_ms", "neuron"], kind="stable").reset_index(drop=True)


def _signal(segment, name: str):
    """The AnalogSignal ``name`` of the segment."""
    (signal,) = [s for s in segment.analogsignals if s.name == name]
    return signal


def _first_spike_shapes(signal, summary):
    neurons = np.asarray(signal.array_annotations[PYNN_CHANNEL_ANNOTATION], dtype=np.int64)
    order = np.argsort(neurons)
    first = summary["first_spike_ms"].to_numpy()[neurons[order]]
    return spike_shape(signal.times.rescale("ms").magnitude, np.asarray(signal.magnitude)[:, order], first)


def _trace_table(segment, traced) -> pd.DataFrame:
    """Long form sorted by (variable, neuron[, first further annotation], t_ms); a
    signal's further per-channel annotations (a multicompartment cell's
    ``compartment``, ``position_um``) become columns. Built in that order
    (channel-major) rather than sorted afterwards: a 100-compartment run has 10⁶ rows."""
    frames = []
    for signal in sorted(segment.analogsignals, key=lambda s: s.name):
        times = signal.times.rescale("ms").magnitude
        annotations = signal.array_annotations
        neurons = np.asarray(annotations[PYNN_CHANNEL_ANNOTATION], dtype=np.int64)
        keep = np.flatnonzero(np.isin(neurons, traced))
        extra = [name for name in annotations if name != PYNN_CHANNEL_ANNOTATION]
        keys = [np.asarray(annotations[name])[keep] for name in reversed(extra[:1])] + [neurons[keep]]
        keep = keep[np.lexsort(keys)] if keep.size else keep
        columns = {
            "t_ms": np.tile(times, keep.size),
            "neuron": np.repeat(neurons[keep], len(times)),
            "variable": signal.name,
            "value": np.asarray(signal.magnitude)[:, keep].T.ravel(),
        }
        for name in extra:
            columns[name] = np.repeat(np.asarray(annotations[name])[keep], len(times))
        frames.append(pd.DataFrame(columns))
    if not frames:
        return pd.DataFrame({"t_ms": [], "neuron": [], "variable": [], "value": []})
    return pd.concat(frames, ignore_index=True)


def _summary(model, values, size, spikes, duration_ms, analysed, closed_form: bool = True) -> pd.DataFrame:
    """One row per neuron: parameter values, then the model's metrics in declared order
    (from the spike trains or the model's analysis), then the closed forms."""
    columns = {name: np.broadcast_to(np.asarray(value, dtype=float), (size,)) for name, value in values.items()}
    window = model.simulation.rate_window(values, duration_ms) if model.simulation.rate_window else None
    trains = spike_train_metrics(spikes["neuron"].to_numpy(), spikes["t_ms"].to_numpy(), size, duration_ms, window)
    metrics = {}
    for metric in model.metrics:
        if metric.source == "spikes":
            metrics[metric.name] = trains[metric.name].to_numpy()
        elif metric.source == "analysis":
            if metric.name not in analysed:
                raise RuntimeError(f"model {model.name!r}: its analysis did not compute {metric.name!r}")
            metrics[metric.name] = np.broadcast_to(np.asarray(analysed[metric.name], dtype=float), (size,))
        else:
            metrics[metric.name] = np.full(size, np.nan)  # filled by the runner (spike shape) when asked
    summary = pd.DataFrame({"neuron": np.arange(size), **columns, **metrics})
    closed = model.validation.closed_form if closed_form else None
    if closed is not None:
        for metric, value in closed.values(values).items():
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
