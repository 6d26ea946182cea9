"""The header checks' parts: the refusal that names a DICOM attribute, and header values read without trust.

Private to :mod:`medlearn.deploy.dicom_input`, which re-uses :class:`InputRefused` as its public name.
"""

from __future__ import annotations

import datetime

import numpy as np
from pydicom.dataset import Dataset
from pydicom.multival import MultiValue


class InputRefused(ValueError):
    """An input the model must not answer: ``attribute`` is the DICOM keyword (or ``"file"``) at fault."""

    def __init__(self, attribute: str, problem: str, fix: str) -> None:
        self.attribute, self.problem, self.fix = attribute, problem, fix
        super().__init__(f"{attribute}: {problem}. {fix}")


def _refuse_unless(condition: bool, attribute: str, problem: str, fix: str) -> None:
    if not condition:
        raise InputRefused(attribute, problem, fix)


def _raw_length_checked(dataset: Dataset, keyword: str) -> None:
    """Refuse an element whose stored value is far longer than one number, before pydicom converts it."""
    from pydicom.datadict import tag_for_keyword

    item = dataset.get_item(tag_for_keyword(keyword))
    length = getattr(item, "length", None)  # a raw element read from a file, not converted yet
    if length is not None and length > 64:
        raise InputRefused(keyword, f"{length:,} bytes where one value is expected", "Fix the header.")


def _stored(dataset: Dataset, keyword: str, default: object, *, one_value: bool = True) -> object:
    """An attribute's value (``default`` when absent), refused, naming it, when its stored bytes do not fit its VR.

    pydicom converts a value when it is first read; a damaged file can give an element a VR that its bytes do not fit
    (two letters of text under VR FL, say), and the conversion then raises. That is a damaged header, not a crash.

    Example:
        >>> from pydicom.dataset import Dataset
        >>> _stored(Dataset(), "Modality", "")
        ''
    """
    if one_value:  # a sequence's stored length is its items', not one value's
        _raw_length_checked(dataset, keyword)
    try:
        return dataset.get(keyword, default)
    except Exception as error:  # pydicom's conversion errors have no common base but Exception
        raise InputRefused(
            keyword,
            f"its stored value does not fit its value representation ({type(error).__name__})",
            "Fix the header.",
        ) from None


def _header_text(dataset: Dataset, keyword: str) -> str:
    """An attribute's text (empty when absent), refused first when its stored value is far longer than one value.

    Example:
        >>> from pydicom.dataset import Dataset
        >>> dataset = Dataset()
        >>> dataset.Modality = "CR"
        >>> _header_text(dataset, "Modality"), _header_text(dataset, "ViewPosition")
        ('CR', '')
    """
    value = _stored(dataset, keyword, "")
    return "" if value is None else str(value)


def _header_int(dataset: Dataset, keyword: str, default: int) -> int:
    """An integer attribute, or a refusal naming it when its value is not a whole number."""
    value = _stored(dataset, keyword, default)
    if isinstance(value, (list, tuple, MultiValue)):  # counted, never converted or printed: it may be millions long
        raise InputRefused(keyword, f"{len(value):,} values where one is expected", "Fix the header.")
    try:
        return int(value if value not in (None, "") else default)
    except (TypeError, ValueError):
        raise InputRefused(keyword, f"{str(value)[:40]!r} is not a whole number", "Fix the header.") from None


def _header_number(dataset: Dataset, keyword: str, default: float) -> float:
    """A decimal attribute (DS), or a refusal naming it when it is not one finite number."""
    value = _stored(dataset, keyword, default)
    if isinstance(value, (list, tuple, MultiValue)):
        raise InputRefused(keyword, f"{len(value):,} values where one is expected", "Fix the header.")
    try:
        number = float(value if value not in (None, "") else default)
    except (TypeError, ValueError):
        number = float("nan")
    if not np.isfinite(number):
        raise InputRefused(keyword, f"{str(value)[:40]!r} is not a finite number", "Fix the header.")
    return number


def _age_years(age: str) -> float | None:
    """PatientAge (VR AS, 'nnnD', 'nnnW', 'nnnM' or 'nnnY') in years; None when absent, refused when malformed."""
    per_year = {"D": 365.25, "W": 52.18, "M": 12.0, "Y": 1.0}
    if age == "":
        return None
    _refuse_unless(
        len(age) == 4 and age[:3].isdigit() and age[3] in per_year,
        "PatientAge",
        f"{age[:16]!r} is not a DICOM age string (three digits and D, W, M or Y, such as 045Y)",
        "Fix the header: an age that cannot be read cannot be checked.",
    )
    return int(age[:3]) / per_year[age[3]]


def _date(dataset: Dataset, keyword: str) -> datetime.date:
    """A DA value (YYYYMMDD) as a date, refused when malformed."""
    text = _header_text(dataset, keyword).strip()
    try:
        if len(text) == 8 and text.isdigit():
            return datetime.datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        pass
    raise InputRefused(keyword, f"{text[:16]!r} is not a DICOM date (YYYYMMDD)", "Fix the header.")


