"""Dummy sequence items for the profile's action D on a sequence: one item that keeps the item's own IOD valid.

PS3.15 Annex E gives D ("replace with a non-zero length value that may be a dummy value and consistent with
the VR") to sequences such as the Content Sequence of an SR and the Verifying Observer Sequence. A sequence's
non-zero length value is at least one item, and an item is valid only when it holds the Type 1 and Type 2
attributes of its path (PS3.5 7.4, PS3.3 for the module): an empty item is not.

An SR's Content Sequence gets one content item built by construction, never copied from the original
(:func:`content_item`): the original's first item can be a spatial coordinate that needs a child, a reference
to an item that is gone, or a concept the report's author coded. Any other sequence gets an item built from
the original's first item, attribute by attribute (:func:`dummy_item`): Type 2 present and empty; Type 1
(and a 1C one the original carries, as its condition is then met) with a dummy value by its VR, except
numbers, which name channels and counts, not people, and are kept; standard UIDs are kept, other UIDs
replaced; a sequence holds one dummy item in turn. A code keeps its value and meaning together (a code's
meaning is that code's, PS3.3 8.3) when its scheme is a standard one (:data:`STANDARD_SCHEMES`); a code of any
other scheme, such as a private "99..." one that can encode a person, becomes a dummy code (:data:`DUMMY_CODE`).

The dummy value of each VR, :data:`DUMMY`, lives here too, for the items and for
:mod:`medlearn.privacy.deidentify`, which re-exports it.
"""

from __future__ import annotations

from typing import Any

from ._uids import replace_uid
from .iods import iod_name, item_types

__all__ = ["COMMENT", "DUMMY", "DUMMY_CODE", "STANDARD_SCHEMES", "content_item", "dummy_item"]

#: Dummy values (action D) by value representation; dates and times keep their format.
DUMMY = {
    "AE": "ANONYMOUS",
    "AS": "000Y",
    "CS": "ANONYMIZED",
    "DA": "19000101",
    "DS": "0",
    "DT": "19000101000000",
    "IS": "0",
    "LO": "ANONYMIZED",
    "LT": "ANONYMIZED",
    "PN": "ANONYMOUS",
    "SH": "ANONYMIZED",
    "ST": "ANONYMIZED",
    "TM": "000000",
    "UC": "ANONYMIZED",
    "UT": "ANONYMIZED",
}
#: Value representations of numbers, kept from the original item.
_KEPT_VRS = frozenset({"AT", "CS", "DS", "FD", "FL", "IS", "OD", "OF", "OL", "SL", "SS", "SV", "UL", "US", "UV"})
#: Coding schemes whose codes are kept whole (value, scheme, version and meaning): DICOM's own, SNOMED CT (and
#: SRT, its retired designator), LOINC and UCUM (PS3.16 Table 8-1). Codes of other schemes become dummy codes.
STANDARD_SCHEMES = frozenset({"DCM", "SCT", "SRT", "LN", "UCUM"})
#: The dummy code: a private scheme's designator begins with "99" (PS3.16 Section 8), and its meaning is its own.
DUMMY_CODE = ("ANONYMIZED", "99DEIDENTIFIED", "ANONYMIZED")
#: The concept of the dummy content item: (121106, DCM, "Comment"), PS3.16 Annex D.
COMMENT = ("121106", "DCM", "Comment")
_CODE_KEYWORDS = ("CodeValue", "CodingSchemeDesignator", "CodingSchemeVersion", "CodeMeaning", "LongCodeValue")


def _code(value: str, scheme: str, meaning: str) -> Any:
    from pydicom.dataset import Dataset

    code = Dataset()
    code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning = value, scheme, meaning
    return code


