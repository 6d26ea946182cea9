"""Shared fixtures: the real MedMNIST files and CHASE_DB1 archive, a real HTTP server that serves them, and
matplotlib without a screen (the Agg backend, every figure closed after each test). Plain shared values and
functions live in ``helpers.py``."""

from __future__ import annotations

import http.server
import io
import os
import shutil
import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from helpers import free_port

from authoring.local_server import serve
from medlearn.data import CHASEDB1_ARCHIVE, COURSE_DATASETS, data_dir, fetch_chasedb1, fetch_medmnist

matplotlib.use("Agg")  # before any test imports pyplot: no screen needed
# A chapter's claims (medlearn.claims) fail the tests; in a learner's kernel they only warn. The notebooks' kernels
# are child processes, so they inherit this. course.py sets it too, for a run given notebooks alone (this file is
# not loaded then); and without it a failed claim still fails nbval: its line ends in a cross, not the stored tick.
os.environ["MEDLEARN_STRICT_CLAIMS"] = "1"

# Files that take longest, and the notebooks by their stored run time, go to the workers first: with
# ``--dist loadfile`` each file is one unit of work, and a long notebook handed out last would leave the
# other worker idle at the end (longest first is the classic way to balance such a queue).
SLOW_TEST_FILES = ("test_site.py", "test_deploy.py", "test_cli.py")


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
                cost[path] = 1e6 - SLOW_TEST_FILES.index(path.name)  # before every notebook
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


def rewrite_archive(content: bytes, change: Callable[[dict[str, bytes]], dict[str, bytes]]) -> bytes:
    """A zip archive with the members of ``content`` after ``change`` (which may alter, drop or add members)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in change(members).items():
            archive.writestr(name, data)
    return out.getvalue()


def altered_member(members: dict[str, bytes], name: str = "Image_07R_2ndHO.png") -> dict[str, bytes]:
    """The members with one byte of ``name`` changed near its end (the image still decodes as a PNG)."""
    data = bytearray(members[name])
    data[-20] ^= 0xFF
    return members | {name: bytes(data)}


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves files from a folder; under /cut/ it promises the whole file but sends half."""

    def do_GET(self) -> None:
        if self.path.startswith("/cut/"):
            body = (Path(self.directory) / "good" / Path(self.path).name).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def http_mirror(tmp_path_factory: pytest.TempPathFactory, breast_bytes: bytes, chase_bytes: bytes) -> Iterator[str]:
    """Base URL of a server on 127.0.0.1 with folders of breastmnist.npz and CHASEDB1.zip variants.

    ``good/`` the real files, ``truncated/`` their first halves, ``wrong/`` the
    same length with other bytes (for CHASEDB1.zip: one file inside altered),
    ``missing/`` nothing (404), ``cut/`` a connection that breaks off half-way.
    """
    root = tmp_path_factory.mktemp("mirror")
    variants = {
        "good": (breast_bytes, chase_bytes),
        "truncated": (breast_bytes[: len(breast_bytes) // 2], chase_bytes[: len(chase_bytes) // 2]),
        "wrong": (bytes(b ^ 0xFF for b in breast_bytes), rewrite_archive(chase_bytes, altered_member)),
    }
    for folder, (breast, chase) in variants.items():
        (root / folder).mkdir()
        (root / folder / "breastmnist.npz").write_bytes(breast)
        (root / folder / CHASEDB1_ARCHIVE).write_bytes(chase)
    (root / "missing").mkdir()

    with serve(root, _Handler) as url:
        yield url


@pytest.fixture
def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: what a learner offline sees."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def breast_copy(tmp_path: Path, medmnist_dir: Path) -> Path:
    """A private copy of the real breastmnist.npz that a test may damage."""
    target = tmp_path / "breastmnist.npz"
    shutil.copyfile(medmnist_dir / "breastmnist.npz", target)
    return target


def save_medmnist_like(path: Path, images: dict[str, np.ndarray], labels: dict[str, np.ndarray]) -> Path:
    """Write a file in the official format: six arrays, ``{split}_images`` and ``{split}_labels``."""
    arrays = {f"{s}_images": images[s] for s in images} | {f"{s}_labels": labels[s] for s in labels}
    np.savez_compressed(path, **arrays)
    return path


@pytest.fixture(autouse=True)
def _close_figures() -> Iterator[None]:
    """Close every figure a test leaves open, so that figures do not pile up in memory."""
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
