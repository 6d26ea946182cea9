"""Loading, downloading and verifying the official MedMNIST files, in the course's data folder (:func:`data_dir`)."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from ._home import DATA_ENV, FileReport, data_dir, default_data_dir, download_url
from .catalog import IMAGE_SIZE, SPLITS, MedMNISTFile, medmnist_info, medmnist_names
from .download import download_file, md5sum
from .errors import DataError, DataNotFoundError


def _url(record: MedMNISTFile, mirror: str | None) -> str:
    return download_url(record.filename, record.url, mirror)


def fetch_medmnist(
    name: str,
    root: str | os.PathLike[str] | None = None,
    *,
    mirror: str | None = None,
    progress: bool = True,
    force: bool = False,
    size: int = IMAGE_SIZE,
) -> Path:
    """Make sure the official file of dataset ``name`` is on disk; download it if not.

    A file that is already there and has the right md5 is kept. The download
    streams to a temporary file and lands only with the right md5.

    Args:
        name: dataset name, for example ``"breastmnist"``.
        root: folder for the files (see :func:`data_dir`).
        mirror: base URL (http or https) that serves ``{name}.npz`` instead of
            Zenodo (for example a classroom server); None means
            ``$MEDLEARN_MIRROR`` when it is set, else Zenodo (see
            :func:`medlearn.data.data_mirror`).
        progress: show a progress bar while downloading.
        force: download again even when a good file is there.
        size: side length of the file to fetch (see :attr:`MedMNISTInfo.sizes`).

    Returns:
        Path of the verified file.

    Raises:
        ValueError: unknown ``name``, unpublished ``size`` or bad ``mirror``.
        DataNotFoundError: offline, or the server has no such file.
        DataError: the download, or the file already there, has the wrong md5.

    Example:
        >>> fetch_medmnist("breastmnist")  # doctest: +SKIP
        PosixPath('/home/me/.cache/medlearn/breastmnist.npz')
    """
    record = medmnist_info(name).file(size)
    url = _url(record, mirror)
    path = data_dir(root) / record.filename
    if path.exists() and not force:
        _check_md5(path, record, url)
        return path
    return download_file(url, path, record.md5, progress=progress)


def _fetch_command(record: MedMNISTFile) -> str:
    size = "" if record.size == IMAGE_SIZE else f" --size {record.size}"
    return f"python -m medlearn data fetch {record.info.name}{size}"


def _check_md5(path: Path, record: MedMNISTFile, url: str) -> None:
    actual, expected = md5sum(path), record.md5
    if actual != expected:
        raise DataError(
            f"{path} is not the official {record.filename} (truncated, damaged or a "
            f"different file):\n    expected md5 {expected}\n    actual md5   {actual}\n"
            f"Delete it and run `{_fetch_command(record)}`, or download\n"
            f"    {url}\nby hand into {path.parent}."
        )


def _missing_message(record: MedMNISTFile, folder: Path, url: str) -> str:
    return (
        f"{record.filename} is not in {folder}.\n"
        f"Run `{_fetch_command(record)}` on a machine that is online, "
        f"or download\n    {url}\nand put it in {folder} "
        f"(or set {DATA_ENV} to the folder that has it)."
    )


def _open_checked(path: Path, record: MedMNISTFile, splits: tuple[str, ...] = SPLITS) -> dict[str, np.ndarray]:
    """Check that all six arrays are there; read those of ``splits`` and check dtypes and shapes (never unpickles).

    A file whose md5 is the official one needs only the split it is asked for: its other arrays are the official
    ones too. :func:`verify_medmnist`, and a file loaded without its md5 checked, read and check all six.
    """
    info = record.info
    problem = f"{path} is not a valid {record.filename}"
    expected = [f"{split}_{kind}" for split in SPLITS for kind in ("images", "labels")]
    try:
        with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as npz:
            missing = [key for key in expected if key not in npz.files]
            arrays = {} if missing else {f"{s}_{k}": npz[f"{s}_{k}"] for s in splits for k in ("images", "labels")}
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as err:
        raise DataError(f"{problem}: it cannot be read as an .npz archive ({err}).") from None
    if missing:
        raise DataError(f"{problem}: it lacks the arrays {', '.join(missing)}.")
    n_labels = info.n_classes if info.multi_label else 1
    for split in splits:
        images, labels = arrays[f"{split}_images"], arrays[f"{split}_labels"]
        shape = (len(images),) + record.image_shape
        if images.dtype != np.uint8 or images.shape != shape:
            raise DataError(f"{problem}: {split}_images is {images.dtype} {images.shape}, expected uint8 {shape}.")
        if labels.shape != (len(images), n_labels) or labels.dtype.kind not in "iu":
            raise DataError(
                f"{problem}: {split}_labels is {labels.dtype} {labels.shape}, "
                f"expected integers of shape {(len(images), n_labels)}."
            )
        top = 1 if info.multi_label else info.n_classes - 1
        if labels.size and (labels.min() < 0 or labels.max() > top):
            raise DataError(f"{problem}: {split}_labels holds values outside 0..{top}.")
    return arrays


def load_medmnist(
    name: str,
    split: str = "train",
    root: str | os.PathLike[str] | None = None,
    download: bool = True,
    *,
    check_md5: bool = True,
    mirror: str | None = None,
    size: int = IMAGE_SIZE,
) -> tuple[np.ndarray, np.ndarray]:
    """Load one split of an official MedMNIST dataset, 2-D or 3-D, at one of its published sizes.

    Args:
        name: dataset name, for example ``"pneumoniamnist"`` (see
            :func:`medmnist_names`).
        split: ``"train"``, ``"val"`` or ``"test"``.
        root: folder with the files; ``None`` means ``$MEDLEARN_DATA``, else
            the per-user cache folder.
        download: download the file from Zenodo when it is not on disk.
        check_md5: verify the file against the official md5. Turn off only for
            a file you built yourself in the same format.
        mirror: base URL to download from instead of Zenodo; None means
            ``$MEDLEARN_MIRROR`` when it is set (see :func:`fetch_medmnist`).
        size: side length: 28 (the default), or a MedMNIST+ size (2-D: 64,
            128, 224; 3-D: 64); see :attr:`MedMNISTInfo.sizes`.

    Returns:
        ``(images, labels)``: images uint8 of shape ``(N, size, size)``
        (grayscale), ``(N, size, size, 3)`` (RGB) or ``(N, size, size, size)``
        (a 3-D volume, axes depth, height, width); labels int64 of shape
        ``(N,)``, or ``(N, 14)`` of 0/1 for the multi-label ChestMNIST.

    Raises:
        ValueError: unknown ``name``, ``split`` or ``size``.
        DataNotFoundError: the file is missing and cannot be downloaded.
        DataError: the file is damaged or not the official one.

    Example:
        >>> images, labels = load_medmnist("breastmnist", "test")
        >>> images.shape, labels.shape
        ((156, 28, 28), (156,))
        >>> load_medmnist("adrenalmnist3d", "test")[0].shape
        (298, 28, 28, 28)
    """
    record = medmnist_info(name).file(size)  # an unpublished size fails here, before any download
    info = record.info
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, not {split!r}")
    url = _url(record, mirror)
    folder = data_dir(root)
    path = folder / record.filename
    if not path.exists():
        if not download:
            raise DataNotFoundError(_missing_message(record, folder, url))
        try:
            fetch_medmnist(info.name, folder, mirror=mirror, size=size)
        except DataNotFoundError as err:
            raise DataNotFoundError(f"{err}\n\n{_missing_message(record, folder, url)}") from None
    elif check_md5:
        _check_md5(path, record, url)
    # The official file (downloaded with its md5 checked, or checked now) is read one split at a time.
    arrays = _open_checked(path, record, (split,) if check_md5 else SPLITS)
    images = arrays[f"{split}_images"]
    labels = arrays[f"{split}_labels"].astype(np.int64)
    if not info.multi_label:
        labels = labels[:, 0]
    return images, labels


def verify_medmnist(root: str | os.PathLike[str] | None = None, names: Iterable[str] | None = None) -> list[FileReport]:
    """Check the MedMNIST files in a folder: md5, array names, dtypes and shapes.

    Args:
        root: folder to check (see :func:`data_dir`).
        names: datasets to check; ``None`` means every official file found there.

    Returns:
        One :class:`FileReport` per dataset checked (``"missing"`` only for
        datasets named in ``names``).

    Example:
        >>> [r.status for r in verify_medmnist(names=["breastmnist"])]
        ['ok']
    """
    folder = data_dir(root)
    if names is None:
        records = [info.file(size) for info in map(medmnist_info, medmnist_names()) for size in info.sizes]
        records = [record for record in records if (folder / record.filename).exists()]
    else:
        records = [medmnist_info(n).file() for n in names]
    reports = []
    for record in records:
        path = folder / record.filename
        if not path.exists():
            reports.append(FileReport(record.label, path, "missing", _missing_message(record, folder, record.url)))
            continue
        try:
            _check_md5(path, record, record.url)
            _open_checked(path, record)
        except DataError as err:
            reports.append(FileReport(record.label, path, "bad", str(err)))
        else:
            reports.append(FileReport(record.label, path, "ok", f"md5 {record.md5}"))
    return reports


__all__ = [  # DATA_ENV, FileReport, data_dir and default_data_dir come from ._home, re-exported as before
    "DATA_ENV",
    "FileReport",
    "IMAGE_SIZE",
    "data_dir",
    "default_data_dir",
    "fetch_medmnist",
    "load_medmnist",
    "verify_medmnist",
]
