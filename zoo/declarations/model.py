"""A zoo model, declared once, in three parts:

- **what it is** (:class:`Model`): name, summary, citation, parameters, default
  protocol, the metrics it reports, the cell types it needs;
- **how it runs** (:class:`Simulation`): ``build`` creates the network with the PyNN
  API of the ``sim`` namespace it is given (never naming a simulator) and
  ``analyse`` turns the recording into the model's own metrics and tables;
- **how it is validated** (:class:`Validation`): closed forms with tolerances derived
  from the numerics, agreement tolerances between simulators, the check protocols
  ``zoo check`` sweeps, and studies against published values.

Plain data: nothing here imports a simulator or anything above the declarations.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np

from .fitting import FitSpace
from .metrics import SPIKE_TRAIN_DISTANCES, Metric
from .parameters import Constraint, Parameter, Relation, parameter, validate


@dataclass(frozen=True)
class Protocol:
    """The default experiment: stimulus, duration and time step (ms), what is recorded
    (``spikes`` and/or ``v``), how many neurons' v is kept, the seed, and the largest
    population per simulation in sweeps (memory; None: no limit)."""

    stimulus: str
    duration_ms: float = 1000.0
    dt_ms: float = 0.1
    recorded: tuple[str, ...] = ("spikes", "v")
    traced_neurons: int = 5
    seed: int = 1
    max_population: int | None = None


@dataclass(frozen=True)
class Network:
    """What :attr:`Simulation.build` returns: the population whose neurons are
    recorded, and what the model's analysis needs after the run (projections, input).
    A network model (``Model.populations``) gives ``populations`` instead, by the names
    it declares, each recorded and summarised on its own."""

    neurons: object = None
    state: Mapping = field(default_factory=dict)
    populations: Mapping | None = None


@dataclass(frozen=True)
class Recording:
    """What :attr:`Simulation.analyse` sees after the run: the spike table (``neuron``,
    ``t_ms``), the membrane potential of every neuron or compartment when the
    simulation asks for it (``v``: a Neo AnalogSignal, else None), the parameter values,
    the duration (ms) and the network's ``state``."""

    spikes: object
    v: object
    params: Mapping
    duration_ms: float
    state: Mapping


@dataclass(frozen=True)
class Analysis:
    """The model's own metrics (name -> value, or one value per neuron), further
    tables (name -> DataFrame, kept in the result as ``result.<name>``) and notes: why
    a metric is NaN, and what to change (shown by ``zoo run``, kept as ``result.notes``)."""

    metrics: Mapping = field(default_factory=dict)
    tables: Mapping = field(default_factory=dict)
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Simulation:
    """How the model runs.

    ``build(sim, params, size, duration_ms, seed) -> Network``; ``analyse(Recording)
    -> Analysis`` (None: the model reports only what the runner computes from spikes).
    ``records_v_everywhere``: the analysis needs v of every neuron or compartment.
    ``channels(params, size)``: how many v signals one population of ``size`` records
    when v is recorded everywhere (default: one per neuron; a cable: one per
    compartment), for the runner's memory estimate.
    ``rate_window(params, duration_ms) -> (start, stop)``: the spikes ``rate_hz``
    counts, (start, stop] in ms (None: the whole run).
    ``whole_run_compilation``: the model adds no per-step Python callbacks (PyNN
    current sources), so a backend may compile a long run whole.
    ``injected_current(params, t_ms) -> nA``: the current injected at times ``t_ms``
    into a neuron with parameter values ``params`` (scalars), drawn under its
    potential (None: the model injects none the figure should show).
    ``input_spikes(params, duration_ms)``: the number of input spikes the model
    generates (expected), for the runner's memory estimate (None: none).
    ``waveform_samples(params, size, dt_ms, duration_ms)``: the number of values of the
    step-by-step currents (``GridCurrentSource``) the model injects, all neurons together,
    for the same estimate (None: none).
    ``figure``: ``"module:function"`` drawing the model's own figure,
    ``function(result, fig)`` (None: the zoo's figure for the kind of run).
    ``network_size(params) -> int``: a network model's neurons, all populations together;
    ``synapse_count(params) -> int``: its synapses (for the memory estimate, before any run).
    """

    build: Callable[..., Network]
    analyse: Callable[[Recording], Analysis] | None = None
    records_v_everywhere: bool = False
    channels: Callable[[Mapping, int], int] | None = None
    rate_window: Callable[[Mapping, float], tuple[float, float]] | None = None
    whole_run_compilation: bool = False
    injected_current: Callable[[Mapping, np.ndarray], np.ndarray] | None = None
    input_spikes: Callable[[Mapping, float], float] | None = None
    waveform_samples: Callable[[Mapping, int, float, float], float] | None = None
    figure: str | None = None
    network_size: Callable[[Mapping], int] | None = None
    synapse_count: Callable[[Mapping], int] | None = None


