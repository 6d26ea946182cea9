"""What a learner reads speaks of its subject: no words about the course's machinery (authoring.learner_text), and no
check standing in the reading path (every check is a collapsed claim cell, medlearn.claims)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import REPO

from authoring import learner_text

FILES = learner_text.learner_files(REPO)
CHAPTERS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem[:2]}")
def test_learner_text_has_no_machinery_words(path: Path) -> None:
    hits = learner_text.scan([path])
    assert not hits, "\n".join(f"cell {h.cell}: {h.words!r} in …{h.context}…" for h in hits)


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem[:2])
def test_no_visible_cell_only_checks_and_no_bare_assert(path: Path) -> None:
    problems = []
    for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
        source = "".join(cell["source"])
        if cell["cell_type"] != "code":
            continue
        if re.search(r"^\s*assert\b", source, re.MULTILINE):
            problems.append(f"cell {index}: a bare assert (use medlearn.claims.claim): {source[:60]!r}")
        if "claim(" in source and not cell["metadata"].get("jupyter", {}).get("source_hidden"):
            problems.append(f"cell {index}: a cell of claims in view (collapse it): {source[:60]!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("The benchmark in the README trains longer.", ["README"]),
        ("Timings depend on the machine, so this cell is not compared.", ["depend on the machine", "not compared"]),
        ("See `benchmarks/cnn.py` and tests/test_x.py; nbval masks it.", ["benchmarks/", "tests/", "nbval"]),
        ("Within its time budget, on another processor.", ["time budget", "another processor"]),
        ("About zero in the stored run; on another machine it may differ.", ["stored run", "another machine"]),
        (
            "Tested against the library, so every computer agrees; other work on the computer moves it.",
            ["Tested against the library", "every computer", "work on the computer"],
        ),
        ("A support vector machine, an ultrasound machine, a labelling budget, a GDPR processor.", []),
    ],
)
def test_the_scanner_finds_machinery_and_leaves_the_subject(text: str, words: list[str]) -> None:
    assert [hit.words for hit in learner_text.machinery_words(text)] == words
