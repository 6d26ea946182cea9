"""medlearn.privacy: the file meta information is replaced (PS3.15 E.1.1 item 7) and checked; every date moves
under the date-shift option, listed in the profile's table or not (E.1.1 Note 4)."""

from __future__ import annotations

import copy
import io
import warnings

import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.datadict import DicomDictionary
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset
from pydicom.sequence import Sequence

from medlearn.deploy.course_files import UID_PREFIX
from medlearn.privacy import deidentify, phi_leftovers, profile_action, shift_date
from medlearn.privacy._file_meta import (
    IMPLEMENTATION_CLASS_UID,
    IMPLEMENTATION_VERSION_NAME,
    replaced_file_meta,
)
from medlearn.privacy.dates import shift_element

SALT = "a long secret salt"
PLANTED = (
    "PrivateInformationCreatorUID",
    "PrivateInformation",
    "SourcePresentationAddress",
    "SendingPresentationAddress",
    "ReceivingPresentationAddress",
)


def _with_planted_meta() -> Dataset:
    """pydicom's CT file, whose file meta carries the patient's name, ID and hospital, and the nodes' addresses."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    meta = ds.file_meta
    meta.PrivateInformationCreatorUID = "1.2.826.0.1.3680043.8.498.99"
    meta.PrivateInformation = f"{ds.PatientName} MRN {ds.PatientID} {ds.InstitutionName}".encode()
    meta.SourcePresentationAddress = "dicom://pacs.saint-example-hospital.org:104"
    meta.SendingPresentationAddress = "dicom://10.1.2.3:104"
    meta.ReceivingPresentationAddress = "dicom://10.1.2.4:11112"
    meta.SourceApplicationEntityTitle = "HOSPITAL_PACS"
    return ds


def test_the_file_meta_is_replaced_with_a_description_of_the_de_identifier() -> None:
    original = _with_planted_meta()
    clean = deidentify(original, salt=SALT)
    meta = clean.file_meta
    assert [f"{tag:08X}" for tag in meta.keys()] == [
        "00020001",
        "00020002",
        "00020003",
        "00020010",
        "00020012",
        "00020013",
    ]
    assert meta.MediaStorageSOPClassUID == original.file_meta.MediaStorageSOPClassUID
    assert meta.TransferSyntaxUID == original.file_meta.TransferSyntaxUID
    assert meta.MediaStorageSOPInstanceUID == clean.SOPInstanceUID != original.SOPInstanceUID
    assert (meta.ImplementationClassUID, meta.ImplementationVersionName) == (
        IMPLEMENTATION_CLASS_UID,
        IMPLEMENTATION_VERSION_NAME,
    )
    assert all(keyword in original.file_meta for keyword in PLANTED)  # the input is unchanged
    assert phi_leftovers(original, clean).count == 0
    written = io.BytesIO()
    clean.save_as(written, enforce_file_format=True)  # a Part 10 file, and it says who wrote it
    read = pydicom.dcmread(io.BytesIO(written.getvalue()))
    assert read.preamble == b"\x00" * 128 and read.file_meta.ImplementationClassUID == IMPLEMENTATION_CLASS_UID
    assert phi_leftovers(original, read).count == 0
    again = deidentify(clean, salt="another secret salt")  # a copy of a copy: our own UID and name are not leftovers
    assert phi_leftovers(clean, again).count == 0


def test_phi_leftovers_finds_what_a_file_meta_left_as_it_was_still_holds() -> None:
    original = _with_planted_meta()
    leaky = deidentify(original, salt=SALT)
    leaky.file_meta = copy.deepcopy(original.file_meta)
    leaky.file_meta.MediaStorageSOPInstanceUID = leaky.SOPInstanceUID
    found = phi_leftovers(original, leaky)
    kept = " ".join(found.file_meta)
    for name in (
        "Source Presentation Address",
        "Sending Presentation Address",
        "Receiving Presentation Address",
        "Private Information",
        "Source Application Entity Title",
        "Implementation Class UID",
    ):
        assert name in kept
    assert "Media Storage SOP Instance UID" not in kept + " ".join(found.profile_values)  # the copy's own new UID
    assert found.count == len(found.file_meta) + len(found.identifiers)
    assert sorted(finding.split(" '")[0] for finding in found.identifiers) == [
        "original Institution Name",
        "original Patient ID",
        "original Patient's Name",
    ]
    assert all("(0002,0102) Private Information" in finding for finding in found.identifiers)
    cleaned = deidentify(original, salt=SALT)
    host = str(original.InstitutionName).lower().replace(" ", "-")
    cleaned.file_meta.SourcePresentationAddress = f"dicom://{host}/{original.PatientID}"
    assert len(phi_leftovers(original, cleaned).identifiers) == 2  # a new value, holding the ID and the hospital


def test_a_dataset_without_file_meta_gets_none_and_replaced_file_meta_refuses_a_non_dataset() -> None:
    ds = Dataset()
    ds.PatientName, ds.SOPClassUID, ds.SOPInstanceUID = "Doe^Jane", pydicom.uid.CTImageStorage, "1.2.3"
    assert getattr(deidentify(ds, salt=SALT), "file_meta", None) is None
    with pytest.raises(ValueError, match="^meta must be a pydicom Dataset"):
        replaced_file_meta({"TransferSyntaxUID": "1.2.840.10008.1.2.1"}, "2.25.1")
    bare = replaced_file_meta(Dataset(), "")
    assert [f"{tag:08X}" for tag in bare.keys()] == ["00020001", "00020012", "00020013"]


def test_the_implementation_uid_is_under_the_course_root_and_the_name_fits_its_vr() -> None:
    assert IMPLEMENTATION_CLASS_UID.startswith(UID_PREFIX) and pydicom.uid.UID(IMPLEMENTATION_CLASS_UID).is_valid
    assert len(IMPLEMENTATION_VERSION_NAME) <= 16 and IMPLEMENTATION_VERSION_NAME.startswith("MEDLEARN")


UNLISTED = sorted(
    (tag, entry[0])
    for tag, entry in DicomDictionary.items()
    if entry[0] in ("DA", "DT") and entry[3] != "Retired" and profile_action(tag) is None
)


def test_every_unlisted_date_moves_with_the_option_and_is_kept_without_it() -> None:
    assert len(UNLISTED) >= 13 and (0x0008041F, "DT") in UNLISTED  # Study Update DateTime, for one
    ds = Dataset()
    ds.PatientID, ds.SOPClassUID, ds.StudyDate = "MRN-1", pydicom.uid.CTImageStorage, "20240229"
    for tag, vr in UNLISTED:
        ds.add(DataElement(tag, vr, "20240229" if vr == "DA" else "20240229101500+0100"))
    item = Dataset()
    item.add(DataElement(0x0008041F, "DT", "20240301"))
    ds.AnatomicRegionSequence = Sequence([item])  # no action in the table: kept, and cleaned inside
    shifted = deidentify(ds, salt=SALT, date_shift_days=-10)
    assert shifted.StudyDate == "20240219"
    for tag, vr in UNLISTED:
        assert shifted[tag].value == ("20240219" if vr == "DA" else "20240219101500"), f"{tag:08X}"
    assert shifted.AnatomicRegionSequence[0][0x0008041F].value == "20240220"
    kept = deidentify(ds, salt=SALT)  # without the option, the profile's block list: unlisted attributes stay
    assert all(kept[tag].value == ds[tag].value for tag, _ in UNLISTED)


def test_shift_element_moves_every_value_and_refuses_another_vr() -> None:
    dates = DataElement(0x00080023, "DA", ["20240229", "", "19970403"])  # Content Date, three values
    shift_element(dates, 1)
    assert list(dates.value) == ["20240301", "", "19970404"]
    empty = DataElement(0x00080023, "DA", "")
    shift_element(empty, 1)
    assert empty.value == ""
    assert shift_date("20240229101500+0100", 1, "DT") == "20240301101500+0100"  # the function keeps the zone
    with pytest.raises(ValueError, match="^element must be a DA or DT attribute"):
        shift_element(DataElement(0x00080030, "TM", "101500"), 1)
