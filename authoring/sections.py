#!/usr/bin/env python3
"""Mark every section of every chapter core or optional, with its measured and estimated time.

    python -m authoring.sections            # update the markers in notebooks/ and instructors/
    python -m authoring.sections --check    # exit 1 if anything is out of date (the tests do this)

A section is a ``## `` heading cell and the cells after it up to the next one. Whether a section
is core or optional is the author's decision, kept in the heading cell's metadata::

    "metadata": {"medlearn": {"section": "core", "reading_minutes": 3, "cell_seconds": 12.4}}

This tool never changes that decision; it computes the rest from the stored notebook:

- ``cell_seconds``: the sum of the section's code cells' execution times, read from the timing
  metadata that ``authoring.run_notebooks --store`` stores (the reference machine: 2 CPU cores);
- ``reading_minutes``: the time a newcomer needs for the section, by one reading model (:data:`READING_MODEL`,
  fitted and sourced beside its constants): its words (markdown and printed output), its visible code lines,
  its figures and formulas, and its cells' run time, rounded up to whole minutes;

and writes them into the metadata (for tools), as a visible line under the heading (for learners) and
into the timing table of each chapter's instructor notes. From the same sections it writes each
chapter's estimated time (core sections, and all) into the chapter's first cell, the time column of the
README's chapter table, and the course's totals and core path into START_HERE and the README. Run it
after re-storing a notebook; ``authoring.run_notebooks --store`` runs it for you.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import nbformat

from authoring import chapters as chapter_tables
from authoring._paths import REPO
from medlearn.quiz import section_anchor

LEVELS = ("core", "optional")
#: The reading model: the pace of a resident who reads English as a second language (the course's slowest stated
#: reader), works each formula on paper and traces the code. The Chinese edition, read in Chinese, goes faster.
#:
#: Sources. Brysbaert 2019, "How many words do we read per minute?", J. Mem. Lang. 109:104047: adults read English
#: non-fiction silently at about 238 words a minute, and "reading rates are lower for ... readers with English as
#: second language". Studying a chapter is slower still. No published time per formula or per figure was found, so
#: the rates are fitted to an independent review by a Chinese resident: persona estimates of the chapters
#: how_networks_learn, cnn_training and evaluation as they stood at commit aa7bef2, before their plain-English pass
#: (the reviewer assumed 45 words and 3 lines a minute, 2 min a figure, and pen and paper for the formulas). Words
#: and code lines rise together in every section timed, so the data cannot separate them: code stays at 5 lines a
#: minute and a figure at 2 min, and the fit gives 39 words a minute and 0.3 min a formula, rounded to 40 words
#: and 18 s.
#:
#: | what the reviewer estimated         | estimate, min | old model | new model | new / estimate   |
#: |-------------------------------------|---------------|-----------|-----------|------------------|
#: | how_networks_learn, core            | 220-240       | 137       | 229       | 1.00             |
#: | its § 1, § 3, § 4                   | 40, 55, 55    | 23, 27, 38| 41, 51, 56| 1.02, 0.93, 1.02 |
#: | its quiz (arithmetic, a calculator) | 15            | 7         | 12        | 0.80             |
#: | cnn_training, core                  | 200-220       | 133       | 197       | 0.94             |
#: | its § 5                             | 80            | 47        | 68        | 0.85             |
#: | evaluation, setup and §§ 1-3        | 60-70         | 54        | 72        | 1.11             |
#: | registration § 10, two cold reads   | 105, 120      | 99        | 140       | 1.33, 1.17       |
#: | segmentation § 10, the same two     | 40, 47        | 42        | 62        | 1.55, 1.32       |
#:
#: Faster readers need less. The two cold reads of today's text, by a second-language resident who assumed 90
#: words a minute and by an ML engineer, are the last two rows; the two residents of the earlier calibration needed
#: 120, 105 and 90 min for the core of how_networks_learn, cnn_training and evaluation, about 0.55 of this model.
#: Readers differ twofold: cnn_training § 5 and segmentation § 10 have about the same words, code and figures, and
#: were put at 80 min by one reader and 40 and 47 by the others. One model states one reader's time: the slowest
#: stated one.
WORDS_PER_MINUTE = 40
CODE_LINES_PER_MINUTE = 5
FIGURE_MINUTES = 2
FORMULA_MINUTES = 0.3
#: The chapters a resident needs first, by name, in order (START_HERE and the README state their time).
CORE_PATH = (
    "medical_images",
    "convolution",
    "how_networks_learn",
    "cnn_training",
    "evaluation",
    "segmentation",
    "deployment",
)
READING_MODEL = (
    "a resident who reads English as a second language: "
    f"{WORDS_PER_MINUTE} words of text or printed output a minute, {CODE_LINES_PER_MINUTE} lines of code a minute, "
    f"{FIGURE_MINUTES:g} minutes a figure and {FORMULA_MINUTES * 60:.0f} seconds a formula, plus the cells' run time; "
    "folded answers and collapsed checks are read at will"
)
#: Folded text (a Discuss prompt's model answer) and collapsed code (a claim's check) are not in the reading
#: path: a learner unfolds them at will, like the Discuss prompts and exercises, whose time is not estimated.
DETAILS = re.compile(r"<details>.*?</details>", re.DOTALL)
# The line under a heading: its level and reading time, and an anchor that links reach in JupyterLab as on the
# site (the slug the site gives the heading). An older form also named the cells' run time.
MARKER = re.compile(
    r"^_(Core|Optional) · about \d+ min(?: to read)?(?: · (?:its cells run in [\d.]+ s|no code))?_"
    r'(?: <a id="[^"]*"></a>)?$'
)
ESTIMATE = re.compile(r"^\*Estimated time:.*\*$", re.MULTILINE)
#: A code span, a display formula or an inline one (TeX's rule: no space inside either dollar, no digit after the
#: closing one), found left to right, so that a ``$`` inside a code span stays code.
MATH_OR_CODE = re.compile(r"(?P<code>`[^`\n]*`)|\$\$.+?\$\$|\$(?!\s)[^$\n]+?(?<!\s)\$(?!\d)", re.DOTALL)
TIMING_START, TIMING_END = "<!-- timing:start -->", "<!-- timing:end -->"


@dataclass(frozen=True)
class Counts:
    """What a reader meets in a section, and the minutes the reading model gives it."""

    words: int = 0
    code_lines: int = 0
    figures: int = 0
    formulas: int = 0
    seconds: float = 0.0

    @property
    def minutes(self) -> float:
        """The reading model's minutes, unrounded.

        Example:
            >>> Counts(words=WORDS_PER_MINUTE, seconds=60.0).minutes
            2.0
        """
        return (
            self.words / WORDS_PER_MINUTE
            + self.code_lines / CODE_LINES_PER_MINUTE
            + self.figures * FIGURE_MINUTES
            + self.formulas * FORMULA_MINUTES
            + self.seconds / 60
        )

    @property
    def reading_minutes(self) -> int:
        """The minutes a section states: :attr:`minutes` rounded up, and at least one."""
        return max(1, math.ceil(self.minutes))


@dataclass(frozen=True)
class Section:
    """One ``## `` section of a chapter, with its level and times."""

    notebook: str
    heading: str
    level: str | None
    reading_minutes: int
    cell_seconds: float
    has_code: bool
    counts: Counts = Counts()

    @property
    def marker(self) -> str:
        """The line written under the heading: level and reading time, and the heading's anchor.

        Example:
            >>> Section("00_x.ipynb", "2 · Hounsfield units", "core", 12, 3.5, True).marker
            '_Core · about 12 min_ <a id="2--hounsfield-units"></a>'
        """
        anchor = section_anchor(self.heading)
        return f'_{(self.level or "core").capitalize()} · about {self.reading_minutes} min_ <a id="{anchor}"></a>'


