"""Command line for classrooms: download the data once, verify every copy.

python -m medlearn data list
python -m medlearn data fetch breastmnist pneumoniamnist chasedb1 bccd --to course-data
python -m medlearn data fetch adrenalmnist3d --size 64
python -m medlearn data verify --root course-data
python -m medlearn data copy --to /media/usb/course-data   # the verified files, for a machine offline
python -m medlearn doctor                # is this machine ready for the course? (medlearn.doctor)
python -m medlearn serve BUNDLE --port 8000   # a model bundle as an HTTP service (medlearn.deploy.service)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .data import (
    ARCHIVE_DATASETS,
    COURSE_DATASETS,
    DATA_ENV,
    IMAGE_SIZE,
    SPLITS,
    DataError,
    data_dir,
    fetch_medmnist,
    medmnist_info,
    medmnist_names,
    verify_medmnist,
)

#: The data sets published as zip archives (CHASE_DB1, BCCD), by their command-line name.
ARCHIVES = ARCHIVE_DATASETS
FILENAMES = ", ".join(dataset.filename for dataset in ARCHIVES.values())


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m medlearn", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    data = commands.add_parser("data", help="download, verify and list MedMNIST files, CHASE_DB1 and BCCD")
    actions = data.add_subparsers(dest="action", required=True)

    actions.add_parser("list", help="list the datasets medlearn knows")

    fetch = actions.add_parser("fetch", help="download datasets (md5-checked) into a folder")
    fetch.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"datasets to fetch (default: the course's, {' '.join([*COURSE_DATASETS, *ARCHIVES])})",
    )
    fetch.add_argument("--to", metavar="DIR", help=f"folder (default: ${DATA_ENV}, else the user cache)")
    fetch.add_argument(
        "--mirror",
        metavar="URL",
        help=f"base URL that serves NAME.npz and {FILENAMES} instead of the official sites",
    )
    fetch.add_argument("--force", action="store_true", help="download again even when a good copy is there")
    fetch.add_argument(
        "--size",
        type=int,
        default=IMAGE_SIZE,
        help="side length of the MedMNIST files (28; MedMNIST+ 64, 128, 224 in 2-D, 64 in 3-D)",
    )

    copy = actions.add_parser(
        "copy", help="copy the course's files from the data folder to another folder, each checked on arrival"
    )
    copy.add_argument("names", nargs="*", metavar="NAME", help="datasets to copy (default: the course's)")
    copy.add_argument("--to", metavar="DIR", required=True, help="folder to copy into")
    copy.add_argument("--root", metavar="DIR", help=f"folder to copy from (default: ${DATA_ENV}, else the user cache)")

    verify = actions.add_parser("verify", help="check checksums and contents of the files in a folder")
    verify.add_argument("names", nargs="*", metavar="NAME", help="datasets that must be there (default: all found)")
    verify.add_argument("--root", metavar="DIR", help=f"folder (default: ${DATA_ENV}, else the user cache)")

    doctor = commands.add_parser("doctor", help="is this machine ready for the course? (a table; status 1 if not)")
    doctor.add_argument("--root", metavar="DIR", help=f"data folder (default: ${DATA_ENV}, else the user cache)")
    doctor.add_argument("--quick", action="store_true", help="skip starting a kernel and importing TensorFlow")
    serve = commands.add_parser("serve", help="serve a model bundle over HTTP on this machine (FastAPI, uvicorn)")
    serve.add_argument("bundle", metavar="BUNDLE", help="a folder written by medlearn.deploy.save_bundle")
    serve.add_argument("--port", type=int, default=8000, help="TCP port (default: 8000)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine)")
    serve.add_argument("--audit-log", metavar="FILE", help="append one JSON line per request to FILE (no patient data)")
    serve.add_argument("--audit-key", metavar="FILE", help="the audit hashes' key, read from FILE (keep it secret)")
    serve.add_argument(
        "--expect-digest",
        metavar="DIGEST",
        help="refuse to start unless the bundle's full digest (64 hex digits, Bundle.digest) is DIGEST",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 when all went well).

    Example:
        >>> main(["data", "verify", "--root", "course-data"])  # doctest: +SKIP
        ok       breastmnist     course-data/breastmnist.npz
        0
    """
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.command == "serve":
        from .deploy.bundle import BundleError
        from .deploy.service import serve as serve_bundle  # imports FastAPI and TensorFlow: only when asked

        try:
            serve_bundle(
                args.bundle,
                host=args.host,
                port=args.port,
                audit_log=args.audit_log,
                audit_key_file=args.audit_key,
                expect_digest=args.expect_digest,
            )
        except (BundleError, OSError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        return 0
    if args.command == "doctor":
        from .doctor import main as doctor_main  # imports packaging and starts kernels: only when asked

        return doctor_main(args.root, quick=args.quick)
    try:
        if args.action == "list":
            for name in medmnist_names():
                info = medmnist_info(name)
                counts = "/".join(str(info.n_samples[s]) for s in SPLITS)
                sizes = ",".join(str(size) for size in info.sizes)
                print(
                    f"{name:15} {info.ndim}-D {info.modality:44} {info.task:26} {info.n_classes:2} classes  "
                    f"{counts:18} sizes {sizes}"
                )
            for name, dataset in ARCHIVES.items():
                print(f"{name:15} {dataset.summary}")
            return 0
        if args.action == "copy":
            return _copy(args.names or [*COURSE_DATASETS, *ARCHIVES], data_dir(args.root), args.to)
        if args.action == "fetch":
            for name in args.names or (*COURSE_DATASETS, *ARCHIVES):
                if name.lower() in ARCHIVES:
                    dataset = ARCHIVES[name.lower()]
                    url = f"{args.mirror.rstrip('/')}/{dataset.filename}" if args.mirror else dataset.url
                    path = dataset.fetch(args.to, url=url, force=args.force)
                    print(f"ok       {name.lower():15} {path}")
                else:
                    path = fetch_medmnist(name, args.to, mirror=args.mirror, force=args.force, size=args.size)
                    print(f"ok       {medmnist_info(name).name:15} {path}")
            return 0
        asked = {n.lower() for n in args.names}
        others = [n for n in args.names if n.lower() not in ARCHIVES]
        reports = verify_medmnist(args.root, others if args.names else None)
        for name, dataset in ARCHIVES.items():
            if name in asked or (not args.names and (data_dir(args.root) / dataset.filename).exists()):
                reports.append(dataset.verify(args.root))
    except (ValueError, DataError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if not reports:
        print(f"error: no MedMNIST files or any of {FILENAMES} in {data_dir(args.root)}", file=sys.stderr)
        return 1
    for report in reports:
        print(f"{report.status:8} {report.name:15} {report.path}")
        if report.status != "ok":
            print("    " + report.detail.replace("\n", "\n    "))
    return 0 if all(r.status == "ok" for r in reports) else 1


def _copy(names: Sequence[str], source: Path, target: str) -> int:
    """Copy the named files from ``source`` to ``target`` as a download from a local mirror: each checked."""
    files = {
        name: ARCHIVES[name.lower()].filename if name.lower() in ARCHIVES else medmnist_info(name).file().filename
        for name in names
    }
    missing = [file for file in files.values() if not (source / file).is_file()]
    if missing:
        print(
            f"error: not in {source}: {', '.join(missing)}; run `python -m medlearn data fetch` first", file=sys.stderr
        )
        return 1
    for name, file in files.items():
        if name.lower() in ARCHIVES:
            path = ARCHIVES[name.lower()].fetch(target, url=(source / file).resolve().as_uri(), progress=False)
        else:
            path = fetch_medmnist(name, target, mirror=source.resolve().as_uri(), progress=False)
        print(f"ok       {name.lower():15} {path}")
    return 0
