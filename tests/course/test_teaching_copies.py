"""A chapter that writes its own version of a library function (a teaching copy) also checks that the two agree.

A function defined in a chapter under the name of a public medlearn function is a teaching copy
(the CNN-training chapter writes `to_network_input` in two lines; the library's holds the checks). The chapter must
import the library's function (under an alias) and compare the two in a cell that asserts (``assert``, or
``medlearn.claims.claim``, which fails under the tests as an assert does), or the chapter's own test file
(``tests/course/test_twins_<name>.py``, keyed by the chapter's name) must take the copy out of the stored chapter
(its ``def name(`` cell) and compare it with the library's function, which keeps a check that tests only code out
of the learner's way.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import re
from pathlib import Path

from helpers import REPO

import medlearn
from authoring.chapters import by_name


def library_functions() -> dict[str, str]:
    """Public function name -> the module that defines it."""
    found = {}
    for info in pkgutil.walk_packages(medlearn.__path__, "medlearn."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if not name.startswith("_") and inspect.isfunction(obj) and obj.__module__ == module.__name__:
                found[name] = module.__name__
    return found


def copies_in_tests(test_source: str) -> set[str]:
    """The teaching copies a chapter's test file compares with the library: it reads the chapter's ``def name(`` cell
    and imports the library's function of that name."""
    read = set(re.findall(r"_cell\(\"def (\w+)\(\"\)", test_source))
    return {name for name in read if re.search(rf"from medlearn[\w.]* import [^\n]*\b{name}\b", test_source)}


def unchecked_copies(cells: list[str], library: dict[str, str], tested: set[str] = frozenset()) -> list[str]:
    """The teaching copies among the code cells that no asserting cell (nor the chapter's test file: ``tested``)
    compares with the library's function."""
    problems = []
    for source in cells:
        for name in re.findall(r"^def (\w+)\(", source, flags=re.M):
            if name not in library or name in tested:
                continue
            alias = re.compile(rf"from medlearn[\w.]* import [^\n]*\b{name} as (\w+)")
            compared = [
                cell
                for cell in cells
                if (match := alias.search(cell))
                and re.search(r"^\s*(assert\b|claim\()", cell, flags=re.M)
                and re.search(rf"\b{match.group(1)}\(", cell)
            ]
            if not compared:
                problems.append(f"{name} (the library's is {library[name]}.{name})")
    return problems


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def test_every_teaching_copy_is_compared_with_the_library() -> None:
    library = library_functions()
    found = {}
    for path in sorted(REPO.glob("notebooks/*.ipynb")):
        tests = REPO / "tests" / "course" / f"test_twins_{path.stem[3:]}.py"  # keyed by the chapter's name
        tested = copies_in_tests(tests.read_text(encoding="utf-8")) if tests.exists() else set()
        found[path.name] = unchecked_copies(_code_cells(path), library, tested)
    assert {name: problems for name, problems in found.items() if problems} == {}
    copies = sum(
        len(re.findall(r"^def to_network_input\(", c, flags=re.M))
        for c in _code_cells(REPO / by_name("cnn_training").notebook)
    )
    assert copies == 1  # the copy this test was written for is still there


def test_a_copy_without_a_comparison_is_found() -> None:
    library = {"to_network_input": "medlearn.models.inputs"}
    copy = "def to_network_input(images):\n    return images[..., None] / 255.0"
    assert unchecked_copies([copy, "x = to_network_input(images)"], library) == [
        "to_network_input (the library's is medlearn.models.inputs.to_network_input)"
    ]
    compared = "from medlearn.models import to_network_input as library_input\nassert same(library_input(x))"
    assert unchecked_copies([copy, compared], library) == []
    claimed = "from medlearn.models import to_network_input as library_input\nclaim('same', same(library_input(x)))"
    assert unchecked_copies([copy, claimed], library) == []
    not_asserted = "from medlearn.models import to_network_input as library_input\nprint(library_input(x))"
    assert unchecked_copies([copy, not_asserted], library) != []
    in_tests = 'from medlearn.models import to_network_input\nexec(_cell("def to_network_input("), namespace)'
    assert copies_in_tests(in_tests) == {"to_network_input"}
    assert unchecked_copies([copy], library, copies_in_tests(in_tests)) == []
    assert copies_in_tests('exec(_cell("def to_network_input("), namespace)') == set()  # never compared
