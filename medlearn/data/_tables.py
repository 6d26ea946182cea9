"""The generated tables that ship as package data beside this module, read once each.

- ``medmnist_files.json``: every MedMNIST file's md5 and facts, written by ``python -m authoring.medmnist_catalog``
  from the ``medmnist`` package's own ``medmnist/info.py``;
- ``bccd.sha256``: the sha256 of each file of BCCD, in the format of ``sha256sum`` (``<hash>  <path>``, sorted by
  path), written by ``python -m authoring.bccd_checksums`` from the data set's archive.

Both are data, not code: edit them only through their generator (``tests/library/test_medmnist_catalog.py`` and
``tests/library/test_data_bccd.py`` fail when a table drifts from its source).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

MEDMNIST_TABLE = "medmnist_files.json"
BCCD_TABLE = "bccd.sha256"


def _text(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


@cache
def medmnist_files() -> dict:
    """The MedMNIST table: ``{"source", "record", "datasets": {name: {..., "md5": {size: md5}}}}``.

    Example:
        >>> medmnist_files()["datasets"]["breastmnist"]["md5"]["28"]
        '750601b1f35ba3300ea97c75c52ff8f6'
    """
    return json.loads(_text(MEDMNIST_TABLE))


def parse_sha256sums(text: str) -> dict[str, str]:
    """``{path: sha256}`` from the lines ``<hash>  <path>`` of ``sha256sum``'s output.

    Example:
        >>> parse_sha256sums("ab12  LICENSE\\n")
        {'LICENSE': 'ab12'}
    """
    return {path: digest for digest, path in (line.split(maxsplit=1) for line in text.splitlines() if line.strip())}


@cache
def bccd_files() -> dict[str, str]:
    """The sha256 of each of BCCD's 734 files, by path inside the data set.

    Example:
        >>> len(bccd_files()), bccd_files()["LICENSE"][:12]
        (734, 'e2b611c8f321')
    """
    return parse_sha256sums(_text(BCCD_TABLE))
