"""medlearn.reconstruction against scikit-image (iradon, its filters), the physics of photon noise, and k-space."""

from __future__ import annotations

import numpy as np
import pytest
from skimage.data import shepp_logan_phantom
from skimage.transform import iradon, radon, rescale
from skimage.transform.radon_transform import _get_fourier_filter

from medlearn.reconstruction import (
    PATTERNS,
    WINDOWS,
    attenuation_per_pixel,
    back_project,
    filter_sinogram,
    from_kspace,
    paired_patches,
    ramp_filter,
    simulate_low_dose,
    tile_scores,
    to_kspace,
    undersampling_mask,
)


@pytest.fixture(scope="module")
def phantom() -> np.ndarray:
    return rescale(shepp_logan_phantom(), 0.2, anti_aliasing=True)  # 80 x 80


@pytest.mark.parametrize("window", WINDOWS)
@pytest.mark.parametrize("size", [64, 128, 256])
def test_ramp_filter_equals_scikit_images(window: str, size: int) -> None:
    np.testing.assert_allclose(ramp_filter(size, window), _get_fourier_filter(size, window)[:, 0], atol=1e-12)


def test_the_ramp_is_close_to_twice_the_frequency_and_windows_only_lower_it() -> None:
    ramp = ramp_filter(256)
    f = np.abs(np.fft.fftfreq(256))
    assert np.max(np.abs(ramp - 2 * f)) < 0.01
    for window in WINDOWS[1:]:
        assert np.all(ramp_filter(256, window) <= ramp + 1e-12), window
        assert ramp_filter(256, window)[128] < 0.7 * ramp[128], window  # the Nyquist frequency is cut


@pytest.mark.parametrize("circle", [True, False])
@pytest.mark.parametrize("window", WINDOWS)
def test_filtered_back_projection_equals_iradon(phantom: np.ndarray, window: str, circle: bool) -> None:
    theta = np.linspace(0.0, 180.0, 45, endpoint=False)
    sinogram = radon(phantom, theta, circle=circle)
    ours = back_project(sinogram, theta, window=window, circle=circle)
    theirs = iradon(sinogram, theta, filter_name=window, circle=circle)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, atol=1e-10)


def test_filter_sinogram_equals_iradons_filtering_without_a_circle(phantom: np.ndarray) -> None:
    theta = np.linspace(0.0, 180.0, 30, endpoint=False)
    sinogram = radon(phantom, theta, circle=False)
    padded = max(64, int(2 ** np.ceil(np.log2(2 * sinogram.shape[0]))))
    spectrum = np.fft.fft(np.pad(sinogram, ((0, padded - sinogram.shape[0]), (0, 0))), axis=0)
    by_hand = np.real(np.fft.ifft(spectrum * _get_fourier_filter(padded, "hann"), axis=0))[: sinogram.shape[0]]
    np.testing.assert_allclose(filter_sinogram(sinogram, "hann"), by_hand, atol=1e-12)


def test_unfiltered_back_projection_equals_iradon_without_a_filter_and_blurs(phantom: np.ndarray) -> None:
    theta = np.linspace(0.0, 180.0, 90, endpoint=False)
    sinogram = radon(phantom, theta)
    blurred = back_project(sinogram, theta, output_size=60)
    np.testing.assert_allclose(blurred, iradon(sinogram, theta, filter_name=None, output_size=60), atol=1e-10)
    sharp = back_project(sinogram, theta, window="ramp")
    inside = np.hypot(*np.mgrid[-40:40, -40:40]) < 35
    error = {
        name: np.abs(image / image[inside].mean() - phantom / phantom[inside].mean())[inside].mean()
        for name, image in (("blurred", back_project(sinogram, theta)), ("sharp", sharp))
    }
    assert error["sharp"] < 0.5 * error["blurred"]


def test_back_projection_spectrum_falls_as_one_over_frequency() -> None:
    point = np.zeros((65, 65))
    point[32, 32] = 1.0
    theta = np.linspace(0.0, 180.0, 360, endpoint=False)
    image = back_project(radon(point, theta), theta)
    spectrum = np.abs(np.fft.fftshift(np.fft.fft2(image)))[32, 33:48]  # along one axis, low to mid frequencies
    frequency = np.arange(1, 16)
    slope = np.polyfit(np.log(frequency), np.log(spectrum), 1)[0]
    assert -1.3 < slope < -0.7  # about 1 / |f|


def test_attenuation_per_pixel_from_hounsfield_units() -> None:
    out = attenuation_per_pixel([[-1000.0, -2000.0], [0.0, 1000.0]], 2.0, mu_water_per_cm=0.2)
    np.testing.assert_allclose(out, [[0.0, 0.0], [0.04, 0.08]])


