"""A release of medlearn: the library that every notebook's Colab cell installs, made anew only when what the library
does changes (a docstring, a comment or a reformatting needs no release), and recorded in ``authoring/release.json``.

    python -m authoring.release            # after committing a change to what medlearn does: a new release, and
                                           # every notebook's Colab cell installs it (safe to run any time)
    python -m authoring.release --check    # is the release current, and does every notebook's cell install it?

**When to release.** After a commit that changes medlearn's *behaviour*: its code (docstrings, comments and layout
aside), its package data (the quizzes, the generated tables) or what it installs (``pyproject.toml``'s dependency
ranges, Python range and package settings; not the extras, which the cell does not install). The tests
(``tests/course/test_colab.py``) fail until then, naming this command. On a branch that others merge, release
again on main after the merge: a release's commit must be in main's history.

**What the command does.** It works from the committed tree only, and refuses to start while the library
(``medlearn/``, ``pyproject.toml``), the record or a notebook has uncommitted changes. Then:

1. If the recorded release has the behaviour of the library at HEAD (:func:`behaviour_digest`) and its commit is in
   HEAD's history, it makes no release. Otherwise it makes one: its version is ``pyproject.toml``'s if no release
   has that version yet, else the next minor version (``0.2.0`` after ``0.1.0``), written into
   ``pyproject.toml`` and ``medlearn/__init__.py`` and committed ("medlearn X.Y.Z"). The release is then HEAD:
   its commit, a local tag ``vX.Y.Z`` on it, and its digest, written to ``authoring/release.json``.
2. Every notebook's Colab cell is made to install the release (``authoring.colab.refresh``), and the record and
   the notebooks it changed are committed together. A second run finds everything current and does nothing.

**Why the cell installs a commit, not a tag.** The public repository receives main's history, which holds the
release's commit, whereas a tag made here may never be pushed; the tag names the release for authors
(``git diff v0.1.0``). The commit is the one that holds the release's version number, so the installed package
reports the release's version.
"""

from __future__ import annotations

import argparse
import ast
import functools
import hashlib
import io
import json
import re
import subprocess
import sys
import tarfile
import tomllib
import warnings
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path

from authoring import colab
from authoring._paths import REPO
from authoring.colab import FIX, RELEASE, Release

#: The library: what a Colab cell installs.
LIBRARY = ("medlearn", "pyproject.toml")
#: What must be committed before a release: the library, the record and the notebooks the command rewrites.
COMMITTED = (*LIBRARY, RELEASE.as_posix(), "notebooks", "exercises")
#: The parts of ``pyproject.toml`` that change what the cell installs (``project.version`` is the release's own).
PROJECT_KEYS = ("name", "requires-python", "dependencies", "scripts", "gui-scripts", "entry-points", "dynamic")
#: Where the version number is written: a file, and the name its one line ``NAME = "X.Y.Z"`` assigns.
VERSION_LINES = {"pyproject.toml": "version", "medlearn/__init__.py": "__version__"}


def _git(repo: Path, *args: str, binary: bool = False) -> str | bytes:
    result = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=not binary)
    if result.returncode:
        raise RuntimeError(f"git {' '.join(args[:2])} failed in {repo}: {result.stderr!s}")
    return result.stdout


def library_files(repo: Path = REPO) -> dict[str, bytes]:
    """The library's files as they are in ``repo``'s working tree (tracked or new, not ignored), by path.

    Example:
        >>> files = library_files()
        >>> "pyproject.toml" in files, "medlearn/__init__.py" in files
        (True, True)
    """
    listed = _git(repo, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *LIBRARY)
    paths = sorted({p for p in listed.split("\0") if p and (repo / p).is_file()})
    return {path: (repo / path).read_bytes() for path in paths}


def committed_files(commit: str, repo: Path = REPO) -> dict[str, bytes]:
    """The library's files as ``commit`` of ``repo`` holds them, by path.

    Example:
        >>> committed_files("HEAD")["pyproject.toml"] == (REPO / "pyproject.toml").read_bytes()  # doctest: +SKIP
        True
    """
    archive = tarfile.open(
        fileobj=io.BytesIO(_git(repo, "archive", "--format=tar", commit, "--", *LIBRARY, binary=True))
    )
    return {m.name: archive.extractfile(m).read() for m in archive.getmembers() if m.isfile()}


