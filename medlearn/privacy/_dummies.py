"""Dummy sequence items for the profile's action D on a sequence: one item that keeps the item's own IOD valid.

PS3.15 Annex E gives D ("replace with a non-zero length value that may be a dummy value and consistent with
the VR") to sequences such as the Content Sequence of an SR and the Waveform Annotation Sequence (X/D, where
the sequence is Type 1). A sequence's non-zero length value is at least one item, and an item is valid only
when it holds the Type 1 and Type 2 attributes of its path (PS3.5 7.4, PS3.3 for the module): an empty
item is not. The dummy item is built from the original's first item, attribute by attribute: Type 2 present
and empty; Type 1 (and a 1C one the original carries, as its condition is then met) with a dummy value by
its VR, except codes and numbers, which name concepts and channels, not people, and are kept; standard UIDs
are kept, other UIDs replaced; a sequence holds one dummy item in turn. A content item's own Content Sequence
is left out: the dummy has no children, and an SR content item with none needs no Content Sequence (Type 1C,
in the Document Relationship Macro, PS3.3 C.17.3).
"""

from __future__ import annotations

from typing import Any

from .iods import item_types

__all__ = ["dummy_item"]

#: Value representations of codes and numbers, kept from the original item.
_KEPT_VRS = frozenset({"AT", "CS", "DS", "FD", "FL", "IS", "OD", "OF", "OL", "SL", "SS", "SV", "UL", "US", "UV"})
#: The coded part of a code sequence item (PS3.3 8.1 and 8.2): the concept, not the person.
_KEPT_KEYWORDS = frozenset({"CodeValue", "CodingSchemeDesignator", "CodingSchemeVersion", "LongCodeValue"})


def _value(element: Any, salt: str) -> Any:
    from pydicom.uid import UID

    from .deidentify import DUMMY, replace_uid

    if element.VR in _KEPT_VRS or element.keyword in _KEPT_KEYWORDS:
        return element.value
    if element.VR == "UI":
        values = element.value if element.VM > 1 else [element.value]
        new = [v if UID(str(v)).name != str(v) else replace_uid(v, salt) for v in values]  # a named UID: standard
        return new if element.VM > 1 else new[0]
    if element.VR in ("OB", "OW", "UN"):
        return b"\x00\x00"
    return DUMMY.get(element.VR, "ANONYMIZED")


def dummy_item(sop_class_uid: str, path: tuple[str, ...], original: Any, salt: str) -> Any:
    """A dummy item for the sequence at ``path`` (keywords from the top level), built from ``original``.

    Example:
        >>> from pydicom.dataset import Dataset
        >>> item = Dataset()
        >>> item.RelationshipType, item.ValueType, item.TextValue = "CONTAINS", "TEXT", "Mr Smith was seen"
        >>> dummy = dummy_item("1.2.840.10008.5.1.4.1.1.88.11", ("ContentSequence",), item, "a secret salt")
        >>> dummy.RelationshipType, dummy.ValueType, dummy.TextValue
        ('CONTAINS', 'TEXT', 'ANONYMIZED')
    """
    from pydicom.datadict import dictionary_VR, tag_for_keyword
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    item = Dataset()
    for keyword, kind in sorted(item_types(sop_class_uid, path, original).items()):
        tag = tag_for_keyword(keyword)
        if tag is None:
            continue
        vr = original[keyword].VR if keyword in original else dictionary_VR(tag)
        if kind in ("1C", "2C") and (keyword not in original or keyword == "ContentSequence"):
            continue  # absent: its condition is not known to hold; content: the dummy item has no children
        if kind.startswith("2"):
            item.add_new(tag, vr, [] if vr == "SQ" else None)
        elif vr == "SQ":
            first = original[keyword].value[0] if keyword in original and original[keyword].value else Dataset()
            item.add_new(tag, vr, Sequence([dummy_item(sop_class_uid, (*path, keyword), first, salt)]))
        elif keyword in original and not original[keyword].is_empty:
            item.add_new(tag, vr, _value(original[keyword], salt))
        elif vr not in _KEPT_VRS and vr != "UI":  # a text or date value can be a dummy; a number cannot be invented
            from .deidentify import DUMMY

            item.add_new(tag, vr, DUMMY.get(vr, "ANONYMIZED"))
    return item
