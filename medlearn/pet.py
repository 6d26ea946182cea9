"""The body-weight standardized uptake value (SUVbw) of a PET image, from its own DICOM header.

A PET image stored with Units (0054,1001) ``BQML`` holds an activity concentration in Bq/mL (after Rescale Slope
and Intercept). The SUV divides it by the injected activity per gram of body weight, so that a value of 1 means
"as if the tracer were spread evenly through the body":

    SUVbw = concentration (Bq/mL) x body weight (g) / injected activity (Bq), both at the same moment.

The scanner corrects the image for the tracer's decay to a reference moment, named by Decay Correction
(0054,1102). ``START`` means the acquisition's start. PS3.3 C.8.9.1.1.5 names Acquisition Time (0008,0032) for it,
but that time may change from bed to bed and from frame to frame, while all images of the series must be corrected
"to the same time". So, like QIBA's vendor-neutral SUV pseudo-code, this module takes the start from Series Date and
Time, whose real-world meaning the standard leaves to the implementation (C.8.9.1.1.2), and only when the series does
not start after the image's acquisition (a later Series Time suggests a series made again after the scan). The
injected activity is then decayed from the injection to that moment, ``dose x 2^(-t / half-life)``. ``ADMIN`` means
the moment of injection: no decay.

The header also says which moment the values were corrected to: C.8.9.1.1.5 derives it from Decay Factor
(0054,1321), Frame Reference Time (0054,1300, ms after Series Date and Time), the half-life and the series' date and
time. :func:`decay_reference` computes it; when both attributes are present, :func:`decay_time` refuses an image whose
factor points to another moment than the one it assumes (see ``DECAY_REFERENCE_SLACK``).

The module follows the main path of QIBA's pseudo-code (Units BQML, Decay Correction START; ADMIN is an extension),
and it refuses, with an error that names the attribute, what it cannot compute safely: Units CNTS (QIBA reads
Philips' private scale factors there) and GML, a series that starts after the acquisition, a Decay Factor that
points to another moment, start times that disagree or lack the minute, a weight or a dose outside any plausible
range (a weight in pounds or grams, a dose in MBq), a Rescale Intercept that is not zero (C.8.9.4 says it is always
zero for PET).

The attributes come from DICOM PS3.3: Patient's Weight (0010,1030), C.7.2.2 Patient Study Module; Series Date and
Time (0008,0021/0031), C.7.3.1 General Series Module; Units, Decay Correction and Corrected Image (0028,0051),
C.8.9.1 PET Series Module; the Radiopharmaceutical Information Sequence (0054,0016) with Radionuclide Total Dose
(0018,1074), Half Life (0018,1075) and Radiopharmaceutical Start Time (0018,1072) or Start DateTime (0018,1078),
C.8.9.2 PET Isotope Module; Acquisition Date and Time (0008,0022/0032), Rescale Slope and Intercept, Frame Reference
Time, Actual Frame Duration (0018,1242) and Decay Factor, C.8.9.4 PET Image Module.

Example:
    >>> from pydicom.dataset import Dataset
    >>> ds = Dataset()
    >>> ds.Units, ds.DecayCorrection, ds.CorrectedImage = "BQML", "ADMIN", ["ATTN", "DECY"]
    >>> ds.PatientWeight, ds.SeriesDate, ds.SeriesTime = 70, "20240101", "100000"
    >>> ds.AcquisitionDate, ds.AcquisitionTime = "20240101", "100000"
    >>> drug = Dataset()
    >>> drug.RadionuclideTotalDose, drug.RadionuclideHalfLife = 350e6, 6586.2
    >>> drug.RadiopharmaceuticalStartTime = "090000"
    >>> ds.RadiopharmaceuticalInformationSequence = [drug]
    >>> round(suv_factor(ds) * 5000, 3)  # 5000 Bq/mL in a 70 kg patient given 350 MBq
    1.0
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

import numpy as np

__all__ = ["decay_reference", "decay_time", "suv_factor", "suv_image"]

#: Decay Correction (0054,1102) values this module handles: to the series start, or to the injection.
SUPPORTED_DECAY_CORRECTION = ("START", "ADMIN")
#: Patient's Weight (0010,1030) is in kg; a value outside this range is refused as a weight in another unit.
WEIGHT_KG = (1.0, 500.0)
#: Radionuclide Total Dose (0018,1074) is in Bq in a PET image; outside 1 MBq to 10 GBq it is refused (MBq written?).
DOSE_BQ = (1e6, 1e10)
#: How far the moment that Decay Factor (0054,1321) points to may lie from the moment this module corrects to, in
#: half-lives: log2(1.01), the time in which the tracer decays by 1 % (94.5 s for fluorine-18). Half the frame's
#: Actual Frame Duration (0018,1242) is allowed on top, since makers give a frame's time at its start or its middle.
DECAY_REFERENCE_SLACK = math.log2(1.01)


def _attribute(dataset: Any, keyword: str, tag: str) -> Any:
    """The value of ``keyword``, refused when it is missing or empty."""
    value = getattr(dataset, keyword, None)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError(f"{keyword} {tag} is missing or empty: the SUV cannot be computed without it")
    return value


def _number(dataset: Any, keyword: str, tag: str) -> float:
    """The value of ``keyword`` as a finite number, refused when it is missing, empty or not one."""
    value = _attribute(dataset, keyword, tag)
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{keyword} {tag} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{keyword} {tag} must be a finite number, not {value!r}")
    return number


def _positive(dataset: Any, keyword: str, tag: str) -> float:
    number = _number(dataset, keyword, tag)
    if number <= 0:
        raise ValueError(f"{keyword} {tag} must be a positive number, not {_attribute(dataset, keyword, tag)!r}")
    return number


def _drug(dataset: Any) -> Any:
    sequence = _attribute(dataset, "RadiopharmaceuticalInformationSequence", "(0054,0016)")
    if len(sequence) != 1:
        raise ValueError(
            f"RadiopharmaceuticalInformationSequence (0054,0016) must hold one item (one tracer), not {len(sequence)}"
        )
    return sequence[0]


def _datetime(date: str, time: str, keyword: str, tag: str) -> datetime:
    """A DICOM DA and TM pair (``YYYYMMDD``, ``HHMMSS.FFFFFF``, seconds and fraction optional) as a datetime; a time
    without its minutes is refused (a date alone, or an hour alone, cannot time a decay)."""
    text = str(time).strip()
    whole, _, fraction = text.partition(".")
    if len(whole) < 4 or not (whole + fraction).isdigit():
        raise ValueError(f"{keyword} {tag} must be a DICOM time to the minute at least (HHMM), not {time!r}")
    try:
        clock = datetime.strptime(str(date).strip() + whole.ljust(6, "0"), "%Y%m%d%H%M%S")
    except ValueError:
        raise ValueError(f"{keyword} {tag} must be a DICOM time (HHMMSS.FFFFFF) on a date, not {time!r}") from None
    return clock + timedelta(seconds=float("0." + fraction) if fraction else 0.0)


def _start(drug: Any, date: str) -> tuple[datetime, str]:
    """The injection's moment and the attribute it came from: Radiopharmaceutical Start DateTime (its UTC offset set
    aside, as the series' times have none), else Start Time on ``date``. When both are given they must agree."""
    stamp = getattr(drug, "RadiopharmaceuticalStartDateTime", None)
    time = getattr(drug, "RadiopharmaceuticalStartTime", None)
    if not stamp:
        time = _attribute(drug, "RadiopharmaceuticalStartTime", "(0018,1072)")
        return _datetime(date, time, "RadiopharmaceuticalStartTime", "(0018,1072)"), "RadiopharmaceuticalStartTime"
    text = str(stamp).strip()
    local = text[:-5] if len(text) > 5 and text[-5] in "+-" else text
    start = _datetime(local[:8], local[8:], "RadiopharmaceuticalStartDateTime", "(0018,1078)")
    if time and str(time).strip():
        clock = _datetime(local[:8], time, "RadiopharmaceuticalStartTime", "(0018,1072)")
        if abs((clock - start).total_seconds()) >= 1:
            raise ValueError(
                f"RadiopharmaceuticalStartTime (0018,1072) {str(time)!r} and RadiopharmaceuticalStartDateTime "
                f"(0018,1078) {text!r} disagree: which is the injection's time?"
            )
    return start, "RadiopharmaceuticalStartDateTime"


