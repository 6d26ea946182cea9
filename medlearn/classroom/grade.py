"""Grade a class's exercise notebooks into a CSV for the gradebook and a summary for the instructor.

``python3 course.py grade SUBMISSIONS --out grades.csv [--chapter 01_convolution]`` grades every file in the folder
SUBMISSIONS (one per learner; the learner is the file's name without its suffix, or the name of the folder it
sits in when each learner has a folder) with :func:`medlearn.classroom.runner.run_submission`, one after the other.

``grades.csv`` has one row per learner: ``learner``, ``chapter``, one column per task (1 when its check passed,
else 0), ``total``, ``out_of`` and ``note`` (why a submission could not be graded whole). It is the layout
Moodle imports (*Grades ▸ Import ▸ CSV file*: map ``learner`` to the user's username or ID number and ``total``
to a grade item). With ``--lms canvas`` the CSV has instead the columns of Canvas's gradebook import (``Student``,
``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``, then one assignment column holding the total): the learner's
name goes into ``SIS Login ID``, so name each file (or folder) by the learner's login; ``--roster`` with the
course's Canvas gradebook export fills the other columns from it. Read Canvas's import preview before accepting
it. ``grades.md`` beside it gives, per task, how many learners passed its check, left it undone or failed it, and
the most common mistakes, in the words of the check's hint, and lists the submissions that could not be graded
whole.

Example:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> (folder / "ana.ipynb").write_text("not a notebook")
    14
    >>> graded = grade_folder(folder, folder.parent / "grades.csv")
    >>> graded["ana"].problem
    'not a notebook: NotJSONError'
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from .._validation import check_choice
from .runner import COURSE, Submission, chapter_tasks, identify, run_submission


def learner_name(path: Path, folder: Path) -> str:
    """The learner a file belongs to: its folder's name inside ``folder``, else its own name without suffix.

    Example:
        >>> learner_name(Path("class/ana/exercises.ipynb"), Path("class"))
        'ana'
        >>> learner_name(Path("class/ben.ipynb"), Path("class"))
        'ben'
    """
    relative = path.relative_to(folder)
    return relative.parts[0] if len(relative.parts) > 1 else path.stem


def task_row(submission: Submission) -> dict[str, object]:
    """One CSV row's task columns, total and note (the learner and chapter are added by :func:`grade_folder`).

    Example:
        >>> row = task_row(Submission(Path("ana.ipynb"), "01_example", {"a": ("pass", "ok."), "b": ("fail", "x")}))
        >>> row["a"], row["b"], row["total"], row["out_of"]
        (1, 0, 1, 2)
    """
    row: dict[str, object] = {task: int(status == "pass") for task, (status, _) in submission.tasks.items()}
    row.update(total=submission.score, out_of=len(submission.tasks), note=submission.problem or "")
    return row


def _first_sentence(message: str) -> str:
    return message.split(". ")[0].rstrip(".") + "."


def summary(graded: dict[str, Submission], chapter: str | None = None) -> str:
    """The instructor's summary in Markdown: per task, how many learners passed, left undone or failed it, and
    the most common mistakes; with ``chapter``, a line naming the exercises graded.

    Example:
        >>> ana = Submission(Path("ana.ipynb"), "01_example", {"a": ("fail", "Off by one. More.")})
        >>> print(summary({"ana": ana}))
        # Grades: summary
        <BLANKLINE>
        1 submissions.
        <BLANKLINE>
        | task | correct | not done | wrong |
        |---|---:|---:|---:|
        | a | 0 | 0 | 1 |
        <BLANKLINE>
        ## a: the most common mistakes
        <BLANKLINE>
        - 1 × Off by one.
        <BLANKLINE>
    """
    tasks = list(next((s.tasks for s in graded.values() if s.tasks), {}))
    lines = ["# Grades: summary", ""]
    if chapter is not None:
        lines += [f"Graded as the exercises of {chapter}.", ""]
    lines += [f"{len(graded)} submissions.", "", "| task | correct | not done | wrong |"]
    lines.append("|---|---:|---:|---:|")
    for task in tasks:
        counts = Counter(s.tasks.get(task, ("todo", ""))[0] for s in graded.values())
        lines.append(f"| {task} | {counts['pass']} | {counts['todo']} | {counts['fail']} |")
    for task in tasks:
        mistakes = Counter(
            _first_sentence(s.tasks[task][1]) for s in graded.values() if s.tasks.get(task, ("",))[0] == "fail"
        )
        if mistakes:
            lines += ["", f"## {task}: the most common mistakes", ""]
            lines += [f"- {count} × {message}" for message, count in mistakes.most_common(3)]
    problems = {name: s.problem for name, s in graded.items() if s.problem}
    if problems:
        lines += ["", "## Not graded whole", ""] + [f"- {name}: {problem}" for name, problem in problems.items()]
    return "\n".join(lines) + "\n"


#: The gradebooks :func:`write_grades` writes for, each with its fixed leading columns.
LMS_LAYOUTS = ("moodle", "canvas")
CANVAS_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]


#: A roster larger than this is refused before it is read (a class's gradebook export is a few kB).
MAX_ROSTER_BYTES = 10 * 2**20


def read_roster(path: Path) -> list[dict[str, str]]:
    """The learners of a Canvas gradebook export (*Grades ▸ Export*), each with its identifying columns (the
    "Points Possible" row is skipped).

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "export.csv"
        >>> _ = path.write_text("Student,ID,SIS User ID,SIS Login ID,Section\\n    Points Possible,,,,\\n"
        ...                     "Lee Ana,101,S7,alee,Lab A\\n", encoding="utf-8")
        >>> read_roster(path)[0]["ID"]
        '101'
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"roster must be a Canvas gradebook export (a CSV file), not {str(path)!r}")
    if path.stat().st_size > MAX_ROSTER_BYTES:
        raise ValueError(f"roster must be under {MAX_ROSTER_BYTES // 2**20} MB, not {path.stat().st_size} bytes")
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.DictReader(handle))
    except UnicodeDecodeError as error:
        raise ValueError(f"roster must be saved as UTF-8 text: {str(path)!r} is not ({error.reason})") from None
    if not rows or any(column not in rows[0] for column in CANVAS_COLUMNS):
        raise ValueError(f"roster must have Canvas's columns {CANVAS_COLUMNS}: {str(path)!r} does not")
    people = [{column: (row.get(column) or "").strip() for column in CANVAS_COLUMNS} for row in rows]
    return [person for person in people if person["Student"] != "Points Possible"]


