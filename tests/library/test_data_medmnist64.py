"""The official MedMNIST+ AdrenalMNIST3D file at 64 px, through ``load_medmnist(..., size=64)`` with its md5 checked."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from medlearn.data import SPLITS, DataError, data_dir, fetch_medmnist, load_medmnist, medmnist_info

#: The official md5 of adrenalmnist3d_64.npz, as published with MedMNIST+ (Zenodo record 10519652).
OFFICIAL_MD5_64 = "17721accfe9fb005146a47d33bc54b2f"


@pytest.fixture(scope="module")
def adrenal64() -> Path:
    """The folder with the official 64 px file ($MEDLEARN_DATA in CI), downloaded if missing."""
    folder = data_dir()
    fetch_medmnist("adrenalmnist3d", folder, size=64, progress=False)
    return folder


def test_the_file_on_disk_is_the_official_one(adrenal64: Path) -> None:
    info = medmnist_info("adrenalmnist3d")
    assert 64 in info.sizes and info.file(64).filename == "adrenalmnist3d_64.npz"
    assert info.file(64).md5 == OFFICIAL_MD5_64 != info.file(28).md5
    digest = hashlib.md5((adrenal64 / "adrenalmnist3d_64.npz").read_bytes()).hexdigest()
    assert digest == OFFICIAL_MD5_64


def test_every_split_loads_at_64_px_with_the_28_px_labels(adrenal64: Path) -> None:
    info = medmnist_info("adrenalmnist3d")
    for split in SPLITS:
        images, labels = load_medmnist("adrenalmnist3d", split, adrenal64, download=False, size=64)
        n = info.n_samples[split]
        assert images.shape == (n, 64, 64, 64) and images.dtype == np.uint8
        assert set(np.unique(images)) == {0, 255}  # binary masks, as at 28 px
        assert labels.shape == (n,) and labels.dtype == np.int64
        _, labels28 = load_medmnist("adrenalmnist3d", split, adrenal64, download=False)
        assert np.array_equal(labels, labels28)  # the same glands, in the same order


def test_the_two_sizes_measure_the_same_glands(adrenal64: Path) -> None:
    """The description's 64 mm cube: 1 mm voxels at 64 px, 64/28 mm at 28 px; the volumes must agree."""
    masks64, _ = load_medmnist("adrenalmnist3d", "val", adrenal64, download=False, size=64)
    masks28, _ = load_medmnist("adrenalmnist3d", "val", adrenal64, download=False)
    ml64 = (masks64 > 0).sum(axis=(1, 2, 3)) * 1.0**3 / 1000
    ml28 = (masks28 > 0).sum(axis=(1, 2, 3)) * (64 / 28) ** 3 / 1000
    assert np.corrcoef(ml64, ml28)[0, 1] > 0.98
    assert 0.9 < np.median(ml64 / ml28) < 1.15
    shuffled = np.random.default_rng(0).permutation(ml28)
    assert np.corrcoef(ml64, shuffled)[0, 1] < 0.5  # the check can fail: other glands do not agree


def test_a_damaged_64_px_file_is_refused(adrenal64: Path, tmp_path: Path) -> None:
    copy = tmp_path / "adrenalmnist3d_64.npz"
    shutil.copyfile(adrenal64 / "adrenalmnist3d_64.npz", copy)
    content = bytearray(copy.read_bytes())
    content[len(content) // 2] ^= 0xFF
    copy.write_bytes(bytes(content))
    with pytest.raises(DataError, match="not the official adrenalmnist3d_64.npz"):
        load_medmnist("adrenalmnist3d", "test", tmp_path, download=False, size=64)
    with pytest.raises(ValueError, match="size"):
        load_medmnist("adrenalmnist3d", "test", adrenal64, download=False, size=128)  # no 3-D file at 128 px