def decay_reference(dataset: Any) -> float:
    """Seconds from the Series Time to the moment this image's values were decay corrected to, by its header.

    PS3.3 C.8.9.1.1.5: that moment "can be derived from" Decay Factor (0054,1321), Frame Reference Time (0054,1300),
    Radionuclide Half Life (0018,1075) and Series Date and Time. The factor scales the activity at the frame's
    reference time (Frame Reference Time ms after the Series Time) to the moment corrected to, so that moment is
    ``frame reference time - half-life x log2(decay factor)``. Near 0 means the series start (``START``); the time from
    the injection to the series, negated, means the injection (``ADMIN``).

    Example:
        >>> from pydicom.dataset import Dataset
        >>> ds, drug = Dataset(), Dataset()
        >>> ds.DecayFactor, ds.FrameReferenceTime = 2 ** (540 / 6586.2), 600_000  # a frame 10 min after the series
        >>> drug.RadionuclideHalfLife = 6586.2
        >>> ds.RadiopharmaceuticalInformationSequence = [drug]
        >>> round(decay_reference(ds), 3)  # corrected to 1 min after the series start
        60.0
    """
    factor = _positive(dataset, "DecayFactor", "(0054,1321)")
    frame_ms = _number(dataset, "FrameReferenceTime", "(0054,1300)")
    half_life = _positive(_drug(dataset), "RadionuclideHalfLife", "(0018,1075)")
    return frame_ms / 1000 - half_life * math.log2(factor)


