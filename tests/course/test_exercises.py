"""The exercise system: solutions pass every check, learners' copies say "not done yet", checks never raise.

nbval re-executes every stored exercise notebook and compares its outputs, so
what these tests read from the stored outputs is what the code does now.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
import shutil
from pathlib import Path
from unittest import mock

import nbformat
import numpy as np
import pytest
from helpers import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays

import medlearn.data
from authoring import build_exercises as build
from authoring.chapters import by_name
from authoring.rules import CHECK_CALL, task_problems
from medlearn.check import CheckResult, Task, Wrong, as_array, as_number, call

SOLUTIONS = sorted((REPO / "exercises" / "solutions").glob("[0-9]*.ipynb"))


def _solution_notebook(*sources: str, tags: tuple[str, ...] = ()) -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_code_cell(s, metadata={"tags": list(tags)}) for s in sources]
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Exercises (solutions)"), *cells])


def test_learner_version_replaces_each_block_at_its_indentation() -> None:
    solution = _solution_notebook(
        "def f(x):\n    ### BEGIN SOLUTION\n    y = 2 * x\n    return y\n    ### END SOLUTION\n\ncheck.f(f)",
        "### BEGIN SOLUTION\nanswer = 42\n### END SOLUTION",
        "explanation = 1",
    )
    solution.cells[3].metadata["tags"] = ["solution"]
    learner = build.learner_version(solution, "x.ipynb")
    assert [c.source for c in learner.cells[1:]] == [
        "def f(x):\n    raise NotImplementedError  # your code here\n\ncheck.f(f)",
        "raise NotImplementedError  # your code here",
    ]
    assert learner.cells[0].source == "# Exercises"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "x = 1\n### BEGIN SOLUTION\nanswer = 42\n",
            r"x\.ipynb, cell 3, line 2: ### BEGIN SOLUTION without an ### END",
        ),
        ("answer = 42\n    ### END SOLUTION\n", r"x\.ipynb, cell 3, line 2: ### END SOLUTION without a ### BEGIN"),
        (
            "### BEGIN SOLUTION\na = 1\n### BEGIN SOLUTION\nb = 2\n### END SOLUTION\n### END SOLUTION",
            r"x\.ipynb, cell 3, line 3: ### BEGIN SOLUTION inside the block opened on line 1",
        ),
    ],
    ids=["begin without end", "end without begin", "nested"],
)
def test_unmatched_or_nested_marker_stops_the_build(source: str, message: str) -> None:
    solution = _solution_notebook("import numpy as np", source)
    with pytest.raises(build.MarkerError, match=message):
        build.learner_version(solution, "x.ipynb")
    solution.cells[2].metadata["tags"] = ["solution"]  # even in a cell the learner never sees
    with pytest.raises(build.MarkerError, match=message):
        build.learner_version(solution, "x.ipynb")


def test_build_writes_nothing_when_a_marker_is_unmatched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    nbformat.write(_solution_notebook("### BEGIN SOLUTION\nanswer = 42\n"), solutions / "99_broken.ipynb")
    monkeypatch.setattr(build, "REPO", tmp_path)
    monkeypatch.setattr(build, "EXERCISES", tmp_path)
    monkeypatch.setattr(build, "SOLUTIONS", solutions)
    monkeypatch.setattr(build, "run_notebook", lambda *a, **k: pytest.fail("nothing may run after a marker error"))
    assert build.main([]) == 1
    assert "solutions/99_broken.ipynb, cell 2, line 1: ### BEGIN SOLUTION without" in capsys.readouterr().err
    assert not (tmp_path / "99_broken.ipynb").exists()
    assert build.main(["98_missing"]) == 2


def _check_module(nb: dict):
    for cell in nb["cells"]:
        match = re.search(r"from medlearn\.check import (\w+) as check", "".join(cell["source"]))
        if match:
            return importlib.import_module(f"medlearn.check.{match.group(1)}")
    raise AssertionError("the notebook does not import its checks as `check`")


def _tasks(module) -> dict[str, Task]:
    return {name: obj for name, obj in vars(module).items() if isinstance(obj, Task)}


def _check_cells(nb: dict) -> list[tuple[str, str]]:
    """(task name, stored output) of every check cell."""
    found = []
    for cell in nb["cells"]:
        source = "".join(cell["source"]).strip()
        if cell["cell_type"] == "code" and CHECK_CALL.match(source):
            text = "".join("".join(o.get("text", "")) for o in cell["outputs"])
            found.append((CHECK_CALL.match(source).group(1), text))
    return found


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_the_title_names_the_exercises_own_chapter(solution: Path) -> None:
    for path in (solution, REPO / "exercises" / solution.name):
        title = nbformat.read(path, as_version=4).cells[0].source.split("\n", 1)[0]
        assert title.startswith(f"# Exercises {solution.stem[:2]} · "), (path.name, title)


def test_every_chapter_with_exercises_has_solutions() -> None:
    assert SOLUTIONS
    for solution in SOLUTIONS:
        assert (REPO / "exercises" / solution.name).exists(), (
            f"run: python -m authoring.build_exercises {solution.stem}"
        )


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_learner_copy_is_generated_from_the_solution(solution: Path) -> None:
    stored = nbformat.read(REPO / "exercises" / solution.name, as_version=4)
    assert [c.source for c in stored.cells] == build.learner_sources(solution), (
        f"exercises/{solution.name} is out of date: run python -m authoring.build_exercises {solution.stem}"
    )
    learner_text = "\n".join(c.source for c in stored.cells)
    assert "BEGIN SOLUTION" not in learner_text and "END SOLUTION" not in learner_text


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_solutions_pass_every_check_and_learner_copies_are_not_done(solution: Path) -> None:
    solved = json.loads(solution.read_text())
    learner = json.loads((REPO / "exercises" / solution.name).read_text())
    tasks = _tasks(_check_module(solved))
    solved_checks, learner_checks = _check_cells(solved), _check_cells(learner)
    assert task_problems(str(solution.relative_to(REPO))) == []
    assert sorted(name for name, _ in solved_checks) == sorted(tasks), "every task of the module is checked once"
    for name, text in solved_checks:
        assert text.startswith(f"✅ {name}: correct."), text
    assert [name for name, _ in learner_checks] == [name for name, _ in solved_checks]
    for name, text in learner_checks:
        assert text.startswith(f"⏳ {name}: not done yet."), text


@pytest.mark.parametrize("solution", SOLUTIONS, ids=lambda p: p.stem)
def test_every_task_has_hints(solution: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name, task in _tasks(_check_module(json.loads(solution.read_text()))).items():
        assert len(task.hints) >= 2, name
        task.hint()
        task.hint(len(task.hints))
        task.hint(0)
        task.hint("two")  # type: ignore[arg-type]
        out = capsys.readouterr().out
        assert out.count(f"💡 {name}, hint") == 2 and "There are hints 1 to" in out


def _raiser(error: type[BaseException]):
    def function(*args, **kwargs):
        raise error("learner's bug")

    return function


ODD_ANSWERS = st.one_of(
    st.none(),
    st.just(Ellipsis),
    st.integers(),
    st.floats(),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=5),
    arrays(
        np.float64,
        array_shapes(min_dims=0, max_dims=3, max_side=6),
        elements=st.floats(allow_nan=True, allow_infinity=True),
    ),
    st.sampled_from(
        [ValueError, TypeError, IndexError, ZeroDivisionError, NotImplementedError, KeyError, RecursionError]
    ).map(_raiser),
    st.one_of(
        st.none(),
        st.integers(),
        st.text(max_size=3),
        st.lists(st.floats(), max_size=4),
        arrays(np.float64, array_shapes(min_dims=0, max_dims=3, max_side=6)),
        arrays(np.uint8, array_shapes(min_dims=2, max_dims=2, max_side=6)),
    ).map(lambda value: lambda *args, **kwargs: value),
)
ALL_TASKS = sorted(
    {
        (m.__name__, name): task
        for s in SOLUTIONS
        for m in [_check_module(json.loads(s.read_text()))]
        for name, task in _tasks(m).items()
    }.items()
)


_LOAD_BCCD_ONCE = functools.lru_cache(maxsize=None)(medlearn.data.load_bccd)


@pytest.mark.parametrize("task", [t for _, t in ALL_TASKS], ids=[f"{m}.{n}" for (m, n), _ in ALL_TASKS])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer=ODD_ANSWERS)
def test_checks_never_raise_on_odd_answers(task: Task, answer: object) -> None:
    # The same smears for every drawn answer: decoding BCCD's JPEGs again each time cost most of a minute.
    with mock.patch.object(medlearn.data, "load_bccd", _LOAD_BCCD_ONCE):
        result = task.run(answer)
    assert isinstance(result, CheckResult)
    if result.status == "pass":
        # A judgement task accepts its letter in any case and with spaces ("C", " c"): hypothesis can draw that
        # right answer among its short texts. Only such a one-letter answer may pass.
        returned = answer()
        assert isinstance(returned, str) and len(returned.strip()) == 1, (returned, result)
        return
    assert result.status in ("fail", "todo"), (answer, result)
    assert result.message.strip()


def test_core_helpers() -> None:
    assert call(lambda: 3) == 3
    with pytest.raises(Wrong, match="expected a function"):
        call(42)
    with pytest.raises(Wrong, match="raised ValueError: learner's bug"):
        call(_raiser(ValueError))
    with pytest.raises(Wrong, match="None"):
        as_array(None, "x")
    with pytest.raises(Wrong, match="shape"):
        as_array(np.zeros(3), "x", shape=(3, 1))
    with pytest.raises(Wrong, match="numbers"):
        as_array(["a"], "x")
    with pytest.raises(Wrong, match="could not be turned into an array"):
        as_array([[1, 2], [3]], "x")
    task = Task("double", lambda f: None if call(f, 2) == 4 else (_ for _ in ()).throw(Wrong("no")), hints=["h1", "h2"])
    assert task.run(lambda x: 2 * x).passed
    assert task.run(None).status == "todo"
    assert task.run(_raiser(NotImplementedError)).status == "todo"
    assert task.run(lambda x: x).status == "fail"
    assert task.run(_raiser(RuntimeError)).message == "your function raised RuntimeError: learner's bug"


def test_as_result() -> None:
    from medlearn.check.core import as_result

    assert as_result({"model": None, "auc": 0.9, "extra": 1}, ("model", "auc"))["auc"] == 0.9
    for bad in ([0.9], {"model": None}, None):
        with pytest.raises(Wrong, match="return a dict with the keys 'model', 'auc'"):
            as_result(bad, ("model", "auc"))


def test_as_number() -> None:
    assert as_number(np.int64(3), "x") == 3.0
    for bad in (None, True, "abc", [1, 2], np.zeros(3)):
        with pytest.raises(Wrong, match="x should be"):
            as_number(bad, "x")


@pytest.mark.parametrize(("key", "found"), ALL_TASKS, ids=[f"{m}.{n}" for (m, n), _ in ALL_TASKS])
def test_each_task_is_named_once(key: tuple[str, str], found: Task) -> None:
    """The name a learner calls (check.NAME) is the name the task reports: made by @task from one function name."""
    assert found.name == key[1]


def test_check_modules_make_tasks_with_the_decorator() -> None:
    """A direct Task("name", ...) call would write the name twice; the modules use @task instead (the decorators,
    in core.py and _letters.py, make each task from one function's name)."""
    paths = sorted((REPO / "medlearn" / "check").rglob("*.py"))
    assert len(paths) > 40  # every chapter's package, not only the top level
    for path in paths:
        if path.relative_to(REPO / "medlearn" / "check").as_posix() not in ("core.py", "_letters.py"):
            assert "Task(" not in path.read_text(), f"{path.name}: use @task('hint', ...) on the checker"


def test_output_size_has_one_contract_across_chapters() -> None:
    """The convolution and CNN-training chapters ask for output_size(n, k, padding, stride): one function answers
    both."""
    import math

    from medlearn.check import cnn_training, convolution

    def output_size(n, k, padding=0, stride=1):
        if padding == "same":
            return math.ceil(n / stride)
        return (n + 2 * (0 if padding == "valid" else padding) - k) // stride + 1

    assert convolution.output_size.run(output_size).passed
    assert cnn_training.output_size.run(output_size).passed


def test_authoring_examples_run() -> None:
    import doctest

    assert doctest.testmod(build).failed == 0


def test_the_learners_colab_badge_opens_the_learners_copy() -> None:
    from authoring.colab import badge, colab_url

    solution = nbformat.v4.new_notebook()
    chapter = by_name("how_networks_learn")
    url = colab_url(chapter.solution)
    solution.cells = [nbformat.v4.new_markdown_cell(f"# Exercises {chapter.number} (solutions)\n\n{badge(url)}\n")]
    title = build.learner_version(solution).cells[0].source
    assert colab_url(chapter.exercise) in title and "solutions" not in title


def test_a_text_only_refresh_carries_markdown_and_refuses_a_code_change(tmp_path: Path) -> None:
    """``build_exercises --text`` after a markdown edit: the learner's copy gets the new words and keeps its code and
    outputs; after a code edit it refuses and names the copy, as only an executed build may change code."""
    (tmp_path / "exercises" / "solutions").mkdir(parents=True)
    name = f"{by_name('medical_images').stem}.ipynb"
    solution = tmp_path / "exercises" / "solutions" / name
    shutil.copyfile(REPO / "exercises" / "solutions" / name, solution)
    shutil.copyfile(REPO / "exercises" / name, tmp_path / "exercises" / name)
    assert build.refresh_text(solution, tmp_path) is False
    nb = json.loads(solution.read_text(encoding="utf-8"))
    markdown = next(cell for cell in nb["cells"][1:] if cell["cell_type"] == "markdown")
    markdown["source"] = "A new sentence in plain words."
    solution.write_text(json.dumps(nb), encoding="utf-8")
    before = json.loads((tmp_path / "exercises" / name).read_text(encoding="utf-8"))
    assert build.refresh_text(solution, tmp_path) is True
    after = json.loads((tmp_path / "exercises" / name).read_text(encoding="utf-8"))
    assert any("".join(cell["source"]) == "A new sentence in plain words." for cell in after["cells"])
    code = [(c["source"], c["outputs"]) for c in before["cells"] if c["cell_type"] == "code"]
    assert code == [(c["source"], c["outputs"]) for c in after["cells"] if c["cell_type"] == "code"]
    cell = next(cell for cell in nb["cells"] if cell["cell_type"] == "code")
    cell["source"] = "x = 1"
    solution.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(ValueError, match=f"exercises/{name}: more than its markdown"):
        build.refresh_text(solution, tmp_path)
