#!/usr/bin/env python3
"""Train the detection chapter's CenterNet longer on BCCD with 3 seeds; report AP per class, mAP and counting error
on test.

    python benchmarks/detection.py               # seeds 0, 1, 2, images at half size
    python benchmarks/detection.py --seeds 0     # one seed
    python benchmarks/detection.py --downscale 4 # at the notebook's quarter size

The recipe is the notebook's (``medlearn.models.small_centernet``, output stride 4, the training
split in its four flips, CenterNet's focal loss, AdamW with a cosine-decaying learning rate),
trained longer: by default on images at half size (320 x 240, so a platelet spans about 5 cells),
with a wider network (width 16), for up to 30 passes, stopped after at most 5 minutes of training
per seed on 2 CPU cores. The counting thresholds are chosen per class on the validation split
(``medlearn.detection.choose_count_threshold``), as in the notebook.

Scored on the data set's 72 test images: AP at IoU 0.5 per class, mAP@0.5 and COCO's mAP
(``medlearn.detection.mean_average_precision``, equal to pycocotools), and the counts' mean absolute
error per image and the share of images whose white-cell count is exact. Goals (the issue's): AP50
at least 0.95 for WBC, 0.85 for platelets, 0.80 for RBC, and the WBC count exact in at least 95 % of
test images. BCCD's red-cell labels are incomplete (the detection chapter, section 8), which caps the measured
red-cell precision.

Prints a table and one JSON line per run; exits non-zero when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np

from medlearn.data import load_bccd
from medlearn.detection import choose_count_threshold, count_objects, four_flips, mean_average_precision
from medlearn.models import centernet_loss, centernet_targets, decode_centernet, small_centernet

GOALS = {"RBC": 0.80, "WBC": 0.95, "Platelets": 0.85}
GOAL_WBC_EXACT = 0.95  # beyond reach against these labels: 4 test images' white cell has no box (68/72 = 94.4 %)
MAX_TRAINING_SECONDS = 300
STRIDE = 4


class TimeLimit:
    """A Keras callback that stops training after an epoch that ends past a time limit."""

    def __new__(cls, seconds: float):  # built lazily so that --help does not import Keras
        import keras

        class _Limit(keras.callbacks.Callback):
            def on_train_begin(self, logs=None):
                self.start = time.perf_counter()
                self.epochs = 0

            def on_epoch_end(self, epoch, logs=None):
                self.epochs = epoch + 1
                if time.perf_counter() - self.start > seconds:
                    self.model.stop_training = True

        return _Limit()


def run(seed: int, downscale: int, width: int, epochs: int) -> dict:
    import keras

    keras.utils.set_random_seed(seed)
    train, val, test = (load_bccd(split, downscale=downscale) for split in ("train", "val", "test"))
    shape = train.images.shape[1:3]
    x, targets = four_flips(train.images, train.targets)
    y = centernet_targets(targets, shape, STRIDE, n_classes=3)
    model = small_centernet((*shape, 3), n_classes=3, width=width)
    batch = 16
    schedule = keras.optimizers.schedules.CosineDecay(3e-3, epochs * int(np.ceil(len(x) / batch)))
    model.compile(keras.optimizers.AdamW(schedule, weight_decay=1e-4), centernet_loss(3), jit_compile=False)
    limit = TimeLimit(MAX_TRAINING_SECONDS)
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch, epochs=epochs, verbose=0, shuffle=True, callbacks=[limit])
    seconds = time.perf_counter() - start

    def detect(split):
        return decode_centernet(model.predict(split.images, batch_size=32, verbose=0), n_classes=3, stride=STRIDE)

    val_detections, test_detections = detect(val), detect(test)
    result = mean_average_precision(test.targets, test_detections)
    truth = np.array([np.bincount(t["labels"], minlength=3) for t in test.targets])
    counts, thresholds = {}, {}
    for c, name in enumerate(train.classes):
        thresholds[name] = choose_count_threshold(val.targets, val_detections, c)[0]
        counted = count_objects(test_detections, thresholds[name], 3)[:, c]
        counts[name] = {
            "mae": float(np.mean(np.abs(counted - truth[:, c]))),
            "exact": float(np.mean(counted == truth[:, c])),
        }
    return {
        "seed": seed,
        "downscale": downscale,
        "width": width,
        "epochs": limit.epochs,
        "training_seconds": round(seconds, 1),
        "ap50": {name: float(result["ap_50_per_class"][c]) for c, name in enumerate(train.classes)},
        "map_50": float(result["map_50"]),
        "map": float(result["map"]),
        "count_thresholds": thresholds,
        "counts": counts,
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--downscale", type=int, default=4, help="image reduction factor (the notebook uses 4)")
    parser.add_argument("--width", type=int, default=16, help="small_centernet's width (the notebook uses 12)")
    parser.add_argument("--epochs", type=int, default=24, help="planned passes over the flipped training images")
    args = parser.parse_args(argv)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    runs = []
    for seed in args.seeds:
        outcome = run(seed, args.downscale, args.width, args.epochs)
        print(json.dumps(outcome), flush=True)
        runs.append(outcome)

    def summary(values: list[float]) -> str:
        return f"{np.mean(values):.3f} ± {np.std(values, ddof=1):.3f}" if len(values) > 1 else f"{values[0]:.3f}"

    header = ["AP50 RBC", "AP50 WBC", "AP50 platelets", "mAP@0.5", "COCO mAP", "WBC count exact", "RBC count MAE"]
    print("\n| BCCD test split, 72 images | " + " | ".join(header) + " | platelet count MAE |")
    print("|---|---|---|---|---|---|---|---|---|")
    print(
        f"| CenterNet, 1/{args.downscale} size, width {args.width}, {len(runs)} seed(s) | "
        + " | ".join(summary([r["ap50"][c] for r in runs]) for c in ("RBC", "WBC", "Platelets"))
        + f" | {summary([r['map_50'] for r in runs])} | {summary([r['map'] for r in runs])}"
        + f" | {summary([r['counts']['WBC']['exact'] for r in runs])}"
        + f" | {summary([r['counts']['RBC']['mae'] for r in runs])}"
        + f" | {summary([r['counts']['Platelets']['mae'] for r in runs])} |"
    )
    mean_ap = {c: np.mean([r["ap50"][c] for r in runs]) for c in GOALS}
    wbc_exact = np.mean([r["counts"]["WBC"]["exact"] for r in runs])
    missed = [f"AP50 {c} {mean_ap[c]:.3f} < {goal}" for c, goal in GOALS.items() if mean_ap[c] < goal]
    if wbc_exact < GOAL_WBC_EXACT:
        missed.append(f"WBC count exact in {wbc_exact:.0%} < {GOAL_WBC_EXACT:.0%}")
    print("goals:", "all met" if not missed else "missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
