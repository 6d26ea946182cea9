"""What a DICOM file's bytes claim about their size, read before anything is inflated or decoded.

A service that reads DICOM from a network must bound the work a file can ask for before doing it. Two
ways round a size limit on the request exist: a **deflated** data set (PS3.5 section A.5), which pydicom
and pynetdicom inflate whole and unbounded before any attribute can be read, and **compressed pixel
data** whose codestream says it is larger than the header's Rows and Columns (a decoder allocates what
the codestream says). So the service accepts only the transfer syntaxes in :data:`ACCEPTED_TRANSFER_SYNTAXES`,
read from the file meta information with a parser that trusts no length (:func:`file_meta_transfer_syntax`),
and compares a compressed frame's own header with the DICOM header before decoding it
(:func:`codestream_shape`).

Example:
    >>> import numpy as np
    >>> from medlearn.deploy import image_to_dicom, to_bytes
    >>> file_meta_transfer_syntax(to_bytes(image_to_dicom(np.zeros((28, 28), np.uint8))))
    '1.2.840.10008.1.2.1'
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "ACCEPTED_TRANSFER_SYNTAXES",
    "codestream_shape",
    "decodable_transfer_syntaxes",
    "file_meta_end",
    "file_meta_transfer_syntax",
]

UNCOMPRESSED = ("1.2.840.10008.1.2", "1.2.840.10008.1.2.1")
JPEG = ("1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51", "1.2.840.10008.1.2.4.57", "1.2.840.10008.1.2.4.70")
JPEG_LS = ("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81")
JPEG_2000 = ("1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91")
#: The transfer syntaxes a radiograph is accepted in (PS3.5 section 10 and Annex A): uncompressed little
#: endian, and the JPEG family whose frame header gives the image's size. Deflated data sets
#: (1.2.840.10008.1.2.1.99), big endian (retired) and every other syntax are refused before parsing.
ACCEPTED_TRANSFER_SYNTAXES: Mapping[str, str] = MappingProxyType(
    {
        "1.2.840.10008.1.2": "Implicit VR Little Endian",
        "1.2.840.10008.1.2.1": "Explicit VR Little Endian",
        "1.2.840.10008.1.2.4.50": "JPEG Baseline (Process 1)",
        "1.2.840.10008.1.2.4.51": "JPEG Extended (Process 2 and 4)",
        "1.2.840.10008.1.2.4.57": "JPEG Lossless, Non-Hierarchical (Process 14)",
        "1.2.840.10008.1.2.4.70": "JPEG Lossless, First-Order Prediction (Process 14, Selection Value 1)",
        "1.2.840.10008.1.2.4.80": "JPEG-LS Lossless",
        "1.2.840.10008.1.2.4.81": "JPEG-LS Near-Lossless",
        "1.2.840.10008.1.2.4.90": "JPEG 2000 (Lossless Only)",
        "1.2.840.10008.1.2.4.91": "JPEG 2000",
    }
)
_ALL_VRS = {b"AE", b"AS", b"AT", b"CS", b"DA", b"DS", b"DT", b"FD", b"FL", b"IS", b"LO", b"LT", b"PN", b"SH", b"SL"}
_ALL_VRS |= {b"SS", b"ST", b"TM", b"UI", b"UL", b"US"}
_LONG_LENGTH_VRS = {b"OB", b"OD", b"OF", b"OL", b"OV", b"OW", b"SQ", b"SV", b"UC", b"UN", b"UR", b"UT", b"UV"}
_ALL_VRS |= _LONG_LENGTH_VRS  # the 34 VRs of PS3.5 table 6.2-1 (32-bit lengths in explicit VR for these)
_META_LIMIT = 64 * 1024  # no file meta information is longer (PS3.10 section 7.1 holds a few UIDs and names)
_HEADER_LIMIT = 64 * 1024  # how far into a frame its header is looked for
#: The most tiles a JPEG 2000 frame may have (a radiograph is usually one tile; each costs the decoder memory).
MAX_TILES = 64
# Markers that may stand between SOI and the frame header: APPn, COM, DQT, DHT, DRI, DAC, and JPEG-LS's LSE
_BEFORE_SOF = {*range(0xE0, 0xF0), 0xFE, 0xDB, 0xC4, 0xDD, 0xCC, 0xF8}
# JPEG start-of-frame markers (ISO 10918-1 table B.1: SOF0-3, 5-7, 9-11, 13-15) and JPEG-LS's SOF55 (ISO 14495-1)
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF, 0xF7}


def file_meta_transfer_syntax(data: bytes) -> str:
    """The transfer syntax UID in a Part 10 file's meta information, read without trusting any length.

    Only group 0002 after the preamble and ``DICM`` is read (always explicit VR little endian, PS3.10
    section 7.1); nothing of the data set itself is. Raises ``ValueError`` naming ``data`` when the meta
    information is malformed, cut short or has no transfer syntax.

    Example:
        >>> import numpy as np
        >>> from medlearn.deploy import image_to_dicom, to_bytes
        >>> file_meta_transfer_syntax(to_bytes(image_to_dicom(np.zeros((28, 28), np.uint8))))
        '1.2.840.10008.1.2.1'
        >>> file_meta_transfer_syntax(b"\\0" * 128 + b"DICM")
        Traceback (most recent call last):
        ...
        ValueError: data must be a DICOM file whose meta information names its transfer syntax (0002,0010)
    """
    return _read_meta(data)[0]


def file_meta_end(data: bytes) -> int:
    """Where a Part 10 file's data set begins: the position after its meta information (group 0002).

    Raises ``ValueError`` naming ``data`` as :func:`file_meta_transfer_syntax` does, and when the meta
    information is longer than 64 KiB or cut short.

    Example:
        >>> import numpy as np
        >>> from medlearn.deploy import image_to_dicom, to_bytes
        >>> data = to_bytes(image_to_dicom(np.zeros((28, 28), np.uint8)))
        >>> data[file_meta_end(data) : file_meta_end(data) + 4].hex()  # (0008,0008), the data set's first element
        '08000800'
    """
    syntax, end = _read_meta(data)
    if end is None:
        raise ValueError("data must have complete file meta information of at most 64 KiB")
    return end


def _read_meta(data: bytes) -> tuple[str, int | None]:
    """The transfer syntax and the meta information's end (None when it was not reached)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValueError(f"data must be bytes, not {type(data).__name__}")
    view = bytes(data[: 132 + _META_LIMIT])
    if len(view) < 132 or view[128:132] != b"DICM":
        raise ValueError("data must be a DICOM Part 10 file ('DICM' after the 128-byte preamble)")
    position, previous, found, end = 132, -1, "", None
    while position + 8 <= len(view):
        group, element = struct.unpack_from("<HH", view, position)
        if group != 0x0002:
            end = position
            break
        if element <= previous:  # a repeated or reordered element: a parser may read another value than this one
            raise ValueError("data must have its file meta elements once each, in order (PS3.5 section 7.1)")
        previous = element
        vr = view[position + 4 : position + 6]
        if vr not in _ALL_VRS:  # pydicom reads an element without a known VR with a length of its own choosing
            raise ValueError(f"data must give each file meta element a known VR, not {vr!r} (PS3.5 section 6.2)")
        if vr in _LONG_LENGTH_VRS:
            if position + 12 > len(view):
                break
            (length,) = struct.unpack_from("<I", view, position + 8)
            start = position + 12
        else:
            (length,) = struct.unpack_from("<H", view, position + 6)
            start = position + 8
        if start + length > len(view):
            break
        if element == 0x0010:
            found = view[start : start + length].rstrip(b"\0 ").decode("ascii", "replace")
        position = start + length
    else:
        if position == len(data):  # the meta information and nothing after it
            end = position
    if found:
        return found, end
    raise ValueError("data must be a DICOM file whose meta information names its transfer syntax (0002,0010)")


