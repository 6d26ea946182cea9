"""Every section of every chapter is marked core or optional, with times computed from the stored notebook."""

from __future__ import annotations

import copy

import nbformat
import pytest

from authoring import sections

CHAPTERS = sections.chapters()


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_section_is_marked(path) -> None:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            assert all(not line.startswith("## ") for line in cell.source.split("\n")[1:]), (
                f"a ## heading inside a cell: start a new cell with it ({cell.source[:60]!r})"
            )
    found = sections.sections(nb, path.name)
    ending = [s.heading for s in found[-2:]]
    assert len(found) >= 5 and found[0].heading == "Setup" and ("Recap" in ending[-1:] or ending == ["Recap", "Quiz"])
    for section in found:
        assert section.level in sections.LEVELS, f"{section.heading!r}: no core/optional level in its metadata"
        head = next(c for c in nb.cells if sections._heading(c) == section.heading)
        assert head.source.split("\n")[2] == section.marker, f"{section.heading!r}: visible marker missing or stale"
        assert head.metadata["medlearn"] == {
            "section": section.level,
            "reading_minutes": section.reading_minutes,
            "cell_seconds": section.cell_seconds,
        }
    assert {s.level for s in found} == {"core", "optional"}, "a chapter with no optional section, or no core one"
    for fixed in ("Setup", "Recap"):
        assert next(s for s in found if s.heading == fixed).level == "core"


def test_markers_and_instructor_timing_tables_are_up_to_date() -> None:
    assert sections.run(check=True) == [], "run: python -m authoring.sections"


def test_a_stale_time_or_a_missing_level_is_caught() -> None:
    nb = nbformat.read(CHAPTERS[0], as_version=4)
    assert not sections.mark_notebook(copy.deepcopy(nb), CHAPTERS[0].name)
    code = next(c for c in nb.cells if c.cell_type == "code" and c.metadata.get("execution"))
    code.metadata["execution"]["shell.execute_reply"] = "2099-01-01T00:00:00.000000Z"
    assert sections.mark_notebook(copy.deepcopy(nb), CHAPTERS[0].name), "a changed cell time went unnoticed"
    head = next(c for c in nb.cells if sections._heading(c) is not None)
    del head.metadata["medlearn"]
    with pytest.raises(ValueError, match="has no level"):
        sections.mark_notebook(nb, CHAPTERS[0].name)


def test_reading_time_counts_words_and_code() -> None:
    md = nbformat.v4.new_markdown_cell("## One\n\n" + "word " * 300)
    md.metadata["medlearn"] = {"section": "core"}
    code = nbformat.v4.new_code_cell("\n".join(["x = 1"] * 40))
    nb = nbformat.v4.new_notebook(cells=[md, code])
    (only,) = sections.sections(nb, "test")
    assert only.reading_minutes == 16 and only.cell_seconds == 0.0 and only.has_code  # 301/40 + 40/5, up
    code.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="})]
    code.metadata["execution"] = {
        "iopub.execute_input": "2026-01-01T00:00:00Z",
        "shell.execute_reply": "2026-01-01T00:02:00Z",
    }
    (only,) = sections.sections(nb, "test")
    assert only.reading_minutes == 20 and only.cell_seconds == 120.0  # + 2 min a figure + 2 minutes run
    assert only.counts == sections.Counts(words=301, code_lines=40, figures=1, formulas=0, seconds=120.0)
    with pytest.raises(ValueError, match="timing markers|the lines"):
        sections.update_guide("no markers here", "table")


def test_the_reading_model_states_its_constants() -> None:
    assert (sections.WORDS_PER_MINUTE, sections.CODE_LINES_PER_MINUTE) == (40, 5)
    assert (sections.FIGURE_MINUTES, sections.FORMULA_MINUTES) == (2, 0.3)
    assert sections.READING_MODEL == (
        "a resident who reads English as a second language: 40 words of text or printed output a minute, "
        "5 lines of code a minute, 2 minutes a figure and 18 seconds a formula, plus the cells' run time; "
        "folded answers and collapsed checks are read at will"
    )
    assert "(" not in sections.READING_MODEL, "the model is printed inside parentheses"


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("The loss $L$ falls as $w$ moves.", 2),
        ("$$w \\leftarrow w - \\eta \\, \\frac{dL}{dw}$$", 1),
        ("$$\na + b\n$$ and then $c$", 2),  # a display formula over lines, then an inline one
        ('Run `echo $HOME` or `x = "$a$"`.', 0),  # dollars in code spans are code
        ("It costs $5 and $10 a month.", 0),  # prices: a digit after the closing dollar, a space before it
        ("No maths here.", 0),
        ("`code` then $p - y$ then `more $code$`", 1),
    ],
)
def test_formulas_are_counted_outside_code_spans(markdown: str, expected: int) -> None:
    assert sections.formulas(markdown) == expected


