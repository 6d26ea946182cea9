"""Hostile DICOM files for the model service's tests and its benchmark: each small on the wire and far larger
once inflated, decoded or parsed, as an attacker would send them (the review of the deployment chapter built them by
hand).

Example:
    >>> len(deflated_ct(2**20)) < 5_000  # 1 MiB once inflated
    True
    >>> len(sequence_bomb(1000)) < 20_000  # a thousand items, each a Python object once parsed
    True
"""

from __future__ import annotations

import struct
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


def meta_vr_decoy(zeros: int) -> bytes:
    """A deflated CT (as :func:`deflated_ct`) whose file meta information reads as Explicit VR Little Endian to a
    parser that takes every VR it does not know for one with a 2-byte length, and as Deflated to pydicom.

    pydicom reads a meta element whose VR bytes are not letters as implicit VR, with a 4-byte length: here
    (0002,0001) with VR bytes 00 00 and a 2-byte length of 1 is 65,536 bytes long to pydicom, which skips a
    decoy (0002,0010) and the private element that ends the meta information for the other reader.
    """
    deflated = deflated_ct(zeros)
    start = 132
    while struct.unpack_from("<H", deflated, start)[0] == 0x0002:  # to the end of its meta information
        vr = deflated[start + 4 : start + 6]
        long = vr in (b"OB", b"OW", b"UN", b"UT", b"SQ", b"UC", b"UR")
        length = struct.unpack_from("<I" if long else "<H", deflated, start + (8 if long else 6))[0]
        start += (12 if long else 8) + length
    body = deflated[start:]

    def element(element: int, vr: bytes, value: bytes) -> bytes:
        return struct.pack("<HH2sH", 0x0002, element, vr, len(value)) + value

    decoy = element(0x0010, b"UI", b"1.2.840.10008.1.2.1\0")  # Explicit VR Little Endian
    filler = 65536 - 1 - len(decoy) - 12
    hidden = decoy + struct.pack("<HH2sHI", 0x0009, 0x1000, b"OB", 0, filler) + b"\0" * filler
    odd = struct.pack("<HH2sH", 0x0002, 0x0001, b"\0\0", 1) + b"\0" + hidden  # 65,536 bytes to pydicom
    meta = element(0x0000, b"UL", struct.pack("<I", 0)) + odd + element(0x0010, b"UI", b"1.2.840.10008.1.2.1.99")
    return b"\0" * 128 + b"DICM" + meta + body


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


def _radiograph_with(elements: bytes, syntax: str = "1.2.840.10008.1.2.1") -> bytes:
    """A 28 x 28 radiograph's Part 10 bytes with ``elements`` (already encoded, in tag order, all in odd groups
    between 0029 and 7FDF) placed just before its pixel data, in ``syntax`` (explicit or implicit VR little endian)."""
    from medlearn.deploy import image_to_dicom, to_bytes

    dataset = image_to_dicom(np.zeros((28, 28), np.uint8))
    dataset.Modality, dataset.SOPClassUID = "DX", "1.2.840.10008.5.1.4.1.1.1.1"
    dataset.file_meta.TransferSyntaxUID = syntax
    data = to_bytes(dataset)
    pixels = data.rindex(b"\xe0\x7f\x10\x00")  # (7FE0,0010), the last element
    return data[:pixels] + elements + data[pixels:]


def sequence_bomb(items: int) -> bytes:
    """A radiograph with a private sequence of undefined length holding ``items`` empty items (16 bytes each):
    pydicom builds every item as a Python object while it reads the file (a million cost 800 MB)."""
    creator = struct.pack("<HH2sH", 0x0029, 0x0010, b"LO", 8) + b"HOSTILE "
    item = struct.pack("<HHI", 0xFFFE, 0xE000, 0xFFFFFFFF) + struct.pack("<HHI", 0xFFFE, 0xE00D, 0)
    sequence = struct.pack("<HH2sHI", 0x0029, 0x1010, b"SQ", 0, 0xFFFFFFFF) + item * items
    return _radiograph_with(creator + sequence + struct.pack("<HHI", 0xFFFE, 0xE0DD, 0))


def element_flood(count: int) -> bytes:
    """A radiograph with ``count`` empty private elements (8 bytes each): pydicom keeps each as an object."""
    elements = bytearray()
    for index in range(count):
        group, element = 0x0031 + 2 * (index // 0xF000), 0x1000 + index % 0xF000
        elements += struct.pack("<HH2sH", group, element, b"LO", 0)
    return _radiograph_with(bytes(elements))


def nested_sequences(depth: int) -> bytes:
    """A radiograph with private sequences nested ``depth`` deep, each of one item (undefined lengths)."""
    start = struct.pack("<HH2sHI", 0x0029, 0x1010, b"SQ", 0, 0xFFFFFFFF) + struct.pack(
        "<HHI", 0xFFFE, 0xE000, 0xFFFFFFFF
    )
    end = struct.pack("<HHI", 0xFFFE, 0xE00D, 0) + struct.pack("<HHI", 0xFFFE, 0xE0DD, 0)
    return _radiograph_with(start * depth + end * depth)
