"""authoring/colab.py and authoring/release.py: the Open in Colab badge, the setup cell that runs only on Colab, and
the release of medlearn it installs, made anew only when what the library does changes."""

from __future__ import annotations

import ast
import importlib.metadata
import json
import re
import subprocess
import sys
import types
from pathlib import Path

import nbformat
import pytest
from helpers import REPO

from authoring import colab, release
from authoring.chapters import by_name

COMMIT = "0123456789abcdef0123456789abcdef01234567"
VERSION = "0.1.0"
RELEASE = colab.Release(VERSION, COMMIT, "v0.1.0", "0" * 64)
FIRST = by_name("medical_images")
CHAPTER = REPO / FIRST.notebook


def test_the_colab_url_opens_the_notebook_from_github() -> None:
    path = by_name("volumes").notebook
    url = colab.colab_url(path, "https://github.com/org/course", "main")
    assert url == f"https://colab.research.google.com/github/org/course/blob/main/{path}"
    assert colab.badge(url) == f"[Open in Colab]({url})"  # no image from Google's server: the site loads nothing


@pytest.mark.parametrize("repository", ["https://gitlab.com/org/course", "https://github.com/org", "course"])
def test_a_repository_colab_cannot_open_is_refused(repository: str) -> None:
    with pytest.raises(ValueError, match="repository must be"):
        colab.colab_url("notebooks/x.ipynb", repository)


@pytest.mark.parametrize("commit", ["main", "0123456", COMMIT.upper(), COMMIT + "0"])
def test_the_cell_installs_a_full_commit_only(commit: str) -> None:
    with pytest.raises(ValueError, match="commit must be 40 hexadecimal digits"):
        colab.setup_cell_source(VERSION, commit, [])


@pytest.mark.parametrize("version", ["v0.1.0", "0.1", "latest", "0.1.0rc1"])
def test_the_cell_names_a_release_version_only(version: str) -> None:
    with pytest.raises(ValueError, match="version must be MAJOR.MINOR.PATCH"):
        colab.setup_cell_source(version, COMMIT, [])


def test_the_chapter_data_are_the_files_its_code_loads() -> None:
    cells = [
        {"cell_type": "markdown", "source": 'load_medmnist("retinamnist", "train")'},  # text, not code
        {
            "cell_type": "code",
            "source": 'for name in ("breastmnist", "pneumoniamnist"):\n    load_medmnist(name, "test")',
        },
        {"cell_type": "code", "source": 'load_medmnist("adrenalmnist3d", "val", size=64)\n%matplotlib inline'},
        {"cell_type": "code", "source": "x = load_chasedb1()  # chestmnist, in a comment, is not loaded"},
    ]
    assert colab.chapter_data(cells) == [
        ("breastmnist", None),
        ("pneumoniamnist", None),
        ("adrenalmnist3d", 64),
        ("chasedb1", None),
    ]
    source = colab.setup_cell_source(VERSION, COMMIT, colab.chapter_data(cells))
    assert '"data", "fetch", "adrenalmnist3d", "--size", "64")' in source
    assert '"data", "fetch", "breastmnist" "pneumoniamnist"' not in source  # each name its own argument
    assert '"data", "fetch", "breastmnist", "pneumoniamnist", "chasedb1")' in source


def _ruff(tmp_path: Path, source: str) -> subprocess.CompletedProcess:
    (tmp_path / "cell.py").write_text(source + "\n")
    (tmp_path / "pyproject.toml").write_text((REPO / "pyproject.toml").read_text())
    ruff = [sys.executable, "-m", "ruff"]
    for command in (["check", "cell.py"], ["format", "--check", "cell.py"]):
        result = subprocess.run([*ruff, *command], cwd=tmp_path, capture_output=True, text=True)
        if result.returncode:
            return result
    return result


def test_the_cell_keeps_the_notebooks_style(tmp_path: Path) -> None:
    result = _ruff(tmp_path, colab.setup_cell_source("10.10.10", COMMIT, [("breastmnist", None), ("bccd", None)]))
    assert result.returncode == 0, result.stdout + result.stderr


