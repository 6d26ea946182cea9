"""The sentence splitter of the plain-English measure (authoring.readability), on the cases that trip splitters."""

from __future__ import annotations

import pytest

from authoring._paths import REPO
from authoring.chapters import load
from authoring.readability import chapter_sentences, figures, prose_units, sentences, word_count


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
