"""Reading notebook files quickly: nbformat without jsonschema's optional IRI grammar.

nbformat checks a notebook against its schema with jsonschema. On import, jsonschema builds the grammar of an
optional checker for IRI strings (the package ``rfc3987_syntax``), which takes 1-3 s in every process. The
notebook schema checks no IRI, so a process that only reads and writes notebooks (the grader's child, the
authoring tools) can go without it: :func:`skip_iri_grammar` before the first import of nbformat.

Example:
    >>> skip_iri_grammar()
    >>> import nbformat
    >>> nbformat.validate(nbformat.v4.new_notebook()) is None
    True
"""

from __future__ import annotations

import sys


def skip_iri_grammar() -> None:
    """Make jsonschema skip its optional IRI checker in this process, unless it is loaded already.

    Importing ``rfc3987_syntax`` then fails, which jsonschema expects of an optional package.

    Example:
        >>> skip_iri_grammar()
        >>> "rfc3987_syntax" in sys.modules
        True
    """
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
