"""``explorer.code_version``: the code behind a row, as the modules reached by import
from the model, the runner and the simulator's translation; nothing imported to find it."""
import py_compile
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from explorer import code_version as cv
from zoo import backends, registry

ROOTS = frozenset({"zoo", "explorer"})


def _names(files) -> set[str]:
    return {f"{path.parent.name}/{path.name}" for path in files}


@pytest.fixture(autouse=True)
def computed_not_cached():
    """code_version's caches of what its own code computes, emptied before each test: what a
    test checks is computed by the code under test, not read from a cache that another test,
    or mutmut's run before it forks a process per mutant, filled (a mutant of a function they
    call then never runs). The parsed files and their digests stay cached: Python's parser
    and ``ast.dump`` make them, and mutmut's copy of a module, every mutant of every function
    written out, takes seconds to parse (8 MB for ``tolerances``)."""
    for function in (cv._hash, cv.backend_files, cv.module_closure, cv._package_folder):
        function.cache_clear()


def test_a_models_closure_holds_its_declaration_and_what_it_imports_and_no_backend():
    lif = _names(cv.module_closure("zoo.models.lif", ROOTS))
    assert {"models/lif.py", "stimuli/current_clamp.py", "declarations/tolerances.py"} <= lif
    assert not any(name.startswith("backends/") for name in lif)
    assert "zoo/__init__.py" not in {f"{p.parent.name}/{p.name}" for p in cv.module_closure("zoo.models.lif", ROOTS)}


def test_a_backends_closure_holds_its_translations_and_no_other_simulators():
    for simulator in backends.names():
        closure = _names(cv.backend_files(simulator))
        assert f"{simulator}/backend.py" in closure and f"{simulator}/cells.py" in closure
        assert "backends/base.py" in closure
        others = [s for s in backends.names() if s != simulator]
        assert not any(name.startswith(f"{other}/") for name in closure for other in others), closure
    assert {"brian2/cells.py", "brian2/integration.py", "brian2/plasticity.py"} <= _names(cv.backend_files("brian2"))


def test_every_simulator_has_its_own_version_and_the_pair_shares_one():
    versions = {s: cv.code_version("lif", s) for s in backends.names()}
    assert len(set(versions.values())) == len(versions)
    shared = cv.code_version("lif", None)
    assert shared not in versions.values() and cv.code_version("lif", "a simulator the zoo lacks") == shared
    assert cv.code_version("lapicque", None) != shared


def test_finding_the_code_imports_no_simulator():
    """Keys are made before any simulation: a simulator imported here would also make the
    sweep's workers spawn instead of fork."""
    code = ("import sys; from explorer.code_version import code_version; from zoo import backends, registry; "
            "[code_version(m, s) for m in registry.list_models() for s in backends.names()]; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('nest', 'brian2', 'neuron', 'pyNN')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_relative_and_from_imports_are_followed_to_modules_not_attributes(tmp_path, monkeypatch):
    # a name of its own each time: the closures are cached per module name, and Python keeps
    # an imported package for the process (make mutate runs several sessions in one)
    name = f"mypkg_{uuid.uuid4().hex[:8]}"
    package = tmp_path / name
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("import os\n")
    # a package's own relative import is relative to the package itself, not to its parent
    (package / "sub" / "__init__.py").write_text("VALUE = 1\nfrom .e import h\n")
    # two levels up: the package's parent, then a module of it and a name of a module
    (package / "sub" / "e.py").write_text("from .. import d\nfrom ..c import g\n\ndef h():\n    pass\n")
    (package / "a.py").write_text("from . import b\nfrom .sub import VALUE\n\ndef f():\n    from .c import g\n")
    # several modules in one statement, and a statement after it
    (package / "b.py").write_text(f"import {name}.d, {name}.f\nimport os\n")
    (package / "c.py").write_text("def g():\n    pass\n")
    (package / "d.py").write_text("x = 1\n")
    (package / "f.py").write_text("from os import path\n")
    (package / "unused.py").write_text("y = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    closure = cv.module_closure(f"{name}.a", frozenset({name}))
    assert sorted(str(p.relative_to(package)) for p in closure) == [
        "a.py", "b.py", "c.py", "d.py", "f.py", "sub/__init__.py", "sub/e.py"]
    assert cv.imported_modules(f"{name}.sub", package / "sub" / "__init__.py") == [f"{name}.sub.e"]
    assert sorted(cv.imported_modules(f"{name}.sub.e", package / "sub" / "e.py")) == [f"{name}.c", f"{name}.d"]
    assert cv.imported_modules(f"{name}.b", package / "b.py") == [f"{name}.d", f"{name}.f", "os"]


def test_every_model_has_a_version():
    for model in registry.list_models():
        assert len(cv.code_version(model, backends.DEFAULT)) == 16


def test_a_files_path_is_read_from_its_top_level_packages_parent(tmp_path, monkeypatch):
    """What the hash names a file by: the same in every checkout."""
    (tmp_path / "pkg" / "sub").mkdir(parents=True)
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "sub" / "__init__.py").write_text("")
    assert cv._relative(tmp_path / "pkg" / "sub" / "m.py") == Path("pkg/sub/m.py")
    assert cv._relative(tmp_path / "pkg" / "m.py") == Path("pkg/m.py")
    assert cv._relative(tmp_path / "loose.py") == Path("loose.py")  # in no package: its name
    assert cv._relative(Path(cv.__file__)) == Path("explorer/code_version.py")
    # a package whose parent is the path's first part (a checkout at the file system's root,
    # here a relative path): every part is looked at, down to the first
    (tmp_path / "top" / "pkg").mkdir(parents=True)
    (tmp_path / "top" / "pkg" / "__init__.py").write_text("")
    monkeypatch.chdir(tmp_path)
    assert cv._relative(Path("top/pkg/m.py")) == Path("pkg/m.py")


def test_a_top_level_package_is_its_init_file_not_a_module_beside_its_folder(tmp_path, monkeypatch):
    assert cv._source("explorer") == Path(cv.__file__).parent / "__init__.py"
    # a package without source (only its compiled __init__) has none; a module file of
    # the same name beside its folder (which Python does not import) is not it
    name = f"sourceless_{uuid.uuid4().hex[:8]}"
    (tmp_path / name).mkdir()
    (tmp_path / "init.py").write_text("VALUE = 1\n")
    py_compile.compile(str(tmp_path / "init.py"), cfile=str(tmp_path / name / "__init__.pyc"), doraise=True)
    (tmp_path / "init.py").unlink()
    (tmp_path / f"{name}.py").write_text("VALUE = 2\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cv._package_folder(name) == tmp_path / name
    assert cv._source(name) is None


def test_a_star_import_names_its_module_even_beside_a_file_named_star(tmp_path, monkeypatch):
    """``from a import *`` names a (never a submodule '*', whatever files a holds)."""
    name = f"starpkg_{uuid.uuid4().hex[:8]}"
    package = tmp_path / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "*.py").write_text("")  # a legal file name on Linux and macOS
    (package / "a.py").write_text(f"from {name} import *\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert cv.imported_modules(f"{name}.a", package / "a.py") == [name]