def test_a_formula_is_timed_as_a_formula_not_as_words() -> None:
    md = nbformat.v4.new_markdown_cell(
        "## One\n\nThe step $w - \\eta \\frac{dL}{dw}$ and $$p = \\sigma(z)$$ again."
        "<details>Folded: $a$, $b$, $c$.</details>"
    )
    md.metadata["medlearn"] = {"section": "core"}
    (only,) = sections.sections(nbformat.v4.new_notebook(cells=[md]), "test")
    # "One", "The", "step", "and", "again": the formulas' letters are not words, the folded ones not read
    assert only.counts == sections.Counts(words=5, formulas=2)
    assert only.reading_minutes == 1  # 5/40 + 2 x 0.3 min, up
    twenty = nbformat.v4.new_markdown_cell("## Two\n\n" + "$x$ " * 20)
    twenty.metadata["medlearn"] = {"section": "core"}
    (only,) = sections.sections(nbformat.v4.new_notebook(cells=[twenty]), "test")
    assert only.counts.formulas == 20 and only.reading_minutes == 7  # 1/40 + 20 x 0.3 = 6.03 min, up


def test_printed_text_is_read_like_the_text_around_it() -> None:
    md = nbformat.v4.new_markdown_cell("## One\n\n" + "word " * 39)
    md.metadata["medlearn"] = {"section": "core"}
    code = nbformat.v4.new_code_cell("print(x)")
    code.outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="value " * 40),
        nbformat.v4.new_output("stream", name="stderr", text="warning " * 500),  # not the chapter's text
        nbformat.v4.new_output("execute_result", data={"text/plain": "row " * 80}),
        nbformat.v4.new_output("display_data", data={"text/plain": "Figure " * 500, "image/png": "iVBORw0KGgo="}),
        nbformat.v4.new_output("display_data", data={"text/plain": "table " * 500, "text/html": "<table/>"}),
    ]
    nb = nbformat.v4.new_notebook(cells=[md, code])
    (only,) = sections.sections(nb, "test")
    # 40 words of text, 40 + 80 printed (4 min), one line of code (0.2 min), one figure (2 min): 7 min
    assert only.reading_minutes == 7


def test_folded_answers_and_collapsed_checks_are_not_in_the_reading_path() -> None:
    md = nbformat.v4.new_markdown_cell("## One\n\n" + "word " * 59 + "<details>" + "answer " * 500 + "</details>")
    md.metadata["medlearn"] = {"section": "core"}
    check = nbformat.v4.new_code_cell("\n".join(["claim('x', True)"] * 80))
    check.metadata["jupyter"] = {"source_hidden": True}
    nb = nbformat.v4.new_notebook(cells=[md, check])
    (only,) = sections.sections(nb, "test")
    assert only.reading_minutes == 2 and only.has_code  # 60 words; the folded answer and the 80 lines not read
    del check.metadata["jupyter"]
    (only,) = sections.sections(nb, "test")
    assert only.reading_minutes == 18  # 60/40 + 80/5, up


def test_stored_seconds_sums_the_recorded_cell_times_and_skips_the_rest() -> None:
    def cell(start: str, end: str) -> dict:
        return {"metadata": {"execution": {"iopub.execute_input": start, "shell.execute_reply": end}}}

    nb = {
        "cells": [
            cell("2026-01-01T00:00:00Z", "2026-01-01T00:00:01.5Z"),
            cell("2026-01-01T00:00:05Z", "2026-01-01T00:00:04Z"),  # clock went back: counts 0, not -1
            {"metadata": {}},  # never run
            cell("2026-01-01T00:01:00Z", "2026-01-01T00:01:03Z"),
        ]
    }
    assert sections.stored_seconds(nb) == pytest.approx(4.5)
    assert sections.stored_seconds({"cells": []}) == 0.0


def test_the_course_pages_state_the_computed_times(tmp_path) -> None:
    """A chapter's first cell, the README's time column and the totals in START_HERE and the README are
    written from the sections; a hand-edited time in any of them is found."""
    nb = nbformat.read(CHAPTERS[0], as_version=4)
    core, every = sections.chapter_minutes(sections.sections(nb, CHAPTERS[0].name))
    assert sections.estimate_line(core, every) in nb.cells[0].source
    nb.cells[0].source = nb.cells[0].source.replace(f"about {core} min", f"about {core + 5} min")
    assert sections.mark_notebook(nb, CHAPTERS[0].name), "a hand-edited chapter time went unnoticed"
    del nb.cells[0]["source"]
    nb.cells[0].source = "# A chapter without a stated time"
    with pytest.raises(ValueError, match="Estimated time"):
        sections.mark_notebook(nb, CHAPTERS[0].name)
    readme = (sections.REPO / "README.md").read_text(encoding="utf-8")
    assert f"| {core} min core, {every} in all |" in readme
    for page in ("README.md", "START_HERE.md"):
        text = (sections.REPO / page).read_text(encoding="utf-8")
        assert "**A core path**" in text and "chapters take about" in text, page


def test_a_hand_edited_course_time_is_found(tmp_path) -> None:
    repo = tmp_path / "repo"
    for folder in ("notebooks", "instructors", "authoring"):
        (repo / folder).mkdir(parents=True)
    (repo / "authoring" / "chapters.json").write_bytes((sections.REPO / "authoring" / "chapters.json").read_bytes())
    path = CHAPTERS[0]
    (repo / "notebooks" / path.name).write_bytes(path.read_bytes())
    for page in ("README.md", "START_HERE.md"):
        (repo / page).write_text((sections.REPO / page).read_text(encoding="utf-8"), encoding="utf-8")
    sections.run(repo)  # this one-chapter course's times, written
    assert sections.run(repo, check=True) == []
    page = repo / "START_HERE.md"
    page.write_text(page.read_text(encoding="utf-8").replace("take about", "take only about", 1), encoding="utf-8")
    assert sections.run(repo, check=True) == ["START_HERE.md"]
