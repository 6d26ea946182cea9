"""Zip archives checked file by file: every expected member present once, each with its sha256.

CHASE_DB1 and BCCD are published as zip archives without a checksum of their own, and copies
differ in their zip metadata (dates, folder prefixes), so medlearn checks the files *inside*. A data mirror
(:func:`medlearn.data.data_mirror`) serves the archive under its name in the data folder; it is checked the same way.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ._home import DATA_ENV, FileReport, data_dir, download_url
from .download import download_file
from .errors import DataError, DataNotFoundError

__all__ = ["ArchiveDataset", "checked_members"]

#: A member larger than this is refused before it is read (a zip bomb cannot fill the memory).
MAX_MEMBER_BYTES = 64 << 20
#: Members that together claim more than this are refused before the rest is read.
MAX_TOTAL_BYTES = 256 << 20


def checked_members(
    path: Path,
    expected: Mapping[str, str],
    key: Callable[[str], str | None],
    *,
    dataset: str,
    where: str,
    fix: str,
) -> dict[str, bytes]:
    """Every expected file of the archive at ``path``, by its key, each checked against its sha256.

    Args:
        path: the zip archive.
        expected: the sha256 of every file, by key.
        key: maps a member's path in the archive to its key in ``expected``, or to None for a member
            that is not part of the data set and is skipped; it raises DataError for a member that
            claims to be part of it but is not (its message names the member).
        dataset: the data set's name, for messages.
        where: how messages name the archive (its path, or the URL it was downloaded from).
        fix: what messages tell the user to do.

    Raises:
        DataError: the archive cannot be read, or a file is missing, doubled, extra, truncated or
            altered; the message names the first such file.

    Example:
        >>> from medlearn.data import CHASEDB1_SHA256, data_dir
        >>> members = checked_members(data_dir() / "CHASEDB1.zip", CHASEDB1_SHA256, lambda n: n,
        ...                           dataset="CHASE_DB1", where="CHASEDB1.zip", fix="")
        >>> len(members)
        84
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise DataError(f"{where} cannot be read as a zip archive (truncated or damaged: {err}).\n{fix}") from None
    with archive:
        members: dict[str, bytes] = {}
        total = 0
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = key(info.filename)
            if name is None:
                continue
            if name not in expected:
                raise DataError(f"{where} holds {info.filename}, which is not a file of {dataset}.\n{fix}")
            if name in members:
                raise DataError(f"{where} holds {name} twice.\n{fix}")
            if info.file_size > MAX_MEMBER_BYTES:
                raise DataError(f"{name} in {where} claims {info.file_size} bytes: no file of {dataset} is so large.")
            total += info.file_size
            if total > MAX_TOTAL_BYTES:
                raise DataError(f"{where} claims more than {MAX_TOTAL_BYTES >> 20} MiB of {dataset} files.\n{fix}")
            try:
                members[name] = archive.read(info)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
                raise DataError(f"{name} in {where} cannot be read (truncated or damaged: {err}).\n{fix}") from None
    missing = sorted(set(expected) - set(members))
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise DataError(f"{where} lacks {missing[0]}{more}.\n{fix}")
    for name, content in sorted(members.items()):
        actual = hashlib.sha256(content).hexdigest()
        if actual != expected[name]:
            raise DataError(
                f"{name} in {where} is not the official file (altered or truncated):\n"
                f"    expected sha256 {expected[name]}\n    actual sha256   {actual}\n{fix}"
            )
    return members


