"""What a fit reproduces: repeated spike trains under a recorded current, per stimulus set,
scored by the coincidence factor Γ (:mod:`zoo.declarations.coincidence`), and the recorded
membrane potential, scored by the guide's F1 (:mod:`zoo.declarations.voltage_match`)."""
from __future__ import annotations

import dataclasses

import numpy as np

from zoo import recordings
from zoo.declarations import coincidence, voltage_match


@dataclasses.dataclass(frozen=True)
class StimulusSet:
    """One stimulus: the current the model receives (the mean over the recorded trials, nA,
    one value per ``dt_ms``), the recorded trains (ms) and their reliability Γ_int."""

    name: str
    current_nA: np.ndarray
    dt_ms: float
    trains: tuple
    gamma_int: float
    #: The recorded subthreshold membrane potential of each repetition (mV, one value per
    #: sample, NaN around its spikes: ``voltage_match.subthreshold``; empty where the data
    #: hold none).
    voltages: tuple = ()

    @property
    def has_voltage(self) -> bool:
        return bool(self.voltages) and all(np.isfinite(v).any() for v in self.voltages)

    @property
    def mean_count(self) -> float:
        """Spikes per recorded repetition, on average."""
        return float(np.mean([len(train) for train in self.trains]))

    @property
    def duration_ms(self) -> float:
        return self.current_nA.size * self.dt_ms

    def gammas(self, trains: list) -> np.ndarray:
        """Γ of each model train against the recorded ones (averaged over repetitions)."""
        return np.array([coincidence.mean_gamma(train, list(self.trains), self.duration_ms) for train in trains])

    def f1s(self, traces) -> np.ndarray:
        """F1 of each model trace (mV, on the recording's samples) against the recorded ones."""
        return np.array([voltage_match.f1(self.voltages, trace) for trace in traces])


def spike_target(path, dt_ms: float | None = None, current_unit: str | None = None) -> list[StimulusSet]:
    """The stimulus sets at ``path`` (``zoo.recordings.read``), each with at least two
    repetitions that hold spikes; ValueError otherwise."""
    found = recordings.read(path, dt_ms, current_unit)
    if found.spikes.empty:
        raise ValueError(f"{path} holds no spikes: a spike target needs recorded spike times (competition "
                         "SS-R.spiketimes[.gz], or a tidy spikes file)")
    sets = []
    for name in found.sets:
        trains = found.spike_trains(name)
        if len(trains) < 2 or sum(len(t) for t in trains) == 0:
            raise ValueError(f"set {name} of {path} has {len(trains)} repetition(s) with "
                             f"{sum(len(t) for t in trains)} spikes: Γ needs at least two repetitions with spikes")
        duration = found.duration_ms(name)
        voltages = tuple(voltage_match.subthreshold(found.voltage(name, trial), train, found.dt_ms)
                         for trial, train in zip(found.trials(name), trains))
        sets.append(StimulusSet(name, found.current(name), found.dt_ms, tuple(trains),
                                coincidence.intrinsic_reliability(trains, duration), voltages))
    return sets


def require_voltage(sets: list[StimulusSet], path) -> None:
    """ValueError unless every set holds a recorded membrane potential of its full length."""
    for stimulus in sets:
        if not stimulus.has_voltage:
            raise ValueError(f"set {stimulus.name} of {path} holds no membrane potential (v_mV): a voltage fit "
                             "needs it (competition .voltage files, or a tidy v_mV column)")
        if any(v.size != stimulus.current_nA.size for v in stimulus.voltages):
            raise ValueError(f"set {stimulus.name} of {path}: a repetition's membrane potential has another "
                             "number of samples than the current")


def split(sets: list[StimulusSet], holdout) -> tuple[list[StimulusSet], list[StimulusSet]]:
    """(training, held out) by set name; ValueError for a name not there or nothing left."""
    names = [s.name for s in sets]
    holdout = [str(h) for h in holdout]
    missing = [h for h in holdout if h not in names]
    if missing:
        raise ValueError(f"--holdout {','.join(missing)}: not a stimulus set of the target (sets: {', '.join(names)})")
    training = [s for s in sets if s.name not in holdout]
    if not training:
        raise ValueError("every stimulus set is held out: nothing is left to fit")
    return training, [s for s in sets if s.name in holdout]
