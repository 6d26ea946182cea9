"""The MedMNIST catalog: 2-D and 3-D datasets, every published size, md5s and split sizes checked on real files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest
from helpers import REPO, save_medmnist_like

from medlearn.data import DataError, DataNotFoundError, load_medmnist, medmnist_info, medmnist_names, verify_medmnist
from medlearn.data._tables import MEDMNIST_TABLE, medmnist_files

MEDMNIST_FILES = medmnist_files()

SHARED = REPO.parent / "shared" / "data" / "medmnist"


def test_the_shipped_table_is_what_the_generator_makes_of_the_medmnist_wheel() -> None:
    """Drift: the package data equals ``python -m authoring.medmnist_catalog``'s output from the pinned wheel."""
    import subprocess

    from authoring import medmnist_catalog

    try:
        text = medmnist_catalog.render()
    except subprocess.CalledProcessError:
        pytest.skip(f"pip cannot download medmnist=={medmnist_catalog.MEDMNIST_VERSION} here")
    assert medmnist_catalog.OUT.name == MEDMNIST_TABLE
    assert medmnist_catalog.OUT.read_text(encoding="utf-8") == text


def test_the_generated_table_covers_the_record() -> None:
    assert MEDMNIST_FILES["record"] == "10519652"
    table = MEDMNIST_FILES["datasets"]
    assert len(table) == 18 and sum(facts["ndim"] == 3 for facts in table.values()) == 6
    for name, facts in table.items():
        sizes = {"28", "64"} if facts["ndim"] == 3 else {"28", "64", "128", "224"}
        assert set(facts["md5"]) == sizes, name
        assert all(len(md5) == 32 and int(md5, 16) >= 0 for md5 in facts["md5"].values())
    every_md5 = [md5 for facts in table.values() for md5 in facts["md5"].values()]
    assert len(set(every_md5)) == len(every_md5)  # no file listed twice


def test_the_catalog_is_the_medmnist_package_metadata() -> None:
    table = MEDMNIST_FILES["datasets"]
    assert set(medmnist_names()) == set(table)
    for name in medmnist_names(2):
        info, facts = medmnist_info(name), table[name]
        assert info.file().md5 == facts["md5"]["28"], name
        assert dict(info.n_samples) == facts["n_samples"], name
        assert info.n_channels == facts["n_channels"] and info.task == facts["task"], name
        assert info.n_classes == len(facts["label_names"]), name


def test_sizes_files_addresses_and_shapes() -> None:
    breast = medmnist_info("breastmnist")
    assert breast.sizes == (28, 64, 128, 224) and breast.ndim == 2
    assert breast.file(28).filename == "breastmnist.npz" and breast.file(224).filename == "breastmnist_224.npz"
    assert breast.file(64).url == "https://zenodo.org/records/10519652/files/breastmnist_64.npz?download=1"
    assert breast.file(28).md5 == breast.file().md5 and breast.file(128).md5 != breast.file().md5
    assert breast.file(128).image_shape == (128, 128)
    assert medmnist_info("retinamnist").file(64).image_shape == (64, 64, 3)
    adrenal = medmnist_info("adrenalmnist3d")
    assert adrenal.ndim == 3 and adrenal.sizes == (28, 64)
    assert adrenal.file().image_shape == (28, 28, 28) and adrenal.file(64).image_shape == (64, 64, 64)
    assert adrenal.label_names == ("normal", "hyperplasia") and dict(adrenal.n_samples) == {
        "train": 1188,
        "val": 98,
        "test": 298,
    }


@pytest.mark.parametrize("size", [32, 224.0, True, "64"])
def test_unpublished_sizes_are_refused(size: object) -> None:
    with pytest.raises(ValueError, match="size"):
        medmnist_info("adrenalmnist3d").file(size)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="size"):
        load_medmnist("adrenalmnist3d", "test", size=size)  # type: ignore[arg-type]


@pytest.mark.parametrize("ndim", [1, 4, True, "3"])
def test_names_by_dimension_rejects_bad_ndim(ndim: object) -> None:
    with pytest.raises(ValueError, match="ndim"):
        medmnist_names(ndim)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["breastmnist", "pneumoniamnist", "retinamnist", "adrenalmnist3d"])
def test_shared_files_have_the_catalog_md5(name: str) -> None:
    path = SHARED / f"{name}.npz"
    if not path.exists():
        pytest.skip(f"{path} is not on this machine")
    assert hashlib.md5(path.read_bytes()).hexdigest() == medmnist_info(name).file().md5


