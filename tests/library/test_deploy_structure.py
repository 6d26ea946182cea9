"""medlearn.deploy.structure: a data set's elements and items counted over its bytes before pydicom parses them."""

from __future__ import annotations

import io
import json
import struct
import time
import warnings
from pathlib import Path

import numpy as np
import pydicom
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from pydicom.data import get_testdata_file
from pydicom.tag import Tag

from authoring.hostile_files import element_flood, nested_sequences, sequence_bomb
from medlearn.deploy import InputRefused, dicom_to_input, image_to_dicom, read_dicom, to_bytes
from medlearn.deploy.encoding import file_meta_end, file_meta_transfer_syntax
from medlearn.deploy.structure import MAX_DEPTH, MAX_ELEMENTS, MAX_ITEMS, check_structure

EXPLICIT, IMPLICIT, JPEG_LS = "1.2.840.10008.1.2.1", "1.2.840.10008.1.2", "1.2.840.10008.1.2.4.80"
ITEM_END, SEQUENCE_END = struct.pack("<HHI", 0xFFFE, 0xE00D, 0), struct.pack("<HHI", 0xFFFE, 0xE0DD, 0)


def _item(content: bytes = b"", *, defined: bool = True) -> bytes:
    if defined:
        return struct.pack("<HHI", 0xFFFE, 0xE000, len(content)) + content
    return struct.pack("<HHI", 0xFFFE, 0xE000, 0xFFFFFFFF) + content + ITEM_END


def _explicit(group: int, element: int, vr: bytes, value: bytes, *, undefined: bool = False) -> bytes:
    if vr in (b"SQ", b"UN", b"OB", b"OW", b"UT"):
        return struct.pack("<HH2sHI", group, element, vr, 0, 0xFFFFFFFF if undefined else len(value)) + value
    return struct.pack("<HH2sH", group, element, vr, len(value)) + value


def _implicit(group: int, element: int, value: bytes, *, undefined: bool = False) -> bytes:
    return struct.pack("<HHI", group, element, 0xFFFFFFFF if undefined else len(value)) + value


def _walk(data: bytes) -> int:
    return check_structure(data, file_meta_transfer_syntax(data), start=file_meta_end(data))


@pytest.mark.parametrize(
    "name",
    [
        "CT_small.dcm",
        "MR_small.dcm",
        "JPEG2000.dcm",
        "rtplan.dcm",
        "SC_rgb_dcmtk_+eb+cr.dcm",
        "MR_small_jpeg_ls_lossless.dcm",
        "waveform_ecg.dcm",
    ],  # files of pydicom's own wheel: no download
)
def test_real_files_are_walked_and_counted(name: str) -> None:
    data = Path(get_testdata_file(name)).read_bytes()
    dataset = pydicom.dcmread(io.BytesIO(data))
    top_level = len(dataset)
    assert _walk(data) >= top_level


def test_a_course_file_is_walked_in_both_vrs() -> None:
    dataset = image_to_dicom(np.zeros((28, 28), np.uint8))
    explicit = to_bytes(dataset)
    dataset.file_meta.TransferSyntaxUID = IMPLICIT
    implicit = to_bytes(dataset)
    assert _walk(explicit) == _walk(implicit) == len(dataset)


@pytest.mark.parametrize(
    ("build", "attribute", "words"),
    [
        (lambda: sequence_bomb(MAX_ITEMS + 1), "(0029,1010)", f"more than {MAX_ITEMS:,} items"),
        (lambda: element_flood(MAX_ELEMENTS), "(0031,", f"more than {MAX_ELEMENTS:,} elements"),
        (lambda: nested_sequences(MAX_DEPTH + 1), "(0029,1010)", f"nested more than {MAX_DEPTH} deep"),
    ],
)
def test_the_hostile_files_are_refused_before_parsing_by_the_element_at_fault(build, attribute: str, words) -> None:
    with pytest.raises(InputRefused, match=words) as refused:
        read_dicom(build())
    assert refused.value.attribute.startswith(attribute)