#: The SR IODs whose content follows no fixed template (PS3.3 A.35.1 to A.35.3, A.35.13, A.35.21): a CONTAINER
#: may CONTAIN a TEXT item there. Every other SR IOD requires a template (Key Object Selection TID 2010, the dose
#: reports TID 10001 and 10011, the CAD reports...), which a one-item dummy cannot follow.
FREE_CONTENT_SR = frozenset(
    {"basic-text-sr", "enhanced-sr", "comprehensive-sr", "comprehensive-3d-sr", "extensible-sr"}
)
#: The SR IODs of the table whose content must follow a template (the structured reports other than the above).
TEMPLATE_SR = frozenset(
    {
        "acquisition-context-sr",
        "chest-cad-sr",
        "colon-cad-sr",
        "enhanced-x-ray-radiation-dose-sr",
        "implantation-plan-sr-document",
        "key-object-selection-document",
        "macular-grid-thickness-and-volume-report",
        "mammography-cad-sr",
        "patient-radiation-dose-sr",
        "performed-imaging-agent-administration-sr",
        "planned-imaging-agent-administration-sr",
        "radiopharmaceutical-radiation-dose-sr",
        "rendition-selection-document",
        "simplified-adult-echo-sr",
        "spectacle-prescription-report",
        "waveform-annotation-sr",
        "x-ray-radiation-dose-sr",
    }
)


def content_item(sop_class_uid: str) -> Any:
    """The dummy SR content item: valid by construction under a CONTAINER, whatever the original held.

    Relationship Type CONTAINS, Value Type TEXT, the concept (121106, DCM, "Comment") and a dummy Text Value
    (the Document Content Macro, PS3.3 C.17.3, and the relationship constraints of the general SR IODs): a TEXT
    item needs no child. An SR IOD whose content must follow a template is refused: its content needs the
    Clean Structured Content Option (PS3.15 E.3.4), not one dummy item.

    Example:
        >>> item = content_item("1.2.840.10008.5.1.4.1.1.88.11")  # Basic Text SR
        >>> item.RelationshipType, item.ValueType, item.ConceptNameCodeSequence[0].CodeMeaning, item.TextValue
        ('CONTAINS', 'TEXT', 'Comment', 'ANONYMIZED')
    """
    from pydicom.dataset import Dataset

    iod = iod_name(sop_class_uid)
    if iod in TEMPLATE_SR:
        raise ValueError(
            f"dataset: SOP class {sop_class_uid!r} ({iod}) is an SR whose content must follow a template; "
            "one dummy content item cannot keep it valid: use the Clean Structured Content Option (PS3.15 E.3.4)"
        )

    item = Dataset()
    item.RelationshipType, item.ValueType = "CONTAINS", "TEXT"
    item.ConceptNameCodeSequence = [_code(*COMMENT)]
    item.TextValue = DUMMY["UT"]
    return item


def _code_item(original: Any) -> Any:
    """A code kept whole when its scheme is standard, otherwise the dummy code."""
    from pydicom.dataset import Dataset

    scheme = str(original.get("CodingSchemeDesignator", "") or "").strip()
    if scheme not in STANDARD_SCHEMES or not original.get("CodeMeaning"):
        return _code(*DUMMY_CODE)
    item = Dataset()
    for keyword in _CODE_KEYWORDS:
        if keyword in original:
            item[keyword] = original[keyword]
    return item


def _value(element: Any, salt: str) -> Any:
    from pydicom.uid import UID

    if element.VR in _KEPT_VRS:
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
        >>> observer = Dataset()
        >>> observer.VerifyingObserverName, observer.VerifyingOrganization = "Smith^Jane", "Saint Example"
        >>> salt = "a long s3cret salt"
        >>> dummy = dummy_item("1.2.840.10008.5.1.4.1.1.88.11", ("VerifyingObserverSequence",), observer, salt)
        >>> dummy.VerifyingObserverName, dummy.VerifyingOrganization, dummy.VerifyingObserverIdentificationCodeSequence
        ('ANONYMOUS', 'ANONYMIZED', <Sequence, length 0>)
    """
    from pydicom.datadict import dictionary_VR, tag_for_keyword
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    types = item_types(sop_class_uid, path, original)
    if "CodeMeaning" in types or "CodeValue" in original:  # a code sequence item (PS3.3 8.8)
        return _code_item(original)
    item = Dataset()
    for keyword, kind in sorted(types.items()):
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
            item.add_new(tag, vr, DUMMY.get(vr, "ANONYMIZED"))
    return item
