"""medlearn.deploy.encoding and the input path's bounds: what a file's bytes claim is read, and refused where it
would cost more than the request's size, before anything is inflated or decoded (review of the deployment chapter, H1
and H3)."""

from __future__ import annotations

import io
import warnings
from unittest import mock

import numpy as np
import pydicom
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset
from pydicom.encaps import encapsulate, get_frame

from authoring.hostile_files import deflated_ct, jpeg_ls_bomb
from medlearn.deploy import InputRefused, dicom_to_input, image_to_dicom, read_dicom, to_bytes
from medlearn.deploy.encoding import (
    ACCEPTED_TRANSFER_SYNTAXES,
    codestream_shape,
    decodable_transfer_syntaxes,
    file_meta_transfer_syntax,
)

COMPRESSED = [
    "JPEG2000.dcm",
    "MR_small_jp2klossless.dcm",
    "693_J2KI.dcm",
    "GDCMJ2K_TextGBR.dcm",
    "MR_small_jpeg_ls_lossless.dcm",
    "JPEGLSNearLossless_16.dcm",
    "JPEG-lossy.dcm",
    "JPGExtended.dcm",
    "SC_rgb_jpeg_dcmtk.dcm",
    "SC_rgb_jpeg_gdcm.dcm",
]


def _bytes(name: str) -> bytes:
    with open(get_testdata_file(name), "rb") as file:
        return file.read()


@pytest.mark.parametrize("name", ["CT_small.dcm", "image_dfl.dcm", *COMPRESSED])
def test_the_transfer_syntax_is_pydicoms(name: str) -> None:
    data = _bytes(name)
    expected = pydicom.dcmread(io.BytesIO(data), stop_before_pixels=True).file_meta.TransferSyntaxUID
    assert file_meta_transfer_syntax(data) == expected