def test_within_the_limits_the_hostile_shapes_are_answered() -> None:
    for data in [sequence_bomb(MAX_ITEMS), element_flood(MAX_ELEMENTS - 100), nested_sequences(MAX_DEPTH)]:
        pixels, _ = dicom_to_input(read_dicom(data))
        assert pixels.shape == (28, 28)


def test_the_full_size_hostile_files_cost_little_memory() -> None:
    """A million items (19 MB) cost 800 MB once parsed; two million elements 725 MB: refused before either."""

    bombs = [sequence_bomb(1_200_000), element_flood(2_400_000)]
    assert all(len(data) < 20 * 2**20 for data in bombs)  # under the service's limit on a request
    for data in bombs:
        assert _peak_refusing(data, "more than") < 5 * 2**20


# Data sets built element by element: what the walk refuses, and what it must let through.
SQ_ITEMS = b"".join(_item() for _ in range(MAX_ITEMS + 1))
AGFA = _implicit(0x0071, 0x0010, b"AGFA-AG_HPState ")  # a private creator whose (0071,xx18) is a sequence
CASES = [
    (
        EXPLICIT,
        _explicit(0x0008, 0x0016, b"UI", b"1.2" + b"\0" * 100)[:20],
        "SOPClassUID",
        "runs past",
    ),
    (EXPLICIT, _explicit(0x0008, 0x0016, b"XX", b"1.2\0"), "SOPClassUID", "unknown value representation"),
    (
        EXPLICIT,
        _explicit(0x0008, 0x0018, b"UI", b"1.2\0") + _explicit(0x0008, 0x0016, b"UI", b"1.2\0"),
        "SOPClass",
        "order",
    ),
    (EXPLICIT, ITEM_END + _explicit(0x0008, 0x0016, b"UI", b"1.2\0"), "", "delimiter out of place"),
    (EXPLICIT, struct.pack("<HHI", 0x0000, 0x0100, 2) + b"\1\0", "file", "command elements"),
    (IMPLICIT, _explicit(0x0008, 0x0016, b"UI", b"1.2\0"), "TransferSyntaxUID", "begins in explicit VR"),
    # a defined-length sequence is parsed when first used: counted all the same
    (EXPLICIT, _explicit(0x0029, 0x1010, b"SQ", SQ_ITEMS), "(0029,1010)", "more than 1,000 items"),
    # an undefined-length UN is read as an implicit VR sequence (PS3.5 section 6.2.2)
    (EXPLICIT, _explicit(0x0029, 0x1010, b"UN", SQ_ITEMS + SEQUENCE_END, undefined=True), "(0029,1010)", "items"),
    # a public sequence in implicit VR, and one stored as UN in explicit VR (pydicom uses the dictionary's VR)
    (IMPLICIT, _implicit(0x0028, 0x3010, SQ_ITEMS), "VOILUTSequence", "more than 1,000 items"),
    (EXPLICIT, _explicit(0x0028, 0x3010, b"UN", SQ_ITEMS), "VOILUTSequence", "more than 1,000 items"),
    # a private sequence known to pydicom's private dictionary, in implicit VR
    (IMPLICIT, AGFA + _implicit(0x0071, 0x1018, SQ_ITEMS), "(0071,1018)", "more than 1,000 items"),
    (EXPLICIT, _explicit(0x0029, 0x1010, b"SQ", _item(b"\0" * 4)), "(0029,1010)", "cut short"),
    (EXPLICIT, _explicit(0x0029, 0x1010, b"SQ", struct.pack("<HHI", 0x0008, 0x0016, 0)), "(0029,1010)", "other than"),
    (EXPLICIT, _explicit(0x0029, 0x1010, b"SQ", _item(), undefined=True), "(0029,1010)", "cut short"),
    (JPEG_LS, _explicit(0x7FE0, 0x0010, b"OB", _item() + _item(b"\xff" * 4), undefined=True), "PixelData", "cut"),
    # fragments under an uncompressed syntax: PS3.5 section A.4 encapsulates compressed pixel data only
    (
        EXPLICIT,
        _explicit(0x7FE0, 0x0010, b"OB", _item() + _item(b"\xff" * 4) + SEQUENCE_END, undefined=True),
        "Pix",
        "un",
    ),
    (EXPLICIT, _explicit(0x7FE0, 0x0010, b"OW", _item() + SEQUENCE_END, undefined=True), "PixelData", "uncompressed"),
    (EXPLICIT, _explicit(0x0009, 0x1010, b"OB", b"\0" * 8, undefined=True), "(0009,1010)", "undefined length"),
]


