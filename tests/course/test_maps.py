"""The maps of the repository stay true: every library module and every authoring tool is named where a
maintainer looks for it (``medlearn/__init__.py``, the library reference written from the docstrings,
CONTRIBUTING's layout), and the site lists every instructor page without a list to edit."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from helpers import REPO

import medlearn
from authoring import reference, site
from authoring.chapters import read


def library_modules(root: Path = REPO / "medlearn") -> list[str]:
    """The public top-level modules and subpackages of medlearn (no leading underscore, no __main__)."""
    names = [p.stem for p in root.glob("*.py") if not p.stem.startswith("_")]
    names += [p.name for p in root.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name[0] != "_"]
    return sorted(names)


def authoring_tools(root: Path = REPO / "authoring") -> list[str]:
    return sorted(p.stem for p in root.glob("*.py") if p.stem != "__init__")


def missing_from_maps(modules: list[str], tools: list[str]) -> list[str]:
    """Every module or tool that a map leaves out, as '<map>: <name>'."""
    reference = (REPO / "docs" / "reference.md").read_text(encoding="utf-8")
    layout = next(
        line for line in (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8").splitlines() if "| `authoring/`" in line
    )
    missing = [f"medlearn/__init__.py: {m}" for m in modules if f":mod:`medlearn.{m}`" not in medlearn.__doc__]
    missing += [f"library reference: {m}" for m in modules if f"## `medlearn.{m}`" not in reference]
    missing += [f"CONTRIBUTING layout: {t}" for t in tools if not re.search(rf"`{t}`", layout)]
    return missing


def test_every_module_and_authoring_tool_is_on_every_map() -> None:
    modules, tools = library_modules(), authoring_tools()
    assert {"data", "models", "privacy", "doctor", "cli", "check"} <= set(modules)
    assert {"run_notebooks", "site", "wheels"} <= set(tools)
    assert missing_from_maps(modules, tools) == []


def test_a_new_module_or_tool_left_off_the_maps_is_found() -> None:
    found = missing_from_maps(["data", "tomography"], ["run_notebooks", "unmapped_tool"])
    assert found == [
        "medlearn/__init__.py: tomography",
        "library reference: tomography",
        "CONTRIBUTING layout: unmapped_tool",
    ]


def test_the_library_reference_is_written_from_the_docstrings_of_today() -> None:
    assert (REPO / "docs" / "reference.md").read_text(encoding="utf-8") == reference.page(), (
        "docs/reference.md is out of date: python -m authoring.reference"
    )


def test_a_new_instructor_page_appears_on_the_site_without_editing_a_list(tmp_path: Path) -> None:
    for folder in ("notebooks", "exercises"):
        (tmp_path / folder).mkdir()
    shutil.copytree(REPO / "instructors", tmp_path / "instructors")
    (tmp_path / "instructors" / "rubrics.md").write_text("# Rubrics\n", encoding="utf-8")
    last = read()[-1]
    (tmp_path / "instructors" / f"{last.name}.md").unlink()  # a chapter without notes yet
    pages = site.pages(tmp_path)["For instructors"]
    assert pages[0] == "instructors/README"
    assert {"instructors/labs", "instructors/semester", "instructors/judgement"} <= set(pages)
    # Then the chapters' notes, instructors/<name>.md, in the order of the chapter list, where they exist.
    notes = [f"instructors/{c.name}" for c in read()[:-1]]
    assert "instructors/rubrics" in pages[: -len(notes)] and pages[-len(notes) :] == notes
