"""The data mirror (MEDLEARN_MIRROR, or mirror=): every download from one base address, flat, each file checked
against the same checksum as the official one; and the registry of the data sets beside MedMNIST."""

from __future__ import annotations

from pathlib import Path

import pytest

from medlearn.data import (
    ARCHIVE_DATASETS,
    BCCD_DATASET,
    CHASEDB1_ARCHIVE,
    CHASEDB1_DATASET,
    CHASEDB1_URL,
    FILE_DATASETS,
    ISLES22_CASE,
    MIRROR_ENV,
    PET_SLICES,
    PINNED_DATASETS,
    DataError,
    DataNotFoundError,
    data_dir,
    data_mirror,
    download_url,
    fetch_isles22,
    fetch_pet_slices,
    load_chasedb1,
    load_isles22,
    load_medmnist,
    load_pet_slice,
    md5sum,
    medmnist_info,
)

pytestmark = pytest.mark.usefixtures("pet_and_stroke_files")


@pytest.fixture(autouse=True)
def _no_mirror(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts without a mirror, whatever the shell that runs the tests has set."""
    monkeypatch.delenv(MIRROR_ENV, raising=False)


def test_the_setting_and_the_argument(monkeypatch: pytest.MonkeyPatch) -> None:
    assert data_mirror() is None and download_url("a.npz", "https://official/a.npz") == "https://official/a.npz"
    monkeypatch.setenv(MIRROR_ENV, "https://mirror.example.cn/medlearn/")
    assert data_mirror() == "https://mirror.example.cn/medlearn"
    assert download_url("a.npz", "https://official/a.npz") == "https://mirror.example.cn/medlearn/a.npz"
    assert data_mirror("http://lab:8000") == "http://lab:8000"  # the argument wins over the setting
    monkeypatch.setenv(MIRROR_ENV, "")  # set but empty: no mirror
    assert data_mirror() is None


@pytest.mark.parametrize("value", ["mirror.example.cn", "ftp://lab/data", "file:///srv/data", "http://", " http://a"])
def test_bad_values_name_the_setting(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    with pytest.raises(ValueError, match="^mirror must be an http:// or https:// base address"):
        data_mirror(value)
    monkeypatch.setenv(MIRROR_ENV, value)
    with pytest.raises(ValueError, match="^MEDLEARN_MIRROR must be an http:// or https:// base address"):
        data_mirror()
    with pytest.raises(ValueError, match="^MEDLEARN_MIRROR must"):
        PET_SLICES.url("ACRIN-FLT-Breast_PT_1.dcm")


def test_every_file_is_served_flat_under_its_name_in_the_data_folder() -> None:
    mirror = "http://lab:8000/course-data"
    for dataset in FILE_DATASETS.values():
        for name in dataset.filenames:
            url = dataset.download_url(mirror) if dataset in ARCHIVE_DATASETS.values() else dataset.url(name, mirror)
            assert url == f"{mirror}/{name}"
    assert ISLES22_CASE.url("sub-strokecase0009_ses-0001_dwi.nii.gz", mirror) == (
        f"{mirror}/sub-strokecase0009_ses-0001_dwi.nii.gz"  # not its BIDS path, which the official address has
    )
    assert "/rawdata/" in ISLES22_CASE.url("sub-strokecase0009_ses-0001_dwi.nii.gz")
    assert CHASEDB1_DATASET.download_url() == CHASEDB1_URL


def test_the_registry_holds_the_archives_and_the_pinned_sets() -> None:
    assert list(FILE_DATASETS) == ["chasedb1", "bccd", "pet", "isles22"]
    assert PINNED_DATASETS["pet"] is PET_SLICES and PINNED_DATASETS["isles22"] is ISLES22_CASE
    assert BCCD_DATASET.filenames == ("BCCD_Dataset.zip",) and len(ISLES22_CASE.filenames) == 7
    for name, dataset in FILE_DATASETS.items():
        assert dataset.name == name and dataset.summary.startswith(("2-D", "3-D"))
        assert {report.status for report in dataset.reports()} == {"ok"}  # the real files ($MEDLEARN_DATA)
    assert "CC BY 3.0" in PET_SLICES.summary and "CC BY-SA 4.0" in ISLES22_CASE.summary


def test_the_loaders_download_from_the_mirror_setting(
    monkeypatch: pytest.MonkeyPatch, classroom_mirror: str, tmp_path: Path
) -> None:
    monkeypatch.setenv(MIRROR_ENV, f"{classroom_mirror}/good")
    assert load_pet_slice(2, tmp_path).Modality == "PT"
    assert int(load_isles22(tmp_path).mask.get_fdata().sum()) == 523
    images, _ = load_medmnist("breastmnist", "test", root=tmp_path)
    assert images.shape == (156, 28, 28)
    assert load_chasedb1(tmp_path).images.shape[0] == 28
    assert BCCD_DATASET.fetch(tmp_path, progress=False) == tmp_path / "BCCD_Dataset.zip"
    names = {"ACRIN-FLT-Breast_PT_2.dcm", *ISLES22_CASE.files, "breastmnist.npz", CHASEDB1_ARCHIVE, "BCCD_Dataset.zip"}
    assert {p.name for p in tmp_path.iterdir()} == names
    assert all((tmp_path / name).read_bytes() == (data_dir() / name).read_bytes() for name in names)


def test_the_fetchers_take_a_mirror_argument(classroom_mirror: str, tmp_path: Path) -> None:
    assert [p.name for p in fetch_pet_slices(tmp_path, mirror=f"{classroom_mirror}/good", progress=False)] == list(
        PET_SLICES.files
    )
    assert len(fetch_isles22(tmp_path, mirror=f"{classroom_mirror}/good", progress=False)) == 7
    with pytest.raises(ValueError, match="^mirror must"):
        fetch_pet_slices(tmp_path / "other", mirror="lab:8000")


def test_a_mirror_that_serves_altered_files_is_refused_and_nothing_lands(
    monkeypatch: pytest.MonkeyPatch, classroom_mirror: str, http_mirror: str, tmp_path: Path
) -> None:
    monkeypatch.setenv(MIRROR_ENV, f"{classroom_mirror}/altered")
    with pytest.raises(DataError, match="not the published ACRIN-FLT-Breast_PT_1.dcm"):
        load_pet_slice(1, tmp_path)
    with pytest.raises(DataError, match="not the published sub-strokecase0009"):
        load_isles22(tmp_path)
    monkeypatch.setenv(MIRROR_ENV, f"{http_mirror}/wrong")  # MedMNIST with other bytes, CHASE_DB1 with one altered
    with pytest.raises(DataError, match="wrong md5"):
        load_medmnist("breastmnist", root=tmp_path)
    with pytest.raises(DataError, match="Image_07R_2ndHO.png"):
        load_chasedb1(tmp_path)
    assert list(tmp_path.iterdir()) == []  # not a file, not a partial download


def test_a_mirror_without_the_file_names_its_address(
    monkeypatch: pytest.MonkeyPatch, http_mirror: str, tmp_path: Path
) -> None:
    monkeypatch.setenv(MIRROR_ENV, f"{http_mirror}/missing")
    with pytest.raises(DataNotFoundError, match=f"404.*{http_mirror}/missing/ACRIN-FLT-Breast_PT_1.dcm"):
        load_pet_slice(1, tmp_path)


def test_a_good_file_already_there_is_kept_without_asking_the_mirror(
    monkeypatch: pytest.MonkeyPatch, closed_port_url: str
) -> None:
    monkeypatch.setenv(MIRROR_ENV, closed_port_url)  # nothing listens: any download would fail
    assert load_pet_slice(1).Modality == "PT"
    assert md5sum(PET_SLICES.fetch(progress=False)[0]) == md5sum(data_dir() / "ACRIN-FLT-Breast_PT_1.dcm")
    assert load_medmnist("breastmnist", "test")[0].shape == (156, 28, 28)
    assert medmnist_info("breastmnist").file().filename == "breastmnist.npz"


def test_copy_checks_every_file_on_arrival(tmp_path: Path) -> None:
    for dataset in PINNED_DATASETS.values():
        copied = dataset.copy(data_dir(), tmp_path / "out")
        assert [p.name for p in copied] == list(dataset.filenames)
    assert CHASEDB1_DATASET.copy(data_dir(), tmp_path / "out") == [tmp_path / "out" / CHASEDB1_ARCHIVE]
    assert {r.status for d in FILE_DATASETS.values() if d is not BCCD_DATASET for r in d.reports(tmp_path / "out")} == {
        "ok"
    }
    with pytest.raises(DataNotFoundError, match="BCCD_Dataset.zip is not in"):
        BCCD_DATASET.copy(tmp_path / "out", tmp_path / "again")
    (tmp_path / "bad").mkdir()
    for name in ISLES22_CASE.files:
        (tmp_path / "bad" / name).write_bytes(b"not the case")
    with pytest.raises(DataError, match="not the published"):
        ISLES22_CASE.copy(tmp_path / "bad", tmp_path / "again")
    assert not (tmp_path / "again").exists() or list((tmp_path / "again").iterdir()) == []


def test_force_downloads_again_and_a_refused_download_keeps_the_good_file(
    classroom_mirror: str, tmp_path: Path
) -> None:
    first, second = PET_SLICES.files
    for name in (first, second):
        (tmp_path / name).write_bytes((data_dir() / name).read_bytes())
    assert PET_SLICES.fetch(tmp_path, mirror=f"{classroom_mirror}/altered", progress=False)  # good files: kept
    with pytest.raises(DataError, match=f"not the published {first}"):
        PET_SLICES.fetch(tmp_path, mirror=f"{classroom_mirror}/altered", progress=False, force=True)
    assert (tmp_path / first).read_bytes() == (data_dir() / first).read_bytes()  # the good copy is still there
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([first, second])
    with pytest.raises(ValueError, match="^force must be True or False"):
        PET_SLICES.fetch(tmp_path, force="yes")
