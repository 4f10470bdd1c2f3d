"""A sweep's directory: Parquet parts written atomically as tasks finish.

``pandas.read_parquet(DIR)`` reads the whole table with no project code (files whose
names start with ``_`` or ``.`` — the manifest, parts being written — are skipped by
pyarrow). Every part has the same explicit schema, so parts made of failed rows
alone still carry every column. A model's further tables of a point (weights, pattern
onsets, ...) go to ``_tables/<key>/<name>.parquet`` before the point's row, so a
stored row always has its tables.

A folder has one writer at a time (:meth:`Store.writer`: an OS file lock, released by
the kernel when the writer dies, so a killed sweep never leaves it locked). Readers
(:func:`read_sweep`) see the rows of the current code by default: rows made by another
version of the model, its translation or the zoo stay in the folder, and are said to.
"""
from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import os
import shutil
import sys
import uuid
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .tasks import BOOKKEEPING, PROVENANCE

MANIFEST = "_sweep.json"
#: Settings every row of one sweep folder shares (a table mixing durations or time
#: steps would be plotted and compared as one protocol); parameters, simulators and
#: seeds may be added to a folder.
RUN_SETTINGS = {"dt_ms": "ms", "duration_ms": "ms"}
TABLES = "_tables"
#: The writer's lock (hidden from pyarrow by its leading dot); it holds who writes.
LOCK = ".zoo-writer.lock"


def schema(model) -> pa.Schema:
    """The table's columns and types for ``model``, from its declarations."""
    fields = [pa.field(name, pa.string()) for name in PROVENANCE[:PROVENANCE.index("dt_ms")]]
    fields += [pa.field("dt_ms", pa.float64()), pa.field("duration_ms", pa.float64()), pa.field("seed", pa.int64())]
    if model.network:  # one row per population (explorer.tasks._network_rows)
        fields += [pa.field("population", pa.string())]
    fields += [pa.field(name, pa.float64()) for name in model.parameter_names]
    fields += [pa.field(m.name, pa.type_for_alias(m.dtype)) for m in model.metrics]
    if model.trials is not None:  # how the pooled count splits (explorer.tasks.pooled_trials)
        fields += [pa.field("max_trial_spikes", pa.float64()), pa.field("min_trial_spikes", pa.float64())]
    closed = model.validation.closed_form
    fields += [pa.field(f"{m}_closed_form", pa.float64()) for m in (closed.metrics if closed else ())]
    fields += [pa.field("spike_times_ms", pa.list_(pa.float64())), pa.field("status", pa.string()),
               pa.field("error", pa.string()), pa.field("wall_time_s", pa.float64()),
               pa.field("batch_size", pa.int64())]
    assert [f.name for f in fields][-len(BOOKKEEPING):] == BOOKKEEPING
    return pa.schema(fields)


