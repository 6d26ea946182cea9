"""The exercise checks' typical mistakes, each fed back as a learner's answer: does each still earn its own hint?

A chapter's checks (``medlearn/check/<name>/``) declare, for each task, a table of named mistakes: a function that
makes the mistake, and its hint. ``python -m authoring check`` runs every one through its task: a task that accepts
a mistake, or answers it with another mistake's hint or with other words, is a problem. ``tests/exercises/
test_mistakes.py`` runs the same verdict (:func:`mistake_problem`) as one test per mistake.

The run takes about half a minute (some mistakes train a small network), in a fresh Python process in the
repository, so that a copy of the course is checked with its own library. Its verdict depends only on the library's
files (a chapter's own check package, not the others'), the Python and the installed packages, so each chapter's
is kept in a cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``, then ``medlearn-authoring``) under their digest: the
check repeats a chapter's run only after one of them changed, and two checks at once (two test workers) run it once.

    python -m authoring.mistakes            # run every table here and print the problems

Example:
    >>> "detection" in chapter_names()
    True
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import os
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from authoring._paths import REPO

#: Part of every digest: a new value drops the verdicts kept by earlier versions of this module (version 1 could keep
#: a verdict made where the data sets were missing).
CACHE_FORMAT = b"mistakes 2\0"


def chapter_names(repo: Path = REPO) -> list[str]:
    """The chapters whose checks are packages of task tables (``medlearn/check/<name>/``), by name."""
    return sorted(m.name for m in pkgutil.iter_modules([str(repo / "medlearn" / "check")]) if m.ispkg)


def converted_chapters() -> list[ModuleType]:
    """The check packages of the chapters whose checks are tables of mistakes, imported, by name."""
    return [importlib.import_module(f"medlearn.check.{name}") for name in chapter_names()]


def chapter_tasks(chapter: ModuleType) -> list[Any]:
    """The tasks a learner calls in a chapter's checks (``check.NAME``), in the order of its ``__all__``."""
    from medlearn.check import Task

    return [getattr(chapter, name) for name in chapter.__all__ if isinstance(getattr(chapter, name), Task)]


def mistake_problem(task: Any, mistake: Any) -> str | None:
    """What is wrong when ``mistake``'s answer is given to ``task``: None when it fails with its own hint."""
    result = task.run(mistake.answer)
    if result.status != "fail":
        return f"{task.name} accepted the mistake {mistake.name!r}: {result.message}"
    if result.mistake != mistake.name:
        return f"{task.name}: the mistake {mistake.name!r} got another message: {result.message}"
    if isinstance(mistake.hint, str) and result.message != mistake.hint:
        return f"{task.name}: the mistake {mistake.name!r} got other words than its hint: {result.message}"
    return None


def run_here(names: list[str] | None = None) -> list[str]:
    """Every mistake of the chapters ``names`` (default: all) through its task, in this process: the problems."""
    problems = []
    for name in names or chapter_names():
        chapter = importlib.import_module(f"medlearn.check.{name}")
        for task in chapter_tasks(chapter):
            for mistake in task.mistakes:
                found = mistake_problem(task, mistake)
                if found:
                    problems.append(f"medlearn/check/{name}: {found}")
    return problems


