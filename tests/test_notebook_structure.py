"""What every chapter notebook must have, checked on the stored files (nbval checks the outputs)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IGNORE = "# NBVAL_IGNORE_OUTPUT"
NOISE = ("Warning", "WARNING", "oneDNN", "cuda", "E0000", "I0000", "W0000")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def test_there_are_chapters() -> None:
    assert NOTEBOOKS, "no notebooks found under notebooks/"
    assert NOTEBOOKS[0].name == "00_medical_images.ipynb"


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
    cells = _cells(path)
    text = "\n".join(_source(c) for c in cells if c["cell_type"] == "markdown")
    assert cells[0]["cell_type"] == "markdown" and _source(cells[0]).startswith("# ")
    assert "Estimated time" in _source(cells[0])
    assert "Learning objectives" in _source(cells[0])
    assert "⚠ Pitfall" in text
    assert "## Recap" in text
    assert sum("image/png" in o.get("data", {}) for c in cells for o in c.get("outputs", [])) >= 3
    link = f"](../exercises/{path.name})"
    assert link in text, f"link to the chapter's exercises: {link}"
    assert (REPO / "exercises" / path.name).exists() and (REPO / "exercises" / "solutions" / path.name).exists()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_ignored_outputs_are_followed_by_a_compared_check(path: Path) -> None:
    code = [_source(c) for c in _cells(path) if c["cell_type"] == "code"]
    for index, source in enumerate(code):
        if "interact(" in source or "time.perf_counter" in source:
            assert source.startswith(IGNORE), f"widgets and timings vary: mark the cell {IGNORE}\n{source[:80]}"
        if source.startswith(IGNORE):
            assert index + 1 < len(code), "an ignored cell is the last code cell"
            following = code[index + 1]
            assert not following.startswith(IGNORE), f"cell after an ignored one is ignored too:\n{following[:80]}"


# A claim and its check: every asserting cell names the sentence it backs.
CLAIM = re.compile(r"^\s*# claim: (.+)$", re.MULTILINE)
ASSERT = re.compile(r"^\s*assert\b", re.MULTILINE)
MIN_CLAIM = 20


def _normalise(text: str) -> str:
    """Lower case, without markdown emphasis, code ticks or dollar signs, and with single spaces."""
    return " ".join(re.sub(r"[*`$\\]", "", text).lower().split())


def unbacked_claims(cells: list[dict]) -> list[str]:
    """Problems with the claims of a notebook's asserting cells, as messages (empty when all is well).

    An asserting code cell must carry ``# claim: <sentence>`` lines; each sentence
    must appear word for word in a markdown cell above it, in the same section
    (since the last ``## `` heading), and the cell must print what it checks.
    """
    problems, section = [], []
    for cell in cells:
        source = _source(cell)
        if cell["cell_type"] == "markdown":
            section = [source] if source.lstrip().startswith("## ") else section + [source]
            continue
        if not ASSERT.search(source):
            continue
        head = source.strip().splitlines()[0][:70]
        claims = CLAIM.findall(source)
        if not claims:
            problems.append(f"asserting cell without a '# claim:' line: {head}")
        text = _normalise("\n".join(section))
        for claim in claims:
            if len(claim.strip()) < MIN_CLAIM:
                problems.append(f"claim too short to name a sentence: {claim!r}")
            elif _normalise(claim) not in text:
                problems.append(f"claim not found in the markdown above it, in its section: {claim!r}")
        if not any(
            o.get("output_type") in ("stream", "execute_result", "display_data") for o in cell.get("outputs", [])
        ):
            problems.append(f"asserting cell prints nothing: show the direction and size of what it checks: {head}")
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_check_names_the_sentence_it_backs(path: Path) -> None:
    problems = unbacked_claims(_cells(path))
    assert not problems, "\n".join(problems)


def _md(text: str) -> dict:
    return {"cell_type": "markdown", "source": [text]}


def _code(text: str, printed: bool = True) -> dict:
    outputs = [{"output_type": "stream", "name": "stdout", "text": ["x\n"]}] if printed else []
    return {"cell_type": "code", "source": [text], "outputs": outputs}


def test_claim_rule_accepts_a_backed_check() -> None:
    cells = [
        _md("## 1 · A\nThe brain window clips **the most** pixels of this slice."),
        _code("# claim: the brain window clips the most pixels\nprint(1)\nassert True"),
    ]
    assert unbacked_claims(cells) == []


@pytest.mark.parametrize(
    "cells, problem",
    [
        ([_md("## 1\nThe brain window clips the most pixels."), _code("assert True")], "without a '# claim:'"),
        (
            [
                _md("## 1\nThe brain window clips the most pixels."),
                _code("# claim: the lung window clips the most pixels\nassert 1"),
            ],
            "not found",
        ),
        (
            [
                _md("## 1\nThe brain window clips the most pixels."),
                _md("## 2\nOther."),
                _code("# claim: the brain window clips the most pixels\nassert 1"),
            ],
            "not found",
        ),  # another section
        (
            [
                _code("# claim: the brain window clips the most pixels\nassert 1"),
                _md("## 1\nThe brain window clips the most pixels."),
            ],
            "not found",
        ),  # text below the check
        ([_md("## 1\nIt works."), _code("# claim: works\nassert 1")], "too short"),
        (
            [
                _md("## 1\nThe brain window clips the most pixels."),
                _code("# claim: the brain window clips the most pixels\nassert 1", printed=False),
            ],
            "prints nothing",
        ),
    ],
)
def test_claim_rule_fails_an_unbacked_check(cells: list[dict], problem: str) -> None:
    problems = unbacked_claims(cells)
    assert problems and problem in problems[0], problems