def behaviour_digest(files: Mapping[str, bytes]) -> str:
    """A SHA-256 of what the library does, from its files by path: each Python module's syntax tree without
    docstrings (comments and layout are not in it), every other file of ``medlearn/`` byte for byte, and
    ``pyproject.toml``'s settings that change what is installed (:data:`PROJECT_KEYS`, ``build-system``,
    ``tool.setuptools``). The same on Python 3.11 to 3.13.

    Docstrings count where the library reads them: a module that reads its own ``__doc__`` (a command's help)
    keeps its module docstring, and an ``x.__doc__`` or ``getdoc`` anywhere in the library keeps every docstring.

    Example:
        >>> code = {"medlearn/a.py": b'def f():\\n    "Say one."\\n    return 1\\n'}
        >>> behaviour_digest(code) == behaviour_digest({"medlearn/a.py": b"def f(): return 1  # one\\n"})
        True
        >>> behaviour_digest(code) == behaviour_digest({"medlearn/a.py": b"def f():\\n    return 2\\n"})
        False
    """
    read = any(
        _reads_docstrings(_parse(path, data))
        for path, data in files.items()
        if path.endswith(".py") and re.search(rb"__doc__|getdoc", data)
    )
    lines = "".join(f"{path}\0{_part(path, files[path], read)}\n" for path in sorted(files))
    return hashlib.sha256(lines.encode()).hexdigest()


@functools.lru_cache(maxsize=1024)
def _part(path: str, data: bytes, keep_docstrings: bool) -> str:
    """The SHA-256 of one file's part of the digest (kept for the next digest: most files do not change)."""
    if path.endswith(".py"):
        tree = _parse(path, data)
        if not keep_docstrings:
            own = b"__doc__" in data and any(_is_name(node, "__doc__") for node in ast.walk(tree))
            _strip_docstrings(tree, keep_module=own)
        data = _canonical(tree).encode()
    elif path == "pyproject.toml":
        data = _installation(data)
    return hashlib.sha256(data).hexdigest()


def _parse(path: str, data: bytes) -> ast.Module:
    with warnings.catch_warnings():  # an invalid escape sequence warns on parsing; ruff finds those
        warnings.simplefilter("ignore")
        try:
            return ast.parse(data, filename=path)
        except SyntaxError as error:
            raise ValueError(f"files[{path!r}] must be Python, not code that fails to parse: {error}") from error


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _reads_docstrings(tree: ast.Module) -> bool:
    """Whether the module reads an object's docstring (``x.__doc__``, ``inspect.getdoc``, ``getdoc``)."""
    return any(
        (isinstance(node, ast.Attribute) and node.attr in ("__doc__", "getdoc")) or _is_name(node, "getdoc")
        for node in ast.walk(tree)
    )


def _strip_docstrings(tree: ast.Module, keep_module: bool) -> None:
    """Remove the docstrings of ``tree``'s classes and functions, and its own unless ``keep_module``."""
    for node in ast.walk(tree):
        owner = isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) or (
            isinstance(node, ast.Module) and not keep_module
        )
        if owner and node.body and _is_docstring(node.body[0]):
            node.body = node.body[1:]


def _is_docstring(statement: ast.stmt) -> bool:
    value = getattr(statement, "value", None)
    return isinstance(statement, ast.Expr) and isinstance(value, ast.Constant) and isinstance(value.value, str)


def _canonical(node: object) -> str:
    """A syntax tree as text that no Python version (3.11 to 3.13) writes differently: no empty fields (3.13's
    ``ast.dump`` leaves them out, 3.12 adds ``type_params``), and an f-string's adjacent text joined with its empty
    pieces dropped (3.12.1 adds an empty piece after a nested format field)."""
    if isinstance(node, ast.JoinedStr):
        values: list[ast.expr] = []
        for value in node.values:
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                if not value.value:
                    continue
                if values and isinstance(values[-1], ast.Constant):
                    values[-1] = ast.Constant(values[-1].value + value.value)
                    continue
            values.append(value)
        node = ast.JoinedStr(values=values)
    if isinstance(node, ast.AST):
        fields = [f"{name}={_canonical(v)}" for name, v in ast.iter_fields(node) if v is not None and v != []]
        return f"({type(node).__name__} {' '.join(fields)})"
    if isinstance(node, list):
        return "[" + ",".join(_canonical(v) for v in node) + "]"
    return f"{type(node).__name__}:{node!r}"


