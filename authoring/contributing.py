"""The files a chapter is made of: one list, written into CONTRIBUTING.md, and checked on every chapter.

:data:`FILES` says, for a chapter named ``NAME`` at place ``NN``, each file it needs, whether it is written by hand
or generated (and by what), and whether every chapter must have one. ``python -m authoring.contributing`` writes the
list between ``<!-- chapter-files:start -->`` and ``<!-- chapter-files:end -->`` of CONTRIBUTING.md; ``--check``
reports a stale list and any chapter of ``authoring/chapters.json`` that lacks a required file (``python -m
authoring check`` runs it).

Example:
    >>> FILES[0].path(chapter_list.read()[0]) == chapter_list.read()[0].notebook
    True
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from authoring import chapters as chapter_list
from authoring._paths import REPO

START, END = "<!-- chapter-files:start -->", "<!-- chapter-files:end -->"
PAGE = "CONTRIBUTING.md"


@dataclass(frozen=True)
class ChapterFile:
    """A file (or folder) of a chapter: its path pattern, who writes it, what it is, and whether every chapter has
    one. ``{stem}`` is ``NN_NAME`` (renamed when the chapter moves), ``{name}`` the stable name alone."""

    pattern: str
    written_by: str
    what: str
    required: bool = True
    alternatives: tuple[str, ...] = ()

    def path(self, chapter: chapter_list.Chapter) -> str:
        return self.pattern.format(stem=chapter.stem, name=chapter.name)

    def exists(self, chapter: chapter_list.Chapter, repo: Path) -> bool:
        patterns = (self.pattern, *self.alternatives)
        return any((repo / p.format(stem=chapter.stem, name=chapter.name)).exists() for p in patterns)


HAND = "by hand"
FILES = (
    ChapterFile("notebooks/{stem}.ipynb", HAND, "the chapter, stored executed (`python -m authoring build NAME`)"),
    ChapterFile("exercises/solutions/{stem}.ipynb", HAND, "the exercise with its answers between solution markers"),
    ChapterFile(
        "exercises/{stem}.ipynb", "`python -m authoring build NAME`", "the learner's exercise, made from the solution"
    ),
    ChapterFile(
        "medlearn/check/{name}/__init__.py",
        HAND,
        "the exercise's checks, each task with its table of typical mistakes, imported as "
        "`from medlearn.check import NAME as check`",
    ),
    ChapterFile(
        "tests/exercises/test_check_{name}.py",
        HAND,
        "right answers pass, each typical mistake gets its hint",
        required=False,
    ),
    ChapterFile("medlearn/quizzes/{stem}.json", HAND, "the quiz (the build writes its section into the chapter)"),
    ChapterFile("instructors/{name}.md", HAND, "instructor notes, with the Discuss answers the build folds in"),
    ChapterFile(
        "tests/course/test_twins_{name}.py",
        HAND,
        "only if the chapter writes its own copy of a library function: the copy compared with the library's",
        required=False,
    ),
    ChapterFile(
        "locale/zh_CN/LC_MESSAGES/{name}.po",
        "`python -m authoring translations update NAME`, then translators",
        "the Chinese translation of the chapter's and its exercise's paragraphs (see *Translations*)",
        required=False,
    ),
    ChapterFile(
        "notebooks/zh_CN/{stem}.ipynb",
        "`python -m authoring build`",
        "the Chinese edition, with `exercises/zh_CN/NN_NAME.ipynb`: only when the chapter's entry declares "
        '`"languages": ["zh_CN"]`',
        required=False,
    ),
)
#: What a chapter changes outside its own files, by hand, and what the build rewrites.
SHARED = (
    ("authoring/chapters.json", HAND, "the chapter's entry (`python -m authoring chapters add` writes a first one)"),
    ("docs/glossary.md", HAND, "the terms the chapter teaches, each pointing at the cell that teaches it"),
    ("instructors/semester.md", HAND, "the week of the semester plan that teaches it"),
    ("medlearn/<topic>.py, tests/library/", HAND, "the library functions the chapter imports, with their tests"),
    (
        "README.md, START_HERE.md, handout/README.md, instructors/README.md",
        "`python -m authoring build`",
        "the tables of chapters, times and exercises",
    ),
    ("docs/reference.md, benchmarks/README.md", "`python -m authoring build`", "the library reference, the budgets"),
)


def checklist() -> str:
    """The Markdown list of a chapter's files, for CONTRIBUTING.md."""
    lines = ["| file | written | what |", "|---|---|---|"]
    for item in FILES:
        note = "" if item.required else " (if needed)"
        shown = item.pattern.replace("{stem}", "NN_NAME").replace("{name}", "NAME")
        lines.append(f"| `{shown}` | {item.written_by} | {item.what}{note} |")
    for shown, written_by, what in SHARED:
        lines.append(f"| {', '.join(f'`{p}`' for p in shown.split(', '))} | {written_by} | {what} |")
    return "\n".join(lines)


def missing_files(repo: Path = REPO) -> list[str]:
    """Each required file that a listed chapter lacks."""
    return [
        f"{item.path(chapter)}: missing ({item.what})"
        for chapter in chapter_list.load(repo=repo)
        for item in FILES
        if item.required and not item.exists(chapter, repo)
    ]


def run(repo: Path = REPO, check: bool = False) -> list[str]:
    """Write (or with ``check``, only compare) the list in CONTRIBUTING.md; return what is stale or missing."""
    path = repo / PAGE
    old = path.read_text(encoding="utf-8")
    new = chapter_list.between(old, START, END, checklist(), PAGE)
    problems = missing_files(repo)
    if new != old:
        problems.insert(0, f"{PAGE}: the list of a chapter's files is out of date")
        if not check:
            path.write_text(new, encoding="utf-8")
            problems.pop(0)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report a stale list or a missing file")
    args = parser.parse_args(argv)
    problems = run(check=args.check)
    print("\n".join(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
