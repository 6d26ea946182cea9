"""python3 course.py grade: real learner copies graded, and hostile or broken submissions graded honestly.

Each submission runs in its own kernel, process and folder (medlearn.classroom.runner); the cases below are the
ones the README documents. The medical-images chapter's exercises are used: their kernel starts and runs in a few
seconds.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import psutil
import pytest
from helpers import REPO

from authoring.chapters import by_name
from medlearn.classroom import (
    Submission,
    chapter_tasks,
    find_learner,
    grade_folder,
    identify,
    read_roster,
    run_submission,
    runner,
    summary,
    task_row,
    write_grades,
)
from medlearn.classroom import grade as grade_module

CHAPTER = by_name("medical_images").stem
SOLUTION = REPO / "exercises" / "solutions" / f"{CHAPTER}.ipynb"
LEARNER = REPO / "exercises" / f"{CHAPTER}.ipynb"
TASKS = chapter_tasks(CHAPTER)


def _with_cell(source: Path, code: str, where: int, out: Path) -> Path:
    nb = nbformat.read(source, as_version=4)
    nb.cells.insert(where, nbformat.v4.new_code_cell(code))
    nbformat.write(nb, out)
    return out


def test_a_class_folder_gives_full_marks_zero_and_honest_notes(tmp_path: Path) -> None:
    folder = tmp_path / "submissions"
    (folder / "carol").mkdir(parents=True)
    shutil.copy(SOLUTION, folder / "ana.ipynb")
    shutil.copy(LEARNER, folder / "ben.ipynb")
    (folder / "carol" / "exercises.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n not a notebook")
    shutil.copy(REPO / by_name("convolution").exercise, folder / "dan.ipynb")
    # A rerun writes into the folder it grades: its own earlier output is not a learner. No --chapter: the class's
    # chapter is the one most notebooks are for, so dan's notebook of another chapter is the wrong chapter.
    (folder / "grades.csv").write_text("learner,total\n", encoding="utf-8")
    (folder / "grades.md").write_text("# Grades: summary\n", encoding="utf-8")
    graded = grade_folder(folder, folder / "grades.csv", cell_limit=120)
    assert set(graded) == {"ana", "ben", "carol", "dan"}
    assert graded["ana"].score == len(TASKS) >= 5 and graded["ana"].problem is None
    assert graded["ben"].score == 0 and {status for status, _ in graded["ben"].tasks.values()} == {"todo"}
    assert graded["carol"].problem.startswith("not a notebook") and graded["carol"].score == 0
    assert graded["dan"].problem.startswith("wrong chapter") and graded["dan"].score == 0
    with (folder / "grades.csv").open(encoding="utf-8") as handle:
        rows = {row["learner"]: row for row in csv.DictReader(handle)}
    assert rows["ana"]["total"] == str(len(TASKS)) and rows["ana"]["out_of"] == str(len(TASKS))
    assert [rows["ben"][task] for task in TASKS] == ["0"] * len(TASKS) and rows["dan"]["note"].startswith("wrong")
    report = (folder / "grades.md").read_text(encoding="utf-8")
    assert "4 submissions" in report and "carol: not a notebook" in report


def test_printed_ticks_a_replaced_check_and_deleted_files_change_nothing(tmp_path: Path) -> None:
    hostile = f"""
import os, shutil, sys
from pathlib import Path
import medlearn.check.core as core

names = {list(TASKS)!r}
for task in names:
    print(f"✅ {{task}}: correct.")
    setattr(check, task, lambda answer, task=task: print(f"✅ {{task}}: correct."))
core.Task.run = lambda self, answer: core.CheckResult(self.name, "pass", "correct.")
for path in Path.cwd().iterdir():
    shutil.rmtree(path) if path.is_dir() else path.unlink()