def _installation(pyproject: bytes) -> bytes:
    data = tomllib.loads(pyproject.decode("utf-8"))
    project = data.get("project", {})
    kept = {
        "project": {key: project[key] for key in PROJECT_KEYS if key in project},
        "build-system": data.get("build-system"),
        "tool.setuptools": data.get("tool", {}).get("setuptools"),
    }
    return json.dumps(kept, sort_keys=True).encode()


def version_of(files: Mapping[str, bytes]) -> dict[str, str]:
    """The version number each file of :data:`VERSION_LINES` holds, by path (``"?"`` unless its line is there once).

    Example:
        >>> version_of({"pyproject.toml": b'[project]\\nversion = "0.3.0"\\n', "medlearn/__init__.py": b""})
        {'pyproject.toml': '0.3.0', 'medlearn/__init__.py': '?'}
    """
    found = {
        path: re.findall(_version_line(name), files.get(path, b"").decode(), re.M)
        for path, name in VERSION_LINES.items()
    }
    return {path: versions[0] if len(versions) == 1 else "?" for path, versions in found.items()}


def _version_line(name: str) -> str:
    return f'^{name} = "([^"]*)"$'


def _parts(version: str) -> tuple[int, int, int]:
    if not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", version):
        raise ValueError(f"version must be MAJOR.MINOR.PATCH, not {version!r}")
    major, minor, patch = (int(part) for part in version.split("."))
    return major, minor, patch


def next_version(version: str) -> str:
    """The next minor version: a release changes behaviour, and medlearn is before 1.0.

    Example:
        >>> next_version("0.1.0"), next_version("1.9.3")
        ('0.2.0', '1.10.0')
    """
    major, minor, _ = _parts(version)
    return f"{major}.{minor + 1}.0"


def _in_history(commit: str, repo: Path) -> bool:
    ancestor = subprocess.run(["git", "merge-base", "--is-ancestor", commit, "HEAD"], cwd=repo, capture_output=True)
    return ancestor.returncode == 0


def check(repo: Path = REPO) -> list[str]:
    """What is wrong with the recorded release of ``repo``: none recorded, a library whose behaviour differs from
    the release's, a release commit outside HEAD's history or holding another library, another version number.

    Example:
        >>> check()  # doctest: +SKIP
        []
    """
    release = colab.read_release(repo)
    if release is None:
        return [f"no release of medlearn is recorded ({RELEASE}): run {FIX}"]
    files = library_files(repo)
    problems = []
    if behaviour_digest(files) != release.digest:
        problems.append(
            f"medlearn's behaviour (its code without docstrings or comments, its package data, its dependency ranges) "
            f"differs from release {release.version}'s ({RELEASE}): commit the library and run {FIX}"
        )
    if not _in_history(release.commit, repo):
        problems.append(
            f"release {release.version}'s commit {release.commit[:12]} is not in this branch's history: run {FIX}"
        )
    elif behaviour_digest(committed_files(release.commit, repo)) != release.digest:
        problems.append(
            f"release {release.version}'s commit {release.commit[:12]} holds another library than the one {RELEASE} "
            f"records: run {FIX}"
        )
    for path, version in version_of(files).items():
        if version != release.version:
            problems.append(f"{path} says version {version}, not release {release.version}'s: run {FIX}")
    return problems


