"""The import contract (ARCHITECTURE.md): layers import only downward, and nothing
outside the backend layer names a simulator.

    declarations ← backends ← running ← explorer ← checks ← interface

Every import statement counts, at module level or inside a function (an upward
import hidden in a function is still a cycle in the design).
"""
import ast
import fnmatch
from pathlib import Path

import pytest

from zoo import backends

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("zoo", "explorer", "experiments")
LAYERS = ("declarations", "backends", "running", "explorer", "checks", "interface")
#: module pattern -> layer; the first match wins.
RULES = (
    ("zoo.models.*.studies", "checks"),
    ("zoo.checks", "checks"),
    ("zoo.reference_check", "checks"),
    ("zoo.network_checks", "checks"),
    ("zoo.conformance*", "checks"),
    ("zoo.declarations*", "declarations"),
    ("zoo.registry", "declarations"),
    ("zoo.stimuli*", "declarations"),
    ("zoo.spike_plots", "declarations"),
    ("zoo.models*", "declarations"),
    ("zoo.backends*", "backends"),
    ("zoo.runner", "running"),
    ("zoo.result", "running"),
    ("zoo.analysis", "running"),
    ("zoo.recordings", "running"),
    ("zoo.figures", "running"),
    ("explorer*", "explorer"),
    ("experiments*", "interface"),
    ("zoo.cli", "interface"),
    ("zoo.web*", "interface"),
    ("zoo", "interface"),  # the package's __init__: the facade (zoo.run, zoo.check, ...)
)
#: Packages that are simulators, or a simulator's PyNN backend.
SIMULATOR_MODULES = ("nest", "brian2", "neuron", "pyNN.nest", "pyNN.brian2", "pyNN.neuron")


#: Simulator names that are also column names of the zoo's tables ("neuron": a neuron's
#: index in spike and trace tables).
COLUMN_NAMES = {"neuron"}


def names_a_column(node, parents) -> bool:
    """Whether a constant that is also a column name is used as one. It names the
    simulator where it is compared for (in)equality, given as a ``simulator(s)=``
    keyword, or passed to a call that takes simulators (run, load, sweep, check, ...)."""
    if node.value not in COLUMN_NAMES:
        return False
    parent = parents.get(node)
    if isinstance(parent, (ast.List, ast.Tuple, ast.Set)):
        parent = parents.get(parent)
    if isinstance(parent, ast.Compare):
        return not any(isinstance(op, (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)) for op in parent.ops)
    if isinstance(parent, ast.keyword):
        return "simulator" not in (parent.arg or "")
    if isinstance(parent, ast.Call):
        function = parent.func.attr if isinstance(parent.func, ast.Attribute) else getattr(parent.func, "id", "")
        return not any(word in function for word in SIMULATOR_TAKING_CALLS)
    return True


#: Calls whose arguments are simulator names.
SIMULATOR_TAKING_CALLS = ("run", "load", "sweep", "check", "backend", "numerics", "version", "available",
                          "compare", "conformance")


def layer_of(module: str) -> str | None:
    for pattern, layer in RULES:
        if fnmatch.fnmatchcase(module, pattern):
            return layer
    return None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def sources() -> dict[str, tuple[str, bool]]:
    """module -> (source, is_package) for every module of the project's packages."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = (path.read_text(), path.name == "__init__.py")
    return found


def imports(module: str, source: str, is_package: bool, known: set[str]):
    """(line, imported module) for every import in ``source``; ``from X import y``
    counts as X.y when that is a module, else as X."""
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                yield node.lineno, candidate if candidate in known else base


def violations(modules: dict[str, tuple[str, bool]]) -> list[str]:
    """Every import of a module of a higher layer than the importer's."""
    known = set(modules)
    found = []
    for module, (source, is_package) in modules.items():
        mine = layer_of(module)
        for line, target in imports(module, source, is_package, known):
            theirs = layer_of(target)
            if mine is None or theirs is None:
                continue
            if LAYERS.index(theirs) > LAYERS.index(mine):
                found.append(f"{module}:{line} ({mine}) imports {target} ({theirs})")
    return found


def test_every_module_has_a_layer():
    unplaced = [m for m in sources() if layer_of(m) is None]
    assert not unplaced, unplaced


def test_imports_run_only_downward():
    found = violations(sources())
    assert not found, "\n".join(found)


@pytest.mark.parametrize("module, statement", [
    ("zoo.declarations.parameters", "from ..runner import run"),
    ("zoo.models.lif", "import explorer"),
    ("zoo.backends.base", "from zoo import checks"),
    ("explorer.points", "import zoo"),
    ("zoo.runner", "def f():\n    from .cli import main\n"),
])
def test_an_upward_import_is_caught(module, statement):
    """The contract can fail: one upward import, even inside a function, breaks it."""
    modules = sources()
    source, is_package = modules[module]
    modules[module] = (source + "\n" + statement + "\n", is_package)
    assert len(violations(modules)) == 1


def test_no_simulator_outside_the_backend_layer():
    """Above ``zoo.backends`` no module imports a simulator or writes a simulator's
    name as a value: simulators come from the backend registry."""
    names = set(backends.names())
    found = []
    for module, (source, is_package) in sources().items():
        if layer_of(module) == "backends":
            continue
        tree = ast.parse(source)
        for line, target in imports(module, source, is_package, set()):
            if any(target == s or target.startswith(s + ".") for s in SIMULATOR_MODULES):
                found.append(f"{module}:{line} imports {target}")
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in names and not names_a_column(node, parents):
                found.append(f"{module}:{node.lineno} names the simulator {node.value!r}")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("code, column", [
    ('x == "neuron"', False), ('run("lif", "neuron")', False), ('f(simulator="neuron")', False),
    ('sweep(simulators=["neuron"])', False), ('spikes["neuron"]', True), ('table.groupby("neuron")', True),
    ('table.drop(columns="neuron")', True), ('c not in ("neuron", "t_ms")', True)])
def test_a_simulator_name_that_is_also_a_column_is_told_apart(code, column):
    tree = ast.parse(code)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value == "neuron")
    assert names_a_column(node, parents) is column
