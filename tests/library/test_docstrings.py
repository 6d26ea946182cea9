"""Every public function of medlearn has a docstring with an example, and the examples run."""

from __future__ import annotations

import doctest
import importlib
import inspect
import pkgutil

import pytest

import medlearn

MODULES = [
    importlib.import_module(m.name)
    for m in pkgutil.walk_packages(medlearn.__path__, "medlearn.")
    if not m.name.endswith("__main__")
]


def _public_functions():
    for module in MODULES:
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj


@pytest.mark.parametrize(("name", "function"), list(_public_functions()), ids=lambda x: x if isinstance(x, str) else "")
def test_public_function_has_docstring_with_example(name: str, function: object) -> None:
    doc = inspect.getdoc(function) or ""
    assert "Example" in doc and ">>>" in doc, f"{name} needs a docstring with an example"
    hints = inspect.get_annotations(function)
    assert "return" in hints, f"{name} needs type hints"


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples_run(module: object) -> None:
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs = {"np": importlib.import_module("numpy")} | vars(module)
    for test in finder.find(module, module.__name__, globs=globs):
        runner.run(test)
    assert runner.failures == 0
