"""What every chapter notebook must have, checked on the stored files (nbval checks the outputs)."""

from __future__ import annotations

import json
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
