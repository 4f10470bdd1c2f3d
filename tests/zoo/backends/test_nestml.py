"""The NESTML path of the NEST backend (``zoo.backends.nest.nestml_build``): each workaround
the PyPI NEST wheel needs is pinned here, so a new wheel or NESTML that changes the
picture fails loudly."""
import os
import subprocess
import time

import pytest

from zoo import backends
from zoo.backends.nest import nestml_build


def test_the_replacement_nest_config_points_into_this_environment(tmp_path):
    script = nestml_build.nest_config(tmp_path)
    def answer(option):
        return subprocess.run([str(script), option], capture_output=True, text=True, check=True).stdout.strip()
    includes = [flag[2:] for flag in answer("--includes").split()]
    assert includes and all(os.path.isdir(path) for path in includes)
    assert any(os.path.isfile(os.path.join(path, "nest_types.h")) for path in includes)    # NEST's headers
    assert any(os.path.isdir(os.path.join(path, "boost")) for path in includes)          # Boost's
    assert "-D_GLIBCXX_USE_CXX11_ABI=0" in answer("--cflags")   # the wheel's string ABI
    assert answer("--version") == backends.version("nest")
    assert subprocess.run([str(script), "--nonsense"]).returncode != 0


def test_the_module_is_built_once_and_reused():
    first = nestml_build.build()
    built_at = first.stat().st_mtime
    started = time.perf_counter()
    again = nestml_build.build()
    assert again == first and again.stat().st_mtime == built_at
    assert time.perf_counter() - started < 0.5
    assert "zoo_srm_curr_exp_neuron" in nestml_build.models()


def test_every_setup_installs_the_nestml_neurons_again():
    """NEST's kernel reset (every PyNN setup) unloads extension modules, and NEST loads
    one only before any node exists: the backend installs at each setup."""
    import nest

    backend = backends.load("nest")
    for _ in range(2):
        with backend.quiet():
            sim = backend.setup(0.1, 1)
            try:
                assert "zoo_srm_curr_exp_neuron" in nest.node_models
                sim.Population(1, sim.SRM_curr_exp())
            finally:
                backend.end()


def test_a_broken_nestml_model_is_a_clear_error_naming_it(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # the failed build's files stay there
    sources = tmp_path / "nestml"
    sources.mkdir()
    (sources / "broken.nestml").write_text("model zoo_broken_neuron:\n    state:\n        V_m mV = undefined_name\n")
    with pytest.raises(nestml_build.NestmlBuildError, match="zoo_broken_neuron"):
        nestml_build.build(sources)
    assert not nestml_build.module_file(nestml_build.cache_directory(sources)).exists()
