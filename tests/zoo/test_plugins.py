"""Models from outside the repository (``zoo/registry.py``): a throwaway package, installed
with pip, declares models in the entry-point group ``zoo.models``; fresh processes that
see it list, run, check and sweep its model on spawned Dask workers like a built-in one,
and a model registered at run time (``zoo.register``) sweeps there too. Nothing here
patches the registry: the package is real, and so is its metadata."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import explorer
import zoo
from zoo import backends
from zoo.conformance import time_steps

from tests.conftest import ZOO

ROOT = Path(__file__).resolve().parents[2]
#: The user's module: the zoo's LIF under two other names.
MODULE = '''\
"""A user's own models: the zoo's LIF under other names."""
import dataclasses

from zoo.models import lif

MODEL = dataclasses.replace(lif.MODEL, name="my_lif")
OTHER = dataclasses.replace(lif.MODEL, name="my_other")  # not an entry point: registered at run time
'''
#: Its package metadata: one good plugin, one broken, one that a built-in shadows, and
#: one name that the second package below declares too.
PYPROJECT = '''\
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "0.1"

[tool.setuptools]
py-modules = ["{module}"]

[project.entry-points."zoo.models"]
{entry_points}
'''
PLUGINS = {
    "my-zoo-plugin": ("my_zoo_plugin", MODULE, 'my_lif = "my_zoo_plugin:MODEL"\n'
                                               'my_broken = "my_zoo_plugin_missing:MODEL"\n'
                                               'lif = "my_zoo_plugin:MODEL"\n'
                                               'my_twice = "my_zoo_plugin:MODEL"'),
    "second-zoo-plugin": ("second_zoo_plugin", "TWICE = None\n", 'my_twice = "second_zoo_plugin:TWICE"'),
}
GRID = {"i_offset": [0.5, 1.0, 1.5, 2.0]}
DURATION_MS = 200.0
#: Columns that the same model on the same simulator with the same parameters and seed
#: gives identically (NEST is deterministic): a plugin's rows against the built-in's.
SAME = ["i_offset", "n_spikes", "rate_hz", "first_spike_ms", "mean_isi_ms", "rate_hz_closed_form"]


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory):
    """The environment of a process that sees both packages, pip-installed into a folder
    on its PYTHONPATH (their dist-info there carries the entry points)."""
    base = tmp_path_factory.mktemp("plugins")
    sources = []
    for name, (module, text, entry_points) in PLUGINS.items():
        source = base / name
        source.mkdir()
        (source / f"{module}.py").write_text(text)
        (source / "pyproject.toml").write_text(PYPROJECT.format(name=name, module=module, entry_points=entry_points))
        sources.append(str(source))
    site = base / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
                    "--no-build-isolation", "--no-compile", "--target", str(site), *sources],
                   check=True, capture_output=True)
    path = os.pathsep.join(p for p in [str(site), str(ROOT), os.environ.get("PYTHONPATH")] if p)
    return {**os.environ, "PYTHONPATH": path}


def zoo_command(env, *args):
    return subprocess.run([ZOO, *args], capture_output=True, text=True, env=env)


def test_an_installed_plugin_is_listed_run_and_checked_like_a_built_in_model(plugin_env, tmp_path):
    listed = zoo_command(plugin_env, "list")
    assert listed.returncode == 0, listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()] == sorted([*zoo.registry.BUILT_IN, "my_lif"])
    # the plugins that cannot be used are named, one line each, and do not hide the others
    warnings = listed.stderr.splitlines()
    assert len(warnings) == 3, listed.stderr
    assert warnings[0].startswith("zoo: warning: plugin lif = 'my_zoo_plugin:MODEL' of my-zoo-plugin 0.1 is "
                                  "ignored: 'lif' is zoo.models.lif:MODEL (a built-in model)")
    assert "plugin my_broken" in warnings[1] and "No module named 'my_zoo_plugin_missing'" in warnings[1]
    assert "model 'my_twice' is declared by several plugins" in warnings[2]
    assert "my-zoo-plugin 0.1" in warnings[2] and "second-zoo-plugin 0.1" in warnings[2]

    out = tmp_path / "my_lif.parquet"
    ran = zoo_command(plugin_env, "run", "my_lif", "--simulator", "nest", "--set", "i_offset=0.5,1.0,1.5,2.0",
                      "--duration", str(DURATION_MS), "--out", str(out))
    assert ran.returncode == 0 and "my_lif on nest" in ran.stdout, ran.stderr
    built_in = zoo.run("lif", simulator="nest", i_offset=np.array(GRID["i_offset"]), duration_ms=DURATION_MS)
    pd.testing.assert_frame_equal(pd.read_parquet(out)[SAME], built_in.summary[SAME])

    broken = zoo_command(plugin_env, "run", "my_broken")
    assert broken.returncode == 2 and broken.stdout == ""
    assert broken.stderr == ("zoo: error: plugin my_broken = 'my_zoo_plugin_missing:MODEL' of my-zoo-plugin 0.1: "
                             "cannot import it: ModuleNotFoundError: No module named 'my_zoo_plugin_missing'\n")

    checked = zoo_command(plugin_env, "check", "my_lif", "--simulator", "nest")
    assert checked.returncode == 0 and "my_lif: PASS" in checked.stdout, checked.stdout + checked.stderr

    # `zoo conformance --model` takes the plugin: the command stops at the next argument,
    # a report that is not Markdown (the matrix of a model runs in the sweep test below)
    conformance = zoo_command(plugin_env, "conformance", "--model", "my_lif", "--out", str(tmp_path / "c"),
                              "--report", str(tmp_path / "c.txt"))
    assert conformance.returncode == 2 and conformance.stderr.startswith("zoo: error: --report"), conformance.stderr


PAGE = """\
import json, sys
from pathlib import Path
from zoo.web.app import Explorer