def test_low_dose_noise_follows_photon_statistics() -> None:
    p = np.full((400, 400), 1.5)
    stds = {i0: simulate_low_dose(p, i0, seed=1).std() for i0 in (1e3, 1e4, 1e5)}
    for i0, std in stds.items():
        assert std == pytest.approx(np.sqrt(np.exp(1.5) / i0), rel=0.05), i0
    assert stds[1e3] / stds[1e5] == pytest.approx(10.0, rel=0.05)  # 100 times less dose, 10 times the noise
    assert abs(simulate_low_dose(p, 1e6, seed=2).mean() - 1.5) < 1e-3  # unbiased at high dose
    dense = simulate_low_dose(np.full(1000, 12.0), 100.0, seed=3)  # no photon gets through
    assert np.all(np.isfinite(dense)) and dense.max() <= np.log(100.0)
    np.testing.assert_array_equal(simulate_low_dose(p, 1e4, seed=4), simulate_low_dose(p, 1e4, seed=4))


def test_kspace_round_trip_parseval_and_centre() -> None:
    image = np.random.default_rng(0).random((24, 30))
    k = to_kspace(image)
    np.testing.assert_allclose(from_kspace(k).real, image, atol=1e-12)
    assert np.sum(np.abs(k) ** 2) == pytest.approx(np.sum(image**2))  # orthonormal
    assert abs(k[12, 15]) == pytest.approx(image.sum() / np.sqrt(image.size))  # zero frequency in the middle


