"""BCCD: the real archive checked file by file, the repository's own archive layout, and hostile annotation files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from helpers import REPO, rewrite_archive

from medlearn.data import (
    BCCD_ARCHIVE,
    BCCD_CLASSES,
    BCCD_COMMIT,
    BCCD_SHA256,
    DataError,
    DataNotFoundError,
    data_dir,
    fetch_bccd,
    load_bccd,
    parse_voc,
    verify_bccd,
)
from medlearn.data._tables import parse_sha256sums

SHARED_SUMS = REPO.parent / "shared" / "data" / "bccd" / "SHA256SUMS"
GOOD = b"<annotation><size><width>640</width><height>480</height></size>%s</annotation>"
BOX = b"<object><name>%s</name><bndbox><xmin>%s</xmin><ymin>%s</ymin><xmax>%s</xmax><ymax>%s</ymax></bndbox></object>"


@pytest.fixture(scope="module")
def bccd_bytes() -> bytes:
    """The real BCCD archive ($MEDLEARN_DATA in CI), downloaded if missing."""
    return fetch_bccd(data_dir(), progress=False).read_bytes()


def _folder(folder: Path, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / BCCD_ARCHIVE).write_bytes(content)
    return folder


def test_the_shipped_table_is_what_the_generator_makes_of_the_real_archive(bccd_bytes: bytes, tmp_path: Path) -> None:
    """Drift: ``medlearn/data/bccd.sha256`` equals ``python -m authoring.bccd_checksums``'s output from the
    archive, in the course's layout and in the repository's (a folder around it, and files that are not data)."""
    import zipfile

    from authoring import bccd_checksums

    (tmp_path / "copy.zip").write_bytes(bccd_bytes)
    with zipfile.ZipFile(tmp_path / "copy.zip") as copy, zipfile.ZipFile(tmp_path / "repository.zip", "w") as out:
        for member in copy.namelist():
            out.writestr(f"BCCD_Dataset-{BCCD_COMMIT}/{member}", copy.read(member))
        out.writestr(f"BCCD_Dataset-{BCCD_COMMIT}/scripts/split.py", b"# not data")
    shipped = bccd_checksums.OUT.read_text(encoding="utf-8")
    assert bccd_checksums.render(tmp_path / "copy.zip") == shipped == bccd_checksums.render(tmp_path / "repository.zip")
    assert parse_sha256sums(shipped) == dict(BCCD_SHA256) and len(BCCD_SHA256) == 734


def test_the_shipped_checksums_are_the_shared_list() -> None:
    if not SHARED_SUMS.exists():
        pytest.skip(f"{SHARED_SUMS} is not on this machine")
    shared = dict(reversed(line.split()) for line in SHARED_SUMS.read_text().splitlines() if line.strip())
    assert dict(BCCD_SHA256) == shared and len(shared) == 734


def test_real_splits_load(bccd_bytes: bytes, tmp_path: Path) -> None:
    folder = _folder(tmp_path, bccd_bytes)
    sizes = {}
    for split in ("train", "val", "test"):
        data = load_bccd(split, folder, download=False, downscale=4)
        sizes[split] = len(data.names)
        assert data.images.shape == (sizes[split], 120, 160, 3) and data.images.dtype == np.uint8
        assert data.classes == BCCD_CLASSES and len(data.targets) == sizes[split]
    assert sizes == {"train": 205, "val": 87, "test": 72}
    full = load_bccd("all", folder, download=False)
    assert full.images.shape == (364, 480, 640, 3)
    labels = np.concatenate([t["labels"] for t in full.targets])
    assert np.bincount(labels).tolist() == [4155, 372, 361]  # RBC, WBC, platelets: the data set's own counts
    boxes = np.concatenate([t["boxes"] for t in full.targets])
    assert boxes.min() >= 0 and boxes[:, 2].max() <= 640 and boxes[:, 3].max() <= 480 and full.clipped == ()
    # the boxes sit on the cells: inside white-cell boxes the stain is purple (blue above green), around them not
    wbc = [(img, b) for img, t in zip(full.images, full.targets) for b, lab in zip(t["boxes"], t["labels"]) if lab == 1]
    inside = [img[int(b[1]) : int(b[3]), int(b[0]) : int(b[2])].astype(float) for img, b in wbc[:40]]
    assert np.mean([np.mean(p[..., 2] - p[..., 1]) for p in inside]) > np.mean(
        [np.mean(img[..., 2].astype(float) - img[..., 1]) for img, _ in wbc[:40]]
    )
    half = load_bccd("test", folder, download=False, downscale=2)
    quarter = load_bccd("test", folder, download=False, downscale=4)
    np.testing.assert_allclose(half.targets[0]["boxes"] / 2, quarter.targets[0]["boxes"])
    assert set(half.names).isdisjoint(load_bccd("train", folder, download=False, downscale=8).names)


def test_verify_and_refusals_name_the_file(bccd_bytes: bytes, tmp_path: Path) -> None:
    assert verify_bccd(_folder(tmp_path / "good", bccd_bytes)).status == "ok"
    assert verify_bccd(tmp_path / "none").status == "missing"

    def altered(members: dict[str, bytes]) -> dict[str, bytes]:
        name = "BCCD/Annotations/BloodImage_00007.xml"
        return members | {name: members[name].replace(b"<xmin>", b"<xmin>1", 1)}

    bad = _folder(tmp_path / "bad", rewrite_archive(bccd_bytes, altered))
    report = verify_bccd(bad)
    assert report.status == "bad" and "BCCD/Annotations/BloodImage_00007.xml" in report.detail
    with pytest.raises(DataError, match="BloodImage_00007.xml .* is not the official file"):
        load_bccd("test", bad, download=False)

    def extra(members: dict[str, bytes]) -> dict[str, bytes]:
        return members | {"BCCD/JPEGImages/BloodImage_99999.jpg": b"x"}

    with pytest.raises(DataError, match="BloodImage_99999.jpg, which is not a file of BCCD"):
        load_bccd("test", _folder(tmp_path / "extra", rewrite_archive(bccd_bytes, extra)), download=False)
    with pytest.raises(DataNotFoundError, match="not in"):
        load_bccd("test", tmp_path / "empty", download=False)


def test_the_repository_archive_layout_is_accepted(bccd_bytes: bytes, tmp_path: Path) -> None:
    """The repository's own archive: every file under a folder named after the commit, plus its scripts."""
    prefix = f"BCCD_Dataset-{BCCD_COMMIT}/"

    def github(members: dict[str, bytes]) -> dict[str, bytes]:
        moved = {prefix + name: data for name, data in members.items()}
        return moved | {prefix + "scripts/split.py": b"print()", prefix + "example.jpg": b"not the data set"}

    source = tmp_path / "source"
    source.mkdir()
    (source / "archive.zip").write_bytes(rewrite_archive(bccd_bytes, github))
    target = tmp_path / "target"
    path = fetch_bccd(target, url=(source / "archive.zip").as_uri(), progress=False)
    assert path.name == BCCD_ARCHIVE and verify_bccd(target).status == "ok"
    assert len(load_bccd("val", target, download=False, downscale=8).names) == 87
    with pytest.raises(ValueError, match="url must be"):
        fetch_bccd(target, url="")


