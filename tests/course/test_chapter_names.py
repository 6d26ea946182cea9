"""A chapter is named, never numbered, outside the one list: a hand-written file that says "chapter 05", "ch05",
"§ 4 of 05" or ``06_cnn_training`` as a literal fails here, since it would need editing whenever a chapter moves.

A chapter's number is only its place in ``authoring/chapters.json``; prose says "the registration chapter" (or the
name in backticks), and code that needs a chapter's file asks ``authoring.chapters.by_name("registration")``. Exempt:
the list itself, generated files (``docs/reference.md``, ``medlearn/quizzes/*.json``, ``benchmarks/results/``: no
JSON is scanned), the generated blocks of a page (between ``<!-- x:start -->`` and ``<!-- x:end -->``), and the
learner-facing notebooks (``notebooks/``, ``exercises/``, outside the scanned roots). Files that still carry numbers
are listed in ``PENDING`` with the reason; the list can only shrink, since a listed file without a number fails too.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import REPO

from authoring.chapters import Chapter, by_name, read

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
    # Learner-facing pages: scanned, but they may keep numbers for now (PENDING below).
    "README.md",
    "START_HERE.md",
    "handout/README.md",
    "docs/glossary.md",
    "docs/data.md",
)
#: The suffixes of the text files scanned ("" for scripts such as .ci/run); JSON is data or generated.
SUFFIXES = {".py", ".md", ".toml", ".yml", ".yaml", ".cfg", ".txt", ".sh", ""}
#: Files that say a chapter's number and are not hand-written prose or code (the list, a generated page), or whose
#: subject is the numbers: this file's examples, the tool that renders them again after a move, and its test.
EXEMPT = {
    "authoring/chapters.json",
    "docs/reference.md",
    "tests/course/test_chapter_names.py",
    "authoring/renumber.py",
    "tests/course/test_authoring.py",
}
SKIPPED_FOLDERS = {"__pycache__", ".ipynb_checkpoints", "results", "node_modules", "_build"}
#: Numbered chapters that are not ours, by file and the exact words (each must still be there).
EXTERNAL = {
    "medlearn/reconstruction/tomography.py": "chapter 3, equation 61",  # Kak and Slaney's book
}
_CHECKS = "the exercise checks are being rewritten as tables of mistakes (issue 61, item 3)"
_LEARNERS = "a learner-facing page: keeps its numbers until the pages are generated or renamed"
#: Files that still carry a chapter's number, and why; each must still carry one (the list only shrinks).
PENDING: dict[str, str] = {
    **{
        f"medlearn/check/{module}.py": _CHECKS
        for module in (
            "_cnn_training_run",
            "_deployment_training",
            "_detection_training",
            "_reconstruction_training",
            "_registration_data",
            "_segmentation_training",
            "_volumes_training",
            "cnn_training",
            "convolution",
            "deployment",
            "detection",
            "evaluation",
            "few_labels",
            "grading_and_reporting",
            "how_networks_learn",
            "medical_images",
            "preprocessing_and_features",
            "privacy",
            "prognosis",
            "random_forests",
            "reconstruction_and_synthesis",
            "registration",
            "scale",
            "segmentation",
            "svm_margins",
            "volumes",
        )
    },
    **{
        f"tests/exercises/test_check_{name}.py": _CHECKS
        for name in (
            "cnn_training",
            "convolution",
            "deployment",
            "detection",
            "evaluation",
            "few_labels",
            "how_networks_learn",
            "medical_images",
            "preprocessing_and_features",
            "prognosis",
            "random_forests",
            "reconstruction_and_synthesis",
            "registration",
            "segmentation",
            "svm_margins",
        )
    },
    **dict.fromkeys(
        ("medlearn/quiz.py", "medlearn/classroom/grade.py"),
        "a message's example stem: a change to the library's behaviour, which waits for a release",
    ),
    "authoring/chapters.py": "an example's output lists the first two stems (read()'s doctest)",
    "authoring/sections.py": "the newcomers' timing names the chapters they timed by number",
    "tests/course/test_ci_run.py": "a fixture's markdown words ('Chapter 06 trained it'), left to the .ci/run rewrite",
    "README.md": _LEARNERS,
    "docs/glossary.md": _LEARNERS,
    "docs/data.md": _LEARNERS,
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


def test_no_hand_written_file_numbers_a_chapter() -> None:
    found = {path: hits for path, hits in scan().items() if path not in PENDING}
    assert not found, (
        "name the chapter, never its number (prose: 'the registration chapter'; code: "
        f"authoring.chapters.by_name('registration').notebook): {found}"
    )


def stale(repo: Path = REPO) -> list[str]:
    """The files of :data:`PENDING` that no longer carry a chapter's number (or no longer exist) in ``repo``."""
    found = scan(repo)
    return [path for path in PENDING if path not in found]


