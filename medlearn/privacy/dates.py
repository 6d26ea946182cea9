"""Dates moved by an offset, for the profile's Retain Longitudinal Temporal Information with Modified Dates Option.

:func:`shift_date` moves one DICOM date (``DA``) or date-time (``DT``); :func:`shift_element` moves every
value of one attribute; :data:`DateShift` is what :func:`~medlearn.privacy.deidentify` takes as its offset:
one number of days for all, or a key table by the original Patient ID (a mapping or a function of it).

Example:
    >>> shift_date("20240229", 1)
    '20240301'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from .._validation import check_int

__all__ = ["DateShift", "shift_date", "shift_element"]

DateShift = int | Mapping[str, int] | Callable[[str], int]
_ZONE = re.compile(r"[+-][0-9]{4}$")


def shift_date(value: str, days: int, vr: str = "DA") -> str:
    """A DICOM date (``DA``) or date-time (``DT``) moved by ``days``, in the standard's format.

    Old ACR-NEMA forms such as ``"1997.04.03"`` or ``"1997.04."`` are read too. A date given to the
    month or the year only stands for its first day: shifted, it becomes a full ``DA`` date (the
    standard's only form), while a ``DT`` keeps its precision, and its UTC offset (``&ZZXX``, PS3.5
    table 6.2-1, which allows the components after the year to be left out). Empty stays empty.

    Example:
        >>> shift_date("20240229", 1), shift_date("1997.04.", -40), shift_date("20010203101010.5", 2, "DT")
        ('20240301', '19970220', '20010205101010.5')
        >>> shift_date("202403+0100", 40, "DT"), shift_date("20240301235959-0500", -1, "DT")
        ('202404+0100', '20240229235959-0500')
    """
    text, offset = str(value).strip(), ""
    if not text:
        return text
    if vr == "DT" and _ZONE.search(text):
        text, offset = text[:-5], text[-5:]
    head, tail = (text[:8], text[8:]) if vr == "DT" else (text, "")
    digits = re.sub(r"[^0-9]", "", head)  # the ACR-NEMA dots of an old DA; a DT has digits only
    if len(digits) not in (4, 6, 8) or (vr == "DT" and digits != head):
        raise ValueError(f"value {value!r} is not a DICOM date")
    year, month, day = int(digits[:4]), int(digits[4:6] or 1), int(digits[6:8] or 1)
    moved = dt.date(year, month, day) + dt.timedelta(days=int(days))
    return moved.strftime("%Y%m%d")[: len(digits) if vr == "DT" else 8] + tail + offset


def shift_element(element: Any, days: int) -> None:
    """Move every value of a ``DA`` or ``DT`` attribute by ``days``, in place; a date-time loses its UTC offset.

    The offset goes because the profile removes Timezone Offset From UTC (0008,0201): a zone left in a
    value would say where the patient was seen. An empty value stays empty.

    Example:
        >>> from pydicom.dataelem import DataElement
        >>> element = DataElement(0x0008002A, "DT", "20240301101500+0100")  # Acquisition DateTime
        >>> shift_element(element, -1)
        >>> element.value
        '20240229101500'
    """
    if element.VR not in ("DA", "DT"):
        raise ValueError(f"element must be a DA or DT attribute, not {element.VR}")
    if not element.value:
        return
    values = element.value if element.VM > 1 else [element.value]
    shifted = [shift_date(v, days, element.VR) for v in values]
    if element.VR == "DT":
        shifted = [_ZONE.sub("", v) for v in shifted]
    element.value = shifted if element.VM > 1 else shifted[0]


def _days_for(dataset: Any, date_shift_days: DateShift | None) -> int | None:
    """The offset in days for this dataset's patient: one for all, or looked up by the original Patient ID."""
    if date_shift_days is None:
        return None
    if not (isinstance(date_shift_days, Mapping) or callable(date_shift_days)):
        return check_int(date_shift_days, "date_shift_days")
    patient = str(dataset.get("PatientID", "") or "").strip()
    if not patient:
        raise ValueError("date_shift_days is per patient, but the dataset has no PatientID to look the offset up by")
    if isinstance(date_shift_days, Mapping):
        if patient not in date_shift_days:
            raise ValueError("date_shift_days has no offset for this dataset's PatientID")
        return check_int(date_shift_days[patient], "date_shift_days[PatientID]")
    return check_int(date_shift_days(patient), "date_shift_days(PatientID)")