@dataclass(frozen=True)
class ClosedForm:
    """Theory for some metrics: ``values(params) -> {metric: value per neuron}`` (NaN
    where the theory does not apply, e.g. under a step current) and
    ``tolerance(rows, numerics) -> {metric: allowed |simulated − theory| per row}``,
    derived from the numerics (:class:`zoo.declarations.numerics.Numerics`)."""

    metrics: tuple[str, ...]
    values: Callable[[Mapping], Mapping]
    tolerance: Callable
    doc: str


@dataclass(frozen=True)
class Agreement:
    """Tolerances between two simulators: ``tolerances(pairs, numerics) -> {metric:
    allowed |difference| per pair}`` for every metric in ``covers``. ``pairs`` holds,
    per compared point, the parameters and the first simulator's metrics."""

    covers: tuple[str, ...]
    tolerances: Callable
    doc: str = ""
    #: Integration schemes (``numerics.SCHEMES``) whose error these tolerances bound from
    #: the same simulator's convergence runs at dt/2 and dt/4 (``zoo.declarations.convergence``):
    #: ``zoo check`` and ``zoo conformance`` run them and pass them on.
    convergence_runs: tuple[str, ...] = ()
    #: Whether ``tolerances`` also bounds one simulator's runs at two time steps (rows with
    #: ``dt_ms@b``): the conformance matrix then judges each simulator against its finest step.
    across_steps: bool = False


@dataclass(frozen=True)
class CheckProtocol:
    """One sweep of ``zoo check``: parameter values (arrays make one population) and
    the run settings."""

    params: Mapping[str, object]
    duration_ms: float = 1000.0
    dt_ms: float = 0.1


@dataclass(frozen=True)
class Validation:
    """How the model is validated: ``closed_form`` against theory, ``agreement``
    between simulators, the ``protocols`` that ``zoo check`` sweeps, and ``studies``:
    ``"module:function"`` entry points, each ``(simulator) -> list of verdict rows``
    against published or derived values (imported only by the checks).
    ``same_run_at_every_dt``: False when the model's input is drawn on the time grid (noise
    sampled per step), so runs at two time steps are two different experiments and
    nothing converges as dt shrinks (the conformance matrix then measures no order)."""

    closed_form: ClosedForm | None = None
    agreement: Agreement | None = None
    protocols: tuple[CheckProtocol, ...] = ()
    studies: tuple[str, ...] = ()
    same_run_at_every_dt: bool = True


