#!/usr/bin/env python3
"""Execute notebooks in fresh kernels; report wall time and peak memory.

    python -m authoring.run_notebooks                      # every notebook, report only
    python -m authoring.run_notebooks --store notebooks/NN_name.ipynb

``--store`` writes the executed notebook back in place, with its outputs: the
documented way to re-execute a notebook for the repository. The kernel runs in
this Python environment with ``--IPKernelApp.capture_fd_output=False``, so
TensorFlow's C++ log lines go to the terminal, not into stored outputs (nbval
runs its kernels the same way).

Peak memory is that of the kernel plus its child processes (for example joblib
workers, or a model service), sampled every 50 ms (every 0.5 s while there are
several processes: reading their page tables takes time). Pages that several of them map
from the same files (the shared libraries of two processes that both import
TensorFlow) are held once by the machine, so they are counted once: the sum of
each process's unique memory (USS) plus the largest shared part (RSS - USS) of any
of them. For a single process this is its resident memory (RSS); where USS cannot
be read, the plain sum of RSS is used. Prints a table and writes one JSON line per
notebook (``--json``). Exits
non-zero when a notebook fails or goes over the budget (90 s, 1.5 GB on this
machine's cores).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from queue import Empty
from typing import Any

import nbformat
import psutil
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from authoring._paths import REPO

BUDGET_SECONDS = 90.0
BUDGET_MB = 1536.0
BUDGET_CPUS = 2  # the budget holds on this many processor cores
KERNEL_ARGS = ["--IPKernelApp.capture_fd_output=False"]


class CurrentEnvironmentKernelManager(AsyncKernelManager):
    """A kernel manager whose kernel is ipykernel in the Python that runs this script."""

    @property
    def kernel_spec(self) -> KernelSpec:
        return KernelSpec(
            argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            display_name="Python 3 (ipykernel)",
            language="python",
            resource_dir=str(REPO),
        )


def tree_memory_mb(processes: list[psutil.Process]) -> float:
    """Memory held by a group of processes, in MB: the sum of their unique memory (USS) plus the largest
    shared part (RSS - USS) among them, so that library pages two processes map from the same files are
    counted once. One process gives its RSS. Falls back to the sum of RSS where USS cannot be read.

    Example:
        >>> tree_memory_mb([psutil.Process()]) > 0
        True
    """
    unique, shared, resident = 0, 0, 0
    exact = True
    for process in processes:
        try:
            info = process.memory_full_info() if exact else process.memory_info()
        except psutil.AccessDenied:
            exact = False
            info = process.memory_info()
        except psutil.Error:
            continue
        resident += info.rss
        if exact:
            unique += info.uss
            shared = max(shared, info.rss - info.uss)
    return (unique + shared if exact else resident) / 2**20


class MemorySampler:
    """Samples the resident memory of a process and all its children (joblib workers, say).

    The peak of their total, sampled every 50 ms, is what a Binder session would have to hold:
    see :func:`tree_memory_mb` for how pages the processes share are counted.
    """

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.exact_interval = 0.5
        self._last_exact = -float("inf")
        self.peak_mb = 0.0
        self._pid: int | None = None
        self._cpu: dict[int, float] = {}  # each watched process's processor seconds, as last seen
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def watch(self, pid: int) -> None:
        if self._pid is None:
            self._pid = pid
            self._thread.start()

    def _sample(self) -> float:
        """The tree's memory now; 0 when there is nothing new to count.

        One process: its RSS (cheap). Several: :func:`tree_memory_mb`, which reads each process's page
        tables (10-20 ms for a process with TensorFlow loaded), so at most every ``exact_interval``
        seconds, to keep the sampler from slowing the notebook it measures.
        """
        try:
            root = psutil.Process(self._pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0.0
        for process in processes:
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            used = times.user + times.system + times.children_user + times.children_system
            self._cpu[process.pid] = max(self._cpu.get(process.pid, 0.0), used)
        if len(processes) == 1:
            try:
                return root.memory_info().rss / 2**20
            except psutil.Error:
                return 0.0
        now = time.monotonic()
        if now - self._last_exact < self.exact_interval:
            return 0.0
        self._last_exact = now
        return tree_memory_mb(processes)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak_mb = max(self.peak_mb, self._sample())

    def _kernel_high_water_mb(self) -> float:
        """The kernel's own peak (Linux VmHWM): catches peaks shorter than the sampling interval."""
        try:
            for line in Path(f"/proc/{self._pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return 0.0

    @property
    def cpu_seconds(self) -> float:
        """Processor seconds the kernel and its children used, as last sampled."""
        return sum(self._cpu.values())

    def stop(self) -> float | None:
        """Stop sampling; the peak in MB (None when no kernel was watched)."""
        if self._pid is None:
            return None
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self.peak_mb = max(self.peak_mb, self._sample(), self._kernel_high_water_mb())  # and the last processor times
        return round(self.peak_mb)


def busy_seconds() -> float:
    """Processor seconds the whole machine has spent busy since it started: not idle, not waiting for a disk;
    time a hypervisor gave to other machines (steal) counts as busy, since it slowed this one; guest time is
    already inside user time.

    Example:
        >>> busy_seconds() > 0
        True
    """
    times = psutil.cpu_times()
    skipped = ("idle", "iowait", "guest", "guest_nice")
    return sum(getattr(times, field) for field in times._fields if field not in skipped)


def reference_seconds() -> float:
    """Seconds of one fixed computation on one thread (Python arithmetic and NumPy sorting), the best of three:
    how fast this machine runs at the moment. The same kind of machine, with the same processor, has run the same
    notebooks 1.3 to 2.5 times slower in one batch of runs than in others, with no other job on it (a shared host),
    which ``others`` cannot see; two runs' seconds compare only together with their references.

    Example:
        >>> 0 < reference_seconds() < 60
        True
    """
    import numpy as np

    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        sum(i * i % 7 for i in range(800_000))
        values = np.random.default_rng(0).random(800_000)
        for _ in range(5):
            values = np.sort(np.sin(values) * 1e3)
        best = min(best, time.perf_counter() - start)
    return best


def usable_cpus() -> int:
    """How many processor cores this process may run on: fewer than the machine has when it is pinned to some
    (for example by ``taskset -c 0``); its kernels inherit the same cores.

    Example:
        >>> 1 <= usable_cpus() <= (os.cpu_count() or 1)
        True
    """
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def _cpuinfo() -> dict[str, str]:
    """The first processor's fields in ``/proc/cpuinfo`` (Linux), or nothing where there is no such file."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return {}
    fields: dict[str, str] = {}
    for key, _, value in (line.partition(":") for line in text.splitlines()):
        fields.setdefault(key.strip(), value.strip())
    return fields


def cpu_model() -> str:
    """The processor's model name where the system says it (Linux), else the machine type.

    Example:
        >>> isinstance(cpu_model(), str)
        True
    """
    return _cpuinfo().get("model name") or platform.machine()


def cpu_generation() -> str | None:
    """The processor's family and model numbers where the system says them (Linux), else None: "AMD EPYC" names
    processors of several generations, which differ in speed (for example in NumPy's sort).

    Example:
        >>> cpu_generation() is None or cpu_generation().startswith("family ")
        True
    """
    fields = _cpuinfo()
    if "cpu family" not in fields or "model" not in fields:
        return None
    return f"family {fields['cpu family']} model {fields['model']}"


def code_digest(nb: nbformat.NotebookNode) -> str:
    """A short digest of a notebook's code cells: two runs with the same digest ran the same code. The Colab
    set-up cell is left out: it does nothing outside Colab, and a release rewrites it in every notebook.

    Example:
        >>> code_digest(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")]))
        '72fce59447a0'
    """
    cells = [c for c in nb.cells if c.cell_type == "code" and "colab-setup" not in c.metadata.get("tags", [])]
    source = "\n\x00".join(c.source for c in cells)
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


POLL_SLICE_SECONDS = 1.0


def sliced_get_msg(
    get_msg: Callable[..., Awaitable[dict[str, Any]]], slice_seconds: float = POLL_SLICE_SECONDS
) -> Callable[..., Awaitable[dict[str, Any]]]:
    """A channel's ``get_msg`` that waits in short slices up to the same deadline.

    nbclient waits for a cell's reply with one long poll of the shell channel. With an ipywidget in the cell, that
    poll sometimes misses a reply that has already arrived, and waits out its whole timeout (600 s) with the kernel
    idle (nbclient issue #312; the fix proposed there, pull request #311, polls in short slices). Polling again every
    ``slice_seconds`` finds the waiting reply; a cell that really runs long still gets its full timeout.

    Example:
        >>> import asyncio
        >>> async def ready(timeout=None):
        ...     return {"msg_type": "execute_reply"}
        >>> asyncio.run(sliced_get_msg(ready)(timeout=600))["msg_type"]
        'execute_reply'
    """

    async def get(timeout: float | None = None) -> dict[str, Any]:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = slice_seconds if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await get_msg(timeout=min(slice_seconds, left))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    return get


def run_notebook(path: Path, store: bool = False, timeout: int = 600) -> dict:
    """Execute one notebook in a fresh kernel; return its measurements."""
    nb = nbformat.read(path, as_version=4)
    code = code_digest(nb)
    sampler = MemorySampler()

    def watch_kernel(**_: object) -> None:
        sampler.watch(client.km.provisioner.process.pid)  # type: ignore[union-attr]
        shell = client.kc.shell_channel  # type: ignore[union-attr]
        if not getattr(shell.get_msg, "sliced", False):  # the widget hang's guard, once per kernel
            shell.get_msg = sliced_get_msg(shell.get_msg)
            shell.get_msg.sliced = True

    client = NotebookClient(
        nb,
        kernel_manager_class=CurrentEnvironmentKernelManager,
        timeout=timeout,
        extra_arguments=KERNEL_ARGS,
        on_cell_start=watch_kernel,
        resources={"metadata": {"path": str(path.parent)}},
    )
    error = None
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None  # how busy the machine was at the start
    reference = reference_seconds()  # how fast it runs now: before the run and after it
    busy_before, runner_before = busy_seconds(), psutil.Process().cpu_times()
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as err:
        text = re.sub(r"\x1b\[[0-9;]*m", "", str(err))
        arrow = [line.strip() for line in text.splitlines() if line.lstrip().startswith("---->")]
        failed = next(
            (i for i, c in enumerate(nb.cells) if any(o.get("output_type") == "error" for o in c.get("outputs", []))),
            "?",
        )
        error = f"cell {failed}: {err.ename}: {err.evalue}" + (f" at {arrow[-1]}" if arrow else "")
    seconds = time.perf_counter() - start
    runner_after = psutil.Process().cpu_times()
    runner = (runner_after.user + runner_after.system) - (runner_before.user + runner_before.system)
    peak_mb = sampler.stop()
    reference_after = reference_seconds()  # kept apart too: a slowdown that starts during the run shows here
    # Processor time that neither the kernel's tree nor this runner used, per second of the run: other jobs.
    others = max(0.0, (busy_seconds() - busy_before - sampler.cpu_seconds - runner) / seconds)
    if store and error is None:
        # Drafted '# claim:' and '# NBVAL_IGNORE_OUTPUT' lines go into the cells' metadata before storing.
        from authoring import scaffolding

        scaffolding.move_notebook(nb)
        nbformat.write(nb, path)
        if path.resolve().parent == REPO / "notebooks":
            # The sections' measured times come from the timing just stored.
            from authoring import sections

            sections.run(REPO)
    ok = error is None and seconds < BUDGET_SECONDS and (peak_mb is None or peak_mb < BUDGET_MB)
    return {
        "notebook": str(path.relative_to(REPO) if path.is_relative_to(REPO) else path),
        "seconds": round(seconds, 1),
        "peak_mb": peak_mb,
        "cells": sum(c.cell_type == "code" for c in nb.cells),
        "code": code,
        "status": "ok" if ok else ("error" if error else "over budget"),
        "error": error,
        "cpus": usable_cpus(),
        "machine": platform.machine(),
        "cpu": cpu_model(),
        "cpu_generation": cpu_generation(),
        "python": platform.python_version(),
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        # When the machine started: a slower state lasted a whole start of the machine on 2026-11-30.
        "machine_start": datetime.fromtimestamp(psutil.boot_time(), UTC).strftime("%Y-%m-%dT%H:%MZ"),
        "load": None if load is None else round(load, 1),
        "others": round(others, 2),
        "kernel_cpu": round(sampler.cpu_seconds, 1),  # divided by seconds: the cores the run kept busy, on average
        "reference": round((reference + reference_after) / 2, 3),
        "reference_before": round(reference, 3),
        "reference_after": round(reference_after, 3),
        "stored": store,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: every chapter, exercise and solution)")
    parser.add_argument("--store", action="store_true", help="write executed notebooks back in place")
    parser.add_argument(
        "--json",
        type=Path,
        default=REPO / "benchmarks" / "results" / "notebooks.jsonl",
        help="file for the JSON lines (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    # A chapter's claims (medlearn.claims) stop an author's run, as they stop the tests; a learner's only warn.
    os.environ["MEDLEARN_STRICT_CLAIMS"] = "1"
    paths = [p.resolve() for p in args.paths] or [
        path
        for folder in ("notebooks", "exercises", "exercises/solutions")
        for path in sorted((REPO / folder).glob("[0-9]*.ipynb"))
    ]
    args.json.parent.mkdir(parents=True, exist_ok=True)
    print(
        f"{'notebook':48} {'seconds':>8} {'peak MB':>8}  status   (budget {BUDGET_SECONDS:.0f} s, {BUDGET_MB:.0f} MB)"
    )
    results = []
    with args.json.open("a") as log:
        for path in paths:
            result = run_notebook(path, store=args.store)
            results.append(result)
            log.write(json.dumps(result) + "\n")
            peak = "n/a" if result["peak_mb"] is None else str(result["peak_mb"])
            print(f"{result['notebook']:48} {result['seconds']:8.1f} {peak:>8}  {result['status']}", flush=True)
            if result["error"]:
                print(f"    {result['error']}")
    for result in results:
        print(json.dumps(result))
    return 0 if all(r["status"] == "ok" for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
