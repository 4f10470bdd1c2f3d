"""The result of a run: tidy pandas tables, savable, convertible to Neo."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

TABLES = ("summary", "spikes", "traces")


@dataclass
class Result:
    """Tables of one run.

    - ``spikes``: one row per spike — ``neuron``, ``t_ms``.
    - ``traces``: long form — ``t_ms``, ``neuron``, ``variable``, ``value`` (mV for ``v``).
    - ``summary``: one row per neuron — its parameter values (PyNN units) and metrics.
    - ``meta``: one row — model, simulator and versions, dt_ms, seed, duration_ms, wall_time_s.
    - ``tables``: further tables a model produces, by name, also reachable as
      attributes (``result.profile`` of a cable: one row per compartment with its
      final and closed-form steady potential; ``result.weights``, ...); saved beside
      the summary as ``<stem>.<name>``.
    Traces of compartmental cells carry ``compartment`` and ``position_um`` columns.
    - ``block``: the ``neo.Block`` PyNN returned for the recorded population
      (:meth:`to_neo`).
    - ``notes``: why a metric is NaN and what to change (e.g. a run too short to reach
      a steady state).
    """

    spikes: pd.DataFrame
    traces: pd.DataFrame
    summary: pd.DataFrame
    meta: pd.DataFrame
    tables: dict = field(default_factory=dict)
    block: object = None
    notes: list = field(default_factory=list)

    def __getattr__(self, name: str):
        tables = self.__dict__.get("tables") or {}
        if name in tables:
            return tables[name]
        raise AttributeError(f"{type(self).__name__!r} has no attribute or table {name!r}")

    @property
    def info(self) -> dict:
        """``meta`` as a plain dict."""
        return self.meta.iloc[0].to_dict()

    def table(self) -> pd.DataFrame:
        """``summary`` with the provenance columns of ``meta`` on every row, so each
        row says how to rerun it."""
        provenance = self.meta.loc[self.meta.index.repeat(len(self.summary))].reset_index(drop=True)
        return pd.concat([provenance, self.summary.reset_index(drop=True)], axis=1)

    def save(self, path: str | Path, tables: tuple[str, ...] = TABLES) -> list[Path]:
        """Write to Parquet or CSV, chosen by the suffix of ``path``.

        ``path`` receives the summary with provenance (:meth:`table`); the spikes,
        traces and the model's further tables go beside it as ``<stem>.spikes<suffix>``,
        ``<stem>.traces<suffix>``, ``<stem>.<name><suffix>``. Returns the paths written.
        """
        path = Path(path)
        if path.suffix not in (".parquet", ".csv"):
            raise ValueError(f"cannot save to {path.name!r}: the file must end in .parquet or .csv")
        path.parent.mkdir(parents=True, exist_ok=True)
        frames = {"summary": self.table(), "spikes": self.spikes, "traces": self.traces, **self.tables}
        tables = tuple(tables) + tuple(name for name in self.tables if name not in tables)
        written = []
        for name in tables:
            target = path if name == "summary" else path.with_name(f"{path.stem}.{name}{path.suffix}")
            if path.suffix == ".parquet":
                frames[name].to_parquet(target, index=False)
            else:
                frames[name].to_csv(target, index=False)
            written.append(target)
        return written

    def spike_trains_ms(self) -> list[np.ndarray]:
        """Spike times (ms) of each neuron, in population order (split from the spike
        table's arrays, not through Neo objects)."""
        ordered = self.spikes.sort_values(["neuron", "t_ms"], kind="stable")
        counts = np.bincount(ordered["neuron"].to_numpy(), minlength=len(self.summary))
        return np.split(ordered["t_ms"].to_numpy(dtype=float), np.cumsum(counts)[:-1])

    def to_neo(self):
        """The ``neo.Block`` of the run as PyNN recorded it: spike trains of every
        neuron and the recorded signals, annotated with the simulator's settings."""
        return self.block

    def plot(self, path: str | Path) -> Path:
        """The run's figure, chosen by what it holds (:func:`zoo.figures.plot_run`)."""
        from .figures import plot_run

        return plot_run(self, path)
