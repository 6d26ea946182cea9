"""The repository's folders, defined once for the authoring tools, the tests and the benchmarks.

Example:
    >>> (REPO / "authoring" / "_paths.py").is_file()
    True
"""

from __future__ import annotations

from pathlib import Path

#: The repository's root folder.
REPO = Path(__file__).resolve().parents[1]
