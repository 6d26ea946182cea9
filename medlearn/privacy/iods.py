"""Which attributes each kind of DICOM object must carry: the Type 1, 1C, 2 and 2C attributes of its IOD's modules.

DICOM PS3.3 defines each Information Object Definition (IOD) as a list of
modules, each Mandatory (M), Conditional (C) or User optional (U), and gives
every attribute of a module a type (PS3.5 7.4): 1 (present, with a value), 2
(present, possibly empty), 3 (optional), or 1C and 2C (as 1 and 2 when a
condition holds; otherwise not present, unless the condition says it may be).
The types hold inside the items of a sequence as at the top level. The table is
generated from the ``highdicom`` package's copy of the standard by ``python -m
authoring.iod_types`` (the package data file ``data/iods.json.gz``, read on
first use); it holds the attributes of Type 1, 1C, 2 and 2C by the path of
sequences they sit in, and each module's Type 3 attributes at the top level (to
tell whether a module stays in a copy), but not the conditions, which are prose
in the standard.

Two rules of the standard that the table does not carry are applied here: an SR
content item's value attributes are those of its Value Type (PS3.3 C.17.3,
the SR Document Content Module, and the content item macros of C.18: TEXT needs a Text Value,
CONTAINER a Continuity of Content, ...), and content items nest to any depth
(the Document Relationship Macro of C.17.3 includes itself), so an item of
a Content Sequence inside another follows the same rules.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

from .._validation import check_bool
from ._tables import iod_table

__all__ = [
    "VALUE_TYPE_ATTRIBUTES",
    "attribute_type",
    "iod_name",
    "iod_problems",
    "item_types",
    "only_in_optional_modules",
]

_USAGES = ("M", "C", "U")
_ORDER = ("1", "1C", "2", "2C", "3")  # from the strictest
#: PS3.3 C.17.3 and C.18: the attributes a content item of each Value Type needs for its value.
VALUE_TYPE_ATTRIBUTES: Mapping[str, tuple[str, ...]] = {
    "TEXT": ("TextValue",),
    "CODE": ("ConceptCodeSequence",),
    "NUM": ("MeasuredValueSequence",),
    "DATETIME": ("DateTime",),
    "DATE": ("Date",),
    "TIME": ("Time",),
    "PNAME": ("PersonName",),
    "UIDREF": ("UID",),
    "COMPOSITE": ("ReferencedSOPSequence",),
    "IMAGE": ("ReferencedSOPSequence",),
    "WAVEFORM": ("ReferencedSOPSequence",),
    "SCOORD": ("GraphicData", "GraphicType"),
    "SCOORD3D": ("GraphicData", "GraphicType", "ReferencedFrameOfReferenceUID"),
    "TCOORD": ("TemporalRangeType",),
    "CONTAINER": ("ContinuityOfContent",),
    "TABLE": ("TabulatedValuesSequence",),
}
_BY_VALUE_TYPE = frozenset(k for keywords in VALUE_TYPE_ATTRIBUTES.values() for k in keywords)
_RECURSIVE = "ContentSequence"
#: PS3.3 C.7.6.16: each functional group macro sits in the shared item or in every per-frame item, and the
#: IOD's table of macros makes it mandatory, conditional or optional: no single item needs a given one.
_FUNCTIONAL_GROUPS = frozenset({"SharedFunctionalGroupsSequence", "PerFrameFunctionalGroupsSequence"})
_OVERLAYS = range(0x6000, 0x6020, 2)  # PS3.5 7.6: the overlay groups 6000-601E, even


def iod_name(sop_class_uid: str) -> str | None:
    """The IOD of a SOP Class UID, as highdicom names it, or None for a SOP class the table does not know.

    Example:
        >>> iod_name("1.2.840.10008.5.1.4.1.1.66.4"), iod_name("1.2.3")
        ('segmentation', None)
    """
    return iod_table()["sop_classes"].get(str(sop_class_uid).strip())


def _key(path: Iterable[str]) -> str:
    """A path as the table writes it, with a run of nested Content Sequences read as one (PS3.3 C.17.3)."""
    parts: list[str] = []
    for keyword in path:
        if not (keyword == _RECURSIVE and parts and parts[-1] == _RECURSIVE):
            parts.append(keyword)
    return "/".join(parts)


@functools.cache
def _types(iod: str, usages: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Path to keyword to the strictest type in the IOD's modules of these usages (a top-level sequence's
    items follow the modules of every usage that define the sequence: it is there, so its module is)."""
    table = iod_table()
    types: dict[str, dict[str, str]] = {}
    for module, usage in table["iods"].get(iod, []):
        for path, attributes in table["modules"].get(module, {}).items():
            if usage in usages or path:
                merged = types.setdefault(path, {})
                for keyword, kind in attributes.items():
                    merged[keyword] = min(merged.get(keyword, "3"), kind, key=_ORDER.index)
    return types


