"""Checks for the exercises of chapter 16, reconstruction and synthesis.

In the exercise notebook::

    from medlearn.check import reconstruction_and_synthesis as check
    check.sinogram_shape(sinogram_shape)

The answers are compared with scikit-image's ``radon``, NumPy's FFT frequencies, the photon-noise rule that
``medlearn.reconstruction.simulate_low_dose`` follows, ``medlearn.reconstruction.undersampling_mask``, the VAE's
sampling layer, and ``medlearn.data.near_duplicates``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..data import near_duplicates
from ..reconstruction import undersampling_mask
from ._reconstruction_training import noisy_pairs, train_denoiser
from .core import Wrong, as_array, as_number, call, letter_answer, task

__all__ = [
    "acceleration",
    "judge_learned_reconstruction",
    "memorisation_scores",
    "noise_at_dose",
    "noisy_pairs",
    "ramp_response",
    "reparameterise",
    "sinogram_shape",
    "train_denoiser",
]


@task(
    hints=[
        "radon with circle=True gives one row per detector position and one column per view (angle).",
        "With the object inside the inscribed circle, there are as many detector positions as the image is wide.",
    ]
)
def sinogram_shape(function: Any) -> None:
    from skimage.transform import radon

    for side, views in ((32, 10), (48, 7), (20, 36)):
        want = radon(np.zeros((side, side)), np.linspace(0.0, 180.0, views, endpoint=False)).shape
        got = call(function, side, views)
        try:
            got = tuple(int(v) for v in got)
        except (TypeError, ValueError):
            raise Wrong("return a tuple of two integers: (detector positions, views).") from None
        if got == want:
            continue
        if got == want[::-1]:
            raise Wrong("rows are detector positions and columns are views: you swapped them.")
        if len(got) == 2 and got[1] == views and got[0] == int(np.ceil(side * np.sqrt(2))):
            raise Wrong("that is the diagonal, used with circle=False; with circle=True the image's width is enough.")
        raise Wrong(f"for a {side} x {side} image and {views} views the sinogram is {want}, not {got}.")


@task(
    hints=[
        "np.fft.fftfreq(size) gives each FFT bin's frequency in cycles per sample, zero first, negatives last.",
        "The ramp is the absolute value of the frequency: it grows from 0 to 0.5 at the Nyquist frequency.",
    ]
)
def ramp_response(function: Any) -> None:
    for size in (8, 16, 30):
        want = np.abs(np.fft.fftfreq(size))
        got = as_array(call(function, size), "your ramp")
        if got.shape != want.shape:
            raise Wrong(f"return one gain per frequency: {size} values for size {size}, not shape {got.shape}.")
        if np.allclose(got, want, atol=1e-9):
            continue
        if np.allclose(got, np.fft.fftshift(want), atol=1e-9):
            raise Wrong("keep NumPy's FFT order (zero frequency first): do not fftshift the ramp.")
        if np.allclose(got, np.fft.fftfreq(size), atol=1e-9):
            raise Wrong("the ramp is |f|: negative frequencies get a positive gain too (take the absolute value).")
        if np.allclose(got, 2 * want, atol=1e-9):
            raise Wrong(
                "that is 2|f|, the scale of medlearn's ramp_filter (which also keeps a small value at zero "
                "frequency); this task asks for |f| itself, from 0 to 0.5."
            )
        if np.allclose(got, np.abs(np.fft.fftfreq(size, d=1 / size)), atol=1e-9):
            raise Wrong("give the frequency in cycles per sample, from 0 to 0.5 (np.fft.fftfreq(size) as it is).")
        raise Wrong(f"for size {size} the ramp is {np.round(want, 3).tolist()}.")


@task(
    hints=[
        "A reading counts photons: N ~ Poisson(I0 exp(-p)). Its relative spread is 1 / sqrt(N).",
        "The log turns a relative spread into an absolute one: the SD of -log(N / I0) is about 1 / sqrt(I0 exp(-p)).",
    ]
)
def noise_at_dose(function: Any) -> None:
    for p, photons in ((2.0, 1e4), (0.5, 1e5), (3.5, 2e3)):
        want = float(np.sqrt(np.exp(p) / photons))
        got = as_number(call(function, p, photons), "your noise")
        if np.isclose(got, want, rtol=1e-6):
            continue
        if np.isclose(got, np.sqrt(np.exp(-p) / photons), rtol=1e-6):
            raise Wrong("fewer photons arrive through more tissue, so the noise GROWS with p: exp(+p), not exp(-p).")
        if np.isclose(got, np.exp(p) / photons, rtol=1e-6):
            raise Wrong("that is the variance; the standard deviation is its square root.")
        if np.isclose(got, 1 / np.sqrt(photons), rtol=1e-6):
            raise Wrong("the photons that ARRIVE set the noise: I0 exp(-p) of them, not I0.")
        raise Wrong(f"for p = {p} and I0 = {photons:g} the noise SD is {want:.5f}, not {got:.5f}.")


@task(
    hints=[
        "The acceleration is how many times fewer lines are measured: all the lines over the lines kept.",
        "A mask that keeps a quarter of k-space has an acceleration of 4 (not 0.25).",
    ]
)
def acceleration(function: Any) -> None:
    for shape, factor, pattern in (((16, 64), 4, "random"), ((8, 40), 2, "regular"), ((12, 96), 8, "variable")):
        mask = undersampling_mask(shape, factor, pattern=pattern, centre_fraction=0.1, seed=3)
        want = mask.size / mask.sum()
        got = as_number(call(function, mask.copy()), "your acceleration")
        if np.isclose(got, want, rtol=1e-9):
            continue
        if np.isclose(got, 1 / want, rtol=1e-9):
            raise Wrong("that is the share of k-space kept; the acceleration is its inverse.")
        if np.isclose(got, mask.sum()) or np.isclose(got, mask.size):
            raise Wrong("divide: all the points (mask.size) over the points kept (mask.sum()).")
        raise Wrong(f"this mask keeps {int(mask.sum())} of {mask.size} points: acceleration {want:.3f}, not {got:.3f}.")


@task(
    hints=[
        "z = mean + standard deviation x eps, with eps drawn from N(0, 1) (given here).",
        "The encoder gives the LOG of the variance: the standard deviation is exp(log_var / 2).",
    ]
)
def reparameterise(function: Any) -> None:
    rng = np.random.default_rng(4)
    for shape in ((5, 3), (2, 8)):
        mean, log_var, eps = rng.normal(size=shape), rng.normal(size=shape), rng.normal(size=shape)
        want = mean + np.exp(0.5 * log_var) * eps
        got = as_array(call(function, mean.copy(), log_var.copy(), eps.copy()), "your z")
        if got.shape != want.shape:
            raise Wrong(f"return one z per mean, of shape {shape}, not {got.shape}.")
        if np.allclose(got, want, atol=1e-9):
            continue
        if np.allclose(got, mean + np.exp(log_var) * eps, atol=1e-9):
            raise Wrong("exp(log_var) is the variance; scale eps by the standard deviation, exp(log_var / 2).")
        if np.allclose(got, mean + log_var * eps, atol=1e-9) or np.allclose(got, mean + np.sqrt(np.abs(log_var)) * eps):
            raise Wrong("log_var is a logarithm: take exp(log_var / 2) for the standard deviation.")
        if np.allclose(got, mean, atol=1e-9):
            raise Wrong("the mean alone is what the layer gives when NOT training; while training, add the noise.")
        raise Wrong("z should be mean + exp(log_var / 2) * eps, element by element.")


@task(
    hints=[
        "Flatten each image, subtract its own mean and divide by its length (norm): dot products are then "
        "Pearson correlations.",
        "For each synthetic image keep the HIGHEST correlation over the training images: one number per image.",
        "A constant image has no variation: give it a correlation of 0 (divide only where the norm is above 0).",
    ]
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
        raise Wrong(f"return one score per synthetic image ({len(synthetic)}), not shape {got.shape}.")
    if np.allclose(got, want, atol=1e-6):
        return
    if np.allclose(got[:-1], want[:-1], atol=1e-6):
        raise Wrong(
            "the last synthetic image is constant: it has no variation, so its correlation is 0 by convention "
            "(near_duplicates does the same); avoid dividing by a zero norm."
        )
    rows_s = synthetic.reshape(len(synthetic), -1).astype(float)
    rows_t = training.reshape(len(training), -1).astype(float)
    unit_s = rows_s / np.linalg.norm(rows_s, axis=1, keepdims=True)
    unit_t = rows_t / np.linalg.norm(rows_t, axis=1, keepdims=True)
    if np.allclose(got[:-1], (unit_s @ unit_t.T).max(axis=1)[:-1], atol=1e-6):
        raise Wrong("subtract each image's mean first: without it, every pair of bright images looks alike.")
    centred_s, centred_t = rows_s - rows_s.mean(1, keepdims=True), rows_t - rows_t.mean(1, keepdims=True)
    if np.allclose(got[:-1], (centred_s @ centred_t.T).max(axis=1)[:-1], atol=1e-6):
        raise Wrong("divide by the norms too: a plain dot product grows with contrast, a correlation does not.")
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = (centred_s / np.linalg.norm(centred_s, axis=1, keepdims=True)) @ (
            centred_t / np.linalg.norm(centred_t, axis=1, keepdims=True)
        ).T
    if np.allclose(got[:-1], correlation.min(axis=1)[:-1], atol=1e-6) or np.allclose(
        got[:-1], correlation.mean(axis=1)[:-1], atol=1e-6
    ):
        raise Wrong("keep each synthetic image's HIGHEST correlation: its nearest training image.")
    raise Wrong(
        f"the three dimmed copies should score about 1 (0.99 or more); yours are {np.round(got[:3], 3).tolist()}."
    )


@task(
    hints=[
        "PSNR and SSIM average over the whole image. What would show that a 5 mm lesion survives?",
        "Task-based image quality: can readers (or a model observer) still find lesions of the size and "
        "contrast that matter, at the dose that will be used?",
    ]
)
def judge_learned_reconstruction(function: Any) -> str:
    return letter_answer(
        function,
        right="b",
        wrong={
            "a": "more slices make the PSNR more precise, but PSNR still averages over the whole image: a lost small "
            "lesion barely moves it (this chapter's network gained PSNR and lost lesion contrast relative to FBP).",
            "c": "SSIM is another average over the image; in this chapter it even ranked the methods differently "
            "from PSNR, and neither measures whether a small lesion is still there.",
            "d": "readers prefer smooth images, which is exactly how a network that removes small structures can "
            "look better; preference is not detection.",
        },
        message="Right: a task-based study, lesions of the size and contrast that matter, at the dose that will be "
        "used, found by readers (or a validated model observer), against the current reconstruction.",
    )
