"""The task of the reconstruction chapter's exercises that trains an image-to-image network, given to the
learner as ``check.train_denoiser`` by :mod:`medlearn.check.reconstruction`. The learner's PSNR is
compared with the learner's own network scored again on the same images, never with stored digits."""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

from .._keras_training import trained_model
from ..core import Wrong, as_number, task

__all__ = ["noisy_pairs", "train_denoiser"]

#: Images per split, and the standard deviation of the added noise (intensities in [0, 1]).
N_TRAIN, N_VAL, SIGMA = 600, 100, 0.1


@cache
def _pairs() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from ...data import load_medmnist

    rng = np.random.default_rng(0)
    pairs = []
    for split, n in (("train", N_TRAIN), ("val", N_VAL)):
        images, _ = load_medmnist("pneumoniamnist", split)
        clean = (images[:n, ..., None] / 255.0).astype(np.float32)
        pairs += [(clean + rng.normal(0, SIGMA, clean.shape)).astype(np.float32), clean]
    return tuple(pairs)


def noisy_pairs() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pairs for the task ``train_denoiser``: the first 600 PneumoniaMNIST training images and the first 100
    validation images, scaled to [0, 1], each with Gaussian noise of standard deviation 0.1 added (seed 0):
    ``(noisy_train, clean_train, noisy_val, clean_val)``, each ``(N, 28, 28, 1)`` float32.

    Example:
        >>> noisy_train, clean_train, noisy_val, clean_val = noisy_pairs()
        >>> noisy_train.shape, clean_val.shape
        ((600, 28, 28, 1), (100, 28, 28, 1))
    """
    return tuple(a.copy() for a in _pairs())  # type: ignore[return-value]


def _mean_psnr(reference: np.ndarray, image: np.ndarray, data_range: float = 1.0) -> float:
    mse = ((reference - image) ** 2).reshape(len(reference), -1).mean(axis=1)
    return float(np.mean(10 * np.log10(data_range**2 / mse)))


@task(
    "Seed, build the residual network of the task, compile with Adam and the mean squared error, fit it on "
    "noisy_train -> clean_train for 5 epochs, then compare clean_val with noisy_val and with the network's output.",
    "PSNR of one image = 10 * log10(1 / mean((clean - image) ** 2)) for intensities in [0, 1]; average it over "
    "the 100 validation images, once for noisy_val and once for model.predict(noisy_val).",
)
def train_denoiser(function: Any) -> None:
    noisy_train, clean_train, noisy_val, clean_val = _pairs()
    result, model, _ = trained_model(
        function,
        (noisy_train.copy(), clean_train.copy(), noisy_val.copy(), clean_val.copy()),
        keys=("model", "psnr_noisy", "psnr_cleaned"),
        fit="model.fit(noisy_train, clean_train, ...)",
        validation=(N_VAL, "the validation images went into training: fit on the training pairs only."),
        brief="train briefly: 5 epochs are enough here, and run in seconds.",
    )
    noisy, cleaned = (
        as_number(result["psnr_noisy"], "'psnr_noisy'"),
        as_number(result["psnr_cleaned"], "'psnr_cleaned'"),
    )
    output = np.asarray(model.predict(noisy_val, verbose=0, batch_size=100))
    if output.shape != clean_val.shape:
        raise Wrong(f"the network should return one image per input, {clean_val.shape}; it returns {output.shape}.")
    want_noisy, want_cleaned = _mean_psnr(clean_val, noisy_val), _mean_psnr(clean_val, output)
    if np.isclose(noisy, _mean_psnr(clean_val, noisy_val, 255.0), atol=1e-3):
        raise Wrong("with intensities in [0, 1] the peak value is 1, not 255: PSNR = 10 * log10(1 / MSE).")
    if np.isclose(cleaned, _mean_psnr(noisy_val, output), atol=1e-3) and not np.isclose(
        cleaned, want_cleaned, atol=1e-3
    ):
        raise Wrong("that PSNR compares the output with the noisy input; compare it with the clean image, clean_val.")
    train_output = np.asarray(model.predict(noisy_train, verbose=0, batch_size=100))
    on_train = _mean_psnr(clean_train, train_output)
    if np.isclose(cleaned, on_train, atol=1e-3) and not np.isclose(cleaned, want_cleaned, atol=1e-3):
        raise Wrong("that PSNR was measured on the training pairs: score noisy_val against clean_val.")
    pooled = float(10 * np.log10(1 / np.mean((clean_val - output) ** 2)))
    if np.isclose(cleaned, pooled, atol=1e-3) and not np.isclose(cleaned, want_cleaned, atol=1e-3):
        raise Wrong("that is the PSNR of all pixels pooled; the task asks for the mean of the images' PSNR.")
    if not np.isclose(noisy, want_noisy, atol=1e-3):
        raise Wrong(f"the mean PSNR of the noisy validation images is {want_noisy:.3f} dB; you returned {noisy:.3f}.")
    if not np.isclose(cleaned, want_cleaned, atol=1e-3):
        raise Wrong(
            f"your network's mean PSNR on the validation images is {want_cleaned:.3f} dB; you returned {cleaned:.3f}."
        )
