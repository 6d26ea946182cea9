"""BCCD: photographs of peripheral blood smears with boxes around red cells, white cells and platelets.

364 microscope photographs (640 x 480 JPEG) with Pascal VOC boxes for three classes (RBC,
WBC, Platelets) and the data set's own train / val / test lists (205 / 87 / 72 images).
MIT licence; source: the public repository Shenggan/BCCD_Dataset at commit d272fb14 (2019),
built from the cosmicad and akshaylamba cell data sets. The labels are known to be incomplete:
many red cells are not boxed in some images. Treat it as real, imperfect data.

The archive is checked file by file (:data:`BCCD_SHA256`) as CHASE_DB1 is; the repository's own
archive (with a folder prefix and its scripts) and the course's copy (only ``BCCD/``, ``LICENSE``
and ``README.md``) both pass. The annotation files are parsed with the standard library's expat
parser with document type declarations refused, so no entity is ever expanded.
"""

from __future__ import annotations

import io
import os
import xml.etree.ElementTree as ET
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import NamedTuple
from xml.parsers import expat

import numpy as np

from .._validation import check_choice, check_int
from ._home import FileReport
from ._tables import bccd_files
from .archive import ArchiveDataset
from .errors import DataError

__all__ = [
    "BCCD",
    "BCCD_ARCHIVE",
    "BCCD_CLASSES",
    "BCCD_DATASET",
    "BCCD_COMMIT",
    "BCCD_SHA256",
    "BCCD_SPLITS",
    "BCCD_URL",
    "fetch_bccd",
    "load_bccd",
    "parse_voc",
    "verify_bccd",
]

#: The commit of the public repository the course's copy was taken from.
BCCD_COMMIT = "d272fb14cdff6e473fafeeeba32aba5f560e9e43"
#: The repository's archive at that commit (its files sit under a folder ``BCCD_Dataset-<commit>/``).
BCCD_URL = f"https://github.com/Shenggan/BCCD_Dataset/archive/{BCCD_COMMIT}.zip"
#: The archive's file name in the data folder.
BCCD_ARCHIVE = "BCCD_Dataset.zip"
#: sha256 of each of the 734 files of the data set (364 JPEG, 364 XML, 4 split lists, LICENSE, README).
BCCD_SHA256: MappingProxyType[str, str] = MappingProxyType(bccd_files())
#: The class names; a target's ``labels`` are indices into this tuple.
BCCD_CLASSES = ("RBC", "WBC", "Platelets")
#: The data set's own splits (``trainval`` is train and val; ``all`` is every image).
BCCD_SPLITS = ("train", "val", "test", "trainval", "all")
#: Width and height of every photograph, in pixels.
SIZE = (640, 480)
#: An annotation file larger than this is refused before it is parsed (the real ones are under 10 kB).
MAX_XML_BYTES = 1 << 20


class BCCD(NamedTuple):
    """One split of BCCD in arrays: images, and one target per image of corner boxes (``boxes`` and
    ``labels``), as torchvision and torchmetrics take them (pycocotools wants ``[x, y, width, height]``)."""

    images: np.ndarray  #: uint8 (n, 480 // downscale, 640 // downscale, 3), RGB
    targets: tuple[dict[str, np.ndarray], ...]  #: per image: boxes float (N, 4) xmin, ymin, xmax, ymax; labels int (N,)
    names: tuple[str, ...]  #: "BloodImage_00007", ...
    classes: tuple[str, ...]  #: ("RBC", "WBC", "Platelets")
    clipped: tuple[str, ...]  #: one line per box that ran past the image (clipped) or lay outside it (dropped)


#: The data set's own files at the top of its archive; the repository's scripts and example image are not data.
DATA_SET_ROOTS = ("BCCD", "LICENSE", "README.md")


def member_path(member: str) -> str | None:
    """An archive member's path inside the data set (its key in :data:`BCCD_SHA256`), or None for a folder or a
    file that is not the data set's. The course's copy has no prefix; the repository's archive has one folder
    around everything. ``authoring/bccd_checksums.py`` writes the table by the same rule.

    A path under ``BCCD/`` that the table does not hold keeps its key, so that it is refused by name.

    Example:
        >>> member_path("BCCD_Dataset-d272fb1/BCCD/JPEGImages/BloodImage_00000.jpg")
        'BCCD/JPEGImages/BloodImage_00000.jpg'
        >>> member_path("BCCD_Dataset-d272fb1/scripts/split.py") is None
        True
    """
    if not isinstance(member, str):
        raise ValueError(f"member must be an archive member's name, not {type(member).__name__}")
    parts = PurePosixPath(member).parts
    if member.endswith("/") or not parts:
        return None
    if parts[0] not in DATA_SET_ROOTS and len(parts) > 1:
        parts = parts[1:]
    if parts[0] == "BCCD" and len(parts) > 1 or len(parts) == 1 and parts[0] in DATA_SET_ROOTS[1:]:
        return "/".join(parts)
    return None


