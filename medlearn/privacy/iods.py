"""Which attributes each kind of DICOM object must carry: the Type 1, 1C, 2 and 2C attributes of its IOD's modules.

DICOM PS3.3 defines each Information Object Definition (IOD) as a list of
modules, each Mandatory (M), Conditional (C) or User optional (U), and gives
every attribute of a module a type: 1 (present, with a value), 2 (present,
possibly empty), 3 (optional), or 1C and 2C (as 1 and 2 when a condition
holds; otherwise not present, unless the condition says it may be). The table
is generated from the ``highdicom`` package's copy of the standard by
``python -m authoring.iod_types``; it holds the top-level attributes of Type 1,
1C, 2 and 2C with their type, but not the conditions (prose in the standard),
nor the attributes inside sequences.
"""

from __future__ import annotations

from typing import Any

from .._validation import check_bool
from ._iods import IODS

__all__ = ["attribute_type", "iod_name", "iod_problems"]

_USAGES = ("M", "C", "U")


def iod_name(sop_class_uid: str) -> str | None:
    """The IOD of a SOP Class UID, as highdicom names it, or None for a SOP class the table does not know.

    Example:
        >>> iod_name("1.2.840.10008.5.1.4.1.1.66.4"), iod_name("1.2.3")
        ('segmentation', None)
    """
    return IODS["sop_classes"].get(str(sop_class_uid).strip())


def _types(sop_class_uid: str, usages: tuple[str, ...]) -> dict[str, str]:
    iod = iod_name(sop_class_uid)
    types: dict[str, str] = {}
    for module, usage in IODS["iods"].get(iod, []) if iod else []:
        if usage in usages:
            for keyword, kind in IODS["modules"][module].items():
                types[keyword] = min(types.get(keyword, "3"), kind)  # "1" < "1C" < "2" < "2C" < "3": the strictest
    return types


def attribute_type(sop_class_uid: str, keyword: str, *, mandatory_only: bool = False) -> str | None:
    """The strictest type ("1", "1C", "2" or "2C") of a top-level attribute in any module of the IOD, or None.

    With ``mandatory_only``, only the IOD's mandatory modules count (those every object of the class has).

    Example:
        >>> segmentation = "1.2.840.10008.5.1.4.1.1.66.4"
        >>> attribute_type(segmentation, "ContentDate"), attribute_type(segmentation, "InstitutionName")
        ('1', None)
        >>> attribute_type("1.2.840.10008.5.1.4.1.1.2.1", "AcquisitionDateTime")  # Enhanced CT: Type 1C
        '1C'
    """
    mandatory = check_bool(mandatory_only, "mandatory_only")
    return _types(sop_class_uid, ("M",) if mandatory else _USAGES).get(str(keyword))


def iod_problems(dataset: Any) -> list[str]:
    """What a dataset lacks for its IOD, in its mandatory modules: each Type 1 attribute that is absent or
    empty, each Type 2 attribute that is absent, and each Type 1C attribute that is present but empty (a
    1C attribute is present with a value when its condition holds, and absent or valued otherwise). An empty
    list when none of these is found.

    This checks presence only, at the top level, in the mandatory modules: not values, not sequences'
    contents, not conditional modules, and not the conditions of 1C and 2C (a 1C attribute that is absent
    although its condition holds is not found; a 2C attribute is not checked). A full validator, such as
    dciodvfy, checks those. A SOP class the table does not know is reported as such.

    Example:
        >>> from pydicom import examples
        >>> iod_problems(examples.ct)
        []
        >>> broken = examples.ct.copy()
        >>> broken.Modality = ""
        >>> del broken.StudyDate
        >>> iod_problems(broken)
        ['Modality: type 1, empty', 'StudyDate: type 2, absent']
    """
    from pydicom.datadict import tag_for_keyword
    from pydicom.dataset import Dataset

    if not isinstance(dataset, Dataset):
        raise ValueError(f"dataset must be a pydicom Dataset, not {type(dataset).__name__}")
    sop_class = str(dataset.get("SOPClassUID", ""))
    if iod_name(sop_class) is None:
        return [f"SOPClassUID: {sop_class!r} is not a SOP class of the table"]
    problems = []
    for keyword, kind in _types(sop_class, ("M",)).items():
        if tag_for_keyword(keyword) is None:
            continue  # a repeating group's attribute (60xx overlays), which pydicom has no keyword for
        if kind in ("1C", "2C") and keyword not in dataset:
            continue  # its condition is prose: absent may be right
        if keyword not in dataset:
            problems.append(f"{keyword}: type {kind}, absent")
        elif kind in ("1", "1C") and dataset[keyword].is_empty:
            problems.append(f"{keyword}: type {kind}, empty")
    return sorted(problems)