class Store:
    def __init__(self, directory: str | Path, model, manifest: dict):
        self.directory = Path(directory)
        self.schema = schema(model)
        self.manifest = manifest
        path = self.directory / MANIFEST
        if path.exists():
            existing = json.loads(path.read_text())
            if existing.get("model") != manifest["model"]:
                raise ValueError(f"{self.directory} holds a sweep of model {existing.get('model')!r}, "
                                 f"not {manifest['model']!r}; choose another --out")
            for setting, unit in RUN_SETTINGS.items():
                if not isinstance(existing.get(setting), (int, float)):
                    raise ValueError(f"{self.directory}: its {MANIFEST} has no {setting} ({unit}); it was not "
                                     "written by explorer.sweep, or is damaged; choose another --out")
                if existing.get(setting) != manifest[setting]:
                    raise ValueError(f"{self.directory} holds a sweep at {setting} = {existing.get(setting):g} {unit}, "
                                     f"not {manifest[setting]:g} {unit}: one table, one protocol; choose another "
                                     "--out")

    @contextlib.contextmanager
    def writer(self):
        """This process as the folder's only writer until the block ends; ValueError
        naming the other writer if there is one. The lock is the kernel's (``flock``):
        it goes with the writer's process, so a killed sweep leaves nothing locked. A
        folder this created and left without a row is removed again."""
        created = not self.directory.exists()
        self.directory.mkdir(parents=True, exist_ok=True)
        handle = open(self.directory / LOCK, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            try:
                other = json.loads(handle.read() or "{}")
            except json.JSONDecodeError:
                other = {}
            handle.close()
            who = (f"process {other.get('pid', '?')} ({other.get('command', 'a sweep')}), since "
                   f"{other.get('started', '?')}")
            raise ValueError(f"{self.directory} is being written by another sweep: {who}; wait until it ends, or "
                             "choose another --out") from None
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps({"pid": os.getpid(), "command": " ".join(["zoo", *sys.argv[1:]])
                                 if Path(sys.argv[0]).name == "zoo" else " ".join(sys.argv) or "python",
                                 "started": datetime.datetime.now().isoformat(timespec="seconds")}))
        handle.flush()
        try:
            yield self
        finally:
            handle.seek(0)
            handle.truncate()  # nobody writes now
            if created and not self.parts() and not (self.directory / MANIFEST).exists():
                shutil.rmtree(self.directory, ignore_errors=True)
            handle.close()  # closing releases the lock

    def repair(self) -> int:
        """Remove rows whose key is stored more than once (two writers before the lock
        existed): one row per key is kept, an ok one where there is one. Returns how
        many rows were removed."""
        status = self.status()
        if status.empty or not status["key"].duplicated().any():
            return 0
        status = status.assign(order=range(len(status)), failed=status["status"] != "ok")
        keep = status.sort_values(["failed", "order"]).drop_duplicates("key")
        extra = status.drop(keep.index)
        for part, rows in extra.groupby("part"):
            table = pq.read_table(part)
            positions = set(rows["order"] - status.loc[status["part"] == part, "order"].min())
            kept = table.filter(pa.array([i not in positions for i in range(table.num_rows)], type=pa.bool_()))
            temporary = part.with_name(f".{part.name}.tmp")
            if kept.num_rows:
                pq.write_table(kept, temporary)
                os.replace(temporary, part)
            else:
                part.unlink()
        return len(extra)

    def parts(self) -> list[Path]:
        return sorted(self.directory.glob("part-*.parquet")) if self.directory.is_dir() else []

    def status(self) -> pd.DataFrame:
        """``key``, ``status`` and ``part`` of every stored row."""
        frames = []
        for part in self.parts():
            frame = pq.read_table(part, columns=["key", "status"]).to_pandas()
            frame["part"] = part
            frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["key", "status", "part"])

    def write(self, rows: pd.DataFrame) -> Path:
        """Add rows as a new part; a reader never sees a partial file."""
        if not (self.directory / MANIFEST).exists():  # the directory appears with the first result
            self.directory.mkdir(parents=True, exist_ok=True)
            self._atomic_write_text(self.directory / MANIFEST, json.dumps(self.manifest, indent=1, sort_keys=True))
        for key, tables in _point_tables(rows).items():
            self._write_tables(key, tables)
        unknown = [c for c in rows.columns if c not in self.schema.names]
        if unknown:
            raise ValueError(f"columns {unknown} are not in the model's declared table (metrics, parameters)")
        rows = rows.reindex(columns=self.schema.names)
        rows.attrs = {}  # the tables are written; Parquet metadata cannot hold them
        for field in self.schema:
            if pa.types.is_integer(field.type):
                rows[field.name] = rows[field.name].astype("Int64")
        table = pa.Table.from_pandas(rows, schema=self.schema, preserve_index=False)
        target = self.directory / f"part-{uuid.uuid4().hex}.parquet"
        temporary = self.directory / f".{target.name}.tmp"
        pq.write_table(table, temporary)
        _fsync(temporary)
        os.replace(temporary, target)
        return target

    def _write_tables(self, key: str, tables: dict) -> None:
        folder = self.directory / TABLES / key
        folder.mkdir(parents=True, exist_ok=True)
        for name, frame in tables.items():
            temporary = folder / f".{name}.{uuid.uuid4().hex}.tmp"
            frame.to_parquet(temporary, index=False)
            _fsync(temporary)
            os.replace(temporary, folder / f"{name}.parquet")

    def drop(self, keys: set[str]) -> None:
        """Remove the rows with these keys (failed rows about to be retried) and their tables."""
        for key in keys:
            shutil.rmtree(self.directory / TABLES / key, ignore_errors=True)
        for part, rows in self.status().groupby("part"):
            if not rows["key"].isin(keys).any():
                continue
            table = pq.read_table(part)
            kept = table.filter(pc.invert(pc.is_in(table["key"], pa.array(sorted(keys)))))
            if kept.num_rows:
                temporary = part.with_name(f".{part.name}.tmp")
                pq.write_table(kept, temporary)
                os.replace(temporary, part)
            else:
                part.unlink()

    def read(self, keys: set[str] | None = None) -> pd.DataFrame:
        parts = self.parts()
        if not parts:
            return self.schema.empty_table().to_pandas()
        table = pd.concat([pq.read_table(p).to_pandas() for p in parts], ignore_index=True)
        if keys is not None:
            table = table[table["key"].isin(keys)]
        return table.sort_values(["simulator", "seed", "key"]).reset_index(drop=True)

    @staticmethod
    def _atomic_write_text(path: Path, text: str) -> None:
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_text(text)
        os.replace(temporary, path)


