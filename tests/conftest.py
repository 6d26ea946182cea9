"""Fixtures of every test folder: the real MedMNIST files and CHASE_DB1 archive, matplotlib without a screen (the
Agg backend, every figure closed after each test) and the order in which the workers take the files.

The tests live in three folders, each with a conftest of its own: ``library/`` (medlearn; ``pytest tests/library`` is
the fast loop), ``exercises/`` (the exercise checks) and ``course/`` (the notebooks, site, docs and the course's rules).
Plain shared values and functions live in ``helpers.py``."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pytest

from medlearn.data import COURSE_DATASETS, data_dir, fetch_chasedb1, fetch_isles22, fetch_medmnist, fetch_pet_slices

matplotlib.use("Agg")  # before any test imports pyplot: no screen needed
# A chapter's claims (medlearn.claims) fail the tests; in a learner's kernel they only warn. The notebooks' kernels
# are child processes, so they inherit this. course.py sets it too, for a run given notebooks alone (this file is
# not loaded then); and without it a failed claim still fails nbval: its line ends in a cross, not the stored tick.
os.environ["MEDLEARN_STRICT_CLAIMS"] = "1"

# Files that take longest, and the notebooks by their stored run time, go to the workers first: with
# ``--dist loadfile`` each file is one unit of work, and a long notebook handed out last would leave the
# other worker idle at the end (longest first is the classic way to balance such a queue).
# The slow test files' seconds were measured in one run of the whole suite on two cores (2026-11-28; the authoring,
# chapter-change and translation files again alone, after the check's message templates were compiled once); a
# notebook's come from its stored cells. course.py keeps this order (--no-loadscope-reorder).
SLOW_TEST_FILES = {
    "test_site.py": 101,
    # Before the chapter-change test, though shorter (33 s): its first test runs the whole check, whose step of typical
    # mistakes fills the cache that the chapter-change test's check then reads. With an empty cache (a fresh machine,
    # or a changed library) both checks ran that step at once, about 25 s each (authoring/mistakes.py; now a lock
    # also stops the second from running it again).
    "test_authoring.py": 54,
    "test_authoring_chapters.py": 53,
    "test_check_detection.py": 42,
    "test_exercises.py": 39,
    "test_classroom.py": 35,
    "test_translations.py": 26,
    "test_mistakes.py": 28,
    "test_models.py": 25,
    "test_check_cnn_training.py": 24,
    "test_cli.py": 23,
    "test_course_py.py": 16,
    "test_claims.py": 12,
}


def _stored_seconds(path: Path) -> float:
    """A stored notebook's run time from its cells' timing metadata (0 when unreadable)."""
    import json

    from authoring.sections import stored_seconds

    try:
        return stored_seconds(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return 0.0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Order the items by file, longest first (see above); the order within a file is kept."""
    cost: dict[Path, float] = {}
    for item in items:
        path = Path(str(item.path))
        if path not in cost:
            if path.suffix == ".ipynb":
                cost[path] = _stored_seconds(path)
            elif path.name in SLOW_TEST_FILES:
                cost[path] = SLOW_TEST_FILES[path.name]
            else:
                cost[path] = -1.0  # the many short test files fill the end
    first_seen = {path: index for index, path in enumerate(dict.fromkeys(Path(str(i.path)) for i in items))}
    items.sort(key=lambda item: (-cost[Path(str(item.path))], first_seen[Path(str(item.path))]))


@pytest.fixture(scope="session")
def medmnist_dir() -> Path:
    """The folder with the official files ($MEDLEARN_DATA in CI), downloaded if missing."""
    folder = data_dir()
    for name in COURSE_DATASETS:
        fetch_medmnist(name, folder, progress=False)
    return folder


@pytest.fixture(scope="session")
def breast_bytes(medmnist_dir: Path) -> bytes:
    return (medmnist_dir / "breastmnist.npz").read_bytes()


@pytest.fixture(scope="session")
def chase_bytes() -> bytes:
    """The real CHASE_DB1 archive ($MEDLEARN_DATA in CI), downloaded if missing."""
    return fetch_chasedb1(data_dir(), progress=False).read_bytes()


@pytest.fixture(scope="session")
def pet_and_stroke_files() -> Path:
    """The two PET slices and the ISLES'22 case ($MEDLEARN_DATA in CI), downloaded if missing."""
    fetch_pet_slices(progress=False)
    fetch_isles22(progress=False)
    return data_dir()


@pytest.fixture
def breast_copy(tmp_path: Path, medmnist_dir: Path) -> Path:
    """A private copy of the real breastmnist.npz that a test may damage."""
    target = tmp_path / "breastmnist.npz"
    shutil.copyfile(medmnist_dir / "breastmnist.npz", target)
    return target


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    """Close every figure a test leaves open, so that figures do not pile up in memory."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
