"""DICOM in: what a chest-radiograph model must check before it answers.

:func:`read_dicom` parses bytes from a network (never trusting them: the transfer syntax is read and
checked before the data set is parsed, see :mod:`medlearn.deploy.encoding`); :func:`dicom_to_input` turns
a dataset into the model's 8-bit input or refuses it with an :class:`InputRefused` that names the DICOM
attribute at fault and says how to fix it. Test files are made by :mod:`medlearn.deploy.course_files`.

Example:
    >>> from medlearn.deploy.course_files import image_to_dicom
    >>> image = np.arange(28 * 28, dtype=np.uint8).reshape(28, 28)
    >>> pixels, checks = dicom_to_input(image_to_dicom(image))
    >>> bool(np.array_equal(pixels, image)), checks[:2]
    (True, ['SOPClassUID', 'Modality'])
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pydicom
from pydicom.dataset import Dataset

from .._validation import check_choice, check_int
from ._header import InputRefused, _header_int, _header_number, _header_text, _intended_use, _refuse_unless
from ._pixels import reduce_to, voi_lut
from .encoding import ACCEPTED_TRANSFER_SYNTAXES, codestream_shape, file_meta_end, file_meta_transfer_syntax
from .structure import MAX_FRAGMENTS, check_structure

__all__ = [
    "ACCEPTED_SOP_CLASSES",
    "InputRefused",
    "MAX_BYTES",
    "MAX_PIXELS",
    "dicom_to_input",
    "read_dicom",
]

#: The image storage SOP classes a chest-radiograph model accepts (DICOM PS3.4, Annex B.5).
ACCEPTED_SOP_CLASSES: Mapping[str, str] = MappingProxyType(
    {
        "1.2.840.10008.5.1.4.1.1.1": "Computed Radiography Image Storage",
        "1.2.840.10008.5.1.4.1.1.1.1": "Digital X-Ray Image Storage - For Presentation",
        "1.2.840.10008.5.1.4.1.1.7": "Secondary Capture Image Storage",
    }
)
RADIOGRAPH_MODALITIES = ("CR", "DX")
#: The largest request a service reads (a 28 x 28 radiograph is a few kB; a real one a few MB), and the most
#: bytes of one image the C-STORE listener receives.
MAX_BYTES = 20 * 1024 * 1024
#: The most pixels an image may have, checked before it is decoded: as many as an uncompressed 16-bit image
#: within :data:`MAX_BYTES` holds beside a header of up to 1 MiB (9,961,472, e.g. 3156 x 3156), so that the
#: two limits agree and a compressed image cannot ask for more decoding than an uncompressed one could bring.
#: A 43 x 43 cm detector at 0.14 mm gives 3072 x 3072 (9.4 million); a full-resolution CR of 35 x 43 cm at
#: 0.1 mm (about 15 million pixels, 30 MB) is over both limits. They size this teaching service for its memory:
#: decoding and reading an image takes about 24 bytes per pixel at its peak (250 MB at the limit). A node that
#: must take such images raises both limits with its memory, or its router sends it a reduced copy.
MAX_PIXELS = (MAX_BYTES - 2**20) // 2
#: The largest ratio of decoded to compressed size accepted (lossless radiographs compress 2 to 4 times, lossy
#: ones about 10 times; a small file that claims a large image is a bomb).
MAX_COMPRESSION = 200
# The fix for an image over a limit: the sender has done nothing wrong, the node is sized for less
_TOO_LARGE = "This node is configured for smaller images: route a reduced copy here, or raise its limits."


def read_dicom(data: bytes, *, max_bytes: int = MAX_BYTES) -> Dataset:
    """A DICOM Part 10 file from bytes, or :class:`InputRefused` (``"file"``) for anything else.

    Nothing is written to disk. Any parsing error, whatever the bytes, becomes a refusal.

    Example:
        >>> try:
        ...     read_dicom(b"not a DICOM file")
        ... except InputRefused as refused:
        ...     print(refused.attribute, "|", refused.problem[:24])
        file | not a DICOM Part 10 file
    """
    max_bytes = check_int(max_bytes, "max_bytes", min_value=1)
    if not isinstance(data, (bytes, bytearray)):
        raise InputRefused("file", f"expected bytes, got {type(data).__name__}", "Send the DICOM file's bytes.")
    if not data:
        raise InputRefused("file", "the request is empty", "Send one DICOM file as the request body.")
    if len(data) > max_bytes:
        raise InputRefused(
            "file",
            f"{len(data):,} bytes is over the limit of {max_bytes:,}",
            _TOO_LARGE,
        )
    if len(data) < 132 or data[128:132] != b"DICM":
        raise InputRefused(
            "file",
            "not a DICOM Part 10 file (no 'DICM' marker after the 128-byte preamble, PS3.10 section 7.1)",
            "Send the file as stored by a PACS or modality, with its preamble and file meta information.",
        )
    try:
        syntax = file_meta_transfer_syntax(data)
    except ValueError:
        raise InputRefused(
            "TransferSyntaxUID",
            "the file meta information has no transfer syntax that can be read (Type 1, PS3.10 section 7.1)",
            "Send the file as a PACS or modality stored it.",
        ) from None
    _refuse_unless(  # before parsing: a deflated data set is inflated whole, unbounded, by the parser itself
        syntax in ACCEPTED_TRANSFER_SYNTAXES,
        "TransferSyntaxUID",
        f"{syntax} ({_uid_name(syntax)}) is not accepted here",
        "Send it uncompressed (Explicit VR Little Endian), or as JPEG, JPEG-LS or JPEG 2000.",
    )
    try:
        start = file_meta_end(data)
    except ValueError:
        raise InputRefused(
            "file", "the file meta information is cut short or too long", "Send the complete file."
        ) from None
    check_structure(data, syntax, start=start)  # before parsing: pydicom builds every element and item it reads
    try:
        dataset = pydicom.dcmread(io.BytesIO(bytes(data)))
        dataset.get("PixelData")  # reading the element: a file cut inside its header fails here
    except Exception as error:
        raise InputRefused(
            "file", f"could not be parsed as DICOM ({type(error).__name__})", "Check that the file is complete."
        ) from None
    parsed = getattr(getattr(dataset, "file_meta", None), "TransferSyntaxUID", None)
    if not parsed or str(parsed) != syntax:  # pydicom must have read the syntax that was checked
        raise InputRefused(
            "TransferSyntaxUID",
            "the file meta information has no transfer syntax (Type 1, PS3.10 section 7.1)",
            "Send the file as a PACS or modality stored it.",
        )
    return dataset


def dicom_to_input(
    dataset: Dataset, *, size: tuple[int, int] = (28, 28), monochrome1: str = "invert"
) -> tuple[np.ndarray, list[str]]:
    """The model's 8-bit input from a DICOM dataset, and the attributes checked, or :class:`InputRefused`.

    Checks, in order: the SOP class (CR, DX for presentation, or Secondary Capture) and the series'
    Modality (CR or DX: a secondary capture must say it was made from a radiograph); where the file
    gives them, the body part (CHEST), the view (AP or PA: a lateral view is refused) and the patient's
    age (adults are refused: the training images are of children aged one to five; children of other ages are
    answered, though the model was not tested on them, as its card says, and real systems also write THORAX
    or PORT CHEST as the body part, which is refused here). An absent body part, view or age is listed among
    the checks as "absent, not checked"; an age string that is not DICOM's ``nnnD/W/M/Y`` is refused; without
    PatientAge, the age is taken from PatientBirthDate and StudyDate where both are given. Then pixel data present,
    one sample per pixel, the photometric interpretation (MONOCHROME2; MONOCHROME1, where 0 is white, is
    inverted when ``monochrome1="invert"`` and refused when ``"refuse"``), one frame, unsigned pixels,
    bits allocated (8 or 16) and stored, the image size (at least the model's, at most
    :data:`MAX_PIXELS`, and no more than twice as long as wide) and the length of uncompressed pixel data,
    all before decoding; then the transfer syntax (compressed pixel data is decoded by pydicom's installed
    handlers, or refused; a codestream whose precision is below BitsStored is refused) and the rescaled
    values (inside the stored range). A header value that is not a number is refused by name.

    Intensity handling (the bundle's, written here once): the modality LUT (a Modality LUT Sequence; a
    rescale slope and intercept only as the identity, 1 and 0, since any other would silently change the
    contrast once the stored range is mapped to 0 .. 255: it is refused by name), then the VOI LUT where
    the file gives one (window centre and width, or a VOI LUT sequence: the display the radiologist would
    see), is applied; the stored range ``0 .. 2**BitsStored - 1`` maps
    linearly to 0 .. 255; a non-square image is cropped to the central square (as MedMNIST prepared its
    images) and a larger one reduced to ``size`` by the mean of k x k blocks where it is at least twice
    the size (an area mean), or by scikit-image's anti-aliased ``resize`` where it is smaller. An 8-bit
    MONOCHROME2 image of the model's size without a VOI LUT
    passes through unchanged, so the service's answer equals the notebook's for the same image.

    Example:
        >>> from medlearn.data import dicom_example
        >>> try:
        ...     dicom_to_input(dicom_example("ct"))
        ... except InputRefused as refused:
        ...     print(refused.attribute, "|", refused.problem)
        SOPClassUID | 1.2.840.10008.5.1.4.1.1.2 (CT Image Storage) is not a radiograph
    """
    monochrome1 = check_choice(monochrome1, "monochrome1", ("invert", "refuse"))
    checks: list[str] = []
    sop = _header_text(dataset, "SOPClassUID")
    _refuse_unless(
        sop in ACCEPTED_SOP_CLASSES,
        "SOPClassUID",
        f"{sop[:64] or 'missing'} ({_uid_name(sop)}) is not a radiograph",
        "Send a CR, DX (for presentation) or Secondary Capture image of a chest radiograph.",
    )
    checks.append("SOPClassUID")
    modality = _header_text(dataset, "Modality")
    _refuse_unless(
        modality in RADIOGRAPH_MODALITIES,
        "Modality",
        f"{modality[:16] or 'missing'} is not a radiograph's modality (CR or DX)",
        "This model reads chest radiographs only; route other modalities elsewhere.",
    )
    checks.append("Modality")
    checks += _intended_use(dataset)  # body part, view and age where given; "absent, not checked" where not
    _refuse_unless("PixelData" in dataset, "PixelData", "the dataset has no pixel data", "Send the image itself.")
    checks.append("PixelData")
    samples = _header_int(dataset, "SamplesPerPixel", 1)
    _refuse_unless(samples == 1, "SamplesPerPixel", f"{samples} samples per pixel", "Send a greyscale image.")
    checks.append("SamplesPerPixel")
    photometric = _header_text(dataset, "PhotometricInterpretation")
    _refuse_unless(
        photometric in ("MONOCHROME1", "MONOCHROME2"),
        "PhotometricInterpretation",
        f"{photometric[:16] or 'missing'} is not greyscale",
        "Send a MONOCHROME2 (or MONOCHROME1) radiograph.",
    )
    _refuse_unless(
        not (photometric == "MONOCHROME1" and monochrome1 == "refuse"),
        "PhotometricInterpretation",
        "MONOCHROME1 (0 is white) is refused by this service's setting",
        "Convert to MONOCHROME2, or run the service with MONOCHROME1 inversion on.",
    )
    checks.append("PhotometricInterpretation")
    frames = _header_int(dataset, "NumberOfFrames", 1) or 1
    _refuse_unless(frames == 1, "NumberOfFrames", f"{frames} frames", "Send one image per request.")
    checks.append("NumberOfFrames")
    _refuse_unless(
        _header_int(dataset, "PixelRepresentation", 0) == 0,
        "PixelRepresentation",
        "signed pixel values",
        "Send a radiograph stored with unsigned pixels.",
    )
    checks.append("PixelRepresentation")
    allocated, stored = _header_int(dataset, "BitsAllocated", 0), _header_int(dataset, "BitsStored", 0)
    _refuse_unless(allocated in (8, 16), "BitsAllocated", f"{allocated} bits allocated", "Send 8- or 16-bit data.")
    _refuse_unless(1 <= stored <= allocated, "BitsStored", f"{stored} bits stored of {allocated}", "Fix the header.")
    checks += ["BitsAllocated", "BitsStored"]
    rows, columns = _header_int(dataset, "Rows", 0), _header_int(dataset, "Columns", 0)
    _refuse_unless(
        rows >= size[0] and columns >= size[1],
        "Rows",
        f"{rows} x {columns} is smaller than the model's {size[0]} x {size[1]}",
        "Send the full-resolution image; enlarging invents detail.",
    )
    _refuse_unless(
        rows * columns <= MAX_PIXELS,
        "Rows",
        f"{rows} x {columns} pixels is over the limit of {MAX_PIXELS:,}",
        _TOO_LARGE,
    )
    _refuse_unless(
        max(rows, columns) <= 2 * min(rows, columns),
        "Columns",
        f"{rows} x {columns} is more than twice as long as wide: not a chest radiograph's shape",
        "Send the whole radiograph as acquired.",
    )
    checks += ["Rows", "Columns"]
    syntax = dataset.file_meta.get("TransferSyntaxUID") if hasattr(dataset, "file_meta") else None
    if syntax is not None and str(syntax) not in ACCEPTED_TRANSFER_SYNTAXES:
        raise InputRefused(
            "TransferSyntaxUID",
            f"{syntax} ({_uid_name(str(syntax))}) is not accepted here",
            "Send it uncompressed (Explicit VR Little Endian), or as JPEG, JPEG-LS or JPEG 2000.",
        )
    if syntax is not None:  # a damaged meta header can give it another VR (ST, say): a plain str, not a UID
        syntax = pydicom.uid.UID(str(syntax))
    if syntax is not None and syntax.is_compressed:
        _check_frame_header(dataset, str(syntax), rows, columns, allocated, stored)
    if syntax is not None and not syntax.is_compressed:
        needed, length = rows * columns * allocated // 8, len(dataset.PixelData)
        _refuse_unless(  # native pixel data: exactly the image, and the one byte that makes an odd length even
            length in (needed, needed + needed % 2) and dataset["PixelData"].is_undefined_length is not True,
            "PixelData",
            f"{length:,} bytes of pixel data for {rows} x {columns} at {allocated} bits ({needed:,} expected): "
            + ("the file is truncated" if length < needed else "more than the image (PS3.5 section 8.1.1)"),
            "Send the complete file." if length < needed else "Send the file as a PACS or modality stored it.",
        )
    try:
        stored_pixels = dataset.pixel_array
    except Exception as error:
        name = getattr(syntax, "name", str(syntax))
        raise InputRefused(
            "TransferSyntaxUID",
            f"the pixel data ({name}) could not be decoded here ({type(error).__name__})",
            "Send it uncompressed (Explicit VR Little Endian), or install the decoder pydicom names for it.",
        ) from None
    checks.append("TransferSyntaxUID")
    _refuse_unless(
        stored_pixels.shape == (rows, columns), "Rows", f"pixel array of shape {stored_pixels.shape}", "Fix the header."
    )
    top = float(2**stored - 1)
    if "ModalityLUTSequence" in dataset:
        values = pydicom.pixels.apply_rescale(stored_pixels, dataset).astype(np.float32)
    else:  # the stored range is what maps to 0 .. 255 below: any other rescale would change the image's contrast
        for keyword, identity in (("RescaleSlope", 1.0), ("RescaleIntercept", 0.0)):
            value = _header_number(dataset, keyword, identity)
            _refuse_unless(
                value == identity,
                keyword,
                f"{value:g}: only an identity rescale (slope 1, intercept 0) is read here",
                "Send a radiograph for presentation (rescale slope 1, intercept 0).",
            )
        values = stored_pixels.astype(np.float32)
    _refuse_unless(
        values.min() >= 0 and values.max() <= top,
        "ModalityLUTSequence" if "ModalityLUTSequence" in dataset else "BitsStored",
        f"values run from {values.min():g} to {values.max():g}, outside the stored range 0 to {top:g}",
        "Send a radiograph for presentation, its values within BitsStored.",
    )
    checks.append("RescaleIntercept")
    if "VOILUTSequence" in dataset:
        try:
            values = voi_lut(values, dataset.VOILUTSequence, top)
        except ValueError as error:
            raise InputRefused("VOILUTSequence", str(error), "Fix the LUT, or send a window instead.") from None
        checks.append("VOILUT")
    elif "WindowCenter" in dataset and "WindowWidth" in dataset:
        values = np.clip(np.asarray(pydicom.pixels.apply_voi_lut(values, dataset), dtype=np.float32), 0.0, top)
        checks.append("VOILUT")
    if photometric == "MONOCHROME1":
        values = top - values
    side = min(rows, columns)
    top_row, left = (rows - side) // 2, (columns - side) // 2
    values = values[top_row : top_row + side, left : left + side]
    if values.shape != tuple(size):
        values = reduce_to(values, size)
    pixels = values if stored == 8 and allocated == 8 else values * (255.0 / top)
    return np.clip(np.rint(pixels), 0, 255).astype(np.uint8), checks


def _check_frame_header(dataset: Dataset, syntax: str, rows: int, columns: int, allocated: int, stored: int) -> None:
    """Refuse compressed pixel data whose own frame header disagrees with the DICOM header, or that would decode
    to far more than it holds, before decoding."""
    from pydicom.encaps import generate_fragments, get_frame, parse_basic_offsets

    _refuse_unless(  # a decoder follows an extended offset table, which could point past the frame checked here
        "ExtendedOffsetTable" not in dataset,
        "ExtendedOffsetTable",
        "an extended offset table for a single frame",
        "Send the image without it.",
    )
    try:
        buffer = io.BytesIO(dataset.PixelData)
        parse_basic_offsets(buffer)
        for count, _ in enumerate(generate_fragments(buffer), 1):
            if count > MAX_FRAGMENTS:
                raise InputRefused("PixelData", f"more than {MAX_FRAGMENTS} fragments", "Send the image whole.")
        frame = get_frame(dataset.PixelData, 0, number_of_frames=1)
        shape = codestream_shape(frame, syntax)
    except InputRefused:
        raise
    except Exception:
        raise InputRefused(
            "PixelData", "the compressed image has no readable frame header", "Send the complete file."
        ) from None
    _refuse_unless(
        shape[:3] == (rows, columns, 1) and 1 <= shape[3] <= allocated,
        "PixelData",
        f"the compressed image says {shape[0]} x {shape[1]}, {shape[2]} component(s) of {shape[3]} bits; the "
        f"header says {rows} x {columns}, 1 of at most {allocated}",
        "Send a file whose pixel data matches its header.",
    )
    ratio = rows * columns * (allocated // 8) / max(len(frame), 1)
    _refuse_unless(
        ratio <= MAX_COMPRESSION,
        "PixelData",
        f"the image would decode to {ratio:,.0f} times its compressed size (at most {MAX_COMPRESSION} accepted)",
        "Send the image uncompressed or with ordinary compression.",
    )
    _refuse_unless(  # fewer bits than stored: the decoded values fill a fraction of the range (an almost black image)
        shape[3] >= stored,
        "BitsStored",
        f"{stored} bits stored, but the compressed image holds {shape[3]}-bit samples",
        "Send a file whose BitsStored is its codestream's precision.",
    )


def _uid_name(uid: str) -> str:
    try:
        return pydicom.uid.UID(uid).name if uid else "no SOP class"
    except Exception:
        return "unknown"