@dataclass(frozen=True)
class ArchiveDataset:
    """A data set published as one zip archive, checked file by file: how to fetch, verify and read it.

    ``fetch_chasedb1``, ``verify_chasedb1`` and their BCCD twins are this class's methods on the two
    data sets; the command line and the machine check read :data:`medlearn.data.FILE_DATASETS`, which holds
    them beside the pinned files (:class:`medlearn.data.PinnedFiles`): ``filenames``, ``fetch``, ``reports``
    and ``copy`` are what the two classes share.

    Example:
        >>> from medlearn.data import ARCHIVE_DATASETS
        >>> ARCHIVE_DATASETS["bccd"].filename, ARCHIVE_DATASETS["bccd"].verify().status
        ('BCCD_Dataset.zip', 'ok')
    """

    name: str  #: the command line's name, "chasedb1"
    title: str  #: how messages name the data set, "CHASE_DB1"
    filename: str  #: the archive's file name in the data folder
    url: str  #: the official download address
    sha256: Mapping[str, str]  #: sha256 of every file of the data set, by key
    key: Callable[[str], str | None]  #: an archive member's key (see :func:`checked_members`)
    summary: str  #: its line in ``python -m medlearn data list``

    @property
    def filenames(self) -> tuple[str, ...]:
        """The archive's name in the data folder, as a tuple (what a mirror serves)."""
        return (self.filename,)

    def download_url(self, mirror: str | None = None) -> str:
        """Where the archive is downloaded from: the data mirror (``mirror``, else ``$MEDLEARN_MIRROR``) serves it
        under its name; without one, the official address."""
        return download_url(self.filename, self.url, mirror)

    def manual(self, url: str, folder: Path) -> str:
        """What to do by hand when the archive cannot be downloaded."""
        return (
            f"Download\n    {url}\nand save it as {self.filename} in {folder} "
            f"(or set {DATA_ENV} to the folder that has it); then run `python -m medlearn data verify`."
        )

    def members(self, path: Path, url: str | None = None, *, download: bool = False) -> dict[str, bytes]:
        """Every file of the archive at ``path``, checked; with ``download``, the messages say it was not kept."""
        url = url or self.url
        if download:
            where, fix = f"the archive downloaded from {url}", f"It was not kept.\n{self.manual(url, path.parent)}"
        else:
            where = str(path)
            fix = (
                f"Delete {path} and run `python -m medlearn data fetch {self.name}`, or:\n"
                f"{self.manual(url, path.parent)}"
            )
        return checked_members(path, self.sha256, self.key, dataset=self.title, where=where, fix=fix)

    def fetch(
        self,
        root: str | os.PathLike[str] | None = None,
        *,
        url: str | None = None,
        mirror: str | None = None,
        progress: bool = True,
        force: bool = False,
    ) -> Path:
        """A verified archive in the data folder, downloaded (and checked before it lands) if need be, from ``url``
        (else the data mirror's ``{mirror}/{filename}``, see :meth:`download_url`)."""
        url = self.download_url(mirror) if url is None else url
        if not isinstance(url, str) or not url:
            raise ValueError(f"url must be the address of {self.filename}, not {url!r}")
        path = data_dir(root) / self.filename
        if path.exists() and not force:
            self.members(path, url)
            return path
        try:
            return download_file(
                url, path, None, verify=lambda p: self.members(p, url, download=True), progress=progress
            )
        except DataNotFoundError as err:
            raise DataNotFoundError(f"{err}\n\n{self.manual(url, path.parent)}") from None

    def reports(self, root: str | os.PathLike[str] | None = None) -> list[FileReport]:
        """The archive's report in a list (the command line's and the machine check's view of every data set)."""
        return [self.verify(root)]

    def copy(self, source: str | os.PathLike[str], target: str | os.PathLike[str]) -> list[Path]:
        """Copy the archive from the folder ``source`` to the folder ``target``, checked file by file before it
        lands there (as a download is); ``DataNotFoundError`` when it is not in ``source``."""
        path = Path(source) / self.filename
        if not path.is_file():
            raise DataNotFoundError(f"{self.filename} is not in {source}.\n{self.manual(self.url, Path(source))}")
        return [self.fetch(target, url=path.resolve().as_uri(), progress=False, force=True)]

    def verify(self, root: str | os.PathLike[str] | None = None) -> FileReport:
        """The archive in a folder checked file by file: ``ok``, ``bad`` or ``missing``."""
        path = data_dir(root) / self.filename
        if not path.exists():
            return FileReport(self.name, path, "missing", self.manual(self.url, path.parent))
        try:
            self.members(path)
        except DataError as err:
            return FileReport(self.name, path, "bad", str(err))
        return FileReport(self.name, path, "ok", f"{len(self.sha256)} files, sha256 each")

    def read(self, root: str | os.PathLike[str] | None, download: bool, url: str | None = None) -> dict[str, bytes]:
        """Every checked file of the archive in the data folder; downloaded first when allowed."""
        folder = data_dir(root)
        path = folder / self.filename
        url = url or self.download_url()
        if path.exists():
            return self.members(path, url)
        if download:
            return self.members(self.fetch(folder, url=url), url)
        raise DataNotFoundError(f"{self.filename} is not in {folder}.\n{self.manual(url, folder)}")
