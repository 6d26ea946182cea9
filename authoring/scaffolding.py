#!/usr/bin/env python3
"""Move the test scaffolding of notebook code cells out of the code and into cell metadata.

    python -m authoring.scaffolding                      # notebooks/, exercises/, exercises/solutions/
    python -m authoring.scaffolding notebooks/NN_name.ipynb
    python -m authoring.scaffolding --check              # exit 1 if any cell still has scaffolding lines

Two kinds of line in a code cell are there for the tests, not for the learner:

- ``# claim: <words of a sentence>``: the sentence of the markdown above that the cell checks.
  The line moves into the cell's metadata, ``"claims": ["<words of a sentence>", ...]``, in order.
  ``tests/course/test_notebook_structure.py`` reads the claims from there.
- ``# NBVAL_IGNORE_OUTPUT`` (and nbval's other comment directives, ``# NBVAL_SKIP``,
  ``# NBVAL_CHECK_OUTPUT``, ``# NBVAL_RAISES_EXCEPTION``): the line becomes nbval's cell tag,
  ``"tags": ["nbval-ignore-output"]`` and so on, which nbval honours in the same way.

The lines are removed from the source (with a blank line the removal would leave at the top,
at the bottom or doubled). Outputs are not touched: nbval compares outputs, not sources, so the
notebook needs no re-execution. The notebook is written as ``nbformat`` writes it (as
``authoring.run_notebooks --store`` does), so ``git diff`` shows only the moved lines and the
new metadata. Running the tool again changes nothing. Authors may keep writing ``# claim:`` lines
while they draft: ``authoring.run_notebooks --store`` and ``authoring.build_exercises`` run this
tool on what they store. After moving lines out of a chapter, the tool refreshes the sections'
reading times (``authoring.sections``), which count code lines.
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from pathlib import Path

import nbformat

from authoring._paths import REPO

FOLDERS = ("notebooks", "exercises", "exercises/solutions")
CLAIM = re.compile(r"^\s*# claim: (.+?)\s*$")
# nbval's comment directives and the cell tags it reads in their place (nbval.plugin.metadata_tags).
TAGS = {
    "NBVAL_IGNORE_OUTPUT": "nbval-ignore-output",
    "NBVAL_CHECK_OUTPUT": "nbval-check-output",
    "NBVAL_SKIP": "nbval-skip",
    "NBVAL_RAISES_EXCEPTION": "nbval-raises-exception",
}
# nbval reads a line that is '#' characters, then the directive, as a directive (nbval.plugin.find_comment_markers).
DIRECTIVE = re.compile(r"^\s*#+\s*(" + "|".join(TAGS) + r")\s*$")


def scaffolding_lines(source: str) -> list[str]:
    """The lines of a cell's source that are claims or nbval directives.

    Example:
        >>> scaffolding_lines("# NBVAL_IGNORE_OUTPUT\\nx = 1\\n# claim: one is one\\nassert x == 1")
        ['# NBVAL_IGNORE_OUTPUT', '# claim: one is one']
    """
    return [line for line in source.split("\n") if CLAIM.match(line) or DIRECTIVE.match(line)]


def split_source(source: str) -> tuple[str, list[str], list[str]]:
    """A cell's source without its scaffolding lines, the claims in order, and the nbval tags.

    Example:
        >>> split_source("# NBVAL_IGNORE_OUTPUT\\n\\nx = 1\\n\\n# claim: one is one\\n\\nassert x == 1")
        ('x = 1\\n\\nassert x == 1', ['one is one'], ['nbval-ignore-output'])
    """
    claims: list[str] = []
    tags: list[str] = []
    kept: list[str] = []
    removed_before = False  # whether a scaffolding line was removed since the last kept line
    for line in source.split("\n"):
        claim, directive = CLAIM.match(line), DIRECTIVE.match(line)
        if claim or directive:
            if claim:
                claims.append(claim.group(1))
            elif TAGS[directive.group(1)] not in tags:
                tags.append(TAGS[directive.group(1)])
            removed_before = True
            continue
        blank = not line.strip()
        if blank and removed_before and (not kept or not kept[-1].strip()):
            continue  # a blank line left at the top, or doubled where lines were removed
        kept.append(line)
        removed_before = False
    if claims or tags:
        while kept and not kept[-1].strip():
            kept.pop()  # a blank line left at the bottom
    return "\n".join(kept), claims, tags


def _syntax(source: str) -> str | None:
    """The cell's code as Python sees it (None when it is not plain Python, IPython magics say)."""
    try:
        return ast.dump(ast.parse(source))
    except SyntaxError:
        return None


def move_cell(cell: dict) -> bool:
    """Move one code cell's scaffolding lines into its metadata; return whether the cell changed."""
    if cell["cell_type"] != "code":
        return False
    source, claims, tags = split_source(cell["source"])
    if not claims and not tags:
        return False
    if _syntax(cell["source"]) != _syntax(source):
        raise ValueError(f"removing the scaffolding lines would change the code of this cell:\n{cell['source'][:200]}")
    cell["source"] = source
    metadata = cell.setdefault("metadata", {})
    if claims:
        metadata["claims"] = list(metadata.get("claims", [])) + [
            c for c in claims if c not in metadata.get("claims", [])
        ]
    if tags:
        metadata["tags"] = list(metadata.get("tags", [])) + [t for t in tags if t not in metadata.get("tags", [])]
    return True


def move_notebook(nb: dict) -> int:
    """Move the scaffolding of every code cell of a notebook; return how many cells changed."""
    return sum(move_cell(cell) for cell in nb["cells"])


def default_paths(repo: Path = REPO) -> list[Path]:
    """Every chapter, learner's exercise and solution notebook."""
    return [path for folder in FOLDERS for path in sorted((repo / folder).glob("[0-9]*.ipynb"))]


def leftovers(path: Path) -> list[str]:
    """The scaffolding lines still in a notebook's code cells, as 'cell N: line' (numbered from 1)."""
    nb = nbformat.read(path, as_version=4)
    return [
        f"cell {number}: {line.strip()}"
        for number, cell in enumerate(nb.cells, start=1)
        if cell.cell_type == "code"
        for line in scaffolding_lines(cell.source)
    ]


def run(paths: list[Path], refresh_sections: bool = True) -> dict[Path, int]:
    """Move the scaffolding of each notebook in place; return the changed cells per changed notebook.

    Chapters (notebooks in a ``notebooks`` folder) that changed get their sections' reading
    times refreshed with ``authoring.sections.run`` on the folder above, unless ``refresh_sections``
    is false.
    """
    changed: dict[Path, int] = {}
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        count = move_notebook(nb)
        if count:
            nbformat.write(nb, path)
            changed[path] = count
    if refresh_sections:
        from authoring import sections

        for root in sorted({path.resolve().parent.parent for path in changed if path.parent.name == "notebooks"}):
            sections.run(root)
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: every chapter, exercise and solution)")
    parser.add_argument("--check", action="store_true", help="only list the scaffolding lines left in code cells")
    args = parser.parse_args(argv)
    paths = args.paths or default_paths()
    if args.check:
        found = {path: leftovers(path) for path in paths}
        for path, lines in found.items():
            for line in lines:
                print(f"{_shown(path)}: {line}")
        return 1 if any(found.values()) else 0
    for path, count in run(paths).items():
        print(f"{_shown(path)}: moved the scaffolding of {count} cells into metadata")
    return 0


def _shown(path: Path) -> Path:
    path = path.resolve()
    return path.relative_to(REPO) if path.is_relative_to(REPO) else path


if __name__ == "__main__":
    sys.exit(main())
