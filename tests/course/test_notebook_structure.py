"""What every chapter notebook must have, checked on the stored files (nbval checks the outputs)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import REPO

from authoring import scaffolding
from authoring.chapters import read

NOTEBOOKS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
# Test scaffolding lives in cell metadata, not in the code a learner reads (authoring.scaffolding moves
# "# claim:" lines and "# NBVAL_IGNORE_OUTPUT" there): the claims, and the tag nbval reads.
IGNORE_TAG = "nbval-ignore-output"
EVERY_NOTEBOOK = scaffolding.default_paths(REPO)
NOISE = ("Warning", "WARNING", "oneDNN", "cuda", "E0000", "I0000", "W0000")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text())["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _ignored(cell: dict) -> bool:
    """Whether nbval ignores the cell's output: the cell's tag."""
    return IGNORE_TAG in cell.get("metadata", {}).get("tags", [])


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
    problems = ignored_without_check([c for c in _cells(path) if c["cell_type"] == "code"])
    assert not problems, "\n".join(problems)


def ignored_without_check(code: list[dict]) -> list[str]:
    """Problems with a notebook's ignored outputs, as messages: a widget or timing cell must be
    ignored (tagged ``nbval-ignore-output``), and an ignored cell is followed by a compared one."""
    problems = []
    for index, cell in enumerate(code):
        source = _source(cell)
        if ("interact(" in source or "time.perf_counter" in source) and not _ignored(cell):
            problems.append(f"widgets and timings vary: tag the cell {IGNORE_TAG}: {source[:80]}")
        if _ignored(cell):
            if index + 1 == len(code):
                problems.append("an ignored cell is the last code cell")
            elif _ignored(code[index + 1]):
                problems.append(f"cell after an ignored one is ignored too: {_source(code[index + 1])[:80]}")
    return problems


# A claim and its check: every asserting cell names the sentence it backs, in its metadata's "claims".
ASSERT = re.compile(r"^\s*(assert\b|claim\()", re.MULTILINE)
CLAIM_CALL = re.compile(r"^\s*claim\(", re.MULTILINE)
BARE_ASSERT = re.compile(r"^\s*assert\b", re.MULTILINE)
MIN_CLAIM = 20


def _normalise(text: str) -> str:
    """Lower case, without markdown emphasis, code ticks or dollar signs, and with single spaces."""
    return " ".join(re.sub(r"[*`$\\]", "", text).lower().split())


def _claims(cell: dict) -> tuple[list[str], list[str]]:
    """A code cell's claims (its metadata's ``claims``), and problems with their form."""
    stored = cell.get("metadata", {}).get("claims", [])
    if not isinstance(stored, list) or not all(isinstance(claim, str) for claim in stored):
        return [], [f"metadata 'claims' must be a list of sentences, not {stored!r}"]
    return list(stored), []


def unbacked_claims(cells: list[dict]) -> list[str]:
    """Problems with the claims of a notebook's asserting cells, as messages (empty when all is well).

    An asserting code cell must name the sentences it checks in its metadata,
    ``"claims": ["<sentence>", ...]`` (``authoring.scaffolding`` moves ``# claim: <sentence>``
    lines there); each sentence must appear word for word in a markdown cell above it, in the
    same section (since the last ``## `` heading), and the cell must print what it checks. A cell
    with claims must assert.
    """
    problems, section = [], []
    for cell in cells:
        source = _source(cell)
        if cell["cell_type"] == "markdown":
            section = [source] if source.lstrip().startswith("## ") else section + [source]
            continue
        if cell["cell_type"] != "code":
            continue
        head = (source.strip().splitlines() or [""])[0][:70]
        claims, malformed = _claims(cell)
        problems += malformed
        if not ASSERT.search(source):
            if claims:
                problems.append(f"a cell with claims that asserts nothing: {head}")
            continue
        if not claims and not malformed:
            problems.append(f"asserting cell without claims in its metadata: {head}")
        text = _normalise("\n".join(section))
        for claim in claims:
            if len(claim.strip()) < MIN_CLAIM:
                problems.append(f"claim too short to name a sentence: {claim!r}")
            elif _normalise(claim) not in text:
                problems.append(f"claim not found in the markdown above it, in its section: {claim!r}")
        if CLAIM_CALL.search(source):
            # medlearn.claims: the proof stays out of the reading path, and it never stops a learner's Run All
            if not cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
                problems.append(f"a cell of claims must be collapsed (metadata jupyter.source_hidden): {head}")
            if BARE_ASSERT.search(source):
                problems.append(f"a cell of claims uses a bare assert (use claim, which warns a learner): {head}")
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
