"""The machine check ("doctor"): is this machine ready for the course?

    python3 course.py doctor        # or: python -m medlearn doctor

Prints one table: the Python version, every installed package against the course's pins, the data mirror
(``MEDLEARN_MIRROR``) when one is set, each dataset present and verified (md5 for MedMNIST, sha256 of every file
for CHASE_DB1, BCCD, the PET slices and the ISLES'22 case), a Jupyter kernel that
starts and runs code, TensorFlow and Keras importing, and free memory and disk. Every problem
comes with its fix in words; the exit status is 1 when there is a problem.
"""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from ._validation import check_bool, check_number
from .data import (
    COURSE_DATASETS,
    FILE_DATASETS,
    MIRROR_ENV,
    DataError,
    data_dir,
    data_mirror,
    verify_medmnist,
)

#: The largest notebook peaks below 1.5 GB; a kernel, JupyterLab and the browser need more.
MIN_MEMORY_GB = 2.0
#: Room for a notebook's outputs, a Zarr store (the scale chapter) and the model files the chapters save.
MIN_DISK_GB = 1.0
INSTALL_FIX = (
    "run `python3 course.py lab` (or `pip install -c constraints.txt -e '.[lab,tensorflow,test]'`) to install the "
    "course's versions"
)
#: TensorFlow's two packages: the course installs tensorflow-cpu where it has wheels, Colab has tensorflow (with CUDA).
TENSORFLOW_PACKAGES = ("tensorflow-cpu", "tensorflow")


@dataclass(frozen=True)
class Row:
    """One line of the report: what was checked, whether it is fine, what was found, and the fix."""

    item: str
    ok: bool
    found: str
    fix: str = ""


def python_row(version: Sequence[int] | None = None) -> Row:
    """Whether the Python version is one the course's packages support (3.11 to 3.13).

    Example:
        >>> python_row((3, 12, 1)).ok, python_row((3, 9, 0)).ok
        (True, False)
    """
    version = tuple(sys.version_info[:3] if version is None else version)
    # The range pyproject.toml declares (Requires-Python), as installed: no second copy of it here.
    allowed = SpecifierSet(importlib.metadata.metadata("medlearn")["Requires-Python"])
    minors = [m for m in range(40) if Version(f"3.{m}") in allowed]
    found = ".".join(str(v) for v in version)
    ok = Version(".".join(str(v) for v in version[:2])) in allowed
    fix = "" if ok else f"install Python 3.{minors[0]} to 3.{minors[-1]}, then run `python3.12 course.py lab`"
    return Row("Python", ok, found, fix)


def pinned_requirements(distribution: str = "medlearn", extras: Iterable[str] = ()) -> list[Requirement]:
    """The course's pins that apply on this machine (markers evaluated), with those of ``extras``.

    Example:
        >>> any(r.name == "numpy" for r in pinned_requirements())
        True
    """
    wanted = []
    for text in importlib.metadata.requires(distribution) or []:
        requirement = Requirement(text)
        marker = requirement.marker
        if marker is None or any(marker.evaluate({"extra": e}) for e in ("", *extras)):
            wanted.append(requirement)
    return wanted


def package_rows(requirements: Iterable[Requirement] | None = None) -> list[Row]:
    """One row per pinned package: installed, and at a version the pin allows.

    Example:
        >>> row, = package_rows([Requirement("numpy>=1")])
        >>> row.ok
        True
    """
    rows = []
    for requirement in pinned_requirements(extras=("test",)) if requirements is None else requirements:
        try:
            installed = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            rows.append(Row(requirement.name, False, f"missing (pinned {requirement.specifier})", INSTALL_FIX))
            continue
        ok = requirement.specifier.contains(Version(installed), prereleases=True)
        found = f"{installed} (pinned {requirement.specifier})"
        rows.append(Row(requirement.name, ok, found, "" if ok else INSTALL_FIX))
    return rows if requirements is not None else [*rows, tensorflow_package_row()]


