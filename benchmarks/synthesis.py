#!/usr/bin/env python3
"""Train on synthetic, test on real: a class-conditioned VAE's PneumoniaMNIST images against the real ones, 5 seeds.

    python benchmarks/synthesis.py               # seeds 0 to 4
    python benchmarks/synthesis.py --seeds 0 1   # fewer

For each seed, ``medlearn.models.conditional_vae`` (latent size 16, widths 32/64) is trained on
PneumoniaMNIST's 4,708 training images with their labels (30 epochs). It then generates a synthetic
training set with the same number of images of each class (``generate``). The CNN-training chapter's network
(``fit_small_cnn``, early stopping on the real validation split) is trained once on the real training
images and once on the synthetic ones, with the same seed, and both are tested on the 624 real test
images. Reported: test AUC for each, their difference with a paired bootstrap interval over the test
images (seeds averaged, ``bootstrap_ci`` of the two), the Fréchet distance and Kynkäänniemi et al.'s
precision and recall (``medlearn.generative``) in the features of the network trained on real images
(global average pooling; not comparable with published FID values), and memorisation: each synthetic
image's highest pixel correlation with a training image (``near_duplicates``), against the same for
the real test images.

Synthetic augmentation (the synthesis chapter's section 3 at full length): for 100 and 400 real
training images (half of each class, drawn per seed), a VAE of the same design is trained on those images alone,
generates four images per real one with the same labels, and ``small_cnn`` is trained for exactly 12 epochs (batches
of 64, Adam at 2e-3, no validation and no early stopping) on real plus synthetic images and, as the control
with the same number of training steps, on the real images repeated five times. Reported: the difference
in test AUC with a paired bootstrap interval over the test images with the seeds averaged, and the
difference for each seed. ``--augmentation-only`` runs this part alone.

Goal (the issue's): train-on-synthetic within 0.03 AUC of train-on-real, in the mean over seeds.
Prints tables and one JSON line; exits non-zero when the goal is missed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
from sklearn.metrics import roc_auc_score

from medlearn.data import SPLITS, load_medmnist, near_duplicates
from medlearn.generative import frechet_distance, precision_recall
from medlearn.metrics import bootstrap_ci
from medlearn.models import conditional_vae, fit_small_cnn, generate, small_cnn, to_network_input

GOAL = 0.03
VAE_EPOCHS = 30
SIZES = (100, 400)


def augmentation_scores(x, y, n_real, seed):
    """Test scores of the classifier trained on real + synthetic images and on the real ones repeated."""
    import keras

    rng = np.random.default_rng(1000 * seed + n_real)
    subset = np.concatenate([rng.choice(np.flatnonzero(y["train"] == c), n_real // 2, replace=False) for c in (0, 1)])
    x_small, y_small = x["train"][subset], y["train"][subset]
    keras.utils.set_random_seed(seed)
    vae = conditional_vae((28, 28, 1), n_classes=2, latent_dim=16, widths=(16, 32), seed=seed)
    vae.compile(keras.optimizers.Adam(1e-3), "binary_crossentropy", jit_compile=False)
    vae.fit([x_small, np.eye(2, dtype="float32")[y_small]], x_small, epochs=12_000 // n_real, batch_size=32, verbose=0)
    y_extra = np.repeat(y_small, 4)
    arms = {
        "synthetic": (np.concatenate([x_small, generate(vae, y_extra, seed=seed)]), np.concatenate([y_small, y_extra])),
        "repeated": (np.concatenate([x_small] * 5), np.concatenate([y_small] * 5)),
    }
    scores = {}
    for arm, (x_arm, y_arm) in arms.items():
        keras.utils.set_random_seed(seed)
        model = small_cnn((28, 28, 1), 2)
        model.compile(keras.optimizers.Adam(2e-3), "binary_crossentropy", jit_compile=False)
        model.fit(x_arm, y_arm, epochs=12, batch_size=64, verbose=0)  # the same steps in both arms
        scores[arm] = np.asarray(model(x["test"], training=False)).ravel()
    return scores


def judge(synthetic, x, y, data, seed):
    """Synthetic training images judged against the real ones: train on each, test on real, and compare.

    The CNN-training chapter's recipe is trained on the real and on the synthetic images (the same labels); the
    Fréchet distance and precision/recall are computed in the features (global average pooling) of the
    network trained on real images, on 624 images of each; memorisation is each synthetic image's highest
    correlation with a training image, beside the same for the real test images. ``benchmarks/gan.py``
    judges its GAN with this too. Returns the row of measures and both models' test scores.
    """
    import keras

    real_model, _ = fit_small_cnn(x["train"], y["train"], x["val"], y["val"], seed=seed)
    synthetic_model, _ = fit_small_cnn(synthetic, y["train"], x["val"], y["val"], seed=seed)
    p_real = np.asarray(real_model(x["test"], training=False)).ravel()
    p_synthetic = np.asarray(synthetic_model(x["test"], training=False)).ravel()
    trunk = keras.Model(real_model.input, real_model.get_layer("global_average").output)
    pick = np.random.default_rng(seed).choice(len(x["train"]), len(x["test"]), replace=False)
    f_real = np.asarray(trunk(x["train"][pick], training=False))
    f_synthetic = np.asarray(trunk(synthetic[pick], training=False))
    f_test = np.asarray(trunk(x["test"], training=False))
    precision, recall = precision_recall(f_real, f_synthetic)
    synthetic_u8 = np.round(synthetic[pick, ..., 0] * 255).astype(np.uint8)
    nearest_synthetic = near_duplicates(synthetic_u8, data["train"][0]).correlation
    nearest_test = near_duplicates(data["test"][0], data["train"][0]).correlation
    row = {
        "seed": seed,
        "auc_real": round(float(roc_auc_score(y["test"], p_real)), 4),
        "auc_synthetic": round(float(roc_auc_score(y["test"], p_synthetic)), 4),
        "frechet_synthetic": round(frechet_distance(f_real, f_synthetic), 4),
        "frechet_real_test": round(frechet_distance(f_real, f_test), 4),
        "precision": round(precision, 3),
        "recall": round(recall, 3),
        "nearest_correlation_synthetic_median": round(float(np.median(nearest_synthetic)), 4),
        "nearest_correlation_test_median": round(float(np.median(nearest_test)), 4),
        "synthetic_above_0.99": int((nearest_synthetic > 0.99).sum()),
    }
    return row, p_real, p_synthetic


def train_on_synthetic(x, y, data, seed):
    """One seed of the VAE's train-on-synthetic, test-on-real (see :func:`judge`)."""
    import keras

    one_hot = np.eye(2, dtype="float32")[y["train"]]
    keras.utils.set_random_seed(seed)
    vae = conditional_vae((28, 28, 1), n_classes=2, latent_dim=16, widths=(32, 64), seed=seed)
    vae.compile(keras.optimizers.Adam(1e-3), "binary_crossentropy", jit_compile=False)
    vae.fit([x["train"], one_hot], x["train"], epochs=VAE_EPOCHS, batch_size=64, verbose=0)
    return judge(generate(vae, y["train"], seed=seed), x, y, data, seed)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument(
        "--augmentation-only", action="store_true", help="only the synthetic-augmentation experiment (no goal)"
    )
    arguments = parser.parse_args()
    data = {s: load_medmnist("pneumoniamnist", s) for s in SPLITS}
    x = {s: to_network_input(images) for s, (images, _) in data.items()}
    y = {s: labels.ravel() for s, (_, labels) in data.items()}
    started = time.perf_counter()
    results, real_runs, synthetic_runs = [], [], []
    augmented = {n: {"synthetic": [], "repeated": []} for n in SIZES}
    for seed in arguments.seeds:
        row = {"seed": seed}
        if not arguments.augmentation_only:
            row, p_real, p_synthetic = train_on_synthetic(x, y, data, seed)
            real_runs.append(p_real)
            synthetic_runs.append(p_synthetic)
        for n_real in SIZES:
            scores = augmentation_scores(x, y, n_real, seed)
            for arm in ("synthetic", "repeated"):
                augmented[n_real][arm].append(scores[arm])
            row[f"augmentation_{n_real}"] = round(
                float(roc_auc_score(y["test"], scores["synthetic"]) - roc_auc_score(y["test"], scores["repeated"])), 4
            )
        results.append(row)
        print(f"seed {seed} done after {time.perf_counter() - started:.0f} s: {row}", file=sys.stderr, flush=True)

    met, difference_interval = None, None
    if not arguments.augmentation_only:
        difference, low, high = bootstrap_ci(y["test"], np.array(synthetic_runs), np.array(real_runs), seed=0)
        mean = {key: float(np.mean([r[key] for r in results])) for key in results[0] if key != "seed"}
        print(f"PneumoniaMNIST test AUC over {len(results)} seeds (624 real test images)")
        print("| trained on | test AUC, mean (range) |")
        print("|---|---|")
        for key, name in (
            ("auc_real", "real training images (4,708)"),
            ("auc_synthetic", "VAE images (4,708, same classes)"),
        ):
            values = [r[key] for r in results]
            print(f"| {name} | {np.mean(values):.3f} ({min(values):.3f} to {max(values):.3f}) |")
        print(f"\nsynthetic - real: {difference:+.3f} [{low:+.3f}, {high:+.3f}] (paired bootstrap over test images)")
        print(
            f"Fréchet distance to 624 real training images' features: synthetic {mean['frechet_synthetic']:.3f}, "
            f"real test images {mean['frechet_real_test']:.3f}; "
            f"precision {mean['precision']:.2f}, recall {mean['recall']:.2f}"
        )
        print(
            "median highest correlation with a training image: synthetic "
            f"{mean['nearest_correlation_synthetic_median']:.3f}, "
            f"real test {mean['nearest_correlation_test_median']:.3f}; "
            f"synthetic images above 0.99, per 624: {mean['synthetic_above_0.99']:.1f}"
        )
        met = abs(mean["auc_real"] - mean["auc_synthetic"]) <= GOAL
        difference_interval = [difference, low, high]
        print(f"goal: train-on-synthetic within {GOAL} AUC of train-on-real: {'met' if met else 'MISSED'}")
    print("\nsynthetic augmentation: test AUC of real + 4 synthetic per real image, minus real repeated 5 times")
    print("| real training images | difference, seeds averaged [95 % paired interval over test images] | per seed |")
    print("|---|---|---|")
    augmentation_summary = {}
    for n_real in SIZES:
        d, lo, hi = bootstrap_ci(
            y["test"], np.array(augmented[n_real]["synthetic"]), np.array(augmented[n_real]["repeated"]), seed=0
        )
        augmentation_summary[n_real] = [d, lo, hi]
        per_seed = ", ".join(f"{r[f'augmentation_{n_real}']:+.3f}" for r in results)
        print(f"| {n_real} | {d:+.3f} [{lo:+.3f}, {hi:+.3f}] | {per_seed} |")
    print(
        json.dumps(
            {
                "rows": results,
                "difference": difference_interval,
                "augmentation": augmentation_summary,
                "goal_met": met,
                "seconds": round(time.perf_counter() - started),
            }
        )
    )
    return 1 if met is False else 0


if __name__ == "__main__":
    sys.exit(main())
