"""One list of the course's chapters, and every table of them written from it.

``authoring/chapters.json`` holds each chapter's number, notebook stem, short title, one-line summary (for
learners) and topics (for instructors). The chapter tables of the README, START_HERE, the student handout's
README (and so the site's home page, which is the README) and the instructor guide are written between the
lines ``<!-- chapters:start -->`` and ``<!-- chapters:end -->`` from that list, with each chapter's estimated
times (computed by :mod:`authoring.sections`, which calls :func:`write_tables`) and its number of exercise
tasks (counted from the learner's exercise notebook). ``python -m authoring.sections`` rewrites them and
``--check`` reports drift; ``tests/course/test_chapters.py`` fails on it.

Example:
    >>> row(Chapter("00", "00_images", "Images", "pixels as numbers", "DICOM"), (60, 90), 6).split(" | ")[1:3]
    ['pixels as numbers', '60 min core, 90 in all']
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from authoring._paths import REPO

LIST = Path(__file__).resolve().parent / "chapters.json"
START, END = "<!-- chapters:start -->", "<!-- chapters:end -->"
#: The pages with a learner's table of chapters, and the one with the instructors' table of topics.
LEARNER_PAGES = ("README.md", "START_HERE.md", "handout/README.md")
GUIDE = "instructors/README.md"
TASK_HEADING = re.compile(r"^## Task \d+\b")


@dataclass(frozen=True)
class Chapter:
    """One chapter: its number, notebook stem, short title, one line for learners, topics for instructors."""

    number: str
    stem: str
    title: str
    summary: str
    topics: str


def load(path: Path = LIST, repo: Path = REPO) -> list[Chapter]:
    """The listed chapters whose notebook is in ``repo``, in order; a notebook left off the list is an error."""
    listed = [Chapter(**entry) for entry in json.loads(path.read_text(encoding="utf-8"))["chapters"]]
    if [c.number for c in listed] != sorted({c.number for c in listed}):
        raise ValueError(f"{path.name} must list the chapters once each, in order")
    stems = sorted(p.stem for p in (repo / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    missing = sorted(set(stems) - {c.stem for c in listed})
    if missing:
        raise ValueError(f"{path.name} must list every chapter in notebooks/; missing: {missing}")
    found = [c for c in listed if c.stem in stems]
    for chapter in found:
        if not chapter.stem.startswith(chapter.number + "_"):
            raise ValueError(f"{path.name}: number {chapter.number} does not match stem {chapter.stem}")
        for field in ("title", "summary", "topics"):
            text = getattr(chapter, field)
            if not text.strip() or "|" in text.replace("\\|", "") or "\n" in text:
                raise ValueError(f"{path.name}: chapter {chapter.number}'s {field} must be one line without a bare |")
    return found


def tasks(stem: str, repo: Path = REPO) -> int:
    """The number of tasks in a chapter's learner exercise notebook, counted by their ``## Task N`` headings (a
    task may have more than one check); 0 when it has none."""
    path = repo / "exercises" / f"{stem}.ipynb"
    if not path.exists():
        return 0
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    sources = ("".join(c["source"]).strip() for c in cells if c["cell_type"] == "markdown")
    return sum(1 for source in sources if TASK_HEADING.match(source))


def row(chapter: Chapter, minutes: tuple[int, int], count: int, prefix: str = "") -> str:
    """A learner's table row: the chapter, its one line, its times, its exercises, and both opened on Colab."""
    from authoring.colab import colab_url

    exercises = f"[{count} tasks]({prefix}exercises/{chapter.stem}.ipynb)" if count else "none"
    colab = f"[chapter]({colab_url(f'notebooks/{chapter.stem}.ipynb')})"
    if count:
        colab += f", [exercises]({colab_url(f'exercises/{chapter.stem}.ipynb')})"
    return (
        f"| [{chapter.number} · {chapter.title}]({prefix}notebooks/{chapter.stem}.ipynb) | {chapter.summary} | "
        f"{minutes[0]} min core, {minutes[1]} in all | {exercises} | {colab} |"
    )


def learner_table(chapters: list[Chapter], minutes: dict[str, tuple[int, int]], repo: Path = REPO) -> str:
    """The chapters for learners, one line each, with times and exercises."""
    head = "| chapter | what you learn | time | exercises | on Google Colab |\n|---|---|---|---|---|"
    return "\n".join([head] + [row(c, minutes[c.number], tasks(c.stem, repo)) for c in chapters])


def topics_table(chapters: list[Chapter]) -> str:
    """The chapters for instructors, each with every topic it covers (links relative to instructors/)."""
    head = "| chapter | topics | notes |\n|---|---|---|"
    return "\n".join(
        [head]
        + [
            f"| [{c.number} · {c.title}](../notebooks/{c.stem}.ipynb) | {c.topics} | [notes]({c.stem}.md) |"
            for c in chapters
        ]
    )


def between(text: str, start: str, end: str, inner: str, where: str) -> str:
    r"""``text`` with ``inner`` between its lines ``start`` and ``end`` (the generated blocks of a page).

    Example:
        >>> between("a\n<!-- s -->\nold\n<!-- e -->\nb", "<!-- s -->", "<!-- e -->", "new", "page")
        'a\n<!-- s -->\nnew\n<!-- e -->\nb'
    """
    first, last = text.find(start), text.find(end)
    if first < 0 or last < first:
        raise ValueError(f"{where} needs the lines {start} and {end}")
    return text[: first + len(start)] + "\n" + inner + "\n" + text[last:]


def write_tables(minutes: dict[str, tuple[int, int]], repo: Path = REPO, check: bool = False) -> list[str]:
    """Write (or with ``check``, only compare) every table of chapters; return the pages that differ."""
    chapters = load(repo=repo)
    tables = {page: learner_table(chapters, minutes, repo) for page in LEARNER_PAGES}
    tables[GUIDE] = topics_table(chapters)
    stale = []
    for page, table in tables.items():
        path = repo / page
        if not path.exists():
            continue
        old = path.read_text(encoding="utf-8")
        new = between(old, START, END, table, page)
        if new != old:
            stale.append(page)
            if not check:
                path.write_text(new, encoding="utf-8")
    return stale