"""
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(LEARNER, folder / "other.ipynb")
    path = _with_cell(LEARNER, hostile, len(nbformat.read(LEARNER, as_version=4).cells), folder / "eve.ipynb")
    result = run_submission(path, CHAPTER, cell_limit=120)
    assert result.problem is None and result.score == 0, result.tasks
    assert {status for status, _ in result.tasks.values()} == {"todo"}  # not done: the grader's own checks said so
    assert path.exists() and (folder / "other.ipynb").exists()  # it ran on a copy, in a folder of its own


def test_a_loop_costs_its_cell_and_a_run_past_the_time_limit_is_stopped(tmp_path: Path) -> None:
    cells = nbformat.read(SOLUTION, as_version=4).cells
    after_imports = next(i for i, c in enumerate(cells) if "import" in c.source and c.cell_type == "code") + 1
    looping = _with_cell(SOLUTION, "while True:\n    pass", after_imports, tmp_path / "loop.ipynb")
    result = run_submission(looping, CHAPTER, cell_limit=8)  # far longer than any honest cell (the whole run: 3 s)
    assert result.problem is None and result.score == len(TASKS)  # interrupted after 8 s; every task still graded
    sleeping = _with_cell(SOLUTION, "import time\ntime.sleep(600)", 2, tmp_path / "sleep.ipynb")
    stopped = run_submission(sleeping, CHAPTER, time_limit=4, cell_limit=600)  # stopped whatever the start takes
    assert stopped.problem == "stopped: still running after 4 s" and stopped.score == 0 and stopped.seconds < 30


def test_a_notebook_that_exhausts_memory_is_stopped(tmp_path: Path) -> None:
    greedy = "blocks = []\nwhile True:\n    blocks.append(bytearray(50 * 2**20))"
    path = _with_cell(SOLUTION, greedy, 2, tmp_path / "greedy.ipynb")
    result = run_submission(path, CHAPTER, memory_mb=700, cell_limit=120)
    assert result.problem.startswith("stopped: its kernel held") and result.score == 0


def test_identify_refuses_what_is_not_an_exercise_notebook(tmp_path: Path) -> None:
    plain = tmp_path / "plain.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")]), plain)
    assert identify(plain)[2].startswith("not a course exercise notebook")
    assert identify(LEARNER)[1] == CHAPTER
    huge = tmp_path / "huge.ipynb"
    with huge.open("wb") as handle:
        handle.truncate(21 * 2**20)
    assert identify(huge)[2].startswith("not graded: 21 MB")
    with pytest.raises(ValueError, match="stem"):
        chapter_tasks("99_nothing")
    with pytest.raises(ValueError, match="time_limit"):
        run_submission(LEARNER, time_limit=0)
    with pytest.raises(ValueError, match="folder"):
        grade_folder(tmp_path / "missing", tmp_path / "g.csv")


def test_the_summary_counts_the_most_common_mistakes() -> None:
    wrong = ("fail", "your values are 9 times too large: you summed. More words.")
    graded = {
        "a": Submission(Path("a"), CHAPTER, {"t": wrong, "u": ("pass", "correct.")}),
        "b": Submission(Path("b"), CHAPTER, {"t": wrong, "u": ("todo", "not done yet.")}),
        "c": Submission(Path("c"), CHAPTER, {"t": ("pass", "correct."), "u": ("pass", "correct.")}, "stopped: x"),
    }
    text = summary(graded)
    assert "| t | 1 | 0 | 2 |" in text and "| u | 2 | 1 | 0 |" in text
    assert "- 2 × your values are 9 times too large: you summed." in text and "- c: stopped: x" in text
    assert task_row(graded["c"]) == {"t": 1, "u": 1, "total": 2, "out_of": 2, "note": "stopped: x"}


def test_the_gradebook_csv_in_moodle_and_canvas_layouts(tmp_path: Path) -> None:
    graded = {
        "ana": Submission(Path("ana.ipynb"), CHAPTER, {"t": ("pass", "correct."), "u": ("pass", "correct.")}),
        "ben": Submission(Path("ben.ipynb"), CHAPTER, {"t": ("fail", "x."), "u": ("todo", "y.")}),
        "carol": Submission(Path("carol.ipynb"), None, {}, "not a notebook: NotJSONError"),
    }
    write_grades(graded, tmp_path / "moodle.csv")
    with (tmp_path / "moodle.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["learner", "chapter", "t", "u", "total", "out_of", "note"]
    assert [(r["learner"], r["t"], r["u"], r["total"]) for r in rows] == [
        ("ana", "1", "1", "2"),
        ("ben", "0", "0", "0"),
        ("carol", "0", "0", "0"),
    ]
    write_grades(graded, tmp_path / "canvas.csv", lms="canvas")
    with (tmp_path / "canvas.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assignment = f"medlearn exercises {CHAPTER}"
    assert list(rows[0]) == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment]
    assert [(r["SIS Login ID"], r[assignment]) for r in rows] == [("ana", "2"), ("ben", "0"), ("carol", "0")]
    assert all(r["Student"] == r["ID"] == r["Section"] == "" for r in rows)
    export = tmp_path / "export.csv"
    export.write_text(
        "Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (77)\n"
        "    Points Possible,,,,,10\n"
        '"Lee, Ana",101,S-7,ana,Lab A,9\n'
        '"Ng, Ben",102,ben,bng,Lab B,8\n',
        encoding="utf-8",
    )
    roster = read_roster(export)
    assert [person["Student"] for person in roster] == ["Lee, Ana", "Ng, Ben"]  # no Points Possible row
    assert find_learner("ana", roster)["ID"] == "101" and find_learner("ben", roster)["SIS Login ID"] == "bng"
    unplaced = write_grades(graded, tmp_path / "canvas.csv", lms="canvas", chapter=CHAPTER, roster=roster)
    assert unplaced == ["carol"]
    with (tmp_path / "canvas.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [
        (r["Student"], r["ID"], r["SIS User ID"], r["SIS Login ID"], r["Section"], r[assignment]) for r in rows
    ] == [
        ("Lee, Ana", "101", "S-7", "ana", "Lab A", "2"),
        ("Ng, Ben", "102", "ben", "bng", "Lab B", "0"),
        ("", "", "", "carol", "", "0"),
    ]
    with pytest.raises(ValueError, match="roster"):
        read_roster(tmp_path / "missing.csv")
    (tmp_path / "latin1.csv").write_bytes(
        "Student,ID,SIS User ID,SIS Login ID,Section\nJos\xe9,1,2,3,4\n".encode("latin-1")
    )
    with pytest.raises(ValueError, match="UTF-8"):
        read_roster(tmp_path / "latin1.csv")
    (tmp_path / "not_canvas.csv").write_text("name,score\nana,1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="roster"):
        read_roster(tmp_path / "not_canvas.csv")
    with pytest.raises(ValueError, match="roster"):
        grade_folder(tmp_path, tmp_path / "g.csv", roster=export)
    with pytest.raises(ValueError, match="lms"):
        write_grades(graded, tmp_path / "x.csv", lms="blackboard")
    with pytest.raises(ValueError, match="lms"):
        grade_folder(tmp_path, tmp_path / "g.csv", lms="sakai")


def test_a_process_tree_that_spawns_fast_is_measured_without_stopping(tmp_path: Path) -> None:
    spawner = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, time\nend = time.time() + 3\nwhile time.time() < end:\n    subprocess.Popen(['true'])",
        ]
    )
    try:
        watched = psutil.Process(spawner.pid)
        sizes = []
        while spawner.poll() is None:  # the whole 3 s of spawning: the old count failed within it in most runs
            sizes.append(runner._held_mb(watched))
    finally:
        spawner.kill()
        spawner.wait()
    assert max(sizes) > 1 and min(sizes) >= 0


def test_a_grader_failure_is_recorded_and_the_class_run_goes_on(tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "class"
    folder.mkdir()
    shutil.copy(LEARNER, folder / "ana.ipynb")
    shutil.copy(LEARNER, folder / "ben.ipynb")

    def fails_for_ana(path: Path, *args: object, **kwargs: object) -> Submission:
        if path.stem == "ana":
            raise psutil.NoSuchProcess(1)
        return Submission(path, CHAPTER, {task: ("todo", "not done.") for task in TASKS})

    monkeypatch.setattr(grade_module, "run_submission", fails_for_ana)
    graded = grade_folder(folder, tmp_path / "grades.csv")
    assert graded["ana"].problem == "not graded: the grader failed (NoSuchProcess)"
    assert set(graded["ana"].tasks) == set(TASKS) and graded["ana"].score == 0
    assert graded["ben"].problem is None and (tmp_path / "grades.csv").exists()


def test_a_roster_over_its_size_limit_is_refused_before_it_is_read(tmp_path: Path, monkeypatch) -> None:
    export = tmp_path / "export.csv"
    export.write_text("Student,ID,SIS User ID,SIS Login ID,Section\n" + "x,1,2,3,4\n" * 20, encoding="utf-8")
    monkeypatch.setattr(grade_module, "MAX_ROSTER_BYTES", 100)
    with pytest.raises(ValueError, match="roster must be under"):
        read_roster(export)


def test_a_grade_never_goes_to_a_guessed_learner() -> None:
    ana = {"Student": "Lee, Ana", "ID": "102", "SIS User ID": "S-1", "SIS Login ID": "alee", "Section": ""}
    ben = {"Student": "Ng, Ben", "ID": "103", "SIS User ID": "102", "SIS Login ID": "bng", "Section": ""}
    twin = {"Student": "Ng, Bo", "ID": "104", "SIS User ID": "S-9", "SIS Login ID": "bng", "Section": ""}
    # login first, then SIS User ID, then Canvas ID: "102" is Ben's SIS User ID before it is Ana's Canvas ID
    assert find_learner("102", [ana, ben]) is ben and find_learner("alee", [ana, ben]) is ana
    assert find_learner("bng", [ana, ben, twin]) is None  # two learners share the login: no guess
    assert find_learner("nobody", [ana, ben]) is None


def test_two_submissions_that_reach_one_learner_write_no_row(tmp_path: Path) -> None:
    ana = {"Student": "Lee, Ana", "ID": "102", "SIS User ID": "S-1", "SIS Login ID": "alee", "Section": ""}
    graded = {
        "alee": Submission(Path("alee.ipynb"), CHAPTER, {"t": ("pass", "correct.")}),
        "S-1": Submission(Path("S-1.ipynb"), CHAPTER, {"t": ("fail", "x.")}),
    }
    unplaced = write_grades(graded, tmp_path / "canvas.csv", lms="canvas", roster=[ana])
    assert [name.split()[0] for name in unplaced] == ["alee", "S-1"]
    with (tmp_path / "canvas.csv").open(encoding="utf-8") as handle:
        assert list(csv.DictReader(handle)) == []


def test_a_mistyped_chapter_is_refused_before_anything_runs(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="stem must name a chapter"):
        grade_folder(tmp_path, tmp_path / "grades.csv", "07_evalution")
