"""Open a chapter on Google Colab: an "Open in Colab" badge in its title cell and a setup cell that runs only there.

    python -m authoring.release                                      # after committing a change to what medlearn
                                                                     # does: a release, and every notebook's cell
    python -m authoring.colab notebooks/NN_name.ipynb                # add (or refresh) one notebook's badge and cell
    python -m authoring.colab --check notebooks/*.ipynb              # is every notebook's cell current?
    python -m authoring.colab --out /tmp/colab notebooks/NN_name.ipynb   # a changed copy, elsewhere

The setup cell installs medlearn's current *release* (``authoring/release.json``) from the course's public
repository, not the commit the notebook was stored with, so that a change to the library does not rewrite every
notebook. When to release: after committing a change to what the library does (its code, not its docstrings,
comments or layout; its package data; its dependency ranges), run ``python -m authoring.release``, which makes the
release and rewrites every notebook's cell; the tests fail until then (``authoring/release.py`` says more). The
cell installs the release's commit, not its tag: the commit reaches the public repository with main's history,
where a tag may not.

The cell keeps every package Colab already has at a version medlearn accepts: it first installs medlearn alone
(``--no-deps``), reads medlearn's ranges from what it installed, and then installs the dependencies with Colab's
versions of those packages as pip's constraints, so pip can only add packages, never swap a numpy or a TensorFlow
under the running kernel. Then it fetches the chapter's data files (each checked against its published md5 or
sha256 by ``python -m medlearn data fetch``). Outside Colab (JupyterLab, Binder, the tests) the cell does nothing
and prints nothing, so it needs no stored output, and a new release changes only the cell's source.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from authoring.site import BRANCH, REPO, REPOSITORY

#: The cell's marker: a code cell whose source starts with it is the Colab setup cell (replaced, never duplicated).
MARKER = "# On Google Colab only:"
#: The start of every Colab address: what a title's link begins with. A plain link, not Colab's badge image: that
#: image lives on Google's server, and the course's pages, notebooks and site load nothing from elsewhere (offline
#: in a classroom, and no request that tells a third party who reads what).
COLAB = "https://colab.research.google.com/github/"
#: Title links of every form this tool has written (a badge image before), removed before one is written again.
OLD_LINKS = re.compile(
    r"\n\n(\[!\[Open in Colab\]\([^)]*\)\]|\[Open in Colab\])\(https://colab\.research\.google\.com/[^)]*\)"
)
#: The record of the current release, which every cell installs (written by ``python -m authoring.release``).
RELEASE = Path("authoring") / "release.json"
#: What fixes a cell that is not current.
FIX = "python -m authoring.release"
# The loaders of the archive datasets, by the name `medlearn data fetch` knows them by.
ARCHIVE_LOADERS = {"load_chasedb1": "chasedb1", "load_bccd": "bccd"}


@dataclass(frozen=True)
class Release:
    """A release of medlearn: its version, the commit that holds its library, that commit's local tag, and the
    digest of the library's behaviour (see :func:`authoring.release.behaviour_digest`).

    Example:
        >>> Release("0.1.0", "0" * 40, "v0.1.0", "f" * 64).version
        '0.1.0'
    """

    version: str
    commit: str
    tag: str
    digest: str


def read_release(repo: Path = REPO) -> Release | None:
    """The current release, from ``authoring/release.json`` in ``repo`` (None if no release was made).

    Example:
        >>> read_release().commit == read_release().commit  # doctest: +SKIP
        True
    """
    path = repo / RELEASE
    if not path.exists():
        return None
    return Release(**json.loads(path.read_text(encoding="utf-8")))


def colab_url(path: str, repository: str = REPOSITORY, branch: str = BRANCH) -> str:
    """Colab's address for a notebook of a GitHub repository (``path`` relative to the repository).

    Example:
        >>> colab_url("notebooks/01_example.ipynb", "https://github.com/org/course", "main")
        'https://colab.research.google.com/github/org/course/blob/main/notebooks/01_example.ipynb'
    """
    owner_repo = repository.removeprefix("https://github.com/").rstrip("/")
    if owner_repo == repository or owner_repo.count("/") != 1:
        raise ValueError(f"repository must be https://github.com/OWNER/NAME, not {repository!r}")
    return f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{path}"


def badge(url: str) -> str:
    """The Markdown of the "Open in Colab" link to ``url`` (text, no image from Google's server).

    Example:
        >>> badge("https://colab.research.google.com/github/org/course/blob/main/x.ipynb")
        '[Open in Colab](https://colab.research.google.com/github/org/course/blob/main/x.ipynb)'
    """
    return f"[Open in Colab]({url})"


def chapter_data(cells: list[dict]) -> list[tuple[str, int | None]]:
    """The data files a notebook's code loads: ``(name, size)`` per MedMNIST file (size None: the default 28) or
    archive, in order of first use.

    Example:
        >>> code = 'x = load_medmnist("breastmnist", "train")\\ny = load_medmnist("adrenalmnist3d", "test", size=64)'
        >>> chapter_data([{"cell_type": "code", "source": code}, {"cell_type": "code", "source": "load_bccd()"}])
        [('breastmnist', None), ('adrenalmnist3d', 64), ('bccd', None)]
    """
    from medlearn.data import medmnist_names

    known = set(medmnist_names())
    found: dict[tuple[str, int | None], None] = {}
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        try:
            tree = ast.parse(
                "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
            )
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in ARCHIVE_LOADERS:
                found[(ARCHIVE_LOADERS[name], None)] = None
            elif name == "load_medmnist" and node.args and isinstance(node.args[0], ast.Constant):
                dataset = node.args[0].value
                sizes = [k.value.value for k in node.keywords if k.arg == "size" and isinstance(k.value, ast.Constant)]
                if dataset in known:
                    found[(dataset, sizes[0] if sizes and sizes[0] != 28 else None)] = None
        # A dataset named in a string anywhere in the code (a loop over names, DATASET = "pneumoniamnist").
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in known:
                if not any(dataset == node.value for dataset, _ in found):
                    found[(node.value, None)] = None
    return list(found)


def setup_cell_source(
    version: str, commit: str, data: list[tuple[str, int | None]], repository: str = REPOSITORY
) -> str:
    """The Colab setup cell's code: install medlearn ``version`` from its ``commit`` without moving Colab's
    packages, then fetch ``data``.

    Example:
        >>> source = setup_cell_source("0.1.0", "0" * 40, [("breastmnist", None)], "https://github.com/org/course")
        >>> source.startswith(MARKER), "git+https://github.com/org/course@" + "0" * 40 in source, "0.1.0" in source
        (True, True, True)
    """
    if not re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+", version):
        raise ValueError(f"version must be MAJOR.MINOR.PATCH, not {version!r}")
    if not re.fullmatch(r"[0-9a-f]{40}", commit):
        raise ValueError(f"commit must be 40 hexadecimal digits, not {commit!r}")
    fetches = []
    for size in dict.fromkeys(s for _, s in data):
        names = ", ".join(f'"{n}"' for n, s in data if s == size)
        option = f', "--size", "{size}"' if size else ""
        fetches.append(f'    run(sys.executable, "-m", "medlearn", "data", "fetch", {names}{option})')
    lines = [
        f"{MARKER} install medlearn {version} (the release this notebook was made with), keeping Colab's own",
        "# packages where medlearn accepts them, then fetch this chapter's data (each file checked by its checksum).",
        "import sys",
        "",
        'if "google.colab" in sys.modules:',
        "    import importlib",
        "    import importlib.metadata",
        "    import os",
        "    import subprocess",
        "    import tempfile",
        "",
        "    from packaging.requirements import Requirement",
        "",
        "    def run(*command):",
        "        subprocess.run(command, check=True)",
        "",
        "    def versions():",
        '        return {d.metadata["Name"].lower(): d.version for d in importlib.metadata.distributions()}',
        "",
        f'    commit = "{commit}"  # medlearn {version}',
        f'    source = "medlearn @ git+{repository}@{commit}"',
        "    try:  # installed at this commit already (this cell ran before the session restarted)",
        '        done = commit in (importlib.metadata.distribution("medlearn").read_text("direct_url.json") or "")',
        "    except importlib.metadata.PackageNotFoundError:",
        "        done = False",
        "    if not done:",
        "        before = versions()",
        '        run(sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", source)',
        "        importlib.invalidate_caches()",
        "        keep = []  # the versions Colab has of medlearn's packages, where they lie in medlearn's ranges",
        '        for line in importlib.metadata.requires("medlearn"):',
        "            need = Requirement(line)",
        "            try:",
        "                have = importlib.metadata.version(need.name)",
        "            except importlib.metadata.PackageNotFoundError:",
        "                continue",
        '            own = need.marker is None or need.marker.evaluate({"extra": ""})  # not an extra\'s',
        "            if own and need.specifier.contains(have):",
        '                keep.append(f"{need.name}=={have}")',
        '        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as constraints:',
        '            constraints.write("\\n".join(keep))',
        '        run(sys.executable, "-m", "pip", "install", "--quiet", "-c", constraints.name, source)',
        "        importlib.invalidate_caches()",
        "        after = versions()",
        '        replaced = sorted(f"{n} {before[n]} -> {v}" for n, v in after.items() if before.get(n, v) != v)',
        '        print("medlearn installed; pip replaced", ", ".join(replaced) or "none of Colab\'s packages")',
        "        # A replaced package this session has already imported keeps its old code in memory: Colab must",
        "        # restart the session (its files are kept); run this cell again then, and it skips the install.",
        '        imported = {m.split(".")[0] for m in sys.modules}',
        "        owners = importlib.metadata.packages_distributions()",
        "        loaded = {d.lower() for m in imported for d in owners.get(m, [])}",
        "        stale = sorted(n for n in loaded if before.get(n, after.get(n)) != after.get(n))",
        "        if stale:",
        '            print("Already loaded in this session:", ", ".join(stale), "- Colab restarts the session now;")',
        '            print("when it has, run this cell again.", flush=True)',
        "            os.kill(os.getpid(), 9)",
        *fetches,
    ]
    return "\n".join(lines)


def apply(
    notebook: nbformat.NotebookNode,
    path: str,
    release: Release,
    repository: str = REPOSITORY,
    branch: str = BRANCH,
    data: list[tuple[str, int | None]] | None = None,
) -> nbformat.NotebookNode:
    """``notebook`` with the badge in its title cell and the setup cell first in its Setup section (or after the
    title), installing ``release``; a second run replaces both instead of adding them again. ``data``: the files the
    cell fetches (by default, what the notebook's own code loads; :func:`fetched_data` says what a learner's copy
    fetches).

    The cell is collapsed (a learner on JupyterLab or the site does not read it) and prints nothing outside
    Colab, so a stored notebook stays a stored run: a new cell takes its place in the order of execution (the
    counts after it move up by one), a replaced one keeps its count.
    """
    old = [c for c in notebook["cells"] if _is_setup_cell(c)]
    cells = [c for c in notebook["cells"] if not _is_setup_cell(c)]
    title = cells[0]
    if title["cell_type"] != "markdown" or not "".join(title["source"]).startswith("# "):
        raise ValueError(f"{path}: the first cell must be the markdown title")
    text = OLD_LINKS.sub("", title["source"])
    heading, rest = text.split("\n", 1)
    title["source"] = f"{heading}\n\n{badge(colab_url(path, repository, branch))}\n{rest}"
    data = chapter_data(cells) if data is None else data
    source = setup_cell_source(release.version, release.commit, data, repository)
    setup = nbformat.v4.new_code_cell(source)
    # The replaced cell's id, or one made from the path: a second run writes the same notebook.
    setup.id = old[0].get("id") if old and old[0].get("id") else hashlib.sha256(path.encode()).hexdigest()[:8]
    setup.metadata["tags"] = ["colab-setup"]
    setup.metadata["jupyter"] = {"source_hidden": True}
    at = next((i + 1 for i, c in enumerate(cells) if c["cell_type"] == "markdown" and _heading(c) == "## Setup"), 1)
    cells.insert(at, setup)
    code = [c for c in cells if c["cell_type"] == "code"]
    if old:
        setup.execution_count = old[0].get("execution_count")
    elif code[1:] and all(c.get("execution_count") for c in code if c is not setup):
        for number, cell in enumerate(code, start=1):  # a stored run: the cell runs in its place
            cell.execution_count = number
            for output in cell.get("outputs", []):
                if "execution_count" in output:
                    output["execution_count"] = number
    notebook.cells = cells
    return notebook


def remove(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """``notebook`` without its badge and setup cell (as it was before :func:`apply`; execution counts aside)."""
    notebook.cells = [c for c in notebook["cells"] if not _is_setup_cell(c)]
    title = notebook.cells[0]
    title["source"] = OLD_LINKS.sub("", title["source"])
    return notebook


def course_notebooks(repo: Path = REPO) -> list[Path]:
    """Every notebook a learner may open on Colab: the chapters, the exercise solutions and the learner's copies."""
    folders = (repo / "notebooks", repo / "exercises" / "solutions", repo / "exercises")
    return [path for folder in folders for path in sorted(folder.glob("[0-9]*.ipynb"))]


def _heading(cell: dict) -> str:
    return "".join(cell["source"]).split("\n", 1)[0].strip()


def _is_setup_cell(cell: dict) -> bool:
    return cell["cell_type"] == "code" and "".join(cell["source"]).startswith(MARKER)


def fetched_data(path: Path) -> list[tuple[str, int | None]]:
    """The data files the setup cell of the notebook at ``path`` fetches: what its code loads, or, for a learner's
    copy (``exercises/NAME.ipynb``), what its solution (``exercises/solutions/NAME.ipynb``) loads.

    Example:
        >>> from authoring.chapters import read
        >>> ("breastmnist", None) in fetched_data(REPO / read()[0].notebook)
        True
    """
    solution = path.parent / "solutions" / path.name
    if path.parent.name == "exercises" and solution.exists():
        path = solution
    return chapter_data(nbformat.read(path, as_version=4)["cells"])


def refresh(path: Path, release: Release, repo: Path = REPO, out: Path | None = None) -> bool:
    """Write the badge and the setup cell of ``release`` into the notebook at ``path`` (in ``repo``), or into the
    folder ``out``; True when the notebook's text changed (a notebook already current is not written again).

    Example:
        >>> from authoring.chapters import read
        >>> refresh(REPO / read()[0].notebook, read_release())  # doctest: +SKIP
        False
    """
    relative = path.resolve().relative_to(repo.resolve()).as_posix()
    before = path.read_text(encoding="utf-8")
    text = nbformat.writes(apply(nbformat.reads(before, as_version=4), relative, release, data=fetched_data(path)))
    text = text if text.endswith("\n") else text + "\n"
    target = out / path.name if out else path
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return False
    target.write_text(text, encoding="utf-8")
    return True


def check(path: Path, release: Release | None = None, repo: Path = REPO) -> list[str]:
    """What is out of date in one notebook: no badge, no setup cell, or a cell that is not the one
    :func:`refresh` writes for ``release`` (by default the current release of ``repo``).

    Example:
        >>> from authoring.chapters import read
        >>> check(REPO / read()[0].notebook)  # doctest: +SKIP
        []
    """
    release = release or read_release(repo)
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    problems = []
    if f"[Open in Colab]({COLAB}" not in "".join(cells[0]["source"]):
        problems.append(f"{path}: no Open in Colab badge in the title cell")
    setups = [c for c in cells if _is_setup_cell(c)]
    if len(setups) != 1:
        return [*problems, f"{path}: {len(setups)} Colab setup cells, not 1"]
    if release is None:
        return [*problems, f"{path}: no release of medlearn is recorded ({RELEASE}): run {FIX}"]
    source = "".join(setups[0]["source"])
    pinned = re.search(r'commit = "([0-9a-f]{40})"(?:  # medlearn ([0-9.]+))?', source)
    if pinned is None or pinned.group(1) != release.commit:
        installed = f"medlearn {pinned.group(2) or 'at'} {pinned.group(1)[:12]}" if pinned else "no commit"
        problems.append(
            f"{path}: the setup cell installs {installed}, not the current release, medlearn {release.version} "
            f"at {release.commit[:12]}: run {FIX}"
        )
    elif source != setup_cell_source(release.version, release.commit, fetched_data(path)):
        problems.append(f"{path}: the setup cell is not the one the tool writes now (its data or its text): run {FIX}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m authoring.colab", description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--check", action="store_true", help="report notebooks whose badge or cell is not current")
    parser.add_argument("--out", type=Path, help="write the changed notebooks into this folder instead of in place")
    args = parser.parse_args(argv)
    if args.check:
        problems = [p for path in args.notebooks for p in check(path)]
        print("\n".join(problems) or "every notebook's Colab badge and setup cell are current")
        return 1 if problems else 0
    release = read_release()
    if release is None:
        raise SystemExit(f"no release of medlearn is recorded ({RELEASE}): run {FIX}")
    for path in args.notebooks:
        target = args.out / path.name if args.out else path
        changed = refresh(path, release, out=args.out)
        print(f"{target}: {'written' if changed else 'already current'}, medlearn {release.version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
