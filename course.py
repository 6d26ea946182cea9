#!/usr/bin/env python3
"""Set up the course in ./.venv and open it, or run its tests. Needs only Python 3.11 to 3.13.

    python3 course.py lab     # set up, then open the course in JupyterLab
    python3 course.py test    # set up, then run the whole test suite (extra arguments go to pytest;
                              # it runs on every core: add -n 0 for one process)

For instructors:

    python3 course.py doctor                 # is this machine ready? (a table; exit status 1 if not)
    python3 course.py handout DIR [--with-data]   # a student bundle: no solutions, no instructor notes
    python3 course.py site                   # the course as a static web site, in _build/html
    python3 course.py grade DIR --out grades.csv  # grade a class's exercise notebooks (medlearn.classroom)

On Windows type ``py`` instead of ``python3``. The first run installs the
course's packages at the versions of ``constraints.txt`` (about a minute); later
runs reuse ``.venv`` until ``pyproject.toml`` or ``constraints.txt`` changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
STAMP = VENV / "medlearn-installed.txt"
SUPPORTED = ((3, 11), (3, 13))
#: The exact versions the course is tested with (pip's constraints); pyproject.toml holds medlearn's ranges.
LOCK = HERE / "constraints.txt"
#: What the classroom path installs beside medlearn: TensorFlow (pyproject.toml says why it is an extra), JupyterLab.
COURSE_EXTRAS = ("lab", "tensorflow")


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


#: Byte-compile what pip installed, on every core. pip compiles on one (measured on two cores: pip alone 72.6 s,
#: pip with --no-compile and then this 64.9 s); a learner's laptop has more cores to gain from. The packages' own
#: test folders (a fifth of the code, never imported by the course) are left out: Python compiles a file when it is
#: first imported anyway.
COMPILE = (
    "import compileall, re, sysconfig; paths = sysconfig.get_paths(); skip = re.compile(r'[\\\\/]tests?[\\\\/]'); "
    "[compileall.compile_dir(p, quiet=2, workers=0, rx=skip) for p in sorted({paths['purelib'], paths['platlib']})]"
)


def run(*command: object) -> None:
    result = subprocess.run([str(c) for c in command], cwd=HERE)
    if result.returncode != 0:
        sys.exit(result.returncode)


def setup(extras: tuple[str, ...] = ("test",)) -> Path:
    """Create .venv and install medlearn with ``extras`` (its test tools) at the locked versions, unless done."""
    low, high = SUPPORTED
    if not low <= sys.version_info[:2] <= high:
        sys.exit(
            f"This course needs Python {low[0]}.{low[1]} to {high[0]}.{high[1]} (TensorFlow has no "
            f"wheels for others); this is Python {sys.version.split()[0]}.\n"
            "Run this script with a supported Python, for example: python3.12 course.py lab\n"
            "(on Windows: py -3.12 course.py lab)"
        )
    python = venv_python()
    if not python.exists():
        print(f"Creating {VENV} ...", flush=True)
        run(sys.executable, "-m", "venv", VENV)
    # The stamp names the ranges, the lock and the venv's Python: a new Python (a dangling .venv) reinstalls.
    pins = (HERE / "pyproject.toml").read_bytes() + LOCK.read_bytes()
    digest = hashlib.sha256(pins + str(python.resolve()).encode()).hexdigest()
    installed = STAMP.read_text().split() if STAMP.exists() else []
    if installed[:1] != [digest] or not set(extras) <= set(installed[1:]):
        print("Installing the course's packages (about a minute the first time) ...", flush=True)
        run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
        wanted = ",".join(sorted({*COURSE_EXTRAS, *extras}))
        run(python, "-m", "pip", "install", "--quiet", "--no-compile", "-c", LOCK, "-e", f".[{wanted}]")
        run(python, "-c", COMPILE)
        kept = set(installed[1:]) if installed[:1] == [digest] else set()
        STAMP.write_text(" ".join([digest, *sorted(kept | set(extras))]) + "\n")
    install_file(HERE / "lab" / "overrides.json", VENV / "share" / "jupyter" / "lab" / "settings")
    # Jupyter's server reads etc/jupyter of its environment: keep medlearn.egg-info (made by the editable
    # install) out of the file browser, beside what Jupyter hides by default.
    install_file(HERE / "lab" / "jupyter_server_config.json", VENV / "etc" / "jupyter")
    return python


def install_file(source: Path, folder: Path) -> None:
    """Copy ``source`` into ``folder`` unless the same bytes are there; a reader never sees half a file."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / source.name
    content = source.read_bytes()
    if target.exists() and target.read_bytes() == content:
        return
    partial = target.with_name(target.name + f".{os.getpid()}.partial")
    partial.write_bytes(content)
    os.replace(partial, target)  # atomic on one file system


