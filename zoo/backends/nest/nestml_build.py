"""Neuron models that NEST lacks, written in NESTML (``zoo/backends/nest/nestml/*.nestml``),
built once per machine into a NEST extension module and loaded after every kernel reset.

Everything the PyPI NEST wheel needs for a NESTML build lives here (measured with
nestml 9.0.0 and nest-simulator 3.10.0; ``docs/notes/nestml-probe-issue22.md``):

- The wheel's ``nest-config`` names the build machine's paths; NESTML runs
  ``<nest_path>/bin/nest-config``, so a replacement is written into the cache: NEST's headers
  in the wheel, Boost's from the ``boost-headers`` distribution, no libraries (the ``nest::``
  symbols come from the already loaded ``nestkernel_api.so``), and the old C++ string ABI
  (``-D_GLIBCXX_USE_CXX11_ABI=0``), which the wheel was built with.
- NESTML may report "No code generated" and still return: the build is checked by its
  module file, and a failure is a ``NestmlBuildError`` naming the models and the log's end.
- The build runs in a subprocess (NESTML configures global logging) under a file lock,
  so concurrent workers build once; the module lives in a cache directory keyed by a hash
  of the NESTML sources and the versions of NEST and NESTML, so a second set-up rebuilds
  nothing.
- ``nest.Install`` finds the module through ``LTDL_LIBRARY_PATH``, set in this process;
  ``nest.ResetKernel`` (every PyNN ``setup``) unloads it, so :func:`install` runs after
  each one.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

#: The zoo's NESTML sources.
SOURCES = Path(__file__).with_name("nestml")
MODULE = "zoomodule"


class NestmlBuildError(RuntimeError):
    """A NESTML model could not be built into NEST."""


def available() -> bool:
    """NESTML and the Boost headers are installed (checked without importing them)."""
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("pynestml", "boost_headers"))


def models(sources: Path | None = None) -> list[str]:
    """The neuron models the sources declare, by NEST name."""
    names = []
    for path in sorted((sources or SOURCES).glob("*.nestml")):
        names += [line.split()[1].rstrip(":") for line in path.read_text().splitlines() if line.startswith("model ")]
    return names


def cache_directory(sources: Path | None = None) -> Path:
    """Where the module built from ``sources`` (default: the zoo's) is kept."""
    sources = b"".join(path.read_bytes() for path in sorted((sources or SOURCES).glob("*.nestml")))
    versions = f"nest {metadata.version('nest-simulator')} nestml {metadata.version('nestml')}".encode()
    digest = hashlib.sha1(sources + versions).hexdigest()[:12]
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "zoo" / "nestml" / digest


def module_file(directory: Path | None = None) -> Path:
    return (directory or cache_directory()) / "target" / f"{MODULE}.so"


def nest_config(directory: Path) -> Path:
    """The replacement ``nest-config`` (module docstring) under ``directory/bin``."""
    site = Path(sysconfig.get_paths()["purelib"])
    script = directory / "bin" / "nest-config"
    script.parent.mkdir(parents=True, exist_ok=True)
    answers = {
        "--prefix": site / "nest", "--exec-prefix": site / "nest",
        "--version": metadata.version("nest-simulator"),
        "--includes": f"-I{site / 'nest' / 'include' / 'nest'} -I{site / 'boost_headers' / 'include'}",
        "--cflags": "-O2 -std=c++20 -fopenmp -D_GLIBCXX_USE_CXX11_ABI=0",
        "--libs": "", "--compiler": "g++", "--compiler-name": "GNU",
        "--python-executable": sys.executable, "--static-libraries": "OFF",
        "--libdir": "lib", "--datadir": "share/nest", "--docdir": "share/doc/nest",
    }
    cases = "\n".join(f'  {option}) echo "{value}" ;;' for option, value in answers.items())
    script.write_text(f'#!/bin/sh\n# written by zoo.backends.nestml_build\ncase "$1" in\n{cases}\n  *) exit 1 ;;\nesac\n')
    script.chmod(0o755)
    return script


_BUILD = """
import sys
from pynestml.frontend.pynestml_frontend import generate_nest_target
generate_nest_target(input_path=sys.argv[1], target_path=sys.argv[2], module_name=sys.argv[3],
                     install_path=sys.argv[2], logging_level="WARNING",
                     codegen_opts={"nest_path": sys.argv[4]})
"""


def build(sources: Path | None = None) -> Path:
    """The module built from ``sources`` (a folder of .nestml files, default: the zoo's),
    built now if the cache lacks it; NestmlBuildError if it fails."""
    sources = sources or SOURCES
    directory = cache_directory(sources)
    target = module_file(directory)
    if _complete(target, sources):
        return target
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _complete(target, sources):
            return target
        nest_config(directory)
        done = subprocess.run([sys.executable, "-c", _BUILD, str(sources), str(target.parent), MODULE,
                               str(directory)], capture_output=True, text=True)
        if not _complete(target, sources):
            log = [line for line in (done.stdout + done.stderr).strip().splitlines() if "ERROR" in line] or \
                (done.stdout + done.stderr).strip().splitlines()
            raise NestmlBuildError(f"NESTML could not build the NEST neuron model(s) {', '.join(models(sources))} "
                                   f"from {sources}: " + " | ".join(log[-12:]))
    return target


def _complete(target: Path, sources: Path) -> bool:
    """Whether the module exists with every model of the sources: NESTML skips a model with
    errors ("No code generated!") and still builds the module from the others."""
    return target.exists() and all((target.parent / f"{name}.cpp").exists() for name in models(sources))


def install() -> None:
    """Load the module into NEST's current kernel (after every reset)."""
    import nest

    target = build()
    os.environ["LTDL_LIBRARY_PATH"] = str(target.parent)
    nest.Install(MODULE)
