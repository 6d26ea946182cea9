"""Loading the official MedMNIST files, and refusing damaged or wrong ones."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest
from helpers import save_medmnist_like
from skimage.data import immunohistochemistry
from skimage.transform import resize

from medlearn.data import (
    DATA_ENV,
    SPLITS,
    DataError,
    DataNotFoundError,
    data_dir,
    default_data_dir,
    load_medmnist,
    medmnist_info,
    medmnist_names,
    verify_medmnist,
)

# Official MD5 sums as listed in shared/data/README.md and the MedMNIST v2 record.
OFFICIAL_MD5 = {
    "breastmnist": "750601b1f35ba3300ea97c75c52ff8f6",
    "pneumoniamnist": "28209eda62fecd6e6a2d98b1501bb15f",
}


def test_catalog_knows_every_2d_medmnist_dataset() -> None:
    names = medmnist_names(2)
    assert len(names) == 12
    for name in names:
        info = medmnist_info(name)
        assert len(info.file().md5) == 32 and int(info.file().md5, 16) >= 0
        assert info.n_channels in (1, 3)
        assert set(info.n_samples) == set(SPLITS)
        assert info.file().url == f"https://zenodo.org/records/10519652/files/{name}.npz?download=1"
    assert {medmnist_info(n).n_channels for n in names} == {1, 3}
    assert {medmnist_info(n).task for n in names} >= {"binary-class", "multi-class", "multi-label, binary-class"}
    for name, md5 in OFFICIAL_MD5.items():
        assert medmnist_info(name).file().md5 == md5


def test_info_of_the_course_datasets() -> None:
    breast = medmnist_info("BreastMNIST")
    assert breast.label_names == ("malignant", "normal, benign")
    assert dict(breast.n_samples) == {"train": 546, "val": 78, "test": 156}
    assert breast.file().image_shape == (28, 28)
    pneumonia = medmnist_info("pneumoniamnist.npz")
    assert pneumonia.label_names == ("normal", "pneumonia")
    assert medmnist_info("dermamnist").file().image_shape == (28, 28, 3)
    assert medmnist_info("chestmnist").multi_label and medmnist_info("chestmnist").n_classes == 14


@pytest.mark.parametrize("bad", ["mnist", "breastmnist_64", "", 3, None])
def test_info_rejects_unknown_names(bad: object) -> None:
    with pytest.raises(ValueError, match="name"):
        medmnist_info(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["breastmnist", "pneumoniamnist"])
@pytest.mark.parametrize("split", SPLITS)
def test_load_real_grayscale_files(medmnist_dir: Path, name: str, split: str) -> None:
    images, labels = load_medmnist(name, split, root=medmnist_dir)
    n = medmnist_info(name).n_samples[split]
    assert images.shape == (n, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (n,) and labels.dtype == np.int64
    assert set(np.unique(labels)) == {0, 1}
    assert images.std() > 10  # real images, not a constant stand-in


def test_real_class_counts(medmnist_dir: Path) -> None:
    _, labels = load_medmnist("breastmnist", "test", root=medmnist_dir)
    assert np.bincount(labels).tolist() == [42, 114]  # 0 = malignant, 1 = normal or benign
    _, labels = load_medmnist("pneumoniamnist", "test", root=medmnist_dir)
    assert np.bincount(labels).tolist() == [234, 390]


def test_root_then_environment_then_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_ENV, str(tmp_path / "env"))
    assert data_dir(tmp_path / "arg") == tmp_path / "arg"
    assert data_dir() == tmp_path / "env"
    monkeypatch.delenv(DATA_ENV)
    assert data_dir() == default_data_dir()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    if default_data_dir().parent == tmp_path / "cache":  # Linux
        assert data_dir() == tmp_path / "cache" / "medlearn"
    with pytest.raises(ValueError, match="root"):
        data_dir(42)  # type: ignore[arg-type]


def test_environment_variable_is_used_by_load(medmnist_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DATA_ENV, str(medmnist_dir))
    images, _ = load_medmnist("breastmnist", "val")
    assert images.shape == (78, 28, 28)


def test_bad_arguments(medmnist_dir: Path) -> None:
    with pytest.raises(ValueError, match="split"):
        load_medmnist("breastmnist", "training", root=medmnist_dir)
    with pytest.raises(ValueError, match="name"):
        load_medmnist("cifar10", root=medmnist_dir)
    with pytest.raises(ValueError, match="mirror"):
        load_medmnist("breastmnist", root=medmnist_dir / "nowhere", mirror="")


def test_missing_file_without_download_says_where_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError) as err:
        load_medmnist("breastmnist", root=tmp_path, download=False)
    message = str(err.value)
    assert medmnist_info("breastmnist").file().url in message
    assert str(tmp_path) in message
    assert "python -m medlearn data fetch breastmnist" in message


def _rgb_patches(n: int, seed: int) -> np.ndarray:
    """Real histology patches (skimage's immunohistochemistry image) at 28 x 28 x 3."""
    source = immunohistochemistry()
    rng = np.random.default_rng(seed)
    corners = rng.integers(0, source.shape[0] - 56, size=(n, 2))
    patches = [resize(source[r : r + 56, c : c + 56], (28, 28), anti_aliasing=True) for r, c in corners]
    return (np.stack(patches) * 255).round().astype(np.uint8)


def _build_rgb_file(path: Path, sizes: dict[str, int]) -> Path:
    rng = np.random.default_rng(1)
    images = {s: _rgb_patches(n, seed=i) for i, (s, n) in enumerate(sizes.items())}
    labels = {s: rng.integers(0, 7, size=(n, 1)).astype(np.uint8) for s, n in sizes.items()}
    return save_medmnist_like(path, images, labels)


def test_load_rgb_file_in_the_same_format(tmp_path: Path) -> None:
    sizes = {"train": 12, "val": 4, "test": 6}
    _build_rgb_file(tmp_path / "dermamnist.npz", sizes)
    for split, n in sizes.items():
        images, labels = load_medmnist("dermamnist", split, root=tmp_path, check_md5=False)
        assert images.shape == (n, 28, 28, 3) and images.dtype == np.uint8
        assert labels.shape == (n,) and labels.dtype == np.int64
    # With the check on, a home-made file is refused, with both md5 sums shown.
    with pytest.raises(DataError) as err:
        load_medmnist("dermamnist", root=tmp_path)
    assert medmnist_info("dermamnist").file().md5 in str(err.value)
    assert hashlib.md5((tmp_path / "dermamnist.npz").read_bytes()).hexdigest() in str(err.value)


def test_multi_label_file_keeps_all_labels(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    images = {s: rng.integers(0, 256, (5, 28, 28), dtype=np.uint8) for s in SPLITS}
    labels = {s: rng.integers(0, 2, (5, 14)).astype(np.uint8) for s in SPLITS}
    save_medmnist_like(tmp_path / "chestmnist.npz", images, labels)
    _, loaded = load_medmnist("chestmnist", "val", root=tmp_path, check_md5=False)
    assert loaded.shape == (5, 14)
    np.testing.assert_array_equal(loaded, labels["val"])


def test_truncated_file_on_disk_is_detected(breast_copy: Path) -> None:
    breast_copy.write_bytes(breast_copy.read_bytes()[:5000])
    with pytest.raises(DataError, match="expected md5 750601b1f35ba3300ea97c75c52ff8f6"):
        load_medmnist("breastmnist", root=breast_copy.parent)
    # Even with the md5 check off, the damage gives a clear error, not a numpy traceback.
    with pytest.raises(DataError, match="cannot be read as an .npz"):
        load_medmnist("breastmnist", root=breast_copy.parent, check_md5=False)


def test_wrong_bytes_on_disk_are_detected(breast_copy: Path) -> None:
    data = bytearray(breast_copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    breast_copy.write_bytes(bytes(data))
    with pytest.raises(DataError, match="not the official breastmnist.npz"):
        load_medmnist("breastmnist", root=breast_copy.parent)


def _official_arrays(medmnist_dir: Path) -> dict[str, np.ndarray]:
    with np.load(medmnist_dir / "breastmnist.npz") as npz:
        return {k: npz[k] for k in npz.files}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a.pop("val_labels"), "lacks the arrays val_labels"),
        (lambda a: a.update(test_images=a["test_images"][:, :14]), "test_images is uint8"),
        (lambda a: a.update(train_images=a["train_images"].astype(np.float32)), "train_images is float32"),
        (lambda a: a.update(val_labels=a["val_labels"] + 5), "outside 0..1"),
        (lambda a: a.update(test_labels=a["test_labels"][:-1]), "test_labels is uint8"),
        (lambda a: a.update(train_labels=np.array([None] * 546, dtype=object)), "cannot be read"),
    ],
)
def test_wrong_contents_are_detected(tmp_path: Path, medmnist_dir: Path, change: object, message: str) -> None:
    arrays = _official_arrays(medmnist_dir)
    change(arrays)  # type: ignore[operator]
    np.savez(tmp_path / "breastmnist.npz", **arrays)  # an object array is pickled, never loaded
    with pytest.raises(DataError, match=message):
        load_medmnist("breastmnist", root=tmp_path, check_md5=False)
    assert verify_medmnist(tmp_path)[0].status == "bad"


def test_verify_reports_ok_bad_and_missing(medmnist_dir: Path, tmp_path: Path) -> None:
    reports = verify_medmnist(medmnist_dir)
    assert {r.name: r.status for r in reports}.items() >= {"breastmnist": "ok", "pneumoniamnist": "ok"}.items()
    shutil.copyfile(medmnist_dir / "breastmnist.npz", tmp_path / "breastmnist.npz")
    (tmp_path / "pneumoniamnist.npz").write_bytes(b"not an npz file")
    reports = verify_medmnist(tmp_path, ["breastmnist", "pneumoniamnist", "bloodmnist"])
    assert [r.status for r in reports] == ["ok", "bad", "missing"]
    assert "expected md5" in reports[1].detail
