"""medlearn.pet: the body-weight SUV of the two real FLT-PET slices, by hand, and every refusal."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import numpy as np
import pytest
from pydicom import config
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset

from medlearn.data import (
    PET_SLICES,
    DataError,
    DataNotFoundError,
    PinnedFiles,
    data_dir,
    load_pet_slice,
    verify_pet_slices,
)
from medlearn.pet import decay_reference, decay_time, suv_factor, suv_image

pytestmark = pytest.mark.usefixtures("pet_and_stroke_files")


@pytest.fixture(scope="module")
def slices() -> list[Dataset]:
    return [load_pet_slice(1), load_pet_slice(2)]


def test_slice_1_by_hand(slices: list[Dataset]) -> None:
    first = slices[0]
    # Series Time 15:23:16.921, injection 14:17:00: 1 h 6 min 16.921 s = 3976.921 s.
    assert decay_time(first) == pytest.approx(3976.921, abs=1e-6)
    # 178,340,011.6 Bq x 2^(-3976.921 / 6586.2) = 117,348,880.8 Bq left at the series start; 69.7344 kg.
    assert suv_factor(first) == pytest.approx(69734.4 / 117_348_880.789, rel=1e-9)
    suv = suv_image(first)
    # The brightest pixel: stored 1327 x Rescale Slope 9.12329 = 12,106.6 Bq/mL, SUV 7.194.
    assert suv.max() == pytest.approx(7.19433, abs=1e-4)
    assert suv.shape == (168, 168) and suv.min() == 0


def test_slice_2_by_hand(slices: list[Dataset]) -> None:
    second = slices[1]
    # The series started 0.109 s after the injection (a dynamic scan from the injection on): no decay to speak of. Its
    # Decay Factor points to that start too (test_the_decay_factor_points_to_the_series_start), not to the frame's.
    assert decay_time(second) == pytest.approx(0.109, abs=1e-6)
    assert suv_factor(second) == pytest.approx(82174 / 173_529_998.7793 * 2 ** (0.109 / 6586.2), rel=1e-12)
    assert suv_image(second).max() == pytest.approx(6.15594, abs=1e-4)


def test_admin_decay_correction_has_no_decay(slices: list[Dataset]) -> None:
    admin = copy.deepcopy(slices[0])
    admin.DecayCorrection = "ADMIN"
    # The slice's Decay Factor points to its series start, 66 min after the injection: ADMIN contradicts it.
    with pytest.raises(ValueError, match=r"put the decay correction \+3977 s from the moment .* ADMIN names"):
        decay_time(admin)
    del admin.DecayFactor
    assert decay_time(admin) == 0
    assert suv_factor(admin) == pytest.approx(69734.4 / 178340011.59668, rel=1e-12)
    admin.DecayFactor = 2 ** ((149.60534445734 + 3976.921) / 6586.2)  # a factor that does point to the injection
    assert decay_time(admin) == 0


def test_the_decay_factor_points_to_the_series_start(slices: list[Dataset]) -> None:
    first, second = slices
    # Slice 1: Frame Reference Time 149.605 s, Decay Factor 1.01587: 149.605 - 6586.2 x log2(1.01587) = -0.005 s.
    assert decay_reference(first) == pytest.approx(149.60534445734 - 6586.2 * np.log2(1.01587), abs=1e-9)
    assert abs(decay_reference(first)) < 0.1
    # Slice 2, a frame acquired 960 s after its series started: 1048.858 - 6586.2 x log2(1.11682) = -0.96 s.
    assert decay_reference(second) == pytest.approx(1048.8579232493 - 6586.2 * np.log2(1.11682), abs=1e-9)
    assert -2 < decay_reference(second) < 0


def test_a_decay_factor_for_another_moment_is_refused(slices: list[Dataset]) -> None:
    frame_start = copy.deepcopy(slices[1])
    # Corrected to the frame's own start (Acquisition Time, 960 s after the series): the SUV would be 10 % off.
    frame_start.DecayFactor = 2 ** ((1048.8579232493 - 960.0) / 6586.2)
    with pytest.raises(ValueError, match=r"DecayFactor \(0054,1321\) .* \+960 s from the moment .* START names"):
        suv_factor(frame_start)
    assert decay_time(_without(frame_start, "DecayFactor")) == pytest.approx(0.109, abs=1e-6)  # no factor: no check
    assert decay_time(_without(frame_start, "FrameReferenceTime")) == pytest.approx(0.109, abs=1e-6)
    # A frame's time given at its start, its factor for its middle (90 s later), as some makers write them: accepted.
    at_start = _with(slices[1], "FrameReferenceTime", 960_000)
    assert decay_reference(at_start) == pytest.approx(-89.8, abs=0.1)
    assert decay_time(at_start) == pytest.approx(0.109, abs=1e-6)
    # Without Actual Frame Duration only the 1 % of decay is allowed: 94.5 s for fluorine-18, here 95 s.
    assert decay_time(_without(at_start, "ActualFrameDuration")) == pytest.approx(0.109, abs=1e-6)
    with pytest.raises(ValueError, match=r"-121 s .*more than 95 s"):
        decay_time(_without(_with(slices[1], "FrameReferenceTime", 929_000), "ActualFrameDuration"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _without(d, "DecayFactor"), r"DecayFactor \(0054,1321\) is missing"),
        (lambda d: _with(d, "DecayFactor", 0), r"DecayFactor \(0054,1321\) must be a positive number"),
        (lambda d: _without(d, "FrameReferenceTime"), r"FrameReferenceTime \(0054,1300\) is missing"),
        (lambda d: _without(d, "RadionuclideHalfLife", in_drug=True), r"RadionuclideHalfLife \(0018,1075\) is"),
    ],
)
def test_decay_reference_names_what_is_missing(slices: list[Dataset], change, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decay_reference(change(slices[1]))


def test_start_datetime_is_used_and_must_agree_with_start_time(slices: list[Dataset]) -> None:
    late = copy.deepcopy(slices[0])
    drug = late.RadiopharmaceuticalInformationSequence[0]
    drug.RadiopharmaceuticalStartDateTime = "19600613231700"  # the evening before: past midnight
    with pytest.raises(
        ValueError, match=r"StartTime \(0018,1072\) '141700.000000' and .*DateTime \(0018,1078\).*disagree"
    ):
        decay_time(late)
    del drug.RadiopharmaceuticalStartTime
    assert decay_time(late) == pytest.approx(16 * 3600 + 6 * 60 + 16.921, abs=1e-6)
    drug.RadiopharmaceuticalStartDateTime = "19600613231700.000000+0100"  # a fraction and a UTC offset are read
    assert decay_time(late) == pytest.approx(16 * 3600 + 6 * 60 + 16.921, abs=1e-6)
    drug.RadiopharmaceuticalStartDateTime = "19600614"  # a date alone cannot time a decay
    with pytest.raises(ValueError, match=r"RadiopharmaceuticalStartDateTime \(0018,1078\) must be a DICOM time"):
        decay_time(late)


def test_a_series_that_starts_after_the_acquisition_is_refused(slices: list[Dataset]) -> None:
    remade = copy.deepcopy(slices[0])
    remade.SeriesTime = "160000"  # 37 minutes after this image was acquired: a series made again later?
    with pytest.raises(ValueError, match=r"SeriesTime \(0008,0031\) is after AcquisitionTime \(0008,0032\)"):
        suv_factor(remade)


def _without(dataset: Dataset, keyword: str, *, in_drug: bool = False) -> Dataset:
    changed = copy.deepcopy(dataset)
    target = changed.RadiopharmaceuticalInformationSequence[0] if in_drug else changed
    delattr(target, keyword)
    return changed


def _with(dataset: Dataset, keyword: str, value: object, *, in_drug: bool = False) -> Dataset:
    changed = copy.deepcopy(dataset)
    target = changed.RadiopharmaceuticalInformationSequence[0] if in_drug else changed
    setattr(target, keyword, value)
    return changed


def _unchecked_start_time(dataset: Dataset, value: str) -> Dataset:
    """A start time that pydicom would refuse to set: as a file from a careless writer could hold it."""
    changed = copy.deepcopy(dataset)
    drug = changed.RadiopharmaceuticalInformationSequence[0]
    drug.add(DataElement(0x00181072, "TM", value, validation_mode=config.IGNORE))
    return changed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: _with(d, "Units", "CNTS"), r"Units \(0054,1001\) must be BQML"),
        (lambda d: _with(d, "Units", "GML"), r"Units \(0054,1001\) must be BQML"),
        (lambda d: _without(d, "Units"), r"Units \(0054,1001\) is missing"),
        (lambda d: _without(d, "PatientWeight"), r"PatientWeight \(0010,1030\) is missing"),
        (lambda d: _with(d, "PatientWeight", 0), r"PatientWeight \(0010,1030\) must be a positive number"),
        (lambda d: _without(d, "RadionuclideTotalDose", in_drug=True), r"RadionuclideTotalDose \(0018,1074\) is"),
        (lambda d: _with(d, "RadionuclideTotalDose", -5, in_drug=True), r"RadionuclideTotalDose \(0018,1074\) must"),
        (lambda d: _without(d, "RadionuclideHalfLife", in_drug=True), r"RadionuclideHalfLife \(0018,1075\) is"),
        (lambda d: _without(d, "RadiopharmaceuticalStartTime", in_drug=True), r"RadiopharmaceuticalStartTime"),
        (
            lambda d: _with(d, "RadiopharmaceuticalStartTime", "1700", in_drug=True),
            r"StartTime \(0018,1072\) is .* after the series started",
        ),
        (lambda d: _with(d, "RadiopharmaceuticalStartTime", "17", in_drug=True), r"to the minute at least"),
        (lambda d: _without(d, "AcquisitionTime"), r"AcquisitionTime \(0008,0032\) is missing"),
        (
            lambda d: _with(d, "PatientWeight", 69734.4),
            r"PatientWeight \(0010,1030\) is 69734.4: a weight in kilograms",
        ),
        (
            lambda d: _with(d, "RadionuclideTotalDose", 178.3, in_drug=True),
            r"RadionuclideTotalDose \(0018,1074\) is 178.3",
        ),
        (lambda d: _with(d, "RescaleIntercept", 5), r"RescaleIntercept \(0028,1052\) must be 0"),
        (lambda d: _with(d, "CorrectedImage", "DECY"), r"must include ATTN and DECY .*\['DECY'\]"),
        (lambda d: _unchecked_start_time(d, "25:60"), r"RadiopharmaceuticalStartTime \(0018,1072\) must be a DICOM"),
        (lambda d: _without(d, "SeriesTime"), r"SeriesTime \(0008,0031\) is missing"),
        (lambda d: _with(d, "DecayCorrection", "NONE"), r"DecayCorrection \(0054,1102\) must be one of START, ADMIN"),
        (lambda d: _without(d, "DecayCorrection"), r"DecayCorrection \(0054,1102\) is missing"),
        (lambda d: _with(d, "CorrectedImage", ["ATTN", "SCAT"]), r"CorrectedImage \(0028,0051\) must include"),
        (lambda d: _with(d, "RadiopharmaceuticalInformationSequence", []), r"RadiopharmaceuticalInformation"),
        (lambda d: _with(d, "RescaleSlope", 0), r"RescaleSlope \(0028,1053\) must be a positive number"),
        (lambda d: _without(d, "RescaleSlope"), r"RescaleSlope \(0028,1053\) is missing"),
        (lambda d: _without(d, "RescaleIntercept"), r"RescaleIntercept \(0028,1052\) is missing"),
        (
            lambda d: _with(d, "RadiopharmaceuticalInformationSequence", [Dataset(), Dataset()]),
            r"must hold one item",
        ),
    ],
)
def test_refusals_name_the_attribute(slices: list[Dataset], change, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        suv_image(change(slices[0]))


def test_the_slices_are_checked_before_they_are_read(tmp_path: Path) -> None:
    assert [report.status for report in verify_pet_slices()] == ["ok", "ok"]
    first, second = PET_SLICES.files
    assert [report.status for report in verify_pet_slices(tmp_path)] == ["missing", "missing"]
    with pytest.raises(DataNotFoundError, match="fetch_pet_slices"):
        load_pet_slice(1, tmp_path, download=False)
    shutil.copy(data_dir() / first, tmp_path / first)
    data = bytearray((tmp_path / first).read_bytes())
    data[-1] ^= 1  # one bit of one pixel
    (tmp_path / first).write_bytes(bytes(data))
    assert verify_pet_slices(tmp_path)[0].status == "bad"
    with pytest.raises(DataError, match="not the published"):
        load_pet_slice(1, tmp_path, download=False)
    (tmp_path / second).write_bytes(b"\0" * (2 << 20))
    with pytest.raises(DataError, match="more than any file of the PET slices"):
        load_pet_slice(2, tmp_path, download=False)
    with pytest.raises(ValueError, match="number must be one of"):
        load_pet_slice(3)


def test_a_synthetic_header_by_hand() -> None:
    ds = Dataset()
    ds.Units, ds.DecayCorrection, ds.CorrectedImage = "BQML", "START", ["ATTN", "DECY"]
    ds.PatientWeight, ds.SeriesDate, ds.SeriesTime = 80, "20240101", "110000"
    ds.AcquisitionDate, ds.AcquisitionTime = "20240101", "110000"
    drug = Dataset()
    drug.RadionuclideTotalDose, drug.RadionuclideHalfLife, drug.RadiopharmaceuticalStartTime = 400e6, 6586.2, "100000"
    ds.RadiopharmaceuticalInformationSequence = [drug]
    # One hour: 400 MBq x 2^(-3600 / 6586.2) = 273.85 MBq; 80 kg / 273.85 MBq = 2.9213e-4 mL/Bq.
    assert suv_factor(ds) == pytest.approx(80_000 / (400e6 * np.exp(-np.log(2) * 3600 / 6586.2)), rel=1e-12)
    assert suv_factor(ds) == pytest.approx(2.9213e-4, rel=1e-4)


def test_a_missing_or_altered_slice_is_downloaded_and_checked(tmp_path: Path) -> None:
    first, _ = PET_SLICES.files
    server = tmp_path / "server"
    server.mkdir()
    shutil.copy(data_dir() / first, server / "1.dcm")
    local = PinnedFiles("the PET slices", PET_SLICES.files, server.as_uri() + "/", 1 << 20, PET_SLICES.sources, "x")
    folder = tmp_path / "data"
    assert local.path(first, folder).read_bytes() == (data_dir() / first).read_bytes()  # missing: fetched
    (folder / first).write_bytes(b"altered")
    assert local.path(first, folder).read_bytes() == (data_dir() / first).read_bytes()  # altered: fetched again
    (server / "1.dcm").write_bytes(b"not the published bytes")
    (folder / first).unlink()
    with pytest.raises(DataError, match="not the published"):
        local.path(first, folder)  # a wrong download never lands
    assert not (folder / first).exists()
