"""One build and one check (``python -m authoring build|check``): the check passes on the repository, and finds a
stale generated file, a missing chapter file, a broken rule and a typical mistake whose hint no longer fires in a
copy, each with the command that fixes it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import REPO

import authoring.__main__ as authoring_main
from authoring import chapters, contributing, mistakes


def test_the_check_passes_on_the_repository() -> None:
    assert authoring_main.check() == []


def test_a_stale_table_is_found_with_its_command(course_copy: Path) -> None:
    repo = course_copy
    page = repo / "START_HERE.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace(" min core,", " minutes core,", 1), encoding="utf-8")
    problems = authoring_main.check(repo)
    assert problems == ["sections and times: START_HERE.md (fix: python -m authoring.sections)"]
    authoring_main._sections_build(repo)
    assert authoring_main._sections_check(repo) == []


def test_a_learner_exercise_not_made_from_its_solution_is_found(course_copy: Path) -> None:
    repo = course_copy
    first = chapters.read()[0]
    solution = repo / first.solution
    nb = json.loads(solution.read_text(encoding="utf-8"))
    markdown = next(cell for cell in nb["cells"] if cell["cell_type"] == "markdown")
    markdown["source"] = ["A sentence changed in the solution only.\n", *markdown["source"]]
    solution.write_text(json.dumps(nb), encoding="utf-8")
    assert [p for p in authoring_main.check(repo) if p.startswith("exercises:")] == [
        f"exercises: {first.exercise} (fix: python -m authoring build NAME (executes and stores the exercise))"
    ]


def test_a_missing_chapter_file_and_a_stale_checklist_are_found(course_copy: Path) -> None:
    repo = course_copy
    name = chapters.by_name("registration")
    (repo / "medlearn" / "quizzes" / f"{name.stem}.json").unlink()
    page = repo / "CONTRIBUTING.md"
    page.write_text(page.read_text(encoding="utf-8").replace("| the quiz", "| a quiz", 1), encoding="utf-8")
    found = contributing.run(repo, check=True)
    assert found[0] == "CONTRIBUTING.md: the list of a chapter's files is out of date"
    assert found[1].startswith(f"medlearn/quizzes/{name.stem}.json: missing")


def test_a_discuss_prompt_without_its_answer_is_found(course_copy: Path) -> None:
    repo = course_copy
    path = repo / chapters.read()[0].notebook
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].append(
        {"cell_type": "markdown", "id": "new-prompt", "metadata": {}, "source": ["> **Discuss.** A new question?"]}
    )
    path.write_text(json.dumps(nb), encoding="utf-8")
    problems = authoring_main._discuss_check(repo)
    where = f"{chapters.read()[0].notebook} cell {len(nb['cells']) - 1}"
    assert problems == [
        f"{where}: a prompt without its folded model answer",
        f"{where}: instructors/{chapters.read()[0].name}.md has no prompt with these words (edit the prompt and its "
        "model answer there too)",
    ]


def test_a_discuss_prompt_edited_in_the_notebook_alone_is_found(course_copy: Path) -> None:
    repo = course_copy
    first = chapters.read()[0]
    path = repo / first.notebook
    nb = json.loads(path.read_text(encoding="utf-8"))
    index, cell = next((i, c) for i, c in enumerate(nb["cells"]) if "> **Discuss.** " in "".join(c["source"]))
    cell["source"] = "".join(cell["source"]).replace("> **Discuss.** ", "> **Discuss.** Changed here only. ", 1)
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert authoring_main._discuss_check(repo) == [
        f"{first.notebook} cell {index}: instructors/{first.name}.md has no prompt with these words (edit the "
        "prompt and its model answer there too)"
    ]


def test_a_chapter_without_the_course_structure_is_found(course_copy: Path) -> None:
    repo = course_copy
    first = chapters.read()[0]
    quiz = repo / "medlearn" / "quizzes" / f"{first.stem}.json"
    data = json.loads(quiz.read_text(encoding="utf-8"))
    data["questions"] = data["questions"][:4]
    quiz.write_text(json.dumps(data), encoding="utf-8")
    path = repo / first.notebook
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"] = [c for c in nb["cells"] if not "".join(c["source"]).startswith("## Recap")]
    path.write_text(json.dumps(nb), encoding="utf-8")
    problems = authoring_main._rules_check(repo)
    assert f"medlearn/quizzes/{first.stem}.json: 4 questions, not 5 to 9" in problems
    assert f"{first.notebook}: no '## Recap'" in problems


def test_the_command_lists_the_chapters_by_number_and_name() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "authoring", "chapters"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert [line.split()[:2] for line in out] == [[c.number, c.name] for c in chapters.read()]


AUTHORING = sorted(p.stem for p in (REPO / "authoring").glob("*.py") if p.stem not in ("site_sphinx",))


@pytest.mark.parametrize("name", AUTHORING)
def test_the_authoring_tools_examples_run(name: str) -> None:
    """The tools' docstring examples run (``site_sphinx`` needs Sphinx at import: the site's test builds it)."""
    import doctest
    import importlib

    module = importlib.import_module(f"authoring.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_a_chapter_numbered_in_a_docstring_is_found_by_the_check(course_copy: Path) -> None:
    module = course_copy / "medlearn" / "metrics.py"
    module.write_text(module.read_text(encoding="utf-8").replace('"""', '"""As chapter 07 shows, ', 1), "utf-8")
    problems = authoring_main._rules_check(course_copy)
    assert [p for p in problems if "metrics.py" in p] == [
        "medlearn/metrics.py line 1: chapter 07: name the chapter, never its number"
    ]


def test_the_check_finds_a_mistake_whose_hint_no_longer_fires(
    course_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a copy, a table's mistake made equal to the right answer: the check's step names it (in the copy's own
    library, one chapter's tables, so that the test stays short; a cache folder of the test's own)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    checks = course_copy / "medlearn" / "check" / "detection" / "__init__.py"
    text = checks.read_text(encoding="utf-8")
    mistake = "_ans.count(d, label, threshold, strict=True)"
    assert text.count(mistake) == 1
    checks.write_text(text.replace(mistake, "_ans.count(d, label, threshold)"), encoding="utf-8")
    assert mistakes.problems(course_copy, ["detection"]) == [
        "medlearn/check/detection: count_per_image accepted the mistake 'above, not at': correct."
    ]
    assert mistakes.problems(REPO, ["detection"]) == []


def test_two_checks_at_once_run_the_tables_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Two test workers that check at once with an empty cache: the second waits for the first one's verdict instead
    of running every table again (here the run is a stand-in that takes half a second)."""
    import threading
    import time

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    runs = []

    def tables(command, **kwargs):
        runs.append(command[-1])
        time.sleep(0.5)
        return subprocess.CompletedProcess(command, 0, stdout=json.dumps({command[-1]: []}), stderr="")

    monkeypatch.setattr(mistakes.subprocess, "run", tables)
    found = []
    checks = [threading.Thread(target=lambda: found.append(mistakes.problems(REPO, ["registration"]))) for _ in "ab"]
    for check in checks:
        check.start()
    for check in checks:
        check.join()
    assert runs == ["registration"] and found == [[], []]