# Coded alternatives to the two text attributes: Anatomic Region Sequence (PS3.3 C.8.11.2, DX Anatomy Imaged
# Module) and View Code Sequence (PS3.3 C.8.11.5, DX Positioning Module), one item each, with codes from PS3.16
# CID 4009 "DX Anatomy Imaged" and CID 4010 "DX View": SNOMED CT today (pydicom's `codes.SCT.Chest`,
# `AnteroPosterior`, `PosteroAnterior`), and the retired SNOMED-RT ("SRT") codes still found in older files.
_CHEST_CODES = {("SCT", "816094009"), ("SCT", "51185008"), ("SRT", "T-D3000")}
_FRONTAL_VIEW_CODES = {
    ("SCT", "399348003"): "AP",  # antero-posterior
    ("SRT", "R-10206"): "AP",
    ("SCT", "272479007"): "PA",  # postero-anterior
    ("SRT", "R-10214"): "PA",
}


def _coded(dataset: Dataset, keyword: str) -> tuple[str, str, str] | None:
    """The one item of a code sequence as (scheme, value, meaning); None when absent, refused when not one item.

    Example:
        >>> from pydicom.dataset import Dataset
        >>> dataset, item = Dataset(), Dataset()
        >>> item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = "816094009", "SCT", "Chest"
        >>> dataset.AnatomicRegionSequence = [item]
        >>> _coded(dataset, "AnatomicRegionSequence")
        ('SCT', '816094009', 'Chest')
    """
    sequence = _stored(dataset, keyword, None, one_value=False)
    if sequence is None or len(sequence) == 0:
        return None
    _refuse_unless(
        len(sequence) == 1,
        keyword,
        f"{len(sequence):,} items where the standard permits one",
        "Fix the header.",
    )
    item = sequence[0]
    scheme, value = _header_text(item, "CodingSchemeDesignator").strip(), _header_text(item, "CodeValue").strip()
    return scheme, value, _header_text(item, "CodeMeaning").strip()


def _intended_use(dataset: Dataset) -> list[str]:
    """Check body part, view and age where the file gives them; name in the result what was absent, not checked.

    Body part and view are read from their text attributes and from their coded sequences (a DX file may give
    only the codes); where both are present, both must agree with the model's intended use. The age is
    PatientAge, or where that is absent the years from PatientBirthDate to StudyDate when both exist (a
    de-identified file often has neither).
    """
    checks = []
    body_part = _header_text(dataset, "BodyPartExamined").strip().upper()
    _refuse_unless(
        body_part in ("", "CHEST"),
        "BodyPartExamined",
        f"{body_part[:64]} is not the chest",
        "This model reads chest radiographs only; route other body parts elsewhere.",
    )
    region = _coded(dataset, "AnatomicRegionSequence")
    _refuse_unless(
        region is None or region[:2] in _CHEST_CODES,
        "AnatomicRegionSequence",
        f"the coded region {region[1][:16] if region else ''} ({region[2][:40] if region else ''}) is not the chest",
        "This model reads chest radiographs only; route other body parts elsewhere.",
    )
    checks += ["BodyPartExamined"] if body_part else []
    checks += ["AnatomicRegionSequence"] if region else []
    checks += [] if body_part or region else ["BodyPartExamined (absent, not checked)"]
    view = _header_text(dataset, "ViewPosition").strip().upper()
    _refuse_unless(
        view in ("", "AP", "PA"),
        "ViewPosition",
        f"{view[:16]} is not a frontal view (AP or PA)",
        "Send the frontal view; the model never saw lateral views.",
    )
    coded_view = _coded(dataset, "ViewCodeSequence")
    _refuse_unless(
        coded_view is None or coded_view[:2] in _FRONTAL_VIEW_CODES,
        "ViewCodeSequence",
        f"the coded view {coded_view[1][:16] if coded_view else ''} ({coded_view[2][:40] if coded_view else ''})"
        " is not a frontal view (AP or PA)",
        "Send the frontal view; the model never saw lateral views.",
    )
    _refuse_unless(
        not (view and coded_view) or _FRONTAL_VIEW_CODES[coded_view[:2]] == view,
        "ViewCodeSequence",
        f"the coded view ({coded_view[2][:40] if coded_view else ''}) contradicts ViewPosition {view[:16]}",
        "Fix the header: a file that disagrees with itself cannot be checked.",
    )
    checks += ["ViewPosition"] if view else []
    checks += ["ViewCodeSequence"] if coded_view else []
    checks += [] if view or coded_view else ["ViewPosition (absent, not checked)"]
    stated = _header_text(dataset, "PatientAge").strip()
    age, source = _age_years(stated), "PatientAge"
    if age is None:
        if _header_text(dataset, "PatientBirthDate").strip() and _header_text(dataset, "StudyDate").strip():
            birth, study = _date(dataset, "PatientBirthDate"), _date(dataset, "StudyDate")
            age, source = (study - birth).days / 365.25, "PatientAge (from PatientBirthDate and StudyDate)"
            stated = f"{age:.0f} years"
            _refuse_unless(age >= 0, "StudyDate", "the study is dated before the patient's birth", "Fix the header.")
    _refuse_unless(
        age is None or age < 18,
        "PatientAge",
        f"{stated[:16]} is an adult; the model was trained on children aged one to five",
        "Do not use this model for adults.",
    )
    checks.append(source if age is not None else "PatientAge (absent, not checked)")
    return checks