@pytest.mark.parametrize(("syntax", "data", "attribute", "words"), CASES)
def test_a_malformed_or_oversized_structure_is_refused_by_name(syntax: str, data: bytes, attribute: str, words) -> None:
    with pytest.raises(InputRefused, match=words) as refused:
        check_structure(data, syntax)
    assert refused.value.attribute.startswith(attribute)


def test_what_pydicom_reads_alike_is_let_through() -> None:
    """Private data that is no sequence in implicit VR (an opaque blob), items in implicit VR within explicit VR,
    encapsulated pixel data, and a private sequence of a thousand items."""
    blob = np.random.default_rng(16).bytes(5000)
    assert check_structure(_implicit(0x0029, 0x0010, b"SIEMENS CSA HEADER") + _implicit(0x0029, 0x1010, blob), IMPLICIT)
    implicit_item = _item(_implicit(0x0008, 0x0100, b"T-1234"))
    assert check_structure(_explicit(0x0029, 0x1010, b"SQ", implicit_item), EXPLICIT) == 3
    pixels = _explicit(0x7FE0, 0x0010, b"OB", _item() + _item(b"\xff\xd8\xff\xd9") + SEQUENCE_END, undefined=True)
    assert check_structure(pixels, JPEG_LS) == 1
    assert check_structure(_explicit(0x0029, 0x1010, b"SQ", SQ_ITEMS[8:]), EXPLICIT) == 1 + MAX_ITEMS


def test_bad_arguments_are_refused_by_name() -> None:
    with pytest.raises(ValueError, match="data must be bytes"):
        check_structure("text", EXPLICIT)
    with pytest.raises(ValueError, match="transfer_syntax must be"):
        check_structure(b"", 1)
    with pytest.raises(ValueError, match="start must be"):
        check_structure(b"1234", EXPLICIT, start=9)


@settings(max_examples=200, deadline=None)
@given(position=st.integers(0, 10_000), chunk=st.binary(min_size=1, max_size=12))
@example(position=136, chunk=b"ST")  # the transfer syntax's VR made ST: a plain str, not a UID (found by hypothesis)
@example(position=378, chunk=b"FL")  # Modality's VR made FL: "DX" cannot be read as a float (found by hypothesis)
def test_any_damage_to_a_file_is_refused_or_read_never_raised_otherwise(position: int, chunk: bytes) -> None:
    dataset = image_to_dicom(np.full((28, 28), 100, np.uint8))
    dataset.add_new(0x00290010, "LO", "HOSTILE")
    dataset.add_new(0x00291010, "SQ", [pydicom.Dataset()])
    dataset[0x00291010].value[0].CodeValue = "T-1234"
    data = bytearray(to_bytes(dataset))
    start = 132 + position % (len(data) - 132)
    data[start : start + len(chunk)] = chunk
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            pixels, _ = dicom_to_input(read_dicom(bytes(data)))
        except InputRefused as refused:
            assert refused.attribute and refused.fix
        else:
            assert pixels.shape == (28, 28)


