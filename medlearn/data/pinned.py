"""Small data sets published as single files with no checksum of their own: each file pinned by its sha256.

The files sit side by side in the data folder (:func:`medlearn.data.data_dir`) under their own names. A file is
refused before it is read when it is larger than its set allows, and when its sha256 is not the pinned one, so
nothing a parser or a decompressor reads has not been checked first. A data mirror
(:func:`medlearn.data.data_mirror`) serves each file under that same name; its bytes are checked the same way.

Example:
    >>> import hashlib, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> toy = PinnedFiles("toy", {"a.txt": hashlib.sha256(b"abc").hexdigest()}, "https://example.org/", 10)
    >>> _ = (Path(folder) / "a.txt").write_bytes(b"abc")
    >>> [report.status for report in toy.verify(folder)], toy.path("a.txt", folder).name
    (['ok'], 'a.txt')
    >>> toy.url("a.txt"), toy.url("a.txt", mirror="http://classroom.local:8000/data")
    ('https://example.org/a.txt', 'http://classroom.local:8000/data/a.txt')
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .._validation import check_bool, check_choice
from ._home import DATA_ENV, FileReport, data_dir, download_url
from .download import download_file
from .errors import DataError, DataNotFoundError


@dataclass(frozen=True)
class PinnedFiles:
    """A data set of ``files`` (name in the data folder: sha256), each downloaded from ``base_url`` followed by its
    ``sources`` path (by default its name), none larger than ``max_bytes``; ``fetcher`` is the call that fetches
    them, for the messages; ``name`` is its name on the command line (``python -m medlearn data fetch pet``) and
    ``summary`` its line in ``python -m medlearn data list`` (its source and licence). ``title`` names it in
    messages."""

    title: str
    files: Mapping[str, str]
    base_url: str
    max_bytes: int
    sources: Mapping[str, str] = field(default_factory=dict)
    fetcher: str = "medlearn.data.fetch_...()"
    name: str = ""
    summary: str = ""

    @property
    def filenames(self) -> tuple[str, ...]:
        """The files' names in the data folder (what a mirror serves)."""
        return tuple(self.files)

    def url(self, name: str, mirror: str | None = None) -> str:
        """Where file ``name`` is downloaded from: the data mirror (``mirror``, else ``$MEDLEARN_MIRROR``) serves
        it under its name; without one, the official address."""
        return download_url(name, self.base_url + self.sources.get(name, name), mirror)

    def check(self, path: Path, name: str) -> None:
        """Raise ``DataError`` unless ``path`` holds the published bytes of ``name`` (its size is checked first)."""
        size = path.stat().st_size
        if size > self.max_bytes:
            raise DataError(f"{path} is {size} bytes, more than any file of {self.title} ({self.max_bytes}): not read")
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != self.files[name]:
            raise DataError(
                f"{path} is not the published {name}:\n    expected {self.files[name]}\n    actual   {actual}"
            )

    def fetch(
        self,
        root: str | os.PathLike[str] | None = None,
        *,
        mirror: str | None = None,
        progress: bool = True,
        force: bool = False,
    ) -> list[Path]:
        """Make sure every file is in the data folder, verified; download any that is missing or altered (every
        file, with ``force``), from ``mirror`` (else ``$MEDLEARN_MIRROR``, else the official address)."""
        if check_bool(force, "force"):
            folder = data_dir(root)
            return [self._download(name, folder / name, mirror, progress) for name in self.files]
        return [self.path(name, root, progress=progress, mirror=mirror) for name in self.files]

    def reports(self, root: str | os.PathLike[str] | None = None) -> list[FileReport]:
        """Each file's report (the command line's and the machine check's view): the same as :meth:`verify`."""
        return self.verify(root)

    def verify(self, root: str | os.PathLike[str] | None = None) -> list[FileReport]:
        """Each file's report: ``ok``, ``bad`` (altered or too large) or ``missing``."""
        folder = data_dir(root)
        reports = []
        for name in self.files:
            path = folder / name
            if not path.is_file():
                reports.append(FileReport(name, path, "missing", self._missing(folder)))
                continue
            try:
                self.check(path, name)
            except DataError as err:
                reports.append(FileReport(name, path, "bad", str(err)))
            else:
                reports.append(FileReport(name, path, "ok", "sha256"))
        return reports

    def copy(self, source: str | os.PathLike[str], target: str | os.PathLike[str]) -> list[Path]:
        """Copy every file from the folder ``source`` to the folder ``target``, each checked before it lands there
        (as a download is); ``DataNotFoundError`` when one is not in ``source``, ``DataError`` when one is altered."""
        source, target = Path(source), Path(target)
        copied = []
        for name in self.files:
            if not (source / name).is_file():
                raise DataNotFoundError(f"{name} is not in {source}: {self._missing(source)}")
            verify = lambda tmp, name=name: self.check(tmp, name)  # noqa: E731
            copied.append(download_file((source / name).resolve().as_uri(), target / name, None, verify=verify))
        return copied

    def path(
        self,
        name: str,
        root: str | os.PathLike[str] | None = None,
        *,
        download: bool = True,
        progress: bool = False,
        mirror: str | None = None,
    ) -> Path:
        """The verified path of file ``name``, downloaded first when it is missing or altered (unless ``download`` is
        False: then ``DataNotFoundError`` when it is not there, ``DataError`` when it is altered), from ``mirror``
        (else ``$MEDLEARN_MIRROR``, else the official address)."""
        check_choice(name, "name", tuple(self.files))
        check_bool(download, "download")
        path = data_dir(root) / name
        try:
            self.check(path, name)
            return path
        except FileNotFoundError:
            if not download:
                raise DataNotFoundError(f"{path} is not there: {self._missing(path.parent)}") from None
        except DataError:
            if not download:
                raise
        return self._download(name, path, mirror, progress)

    def _download(self, name: str, path: Path, mirror: str | None, progress: bool) -> Path:
        verify = lambda tmp: self.check(tmp, name)  # noqa: E731
        return download_file(self.url(name, mirror), path, None, verify=verify, progress=progress)

    def _missing(self, folder: Path) -> str:
        return (
            f"run {self.fetcher} once (online), or copy the files of {self.title} into {folder} "
            f"(or set {DATA_ENV} to the folder that has them)"
        )
