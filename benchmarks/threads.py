#!/usr/bin/env python3
"""How much one quiet machine varies from one fresh TensorFlow process to the next.

    python benchmarks/threads.py            # 8 processes of each kind
    python benchmarks/threads.py --runs 12

Each run starts a fresh Python process that times, in this order:

- a fixed NumPy computation on two threads (six products of two 1024 x 1024 matrices, the best of three);
- one epoch of Keras training: the segmentation chapter's U-Net (``small_unet`` at widths 8, 16, 32) on 800
  random 64 x 64 patches in batches of 16 (50 steps), after one warm-up step, with the processor time the
  process used meanwhile. It runs on TensorFlow's default threads, or on one intra-op thread
  (``TF_NUM_INTRAOP_THREADS=1``), or on the default threads with each of the process's threads pinned to one core
  after the warm-up, alternately to the first and the second (Linux only).

The three kinds of process alternate. The results go to ``benchmarks/results/threads.json`` and the summary is
printed. On the course's 2-core machine the NumPy time barely moves, while the same Keras epoch on two threads
can differ by more than half from one process to the next: a chapter's time then depends on the process, not
only on the machine's load, which the runner's ``others`` and ``reference`` cannot see. The pinned processes
show whether the slow ones are those whose threads the operating system keeps on one core.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, os, resource, time
from pathlib import Path

import numpy as np

def products():
    a = np.random.default_rng(0).random((1024, 1024))
    b = a.T.copy()
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(6):
            a @ b
        best = min(best, time.perf_counter() - start)
    return best

numpy_seconds = products()
import keras
from medlearn.models import small_unet

x = np.random.default_rng(0).random((800, 64, 64, 1)).astype("float32")
y = (x > 0.7).astype("float32")
keras.utils.set_random_seed(0)
model = small_unet(1, widths=(8, 16, 32))
model.compile("adam", "binary_crossentropy")
model.fit(x[:16], y[:16], batch_size=16, epochs=1, verbose=0)
if os.environ.get("PIN_THREADS"):  # each of the process's threads on one core, alternately: none can share
    cores = sorted(os.sched_getaffinity(0))[:2]
    threads = sorted(int(path.name) for path in Path("/proc/self/task").iterdir())
    for position, thread in enumerate(threads):
        os.sched_setaffinity(thread, {cores[position % len(cores)]})


def cpu():
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


start, cpu_start = time.perf_counter(), cpu()
model.fit(x, y, batch_size=16, epochs=1, verbose=0)
keras_seconds, keras_cpu = time.perf_counter() - start, cpu() - cpu_start
print(json.dumps({"numpy_seconds": round(numpy_seconds, 4), "keras_seconds": round(keras_seconds, 3),
                  "keras_cpu_seconds": round(keras_cpu, 3)}))
"""


KINDS = ("default threads", "one intra-op thread", "threads pinned")


def run_one(threads: str) -> dict:
    """One fresh process: its NumPy and Keras seconds, with the thread setting it ran under."""
    env = dict(os.environ, PYTHONPATH=str(REPO), TF_CPP_MIN_LOG_LEVEL="3")
    if threads == "one intra-op thread":
        env["TF_NUM_INTRAOP_THREADS"] = "1"
    if threads == "threads pinned":
        env["PIN_THREADS"] = "1"
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, capture_output=True, text=True, check=True)
    return {"threads": threads, **json.loads(out.stdout.strip().splitlines()[-1])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=8, help="processes of each kind (default 8)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results" / "threads.json")
    args = parser.parse_args(argv)
    if args.runs < 2:
        parser.error("--runs must be at least 2")
    runs = [run_one(kind) for _ in range(args.runs) for kind in KINDS]
    summary = {}
    for kind in KINDS:
        mine = [r for r in runs if r["threads"] == kind]
        keras_s = [r["keras_seconds"] for r in mine]
        numpy_s = [r["numpy_seconds"] for r in mine]
        summary[kind] = {
            "keras_seconds": [min(keras_s), max(keras_s)],
            "keras_slowest_over_fastest": round(max(keras_s) / min(keras_s), 2),
            "numpy_slowest_over_fastest": round(max(numpy_s) / min(numpy_s), 2),
            "keras_cpu_seconds": [min(r["keras_cpu_seconds"] for r in mine), max(r["keras_cpu_seconds"] for r in mine)],
        }
        cpu_low, cpu_high = summary[kind]["keras_cpu_seconds"]
        print(
            f"{kind:20}: Keras epoch {min(keras_s):.2f} to {max(keras_s):.2f} s "
            f"({max(keras_s) / min(keras_s):.2f} times), processor time {cpu_low:.2f} to {cpu_high:.2f} s; "
            f"NumPy on two threads {max(numpy_s) / min(numpy_s):.2f} times"
        )
    args.out.write_text(json.dumps({"cpus": os.cpu_count(), "runs": runs, "summary": summary}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
