"""No import cycle inside medlearn, counting the imports inside functions, which hide a cycle from Python itself."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph(root: Path) -> dict[str, set[str]]:
    """Each module of the package at ``root`` and the modules of that package it imports, at any depth of its code."""
    paths = {_module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        graph[name] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
                target = ".".join([*base, *([node.module] if node.module else [])])
                submodules = {f"{target}.{alias.name}" for alias in node.names}
                # `from . import _data` loads the submodule _data, not what the package's __init__ defines; the
                # package itself counts when a name is not a submodule (`from . import helper`).
                found = submodules | ({target} if not submodules <= set(paths) else set())
            elif isinstance(node, ast.Import):
                found = {alias.name for alias in node.names}
            else:
                continue
            graph[name] |= {m for m in found if m in paths and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round a loop (Tarjan's strongly connected sets)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = stack[stack.index(module) :]
            del stack[stack.index(module) :]
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_in_medlearn() -> None:
    graph = import_graph(REPO / "medlearn")
    assert "medlearn.privacy._uids" in graph["medlearn.privacy._dummies"]  # the scan sees the privacy modules
    assert cycles(graph) == []


def test_a_cycle_hidden_inside_a_function_is_found(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import g\n\ndef f():\n    return g()\n")
    (package / "b.py").write_text("def g():\n    from .a import f\n    return f\n")
    (package / "c.py").write_text("from . import a\n")
    assert cycles(import_graph(package)) == [["pkg.a", "pkg.b"]]


def test_a_submodule_imported_from_its_package_is_no_cycle_but_a_name_from_init_is(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from ._task import task\n\nHELPER = 1\n")
    (package / "_data.py").write_text("DATA = 2\n")
    (package / "_task.py").write_text("from . import _data\n\ndef task():\n    return _data.DATA\n")
    assert cycles(import_graph(package)) == []
    (package / "_task.py").write_text("from . import HELPER, _data\n")
    assert cycles(import_graph(package)) == [["pkg", "pkg._task"]]


@pytest.mark.parametrize("module", ["_dummies", "_uids", "deidentify", "leftovers"])
def test_each_privacy_module_imports_alone(module: str) -> None:
    """In a fresh interpreter, each module imports first and gives the same ``DUMMY`` and ``replace_uid``."""
    code = (
        f"import medlearn.privacy.{module} as m, medlearn.privacy as p\n"
        "from medlearn.privacy import _dummies, _uids\n"
        "assert p.DUMMY is _dummies.DUMMY and p.replace_uid is _uids.replace_uid\n"
        "assert p.deidentify.__module__ == 'medlearn.privacy.deidentify'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
