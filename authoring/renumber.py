"""Add, move or remove a chapter: one line of ``authoring/chapters.json``, and the numbers follow.

    python -m authoring chapters add NAME --at 3 --title "..." --summary "..." --topics "..."
    python -m authoring chapters move NAME --to 7
    python -m authoring chapters remove NAME

A chapter's number is its place in the chapter list. When places change, this tool renames every file whose name
carries a number (:data:`NUMBERED`: the notebook, the exercise and its solution, the quiz; the instructor notes are
``instructors/<name>.md``),
with ``git mv`` inside a git repository, and renders the numbers again wherever the course's text names a chapter:
a file name (``06_cnn_training.ipynb``, ``load_quiz("06_cnn_training")``), a title (``# 06 · ...``, ``Exercises
06 · ...``) and a reference in words (``chapter 06``, ``chapters 05 and 06``, ``Chapter 06``, and ``第 06 章`` in a
translation). Nothing else is rewritten: a chapter's words, code and outputs stay as they are. ``add`` writes a
first version of each file a chapter needs (the list of :mod:`authoring.contributing`), to be written by hand;
``remove`` deletes them and refuses while another chapter still links to the removed one. Then run
``python -m authoring build``, which writes every table and time again, and ``python -m authoring check``.

Example:
    >>> render_numbers("see chapter 05 and chapters 06-07; # 05 · Title", {"05": "06", "06": "07", "07": "08"})
    'see chapter 06 and chapters 07-08; # 06 · Title'
    >>> render_numbers("见第 05 章；第 05(1) 条", {"05": "06"})
    '见第 06 章；第 05(1) 条'
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

from authoring import chapters as chapter_list
from authoring._paths import REPO

#: The files whose names carry a chapter's number (``{stem}`` is ``NN_name``).
NUMBERED = (
    "notebooks/{stem}.ipynb",
    "exercises/{stem}.ipynb",
    "exercises/solutions/{stem}.ipynb",
    "medlearn/quizzes/{stem}.json",
)
#: Where the course's text may name a chapter by number or by file name: the numbers are rendered again there.
TEXT = (
    "notebooks/*.ipynb",
    "exercises/*.ipynb",
    "exercises/solutions/*.ipynb",
    "medlearn/quizzes/*.json",
    "instructors/*.md",
    "docs/glossary.md",
    "docs/data.md",
    "handout/README.md",
    "README.md",
    "START_HERE.md",
    # The translation catalogs hold the English (and its translation) as it is: rendered with it, they stay current.
    "locale/*/LC_MESSAGES/*.po",
    "locale/templates/*.pot",
)
# A reference in words: "chapter 05", "Chapters 05 and 06", "chapters 05-07", "chapters 05, 06 or 07", "第 05 章";
# a title "05 · Title" (a level-1 heading, a table row, "Exercises 05 · "), never a section ("§ 10 · ", "## 10 · ").
WORDS = re.compile(r"((?<!\w)[Cc]hapters?\s+)(\d\d(?:(?:,\s*|\s+and\s+|\s+or\s+|\s+to\s+|\s*[-–]\s*)\d\d)*)\b")
# In Chinese only with 章 after it: "第 19(1) 条" is an article of a law, not a chapter.
ZH_WORDS = re.compile(r"(第\s*)(\d\d(?:(?:、\s*|\s*[-–至]\s*)\d\d)*)(?=\s*章)")
TITLE = re.compile(r"(?<![\w.§#])(?<!§ )(?<!## )(\d\d)( · )")


#: A block that the build writes (a table of chapters, the course's times): not a link that an author wrote.
GENERATED = re.compile(r"<!-- ([\w-]+):start -->.*?<!-- \1:end -->", re.DOTALL)


def render_numbers(text: str, numbers: dict[str, str]) -> str:
    """``text`` with every chapter number in a reference in words or a title mapped through ``numbers``."""

    def one(number: re.Match[str]) -> str:
        return numbers.get(number.group(0), number.group(0))

    for words in (WORDS, ZH_WORDS):
        text = words.sub(lambda m: m.group(1) + re.sub(r"\d\d", one, m.group(2)), text)
    return TITLE.sub(lambda m: numbers.get(m.group(1), m.group(1)) + m.group(2), text)


def render_stems(text: str, stems: dict[str, str]) -> str:
    """``text`` with every ``NN_name`` of a listed chapter name written with the stem given for that name."""
    if not stems:
        return text
    names = "|".join(sorted(map(re.escape, stems), key=len, reverse=True))
    return re.sub(rf"(?<![\w])\d\d_({names})\b", lambda m: stems[m.group(1)], text)


def text_files(repo: Path) -> list[Path]:
    return sorted({path for pattern in TEXT for path in repo.glob(pattern) if path.is_file()})


def _move(repo: Path, source: Path, target: Path) -> None:
    """Rename a file, with ``git mv`` when the repository tracks it (its history follows)."""
    tracked = (repo / ".git").exists() and not subprocess.run(
        ["git", "ls-files", "--error-unmatch", str(source.relative_to(repo))], cwd=repo, capture_output=True
    ).returncode
    if tracked:
        subprocess.run(
            ["git", "mv", str(source.relative_to(repo)), str(target.relative_to(repo))], cwd=repo, check=True
        )
    else:
        source.rename(target)


def renumber(old: list[chapter_list.Chapter], new: list[chapter_list.Chapter], repo: Path = REPO) -> list[str]:
    """Rename the numbered files of every chapter whose place changed from ``old`` to ``new`` and render the
    numbers again in the course's text; return the files renamed or rewritten (relative to ``repo``)."""
    before = {c.name: c for c in old}
    moved = [(before[c.name], c) for c in new if c.name in before and before[c.name].number != c.number]
    numbers = {a.number: b.number for a, b in moved}
    stems = {b.name: b.stem for _, b in moved}
    changed = []
    # Two passes, through names of their own, so that 03 -> 04 never overwrites the 04 that moves to 05.
    steps = []
    for a, b in moved:
        for pattern in NUMBERED:
            source = repo / pattern.format(stem=a.stem)
            if source.exists():
                parking = source.with_name(f".renumbering-{source.name}")
                _move(repo, source, parking)
                steps.append((parking, repo / pattern.format(stem=b.stem)))
    for parking, target in steps:
        _move(repo, parking, target)
        changed.append(target.relative_to(repo).as_posix())
    for path in text_files(repo):
        if rewrite(path, lambda text: render_stems(render_numbers(text, numbers), stems)):
            changed.append(path.relative_to(repo).as_posix())
    return sorted(set(changed))


