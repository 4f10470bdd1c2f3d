"""A row's key names everything that determines it, and a resumed sweep reruns
exactly what changed: a key per field, a resume per run setting.

A key that missed a field would let a sweep rerun with that field changed return the
old rows as cached (a sweep at another duration silently gave the old table)."""
import dataclasses
import importlib
import os

import numpy as np
import pandas as pd
import pytest

import explorer
from explorer import points
from explorer.tasks import plan
from zoo import backends, registry

#: The zoo's models (other tests register their own in this process).
MODELS = [m for m in registry.list_models() if registry.entry_point(m).startswith("zoo.")]
#: Keys are hashes of strings: any simulator and version names serve.
BASE = dict(model="lif", params={"i_offset": 1.0}, simulator="sim-a", version="1.0.0", dt_ms=0.1, seed=1,
            duration_ms=1000.0)

#: The judging and bookkeeping code handles the NaN and inf it expects without a
#: floating-point warning (a user would see it on every comparison).
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def key(**changes) -> str:
    return points.point_key(**{**BASE, **changes})


def other_value(parameter) -> float:
    """A valid value of ``parameter`` other than its default."""
    bounds = parameter.interval
    for candidate in (parameter.default * 1.5 + 0.5, parameter.default - 0.5, parameter.default + 0.5,
                      (bounds.low + bounds.high) / 2 if np.isfinite(bounds.high) else bounds.low + 1.0):
        if candidate != parameter.default and bool(bounds.contains(np.asarray(candidate))):
            return float(candidate)
    raise AssertionError(f"no other value for {parameter.name}")


@pytest.mark.parametrize("model", MODELS)
def test_every_parameter_of_every_model_is_in_the_key(model):
    """Changing any one parameter changes the key; giving a default explicitly does not."""
    spec = registry.get(model)
    base = points.point_key(model, {}, "sim-a", "v", 0.1, 1, 100.0)
    seen = {base}
    for parameter in spec.parameters:
        assert points.point_key(model, {parameter.name: parameter.default}, "sim-a", "v", 0.1, 1, 100.0) == base
        changed = points.point_key(model, {parameter.name: other_value(parameter)}, "sim-a", "v", 0.1, 1, 100.0)
        assert changed not in seen, parameter.name
        seen.add(changed)


@pytest.mark.parametrize("field, value", [("model", "lapicque"), ("simulator", "sim-b"), ("version", "1.0.1"),
                                          ("dt_ms", 0.05), ("seed", 2), ("duration_ms", 2000.0)])
def test_every_run_setting_changes_the_key(field, value):
    assert key(**{field: value}) != key()


def test_the_pair_key_is_shared_across_simulators_and_nothing_else():
    pair = key(simulator=None, version=None)
    assert pair != key()
    for field, value in [("dt_ms", 0.05), ("seed", 2), ("duration_ms", 2000.0), ("params", {"i_offset": 1.5})]:
        assert key(simulator=None, version=None, **{field: value}) != pair, field


def test_the_model_revision_and_the_zoo_version_are_in_the_key(monkeypatch):
    before = key()
    revised = dataclasses.replace(registry.get("lif"), revision=registry.get("lif").revision + 1)
    monkeypatch.setitem(registry._models, "lif", revised)
    after_revision = key()
    assert after_revision != before
    monkeypatch.setattr(points, "zoo_version", lambda: "0.0.0-another")
    assert key() not in (before, after_revision)


def test_planned_tasks_key_each_point_with_its_simulator_version_and_the_shared_pair_key():
    grid = [{"i_offset": 0.5}, {"i_offset": 1.0}]
    tasks = plan("lif", registry.entry_point("lif"), grid, {"i_offset"}, [FIRST, OTHER], [1, 2], 0.1, 50.0, 1000)
    assert len(tasks) == 4
    for task in tasks:
        version = backends.version(task.simulator)
        assert task.simulator_version == version
        for point, point_key, pair_key in zip(task.points, task.keys, task.pair_keys):
            assert point_key == points.point_key("lif", point, task.simulator, version, 0.1, task.seed, 50.0)
            assert pair_key == points.point_key("lif", point, None, None, 0.1, task.seed, 50.0)
    by_pair = {}
    for task in tasks:
        for pair_key in task.pair_keys:
            by_pair.setdefault(pair_key, set()).add(task.simulator)
    assert len(by_pair) == 4 and all(v == {FIRST, OTHER} for v in by_pair.values())


