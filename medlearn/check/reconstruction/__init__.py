"""Checks for the exercises of the reconstruction chapter.

In the exercise notebook::

    from medlearn.check import reconstruction as check
    check.sinogram_shape(sinogram_shape)

The answers are compared with scikit-image's ``radon``, NumPy's FFT frequencies, the photon-noise rule that
``medlearn.reconstruction.simulate_low_dose`` follows, and ``medlearn.reconstruction.undersampling_mask``; the denoiser
task's learner's network is scored again on the same images.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...reconstruction import undersampling_mask
from .._letters import letter_task
from ..core import Mistake, Wrong, as_array, as_number, call, task
from ._training import noisy_pairs, train_denoiser

__all__ = [
    "acceleration",
    "judge_learned_reconstruction",
    "noise_at_dose",
    "noisy_pairs",
    "ramp_response",
    "sinogram_shape",
    "train_denoiser",
]


_NOT_A_PAIR = Mistake(
    "the number of values",
    lambda side, views: side * views,
    "return a tuple of two integers: (detector positions, views).",
)
_SWAPPED = Mistake(
    "swapped", lambda side, views: (views, side), "rows are detector positions and columns are views: you swapped them."
)
_DIAGONAL = Mistake(
    "the diagonal",
    lambda side, views: (int(np.ceil(side * np.sqrt(2))), views),
    "that is the diagonal, used with circle=False; with circle=True the image's width is enough.",
)
_RAMP_SHAPE = Mistake(
    "half the frequencies",
    lambda size: np.abs(np.fft.rfftfreq(size)),
    lambda size, shape: f"return one gain per frequency: {size} values for size {size}, not shape {shape}.",
)
_SHIFTED = Mistake(
    "shifted",
    lambda size: np.fft.fftshift(np.abs(np.fft.fftfreq(size))),
    "keep NumPy's FFT order (zero frequency first): do not fftshift the ramp.",
)
_SIGNED = Mistake(
    "signed",
    lambda size: np.fft.fftfreq(size),
    "the ramp is |f|: negative frequencies get a positive gain too (take the absolute value).",
)
_DOUBLE = Mistake(
    "2|f|",
    lambda size: 2 * np.abs(np.fft.fftfreq(size)),
    "that is 2|f|, the scale of medlearn's ramp_filter (which also keeps a small value at zero "
    "frequency); this task asks for |f| itself, from 0 to 0.5.",
)
_PER_IMAGE = Mistake(
    "cycles per image",
    lambda size: np.abs(np.fft.fftfreq(size, d=1 / size)),
    "give the frequency in cycles per sample, from 0 to 0.5 (np.fft.fftfreq(size) as it is).",
)
_SHRINKS = Mistake(
    "exp(-p)",
    lambda p, photons: np.sqrt(np.exp(-p) / photons),
    "fewer photons arrive through more tissue, so the noise GROWS with p: exp(+p), not exp(-p).",
)
_NOISE_VARIANCE = Mistake(
    "variance",
    lambda p, photons: np.exp(p) / photons,
    "that is the variance; the standard deviation is its square root.",
)
_SENT = Mistake(
    "photons sent",
    lambda p, photons: 1 / np.sqrt(photons),
    "the photons that ARRIVE set the noise: I0 exp(-p) of them, not I0.",
)
_SHARE_KEPT = Mistake(
    "share kept",
    lambda mask: mask.sum() / mask.size,
    "that is the share of k-space kept; the acceleration is its inverse.",
)
_NOT_DIVIDED = Mistake(
    "points kept",
    lambda mask: float(mask.sum()),
    "divide: all the points (mask.size) over the points kept (mask.sum()).",
)


@task(
    "radon with circle=True gives one row per detector position and one column per view (angle).",
    "With the object inside the inscribed circle, there are as many detector positions as the image is wide.",
    mistakes=[_NOT_A_PAIR, _SWAPPED, _DIAGONAL],
    reference=lambda side, views: (side, views),
)
def sinogram_shape(function: Any) -> None:
    from skimage.transform import radon

    for side, views in ((32, 10), (48, 7), (20, 36)):
        want = radon(np.zeros((side, side)), np.linspace(0.0, 180.0, views, endpoint=False)).shape
        got = call(function, side, views)
        try:
            got = tuple(int(v) for v in got)
        except (TypeError, ValueError):
            raise _NOT_A_PAIR.wrong() from None
        if got == want:
            continue
        if got == want[::-1]:
            raise _SWAPPED.wrong()
        if len(got) == 2 and got[1] == views and got[0] == int(np.ceil(side * np.sqrt(2))):
            raise _DIAGONAL.wrong()
        raise Wrong(f"for a {side} x {side} image and {views} views the sinogram is {want}, not {got}.")


@task(
    "np.fft.fftfreq(size) gives each FFT bin's frequency in cycles per sample, zero first, negatives last.",
    "The ramp is the absolute value of the frequency: it grows from 0 to 0.5 at the Nyquist frequency.",
    mistakes=[_RAMP_SHAPE, _SHIFTED, _SIGNED, _DOUBLE, _PER_IMAGE],
    reference=lambda size: np.abs(np.fft.fftfreq(size)),
)
def ramp_response(function: Any) -> None:
    for size in (8, 16, 30):
        want = np.abs(np.fft.fftfreq(size))
        got = as_array(call(function, size), "your ramp")
        if got.shape != want.shape:
            raise _RAMP_SHAPE.wrong(size, got.shape)
        if np.allclose(got, want, atol=1e-9):
            continue
        if np.allclose(got, np.fft.fftshift(want), atol=1e-9):
            raise _SHIFTED.wrong()
        if np.allclose(got, np.fft.fftfreq(size), atol=1e-9):
            raise _SIGNED.wrong()
        if np.allclose(got, 2 * want, atol=1e-9):
            raise _DOUBLE.wrong()
        if np.allclose(got, np.abs(np.fft.fftfreq(size, d=1 / size)), atol=1e-9):
            raise _PER_IMAGE.wrong()
        raise Wrong(f"for size {size} the ramp is {np.round(want, 3).tolist()}.")


@task(
    "A reading counts photons: N ~ Poisson(I0 exp(-p)). Its relative spread is 1 / sqrt(N).",
    "The log turns a relative spread into an absolute one: the SD of -log(N / I0) is about 1 / sqrt(I0 exp(-p)).",
    mistakes=[_SHRINKS, _NOISE_VARIANCE, _SENT],
    reference=lambda p, photons: np.sqrt(np.exp(p) / photons),
)
def noise_at_dose(function: Any) -> None:
    for p, photons in ((2.0, 1e4), (0.5, 1e5), (3.5, 2e3)):
        want = float(np.sqrt(np.exp(p) / photons))
        got = as_number(call(function, p, photons), "your noise")
        if np.isclose(got, want, rtol=1e-6):
            continue
        if np.isclose(got, np.sqrt(np.exp(-p) / photons), rtol=1e-6):
            raise _SHRINKS.wrong()
        if np.isclose(got, np.exp(p) / photons, rtol=1e-6):
            raise _NOISE_VARIANCE.wrong()
        if np.isclose(got, 1 / np.sqrt(photons), rtol=1e-6):
            raise _SENT.wrong()
        raise Wrong(f"for p = {p} and I0 = {photons:g} the noise SD is {want:.5f}, not {got:.5f}.")


@task(
    "The acceleration is how many times fewer lines are measured: all the lines over the lines kept.",
    "A mask that keeps a quarter of k-space has an acceleration of 4 (not 0.25).",
    mistakes=[_SHARE_KEPT, _NOT_DIVIDED],
    reference=lambda mask: mask.size / mask.sum(),
)
def acceleration(function: Any) -> None:
    for shape, factor, pattern in (((16, 64), 4, "random"), ((8, 40), 2, "regular"), ((12, 96), 8, "variable")):
        mask = undersampling_mask(shape, factor, pattern=pattern, centre_fraction=0.1, seed=3)
        want = mask.size / mask.sum()
        got = as_number(call(function, mask.copy()), "your acceleration")
        if np.isclose(got, want, rtol=1e-9):
            continue
        if np.isclose(got, 1 / want, rtol=1e-9):
            raise _SHARE_KEPT.wrong()
        if np.isclose(got, mask.sum()) or np.isclose(got, mask.size):
            raise _NOT_DIVIDED.wrong()
        raise Wrong(f"this mask keeps {int(mask.sum())} of {mask.size} points: acceleration {want:.3f}, not {got:.3f}.")


#: The wrong letters of judge_learned_reconstruction, each with its hint.
_JUDGE_WRONG = {
    "a": "more slices make the PSNR more precise, but PSNR still averages over the whole image: a lost small "
    "lesion barely moves it (this chapter's network gained PSNR and lost lesion contrast relative to FBP).",
    "c": "SSIM is another average over the image; in this chapter it even ranked the methods differently "
    "from PSNR, and neither measures whether a small lesion is still there.",
    "d": "readers prefer smooth images, which is exactly how a network that removes small structures can "
    "look better; preference is not detection.",
}


@letter_task(
    "PSNR and SSIM average over the whole image. What would show that a 5 mm lesion survives?",
    "Task-based image quality: can readers (or a model observer) still find lesions of the size and "
    "contrast that matter, at the dose that will be used?",
    wrong=_JUDGE_WRONG,
    message="Right: a task-based study, lesions of the size and contrast that matter, at the dose that will be "
    "used, found by readers (or a validated model observer), against the current reconstruction.",
)
def judge_learned_reconstruction() -> str:
    return "b"
