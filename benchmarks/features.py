#!/usr/bin/env python3
"""Time medlearn.features.extract_features on PneumoniaMNIST's training split (4,708 images).

    python benchmarks/features.py

Serial and with all cores; prints a table and one JSON line per run. Goal: well
under a minute on 2 cores. Needs the MedMNIST files (see the README).
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np

from medlearn.data import load_medmnist
from medlearn.features import extract_features

GOAL_SECONDS = 60.0


def main() -> int:
    images, _ = load_medmnist("pneumoniamnist", "train")
    rows, results = [], {}
    for label, n_jobs in (("serial", 1), ("all cores", -1)):
        start = time.perf_counter()
        X, names = extract_features(images, n_jobs=n_jobs, progress=False)
        seconds = time.perf_counter() - start
        results[label] = X
        rows.append(
            {
                "benchmark": "extract_features",
                "dataset": "pneumoniamnist/train",
                "images": len(images),
                "features": len(names),
                "mode": label,
                "seconds": round(seconds, 2),
                "ms_per_image": round(1e3 * seconds / len(images), 3),
                "cpus": os.cpu_count(),
                "goal_seconds": GOAL_SECONDS,
            }
        )
    assert np.array_equal(results["serial"], results["all cores"])
    print(f"{'mode':10} {'images':>7} {'features':>9} {'seconds':>8} {'ms/image':>9}")
    for row in rows:
        print(
            f"{row['mode']:10} {row['images']:7d} {row['features']:9d} {row['seconds']:8.1f} {row['ms_per_image']:9.2f}"
        )
    for row in rows:
        print(json.dumps(row))
    return 0 if min(r["seconds"] for r in rows) < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
