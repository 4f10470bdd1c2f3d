"""Multicompartment cells described once, in the style of PyNN's ``MultiCompartmentNeuron``.

PyNN 0.13 runs multicompartment cells only on NEURON and Arbor. The zoo declares
them here, without importing a simulator, and each backend translates the same
description: NEST to ``cm_default`` (``nest_multicompartment``), Brian2 to
``SpatialNeuron`` (``brian2_multicompartment``). A model uses it as::

    mc = sim.multicompartment
    cell = mc.MultiCompartmentNeuron(
        morphology=mc.Cylinder(length=1000.0, diameter=2.0, n_compartments=100),
        cm=1.0, Ra=100.0, pas=mc.PassiveLeak(conductance_density=5e-5, e_rev=-65.0))
    cells = sim.Population(1, cell)
    mc.DCSource(amplitude=0.1, start=0.0, stop=float("inf")).inject_into(cells, location=0.0)
    cells.record("v")

Units are PyNN's for multicompartment cells: lengths in µm, ``cm`` in µF/cm², ``Ra``
in Ω·cm, conductance densities in S/cm², potentials in mV, currents in nA, times in ms.

**Compartments.** A cylinder of length L is cut into N equal compartments; compartment
i is centred at x_i = (i + ½)·L/N and carries the membrane of its length
(area π·d·Δx); neighbours are coupled by the axial conductance π·d²/(4·Ra·Δx). Both
ends are sealed. This is Brian2's ``Cylinder`` exactly, and what the NEST translation
builds compartment by compartment.

**Channels.** ``NaChannel`` (m³h) and ``KdrChannel`` (n) are the sodium and delayed
rectifier potassium channels built into NEST's ``cm_default``: the kinetics of
Mainen & Sejnowski (1996, Nature 382:363) as used by Branco, Clark & Häusser (2010,
Science 329:1671; ModelDB 140828, na.mod and kv.mod), at 37 °C (rates × 3.21).
Their rate functions are written once below (:data:`RATES`, in mV and 1/ms); the
Brian2 translation integrates them, NEST uses its own copy of the same functions.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

#: Temperature factor of the channel kinetics: 2.3^((37 − 23)/10) = 3.21 (NEST's q10 = 1/3.21).
RATE_FACTOR = 3.21

#: Rate functions (1/ms at 23 °C) of ``v`` (mV), as expressions that NumPy and Brian2 both
#: evaluate; ``exprel(x) = (exp(x) − 1)/x`` keeps the removable singularities finite.
RATES = {
    "alpha_m": "0.182*9/exprel(-(v + 35.013)/9)",
    "beta_m": "0.124*9/exprel((v + 35.013)/9)",
    "alpha_h": "0.024*5/exprel(-(v + 50.013)/5)",
    "beta_h": "0.0091*5/exprel((v + 75.013)/5)",
    "alpha_n": "0.02*9/exprel(-(v - 25)/9)",
    "beta_n": "0.002*9/exprel((v - 25)/9)",
}
#: h relaxes to this steady state (not alpha_h/(alpha_h + beta_h)), as in na.mod.
H_INF = "1/(1 + exp((v + 65)/6.2))"


def steady_state_gates(v_mv: float) -> dict[str, float]:
    """Steady-state m, h, n at ``v_mv`` (mV), evaluated from :data:`RATES`."""
    from scipy.special import exprel

    names = {"exp": np.exp, "exprel": exprel, "v": float(v_mv)}
    rate = {name: eval(expr, names) for name, expr in RATES.items()}  # noqa: S307 - our own constants
    return {
        "m": rate["alpha_m"] / (rate["alpha_m"] + rate["beta_m"]),
        "h": float(eval(H_INF, names)),  # noqa: S307
        "n": rate["alpha_n"] / (rate["alpha_n"] + rate["beta_n"]),
    }


@dataclass(frozen=True)
class Cylinder:
    """An unbranched cable: ``length`` (µm), ``diameter`` (µm), ``n_compartments`` ≥ 1."""

    length: float
    diameter: float
    n_compartments: int

    def __post_init__(self):
        if not (self.length > 0 and self.diameter > 0 and math.isfinite(self.length * self.diameter)):
            raise ValueError(f"a cylinder needs finite length and diameter > 0 µm, got {self.length}, {self.diameter}")
        if int(self.n_compartments) != self.n_compartments or self.n_compartments < 1:
            raise ValueError(f"n_compartments must be a whole number >= 1, got {self.n_compartments}")
        object.__setattr__(self, "n_compartments", int(self.n_compartments))

    @property
    def compartment_length(self) -> float:
        """Δx (µm)."""
        return self.length / self.n_compartments

    @property
    def positions(self) -> np.ndarray:
        """Distance of each compartment's centre from the proximal end (µm)."""
        return (np.arange(self.n_compartments) + 0.5) * self.compartment_length

    def compartment_at(self, location: float) -> int:
        """Index of the compartment containing ``location`` (µm from the proximal end)."""
        if not 0.0 <= location <= self.length:
            raise ValueError(f"location {location:g} µm is outside the cable [0, {self.length:g}] µm")
        return min(int(location // self.compartment_length), self.n_compartments - 1)


@dataclass(frozen=True)
class PassiveLeak:
    """Leak: ``conductance_density`` (S/cm²), reversal ``e_rev`` (mV)."""

    conductance_density: float = 0.0003
    e_rev: float = -65.0


@dataclass(frozen=True)
class NaChannel:
    """Sodium, g = ḡ·m³·h: ``conductance_density`` ḡ (S/cm²), reversal ``e_rev`` (mV)."""

    conductance_density: float = 0.0
    e_rev: float = 50.0


@dataclass(frozen=True)
class KdrChannel:
    """Delayed rectifier potassium, g = ḡ·n: ``conductance_density`` ḡ (S/cm²), ``e_rev`` (mV)."""

    conductance_density: float = 0.0
    e_rev: float = -85.0


@dataclass(frozen=True)
class MultiCompartmentNeuron:
    """A cable cell: morphology, specific capacitance ``cm`` (µF/cm²), axial
    resistivity ``Ra`` (Ω·cm), and uniform channel densities. Starts at ``pas.e_rev``
    with every gate at its steady state there."""

    morphology: Cylinder
    cm: float = 1.0
    Ra: float = 100.0
    pas: PassiveLeak = field(default_factory=PassiveLeak)
    na: NaChannel = field(default_factory=NaChannel)
    kdr: KdrChannel = field(default_factory=KdrChannel)

    @property
    def active(self) -> bool:
        return self.na.conductance_density > 0 or self.kdr.conductance_density > 0

    def compartment_values(self) -> dict[str, float]:
        """Per-compartment capacitance (pF), leak and axial conductances (nS) and channel
        conductances (nS) of the uniform cable (see the module docstring)."""
        geometry = self.morphology
        length_cm = geometry.compartment_length * 1e-4
        diameter_cm = geometry.diameter * 1e-4
        area_cm2 = math.pi * diameter_cm * length_cm
        return {
            "C_m": self.cm * area_cm2 * 1e6,  # µF -> pF
            "g_L": self.pas.conductance_density * area_cm2 * 1e9,  # S -> nS
            "g_C": math.pi * diameter_cm**2 / (4.0 * self.Ra * length_cm) * 1e9,
            "gbar_Na": self.na.conductance_density * area_cm2 * 1e9,
            "gbar_K": self.kdr.conductance_density * area_cm2 * 1e9,
        }


@dataclass(frozen=True)
class DCSource:
    """A current step (PyNN's ``DCSource`` parameters): ``amplitude`` (nA) from
    ``start`` to ``stop`` (ms). Like PyNN's current sources on NEST, it acts on the
    potential from the step after ``start``: during the steps (start, stop]."""

    amplitude: float = 0.0
    start: float = 0.0
    stop: float = math.inf

    def inject_into(self, cells, location: float = 0.0) -> None:
        """Inject into the compartment containing ``location`` (µm from the proximal end)."""
        cells.inject(self, location)


class CompartmentalPopulation:
    """What a backend returns for ``sim.Population(1, MultiCompartmentNeuron(...))``.

    Records ``v`` in every compartment; :meth:`get_data` returns a ``neo.Block`` whose
    AnalogSignal ``v`` has one channel per compartment, annotated with ``compartment``
    and ``position_um`` (and ``channel_index``, the cell, as PyNN's signals).
    Backends implement :meth:`_build`, :meth:`_inject` and :meth:`_voltages`.
    """

    def __init__(self, size: int, cell: MultiCompartmentNeuron, dt_ms: float):
        if size != 1:
            raise ValueError(f"a population of multicompartment cells holds one cell here, not {size}")
        self.size = size
        self.cell = cell
        self.dt_ms = dt_ms
        self.injections: list[tuple[DCSource, int]] = []
        self._build()

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index):
        return self

    def inject(self, source: DCSource, location: float = 0.0) -> None:
        compartment = self.cell.morphology.compartment_at(location)
        self.injections.append((source, compartment))
        self._inject(source, compartment)

    def record(self, variables) -> None:
        """``v`` is always recorded in every compartment; spikes are not detected."""
        if "spikes" in ([variables] if isinstance(variables, str) else list(variables)):
            raise ValueError("multicompartment cells of the zoo record v, not spikes")

    def id_to_index(self, ids):
        return np.asarray(ids, dtype=int)

    def get_data(self):
        import neo
        import quantities as pq

        times_ms, volts = self._voltages()
        geometry = self.cell.morphology
        signal = neo.AnalogSignal(
            volts, units="mV", t_start=times_ms[0] * pq.ms, sampling_period=self.dt_ms * pq.ms, name="v",
            array_annotations={
                "channel_index": np.zeros(geometry.n_compartments, dtype=np.int64),
                "compartment": np.arange(geometry.n_compartments),
                "position_um": geometry.positions,
            },
        )
        segment = neo.Segment()
        segment.analogsignals.append(signal)
        block = neo.Block()
        block.segments.append(segment)
        return block

    # -- backend hooks ------------------------------------------------------------------
    def _build(self) -> None:
        raise NotImplementedError

    def _inject(self, source: DCSource, compartment: int) -> None:
        raise NotImplementedError

    def _voltages(self) -> tuple[np.ndarray, np.ndarray]:
        """(times (ms) of the samples dt, 2·dt, ..., T; v (mV), samples × compartments)."""
        raise NotImplementedError
