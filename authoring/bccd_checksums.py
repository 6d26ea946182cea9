#!/usr/bin/env python3
"""Write medlearn's table of BCCD's files (``medlearn/data/bccd.sha256``) from the data set's archive.

    python -m authoring.bccd_checksums                  # the archive in the data folder ($MEDLEARN_DATA)
    python -m authoring.bccd_checksums ARCHIVE.zip      # or an archive given
    python -m authoring.bccd_checksums --check          # exit 1 if the shipped table differs from the archive's

The archive is the public repository Shenggan/BCCD_Dataset at commit ``medlearn.data.BCCD_COMMIT`` (its files
under one folder ``BCCD_Dataset-<commit>/``), or the course's copy of the same files without that folder. The
data set's files are ``BCCD/`` (annotations, split lists, photographs), ``LICENSE`` and ``README.md``; the
repository's scripts and example image are left out. The table has ``sha256sum``'s format, sorted by path, so
it is byte for byte the data set's ``SHA256SUMS``. ``tests/library/test_data_bccd.py`` checks that the table is what
this script makes of the real archive (drift).
"""

from __future__ import annotations

import hashlib
import sys
import zipfile
from pathlib import Path

from medlearn.data.bccd import member_path

from .run_notebooks import REPO
from .tables import split_check, write_or_check

OUT = REPO / "medlearn" / "data" / "bccd.sha256"


def render(archive: Path) -> str:
    """``<sha256>  <path>`` for each file of the data set inside ``archive``, sorted by path."""
    sums = {}
    with zipfile.ZipFile(archive) as opened:
        for member in opened.namelist():
            path = member_path(member)
            if path is not None:
                sums[path] = hashlib.sha256(opened.read(member)).hexdigest()
    return "".join(f"{digest}  {path}\n" for path, digest in sorted(sums.items()))


def main(argv: list[str]) -> int:
    from medlearn.data import BCCD_ARCHIVE, data_dir

    check, paths = split_check(argv)
    text = render(Path(paths[0]) if paths else data_dir() / BCCD_ARCHIVE)
    return write_or_check(OUT, text, check=check, source="the BCCD archive")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