@pytest.mark.parametrize("name", ["breastmnist", "pneumoniamnist", "retinamnist", "adrenalmnist3d"])
def test_shared_files_have_the_catalog_split_sizes_shapes_and_labels(name: str) -> None:
    path = SHARED / f"{name}.npz"
    if not path.exists():
        pytest.skip(f"{path} is not on this machine")
    info = medmnist_info(name)
    with np.load(path) as archive:
        for split in ("train", "val", "test"):
            images, labels = archive[f"{split}_images"], archive[f"{split}_labels"]
            assert len(images) == len(labels) == info.n_samples[split], (name, split)
            assert images.shape[1:] == info.file().image_shape, name
            assert labels.min() >= 0 and labels.max() == info.n_classes - 1, name


def test_load_the_real_3d_file(tmp_path: Path) -> None:
    images, labels = load_medmnist("adrenalmnist3d", "test")
    assert images.shape == (298, 28, 28, 28) and images.dtype == np.uint8
    assert set(np.unique(images).tolist()) == {0, 255}  # binary shape masks
    assert labels.shape == (298,) and 0.15 < labels.mean() < 0.3  # about a fifth are label 1
    assert [r.status for r in verify_medmnist(names=["adrenalmnist3d"])] == ["ok"]


def _volumes(n: int, size: int, seed: int) -> np.ndarray:
    """Spheres of random radius: a stand-in only for testing the file format, never for learning."""
    rng = np.random.default_rng(seed)
    grid = np.indices((size,) * 3) - size / 2
    radii = rng.uniform(size / 8, size / 3, n)
    return np.stack([(np.sqrt((grid**2).sum(axis=0)) < r) * 255 for r in radii]).astype(np.uint8)


def test_a_64_voxel_file_is_read_and_md5_checked(tmp_path: Path) -> None:
    counts = {"train": 3, "val": 2, "test": 2}
    images = {s: _volumes(n, 64, i) for i, (s, n) in enumerate(counts.items())}
    labels = {s: np.zeros((n, 1), np.uint8) for s, n in counts.items()}
    path = save_medmnist_like(tmp_path / "adrenalmnist3d_64.npz", images, labels)
    loaded, _ = load_medmnist("adrenalmnist3d", "val", root=tmp_path, size=64, check_md5=False)
    assert loaded.shape == (2, 64, 64, 64)
    with pytest.raises(DataError) as err:  # not the official file: its md5 differs, and both are shown
        load_medmnist("adrenalmnist3d", "val", root=tmp_path, size=64)
    assert medmnist_info("adrenalmnist3d").file(64).md5 in str(err.value)
    assert hashlib.md5(path.read_bytes()).hexdigest() in str(err.value)
    assert "--size 64" in str(err.value)
    report = verify_medmnist(tmp_path)
    assert [(r.name, r.status) for r in report] == [("adrenalmnist3d (64)", "bad")]
    with pytest.raises(DataError, match="expected uint8"):  # a 28-voxel file under the 64-voxel name
        small = {s: _volumes(n, 28, 0) for s, n in counts.items()}
        save_medmnist_like(tmp_path / "adrenalmnist3d_64.npz", small, labels)
        load_medmnist("adrenalmnist3d", "val", root=tmp_path, size=64, check_md5=False)


def test_a_missing_larger_file_names_its_own_address(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError) as err:
        load_medmnist("breastmnist", "test", root=tmp_path, download=False, size=128)
    assert "breastmnist_128.npz" in str(err.value) and "--size 128" in str(err.value)


def test_one_record_per_dataset_and_size_is_what_fetch_load_and_verify_use() -> None:
    info = medmnist_info("adrenalmnist3d")
    record = info.file(64)
    assert (record.info, record.size) == (info, 64) and record == info.file(64)  # a value: equal records
    assert record.label == "adrenalmnist3d (64)" and info.file().label == "adrenalmnist3d"
    for gone in ("filename_for", "url_for", "md5_for", "image_shape_for", "filename", "url", "md5", "image_shape"):
        assert not hasattr(info, gone), gone  # one way to ask: info.file(size)
    from medlearn import cli
    from medlearn.data import IMAGE_SIZE

    assert cli._parser().parse_args(["data", "fetch"]).size == IMAGE_SIZE == 28