def tensorflow_package_row() -> Row:
    """TensorFlow's package against the range of medlearn's extra ``tensorflow``: the one this platform's marker
    names, or the other of the two (Colab has ``tensorflow`` where the course installs ``tensorflow-cpu``).

    Example:
        >>> tensorflow_package_row().item in TENSORFLOW_PACKAGES
        True
    """
    named = [r for r in pinned_requirements(extras=("tensorflow",)) if r.name in TENSORFLOW_PACKAGES]
    if len(named) != 1:  # medlearn installed from an older pyproject.toml, before the extra
        return Row("tensorflow", False, "no TensorFlow range in medlearn's installed metadata", INSTALL_FIX)
    (wanted,) = named
    for name in sorted(TENSORFLOW_PACKAGES, key=lambda n: n != wanted.name):  # the platform's own first
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
        ok = wanted.specifier.contains(Version(installed), prereleases=True)
        return Row(name, ok, f"{installed} (pinned {wanted.specifier})", "" if ok else INSTALL_FIX)
    return Row(wanted.name, False, f"missing (pinned {wanted.specifier})", INSTALL_FIX)


def dataset_rows(root: str | Path | None = None) -> list[Row]:
    """One row per course dataset: present in the data folder, and its checksum right.

    Example:
        >>> rows = dataset_rows("/nonexistent")
        >>> [r.ok for r in rows][:1], "fetch" in rows[0].fix
        ([False], True)
    """
    folder = data_dir(root)
    rows = []
    try:
        reports = [(r.name, "md5", [r]) for r in verify_medmnist(folder, COURSE_DATASETS)]
        reports += [(name, "sha256 of every file", d.reports(folder)) for name, d in FILE_DATASETS.items()]
    except DataError as err:
        return [Row("datasets", False, str(err), "see the README's section 'Data'")]
    for name, checksum, files in reports:
        wrong = sorted((r for r in files if r.status != "ok"), key=lambda r: r.status != "bad")  # bad ones first
        ok = not wrong
        found = f"verified ({checksum}) in {folder}"
        fix = ""
        if not ok:
            report = wrong[0]
            found = f"{report.status} in {folder}"
            if len(files) > 1:  # a data set of several files says which
                found += f" ({len(wrong)} of {len(files)} files: {', '.join(r.path.name for r in wrong)})"
            fix = (
                f"{report.detail.splitlines()[0] + ' ' if report.status == 'bad' and report.detail else ''}"
                f"run `python -m medlearn data fetch {name.split()[0].lower()}` in the course's environment "
                f"(`.venv/bin/python` on Linux and macOS) with internet access, or copy the files from the course's "
                f"data folder into {folder} (or point MEDLEARN_DATA at that folder)"
            )
        rows.append(Row(name, ok, found, fix))
    return rows


def mirror_row() -> Row | None:
    """The data mirror that downloads come from (``$MEDLEARN_MIRROR``), or None when none is set.

    Example:
        >>> mirror_row() is None  # the official sites
        True
    """
    if not os.environ.get(MIRROR_ENV):
        return None
    try:
        base = data_mirror()
    except ValueError as err:
        return Row(
            "data mirror",
            False,
            str(err).split(" such as")[0],
            f"set {MIRROR_ENV} to an http(s) address, or unset it to download from the official sites",
        )
    return Row("data mirror", True, f"{base} ({MIRROR_ENV}); every file checked against its official checksum")


