"""medlearn.privacy's generated tables: the stored data files against their generators, and their loading."""

from __future__ import annotations

import gzip
import subprocess
import sys

import pytest
from helpers import REPO

from authoring import deid_profile, iod_types
from medlearn.privacy import _tables

DATA = REPO / "medlearn" / "privacy" / "data"


def test_the_stored_profile_is_what_its_generator_writes_from_the_installed_package() -> None:
    assert deid_profile.OUT == DATA / "profile.json"
    assert (DATA / "profile.json").read_text() == deid_profile.encode(deid_profile.table())


def test_the_stored_iod_table_is_what_its_generator_writes_from_the_installed_package() -> None:
    assert iod_types.OUT == DATA / "iods.json.gz"
    stored = gzip.decompress((DATA / "iods.json.gz").read_bytes()).decode()
    assert stored == iod_types.encode(iod_types.table())  # the text itself, whatever zlib wrote


@pytest.mark.parametrize("generator", [deid_profile, iod_types], ids=["profile", "iods"])
def test_check_passes_on_the_stored_table_and_fails_on_a_drifted_one(
    generator, tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`python -m authoring.<generator> --check`: 0 on the stored table, 1 once the stored copy has drifted."""
    assert generator.main(["--check"]) == 0
    drifted = tmp_path / generator.OUT.name
    text = generator.encode(generator.table())
    changed = text.replace('"1"', '"3"', 1) if '"1"' in text else text[:-2] + " \n"
    assert changed != text
    drifted.write_bytes(gzip.compress(changed.encode(), mtime=0) if drifted.suffix == ".gz" else changed.encode())
    monkeypatch.setattr(generator, "OUT", drifted)
    assert generator.main(["--check"]) == 1


def test_the_generators_refuse_another_installed_version_and_arguments() -> None:
    with pytest.raises(SystemExit, match="is installed; the table is pinned to 0.0.1"):
        iod_types.installed_tables(version="0.0.1")
    with pytest.raises(SystemExit, match="is installed; the table is pinned to 0.0.1"):
        deid_profile.installed_source(version="0.0.1")
    for main in (iod_types.main, deid_profile.main):
        with pytest.raises(SystemExit, match="^usage"):
            main(["a.whl"])


def test_the_tables_are_read_once_and_are_the_files() -> None:
    assert _tables.profile_table() is _tables.profile_table()
    assert _tables.iod_table() is _tables.iod_table()
    assert _tables.profile_table()["edition"] == "2026c"
    assert _tables.iod_table()["sop_classes"]["1.2.840.10008.5.1.4.1.1.2"] == "ct-image"


def test_importing_medlearn_privacy_reads_no_table() -> None:
    code = (
        "import medlearn.privacy as p, medlearn.privacy._tables as t;"
        "print(t.profile_table.cache_info().currsize, t.iod_table.cache_info().currsize)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert result.stdout.split() == ["0", "0"]


def test_the_data_files_are_package_data() -> None:
    text = (REPO / "pyproject.toml").read_text()
    assert '"medlearn.privacy" = ["data/profile.json", "data/iods.json.gz"]' in text
    assert sorted(p.name for p in DATA.iterdir()) == ["iods.json.gz", "profile.json"]
