"""The course's data folder, shared by every loader, and the report of one verified file.

Where files live, in order: the ``root`` argument, else the ``MEDLEARN_DATA``
environment variable, else a per-user cache folder (:func:`default_data_dir`).
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DATA_ENV", "FileReport", "data_dir", "default_data_dir"]

#: Environment variable that names the folder of the course's data files.
DATA_ENV = "MEDLEARN_DATA"


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


@dataclass(frozen=True)
class FileReport:
    """The result of verifying one file: ``status`` is ``"ok"``, ``"bad"`` or ``"missing"``."""

    name: str
    path: Path
    status: str
    detail: str = ""