def _path(path: Any) -> tuple[str, ...]:
    if isinstance(path, str) or not isinstance(path, Iterable):
        raise ValueError(f"path must be a sequence of sequence keywords, not {path!r}")
    steps = tuple(path)
    if not all(isinstance(p, str) and p for p in steps):
        raise ValueError(f"path must be a sequence of sequence keywords, not {path!r}")
    return steps


def attribute_type(
    sop_class_uid: str, keyword: str, *, path: Iterable[str] = (), mandatory_only: bool = False
) -> str | None:
    """The strictest type ("1", "1C", "2" or "2C") of an attribute in any module of the IOD, or None.

    ``path`` names the sequences the attribute sits in, from the top level (``()``: the top level).
    With ``mandatory_only``, only the IOD's mandatory modules count (those every object of the class has).

    Example:
        >>> segmentation = "1.2.840.10008.5.1.4.1.1.66.4"
        >>> attribute_type(segmentation, "ContentDate"), attribute_type(segmentation, "InstitutionName")
        ('1', None)
        >>> attribute_type("1.2.840.10008.5.1.4.1.1.2.1", "AcquisitionDateTime")  # Enhanced CT: Type 1C
        '1C'
        >>> attribute_type("1.2.840.10008.5.1.4.1.1.88.11", "ValueType", path=["ContentSequence"] * 3)
        '1'
    """
    mandatory = check_bool(mandatory_only, "mandatory_only")
    iod = iod_name(sop_class_uid)
    if iod is None:
        return None
    return _types(iod, ("M",) if mandatory else _USAGES).get(_key(_path(path)), {}).get(str(keyword))


def item_types(sop_class_uid: str, path: Iterable[str], item: Any = None) -> dict[str, str]:
    """The Type 1, 1C, 2 and 2C attributes of an item of the sequence at ``path``, by keyword.

    Given the ``item`` (a pydicom Dataset), an SR content item's value attributes are those of its
    Value Type only, as Type 1 (or 2 where the macro says so), and a content item by reference (with a
    Referenced Content Item Identifier) needs no Value Type nor value (PS3.3 C.17.3).
    In an item of the Shared or Per-Frame Functional Groups Sequence, the functional group macros' own
    sequences are left out: the IOD makes each macro mandatory, conditional or optional, and a macro
    sits either in the shared item or in the per-frame items (PS3.3 C.7.6.16).

    Example:
        >>> from pydicom.dataset import Dataset
        >>> text = Dataset()
        >>> text.ValueType = "TEXT"
        >>> types = item_types("1.2.840.10008.5.1.4.1.1.88.11", ["ContentSequence"], text)
        >>> types["RelationshipType"], types["TextValue"], "ContinuityOfContent" in types
        ('1', '1', False)
    """
    iod = iod_name(sop_class_uid)
    steps = _path(path)
    types = dict(_types(iod, _USAGES).get(_key(steps), {})) if iod else {}
    if len(steps) == 1 and steps[0] in _FUNCTIONAL_GROUPS:
        types = {k: v for k, v in types.items() if not k.endswith("Sequence")}  # the macros, each optional here
    return _by_value_type(types, item)


