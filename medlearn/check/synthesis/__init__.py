"""Checks for the exercises of the synthesis chapter.

In the exercise notebook::

    from medlearn.check import synthesis as check
    check.reparameterise(reparameterise)

The answers are compared with the KL term of ``medlearn.models.kl_divergence``, the count of training steps that the
chapter's augmentation control matches, the VAE's sampling layer and ``medlearn.data.near_duplicates``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...data import near_duplicates
from .._letters import letter_task
from ..core import Mistake, Wrong, as_array, as_number, call, task
from . import _answers as _ans

__all__ = ["judge_augmentation", "kl_term", "memorisation_scores", "reparameterise", "training_steps"]


_Z_SHAPE = Mistake(
    "one z",
    lambda mean, log_var, eps: mean[:1],
    lambda shape, got_shape: f"return one z per mean, of shape {shape}, not {got_shape}.",
)
_VARIANCE_SCALE = Mistake(
    "scaled by the variance",
    lambda mean, log_var, eps: mean + np.exp(log_var) * eps,
    "exp(log_var) is the variance; scale eps by the standard deviation, exp(log_var / 2).",
)
_LOG_SCALE = Mistake(
    "scaled by the logarithm",
    lambda mean, log_var, eps: mean + log_var * eps,
    "log_var is a logarithm: take exp(log_var / 2) for the standard deviation.",
)
_MEAN_ONLY = Mistake(
    "the mean",
    lambda mean, log_var, eps: mean,
    "the mean alone is what the layer gives when NOT training; while training, add the noise.",
)
_SCORES_SHAPE = Mistake(
    "two scores",
    lambda synthetic, training: _ans.correlations(synthetic, training)[:2],
    lambda n, shape: f"return one score per synthetic image ({n}), not shape {shape}.",
)
_CONSTANT = Mistake(
    "zero norm",
    lambda synthetic, training: _ans.correlations(synthetic, training, guard=False),
    "the last synthetic image is constant: it has no variation, so its correlation is 0 by convention "
    "(near_duplicates does the same); avoid dividing by a zero norm.",
)
_NOT_CENTRED = Mistake(
    "not centred",
    lambda synthetic, training: _ans.correlations(synthetic, training, centre=False),
    "subtract each image's mean first: without it, every pair of bright images looks alike.",
)
_NOT_SCALED = Mistake(
    "not scaled",
    lambda synthetic, training: _ans.correlations(synthetic, training, scale=False),
    "divide by the norms too: a plain dot product grows with contrast, a correlation does not.",
)
_NOT_HIGHEST = Mistake(
    "lowest",
    lambda synthetic, training: _ans.correlations(synthetic, training, reduce=np.min),
    "keep each synthetic image's HIGHEST correlation: its nearest training image.",
)


def _kl(mean: np.ndarray, log_var: np.ndarray) -> np.ndarray:
    return -0.5 * np.sum(1 + log_var - mean**2 - np.exp(log_var), axis=-1)


_KL_PER_DIMENSION = Mistake(
    "per dimension",
    lambda mean, log_var: -0.5 * (1 + log_var - mean**2 - np.exp(log_var)),
    "return one number per sample: add the terms of all latent dimensions (axis=-1).",
)
_KL_SIGN = Mistake(
    "sign",
    lambda mean, log_var: -_kl(mean, log_var),
    "mind the sign: the KL divergence is -1/2 times the sum, and it is never negative.",
)
_KL_LOG_AS_VARIANCE = Mistake(
    "log_var as the variance",
    lambda mean, log_var: -0.5 * np.sum(1 - mean**2, axis=-1),
    "log_var is a logarithm: the variance in the formula is exp(log_var).",
)
_KL_STD_AS_VARIANCE = Mistake(
    "standard deviation as the variance",
    lambda mean, log_var: -0.5 * np.sum(1 + log_var - mean**2 - np.exp(0.5 * log_var), axis=-1),
    "exp(log_var / 2) is the standard deviation; the formula needs the variance, exp(log_var).",
)
_KL_AVERAGED = Mistake(
    "averaged",
    lambda mean, log_var: _kl(mean, log_var) / mean.shape[-1],
    "add the latent dimensions' terms; do not average them.",
)
_STEPS_FLOOR = Mistake(
    "rounded down",
    lambda n_images, epochs, batch_size: epochs * (n_images // batch_size),
    "the last, smaller batch is a step too: round the number of batches up.",
)
_STEPS_PLUS_ONE = Mistake(
    "plus one",
    lambda n_images, epochs, batch_size: epochs * (n_images // batch_size + 1),
    "when the images fill the batches exactly, there is no extra batch: round up, do not add one.",
)
_STEPS_ONE_EPOCH = Mistake(
    "one epoch",
    lambda n_images, epochs, batch_size: int(np.ceil(n_images / batch_size)),
    "that is one epoch's steps; multiply by the number of epochs.",
)
_STEPS_IMAGES = Mistake(
    "images, not batches",
    lambda n_images, epochs, batch_size: n_images * epochs,
    "a step takes one batch, not one image: divide the images by the batch size.",
)


@task(
    "For one dimension, the KL divergence of N(mean, var) from N(0, 1) is -1/2 (1 + log var - mean^2 - var).",
    "Here var = exp(log_var). Add the terms of all latent dimensions: one number per sample.",
    mistakes=[_KL_PER_DIMENSION, _KL_SIGN, _KL_LOG_AS_VARIANCE, _KL_STD_AS_VARIANCE, _KL_AVERAGED],
    reference=_kl,
)
def kl_term(function: Any) -> None:
    rng = np.random.default_rng(5)
    for shape in ((4, 3), (2, 16)):
        mean, log_var = rng.normal(size=shape), rng.normal(size=shape)
        want = _kl(mean, log_var)
        got = as_array(call(function, mean.copy(), log_var.copy()), "your KL term")
        if got.shape == mean.shape and got.shape != want.shape:
            raise _KL_PER_DIMENSION.wrong()
        if got.shape != want.shape:
            raise Wrong(f"return one number per sample, shape {want.shape}, not {got.shape}.")
        if np.allclose(got, want, atol=1e-9):
            continue
        if np.allclose(got, -want, atol=1e-9):
            raise _KL_SIGN.wrong()
        if np.allclose(got, -0.5 * np.sum(1 - mean**2, axis=-1), atol=1e-9):
            raise _KL_LOG_AS_VARIANCE.wrong()
        if np.allclose(got, -0.5 * np.sum(1 + log_var - mean**2 - np.exp(0.5 * log_var), axis=-1), atol=1e-9):
            raise _KL_STD_AS_VARIANCE.wrong()
        if np.allclose(got, want / shape[1], atol=1e-9):
            raise _KL_AVERAGED.wrong()
        raise Wrong("the KL term should be -1/2 * sum(1 + log_var - mean**2 - exp(log_var)) over the last axis.")


@task(
    "Each epoch cuts the images into batches; each batch is one training step.",
    "Batches per epoch: n_images / batch_size, rounded up (the last batch may be smaller). Then times the epochs.",
    mistakes=[_STEPS_FLOOR, _STEPS_PLUS_ONE, _STEPS_ONE_EPOCH, _STEPS_IMAGES],
    reference=lambda n_images, epochs, batch_size: epochs * int(np.ceil(n_images / batch_size)),
)
def training_steps(function: Any) -> None:
    for n_images, epochs, batch_size in ((500, 5, 128), (100, 3, 32), (1000, 2, 64), (512, 2, 128)):
        want = epochs * int(np.ceil(n_images / batch_size))
        got = as_number(call(function, n_images, epochs, batch_size), "your number of steps")
        if got == want:
            continue
        if got == epochs * (n_images // batch_size):
            raise _STEPS_FLOOR.wrong()
        if got == epochs * (n_images // batch_size + 1):
            raise _STEPS_PLUS_ONE.wrong()
        if got == int(np.ceil(n_images / batch_size)):
            raise _STEPS_ONE_EPOCH.wrong()
        if got == n_images * epochs:
            raise _STEPS_IMAGES.wrong()
        raise Wrong(f"{n_images} images, {epochs} epochs, batches of {batch_size}: {want} steps, not {got:g}.")


@task(
    "z = mean + standard deviation x eps, with eps drawn from N(0, 1) (given here).",
    "The encoder gives the LOG of the variance: the standard deviation is exp(log_var / 2).",
    mistakes=[_Z_SHAPE, _VARIANCE_SCALE, _LOG_SCALE, _MEAN_ONLY],
    reference=lambda mean, log_var, eps: mean + np.exp(0.5 * log_var) * eps,
)
def reparameterise(function: Any) -> None:
    rng = np.random.default_rng(4)
    for shape in ((5, 3), (2, 8)):
        mean, log_var, eps = rng.normal(size=shape), rng.normal(size=shape), rng.normal(size=shape)
        want = mean + np.exp(0.5 * log_var) * eps
        got = as_array(call(function, mean.copy(), log_var.copy(), eps.copy()), "your z")
        if got.shape != want.shape:
            raise _Z_SHAPE.wrong(shape, got.shape)
        if np.allclose(got, want, atol=1e-9):
            continue
        if np.allclose(got, mean + np.exp(log_var) * eps, atol=1e-9):
            raise _VARIANCE_SCALE.wrong()
        if np.allclose(got, mean + log_var * eps, atol=1e-9) or np.allclose(got, mean + np.sqrt(np.abs(log_var)) * eps):
            raise _LOG_SCALE.wrong()
        if np.allclose(got, mean, atol=1e-9):
            raise _MEAN_ONLY.wrong()
        raise Wrong("z should be mean + exp(log_var / 2) * eps, element by element.")


@task(
    "Flatten each image, subtract its own mean and divide by its length (norm): dot products are then "
    "Pearson correlations.",
    "For each synthetic image keep the HIGHEST correlation over the training images: one number per image.",
    "A constant image has no variation: give it a correlation of 0 (divide only where the norm is above 0).",
    mistakes=[_SCORES_SHAPE, _CONSTANT, _NOT_CENTRED, _NOT_SCALED, _NOT_HIGHEST],
    reference=_ans.correlations,
)
def memorisation_scores(function: Any) -> None:
    rng = np.random.default_rng(7)
    training = rng.integers(0, 256, (30, 8, 8)).astype(np.uint8)
    synthetic = np.concatenate(
        [training[:3] // 2 + 60, rng.integers(0, 256, (5, 8, 8)).astype(np.uint8), np.full((1, 8, 8), 90, np.uint8)]
    )  # three dimmer copies, five new images, one constant image
    want = near_duplicates(synthetic, training).correlation
    got = as_array(call(function, synthetic.copy(), training.copy()), "your scores")
    if got.shape != want.shape:
        raise _SCORES_SHAPE.wrong(len(synthetic), got.shape)
    if np.allclose(got, want, atol=1e-6):
        return
    if np.allclose(got[:-1], want[:-1], atol=1e-6):
        raise _CONSTANT.wrong()
    rows_s = synthetic.reshape(len(synthetic), -1).astype(float)
    rows_t = training.reshape(len(training), -1).astype(float)
    unit_s = rows_s / np.linalg.norm(rows_s, axis=1, keepdims=True)
    unit_t = rows_t / np.linalg.norm(rows_t, axis=1, keepdims=True)
    if np.allclose(got[:-1], (unit_s @ unit_t.T).max(axis=1)[:-1], atol=1e-6):
        raise _NOT_CENTRED.wrong()
    centred_s, centred_t = rows_s - rows_s.mean(1, keepdims=True), rows_t - rows_t.mean(1, keepdims=True)
    if np.allclose(got[:-1], (centred_s @ centred_t.T).max(axis=1)[:-1], atol=1e-6):
        raise _NOT_SCALED.wrong()
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = (centred_s / np.linalg.norm(centred_s, axis=1, keepdims=True)) @ (
            centred_t / np.linalg.norm(centred_t, axis=1, keepdims=True)
        ).T
    if np.allclose(got[:-1], correlation.min(axis=1)[:-1], atol=1e-6) or np.allclose(
        got[:-1], correlation.mean(axis=1)[:-1], atol=1e-6
    ):
        raise _NOT_HIGHEST.wrong()
    raise Wrong(
        f"the three dimmed copies should score about 1 (0.99 or more); yours are {np.round(got[:3], 3).tolist()}."
    )


#: The wrong letters of judge_augmentation, each with its hint.
_AUGMENTATION_WRONG = {
    "b": "the team already matched the steps: the real images were repeated five times. Look at what the generator "
    "learned from.",
    "c": "a low Fréchet distance says that the samples look like real images; it does not say that they help a "
    "classifier (and one far below that of new real images would suggest copies).",
    "d": "test on real images only: the model will meet real patients, and synthetic test images would flatter it.",
}


@letter_task(
    "List every way the two arms differ, besides the synthetic images.",
    "Which images did the generator learn from, and which images did the real-only classifier see?",
    wrong=_AUGMENTATION_WRONG,
    message="Right: the generator learned from 4,708 labelled images, and the real-only arm saw 100 of them. The "
    "synthetic images bring in what the other images hold. Train the generator on the 100 images alone, then "
    "compare.",
)
def judge_augmentation() -> str:
    return "a"
