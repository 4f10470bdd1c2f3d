"""environment.yml (conda) lists the same dependencies as pyproject.toml."""
import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _normalise(requirement: str) -> str:
    name, spec = re.match(r"\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)", requirement).groups()
    return name.lower().replace("_", "-") + spec.replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = {_normalise(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]}
    listed = set()
    for item in yaml.safe_load((ROOT / "environment.yml").read_text())["dependencies"]:
        if isinstance(item, dict):
            listed |= {_normalise(r) for r in item["pip"] if r != "-e ."}
        elif not item.startswith(("python=", "pip")) or item.startswith("pip>"):
            listed.add(_normalise(item))
    assert listed == wanted, f"only in pyproject: {wanted - listed}; only in environment.yml: {listed - wanted}"


def test_readme_quick_start_is_the_two_make_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_the_mutation_setup_names_files_that_exist_and_the_tests_that_kill_the_known_bugs():
    """``make mutate`` mutates the modules and runs the tests that pyproject.toml names:
    a renamed file would silently drop out of the run."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    for module in config["only_mutate"]:
        assert (ROOT / module).is_file(), module
    selection = config["pytest_add_cli_args_test_selection"]
    for test in selection:
        path, _, name = test.partition("::")
        assert (ROOT / path).is_file(), path
        assert not name or f"def {name}(" in (ROOT / path).read_text(), test
    # the second pass: modules that are mutated, tests and functions that exist
    for entry in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["zoo-mutation"]["second-pass"]:
        assert set(entry["modules"]) <= set(config["only_mutate"]), entry
        for test in entry["tests"]:
            path, _, name = test.partition("::")
            assert (ROOT / path).is_file() and (not name or f"def {name}(" in (ROOT / path).read_text()), test
        source = "".join((ROOT / module).read_text() for module in entry["modules"])
        for function in entry.get("functions", ()):
            name = function[2:] if function.startswith("x_") else function.split("ǁ")[-1]
            assert f"def {name}(" in source and all(f"class {c}" in source for c in function.split("ǁ")[1:-1]), function
    # the four bugs that once went unnoticed are each killed by a test in the selection
    for killer in ("declarations/test_tolerances.py", "test_keys_and_resume.py", "explorer/test_compare.py",
                   "declarations/test_parameters.py"):
        assert any(killer in test for test in selection), killer


def test_the_longest_files_go_first_only_when_xdist_hands_out_files():
    """``make test`` (xdist, whole files per worker) starts the longest files first; a run
    in one process keeps the order it was given: mutmut lists a mutant's tests fastest
    first, and reordering them made a mutant that a 0.01 s test kills wait 16-37 s for it."""
    from types import SimpleNamespace

    from tests import conftest

    root = Path(conftest.__file__).resolve().parents[1]
    quick, long = "tests/test_packaging.py", conftest.LONGEST_FIRST[0]
    for config, first in ((SimpleNamespace(rootpath=root), quick),
                          (SimpleNamespace(rootpath=root, workerinput={"workerid": "gw0"}), long)):
        items = [SimpleNamespace(fspath=root / quick), SimpleNamespace(fspath=root / long)]
        conftest.pytest_collection_modifyitems(config, items)
        assert Path(items[0].fspath).relative_to(root).as_posix() == first
