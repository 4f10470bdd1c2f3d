"""Recorded data: a current injected into a neuron, its membrane potential and its spikes,
repeated over trials of one or more stimulus sets, read into tidy tables.

Two formats:

- **The QSNMC 2007 competition's** (Jolivet et al. 2008, Challenge A): a folder of
  ``SS-R.voltage[.gz]`` (columns: sample index, current, membrane potential in mV) and
  ``SS-R.spiketimes[.gz]`` (column 1: the sample index of each spike; column 2 unused), set SS,
  repetition R. The files carry no time: the sample interval is the organisers' 0.2 ms
  (``timestep = 1/5000`` in their fitting script) and the current is in pA, unless told
  otherwise.
- **Tidy**: ``samples.parquet`` or ``.csv`` (columns ``trial``, ``t_ms``, ``current_nA``,
  optionally ``v_mV`` and ``set``) and optionally ``spikes.parquet``/``.csv`` (``trial``,
  ``t_ms``, optionally ``set``) in one folder, or a samples file alone. Times are on a
  uniform grid from 0 (its step is the sample interval).

``read(path)`` returns :class:`Recordings`; every inconsistency is a ValueError naming it.
"""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd

#: The competition's sample interval (ms) and current unit.
COMPETITION_DT_MS = 0.2
COMPETITION_CURRENT_UNIT = "pA"
#: Current units a file may be in, and their value in nA.
CURRENT_UNITS = {"pA": 1e-3, "nA": 1.0}
TIDY_SAMPLES = ("samples.parquet", "samples.csv")
TIDY_SPIKES = ("spikes.parquet", "spikes.csv")
_COMPETITION = re.compile(r"^(?P<set>[^-/]+)-(?P<trial>\d+)\.(?P<kind>voltage|spiketimes)(\.gz)?$")


@dataclasses.dataclass(frozen=True)
class Recordings:
    """``samples``: one row per sample (``set``, ``trial``, ``t_ms``, ``current_nA``,
    ``v_mV``); ``spikes``: one row per spike (``set``, ``trial``, ``t_ms``); ``dt_ms``:
    the sample interval; ``source``: where they were read."""

    samples: pd.DataFrame
    spikes: pd.DataFrame
    dt_ms: float
    source: str

    @property
    def sets(self) -> list[str]:
        return sorted(self.samples["set"].unique())

    def trials(self, stimulus_set: str) -> list[int]:
        return sorted(int(t) for t in self.samples.loc[self.samples["set"] == stimulus_set, "trial"].unique())

    def duration_ms(self, stimulus_set: str) -> float:
        return len(self.current(stimulus_set)) * self.dt_ms

    def current(self, stimulus_set: str, trial: int | None = None) -> np.ndarray:
        """The current (nA) of one trial, or the mean over the set's trials (the frozen
        stimulus, measured once per repetition)."""
        mine = self.samples[self.samples["set"] == stimulus_set]
        if trial is not None:
            mine = mine[mine["trial"] == trial]
        if mine.empty:
            raise ValueError(f"no samples for set {stimulus_set!r}" + (f" trial {trial}" if trial is not None else "")
                             + f"; the recordings hold sets {', '.join(self.sets)}")
        step = np.rint(mine["t_ms"].to_numpy() / self.dt_ms)  # the sample, whatever the times' round-off
        return mine.groupby(step, sort=True)["current_nA"].mean().to_numpy()

    def voltage(self, stimulus_set: str, trial: int) -> np.ndarray:
        mine = self.samples[(self.samples["set"] == stimulus_set) & (self.samples["trial"] == trial)]
        return mine.sort_values("t_ms")["v_mV"].to_numpy()

    def spike_trains(self, stimulus_set: str) -> list[np.ndarray]:
        """One array of spike times (ms) per trial of the set, in trial order."""
        mine = self.spikes[self.spikes["set"] == stimulus_set]
        return [np.sort(mine.loc[mine["trial"] == trial, "t_ms"].to_numpy()) for trial in self.trials(stimulus_set)]

    def select(self, sets) -> "Recordings":
        """These stimulus sets only (ValueError for one that is not there)."""
        sets = [str(s) for s in sets]
        missing = sorted(set(sets) - set(self.sets))
        if missing:
            raise ValueError(f"set(s) {', '.join(missing)} not in {self.source}; it holds {', '.join(self.sets)}")
        return Recordings(self.samples[self.samples["set"].isin(sets)].reset_index(drop=True),
                          self.spikes[self.spikes["set"].isin(sets)].reset_index(drop=True), self.dt_ms, self.source)


