"""medlearn.privacy: the profile table against its source, deidentify and phi_leftovers on real DICOM files."""

from __future__ import annotations

import copy
import datetime
import importlib
import io
import warnings
from pathlib import Path

import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from medlearn.privacy import (
    EDITION,
    attribute_type,
    deidentify,
    iod_name,
    iod_problems,
    phi_leftovers,
    profile_action,
    profile_attributes,
    replace_uid,
    shift_date,
)

SALT = "a long secret salt"


def _pydicom_files() -> list[Path]:
    """Every file in pydicom's data folder that pydicom reads as DICOM."""
    folder = Path(get_testdata_file("CT_small.dcm")).parent  # the files that ship with pydicom, nothing downloaded
    paths = sorted(p for p in folder.rglob("*") if p.is_file())
    readable = []
    for path in paths:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pydicom.dcmread(path, stop_before_pixels=True)
        except Exception:  # not a DICOM file (a folder, a JSON file, ...)
            continue
        readable.append(path)
    return readable


FILES = _pydicom_files()


def _read(path: Path | str) -> Dataset:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # some test files are deliberately malformed
        return pydicom.dcmread(path)


# the profile ---------------------------------------------------------------------------------------


def test_profile_agrees_with_dicom_anonymizer_list_by_list() -> None:
    from dicomanonymizer.dicom_anonymization_databases import dicomfields_2026c as source

    assert EDITION == "2026c"
    lists = {
        "D": source.D_TAGS,
        "Z": source.Z_TAGS,
        "X": source.X_TAGS,
        "U": source.U_TAGS,
        "Z/D": source.Z_D_TAGS,
        "X/Z": source.X_Z_TAGS,
        "X/D": source.X_D_TAGS,
        "X/Z/D": source.X_Z_D_TAGS,
        "X/Z/U*": source.X_Z_U_STAR_TAGS,
    }
    ours = profile_attributes()
    seen = 0
    for action, tags in lists.items():
        for entry in tags:
            seen += 1
            if len(entry) == 4:  # a repeating group, through its mask
                assert profile_action((entry[0] + 0x02) << 16 | entry[1]) == action
            else:
                assert ours[entry[0] << 16 | entry[1]][0] == action, entry
    assert seen == len(source.ALL_TAGS) == len(ours) + 3
    assert ours[0x00100010] == ("Z", "Patient's Name") and ours[0x0020000D] == ("U", "Study Instance UID")


def test_profile_action_examples_and_bad_input() -> None:
    assert profile_action(0x00080016) is None  # the SOP Class is kept
    assert profile_action(0x60023000) == "X" and profile_action(0x50100000) == "X"  # overlays and curves
    assert profile_action(pydicom.tag.Tag("PatientName")) == "Z"
    for bad in ("PatientName", -1, 2**32, 1.5):
        with pytest.raises(ValueError, match="^tag"):
            profile_action(bad)


# deidentify ----------------------------------------------------------------------------------------


DICOMDIR = "1.2.840.10008.1.3.10"


def _is_dicomdir(ds: Dataset) -> bool:
    return str(getattr(ds.get("file_meta"), "MediaStorageSOPClassUID", "")) == DICOMDIR


