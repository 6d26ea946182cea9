"""Downloading a file safely: stream to a temporary file, check its md5, then rename.

A half-finished or corrupt download never lands under the final name, so a
file that exists under its official name was complete when it was written.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from tqdm.auto import tqdm

from .errors import DataError, DataNotFoundError

_CHUNK = 1 << 16


def md5sum(path: str | os.PathLike[str]) -> str:
    """The md5 hex digest of a file, read in chunks.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
        >>> _ = p.write_bytes(b"abc")
        >>> md5sum(p)
        '900150983cd24fb0d6963f7d28e17f72'
    """
    digest = hashlib.md5()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download_file(
    url: str,
    destination: str | os.PathLike[str],
    md5: str | None,
    *,
    verify: Callable[[Path], object] | None = None,
    progress: bool = True,
    timeout: float = 60.0,
) -> Path:
    """Download ``url`` to ``destination``, checking it before it lands.

    The bytes stream into a temporary file in the destination's directory
    (with a progress bar), the md5 is computed on the way, and only a file
    with the expected md5, which ``verify`` (when given) accepts, is renamed
    into place.

    Args:
        url: address to download from (``http``, ``https`` or ``file``).
        destination: final path of the file.
        md5: the expected md5 hex digest, or None for a file whose publisher
            gives none (then ``verify`` must check the content).
        verify: called with the temporary file's path; raises ``DataError``
            when the content is wrong.
        progress: show a progress bar.
        timeout: seconds to wait for the server before giving up.

    Returns:
        The destination path.

    Raises:
        DataNotFoundError: the server could not be reached or has no such file.
        DataError: the download was incomplete, its md5 is wrong or ``verify``
            refused it (the temporary file is removed).
        ValueError: neither ``md5`` nor ``verify`` is given.

    Example:
        >>> breast = medmnist_info("breastmnist").file()  # doctest: +SKIP
        >>> download_file(breast.url, "data/breastmnist.npz", breast.md5)  # doctest: +SKIP
    """
    if md5 is None and verify is None:
        raise ValueError("md5 must be given, or verify must check the content: a download is never kept unchecked")
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    manual = (
        f"To download it by hand, save\n    {url}\nas\n    {destination}\n"
        "(or copy the file from a machine that has it)."
    )
    digest = hashlib.md5()
    received = 0
    fd, tmp_name = tempfile.mkstemp(prefix=f".{destination.name}.", suffix=".part", dir=destination.parent)
    tmp_path = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                response = urllib.request.urlopen(url, timeout=timeout)
            except urllib.error.HTTPError as err:
                err.close()
                raise DataNotFoundError(f"The server answered {err.code} ({err.reason}) for {url}.\n{manual}") from None
            except (urllib.error.URLError, OSError) as err:
                reason = getattr(err, "reason", err)
                raise DataNotFoundError(
                    f"Could not download {url} ({reason}): this machine seems to be offline.\n{manual}"
                ) from None
            with response:
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                with tqdm(
                    total=total,
                    unit="B",
                    unit_scale=True,
                    unit_divisor=1024,
                    desc=destination.name,
                    disable=not progress,
                ) as bar:
                    try:
                        for chunk in iter(lambda: response.read(_CHUNK), b""):
                            out.write(chunk)
                            digest.update(chunk)
                            received += len(chunk)
                            bar.update(len(chunk))
                    except (OSError, urllib.error.URLError) as err:
                        raise DataError(
                            f"The download of {url} broke off after {received} bytes ({err}).\n{manual}"
                        ) from None
        if total is not None and received != total:
            raise DataError(f"The download of {url} is incomplete: {received} of {total} bytes.\n{manual}")
        actual = digest.hexdigest()
        if md5 is not None and actual != md5:
            raise DataError(
                f"The file downloaded from {url} has the wrong md5:\n"
                f"    expected {md5}\n    actual   {actual}\n"
                f"It was not kept. {manual}"
            )
        if verify is not None:
            verify(tmp_path)
        os.replace(tmp_path, destination)
    finally:
        tmp_path.unlink(missing_ok=True)
    return destination