def read(path, dt_ms: float | None = None, current_unit: str | None = None) -> Recordings:
    """The recordings at ``path`` (a folder or one file, either format). ``dt_ms``: the
    sample interval (ms), needed only where the files do not give it (competition
    format: 0.2 ms by default), else checked against them; ``current_unit``: "pA" or "nA"
    (competition: pA; tidy: nA, its column's name)."""
    path = Path(path)
    if not path.exists():
        raise ValueError(f"no recordings at {path}: no such file or folder")
    if current_unit is not None and current_unit not in CURRENT_UNITS:
        raise ValueError(f"current unit {current_unit!r} is not one of {', '.join(CURRENT_UNITS)}")
    if dt_ms is not None and not (np.isfinite(dt_ms) and dt_ms > 0):
        raise ValueError(f"the sample interval must be a positive number of ms, got {dt_ms!r}")
    files = sorted(path.iterdir()) if path.is_dir() else [path]
    competition = [f for f in files if _COMPETITION.match(f.name)]
    if competition:
        return _read_competition(competition, str(path), dt_ms, current_unit)
    tidy = [f for f in files if f.name in TIDY_SAMPLES] if path.is_dir() else [path]
    if len(tidy) == 1 and tidy[0].suffix in (".parquet", ".csv"):
        spikes = [f for f in files if f.name in TIDY_SPIKES] if path.is_dir() else []
        return _read_tidy(tidy[0], spikes[0] if spikes else None, str(path), dt_ms, current_unit)
    raise ValueError(f"{path} holds no recordings in a known format: competition files SS-R.voltage[.gz] and "
                     f"SS-R.spiketimes[.gz], or tidy {' or '.join(TIDY_SAMPLES)} (+ {' or '.join(TIDY_SPIKES)})")


def _read_competition(files, source: str, dt_ms, current_unit) -> Recordings:
    dt_ms = COMPETITION_DT_MS if dt_ms is None else float(dt_ms)
    scale = CURRENT_UNITS[current_unit or COMPETITION_CURRENT_UNIT]
    samples, spikes, lengths = [], [], {}
    by_trial = {}
    for f in files:
        match = _COMPETITION.match(f.name)
        by_trial.setdefault((match["set"], int(match["trial"])), {})[match["kind"]] = f
    for (stimulus_set, trial), kinds in sorted(by_trial.items()):
        if "voltage" not in kinds:
            raise ValueError(f"{kinds['spiketimes'].name} has no {stimulus_set}-{trial}.voltage beside it (the current "
                             "is needed)")
        table = pd.read_csv(kinds["voltage"], sep=r"\s+", header=None, dtype=float)
        if table.shape[1] < 3:
            raise ValueError(f"{kinds['voltage'].name}: expected 3 columns (sample, current, voltage), got "
                             f"{table.shape[1]}")
        index = table[0].to_numpy()
        if not np.array_equal(index, np.arange(len(index))):
            raise ValueError(f"{kinds['voltage'].name}: the sample index column is not 0, 1, 2, ... (a gap or a "
                             "reordering)")
        lengths.setdefault(stimulus_set, set()).add(len(index))
        samples.append(pd.DataFrame({"set": stimulus_set, "trial": trial, "t_ms": index * dt_ms,
                                     "current_nA": table[1].to_numpy() * scale, "v_mV": table[2].to_numpy()}))
        if "spiketimes" in kinds:
            try:
                at = pd.read_csv(kinds["spiketimes"], sep=r"\s+", header=None, dtype=float)[0].to_numpy()
            except pd.errors.EmptyDataError:  # a trial without spikes
                at = np.array([])
            if np.any(at != np.round(at)) or np.any(at < 0) or np.any(at >= len(index)):
                raise ValueError(f"{kinds['spiketimes'].name}: spike sample indices must be whole numbers in "
                                 f"[0, {len(index)})")
            spikes.append(pd.DataFrame({"set": stimulus_set, "trial": trial, "t_ms": at * dt_ms}))
    _check_lengths(lengths)
    return _recordings(samples, spikes, dt_ms, source)


