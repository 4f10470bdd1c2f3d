"""What a fit reproduces: repeated spike trains under a recorded current, per stimulus set,
scored by the coincidence factor Γ (:mod:`zoo.declarations.coincidence`), and the recorded
membrane potential, scored by the guide's F1 (:mod:`zoo.declarations.voltage_match`), or
an f-I curve: a table of firing rates under constant currents (:func:`fi_target`)."""
from __future__ import annotations

import dataclasses

from pathlib import Path

import numpy as np
import pandas as pd

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
    #: The rate (Hz) an f-I table gives for this current (None: the recorded trains' mean).
    rate_hz: float | None = None

    @property
    def data_rate_hz(self) -> float:
        """The rate to reproduce (Hz): the table's, or the recorded repetitions' mean."""
        return self.rate_hz if self.rate_hz is not None else self.mean_count / self.duration_ms * 1000.0

    @property
    def has_voltage(self) -> bool:
        return bool(self.voltages) and all(np.isfinite(v).any() for v in self.voltages)

    @property
    def mean_count(self) -> float:
        """Spikes per recorded repetition, on average."""
        return float(np.mean([len(train) for train in self.trains])) if self.trains else float("nan")

    @property
    def duration_ms(self) -> float:
        return self.current_nA.size * self.dt_ms

    def gammas(self, trains: list) -> np.ndarray:
        """Γ of each model train against the recorded ones (averaged over repetitions; NaN
        without recorded trains: an f-I table)."""
        if not self.trains:
            return np.full(len(trains), np.nan)
        return np.array([coincidence.mean_gamma(train, list(self.trains), self.duration_ms) for train in trains])

    def f1s(self, traces) -> np.ndarray:
        """F1 of each model trace (mV, on the recording's samples) against the recorded ones."""
        return np.array([voltage_match.f1(self.voltages, trace) for trace in traces])


#: An f-I table's columns: the current (nA) and the rate (Hz); optional, the step's duration (ms).
FI_COLUMNS = ("current_nA", "rate_hz")
FI_DURATION_MS = 1000.0
#: The sample interval of an f-I table's constant currents (ms): any step the models use divides it.
FI_SAMPLE_MS = 1.0


def is_fi_table(path) -> bool:
    """Whether ``path`` is a file (CSV or Parquet) with the columns of an f-I table."""
    path = Path(path)
    if not path.is_file() or path.suffix not in (".csv", ".parquet"):
        return False
    return set(FI_COLUMNS) <= set(_table(path).columns)


def fi_target(path) -> list[StimulusSet]:
    """One stimulus per row of an f-I table (``current_nA``, ``rate_hz``, optionally
    ``duration_ms``: how long each constant current lasts, default :data:`FI_DURATION_MS`;
    the model's rate is its spike count over that time); ValueError for a bad table."""
    table = _table(Path(path))
    if len(table) < 2:
        raise ValueError(f"{path}: an f-I table needs at least two currents, got {len(table)}")
    current, rate = (pd.to_numeric(table[c], errors="coerce").to_numpy(dtype=float) for c in FI_COLUMNS)
    if not (np.all(np.isfinite(current)) and np.all(np.isfinite(rate)) and np.all(rate >= 0)):
        raise ValueError(f"{path}: current_nA and rate_hz must be numbers, rates >= 0 Hz")
    if not np.any(rate > 0):
        raise ValueError(f"{path}: every rate of the f-I table is 0 Hz: there is no firing to fit")
    if len(np.unique(current)) != len(current):
        raise ValueError(f"{path}: a current appears twice in the f-I table")
    durations = (pd.to_numeric(table["duration_ms"], errors="coerce").to_numpy(dtype=float)
                 if "duration_ms" in table else np.full(len(table), FI_DURATION_MS))
    if not np.all(np.isfinite(durations) & (durations >= FI_SAMPLE_MS)):
        raise ValueError(f"{path}: duration_ms must be at least {FI_SAMPLE_MS:g} ms")
    return [StimulusSet(f"{np.format_float_positional(i, trim='-')}nA", np.full(int(round(d / FI_SAMPLE_MS)), i),
                        FI_SAMPLE_MS, (), float("nan"), rate_hz=float(r)) for i, r, d in zip(current, rate, durations)]


def _table(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


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