# ---- resuming a sweep after a change: it reruns what changed, and tables never mix ----

FIRST = backends.DEFAULT
OTHER = next(s for s in reversed(backends.available(registry.get("lif"))) if s != FIRST)
SWEEP = dict(grid={"i_offset": [1.0, 1.5]}, simulators=(FIRST,), seeds=(1,), scheduler="inline", duration_ms=60.0)


def sweep(out, **changes):
    return explorer.sweep("lif", out=out, **{**SWEEP, **changes})


def assert_reran(table, n_new: int, n_cached: int):
    counts = table.attrs["counts"]
    assert (counts["ok"], counts["cached"]) == (n_new, n_cached), counts


@pytest.mark.parametrize("change, expected", [
    (dict(seeds=(2,)), {"seed": {2}}),
    (dict(simulators=(OTHER,)), {"simulator": {OTHER}}),
    (dict(grid={"i_offset": [1.0, 1.5], "tau_m": [15.0]}), {"tau_m": {15.0}}),
])
def test_a_resume_with_a_changed_setting_reruns_and_returns_only_its_own_rows(tmp_path, change, expected):
    first = sweep(tmp_path)
    assert_reran(first, 2, 0)
    again = sweep(tmp_path)
    assert_reran(again, 0, 2)
    pd.testing.assert_frame_equal(again, first)
    changed = sweep(tmp_path, **change)
    assert_reran(changed, 2, 0)
    assert len(changed) == 2
    for column, values in expected.items():
        assert set(changed[column]) == values
    assert len(pd.read_parquet(tmp_path)) == 4  # both kept in the folder
    assert_reran(sweep(tmp_path), 0, 2)  # and the first still resumes


@pytest.mark.parametrize("setting, value, message", [("duration_ms", 80.0, "duration_ms = 60 ms, not 80 ms"),
                                                     ("dt_ms", 0.05, "dt_ms = 0.1 ms, not 0.05 ms")])
def test_a_resume_at_another_protocol_is_refused_before_any_task(tmp_path, setting, value, message):
    """A folder holds one protocol; a sweep at another duration or step would mix two
    in one table: refused, naming both, and the folder is left as it was."""
    sweep(tmp_path)
    before = pd.read_parquet(tmp_path)
    with pytest.raises(ValueError, match=f"^{tmp_path} holds a sweep at {message}: one table, one protocol; choose "
                                         "another --out$"):
        sweep(tmp_path, **{setting: value})
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path), before)
    elsewhere = sweep(tmp_path / "other", **{setting: value})
    assert_reran(elsewhere, 2, 0)
    assert set(elsewhere[setting]) == {value}


def test_a_resume_after_the_model_changed_reruns(tmp_path, monkeypatch):
    """A new model revision (its equations or protocol changed) makes new keys, so
    old rows are not returned as if the new model had made them."""
    first = sweep(tmp_path)
    revised = dataclasses.replace(registry.get("lif"), revision=registry.get("lif").revision + 1)
    monkeypatch.setitem(registry._models, "lif", revised)
    again = sweep(tmp_path)
    assert_reran(again, 2, 0)
    assert set(again["key"]).isdisjoint(first["key"])


def test_a_resume_after_the_zoo_version_changed_reruns(tmp_path, monkeypatch):
    first = sweep(tmp_path)
    monkeypatch.setattr(points, "zoo_version", lambda: "0.0.0-another")
    again = sweep(tmp_path)
    assert_reran(again, 2, 0)
    assert set(again["key"]).isdisjoint(first["key"])


