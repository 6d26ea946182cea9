"""The registration chapter's task on the body-weight SUV from a PET header (§ 9), and its table of mistakes.

The learner turns stored pixel values into SUVbw as the chapter does by hand: the stored value times Rescale Slope
(plus Rescale Intercept) is Bq/mL; the weight in kg times 1000 is grams; the injected activity is decayed from the
Radiopharmaceutical Start Time to the Series Time (Decay Correction START), ``dose x 2 ** (-t / half-life)``. The
reference is :func:`medlearn.pet.suv_factor`. The cases are the chapter's two real FLT-PET slices and one header
built by hand, whose values set each mistake apart: a delay of 3 hours, a Series Time before the Acquisition Time,
and pixels of its own that differ from the stored values it is given. Answers within a relative 1e-3 pass: a time
read without its fraction of a second, or fluorine-18's half-life typed as 109.8 min, is that close, and the nearest
named mistake (the decay timed to Acquisition Time) is about 10 % off. A near miss is told how near it is, and under
1 % that a typed constant is the usual cause.

Example:
    >>> def answer(dataset, stored):
    ...     drug = dataset.RadiopharmaceuticalInformationSequence[0]
    ...     t = seconds_of_day(dataset.SeriesTime) - seconds_of_day(drug.RadiopharmaceuticalStartTime)
    ...     decayed = float(drug.RadionuclideTotalDose) * 2 ** (-t / float(drug.RadionuclideHalfLife))
    ...     bq_ml = stored * float(dataset.RescaleSlope) + float(dataset.RescaleIntercept)
    ...     return bq_ml * float(dataset.PatientWeight) * 1000 / decayed
    >>> suv_from_header(answer)
    ✅ suv_from_header: correct.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..._messages import tr
from ...pet import suv_factor
from ..core import Mistake, as_array, compared

__all__ = ["seconds_of_day", "suv_from_header"]


def seconds_of_day(value: Any) -> float:
    """A DICOM time, ``HHMMSS.FFFFFF``, in seconds after midnight (the registration chapter's helper, § 9).

    Example:
        >>> seconds_of_day("141700.5")
        51420.5
    """
    text = str(value)
    return int(text[:2]) * 3600 + int(text[2:4]) * 60 + float(text[4:])


def _suv(
    dataset: Any,
    stored: Any,
    *,
    grams: float = 1000.0,
    clock: str = "SeriesTime",
    minutes: bool = False,
    half_life_minutes: bool = False,
    sign: float = -1.0,
    base: float = 2.0,
    rescale: bool = True,
    clock_numbers: bool = False,
    decay_factor: bool = False,
    scale: float = 1.0,
) -> np.ndarray:
    """The SUV of ``stored`` values, computed by hand as the chapter does, or with one of the typical mistakes."""
    drug = dataset.RadiopharmaceuticalInformationSequence[0]
    if clock_numbers:  # HHMMSS read as plain numbers
        t = float(getattr(dataset, clock)) - float(drug.RadiopharmaceuticalStartTime)
    else:
        t = seconds_of_day(getattr(dataset, clock)) - seconds_of_day(drug.RadiopharmaceuticalStartTime)
    half_life = float(drug.RadionuclideHalfLife) / (60 if half_life_minutes else 1)
    if decay_factor:  # the frame's Decay Factor (0054,1321) taken for the dose's decay
        decayed = float(drug.RadionuclideTotalDose) / float(dataset.DecayFactor)
    else:
        decayed = float(drug.RadionuclideTotalDose) * base ** (sign * (t / 60 if minutes else t) / half_life)
    values = np.asarray(stored, dtype=float)
    if rescale:
        values = values * float(dataset.RescaleSlope) + float(dataset.RescaleIntercept)
    return scale * values * float(dataset.PatientWeight) * grams / decayed


def _header(weight: float, dose: float, slope: float, start: str, series: str, acquired: str, pixels: Any) -> Any:
    """A PET header built by hand: Units BQML, Decay Correction START, fluorine-18, and 16-bit ``pixels``."""
    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import ExplicitVRLittleEndian

    ds, drug = Dataset(), Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.Rows, ds.Columns = pixels.shape
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 1
    ds.PixelData = np.ascontiguousarray(pixels, dtype="<i2").tobytes()
    ds.Units, ds.DecayCorrection, ds.CorrectedImage = "BQML", "START", ["ATTN", "DECY"]
    ds.PatientWeight, ds.RescaleSlope, ds.RescaleIntercept = weight, slope, 0
    ds.SeriesDate = ds.AcquisitionDate = "20240101"
    ds.SeriesTime, ds.AcquisitionTime = series, acquired
    drug.RadionuclideTotalDose, drug.RadionuclideHalfLife = dose, 6586.2
    drug.RadiopharmaceuticalStartTime = start
    ds.RadiopharmaceuticalInformationSequence = [drug]
    return ds


def _cases() -> list[tuple[Any, ...]]:
    from ...data import load_pet_slice

    slices = [load_pet_slice(number) for number in (1, 2)]
    values = np.array([[0, 120, 950], [2000, 4000, 8000]], dtype=np.int16)  # SUVmax about 12
    return [
        (slices[0], slices[0].pixel_array, tr("slice 1 (its series 66 min after the injection)")),
        (slices[1], slices[1].pixel_array, tr("slice 2 (its frame 16 min after its series started)")),
        (
            _header(58.5, 296e6, 2.5, "081500", "111500.25", "112500", values // 2),
            values,
            tr("a header built by hand (58.5 kg, 296 MBq, 3 hours after the injection)"),
        ),
    ]


def _off(got: np.ndarray, want: np.ndarray) -> float:
    """The largest relative difference between the learner's SUVs and the right ones."""
    with np.errstate(divide="ignore", invalid="ignore"):
        relative = np.abs(np.asarray(got, dtype=float) - want) / np.abs(want)
    inside = np.isfinite(relative)
    return float(np.max(relative[inside])) if inside.any() else math.inf


def _where(got: np.ndarray, dataset: Any, stored: Any, what: str, want: np.ndarray | None = None) -> str:
    """Where the learner's SUVs stand against the right ones (``want``, computed here when not given)."""
    want = _suv(dataset, stored) if want is None else want
    where = tr(
        "On {what}, the largest SUV is {want:.4g}; yours is {got:.4g}.",
        what=what,
        want=float(np.max(want)),
        got=float(np.max(got)),
    )
    off = _off(got, want)
    if off < 1:  # a near miss: say how near, as the two numbers may print alike
        where += " " + tr("Your SUVs differ from the right ones by up to {off:.3g} %.", off=100 * off)
    if off < 0.01:  # closer than any named mistake comes: a constant typed by hand, rounded
        where += " " + tr(
            "That is under 1 %: the usual cause is a number typed by hand (a rounded half-life, say) instead of "
            "read from the header."
        )
    return where


def _power_of_ten(got: np.ndarray, want: np.ndarray) -> float:
    """The power of ten nearest to the learner's SUVs over the right ones."""
    inside = np.abs(want) > 0
    return float(10.0 ** round(math.log10(float(np.median(np.asarray(got, dtype=float)[inside] / want[inside])))))


def _one_ratio(got: np.ndarray, want: np.ndarray) -> float | None:
    """The one positive number that every SUV was multiplied by (got / want, within 0.1 %), or None."""
    inside = np.abs(want) > 0
    if not inside.any():
        return None
    with np.errstate(all="ignore"):
        ratio = np.asarray(got, dtype=float)[inside] / want[inside]
    if not (np.all(np.isfinite(ratio)) and np.all(ratio > 0) and np.allclose(ratio, ratio[0], rtol=1e-3)):
        return None
    return float(ratio[0])


def _decimal_slip(got: np.ndarray, want: np.ndarray, *_: Any) -> bool:
    """True when every SUV is the right one times one power of ten (not 1)."""
    ratio = _one_ratio(got, want)
    if ratio is None:
        return False
    power = math.log10(ratio)
    return abs(power - round(power)) < 1e-3 and round(power) != 0


def _decay_factor_used(got: np.ndarray, want: np.ndarray, dataset: Any, stored: Any, *_: Any) -> bool:
    """True when the dose was divided or multiplied by the frame's Decay Factor instead of decayed."""
    by_division = _suv(dataset, stored, decay_factor=True)
    by_product = by_division / float(dataset.DecayFactor) ** 2
    return any(np.allclose(got, other, rtol=1e-4, atol=1e-9) for other in (by_division, by_product))


def _half_life_in_minutes(got: np.ndarray, want: np.ndarray, dataset: Any, stored: Any, *_: Any) -> bool:
    """True when the SUVs fit a half-life in minutes with t in seconds: the header's over 60, or one typed by hand
    near it (109.8 or 110 min). The half-life used follows from the ratio, got / want = 2 ** (t / used - t / T)."""
    drug = dataset.RadiopharmaceuticalInformationSequence[0]
    t = seconds_of_day(dataset.SeriesTime) - seconds_of_day(drug.RadiopharmaceuticalStartTime)
    half_life = float(drug.RadionuclideHalfLife)
    ratio = _one_ratio(got, want)
    if t <= 0 or ratio is None:
        return False
    exponent = math.log2(ratio) + t / half_life  # t / the half-life used
    return exponent > 0 and abs(t / exponent * 60 / half_life - 1) < 0.02


def _otherwise(got: np.ndarray, want: np.ndarray, dataset: Any, stored: Any, what: str) -> str:
    """What fits no named mistake: the recipe, unless the SUVs are within 1 % (then the near miss says it all)."""
    where = _where(got, dataset, stored, what, want)
    if _off(got, want) < 0.01:
        return where
    return tr(
        "{where} Multiply the Bq/mL (stored x slope + intercept) by the weight in grams, and divide by the dose "
        "in Bq, decayed from the injection to the Series Time. seconds_of_day turns each time into seconds.",
        where=where,
    )


_MISTAKES = [
    Mistake(
        "the header's pixels",
        lambda dataset, stored: _suv(dataset, dataset.pixel_array),
        lambda got, *case: tr(
            "{where} You used the header's own pixels (pixel_array, or suv_image), not stored. Use stored, the "
            "values you were given: this header's pixels are other values.",
            where=_where(got, *case),
        ),
    ),
    Mistake(
        "no decay",
        lambda dataset, stored: _suv(dataset, stored, sign=0.0),
        lambda got, *case: tr(
            "{where} You used the injected activity as it is. The image is corrected to the series start, so "
            "decay the dose to that moment too: dose x 2 ** (-t / half-life).",
            where=_where(got, *case),
        ),
    ),
    Mistake(
        "decay the wrong way",
        lambda dataset, stored: _suv(dataset, stored, sign=1.0),
        lambda got, *case: tr(
            "{where} Your dose grew with time: the exponent's sign is wrong. The tracer decays, so the dose "
            "at the series start is smaller: dose x 2 ** (-t / half-life), with t above 0. Or you decayed the "
            "image's Bq/mL instead of the dose. The image is already corrected for decay (Corrected Image holds "
            "DECY): decay only the dose.",
            where=_where(got, *case),
        ),
    ),
    Mistake(
        "e, not 2",
        lambda dataset, stored: _suv(dataset, stored, base=math.e),
        lambda got, *case: tr(
            "{where} You decayed with e, not with 2: exp(-t / half-life) leaves out ln 2. A half-life halves "
            "the activity: use 2 ** (-t / half-life), which is exp(-ln(2) x t / half-life).",
            where=_where(got, *case),
        ),
    ),
    Mistake(
        "time in minutes",
        lambda dataset, stored: _suv(dataset, stored, minutes=True),
        lambda got, *case: tr(
            "{where} Your time is in minutes, but the half-life is in seconds: keep both in seconds.",
            where=_where(got, *case),
        ),
    ),
    Mistake(
        "half-life in minutes",
        lambda dataset, stored: _suv(dataset, stored, half_life_minutes=True),
        lambda got, *case: tr(
            "{where} Your half-life is in minutes, but your time t is in seconds. Radionuclide Half Life "
            "(0018,1075) is in seconds: 6586.2 s for fluorine-18, about 110 min. Put both in the same unit: "
            "seconds, as the header gives them.",
            where=_where(got, *case),
        ),
        spot=_half_life_in_minutes,
    ),
    Mistake(
        "weight in kg",
        lambda dataset, stored: _suv(dataset, stored, grams=1.0),
        lambda got, *case: tr(
            "{where} Your SUV is 1000 times too small: Patient's Weight (0010,1030) is in kg, and the SUV "
            "needs the weight in grams. Multiply it by 1000.",
            where=_where(got, *case),
        ),
    ),
    Mistake(
        "times as numbers",
        lambda dataset, stored: _suv(dataset, stored, clock_numbers=True),
        lambda got, *case: tr(
            "{where} You subtracted the times as plain numbers. A DICOM time is HHMMSS: 152316 - 141700 is "
            "10616, but the time between them is 3796 s. Turn each time into seconds after midnight with "
            "seconds_of_day first.",
            where=_where(got, *case),
        ),
    ),
    Mistake(
        "decay factor",
        lambda dataset, stored: _suv(dataset, stored, decay_factor=True),
        lambda got, *case: tr(
            "{where} You used Decay Factor (0054,1321) for the dose. It corrected this frame's counts back to the "
            "series start, over the time from the series start to the frame. It is not the dose's decay from the "
            "injection. Decay the dose yourself: dose x 2 ** (-t / half-life), with t from Radiopharmaceutical "
            "Start Time to Series Time.",
            where=_where(got, *case),
        ),
        spot=_decay_factor_used,
    ),
    Mistake(
        "acquisition time",
        lambda dataset, stored: _suv(dataset, stored, clock="AcquisitionTime"),
        lambda got, *case: tr(
            "{where} You timed the decay to Acquisition Time (0008,0032). The standard names it for START, but it "
            "changes from frame to frame: on slice 2 it is this frame's start, 16 min after the series started. "
            "As the chapter does (QIBA's procedure), take t from Radiopharmaceutical Start Time to Series Time "
            "(0008,0031), the series start.",
            where=_where(got, *case),
        ),
    ),
    Mistake(
        "no rescale",
        lambda dataset, stored: _suv(dataset, stored, rescale=False),
        lambda got, *case: tr(
            "{where} You used the stored values as they are. They become Bq/mL only after Rescale Slope "
            "(0028,1053) and Rescale Intercept (0028,1052): stored x slope + intercept.",
            where=_where(got, *case),
        ),
    ),
    Mistake(
        "a power of ten",
        lambda dataset, stored: _suv(dataset, stored, scale=1e6),
        lambda got, dataset, stored, what: tr(
            "{where} Your SUVs are the right ones times {factor:g}: check the units. The dose is in Bq (not MBq), "
            "the weight in kg (x 1000 for grams), and stored x slope + intercept is already in Bq/mL.",
            where=_where(got, dataset, stored, what),
            factor=_power_of_ten(got, _suv(dataset, stored)),
        ),
        spot=_decimal_slip,
    ),
]


@compared(
    tr(
        "SUV = activity (Bq/mL) x body weight (g) / injected activity (Bq). The activity is the stored value x "
        "Rescale Slope + Rescale Intercept. pydicom reads an attribute by its keyword, its name without spaces or "
        "apostrophes: dataset.PatientWeight, dataset.RescaleSlope, dataset.RadiopharmaceuticalInformationSequence[0]."
    ),
    tr(
        "Decay the injected activity to the series start: dose x 2 ** (-t / half-life). t is the seconds from "
        "Radiopharmaceutical Start Time to Series Time (seconds_of_day), the half-life is in seconds, and the "
        "weight is in kg: multiply it by 1000."
    ),
    tr(
        "drug = dataset.RadiopharmaceuticalInformationSequence[0]; t = seconds_of_day(dataset.SeriesTime) - "
        "seconds_of_day(drug.RadiopharmaceuticalStartTime); decayed = float(drug.RadionuclideTotalDose) * 2 ** (-t "
        "/ float(drug.RadionuclideHalfLife)); return (stored * float(dataset.RescaleSlope) + "
        "float(dataset.RescaleIntercept)) * float(dataset.PatientWeight) * 1000 / decayed"
    ),
    cases=_cases,
    arguments=lambda dataset, stored, what: (dataset, stored),
    read=lambda value, dataset, stored, what: as_array(value, tr("your SUVs"), shape=np.shape(stored)),
    same=lambda got, want: bool(np.allclose(got, want, rtol=1e-3, atol=1e-9)),
    mistakes=_MISTAKES,
    otherwise=_otherwise,
)
def suv_from_header(dataset: Any, stored: Any) -> np.ndarray:
    values = np.asarray(stored, dtype=float) * float(dataset.RescaleSlope) + float(dataset.RescaleIntercept)
    return values * suv_factor(dataset)
