"""Run one learner's exercise notebook apart from everything else, then ask the checks for each task's result.

The notebook runs in a fresh Jupyter kernel, in a child process of its own, in an empty temporary folder that
holds only a copy of it. The parent watches the child's whole process tree: past the time limit or the memory
limit it kills the tree and the submission is marked so. A cell that runs past the per-cell limit is interrupted
and the next cell runs, so a loop in one task costs that task only (a harmless cell after each of the learner's
takes an interrupt that arrives late). After the learner's cells, one more cell,
the grader's, loads a fresh copy of the chapter's checks from disk (so a learner who replaced ``check.x`` or
patched ``medlearn.check`` in the kernel changes nothing) and asks each task's check about the function the
learner wrote; its answer is read from that cell's own output, marked with a random token. Text the learner
printed never counts.

What a grader inside the learner's kernel cannot prevent: code that edits the course's installed files, or
patches Python itself (``json``, ``print``, the interpreter's hooks) before the grader's cell runs, or reads the
token from the grader's cell as it runs. Run the grader on a copy of the course, as a user who cannot write to
it, or in a container, when that matters.

Example:
    >>> stems = {module: stem for stem, module in check_modules().items()}  # by the chapter's name
    >>> sorted(chapter_tasks(stems["convolution"]))[:2]
    ['convolve_valid', 'correlate_same_zero']
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import psutil

from .._course import COURSE
from .._validation import check_int

#: A submission larger than this is refused before it is read (the course's exercise notebooks are under 1 MB).
MAX_NOTEBOOK_BYTES = 20 * 2**20
IMPORT = re.compile(r"^from medlearn\.check import (\w+) as check$", re.MULTILINE)
CHECK_CALL = re.compile(r"^check\.(\w+)\((\w+)\)$")
MARK = "MEDLEARN-GRADE"

GRADER_CELL = """
def _medlearn_grade(module, tasks, token):
    import importlib
    import json
    import sys

    for name in [m for m in sys.modules if m == "medlearn.check" or m.startswith("medlearn.check.")]:
        del sys.modules[name]  # the learner's kernel may have replaced or patched them: load them again
    checks = importlib.import_module("medlearn.check." + module)
    globals()["check"] = checks  # the learner's functions may read the checks' data (check.UIDS, say): these
    found = {}
    for task, function in tasks.items():
        result = getattr(checks, task).run(globals().get(function))
        found[task] = [result.status, result.message]
    sys.__stdout__.flush()
    return token + " " + json.dumps(found)


