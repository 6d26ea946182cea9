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
- ``reading_minutes``: an estimate, the section's markdown words at 150 words a minute plus its
  code lines at 20 lines a minute, rounded up;

and writes them twice: into the metadata (for tools) and as a visible line under the heading
(for learners), and into the timing table of each chapter's instructor notes. Run it after
re-storing a notebook; ``authoring.run_notebooks --store`` runs it for you.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
LEVELS = ("core", "optional")
WORDS_PER_MINUTE = 150
CODE_LINES_PER_MINUTE = 20
MARKER = re.compile(r"^_(Core|Optional) · about \d+ min to read · (?:its cells run in [\d.]+ s|no code)_$")
TIMING_START, TIMING_END = "<!-- timing:start -->", "<!-- timing:end -->"


@dataclass(frozen=True)
class Section:
    """One ``## `` section of a chapter, with its level and times."""

    notebook: str
    heading: str
    level: str | None
    reading_minutes: int
    cell_seconds: float
    has_code: bool

    @property
    def marker(self) -> str:
        """The visible line written under the heading."""
        run = f"its cells run in {self.cell_seconds:.1f} s" if self.has_code else "no code"
        return f"_{(self.level or 'core').capitalize()} · about {self.reading_minutes} min to read · {run}_"


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


def stored_seconds(nb: dict) -> float:
    """A stored notebook's run time: the sum of its code cells' execution times (0 where none was recorded).

    Example:
        >>> cell = {"metadata": {"execution": {"iopub.execute_input": "2026-01-01T00:00:00Z",
        ...                                    "shell.execute_reply": "2026-01-01T00:00:02.5Z"}}}
        >>> stored_seconds({"cells": [cell, {"metadata": {}}]})
        2.5
    """
    return sum(_seconds(cell) for cell in nb.get("cells", []))


def _heading(cell: dict) -> str | None:
    if cell["cell_type"] != "markdown":
        return None
    first = _source(cell).split("\n", 1)[0]
    return first[3:].strip() if first.startswith("## ") else None


def _without_marker(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if not MARKER.match(line.strip()))


def sections(nb: dict, name: str) -> list[Section]:
    """The ``## `` sections of a notebook (as JSON), with their stored level and computed times."""
    found: list[Section] = []
    cells = nb["cells"]
    starts = [i for i, cell in enumerate(cells) if _heading(cell) is not None]
    for k, start in enumerate(starts):
        stop = starts[k + 1] if k + 1 < len(starts) else len(cells)
        words = code_lines = 0
        seconds = 0.0
        has_code = False
        for cell in cells[start:stop]:
            text = _without_marker(_source(cell))
            if cell["cell_type"] == "markdown":
                words += len(re.findall(r"\w+", text))
            elif cell["cell_type"] == "code" and text.strip():
                has_code = True
                code_lines += sum(1 for line in text.split("\n") if line.strip())
                seconds += _seconds(cell)
        level = cells[start].get("metadata", {}).get("medlearn", {}).get("section")
        reading = max(1, math.ceil(words / WORDS_PER_MINUTE + code_lines / CODE_LINES_PER_MINUTE))
        found.append(Section(name, _heading(cells[start]) or "", level, reading, round(seconds, 1), has_code))
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
    return changed


def timing_table(found: list[Section]) -> str:
    """The instructor notes' table of a chapter's sections, with totals for core and for all."""
    rows = ["| section | level | reading (estimated) | cells run (measured) |", "|---|---|---|---|"]
    for s in found:
        rows.append(f"| {s.heading} | {s.level} | {s.reading_minutes} min | {s.cell_seconds:.1f} s |")
    for label, chosen in (("core sections", [s for s in found if s.level == "core"]), ("all sections", found)):
        minutes = sum(s.reading_minutes for s in chosen)
        seconds = sum(s.cell_seconds for s in chosen)
        rows.append(f"| **{label}** | | **{minutes} min** | **{seconds:.0f} s** |")
    note = (
        "Reading time is estimated at 150 words and 20 lines of code a minute; cell time was measured "
        "when the notebook was stored, on 2 CPU cores. Add time for discussion and the exercises."
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


def run(repo: Path = REPO, check: bool = False) -> list[str]:
    """Update (or with ``check``, only compare) every chapter and its notes; return what differs."""
    stale: list[str] = []
    for path in chapters(repo):
        nb = nbformat.read(path, as_version=4)
        if mark_notebook(nb, path.name):
            stale.append(str(path.relative_to(repo)))
            if not check:
                nbformat.write(nb, path)
        guide = repo / "instructors" / f"{path.stem}.md"
        if guide.exists():
            old = guide.read_text(encoding="utf-8")
            new = update_guide(old, timing_table(sections(nb, path.name)))
            if new != old:
                stale.append(str(guide.relative_to(repo)))
                if not check:
                    guide.write_text(new, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report what is out of date")
    args = parser.parse_args(argv)
    stale = run(check=args.check)
    for name in stale:
        print(("out of date: " if args.check else "updated: ") + name)
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
