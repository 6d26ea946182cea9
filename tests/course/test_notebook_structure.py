"""What every chapter notebook must have, checked on the stored files (nbval checks the outputs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import REPO

from authoring import scaffolding
from authoring.chapters import read
from authoring.rules import (
    IGNORE_TAG,
    TICKS,
    chapter_structure,
    ignored_without_check,
    ticks_unexplained,
    unbacked_claims,
)

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# Test scaffolding lives in cell metadata, not in the code a learner reads (authoring.scaffolding moves
# "# claim:" lines and "# NBVAL_IGNORE_OUTPUT" there): the claims, and the tag nbval reads.
EVERY_NOTEBOOK = scaffolding.default_paths(REPO)
NOISE = ("Warning", "WARNING", "oneDNN", "cuda", "E0000", "I0000", "W0000")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


@pytest.mark.parametrize("path", EVERY_NOTEBOOK, ids=lambda p: str(p.relative_to(REPO)))
def test_no_test_scaffolding_in_the_code(path: Path) -> None:
    left = scaffolding.leftovers(path)
    assert not left, (
        "move these lines into cell metadata: python -m authoring.scaffolding "
        + str(path.relative_to(REPO))
        + "\n"
        + "\n".join(left)
    )


def test_there_are_chapters() -> None:
    assert NOTEBOOKS, "no notebooks found under notebooks/"
    assert NOTEBOOKS[0] == REPO / read()[0].notebook


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_executed_in_order_without_noise(path: Path) -> None:
    code = [c for c in _cells(path) if c["cell_type"] == "code" and _source(c).strip()]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), "re-execute the whole notebook"
    for cell in code:
        for output in cell["outputs"]:
            assert output["output_type"] != "error", _source(cell)[:80]
            if output.get("name") == "stderr":
                text = "".join(output["text"])
                assert not any(word in text for word in NOISE), text[:200]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_teaching_structure(path: Path) -> None:
    assert chapter_structure(_cells(path), f"](../exercises/{path.name})") == []
    assert (REPO / "exercises" / path.name).exists() and (REPO / "exercises" / "solutions" / path.name).exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_ignored_outputs_are_followed_by_a_compared_check(path: Path) -> None:
    problems = ignored_without_check([c for c in _cells(path) if c["cell_type"] == "code"])
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_check_names_the_sentence_it_backs(path: Path) -> None:
    problems = unbacked_claims(_cells(path))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_setup_section_says_what_the_ticks_mean(path: Path) -> None:
    cells = _cells(path)
    assert ticks_unexplained(cells) == []
    without = [{**c, "source": _source(c).replace(TICKS, "")} if c["cell_type"] == "markdown" else c for c in cells]
    assert ticks_unexplained(without) != []  # the chapter has claims: without the sentence, the rule fails


def _md(text: str) -> dict:
    return {"cell_type": "markdown", "source": [text]}


def _code(
    text: str,
    printed: bool = True,
    claims: list[str] | None = None,
    tags: list[str] | None = None,
    hidden: bool = False,
) -> dict:
    outputs = [{"output_type": "stream", "name": "stdout", "text": ["x\n"]}] if printed else []
    metadata: dict = {} if claims is None else {"claims": claims}
    if tags is not None:
        metadata["tags"] = tags
    if hidden:
        metadata["jupyter"] = {"source_hidden": True}
    return {"cell_type": "code", "source": [text], "outputs": outputs, "metadata": metadata}


BRAIN = "the brain window clips the most pixels"


@pytest.mark.parametrize(
    "cell",
    [
        _code("print(1)\nassert True", claims=[BRAIN]),
        _code("print(1)\nassert True", claims=[BRAIN], tags=["solution"]),
        _code('claim("clipped 0.4, above 0.3", 0.4 > 0.3)', claims=[BRAIN], hidden=True),
    ],
    ids=["metadata", "other metadata", "medlearn.claims"],
)
def test_claim_rule_accepts_a_backed_check(cell: dict) -> None:
    cells = [_md("## 1 · A\nThe brain window clips **the most** pixels of this slice."), cell]
    assert unbacked_claims(cells) == []


@pytest.mark.parametrize(
    "cells, problem",
    [
        ([_md("## 1\nThe brain window clips the most pixels."), _code("assert True")], "without claims"),
        ([_md("## 1\nThe brain window clips the most pixels."), _code("assert 1", claims=[])], "without claims"),
        (
            [_md("## 1\nThe brain window clips the most pixels."), _code("assert 1", claims=BRAIN)],  # type: ignore[arg-type]
            "must be a list",
        ),
        (
            [
                _md("## 1\nThe brain window clips the most pixels."),
                _code("assert 1", claims=["the lung window clips the most pixels"]),
            ],
            "not found",
        ),
        (
            [
                _md("## 1\nThe brain window clips the most pixels."),
                _code(f"# claim: {BRAIN}\nassert 1"),
            ],
            "without claims",
        ),  # a comment is not a claim
        (
            [
                _md("## 1\nThe brain window clips the most pixels."),
                _md("## 2\nOther."),
                _code("assert 1", claims=[BRAIN]),
            ],
            "not found",
        ),  # another section
        (
            [_code("assert 1", claims=[BRAIN]), _md("## 1\nThe brain window clips the most pixels.")],
            "not found",
        ),  # text below the check
        ([_md("## 1\nIt works."), _code("assert 1", claims=["works"])], "too short"),
        (
            [_md("## 1\nThe brain window clips the most pixels."), _code("assert 1", printed=False, claims=[BRAIN])],
            "prints nothing",
        ),
        (
            [_md("## 1\nThe brain window clips the most pixels."), _code("print(1)", claims=[BRAIN])],
            "asserts nothing",
        ),
        (
            [_md("## 1\nThe brain window clips the most pixels."), _code('claim("a 0.4", True)', claims=[BRAIN])],
            "must be collapsed",
        ),
        (
            [
                _md("## 1\nThe brain window clips the most pixels."),
                _code('claim("a 0.4", True)\nassert 1', claims=[BRAIN], hidden=True),
            ],
            "bare assert",
        ),
        (
            [_md("## 1\nThe brain window clips the most pixels."), _code('claim("a 0.4", True)', hidden=True)],
            "without claims",
        ),
    ],
)
def test_claim_rule_fails_an_unbacked_check(cells: list[dict], problem: str) -> None:
    problems = unbacked_claims(cells)
    assert problems and problem in problems[0], problems


def test_ignored_output_rule_reads_the_tag() -> None:
    widget, check = _code("interact(f, x=1)"), _code("print(1)")
    assert "tag the cell" in ignored_without_check([widget, check])[0]
    tagged = _code("interact(f, x=1)", tags=[IGNORE_TAG])
    assert ignored_without_check([tagged, check]) == []
    commented = _code("# NBVAL_IGNORE_OUTPUT\ninteract(f, x=1)")  # a comment is not the tag
    assert "tag the cell" in ignored_without_check([commented, check])[0]
    assert "last code cell" in ignored_without_check([check, tagged])[0]
    assert "ignored too" in ignored_without_check([tagged, _code("t = 1", tags=[IGNORE_TAG]), check])[0]


def test_the_tag_is_the_one_nbval_reads() -> None:
    from nbval.plugin import metadata_tags

    assert metadata_tags[IGNORE_TAG] == ("check", False)