def test_there_are_many_files_and_dicomdirs_are_refused_because_their_file_names_hold_patient_ids() -> None:
    assert len(FILES) > 150
    dicomdirs = [p for p in FILES if _is_dicomdir(_read(p))]
    assert dicomdirs
    for path in dicomdirs:
        with pytest.raises(ValueError, match="^dataset is a DICOMDIR"):
            deidentify(_read(path), salt=SALT)
    directory = _read(get_testdata_file("DICOMDIR"))
    patients = {r.PatientID for r in directory.DirectoryRecordSequence if r.DirectoryRecordType == "PATIENT"}
    files = [r.ReferencedFileID for r in directory.DirectoryRecordSequence if "ReferencedFileID" in r]
    assert any(str(f[0]) in patients for f in files)  # a folder named by the patient's ID


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_pydicom_file_leaves_nothing_and_stays_valid(path: Path) -> None:
    original = _read(path)
    if _is_dicomdir(original):
        pytest.skip("a DICOMDIR is refused (test above)")
    before = copy.deepcopy(original)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clean = deidentify(original, salt=SALT)
        assert original == before  # the input is unchanged
        left = phi_leftovers(original, clean)
    assert left.count == 0, left
    assert set(iod_problems(clean)) <= set(iod_problems(original))  # the copy conforms wherever the original did
    assert clean.PatientIdentityRemoved == "NO"  # nobody has looked at the pixels, whatever the source's flags say
    assert clean.DeidentificationMethodCodeSequence[0].CodeValue == "113100"
    if "SOPClassUID" in original:
        assert clean.SOPClassUID == original.SOPClassUID
    if "SOPInstanceUID" in original and getattr(original, "file_meta", None) is not None:
        assert clean.SOPInstanceUID != original.SOPInstanceUID
        assert clean.file_meta.MediaStorageSOPInstanceUID == clean.SOPInstanceUID
    if getattr(clean, "file_meta", None) is not None and "TransferSyntaxUID" in clean.file_meta:
        buffer = io.BytesIO()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clean.save_as(buffer, enforce_file_format=False)
            again = pydicom.dcmread(io.BytesIO(buffer.getvalue()), force=True)
        assert again.get("PatientIdentityRemoved") in ("YES", "NO")


def test_a_series_stays_linked_and_nobody_without_the_salt_can_link_back() -> None:
    folder = Path(get_testdata_file("DICOMDIR")).parent / "77654033" / "CT2"
    series = [_read(p) for p in sorted(folder.iterdir())]
    clean = [deidentify(ds, salt=SALT) for ds in series]
    assert len({ds.SeriesInstanceUID for ds in clean}) == 1 and len({ds.StudyInstanceUID for ds in clean}) == 1
    assert len({ds.SOPInstanceUID for ds in clean}) == len(series)
    assert clean[0].SeriesInstanceUID != series[0].SeriesInstanceUID
    other = deidentify(series[0], salt="another long secret")
    assert other.SeriesInstanceUID != clean[0].SeriesInstanceUID  # another salt, other UIDs
    assert clean[0].SeriesInstanceUID.startswith("2.25.") and pydicom.uid.UID(clean[0].SeriesInstanceUID).is_valid
    assert replace_uid(series[0].SeriesInstanceUID, SALT) == clean[0].SeriesInstanceUID


def _patient(name: str = "Doe^Jane") -> Dataset:
    ds = Dataset()
    ds.PatientName, ds.PatientID, ds.InstitutionName = name, "MRN-123456", "Saint Example Hospital"
    ds.SOPClassUID, ds.SOPInstanceUID = pydicom.uid.CTImageStorage, "1.2.826.0.1.3680043.2.1125.1.1"
    ds.StudyDate, ds.StudyTime, ds.PatientBirthDate = "20240229", "101500", "19500101"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydicom warns about an old ACR-NEMA date, as found in old files
        ds.SeriesDate = "1997.04."
    return ds


def test_nested_sequences_private_tags_and_references_between_files() -> None:
    first = _patient()
    second = _patient()
    second.SOPInstanceUID = "1.2.826.0.1.3680043.2.1125.1.2"
    item = Dataset()
    item.ReferencedSOPClassUID, item.ReferencedSOPInstanceUID = first.SOPClassUID, first.SOPInstanceUID
    item.PatientName = "Doe^Jane"  # a name inside an item
    item.add_new(0x00110010, "LO", "A PRIVATE CREATOR")
    item.add_new(0x00111001, "LO", "MRN-123456")  # a private attribute inside an item
    second.ReferencedImageSequence = Sequence([item])
    second.add_new(0x00090010, "LO", "ANOTHER CREATOR")
    second.OtherPatientIDsSequence = Sequence([Dataset()])
    second.OtherPatientIDsSequence[0].PatientID = "OLD-999"
    one, two = deidentify(first, salt=SALT), deidentify(second, salt=SALT)
    reference = two.ReferencedImageSequence[0]
    assert reference.ReferencedSOPInstanceUID == one.SOPInstanceUID  # the reference still resolves
    assert reference.ReferencedSOPClassUID == first.SOPClassUID
    assert reference.get("PatientName", "") == "" and not any(e.tag.is_private for e in two.iterall())
    assert "OtherPatientIDsSequence" not in two  # X
    assert phi_leftovers(second, two).count == 0
    assert phi_leftovers(second, second).count > 0  # the check can fail


