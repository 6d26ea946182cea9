"""A chapter is named, never numbered, outside the one list and the learner's text (the rule is
:mod:`authoring.chapter_numbers`, which ``python -m authoring check`` runs too): every hand-written file passes, the
pending list only shrinks, and the rule finds a number and lets a name through, shown on temporary files."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import REPO

from authoring.chapter_numbers import EXTERNAL, PENDING, scan, stale
from authoring.chapters import by_name


def test_no_hand_written_file_numbers_a_chapter() -> None:
    found = {path: hits for path, hits in scan().items() if path not in PENDING}
    assert not found, (
        "name the chapter, never its number (prose: 'the registration chapter'; code: "
        f"authoring.chapters.by_name('registration').notebook): {found}"
    )


def test_every_pending_file_still_carries_a_number_and_every_external_citation_is_there() -> None:
    assert stale() == [], "no number left: remove it from PENDING"
    for path, words in EXTERNAL.items():
        assert words in (REPO / path).read_text(encoding="utf-8"), f"{path} no longer says {words!r}: remove it"


def _forms() -> tuple[list[str], list[str]]:
    """Texts that number a chapter, and texts that name one (or hold numbers that are not chapters)."""
    cnn, evaluation = by_name("cnn_training"), by_name("evaluation")
    numbered = [
        "as chapter 05 showed",
        "chapters 05 and 06 train",
        "Chapter 5's network",
        "see ch05",
        "(ch. 7)",
        f"REPO / 'notebooks' / '{cnn.stem}.ipynb'",
        "§ 4 of 05",
        "section 2 of chapter 07",
        "Exercise 10 makes its fields",
        f"| [{evaluation.number} · {evaluation.title}] |",
    ]
    named = [
        "as the registration chapter showed",
        "the chapter on how networks learn and `cnn_training`",
        "REPO / by_name('cnn_training').notebook",
        "ResNet-18 on 28 x 28 images, 99_demo, 10_000 cases, § 4 · Heading",
        "exercises/solutions/99_broken.ipynb",
    ]
    return numbered, named


@pytest.mark.parametrize("text", _forms()[0])
def test_a_number_written_in_a_temporary_file_is_found(tmp_path: Path, text: str) -> None:
    (tmp_path / "medlearn").mkdir()
    (tmp_path / "medlearn" / "module.py").write_text(f'"""A module.\n\n{text}\n"""\n', encoding="utf-8")
    assert list(scan(tmp_path)) == ["medlearn/module.py"]
    assert scan(tmp_path)["medlearn/module.py"][0].startswith("line 3: ")


@pytest.mark.parametrize("text", _forms()[1])
def test_a_name_written_in_a_temporary_file_is_not_found(tmp_path: Path, text: str) -> None:
    (tmp_path / "instructors").mkdir()
    (tmp_path / "instructors" / "notes.md").write_text(f"# Notes\n\n{text}\n", encoding="utf-8")
    assert scan(tmp_path) == {}


def test_a_generated_block_and_an_exempt_file_are_not_scanned(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "reference.md").write_text("chapter 05\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("chapter 05\n", encoding="utf-8")  # a learner's page: a move renders it
    (tmp_path / "CONTRIBUTING.md").write_text("<!-- t:start -->\nchapter 05\n<!-- t:end -->\n", "utf-8")
    assert scan(tmp_path) == {}
    (tmp_path / "CONTRIBUTING.md").write_text("<!-- t:start -->\n<!-- t:end -->\nchapter 05\n", "utf-8")
    assert scan(tmp_path) == {"CONTRIBUTING.md": ["line 3: chapter 05"]}


def test_a_pending_file_without_a_number_is_reported(tmp_path: Path) -> None:
    (tmp_path / "medlearn").mkdir()
    (tmp_path / "medlearn" / "quiz.py").write_text('"""As the registration chapter shows."""\n', encoding="utf-8")
    assert "medlearn/quiz.py" in stale(tmp_path)
    (tmp_path / "medlearn" / "quiz.py").write_text('"""As chapter 10 shows."""\n', encoding="utf-8")
    assert "medlearn/quiz.py" not in stale(tmp_path)
