"""The version of the code behind a row: a hash of the source that computes it.

A sweep row depends on the model's declaration (its module, and what it imports: the
stimuli, the metrics, the tolerances, the theory), on how a run becomes a row (the
runner, the explorer's tasks) and on the simulator's translation (its backend module,
the translations its cell records name, its plasticity rules and mechanism files). :func:`code_version` hashes
exactly that: the source of every module reached by import from those starting points
(imports inside functions included, read with :mod:`ast`, nothing imported), within
the zoo and the model's own package, plus the backend's declared data files (NMODL,
NESTML). Comments and layout do not count (the hash is of the parsed syntax tree); any
other change does, so a resumed sweep reruns exactly the rows whose code changed,
without a revision bump, and nothing else of the package matters (a change to the
browser page or the CLI reruns nothing).
"""
from __future__ import annotations

import ast
import collections
import functools
import hashlib
import importlib.util
from pathlib import Path

from zoo import backends, registry

#: Where every row's computation starts besides the model and the backend.
ROW_MODULES = ("zoo.runner", "explorer.tasks")


def code_version(model: str, simulator: str | None) -> str:
    """A short hash of the source that computes a row of ``model`` on ``simulator``
    (``None``: the part shared by every simulator, for keys that pair simulators)."""
    return source_version(registry.entry_point(model), simulator)


def source_version(entry_point: str, simulator: str | None) -> str:
    """:func:`code_version` for any ``"module:attribute"`` (a model, or a model's study):
    its module's closure, the runner's and the explorer tasks', and the simulator's."""
    return _hash(entry_point.split(":")[0], simulator if simulator in backends.names() else None)


@functools.cache
def _hash(model_module: str, simulator: str | None) -> str:
    roots = {model_module.split(".")[0], "zoo", "explorer"}
    files = set()
    for start in (model_module, *ROW_MODULES):
        files |= module_closure(start, frozenset(roots))
    data = []
    if simulator is not None:
        files |= backend_files(simulator)
        backend = backends.backend_class(simulator)
        folder = _source(backend.__module__).parent
        data = sorted(path for pattern in backend.source_files for path in folder.glob(pattern))
    digest = hashlib.sha1()
    for path in sorted(files):
        digest.update(str(_relative(path)).encode())
        digest.update(_syntax_digest(path))
    for path in data:
        digest.update(str(_relative(path)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def backend_files(simulator: str) -> frozenset[Path]:
    """The source files of ``simulator``'s backend: its module, the translations its cell
    records name (imported by name, with the simulator), and what they import."""
    backend = backends.backend_class(simulator)
    package = backend.__module__.rpartition(".")[0]
    translations = {f"{package}.{record.translation.split(':')[0]}" for record in backend.cell_types.values()
                    if record.translation}
    roots = frozenset({"zoo", "explorer"})
    return frozenset().union(*(module_closure(module, roots) for module in (backend.__module__, *sorted(translations))))


@functools.cache
def module_closure(name: str, roots: frozenset[str]) -> frozenset[Path]:
    """The source files of module ``name`` and of every module it imports (at top
    level or inside functions), transitively, among the packages ``roots``. A package
    that is only the parent of an imported module does not count (``zoo/__init__.py``
    imports the whole facade, none of which computes a row); one imported for a name it
    defines does."""
    followed: dict[str, Path] = {}
    pending = [name]
    while pending:
        current = pending.pop()
        if current in followed or current.split(".")[0] not in roots:
            continue
        path = _source(current)
        if path is None:
            continue
        followed[current] = path
        pending.extend(imported_modules(current, path))
    return frozenset(followed.values())


def imported_modules(name: str, path: Path) -> list[str]:
    """The modules an import statement of ``path`` (module ``name``) names: ``import
    a.b`` names a.b; ``from a import b`` names the module a.b where b is one, else a."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in _statements(_tree(path)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            submodules = [f"{module}.{alias.name}" for alias in node.names
                          if alias.name != "*" and _source(f"{module}.{alias.name}") is not None]
            attributes = len(submodules) < len(node.names)
            found += submodules + ([module] if attributes else [])
    return found


#: The fields that hold statements (an import is one): a block of a statement, an
#: ``except`` handler or a ``match`` case. Expressions hold none.
BLOCKS = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})


def _statements(tree: ast.Module):
    """The statements of ``tree`` at any depth (and its except handlers and match cases),
    in :func:`ast.walk`'s order, without visiting expressions (most of a module's nodes,
    and none of them an import)."""
    pending = collections.deque(tree.body)
    while pending:
        node = pending.popleft()
        yield node
        for field in node._fields:
            if field in BLOCKS:
                pending.extend(getattr(node, field))


def _source(name: str) -> Path | None:
    """The ``.py`` file of module ``name`` (a package's ``__init__.py``), or None if
    the name is no module of its package (an attribute). Found on disk from the
    top-level package's folder: nothing is imported (a backend's translation module
    imports its simulator)."""
    top, *rest = name.split(".")
    folder = _package_folder(top)
    if folder is None:
        return None
    base = folder.joinpath(*rest)
    for candidate in (base / "__init__.py", base.with_suffix(".py")) if rest else (base / "__init__.py",):
        if candidate.is_file():
            return candidate
    return None


@functools.cache
def _package_folder(top: str) -> Path | None:
    """The folder of top-level package ``top`` (found, not imported)."""
    spec = importlib.util.find_spec(top)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@functools.cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


@functools.cache
def _syntax_digest(path: Path) -> bytes:
    """The hash of ``path``'s syntax tree, once per file and process (a model's closure
    shares most files with every other's)."""
    return hashlib.sha1(ast.dump(_tree(path)).encode()).digest()


def _relative(path: Path) -> Path:
    """``path`` from its top-level package's parent, so that two checkouts of the same
    code give the same hash."""
    parts = path.parts
    for index in range(len(parts) - 1, 0, -1):
        if not (Path(*parts[:index]) / "__init__.py").exists():
            return Path(*parts[index:])
    return path