def test_the_date_shift_option_moves_every_date_by_one_offset() -> None:
    ds = _patient()
    item = Dataset()
    item.ContentDate = "20240301"
    ds.ContentSequence = Sequence([item])
    shifted = deidentify(ds, salt=SALT, date_shift_days=-10)
    assert shifted.StudyDate == "20240219" and shifted.SeriesDate == "19970322"  # "1997.04." is 1 April
    assert shifted.StudyTime == "101500"  # times are kept
    assert shifted.PatientBirthDate == ""  # the birth date keeps the profile's action
    assert shifted.LongitudinalTemporalInformationModified == "MODIFIED"
    assert [c.CodeValue for c in shifted.DeidentificationMethodCodeSequence] == ["113100", "113107"]
    plain = deidentify(ds, salt=SALT)
    assert plain.StudyDate == "" and plain.LongitudinalTemporalInformationModified == "REMOVED"
    assert phi_leftovers(ds, shifted).count == 0


def test_shift_date_formats_and_bad_values() -> None:
    assert shift_date("20240228", 1) == "20240229" and shift_date("20231231", 1) == "20240101"
    assert shift_date("1997.04.03", 0) == "19970403" and shift_date("1997", 400) == "19980205"
    assert shift_date("1997", 400, "DT") == "1998"  # a date-time keeps its precision
    assert shift_date("", 5) == "" and shift_date("20010101120000+0100", 1, "DT") == "20010102120000+0100"
    for bad in ("2024-1", "tomorrow"):
        with pytest.raises(ValueError, match="^value"):
            shift_date(bad, 1)


@pytest.mark.parametrize(
    ("value", "days", "want"),
    [
        ("2024+0100", 400, "2025+0100"),  # the year alone, with a UTC offset (PS3.5 table 6.2-1)
        ("202403+0100", 40, "202404+0100"),
        ("20240301-0500", -1, "20240229-0500"),
        ("2024030112+1400", 1, "2024030212+1400"),
        ("20240301235959.123456-1200", 1, "20240302235959.123456-1200"),
    ],
)
def test_a_date_time_with_a_utc_offset_keeps_its_precision_and_offset(value: str, days: int, want: str) -> None:
    assert shift_date(value, days, "DT") == want


@pytest.mark.parametrize("bad", ["+0100", "20240+0100", "2024+01", "tomorrow+0100"])
def test_a_date_time_that_is_no_date_before_its_offset_is_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="^value"):
        shift_date(bad, 1, "DT")


def test_phi_leftovers_finds_each_kind_of_leftover() -> None:
    original = _patient()
    clean = deidentify(original, salt=SALT)
    assert not phi_leftovers(original, clean)
    kept = copy.deepcopy(clean)
    kept.InstitutionName = original.InstitutionName
    found = phi_leftovers(original, kept)
    assert any("Institution Name" in f for f in found.profile_values)
    private = copy.deepcopy(clean)
    private.add_new(0x00290010, "LO", "VENDOR")
    assert phi_leftovers(original, private).private_tags
    text = copy.deepcopy(clean)
    text.ImageComments = "scanned at saint example hospital for Jane Doe"  # not a profile attribute of the copy
    assert phi_leftovers(original, text).identifiers
    partial = copy.deepcopy(clean)
    partial.ImageComments = "MRN-1234567"  # another number that contains the ID: not the same words
    assert not phi_leftovers(original, partial).identifiers


@pytest.mark.parametrize(
    ("arguments", "word"),
    [
        ({"dataset": "file.dcm", "salt": SALT}, "dataset"),
        ({"dataset": Dataset(), "salt": "short"}, "salt"),
        ({"dataset": Dataset(), "salt": 12345678}, "salt"),
        ({"dataset": Dataset(), "salt": SALT, "date_shift_days": "ten"}, "date_shift_days"),
    ],
)
def test_deidentify_bad_input(arguments: dict, word: str) -> None:
    with pytest.raises(ValueError, match=f"^{word}"):
        deidentify(**arguments)