def test_parse_voc_converts_and_clips() -> None:
    boxes = BOX % (b"RBC", b"1", b"1", b"10", b"20") + BOX % (b"WBC", b"600", b"400", b"650", b"481")
    target, size, clipped = parse_voc(GOOD % boxes)
    assert size == (640, 480)
    assert target["boxes"].tolist() == [[0, 0, 10, 20], [599, 399, 640, 480]]
    assert target["labels"].tolist() == [0, 1] and target["labels"].dtype == np.int64
    assert len(clipped) == 1 and "object 1 (WBC)" in clipped[0]
    outside, _, lost = parse_voc(GOOD % (BOX % (b"RBC", b"700", b"10", b"720", b"20")), "far.xml")
    assert outside["boxes"].shape == (0, 4) and "lies outside" in lost[0] and "dropped" in lost[0]
    empty, _, _ = parse_voc(GOOD % b"")
    assert empty["boxes"].shape == (0, 4) and empty["labels"].shape == (0,)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'<!DOCTYPE a [<!ENTITY x "xxxxxxxxxx">]><annotation>&x;</annotation>', "declares a document type"),
        (
            b'<!DOCTYPE a [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b"<annotation>&b;</annotation>",
            "declares a document type",
        ),  # the billion laughs, in small
        (b'<!DOCTYPE a SYSTEM "file:///etc/passwd"><annotation/>', "declares a document type"),
        (b"<annotation><size>", "not well-formed"),
        (b"", "not well-formed"),
        (b"<other/>", "root element is <other>"),
        (b"<annotation/>", "<size/width> is missing"),
        (GOOD % (BOX % (b"Neutrophil", b"1", b"1", b"2", b"2")), "'Neutrophil', not one of RBC, WBC, Platelets"),
        (GOOD % (BOX % (b"RBC", b"a", b"1", b"2", b"2")), "object 0: <bndbox/xmin> is 'a'"),
        (GOOD % (BOX % (b"RBC", b"nan", b"1", b"2", b"2")), "not a finite number"),
        (GOOD % (BOX % (b"RBC", b"10", b"1", b"2", b"2")), "xmax < xmin"),
        (b"<annotation>" + b" " * (2 << 20) + b"</annotation>", "too large"),
    ],
)
def test_parse_voc_refuses_hostile_and_malformed_files_by_name(content: bytes, message: str) -> None:
    with pytest.raises(DataError, match=message) as info:
        parse_voc(content, "BloodImage_00042.xml")
    assert "BloodImage_00042.xml" in str(info.value)


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="split must be one of"):
        load_bccd("training")
    with pytest.raises(ValueError, match="downscale must be"):
        load_bccd("test", downscale=0)


def test_member_path_maps_both_layouts_to_one_key_and_leaves_the_rest_out() -> None:
    from medlearn.data.bccd import member_path

    image = "BCCD/JPEGImages/BloodImage_00000.jpg"
    assert member_path(image) == member_path(f"BCCD_Dataset-{BCCD_COMMIT}/{image}") == image
    assert member_path("README.md") == member_path(f"BCCD_Dataset-{BCCD_COMMIT}/README.md") == "README.md"
    for other in ("BCCD/", f"BCCD_Dataset-{BCCD_COMMIT}/scripts/split.py", "example.jpg", "a/b/BCCD/x.xml"):
        assert member_path(other) is None, other
    assert member_path("BCCD/planted.xml") == "BCCD/planted.xml"  # kept, so that the check refuses it by name
    with pytest.raises(ValueError, match="member"):
        member_path(None)
