#!/usr/bin/env python3
"""Write medlearn's table of MedMNIST files from the ``medmnist`` package's own metadata.

    python -m authoring.medmnist_catalog              # downloads the pinned medmnist wheel with pip
    python -m authoring.medmnist_catalog WHEEL.whl    # or reads a wheel already on disk
    python -m authoring.medmnist_catalog --check      # exit 1 if the shipped table differs from the wheel's

The ``medmnist`` package (Apache-2.0) publishes, in ``medmnist/info.py``, the
official md5 of every file of Zenodo record 10519652: 12 two-dimensional
datasets at 28, 64, 128 and 224 pixels and 6 three-dimensional ones at 28 and
64 voxels a side. medlearn cannot depend on that package (it requires PyTorch),
so this script reads ``info.py`` out of the wheel without importing or
executing it (``ast.literal_eval`` of the ``INFO`` literal) and writes
``medlearn/data/medmnist_files.json`` (package data, read by ``medlearn.data._tables``).
``tests/library/test_medmnist_catalog.py`` checks that the table is what this script makes of the wheel (drift), and
that it agrees with the hand-written catalog and with the shared files.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

from .run_notebooks import REPO
from .tables import split_check, write_or_check
from .wheels import read_from_wheel

MEDMNIST_VERSION = "3.0.2"
RECORD = "10519652"
OUT = REPO / "medlearn" / "data" / "medmnist_files.json"


def read_info(wheel: Path | None) -> dict:
    """The ``INFO`` dictionary of ``medmnist/info.py`` inside ``wheel`` (downloaded when None), parsed as a literal."""
    source = read_from_wheel(f"medmnist=={MEDMNIST_VERSION}", "medmnist/info.py", wheel)
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "INFO" for t in node.targets):
            return ast.literal_eval(node.value)
    raise SystemExit(f"{wheel}: medmnist/info.py has no INFO literal")


def table(info: dict) -> dict:
    """medlearn's table: per dataset, the facts and the md5 of each size."""
    out = {}
    for name, entry in info.items():
        md5 = {"28": entry["MD5"]}
        for key, value in entry.items():
            if key.startswith("MD5_"):
                md5[key.removeprefix("MD5_")] = value
        urls = [v for k, v in entry.items() if k.startswith("url")]
        if not all(f"/records/{RECORD}/" in url for url in urls):
            raise SystemExit(f"{name}: a download address is not in Zenodo record {RECORD}: {urls}")
        out[name] = {
            "title": entry["python_class"],
            "ndim": 3 if name.endswith("3d") else 2,
            "task": entry["task"],
            "label_names": [entry["label"][str(k)] for k in range(len(entry["label"]))],
            "n_channels": entry["n_channels"],
            "n_samples": entry["n_samples"],
            "license": entry["license"],
            "description": entry["description"],
            "md5": md5,
        }
    return out


def render(wheel: Path | None = None) -> str:
    """The text of ``medmnist_files.json`` made from the wheel (downloaded when None)."""
    data = {
        "source": f"medmnist {MEDMNIST_VERSION}, medmnist/info.py (INFO), Zenodo record {RECORD}",
        "record": RECORD,
        "datasets": table(read_info(wheel)),
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    check, paths = split_check(argv)
    return write_or_check(OUT, render(Path(paths[0]) if paths else None), check=check, source="the medmnist wheel")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
