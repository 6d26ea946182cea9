#!/usr/bin/env python3
"""The transfer and few-labels chapters at full length: label efficiency on BreastMNIST with and without
pretraining, and active learning.

    python benchmarks/few_labels.py                 # 5 seeds, every fraction (about 15 minutes on 2 cores)
    python benchmarks/few_labels.py --seeds 0 1     # fewer seeds for label efficiency (not for active learning)
    python benchmarks/few_labels.py --skip-variants # without the freeze depths and the lower learning rate
    python benchmarks/few_labels.py --active-only   # active learning alone

**Label efficiency.** ``medlearn.models.small_cnn`` is trained on 5, 10, 25, 50 and 100 % of
BreastMNIST's 546 training labels from four starts: random weights (scratch), supervised pretraining on
PneumoniaMNIST's 4,708 labelled chest X-rays, self-supervised pretraining on the same chest X-rays
without their labels (``medlearn.models.rotation_pretext``), and the supervised network's frozen
features under a logistic regression. Each seed draws its own labelled subset (the same for every
start) and pretrains its own networks. Fine-tuning copies the convolutional blocks
(``copy_weights``) and trains everything with the CNN-training chapter's recipe (``train_binary``) as
``benchmarks/cnn.py`` trains BreastMNIST: AdamW (weight decay 0.01), augmentation (flips, small rotations,
shifts and zooms), early stopping
on the validation AUC from epoch 20 with patience 15, up to 80 epochs. Variants at 10 % and 100 %:
supervised pretraining with the first 1 or 2 blocks frozen (``freeze_blocks``), and fine-tuning at a
tenth of the learning rate. The 78 validation images are used whole at every fraction, which flatters
the small fractions: a project with 27 labels would rarely have 78 more to stop on.

Test AUC on the official 156 test images and on the 117 left without their near-copies of training
images (``near_duplicates``, correlation above 0.99; the evaluation chapter). Means over seeds with 95 % t-intervals;
differences against scratch with ``bootstrap_ci`` given both starts' runs over the seeds (1,000 resamples of the
test images).

**Active learning.** The few-labels chapter's loop (logistic regression on 50 PCA numbers of PneumoniaMNIST, 20
labels to start, 20 per round) run to 1,000 labels with the chapter's 40 seeds per strategy: the mean test AUC of
each strategy at 40 to 1,000 labels, and uncertainty minus random sampling with a 95 % paired t-interval over the
seeds (a seed's two curves start from the same 20 labels), beside the AUC of all 4,708 labels.

Goals (the issue's): with pretraining, 25 % of the labels reach the mean AUC that 100 % reach from
scratch; with all labels, the best start beats the MedMNIST v2 paper's 28-pixel ResNet-18 on
BreastMNIST (AUC 0.901, official test split) on both test splits. Prints tables and one JSON line per
table; exits non-zero when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
from scipy import stats
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from medlearn.active import pool_learning_curve
from medlearn.data import SPLITS, load_medmnist, near_duplicates
from medlearn.metrics import bootstrap_ci
from medlearn.models import (
    augmentation,
    balanced_class_weight,
    copy_weights,
    freeze_blocks,
    rotation_pretext,
    small_cnn,
    to_network_input,
    train_binary,
)

FRACTIONS = (0.05, 0.10, 0.25, 0.50, 1.0)
BLOCKS = ["conv1", "bn1", "conv2", "bn2", "conv3", "bn3"]
RECIPE = {"epochs": 80, "batch_size": 32, "patience": 15, "start_from_epoch": 20, "weight_decay": 0.01}
LEARNING_RATE = 2e-3
PRETRAIN_EPOCHS = 5
RESNET18_AUC = 0.901  # MedMNIST v2 (Yang et al., Sci. Data 2023), BreastMNIST, 28 px, official test split


def subset(n: int, fraction: float, seed: int) -> np.ndarray:
    if fraction == 1:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, round(fraction * n), replace=False))


def pretrain(chest_x: np.ndarray, chest_y: np.ndarray, seed: int) -> dict:
    """Supervised and self-supervised small_cnn on the chest X-rays, for one seed."""
    import keras

    keras.utils.set_random_seed(seed)
    supervised = small_cnn((28, 28, 1), n_classes=2)
    supervised.compile(keras.optimizers.Adam(2e-3), "binary_crossentropy", jit_compile=False)
    supervised.fit(
        chest_x, chest_y, epochs=PRETRAIN_EPOCHS, batch_size=64, class_weight=balanced_class_weight(chest_y), verbose=0
    )
    turned, turns = rotation_pretext(chest_x, seed=seed)
    rotation = small_cnn((28, 28, 1), n_classes=4)
    rotation.compile(keras.optimizers.Adam(2e-3), "sparse_categorical_crossentropy", jit_compile=False)
    rotation.fit(turned, turns, epochs=PRETRAIN_EPOCHS, batch_size=64, verbose=0)
    return {"supervised": supervised, "self-supervised": rotation}


def fine_tune(start, data: dict, chosen: np.ndarray, seed: int, *, depth: int = 0, lr_scale: float = 1.0) -> np.ndarray:
    """Test probabilities of small_cnn trained on the chosen BreastMNIST labels from a start."""
    import keras

    keras.utils.set_random_seed(seed)
    network = small_cnn((28, 28, 1), n_classes=2)
    if start is not None:
        copy_weights(start, network, BLOCKS)
        freeze_blocks(network, depth)
    image = keras.Input((28, 28, 1), name="image")
    model = keras.Model(image, network(augmentation(horizontal_flip=True, seed=seed)(image)))
    train_binary(
        model,
        data["x"]["train"][chosen],
        data["y"]["train"][chosen],
        data["x"]["val"],
        data["y"]["val"],
        learning_rate=LEARNING_RATE * lr_scale,
        **RECIPE,
    )
    return np.asarray(model.predict(data["x"]["test"], verbose=0, batch_size=256)).ravel()


def frozen_probe(start, data: dict, chosen: np.ndarray) -> np.ndarray:
    import keras

    trunk = keras.Model(start.input, start.get_layer("global_average").output)
    features = {split: np.asarray(trunk(data["x"][split], training=False)) for split in ("train", "test")}
    probe = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, class_weight="balanced"))
    probe.fit(features["train"][chosen], data["y"]["train"][chosen])
    return probe.predict_proba(features["test"])[:, 1]


def t_interval(values) -> tuple[float, float, float]:
    """The mean of at least two values and its 95 % t-interval."""
    values = np.asarray(values, float)
    half = stats.t.ppf(0.975, len(values) - 1) * values.std(ddof=1) / np.sqrt(len(values))
    return float(values.mean()), float(values.mean() - half), float(values.mean() + half)


def mean_interval(values: list[float]) -> str:
    if len(values) < 2:
        return f"{np.mean(values):.3f}"
    mean, low, high = t_interval(values)
    return f"{mean:.3f} [{low:.3f}, {high:.3f}]"


def label_efficiency(seeds: list[int], variants: bool) -> tuple[dict, bool]:
    chest = {s: load_medmnist("pneumoniamnist", s) for s in ("train",)}
    chest_x, chest_y = to_network_input(chest["train"][0]), chest["train"][1].ravel()
    breast = {s: load_medmnist("breastmnist", s) for s in SPLITS}
    data = {
        "x": {s: to_network_input(breast[s][0]) for s in SPLITS},
        "y": {s: breast[s][1].ravel() for s in SPLITS},
    }
    unique = ~near_duplicates(breast["test"][0], breast["train"][0]).duplicate
    y_test = data["y"]["test"]
    n_train = len(data["y"]["train"])
    runs: dict[tuple[str, float], list[np.ndarray]] = {}
    started = time.perf_counter()
    for seed in seeds:
        starts = pretrain(chest_x, chest_y, seed)
        for fraction in FRACTIONS:
            chosen = subset(n_train, fraction, seed)
            runs.setdefault(("scratch", fraction), []).append(fine_tune(None, data, chosen, seed))
            for name, start in starts.items():
                runs.setdefault((name, fraction), []).append(fine_tune(start, data, chosen, seed))
            probe = frozen_probe(starts["supervised"], data, chosen)
            runs.setdefault(("frozen supervised", fraction), []).append(probe)
            if variants and fraction in (0.10, 1.0):
                for depth in (1, 2):
                    runs.setdefault((f"supervised, {depth} block(s) frozen", fraction), []).append(
                        fine_tune(starts["supervised"], data, chosen, seed, depth=depth)
                    )
                runs.setdefault(("supervised, learning rate / 10", fraction), []).append(
                    fine_tune(starts["supervised"], data, chosen, seed, lr_scale=0.1)
                )
        print(f"seed {seed} done after {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)

    def aucs(name: str, fraction: float, keep: np.ndarray | None = None) -> list[float]:
        keep = np.ones(len(y_test), bool) if keep is None else keep
        return [roc_auc_score(y_test[keep], run[keep]) for run in runs[(name, fraction)]]

    names = list(dict.fromkeys(name for name, _ in runs))
    print(f"\nBreastMNIST test AUC, mean over {len(seeds)} seeds [95 % t-interval]; official split (156 images)")
    print(f"| start | {' | '.join(f'{f:.0%} ({round(f * n_train)})' for f in FRACTIONS)} |")
    print("|---|" + "---|" * len(FRACTIONS))
    table = {}
    for name in names:
        cells = [mean_interval(aucs(name, f)) if (name, f) in runs else "" for f in FRACTIONS]
        table[name] = {f"{f:.2f}": float(np.mean(aucs(name, f))) for f in FRACTIONS if (name, f) in runs}
        print(f"| {name} | {' | '.join(cells)} |")
    twins = int((~unique).sum())
    print(f"\nWithout the {twins} test images that have a near-copy in training ({int(unique.sum())} left)")
    print(f"| start | {' | '.join(f'{f:.0%}' for f in FRACTIONS)} |")
    print("|---|" + "---|" * len(FRACTIONS))
    dedup = {}
    for name in names:
        cells = [mean_interval(aucs(name, f, unique)) if (name, f) in runs else "" for f in FRACTIONS]
        dedup[name] = {f"{f:.2f}": float(np.mean(aucs(name, f, unique))) for f in FRACTIONS if (name, f) in runs}
        print(f"| {name} | {' | '.join(cells)} |")
    print("\nDifference from scratch (mean over seeds), 95 % paired bootstrap interval over the test images")
    print(f"| start | {' | '.join(f'{f:.0%}' for f in FRACTIONS)} |")
    print("|---|" + "---|" * len(FRACTIONS))
    differences = {}
    for name in names:
        if name == "scratch":
            continue
        cells = []
        for f in FRACTIONS:
            if (name, f) not in runs:
                cells.append("")
                continue
            start_runs, scratch_runs = np.array(runs[(name, f)]), np.array(runs[("scratch", f)])
            d, low, high = bootstrap_ci(y_test, start_runs, scratch_runs, seed=0)
            differences.setdefault(name, {})[f"{f:.2f}"] = [round(d, 4), round(low, 4), round(high, 4)]
            cells.append(f"{d:+.3f} [{low:+.3f}, {high:+.3f}]")
        print(f"| {name} | {' | '.join(cells)} |")

    scratch_full = table["scratch"]["1.00"]
    pretrained_quarter = max(table["supervised"]["0.25"], table["self-supervised"]["0.25"])
    best_full = max(v["1.00"] for v in table.values() if "1.00" in v)
    best_full_dedup = max(v["1.00"] for v in dedup.values() if "1.00" in v)
    goals = {
        "25 % with pretraining reaches 100 % from scratch": pretrained_quarter >= scratch_full,
        f"best at 100 % beats ResNet-18's {RESNET18_AUC} (official split)": best_full > RESNET18_AUC,
        f"best at 100 % beats ResNet-18's {RESNET18_AUC} (without near-copies)": best_full_dedup > RESNET18_AUC,
    }
    print(
        f"\nscratch at 100 %: {scratch_full:.3f}; best pretrained start at 25 %: {pretrained_quarter:.3f}; "
        f"best start at 100 %: {best_full:.3f} (official), {best_full_dedup:.3f} (without near-copies)"
    )
    for goal, met in goals.items():
        print(f"goal: {goal}: {'met' if met else 'MISSED'}")
    result = {"table": table, "deduplicated": dedup, "differences": differences, "goals": goals, "seeds": seeds}
    return result, all(goals.values())


BUDGETS = (40, 60, 80, 100, 120, 200, 400, 1000)  # labels at which active learning's table compares the strategies


def active_learning(seeds: list[int]) -> dict:
    x_train, y_train = load_medmnist("pneumoniamnist", "train")
    x_test, y_test = load_medmnist("pneumoniamnist", "test")
    y_train, y_test = y_train.ravel(), y_test.ravel()
    pca = PCA(n_components=50, random_state=0).fit(x_train.reshape(len(x_train), -1) / 255.0)
    codes, test_codes = (pca.transform(x.reshape(len(x), -1) / 255.0) for x in (x_train, x_test))

    def make_model() -> LogisticRegression:
        return LogisticRegression(C=0.1, max_iter=2000)

    everything = roc_auc_score(y_test, make_model().fit(codes, y_train).predict_proba(test_codes)[:, 1])
    print(
        f"\nActive learning on PneumoniaMNIST, {len(seeds)} seeds: "
        f"all {len(y_train):,} labels give test AUC {everything:.3f}"
    )
    auc = {}
    for strategy in ("uncertainty", "random"):
        curves = [
            pool_learning_curve(
                make_model,
                codes,
                y_train,
                test_codes,
                y_test,
                initial=20,
                step=20,
                rounds=49,
                strategy=strategy,
                seed=s,
            )
            for s in seeds
        ]
        n = curves[0].n_labels
        auc[strategy] = np.array([c.auc for c in curves])  # (seeds, budgets)
    difference = auc["uncertainty"] - auc["random"]  # paired: a seed's two curves start from the same 20 labels
    print(
        "| labels | uncertainty, mean AUC | random, mean AUC | uncertainty - random, mean [95 % paired t-interval] "
        "| seeds ahead / behind |"
    )
    print("|---:|---:|---:|---|---:|")
    rows = {}
    for k in BUDGETS:
        j = int(np.flatnonzero(n == k)[0])
        d = difference[:, j]
        row = {
            "uncertainty": float(auc["uncertainty"][:, j].mean()),
            "random": float(auc["random"][:, j].mean()),
            "difference": list(t_interval(d)),
            "ahead": int((d > 0).sum()),
            "behind": int((d < 0).sum()),
        }
        rows[k] = row
        low, high = row["difference"][1:]
        print(
            f"| {k:,} | {row['uncertainty']:.3f} | {row['random']:.3f} | {row['difference'][0]:+.3f} "
            f"[{low:+.3f}, {high:+.3f}] | {row['ahead']} / {row['behind']} |"
        )
    return {"all_labels_auc": round(everything, 4), "seeds": seeds, "budgets": rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--skip-variants", action="store_true", help="no freeze depths or lower learning rate")
    parser.add_argument(
        "--active-seeds",
        type=int,
        nargs="+",
        default=list(range(40)),
        help="active learning's seeds (the chapter's 40)",
    )
    parser.add_argument("--active-only", action="store_true", help="active learning alone (about 10 s)")
    arguments = parser.parse_args()
    started = time.perf_counter()
    efficiency, met = (
        (None, True) if arguments.active_only else label_efficiency(arguments.seeds, not arguments.skip_variants)
    )
    active = active_learning(arguments.active_seeds)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")
    print(json.dumps({"label_efficiency": efficiency, "active_learning": active}, default=float))
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