def test_a_meta_element_without_a_known_vr_is_refused() -> None:
    """pydicom reads a meta element whose VR is not two capitals with a 4-byte length, where a careless reader
    takes 2 bytes: the two then disagree on what follows, the transfer syntax included."""
    data = bytearray(to_bytes(image_to_dicom(np.zeros((28, 28), np.uint8))))
    position = data.index(b"\x02\x00\x01\x00OB")  # (0002,0001) File Meta Information Version
    data[position + 4 : position + 6] = b"\0\0"
    with pytest.raises(ValueError, match="known VR"):
        file_meta_transfer_syntax(bytes(data))
    with pytest.raises(InputRefused, match="TransferSyntaxUID"):
        read_dicom(bytes(data))


def test_a_meta_decoy_that_pydicom_reads_as_deflated_is_refused_before_parsing() -> None:
    """The file meta reader once took an unknown VR for one with a 2-byte length and read Explicit VR Little
    Endian where pydicom reads Deflated: 150 MiB inflated behind an accepted syntax. Refused by its VR now."""

    from pydicom.filereader import _read_file_meta_info, read_preamble

    from authoring.hostile_files import meta_vr_decoy

    data = meta_vr_decoy(150 * 2**20)
    stream = io.BytesIO(data)
    read_preamble(stream, False)
    assert _read_file_meta_info(stream).TransferSyntaxUID == "1.2.840.10008.1.2.1.99"  # what pydicom would inflate
    assert _peak_refusing(data, "TransferSyntaxUID") < 5 * 2**20


def test_the_sequence_bomb_is_a_422_over_http_with_an_audit_line(tmp_path: Path) -> None:
    import asyncio

    import httpx

    from medlearn.deploy import load_bundle, save_bundle
    from medlearn.deploy.service import create_app
    from medlearn.models import small_cnn

    folder = save_bundle(small_cnn((28, 28, 1), 2, widths=(4,)), tmp_path / "bundle", threshold=0.5, card="# m")
    log = tmp_path / "audit.jsonl"
    transport = httpx.ASGITransport(app=create_app(load_bundle(folder), audit_log=log))

    async def ask() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            headers = {"Content-Type": "application/dicom"}
            return await client.post("/v1/predict", content=sequence_bomb(1_200_000), headers=headers)

    reply = asyncio.run(ask())
    assert reply.status_code == 422 and reply.json()["detail"]["attribute"] == "(0029,1010)"
    assert [json.loads(line)["attribute"] for line in log.read_text().splitlines()] == ["(0029,1010)"]


def _peak_refusing(data: bytes, match: str) -> int:
    """Bytes allocated at the peak while read_dicom refuses ``data`` with a message matching ``match``."""
    import tracemalloc

    tracemalloc.start()
    try:
        with pytest.raises(InputRefused, match=match):
            read_dicom(data)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _implicit_with(tag: int, value: bytes) -> bytes:
    """A real image's file in Implicit VR Little Endian, with one raw element put first in its data set."""
    from pydicom.filebase import DicomBytesIO
    from pydicom.filewriter import write_dataset, write_file_meta_info
    from pydicom.uid import ImplicitVRLittleEndian

    from medlearn.deploy import image_to_dicom

    dataset = image_to_dicom(np.full((28, 28), 90, np.uint8), seed="implicit")
    for keyword in ("SpecificCharacterSet", "SOPClassUID"):
        if keyword in dataset and Tag(keyword) == tag:
            delattr(dataset, keyword)
    dataset.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian
    meta, body = DicomBytesIO(), DicomBytesIO()
    write_file_meta_info(meta, dataset.file_meta)
    body.is_little_endian, body.is_implicit_VR = True, True
    write_dataset(body, dataset)
    element = struct.pack("<HHI", tag >> 16, tag & 0xFFFF, len(value)) + value
    rest = body.getvalue()
    first = 0
    while struct.unpack_from("<HH", rest, first) < (tag >> 16, tag & 0xFFFF):  # keep the elements in order
        first += 8 + struct.unpack_from("<I", rest, first + 4)[0]
    return b"\0" * 128 + b"DICM" + meta.getvalue() + rest[:first] + element + rest[first:]


