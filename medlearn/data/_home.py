"""The course's data folder and data mirror, shared by every loader, and the report of one verified file.

Where files live, in order: the ``root`` argument, else the ``MEDLEARN_DATA``
environment variable, else a per-user cache folder (:func:`default_data_dir`).
Where missing files are downloaded from: the ``mirror`` argument, else the ``MEDLEARN_MIRROR`` environment
variable, else each data set's official site (:func:`data_mirror`).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from .._validation import check_base_url

__all__ = ["DATA_ENV", "MIRROR_ENV", "FileReport", "data_dir", "data_mirror", "default_data_dir", "download_url"]

#: Environment variable that names the folder of the course's data files.
DATA_ENV = "MEDLEARN_DATA"
#: Environment variable that names a data mirror: an http(s) base address that serves every file under its name in
#: the data folder (``breastmnist.npz``, ``CHASEDB1.zip``, ``ACRIN-FLT-Breast_PT_1.dcm``, ...), side by side.
MIRROR_ENV = "MEDLEARN_MIRROR"


def default_data_dir() -> Path:
    """The per-user cache folder used when neither ``root`` nor ``MEDLEARN_DATA`` is set.

    ``%LOCALAPPDATA%\\medlearn`` on Windows, ``~/Library/Caches/medlearn`` on
    macOS, ``$XDG_CACHE_HOME/medlearn`` (default ``~/.cache/medlearn``) elsewhere.

    Example:
        >>> default_data_dir().name
        'medlearn'
    """
    if sys.platform.startswith("win"):
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "medlearn"


def data_dir(root: str | os.PathLike[str] | None = None) -> Path:
    """The folder that holds (or will hold) the MedMNIST files.

    Args:
        root: a folder; ``None`` means ``$MEDLEARN_DATA``, else :func:`default_data_dir`.

    Example:
        >>> str(data_dir("/tmp/course-data"))
        '/tmp/course-data'
    """
    if root is None:
        root = os.environ.get(DATA_ENV) or default_data_dir()
    elif not isinstance(root, (str, os.PathLike)):
        raise ValueError(f"root must be a folder path or None, not {type(root).__name__}")
    return Path(root).expanduser()


def data_mirror(mirror: str | None = None) -> str | None:
    """The base address that downloads come from instead of the official sites, without its final slash.

    ``mirror`` when given, else ``$MEDLEARN_MIRROR`` when it is set and not empty, else None (the official sites).
    A mirror serves every file under its name in the data folder, side by side, so a folder made with
    ``python -m medlearn data copy`` (or a handout's ``data/``) can be served as it is (``python -m http.server``).
    Whatever the mirror sends is checked against the same published or pinned checksum as the official file.

    Raises:
        ValueError: ``mirror`` or ``$MEDLEARN_MIRROR`` is not an ``http://`` or ``https://`` address (the message
            names which).

    Example:
        >>> data_mirror("http://classroom.local:8000/course-data/")
        'http://classroom.local:8000/course-data'
    """
    if mirror is not None:
        return check_base_url(mirror, "mirror")
    value = os.environ.get(MIRROR_ENV, "")
    return check_base_url(value, MIRROR_ENV) if value else None


def download_url(filename: str, official: str, mirror: str | None = None) -> str:
    """Where the file ``filename`` of the data folder is downloaded from: ``{mirror}/{filename}`` when there is a
    mirror (see :func:`data_mirror`), else its ``official`` address.

    Example:
        >>> download_url("CHASEDB1.zip", "https://researchdata.kingston.ac.uk/96/1/CHASEDB1.zip", "http://lab:8000/")
        'http://lab:8000/CHASEDB1.zip'
    """
    base = data_mirror(mirror)
    return official if base is None else f"{base}/{filename}"


@dataclass(frozen=True)
class FileReport:
    """The result of verifying one file: ``status`` is ``"ok"``, ``"bad"`` or ``"missing"``."""

    name: str
    path: Path
    status: str
    detail: str = ""
