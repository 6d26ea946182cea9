"""Checks for the exercises of the synthesis chapter.

In the exercise notebook::

    from medlearn.check import synthesis as check
    check.reparameterise(reparameterise)

The answers are compared with the VAE's sampling layer and ``medlearn.data.near_duplicates``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...data import near_duplicates
from ..core import Mistake, Wrong, as_array, call, task
from . import _answers as _ans

__all__ = ["memorisation_scores", "reparameterise"]


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