def find_learner(name: str, roster: list[dict[str, str]]) -> dict[str, str] | None:
    """The roster's learner a submission's ``name`` means: the one whose SIS Login ID is ``name``, else whose SIS
    User ID is, else whose Canvas ID is; None when no one is, or when two learners share the first column that
    matches (a grade must never go to a guess).

    Example:
        >>> roster = [{"SIS Login ID": "alee", "SIS User ID": "102", "ID": "7"}, {"SIS Login ID": "bng", "ID": "102"}]
        >>> find_learner("102", roster)["SIS Login ID"], find_learner("zz", roster)
        ('alee', None)
    """
    for column in ("SIS Login ID", "SIS User ID", "ID"):
        matches = [person for person in roster if person.get(column) == name]
        if matches:
            return matches[0] if len(matches) == 1 else None
    return None


def write_grades(
    graded: dict[str, Submission],
    out: Path,
    lms: str = "moodle",
    *,
    chapter: str | None = None,
    roster: list[dict[str, str]] | None = None,
) -> list[str]:
    """Write the gradebook CSV at ``out`` in the layout ``lms`` imports (one of :data:`LMS_LAYOUTS`); return what
    a Canvas ``roster`` (from :func:`read_roster`) could not place: names it does not know, or knows ambiguously
    (:func:`find_learner`), and names that reach a learner another name also reaches (neither gets a row).

    Moodle's layout has a row per learner with ``learner``, ``chapter``, a 1 or 0 per task, ``total``, ``out_of``
    and ``note``; Canvas's has its five identifying columns and one assignment column, the total, named after
    ``chapter`` (by default the chapter of most submissions; Canvas makes a new assignment of a column it does not
    know). Without a roster the learner's name goes into ``SIS Login ID``; with one, the learner's row of the
    export fills all five columns, and a name it cannot place gets its own row with only ``SIS Login ID``.

    Example:
        >>> import tempfile
        >>> ana = Submission(Path("ana.ipynb"), "01_example", {"a": ("pass", "ok.")})
        >>> out = Path(tempfile.mkdtemp()) / "grades.csv"
        >>> write_grades({"ana": ana}, out, lms="canvas")
        ['ana']
        >>> print(out.read_text().strip())
        Student,ID,SIS User ID,SIS Login ID,Section,medlearn exercises 01_example
        ,,,ana,,1
    """
    lms = check_choice(lms, "lms", LMS_LAYOUTS)
    tasks = list(next((s.tasks for s in graded.values() if s.tasks), {}))
    chapter = chapter or _most_common(s.chapter for s in graded.values())
    assignment = f"medlearn exercises {chapter or 'unknown'}"
    columns = (
        [*CANVAS_COLUMNS, assignment] if lms == "canvas" else ["learner", "chapter", *tasks, "total", "out_of", "note"]
    )
    unplaced: list[str] = []
    people = {name: find_learner(name, roster or []) for name in graded}
    reached = Counter(id(person) for person in people.values() if person is not None)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore", restval=0)
        writer.writeheader()
        for name, submission in graded.items():
            if lms == "canvas":
                person = people[name]
                if person is not None and reached[id(person)] > 1:
                    unplaced.append(f"{name} (another submission reaches the same learner: no row written)")
                    continue
                if person is None:
                    unplaced.append(name)
                    person = {**dict.fromkeys(CANVAS_COLUMNS, ""), "SIS Login ID": name}
                writer.writerow({**person, assignment: submission.score})
            else:
                writer.writerow({"learner": name, "chapter": submission.chapter or "", **task_row(submission)})
    return unplaced


