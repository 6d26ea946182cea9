"""Every Discuss prompt of a chapter has a model answer a learner can unfold (authoring.discuss)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from helpers import REPO

from authoring import discuss

CHAPTERS = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
MIN_WORDS = 40


def _prompt_cells(path: Path) -> list[str]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [
        "".join(c["source"]) for c in cells if c["cell_type"] == "markdown" and discuss.PROMPT in "".join(c["source"])
    ]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem[:2])
def test_every_prompt_has_a_folded_model_answer(path: Path) -> None:
    cells = _prompt_cells(path)
    assert cells, f"{path.name} has no Discuss prompt"
    for source in cells:
        assert source.count(discuss.PROMPT) == 1, "one prompt per cell, so that its answer follows it"
        folded = discuss.FOLDED.search(source)
        assert folded, f"{path.name}: no folded answer for '{discuss.prompt_of(source)[:70]}...'"
        assert len(folded.group(1).split()) >= MIN_WORDS, f"{path.name}: the answer is too short to teach"
        assert source.index(discuss.PROMPT) < folded.start(), "the answer comes after its prompt"


def test_the_tool_folds_the_guides_answer_once_and_reports_a_prompt_without_one(tmp_path: Path) -> None:
    guide = tmp_path / "99_x.md"
    guide.write_text(
        "## Discussion prompts and answers\n\n### 1 · A\n\n> **Discuss.** Why is the sky blue?\n\n"
        "**Model answer.** Rayleigh scattering.\n\nIt grows as the fourth power of frequency.\n\n"
        "> **Discuss.** And the sea?\n\n**Model answer.** Water absorbs red light.\n\n## Exercise notes\n\nNot this.\n",
        encoding="utf-8",
    )
    nb = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("Some text.\n\n**Discuss.** Why is the *sky* blue?"),
            nbformat.v4.new_markdown_cell("**Discuss.** Who painted it?"),
        ]
    )
    path = tmp_path / "99_x.ipynb"
    nbformat.write(nb, path)
    assert discuss.add_answers(path, guide) == ["who painted it?"]
    source = nbformat.read(path, as_version=4).cells[0].source
    assert discuss.FOLDED.search(source).group(1) == (
        "Rayleigh scattering.\n\nIt grows as the fourth power of frequency."
    )
    assert discuss.add_answers(path, guide) == ["who painted it?"]  # never folded twice
    assert nbformat.read(path, as_version=4).cells[0].source == source
