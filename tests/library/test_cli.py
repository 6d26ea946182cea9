"""The classroom command line: python -m medlearn data ..."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from medlearn.data import COURSE_DATASETS, FILE_DATASETS, ISLES22_CASE, PET_SLICES, data_dir, md5sum, medmnist_info


def medlearn(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m medlearn ARGS`` without $MEDLEARN_DATA or $MEDLEARN_MIRROR, with ``env`` added."""
    env = {k: v for k, v in os.environ.items() if k not in ("MEDLEARN_DATA", "MEDLEARN_MIRROR")} | (env or {})
    return subprocess.run(
        [sys.executable, "-m", "medlearn", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_verify_passes_on_the_official_files(medmnist_dir: Path) -> None:
    result = medlearn("data", "verify", "--root", str(medmnist_dir), "breastmnist", "pneumoniamnist")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("ok ") == 2


def test_verify_fails_on_a_corrupted_copy(medmnist_dir: Path, tmp_path: Path) -> None:
    for name in ("breastmnist", "pneumoniamnist"):
        shutil.copyfile(medmnist_dir / f"{name}.npz", tmp_path / f"{name}.npz")
    data = bytearray((tmp_path / "pneumoniamnist.npz").read_bytes())
    data[1000] ^= 0x01  # one flipped bit
    (tmp_path / "pneumoniamnist.npz").write_bytes(bytes(data))
    result = medlearn("data", "verify", "--root", str(tmp_path))
    assert result.returncode == 1
    assert "ok       breastmnist" in result.stdout
    assert "bad      pneumoniamnist" in result.stdout
    assert medmnist_info("pneumoniamnist").file().md5 in result.stdout


def test_verify_fails_on_an_empty_folder_and_on_missing_names(tmp_path: Path) -> None:
    result = medlearn("data", "verify", "--root", str(tmp_path))
    assert result.returncode == 1 and "no MedMNIST files" in result.stderr
    result = medlearn("data", "verify", "--root", str(tmp_path), "breastmnist")
    assert result.returncode == 1 and "missing" in result.stdout


def test_fetch_from_a_classroom_mirror(http_mirror: str, tmp_path: Path) -> None:
    result = medlearn("data", "fetch", "breastmnist", "--to", str(tmp_path), "--mirror", f"{http_mirror}/good")
    assert result.returncode == 0, result.stderr
    assert md5sum(tmp_path / "breastmnist.npz") == medmnist_info("breastmnist").file().md5
    assert medlearn("data", "verify", "--root", str(tmp_path)).returncode == 0


def test_fetch_errors_exit_non_zero(http_mirror: str, tmp_path: Path) -> None:
    result = medlearn("data", "fetch", "breastmnist", "--to", str(tmp_path), "--mirror", f"{http_mirror}/wrong")
    assert result.returncode == 1 and "wrong md5" in result.stderr
    result = medlearn("data", "fetch", "imagenet", "--to", str(tmp_path))
    assert result.returncode == 1 and "imagenet" in result.stderr


def test_list_and_usage() -> None:
    result = medlearn("data", "list")
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and len(lines) == 22  # 12 MedMNIST in 2-D, 6 in 3-D, 2 archives, 2 pinned sets
    assert [line.split()[0] for line in lines[-4:]] == ["chasedb1", "bccd", "pet", "isles22"]
    assert "TCIA ACRIN-FLT-Breast, CC BY 3.0" in lines[-2] and "ISLES'22" in lines[-1] and "CC BY-SA 4.0" in lines[-1]
    adrenal = next(line for line in lines if line.startswith("adrenalmnist3d "))
    assert " 3-D " in adrenal and adrenal.endswith("sizes 28,64")
    assert next(line for line in lines if line.startswith("breastmnist ")).endswith("sizes 28,64,128,224")
    assert medlearn().returncode == 2  # argparse: a command is required


def test_every_command_is_an_argparse_subcommand_listed_by_help() -> None:
    result = medlearn("--help")
    assert result.returncode == 0 and "{data,doctor,serve}" in result.stdout
    serve = medlearn("serve", "--help")
    assert (
        serve.returncode == 0
        and "--port" in serve.stdout
        and "127.0.0.1" in serve.stdout
        and "--audit-log" in serve.stdout
        and "--expect-digest" in serve.stdout
    )
    doctor = medlearn("doctor", "--help")
    assert doctor.returncode == 0 and "--quick" in doctor.stdout and "--root" in doctor.stdout
    wrong = medlearn("check")  # the machine check's old name: refused, with the choices
    assert wrong.returncode == 2 and "invalid choice" in wrong.stderr and "doctor" in wrong.stderr


def _subcommands() -> set[str]:
    from medlearn.cli import _parser

    (commands,) = (a for a in _parser()._actions if isinstance(a, argparse._SubParsersAction))
    return set(commands.choices)


def test_the_package_summary_and_the_cli_docstring_name_every_command() -> None:
    """``medlearn``'s summary and ``medlearn.cli``'s examples name each subcommand of the parser, and no other."""
    import medlearn
    import medlearn.cli

    items = medlearn.__doc__.split("\n\n")[2].split("\n- ")  # the list of modules, one item each
    summary = next(item for item in items if item.startswith(":mod:`medlearn.cli`"))
    assert _subcommands() == {"data", "doctor", "serve"}  # the parser is read
    assert set(re.findall(r"python -m medlearn (\w+)", summary)) == _subcommands(), summary
    assert set(re.findall(r"python -m medlearn (\w+)", medlearn.cli.__doc__)) == _subcommands()


def test_serve_refuses_a_folder_that_is_no_bundle(tmp_path: Path) -> None:
    result = medlearn("serve", str(tmp_path), "--port", "9")
    assert result.returncode == 1 and "no manifest.json" in result.stderr


def test_doctor_reports_a_missing_dataset_with_status_1(tmp_path: Path) -> None:
    result = medlearn("doctor", "--quick", "--root", str(tmp_path))
    assert result.returncode == 1 and "missing" in result.stdout and "PROBLEM" in result.stdout


def test_copy_gives_the_course_files_each_checked(medmnist_dir: Path, tmp_path: Path) -> None:
    result = medlearn(
        "data", "copy", "breastmnist", "chasedb1", "bccd", "--root", str(medmnist_dir), "--to", str(tmp_path)
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["BCCD_Dataset.zip", "CHASEDB1.zip", "breastmnist.npz"]
    verified = medlearn("data", "verify", "bccd", "--root", str(tmp_path))
    assert verified.returncode == 0 and verified.stdout.startswith("ok       bccd")
    assert md5sum(tmp_path / "breastmnist.npz") == medmnist_info("breastmnist").file().md5


def test_copy_refuses_a_missing_file_and_a_corrupted_one(medmnist_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    source.mkdir()
    result = medlearn("data", "copy", "breastmnist", "--root", str(source), "--to", str(tmp_path / "out"))
    assert result.returncode == 1 and "not in" in result.stderr and "breastmnist.npz" in result.stderr
    data = bytearray((medmnist_dir / "breastmnist.npz").read_bytes())
    data[-100] ^= 0xFF
    (source / "breastmnist.npz").write_bytes(bytes(data))
    result = medlearn("data", "copy", "breastmnist", "--root", str(source), "--to", str(tmp_path / "out"))
    assert result.returncode == 1 and "md5" in result.stderr
    assert not (tmp_path / "out" / "breastmnist.npz").exists()


PINNED_FILES = [*PET_SLICES.files, *ISLES22_CASE.files]


def test_fetch_the_pinned_sets_from_a_mirror(classroom_mirror: str, tmp_path: Path) -> None:
    result = medlearn("data", "fetch", "pet", "isles22", "--to", str(tmp_path), "--mirror", f"{classroom_mirror}/good/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("ok       pet ") == 2 and result.stdout.count("ok       isles22 ") == 7
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(PINNED_FILES)
    assert all((tmp_path / name).read_bytes() == (data_dir() / name).read_bytes() for name in PINNED_FILES)
    verified = medlearn("data", "verify", "pet", "isles22", "--root", str(tmp_path))
    assert verified.returncode == 0 and verified.stdout.count("ok ") == 9


def test_a_mirror_that_serves_an_altered_file_is_refused(classroom_mirror: str, tmp_path: Path) -> None:
    for how in (["--mirror", f"{classroom_mirror}/altered"], []):
        env = {} if how else {"MEDLEARN_MIRROR": f"{classroom_mirror}/altered"}
        result = medlearn("data", "fetch", "pet", "--to", str(tmp_path), *how, env=env)
        assert result.returncode == 1 and "not the published ACRIN-FLT-Breast_PT_1.dcm" in result.stderr
        assert PET_SLICES.files["ACRIN-FLT-Breast_PT_1.dcm"] in result.stderr  # the pinned sha256, the same
        assert list(tmp_path.iterdir()) == []  # nothing landed, not even a partial file


def test_the_mirror_setting_points_every_download_at_the_mirror(classroom_mirror: str, tmp_path: Path) -> None:
    """$MEDLEARN_MIRROR alone: the course's default data sets, MedMNIST, archives and pinned files, all from it."""
    result = medlearn("data", "fetch", "--to", str(tmp_path), env={"MEDLEARN_MIRROR": f"{classroom_mirror}/good"})
    assert result.returncode == 0, result.stderr
    files = [medmnist_info(n).file().filename for n in COURSE_DATASETS]
    files += [f for dataset in FILE_DATASETS.values() for f in dataset.filenames]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files)
    assert medlearn("data", "verify", "--root", str(tmp_path)).returncode == 0


def test_a_folder_made_by_copy_is_a_mirror_as_it_is(classroom_mirror: str, tmp_path: Path) -> None:
    """``data copy``'s folder served by a plain web server: every data set of the course fetched from it."""
    from authoring.local_server import serve

    copied = medlearn("data", "copy", "--root", str(data_dir()), "--to", str(tmp_path / "classroom"))
    assert copied.returncode == 0, copied.stderr
    with serve(tmp_path / "classroom") as url:
        fetched = medlearn("data", "fetch", "--to", str(tmp_path / "laptop"), "--mirror", url)
    assert fetched.returncode == 0, fetched.stderr
    assert sorted(p.name for p in (tmp_path / "laptop").iterdir()) == sorted(
        p.name for p in (tmp_path / "classroom").iterdir()
    )
    assert {"pet", "isles22", "chasedb1", "bccd", *COURSE_DATASETS} <= {
        line.split()[1] for line in fetched.stdout.splitlines()
    }


def test_bad_mirror_values_name_the_setting(tmp_path: Path) -> None:
    result = medlearn("data", "fetch", "pet", "--to", str(tmp_path), "--mirror", "classroom.local/data")
    assert result.returncode == 1 and "--mirror must be an http:// or https://" in result.stderr
    result = medlearn("data", "fetch", "isles22", "--to", str(tmp_path), env={"MEDLEARN_MIRROR": "ftp://lab/data"})
    assert result.returncode == 1 and "MEDLEARN_MIRROR must be an http:// or https://" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_verify_reports_each_pinned_file_ok_bad_or_missing(tmp_path: Path) -> None:
    first, second = PET_SLICES.files
    (tmp_path / first).symlink_to(data_dir() / first)
    altered = bytearray((data_dir() / second).read_bytes())
    altered[-1] ^= 0x01
    (tmp_path / second).write_bytes(bytes(altered))
    result = medlearn("data", "verify", "pet", "isles22", "--root", str(tmp_path))
    assert result.returncode == 1
    assert f"ok       pet             {tmp_path / first}" in result.stdout
    assert f"bad      pet             {tmp_path / second}" in result.stdout and "not the published" in result.stdout
    assert result.stdout.count("missing  isles22 ") == 7 and "fetch_isles22" in result.stdout
    everything = medlearn("data", "verify", "--root", str(tmp_path))  # no names: the sets with a file there
    assert everything.returncode == 1 and "pet" in everything.stdout and "isles22" not in everything.stdout


def test_copy_gives_the_pinned_files_each_checked(tmp_path: Path) -> None:
    result = medlearn("data", "copy", "pet", "isles22", "--root", str(data_dir()), "--to", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(PINNED_FILES)
    assert not any(p.is_symlink() for p in (tmp_path / "out").iterdir())  # copies, not links
    source = tmp_path / "source"
    source.mkdir()
    first, second = PET_SLICES.files
    (source / first).symlink_to(data_dir() / first)
    result = medlearn("data", "copy", "pet", "--root", str(source), "--to", str(tmp_path / "new"))
    assert result.returncode == 1 and f"not in {source}: {second}" in result.stderr
    altered = bytearray((data_dir() / second).read_bytes())
    altered[100] ^= 0xFF
    (source / second).write_bytes(bytes(altered))
    result = medlearn("data", "copy", "pet", "--root", str(source), "--to", str(tmp_path / "new"))
    assert result.returncode == 1 and f"not the published {second}" in result.stderr
    assert not (tmp_path / "new" / second).exists()


def test_a_mirror_without_the_pinned_files_names_the_address(http_mirror: str, tmp_path: Path) -> None:
    result = medlearn("data", "fetch", "isles22", "--to", str(tmp_path), "--mirror", f"{http_mirror}/missing")
    assert result.returncode == 1 and "404" in result.stderr
    assert f"{http_mirror}/missing/sub-strokecase0009_ses-0001_dwi.nii.gz" in result.stderr
    assert list(tmp_path.iterdir()) == []
