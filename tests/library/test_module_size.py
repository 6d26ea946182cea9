"""Every hand-written module of medlearn stays under 400 lines, so that a module keeps one job."""

from __future__ import annotations

from helpers import REPO

LIMIT = 400


def test_modules_are_under_the_limit() -> None:
    sizes = {
        path.relative_to(REPO).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in (REPO / "medlearn").rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n >= LIMIT} == {}