def _check_decay_reference(dataset: Any, expected: float, correction: str) -> None:
    """Refuse an image whose Decay Factor points to another moment than ``expected`` (seconds after the Series Time),
    when both Decay Factor and Frame Reference Time are given (C.8.9.4 requires them, but not every writer does)."""
    if getattr(dataset, "DecayFactor", None) in (None, "") or getattr(dataset, "FrameReferenceTime", None) in (
        None,
        "",
    ):
        return
    half_life = _positive(_drug(dataset), "RadionuclideHalfLife", "(0018,1075)")
    frame = getattr(dataset, "ActualFrameDuration", None)
    half_frame = _number(dataset, "ActualFrameDuration", "(0018,1242)") / 2000 if frame not in (None, "") else 0.0
    slack = half_frame + DECAY_REFERENCE_SLACK * half_life
    gap = decay_reference(dataset) - expected
    if abs(gap) > slack:
        raise ValueError(
            f"DecayFactor (0054,1321) and FrameReferenceTime (0054,1300) put the decay correction {gap:+.0f} s from "
            f"the moment that DecayCorrection (0054,1102) {correction} names (more than {slack:.0f} s): which moment "
            "were the values corrected to?"
        )


def decay_time(dataset: Any) -> float:
    """Seconds from the injection to the moment the image's values are decay-corrected to.

    With Decay Correction ``START`` this is Series Time minus the Radiopharmaceutical Start (Date)Time; with
    ``ADMIN`` it is 0. A Series Time after the image's Acquisition Time is refused (QIBA's check). The start time
    alone has no date: it is taken on the Series Date, and a start after the series (a scan past midnight) is
    refused, since only Radiopharmaceutical Start DateTime can say so. When Decay Factor and Frame Reference Time are
    given, the moment they point to (:func:`decay_reference`) must be that moment, the series start or the injection,
    within half the frame's duration plus the time in which the tracer decays by 1 % (``DECAY_REFERENCE_SLACK``).

    Example:
        >>> from pydicom.dataset import Dataset
        >>> ds, drug = Dataset(), Dataset()
        >>> ds.DecayCorrection, ds.SeriesDate, ds.SeriesTime = "START", "20240101", "101500"
        >>> ds.AcquisitionDate, ds.AcquisitionTime = "20240101", "101500"
        >>> drug.RadiopharmaceuticalStartTime = "090000"
        >>> ds.RadiopharmaceuticalInformationSequence = [drug]
        >>> decay_time(ds)
        4500.0
    """
    correction = str(_attribute(dataset, "DecayCorrection", "(0054,1102)")).strip()
    if correction not in SUPPORTED_DECAY_CORRECTION:
        raise ValueError(
            f"DecayCorrection (0054,1102) must be one of {', '.join(SUPPORTED_DECAY_CORRECTION)} here, not "
            f"{correction!r} (NONE needs each frame's own decay time)"
        )
    if correction == "ADMIN" and getattr(dataset, "DecayFactor", None) in (None, ""):
        return 0.0
    date = _attribute(dataset, "SeriesDate", "(0008,0021)")
    series = _datetime(date, _attribute(dataset, "SeriesTime", "(0008,0031)"), "SeriesTime", "(0008,0031)")
    if correction == "ADMIN":
        start, _ = _start(_drug(dataset), date)
        _check_decay_reference(dataset, (start - series).total_seconds(), correction)
        return 0.0
    acquired = _datetime(
        _attribute(dataset, "AcquisitionDate", "(0008,0022)"),
        _attribute(dataset, "AcquisitionTime", "(0008,0032)"),
        "AcquisitionTime",
        "(0008,0032)",
    )
    if series > acquired:
        raise ValueError(
            "SeriesTime (0008,0031) is after AcquisitionTime (0008,0032): the series may have been made again after "
            "the scan, so its time need not be the start that the decay correction refers to"
        )
    start, used = _start(_drug(dataset), date)
    seconds = (series - start).total_seconds()
    if seconds < 0:
        tag = "(0018,1078)" if used == "RadiopharmaceuticalStartDateTime" else "(0018,1072)"
        raise ValueError(
            f"{used} {tag} is {seconds / -60:.1f} min after the series started: a scan past midnight needs "
            "RadiopharmaceuticalStartDateTime (0018,1078)"
        )
    _check_decay_reference(dataset, 0.0, correction)
    return seconds