#: How BCCD is fetched, verified and read: the repository's archive or the course's copy, file by file.
BCCD_DATASET = ArchiveDataset(
    name="bccd",
    title="BCCD",
    filename=BCCD_ARCHIVE,
    url=BCCD_URL,
    sha256=BCCD_SHA256,
    key=member_path,
    summary=f"2-D {'blood smear photograph, 640 x 480':44} {'detection (boxes)':26}  3 classes 205/87/72",
)


def fetch_bccd(
    root: str | os.PathLike[str] | None = None,
    *,
    url: str | None = None,
    progress: bool = True,
    force: bool = False,
) -> Path:
    """Make sure a verified BCCD archive is in the data folder; download it if not.

    The download lands only when every file of the data set inside it has the right sha256.

    Args:
        root: the data folder (see :func:`medlearn.data.data_dir`).
        url: a mirror's URL of ``BCCD_Dataset.zip``; None (the default) means the data mirror's when one is set
            (``$MEDLEARN_MIRROR``, :func:`medlearn.data.data_mirror`), else the repository's archive.
        progress: show a progress bar.
        force: download again even when a good archive is there.

    Returns:
        The path of the verified archive.

    Raises:
        DataNotFoundError: offline, or the server has no such file.
        DataError: a file of the data set is missing, extra, truncated or altered (the message names it).

    Example:
        >>> fetch_bccd().name  # doctest: +SKIP
        'BCCD_Dataset.zip'
    """
    return BCCD_DATASET.fetch(root, url=url, progress=progress, force=force)


def verify_bccd(root: str | os.PathLike[str] | None = None) -> FileReport:
    """Check the BCCD archive in a folder, file by file.

    Example:
        >>> verify_bccd().status
        'ok'
    """
    return BCCD_DATASET.verify(root)


def _safe_tree(content: bytes, name: str) -> ET.Element:
    """Parse XML with expat, refusing any document type declaration (so no entity can be defined or expanded)."""
    if len(content) > MAX_XML_BYTES:
        raise DataError(f"{name} is {len(content)} bytes, too large for an annotation file.")
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()

    def refuse(*_: object) -> None:
        raise DataError(f"{name} declares a document type or entities, which annotation files never need.")

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = lambda tag, attributes: builder.start(tag, attributes)
    parser.EndElementHandler = lambda tag: builder.end(tag)
    parser.CharacterDataHandler = lambda text: builder.data(text)
    try:
        parser.Parse(content, True)
        return builder.close()
    except (expat.ExpatError, AssertionError) as err:  # AssertionError: TreeBuilder with no element
        raise DataError(f"{name} is not well-formed XML ({err}).") from None


def _number(element: ET.Element, path: str, name: str) -> float:
    node = element.find(path)
    text = None if node is None or node.text is None else node.text.strip()
    try:
        value = float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DataError(f"{name}: <{path}> is {'missing' if text is None else repr(text)}, not a number.") from None
    if not np.isfinite(value):
        raise DataError(f"{name}: <{path}> is {text!r}, not a finite number.")
    return value


