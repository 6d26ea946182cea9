#!/usr/bin/env python3
"""Speed of medlearn.filters.correlate2d against scipy.ndimage.correlate, as ratios in one run.

    python benchmarks/filters.py

A 512 x 512 float image, kernels of 3 x 3, 7 x 7 and 15 x 15, "reflect" borders.
Goal: within 3x of scipy for 3 x 3 and 7 x 7. Prints a table and one JSON line per kernel.
"""

from __future__ import annotations

import json
import os
import sys
import timeit

import numpy as np
from scipy import ndimage

from medlearn.filters import correlate2d

GOAL = {3: 3.0, 7: 3.0}


def best_seconds(function, repeat: int = 7) -> float:
    """Best of ``repeat`` timings: the least disturbed by other work on the machine."""
    number = max(1, int(0.2 / max(timeit.timeit(function, number=1), 1e-6)))
    return min(timeit.repeat(function, number=number, repeat=repeat)) / number


def main() -> int:
    rng = np.random.default_rng(0)
    image = rng.random((512, 512))
    print(f"{'kernel':>8} {'medlearn ms':>12} {'scipy ms':>10} {'ratio':>7}  goal")
    rows, ok = [], True
    for size in (3, 7, 15):
        kernel = rng.random((size, size))
        assert np.allclose(correlate2d(image, kernel), ndimage.correlate(image, kernel, mode="reflect"))
        ours = best_seconds(lambda kernel=kernel: correlate2d(image, kernel))
        theirs = best_seconds(lambda kernel=kernel: ndimage.correlate(image, kernel, mode="reflect"))
        ratio = ours / theirs
        goal = GOAL.get(size)
        met = goal is None or ratio <= goal
        ok &= met
        goal_text = "-" if goal is None else f"<= {goal:g}x {'met' if met else 'MISSED'}"
        print(f"{size:>4}x{size:<3} {ours * 1e3:12.2f} {theirs * 1e3:10.2f} {ratio:7.2f}  {goal_text}")
        rows.append(
            {
                "benchmark": "correlate2d_vs_scipy",
                "image": [512, 512],
                "kernel": size,
                "medlearn_ms": round(ours * 1e3, 3),
                "scipy_ms": round(theirs * 1e3, 3),
                "ratio": round(ratio, 2),
                "goal": goal,
                "cpus": os.cpu_count(),
            }
        )
    for row in rows:
        print(json.dumps(row))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