@pytest.mark.parametrize("name", COMPRESSED)
def test_a_frame_header_agrees_with_the_dicom_header_of_real_files(name: str) -> None:
    dataset = pydicom.dcmread(get_testdata_file(name))
    frames = int(dataset.get("NumberOfFrames", 1) or 1)
    frame = get_frame(dataset.PixelData, 0, number_of_frames=frames)
    rows, columns, samples, bits = codestream_shape(frame, dataset.file_meta.TransferSyntaxUID)
    assert (rows, columns, samples) == (dataset.Rows, dataset.Columns, dataset.SamplesPerPixel)
    assert 1 <= bits <= dataset.BitsAllocated


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ("text", "data must be bytes"),
        (b"\0" * 131, "Part 10"),
        (b"\0" * 128 + b"DICM", "names its transfer syntax"),
        (b"\0" * 128 + b"DICM" + b"\x02\x00\x10\x00UI\xff\xff1.2", "names its transfer syntax"),  # length past the end
        (b"\0" * 128 + b"DICM" + b"\x02\x00\x01\x00OB\0\0\xff\xff\xff\xff", "names its transfer syntax"),  # 4 GB
        (b"\0" * 128 + b"DICM" + b"\x08\x00\x10\x00UI\x04\x001.2\0", "names its transfer syntax"),  # no group 2
    ],
)
def test_hostile_meta_information_is_refused_by_name(data: object, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        file_meta_transfer_syntax(data)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_after_the_marker_give_a_syntax_or_a_value_error(tail: bytes) -> None:
    try:
        assert isinstance(file_meta_transfer_syntax(b"\0" * 128 + b"DICM" + tail), str)
    except ValueError:
        pass


@settings(max_examples=300, deadline=None)
@given(
    st.binary(max_size=200),
    st.sampled_from(sorted(set(ACCEPTED_TRANSFER_SYNTAXES) - {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1"})),
)
def test_any_frame_gives_a_shape_or_a_value_error(frame: bytes, syntax: str) -> None:
    try:
        assert len(codestream_shape(frame, syntax)) == 4
    except ValueError:
        pass


@pytest.mark.parametrize(
    ("frame", "syntax", "words"),
    [
        (None, "1.2.840.10008.1.2.4.50", "frame must be bytes"),
        (b"\xff\xd8", "1.2.840.10008.1.2.1", "transfer_syntax"),
        (b"\xff\xd8\xff\xe0\x00\x01", "1.2.840.10008.1.2.4.50", "readable frame header"),
        (b"not a codestream", "1.2.840.10008.1.2.4.90", "readable frame header"),
    ],
)
def test_a_frame_without_a_header_is_refused_by_name(frame: object, syntax: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        codestream_shape(frame, syntax)  # type: ignore[arg-type]


def test_a_deflated_bomb_is_refused_before_it_is_parsed() -> None:
    data = deflated_ct(64 * 2**20)
    assert len(data) < 200_000  # 64 MiB once inflated
    with mock.patch("pydicom.dcmread", side_effect=AssertionError("parsed")):
        with pytest.raises(InputRefused, match="TransferSyntaxUID: 1.2.840.10008.1.2.1.99 .Deflated"):
            read_dicom(data)


def test_pydicoms_own_deflated_file_is_refused_by_name() -> None:
    with pytest.raises(InputRefused, match="TransferSyntaxUID") as refused:
        read_dicom(_bytes("image_dfl.dcm"))
    assert refused.value.attribute == "TransferSyntaxUID"


def test_a_codestream_larger_than_its_header_is_refused_before_decoding() -> None:
    bomb = jpeg_ls_bomb(100, 4000)
    assert len(to_bytes(bomb)) < 10_000  # 16 million pixels once decoded
    decoded = mock.PropertyMock(side_effect=AssertionError("decoded"))
    with mock.patch.object(pydicom.dataset.Dataset, "pixel_array", decoded):
        with pytest.raises(InputRefused, match="PixelData: the compressed image says 4000 x 4000") as refused:
            dicom_to_input(read_dicom(to_bytes(bomb)))
    assert refused.value.attribute == "PixelData"


def test_a_codestream_that_agrees_with_its_header_is_decoded() -> None:
    import jpeg_ls

    dataset = jpeg_ls_bomb(64, 64)
    noise = np.random.default_rng(0).integers(0, 4096, (64, 64)).astype(np.uint16)  # compresses as images do
    dataset.PixelData = encapsulate([bytes(jpeg_ls.encode(noise))])
    dataset["PixelData"].VR = "OB"
    pixels, checks = dicom_to_input(read_dicom(to_bytes(dataset)))
    assert pixels.shape == (28, 28) and "TransferSyntaxUID" in checks


def _jpeg_ls_ramp(samples: np.ndarray, stored: int) -> Dataset:
    """A 64 x 64 radiograph, 16 bits allocated and ``stored`` stored, whose JPEG-LS codestream holds ``samples``."""
    import jpeg_ls

    dataset = jpeg_ls_bomb(64, 64)
    dataset.BitsStored, dataset.HighBit = stored, stored - 1
    dataset.PixelData = encapsulate([bytes(jpeg_ls.encode(samples))])
    dataset["PixelData"].VR = "OB"
    return dataset


def test_a_codestream_of_lower_precision_than_bits_stored_is_refused_by_bits_stored() -> None:
    """An 8-bit ramp in a file that says 12 bits stored would fill 1/16 of the range: an almost black image."""
    ramp = np.tile(np.linspace(0, 255, 64).round().astype(np.uint16), (64, 1))
    with pytest.raises(InputRefused, match="BitsStored: 12 bits stored, but the compressed image holds 8-bit") as no:
        dicom_to_input(read_dicom(to_bytes(_jpeg_ls_ramp(ramp, 12))))
    assert no.value.attribute == "BitsStored"
    pixels, _ = dicom_to_input(read_dicom(to_bytes(_jpeg_ls_ramp(ramp, 8))))  # the same ramp, its header right
    assert pixels.max() - pixels.min() > 200  # the whole grey range


def test_a_codestream_with_values_over_bits_stored_is_refused_by_bits_stored() -> None:
    ramp = np.tile(np.linspace(0, 4095, 64).round().astype(np.uint16), (64, 1))  # 12-bit samples
    with pytest.raises(InputRefused, match="BitsStored: values run from 0 to 4095, outside the stored range 0 to 255"):
        dicom_to_input(read_dicom(to_bytes(_jpeg_ls_ramp(ramp, 8))))


def _ramp_with_voi_lut(lut_bits: int | None) -> Dataset:
    """A 12-bit ramp (0 .. 4095) with an identity-shaped VOI transform: a window, or a LUT of ``lut_bits`` output."""
    ramp = np.tile(np.linspace(0, 4095, 56).round().astype(np.uint16), (56, 1))
    dataset = image_to_dicom(np.zeros((56, 56), np.uint8))
    dataset.BitsAllocated, dataset.BitsStored, dataset.HighBit = 16, 12, 11
    dataset.PixelData = ramp.tobytes()
    if lut_bits is None:
        dataset.WindowCenter, dataset.WindowWidth = 2048, 4096
    else:
        item = Dataset()
        item.LUTDescriptor = [4096, 0, lut_bits]
        item.LUTData = np.linspace(0, 2**lut_bits - 1, 4096).round().astype(np.uint16).tolist()
        item["LUTData"].VR = "US"
        dataset.VOILUTSequence = [item]
    return dataset


@pytest.mark.parametrize("lut_bits", [10, 12, 16])  # 9 to 16 bits: one entry a 16-bit word
def test_a_voi_lut_sequence_is_scaled_by_its_own_output_depth(lut_bits: int) -> None:
    window, _ = dicom_to_input(_ramp_with_voi_lut(None))
    lut, checks = dicom_to_input(_ramp_with_voi_lut(lut_bits))
    assert "VOILUT" in checks
    assert np.abs(lut.astype(int) - window.astype(int)).max() <= 2, (lut.min(), lut.max(), lut.mean())


@pytest.mark.parametrize(
    ("descriptor", "words"),
    [([4096, 0, 40], "VOILUTSequence: a LUT output of 40 bits"), ([1000, 0, 12], "VOILUTSequence: the LUT holds 4096")],
    ids=["impossible depth", "wrong number of entries"],
)
def test_a_voi_lut_that_does_not_match_its_descriptor_is_refused_by_name(descriptor: list[int], words: str) -> None:
    dataset = _ramp_with_voi_lut(12)
    dataset.VOILUTSequence[0].LUTDescriptor = descriptor
    with pytest.raises(InputRefused, match=words):
        dicom_to_input(dataset)


def test_the_bombs_cost_little_memory() -> None:
    """Refused before inflating or decoding: the peak of what Python and numpy allocate stays far below the bombs."""
    import tracemalloc

    bombs = [deflated_ct(150 * 2**20), to_bytes(jpeg_ls_bomb(100, 6000))]  # 150 MiB inflated; 72 MB decoded
    tracemalloc.start()
    try:
        for data in bombs:
            with pytest.raises(InputRefused):
                dicom_to_input(read_dicom(data))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20, f"{peak / 2**20:.0f} MiB allocated"


def test_an_image_far_smaller_than_it_decodes_to_is_refused() -> None:
    """A 3000 x 3000 image of zeros whose header agrees (within MAX_PIXELS): 18 MB from a few hundred bytes is no
    radiograph (6000 x 6000 cost 375 MB before this check; it is now refused by its size first)."""
    with pytest.raises(InputRefused, match="would decode to .* times its compressed size"):
        dicom_to_input(read_dicom(to_bytes(jpeg_ls_bomb(3000, 3000))))
    with pytest.raises(InputRefused, match="pixels is over the limit"):
        dicom_to_input(read_dicom(to_bytes(jpeg_ls_bomb(6000, 6000))))


def test_a_repeated_transfer_syntax_is_refused() -> None:
    """pydicom reads the last (0002,0010), a first-match reader the first: a decoy in front of Deflated."""
    data = deflated_ct(2**20)
    meta_start = data.index(b"\x02\x00\x10\x00UI")
    decoy = b"\x02\x00\x10\x00UI" + len(b"1.2.840.10008.1.2.1\0").to_bytes(2, "little") + b"1.2.840.10008.1.2.1\0"
    tampered = data[:meta_start] + decoy + data[meta_start:]
    with pytest.raises(ValueError, match="once each, in order"):
        file_meta_transfer_syntax(tampered)
    with pytest.raises(InputRefused, match="TransferSyntaxUID"):
        read_dicom(tampered)


def _jpeg2000(width: int, tile: int) -> bytes:
    """The start of a JPEG 2000 codestream: SOC and a SIZ for one 16-bit component of width x width."""
    siz = (0xFF51).to_bytes(2, "big") + (41).to_bytes(2, "big") + (0).to_bytes(2, "big")
    siz += b"".join(v.to_bytes(4, "big") for v in (width, width, 0, 0, tile, tile, 0, 0))
    siz += (1).to_bytes(2, "big") + bytes([15, 1, 1])
    return b"\xff\x4f" + siz + b"\xff\x90" + b"\0" * 20


def test_jpeg_2000_headers_are_read_where_the_decoder_reads_them() -> None:
    syntax = "1.2.840.10008.1.2.4.90"
    assert codestream_shape(_jpeg2000(100, 100), syntax) == (100, 100, 1, 16)
    with pytest.raises(ValueError, match="at most 64 tiles"):
        codestream_shape(_jpeg2000(255, 1), syntax)  # 65,025 tiles of one pixel
    decoy = b"\0\0\0\x0cjP  \r\n\x87\n" + (8 + 60).to_bytes(4, "big") + b"xml " + _jpeg2000(100, 100)[:60]
    wrapped = decoy + (8 + 70).to_bytes(4, "big") + b"jp2c" + _jpeg2000(13000, 13000)
    assert codestream_shape(wrapped, syntax)[:2] == (13000, 13000)  # the decoy in the xml box is passed over


def test_jpeg_markers_without_a_length_are_not_read_as_lengths() -> None:
    """SOI then RST0 (no length): a walker that read a length there would jump onto a decoy SOF."""
    sof = bytes.fromhex("ffc3 000b 10 0064 0064 01 011100")
    frame = bytes.fromhex("ffd8 ffd0") + bytes.fromhex("fffe 0010") + sof + b"\0\0\0"
    with pytest.raises(ValueError, match="readable frame header"):
        codestream_shape(frame, "1.2.840.10008.1.2.4.70")


@pytest.mark.parametrize("lut_bits", [8])
def test_an_8_bit_voi_lut_is_looked_up_without_wrapping(lut_bits: int) -> None:
    """pydicom builds its indices in the LUT's output type: an 8-bit LUT wrapped values above 255 (near black)."""
    window, _ = dicom_to_input(_ramp_with_voi_lut(None))
    dataset = _ramp_with_voi_lut(12)
    dataset.VOILUTSequence[0].LUTDescriptor = [4096, 0, lut_bits]
    dataset.VOILUTSequence[0].LUTData = np.linspace(0, 255, 4096).round().astype(np.uint16).tolist()
    lut, checks = dicom_to_input(dataset)
    assert "VOILUT" in checks and np.abs(lut.astype(int) - window.astype(int)).max() <= 2


def test_only_syntaxes_with_a_decoder_are_offered() -> None:
    from pydicom.pixels import get_decoder

    usable = decodable_transfer_syntaxes()
    assert {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1"} <= set(usable) <= set(ACCEPTED_TRANSFER_SYNTAXES)
    assert "1.2.840.10008.1.2.4.90" in usable  # JPEG 2000, which the course's real CR copies use
    for uid in set(usable) - {"1.2.840.10008.1.2", "1.2.840.10008.1.2.1"}:
        assert get_decoder(uid).is_available


def test_a_header_value_repeated_millions_of_times_is_counted_not_converted() -> None:
    """An Implicit VR header may hold millions of values in one element: refused by count, never turned to text."""
    dataset = image_to_dicom(np.zeros((28, 28), np.uint8))
    dataset.add_new(0x00280002, "US", [1] * 100_000)  # SamplesPerPixel
    with pytest.raises(InputRefused, match="SamplesPerPixel: 100,000 values where one is expected"):
        dicom_to_input(dataset)


@pytest.mark.parametrize(
    ("slope", "intercept", "words"),
    [
        (1, -200, "RescaleIntercept"),
        ([1, 2], 0, "RescaleSlope: 2 values"),
        (0.5, 0, "RescaleSlope: 0.5: only an identity rescale"),  # in range, but half the contrast
        (1, 10, "RescaleIntercept: 10: only an identity rescale"),
    ],
)
def test_a_rescale_is_checked_on_the_stored_extremes(slope: object, intercept: object, words: str) -> None:
    dataset = image_to_dicom(np.full((28, 28), 100, np.uint8))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydicom warns of the invalid DS it is asked to hold
        dataset.RescaleSlope, dataset.RescaleIntercept = slope, intercept
    with pytest.raises(InputRefused, match=words):
        dicom_to_input(dataset)


def test_an_identity_rescale_given_explicitly_changes_nothing() -> None:
    image = np.random.default_rng(3).integers(0, 256, (28, 28)).astype(np.uint8)
    dataset = image_to_dicom(image)
    dataset.RescaleSlope, dataset.RescaleIntercept = "1.0", "0"
    assert np.array_equal(dicom_to_input(dataset)[0], image)


def test_a_long_header_value_in_a_file_is_refused_before_it_is_converted() -> None:
    dataset = image_to_dicom(np.zeros((28, 28), np.uint8))
    dataset.add_new(0x00280002, "US", [1] * 30_000)  # SamplesPerPixel, as an attacker would store it
    with pytest.raises(InputRefused, match="SamplesPerPixel: 60,000 bytes where one value is expected"):
        dicom_to_input(read_dicom(to_bytes(dataset)))


def test_the_pixel_limit_agrees_with_the_byte_limit_for_uncompressed_16_bit_images() -> None:
    """The largest square 16-bit image within MAX_PIXELS arrives within MAX_BYTES; one pixel more is refused by
    its header, before decoding, whatever its encoding."""
    from medlearn.deploy.dicom_input import MAX_BYTES, MAX_PIXELS

    assert 2 * MAX_PIXELS + 2**20 <= MAX_BYTES < 2 * (MAX_PIXELS + 2**20)
    side = int(MAX_PIXELS**0.5)
    dataset = image_to_dicom(np.zeros((28, 28), np.uint8))
    dataset.Rows = dataset.Columns = side
    dataset.BitsAllocated, dataset.BitsStored, dataset.HighBit = 16, 12, 11
    dataset.PixelData = bytes(2 * side * side)
    data = to_bytes(dataset)
    assert len(data) <= MAX_BYTES
    assert read_dicom(data).Rows == side  # within the byte limit: read
    dataset.Columns = MAX_PIXELS // side + 1  # a header one column over the pixel limit (the pixels stay short)
    with pytest.raises(InputRefused, match=f"pixels is over the limit of {MAX_PIXELS:,}"):
        dicom_to_input(dataset)
    with pytest.raises(InputRefused, match="pixels is over the limit"):  # compressed: refused from its header too
        dicom_to_input(jpeg_ls_bomb(side + 1, 28))