def _source(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def _seconds(cell: dict) -> float:
    timing = cell.get("metadata", {}).get("execution", {})
    if "iopub.execute_input" not in timing or "shell.execute_reply" not in timing:
        return 0.0  # not run, or run in a session that was interrupted
    start = datetime.fromisoformat(timing["iopub.execute_input"].replace("Z", "+00:00"))
    end = datetime.fromisoformat(timing["shell.execute_reply"].replace("Z", "+00:00"))
    return max((end - start).total_seconds(), 0.0)


def _printed(cell: dict) -> str:
    """The text a code cell printed or returned (a table, a claim's line), read like the markdown around it; a
    result that is also a figure or an HTML table counts as that, not as its plain-text fallback."""
    texts = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stdout":
            texts.append("".join(output.get("text", "")))
        elif output.get("output_type") in ("execute_result", "display_data"):
            data = output.get("data", {})
            if set(data) == {"text/plain"}:  # not a figure, an HTML table or a widget
                texts.append("".join(data.get("text/plain", "")))
    return "\n".join(texts)


def stored_seconds(nb: dict) -> float:
    """A stored notebook's run time: the sum of its code cells' execution times (0 where none was recorded).

    Example:
        >>> cell = {"metadata": {"execution": {"iopub.execute_input": "2026-01-01T00:00:00Z",
        ...                                    "shell.execute_reply": "2026-01-01T00:00:02.5Z"}}}
        >>> stored_seconds({"cells": [cell, {"metadata": {}}]})
        2.5
    """
    return math.fsum(_seconds(cell) for cell in nb.get("cells", []))  # the same on every Python (3.12 changed sum)


def _heading(cell: dict) -> str | None:
    if cell["cell_type"] != "markdown":
        return None
    first = _source(cell).split("\n", 1)[0]
    return first[3:].strip() if first.startswith("## ") else None


def _without_marker(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not MARKER.match(line.strip()))


def _split_formulas(markdown: str) -> tuple[str, int]:
    """The text with each formula replaced by a space (code spans kept as they are), and how many there were."""
    found = 0

    def drop(match: re.Match) -> str:
        nonlocal found
        if match.group("code"):
            return match.group("code")
        found += 1
        return " "

    return MATH_OR_CODE.sub(drop, markdown), found


def formulas(markdown: str) -> int:
    """How many formulas a markdown text shows: each ``$$...$$`` and each ``$...$``, not a ``$`` in a code span
    or a price.

    Example:
        >>> formulas("The step $w - a g$ shrinks $w$: $$w = w - a g$$ (code: `a $b$ c`).")
        3
        >>> formulas("It costs $5 and $10.")
        0
    """
    return _split_formulas(markdown)[1]


def counts(cells: list[dict]) -> Counts:
    """What a reader meets in these cells: the words of the markdown (its formulas counted apart) and of the printed
    output, the visible code lines, the figures, the formulas, and the cells' stored run time. Folded answers and
    collapsed code are left out."""
    words = code_lines = figures = shown = 0
    seconds = 0.0
    for cell in cells:
        text = _without_marker(_source(cell))
        if cell["cell_type"] == "markdown":
            prose, found = _split_formulas(DETAILS.sub("", text))
            shown += found
            words += len(re.findall(r"\w+", prose))
        elif cell["cell_type"] == "code" and text.strip():
            if not cell.get("metadata", {}).get("jupyter", {}).get("source_hidden"):
                code_lines += sum(1 for line in text.split("\n") if line.strip())
            seconds += _seconds(cell)
            figures += sum("image/png" in output.get("data", {}) for output in cell.get("outputs", []))
            words += len(re.findall(r"\w+", _printed(cell)))
    return Counts(words, code_lines, figures, shown, seconds)


def sections(nb: dict, name: str) -> list[Section]:
    """The ``## `` sections of a notebook (as JSON), with their stored level and computed times."""
    found: list[Section] = []
    cells = nb["cells"]
    starts = [i for i, cell in enumerate(cells) if _heading(cell) is not None]
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else len(cells)
        counted = counts(cells[start:stop])
        has_code = any(c["cell_type"] == "code" and _source(c).strip() for c in cells[start:stop])
        level = cells[start].get("metadata", {}).get("medlearn", {}).get("section")
        found.append(
            Section(
                name,
                _heading(cells[start]) or "",
                level,
                counted.reading_minutes,
                round(counted.seconds, 1),
                has_code,
                counted,
            )
        )
    return found


def mark_notebook(nb: dict, name: str) -> bool:
    """Write each section's metadata and visible marker into ``nb``; return whether anything changed."""
    changed = False
    cells = nb["cells"]
    heads = [cell for cell in cells if _heading(cell) is not None]
    for cell, section in zip(heads, sections(nb, name)):
        if section.level not in LEVELS:
            raise ValueError(
                f"{name}: section {section.heading!r} has no level; set its heading cell's metadata "
                f'"medlearn": {{"section": "core"}} or "optional"'
            )
        meta = {"section": section.level, "reading_minutes": section.reading_minutes}
        meta["cell_seconds"] = section.cell_seconds
        lines = _without_marker(_source(cell)).split("\n")
        rest = "\n".join(lines[1:]).lstrip("\n")
        text = lines[0] + "\n\n" + section.marker + ("\n\n" + rest if rest else "")
        if text != _source(cell) or cell["metadata"].get("medlearn") != meta:
            cell["source"] = text
            cell["metadata"]["medlearn"] = meta
            changed = True
    return _mark_first_cell(nb, name, sections(nb, name)) or changed


def chapter_minutes(found: list[Section]) -> tuple[int, int]:
    """A chapter's estimated minutes: its core sections, and all its sections.

    Example:
        >>> one = Section("n", "A", "core", 30, 0.0, False)
        >>> chapter_minutes([one, Section("n", "B", "optional", 12, 0.0, False)])
        (30, 42)
    """
    return sum(s.reading_minutes for s in found if s.level == "core"), sum(s.reading_minutes for s in found)


def estimate_line(core: int, every: int) -> str:
    """The first cell's line of estimated time."""
    return (
        f"*Estimated time: about {core} min for the core sections, {every} min with the optional ones, at a "
        "newcomer's reading pace; the Discuss prompts and the exercises take longer.*"
    )


def _mark_first_cell(nb: dict, name: str, found: list[Section]) -> bool:
    cell = nb["cells"][0]
    text = _source(cell)
    if not ESTIMATE.search(text):
        raise ValueError(f"{name}: the first cell needs a line '*Estimated time: ...*' under its title")
    new = ESTIMATE.sub(lambda _: estimate_line(*chapter_minutes(found)), text, count=1)
    if new == text:
        return False
    cell["source"] = new
    return True


def timing_table(found: list[Section]) -> str:
    """The instructor notes' table of a chapter's sections, with totals for core and for all."""
    rows = ["| section | level | time (estimated) | cells run (measured) |", "|---|---|---|---|"]
    for s in found:
        rows.append(f"| {s.heading} | {s.level} | {s.reading_minutes} min | {s.cell_seconds:.1f} s |")
    for label, chosen in (("core sections", [s for s in found if s.level == "core"]), ("all sections", found)):
        minutes = sum(s.reading_minutes for s in chosen)
        seconds = math.fsum(s.cell_seconds for s in chosen)  # exactly rounded: the same sum on every Python
        rows.append(f"| **{label}** | | **{minutes} min** | **{seconds:.0f} s** |")
    note = (
        f"Time is estimated for {READING_MODEL} (run time measured when the notebook was stored, on 2 CPU cores). "
        "Add time for discussion and the exercises."
    )
    return "\n".join(rows) + "\n\n" + note


def update_guide(text: str, table: str) -> str:
    """Replace what lies between the timing markers of an instructor-notes page."""
    start, end = text.find(TIMING_START), text.find(TIMING_END)
    if start < 0 or end < start:
        raise ValueError(f"the instructor notes need the lines {TIMING_START} and {TIMING_END}")
    return text[: start + len(TIMING_START)] + "\n" + table + "\n" + text[end:]


def chapters(repo: Path = REPO) -> list[Path]:
    """Every chapter notebook, in order."""
    return sorted((repo / "notebooks").glob("[0-9][0-9]_*.ipynb"))


TIMES_START, TIMES_END = "<!-- times:start -->", "<!-- times:end -->"


def course_times(
    minutes: dict[str, tuple[int, int]], titles: dict[str, str], listed: list[chapter_tables.Chapter] | None = None
) -> str:
    """The paragraph of the course's totals and its core path (START_HERE and the README).

    Example:
        >>> text = course_times({"00": (60, 90), "05": (120, 150)}, {"00": "Images", "05": "CNNs"})
        >>> text[text.index("the core"):text.index(";", text.index("the core"))]
        'the core sections of all 2 chapters take about 3 hours, and every section about 4 hours'
    """
    hours = [round(sum(m[k] for m in minutes.values()) / 60) for k in (0, 1)]
    numbers = {chapter.name: chapter.number for chapter in listed or chapter_tables.read()}
    path = [numbers[name] for name in CORE_PATH if numbers[name] in minutes]
    path_hours = round(sum(minutes[number][0] for number in path) / 60)
    names = ", ".join(f"{number} · {titles[number]}" for number in path)
    return (
        f"At a newcomer's pace ({READING_MODEL}), the core sections of all {len(minutes)} chapters take about "
        f"{hours[0]} hours, and every section about {hours[1]} hours; the Discuss prompts and the exercises take "
        f"longer. **A core path** for a first pass: {names}; their core sections take about {path_hours} hours."
    )


def _title(nb: dict) -> str:
    first = _source(nb["cells"][0]).split("\n", 1)[0]
    return first.lstrip("# ").split(" · ", 1)[-1].split(":")[0].strip()


def run(repo: Path = REPO, check: bool = False) -> list[str]:
    """Update (or with ``check``, only compare) every chapter, its notes and the course's stated times;
    return what differs."""
    stale: list[str] = []
    minutes: dict[str, tuple[int, int]] = {}
    titles: dict[str, str] = {}
    for path in chapters(repo):
        nb = nbformat.read(path, as_version=4)
        if mark_notebook(nb, path.name):
            stale.append(str(path.relative_to(repo)))
            if not check:
                nbformat.write(nb, path)
        guide = repo / "instructors" / f"{path.stem[3:]}.md"  # notes are keyed by the chapter's name
        if guide.exists():
            old = guide.read_text(encoding="utf-8")
            new = update_guide(old, timing_table(sections(nb, path.name)))
            if new != old:
                stale.append(str(guide.relative_to(repo)))
                if not check:
                    guide.write_text(new, encoding="utf-8")
        minutes[path.name[:2]] = chapter_minutes(sections(nb, path.name))
        titles[path.name[:2]] = _title(nb)
    times = course_times(minutes, titles, chapter_tables.read(repo / "authoring" / "chapters.json"))
    for name in ("README.md", "START_HERE.md"):
        page = repo / name
        old = page.read_text(encoding="utf-8")
        new = chapter_tables.between(old, TIMES_START, TIMES_END, times, name)
        if new != old:
            stale.append(name)
            if not check:
                page.write_text(new, encoding="utf-8")
    return stale + chapter_tables.write_tables(minutes, repo, check)


def stale_main(run: Callable[..., list[str]], doc: str, argv: list[str] | None = None) -> int:
    """The command line of a generator whose ``run(check=...)`` returns the files it wrote or found out of date: it
    prints them, and with ``--check`` exits 1 when there are any."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report what is out of date")
    args = parser.parse_args(argv)
    stale = run(check=args.check)
    for name in stale:
        print(("out of date: " if args.check else "updated: ") + name)
    return 1 if args.check and stale else 0


def main(argv: list[str] | None = None) -> int:
    return stale_main(run, __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