def test_outside_colab_the_cell_does_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail(f"ran {a}"))
    exec(colab.setup_cell_source(VERSION, COMMIT, [("breastmnist", None)]), {})


def test_on_colab_it_keeps_the_versions_in_range_and_adds_the_rest(monkeypatch: pytest.MonkeyPatch) -> None:
    """The install's constraints: what is installed and in medlearn's range, nothing else."""
    commands = []
    constraints = []

    def run(command: tuple[str, ...], check: bool) -> None:
        commands.append(list(command[3:]))
        if "-c" in command:
            constraints.append(Path(command[command.index("-c") + 1]).read_text().split("\n"))

    numpy = importlib.metadata.version("numpy")
    requires = [
        "numpy>=1",  # installed, in range: kept
        "pytest<1",  # installed, out of range: left to pip
        "no-such-package-here>=1",  # not installed: pip adds it
        'ruff>=0; extra == "test"',  # an extra's: not medlearn's own
    ]
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(subprocess, "run", run)
    monkeypatch.setattr(importlib.metadata, "requires", lambda name: requires if name == "medlearn" else None)
    cell = colab.setup_cell_source(VERSION, COMMIT, [("breastmnist", None)], "https://github.com/org/course")
    assert cell.startswith(f"{colab.MARKER} install medlearn {VERSION} (the release")
    exec(cell, {})
    source = f"medlearn @ git+https://github.com/org/course@{COMMIT}"  # the release's commit, not a tag
    assert commands[0] == ["install", "--quiet", "--no-deps", source]
    assert commands[1][:3] == ["install", "--quiet", "-c"] and commands[1][-1] == source
    assert constraints == [[f"numpy=={numpy}"]]
    assert commands[2] == ["data", "fetch", "breastmnist"]


def test_after_a_restart_it_installs_nothing_and_fetches_the_data(monkeypatch: pytest.MonkeyPatch) -> None:
    """medlearn already installed from this commit (the cell ran, then the session restarted): no pip at all."""
    commands = []

    class Installed:
        def read_text(self, name: str) -> str:
            return f'{{"url": "https://github.com/org/course", "vcs_info": {{"commit_id": "{COMMIT}"}}}}'

    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(subprocess, "run", lambda command, check: commands.append(list(command[3:])))
    monkeypatch.setattr(importlib.metadata, "distribution", lambda name: Installed())
    exec(colab.setup_cell_source(VERSION, COMMIT, [("breastmnist", None)], "https://github.com/org/course"), {})
    assert commands == [["data", "fetch", "breastmnist"]]


def test_applying_twice_gives_one_badge_and_one_cell_in_setup() -> None:
    notebook = colab.remove(nbformat.read(CHAPTER, as_version=4))
    count = len(notebook.cells)
    once = colab.apply(notebook, FIRST.notebook, RELEASE)
    twice = colab.apply(nbformat.from_dict(once), FIRST.notebook, RELEASE)
    assert len(twice.cells) == count + 1
    assert twice.cells[0].source.count(colab.COLAB) == 1
    assert twice.cells[0].source.startswith(f"# {FIRST.number} · ") and "Estimated time" in twice.cells[0].source
    setup = next(i for i, c in enumerate(twice.cells) if c.source.startswith("## Setup"))
    assert twice.cells[setup + 1].source.startswith(colab.MARKER)
    assert twice.cells[setup + 1].outputs == [] and "colab-setup" in twice.cells[setup + 1].metadata.tags
    assert twice.cells[setup + 1].metadata.jupyter.source_hidden  # collapsed: not in the learner's reading path
    code = [c.execution_count for c in twice.cells if c.cell_type == "code"]
    assert code == list(range(1, len(code) + 1))  # a stored run: the new cell runs in its place
    nbformat.validate(twice)


