"""python3 course.py handout: a student bundle with no solution or instructor text in it."""

from __future__ import annotations

import functools
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest
from helpers import REPO

from authoring.chapters import by_name

FORBIDDEN = ("exercises/solutions", "instructors", "authoring", "tests", "benchmarks", ".ci")
TEXT = {".py", ".md", ".ipynb", ".toml", ".yml", ".json", ".txt", ".cfg", ""}


def _norm(text: str) -> str:
    """``text`` with each run of white space made one space and none at its ends: what a regular expression's
    substitution of every run would give, several times faster (the leak check normalises some 700,000 lines)."""
    return " ".join(text.split())


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def solution_blocks() -> list[str]:
    """The text between the solution markers of every solution notebook, and cells tagged solution."""
    blocks = []
    for path in sorted((REPO / "exercises" / "solutions").glob("*.ipynb")):
        for cell in _cells(path):
            source = "".join(cell["source"])
            if "solution" in cell.get("metadata", {}).get("tags", []):
                blocks.append(source)
            blocks += re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", source, flags=re.S)
    return [b for b in blocks if b.strip()]


def instructor_passages() -> list[str]:
    """Every model answer and stumbling-point paragraph of the instructor notes."""
    passages = []
    for path in sorted((REPO / "instructors").glob("*.md")):
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            if paragraph.startswith(("**Model answer.**", "- **")) and len(paragraph) > 80:
                passages.append(paragraph)
    return passages


@functools.cache  # the repository's files do not change during a run
def _learner_visible() -> tuple[set[str], list[str]]:
    """The lines, and the whole texts, of what learners may see: the chapters, their exercises and medlearn."""
    texts = []
    for path in [*(REPO / "notebooks").glob("*.ipynb"), *(REPO / "exercises").glob("*.ipynb")]:
        texts.append("\n".join("".join(cell["source"]) for cell in _cells(path)))
    texts += [path.read_text(encoding="utf-8") for path in (REPO / "medlearn").rglob("*.py")]
    return {_norm(line) for text in texts for line in text.split("\n")}, [_norm(text) for text in texts]


def leaks(folder: Path) -> list[str]:
    """What of the solutions or the instructor notes is in ``folder``: paths, blocks and telling lines."""
    found = [f"forbidden folder: {name}" for name in FORBIDDEN if (folder / name).exists()]
    texts = {}
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix in TEXT and "data" not in path.relative_to(folder).parts[:1]:
            raw = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix == ".ipynb":
                raw = "\n".join("".join(cell["source"]) for cell in json.loads(raw)["cells"])
            texts[path] = (_norm(raw), {_norm(line) for line in raw.split("\n")})
    lines, whole = _learner_visible()
    for block in solution_blocks():
        # What a solution shares with the chapters (a formula the chapter teaches) is no leak.
        own_block = not any(_norm(block) in text for text in whole)
        telling = [_norm(line) for line in block.split("\n") if len(_norm(line)) >= 25]
        telling = [line for line in telling if line not in lines]
        for path, (text, file_lines) in texts.items():
            if (own_block and _norm(block) in text) or any(line in file_lines for line in telling):
                found.append(f"solution text in {path.relative_to(folder)}: {block.strip()[:60]!r}")
    for passage in instructor_passages():
        for path, (text, _) in texts.items():
            if _norm(passage)[:120] in text:
                found.append(f"instructor text in {path.relative_to(folder)}: {passage[:60]!r}")
    return found


