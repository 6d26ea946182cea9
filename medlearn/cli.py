"""Command line for classrooms: download the data once, verify every copy.

python -m medlearn data list
python -m medlearn data fetch breastmnist pneumoniamnist --to course-data
python -m medlearn data verify --root course-data
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .data import (
    COURSE_DATASETS,
    DATA_ENV,
    SPLITS,
    DataError,
    data_dir,
    fetch_medmnist,
    medmnist_info,
    medmnist_names,
    verify_medmnist,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m medlearn", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    data = commands.add_parser("data", help="download, verify and list MedMNIST files")
    actions = data.add_subparsers(dest="action", required=True)

    actions.add_parser("list", help="list the datasets medlearn knows")

    fetch = actions.add_parser("fetch", help="download datasets (md5-checked) into a folder")
    fetch.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"datasets to fetch (default: the course's, {' '.join(COURSE_DATASETS)})",
    )
    fetch.add_argument("--to", metavar="DIR", help=f"folder (default: ${DATA_ENV}, else the user cache)")
    fetch.add_argument("--mirror", metavar="URL", help="base URL that serves NAME.npz instead of Zenodo")
    fetch.add_argument("--force", action="store_true", help="download again even when a good copy is there")

    verify = actions.add_parser("verify", help="check md5 and contents of the files in a folder")
    verify.add_argument("names", nargs="*", metavar="NAME", help="datasets that must be there (default: all found)")
    verify.add_argument("--root", metavar="DIR", help=f"folder (default: ${DATA_ENV}, else the user cache)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 when all went well).

    Example:
        >>> main(["data", "verify", "--root", "course-data"])  # doctest: +SKIP
        ok       breastmnist     course-data/breastmnist.npz
        0
    """
    args = _parser().parse_args(argv)
    try:
        if args.action == "list":
            for name in medmnist_names():
                info = medmnist_info(name)
                sizes = "/".join(str(info.n_samples[s]) for s in SPLITS)
                print(f"{name:15} {info.modality:38} {info.task:26} {info.n_classes:2} classes  {sizes}")
            return 0
        if args.action == "fetch":
            for name in args.names or COURSE_DATASETS:
                path = fetch_medmnist(name, args.to, mirror=args.mirror, force=args.force)
                print(f"ok       {medmnist_info(name).name:15} {path}")
            return 0
        reports = verify_medmnist(args.root, args.names or None)
    except (ValueError, DataError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if not reports:
        print(f"error: no MedMNIST files in {data_dir(args.root)}", file=sys.stderr)
        return 1
    for report in reports:
        print(f"{report.status:8} {report.name:15} {report.path}")
        if report.status != "ok":
            print("    " + report.detail.replace("\n", "\n    "))
    return 0 if all(r.status == "ok" for r in reports) else 1