def test_phi_leftovers_bad_input() -> None:
    for original, clean, word in [("a", Dataset(), "original"), (Dataset(), None, "deidentified")]:
        with pytest.raises(ValueError, match=f"^{word}"):
            phi_leftovers(original, clean)


@pytest.mark.parametrize("salt", ["short", "x" * 15, b"sixteen bytes!!!", None])
def test_replace_uid_needs_a_real_salt(salt: object) -> None:
    with pytest.raises(ValueError, match="^salt must be a secret string of at least 16 characters"):
        replace_uid("1.2.3", salt=salt)


def test_a_salt_of_16_characters_is_enough() -> None:
    assert replace_uid("1.2.3", salt="x" * 16).startswith("2.25.")


def test_a_replaced_uid_is_a_version_8_uuid_under_2_25_not_a_random_one() -> None:
    import uuid

    for old in ("1.2.3", "1.2.840.113619.2.1.1", ""):
        new = replace_uid(old, salt=SALT)
        number = uuid.UUID(int=int(new.removeprefix("2.25.")))
        assert new.startswith("2.25.") and len(new) <= 64 and number.version == 8
        assert number.variant == uuid.RFC_4122 and str(number.int) == new.removeprefix("2.25.")


def test_the_profile_generator_reads_lists_and_refuses_a_tag_in_two() -> None:
    from authoring.deid_profile import ACTIONS, read_profile

    lists = "".join(f"{name} = []\n" for name in ACTIONS if name not in ("X_TAGS", "D_TAGS"))
    source = lists + (
        "X_TAGS = [\n    (0x0010, 0x1040),  # Patient's Address\n"
        "    (0x6000, 0x3000, 0xFF00, 0xFFFF),  # Overlay Data\n]\n"
        "D_TAGS = [\n    (0x0008, 0x0090),  # Referring Physician's Name\n]\n"
    )
    table, repeating = read_profile(source)
    assert table == {
        "00080090": {"action": "D", "name": "Referring Physician's Name"},
        "00101040": {"action": "X", "name": "Patient's Address"},
    }
    assert repeating == [
        {
            "group": 0x6000,
            "element": 0x3000,
            "group_mask": 0xFF00,
            "element_mask": 0xFFFF,
            "action": "X",
            "name": "Overlay Data",
        }
    ]
    with pytest.raises(SystemExit, match="two lists"):
        read_profile(source + "Z_TAGS = [(0x0010, 0x1040)]\n")


def test_the_file_meta_the_preamble_and_the_file_name_are_cleaned_too() -> None:
    original = _read(get_testdata_file("CT_small.dcm"))
    assert original.preamble != b"\x00" * 128  # this file's preamble holds a TIFF header
    original.file_meta.SourceApplicationEntityTitle = "HOSPITAL_PACS"
    clean = deidentify(original, salt=SALT)
    assert clean.preamble == b"\x00" * 128 and clean.filename is None and original.filename
    assert "SourceApplicationEntityTitle" not in clean.file_meta
    assert clean.file_meta.MediaStorageSOPInstanceUID == clean.SOPInstanceUID
    no_instance = copy.deepcopy(original)
    del no_instance.SOPInstanceUID  # the file meta's UID is then the only one
    cleaned = deidentify(no_instance, salt=SALT)
    assert cleaned.file_meta.MediaStorageSOPInstanceUID != original.file_meta.MediaStorageSOPInstanceUID
    assert not phi_leftovers(no_instance, cleaned)
    leaked = copy.deepcopy(cleaned)
    leaked.file_meta.MediaStorageSOPInstanceUID = original.file_meta.MediaStorageSOPInstanceUID
    assert any("Media Storage SOP Instance UID" in f for f in phi_leftovers(no_instance, leaked).profile_values)


def test_a_dummy_uid_is_a_uid_and_dummy_bytes_are_not_empty() -> None:
    ds = _patient()
    ds.add_new(0x006A0003, "UI", "1.2.3.4")  # Annotation Group UID: action D
    ds.add_new(0x00420011, "OB", b"%PDF-1.4 report of Jane Doe")  # Encapsulated Document: action D
    clean = deidentify(ds, salt=SALT)
    assert pydicom.uid.UID(clean[0x006A0003].value).is_valid and clean[0x006A0003].value != "1.2.3.4"
    assert clean[0x00420011].value == b"\x00\x00"