def _by_value_type(types: dict[str, str], item: Any) -> dict[str, str]:
    """Keep, of the content item macros' attributes, those of the item's own Value Type (PS3.3 C.18)."""
    if item is None or "ValueType" not in types:
        return types
    by_reference = "ReferencedContentItemIdentifier" in item and "ValueType" not in item
    wanted = () if by_reference else VALUE_TYPE_ATTRIBUTES.get(str(item.get("ValueType", "")), ())
    for keyword in _BY_VALUE_TYPE & set(types):
        if keyword in wanted:
            types[keyword] = "2" if types[keyword].startswith("2") else "1"
        else:
            del types[keyword]
    if by_reference:
        types.pop("ValueType", None)
    return types


def _missing(item: Any, types: Mapping[str, str], where: str) -> list[str]:
    problems = []
    for keyword, kind in types.items():
        if kind in ("1C", "2C") and keyword not in item:
            continue  # its condition is prose: absent may be right
        if keyword not in item:
            problems.append(f"{where}{keyword}: type {kind}, absent")
        elif kind in ("1", "1C") and item[keyword].is_empty:
            problems.append(f"{where}{keyword}: type {kind}, empty")
    return problems


def _nested(sop_class: str, dataset: Any, path: tuple[str, ...], where: str) -> list[str]:
    problems = []
    for element in dataset:
        if element.VR != "SQ" or not element.keyword or not element.value:
            continue
        inner = (*path, element.keyword)
        for index, item in enumerate(element.value):
            at = f"{where}{element.keyword}[{index}]"
            problems += _missing(item, item_types(sop_class, inner, item), at + " > ")
            problems += _nested(sop_class, item, inner, at + " > ")
    return problems


@functools.cache
def _overlay_elements() -> dict[str, int]:
    from pydicom.datadict import RepeatersDictionary

    return {entry[4]: int(mask[4:], 16) for mask, entry in RepeatersDictionary.items() if mask.startswith("60xx")}


def _overlay_problems(dataset: Any, sop_class: str) -> list[str]:
    """Each overlay group that holds an Overlay Plane attribute (not only its Group Length and the Overlay
    Activation Layer, 60xx,1001, of a presentation state's Overlay Activation module) must hold the module's
    Type 1 attributes (PS3.3 C.9.2), in an IOD that has an Overlay Plane module at all."""
    iod = iod_name(sop_class)
    if iod is None:
        return []
    elements = _overlay_elements()
    kept = {0x0000, elements["OverlayActivationLayer"]}
    groups = sorted({tag.group for tag in dataset.keys() if tag.group in _OVERLAYS and tag.element not in kept})
    if "overlay-plane" not in {module for module, _ in iod_table()["iods"].get(iod, [])}:
        return [f"overlay group {group:04X}: no Overlay Plane module in the IOD {iod}" for group in groups]
    required = iod_table()["modules"]["overlay-plane"][""]
    problems = []
    for group in groups:
        for keyword, kind in required.items():
            tag = group << 16 | elements[keyword]
            if tag not in dataset:
                problems.append(f"overlay group {group:04X} > {keyword}: type {kind}, absent")
            elif kind == "1" and dataset[tag].is_empty:
                problems.append(f"overlay group {group:04X} > {keyword}: type {kind}, empty")
    return problems


