"""Zip archives checked file by file: every expected member present once, each with its sha256.

CHASE_DB1 and BCCD are published as zip archives without a checksum of their own, and copies
differ in their zip metadata (dates, folder prefixes), so medlearn checks the files *inside*.
"""

from __future__ import annotations

import hashlib
import zipfile
import zlib
from collections.abc import Callable, Mapping
from pathlib import Path

from .errors import DataError

__all__ = ["checked_members"]

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
