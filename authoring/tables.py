"""The shared end of the table generators (``medmnist_catalog``, ``bccd_checksums``, ``deid_profile``,
``iod_types``): write the table, or with ``--check`` compare it with what its source gives now and exit 1 when
they differ (drift)."""

from __future__ import annotations

import gzip
from pathlib import Path

from .run_notebooks import REPO


def split_check(argv: list[str]) -> tuple[bool, list[str]]:
    """``(True if --check was given, the other arguments)``."""
    return "--check" in argv, [a for a in argv if a != "--check"]


def write_or_check(out: Path, text: str, *, check: bool, source: str) -> int:
    """Write ``text`` to ``out`` (exit code 0), or with ``check`` compare them: 0 when equal, 1 when not.

    An ``out`` ending in ``.gz`` is written gzip-compressed (without a time stamp) and compared decompressed,
    since another zlib may compress the same text to other bytes.
    """
    name = out.relative_to(REPO) if out.is_relative_to(REPO) else out
    zipped = out.suffix == ".gz"
    if check:
        stored = (
            (gzip.decompress(out.read_bytes()).decode("utf-8") if zipped else out.read_text("utf-8"))
            if out.exists()
            else None
        )
        same = stored == text
        print(f"{name}: {'up to date' if same else f'differs from {source}: regenerate it'}")
        return 0 if same else 1
    out.parent.mkdir(parents=True, exist_ok=True)
    if zipped:
        out.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    else:
        out.write_text(text, encoding="utf-8")
    print(f"wrote {name}: {text.count(chr(10))} lines from {source}")
    return 0