def suv_factor(dataset: Any) -> float:
    """The number that turns this image's Bq/mL into SUVbw: body weight (g) / injected activity decayed (Bq).

    Refused, with a ``ValueError`` that names the attribute: Units other than BQML; Corrected Image without
    ATTN and DECY; a missing or non-positive weight, dose or half-life; a missing start time; a Decay Correction
    other than START or ADMIN; the series before the injection; a Decay Factor that points to another moment.

    Example:
        >>> from pydicom.dataset import Dataset
        >>> suv_factor(Dataset())
        Traceback (most recent call last):
        ...
        ValueError: Units (0054,1001) is missing or empty: the SUV cannot be computed without it
    """
    units = str(_attribute(dataset, "Units", "(0054,1001)")).strip()
    if units != "BQML":
        raise ValueError(f"Units (0054,1001) must be BQML (Bq/mL) for this SUV, not {units!r}")
    values = _attribute(dataset, "CorrectedImage", "(0028,0051)")
    corrected = {str(v).strip() for v in ([values] if isinstance(values, str) else values)}
    if not {"ATTN", "DECY"} <= corrected:
        raise ValueError(
            f"CorrectedImage (0028,0051) must include ATTN and DECY (attenuation and decay corrected), not "
            f"{sorted(corrected)}"
        )
    weight_kg = _positive(dataset, "PatientWeight", "(0010,1030)")
    if not WEIGHT_KG[0] <= weight_kg <= WEIGHT_KG[1]:
        raise ValueError(
            f"PatientWeight (0010,1030) is {weight_kg:g}: a weight in kilograms between {WEIGHT_KG[0]} and "
            f"{WEIGHT_KG[1]} is expected (pounds or grams?)"
        )
    drug = _drug(dataset)
    dose = _positive(drug, "RadionuclideTotalDose", "(0018,1074)")
    if not DOSE_BQ[0] <= dose <= DOSE_BQ[1]:
        raise ValueError(
            f"RadionuclideTotalDose (0018,1074) is {dose:g}: an activity in becquerels between {DOSE_BQ[0]:g} and "
            f"{DOSE_BQ[1]:g} is expected (megabecquerels?)"
        )
    half_life = _positive(drug, "RadionuclideHalfLife", "(0018,1075)")
    decayed = dose * 2.0 ** (-decay_time(dataset) / half_life)
    return 1000 * weight_kg / decayed


def suv_image(dataset: Any) -> np.ndarray:
    """The image in SUVbw: stored values x Rescale Slope + Rescale Intercept (Bq/mL), times :func:`suv_factor`.

    ``dataset`` is a pydicom dataset of one PET image (read it with ``pydicom.dcmread``, which bounds the file).

    Example:
        >>> from pydicom import examples
        >>> suv_image(examples.ct)
        Traceback (most recent call last):
        ...
        ValueError: Units (0054,1001) is missing or empty: the SUV cannot be computed without it
    """
    factor = suv_factor(dataset)
    # Both are Type 1 in the PET Image Module (PS3.3 C.8.9.4), and the slope changes from slice to slice: a missing
    # or zero slope would turn every activity into a wrong number, so it is refused, never assumed to be 1.
    slope = _positive(dataset, "RescaleSlope", "(0028,1053)")
    intercept = _number(dataset, "RescaleIntercept", "(0028,1052)")
    if intercept != 0:
        raise ValueError(f"RescaleIntercept (0028,1052) must be 0 in a PET image (PS3.3 C.8.9.4), not {intercept:g}")
    return (dataset.pixel_array.astype(float) * slope + intercept) * factor
