"""Turn a chapter draft in plain text into a notebook: lines ``%% md`` and ``%% code`` start cells.

    python authoring/drafts/build_draft.py authoring/drafts/14_reconstruction_and_synthesis.txt OUT.ipynb

Text before the first cell marker is the draft's notes and is left out. A draft is not a chapter: it
lives here, outside ``notebooks/``, until it passes the chapter's checks (see CONTRIBUTING.md).
"""

from __future__ import annotations

import re
import sys

import nbformat


def build(source: str) -> nbformat.NotebookNode:
    """The notebook whose cells the draft's markers start."""
    parts = re.split(r"^%% (md|code)\s*$", source, flags=re.M)
    cells = [
        nbformat.v4.new_markdown_cell(body.strip("\n")) if kind == "md" else nbformat.v4.new_code_cell(body.strip("\n"))
        for kind, body in zip(parts[1::2], parts[2::2])
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return notebook


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as draft:
        nbformat.write(build(draft.read()), sys.argv[2])
