"""Two real FLT-PET slices, each a DICOM PET image with every attribute that a body-weight SUV needs.

FLT-PET (3'-deoxy-3'-[18F]fluorothymidine) of two breast-cancer patients from the TCIA collection
ACRIN-FLT-Breast: 168 x 168 pixels of 4.07 mm, Units BQML, decay corrected to the start of the series,
de-identified by TCIA (Patient Identity Removed YES, DICOM PS3.15 Annex E). Licence CC BY 3.0; cite Kinahan P,
Muzi M, Bialecki B, Coombs L (2017), Data from ACRIN-FLT-Breast, The Cancer Imaging Archive,
doi:10.7937/K9/TCIA.2017.ol20zmxg; Kostakoglu L et al., J Nucl Med 56(11):1681-1689 (2015); Clark K et al.,
J Digit Imaging 26(6):1045-1057 (2013).

TCIA publishes no checksum per file, and the only public copy of single slices is a DICOM library's test data
(the repository suyashkumar/dicom, ``testdata/1.dcm`` and ``2.dcm`` at a fixed commit): :data:`PET_SHA256` pins
those bytes. The files live in the data folder (:func:`medlearn.data.data_dir`).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .._validation import check_choice
from ._home import FileReport, data_dir
from .download import download_file
from .errors import DataError, DataNotFoundError

__all__ = ["PET_SHA256", "PET_URLS", "fetch_pet_slices", "load_pet_slice", "verify_pet_slices"]

_COMMIT = "8ae5137aa164e11a1ffb53b10778cba6cd910a87"
#: sha256 of each slice, as published.
PET_SHA256: MappingProxyType[str, str] = MappingProxyType(
    {
        "ACRIN-FLT-Breast_PT_1.dcm": "58c2ded1e063ff7acf5b88f21dd68dc721ea15bb1fee537048d3e050724847ee",
        "ACRIN-FLT-Breast_PT_2.dcm": "a95c4d3da788c344edb24f4e1be3454f3e8d09af4f08d417fe0670d413f978ae",
    }
)
#: Where each slice is downloaded from.
PET_URLS: MappingProxyType[str, str] = MappingProxyType(
    {
        name: f"https://github.com/suyashkumar/dicom/raw/{_COMMIT}/testdata/{index}.dcm"
        for index, name in enumerate(PET_SHA256, start=1)
    }
)
#: A slice is 168 x 168 16-bit pixels and its header: a file above this is refused before it is read.
MAX_BYTES = 1 << 20


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _check(path: Path, name: str) -> None:
    if path.stat().st_size > MAX_BYTES:
        raise DataError(f"{path} is {path.stat().st_size} bytes, more than a PET slice ({MAX_BYTES}): not read")
    actual = _sha256(path)
    if actual != PET_SHA256[name]:
        raise DataError(f"{path} is not the published {name}:\n    expected {PET_SHA256[name]}\n    actual   {actual}")


def fetch_pet_slices(root: str | os.PathLike[str] | None = None, *, progress: bool = True) -> list[Path]:
    """Make sure both verified slices are in the data folder; download any that is missing or altered.

    Example:
        >>> [path.name for path in fetch_pet_slices()]  # doctest: +SKIP
        ['ACRIN-FLT-Breast_PT_1.dcm', 'ACRIN-FLT-Breast_PT_2.dcm']
    """
    folder = data_dir(root)
    paths = []
    for name, url in PET_URLS.items():
        path = folder / name
        try:
            _check(path, name)
        except (OSError, DataError):
            download_file(url, path, None, verify=lambda tmp, name=name: _check(tmp, name), progress=progress)
        paths.append(path)
    return paths


def verify_pet_slices(root: str | os.PathLike[str] | None = None) -> list[FileReport]:
    """Check both slices in a folder: ``ok``, ``bad`` (altered) or ``missing``.

    Example:
        >>> [report.status for report in verify_pet_slices()]
        ['ok', 'ok']
    """
    folder = data_dir(root)
    reports = []
    for name in PET_SHA256:
        path = folder / name
        if not path.is_file():
            reports.append(FileReport(name, path, "missing", "run medlearn.data.fetch_pet_slices() once (online)"))
            continue
        try:
            _check(path, name)
        except DataError as err:
            reports.append(FileReport(name, path, "bad", str(err)))
        else:
            reports.append(FileReport(name, path, "ok"))
    return reports


def load_pet_slice(number: int, root: str | os.PathLike[str] | None = None) -> Any:
    """PET slice ``number`` (1 or 2) as a pydicom dataset, read only after its size and sha256 are checked.

    Example:
        >>> slice_1 = load_pet_slice(1)
        >>> slice_1.Modality, str(slice_1.Units), slice_1.pixel_array.shape
        ('PT', 'BQML', (168, 168))
    """
    import pydicom

    names = list(PET_SHA256)
    name = names[check_choice(number, "number", (1, 2)) - 1]
    path = data_dir(root) / name
    if not path.is_file():
        raise DataNotFoundError(f"{path} is not there: run medlearn.data.fetch_pet_slices() once (online)")
    _check(path, name)
    return pydicom.dcmread(path)
