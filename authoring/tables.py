"""The shared end of the table generators (``medmnist_catalog``, ``bccd_checksums``): write the table, or with
``--check`` compare it with what its source gives now and exit 1 when they differ (drift)."""

from __future__ import annotations

from pathlib import Path

from .run_notebooks import REPO


def split_check(argv: list[str]) -> tuple[bool, list[str]]:
    """``(True if --check was given, the other arguments)``."""
    return "--check" in argv, [a for a in argv if a != "--check"]


def write_or_check(out: Path, text: str, *, check: bool, source: str) -> int:
    """Write ``text`` to ``out`` (exit code 0), or with ``check`` compare them: 0 when equal, 1 when not."""
    name = out.relative_to(REPO) if out.is_relative_to(REPO) else out
    if check:
        same = out.exists() and out.read_text(encoding="utf-8") == text
        print(f"{name}: {'up to date' if same else f'differs from {source}: regenerate it'}")
        return 0 if same else 1
    out.write_text(text, encoding="utf-8")
    print(f"wrote {name}: {text.count(chr(10))} lines from {source}")
    return 0