def kernel_row(timeout: float = 120.0) -> Row:
    """Whether a Jupyter kernel in this Python starts and runs a line of code.

    Example:
        >>> kernel_row().ok  # doctest: +SKIP
        True
    """
    from jupyter_client.manager import start_new_kernel

    start = time.perf_counter()
    try:
        # The kernel's own start-up notices go nowhere; a failure shows in the row.
        manager, client = start_new_kernel(
            kernel_name="python3", startup_timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    except Exception as err:
        return Row("Jupyter kernel", False, f"did not start: {err}", "run `python -m ipykernel install --user`")
    try:
        reply = client.execute_interactive("print(6 * 7)", timeout=timeout, output_hook=lambda msg: None)
        ok = reply["content"]["status"] == "ok"
    except Exception as err:
        ok, reply = False, {"content": {"evalue": str(err)}}
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    seconds = time.perf_counter() - start
    found = f"starts and runs code ({seconds:.1f} s)" if ok else f"failed: {reply['content'].get('evalue', '')}"
    return Row("Jupyter kernel", ok, found, "" if ok else INSTALL_FIX)


def tensorflow_row(timeout: float = 300.0) -> Row:
    """Whether TensorFlow and Keras import (in a fresh process, as a notebook's kernel would).

    Example:
        >>> tensorflow_row().ok  # doctest: +SKIP
        True
    """
    code = "import keras, tensorflow as tf; print(tf.__version__, keras.__version__)"
    start = time.perf_counter()
    try:
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired:
        return Row("TensorFlow and Keras", False, f"no import within {timeout:.0f} s", "close other programs")
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no message"])[-1]
        return Row("TensorFlow and Keras", False, f"import failed: {last}", INSTALL_FIX)
    tf_version, keras_version = result.stdout.split()[-2:]
    return Row("TensorFlow and Keras", True, f"TensorFlow {tf_version}, Keras {keras_version} ({seconds:.1f} s)")


def _container_available() -> float | None:
    """Bytes left under this process's cgroup memory limit (a Binder or JupyterHub pod), or None."""
    for limit_file, usage_file in (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        ("/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/memory/memory.usage_in_bytes"),
    ):
        try:
            limit = Path(limit_file).read_text().strip()
            usage = float(Path(usage_file).read_text().strip())
        except (OSError, ValueError):
            continue
        if limit != "max" and float(limit) < 2**60:
            return max(float(limit) - usage, 0.0)
    return None


def memory_row(available_bytes: float | None = None, minimum_gb: float = MIN_MEMORY_GB) -> Row:
    """Whether enough memory is free for a notebook (by default, at least 2 GB available).

    In a container (Binder, a JupyterHub pod) the limit of its cgroup counts, not the host's memory.

    Example:
        >>> memory_row(8e9).ok, memory_row(1e9).ok
        (True, False)
    """
    check_number(minimum_gb, "minimum_gb", low=0, low_open=True)
    if available_bytes is None:
        import psutil

        available_bytes = psutil.virtual_memory().available
        in_container = _container_available()
        if in_container is not None:
            available_bytes = min(available_bytes, in_container)
    gb = available_bytes / 1e9
    ok = gb >= minimum_gb
    fix = "" if ok else f"close other programs or browser tabs: the notebooks need about {minimum_gb:g} GB free"
    return Row("free memory", ok, f"{gb:.1f} GB available", fix)


def disk_row(path: str | Path | None = None, minimum_gb: float = MIN_DISK_GB, free_bytes: float | None = None) -> Row:
    """Whether the disk that holds ``path`` (the course folder) has room (by default 1 GB).

    Example:
        >>> disk_row(free_bytes=5e9).ok, disk_row(free_bytes=1e8).ok
        (True, False)
    """
    check_number(minimum_gb, "minimum_gb", low=0, low_open=True)
    path = Path.cwd() if path is None else Path(path)
    if free_bytes is None:
        free_bytes = shutil.disk_usage(path).free
    gb = free_bytes / 1e9
    ok = gb >= minimum_gb
    fix = "" if ok else f"free at least {minimum_gb:g} GB on this disk"
    return Row("free disk", ok, f"{gb:.1f} GB free at {path}", fix)


def all_rows(root: str | Path | None = None, slow: bool = True) -> list[Row]:
    """Every check, in the order of the report; ``slow=False`` leaves out the kernel and TensorFlow.

    Example:
        >>> rows = all_rows(slow=False)
        >>> rows[0].item
        'Python'
    """
    mirror = mirror_row()
    rows = [python_row(), *package_rows(), *([mirror] if mirror else []), *dataset_rows(root)]
    if slow:
        rows += [kernel_row(), tensorflow_row()]
    return rows + [memory_row(), disk_row()]


def report(rows: Sequence[Row]) -> str:
    """The rows as a table, then one line per problem with its fix.

    Example:
        >>> print(report([Row("Python", True, "3.12.1")]))
        check   item    found
        ok      Python  3.12.1
        <BLANKLINE>
        All checks passed: this machine is ready for the course.
    """
    width = max(len(r.item) for r in rows)
    lines = [f"{'check':7} {'item':{width}}  found"]
    lines += [f"{'ok' if r.ok else 'PROBLEM':7} {r.item:{width}}  {r.found}" for r in rows]
    problems = [r for r in rows if not r.ok]
    lines.append("")
    if problems:
        lines.append(f"{len(problems)} problem(s). To fix:")
        lines += [f"- {r.item}: {r.fix}" for r in problems]
    else:
        lines.append("All checks passed: this machine is ready for the course.")
    return "\n".join(lines)


def main(root: str | Path | None = None, quick: bool = False) -> int:
    """Print the report; return 1 when there is a problem, else 0 (``python -m medlearn doctor`` calls it).

    Example:
        >>> main(quick=True)  # doctest: +SKIP
        check   item    found
        ok      Python  3.12.1
        ...
        0
    """
    rows = all_rows(root, slow=not check_bool(quick, "quick"))
    print(report(rows))
    return 0 if all(r.ok for r in rows) else 1