def test_identity_removed_only_when_the_pixels_are_known_to_be_clean_and_no_invented_values() -> None:
    ds = _patient()
    assert deidentify(ds, salt=SALT).PatientIdentityRemoved == "NO"  # nobody looked at the pixels
    assert deidentify(ds, salt=SALT, pixels_checked=True).PatientIdentityRemoved == "YES"
    ds.BurnedInAnnotation = "NO"  # no text in the pixels, but a head CT could still show a face
    assert deidentify(ds, salt=SALT).PatientIdentityRemoved == "NO"
    ds.RecognizableVisualFeatures = "YES"
    assert deidentify(ds, salt=SALT).PatientIdentityRemoved == "NO"
    ds.RecognizableVisualFeatures = "NO"  # the device's software says both: still nobody has looked
    assert deidentify(ds, salt=SALT).PatientIdentityRemoved == "NO"
    assert deidentify(ds, salt=SALT, pixels_checked=True).PatientIdentityRemoved == "YES"
    with pytest.raises(ValueError, match="^pixels_checked"):
        deidentify(ds, salt=SALT, pixels_checked="yes")
    ds.ContrastBolusAgent = ""  # Z/D, empty: stays empty rather than becoming a dummy that says "contrast"
    ds.SeriesDate = "20240229"  # X/D: removed, not replaced by 19000101
    clean = deidentify(ds, salt=SALT)
    assert clean.ContrastBolusAgent == "" and "SeriesDate" not in clean
    assert clean.PatientID == ""  # Z: emptied (Type 2)
    assert "InstitutionName" not in clean  # X/Z/D on a Type 3 attribute of the CT Image IOD: removed
    unknown = copy.deepcopy(ds)
    unknown.SOPClassUID = "1.2.826.0.1.3680043.2.1125.99"  # a class the table does not know: emptied, kept
    assert deidentify(unknown, salt=SALT).InstitutionName == ""


def test_combined_codes_remove_type_3_attributes_of_a_known_iod() -> None:
    ds = _patient()
    assert attribute_type(ds.SOPClassUID, "InstitutionName") is None
    assert profile_action(ds["InstitutionName"].tag) in ("X/Z", "X/Z/D")
    clean = deidentify(ds, salt=SALT)
    assert "InstitutionName" not in clean
    assert iod_problems(clean) == iod_problems(ds)  # removing a Type 3 attribute adds no problem


# conformance to the IOD ------------------------------------------------------------------------------

SEGMENTATIONS = ("liver_1frame.dcm", "liver_expb_1frame.dcm")


@pytest.mark.parametrize("name", SEGMENTATIONS)
def test_a_segmentation_keeps_its_type_1_dates_and_serial_number_as_dummies(name: str) -> None:
    original = _read(get_testdata_file(name))
    assert iod_name(original.SOPClassUID) == "segmentation"
    assert iod_problems(original) == ["NumberOfFrames: type 1, absent"]  # pydicom cut this test file down
    clean = deidentify(original, salt=SALT)
    assert iod_problems(clean) == iod_problems(original)
    for keyword in ("ContentDate", "ContentTime", "DeviceSerialNumber"):
        assert profile_action(original[keyword].tag) in ("Z/D", "X/Z/D", "X/D")
        assert attribute_type(original.SOPClassUID, keyword, mandatory_only=True) == "1"
        assert original[keyword].value and clean[keyword].value != original[keyword].value
    assert (clean.ContentDate, clean.ContentTime, clean.DeviceSerialNumber) == ("19000101", "000000", "ANONYMIZED")
    assert phi_leftovers(original, clean).count == 0
    shifted = deidentify(original, salt=SALT, date_shift_days=-10)  # with the date option: moved, not dummied
    assert shifted.ContentDate == shift_date(original.ContentDate, -10)
    assert iod_problems(shifted) == iod_problems(original)
    original.AcquisitionDateTime = "20010101120000.5+0100"  # a UTC offset says where: it goes with (0008,0201)
    original.TimezoneOffsetFromUTC = "+0100"
    zoned = deidentify(original, salt=SALT, date_shift_days=-10)
    assert zoned.AcquisitionDateTime == "20001222120000.5" and "TimezoneOffsetFromUTC" not in zoned