def _digests(repo: Path, names: list[str]) -> dict[str, str]:
    """Each chapter's verdict depends on the Python, the installed packages, the library's files and its own check
    package, not on the other chapters' packages nor on the quizzes' files (so that adding, moving or removing a
    chapter leaves the others' verdicts in the cache): one digest per chapter."""
    common = hashlib.sha256(CACHE_FORMAT + sys.version.encode())
    common.update("\n".join(_installed_packages()).encode())
    library, checks = repo / "medlearn", repo / "medlearn" / "check"
    own: dict[str, list[Path]] = {name: [] for name in chapter_names(repo)}
    for path in sorted(p for p in library.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        parts = path.relative_to(library).parts
        if parts[0] == "quizzes":
            continue
        if parts[0] == "check" and len(parts) > 2 and parts[1] in own:
            own[parts[1]].append(path)
            continue
        common.update(path.relative_to(library).as_posix().encode() + b"\0" + path.read_bytes())
    digests = {}
    for name in names:
        digest = common.copy()
        for path in own.get(name, []):
            digest.update(path.relative_to(checks).as_posix().encode() + b"\0" + path.read_bytes())
        digests[name] = digest.hexdigest()[:20]
    return digests


def _installed_packages() -> list[str]:
    """The installed packages but medlearn, each once, sorted. medlearn's own files are in the digest already; its
    version is not, nor how often it is found: the repository's ``medlearn.egg-info`` is found again for each time
    the repository is on ``sys.path``, so the test workers (repository on the path) and a check run in a copy (no
    ``egg-info``) would never share a verdict, and each would run every table again."""
    found = {f"{d.metadata['Name']}=={d.version}" for d in metadata.distributions()}
    return sorted(package for package in found if not package.lower().startswith("medlearn=="))


def _cache_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "medlearn-authoring"


@contextlib.contextmanager
def _one_run_at_a_time(folder: Path) -> Iterator[None]:
    """Hold the cache folder's lock: two checks at once (two test workers, or a check beside the test suite) then run
    the tables once, and the second reads the first one's verdicts. Without ``fcntl`` (Windows) there is no lock, and
    each may run them."""
    try:
        import fcntl
    except ImportError:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "mistakes.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def problems(repo: Path = REPO, names: list[str] | None = None) -> list[str]:
    """The mistakes that do not earn their hint, in ``repo``'s own library (a fresh process), remembered by digest."""
    names = names or chapter_names(repo)
    cached = {
        name: _cache_folder() / f"mistakes-{name}-{digest}.json" for name, digest in _digests(repo, names).items()
    }
    if any(not cached[name].is_file() for name in names):
        with _one_run_at_a_time(_cache_folder()):
            failed = _run_missing(repo, [name for name in names if not cached[name].is_file()], cached)
        if failed:
            return [failed]
    return [problem for name in names for problem in json.loads(cached[name].read_text(encoding="utf-8"))]


def _run_missing(repo: Path, missing: list[str], cached: dict[str, Path]) -> str | None:
    """Run the tables of the chapters ``missing`` (none left when another check ran them meanwhile) in ``repo``'s own
    library, and keep each verdict in ``cached``; the error when they could not be run (nothing is kept then)."""
    if not missing:
        return None
    path = os.pathsep.join(p for p in (str(repo), os.environ.get("PYTHONPATH", "")) if p)
    done = subprocess.run(
        [sys.executable, "-m", "authoring.mistakes", "--json", *missing],
        cwd=repo,
        env={**os.environ, "PYTHONPATH": path},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        return f"the tables could not be run: {(done.stderr.strip().splitlines() or [done.returncode])[-1]}"
    for name, found in json.loads(done.stdout.strip().splitlines()[-1]).items():
        cached[name].parent.mkdir(parents=True, exist_ok=True)
        partial = cached[name].with_name(f"{cached[name].name}.{os.getpid()}.partial")
        partial.write_text(json.dumps(found), encoding="utf-8")
        os.replace(partial, cached[name])  # a reader without the lock never sees half a verdict
    return None


def missing_data() -> str | None:
    """What to do when a course data set the tables load is missing or wrong here (None when all are verified).

    Without them every mistake that loads data would get the data's error instead of its hint: no verdict at all.
    """
    from medlearn.doctor import dataset_rows

    wrong = [row for row in dataset_rows() if not row.ok]
    if not wrong:
        return None
    return f"the course's data sets are missing or wrong here ({', '.join(row.item for row in wrong)}): {wrong[0].fix}"


def main(argv: list[str]) -> int:
    as_json = "--json" in argv
    names = [a for a in argv if a != "--json"] or chapter_names()
    no_data = missing_data()
    if no_data:  # an error, not a verdict: problems() keeps nothing in its cache
        print(no_data, file=sys.stderr)
        return 2
    found = {name: run_here([name]) for name in names}
    if as_json:
        print(json.dumps(found))
        return 0
    print("\n".join(p for problems in found.values() for p in problems) or "every typical mistake earns its own hint")
    return 1 if any(found.values()) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
