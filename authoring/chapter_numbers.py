"""A chapter is named, never numbered, outside the one list and the learner's text: the rule, and where it looks.

A chapter's number is only its place in ``authoring/chapters.json``. A hand-written file that says "chapter 05",
"ch05", "§ 4 of 05" or ``06_cnn_training`` as a literal would need editing whenever a chapter moves, so prose says
"the registration chapter" (or the name in backticks) and code asks ``authoring.chapters.by_name("registration")``.
The learner's text keeps its numbers (the notebooks, the exercises, the quizzes and the learner's pages: the
README, START_HERE, the handout's README, the glossary and the data page): there a move renders them again
(:mod:`authoring.renumber`), so they are not scanned. Also exempt: the list itself, generated files and the generated
blocks of a page (between ``<!-- x:start -->`` and ``<!-- x:end -->``). Files that still carry numbers are listed in
:data:`PENDING` with the reason; the list can only shrink, since a listed file without a number is reported too.
``python -m authoring check`` and ``tests/course/test_chapter_names.py`` run :func:`problems`.
"""

from __future__ import annotations

import re
from pathlib import Path

from authoring._paths import REPO
from authoring.chapters import Chapter, read

#: Every hand-written file or folder that is scanned (folders: every text file in them, recursively).
ROOTS = (
    "medlearn",
    "benchmarks",
    "authoring",
    "tests",
    "instructors",
    ".ci",
    "pyproject.toml",
    "environment.yml",
    "CONTRIBUTING.md",
    "course.py",
    "conftest.py",
    "postBuild",
)
#: The suffixes of the text files scanned ("" for scripts such as .ci/run); JSON is data or generated.
SUFFIXES = {".py", ".md", ".toml", ".yml", ".yaml", ".cfg", ".txt", ".sh", ""}
#: Files that say a chapter's number and are not hand-written prose or code (the list, a generated page), or whose
#: subject is the numbers: the rule itself and its test, the tool that renders them again after a move and its test,
#: and the first files of a new chapter (a numbered title).
EXEMPT = {
    "authoring/chapters.json",
    "docs/reference.md",
    "tests/course/test_chapter_names.py",
    "authoring/renumber.py",
    "authoring/chapter_numbers.py",
    "authoring/skeleton.py",
    "tests/course/test_authoring_chapters.py",
    "tests/course/test_authoring.py",
}
SKIPPED_FOLDERS = {"__pycache__", ".ipynb_checkpoints", "results", "node_modules", "_build"}
#: Numbered chapters that are not ours, by file and the exact words (each must still be there).
EXTERNAL = {
    "medlearn/reconstruction/tomography.py": "chapter 3, equation 61",  # Kak and Slaney's book
}
#: Files that still carry a chapter's number, and why; each must still carry one (the list only shrinks).
PENDING: dict[str, str] = {
    "medlearn/quiz.py": "a message a learner reads names a stem (the form to type) as its example",
    "medlearn/classroom/grade.py": "the grader's --chapter help names a stem (the form to type) as its example",
}
GENERATED_BLOCK = re.compile(r"<!-- (\w+):start -->.*?<!-- \1:end -->", flags=re.S)


def number_pattern(chapters: list[Chapter]) -> re.Pattern[str]:
    """The ways a hand-written text numbers a chapter: "chapter 05", "chapters 05 and 06", "Chapter 5's", "ch05",
    "§ 4 of 05", "section 2 of 07", "exercise 10", a file stem such as ``06_cnn_training``, and "07 · Title".

    Example:
        >>> bool(number_pattern(read()).search("as chapter 06 showed"))
        True
        >>> bool(number_pattern(read()).search("as the chapter on training a CNN showed"))
        False
    """
    names = "|".join(re.escape(c.name) for c in chapters)
    titles = "|".join(re.escape(c.title) for c in chapters)
    forms = (
        r"\bchapters?\s+\d{1,2}\b(?!\s*(?:min|s|h)\b)",  # not a duration: "every chapter 6 min"
        r"\bch\.?\s?\d{1,2}\b",
        r"§\s*\d+\s+(?:of|in)\s+(?:chapter\s+)?\d{1,2}\b",
        r"\bsections?\s+\d+\s+(?:of|in)\s+(?:chapter\s+)?\d{1,2}\b",
        r"\b(?:exercises?|notebooks?|quiz(?:zes)?|labs?)\s+\d{2}\b",
        rf"\b\d{{2}}_(?:{names})\b",
        rf"\b\d{{2}} · (?:{titles})\b",
    )
    return re.compile("|".join(forms), flags=re.IGNORECASE)


def scanned_files(repo: Path = REPO) -> list[Path]:
    """The hand-written text files under :data:`ROOTS`, relative to ``repo``, without the exempt ones."""
    found = []
    for root in ROOTS:
        path = repo / root
        paths = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for file in paths:
            relative = file.relative_to(repo)
            if relative.suffix in SUFFIXES and relative.as_posix() not in EXEMPT:
                if not SKIPPED_FOLDERS & set(relative.parts[:-1]):
                    found.append(relative)
    return found


def numbers_in(text: str, pattern: re.Pattern[str], external: str | None = None) -> list[str]:
    """Every chapter number a hand-written text carries, as ``line N: words``, outside its generated blocks and
    the words ``external`` (a numbered chapter that is not ours).

    Example:
        >>> numbers_in("one\\nas ch05 did\\n<!-- t:start -->\\nchapter 05\\n<!-- t:end -->", number_pattern(read()))
        ['line 2: ch05']
    """
    text = GENERATED_BLOCK.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    if external:
        text = text.replace(external, "")
    return [
        f"line {number}: {match.group(0)}"
        for number, line in enumerate(text.split("\n"), start=1)
        for match in pattern.finditer(line)
    ]


def scan(repo: Path = REPO) -> dict[str, list[str]]:
    """Every scanned file of ``repo`` that carries a chapter's number, with where."""
    pattern = number_pattern(read())
    found = {}
    for relative in scanned_files(repo):
        try:
            text = (repo / relative).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        hits = numbers_in(text, pattern, EXTERNAL.get(relative.as_posix()))
        if hits:
            found[relative.as_posix()] = hits
    return found


def stale(repo: Path = REPO) -> list[str]:
    """The files of :data:`PENDING` that no longer carry a chapter's number (or no longer exist) in ``repo``."""
    found = scan(repo)
    return [path for path in PENDING if path not in found]


def problems(repo: Path = REPO) -> list[str]:
    """Every chapter number in a hand-written file outside :data:`PENDING`, and every pending file that no longer
    carries one, as messages.

    Example:
        >>> problems()
        []
    """
    found = [
        f"{path} {hit}: name the chapter, never its number"
        for path, hits in scan(repo).items()
        if path not in PENDING
        for hit in hits
    ]
    return found + [f"{path}: no chapter number left: remove it from PENDING" for path in stale(repo)]