# Links in Markdown: [text](target "title"), ![alt](target), [name]: target, and HTML href= and src=.
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*(<[^>\n]*>|[^)\s]+)[^)]*\)")
REFERENCE_LINK = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>\n]*>|\S+)", re.MULTILINE)
HTML_LINK = re.compile(r"<[a-z]+\b[^>]*?\b(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
CODE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1|`[^`\n]*`", re.MULTILINE | re.DOTALL)


def links(markdown: str) -> list[str]:
    """The targets of every link and image in a Markdown text, outside code."""
    text = CODE.sub("", markdown)
    found = [*INLINE_LINK.findall(text), *REFERENCE_LINK.findall(text), *HTML_LINK.findall(text)]
    return [target.strip("<>") for target in found]


def _markdown_texts(folder: Path) -> list[tuple[Path, str]]:
    """Every Markdown file and every markdown cell of every notebook in ``folder``, except the data."""
    texts = []
    for path in sorted(folder.rglob("*")):
        if "data" in path.relative_to(folder).parts[:1] or not path.is_file():
            continue
        if path.suffix == ".md":
            texts.append((path, path.read_text(encoding="utf-8")))
        elif path.suffix == ".ipynb":
            texts += [(path, "".join(c["source"])) for c in _cells(path) if c["cell_type"] == "markdown"]
    return texts


def dead_links(folder: Path) -> list[str]:
    """Relative links in ``folder``'s Markdown that lead to nothing, or out of ``folder``."""
    root, dead = folder.resolve(), []
    for path, text in _markdown_texts(folder):
        for target in links(text):
            if re.match(r"[a-z][a-z0-9+.-]*:|//|#", target, flags=re.IGNORECASE):
                continue  # a web address, mailto:, a notebook attachment, or a place in the same page
            relative = unquote(target.split("#")[0].split("?")[0])
            resolved = (path.parent / relative).resolve()
            if relative.startswith("/") or not resolved.is_relative_to(root) or not resolved.exists():
                dead.append(f"{path.relative_to(folder)}: {target}")
    return dead


def handout_command(target: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "course.py", "handout", str(target), *extra], cwd=REPO, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def handout(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("handout") / "medlearn-handout"
    result = handout_command(target)
    assert result.returncode == 0, result.stdout + result.stderr
    return target


def test_the_detector_has_something_to_find() -> None:
    assert len(solution_blocks()) >= 60 and len(instructor_passages()) >= 60


def test_the_handout_has_the_learners_course(handout: Path) -> None:
    names = ("README.md", "START_HERE.md", "docs/glossary.md", "course.py", "pyproject.toml", "constraints.txt")
    for name in (*names, "lab/overrides.json"):
        assert (handout / name).is_file(), name
    for folder in ("notebooks", "exercises"):
        want = sorted(p.name for p in (REPO / folder).glob("*.ipynb"))
        assert sorted(p.name for p in (handout / folder).glob("*.ipynb")) == want
    assert (handout / "medlearn" / "check" / "core.py").is_file()
    # The Chinese editions that the build writes: the pages, the chapters, their exercises and the checks' messages.
    assert (handout / "README.zh-CN.md").read_text(encoding="utf-8") == (
        REPO / "handout" / "README.zh-CN.md"
    ).read_text(encoding="utf-8")
    for name in ("START_HERE.zh-CN.md", "docs/zh_CN/glossary.md", "medlearn/locale/zh_CN/LC_MESSAGES/medlearn.mo"):
        assert (handout / name).is_file(), name
    for folder in ("notebooks/zh_CN", "exercises/zh_CN"):
        want = sorted(p.name for p in (REPO / folder).glob("*.ipynb"))
        assert want and sorted(p.name for p in (handout / folder).glob("*.ipynb")) == want
    assert not list(handout.rglob("__pycache__")) and not (handout / "data").exists()


def test_no_solution_or_instructor_text_leaks(handout: Path) -> None:
    assert leaks(handout) == []


def test_a_planted_leak_is_found(handout: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(handout, copy)
    convolution = by_name("convolution")
    shutil.copy2(REPO / convolution.solution, copy / convolution.exercise)
    with (copy / "README.md").open("a", encoding="utf-8") as readme:
        readme.write("\n\n" + instructor_passages()[0] + "\n")
    found = leaks(copy)
    assert any(f"solution text in {convolution.exercise}" in f for f in found), found
    assert any("instructor text in README.md" in f for f in found), found
    (copy / "instructors").mkdir()
    assert "forbidden folder: instructors" in leaks(copy)


def test_the_handout_has_a_readme_for_learners(handout: Path) -> None:
    readme = (handout / "README.md").read_text(encoding="utf-8")
    assert readme == (REPO / "handout" / "README.md").read_text(encoding="utf-8")
    assert "python3 course.py lab" in readme and "python3 course.py doctor" in readme
    # Nothing a handout does not hold, or refuses to do.
    for word in ("course.py test", "pytest", "solution", "instructor", "authoring", "benchmark", "course.py site"):
        assert word not in readme.lower(), word
    linked = set(links(readme))
    for folder in ("notebooks", "exercises"):
        for path in (handout / folder).glob("*.ipynb"):
            assert f"{folder}/{path.name}" in linked, f"the README does not link {folder}/{path.name}"


def test_every_link_in_the_handout_resolves_inside_it(handout: Path) -> None:
    assert len(_markdown_texts(handout)) > 100  # the README, START_HERE.md and every notebook's markdown
    assert dead_links(handout) == []


def test_a_dead_link_is_found(handout: Path, tmp_path: Path) -> None:
    copy = tmp_path / "bundle"
    shutil.copytree(handout, copy)
    (tmp_path / "outside.md").write_text("# outside the bundle\n")
    with (copy / "README.md").open("a", encoding="utf-8") as readme:
        readme.write(
            "\nSee the [instructor guide](instructors/README.md), ![a screenshot](docs/screenshots/site-home.png),\n"
            "[a page outside](../outside.md), [a real page](START_HERE.md#top) and `[code](not/a/link.md)`.\n"
            '\n<img src="docs/x.png">\n\n[ref]: CONTRIBUTING.md\n'
        )
    notebook = copy / by_name("convolution").notebook
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    nb["cells"].append({"cell_type": "markdown", "id": "planted", "metadata": {}, "source": ["[notes](../x.ipynb)"]})
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    assert sorted(dead_links(copy)) == [
        "README.md: ../outside.md",
        "README.md: CONTRIBUTING.md",
        "README.md: docs/screenshots/site-home.png",
        "README.md: docs/x.png",
        "README.md: instructors/README.md",
        f"{by_name('convolution').notebook}: ../x.ipynb",
    ]


def test_bad_usage_and_an_existing_folder_are_refused(tmp_path: Path) -> None:
    assert "usage" in handout_command(tmp_path / "x", "--with-dat").stderr
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "file").write_text("x")
    result = handout_command(tmp_path / "full")
    assert result.returncode != 0 and "not empty" in result.stderr
