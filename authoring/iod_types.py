#!/usr/bin/env python3
"""Write medlearn's table of the Type 1, 1C, 2 and 2C attributes of each DICOM IOD's modules, from highdicom.

    python -m authoring.iod_types            # reads the installed highdicom (the version pinned below)
    python -m authoring.iod_types --check    # exit 1 when the stored table differs from it (drift)

DICOM PS3.3 defines, for each Information Object Definition (IOD: CT Image,
Segmentation, Basic Text SR, ...), the modules it is made of, each Mandatory
(M), Conditional (C) or User optional (U), and for each module the type of
each attribute: 1 (present with a value), 2 (present, possibly empty), 3
(optional), or conditional (1C, 2C), at the top level and inside the items of
its sequences (PS3.5 7.4 defines the types; they apply in a sequence's items
as at the top level). The ``highdicom`` package (MIT licence) carries these
tables, parsed from the standard, as JSON files in ``highdicom/_standard``.
This script reads three of them from the installed distribution, without
importing highdicom, and writes ``medlearn/privacy/data/iods.json.gz``: the IOD
of each SOP Class UID, the modules of each IOD with their usage, and, for each
module, the attributes of Type 1, 1C, 2 and 2C by the path of sequences they
sit in (``""`` for the top level, ``"WaveformAnnotationSequence"``, ...), and
the keywords of its Type 3 attributes at the top level (an attribute of one of
them kept in a de-identified copy keeps its module present). The
conditions of 1C and 2C are prose in the standard and are left out; so is the
condition under which a macro is included (highdicom lists a macro's
attributes with their own types). ``tests/library/test_privacy_tables.py`` regenerates
the table in memory and fails when the stored one differs.
"""

from __future__ import annotations

import json
import sys
from importlib import metadata
from pathlib import Path

from .run_notebooks import REPO
from .tables import split_check, write_or_check

PACKAGE = "highdicom"
PACKAGE_VERSION = "0.28.2"
FOLDER = "highdicom/_standard"
TABLES = ("sop_class_iod_map", "iod_module_map", "module_attribute_map")
OUT = REPO / "medlearn" / "privacy" / "data" / "iods.json.gz"

TYPES = ("1", "1C", "2", "2C")
#: Path elements are joined with this; no DICOM keyword holds it.
SEPARATOR = "/"


def installed_tables(package: str = PACKAGE, version: str = PACKAGE_VERSION) -> list[dict]:
    """The three JSON tables of the installed highdicom, read as files (highdicom is not imported).

    Example:
        >>> sop_classes, iods, modules = installed_tables()
        >>> sop_classes["1.2.840.10008.5.1.4.1.1.2"]
        'ct-image'
    """
    found = metadata.version(package)
    if found != version:
        raise SystemExit(f"{package} {found} is installed; the table is pinned to {version}")
    dist = metadata.distribution(package)
    return [json.loads(Path(dist.locate_file(f"{FOLDER}/{name}.json")).read_text()) for name in TABLES]


def build(sop_classes: dict, iods: dict, modules: dict) -> dict:
    """The three tables of the standard, cut down to what medlearn needs: the required types by path, and
    each module's Type 3 attributes at the top level (which keep a module present, but never go into a dummy item).

    Example:
        >>> modules = {"m": [{"keyword": "A", "type": "1", "path": []}, {"keyword": "B", "type": "3", "path": []},
        ...                  {"keyword": "C", "type": "2", "path": ["ASequence"]}]}
        >>> table = build({"1.2": "x"}, {"x": [{"key": "m", "usage": "M"}]}, modules)
        >>> table["modules"], table["type_3"]
        ({'m': {'': {'A': '1'}, 'ASequence': {'C': '2'}}}, {'m': ['B']})
    """
    used = sorted({entry["key"] for entry in (e for entries in iods.values() for e in entries)})
    if not sop_classes or not used or not set(used) & set(modules):
        raise SystemExit("the tables are empty or do not fit together")
    nested: dict[str, dict[str, dict[str, str]]] = {}
    optional: dict[str, list[str]] = {}
    for module in used:
        paths: dict[str, dict[str, str]] = {}
        for attribute in modules.get(module, []):
            if attribute["type"] in TYPES:
                where = SEPARATOR.join(attribute["path"])
                paths.setdefault(where, {})[attribute["keyword"]] = attribute["type"]
            elif attribute["type"] == "3" and not attribute["path"]:
                optional.setdefault(module, []).append(attribute["keyword"])
        nested[module] = {path: dict(sorted(types.items())) for path, types in sorted(paths.items())}
    return {
        "sop_classes": dict(sorted(sop_classes.items())),
        "iods": {iod: [[e["key"], e["usage"]] for e in entries] for iod, entries in sorted(iods.items())},
        "modules": nested,
        "type_3": {module: sorted(set(keywords)) for module, keywords in sorted(optional.items())},
    }


def table() -> dict:
    """The whole table as it is stored, built from the installed highdicom.

    Example:
        >>> table()["modules"]["waveform-annotation"]["WaveformAnnotationSequence"]["ReferencedWaveformChannels"]
        '1'
    """
    return {
        "standard": "DICOM PS3.3, the modules of each IOD and the types (1, 1C, 2, 2C) of their attributes by path",
        "source": f"{PACKAGE} {PACKAGE_VERSION} (MIT), {FOLDER}/*.json",
        **build(*installed_tables()),
    }


def encode(data: dict) -> str:
    """The table's JSON text (stored gzip-compressed, without a time stamp, by :mod:`authoring.tables`).

    Example:
        >>> encode({"a": 1})
        '{\\n"a": 1\\n}\\n'
    """
    return json.dumps(data, indent=0, ensure_ascii=False, sort_keys=False) + "\n"


def main(argv: list[str]) -> int:
    check, rest = split_check(argv)
    if rest:
        raise SystemExit("usage: python -m authoring.iod_types [--check]  (reads the installed highdicom)")
    return write_or_check(OUT, encode(table()), check=check, source=f"{PACKAGE} {PACKAGE_VERSION}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