def test_the_key_is_the_documented_hash():
    """A key is the first 16 hex digits of the SHA-1 of its fields as sorted JSON: the format
    is part of every stored sweep (a change would silently rerun them all)."""
    import hashlib
    import json

    from explorer.code_version import code_version
    from zoo.declarations import zoo_version

    spec = registry.get("lif")
    params = {k: repr(float(v)) for k, v in sorted({**spec.defaults(), "i_offset": 1.0}.items())}
    # a name no backend has shares the code of every simulator; a backend's name adds its translation's
    for simulator in ("sim-a", backends.DEFAULT):
        payload = json.dumps({"model": "lif", "revision": spec.revision, "zoo": zoo_version(),
                              "code": code_version("lif", simulator), "params": params,
                              "simulator": simulator, "version": "1.0.0", "dt_ms": repr(0.1), "seed": 1,
                              "duration_ms": repr(1000.0)}, sort_keys=True)
        assert key(simulator=simulator) == hashlib.sha1(payload.encode()).hexdigest()[:16]
    assert code_version("lif", backends.DEFAULT) != code_version("lif", "sim-a")


@pytest.mark.second_pass
def test_a_resume_after_a_translation_changed_reruns_exactly_its_simulators_points(tmp_path):
    """The code behind a row is in its key (``explorer.code_version``): in a copy of the
    zoo, a change to one simulator's translation (no revision bump) reruns that
    simulator's points and nothing else; a change to the model's declaration reruns
    every point; a comment reruns nothing. ``zoo compare`` and ``zoo plot`` of the folder
    then use the current rows and say how many others it holds; ``--all`` uses both."""
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    root = Path(explorer.__file__).resolve().parent.parent
    copy = tmp_path / "zoo-copy"
    for package in ("zoo", "explorer"):
        shutil.copytree(root / package, copy / package, ignore=shutil.ignore_patterns("__pycache__"))
    # as in a checkout (a mutation run's code reads mutmut's settings from it)
    shutil.copy(root / "pyproject.toml", copy / "pyproject.toml")
    out = tmp_path / "sweep"
    simulators = [FIRST, OTHER]
    env = {**os.environ, "PYTHONPATH": str(copy)}

    def zoo(*args):
        return subprocess.run([sys.executable, "-m", "zoo.cli", *args], capture_output=True, text=True, env=env,
                              cwd=copy, timeout=300)

    def run_sweep():
        done = zoo("sweep", "lif", *[w for s in simulators for w in ("--simulator", s)], "--grid",
                   "i_offset=1.0,1.5", "--duration", "60", "--scheduler", "inline", "--out", str(out))
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()[0]

    def edit(relative, text):
        path = copy / relative
        path.write_text(path.read_text() + text)

    assert run_sweep().startswith("sweep: 4 ok, 0 failed, 0 already stored (of 4)")
    edit("zoo/backends/__init__.py", "\n# a comment is no change of code\n")
    assert run_sweep().startswith("sweep: 0 ok, 0 failed, 4 already stored (of 4)")
    translation = importlib.import_module(backends.backend_class(OTHER).__module__).__file__
    edit(Path(translation).relative_to(root), "\n_A_CHANGED_TRANSLATION = True\n")
    assert run_sweep().startswith("sweep: 2 ok, 0 failed, 2 already stored (of 4)")
    table = pd.read_parquet(out)
    assert len(table) == 6 and table.groupby("simulator").size().to_dict() == {FIRST: 2, OTHER: 4}

    compared = zoo("compare", str(out))
    assert compared.returncode == 0, compared.stderr
    assert compared.stderr.strip() == (f"zoo: note: {str(out)!r}: 2 rows were made by another version of the model, "
                                       "its translation, the zoo or the simulator, and are left out (rerun the sweep "
                                       "to update them, or --all to use them)")
    assert compared.stdout.strip().endswith("PASS: 16 comparisons")
    every = zoo("compare", str(out), "--all")
    assert every.returncode == 0 and "2 rows were made by another version" in every.stderr
    plotted = zoo("plot", str(out), "--out", str(tmp_path / "rate.png"))
    assert plotted.returncode == 0 and "2 rows were made by another version" in plotted.stderr

    edit("zoo/models/lif.py", "\n_A_CHANGED_DECLARATION = True\n")
    assert run_sweep().startswith("sweep: 4 ok, 0 failed, 0 already stored (of 4)")
    nothing = zoo("compare", str(out), "--all")
    assert nothing.returncode == 0 and "6 rows were made by another version" in nothing.stderr