def test_the_mistakes_step_without_the_data_is_an_error_that_is_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the data sets the tables load, no verdict: one error that names the fix, and nothing cached (a cached
    one would stand after the data came back)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("MEDLEARN_DATA", str(tmp_path / "no data"))
    found = mistakes.problems(REPO, ["registration"])
    assert len(found) == 1 and found[0].startswith("the tables could not be run: the course's data sets are missing")
    assert "MEDLEARN_DATA" in found[0]
    assert not cache.exists() or not list(cache.rglob("*.json"))


def test_a_copy_of_the_same_library_shares_the_verdicts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The verdicts' digest does not change when medlearn's package record is found once more, or with another
    version (the repository's ``medlearn.egg-info`` on ``sys.path`` for the test workers, none in a copy): only the
    library's files count."""
    before = mistakes._digests(REPO, ["registration"])
    record = tmp_path / "medlearn-0.0.1.dist-info"
    record.mkdir()
    (record / "METADATA").write_text("Metadata-Version: 2.1\nName: medlearn\nVersion: 0.0.1\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert mistakes._digests(REPO, ["registration"]) == before
    other = tmp_path / "otherpackage-1.0.dist-info"
    other.mkdir()
    (other / "METADATA").write_text("Metadata-Version: 2.1\nName: otherpackage\nVersion: 1.0\n", encoding="utf-8")
    assert mistakes._digests(REPO, ["registration"]) != before