def parse_voc(
    content: bytes, name: str = "annotation", classes: tuple[str, ...] = BCCD_CLASSES
) -> tuple[dict[str, np.ndarray], tuple[int, int], list[str]]:
    """Read one Pascal VOC annotation file safely: its boxes, labels, image size and the boxes it clipped.

    VOC numbers pixels from 1 and includes ``xmax``; the boxes returned are in continuous pixel
    coordinates from 0, COCO's convention: ``(xmin - 1, ymin - 1, xmax, ymax)``, so a box's width
    is ``xmax - xmin + 1`` VOC pixels. A box that runs past the image is clipped to it and reported; a box
    that lies wholly outside it is dropped and reported.

    Args:
        content: the file's bytes.
        name: how messages name the file.
        classes: the class names; a label is the index of its name.

    Returns:
        ``(target, (width, height), clipped)``: target has ``boxes`` float (N, 4) and ``labels`` int (N,).

    Raises:
        DataError: the file is not well-formed, declares a document type, lacks its size or a box's
            coordinates, names an unknown class, or has a box with ``xmax < xmin`` (the message names it).

    Example:
        >>> xml = b"<annotation><size><width>640</width><height>480</height></size>"
        >>> xml += b"<object><name>WBC</name><bndbox><xmin>1</xmin><ymin>11</ymin><xmax>100</xmax><ymax>60</ymax>"
        >>> xml += b"</bndbox></object></annotation>"
        >>> target, size, clipped = parse_voc(xml)
        >>> target["boxes"].tolist(), target["labels"].tolist(), size, clipped
        ([[0.0, 10.0, 100.0, 60.0]], [1], (640, 480), [])
    """
    root = _safe_tree(content, name)
    if root.tag != "annotation":
        raise DataError(f"{name}: the root element is <{root.tag}>, not <annotation>.")
    width, height = _number(root, "size/width", name), _number(root, "size/height", name)
    if width < 1 or height < 1:
        raise DataError(f"{name}: the image size {width:g} x {height:g} is not positive.")
    boxes, labels, clipped = [], [], []
    for i, obj in enumerate(root.iter("object")):
        label_node = obj.find("name")
        label = "" if label_node is None or label_node.text is None else label_node.text.strip()
        if label not in classes:
            raise DataError(f"{name}: object {i} is {label!r}, not one of {', '.join(classes)}.")
        x0, y0, x1, y1 = (_number(obj, f"bndbox/{k}", f"{name}, object {i}") for k in ("xmin", "ymin", "xmax", "ymax"))
        if x1 < x0 or y1 < y0:
            corners = f"{x0:g} {y0:g} {x1:g} {y1:g}"
            raise DataError(f"{name}: object {i} ({label}) has xmax < xmin or ymax < ymin: {corners}.")
        box = np.array([x0 - 1, y0 - 1, x1, y1])
        inside = np.clip(box, 0, [width, height, width, height])
        if inside[2] <= inside[0] or inside[3] <= inside[1]:
            clipped.append(
                f"{name}: object {i} ({label}) {box.tolist()} lies outside the {width:g} x {height:g} image: dropped"
            )
            continue
        if not np.array_equal(box, inside):
            clipped.append(f"{name}: object {i} ({label}) {box.tolist()} clipped to the {width:g} x {height:g} image")
        boxes.append(inside)
        labels.append(classes.index(label))
    target = {"boxes": np.array(boxes, float).reshape(-1, 4), "labels": np.array(labels, np.int64)}
    return target, (int(width), int(height)), clipped


def _split_names(members: dict[str, bytes], split: str) -> list[str]:
    if split == "all":
        return sorted(PurePosixPath(k).stem for k in members if k.startswith("BCCD/JPEGImages/"))
    if split == "trainval":
        return _split_names(members, "train") + _split_names(members, "val")
    return members[f"BCCD/ImageSets/Main/{split}.txt"].decode("ascii").split()


def load_bccd(
    split: str = "train",
    root: str | os.PathLike[str] | None = None,
    download: bool = True,
    *,
    downscale: int = 1,
    url: str | None = None,
) -> BCCD:
    """Load one split of BCCD: the photographs, and per image its boxes and labels.

    Every file is checked against its sha256 before it is decoded.

    Args:
        split: ``"train"`` (205 images), ``"val"`` (87), ``"test"`` (72), ``"trainval"`` or ``"all"`` (364).
        root: the data folder (see :func:`medlearn.data.data_dir`).
        download: download the archive when it is not in the folder.
        downscale: an integer factor: the images are reduced by averaging ``downscale`` x ``downscale``
            blocks (PIL's ``Image.reduce``) and the boxes divided by it; 1 keeps 640 x 480.
        url: the address to download from (None: as :func:`fetch_bccd` says).

    Returns:
        A :class:`BCCD`.

    Raises:
        DataNotFoundError: the archive is not there and cannot be downloaded.
        DataError: a file is missing, altered or malformed (the message names it).

    Example:
        >>> test = load_bccd("test", downscale=2)
        >>> test.images.shape, test.classes, test.targets[0]["boxes"].shape[1]
        ((72, 240, 320, 3), ('RBC', 'WBC', 'Platelets'), 4)
    """
    split = check_choice(split, "split", BCCD_SPLITS)
    downscale = check_int(downscale, "downscale", min_value=1, max_value=16)
    members = BCCD_DATASET.read(root, download, url)
    from PIL import Image  # pillow: a dependency of matplotlib

    names = _split_names(members, split)
    images, targets, clipped = [], [], []
    for name in names:
        jpeg, xml = f"BCCD/JPEGImages/{name}.jpg", f"BCCD/Annotations/{name}.xml"
        if jpeg not in members or xml not in members:
            raise DataError(f"the {split} list names {name}, which has no image or no annotation in {BCCD_ARCHIVE}.")
        target, size, lost = parse_voc(members[xml], f"{name}.xml")
        with Image.open(io.BytesIO(members[jpeg])) as image:
            if image.size != SIZE or size != SIZE:
                raise DataError(f"{name}: the image is {image.size} and its annotation says {size}, not {SIZE}.")
            image = image.convert("RGB")
            images.append(np.asarray(image.reduce(downscale) if downscale > 1 else image))
        targets.append({"boxes": target["boxes"] / downscale, "labels": target["labels"]})
        clipped.extend(lost)
    return BCCD(np.stack(images), tuple(targets), tuple(names), BCCD_CLASSES, tuple(clipped))
