#!/usr/bin/env python3
"""Write medlearn's table of the DICOM Basic Application Level Confidentiality Profile from dicom-anonymizer.

    python -m authoring.deid_profile     # reads the installed dicom-anonymizer (the version pinned below)

DICOM PS3.15 Annex E, Table E.1-1 lists, for every attribute that can identify
a patient, the action of the Basic Profile: D (replace with a dummy value), Z
(zero length or a dummy), X (remove), K (keep), C (clean), U (replace UIDs
consistently) and the combined codes (Z/D, X/Z, X/D, X/Z/D, X/Z/U*: the first
unless the object's definition needs the attribute, then the next). The
``dicom-anonymizer`` package (BSD-3-Clause) carries that column, transcribed
from the standard, for several editions, as Python lists of tags with the
attribute names in comments. This script reads the lists of one edition from
the installed distribution's file without importing or running it
(``ast.literal_eval`` of each list, the names from the comments) and writes
``medlearn/privacy/data/profile.json``. ``tests/library/test_privacy.py`` checks that
the table agrees with the installed package, list by list, and
``tests/library/test_privacy_tables.py`` that the stored file is what this script writes.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from importlib import metadata
from pathlib import Path

from .run_notebooks import REPO
from .tables import split_check, write_or_check

PACKAGE = "dicom-anonymizer"
PACKAGE_VERSION = "2.1.0"
EDITION = "2026c"
MODULE = f"dicomanonymizer/dicom_anonymization_databases/dicomfields_{EDITION}.py"
OUT = REPO / "medlearn" / "privacy" / "data" / "profile.json"

#: The package's list names and the standard's action codes.
ACTIONS = {
    "D_TAGS": "D",
    "Z_TAGS": "Z",
    "X_TAGS": "X",
    "U_TAGS": "U",
    "Z_D_TAGS": "Z/D",
    "X_Z_TAGS": "X/Z",
    "X_D_TAGS": "X/D",
    "X_Z_D_TAGS": "X/Z/D",
    "X_Z_U_STAR_TAGS": "X/Z/U*",
}
LINE = re.compile(r"\(0x([0-9A-Fa-f]{4}), 0x([0-9A-Fa-f]{4})\),\s*#\s*(.+?)\s*$", re.MULTILINE)


MASKED = re.compile(
    r"\(0x([0-9A-Fa-f]{4}), 0x([0-9A-Fa-f]{4}), 0x[0-9A-Fa-f]{4}, 0x[0-9A-Fa-f]{4}\),\s*#\s*(.+?)\s*$", re.M
)


def read_profile(source: str) -> tuple[dict[str, dict[str, str]], list[dict]]:
    """The module's lists as ``{"GGGGEEEE": {"action": code, "name": name}}``, and the repeating groups
    (such as overlays, 60xx) as a list of ``{"group", "element", "group_mask", "element_mask", "action", "name"}``."""
    names = {f"{g.upper()}{e.upper()}": name for g, e, name in LINE.findall(source) + MASKED.findall(source)}
    table: dict[str, dict[str, str]] = {}
    repeating: list[dict] = []
    found = set()
    for node in ast.parse(source).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1):
            continue
        target = getattr(node.targets[0], "id", "")
        if target not in ACTIONS:
            continue
        found.add(target)
        for entry in ast.literal_eval(node.value):
            key = f"{entry[0]:04X}{entry[1]:04X}"
            if len(entry) == 4:  # (group, element, group mask, element mask)
                group, element, group_mask, element_mask = entry
                repeating.append(
                    {
                        "group": group,
                        "element": element,
                        "group_mask": group_mask,
                        "element_mask": element_mask,
                        "action": ACTIONS[target],
                        "name": names.get(key, ""),
                    }
                )
                continue
            if key in table:
                raise SystemExit(f"({key[:4]},{key[4:]}) is in two lists: {table[key]['action']} and {target}")
            table[key] = {"action": ACTIONS[target], "name": names.get(key, "")}
    if set(ACTIONS) - found:
        raise SystemExit(f"{MODULE} lacks the lists {sorted(set(ACTIONS) - found)}")
    return dict(sorted(table.items())), repeating


def installed_source(package: str = PACKAGE, version: str = PACKAGE_VERSION) -> str:
    """The text of the edition's module in the installed dicom-anonymizer (read as a file, not imported).

    Example:
        >>> "X_TAGS" in installed_source()
        True
    """
    found = metadata.version(package)
    if found != version:
        raise SystemExit(f"{package} {found} is installed; the table is pinned to {version}")
    return Path(metadata.distribution(package).locate_file(MODULE)).read_text()


def table() -> dict:
    """The whole table as it is stored, built from the installed dicom-anonymizer.

    Example:
        >>> table()["attributes"]["00100010"]
        {'action': 'Z', 'name': "Patient's Name"}
    """
    data: dict = {
        "standard": "DICOM PS3.15 Annex E, Table E.1-1, Basic Profile column",
        "edition": EDITION,
        "source": f"{PACKAGE} {PACKAGE_VERSION} (BSD-3-Clause), {MODULE}",
    }
    data["attributes"], data["repeating_groups"] = read_profile(installed_source())
    return data


def encode(data: dict) -> str:
    """The stored text of the table.

    Example:
        >>> encode({"a": 1})
        '{\\n "a": 1\\n}\\n'
    """
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    check, rest = split_check(argv)
    if rest:
        raise SystemExit("usage: python -m authoring.deid_profile [--check]  (reads the installed dicom-anonymizer)")
    return write_or_check(OUT, encode(table()), check=check, source=f"{PACKAGE} {PACKAGE_VERSION}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