def rewrite(path: Path, change: Callable[[str], str]) -> bool:
    """Apply ``change`` to the text of a file: each cell's source of a notebook and the sentences its claims name
    (never an output), each string of a JSON file (not a "section", which names a section of the same chapter), or
    the whole of any other file; write it back in its own format when it changed."""
    old = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        import nbformat

        nb = nbformat.reads(old, as_version=4)
        for cell in nb.cells:
            cell.source = change(cell.source)
            if "claims" in cell.metadata:  # a claim names a sentence of the markdown, chapter numbers included
                cell.metadata["claims"] = [change(sentence) for sentence in cell.metadata["claims"]]
        new = nbformat.writes(nb) + "\n"
    elif path.suffix == ".json":
        new = json.dumps(_strings(json.loads(old), change), indent=1, ensure_ascii=False) + "\n"
    else:
        new = change(old)
    if new == old:
        return False
    path.write_text(new, encoding="utf-8")
    return True


def _strings(value: object, change: Callable[[str], str]) -> object:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, list):
        return [_strings(v, change) for v in value]
    if isinstance(value, dict):  # a quiz question's "section" names a section of its own chapter ("10 · Explore")
        return {k: v if k == "section" else _strings(v, change) for k, v in value.items()}
    return value


def list_text(chapters: list[chapter_list.Chapter], path: Path) -> str:
    """The text of the chapter list at ``path`` with ``chapters``, in its own format (each entry keyed by name; no
    numbers; its keys in one order), the rest of the file as it is."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["chapters"] = [_entry(c) for c in chapters]
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def write_list(chapters: list[chapter_list.Chapter], path: Path) -> None:
    """Write the chapter list in its own format (:func:`list_text`)."""
    path.write_text(list_text(chapters, path), encoding="utf-8")


def _entry(chapter: chapter_list.Chapter) -> dict[str, object]:
    entry: dict[str, object] = {
        "name": chapter.name,
        "title": chapter.title,
        "summary": chapter.summary,
        "topics": chapter.topics,
    }
    if chapter.trains:
        entry["trains"] = list(chapter.trains)
    if chapter.perturbation != "onednn":
        entry["perturbation"] = chapter.perturbation
    if chapter.languages:
        entry["languages"] = list(chapter.languages)
    return entry


def _renumbered(chapters: Iterable[chapter_list.Chapter]) -> list[chapter_list.Chapter]:
    from dataclasses import replace

    return [replace(c, number=f"{index:02d}") for index, c in enumerate(chapters)]


def _place(place: int, count: int, name: str) -> int:
    if not 0 <= place <= count:
        raise ValueError(f"{name} must be a place from 0 to {count}, not {place}")
    return place


def move(name: str, place: int, repo: Path = REPO) -> list[str]:
    """Move chapter ``name`` to ``place`` (its new number); return the files changed."""
    path = repo / "authoring" / "chapters.json"
    old = chapter_list.read(path)
    chapter = next((c for c in old if c.name == name), None)
    if chapter is None:
        raise ValueError(f"name must be a chapter of {path.name}, not {name!r}")
    rest = [c for c in old if c.name != name]
    new = _renumbered([*rest[: _place(place, len(rest), "place")], chapter, *rest[place:]])
    changed = renumber(old, new, repo)
    write_list(new, path)
    return [*changed, "authoring/chapters.json"]


def add(name: str, place: int, title: str, summary: str, topics: str, repo: Path = REPO) -> list[str]:
    """Insert a new chapter ``name`` at ``place`` and write a first version of each file it needs."""
    from authoring import skeleton

    path = repo / "authoring" / "chapters.json"
    old = chapter_list.read(path)
    if any(c.name == name for c in old) or not chapter_list.NAME.match(name):
        raise ValueError(f"name must be new and of lower-case letters, digits and _, not {name!r}")
    chapter = chapter_list.Chapter("00", name, title, summary, topics)
    new = _renumbered([*old[: _place(place, len(old), "place")], chapter, *old[place:]])
    changed = renumber(old, new, repo)
    write_list(new, path)
    return [*changed, "authoring/chapters.json", *skeleton.write(new[place], repo)]


def remove(name: str, repo: Path = REPO) -> list[str]:
    """Delete chapter ``name`` and its own files (refused while another chapter's text links to it)."""
    from authoring.contributing import FILES

    path = repo / "authoring" / "chapters.json"
    old = chapter_list.read(path)
    chapter = next((c for c in old if c.name == name), None)
    if chapter is None:
        raise ValueError(f"name must be a chapter of {path.name}, not {name!r}")
    own = {repo / item.path(chapter) for item in FILES} | {repo / p.format(stem=chapter.stem) for p in NUMBERED}
    own |= {repo / f"medlearn/check/{name}", repo / f"locale/templates/{name}.pot"}
    own |= {repo / f"exercises/zh_CN/{chapter.stem}.ipynb"}
    link = re.compile(rf"(?<![\w])\d\d_{re.escape(name)}\b")
    linked = [
        p.relative_to(repo).as_posix()
        for p in text_files(repo)
        if p not in own and link.search(GENERATED.sub("", p.read_text(encoding="utf-8")))
    ]
    if linked:
        raise ValueError(f"name {name!r} is still linked from {', '.join(linked)}: edit those first")
    removed = []
    for file in sorted(own):
        if file.is_dir():
            shutil.rmtree(file)
        elif file.exists():
            file.unlink()
        else:
            continue
        removed.append(file.relative_to(repo).as_posix())
    new = _renumbered([c for c in old if c.name != name])
    changed = renumber(old, new, repo)
    write_list(new, path)
    return [*removed, *changed, "authoring/chapters.json"]