@pytest.mark.parametrize(
    ("tag", "value", "attribute"),
    [
        (0x00080005, b"X\\" * 2_000_000, "SpecificCharacterSet"),  # 4 MB of character set terms: minutes of conversion
        (0x00080016, b"1\\" * 2_000_000, "SOPClassUID"),  # a UI of 2 million values
        (0x00080060, b"CT\\" * 1_000_000, "Modality"),  # a CS of a million values
    ],
    ids=["character set", "SOP class", "modality"],
)
def test_an_implicit_value_longer_than_its_vr_allows_is_refused_before_pydicom_converts_it(
    tag: int, value: bytes, attribute: str
) -> None:
    data = _implicit_with(tag, value)
    started = time.monotonic()
    assert _peak_refusing(data, "more than its VR allows|character set of") < 16 * 2**20
    assert time.monotonic() - started < 2
    with pytest.raises(InputRefused) as refused:
        read_dicom(data)
    assert refused.value.attribute == attribute


def test_an_explicit_text_value_far_longer_than_one_value_is_refused_before_conversion() -> None:
    """Explicit VR bounds a CS or UI value at 64 kB; the header gates still refuse one far longer than a value."""
    dataset = image_to_dicom(np.full((28, 28), 90, np.uint8), seed="explicit")
    data = bytearray(to_bytes(dataset))
    at = data.index(b"\x08\x00\x60\x00CS")  # (0008,0060) Modality, explicit VR
    length = struct.unpack_from("<H", data, at + 6)[0]
    value = b"CR\\" * 20_000 + b"CR"
    data[at : at + 8 + length] = b"\x08\x00\x60\x00CS" + struct.pack("<H", len(value)) + value
    with pytest.raises(InputRefused) as refused:
        dicom_to_input(read_dicom(bytes(data)))
    assert refused.value.attribute == "Modality" and "bytes where one value is expected" in str(refused.value)


def test_encapsulated_pixel_data_under_an_uncompressed_syntax_is_refused_before_parsing() -> None:
    """PS3.5 section A.4: only compressed syntaxes encapsulate; read as native, the item tags would become pixels."""
    data = to_bytes(image_to_dicom(np.full((28, 28), 100, np.uint8)))
    start = data.rindex(b"\xe0\x7f\x10\x00")  # Pixel Data, the last element: tag, VR, two zero bytes, length
    pixels = data[start + 12 :]
    fragments = _item() + _item(pixels) + SEQUENCE_END  # an empty offset table, then the image as one fragment
    data = data[:start] + _explicit(0x7FE0, 0x0010, b"OB", fragments, undefined=True)
    assert file_meta_transfer_syntax(data) == EXPLICIT
    with pytest.raises(InputRefused, match="PixelData: an undefined length .fragments. under an uncompressed"):
        read_dicom(data)


@pytest.mark.parametrize(
    ("side", "extra", "refused"),
    [(28, 0, False), (28, 1, True), (28, 100, True), (28, -2, True), (29, 0, False), (29, 1, False), (29, 2, True)],
)
def test_native_pixel_data_must_be_the_image_and_one_byte_at_most_to_make_it_even(side, extra, refused) -> None:
    image = np.full((side, side), 100, np.uint8)
    dataset = image_to_dicom(image)
    pixels = image.tobytes()
    dataset.PixelData = pixels + b"\0" * extra if extra >= 0 else pixels[:extra]
    if refused:
        with pytest.raises(InputRefused, match=f"PixelData: .* bytes of pixel data for {side} x {side} at 8 bits"):
            dicom_to_input(dataset)
    else:
        assert dicom_to_input(dataset)[0].shape == (28, 28)