ENHANCED_CT = "1.2.840.10008.5.1.4.1.1.2.1"


def _enhanced_ct() -> Dataset:
    """A synthetic Enhanced CT header: an ORIGINAL image, so Acquisition DateTime (Type 1C) is required."""
    ds = _patient()
    ds.SOPClassUID, ds.SOPInstanceUID = ENHANCED_CT, "1.2.826.0.1.3680043.8.498.1"
    ds.Modality, ds.ImageType = "CT", ["ORIGINAL", "PRIMARY", "AXIAL", "NONE"]
    ds.AcquisitionDateTime = "20240229101500"
    ds.ContentDate, ds.ContentTime = "20240229", "101600"
    return ds


def test_an_enhanced_ct_keeps_its_type_1c_acquisition_datetime_as_a_dummy() -> None:
    original = _enhanced_ct()
    assert iod_name(ENHANCED_CT) == "enhanced-ct-image"
    assert attribute_type(ENHANCED_CT, "AcquisitionDateTime", mandatory_only=True) == "1C"  # PS3.3 C.8.15.2
    assert profile_action(original["AcquisitionDateTime"].tag) == "X/Z/D"
    clean = deidentify(original, salt=SALT)
    assert clean.AcquisitionDateTime == "19000101000000"  # D, a dummy DT: not emptied, not removed
    assert "AcquisitionDateTime: type 1C, empty" not in iod_problems(clean)
    assert set(iod_problems(clean)) <= set(iod_problems(original))
    assert phi_leftovers(original, clean).count == 0
    emptied = copy.deepcopy(clean)
    emptied.AcquisitionDateTime = ""  # what X/Z/D as Z would give
    assert "AcquisitionDateTime: type 1C, empty" in iod_problems(emptied)
    del emptied.AcquisitionDateTime  # absent: its condition is not checked, so not found
    assert not any(p.startswith("AcquisitionDateTime") for p in iod_problems(emptied))
    shifted = deidentify(original, salt=SALT, date_shift_days=-10)
    assert shifted.AcquisitionDateTime == "20240219101500"


def test_a_2c_attribute_present_in_the_input_counts_as_type_2_for_x_d() -> None:
    module = importlib.import_module("medlearn.privacy.deidentify")
    assert module._combined("X/D", "2C") == "D" and module._combined("X/D", "2") == "D"
    assert module._combined("Z/D", "1C") == "D" and module._combined("Z/D", "2C") == "Z"
    assert module._combined("X/D", None) == "X" and module._combined("X/Z/D", "1C") == "D"


def test_iod_problems_finds_what_the_combined_codes_would_empty_without_the_types() -> None:
    original = _read(get_testdata_file(SEGMENTATIONS[0]))
    emptied = copy.deepcopy(deidentify(original, salt=SALT))
    emptied.ContentDate, emptied.DeviceSerialNumber = "", ""  # what Z/D and X/Z/D as Z would give
    del emptied.ContentTime
    del emptied.PatientID  # Type 2: must stay present, even empty
    assert iod_problems(emptied) == [
        "ContentDate: type 1, empty",
        "ContentTime: type 1, absent",
        "DeviceSerialNumber: type 1, empty",
        "NumberOfFrames: type 1, absent",  # absent from pydicom's test file already
        "PatientID: type 2, absent",
    ]
    unknown = Dataset()
    unknown.SOPClassUID = "1.2.3"
    assert iod_problems(unknown) == ["SOPClassUID: '1.2.3' is not a SOP class of the table"]
    with pytest.raises(ValueError, match="^dataset"):
        iod_problems("file.dcm")
    with pytest.raises(ValueError, match="^mandatory_only"):
        attribute_type(original.SOPClassUID, "ContentDate", mandatory_only="yes")