def codestream_shape(frame: bytes, transfer_syntax: str) -> tuple[int, int, int, int]:
    """``(rows, columns, samples, bits)`` from a compressed frame's own header, before it is decoded.

    For the JPEG family in :data:`ACCEPTED_TRANSFER_SYNTAXES`: the start-of-frame segment of JPEG and
    JPEG-LS (precision, lines, samples per line, components), or the SIZ marker segment of a JPEG 2000
    codestream (the image area less its offset, the components, the first component's depth). A decoder
    allocates what these say, whatever the DICOM header says, so the service compares the two first.
    Raises ``ValueError`` naming ``frame`` when no such header is found in its first 64 KiB.

    Example:
        >>> jpeg = bytes.fromhex("ffd8 ffc3 000b 10 0800 0600 01 011100")  # SOI, SOF3: 16 bits, 2048 x 1536
        >>> codestream_shape(jpeg, "1.2.840.10008.1.2.4.70")
        (2048, 1536, 1, 16)
    """
    if not isinstance(frame, (bytes, bytearray, memoryview)):
        raise ValueError(f"frame must be bytes, not {type(frame).__name__}")
    head = bytes(frame[:_HEADER_LIMIT])
    if transfer_syntax in JPEG_2000:
        # SOC then SIZ at the start of the codestream (ISO 15444-1 A.5.1). DICOM holds the bare codestream
        # (PS3.5 section A.4.4), but some writers wrap it in a JP2 file: then the codestream is the first
        # 'jp2c' box's content, found by walking the boxes (a SIZ searched for anywhere could be a decoy)
        head = _jp2_codestream(head)
        if head[:4] == b"\xff\x4f\xff\x51" and len(head) >= 4 + 38 + 3:
            x, y, x0, y0, tile_x, tile_y, tile_x0, tile_y0 = struct.unpack_from(">IIIIIIII", head, 8)
            (components,) = struct.unpack_from(">H", head, 40)
            depth = (head[42] & 0x7F) + 1
            if tile_x == 0 or tile_y == 0:
                raise ValueError("frame must give its tiles a size (JPEG 2000 SIZ)")
            tiles = -(-(x - tile_x0) // tile_x) * -(-(y - tile_y0) // tile_y)
            if tiles > MAX_TILES:  # each tile costs the decoder memory of its own
                raise ValueError(f"frame must have at most {MAX_TILES} tiles, not {tiles}")
            return int(y - y0), int(x - x0), int(components), int(depth)
    elif transfer_syntax in JPEG + JPEG_LS:
        position = 2 if head[:2] == b"\xff\xd8" else len(head)  # SOI first (ISO 10918-1 B.2.1)
        while position + 4 <= len(head):
            if head[position] != 0xFF:
                break
            marker = head[position + 1]
            if marker == 0xFF:  # fill byte
                position += 1
                continue
            if marker in _SOF:
                if position + 10 > len(head):
                    break
                bits, rows, columns, components = struct.unpack_from(">BHHB", head, position + 4)
                return int(rows), int(columns), int(components), int(bits)
            if marker not in _BEFORE_SOF:  # only tables and comments may come first; anything else is refused
                break
            (length,) = struct.unpack_from(">H", head, position + 2)
            if length < 2:
                break
            position += 2 + length
    else:
        raise ValueError(f"transfer_syntax must be one of the compressed syntaxes accepted, not {transfer_syntax!r}")
    raise ValueError("frame must begin with a readable frame header (JPEG SOF, JPEG-LS SOF55 or JPEG 2000 SIZ)")


def _jp2_codestream(head: bytes) -> bytes:
    """The codestream of a JP2 file (the first 'jp2c' box's content), or ``head`` itself when it is not JP2."""
    if head[4:8] != b"jP  ":
        return head
    position = 0
    while position + 8 <= len(head):
        (length,) = struct.unpack_from(">I", head, position)
        kind, start = head[position + 4 : position + 8], position + 8
        if length == 1:  # a 64-bit length follows
            if position + 16 > len(head):
                break
            (length,) = struct.unpack_from(">Q", head, position + 8)
            start = position + 16
        if kind == b"jp2c":
            return head[start:]
        if length < start - position:  # 0 (to the end) or too short: no codestream box ahead
            break
        position += length
    return b""


def decodable_transfer_syntaxes() -> list[str]:
    """The accepted transfer syntaxes whose pixel data this installation can decode (pydicom's decoders).

    A node should negotiate only these: a syntax it accepts but cannot decode would be refused image by
    image (the JPEG lossless syntaxes need ``pylibjpeg-libjpeg`` or GDCM, which the course does not install).

    Example:
        >>> "1.2.840.10008.1.2.1" in decodable_transfer_syntaxes()
        True
    """
    from pydicom.pixels import get_decoder

    usable = list(UNCOMPRESSED)
    for uid in ACCEPTED_TRANSFER_SYNTAXES:
        if uid not in UNCOMPRESSED:
            try:
                if get_decoder(uid).is_available:
                    usable.append(uid)
            except NotImplementedError:  # no decoder of any kind for this syntax
                pass
    return usable
