"""medlearn.doctor, the machine check (python3 course.py doctor): every row can pass and fail, with its fix."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys

import pytest
from packaging.requirements import Requirement

from medlearn import doctor
from medlearn.data import COURSE_DATASETS, ISLES22_CASE, PET_SLICES, data_dir


def test_this_machine_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    """CI's machine has the pinned packages and the verified data: the whole report is ok (kernel and TF too)."""
    assert doctor.main() == 0
    out = capsys.readouterr().out
    assert "All checks passed" in out and "PROBLEM" not in out
    for item in (
        "Python",
        "numpy",
        "tensorflow",
        "pytest",
        *COURSE_DATASETS,
        "chasedb1",
        "bccd",
        "pet",
        "isles22",
        "Jupyter kernel",
        "TensorFlow and Keras",
        "free memory",
        "free disk",
    ):
        assert f" {item}" in out, item


def test_a_missing_or_corrupt_dataset_is_a_problem_with_its_fix(tmp_path, capsys) -> None:
    for name in COURSE_DATASETS[1:]:
        (tmp_path / f"{name}.npz").symlink_to(data_dir() / f"{name}.npz")
    for name in ("BCCD_Dataset.zip", *PET_SLICES.files, *ISLES22_CASE.files):
        (tmp_path / name).symlink_to(data_dir() / name)
    broken = bytearray((data_dir() / "CHASEDB1.zip").read_bytes())
    broken[len(broken) // 2] ^= 0xFF
    (tmp_path / "CHASEDB1.zip").write_bytes(bytes(broken))
    rows = {r.item: r for r in doctor.dataset_rows(tmp_path)}
    assert not rows[COURSE_DATASETS[0]].ok and "missing" in rows[COURSE_DATASETS[0]].found
    assert f"data fetch {COURSE_DATASETS[0]}" in rows[COURSE_DATASETS[0]].fix
    assert not rows["chasedb1"].ok and "bad" in rows["chasedb1"].found
    assert all(rows[n].ok for n in (*COURSE_DATASETS[1:], "bccd", "pet", "isles22"))
    assert doctor.main(tmp_path, quick=True) == 1
    out = capsys.readouterr().out
    assert "2 problem(s). To fix:" in out and "run `python -m medlearn data fetch chasedb1`" in out
    assert "- chasedb1: Image_" in out  # the bad file says what is wrong with it


def test_the_pinned_sets_are_reported_like_the_other_data_sets(tmp_path, capsys) -> None:
    """One row per set; a missing or altered file makes it a problem, named, with the command that fetches it."""
    first, second = PET_SLICES.files
    (tmp_path / first).symlink_to(data_dir() / first)
    mask, *others = sorted(ISLES22_CASE.files, key=lambda name: not name.endswith("_msk.nii.gz"))
    for name in others:
        (tmp_path / name).symlink_to(data_dir() / name)
    altered = bytearray((data_dir() / mask).read_bytes())
    altered[-9] ^= 1
    (tmp_path / mask).write_bytes(bytes(altered))
    rows = {r.item: r for r in doctor.dataset_rows(tmp_path)}
    assert not rows["pet"].ok and rows["pet"].found == f"missing in {tmp_path} (1 of 2 files: {second})"
    assert "run `python -m medlearn data fetch pet`" in rows["pet"].fix
    assert not rows["isles22"].ok and rows["isles22"].found.startswith(f"bad in {tmp_path} (1 of 7 files: {mask})")
    assert rows["isles22"].fix.startswith(f"{tmp_path / mask} is not the published {mask}")
    (tmp_path / second).symlink_to(data_dir() / second)
    (tmp_path / mask).unlink()
    (tmp_path / mask).symlink_to(data_dir() / mask)
    rows = {r.item: r for r in doctor.dataset_rows(tmp_path)}
    assert (
        rows["pet"].ok and rows["isles22"].ok and rows["pet"].found == f"verified (sha256 of every file) in {tmp_path}"
    )


def test_the_data_mirror_has_a_row_when_it_is_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MEDLEARN_MIRROR", raising=False)
    assert doctor.mirror_row() is None and all(r.item != "data mirror" for r in doctor.all_rows(slow=False))
    monkeypatch.setenv("MEDLEARN_MIRROR", "http://classroom.local:8000/data/")
    row = doctor.mirror_row()
    assert row.ok and row.found.startswith("http://classroom.local:8000/data (MEDLEARN_MIRROR)")
    assert any(r.item == "data mirror" for r in doctor.all_rows(slow=False))
    monkeypatch.setenv("MEDLEARN_MIRROR", "classroom.local:8000")
    row = doctor.mirror_row()
    assert not row.ok and "MEDLEARN_MIRROR must be an http:// or https://" in row.found and "unset it" in row.fix


def test_wrong_or_missing_packages_and_old_python_are_problems() -> None:
    rows = doctor.package_rows([Requirement("numpy<1"), Requirement("no-such-package-medlearn==1.0")])
    assert [r.ok for r in rows] == [False, False]
    assert "pinned <1" in rows[0].found and "missing" in rows[1].found and "course.py" in rows[0].fix
    assert not doctor.python_row((3, 10, 13)).ok and "3.11 to 3.13" in doctor.python_row((3, 14, 0)).fix
    assert doctor.python_row().ok


def test_pins_come_from_the_installed_metadata() -> None:
    names = {r.name for r in doctor.pinned_requirements()}
    assert {"numpy", "keras", "dask"} <= names and not {"pytest", "jupyterlab", "tensorflow"} & names
    assert "pytest" in {r.name for r in doctor.pinned_requirements(extras=("test",))}
    assert "jupyterlab" in {r.name for r in doctor.pinned_requirements(extras=("lab",))}


def test_either_tensorflow_package_is_checked_against_the_range(monkeypatch: pytest.MonkeyPatch) -> None:
    """Colab's tensorflow stands for the course's tensorflow-cpu; a version outside the range, or none, is a problem."""
    real = importlib.metadata.version

    def versions(installed: dict[str, str]):
        def version(name: str) -> str:
            if name in doctor.TENSORFLOW_PACKAGES:
                if name not in installed:
                    raise importlib.metadata.PackageNotFoundError(name)
                return installed[name]
            return real(name)

        return version

    for installed, ok in [
        ({"tensorflow": "2.20.0"}, True),
        ({"tensorflow-cpu": "2.21.0"}, True),
        ({"tensorflow": "1.15.0"}, False),
        ({}, False),
    ]:
        monkeypatch.setattr(importlib.metadata, "version", versions(installed))
        row = doctor.tensorflow_package_row()
        assert row.ok == ok and (row.item in installed or not installed), (installed, row)
        assert ok or "course.py lab" in row.fix


def test_memory_and_disk_thresholds() -> None:
    assert doctor.memory_row(2.5e9).ok and not doctor.memory_row(1.5e9).ok
    assert "close other programs" in doctor.memory_row(1.5e9).fix
    assert not doctor.disk_row(free_bytes=0.5e9).ok and doctor.disk_row(free_bytes=2e9).ok
    for bad in (0, -1, float("nan"), "2"):
        with pytest.raises(ValueError, match="minimum_gb"):
            doctor.memory_row(1e9, minimum_gb=bad)
        with pytest.raises(ValueError, match="minimum_gb"):
            doctor.disk_row(free_bytes=1e9, minimum_gb=bad)


def test_a_broken_tensorflow_is_reported(monkeypatch) -> None:
    real_run = subprocess.run

    def failing(command, **kwargs):
        return real_run([sys.executable, "-c", "raise ImportError('no tensorflow here')"], **kwargs)

    monkeypatch.setattr(doctor.subprocess, "run", failing)
    row = doctor.tensorflow_row()
    assert not row.ok and "no tensorflow here" in row.found and row.fix


def test_a_kernel_that_does_not_start_is_reported(monkeypatch) -> None:
    import jupyter_client.manager

    def broken(*args, **kwargs):
        raise RuntimeError("no kernel today")

    monkeypatch.setattr(jupyter_client.manager, "start_new_kernel", broken)
    row = doctor.kernel_row(timeout=5)
    assert not row.ok and "no kernel today" in row.found and "ipykernel install" in row.fix


def test_a_container_limit_counts_not_the_hosts_memory(monkeypatch) -> None:
    monkeypatch.setattr(doctor, "_container_available", lambda: 1.2e9)
    row = doctor.memory_row()
    assert not row.ok and row.found == "1.2 GB available"
