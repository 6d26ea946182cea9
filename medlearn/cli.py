"""Command line for classrooms: download the data once, verify every copy.

python -m medlearn data list
python -m medlearn data fetch breastmnist pneumoniamnist chasedb1 bccd pet isles22 --to course-data
python -m medlearn data fetch adrenalmnist3d --size 64
python -m medlearn data fetch --mirror http://classroom.local:8000   # every file from a copy (MEDLEARN_MIRROR too)
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

from ._validation import check_base_url
from .data import (
    COURSE_DATASETS,
    DATA_ENV,
    FILE_DATASETS,
    IMAGE_SIZE,
    MIRROR_ENV,
    SPLITS,
    DataError,
    data_dir,
    download_file,
    fetch_medmnist,
    medmnist_info,
    medmnist_names,
    verify_medmnist,
)

#: The data sets beside MedMNIST (the archives CHASE_DB1 and BCCD, the PET slices, the ISLES'22 case), by name.
DATASETS = FILE_DATASETS
#: What ``data fetch`` and ``data copy`` take when no name is given: every data set the course's chapters read.
DEFAULT_NAMES = (*COURSE_DATASETS, *DATASETS)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m medlearn", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    data = commands.add_parser("data", help=f"download, verify and list MedMNIST files and {', '.join(DATASETS)}")
    actions = data.add_subparsers(dest="action", required=True)

    actions.add_parser("list", help="list the datasets medlearn knows")

    fetch = actions.add_parser("fetch", help="download datasets (md5-checked) into a folder")
    fetch.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"datasets to fetch (default: the course's, {' '.join(DEFAULT_NAMES)})",
    )
    fetch.add_argument("--to", metavar="DIR", help=f"folder (default: ${DATA_ENV}, else the user cache)")
    fetch.add_argument(
        "--mirror",
        metavar="URL",
        help=f"http(s) base URL that serves every file under its name in the data folder (NAME.npz, CHASEDB1.zip, "
        f"...; a folder made by `data copy`) instead of the official sites (default: ${MIRROR_ENV}, if set)",
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
            for name, dataset in DATASETS.items():
                print(f"{name:15} {dataset.summary}")
            return 0
        if args.action == "copy":
            return _copy(args.names or DEFAULT_NAMES, data_dir(args.root), args.to)
        if args.action == "fetch":
            mirror = None if args.mirror is None else check_base_url(args.mirror, "--mirror")
            for name in args.names or DEFAULT_NAMES:
                if name.lower() in DATASETS:
                    paths = DATASETS[name.lower()].fetch(args.to, mirror=mirror, force=args.force)
                    for path in paths if isinstance(paths, list) else [paths]:
                        print(f"ok       {name.lower():15} {path}")
                else:
                    path = fetch_medmnist(name, args.to, mirror=mirror, force=args.force, size=args.size)
                    print(f"ok       {medmnist_info(name).name:15} {path}")
            return 0
        asked = {n.lower() for n in args.names}
        others = [n for n in args.names if n.lower() not in DATASETS]
        reports = [(r.name, r) for r in verify_medmnist(args.root, others if args.names else None)]
        folder = data_dir(args.root)
        for name, dataset in DATASETS.items():
            if name in asked or (not args.names and any((folder / file).exists() for file in dataset.filenames)):
                reports += [(name, report) for report in dataset.reports(folder)]  # a set's name, each file's path
    except (ValueError, DataError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    if not reports:
        print(f"error: no MedMNIST files and no file of {', '.join(DATASETS)} in {folder}", file=sys.stderr)
        return 1
    for name, report in reports:
        print(f"{report.status:8} {name:15} {report.path}")
        if report.status != "ok":
            print("    " + report.detail.replace("\n", "\n    "))
    return 0 if all(r.status == "ok" for _, r in reports) else 1


def _copy(names: Sequence[str], source: Path, target: str) -> int:
    """Copy the named data sets' files from ``source`` to ``target``, each checked before it lands (as a download)."""
    files = {
        name: DATASETS[name.lower()].filenames if name.lower() in DATASETS else (medmnist_info(name).file().filename,)
        for name in names
    }
    missing = [file for group in files.values() for file in group if not (source / file).is_file()]
    if missing:
        print(
            f"error: not in {source}: {', '.join(missing)}; run `python -m medlearn data fetch` first", file=sys.stderr
        )
        return 1
    for name in files:
        if name.lower() in DATASETS:
            paths = DATASETS[name.lower()].copy(source, target)
        else:
            record = medmnist_info(name).file()
            origin = (source / record.filename).resolve().as_uri()
            paths = [download_file(origin, Path(target) / record.filename, record.md5, progress=False)]
        for path in paths:
            print(f"ok       {name.lower():15} {path}")
    return 0