def release(repo: Path = REPO) -> list[str]:
    """Make a release of ``repo``'s committed library if its behaviour changed, refresh every notebook's Colab cell
    to install the current release, and commit both (see the module's docstring); what it did, one line each.

    Example:
        >>> release()  # doctest: +SKIP
        ['release medlearn 0.1.0 is current (commit 0123456789ab)', "every notebook's Colab cell installs it"]
    """
    dirty = _git(repo, "status", "--porcelain", "--", *COMMITTED)
    if dirty.strip():
        raise SystemExit(f"commit these first (a release is made from the committed tree):\n{dirty}")
    current = colab.read_release(repo)
    if _is_current(current, repo):
        new, done = current, [f"release medlearn {current.version} is current (commit {current.commit[:12]})"]
    else:
        new = _make_release(repo, current)
        done = [f"made release medlearn {new.version}: commit {new.commit[:12]}, tag {new.tag}"]
    record = repo / RELEASE
    text = json.dumps(asdict(new), indent=2) + "\n"
    changed = [] if record.exists() and record.read_text(encoding="utf-8") == text else [RELEASE.as_posix()]
    record.parent.mkdir(parents=True, exist_ok=True)
    record.write_text(text, encoding="utf-8")
    changed += [p.relative_to(repo).as_posix() for p in colab.course_notebooks(repo) if colab.refresh(p, new, repo)]
    if (repo / "locale").is_dir() and any(path != RELEASE.as_posix() for path in changed):
        from authoring.translations import build_editions  # the Chinese editions copy the English cells

        changed += build_editions(repo)
    if changed:
        _git(repo, "add", "--", *changed)
        if new != current:
            message = (
                f"Release medlearn {new.version} ({new.tag}, {new.commit[:12]}): the Colab cells install it ({FIX})"
            )
        else:
            message = f"The Colab cells install medlearn {new.version}, the current release ({FIX})"
        _git(repo, "commit", "--quiet", "--message", message, "--", *changed)
        done.append(f"committed {len(changed)} files: the record and the notebooks whose cell changed")
    done.append(f"every notebook's Colab cell installs medlearn {new.version}")
    return done


def _is_current(release: Release | None, repo: Path) -> bool:
    """Whether ``release``'s commit is in HEAD's history, and both it and HEAD have the behaviour it records."""
    if release is None or not _in_history(release.commit, repo):
        return False
    return (
        behaviour_digest(committed_files("HEAD", repo))
        == release.digest
        == behaviour_digest(committed_files(release.commit, repo))
    )


def _make_release(repo: Path, current: Release | None) -> Release:
    """A new release at HEAD, after committing its version number where it is not written yet."""
    committed = version_of(committed_files("HEAD", repo))
    fresh = current is None or _parts(committed["pyproject.toml"]) > _parts(current.version)
    version = committed["pyproject.toml"] if fresh else next_version(current.version)
    if set(committed.values()) != {version}:
        for path, name in VERSION_LINES.items():
            text = (repo / path).read_text(encoding="utf-8")
            text, count = re.subn(_version_line(name), f'{name} = "{version}"', text, count=1, flags=re.M)
            if count != 1:
                raise SystemExit(f'{path}: no line {name} = "..." to write the version {version} into')
            (repo / path).write_text(text, encoding="utf-8")
        message = f"medlearn {version}: the version number of the release that follows ({FIX})"
        _git(repo, "commit", "--quiet", "--message", message, "--", *VERSION_LINES)
    head = _git(repo, "rev-parse", "HEAD").strip()
    tag = f"v{version}"
    tagged = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"refs/tags/{tag}^{{commit}}"],
        cwd=repo,
        capture_output=True,
        text=True,
    )
    if tagged.returncode == 0 and tagged.stdout.strip() != head:
        raise SystemExit(
            f"the tag {tag} names another commit, {tagged.stdout.strip()[:12]}: delete it (git tag -d {tag}), or "
            "commit a newer version in pyproject.toml and medlearn/__init__.py, and run this again"
        )
    if tagged.returncode:
        _git(repo, "tag", tag, head)
    return Release(version, head, tag, behaviour_digest(committed_files(head, repo)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m authoring.release", description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="report what is not current; change nothing")
    args = parser.parse_args(argv)
    if args.check:
        problems = check()
        problems += [p for path in colab.course_notebooks() for p in colab.check(path)] if not problems else []
        print("\n".join(problems) or "the release is current, and every notebook's Colab cell installs it")
        return 1 if problems else 0
    print("\n".join(release()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
