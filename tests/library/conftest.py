"""Fixtures of the library's tests: a real HTTP server on 127.0.0.1 that serves the real data files and damaged
copies of them, and a URL where nothing listens (what a learner offline sees)."""

from __future__ import annotations

import http.server
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import altered_member, free_port, rewrite_archive

from authoring.local_server import serve
from medlearn.data import CHASEDB1_ARCHIVE, COURSE_DATASETS, FILE_DATASETS, PINNED_DATASETS, data_dir, medmnist_info


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


@pytest.fixture(scope="session")
def classroom_mirror(
    tmp_path_factory: pytest.TempPathFactory, medmnist_dir: Path, chase_bytes: bytes, pet_and_stroke_files: Path
) -> Iterator[str]:
    """Base URL of a server on 127.0.0.1 laid out as a data mirror is: every file under its name in the data folder.

    ``good/`` the course's files (links to the real ones: the MedMNIST files, the archives, the PET slices and the
    ISLES'22 case), side by side, as ``python -m medlearn data copy`` leaves them; ``altered/`` every pinned file
    with one bit flipped (its size unchanged).
    """
    root = tmp_path_factory.mktemp("classroom")
    (root / "good").mkdir()
    (root / "altered").mkdir()
    names = [medmnist_info(name).file().filename for name in COURSE_DATASETS]
    names += [file for dataset in FILE_DATASETS.values() for file in dataset.filenames]
    for name in names:
        (root / "good" / name).symlink_to(data_dir() / name)
    for dataset in PINNED_DATASETS.values():
        for name in dataset.filenames:
            content = bytearray((data_dir() / name).read_bytes())
            content[len(content) // 2] ^= 0x01
            (root / "altered" / name).write_bytes(bytes(content))
    with serve(root) as url:
        yield url


@pytest.fixture
def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: what a learner offline sees."""
    return f"http://127.0.0.1:{free_port()}"
