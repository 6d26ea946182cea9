"""One real acute ischaemic stroke case of ISLES'22: DWI, ADC, FLAIR and the expert lesion mask.

The sample case (``sub-strokecase0009``) that the challenge's organisers publish in their own repository
(ezequieldlrosa/isles22, ``utils/data/``), in its BIDS layout: DWI (b = 800 s/mm², its sidecar says) and its
ADC map (112 x 112 x 73,
2 mm voxels), a FLAIR (512 x 512 x 29, 0.45 x 0.45 x 5 mm) on its own grid, **not aligned with the DWI**, each
with its JSON sidecar, and the expert lesion mask on the DWI/ADC grid. Licence CC BY-SA 4.0: a figure or image
made from these files is CC BY-SA 4.0 too, and must say so. Cite Hernandez Petzsche MR, de la Rosa E, et al.,
"ISLES 2022: A multi-center magnetic resonance imaging stroke lesion segmentation dataset", Scientific Data 9,
762 (2022).

No checksum per file is published: :data:`ISLES22_CASE` pins these bytes. In the data folder the files keep their
BIDS names, side by side.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from ._home import FileReport
from .pinned import PinnedFiles

__all__ = ["ISLES22_CASE", "StrokeCase", "fetch_isles22", "load_isles22", "verify_isles22"]

_SUBJECT = "sub-strokecase0009_ses-0001"
_RAW = "rawdata/sub-strokecase0009/ses-0001/"
_SHA256 = {
    "dwi.nii.gz": "5d2e166df6c44175a9e5b71adad5b63c2855bbb76cb95441faeb7b6f3a1ee3a6",
    "dwi.json": "67d515aa028029fc1ecaf7feaa904b95779e2b3b0710636bdb83817cdd14b124",
    "adc.nii.gz": "db6cb981a0e9d459624949ff5d629f91d28bbaefe254307b88392def0bf97def",
    "adc.json": "07f750556727c80adffe9b3722c861b09f7c47b4a239226954c658915506a470",
    "flair.nii.gz": "5090fc9083f133b088c64feba249044947387466b8e0b206c01d63db3d606e55",
    "flair.json": "c5e936f8069e19b85fe6b9ce2312527bf7205bd4de860514a515c034afacd90f",
    "msk.nii.gz": "d525f376ab39c83921517b2cc77da938073f58fb637cb8756638209bbe46ee36",
}
#: The case's seven files, pinned by their sha256 (the largest, the FLAIR, is 2.3 MB).
ISLES22_CASE = PinnedFiles(
    "the ISLES'22 case",
    MappingProxyType({f"{_SUBJECT}_{part}": sha for part, sha in _SHA256.items()}),
    "https://github.com/ezequieldlrosa/isles22/raw/31b7c8c29ab08180ed9f55c79a66c00e1ff3bdc0/utils/data/",
    4 << 20,
    MappingProxyType(
        {
            f"{_SUBJECT}_{part}": ("derivatives/sub-strokecase0009/ses-0001/" if part == "msk.nii.gz" else _RAW)
            + f"{_SUBJECT}_{part}"
            for part in _SHA256
        }
    ),
    "medlearn.data.fetch_isles22()",
    name="isles22",
    summary=f"3-D {'stroke MRI: DWI, ADC, FLAIR, lesion mask':44} {'lesion segmentation':26}  "
    "ISLES'22 case 0009, CC BY-SA 4.0",
)


class StrokeCase(NamedTuple):
    """The case's images as nibabel images (each with its affine) and the scanner's sidecars."""

    dwi: Any  #: diffusion-weighted, b = 800 s/mm² (its sidecar), 112 x 112 x 73, 2 mm
    adc: Any  #: apparent diffusion coefficient, same grid (units as the sidecar and the chapter say)
    flair: Any  #: FLAIR, 512 x 512 x 29, 0.45 x 0.45 x 5 mm, its own grid
    mask: Any  #: the expert lesion mask on the DWI/ADC grid, 1 = lesion
    sidecars: dict[str, dict]  #: "dwi", "adc", "flair": the JSON sidecars' fields


def fetch_isles22(
    root: str | os.PathLike[str] | None = None, *, mirror: str | None = None, progress: bool = True
) -> list[Path]:
    """Make sure the case's seven files are in the data folder, verified; download any that is missing or altered,
    from ``mirror`` (else ``$MEDLEARN_MIRROR``, else the official addresses; see :func:`medlearn.data.data_mirror`).

    Example:
        >>> len(fetch_isles22())  # doctest: +SKIP
        7
    """
    return ISLES22_CASE.fetch(root, mirror=mirror, progress=progress)


def verify_isles22(root: str | os.PathLike[str] | None = None) -> list[FileReport]:
    """Check the case's files in a folder: ``ok``, ``bad`` (altered) or ``missing``.

    Example:
        >>> {report.status for report in verify_isles22()}
        {'ok'}
    """
    return ISLES22_CASE.verify(root)


def load_isles22(root: str | os.PathLike[str] | None = None, *, download: bool = True) -> StrokeCase:
    """The case, every file read only after its size and sha256 are checked; a file that is missing or altered is
    downloaded first, unless ``download`` is False.

    Example:
        >>> case = load_isles22()
        >>> case.dwi.shape, case.flair.shape, int(case.mask.get_fdata().sum())
        ((112, 112, 73), (512, 512, 29), 523)
    """
    import nibabel as nib

    def path(part: str) -> Path:
        return ISLES22_CASE.path(f"{_SUBJECT}_{part}", root, download=download)

    images = {kind: nib.load(path(f"{kind}.nii.gz")) for kind in ("dwi", "adc", "flair", "msk")}
    sidecars = {kind: json.loads(path(f"{kind}.json").read_text(encoding="utf-8")) for kind in ("dwi", "adc", "flair")}
    return StrokeCase(images["dwi"], images["adc"], images["flair"], images["msk"], sidecars)
