"""The sentence splitter of the plain-English measure (authoring.readability), on the cases that trip splitters."""

from __future__ import annotations

import json

import pytest

from authoring._paths import REPO
from authoring.chapters import load
from authoring.readability import (
    Figures,
    above_goal,
    chapter_sentences,
    figures,
    main,
    prose_units,
    sentences,
    word_count,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two.", ["One.", "Two."]),
        ("The AUC was 0.95. It fell.", ["The AUC was 0.95.", "It fell."]),
        (
            "See Smith et al. 2020 and Fig. 3, e.g. here, i.e. there.",
            ["See Smith et al. 2020 and Fig. 3, e.g. here, i.e. there."],
        ),
        ("J. Smith wrote it. He was right!", ["J. Smith wrote it.", "He was right!"]),
        ("Is it? Yes (mostly). Then 3 things.", ["Is it?", "Yes (mostly).", "Then 3 things."]),
        ('He said "stop." Then left.', ['He said "stop."', "Then left."]),
        ("A colon: not an end; nor a semicolon.", ["A colon: not an end; nor a semicolon."]),
        ("lower case after a stop. is not a new sentence", ["lower case after a stop. is not a new sentence"]),
    ],
)
def test_sentences(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_what_counts_as_prose() -> None:
    cell = (
        "## A heading\n\nA paragraph with `code`, $x^2$ and a [link](https://example.org/a.b).\n\n"
        "```python\nprint('no')\n```\n\n$$y = 1$$\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "- an item\n- another item\n\n> **Pitfall.** A quote.\n\n<!-- a comment -->\n"
        "<!-- quiz:start -->\n\n**1.** A quiz question?\n\n<!-- quiz:end -->\n"
    )
    assert prose_units(cell) == ["A paragraph with x, x and a link.", "an item", "another item", "Pitfall. A quote."]


def test_word_count() -> None:
    assert word_count("A 1.5 mm step — then x, y.") == 7  # the dash holds no letter or digit


def test_every_chapter_is_measured() -> None:
    for chapter in load():
        found = figures(REPO / chapter.notebook)
        assert found.count > 50 and 5 < found.mean < 60 and found.longest >= found.mean
        assert all(word_count(s) for s in chapter_sentences(REPO / chapter.notebook))


@pytest.mark.parametrize("chapter", load(), ids=lambda chapter: chapter.name)
def test_every_chapter_reads_in_plain_words(chapter, capsys: pytest.CaptureFixture[str]) -> None:
    """Each chapter's prose meets the goal: a mean sentence of at most 18 words, at most 5 % over 30, none over 50.
    The figures are printed; ``python -m authoring.readability NOTEBOOK --longest 10`` lists the longest sentences."""
    found = figures(REPO / chapter.notebook)
    print(found)
    assert not above_goal(found), (
        f"{found.path}: {'; '.join(above_goal(found))}: run python -m authoring.readability {found.path} --longest 10"
    )


@pytest.mark.parametrize("chapter", load(), ids=lambda chapter: chapter.name)
def test_every_exercise_reads_in_plain_words(chapter) -> None:
    """The same goal for each chapter's exercise solution (its learner's copy holds the same words)."""
    solution = REPO / "exercises" / "solutions" / f"{chapter.stem}.ipynb"
    found = figures(solution)
    assert not above_goal(found), f"{found.path}: {'; '.join(above_goal(found))}"


def test_the_goal_and_the_command_fail_above_it(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    assert above_goal(Figures("x", 100, 18.0, 0.05, 50)) == []
    assert len(above_goal(Figures("x", 100, 18.1, 0.051, 51))) == 3
    long = tmp_path / "long.ipynb"
    sentence = " ".join(["word"] * 60) + "."
    long.write_text(
        json.dumps({"cells": [{"cell_type": "markdown", "source": sentence, "metadata": {}}]}), encoding="utf-8"
    )
    assert main([str(long)]) == 1
    assert "above the goal: a sentence of 60 words, above 50" in capsys.readouterr().out
    assert main([str(REPO / load()[0].notebook)]) == 0
