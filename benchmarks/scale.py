#!/usr/bin/env python3
"""How the cost of the preprocessing-and-features chapter's feature table grows with the number of images, through
Zarr and Dask.

    python benchmarks/scale.py

PneumoniaMNIST's 4,708 training X-rays, repeated 1, 4 and 16 times (copies: fine for timing, never for
accuracy), are written to a chunked Zarr store; ``medlearn.scale.dask_features`` computes the 415
features on a ``dask.distributed`` LocalCluster of 1 or 2 single-threaded worker processes and stores
the table back to Zarr chunk by chunk, so that neither the images nor the table need to fit in memory.
The in-memory path (``extract_features`` with joblib on 2 cores) is measured at 1x, and at 16x for
its memory. Each run is a fresh process whose peak memory (with its workers) is sampled every 50 ms.

Goals (issue 18): time linear in the images (16x within 18 times the 1x time), peak memory flat (under
1 GB at 16x), 2 workers at least 1.6 times as fast as 1, Dask at most 1.3 times the in-memory time at 1x.
Prints a table and one JSON line per run; missed goals are reported as missed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from authoring._paths import REPO

RUNS = [
    ("in memory, joblib", 2, 1),
    ("Dask + Zarr", 1, 1),
    ("Dask + Zarr", 2, 1),
    ("Dask + Zarr", 2, 4),
    ("Dask + Zarr", 2, 16),
    ("in memory, joblib", 2, 16),
]
CHUNK = 512


def one_run(mode: str, workers: int, copies: int) -> dict:
    """Run in a child process: time the feature table of ``copies`` x the training images."""
    import numpy as np

    from medlearn.data import load_medmnist
    from medlearn.features import extract_features

    images, _ = load_medmnist("pneumoniamnist", "train")
    if mode == "in memory, joblib":
        stack = np.concatenate([images] * copies)
        start = time.perf_counter()
        table, _ = extract_features(stack, n_jobs=workers, progress=False)
        return {"seconds": time.perf_counter() - start, "rows": len(table)}
    from distributed import Client, LocalCluster

    from medlearn.scale import dask_features, open_zarr, to_zarr

    with tempfile.TemporaryDirectory() as folder:
        store = Path(folder) / "images.zarr"
        to_zarr(images, store, chunk_size=CHUNK, progress=False)
        import zarr

        group = zarr.open_group(str(store), mode="r+")  # append the copies chunk by chunk, never all in memory
        stored = group["images"]
        stored.resize((len(images) * copies, *images.shape[1:]))
        for copy in range(1, copies):
            stored[copy * len(images) : (copy + 1) * len(images)] = images
        group.attrs["n_images"] = len(images) * copies
        lazy, _ = open_zarr(store)
        with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as cluster:
            with Client(cluster):
                start = time.perf_counter()
                table, _ = dask_features(lazy, compute=False)
                table.to_zarr(str(Path(folder) / "features.zarr"))
                seconds = time.perf_counter() - start
        return {"seconds": seconds, "rows": int(table.shape[0])}


def measure(mode: str, workers: int, copies: int) -> dict:
    """One run in a fresh process, with the peak memory of it and its children."""
    sys.path.insert(0, str(REPO))
    from authoring.run_notebooks import MemorySampler

    child = subprocess.Popen(
        [sys.executable, __file__, "--one", mode, str(workers), str(copies)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    sampler = MemorySampler()
    sampler.watch(child.pid)
    out, _ = child.communicate()
    peak = sampler.stop()
    if child.returncode != 0:
        raise RuntimeError(f"{mode} x{copies} failed with exit status {child.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    return {
        "mode": mode,
        "workers": workers,
        "copies": copies,
        **result,
        "seconds": round(result["seconds"], 1),
        "peak_mb": round(peak or 0),
    }


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--one":
        print(json.dumps(one_run(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))))
        return 0
    rows = [measure(*run) for run in RUNS]
    print(f"{'path':18} {'workers':>7} {'copies':>6} {'images':>7} {'seconds':>8} {'peak MB':>8}")
    for row in rows:
        print(
            f"{row['mode']:18} {row['workers']:>7} {row['copies']:>6} {row['rows']:>7} {row['seconds']:>8} "
            f"{row['peak_mb']:>8}"
        )
    by = {(r["mode"], r["workers"], r["copies"]): r for r in rows}
    dask1, dask16 = by[("Dask + Zarr", 2, 1)], by[("Dask + Zarr", 2, 16)]
    goals = {
        "16x within 18 times the 1x time": dask16["seconds"] <= 18 * dask1["seconds"],
        "peak memory under 1 GB at 16x": dask16["peak_mb"] < 1024,
        "2 workers at least 1.6 times as fast as 1": by[("Dask + Zarr", 1, 1)]["seconds"] >= 1.6 * dask1["seconds"],
        "Dask at most 1.3 times the in-memory time at 1x": dask1["seconds"]
        <= 1.3 * by[("in memory, joblib", 2, 1)]["seconds"],
    }
    for goal, met in goals.items():
        print(f"{'met' if met else 'MISSED':6} {goal}")
    for row in rows:
        print(json.dumps({"benchmark": "scale", "cpus": os.cpu_count(), **row}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
