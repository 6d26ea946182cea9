"""The download code, run for real against an HTTP server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from medlearn.data import (
    DataError,
    DataNotFoundError,
    download_file,
    fetch_medmnist,
    load_medmnist,
    md5sum,
    medmnist_info,
)

MD5 = medmnist_info("breastmnist").file().md5


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_fetch_downloads_and_verifies(http_mirror: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = fetch_medmnist("breastmnist", tmp_path / "data", mirror=f"{http_mirror}/good")
    assert path == tmp_path / "data" / "breastmnist.npz"
    assert md5sum(path) == MD5
    assert _leftovers(tmp_path / "data") == ["breastmnist.npz"]  # no temporary file left
    assert "breastmnist.npz" in capsys.readouterr().err  # the progress bar


def test_load_downloads_on_first_use(http_mirror: str, tmp_path: Path) -> None:
    images, labels = load_medmnist("breastmnist", "test", root=tmp_path, mirror=f"{http_mirror}/good")
    assert images.shape == (156, 28, 28) and np.bincount(labels).tolist() == [42, 114]
    # A second call uses the file on disk: the server is not needed any more.
    images_again, _ = load_medmnist("breastmnist", "test", root=tmp_path, mirror="http://127.0.0.1:9/")
    np.testing.assert_array_equal(images, images_again)


def test_existing_good_file_is_kept(http_mirror: str, breast_copy: Path) -> None:
    before = breast_copy.stat().st_mtime_ns
    fetch_medmnist("breastmnist", breast_copy.parent, mirror=f"{http_mirror}/missing")
    assert breast_copy.stat().st_mtime_ns == before


@pytest.mark.parametrize("variant", ["truncated", "wrong"])
def test_wrong_md5_removes_the_download(http_mirror: str, tmp_path: Path, variant: str) -> None:
    with pytest.raises(DataError) as err:
        fetch_medmnist("breastmnist", tmp_path, mirror=f"{http_mirror}/{variant}", progress=False)
    message = str(err.value)
    assert f"expected {MD5}" in message
    assert "actual" in message and "by hand" in message
    assert _leftovers(tmp_path) == []


def test_connection_that_breaks_off(http_mirror: str, tmp_path: Path) -> None:
    with pytest.raises(DataError, match="incomplete|broke off"):
        fetch_medmnist("breastmnist", tmp_path, mirror=f"{http_mirror}/cut", progress=False)
    assert _leftovers(tmp_path) == []


def test_404_names_url_and_folder(http_mirror: str, tmp_path: Path) -> None:
    url = f"{http_mirror}/missing/breastmnist.npz"
    with pytest.raises(DataNotFoundError, match="404") as err:
        download_file(url, tmp_path / "breastmnist.npz", MD5, progress=False)
    assert url in str(err.value) and str(tmp_path / "breastmnist.npz") in str(err.value)
    assert _leftovers(tmp_path) == []


def test_offline_error_names_url_and_folder(closed_port_url: str, tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError) as err:
        load_medmnist("breastmnist", root=tmp_path, mirror=closed_port_url)
    message = str(err.value)
    assert f"{closed_port_url}/breastmnist.npz" in message
    assert "offline" in message
    assert str(tmp_path) in message
    assert isinstance(err.value, FileNotFoundError)
    assert _leftovers(tmp_path) == []


def test_force_downloads_again(http_mirror: str, breast_copy: Path) -> None:
    with pytest.raises(DataError):
        fetch_medmnist("breastmnist", breast_copy.parent, mirror=f"{http_mirror}/wrong", force=True, progress=False)
    assert md5sum(breast_copy) == MD5  # the good file was not replaced by a bad download
