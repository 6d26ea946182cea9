"""Real DICOM images that ship with pydicom, Hounsfield units and CT windowing."""

from __future__ import annotations

import os
from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pydicom
from pydicom import examples
from pydicom.dataset import Dataset
from pydicom.pixels import apply_rescale

from .._validation import check_array, check_choice, check_int, check_number

#: The pydicom example files that hold an image, with what they show.
DICOM_EXAMPLES: Mapping[str, str] = MappingProxyType(
    {
        "ct": "CT slice, 128 x 128, 16-bit, with rescale slope and intercept",
        "mr": "MR slice, 64 x 64, 16-bit",
        "overlay": "MR of the abdomen, 484 x 300, with a graphics overlay",
        "rgb_color": "ultrasound, 320 x 240, RGB",
        "palette_color": "ultrasound, 800 x 350, palette colour",
        "jpeg2k": "ultrasound, 640 x 480, JPEG 2000 compressed",
    }
)

#: The real CT slices that the reconstruction chapter reconstructs, from pydicom's test files
#: (``cq500`` from the pydicom-data package).
CT_SLICES: Mapping[str, str] = MappingProxyType(
    {
        "small": "CT_small.dcm",  # 128 x 128
        "cq500": "693_J2KR.dcm",  # 512 x 512, a head slice from the CQ500 collection, lossless JPEG 2000 (pydicom-data)
        "head": "J2K_pixelrep_mismatch.dcm",  # 512 x 512, a head slice, lossless JPEG 2000
    }
)

#: Window presets for CT as (center, width) in Hounsfield units.
WINDOW_PRESETS: Mapping[str, tuple[float, float]] = MappingProxyType(
    {
        "lung": (-600.0, 1500.0),
        "soft tissue": (40.0, 400.0),
        "bone": (400.0, 1800.0),
        "brain": (40.0, 80.0),
    }
)


def dicom_example(name: str) -> Dataset:
    """One of the real DICOM files that pydicom ships, read from disk.

    Args:
        name: a key of :data:`DICOM_EXAMPLES`, for example ``"ct"``.

    Raises:
        ValueError: ``name`` is not one of them.

    Example:
        >>> ds = dicom_example("ct")
        >>> ds.Modality, ds.pixel_array.shape
        ('CT', (128, 128))
    """
    if name not in DICOM_EXAMPLES:
        raise ValueError(f"name={name!r} is not a DICOM example; choose one of: {', '.join(DICOM_EXAMPLES)}")
    return pydicom.dcmread(examples.get_path(name))


def hounsfield(source: Dataset | str | os.PathLike[str]) -> np.ndarray:
    """A CT image in Hounsfield units: stored value x RescaleSlope + RescaleIntercept.

    Args:
        source: a pydicom ``Dataset``, a path to a DICOM file, or the name of a
            pydicom example (``"ct"``).

    Returns:
        float64 array of Hounsfield units (air about -1000, water 0, bone +400 and up).

    Raises:
        ValueError: the file is not a CT image, or has no rescale slope and intercept.

    Example:
        >>> hu = hounsfield("ct")
        >>> hu.shape, float(hu.min())
        ((128, 128), -896.0)
    """
    if isinstance(source, Dataset):
        ds = source
    elif isinstance(source, str) and source in DICOM_EXAMPLES:
        ds = dicom_example(source)
    elif isinstance(source, (str, os.PathLike)):
        ds = pydicom.dcmread(source)
    else:
        raise ValueError(f"source must be a pydicom Dataset, a path or an example name, not {type(source).__name__}")
    modality = ds.get("Modality", "unknown")
    if modality != "CT":
        raise ValueError(f"source has modality {modality}; Hounsfield units are defined for CT only")
    if "RescaleSlope" not in ds or "RescaleIntercept" not in ds:
        raise ValueError(
            "source has no RescaleSlope and RescaleIntercept, so its values cannot be turned into Hounsfield units"
        )
    return np.asarray(apply_rescale(ds.pixel_array, ds), dtype=np.float64)


def window(
    image: np.ndarray,
    center: float | None = None,
    width: float | None = None,
    *,
    preset: str | None = None,
) -> np.ndarray:
    """Map the intensity window ``[center - width/2, center + width/2]`` to [0, 1] for display.

    Values below the window become 0 (black), above it 1 (white). Give either
    ``center`` and ``width`` or a ``preset`` from :data:`WINDOW_PRESETS`.

    Args:
        image: array of intensities, for CT in Hounsfield units.
        center: middle of the window (the "level").
        width: width of the window, > 0.
        preset: ``"lung"``, ``"soft tissue"``, ``"bone"`` or ``"brain"``.

    Returns:
        float64 array of the same shape, in [0, 1].

    Example:
        >>> window(np.array([-1000.0, 40.0, 1000.0]), preset="soft tissue")
        array([0. , 0.5, 1. ])
    """
    if preset is not None:
        if center is not None or width is not None:
            raise ValueError("give either preset or center and width, not both")
        center, width = WINDOW_PRESETS[check_choice(preset, "preset", tuple(WINDOW_PRESETS))]
    if center is None or width is None:
        raise ValueError("give center and width, or a preset")
    center = check_number(center, "center")
    width = check_number(width, "width", low=0, low_open=True)
    values = check_array(image, "image", finite=False, empty=True)
    low = center - width / 2.0
    return np.clip((values.astype(np.float64) - low) / width, 0.0, 1.0)


def ct_soft_tissue() -> np.ndarray:
    """The CT example slice in Hounsfield units, through the soft-tissue window: a real image with values 0 to 1.

    The one definition of the image that the convolution chapter filters and that the checks of the
    exercises of the convolution and preprocessing-and-features chapters test a learner's code on.

    Example:
        >>> image = ct_soft_tissue()
        >>> image.shape, float(image.min()), float(image.max())
        ((128, 128), 0.0, 1.0)
    """
    return window(hounsfield("ct"), preset="soft tissue")


def ct_slice(name: str, size: int = 256) -> tuple[np.ndarray, float]:
    """One of pydicom's real CT slices in HU, reduced to at most ``size`` pixels a side, and its pixel size.

    The one definition of the slices that the reconstruction chapter and
    ``benchmarks/reconstruction.py`` reconstruct.
    A slice larger than ``size`` is resized (linear interpolation, anti-aliased) and its pixel size
    scaled to match. pydicom's test files carry deliberate oddities for pydicom's own tests; the
    warnings they raise while being read are silenced here.

    Args:
        name: a key of :data:`CT_SLICES` (``"small"``, ``"cq500"`` or ``"head"``).
        size: the largest side wanted, at least 16.

    Returns:
        ``(hu, pixel_size_mm)``: a float64 square image in HU and the width of its pixels in mm.

    Example:
        >>> hu, spacing = ct_slice("head")
        >>> hu.shape, round(spacing, 2)
        ((256, 256), 0.86)
    """
    import warnings

    from pydicom.data import get_testdata_file
    from skimage.transform import resize

    name = check_choice(name, "name", CT_SLICES)
    size = check_int(size, "size", min_value=16)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dataset = pydicom.dcmread(get_testdata_file(CT_SLICES[name]))
        hu = hounsfield(dataset)
    spacing = float(dataset.PixelSpacing[0])
    if hu.shape[0] > size:
        spacing *= hu.shape[0] / size
        hu = resize(hu, (size, size), order=1, anti_aliasing=True, preserve_range=True)
    return hu, spacing