def parallel_options(extra: list[str]) -> list[str]:
    """pytest-xdist's options for the whole suite, unless ``extra`` chooses its own (``-n 0``: one process).

    One worker per core; ``--dist loadfile`` keeps each file's tests on one worker: a notebook's cells
    share one kernel, and the tests that run or read course.py's setup are one file. ``--no-loadscope-reorder``
    keeps the files in the order the suite gives them (longest first, tests/conftest.py): pytest-xdist would
    otherwise hand them out by their number of tests, which leaves a long file for the end and one core idle.
    """
    chosen = any(a.startswith(("-n", "--numprocesses", "--dist")) or a in ("no:xdist", "-pno:xdist") for a in extra)
    return [] if chosen else ["-n", "auto", "--dist", "loadfile", "--no-loadscope-reorder"]


# What a student bundle holds: the course without solutions, instructor notes, tests or tools.
HANDOUT_FILES = (
    "START_HERE.md",
    "docs/glossary.md",
    "course.py",
    "pyproject.toml",
    "constraints.txt",
    "environment.yml",
    "postBuild",
)
HANDOUT_FOLDERS = ("medlearn", "notebooks", "lab")
# The Chinese editions that the build writes (authoring/front_pages.py), where there are some: the pages, and the
# chapters and exercises in notebooks/zh_CN and exercises/zh_CN (the folders above and the exercises' own).
HANDOUT_EDITIONS = ("START_HERE.zh-CN.md", "docs/zh_CN/glossary.md")
# Files that go into the bundle under another name: the learner's README replaces the repository's,
# which is written for authors and instructors, and so does its Chinese edition.
HANDOUT_RENAMED = {"handout/README.md": "README.md", "handout/README.zh-CN.md": "README.zh-CN.md"}


def handout(target: Path, with_data: bool) -> None:
    """Copy the learner's part of the course to ``target``; with ``with_data``, the verified data too."""
    if target.exists() and any(target.iterdir()):
        sys.exit(f"{target} exists and is not empty; choose a new folder for the handout.")
    names = [
        *HANDOUT_FILES,
        *(name for name in (*HANDOUT_EDITIONS, *HANDOUT_RENAMED) if (HERE / name).is_file()),
        *(p.relative_to(HERE).as_posix() for p in (HERE / "exercises").glob("*.ipynb")),
        *(p.relative_to(HERE).as_posix() for p in (HERE / "exercises" / "zh_CN").glob("*.ipynb")),
    ]
    for folder in HANDOUT_FOLDERS:
        found = (p.relative_to(HERE) for p in (HERE / folder).rglob("*") if p.is_file())
        names += [p.as_posix() for p in found]
    if (HERE / ".git").exists():  # only what the repository holds: no scratch files, no caches
        listed = subprocess.run(["git", "ls-files"], cwd=HERE, capture_output=True, text=True, check=True).stdout
        tracked = set(listed.splitlines())
        names = [n for n in names if n in tracked]
        shipped = [*HANDOUT_FILES, *HANDOUT_EDITIONS, *HANDOUT_RENAMED, *HANDOUT_FOLDERS, "exercises"]
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", *shipped],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        if changed.strip():
            print("Warning: these files differ from the last commit and go into the handout as they are:")
            print(changed.rstrip())
    for name in sorted(set(names)):
        if "__pycache__" in name or name.endswith(".pyc"):
            continue
        copy = target / HANDOUT_RENAMED.get(name, name)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(HERE / name, copy)
    if with_data:
        python = setup()
        data = target / "data"
        run(python, "-m", "medlearn", "data", "copy", "--to", data)  # each file checked as it arrives
        run(python, "-m", "medlearn", "data", "verify", "--root", data)
    print(f"The handout is in {target}: {'with' if with_data else 'without'} the data files.")


def main(argv: list[str]) -> None:
    if not argv or argv[0] not in ("lab", "test", "doctor", "handout", "site", "grade"):
        sys.exit(__doc__)
    command, extra = argv[0], argv[1:]
    if command == "handout":
        if not extra or extra[0].startswith("-") or set(extra[1:]) - {"--with-data"}:
            sys.exit("usage: python3 course.py handout DIR [--with-data]")
        handout(Path(extra[0]).resolve(), "--with-data" in extra)
        return
    if (HERE / "data").is_dir() and "MEDLEARN_DATA" not in os.environ:
        os.environ["MEDLEARN_DATA"] = str(HERE / "data")  # a handout made with --with-data
    if command == "lab":
        options = ["--LabApp.default_url=/lab/tree/START_HERE.md"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            options.append("--allow-root")
        run(setup(), "-m", "jupyter", "lab", *options, *extra)
    elif command == "doctor":
        run(setup(), "-m", "medlearn", "doctor", *extra)
    elif command == "grade":
        run(setup(), "-m", "medlearn.classroom", *extra)
    elif not (HERE / "tests").is_dir():
        sys.exit(f"This is a student handout: `{command}` works in the course's repository.")
    elif command == "site":
        run(setup(("test", "site")), "-m", "authoring.site", *extra)
    else:
        os.environ["MEDLEARN_STRICT_CLAIMS"] = "1"  # a chapter's false claim fails the tests (medlearn.claims)
        run(setup(("test", "site")), "-m", "pytest", *parallel_options(extra), *extra)


if __name__ == "__main__":
    main(sys.argv[1:])