def test_the_table_of_types_against_the_standard_in_a_few_known_places() -> None:
    ct, sr = pydicom.uid.CTImageStorage, "1.2.840.10008.5.1.4.1.1.88.11"  # Basic Text SR
    assert iod_name(ct) == "ct-image" and iod_name(sr) == "basic-text-sr"
    assert attribute_type(ct, "ImageType") == "1" and attribute_type(ct, "PatientID") == "2"
    assert attribute_type(ct, "StudyDate") == "2" and attribute_type(ct, "InstitutionName") is None  # Type 3
    assert attribute_type(sr, "ContentDate") == "1" and attribute_type(sr, "CompletionFlag") == "1"
    assert attribute_type("1.2.3", "ContentDate") is None


@pytest.mark.parametrize(
    ("keyword", "action", "kind", "expected"),
    [
        ("ContentDate", "Z/D", "1", "19000101"),  # Type 1: a dummy
        ("ContentDate", "Z/D", None, ""),  # Type 2 or 3: emptied
        ("SeriesDate", "X/D", "1", "19000101"),
        ("SeriesDate", "X/D", "2", "19000101"),  # X would break a Type 2: D, the code's other choice
        ("SeriesDate", "X/D", None, None),  # removed
        ("InstitutionName", "X/Z/D", "1", "ANONYMIZED"),
        ("InstitutionName", "X/Z/D", "2", ""),
    ],
)
def test_combined_codes_follow_the_type_in_the_iod(
    keyword: str, action: str, kind: str | None, expected, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = importlib.import_module("medlearn.privacy.deidentify")
    ds = _patient()
    setattr(ds, keyword, "20240229" if keyword.endswith("Date") else "Saint Example Hospital")
    assert profile_action(ds[keyword].tag) == action
    original = module.attribute_type
    monkeypatch.setattr(module, "attribute_type", lambda c, name: kind if name == keyword else original(c, name))
    clean = deidentify(ds, salt=SALT)
    assert clean.get(keyword) == expected if expected is not None else keyword not in clean


def test_the_iod_generator_keeps_types_1_1c_2_and_2c_by_path() -> None:
    from authoring.iod_types import build

    modules = {
        "general-equipment": [
            {"keyword": "Manufacturer", "type": "2", "path": []},
            {"keyword": "InstitutionName", "type": "3", "path": []},
            {"keyword": "SoftwareVersions", "type": "2C", "path": []},
            {"keyword": "CodeMeaning", "type": "1", "path": ["InstitutionalDepartmentTypeCodeSequence"]},
        ],
        "enhanced-general-equipment": [
            {"keyword": "DeviceSerialNumber", "type": "1", "path": []},
            {"keyword": "AcquisitionDateTime", "type": "1C", "path": []},
            {"keyword": "ContentDate", "type": "1C", "path": ["SomeSequence"]},
        ],
    }
    iods = {
        "segmentation": [
            {"key": "general-equipment", "usage": "M"},
            {"key": "enhanced-general-equipment", "usage": "M"},
        ]
    }
    table = build({"1.2.840.10008.5.1.4.1.1.66.4": "segmentation"}, iods, modules)
    assert table["modules"] == {
        "enhanced-general-equipment": {
            "": {"AcquisitionDateTime": "1C", "DeviceSerialNumber": "1"},
            "SomeSequence": {"ContentDate": "1C"},
        },
        "general-equipment": {
            "": {"Manufacturer": "2", "SoftwareVersions": "2C"},
            "InstitutionalDepartmentTypeCodeSequence": {"CodeMeaning": "1"},
        },
    }
    assert table["iods"]["segmentation"] == [["general-equipment", "M"], ["enhanced-general-equipment", "M"]]
    assert table["type_3"] == {"general-equipment": ["InstitutionName"]}  # the top level's Type 3 attributes
    with pytest.raises(SystemExit, match="do not fit"):
        build({"1.2": "x"}, {"x": [{"key": "nowhere", "usage": "M"}]}, modules)


# PatientIdentityRemoved and the Clean Pixel Data Option ----------------------------------------------


def test_pixels_checked_says_no_text_and_no_face_and_records_both_clean_pixel_options() -> None:
    ds = _patient()
    ds.BurnedInAnnotation = "YES"
    before = copy.deepcopy(ds)
    unchecked = deidentify(ds, salt=SALT)
    assert unchecked.PatientIdentityRemoved == "NO" and unchecked.BurnedInAnnotation == "YES"
    assert [c.CodeValue for c in unchecked.DeidentificationMethodCodeSequence] == ["113100"]
    checked = deidentify(ds, salt=SALT, pixels_checked=True, date_shift_days=3)
    assert ds == before  # the input is unchanged: no flag, code or date written into it
    assert checked.PatientIdentityRemoved == "YES" and checked.BurnedInAnnotation == "NO"
    assert [c.CodeValue for c in checked.DeidentificationMethodCodeSequence] == ["113100", "113101", "113102", "113107"]
    assert "Clean Pixel Data Option" in checked.DeidentificationMethod
    assert "pixel data not checked" in unchecked.DeidentificationMethod  # NO with 113100: pixels not checked
    assert "pixel data not checked" not in checked.DeidentificationMethod
    assert checked.RecognizableVisualFeatures == "NO" and "Clean Recognizable Visual Features Option" in (
        checked.DeidentificationMethod
    )
    ds.BurnedInAnnotation = ds.RecognizableVisualFeatures = "NO"  # the source's flags, written by its software
    trusted = deidentify(ds, salt=SALT)
    assert trusted.PatientIdentityRemoved == "NO" and "pixel data not checked" in trusted.DeidentificationMethod
    assert [c.CodeValue for c in trusted.DeidentificationMethodCodeSequence] == ["113100"]  # YES goes with 113101-2


# per-patient date offsets ----------------------------------------------------------------------------


def _days_between(first: str, second: str) -> int:
    day = lambda text: datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))  # noqa: E731
    return (day(second) - day(first)).days