page = Explorer(Path(sys.argv[1]))
page.model.value = "my_lif"
print(json.dumps({"options": page.model.options, "parameters": list(page.widgets),
                  "simulators": page.simulators.options}))
"""


def test_the_explorer_page_offers_a_plugins_model_with_its_form(plugin_env, tmp_path):
    """The page of ``zoo explore`` lists the models ``zoo list`` lists (the plugin's,
    not the plugins that cannot be used) and builds the plugin model's form."""
    done = subprocess.run([sys.executable, "-c", PAGE, str(tmp_path)], capture_output=True, text=True,
                          env=plugin_env, check=True)
    page = json.loads(done.stdout.splitlines()[-1])
    assert page["options"] == sorted([*zoo.registry.BUILT_IN, "my_lif"])
    assert page["parameters"] == zoo.get("lif").parameter_names
    assert page["simulators"] == list(backends.available(zoo.get("lif")))


SWEEPS = '''\
"""Sweeps of a plugin's model and of one registered at run time, on spawned Dask workers."""
import json
import sys

from distributed import Client

import explorer
import zoo
from zoo import backends
from zoo.conformance import run_conformance


def knows(name):  # run on each worker
    import zoo

    return name in zoo.list_models()


def main(out):
    listed = zoo.list_models()  # names only: the plugin's module is imported when its model is used
    facts = {{"listed": "my_lif" in listed, "imported_by_listing": "my_zoo_plugin" in sys.modules}}
    zoo.run("my_lif", simulator="nest", duration_ms=10.0)  # a simulator loaded here: the workers are spawned
    facts["simulator_loaded"] = backends.any_imported()
    zoo.register("my_other", "my_zoo_plugin:OTHER")
    with explorer.local_cluster(2) as address:
        with Client(address) as client:
            facts["workers_knew_my_other"] = list(client.run(knows, "my_other").values())
            facts["workers_knew_my_lif"] = list(client.run(knows, "my_lif").values())
        for model in ("my_lif", "my_other"):
            explorer.sweep(model, grid={grid!r}, simulators=["nest"], duration_ms={duration!r}, scheduler=address,
                           progress=False).to_parquet(f"{{out}}/{{model}}.parquet")
        run_conformance(["my_other"], ["nest"], quick=True, out=f"{{out}}/conformance", scheduler=address)
    with open(f"{{out}}/facts.json", "w") as facts_file:
        json.dump(facts, facts_file)


if __name__ == "__main__":  # spawned workers import this file again
    main(sys.argv[1])
'''


def test_plugin_and_run_time_models_sweep_on_spawned_dask_workers(plugin_env, tmp_path):
    """One local cluster of two workers, spawned (a simulator is loaded in the sweeping
    process), as ``explorer.sweep(..., workers=2)`` starts it (``cluster.ClientScope``):
    the plugin's model, and the run-time one, which the workers know only from the tasks
    (a forked worker would have inherited it: the workers are asked before the sweep);
    then the conformance matrix of the run-time model through the Python API."""
    script = tmp_path / "sweeps.py"
    script.write_text(SWEEPS.format(grid=GRID, duration=DURATION_MS))
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True, text=True,
                          env=plugin_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    facts = json.loads((tmp_path / "facts.json").read_text())
    assert facts == {"listed": True, "imported_by_listing": False, "simulator_loaded": True,
                     "workers_knew_my_other": [False, False], "workers_knew_my_lif": [True, True]}
    built_in = explorer.sweep("lif", grid=GRID, simulators=["nest"], duration_ms=DURATION_MS,
                              scheduler=explorer.INLINE, progress=False)
    expected = built_in.sort_values("i_offset")[SAME].reset_index(drop=True)
    for model in ("my_lif", "my_other"):
        table = pd.read_parquet(tmp_path / f"{model}.parquet").sort_values("i_offset").reset_index(drop=True)
        assert set(table["status"]) == {"ok"} and set(table["model"]) == {model}
        pd.testing.assert_frame_equal(table[SAME], expected)
    matrix = pd.read_parquet(tmp_path / "conformance" / "conformance.parquet")
    assert set(matrix["model"]) == {"my_other"} and set(matrix["verdict"]) == {"pass"}
    assert sorted(matrix["dt_ms"].unique()) == sorted(time_steps(quick=True))