print(_medlearn_grade(__MODULE__, __TASKS__, __TOKEN__))
"""


@dataclass
class Submission:
    """One learner's graded notebook: its chapter, each task's status and message, and what stopped it."""

    path: Path
    chapter: str | None = None
    tasks: dict[str, tuple[str, str]] = field(default_factory=dict)
    problem: str | None = None  # why it could not be graded whole: not a notebook, wrong chapter, a limit
    seconds: float = 0.0

    @property
    def score(self) -> int:
        """The number of tasks whose check passed."""
        return sum(status == "pass" for status, _ in self.tasks.values())


def chapter_tasks(stem: str, course: Path = COURSE) -> dict[str, str]:
    """A chapter's exercise tasks, each with the name of the learner's function its check cell passes.

    Example:
        >>> stems = {module: stem for stem, module in check_modules().items()}  # by the chapter's name
        >>> chapter_tasks(stems["convolution"])["output_size"]
        'output_size'
    """
    template = course / "exercises" / f"{stem}.ipynb"
    if not template.exists():
        raise ValueError(f"stem must name a chapter with exercises in {course / 'exercises'}, not {stem!r}")
    cells = nbformat.read(template, as_version=4).cells
    calls = (CHECK_CALL.match(c.source.strip()) for c in cells if c.cell_type == "code")
    return {m.group(1): m.group(2) for m in calls if m}


def check_modules(course: Path = COURSE) -> dict[str, str]:
    """Each chapter's check module, by the chapter's stem (from the course's learner exercises).

    Example:
        >>> modules = check_modules()
        >>> modules[next(stem for stem in modules if stem.endswith("_convolution"))]
        'convolution'
    """
    found = {}
    for template in sorted((course / "exercises").glob("[0-9][0-9]_*.ipynb")):
        for cell in nbformat.read(template, as_version=4).cells:
            match = IMPORT.search(cell.source) if cell.cell_type == "code" else None
            if match:
                found[template.stem] = match.group(1)
                break
    return found


def identify(path: Path, course: Path = COURSE) -> tuple[nbformat.NotebookNode | None, str | None, str | None]:
    """``(notebook, chapter stem, problem)``: the submission read, its chapter, or why it cannot be graded.

    Example:
        >>> stems = {module: stem for stem, module in check_modules().items()}  # by the chapter's name
        >>> identify(COURSE / "exercises" / f"{stems['convolution']}.ipynb")[1:] == (stems["convolution"], None)
        True
    """
    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        return None, None, f"not graded: {size / 2**20:.0f} MB, over the {MAX_NOTEBOOK_BYTES // 2**20} MB limit"
    try:
        nb = nbformat.reads(path.read_bytes().decode("utf-8"), as_version=4)
    except Exception as error:  # any failure to read is the same answer: not a notebook
        return None, None, f"not a notebook: {type(error).__name__}"
    modules = {module: stem for stem, module in check_modules(course).items()}
    for cell in nb.cells:
        if cell.cell_type == "code":
            match = IMPORT.search(cell.source)
            if match and match.group(1) in modules:
                return nb, modules[match.group(1)], None
    return nb, None, "not a course exercise notebook: it never imports a chapter's checks as `check`"


def _tree(process: psutil.Process) -> list[psutil.Process]:
    try:
        return [process, *process.children(recursive=True)]
    except psutil.Error:
        return []


def _held_mb(process: psutil.Process) -> float:
    """The resident memory of a process tree, in MB; a member that exits while it is counted counts 0."""
    held = 0
    for member in _tree(process):
        try:
            held += member.memory_info().rss
        except psutil.Error:  # it ended between the listing and the reading: a tree that spawns fast must not stop us
            pass
    return held / 2**20


def _kill(process: psutil.Process) -> None:
    for member in reversed(_tree(process)):
        try:
            member.kill()
        except psutil.Error:
            pass


def run_submission(
    path: Path,
    expected: str | None = None,
    *,
    time_limit: int = 300,
    cell_limit: int = 60,
    memory_mb: int = 2000,
    course: Path = COURSE,
) -> Submission:
    """Grade one submission; never raises for anything in the file (see the module's docstring).

    Example:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "ana.ipynb"
        >>> path.write_bytes(bytes(100))
        100
        >>> stems = {module: stem for stem, module in check_modules().items()}  # by the chapter's name
        >>> result = run_submission(path, stems["convolution"])
        >>> result.problem, result.score, len(result.tasks)
        ('not a notebook: NotJSONError', 0, 6)
    """
    time_limit = check_int(time_limit, "time_limit", min_value=1)
    cell_limit = check_int(cell_limit, "cell_limit", min_value=1)
    memory_mb = check_int(memory_mb, "memory_mb", min_value=100)
    result = Submission(Path(path))
    nb, stem, problem = identify(Path(path), course)
    result.chapter = stem
    if problem is None and expected is not None and stem != expected:
        problem = f"wrong chapter: the notebook is exercises {stem}, not {expected}"
    tasks = chapter_tasks(expected or stem, course) if (expected or stem) else {}
    result.tasks = {task: ("todo", "not graded") for task in tasks}
    if problem is not None:
        result.problem = problem
        return result
    token = f"{MARK} {secrets.token_hex(16)}"
    grader = GRADER_CELL.replace("__MODULE__", repr(check_modules(course)[stem]))
    grader = grader.replace("__TASKS__", repr(tasks)).replace("__TOKEN__", repr(token))
    # A cell interrupted at the cell limit can receive its interrupt late, in the cell after it: a harmless cell
    # after each of the learner's takes it, so a loop costs the learner that cell only, and never the grader's.
    cells = []
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type == "code":
            cells.append(nbformat.v4.new_code_cell("pass"))
    grader_cell = nbformat.v4.new_code_cell(grader)
    grader_cell.metadata["medlearn_grader"] = True  # its own time: the checks themselves may take a while
    nb.cells = [*cells, grader_cell]
    # The kernel's Unix sockets go to a second folder, removed with the first even when the child was killed.
    with (
        tempfile.TemporaryDirectory(prefix="medlearn-grade-") as folder,
        tempfile.TemporaryDirectory(prefix="medlearn-k-") as sockets,
    ):
        work = Path(folder)
        notebook = work / "submission.ipynb"
        nbformat.write(nb, notebook)
        from ..data import data_dir

        # HOME is the empty folder; the course's data folder is named, so the exercises still find their files.
        env = {**os.environ, "HOME": str(work), "MPLBACKEND": "Agg", "MEDLEARN_DATA": str(data_dir())}
        env["MEDLEARN_KERNEL_SOCKETS"] = sockets
        env.pop("MEDLEARN_STRICT_CLAIMS", None)
        start = time.monotonic()
        # The child reads the notebook, then reports only the grader cell's output on its stdout, a pipe that
        # nothing the learner's code deletes or rewrites on disk can reach.
        child = subprocess.Popen(
            [sys.executable, "-m", "medlearn.classroom._child", str(notebook), str(cell_limit)],
            cwd=work,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        watched = psutil.Process(child.pid)
        while child.poll() is None:
            held = _held_mb(watched)
            if held > memory_mb:
                problem = f"stopped: its kernel held {held:.0f} MB, over the {memory_mb} MB limit"
            elif time.monotonic() - start > time_limit:
                problem = f"stopped: still running after {time_limit} s"
            if problem:
                _kill(watched)
                break
            time.sleep(0.1)
        report = child.communicate()[0].decode("utf-8", errors="replace")
        result.seconds = round(time.monotonic() - start, 1)
    if problem is None:
        graded = _read_grades(report, token)
        if graded is None:
            problem = "not graded: the grader's cell gave no answer (the kernel died or the run failed)"
        else:
            result.tasks.update(graded)
    result.problem = problem
    return result


def _read_grades(report: str, token: str) -> dict[str, tuple[str, str]] | None:
    for line in report.splitlines():
        if line.startswith(token + " "):
            try:
                found = json.loads(line[len(token) + 1 :])
                return {str(task): (str(value[0]), str(value[1])) for task, value in found.items()}
            except (ValueError, TypeError, IndexError, AttributeError):
                return None
    return None
