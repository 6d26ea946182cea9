"""One list of the course's chapters, and every table of them written from it.

``authoring/chapters.json`` holds each chapter, in order, keyed by its stable name (``registration``): its short
title, one-line summary (for learners), topics (for instructors) and which of its notebooks train a network. A
chapter's number is only its place in that list; its learner-facing files are ``NN_<name>`` (:attr:`Chapter.stem`),
and everything else refers to it by name (:func:`by_name`).

The chapter tables of the README, START_HERE, the student handout's
README (and so the site's home page, which is the README) and the instructor guide are written between the
lines ``<!-- chapters:start -->`` and ``<!-- chapters:end -->`` from that list, with each chapter's estimated
times (computed by :mod:`authoring.sections`, which calls :func:`write_tables`) and its number of exercise
tasks (counted from the learner's exercise notebook). ``python -m authoring.sections`` rewrites them and
``--check`` reports drift; ``tests/course/test_chapters.py`` fails on it.

Example:
    >>> row(Chapter("00", "images", "Images", "pixels as numbers", "DICOM"), (60, 90), 6).split(" | ")[1:3]
    ['pixels as numbers', '60 min core, 90 in all']
    >>> by_name("registration").stem.endswith("_registration")
    True
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


NAME = re.compile(r"^[a-z][a-z0-9_]*$")
#: What a chapter's ``trains`` may name, and the perturbations CI's second pass knows.
TRAINING_NOTEBOOKS = ("chapter", "solution")
PERTURBATIONS = ("onednn", "threads")
#: The editions a chapter may declare besides English (``"languages": ["zh_CN"]``): its notebooks in that language are
#: generated from the English ones and the chapter's catalog (:mod:`authoring.translations`).
LANGUAGES = ("zh_CN",)


@dataclass(frozen=True)
class Chapter:
    """One chapter: its number (its place in the list), stable name, short title, one line for learners, topics for
    instructors, which of its notebooks train a network, how CI perturbs their summation order, and the editions
    it has in other languages (generated from its translation catalog)."""

    number: str
    name: str
    title: str
    summary: str
    topics: str
    trains: tuple[str, ...] = ()
    perturbation: str = "onednn"
    languages: tuple[str, ...] = ()

    @property
    def stem(self) -> str:
        """The learner-facing file stem, ``NN_<name>`` (notebook, exercise, solution)."""
        return f"{self.number}_{self.name}"

    @property
    def notebook(self) -> str:
        """The chapter's notebook, relative to the repository."""
        return f"notebooks/{self.stem}.ipynb"

    @property
    def exercise(self) -> str:
        """The learner's exercise notebook (generated from the solution), relative to the repository."""
        return f"exercises/{self.stem}.ipynb"

    @property
    def solution(self) -> str:
        """The exercise's solution notebook, relative to the repository."""
        return f"exercises/solutions/{self.stem}.ipynb"

    def training_notebooks(self) -> list[str]:
        """The notebooks of this chapter that train a network (``trains``), relative to the repository."""
        return [self.notebook if kind == "chapter" else self.solution for kind in self.trains]


def read(path: Path = LIST) -> list[Chapter]:
    """Every chapter of the list, numbered by its place, each entry checked (no notebook needed).

    Example:
        >>> [(c.number, c.name) for c in read()][:2]
        [('00', 'medical_images'), ('01', 'convolution')]
    """
    entries = json.loads(path.read_text(encoding="utf-8"))["chapters"]
    listed = []
    for index, entry in enumerate(entries):
        entry = dict(entry)
        entry["trains"] = tuple(entry.get("trains", ()))
        entry["languages"] = tuple(entry.get("languages", ()))
        try:
            chapter = Chapter(f"{index:02d}", **entry)
        except TypeError as error:
            raise ValueError(f"{path.name}: entry {index} has unknown or missing fields ({error})") from None
        if not NAME.match(chapter.name):
            raise ValueError(f"{path.name}: name must be lower-case letters, digits and _, not {chapter.name!r}")
        if set(chapter.trains) - set(TRAINING_NOTEBOOKS) or chapter.perturbation not in PERTURBATIONS:
            raise ValueError(f"{path.name}: {chapter.name}'s trains or perturbation is not one of the known values")
        if set(chapter.languages) - set(LANGUAGES) or len(set(chapter.languages)) != len(chapter.languages):
            raise ValueError(f"{path.name}: {chapter.name}'s languages must be some of {LANGUAGES}, each once")
        listed.append(chapter)
    names = [c.name for c in listed]
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(f"{path.name} must list the chapters once each; twice: {twice}")
    if len(listed) > 100:
        raise ValueError(f"{path.name} lists {len(listed)} chapters; two-digit numbers allow 100")
    return listed


def by_name(name: str, path: Path = LIST) -> Chapter:
    """The chapter of that stable name (``registration``); a ``ValueError`` names the known ones otherwise."""
    for chapter in read(path):
        if chapter.name == name:
            return chapter
    raise ValueError(f"name must be one of the chapters of {path.name}, not {name!r}")


def load(path: Path | None = None, repo: Path = REPO) -> list[Chapter]:
    """The listed chapters (``path``, by default ``repo``'s list), in order, checked against ``repo``: every notebook
    in ``notebooks/`` is listed, under the number of its place in the list (a file left off or misnumbered is an
    error)."""
    path = path or repo / "authoring" / "chapters.json"
    listed = read(path)
    stems = sorted(p.stem for p in (repo / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    missing = sorted(set(stems) - {c.stem for c in listed})
    if missing:
        raise ValueError(f"{path.name} must list every chapter in notebooks/; missing: {missing}")
    found = [c for c in listed if c.stem in stems]
    for chapter in found:
        for field in ("title", "summary", "topics"):
            text = getattr(chapter, field)
            if not text.strip() or "|" in text.replace("\\|", "") or "\n" in text:
                raise ValueError(f"{path.name}: chapter {chapter.name}'s {field} must be one line without a bare |")
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
            f"| [{c.number} · {c.title}](../notebooks/{c.stem}.ipynb) | {c.topics} | [notes]({c.name}.md) |"
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