def test_check_finds_a_missing_badge_another_release_and_a_stale_cell(tmp_path: Path) -> None:
    bare = tmp_path / "bare.ipynb"
    nbformat.write(colab.remove(nbformat.read(CHAPTER, as_version=4)), bare)
    assert colab.check(bare, RELEASE) == [
        f"{bare}: no Open in Colab badge in the title cell",
        f"{bare}: 0 Colab setup cells, not 1",
    ]
    path = tmp_path / CHAPTER.name
    older = colab.Release("0.0.9", "f" * 40, "v0.0.9", "1" * 64)
    nbformat.write(colab.apply(colab.remove(nbformat.read(CHAPTER, as_version=4)), "notebooks/x.ipynb", older), path)
    assert colab.check(path, older) == []
    assert colab.check(path, RELEASE) == [
        f"{path}: the setup cell installs medlearn 0.0.9 {'f' * 12}, not the current release, medlearn {VERSION} "
        f"at {COMMIT[:12]}: run python -m authoring.release"
    ]
    stale = colab.apply(colab.remove(nbformat.read(CHAPTER, as_version=4)), "notebooks/x.ipynb", RELEASE, data=[])
    nbformat.write(stale, path)  # the chapter's data left out of its cell
    assert colab.check(path, RELEASE) == [
        f"{path}: the setup cell is not the one the tool writes now (its data or its text): "
        "run python -m authoring.release"
    ]


def test_every_chapter_and_exercise_installs_the_current_release() -> None:
    """After committing a change to what medlearn does, run python -m authoring.release (authoring/release.py)."""
    assert release.check() == []
    notebooks = colab.course_notebooks()
    assert len(notebooks) >= 3 * 19
    assert [problem for path in notebooks for problem in colab.check(path)] == []


# The release: a digest of what the library does, and the command that records a release when it changes.


@pytest.fixture(scope="module")
def library() -> dict[str, bytes]:
    """A copy of the library's files (medlearn/ and pyproject.toml), by path: the tests change the copy only."""
    return release.library_files()


@pytest.fixture(scope="module")
def digest(library: dict[str, bytes]) -> str:
    return release.behaviour_digest(library)


def _reworded(source: str, keep_module: bool) -> str:
    """``source`` with every docstring replaced by another (its module's too, unless ``keep_module``) and a comment
    line above every top-level function and class."""
    tree = ast.parse(source)
    lines = source.splitlines()
    edits = []  # (first line, last line, new lines), from the bottom up
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            module = isinstance(node, ast.Module)
            if first is not None and ast.get_docstring(node, clean=False) is not None and not (module and keep_module):
                indent = " " * first.col_offset
                edits.append((first.lineno, first.end_lineno, [f'{indent}"""Reworded: a docstring-only change."""']))
    for node in tree.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            edits.append((start, start - 1, ["# A comment-only change."]))
    for first, last, new in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        lines[first - 1 : last] = new
    return "# A comment-only change at the top.\n" + "\n".join(lines) + "  # and at the end\n"


def test_docstrings_comments_and_layout_leave_the_behaviour_as_it_was(library: dict[str, bytes], digest: str) -> None:
    """Every docstring of a copy of the library reworded (but a module docstring the library reads: a command's
    help), comments added, every module re-laid out (ast.unparse), and the parts of pyproject.toml that change
    nothing installed: the digest, and so the release, stays."""
    reworded = {
        path: _reworded(data.decode(), keep_module=b"__doc__" in data).encode() if path.endswith(".py") else data
        for path, data in library.items()
    }
    assert sum(reworded[p] != library[p] for p in library) > 100
    assert release.behaviour_digest(reworded) == digest
    laid_out = {p: ast.unparse(ast.parse(d)).encode() if p.endswith(".py") else d for p, d in library.items()}
    assert release.behaviour_digest(laid_out) == digest
    pyproject = library["pyproject.toml"].decode()
    pyproject = re.sub(r'(?m)^version = "[^"]*"$', 'version = "9.9.9"', pyproject, count=1)
    pyproject = re.sub(r'(?m)^description = "[^"]*"$', 'description = "Reworded"', pyproject, count=1)
    pyproject = re.sub(r'"pytest~=[^"]*"', '"pytest~=99.0"', pyproject)  # an extra's: the cell installs none
    pyproject = "# A comment.\n" + pyproject.replace("\n[project]\n", "\n[project]\n# Another comment.\n")
    assert pyproject != library["pyproject.toml"].decode()
    assert release.behaviour_digest({**library, "pyproject.toml": pyproject.encode()}) == digest


