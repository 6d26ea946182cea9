"""CHASE_DB1: the real archive, every file checked by sha256, and broken copies served by a real HTTP server."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import REPO, altered_member, rewrite_archive
from scipy import ndimage

from medlearn.cli import main
from medlearn.data import (
    CHASEDB1_ARCHIVE,
    CHASEDB1_SHA256,
    CHASEDB1_URL,
    DataError,
    DataNotFoundError,
    download_file,
    fetch_chasedb1,
    load_chasedb1,
    verify_chasedb1,
)

SHARED_SUMS = REPO.parent / "shared" / "data" / "chasedb1" / "SHA256SUMS"


@pytest.fixture(scope="module")
def chase(chase_bytes: bytes, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("chase")
    (folder / CHASEDB1_ARCHIVE).write_bytes(chase_bytes)
    return load_chasedb1(folder, download=False)


def _copy(tmp_path: Path, content: bytes) -> Path:
    (tmp_path / CHASEDB1_ARCHIVE).write_bytes(content)
    return tmp_path


def test_the_shipped_checksums_are_the_shared_list() -> None:
    if not SHARED_SUMS.exists():
        pytest.skip(f"{SHARED_SUMS} is not on this machine")
    shared = dict(reversed(line.split()) for line in SHARED_SUMS.read_text().splitlines() if line.strip())
    assert dict(CHASEDB1_SHA256) == shared and len(shared) == 84


def test_real_archive_loads(chase) -> None:
    assert chase.images.shape == (28, 960, 999, 3) and chase.images.dtype == np.uint8
    for masks in (chase.first_observer, chase.second_observer):
        assert masks.shape == (28, 960, 999) and masks.dtype == bool
        assert 0.03 < masks.mean() < 0.15  # vessels are a small share of the pixels
    assert not np.array_equal(chase.first_observer, chase.second_observer)  # two independent observers
    assert chase.child.tolist() == [c for c in range(1, 15) for _ in "LR"]
    assert chase.eye.tolist() == ["L", "R"] * 14
    assert chase.names[0] == "Image_01L" and chase.names[-1] == "Image_14R"

    # each image matches its own masks: in the green channel, vessel pixels are darker than a ring of pixels
    # around them (inside the bright disc of the photograph); with another image's mask they are not
    def darker_than_surroundings(image: np.ndarray, vessels: np.ndarray) -> float:
        inside, green = image[..., 0] > 40, image[..., 1].astype(float)
        ring = ndimage.binary_dilation(vessels, iterations=3) & ~vessels & inside
        return green[ring].mean() - green[vessels & inside].mean()

    for i, image in enumerate(chase.images):
        assert darker_than_surroundings(image, chase.first_observer[i]) > 1
        assert darker_than_surroundings(image, chase.second_observer[i]) > 1
        assert darker_than_surroundings(image, chase.first_observer[(i + 2) % 28]) < 1


def test_verify_reports_ok_and_missing(chase_bytes: bytes, tmp_path: Path) -> None:
    assert verify_chasedb1(tmp_path).status == "missing"
    assert verify_chasedb1(_copy(tmp_path, chase_bytes)).status == "ok"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (altered_member, r"Image_07R_2ndHO\.png in .* is not the official file"),
        (lambda m: {k: v for k, v in m.items() if k != "Image_03L.jpg"}, r"lacks Image_03L\.jpg"),
        (lambda m: m | {"notes.txt": b"hello"}, r"holds notes\.txt, which is not a file of CHASE_DB1"),
        (lambda m: m | {"Image_05R_1stHO.png": m["Image_05R_1stHO.png"][:500]}, r"Image_05R_1stHO\.png in .*altered"),
    ],
    ids=["altered", "missing", "extra", "truncated file"],
)
def test_a_broken_file_is_named(chase_bytes: bytes, tmp_path: Path, change, message: str) -> None:
    folder = _copy(tmp_path, rewrite_archive(chase_bytes, change))
    with pytest.raises(DataError, match=message):
        load_chasedb1(folder, download=False)
    report = verify_chasedb1(folder)
    assert report.status == "bad" and CHASEDB1_ARCHIVE in report.detail


def test_a_truncated_archive_is_refused(chase_bytes: bytes, tmp_path: Path) -> None:
    folder = _copy(tmp_path, chase_bytes[: len(chase_bytes) // 2])
    with pytest.raises(DataError, match="cannot be read as a zip archive"):
        load_chasedb1(folder, download=False)


def test_missing_without_download_names_url_and_folder(tmp_path: Path) -> None:
    with pytest.raises(DataNotFoundError) as error:
        load_chasedb1(tmp_path, download=False)
    assert CHASEDB1_URL in str(error.value) and str(tmp_path) in str(error.value)


def test_download_lands_only_when_every_file_is_right(http_mirror: str, chase_bytes: bytes, tmp_path: Path) -> None:
    path = fetch_chasedb1(tmp_path / "good", url=f"{http_mirror}/good/{CHASEDB1_ARCHIVE}", progress=False)
    assert path.read_bytes() == chase_bytes and verify_chasedb1(tmp_path / "good").status == "ok"
    for variant, message in (
        ("wrong", "Image_07R_2ndHO.png"),
        ("truncated", "zip archive"),
        ("cut", "broke off|incomplete"),
    ):
        folder = tmp_path / variant
        url = f"{http_mirror}/{variant}/{CHASEDB1_ARCHIVE}"
        with pytest.raises(DataError, match=message) as error:
            fetch_chasedb1(folder, url=url, progress=False)
        assert url in str(error.value) and ".part" not in str(error.value)  # the download, not a temporary file
        assert not list(folder.iterdir()), "nothing is kept"


def test_load_downloads_on_first_use(http_mirror: str, tmp_path: Path) -> None:
    data = load_chasedb1(tmp_path, url=f"{http_mirror}/good/{CHASEDB1_ARCHIVE}")
    assert data.images.shape[0] == 28 and (tmp_path / CHASEDB1_ARCHIVE).exists()


def test_offline_and_404_name_url_and_folder(http_mirror: str, closed_port_url: str, tmp_path: Path) -> None:
    for url in (f"{closed_port_url}/{CHASEDB1_ARCHIVE}", f"{http_mirror}/missing/{CHASEDB1_ARCHIVE}"):
        with pytest.raises(DataNotFoundError) as error:
            load_chasedb1(tmp_path, url=url)
        assert url in str(error.value) and str(tmp_path) in str(error.value)


def test_bad_url_and_unchecked_download_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="url must be"):
        fetch_chasedb1(tmp_path, url="")
    with pytest.raises(ValueError, match="md5 must be given, or verify"):
        download_file("http://127.0.0.1:9/x", tmp_path / "x", None)


def test_cli_fetches_and_verifies(http_mirror: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "course-data"
    assert main(["data", "fetch", "chasedb1", "--to", str(folder), "--mirror", f"{http_mirror}/good"]) == 0
    assert main(["data", "verify", "chasedb1", "--root", str(folder)]) == 0
    assert main(["data", "verify", "--root", str(folder)]) == 0  # found without being named
    assert "ok       chasedb1" in capsys.readouterr().out
    (folder / CHASEDB1_ARCHIVE).write_bytes(rewrite_archive((folder / CHASEDB1_ARCHIVE).read_bytes(), altered_member))
    assert main(["data", "verify", "chasedb1", "--root", str(folder)]) == 1
    assert "Image_07R_2ndHO.png" in capsys.readouterr().out
    assert main(["data", "verify", "chasedb1", "--root", str(tmp_path / "empty")]) == 1
