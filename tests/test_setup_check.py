"""medlearn.setup_check (python3 course.py check): every row can pass and can fail, with its fix in words."""

from __future__ import annotations

import subprocess
import sys

import pytest
from packaging.requirements import Requirement

from medlearn import setup_check
from medlearn.data import COURSE_DATASETS, data_dir


def test_this_machine_passes_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    """CI's machine has the pinned packages and the verified data: the whole report is ok (kernel and TF too)."""
    assert setup_check.main([]) == 0
    out = capsys.readouterr().out
    assert "All checks passed" in out and "PROBLEM" not in out
    for item in (
        "Python",
        "numpy",
        "tensorflow",
        "pytest",
        *COURSE_DATASETS,
        "chasedb1",
        "Jupyter kernel",
        "TensorFlow and Keras",
        "free memory",
        "free disk",
    ):
        assert f" {item}" in out, item


def test_a_missing_or_corrupt_dataset_is_a_problem_with_its_fix(tmp_path, capsys) -> None:
    for name in COURSE_DATASETS[1:]:
        (tmp_path / f"{name}.npz").symlink_to(data_dir() / f"{name}.npz")
    broken = bytearray((data_dir() / "CHASEDB1.zip").read_bytes())
    broken[len(broken) // 2] ^= 0xFF
    (tmp_path / "CHASEDB1.zip").write_bytes(bytes(broken))
    rows = {r.item: r for r in setup_check.check_datasets(tmp_path)}
    assert not rows[COURSE_DATASETS[0]].ok and "missing" in rows[COURSE_DATASETS[0]].found
    assert f"data fetch {COURSE_DATASETS[0]}" in rows[COURSE_DATASETS[0]].fix
    assert not rows["chasedb1"].ok and "bad" in rows["chasedb1"].found
    assert all(rows[n].ok for n in COURSE_DATASETS[1:])
    assert setup_check.main(["--quick", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "2 problem(s). To fix:" in out and "run `python -m medlearn data fetch chasedb1`" in out
    assert "- chasedb1: Image_" in out  # the bad file says what is wrong with it


def test_wrong_or_missing_packages_and_old_python_are_problems() -> None:
    rows = setup_check.check_packages([Requirement("numpy<1"), Requirement("no-such-package-medlearn==1.0")])
    assert [r.ok for r in rows] == [False, False]
    assert "pinned <1" in rows[0].found and "missing" in rows[1].found and "course.py" in rows[0].fix
    assert not setup_check.check_python((3, 9, 18)).ok and "3.10 to 3.13" in setup_check.check_python((3, 14, 0)).fix
    assert setup_check.check_python().ok


def test_pins_come_from_the_installed_metadata() -> None:
    names = {r.name for r in setup_check.pinned_requirements()}
    assert {"numpy", "keras", "jupyterlab", "dask"} <= names and "pytest" not in names
    assert "pytest" in {r.name for r in setup_check.pinned_requirements(extras=("test",))}


def test_memory_and_disk_thresholds() -> None:
    assert setup_check.check_memory(2.5e9).ok and not setup_check.check_memory(1.5e9).ok
    assert "close other programs" in setup_check.check_memory(1.5e9).fix
    assert not setup_check.check_disk(free_bytes=0.5e9).ok and setup_check.check_disk(free_bytes=2e9).ok
    for bad in (0, -1, float("nan"), "2"):
        with pytest.raises(ValueError, match="minimum_gb"):
            setup_check.check_memory(1e9, minimum_gb=bad)
        with pytest.raises(ValueError, match="minimum_gb"):
            setup_check.check_disk(free_bytes=1e9, minimum_gb=bad)


def test_a_broken_tensorflow_is_reported(monkeypatch) -> None:
    real_run = subprocess.run

    def failing(command, **kwargs):
        return real_run([sys.executable, "-c", "raise ImportError('no tensorflow here')"], **kwargs)

    monkeypatch.setattr(setup_check.subprocess, "run", failing)
    row = setup_check.check_tensorflow()
    assert not row.ok and "no tensorflow here" in row.found and row.fix


def test_course_py_check_runs_the_report() -> None:
    """The classroom command, as the README gives it (CI runs it too, in .ci/run)."""
    result = subprocess.run(
        [sys.executable, "course.py", "check", "--quick"],
        capture_output=True,
        text=True,
        cwd=setup_check.Path(__file__).resolve().parents[1],
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed" in result.stdout


def test_a_kernel_that_does_not_start_is_reported(monkeypatch) -> None:
    import jupyter_client.manager

    def broken(*args, **kwargs):
        raise RuntimeError("no kernel today")

    monkeypatch.setattr(jupyter_client.manager, "start_new_kernel", broken)
    row = setup_check.check_kernel(timeout=5)
    assert not row.ok and "no kernel today" in row.found and "ipykernel install" in row.fix


def test_a_container_limit_counts_not_the_hosts_memory(monkeypatch) -> None:
    monkeypatch.setattr(setup_check, "_container_available", lambda: 1.2e9)
    row = setup_check.check_memory()
    assert not row.ok and row.found == "1.2 GB available"