def _first(library: dict[str, bytes], prefix: str, suffix: str = "") -> str:
    return next(p for p in sorted(library) if p.startswith(prefix) and p.endswith(suffix))


def _pyproject(library: dict[str, bytes], pattern: str, new: str) -> dict[str, bytes]:
    text, count = re.subn(pattern, new, library["pyproject.toml"].decode(), count=1, flags=re.M)
    assert count == 1, pattern
    return {**library, "pyproject.toml": text.encode()}


def _reader_of(library: dict[str, bytes]) -> str:
    """The first module of the library that reads its own docstring (a command's help)."""
    return next(p for p in sorted(library) if p.endswith(".py") and b"__doc__" in library[p])


CHANGES = {
    "a statement added to a module": lambda lib: {
        **lib,
        "medlearn/__init__.py": lib["medlearn/__init__.py"] + b"\nLIMIT = 1\n",
    },
    "another version number": lambda lib: {
        **lib,
        "medlearn/__init__.py": re.sub(
            rb'__version__ = "[^"]*"', b'__version__ = "9.9.9"', lib["medlearn/__init__.py"]
        ),
    },
    "a new module": lambda lib: {**lib, "medlearn/extra.py": b"def f():\n    return 1\n"},
    "a module removed": lambda lib: {p: d for p, d in lib.items() if p != _first(lib, "medlearn/", "s.py")},
    "a quiz (package data)": lambda lib: {
        **lib,
        _first(lib, "medlearn/quizzes/"): lib[_first(lib, "medlearn/quizzes/")] + b" ",
    },
    "a dependency range": lambda lib: _pyproject(lib, r'"numpy>=[^"]*"', '"numpy>=2.2,<3"'),
    "the Python range": lambda lib: _pyproject(lib, r'^requires-python = "[^"]*"', 'requires-python = ">=3.12"'),
    "the package data declared": lambda lib: _pyproject(lib, r'^"medlearn" = \[', '"medlearn" = ["extra/*.txt", '),
    "the docstring of a module that reads it": lambda lib: {
        **lib,
        _reader_of(lib): _reworded(lib[_reader_of(lib)].decode(), keep_module=False).encode(),
    },
    "any docstring, once the library reads docstrings": lambda lib: {
        **lib,
        "medlearn/__init__.py": _reworded(lib["medlearn/__init__.py"].decode(), keep_module=False).encode(),
        "medlearn/reader.py": b"def help_of(function):\n    return function.__doc__\n",
    },
}


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_in_what_the_library_does_changes_the_digest(
    library: dict[str, bytes], digest: str, change: str
) -> None:
    changed = CHANGES[change](library)
    assert changed != library
    if change.startswith("any docstring"):  # compared with the same library reading docstrings, not reworded
        digest = release.behaviour_digest({**library, "medlearn/reader.py": changed["medlearn/reader.py"]})
    assert release.behaviour_digest(changed) != digest


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def course(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small copy of the course in a new git repository: pyproject.toml, medlearn's __init__ and claims modules
    and a quiz, and one chapter, committed."""
    for name, value in {
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.org",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.org",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_CONFIG_NOSYSTEM": "1",
    }.items():
        monkeypatch.setenv(name, value)
    repo = tmp_path / "course"
    quiz = sorted((REPO / "medlearn" / "quizzes").glob("*.json"))[0].relative_to(REPO)
    for path in (Path("pyproject.toml"), Path("medlearn/__init__.py"), Path("medlearn/claims.py"), quiz):
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_bytes((REPO / path).read_bytes())
    (repo / "notebooks").mkdir()
    (repo / "notebooks" / CHAPTER.name).write_bytes(CHAPTER.read_bytes())
    _git(repo.parent, "init", "--quiet", repo.name)
    _git(repo, "add", ".")
    _git(repo, "commit", "--quiet", "--message", "the course")
    return repo


def _setup_cell(path: Path) -> str:
    return next(c.source for c in nbformat.read(path, as_version=4).cells if c.source.startswith(colab.MARKER))


def test_a_release_is_made_once_and_again_only_when_the_behaviour_changes(course: Path) -> None:
    chapter = course / "notebooks" / CHAPTER.name
    assert release.check(course) == ["no release of medlearn is recorded (authoring/release.json): run " + colab.FIX]
    first = _git(course, "rev-parse", "HEAD")
    v1 = re.search(r'^version = "([^"]+)"', (course / "pyproject.toml").read_text(), re.MULTILINE).group(1)
    major, minor, _ = v1.split(".")
    v2 = f"{major}.{int(minor) + 1}.0"  # the next minor version, worked out here, not by the tool
    release.release(course)
    made = colab.read_release(course)
    assert (made.version, made.commit, made.tag) == (v1, first, f"v{v1}")  # pyproject's version, not yet released
    assert _git(course, "rev-parse", f"v{v1}^{{commit}}") == first
    assert _git(course, "rev-parse", "HEAD~1") == first  # one commit: the record and the chapter's cell
    assert f'commit = "{first}"  # medlearn {v1}' in _setup_cell(chapter)
    assert release.check(course) == [] and colab.check(chapter, repo=course) == []

    recorded = _git(course, "rev-parse", "HEAD")
    assert release.release(course)[0] == f"release medlearn {v1} is current (commit {first[:12]})"
    assert _git(course, "rev-parse", "HEAD") == recorded  # a second run changes nothing

    claims = course / "medlearn" / "claims.py"
    claims.write_text(_reworded(claims.read_text(), keep_module=False))
    _git(course, "commit", "--quiet", "--all", "--message", "docstrings and comments")
    assert release.check(course) == []  # no release needed
    release.release(course)
    assert colab.read_release(course) == made and _git(course, "rev-parse", "HEAD~1") == recorded

    claims.write_text(claims.read_text() + "\nLIMIT = 1\n")
    assert release.check(course) == [
        "medlearn's behaviour (its code without docstrings or comments, its package data, its dependency ranges) "
        f"differs from release {v1}'s (authoring/release.json): commit the library and run {colab.FIX}"
    ]
    with pytest.raises(SystemExit, match="commit these first"):
        release.release(course)
    _git(course, "commit", "--quiet", "--all", "--message", "a change in behaviour")
    changed = _git(course, "rev-parse", "HEAD")
    release.release(course)
    new = colab.read_release(course)
    assert (new.version, new.tag) == (v2, f"v{v2}")  # the next minor version, committed before the release
    assert _git(course, "rev-parse", f"{new.commit}~1") == changed and _git(course, "rev-parse", "HEAD~1") == new.commit
    assert release.version_of(release.committed_files(new.commit, course)) == {
        "pyproject.toml": v2,
        "medlearn/__init__.py": v2,
    }
    assert _git(course, "rev-parse", f"v{v2}^{{commit}}") == new.commit
    assert release.check(course) == [] and colab.check(chapter, repo=course) == []
    assert colab.check(chapter, made) != []  # the cell no longer installs the old release

    outside = colab.Release(new.version, "0" * 40, new.tag, new.digest)  # a commit main's history does not hold
    (course / colab.RELEASE).write_text(json.dumps(outside.__dict__))
    assert release.check(course) == [
        f"release {v2}'s commit {'0' * 12} is not in this branch's history: run {colab.FIX}"
    ]
    older = colab.Release(
        new.version, first, new.tag, new.digest
    )  # in the history, with the library of the first release
    (course / colab.RELEASE).write_text(json.dumps(older.__dict__))
    assert release.check(course) == [
        f"release {v2}'s commit {first[:12]} holds another library than the one authoring/release.json records: "
        f"run {colab.FIX}"
    ]
