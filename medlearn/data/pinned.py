"""Small data sets published as single files with no checksum of their own: each file pinned by its sha256.

The files sit side by side in the data folder (:func:`medlearn.data.data_dir`) under their own names. A file is
refused before it is read when it is larger than its set allows, and when its sha256 is not the pinned one, so
nothing a parser or a decompressor reads has not been checked first.

Example:
    >>> import hashlib, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> toy = PinnedFiles("toy", {"a.txt": hashlib.sha256(b"abc").hexdigest()}, "https://example.org/", 10)
    >>> _ = (Path(folder) / "a.txt").write_bytes(b"abc")
    >>> [report.status for report in toy.verify(folder)], toy.path("a.txt", folder).name
    (['ok'], 'a.txt')
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .._validation import check_bool, check_choice
from ._home import FileReport, data_dir
from .download import download_file
from .errors import DataError, DataNotFoundError


@dataclass(frozen=True)
class PinnedFiles:
    """A data set of ``files`` (name in the data folder: sha256), each downloaded from ``base_url`` followed by its
    ``sources`` path (by default its name), none larger than ``max_bytes``; ``fetcher`` is the call that fetches
    them, for the messages."""

    name: str
    files: Mapping[str, str]
    base_url: str
    max_bytes: int
    sources: Mapping[str, str] = field(default_factory=dict)
    fetcher: str = "medlearn.data.fetch_...()"

    def url(self, name: str) -> str:
        """Where file ``name`` is downloaded from."""
        return self.base_url + self.sources.get(name, name)

    def check(self, path: Path, name: str) -> None:
        """Raise ``DataError`` unless ``path`` holds the published bytes of ``name`` (its size is checked first)."""
        size = path.stat().st_size
        if size > self.max_bytes:
            raise DataError(f"{path} is {size} bytes, more than any file of {self.name} ({self.max_bytes}): not read")
        actual = hashlib.sha256(path.read_bytes()).hexdigest()
        if actual != self.files[name]:
            raise DataError(
                f"{path} is not the published {name}:\n    expected {self.files[name]}\n    actual   {actual}"
            )

    def fetch(self, root: str | os.PathLike[str] | None = None, *, progress: bool = True) -> list[Path]:
        """Make sure every file is in the data folder, verified; download any that is missing or altered."""
        return [self.path(name, root, progress=progress) for name in self.files]

    def verify(self, root: str | os.PathLike[str] | None = None) -> list[FileReport]:
        """Each file's report: ``ok``, ``bad`` (altered or too large) or ``missing``."""
        folder = data_dir(root)
        reports = []
        for name in self.files:
            path = folder / name
            if not path.is_file():
                reports.append(FileReport(name, path, "missing", f"run {self.fetcher} once (online)"))
                continue
            try:
                self.check(path, name)
            except DataError as err:
                reports.append(FileReport(name, path, "bad", str(err)))
            else:
                reports.append(FileReport(name, path, "ok"))
        return reports

    def path(
        self, name: str, root: str | os.PathLike[str] | None = None, *, download: bool = True, progress: bool = False
    ) -> Path:
        """The verified path of file ``name``, downloaded first when it is missing or altered (unless ``download`` is
        False: then ``DataNotFoundError`` when it is not there, ``DataError`` when it is altered)."""
        check_choice(name, "name", tuple(self.files))
        check_bool(download, "download")
        path = data_dir(root) / name
        try:
            self.check(path, name)
            return path
        except FileNotFoundError:
            if not download:
                raise DataNotFoundError(f"{path} is not there: run {self.fetcher} once (online)") from None
        except DataError:
            if not download:
                raise
        verify = lambda tmp: self.check(tmp, name)  # noqa: E731
        return download_file(self.url(name), path, None, verify=verify, progress=progress)