def test_per_patient_offsets_from_a_key_table_or_a_function() -> None:
    jane, john = _patient(), _patient("Roe^John")
    john.PatientID = "MRN-654321"
    table = {"MRN-123456": -10, "MRN-654321": 25}
    one, two = (deidentify(ds, salt=SALT, date_shift_days=table) for ds in (jane, john))
    assert one.StudyDate == "20240219" and two.StudyDate == "20240325"  # each patient's own offset
    by_function = deidentify(john, salt=SALT, date_shift_days=lambda patient: table[patient])
    assert by_function.StudyDate == two.StudyDate and by_function.LongitudinalTemporalInformationModified == "MODIFIED"
    # one offset for everyone: Jane's one known date gives the offset, and with it John's true dates
    shared = [deidentify(ds, salt=SALT, date_shift_days=-10) for ds in (jane, john)]
    learnt = _days_between(jane.StudyDate, shared[0].StudyDate)
    assert shift_date(shared[1].StudyDate, -learnt) == john.StudyDate
    learnt = _days_between(jane.StudyDate, one.StudyDate)  # per-patient offsets: Jane's says nothing of John's
    assert shift_date(two.StudyDate, -learnt) != john.StudyDate
    assert phi_leftovers(john, two).count == 0


@pytest.mark.parametrize(
    ("offsets", "message"),
    [
        ({"another patient": 3}, "^date_shift_days has no offset for this dataset's PatientID"),
        ({"MRN-123456": "ten"}, r"^date_shift_days\[PatientID\] must be an integer"),
        ({"MRN-123456": 2.5}, r"^date_shift_days\[PatientID\] must be an integer"),
        (lambda patient: None, r"^date_shift_days\(PatientID\) must be an integer"),
        (1.5, "^date_shift_days must be an integer"),
        (True, "^date_shift_days must be an integer"),
    ],
)
def test_per_patient_offsets_bad_input(offsets, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        deidentify(_patient(), salt=SALT, date_shift_days=offsets)


def test_per_patient_offsets_need_a_patient_id() -> None:
    ds = _patient()
    del ds.PatientID
    with pytest.raises(ValueError, match="^date_shift_days is per patient"):
        deidentify(ds, salt=SALT, date_shift_days={"MRN-123456": 1})
    assert deidentify(ds, salt=SALT, date_shift_days=1).StudyDate == "20240301"  # one offset needs no ID