def only_in_optional_modules(sop_class_uid: str, keyword: str, present: Iterable[str] = ()) -> bool:
    """True when an attribute is Type 1, 1C, 2 or 2C at the top level only in modules that the IOD makes
    conditional (C) or user optional (U), and none of those modules' other attributes (of any type, Type 3
    included) is ``present``: removing it then removes its module, which the IOD does not require. A module
    that keeps any attribute stays, and must keep its required ones: in a CT image, Patient's Sex Neutered
    is Type 2C (required for an animal) in the user-optional Patient Study Module (PS3.3 C.7.2.2), which a
    kept Patient's Body Mass Index keeps present.

    Example:
        >>> ecg = "1.2.840.10008.5.1.4.1.1.9.1.1"  # 12-lead ECG: the Waveform Annotation module is C
        >>> only_in_optional_modules(ecg, "WaveformAnnotationSequence"), only_in_optional_modules(ecg, "Modality")
        (True, False)
        >>> ct = "1.2.840.10008.5.1.4.1.1.2"
        >>> [only_in_optional_modules(ct, "PatientSexNeutered", p) for p in ((), ["PatientBodyMassIndex"])]
        [True, False]
    """
    if not isinstance(keyword, str) or not keyword:
        raise ValueError(f"keyword must be an attribute keyword, not {keyword!r}")
    if isinstance(present, str) or not isinstance(present, Iterable):
        raise ValueError(f"present must be a collection of attribute keywords, not {present!r}")
    iod = iod_name(sop_class_uid)
    table = iod_table()
    holders = [
        (usage, {*table["modules"][module][""], *table["type_3"].get(module, ())})
        for module, usage in table["iods"].get(iod or "", [])
        if keyword in table["modules"].get(module, {}).get("", {})
    ]
    others = set(present) - {keyword}
    return bool(holders) and all(usage in ("C", "U") and not others & keywords for usage, keywords in holders)


def iod_problems(dataset: Any, *, nested: bool = True) -> list[str]:
    """What a dataset lacks for its IOD: each Type 1 attribute that is absent or empty, each Type 2
    attribute that is absent, and each Type 1C attribute that is present but empty (a 1C attribute is
    present with a value when its condition holds, and absent or valued otherwise). An empty list when
    none of these is found.

    At the top level, the IOD's mandatory modules are checked. With ``nested`` (the default), so is
    every item of every sequence present, at any depth, by the types of its path (a problem there is
    written with its path, such as ``ContentSequence[0] > ValueType: type 1, absent``), and every
    overlay group (60xx) with an Overlay Plane attribute, which must hold the module's Type 1 attributes (and
    is reported when the IOD has no Overlay Plane module).

    This checks presence only: not values, not conditional modules at the top level, and not the
    conditions of 1C and 2C (a 1C attribute that is absent although its condition holds is not found; a
    2C attribute is not checked). A full validator, such as dciodvfy, checks those. A SOP class the table
    does not know is reported as such.

    Example:
        >>> from pydicom import examples
        >>> iod_problems(examples.ct)
        []
        >>> broken = examples.ct.copy()
        >>> broken.Modality = ""
        >>> del broken.StudyDate
        >>> iod_problems(broken)
        ['Modality: type 1, empty', 'StudyDate: type 2, absent']
        >>> report = examples.ct.copy()
        >>> report.SOPClassUID = "1.2.840.10008.5.1.4.1.1.88.11"  # Basic Text SR
        >>> from pydicom.dataset import Dataset
        >>> report.ContentSequence = [Dataset()]
        >>> [p for p in iod_problems(report) if p.startswith("ContentSequence")]
        ['ContentSequence[0] > RelationshipType: type 1, absent', 'ContentSequence[0] > ValueType: type 1, absent']
    """
    from pydicom.dataset import Dataset

    if not isinstance(dataset, Dataset):
        raise ValueError(f"dataset must be a pydicom Dataset, not {type(dataset).__name__}")
    deep = check_bool(nested, "nested")
    sop_class = str(dataset.get("SOPClassUID", ""))
    iod = iod_name(sop_class)
    if iod is None:
        return [f"SOPClassUID: {sop_class!r} is not a SOP class of the table"]
    from pydicom.datadict import tag_for_keyword

    top = {k: v for k, v in _types(iod, ("M",)).get("", {}).items() if tag_for_keyword(k) is not None}
    top = _by_value_type(top, dataset)  # an SR's root content item is its top level
    problems = _missing(dataset, top, "")  # without a keyword: a repeating group's attribute (60xx overlays)
    if deep:
        problems += _nested(sop_class, dataset, (), "") + _overlay_problems(dataset, sop_class)
    return sorted(problems)
