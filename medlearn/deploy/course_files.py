"""Test files for the course's service: a course image as a DICOM object that says it was derived, and its bytes.

:func:`image_to_dicom` wraps a course image (for example a PneumoniaMNIST test image) as a Secondary
Capture object that says it was derived, not acquired; :func:`to_bytes` writes a dataset as a Part 10 file
in memory.

Example:
    >>> import numpy as np
    >>> to_bytes(image_to_dicom(np.zeros((28, 28), np.uint8)))[128:132]
    b'DICM'
"""

from __future__ import annotations

import io

import numpy as np
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import ExplicitVRLittleEndian, generate_uid

from .._validation import check_choice, check_images
from .dicom_input import RADIOGRAPH_MODALITIES

__all__ = ["UID_PREFIX", "image_to_dicom", "to_bytes"]

#: A DICOM root for the course's own test objects (UIDs are generated under it, PS3.5 section 9).
UID_PREFIX = "1.2.826.0.1.3680043.10.1372."


def image_to_dicom(
    image: object,
    *,
    modality: str = "DX",
    photometric: str = "MONOCHROME2",
    patient_id: str = "COURSE-TEST",
    seed: str = "",
) -> Dataset:
    """A Secondary Capture DICOM object holding an 8-bit course image, marked as derived.

    The object says what it is: ``ImageType`` DERIVED\\SECONDARY, ``ConversionType`` WSD (workstation),
    and a ``DerivationDescription`` that names MedMNIST; it is not an original radiograph. With
    ``photometric="MONOCHROME1"`` the stored values are inverted (255 - value), so that the image
    *means* the same picture. UIDs are generated under the course's root from ``seed``.

    Args:
        image: ``(H, W)`` uint8.
        modality: the series' modality, ``"DX"`` or ``"CR"`` (a secondary capture made from a radiograph).
        photometric: ``"MONOCHROME2"`` or ``"MONOCHROME1"``.
        patient_id: a made-up identifier (never a real one).
        seed: text from which the UIDs are derived, for reproducible files.

    Example:
        >>> ds = image_to_dicom(np.zeros((28, 28), np.uint8), photometric="MONOCHROME1")
        >>> ds.Modality, ds.PhotometricInterpretation, int(ds.pixel_array.max())
        ('DX', 'MONOCHROME1', 255)
    """
    pixels = check_images(image[None] if np.ndim(image) == 2 else image, "image", colours=())[0]
    if pixels.dtype != np.uint8:
        raise ValueError(f"image must be uint8, not {pixels.dtype}")
    modality = check_choice(modality, "modality", RADIOGRAPH_MODALITIES)
    photometric = check_choice(photometric, "photometric", ("MONOCHROME2", "MONOCHROME1"))
    sop_class = "1.2.840.10008.5.1.4.1.1.7"
    uids = {k: generate_uid(prefix=UID_PREFIX, entropy_srcs=[seed, k]) for k in ("study", "series", "instance")}
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = sop_class
    meta.MediaStorageSOPInstanceUID = uids["instance"]
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = sop_class, uids["instance"]
    ds.StudyInstanceUID, ds.SeriesInstanceUID = uids["study"], uids["series"]
    ds.Modality, ds.ConversionType = modality, "WSD"
    ds.ImageType = ["DERIVED", "SECONDARY"]
    ds.DerivationDescription = "Derived from MedMNIST v2 (PneumoniaMNIST, 28 x 28); not an original radiograph"
    ds.PatientName, ds.PatientID = "Course^Test", patient_id
    ds.PatientBirthDate, ds.PatientSex = "", ""
    ds.StudyDate, ds.StudyTime, ds.AccessionNumber, ds.ReferringPhysicianName = "", "", "", ""
    ds.StudyID, ds.SeriesNumber, ds.InstanceNumber = "1", 1, 1
    ds.PatientOrientation = ""
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, photometric
    ds.Rows, ds.Columns = int(pixels.shape[0]), int(pixels.shape[1])
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.BurnedInAnnotation = "NO"
    ds.BodyPartExamined, ds.ViewPosition = "CHEST", "AP"  # PneumoniaMNIST's source: anterior-posterior views
    stored = 255 - pixels if photometric == "MONOCHROME1" else pixels
    ds.PixelData = np.ascontiguousarray(stored).tobytes()
    return ds


def to_bytes(dataset: Dataset) -> bytes:
    """A dataset as a DICOM Part 10 file in memory (preamble, file meta, data set).

    Example:
        >>> to_bytes(image_to_dicom(np.zeros((28, 28), np.uint8)))[128:132]
        b'DICM'
    """
    buffer = io.BytesIO()
    dataset.save_as(buffer, enforce_file_format=True)
    return buffer.getvalue()
