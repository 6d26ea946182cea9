"""The DICOM Basic Application Level Confidentiality Profile as data: one action per attribute.

The table is DICOM PS3.15 Annex E, Table E.1-1 (the Basic Profile column), in
the edition named by :data:`EDITION`, generated from the ``dicom-anonymizer``
package by ``python -m authoring.deid_profile`` into the package's data file
``data/profile.json``, read on first use (``tests/library/test_privacy.py`` checks the
table against the package, ``tests/library/test_privacy_tables.py`` the file against
the generator).
"""

from __future__ import annotations

import functools

from .._validation import check_int
from ._tables import profile_table

__all__ = ["ACTION_MEANINGS", "EDITION", "profile_action", "profile_attributes"]

#: The edition of the standard the table comes from.
EDITION: str = "2026c"  # the data file's own edition is checked against it on first use

#: What each action code of Table E.1-1 means.
ACTION_MEANINGS = {
    "D": "replace with a non-zero length dummy value consistent with the VR",
    "Z": "replace with a zero length value, or a dummy value consistent with the VR",
    "X": "remove",
    "K": "keep",
    "C": "clean: replace with values of similar meaning known not to identify the patient",
    "U": "replace with a non-zero length UID that is internally consistent within a set of instances",
    "Z/D": "Z unless D is required to keep the object valid",
    "X/Z": "X unless Z is required to keep the object valid",
    "X/D": "X unless D is required to keep the object valid",
    "X/Z/D": "X unless Z or D is required to keep the object valid",
    "X/Z/U*": "X unless Z or a replacement of the UIDs in its items is required to keep the object valid",
}


@functools.cache
def _attributes() -> dict[int, tuple[str, str]]:
    table = profile_table()
    if table["edition"] != EDITION:
        raise RuntimeError(f"data/profile.json is of edition {table['edition']}, not {EDITION}")
    return {int(key, 16): (entry["action"], entry["name"]) for key, entry in table["attributes"].items()}


@functools.cache
def _repeating() -> tuple[tuple[int, int, int, int, str], ...]:
    groups = profile_table()["repeating_groups"]
    return tuple((g["group"], g["element"], g["group_mask"], g["element_mask"], g["action"]) for g in groups)


def profile_action(tag: int) -> str | None:
    """The Basic Profile's action code for an attribute tag (an int such as ``0x00100010``), or None.

    Repeating groups (curves 50xx, overlays 60xx) match through their masks.

    Example:
        >>> profile_action(0x00100010), profile_action(0x00080016), profile_action(0x60023000)
        ('Z', None, 'X')
    """
    tag = check_int(tag, "tag", min_value=0, max_value=0xFFFFFFFF)
    attributes = _attributes()
    if tag in attributes:
        return attributes[tag][0]
    group, element = tag >> 16, tag & 0xFFFF
    for g, e, group_mask, element_mask, action in _repeating():
        if group & group_mask == g and element & element_mask == e & element_mask:
            return action
    return None


def profile_attributes() -> dict[int, tuple[str, str]]:
    """Every attribute of the table: ``{tag: (action, name)}`` (repeating groups not included).

    Example:
        >>> profile_attributes()[0x00100020]
        ('Z/D', 'Patient ID')
    """
    return dict(_attributes())
