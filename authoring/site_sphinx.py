"""A Sphinx extension for the course's site: collapsed cells behind a toggle, and each script once per page.

A chapter's claim cells are collapsed in JupyterLab (cell metadata ``jupyter.source_hidden``); MyST-NB knows
only the ``hide-input`` tag, so each such cell gets it as the notebook is read, and the site shows the cell's
one-line output with a "Show code" toggle above it. Jupyter Book 1 also registers sphinx-thebe's inline
configuration script twice; the second copy re-declares a constant and the browser reports a script error on
every page.
"""

from __future__ import annotations

import json
from typing import Any

HIDE_INPUT = "hide-input"


def hide_collapsed_sources(text: str) -> str:
    """A notebook's JSON with ``hide-input`` added to the tags of every code cell collapsed in JupyterLab.

    Example:
        >>> cell = {"cell_type": "code", "metadata": {"jupyter": {"source_hidden": True}}, "source": ""}
        >>> json.loads(hide_collapsed_sources(json.dumps({"cells": [cell]})))["cells"][0]["metadata"]["tags"]
        ['hide-input']
    """
    nb = json.loads(text)
    changed = False
    for cell in nb.get("cells", []):
        metadata = cell.get("metadata", {})
        if cell.get("cell_type") == "code" and metadata.get("jupyter", {}).get("source_hidden"):
            tags = metadata.setdefault("tags", [])
            if HIDE_INPUT not in tags:
                tags.append(HIDE_INPUT)
                changed = True
    return json.dumps(nb, ensure_ascii=False) if changed else text


def _source_read(app: Any, docname: str, source: list[str]) -> None:
    if str(app.env.doc2path(docname)).endswith(".ipynb"):
        source[0] = hide_collapsed_sources(source[0])


def _unique_scripts(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    seen: set[tuple[str, str]] = set()
    unique = []
    for script in scripts:
        key = (str(getattr(script, "filename", script) or ""), str(getattr(script, "attributes", {}).get("body", "")))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"] = unique


def setup(app: Any) -> dict:
    app.connect("source-read", _source_read)
    app.connect("html-page-context", _unique_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
