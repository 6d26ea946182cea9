"""Two real FLT-PET slices, each a DICOM PET image with every attribute that a body-weight SUV needs.

FLT-PET (3'-deoxy-3'-[18F]fluorothymidine) of two breast-cancer patients from the TCIA collection
ACRIN-FLT-Breast: 168 x 168 pixels of 4.07 mm, Units BQML, decay corrected to the start of the series,
de-identified by TCIA (Patient Identity Removed YES, DICOM PS3.15 Annex E). Licence CC BY 3.0; cite Kinahan P,
Muzi M, Bialecki B, Coombs L (2017), Data from ACRIN-FLT-Breast, The Cancer Imaging Archive,
doi:10.7937/K9/TCIA.2017.ol20zmxg; Kostakoglu L et al., J Nucl Med 56(11):1681-1689 (2015); Clark K et al.,
J Digit Imaging 26(6):1045-1057 (2013).

TCIA publishes no checksum per file, and the only public copy of single slices is a DICOM library's test data
(the repository suyashkumar/dicom, ``testdata/1.dcm`` and ``2.dcm`` at a fixed commit): :data:`PET_SLICES` pins
those bytes (:class:`~medlearn.data.pinned.PinnedFiles`).
"""

from __future__ import annotations

import os
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .._validation import check_choice
from ._home import FileReport
from .pinned import PinnedFiles

__all__ = ["PET_SLICES", "fetch_pet_slices", "load_pet_slice", "verify_pet_slices"]

_NAMES = ("ACRIN-FLT-Breast_PT_1.dcm", "ACRIN-FLT-Breast_PT_2.dcm")
#: The two slices, pinned by their sha256; a slice is 168 x 168 16-bit pixels and a header, well under 1 MiB.
PET_SLICES = PinnedFiles(
    "the PET slices",
    MappingProxyType(
        {
            _NAMES[0]: "58c2ded1e063ff7acf5b88f21dd68dc721ea15bb1fee537048d3e050724847ee",
            _NAMES[1]: "a95c4d3da788c344edb24f4e1be3454f3e8d09af4f08d417fe0670d413f978ae",
        }
    ),
    "https://github.com/suyashkumar/dicom/raw/8ae5137aa164e11a1ffb53b10778cba6cd910a87/testdata/",
    1 << 20,
    MappingProxyType({_NAMES[0]: "1.dcm", _NAMES[1]: "2.dcm"}),
    "medlearn.data.fetch_pet_slices()",
    name="pet",
    summary=f"2-D {'FLT-PET, 2 DICOM slices 168 x 168, in Bq/mL':44} {'body-weight SUV':26}  "
    "TCIA ACRIN-FLT-Breast, CC BY 3.0",
)


def fetch_pet_slices(
    root: str | os.PathLike[str] | None = None, *, mirror: str | None = None, progress: bool = True
) -> list[Path]:
    """Make sure both verified slices are in the data folder; download any that is missing or altered, from
    ``mirror`` (else ``$MEDLEARN_MIRROR``, else the official address; see :func:`medlearn.data.data_mirror`).

    Example:
        >>> [path.name for path in fetch_pet_slices()]  # doctest: +SKIP
        ['ACRIN-FLT-Breast_PT_1.dcm', 'ACRIN-FLT-Breast_PT_2.dcm']
    """
    return PET_SLICES.fetch(root, mirror=mirror, progress=progress)


def verify_pet_slices(root: str | os.PathLike[str] | None = None) -> list[FileReport]:
    """Check both slices in a folder: ``ok``, ``bad`` (altered) or ``missing``.

    Example:
        >>> [report.status for report in verify_pet_slices()]
        ['ok', 'ok']
    """
    return PET_SLICES.verify(root)


def load_pet_slice(number: int, root: str | os.PathLike[str] | None = None, *, download: bool = True) -> Any:
    """PET slice ``number`` (1 or 2) as a pydicom dataset, read only after its size and sha256 are checked; a slice
    that is missing or altered is downloaded first, unless ``download`` is False.

    Example:
        >>> slice_1 = load_pet_slice(1)
        >>> slice_1.Modality, str(slice_1.Units), slice_1.pixel_array.shape
        ('PT', 'BQML', (168, 168))
    """
    import pydicom

    name = _NAMES[check_choice(number, "number", (1, 2)) - 1]
    return pydicom.dcmread(PET_SLICES.path(name, root, download=download))
