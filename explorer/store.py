"""A sweep's directory: Parquet parts written atomically as tasks finish.

``pandas.read_parquet(DIR)`` reads the whole table with no project code (files whose
names start with ``_`` or ``.`` — the manifest, parts being written — are skipped by
pyarrow). Every part has the same explicit schema, so parts made of failed rows
alone still carry every column. A model's further tables of a point (weights, pattern
onsets, ...) go to ``_tables/<key>/<name>.parquet`` before the point's row, so a
stored row always has its tables.
"""
from __future__ import annotations

import json
import os
import shutil
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


def schema(model) -> pa.Schema:
    """The table's columns and types for ``model``, from its declarations."""
    fields = [pa.field(name, pa.string()) for name in PROVENANCE[:7]]
    fields += [pa.field("dt_ms", pa.float64()), pa.field("duration_ms", pa.float64()), pa.field("seed", pa.int64())]
    fields += [pa.field(name, pa.float64()) for name in model.parameter_names]
    fields += [pa.field(m.name, pa.type_for_alias(m.dtype)) for m in model.metrics]
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
                if existing.get(setting) != manifest[setting]:
                    raise ValueError(f"{self.directory} holds a sweep at {setting} = {existing.get(setting):g} {unit}, "
                                     f"not {manifest[setting]:g} {unit}: one table, one protocol; choose another "
                                     "--out")

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