def _read_tidy(samples_file: Path, spikes_file: Path | None, source: str, dt_ms, current_unit) -> Recordings:
    if current_unit not in (None, "nA"):
        raise ValueError("a tidy file's current is in nA (column current_nA); --current-unit applies to the "
                         "competition's files")
    samples = _table(samples_file)
    missing = {"trial", "t_ms", "current_nA"} - set(samples.columns)
    if missing:
        raise ValueError(f"{samples_file.name} lacks column(s) {', '.join(sorted(missing))} (needs trial, t_ms, "
                         "current_nA; optionally v_mV, set)")
    samples = samples.assign(set=samples["set"].astype(str) if "set" in samples else "0",
                             v_mV=samples["v_mV"] if "v_mV" in samples else np.nan)
    samples = samples[["set", "trial", "t_ms", "current_nA", "v_mV"]].sort_values(["set", "trial", "t_ms"])
    steps = samples.groupby(["set", "trial"])["t_ms"].agg(lambda t: np.diff(t.to_numpy()))
    intervals = np.concatenate([s for s in steps if len(s)] or [np.array([])])
    if intervals.size == 0:
        raise ValueError(f"{samples_file.name}: each trial needs at least two samples to give its sample interval")
    found = float(np.median(intervals))
    if np.any(np.abs(intervals - found) > 1e-6 * found):
        raise ValueError(f"{samples_file.name}: t_ms is not a uniform grid (steps from {intervals.min():g} to "
                         f"{intervals.max():g} ms)")
    if dt_ms is not None and abs(float(dt_ms) - found) > 1e-6 * found:
        raise ValueError(f"the sample interval given ({float(dt_ms):g} ms) disagrees with {samples_file.name}'s "
                         f"({found:g} ms)")
    starts = samples.groupby(["set", "trial"])["t_ms"].min()
    if np.any(np.abs(starts.to_numpy()) > 1e-9):
        raise ValueError(f"{samples_file.name}: every trial's samples must start at t_ms = 0")
    _check_lengths({s: set(n) for s, n in samples.groupby(["set", "trial"]).size().groupby(level=0)})
    spikes = []
    if spikes_file is not None:
        table = _table(spikes_file)
        if {"trial", "t_ms"} - set(table.columns):
            raise ValueError(f"{spikes_file.name} needs columns trial and t_ms (optionally set)")
        spikes = [table.assign(set=table["set"].astype(str) if "set" in table else "0")[["set", "trial", "t_ms"]]]
    return _recordings([samples], spikes, found, source)


def _table(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)


def _check_lengths(lengths: dict) -> None:
    for stimulus_set, sizes in lengths.items():
        if len(sizes) > 1:
            raise ValueError(f"the trials of set {stimulus_set} have different lengths ({', '.join(map(str, sorted(sizes)))}"
                             " samples): repetitions of one stimulus must match")


def _recordings(samples, spikes, dt_ms: float, source: str) -> Recordings:
    samples = pd.concat(samples, ignore_index=True)
    samples["trial"] = samples["trial"].astype(int)
    spikes = (pd.concat(spikes, ignore_index=True) if spikes
              else pd.DataFrame({"set": pd.Series(dtype=str), "trial": pd.Series(dtype=int), "t_ms": pd.Series(dtype=float)}))
    spikes["trial"] = spikes["trial"].astype(int)
    orphans = set(zip(spikes["set"], spikes["trial"])) - set(zip(samples["set"], samples["trial"]))
    if orphans:
        stimulus_set, trial = sorted(orphans)[0]
        raise ValueError(f"{source}: spikes of set {stimulus_set} trial {trial} have no recorded current")
    return Recordings(samples, spikes, float(dt_ms), source)