def read_tables(directory: str | Path, key: str) -> dict[str, pd.DataFrame]:
    """A point's further tables in sweep directory ``directory``, by name."""
    folder = Path(directory) / TABLES / key
    return {path.stem: pd.read_parquet(path) for path in sorted(folder.glob("*.parquet"))}


def _point_tables(rows: pd.DataFrame) -> dict[str, dict]:
    """``{key: tables}`` of the rows' points that carry tables (``tasks.run_task``)."""
    return dict(rows.attrs.get("tables") or {})


def _fsync(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def read_sweep(directory: str | Path, all_versions: bool = False) -> pd.DataFrame:
    """The rows of sweep folder ``directory`` that the current code would give: made by
    this version of the zoo, of the model's declaration and of its simulator's
    translation (``code_version``), on the installed simulator version. Rows made
    otherwise stay in the folder; ``attrs["other_versions"]`` counts them and
    ``attrs["note"]`` says so. ``all_versions``: every row, where a point has rows of
    several versions on one simulator only its newest (the last part written).
    ValueError if the folder holds no sweep."""
    from zoo import backends
    from zoo.declarations import zoo_version

    from .code_version import code_version

    folder = Path(directory)
    parts = sorted(folder.glob("part-*.parquet"), key=lambda p: (p.stat().st_mtime_ns, p.name))
    if not folder.is_dir() or not parts:
        raise ValueError(f"{str(directory)!r} holds no sweep (no part-*.parquet files)")
    table = pd.concat([pq.read_table(p).to_pandas().assign(_written=i) for i, p in enumerate(parts)],
                      ignore_index=True)
    if "code_version" not in table:
        table["code_version"] = None  # written before rows carried their code's version
    current = pd.Series(False, index=table.index)
    for (model, simulator), rows in table.groupby(["model", "simulator"]):
        installed = backends.version(simulator) if simulator in backends.names() else None
        current[rows.index] = ((rows["code_version"] == code_version(model, simulator))
                               & (rows["zoo_version"] == zoo_version())
                               & (rows["simulator_version"] == installed))
    other = int((~current).sum())
    if all_versions:
        table = table.drop_duplicates(["pair_key", "simulator"], keep="last")
        note = (f"{str(directory)!r}: {other} rows were made by another version of the code or simulator, used "
                "where the current code has none (--all)") if other else ""
    else:
        table = table[current]
        note = (f"{str(directory)!r}: {other} rows were made by another version of the model, its translation, "
                "the zoo or the simulator, and are left out (rerun the sweep to update them, or --all to use "
                "them)") if other else ""
    table = table.drop(columns="_written").drop_duplicates("key").reset_index(drop=True)
    table.attrs = {"other_versions": other, "note": note}
    return table