def test_every_pending_file_still_carries_a_number_and_every_external_citation_is_there() -> None:
    assert stale() == [], "no number left: remove it from PENDING"
    for path, words in EXTERNAL.items():
        assert words in (REPO / path).read_text(encoding="utf-8"), f"{path} no longer says {words!r}: remove it"


def _forms() -> tuple[list[str], list[str]]:
    """Texts that number a chapter, and texts that name one (or hold numbers that are not chapters)."""
    cnn, evaluation = by_name("cnn_training"), by_name("evaluation")
    numbered = [
        "as chapter 05 showed",
        "chapters 05 and 06 train",
        "Chapter 5's network",
        "see ch05",
        "(ch. 7)",
        f"REPO / 'notebooks' / '{cnn.stem}.ipynb'",
        "§ 4 of 05",
        "section 2 of chapter 07",
        "Exercise 10 makes its fields",
        f"| [{evaluation.number} · {evaluation.title}] |",
    ]
    named = [
        "as the registration chapter showed",
        "the chapter on how networks learn and `cnn_training`",
        "REPO / by_name('cnn_training').notebook",
        "ResNet-18 on 28 x 28 images, 99_demo, 10_000 cases, § 4 · Heading",
        "exercises/solutions/99_broken.ipynb",
    ]
    return numbered, named


@pytest.mark.parametrize("text", _forms()[0])
def test_a_number_written_in_a_temporary_file_is_found(tmp_path: Path, text: str) -> None:
    (tmp_path / "medlearn").mkdir()
    (tmp_path / "medlearn" / "module.py").write_text(f'"""A module.\n\n{text}\n"""\n', encoding="utf-8")
    assert list(scan(tmp_path)) == ["medlearn/module.py"]
    assert scan(tmp_path)["medlearn/module.py"][0].startswith("line 3: ")


@pytest.mark.parametrize("text", _forms()[1])
def test_a_name_written_in_a_temporary_file_is_not_found(tmp_path: Path, text: str) -> None:
    (tmp_path / "instructors").mkdir()
    (tmp_path / "instructors" / "notes.md").write_text(f"# Notes\n\n{text}\n", encoding="utf-8")
    assert scan(tmp_path) == {}


def test_a_generated_block_and_an_exempt_file_are_not_scanned(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "reference.md").write_text("chapter 05\n", encoding="utf-8")
    (tmp_path / "README.md").write_text("<!-- chapters:start -->\nchapter 05\n<!-- chapters:end -->\n", "utf-8")
    assert scan(tmp_path) == {}
    (tmp_path / "README.md").write_text("<!-- chapters:start -->\n<!-- chapters:end -->\nchapter 05\n", "utf-8")
    assert scan(tmp_path) == {"README.md": ["line 3: chapter 05"]}


def test_a_pending_file_without_a_number_is_reported(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("As the registration chapter shows.\n", encoding="utf-8")
    assert "README.md" in stale(tmp_path)
    (tmp_path / "README.md").write_text("As chapter 10 shows.\n", encoding="utf-8")
    assert "README.md" not in stale(tmp_path)
