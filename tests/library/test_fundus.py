"""medlearn.fundus: preparing fundus photographs and drawing random patches."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage
from skimage import exposure, transform

from medlearn.fundus import downscale_masks, prepare_fundus, random_patches


def test_prepare_fundus_is_green_rescaled_then_clahe() -> None:
    rgb = np.random.default_rng(0).integers(0, 256, (2, 40, 36, 3), dtype=np.uint8)
    rgb[..., 0], rgb[..., 2] = 255, 0  # red and blue must not matter
    out = prepare_fundus(rgb, scale=0.5, clip_limit=0.02)
    expected = exposure.equalize_adapthist(
        transform.rescale(rgb[1, ..., 1] / 255.0, 0.5, anti_aliasing=True), clip_limit=0.02
    )
    assert out.shape == (2, 20, 18) and out.dtype == np.float32
    assert np.allclose(out[1], expected, atol=1e-6)
    assert 0 <= out.min() and out.max() <= 1
    other = rgb.copy()
    other[..., 0], other[..., 2] = 0, 255
    assert np.array_equal(prepare_fundus(other, scale=0.5, clip_limit=0.02), out)


@pytest.mark.parametrize("channel", [0, 2])
def test_prepare_fundus_reads_the_channel_asked_for(channel: int) -> None:
    rgb = np.random.default_rng(1).integers(0, 256, (1, 24, 24, 3), dtype=np.uint8)
    moved = rgb.copy()
    moved[..., 1] = rgb[..., channel]  # the same values in the green channel
    out = prepare_fundus(rgb, scale=1.0, channel=channel)
    assert np.array_equal(out, prepare_fundus(moved, scale=1.0))
    assert not np.array_equal(out, prepare_fundus(rgb, scale=1.0))


def test_prepare_fundus_raises_contrast_of_a_dim_image() -> None:
    rgb = np.zeros((1, 64, 64, 3), np.uint8)
    rgb[0, :, :, 1] = 40
    rgb[0, 20:40, 20:40, 1] = 50  # a faint square
    out = prepare_fundus(rgb, scale=1.0)[0]
    assert out[30, 30] - out[5, 5] > (50 - 40) / 255


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"images": np.zeros((1, 8, 8, 3))}, "uint8"),
        ({"images": np.zeros((1, 8, 8), np.uint8)}, "images"),
        ({"scale": 0}, "scale"),
        ({"scale": 1.5}, "scale"),
        ({"clip_limit": 0}, "clip_limit"),
        ({"channel": 3}, "channel"),
        ({"channel": True}, "channel"),
        ({"channel": "green"}, "channel"),
    ],
)
def test_prepare_fundus_bad_input(kwargs: dict, message: str) -> None:
    arguments = {"images": np.zeros((1, 8, 8, 3), np.uint8)} | kwargs
    with pytest.raises(ValueError, match=message):
        prepare_fundus(**arguments)


def test_downscale_masks_keeps_covered_pixels_and_loses_thin_lines() -> None:
    masks = np.zeros((2, 8, 8), bool)
    masks[0, :4, :4] = True  # a 2 x 2 block when halved
    masks[1, 0, :] = True  # one row: a quarter of each small pixel, lost
    small = downscale_masks(masks, 0.5)
    assert small.shape == (2, 4, 4) and small.dtype == bool
    assert small[0].sum() == 4 and small[0, :2, :2].all()
    assert not small[1].any()
    assert np.array_equal(downscale_masks(masks[0], 1.0)[0], masks[0])


@pytest.mark.parametrize(
    ("masks", "scale", "message"),
    [
        (np.full((2, 2), 2), 0.5, "masks"),
        (np.zeros((1, 1, 2, 2), bool), 0.5, "masks"),
        (np.zeros((2, 2), bool), 0, "scale"),
    ],
)
def test_downscale_masks_bad_input(masks, scale, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        downscale_masks(masks, scale)


def test_random_patches_are_the_slices_they_claim_and_seeded() -> None:
    images = np.arange(2 * 12 * 10, dtype=float).reshape(2, 12, 10)
    masks = images % 3 == 0
    x, y = random_patches(images, masks, n=50, size=4, seed=3)
    assert x.shape == y.shape == (50, 4, 4, 1) and x.dtype == y.dtype == np.float32
    for patch, label in zip(x[..., 0], y[..., 0]):
        index = int(patch[0, 0])  # values are unique: the first value says where the patch came from
        image, row, col = np.unravel_index(index, images.shape)
        assert np.array_equal(patch, images[image, row : row + 4, col : col + 4])
        assert np.array_equal(label, masks[image, row : row + 4, col : col + 4])
    again, _ = random_patches(images, masks, n=50, size=4, seed=3)
    other, _ = random_patches(images, masks, n=50, size=4, seed=4)
    assert np.array_equal(x, again) and not np.array_equal(x, other)


def test_random_patch_centres_fall_inside_the_region_and_cover_it() -> None:
    images = np.arange(30 * 30, dtype=float).reshape(1, 30, 30)
    region = np.zeros((1, 30, 30), bool)
    region[0, 10:13, 15:17] = True  # six allowed centres
    x, _ = random_patches(images, np.zeros_like(region), n=600, size=6, centre_in=region)
    centres = {(int(v // 30), int(v % 30)) for v in x[:, 3, 3, 0]}
    assert centres == {(r, c) for r in range(10, 13) for c in range(15, 17)}


def test_random_patches_never_leave_the_image() -> None:
    images = np.arange(7 * 9, dtype=float).reshape(1, 7, 9)
    x, _ = random_patches(images, np.zeros((1, 7, 9), bool), n=300, size=7)
    assert set(x[:, 0, 0, 0].astype(int)) == {0, 1, 2}  # top-left corners: row 0, columns 0 to 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"images": np.zeros((1, 8, 8, 3))}, "images"),
        ({"masks": np.zeros((1, 8, 7), bool)}, "masks"),
        ({"n": 0}, "n"),
        ({"size": 9}, "size"),
        ({"centre_in": np.zeros((1, 8, 8), bool)}, "centre_in"),
        ({"centre_in": np.ones((1, 4, 4), bool)}, "centre_in"),
        ({"seed": -1}, "seed"),
    ],
)
def test_random_patches_bad_input(kwargs: dict, message: str) -> None:
    arguments = {"images": np.zeros((1, 8, 8)), "masks": np.zeros((1, 8, 8), bool), "n": 2, "size": 4} | kwargs
    with pytest.raises(ValueError, match=message):
        random_patches(**arguments)


def test_field_of_view_on_chasedb1(chase_bytes: bytes, tmp_path) -> None:
    from medlearn.data import CHASEDB1_ARCHIVE, load_chasedb1
    from medlearn.fundus import fundus_field_of_view

    (tmp_path / CHASEDB1_ARCHIVE).write_bytes(chase_bytes)
    data = load_chasedb1(tmp_path, download=False)
    for image, first, second in zip(data.images, data.first_observer, data.second_observer):
        fov = fundus_field_of_view(image)
        assert 0.6 < fov.mean() < 0.75  # the exposed disc covers about two thirds of the frame
        assert not fov[0, 0] and not fov[-1, -1] and fov[480, 500]  # dark corners out, the centre in
        assert ndimage.label(fov)[1] == 1 and np.array_equal(ndimage.binary_fill_holes(fov), fov)
        # nearly every annotated vessel pixel lies inside it
        assert (first & fov).sum() > 0.99 * first.sum() and (second & fov).sum() > 0.99 * second.sum()


@pytest.mark.parametrize(
    ("image", "kwargs", "message"),
    [
        (np.zeros((10, 10, 3), np.uint8), {}, "no pixel with red above threshold=20"),
        (np.zeros((10, 10), np.uint8), {}, "image must be one RGB photograph"),
        (np.zeros((2, 10, 10, 3), np.uint8), {}, "image must be one RGB photograph"),
        (np.zeros((10, 10, 3), float), {}, "image must be one RGB photograph"),
        (np.full((10, 10, 3), 99, np.uint8), {"threshold": 255}, "threshold must be"),
        (np.full((10, 10, 3), 99, np.uint8), {"closing_radius": -1}, "closing_radius must be"),
    ],
)
def test_field_of_view_bad_input(image: np.ndarray, kwargs: dict, message: str) -> None:
    from medlearn.fundus import fundus_field_of_view

    with pytest.raises(ValueError, match=message):
        fundus_field_of_view(image, **kwargs)