def class_chapter(paths: list[Path], course: Path = COURSE) -> str | None:
    """The chapter most of the notebooks among ``paths`` are exercises of (None when none is), so that a stray
    notebook of another chapter is graded as the wrong chapter rather than as its own.

    Example:
        >>> from medlearn.classroom import check_modules
        >>> stems = {module: stem for stem, module in check_modules().items()}  # by the chapter's name
        >>> folder = COURSE / "exercises"
        >>> paths = [folder / f"{stems['convolution']}.ipynb"] * 2 + [folder / f"{stems['medical_images']}.ipynb"]
        >>> class_chapter(paths) == stems["convolution"]
        True
    """
    return _most_common(identify(path, course)[1] for path in paths)


def _most_common(chapters: Iterable[str | None]) -> str | None:
    counts = Counter(chapter for chapter in chapters if chapter)
    return counts.most_common(1)[0][0] if counts else None


def grade_folder(
    folder: Path,
    out: Path,
    chapter: str | None = None,
    *,
    time_limit: int = 300,
    cell_limit: int = 60,
    memory_mb: int = 2000,
    course: Path = COURSE,
    lms: str = "moodle",
    roster: Path | None = None,
) -> dict[str, Submission]:
    """Grade every file in ``folder``; write the CSV at ``out`` (for ``lms``, with a Canvas ``roster`` export if
    given) and the summary beside it; return the results.

    Example:
        >>> import tempfile
        >>> empty = Path(tempfile.mkdtemp())
        >>> grade_folder(empty, empty / "grades.csv"), (empty / "grades.md").exists()
        ({}, True)
    """
    folder, out = Path(folder), Path(out)
    lms = check_choice(lms, "lms", LMS_LAYOUTS)
    people = read_roster(roster) if roster is not None else None
    if people is not None and lms != "canvas":
        raise ValueError("roster is a Canvas gradebook export: give it with lms='canvas'")
    if not folder.is_dir():
        raise ValueError(f"folder must be a folder of submissions, not {str(folder)!r}")
    written = {out.resolve(), out.with_suffix(".md").resolve()}  # a rerun must not grade its own output
    paths = sorted(
        p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".") and p.resolve() not in written
    )
    chapter = chapter or class_chapter(paths, course)
    if chapter is not None:
        chapter_tasks(chapter, course)  # a mistyped chapter is refused by name before anything runs
    graded: dict[str, Submission] = {}
    for path in paths:
        name = learner_name(path, folder)
        try:
            submission = run_submission(
                path, chapter, time_limit=time_limit, cell_limit=cell_limit, memory_mb=memory_mb, course=course
            )
        except Exception as error:  # one submission must never stop a class's run
            submission = Submission(path, chapter, problem=f"not graded: the grader failed ({type(error).__name__})")
            if chapter:
                submission.tasks = {task: ("todo", "not graded") for task in chapter_tasks(chapter, course)}
        graded[name if name not in graded else f"{name} ({path.name})"] = submission
    unplaced = write_grades(graded, out, lms, chapter=chapter, roster=people)
    report = summary(graded, chapter)
    if people is not None and unplaced:
        report += "\n## Not placed in the roster\n\n" + "".join(f"- {name}\n" for name in unplaced)
    out.with_suffix(".md").write_text(report, encoding="utf-8")
    return graded


def main(argv: list[str] | None = None) -> int:
    """The command line, ``python3 course.py grade FOLDER --out grades.csv`` (see the module's docstring).

    Example:
        >>> import tempfile
        >>> empty = Path(tempfile.mkdtemp())
        >>> main([str(empty), "--out", str(empty / "grades.csv")])  # doctest: +ELLIPSIS
        Wrote .../grades.csv and .../grades.md.
        0
    """
    parser = argparse.ArgumentParser(prog="python3 course.py grade", description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="one exercise notebook per learner (or a folder per learner)")
    parser.add_argument("--out", type=Path, default=Path("grades.csv"), help="the CSV to write (default grades.csv)")
    parser.add_argument(
        "--chapter", help="the exercises expected, e.g. 01_convolution (default: the chapter of most submissions)"
    )
    parser.add_argument("--time-limit", type=int, default=300, help="seconds for one notebook (default 300)")
    parser.add_argument("--cell-limit", type=int, default=60, help="seconds for one cell (default 60)")
    parser.add_argument("--memory-mb", type=int, default=2000, help="memory for one notebook (default 2000)")
    parser.add_argument(
        "--lms", choices=LMS_LAYOUTS, default="moodle", help="the gradebook's CSV layout (default moodle)"
    )
    parser.add_argument(
        "--roster", type=Path, help="with --lms canvas: the Canvas gradebook export, to fill its identifying columns"
    )
    args = parser.parse_args(argv)
    graded = grade_folder(
        args.folder,
        args.out,
        args.chapter,
        time_limit=args.time_limit,
        cell_limit=args.cell_limit,
        memory_mb=args.memory_mb,
        lms=args.lms,
        roster=args.roster,
    )
    for name, submission in graded.items():
        note = f"  ({submission.problem})" if submission.problem else ""
        print(f"{name:30} {submission.score}/{len(submission.tasks)}{note}")
    print(f"Wrote {args.out} and {args.out.with_suffix('.md')}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
