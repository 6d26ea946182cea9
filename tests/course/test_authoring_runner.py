"""authoring/run_notebooks.py: executes, measures and stores notebooks."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime
from pathlib import Path
from queue import Empty

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from authoring import run_notebooks


def _write(path: Path, *sources: str) -> Path:
    nbformat.write(new_notebook(cells=[new_code_cell(s) for s in sources]), path)
    return path


def test_measures_and_stores(tmp_path: Path) -> None:
    path = _write(tmp_path / "ok.ipynb", "import numpy as np\nblock = np.ones(50_000_000)", "print(block.sum())")
    result = run_notebooks.run_notebook(path, store=True)
    assert result["status"] == "ok" and result["seconds"] > 0
    assert 0 < result["reference"] < result["seconds"]  # the machine's speed, measured around the run
    assert min(result["reference_before"], result["reference_after"]) <= result["reference"]
    assert result["reference"] <= max(result["reference_before"], result["reference_after"])
    assert result["peak_mb"] > 350  # the 400 MB array was seen in the kernel's peak memory
    assert 0 < result["kernel_cpu"] < 2 * result["seconds"]  # the kernel's processor seconds, on at most 2 cores
    if Path("/proc/stat").exists():  # Linux: the kernel's own counts to compare with
        started = datetime.strptime(result["machine_start"], "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
        boot = next(line for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime "))
        assert started == datetime.fromtimestamp(int(boot.split()[1]), UTC).replace(second=0)
        assert result["cpu_generation"].startswith("family ")  # /proc/cpuinfo's numbers, beside its model name
    stored = nbformat.read(path, as_version=4)
    assert [c.execution_count for c in stored.cells] == [1, 2]
    assert stored.cells[1].outputs[0].text == "50000000.0\n"


def test_counts_the_kernels_processor_time(tmp_path: Path) -> None:
    busy = "import time\nend = time.process_time() + 1.5\nwhile time.process_time() < end:\n    pass"
    result = run_notebooks.run_notebook(_write(tmp_path / "busy.ipynb", busy))
    assert result["status"] == "ok" and result["kernel_cpu"] >= 1.5  # the loop's 1.5 s, and the kernel's start


def test_storing_moves_drafted_scaffolding_into_metadata(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "drafted.ipynb",
        "# NBVAL_IGNORE_OUTPUT\nprint(2)",
        "# claim: two is even\nassert 2 % 2 == 0\nprint(True)",
    )
    assert run_notebooks.run_notebook(path, store=True)["status"] == "ok"
    stored = nbformat.read(path, as_version=4)
    assert stored.cells[0].source == "print(2)" and "nbval-ignore-output" in stored.cells[0].metadata["tags"]
    assert stored.cells[1].metadata["claims"] == ["two is even"] and "# claim" not in stored.cells[1].source
    assert stored.cells[1].outputs[0].text == "True\n"


def test_memory_of_child_processes_counts(tmp_path: Path) -> None:
    code = "import numpy as np, time; block = np.ones(60_000_000); time.sleep(1.0)"
    path = _write(
        tmp_path / "child.ipynb",
        f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {code!r}], check=True)",
    )
    result = run_notebooks.run_notebook(path)
    assert result["status"] == "ok" and result["peak_mb"] > 450  # the child's 480 MB array


def test_pages_two_processes_share_are_counted_once(tmp_path: Path) -> None:
    """Two processes that map the same 200 MB file count it once; their private arrays count in full."""
    import subprocess
    import sys
    import time

    import psutil

    shared = tmp_path / "shared.bin"
    shared.write_bytes(b"\1" * 200_000_000)
    code = (
        "import mmap, sys, time, numpy as np\n"
        "f = open(sys.argv[1], 'rb'); m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)\n"
        "total = sum(m[i] for i in range(0, len(m), 4096))  # touch every page\n"
        "own = np.ones(int(sys.argv[2]) * 131072)  # private: MB x 1 MiB\n"
        "print(total, flush=True); time.sleep(30)"
    )
    children = [
        subprocess.Popen([sys.executable, "-c", code, str(shared), str(mb)], stdout=subprocess.PIPE)
        for mb in (100, 150)
    ]
    try:
        for child in children:
            assert child.stdout.readline().strip()  # every page read
        time.sleep(0.2)
        processes = [psutil.Process(child.pid) for child in children]
        rss = [p.memory_info().rss / 2**20 for p in processes]
        counted = run_notebooks.tree_memory_mb(processes)
        assert counted < sum(rss) - 150  # the 200 MB file, counted once, not twice
        assert counted > max(rss) + 90  # the other process's private 100 MB still counts
        assert abs(run_notebooks.tree_memory_mb(processes[:1]) - rss[0]) < 0.05 * rss[0]  # one process: its RSS
    finally:
        for child in children:
            child.kill()
            child.wait()
            child.stdout.close()


def test_failure_is_reported_and_not_stored(tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.ipynb", "1 / 0")
    result = run_notebooks.run_notebook(path, store=True)
    assert result["status"] == "error" and "ZeroDivisionError" in result["error"]
    assert nbformat.read(path, as_version=4).cells[0].outputs == []


def test_command_line_writes_json_lines(tmp_path: Path) -> None:
    path = _write(tmp_path / "tiny.ipynb", "x = 1")
    log = tmp_path / "out.jsonl"
    assert run_notebooks.main([str(path), "--json", str(log)]) == 0
    (line,) = log.read_text().splitlines()
    assert json.loads(line)["status"] == "ok"


def test_a_reply_that_one_long_poll_misses_is_found_by_the_next_slice() -> None:
    # nbclient issue #312: with an ipywidget, one long poll of the shell channel can miss a waiting reply and sit out
    # its whole timeout. This channel behaves so: a long poll hangs, a short one finds the reply.
    async def flaky(timeout: float | None = None) -> dict:
        if timeout is None or timeout > 2:
            await asyncio.sleep(30)
        return {"msg_type": "execute_reply"}

    start = time.monotonic()
    reply = asyncio.run(run_notebooks.sliced_get_msg(flaky, slice_seconds=0.2)(timeout=600))
    assert reply["msg_type"] == "execute_reply" and time.monotonic() - start < 2


def test_a_sliced_poll_still_times_out_at_its_deadline() -> None:
    calls = []

    async def silent(timeout: float | None = None) -> dict:
        calls.append(timeout)
        await asyncio.sleep(timeout or 0)
        raise Empty

    start = time.monotonic()
    with pytest.raises(Empty):
        asyncio.run(run_notebooks.sliced_get_msg(silent, slice_seconds=0.1)(timeout=0.5))
    assert 0.45 < time.monotonic() - start < 1.5 and len(calls) >= 4 and max(calls) <= 0.1
