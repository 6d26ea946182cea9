"""medlearn.privacy after a DICOM review: valid dummy SR content and codes, optional modules (removed whole, or kept
valid), overlays kept in the pixel bits, presentation states' activation layers, unknown SOP classes and Type 1
attributes under Z."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
from pydicom import examples
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sr.codedict import codes

from medlearn.privacy import attribute_type, deidentify, iod_problems, item_types, profile_action
from medlearn.privacy._dummies import COMMENT, DUMMY_CODE, content_item, dummy_item
from medlearn.privacy._overlays import drop_overlay_groups, zero_overlay_bits
from medlearn.privacy.iods import only_in_optional_modules

SALT = "a long secret salt"
COMPREHENSIVE_SR = "1.2.840.10008.5.1.4.1.1.88.33"
GSPS = "1.2.840.10008.5.1.4.1.1.11.1"
deidentify_module = importlib.import_module("medlearn.privacy.deidentify")


def _code(value: str, scheme: str, meaning: str) -> Dataset:
    code = Dataset()
    code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning = value, scheme, meaning
    return code


def _report() -> Dataset:
    """A TID 1500 measurement report whose first content item is an SCOORD with its SELECTED FROM child, then an
    item by reference."""
    report = examples.ct.copy()
    report.SOPClassUID = COMPREHENSIVE_SR
    report.ValueType, report.ContinuityOfContent = "CONTAINER", "SEPARATE"
    report.ConceptNameCodeSequence = [_code("126000", "DCM", "Imaging Measurement Report")]
    template = Dataset()
    template.MappingResource, template.TemplateIdentifier = "DCMR", "1500"
    report.ContentTemplateSequence = [template]
    image = Dataset()
    image.RelationshipType, image.ValueType = "SELECTED FROM", "IMAGE"
    reference = Dataset()
    reference.ReferencedSOPClassUID, reference.ReferencedSOPInstanceUID = (
        report.file_meta.MediaStorageSOPClassUID,
        "1.2.3",
    )
    image.ReferencedSOPSequence = [reference]
    scoord = Dataset()
    scoord.RelationshipType, scoord.ValueType = "CONTAINS", "SCOORD"
    scoord.ConceptNameCodeSequence = [_code("111030", "DCM", "Image Region")]
    scoord.GraphicType, scoord.GraphicData = "POINT", [10.0, 20.0]
    scoord.ContentSequence = [image]
    by_reference = Dataset()
    by_reference.RelationshipType, by_reference.ReferencedContentItemIdentifier = "CONTAINS", [1, 1]
    report.ContentSequence = [scoord, by_reference]
    return report


def test_the_dummy_content_item_is_valid_by_construction_whatever_the_first_item_was() -> None:
    assert COMMENT == (codes.DCM.Comment.value, codes.DCM.Comment.scheme_designator, codes.DCM.Comment.meaning)
    original = _report()
    for first in (original.ContentSequence[0], original.ContentSequence[1]):  # SCOORD, then by reference
        report = original.copy()
        report.ContentSequence = [first]
        clean = deidentify(report, salt=SALT)
        assert list(clean.ContentSequence) == [content_item(COMPREHENSIVE_SR)]
        assert "ContentTemplateSequence" not in clean  # the new content follows no template
        assert set(iod_problems(clean)) <= set(iod_problems(report))
    kept = deidentify(examples.ct, salt=SALT)  # no Content Sequence: nothing to replace, nothing removed
    assert "ContentSequence" not in kept
    item = content_item(COMPREHENSIVE_SR)
    required = item_types(COMPREHENSIVE_SR, ["ContentSequence"], item)
    assert {k for k, kind in required.items() if kind in ("1", "2")} <= set(item.dir())
    assert "ContentSequence" not in item and "ReferencedContentItemIdentifier" not in item


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (("126000", "DCM", "Imaging Measurement Report"), ("126000", "DCM", "Imaging Measurement Report")),
        (("39607008", "SCT", "Lung"), ("39607008", "SCT", "Lung")),
        (("mm", "UCUM", "millimeter"), ("mm", "UCUM", "millimeter")),
        (("PAT-4711", "99_HOSPITAL", "Smith^Jane's case"), DUMMY_CODE),  # a private scheme can encode a person
        (("X1", "", "no scheme"), DUMMY_CODE),
    ],
)
def test_a_dummy_code_keeps_value_and_meaning_together_or_is_a_dummy_code(code: tuple, expected: tuple) -> None:
    dummy = dummy_item(COMPREHENSIVE_SR, ("ContentSequence", "ConceptNameCodeSequence"), _code(*code), SALT)
    assert (dummy.CodeValue, dummy.CodingSchemeDesignator, dummy.CodeMeaning) == expected
    assert DUMMY_CODE[1].startswith("99")  # a private scheme (PS3.16 Section 8), whose meaning is its own
    empty = dummy_item(COMPREHENSIVE_SR, ("ContentSequence", "ConceptNameCodeSequence"), Dataset(), SALT)
    assert (empty.CodeValue, empty.CodingSchemeDesignator, empty.CodeMeaning) == DUMMY_CODE


def test_x_codes_remove_an_attribute_only_its_optional_module_needs() -> None:
    legacy_ct = "1.2.840.10008.5.1.4.1.1.2.2"  # Enhanced General Equipment is U there
    assert attribute_type(legacy_ct, "DeviceSerialNumber") == "1"
    assert profile_action(0x00181000) == "X/Z/D"
    assert only_in_optional_modules(legacy_ct, "DeviceSerialNumber")
    assert not only_in_optional_modules(legacy_ct, "DeviceSerialNumber", {"DeviceSerialNumber", "SoftwareVersions"})
    with pytest.raises(ValueError, match="^keyword"):
        only_in_optional_modules(legacy_ct, 0x00181000)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="^present"):
        only_in_optional_modules(legacy_ct, "DeviceSerialNumber", "Manufacturer")
    combined = deidentify_module._combined
    assert combined("X/D", "1", True, optional=True) == "X" and combined("X/Z/D", "1", True, optional=True) == "X"
    assert combined("Z/D", "1", True, optional=True) == "D"  # Z/D cannot remove
    ds = examples.ct.copy()
    ds.SOPClassUID, ds.DeviceSerialNumber = legacy_ct, "SN-0042"
    for keyword in ("Manufacturer", "ManufacturerModelName", "SoftwareVersions"):
        ds.pop(keyword, None)  # Type 1 in the same module: any of them present keeps the module, and a dummy
    assert "DeviceSerialNumber" not in deidentify(ds, salt=SALT)  # alone of its module: removed with it
    ds.SoftwareVersions = "1.0"  # the module may be there: it needs its serial number, a dummy
    assert deidentify(ds, salt=SALT).DeviceSerialNumber == "ANONYMIZED"


def _overlaid(bits_stored: int) -> Dataset:
    """A CT with an old-style overlay in bit 12 of Pixel Data, a label and a description naming the patient."""
    ds = examples.ct.copy()
    ds.BurnedInAnnotation, ds.RecognizableVisualFeatures = "NO", "NO"
    ds.BitsStored, ds.HighBit = bits_stored, bits_stored - 1
    pixels = np.frombuffer(ds.PixelData, dtype="<u2") & 0x0FFF
    pixels = pixels | np.where(np.arange(pixels.size) % 7 == 0, 1 << 12, 0).astype("<u2")
    ds.PixelData = pixels.astype("<u2").tobytes()
    for element, vr, value in [
        (0x0010, "US", 128),
        (0x0011, "US", 128),
        (0x0040, "CS", "G"),
        (0x0050, "SS", [1, 1]),
        (0x0100, "US", 16),
        (0x0102, "US", 12),
        (0x0022, "LO", "Smith^Jane, left lung"),
        (0x1500, "LO", "Smith"),
    ]:
        ds.add_new(0x6000 << 16 | element, vr, value)
    return ds


def test_an_overlay_in_the_pixel_bits_goes_with_its_group_and_its_bits_are_cleared() -> None:
    original = _overlaid(12)
    assert 0x60003000 not in original
    clean = deidentify(original, salt=SALT)
    assert not [tag for tag in clean.keys() if tag.group == 0x6000]  # the label and the description too
    before, after = (np.frombuffer(ds.PixelData, dtype="<u2") for ds in (original, clean))
    assert (before & (1 << 12)).any() and not (after & (1 << 12)).any()
    assert np.array_equal(before & 0x0FFF, after)  # the image's own 12 bits unchanged
    assert "overlay bits in pixel data cleared" in clean.DeidentificationMethod
    assert clean.PatientIdentityRemoved == "NO"  # the source's flags say NO, but nobody has looked
    assert deidentify(original, salt=SALT, pixels_checked=True).PatientIdentityRemoved == "YES"


def test_an_overlay_inside_the_stored_bits_is_flagged_and_refused_as_checked() -> None:
    original = _overlaid(16)  # bit 12 is image data now: clearing it would change the image
    clean = deidentify(original, salt=SALT)
    assert clean.PixelData == original.PixelData
    assert "overlay left in pixel data: Clean Pixel Data Option needed" in clean.DeidentificationMethod
    assert clean.PatientIdentityRemoved == "NO"
    with pytest.raises(ValueError, match="^pixels_checked: the overlay of group 6000"):
        deidentify(original, salt=SALT, pixels_checked=True)
    compressed = Dataset()
    compressed.BitsAllocated = 16
    assert zero_overlay_bits(compressed, [(0x6000, 12)]) == [0x6000]  # no Pixel Data: nothing to clear


def test_a_transfer_syntax_read_as_plain_text_is_still_understood() -> None:
    """A damaged meta header can give (0002,0010) another VR: pydicom then holds a str, not a UID."""
    original = _overlaid(12)
    original.file_meta = FileMetaDataset()
    original.file_meta.add_new(0x00020010, "ST", "1.2.840.10008.1.2.1")  # Explicit VR Little Endian, as text
    assert zero_overlay_bits(original, [(0x6000, 12)]) == []
    assert not (np.frombuffer(original.PixelData, dtype="<u2") & (1 << 12)).any()


def test_a_presentation_state_with_an_activation_layer_only_has_no_overlay_problem() -> None:
    state = Dataset()
    state.SOPClassUID = GSPS
    state.add_new(0x60001001, "CS", "LAYER1")  # Overlay Activation Layer (Overlay Activation module)
    state.add_new(0x60000000, "UL", 8)  # its group's length
    assert not [p for p in iod_problems(state) if "overlay" in p]
    assert drop_overlay_groups(state) == [] and 0x60001001 in state  # kept by de-identification too
    state.add_new(0x60000010, "US", 512)  # an Overlay Plane attribute: the group is an overlay plane now
    assert "overlay group 6000 > OverlayData: type 1, absent" in iod_problems(state)
    report = _report()
    report.add_new(0x60020010, "US", 512)
    assert "overlay group 6002: no Overlay Plane module in the IOD comprehensive-sr" in iod_problems(report)


def test_an_unknown_sop_class_loses_a_d_sequence_and_a_type_1_z_attribute_gets_a_dummy() -> None:
    unknown = examples.ct.copy()
    unknown.SOPClassUID = "1.2.826.0.1.3680043.2.1125.99"
    observer = Dataset()
    observer.VerifyingObserverName = "Smith^Jane"
    unknown.VerifyingObserverSequence = [observer]
    assert profile_action(0x0040A073) == "D"
    assert "VerifyingObserverSequence" not in deidentify(unknown, salt=SALT)  # no item known to be valid
    unknown.ContentSequence = [observer]
    assert list(deidentify(unknown, salt=SALT).ContentSequence) == [content_item(unknown.SOPClassUID)]
    plan = "1.2.840.10008.5.1.4.1.1.481.13"  # C-Arm Photon-Electron Radiation
    slot = Dataset()
    slot.RTAccessoryHolderSlotID = "SLOT A"
    holder = Dataset()
    holder.RTAccessoryHolderSlotSequence = [slot]
    path = ["RTAccessoryHolderDefinitionSequence", "RTAccessoryHolderSlotSequence"]
    assert (
        item_types(plan, path)["RTAccessoryHolderSlotID"] == "1"
        and profile_action(slot["RTAccessoryHolderSlotID"].tag) == "Z"
    )
    ds = examples.ct.copy()
    ds.SOPClassUID = plan
    ds.RTAccessoryHolderDefinitionSequence = [holder]
    clean = deidentify(ds, salt=SALT)
    assert clean.RTAccessoryHolderDefinitionSequence[0].RTAccessoryHolderSlotSequence[0].RTAccessoryHolderSlotID
    assert deidentify_module._combined("Z", "1") == "D" and deidentify_module._combined("Z", "2") == "Z"


@pytest.mark.parametrize(
    "sop_class",
    ["1.2.840.10008.5.1.4.1.1.88.59", "1.2.840.10008.5.1.4.1.1.88.67"],  # Key Object Selection, X-Ray Radiation Dose SR
    ids=["key-object-selection", "x-ray-dose"],
)
def test_an_sr_whose_content_follows_a_template_is_refused_not_given_a_dummy_item(sop_class: str) -> None:
    report = _report()
    report.SOPClassUID = sop_class
    if "ContentSequence" in report:
        with pytest.raises(ValueError, match=r"must follow a template.*E\.3\.4"):
            deidentify(report, salt=SALT)


def test_every_sr_iod_of_the_table_is_either_free_or_bound_to_a_template() -> None:
    from medlearn.privacy._dummies import FREE_CONTENT_SR, TEMPLATE_SR
    from medlearn.privacy._tables import iod_table

    reports = {name for name in iod_table()["iods"] if name.endswith(("-sr", "-report", "-document"))}
    reports -= {"encapsulated-pdf", "encapsulated-cda"}
    assert not FREE_CONTENT_SR & TEMPLATE_SR
    assert reports <= FREE_CONTENT_SR | TEMPLATE_SR, reports - FREE_CONTENT_SR - TEMPLATE_SR


def test_an_encapsulated_documents_length_follows_its_dummy() -> None:
    pdf = examples.ct.copy()
    pdf.EncapsulatedDocument = b"%PDF-1.4 Smith^Jane" + b"\0" * 1001
    pdf.EncapsulatedDocumentLength = len(pdf.EncapsulatedDocument)
    clean = deidentify(pdf, salt=SALT)
    assert clean.EncapsulatedDocumentLength == len(clean.EncapsulatedDocument) < 1020


def test_an_optional_module_that_keeps_an_attribute_keeps_its_required_ones() -> None:
    """Patient's Sex Neutered (0010,2203) is X/Z, and Type 2C (required for an animal) in the Patient Study Module,
    user optional in a CT image (PS3.3 C.7.2.2): removed when nothing else of the module stays, emptied when a
    Type 3 attribute the profile keeps (Patient's Body Mass Index) keeps the module present."""
    ct = examples.ct.copy()
    ct.PatientSpeciesDescription, ct.PatientSexNeutered = "Canine", "ALTERED"
    assert profile_action(0x00102203) == "X/Z" and attribute_type(ct.SOPClassUID, "PatientSexNeutered") == "2C"
    assert attribute_type(ct.SOPClassUID, "PatientSexNeutered", mandatory_only=True) is None
    assert "PatientSexNeutered" not in deidentify(ct, salt=SALT)  # the module goes whole
    ct.PatientWeight = "12"  # Type 3 in the same module, removed by the profile (X): keeps nothing
    assert "PatientSexNeutered" not in deidentify(ct, salt=SALT)
    ct.PatientBodyMassIndex = "18.5"  # Type 3 in the same module, kept by the profile
    kept = deidentify(ct, salt=SALT)
    assert kept.PatientBodyMassIndex == "18.5" and "PatientWeight" not in kept
    assert "PatientSexNeutered" in kept and kept["PatientSexNeutered"].is_empty  # present (Type 2), emptied (Z)
    uid = str(ct.SOPClassUID)
    assert only_in_optional_modules(uid, "PatientSexNeutered", {"PatientSexNeutered", "PatientSpeciesDescription"})
    assert not only_in_optional_modules(uid, "PatientSexNeutered", {"PatientBodyMassIndex"})
    assert deidentify_module._module_keepers(ct, uid) >= {"PatientBodyMassIndex", "PatientSexNeutered"}
    assert "PatientWeight" not in deidentify_module._module_keepers(ct, uid)


def test_a_dummy_item_never_copies_an_attribute_its_path_does_not_require() -> None:
    """Type 3 attributes (an optional module's, or the item's own) stay out of a dummy item: it holds only the
    Type 1, 1C and 2 attributes of its path, and 2C ones the original carries."""
    observer = Dataset()
    observer.VerifyingObserverName, observer.VerifyingOrganization = "Smith^Jane", "Saint Example"
    observer.VerificationDateTime = "20240101101500"
    observer.PatientBodyMassIndex, observer.MeasuredAPDimension = "18.5", "20"  # Type 3 of Patient Study
    observer.PersonAddress = "1 Main Street"  # not an attribute of this item at all
    path = ("VerifyingObserverSequence",)
    dummy = dummy_item(COMPREHENSIVE_SR, path, observer, SALT)
    required = item_types(COMPREHENSIVE_SR, path, observer)
    assert {e.keyword for e in dummy} <= set(required) and "VerifyingObserverName" in dummy
    assert not {"PatientBodyMassIndex", "MeasuredAPDimension", "PersonAddress"} & {e.keyword for e in dummy}
