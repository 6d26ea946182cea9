#!/usr/bin/env python3
"""Train the course's small CNN on PneumoniaMNIST and BreastMNIST with 3 seeds; report test AUC and accuracy.

    python benchmarks/cnn.py                    # both datasets, seeds 0, 1, 2
    python benchmarks/cnn.py breastmnist        # one dataset

Accuracy is reported at the threshold chosen on the validation split (the one
that maximises Youden's J, sensitivity + specificity - 1), and at 0.5. Goals, against the MedMNIST
v2 paper's 28-pixel ResNet-18
(PneumoniaMNIST AUC 0.944 / ACC 0.854, BreastMNIST AUC 0.901 / ACC 0.863):

- PneumoniaMNIST: test AUC >= 0.965 and accuracy >= 0.88, in at most 60 s of training;
- BreastMNIST: test AUC >= 0.91 and accuracy >= 0.87, in at most 30 s.

The goals hold on the official test split, which published results use. Beside it, the
table reports the test split without its near-duplicates of training images
(``medlearn.data.near_duplicates``, pixel correlation > 0.99): 39 of BreastMNIST's 156 test
images, none of PneumoniaMNIST's 624. That de-duplicated score is the more honest estimate
for new patients; a paper should report both, and the overlap.

Prints a table and one JSON line per run; exits non-zero when a goal is missed.
"""

from __future__ import annotations

import json
import os
import sys
import time

import numpy as np
from sklearn.metrics import accuracy_score, roc_auc_score, roc_curve

from medlearn.data import SPLITS, load_medmnist, near_duplicates
from medlearn.models import fit_small_cnn, to_network_input

# Batch-norm momentum 0.99 (Keras' default) settles slowly, which the notebooks avoid with 0.9 for short
# training; over these longer runs it measured better (PneumoniaMNIST AUC 0.964 against 0.959, before the two
# augmentation seed fixes of 2026-11-26 and 2026-11-29; not measured again since).
RECIPES = {
    "pneumoniamnist": {
        "epochs": 20,
        "batch_size": 64,
        "patience": 8,
        "start": 0,
        "learning_rate": 2e-3,
        "weight_decay": 0.0,
        "horizontal_flip": False,
        "bn_momentum": 0.99,
    },
    # 78 validation images make early stopping noisy: do not stop before epoch 20.
    # Weight decay (AdamW) lifted the test AUC from about 0.85 to 0.89 in a three-seed experiment (before the two
    # augmentation seed fixes of 2026-11-26 and 2026-11-29; not measured again since).
    "breastmnist": {
        "epochs": 80,
        "batch_size": 32,
        "patience": 15,
        "start": 20,
        "learning_rate": 2e-3,
        "weight_decay": 0.01,
        "horizontal_flip": True,
        "bn_momentum": 0.99,
    },
}
GOALS = {
    "pneumoniamnist": {"auc": 0.965, "accuracy": 0.88, "seconds": 60.0},
    "breastmnist": {"auc": 0.91, "accuracy": 0.87, "seconds": 30.0},
}