@pytest.mark.parametrize("pattern", PATTERNS)
@pytest.mark.parametrize("acceleration", [2, 4, 8])
def test_undersampling_masks_keep_the_centre_and_the_share_asked_for(pattern: str, acceleration: int) -> None:
    mask = undersampling_mask((16, 128), acceleration, pattern=pattern, centre_fraction=0.08, seed=5)
    assert mask.shape == (16, 128) and mask.dtype == bool
    assert np.all(mask == mask[0])  # whole columns
    centre = round(128 * 0.08)
    assert mask[0, 64 - centre // 2 : 64 - centre // 2 + centre].all()
    kept = int(mask[0].sum())
    if pattern == "regular":
        assert 128 // acceleration <= kept <= 128 // acceleration + centre
        assert mask[0, 64::acceleration].all() and mask[0, 64 - acceleration :: -acceleration].all()
    else:
        assert kept == round(128 / acceleration)
    np.testing.assert_array_equal(mask, undersampling_mask((16, 128), acceleration, pattern=pattern, seed=5))


def test_variable_density_is_denser_near_the_centre() -> None:
    masks = np.array(
        [
            undersampling_mask((1, 256), 6, pattern=p, centre_fraction=0.0, seed=s)[0]
            for p in ("variable",)
            for s in range(30)
        ]
    )
    near, far = masks[:, 96:160].mean(), np.r_[masks[:, :32], masks[:, -32:]].mean()
    assert near > 3 * far
    assert undersampling_mask((4, 10), 1).all()  # no acceleration: everything


def test_random_undersampling_aliasing_is_incoherent_and_regular_is_folded() -> None:
    image = np.zeros((64, 64))
    image[20:44, 28:36] = 1.0
    k = to_kspace(image)
    for pattern in ("regular", "random"):
        mask = undersampling_mask(k.shape, 4, pattern=pattern, centre_fraction=0.0, seed=0)
        error = np.abs(from_kspace(k * mask)) * 4 - image  # scaled back by the acceleration
        profile = np.abs(error[32])
        if pattern == "regular":  # a copy of the bar a quarter of the width away
            assert profile[(32 + 16) % 64] > 0.5
        else:  # spread thinly, no folded copy
            assert profile[(32 + 16) % 64] < 0.5


def test_paired_patches_cut_both_images_alike_and_turn_them_every_way() -> None:
    rng = np.random.default_rng(1)
    source = rng.random((40, 50))
    target = source**2  # a pixel-wise map: any patch of the target is the same map of the source's patch
    x, y = paired_patches([source, source.T], [target, target.T], size=16, per_image=60, seed=3)
    assert x.shape == y.shape == (120, 16, 16, 1) and x.dtype == np.float32
    assert np.allclose(y, x**2, atol=1e-6)
    # every patch is a turned or flipped crop of its source
    windows = np.lib.stride_tricks.sliding_window_view(source, (16, 16)).reshape(-1, 16, 16)
    for patch in x[:10, ..., 0]:
        turned = [np.rot90(patch, -k) for k in range(4)] + [np.rot90(patch[:, ::-1], -k) for k in range(4)]
        assert any(np.abs(windows - t).max(axis=(1, 2)).min() < 1e-6 for t in turned)
    # all four turns and both flips occur, and the seed fixes them
    again, _ = paired_patches([source, source.T], [target, target.T], size=16, per_image=60, seed=3)
    other, _ = paired_patches([source, source.T], [target, target.T], size=16, per_image=60, seed=4)
    assert np.array_equal(x, again) and not np.array_equal(x, other)


def test_tile_scores_equal_the_errors_and_ssim_of_each_tile_written_out() -> None:
    from skimage.metrics import structural_similarity

    rng = np.random.default_rng(0)
    reference = rng.random((96, 96))
    image = np.clip(reference + rng.normal(0, 0.1, reference.shape), 0, 1)
    inside = np.hypot(*(np.mgrid[:96, :96] - 48)) < 48
    errors, ssims = tile_scores(reference, image, inside, tile=32)
    ssim_map = structural_similarity(reference, image, data_range=1.0, full=True)[1]
    expected = [
        (np.mean((reference - image)[r : r + 32, c : c + 32] ** 2), ssim_map[r : r + 32, c : c + 32].mean())
        for r in (0, 32, 64)
        for c in (0, 32, 64)
        if inside[r : r + 32, c : c + 32].all()
    ]
    assert len(errors) == len(expected) == 1  # only the centre tile lies wholly inside this circle
    assert np.allclose(errors, [e for e, _ in expected]) and np.allclose(ssims, [s for _, s in expected])
    full_errors, _ = tile_scores(reference, image, np.ones((96, 96), bool), tile=32)
    assert len(full_errors) == 9 and np.isclose(full_errors.mean(), np.mean((reference - image) ** 2))
    perfect_errors, perfect_ssims = tile_scores(reference, reference, inside)
    assert np.all(perfect_errors == 0) and np.allclose(perfect_ssims, 1)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ramp_filter(7), "size must be even"),
        (lambda: ramp_filter(64, "box"), "window"),
        (lambda: filter_sinogram(np.ones(5)), "sinogram"),
        (lambda: filter_sinogram(np.ones((1, 5))), "at least 2 detector positions"),
        (lambda: back_project(np.ones((8, 3)), [0, 90]), "one angle per sinogram column"),
        (lambda: back_project(np.ones((8, 2)), [0, 90], output_size=0), "output_size"),
        (lambda: back_project(np.full((8, 2), np.nan), [0, 90]), "sinogram"),
        (lambda: back_project(np.ones((8, 2)), [0, 90], window="box"), "window"),
        (lambda: attenuation_per_pixel([0.0], 0.0), "pixel_size_mm"),
        (lambda: attenuation_per_pixel([0.0], 1.0, mu_water_per_cm=-1), "mu_water_per_cm"),
        (lambda: simulate_low_dose([-1.0], 1e4), "must not be negative"),
        (lambda: simulate_low_dose([1.0], 0), "incident_photons"),
        (lambda: simulate_low_dose([1.0], 1e4, seed=-1), "seed"),
        (lambda: to_kspace(np.ones(4)), "image"),
        (lambda: from_kspace("k"), "kspace"),
        (lambda: undersampling_mask((8,), 4), "shape must be"),
        (lambda: undersampling_mask((8, 8), 0.5), "acceleration"),
        (lambda: undersampling_mask((8, 8), 2, pattern="spiral"), "pattern"),
        (lambda: undersampling_mask((8, 8), 2, centre_fraction=1.5), "centre_fraction"),
        (lambda: paired_patches([np.ones((8, 8))], []), "same length|one length"),
        (lambda: paired_patches([], []), "not empty"),
        (lambda: paired_patches([np.ones((8, 8))], [np.ones((8, 9))]), "targets\\[0\\] must have the shape"),
        (lambda: paired_patches([np.ones((8, 8))], [np.ones((8, 8))], size=9), "size must be at most"),
        (lambda: paired_patches([np.ones(8)], [np.ones(8)], size=4), "sources\\[0\\]"),
        (lambda: paired_patches([np.ones((8, 8))], [np.ones((8, 8))], per_image=0), "per_image"),
        (lambda: tile_scores(np.zeros((32, 32)), np.zeros((32, 31)), np.ones((32, 32), bool)), "image must have"),
        (lambda: tile_scores(np.zeros((32, 32)), np.zeros((32, 32)), np.ones((32, 31), bool)), "inside"),
        (lambda: tile_scores(np.zeros((32, 32)), np.zeros((32, 32)), np.ones((32, 32), bool), tile=3), "tile"),
        (lambda: tile_scores(np.zeros((32, 32)), np.zeros((32, 32)), np.zeros((32, 32), bool)), "at least one whole"),
        (
            lambda: tile_scores(np.zeros((32, 32)), np.zeros((32, 32)), np.ones((32, 32), bool), data_range=0),
            "data_range",
        ),
    ],
)
def test_bad_input_names_the_argument(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
