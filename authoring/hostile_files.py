"""Hostile DICOM files for the model service's tests and its benchmark: each small on the wire and far larger
once inflated or decoded, as an attacker would send them (the review of chapter 16 built both by hand).

Example:
    >>> len(deflated_ct(2**20)) < 5_000  # 1 MiB once inflated
    True
"""

from __future__ import annotations

from typing import Any

import numpy as np


def deflated_ct(zeros: int) -> bytes:
    """A deflated DICOM file of a few hundred kB that inflates to ``zeros`` bytes of pixel data (a CT)."""
    import zlib

    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.filebase import DicomBytesIO
    from pydicom.filewriter import write_dataset, write_file_meta_info
    from pydicom.uid import DeflatedExplicitVRLittleEndian

    dataset = Dataset()
    dataset.SOPClassUID, dataset.SOPInstanceUID = "1.2.840.10008.5.1.4.1.1.2", "1.2.3.4"
    dataset.add_new(0x7FE00010, "OB", b"\0" * zeros)
    body = DicomBytesIO()
    body.is_little_endian, body.is_implicit_VR = True, False
    write_dataset(body, dataset)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    compressed = deflate.compress(body.getvalue()) + deflate.flush()
    meta = FileMetaDataset()
    meta.TransferSyntaxUID = DeflatedExplicitVRLittleEndian
    meta.MediaStorageSOPClassUID, meta.MediaStorageSOPInstanceUID = dataset.SOPClassUID, "1.2.3.4"
    meta.ImplementationClassUID = "1.2.3"
    header = DicomBytesIO()
    write_file_meta_info(header, meta)
    return b"\0" * 128 + b"DICM" + header.getvalue() + compressed


def jpeg_ls_bomb(claimed: int, real: int) -> Any:
    """A radiograph whose header says ``claimed`` x ``claimed`` and whose JPEG-LS codestream is ``real`` x ``real``."""
    import jpeg_ls
    from pydicom.encaps import encapsulate
    from pydicom.uid import JPEGLSLossless

    from medlearn.deploy import image_to_dicom

    dataset = image_to_dicom(np.zeros((claimed, claimed), np.uint8))
    dataset.Modality, dataset.SOPClassUID = "DX", "1.2.840.10008.5.1.4.1.1.1.1"
    dataset.BitsAllocated, dataset.BitsStored, dataset.HighBit = 16, 12, 11
    codestream = bytes(jpeg_ls.encode(np.zeros((real, real), np.uint16)))
    dataset.PixelData = encapsulate([codestream])
    dataset["PixelData"].VR = "OB"
    dataset.file_meta.TransferSyntaxUID = JPEGLSLossless
    return dataset