def train_and_test(dataset: str, seed: int) -> dict:
    recipe = RECIPES[dataset]
    splits = {s: load_medmnist(dataset, s) for s in SPLITS}
    X = {s: to_network_input(images) for s, (images, _) in splits.items()}
    y = {s: labels for s, (_, labels) in splits.items()}
    start = time.perf_counter()
    model, history = fit_small_cnn(
        X["train"],
        y["train"],
        X["val"],
        y["val"],
        epochs=recipe["epochs"],
        batch_size=recipe["batch_size"],
        learning_rate=recipe["learning_rate"],
        weight_decay=recipe["weight_decay"],
        patience=recipe["patience"],
        start_from_epoch=recipe["start"],
        lr_patience=3,
        augment={"horizontal_flip": recipe["horizontal_flip"]},
        bn_momentum=recipe["bn_momentum"],
        seed=seed,
    )
    seconds = time.perf_counter() - start
    p_val = model.predict(X["val"], verbose=0)[:, 0]
    p_test = model.predict(X["test"], verbose=0)[:, 0]
    # Youden's J (sensitivity + specificity - 1) does not depend on prevalence, which differs between
    # the validation and test splits of PneumoniaMNIST (74 % and 62.5 % pneumonia).
    fpr, tpr, thresholds = roc_curve(y["val"], p_val)
    threshold = float(thresholds[int(np.argmax(tpr - fpr))])
    # The test split without the images that have a near-copy in the training split.
    unique = ~near_duplicates(splits["test"][0], splits["train"][0]).duplicate
    rates = history.history["learning_rate"]
    return {
        "benchmark": "cnn",
        "dataset": dataset,
        "seed": seed,
        "epochs": len(history.history["loss"]),
        "lr_reductions": int(np.sum(np.diff(rates) < 0)),
        "train_seconds": round(seconds, 1),
        "test_auc": round(float(roc_auc_score(y["test"], p_test)), 4),
        "test_accuracy_val_threshold": round(float(accuracy_score(y["test"], p_test >= threshold)), 4),
        "val_threshold": round(threshold, 3),
        "test_accuracy_at_0.5": round(float(accuracy_score(y["test"], p_test >= 0.5)), 4),
        "n_test": len(y["test"]),
        "n_test_deduplicated": int(unique.sum()),
        "test_label_counts": np.bincount(y["test"]).tolist(),
        "test_label_counts_deduplicated": np.bincount(y["test"][unique]).tolist(),
        "test_auc_deduplicated": round(float(roc_auc_score(y["test"][unique], p_test[unique])), 4),
        "test_accuracy_val_threshold_deduplicated": round(
            float(accuracy_score(y["test"][unique], p_test[unique] >= threshold)), 4
        ),
        "cpus": os.cpu_count(),
    }


def main(datasets: list[str]) -> int:
    rows = [train_and_test(d, seed) for d in datasets or list(RECIPES) for seed in (0, 1, 2)]
    met_all = True
    print(f"{'':15} {'official test split':^50} {'without near-duplicates':^35}")
    print(
        f"{'dataset':15} {'test AUC':>16} {'acc (val thr)':>16} {'acc (0.5)':>16} {'images':>7} {'test AUC':>16} "
        f"{'acc (val thr)':>16} {'images':>7} {'train s':>12}  goals (official split)"
    )
    for dataset in dict.fromkeys(r["dataset"] for r in rows):
        mine = [r for r in rows if r["dataset"] == dataset]
        stat = {
            k: (np.mean([r[k] for r in mine]), np.std([r[k] for r in mine], ddof=1) if len(mine) > 1 else 0.0)
            for k in (
                "test_auc",
                "test_accuracy_val_threshold",
                "test_accuracy_at_0.5",
                "train_seconds",
                "test_auc_deduplicated",
                "test_accuracy_val_threshold_deduplicated",
            )
        }
        goal = GOALS[dataset]
        met = (
            stat["test_auc"][0] >= goal["auc"]
            and stat["test_accuracy_val_threshold"][0] >= goal["accuracy"]
            and stat["train_seconds"][0] <= goal["seconds"]
        )
        met_all &= met

        def cell(k: str, f: str, stat: dict = stat) -> str:
            return f"{stat[k][0]:{f}} +- {stat[k][1]:{f}}"

        print(
            f"{dataset:15} {cell('test_auc', '.3f'):>16} {cell('test_accuracy_val_threshold', '.3f'):>16} "
            f"{cell('test_accuracy_at_0.5', '.3f'):>16} {mine[0]['n_test']:7d} "
            f"{cell('test_auc_deduplicated', '.3f'):>16} "
            f"{cell('test_accuracy_val_threshold_deduplicated', '.3f'):>16} {mine[0]['n_test_deduplicated']:7d} "
            f"{cell('train_seconds', '.0f'):>12}  "
            f"AUC >= {goal['auc']}, acc >= {goal['accuracy']}, <= {goal['seconds']:.0f} s: {'met' if met else 'MISSED'}"
        )
    for row in rows:
        print(json.dumps(row))
    return 0 if met_all else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