@dataclass(frozen=True)
class Model:
    """A canonical model: what it is, how it runs (``simulation``) and how it is
    validated (``validation``). ``relations`` and ``constraints`` restrict parameter
    values beyond their ranges; ``cell_types`` are the zoo cell types it builds with
    (a simulator that lacks one is refused before any simulation); ``revision`` is
    bumped when results change for the same parameters (it is part of every sweep key).
    ``trials`` names the parameter that sets how many trials a run repeats: each trial
    is one neuron of the population (one simulation), all parameters then hold for the
    whole population, and a sweep keeps one row per point (``explorer.tasks``).
    ``seed_selects_input``: the seed only draws the model's inputs (its network and
    its simulator's own random numbers do not depend on it), so several seeds can run
    as independent copies of the network in one simulation (``zoo.run_seeds``), each
    as it would alone; the explorer then batches a sweep's seeds."""

    name: str
    summary: str
    citation: str
    parameters: tuple[Parameter, ...]
    protocol: Protocol
    metrics: tuple[Metric, ...]
    simulation: Simulation
    validation: Validation = field(default_factory=Validation)
    relations: tuple[Relation, ...] = ()
    constraints: tuple[Constraint, ...] = ()
    cell_types: tuple[str, ...] = ()
    revision: int = 1
    doc: str = ""
    trials: str | None = None
    seed_selects_input: bool = False
    #: A network model's populations, by name, in order (e.g. ``("E", "I")``): each is
    #: recorded and gets one row of the summary (``population``, its measures:
    #: :data:`zoo.declarations.metrics.POPULATION`); the spike table gains ``population``
    #: and the per-neuron measures go to ``result.neurons``. Empty: one population.
    populations: tuple[str, ...] = ()
    #: ``"module:function"``, ``(table, x, y) -> matplotlib Figure or None``: the model's own
    #: figure of a sweep over ``x`` and ``y`` (a sweep table, ``explorer.load``), which
    #: ``zoo plot`` draws when no metric is asked for; None where it does not apply to
    #: that sweep (the generic heatmaps are drawn then). Imported only when plotting.
    sweep_figure: str | None = None
    #: What ``zoo fit`` searches by default (:mod:`zoo.declarations.fitting`); empty: the
    #: model is fitted only with ``--fit`` flags.
    fit_space: FitSpace = field(default_factory=FitSpace)

    def __post_init__(self):
        names = [m.name for m in self.metrics]
        if len(set(names)) != len(names):
            raise ValueError(f"model {self.name!r} declares a metric twice: {names}")
        if len({p.name for p in self.parameters}) != len(self.parameters):
            raise ValueError(f"model {self.name!r} declares a parameter twice")
        compared = [m.name for m in self.compared_metrics]
        covered = set(self.validation.agreement.covers) if self.validation.agreement else set()
        missing = [m for m in compared if m not in covered]
        if missing:
            raise ValueError(f"model {self.name!r}: compared metrics without an agreement tolerance: "
                             f"{', '.join(missing)}; declare one or mark them informational")
        if self.trials is not None:
            per_neuron = [p.name for p in self.parameters if p.per_neuron]
            if self.trials not in {p.name for p in self.parameters} or per_neuron:
                raise ValueError(f"model {self.name!r}: trials must name one of its parameters, and a model of "
                                 f"trials has no per-neuron parameter (found: {', '.join(per_neuron) or 'none'})")
        if self.populations:
            per_neuron = [p.name for p in self.parameters if p.per_neuron]
            if self.trials is not None or per_neuron or len(set(self.populations)) != len(self.populations):
                raise ValueError(f"model {self.name!r}: a network names distinct populations and has no trials and "
                                 f"no per-neuron parameter (found: {', '.join(per_neuron) or 'none'})")
            if self.simulation.network_size is None:
                raise ValueError(f"model {self.name!r}: a network declares its size (Simulation.network_size)")
        self._check_fit_space()
        closed = self.validation.closed_form
        if closed is not None and not set(closed.metrics) <= set(names):
            raise ValueError(f"model {self.name!r}: closed form of metrics it does not report")

    def _check_fit_space(self) -> None:
        """The default fit space names per-neuron parameters, inside their ranges."""
        by_name = {p.name: p for p in self.parameters}
        for bound in self.fit_space.bounds:
            spec = by_name.get(bound.name)
            if spec is None or not spec.per_neuron:
                raise ValueError(f"model {self.name!r}: its fit space names {bound.name!r}, not a per-neuron parameter")
            if not spec.interval.contains(np.array([bound.low, bound.high])).all():
                raise ValueError(f"model {self.name!r}: fit bounds of {bound.name} ({bound.low:g}:{bound.high:g}) "
                                 f"leave its range {spec.bounds}")
        unknown = set(self.fit_space.fixed) - set(by_name)
        if unknown:
            raise ValueError(f"model {self.name!r}: its fit space fixes unknown parameters {sorted(unknown)}")

    @property
    def spiking(self) -> bool:
        """Whether runs produce spike trains (compared with spike-train distances)."""
        return "spikes" in self.protocol.recorded

    @property
    def network(self) -> bool:
        """Whether the model is a network of named populations (:attr:`populations`)."""
        return bool(self.populations)

    @property
    def compared_metrics(self) -> tuple[Metric, ...]:
        """Metrics judged across simulators: the compared summary metrics, and the
        spike-train distances of a spiking model (not of a network, whose trains
        agree only in distribution)."""
        own = tuple(m for m in self.metrics if m.compared)
        return own + (SPIKE_TRAIN_DISTANCES if self.spiking and not self.network else ())

    def metric(self, name: str) -> Metric:
        for m in self.metrics + SPIKE_TRAIN_DISTANCES:
            if m.name == name:
                return m
        raise ValueError(f"unknown metric {name!r} for model {self.name!r}; "
                         f"metrics: {', '.join(m.name for m in self.metrics)}")

    @property
    def metric_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    @property
    def parameter_names(self) -> list[str]:
        return [p.name for p in self.parameters]

    @property
    def per_neuron_parameters(self) -> set[str]:
        return {p.name for p in self.parameters if p.per_neuron}

    def parameter(self, name: str) -> Parameter:
        return parameter(self.name, self.parameters, name)

    def defaults(self) -> dict[str, float]:
        return {p.name: p.default for p in self.parameters}

    def validate(self, params: Mapping[str, object], dt_ms: float | None = None
                 ) -> tuple[dict[str, np.ndarray | float], int]:
        """Values (defaults filled in) and population size; ValueError naming the
        problem (see :func:`zoo.declarations.parameters.validate`). A model of trials
        has one neuron per trial."""
        values, size = validate(self.name, self.parameters, params, dt_ms, self.relations, self.constraints)
        return values, (int(values[self.trials]) if self.trials is not None else size)
