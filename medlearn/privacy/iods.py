"""Which attributes each kind of DICOM object must carry: the Type 1 and Type 2 attributes of its IOD's modules.

DICOM PS3.3 defines each Information Object Definition (IOD) as a list of
modules, each Mandatory (M), Conditional (C) or User optional (U), and gives
every attribute of a module a type: 1 (present, with a value), 2 (present,
possibly empty) or 3 (optional). The table is generated from the ``highdicom``
package's copy of the standard by ``python -m authoring.iod_types``; it holds
top-level attributes of Type 1 and 2 only (not those inside sequences, nor the
conditional types 1C and 2C).
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
                types[keyword] = min(types.get(keyword, "3"), kind)  # "1" < "2" < "3": the strictest
    return types


def attribute_type(sop_class_uid: str, keyword: str, *, mandatory_only: bool = False) -> str | None:
    """The strictest type ("1" or "2") of a top-level attribute in any module of the SOP class's IOD, or None.

    With ``mandatory_only``, only the IOD's mandatory modules count (those every object of the class has).

    Example:
        >>> segmentation = "1.2.840.10008.5.1.4.1.1.66.4"
        >>> attribute_type(segmentation, "ContentDate"), attribute_type(segmentation, "InstitutionName")
        ('1', None)
    """
    mandatory = check_bool(mandatory_only, "mandatory_only")
    return _types(sop_class_uid, ("M",) if mandatory else _USAGES).get(str(keyword))


def iod_problems(dataset: Any) -> list[str]:
    """What a dataset lacks for its IOD: each Type 1 attribute of a mandatory module that is absent or empty,
    and each Type 2 attribute of a mandatory module that is absent. An empty list for a conformant header.

    This checks presence only, at the top level, in the mandatory modules: not values, not sequences'
    contents, not conditional modules or types. A SOP class the table does not know is reported as such.

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
    from pydicom.dataset import Dataset

    if not isinstance(dataset, Dataset):
        raise ValueError(f"dataset must be a pydicom Dataset, not {type(dataset).__name__}")
    sop_class = str(dataset.get("SOPClassUID", ""))
    if iod_name(sop_class) is None:
        return [f"SOPClassUID: {sop_class!r} is not a SOP class of the table"]
    problems = []
    for keyword, kind in _types(sop_class, ("M",)).items():
        if keyword not in dataset:
            problems.append(f"{keyword}: type {kind}, absent")
        elif kind == "1" and dataset[keyword].is_empty:
            problems.append(f"{keyword}: type 1, empty")
    return sorted(problems)
