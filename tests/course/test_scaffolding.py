"""authoring.scaffolding moves claims and nbval directives from code into cell metadata, and only them."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest
from helpers import REPO
from nbval.plugin import find_comment_markers, find_metadata_tags

from authoring import build_exercises, scaffolding


def _cell(source: str, **metadata: object) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata.update(metadata)
    return cell


@pytest.mark.parametrize(
    "source, expected",
    [
        ("# claim: one is one\nassert 1 == 1", ("assert 1 == 1", ["one is one"], [])),
        ("# NBVAL_IGNORE_OUTPUT\n\nprint(1)", ("print(1)", [], ["nbval-ignore-output"])),
        (
            "x = 1\n\n# claim: a first sentence\n# claim: a second one  \n\nassert x",
            ("x = 1\n\nassert x", ["a first sentence", "a second one"], []),
        ),
        (
            "for i in range(2):\n    # claim: inside a loop\n    assert i < 2",
            ("for i in range(2):\n    assert i < 2", ["inside a loop"], []),
        ),
        ("print(1)\n# claim: at the end\n", ("print(1)", ["at the end"], [])),
        ("# NBVAL_SKIP\nx = 1", ("x = 1", [], ["nbval-skip"])),
        ("## NBVAL_RAISES_EXCEPTION\n1 / 0", ("1 / 0", [], ["nbval-raises-exception"])),
        ("x = 1  # claim: not a line of its own\n", ("x = 1  # claim: not a line of its own\n", [], [])),
        ("# claims are made below\nx = 1", ("# claims are made below\nx = 1", [], [])),
    ],
)
def test_split_source_takes_out_exactly_the_scaffolding(source: str, expected: tuple) -> None:
    assert scaffolding.split_source(source) == expected


def test_every_tag_is_the_one_nbval_reads_for_its_comment() -> None:
    for directive, tag in scaffolding.TAGS.items():
        assert list(find_comment_markers(f"# {directive}")) == list(find_metadata_tags({"tags": [tag]})), directive


def test_a_cell_keeps_its_other_metadata_and_a_second_run_changes_nothing() -> None:
    cell = _cell("# NBVAL_IGNORE_OUTPUT\n# claim: two\nassert 2", claims=["one"], tags=["solution"])
    assert scaffolding.move_cell(cell)
    assert cell.source == "assert 2" and cell.metadata["claims"] == ["one", "two"]
    assert cell.metadata["tags"] == ["solution", "nbval-ignore-output"]
    before = json.dumps(cell, sort_keys=True)
    assert not scaffolding.move_cell(cell) and json.dumps(cell, sort_keys=True) == before
    markdown = nbformat.v4.new_markdown_cell("# claim: in prose, not code")
    assert not scaffolding.move_cell(markdown)


def test_a_claim_inside_a_string_is_not_touched() -> None:
    cell = _cell('text = """\n# claim: part of a string\n"""\nprint(text)')
    with pytest.raises(ValueError, match="change the code"):
        scaffolding.move_cell(cell)


def test_a_moved_notebook_differs_only_by_the_moved_lines(tmp_path: Path) -> None:
    chapter = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))[0]
    (tmp_path / "notebooks").mkdir()
    path = tmp_path / "notebooks" / chapter.name
    nb = nbformat.read(chapter, as_version=4)
    nb.cells.append(_cell("# NBVAL_IGNORE_OUTPUT\n# claim: the sentence\nprint(1)"))
    nbformat.write(nb, path)
    assert scaffolding.leftovers(path)
    changed = scaffolding.run([path], refresh_sections=False)
    assert changed[path] >= 1 and scaffolding.leftovers(path) == []
    moved = nbformat.read(path, as_version=4)
    assert len(moved.cells) == len(nb.cells)
    for old, new in zip(nb.cells, moved.cells):
        assert new.get("outputs") == old.get("outputs")
        if old.cell_type == "code":
            assert new.source == scaffolding.split_source(old.source)[0]
            assert new.execution_count == old.execution_count
        else:
            assert new == old
    assert moved.cells[-1].metadata["tags"] == ["nbval-ignore-output"]
    assert moved.cells[-1].metadata["claims"] == ["the sentence"]
    assert path.read_text() == nbformat.writes(moved) + "\n", "written as nbformat writes (indent 1)"
    assert scaffolding.run([path], refresh_sections=False) == {}


def test_the_learners_copy_keeps_cell_metadata_and_shows_no_scaffolding() -> None:
    solution = nbformat.v4.new_notebook(
        cells=[
            _cell("# NBVAL_IGNORE_OUTPUT\nprint(1)"),
            _cell("print(2)", claims=["a sentence it checks"], tags=["nbval-ignore-output"]),
            _cell("def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"),
        ]
    )
    learner = build_exercises.learner_version(solution, "x.ipynb")
    assert learner.cells[0].source == "print(1)" and learner.cells[0].metadata["tags"] == ["nbval-ignore-output"]
    assert learner.cells[1].metadata["claims"] == ["a sentence it checks"]
    assert learner.cells[1].metadata["tags"] == ["nbval-ignore-output"]
    assert "BEGIN SOLUTION" not in learner.cells[2].source


def test_check_lists_what_is_left_and_fails_until_it_is_moved(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "x.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[_cell("# claim: a sentence\nassert True")]), path)
    assert scaffolding.main(["--check", str(path)]) == 1
    assert "cell 1: # claim: a sentence" in capsys.readouterr().out
    assert scaffolding.main([str(path)]) == 0
    assert scaffolding.main(["--check", str(path)]) == 0
