"""medlearn.privacy inside sequence items: nested types, nested violations, dummy items and overlay groups."""

from __future__ import annotations

import importlib
import warnings
from pathlib import Path

import pydicom
import pytest
from pydicom.data import get_testdata_file, get_testdata_files
from pydicom.dataset import Dataset

from medlearn.privacy import attribute_type, deidentify, iod_problems, item_types, profile_action
from medlearn.privacy._dummies import dummy_item
from medlearn.privacy._tables import iod_table
from medlearn.privacy.iods import only_in_optional_modules

SALT = "a long secret salt"
SR = "1.2.840.10008.5.1.4.1.1.88.11"  # Basic Text SR
ECG = "1.2.840.10008.5.1.4.1.1.9.1.1"  # 12-lead ECG
DICOMDIR = "1.2.840.10008.1.3.10"
deidentify_module = importlib.import_module("medlearn.privacy.deidentify")  # the package's name is the function


def _read(path: str) -> Dataset:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # some test files are deliberately malformed
        return pydicom.dcmread(path)


def _datasets() -> list[tuple[str, Dataset]]:
    """Every file that ships with pydicom that pydicom reads, DICOMDIRs left out (deidentify refuses them)."""
    found = []
    shipped = str(Path(pydicom.__file__).parent)  # the wheel's own files, not those of an optional data package
    for path in get_testdata_files():
        if not str(Path(path).resolve()).startswith(shipped):
            continue
        try:
            dataset = _read(path)
        except Exception:  # not a DICOM file
            continue
        if str(getattr(dataset.get("file_meta"), "MediaStorageSOPClassUID", "")) != DICOMDIR:
            found.append((path.rsplit("/", 1)[-1], dataset))
    return found


DATASETS = _datasets()


def _nested(dataset: Dataset) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # values that pydicom warns about as it reads them
        return [p for p in iod_problems(dataset) if " > " in p]


def _clean(dataset: Dataset) -> Dataset:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return deidentify(dataset, salt=SALT)


def test_no_file_that_ships_with_pydicom_gains_a_nested_violation() -> None:
    assert len(DATASETS) >= 150  # pydicom 3.0.2 ships 155 that it reads
    before = after = 0
    for name, original in DATASETS:
        old, new = _nested(original), _nested(_clean(original))
        assert set(new) <= set(old), (name, sorted(set(new) - set(old)))
        before, after = before + len(old), after + len(new)
    assert after == before < 10  # the few the originals have themselves, and no more


def _old_behaviour(monkeypatch: pytest.MonkeyPatch) -> None:
    """The de-identification before nested types: D (and X/D on a sequence that is Type 1 in any module) left one
    empty item; overlay groups stayed."""
    monkeypatch.setattr(deidentify_module, "dummy_item", lambda *arguments: Dataset())
    monkeypatch.setattr(deidentify_module, "content_item", lambda sop_class_uid: Dataset())
    monkeypatch.setattr(deidentify_module, "drop_overlay_groups", lambda dataset: [])
    monkeypatch.setattr(deidentify_module, "only_in_optional_modules", lambda *arguments: False)


def test_the_check_finds_the_nested_violations_of_the_old_behaviour(monkeypatch: pytest.MonkeyPatch) -> None:
    _old_behaviour(monkeypatch)
    gained = {}
    for name, original in DATASETS:
        new = set(_nested(_clean(original))) - set(_nested(original))
        if new:
            gained[name] = new
    assert "WaveformAnnotationSequence[0] > ReferencedWaveformChannels: type 1, absent" in gained["waveform_ecg.dcm"]
    assert "overlay group 6000 > OverlayData: type 1, absent" in gained["examples_overlay.dcm"]
    assert {
        "ContentSequence[0] > RelationshipType: type 1, absent",
        "ContentSequence[0] > ValueType: type 1, absent",
    } <= (gained["reportsi.dcm"])
    assert len(gained) >= 5 and sum(map(len, gained.values())) >= 12


def test_an_overlay_group_goes_whole_when_its_data_goes() -> None:
    original = _read(get_testdata_file("examples_overlay.dcm"))
    assert 0x60003000 in original and 0x60000010 in original
    clean = _clean(original)
    assert not [tag for tag in clean.keys() if tag.group == 0x6000]
    half = original.copy()
    del half[0x60003000]
    assert iod_problems(half) == ["overlay group 6000 > OverlayData: type 1, absent"]
    half[0x60000010].value = None
    assert "overlay group 6000 > OverlayRows: type 1, empty" in iod_problems(half)


def test_an_ecg_loses_its_waveform_annotations_with_their_conditional_module() -> None:
    original = _read(get_testdata_file("waveform_ecg.dcm"))
    assert original.SOPClassUID == ECG and profile_action(original["WaveformAnnotationSequence"].tag) == "X/D"
    assert ["waveform-annotation", "C"] in iod_table()["iods"]["12-lead-ecg"]  # PS3.3 A.34.3: conditional
    assert attribute_type(ECG, "WaveformAnnotationSequence") == "1"  # Type 1 in its module, which can go whole
    clean = _clean(original)
    assert "WaveformAnnotationSequence" not in clean and iod_problems(clean) == iod_problems(original)
    assert only_in_optional_modules(ECG, "WaveformAnnotationSequence")
    assert not only_in_optional_modules(ECG, "Modality") and not only_in_optional_modules("1.2.3", "Modality")


