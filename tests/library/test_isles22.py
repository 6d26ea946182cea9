"""medlearn.data.isles22: the real ISLES'22 stroke case, read only after each file is checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from scipy import ndimage

from medlearn.data import ISLES22_CASE, DataError, DataNotFoundError, data_dir, load_isles22, verify_isles22

pytestmark = pytest.mark.usefixtures("pet_and_stroke_files")


def test_the_case_as_the_data_page_describes_it() -> None:
    case = load_isles22()
    assert case.dwi.shape == case.adc.shape == case.mask.shape == (112, 112, 73)
    assert np.allclose(case.dwi.affine, case.mask.affine, atol=1e-5)  # mm: the same grid, stored in float32
    assert np.allclose(case.adc.affine, case.mask.affine, atol=1e-5)
    assert case.flair.shape == (512, 512, 29)
    assert np.allclose(case.flair.header.get_zooms(), (0.44921875, 0.44921875, 5.0))
    assert not np.allclose(case.flair.affine, case.dwi.affine)  # its own grid: not aligned with the DWI
    mask = case.mask.get_fdata() > 0
    assert set(np.unique(case.mask.get_fdata())) == {0.0, 1.0}
    assert mask.sum() == 523
    assert mask.sum() * np.prod(case.mask.header.get_zooms()) / 1000 == pytest.approx(4.18, abs=0.01)  # mL
    _, lesions = ndimage.label(mask, structure=np.ones((3, 3, 3)))  # 26-connected, as ISLES'22 counts
    assert lesions == 18
    # The sidecars' b-values: 800 s/mm² for the trace image, 0 on the ADC's (a derived map); the data page's
    # "b = 1000" is the challenge's usual value, not this case's.
    assert case.sidecars["dwi"]["DiffusionBValue"] == 800
    assert case.sidecars["adc"]["DiffusionBValue"] == 0


def test_files_are_checked_before_they_are_read(tmp_path: Path) -> None:
    assert {report.status for report in verify_isles22()} == {"ok"}
    assert {report.status for report in verify_isles22(tmp_path)} == {"missing"}
    with pytest.raises(DataNotFoundError, match=r"fetch_isles22\(\)"):
        load_isles22(tmp_path, download=False)
    for name in ISLES22_CASE.files:
        shutil.copy(data_dir() / name, tmp_path / name)
    mask = next(name for name in ISLES22_CASE.files if name.endswith("_msk.nii.gz"))
    data = bytearray((tmp_path / mask).read_bytes())
    data[-9] ^= 1  # inside the gzip stream's data
    (tmp_path / mask).write_bytes(bytes(data))
    assert [r.name for r in verify_isles22(tmp_path) if r.status == "bad"] == [mask]
    with pytest.raises(DataError, match="not the published"):
        load_isles22(tmp_path, download=False)
    (tmp_path / mask).write_bytes(b"\0" * (5 << 20))
    with pytest.raises(DataError, match="more than any file of the ISLES'22 case"):
        load_isles22(tmp_path, download=False)


def test_download_addresses_follow_the_bids_layout() -> None:
    urls = [ISLES22_CASE.url(name) for name in ISLES22_CASE.files]
    assert all(url.startswith("https://github.com/ezequieldlrosa/isles22/raw/") for url in urls)
    assert sum("/derivatives/" in url for url in urls) == 1 and sum("/rawdata/" in url for url in urls) == 6
