#!/usr/bin/env python3
"""A conditional GAN against the synthesis chapter's conditional VAE, on PneumoniaMNIST: train
on synthetic, test on real.

    python benchmarks/gan.py               # seeds 0 to 2
    python benchmarks/gan.py --seeds 0     # fewer

The comparison that the synthesis chapter leaves to a benchmark (a GAN does not fit the chapter's
time). For each seed, a small conditional DCGAN (Radford et al., ICLR 2016; the class given to both networks as in Mirza
and Osindero, arXiv:1411.1784, 2014) is trained on PneumoniaMNIST's 4,708 training images with their
labels: the generator maps 32 normal numbers and the one-hot class through a dense layer to 7 x 7 x 64,
two transposed convolutions and a sigmoid; the discriminator sees the image with the class as two
constant channels, through two strided convolutions to one logit. Non-saturating loss, Adam (2e-4,
beta_1 = 0.5), batches of 128, ``EPOCHS`` passes. It then generates as many images of each class as the
training set has, and is judged by ``benchmarks/synthesis.py``'s ``judge``, as the VAE is: the CNN-training chapter's
recipe trained on the real and on the synthetic images and tested on the 624 real test images, the
Fréchet distance and Kynkäänniemi et al.'s precision and recall in the features of the network trained
on real images (not comparable with published values), and each synthetic image's highest correlation
with a training image. No goal: it prints a table and one JSON line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np
from synthesis import judge  # the sibling benchmark: the same measures for the VAE and the GAN

from medlearn.data import SPLITS, load_medmnist
from medlearn.metrics import bootstrap_ci
from medlearn.models import to_network_input

EPOCHS = 15
LATENT = 32


def networks(seed: int):
    """The conditional generator and discriminator."""
    import keras
    from keras import layers

    keras.utils.set_random_seed(seed)
    z, label = keras.Input((LATENT,)), keras.Input((2,))
    g = layers.Dense(7 * 7 * 64, activation="relu")(layers.Concatenate()([z, label]))
    g = layers.Reshape((7, 7, 64))(g)
    g = layers.Conv2DTranspose(64, 4, strides=2, padding="same")(g)
    g = layers.ReLU()(layers.BatchNormalization()(g))
    g = layers.Conv2DTranspose(32, 4, strides=2, padding="same")(g)
    g = layers.ReLU()(layers.BatchNormalization()(g))
    generator = keras.Model([z, label], layers.Conv2D(1, 3, padding="same", activation="sigmoid")(g))
    image, label_d = keras.Input((28, 28, 1)), keras.Input((2,))
    planes = layers.Lambda(lambda t: keras.ops.ones((keras.ops.shape(t)[0], 28, 28, 2)) * t[:, None, None, :])(label_d)
    d = layers.Concatenate()([image, planes])
    d = layers.LeakyReLU(0.2)(layers.Conv2D(32, 4, strides=2, padding="same")(d))
    d = layers.LeakyReLU(0.2)(layers.Conv2D(64, 4, strides=2, padding="same")(d))
    discriminator = keras.Model([image, label_d], layers.Dense(1)(layers.Flatten()(d)))
    return generator, discriminator


def train_gan(x: np.ndarray, y: np.ndarray, seed: int):
    """The trained generator, after ``EPOCHS`` passes of non-saturating GAN training."""
    import tensorflow as tf

    generator, discriminator = networks(seed)
    g_opt = tf.keras.optimizers.Adam(2e-4, beta_1=0.5)
    d_opt = tf.keras.optimizers.Adam(2e-4, beta_1=0.5)
    bce = tf.keras.losses.BinaryCrossentropy(from_logits=True)
    one_hot = np.eye(2, dtype="float32")[y]

    @tf.function
    def step(real, labels, noise):
        with tf.GradientTape() as g_tape, tf.GradientTape() as d_tape:
            fake = generator([noise, labels], training=True)
            real_logit = discriminator([real, labels], training=True)
            fake_logit = discriminator([fake, labels], training=True)
            d_loss = bce(tf.ones_like(real_logit), real_logit) + bce(tf.zeros_like(fake_logit), fake_logit)
            g_loss = bce(tf.ones_like(fake_logit), fake_logit)
        d_opt.apply_gradients(
            zip(d_tape.gradient(d_loss, discriminator.trainable_variables), discriminator.trainable_variables)
        )
        g_opt.apply_gradients(
            zip(g_tape.gradient(g_loss, generator.trainable_variables), generator.trainable_variables)
        )
        return d_loss, g_loss

    rng = np.random.default_rng(seed)
    for _ in range(EPOCHS):
        order = rng.permutation(len(x))
        for start in range(0, len(x) - 127, 128):
            batch = order[start : start + 128]
            noise = rng.standard_normal((len(batch), LATENT)).astype("float32")
            step(x[batch], one_hot[batch], noise)
    return generator


def sample(generator, labels: np.ndarray, seed: int) -> np.ndarray:
    noise = np.random.default_rng(seed + 1000).standard_normal((len(labels), LATENT)).astype("float32")
    one_hot = np.eye(2, dtype="float32")[labels]
    parts = [
        np.asarray(generator([noise[i : i + 256], one_hot[i : i + 256]], training=False))
        for i in range(0, len(labels), 256)
    ]
    return np.concatenate(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    arguments = parser.parse_args()
    data = {s: load_medmnist("pneumoniamnist", s) for s in SPLITS}
    x = {s: to_network_input(images) for s, (images, _) in data.items()}
    y = {s: labels.ravel() for s, (_, labels) in data.items()}
    started = time.perf_counter()
    rows, real_runs, synthetic_runs = [], [], []
    for seed in arguments.seeds:
        generator = train_gan(x["train"], y["train"], seed)
        synthetic = sample(generator, y["train"], seed)
        row, p_real, p_synthetic = judge(synthetic, x, y, data, seed)
        real_runs.append(p_real)
        synthetic_runs.append(p_synthetic)
        rows.append(row)
        print(f"seed {seed} done after {time.perf_counter() - started:.0f} s: {rows[-1]}", file=sys.stderr, flush=True)

    difference, low, high = bootstrap_ci(y["test"], np.array(synthetic_runs), np.array(real_runs), seed=0)
    mean = {key: float(np.mean([r[key] for r in rows])) for key in rows[0] if key != "seed"}
    print(f"conditional GAN on PneumoniaMNIST, {len(rows)} seeds, {EPOCHS} epochs")
    print("| measure | mean over seeds |")
    print("|---|---|")
    print(f"| test AUC trained on real | {mean['auc_real']:.3f} |")
    print(f"| test AUC trained on GAN images | {mean['auc_synthetic']:.3f} |")
    print(f"| synthetic - real [95 % paired interval] | {difference:+.3f} [{low:+.3f}, {high:+.3f}] |")
    print(
        f"| Fréchet distance: GAN images / real test | {mean['frechet_synthetic']:.2f} / "
        f"{mean['frechet_real_test']:.2f} |"
    )
    print(f"| precision / recall | {mean['precision']:.2f} / {mean['recall']:.2f} |")
    print(f"| median highest correlation with a training image | {mean['nearest_correlation_synthetic_median']:.3f} |")
    print(f"| GAN images above 0.99, per 624 | {mean['synthetic_above_0.99']:.1f} |")
    print(
        json.dumps(
            {"rows": rows, "difference": [difference, low, high], "seconds": round(time.perf_counter() - started)}
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