@pytest.mark.parametrize("name", ["reportsi.dcm", "test-SR.dcm"])
def test_a_dummy_content_item_is_a_comment_built_by_construction(name: str) -> None:
    original = _read(get_testdata_file(name))
    clean = _clean(original)
    item = clean.ContentSequence[0]
    assert len(clean.ContentSequence) == 1 and "ContentSequence" not in item
    assert (item.RelationshipType, item.ValueType, item.TextValue) == ("CONTAINS", "TEXT", "ANONYMIZED")
    code = item.ConceptNameCodeSequence[0]
    assert (code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning) == ("121106", "DCM", "Comment")
    assert "ContentTemplateSequence" not in clean
    required = item_types(original.SOPClassUID, ["ContentSequence"], item)
    assert {k for k, kind in required.items() if kind in ("1", "2")} <= set(item.dir())


def test_item_types_follow_the_value_type_by_reference_and_functional_groups() -> None:
    text, container, by_reference = Dataset(), Dataset(), Dataset()
    text.ValueType, container.ValueType = "TEXT", "CONTAINER"
    by_reference.ReferencedContentItemIdentifier = [1, 2]
    deep = ["ContentSequence"] * 4
    assert item_types(SR, deep, text)["TextValue"] == "1" and "ContinuityOfContent" not in item_types(SR, deep, text)
    assert item_types(SR, deep, container)["ContinuityOfContent"] == "1"
    assert "ValueType" not in item_types(SR, deep, by_reference) and "TextValue" not in item_types(
        SR, deep, by_reference
    )
    assert item_types(SR, deep)["GraphicData"] == "1"  # without the item, every macro's attributes
    assert item_types(ECG, ["WaveformAnnotationSequence"])["ReferencedWaveformChannels"] == "1"
    enhanced_ct = "1.2.840.10008.5.1.4.1.1.2.1"
    assert "PixelMeasuresSequence" not in item_types(enhanced_ct, ["SharedFunctionalGroupsSequence"])
    assert item_types(enhanced_ct, ["SharedFunctionalGroupsSequence", "PixelMeasuresSequence"])["PixelSpacing"] == "1C"
    assert item_types("1.2.3", ["ContentSequence"]) == {} and item_types(SR, ["NoSuchSequence"]) == {}


@pytest.mark.parametrize("path", ["ContentSequence", [""], [1], None])
def test_a_path_must_be_sequence_keywords(path: object) -> None:
    with pytest.raises(ValueError, match="^path must be a sequence of sequence keywords"):
        item_types(SR, path)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="^path must be a sequence of sequence keywords"):
        attribute_type(SR, "ValueType", path=path)  # type: ignore[arg-type]


def test_attribute_type_inside_sequences() -> None:
    assert attribute_type(SR, "RelationshipType", path=["ContentSequence"]) == "1"
    assert attribute_type(SR, "RelationshipType") is None and attribute_type("1.2.3", "ValueType", path=["A"]) is None
    assert attribute_type(ECG, "ReferencedWaveformChannels", path=("WaveformAnnotationSequence",)) == "1"


def test_iod_problems_nested_reports_paths_at_any_depth_and_can_be_turned_off() -> None:
    report = _read(get_testdata_file("reportsi.dcm"))
    assert _nested(report) == []
    inner = report.ContentSequence[-1]
    child = Dataset()
    child.RelationshipType, child.ValueType = "CONTAINS", "TEXT"
    inner.ContentSequence = [child]
    index = len(report.ContentSequence) - 1
    assert _nested(report) == [f"ContentSequence[{index}] > ContentSequence[0] > TextValue: type 1, absent"]
    assert iod_problems(report, nested=False) == []
    with pytest.raises(ValueError, match="^nested"):
        iod_problems(report, nested="yes")  # type: ignore[arg-type]


def test_a_dummy_item_keeps_codes_numbers_and_standard_uids_and_invents_no_number() -> None:
    original = Dataset()
    original.ReferencedSOPClassUID = "1.2.840.10008.5.1.4.1.1.2"  # CT Image Storage: a standard UID
    original.ReferencedSOPInstanceUID = "1.2.3.4"
    dummy = dummy_item(SR, ("ContentSequence", "ReferencedSOPSequence"), original, SALT)
    assert dummy.ReferencedSOPClassUID == original.ReferencedSOPClassUID
    assert dummy.ReferencedSOPInstanceUID.startswith("2.25.")
    assert "ReferencedWaveformChannels" not in dummy_item(ECG, ("WaveformAnnotationSequence",), Dataset(), SALT)
    observer = dummy_item(SR, ("VerifyingObserverSequence",), Dataset(), SALT)
    assert observer.VerifyingObserverName == "ANONYMOUS" and observer.VerifyingObserverIdentificationCodeSequence == []
