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

import json
import re
from pathlib import Path

from helpers import REPO

from authoring.chapters import by_name
from authoring.rules import copies_in_tests, library_functions, teaching_copy_problems, unchecked_copies


def _code_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def test_every_teaching_copy_is_compared_with_the_library() -> None:
    assert teaching_copy_problems() == []
    assert "to_network_input" in library_functions()
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
