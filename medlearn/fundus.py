"""Fundus photographs: the field of view, and the photograph as a network sees it (green channel with local
contrast, smaller masks, random patches).

The segmentation chapter and ``benchmarks/unet.py`` prepare CHASE_DB1 with these functions,
so that the notebook and the benchmark train on the same input.

Example:
    >>> rgb = np.random.default_rng(0).integers(0, 256, (2, 64, 60, 3), dtype=np.uint8)
    >>> prepare_fundus(rgb, scale=0.5).shape
    (2, 32, 30)
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage
from skimage import exposure, transform

from ._validation import check_images, check_int, check_mask, check_number

__all__ = ["downscale_masks", "fundus_field_of_view", "prepare_fundus", "random_patches"]


def prepare_fundus(images: np.ndarray, scale: float = 0.5, clip_limit: float = 0.01, channel: int = 1) -> np.ndarray:
    """One channel (green by default) of RGB photographs, scaled to 0-1, resized by ``scale``, then CLAHE.

    Vessels are darker than the retina around them in the green channel; the
    red channel is often saturated and the blue one dark. Resizing uses
    anti-aliasing (an average over the pixels that merge), and CLAHE
    (``skimage.exposure.equalize_adapthist``) evens out the illumination that
    falls off towards the rim of the field of view.

    Args:
        images: uint8 RGB photographs ``(N, H, W, 3)`` (or one ``(H, W, 3)``).
        scale: size factor in (0, 1]; 0.5 halves height and width.
        clip_limit: CLAHE's clip limit in (0, 1]; higher gives more contrast (and noise).
        channel: 0 (red), 1 (green, the default) or 2 (blue).

    Returns:
        float32 ``(N, round(H * scale), round(W * scale))`` with values in [0, 1].

    Example:
        >>> rgb = np.full((1, 8, 8, 3), 100, np.uint8)
        >>> prepare_fundus(rgb, scale=1.0).shape
        (1, 8, 8)
    """
    stack = check_images(images, "images", colours=(3,))
    if stack.ndim != 4 or stack.dtype != np.uint8:
        raise ValueError(f"images must be uint8 RGB photographs (N, H, W, 3), not {np.shape(images)} {stack.dtype}")
    scale = check_number(scale, "scale", low=0, high=1, low_open=True)
    clip_limit = check_number(clip_limit, "clip_limit", low=0, high=1, low_open=True)
    channel = check_int(channel, "channel (0 red, 1 green, 2 blue)", min_value=0, max_value=2)
    out = []
    for image in stack:
        green = image[..., channel] / 255.0
        if scale != 1:
            green = transform.rescale(green, scale, anti_aliasing=True)
        out.append(exposure.equalize_adapthist(green, clip_limit=clip_limit))
    return np.stack(out).astype(np.float32)


def downscale_masks(masks: np.ndarray, scale: float = 0.5) -> np.ndarray:
    """Binary masks resized by ``scale`` as :func:`prepare_fundus` resizes images, then thresholded at one half.

    The mask is smoothed (anti-aliasing) and interpolated like the image, and a
    small pixel is True where the result is at least 0.5: a vessel that covers
    most of the pixels that merge is kept, one that covers a few is lost.

    Args:
        masks: bool masks ``(N, H, W)`` (or one ``(H, W)``).
        scale: size factor in (0, 1], as in :func:`prepare_fundus`.

    Returns:
        bool ``(N, round(H * scale), round(W * scale))``.

    Example:
        >>> block = np.zeros((1, 4, 4), bool)
        >>> block[0, :2, :2] = True
        >>> downscale_masks(block, 0.5)[0]
        array([[ True, False],
               [False, False]])
    """
    stack = check_mask(masks, "masks")
    if stack.ndim == 2:
        stack = stack[None]
    if stack.ndim != 3:
        raise ValueError(f"masks must be (N, H, W) or (H, W), not of shape {stack.shape}")
    scale = check_number(scale, "scale", low=0, high=1, low_open=True)
    if scale == 1:
        return stack.copy()
    return np.stack([transform.rescale(m.astype(float), scale, anti_aliasing=True) >= 0.5 for m in stack])


def random_patches(
    images: np.ndarray,
    masks: np.ndarray,
    n: int,
    size: int = 64,
    *,
    centre_in: np.ndarray | None = None,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` square patches at random places, drawn with replacement, with the matching patches of the masks.

    Every pixel that can be a patch's centre (``size // 2`` from the top and
    left, the patch inside the image, and inside ``centre_in`` when given) is
    equally likely, over all images together.

    Args:
        images: float images ``(N, H, W)``, for example from :func:`prepare_fundus`.
        masks: bool masks of the same shape (the reference segmentation).
        n: number of patches, at least 1.
        size: side of a patch in pixels, at least 1 and at most the images' height and width.
        centre_in: optional bool masks of the same shape: where a patch's centre may fall (the field of view).
        seed: seed of the random places.

    Returns:
        ``(x, y)``: float32 arrays ``(n, size, size, 1)``, the image patches and the mask patches (0 or 1).

    Example:
        >>> x, y = random_patches(np.zeros((2, 10, 10)), np.ones((2, 10, 10), bool), n=3, size=4)
        >>> x.shape, float(y.min())
        ((3, 4, 4, 1), 1.0)
    """
    stack = check_images(images, "images", colours=())
    if stack.ndim != 3:
        raise ValueError(f"images must be grey images (N, H, W), not of shape {np.shape(images)}")
    truth = check_mask(masks, "masks", shape=stack.shape, like="images")
    n = check_int(n, "n", min_value=1)
    size = check_int(size, "size", min_value=1, max_value=min(stack.shape[1:]))
    seed = check_int(seed, "seed", min_value=0)
    half = size // 2
    allowed = np.zeros(stack.shape, bool)
    allowed[:, half : stack.shape[1] - size + half + 1, half : stack.shape[2] - size + half + 1] = True
    if centre_in is not None:
        allowed &= check_mask(centre_in, "centre_in", shape=stack.shape, like="images")
    centres = np.flatnonzero(allowed)
    if centres.size == 0:
        raise ValueError("centre_in leaves no place for a patch's centre at least size // 2 from the border")
    image, row, col = np.unravel_index(np.random.default_rng(seed).choice(centres, n), stack.shape)
    offsets = np.arange(size) - half
    rows = (row[:, None] + offsets)[:, :, None]
    cols = (col[:, None] + offsets)[:, None, :]
    x = stack[image[:, None, None], rows, cols].astype(np.float32)
    y = truth[image[:, None, None], rows, cols].astype(np.float32)
    return x[..., None], y[..., None]


def fundus_field_of_view(image: np.ndarray, threshold: int = 20, closing_radius: int = 5) -> np.ndarray:
    """The field of view of a colour fundus photograph: the bright disc that the camera exposed.

    The red channel above ``threshold``, closed with a disc of ``closing_radius``
    pixels, holes filled, and only the largest connected region kept. CHASE_DB1
    ships no field-of-view masks; the literature computes one like this and
    scores segmentations inside it.

    Args:
        image: one RGB photograph ``(H, W, 3)``, uint8.
        threshold: red value (0 to 255) above which a pixel is exposed.
        closing_radius: radius in pixels of the closing that bridges dark vessels at the rim.

    Returns:
        A bool mask ``(H, W)``.

    Example:
        >>> disc = np.zeros((41, 41, 3), np.uint8)
        >>> yy, xx = np.mgrid[-20:21, -20:21]
        >>> disc[(yy ** 2 + xx ** 2) <= 15 ** 2] = (120, 60, 20)
        >>> fov = fundus_field_of_view(disc)
        >>> fov.shape, int(fov.sum()) == int(((yy ** 2 + xx ** 2) <= 15 ** 2).sum())
        ((41, 41), True)
    """
    stack = check_images(image, "image", colours=(3,))
    if stack.shape[0] != 1 or stack.ndim != 4 or stack.dtype != np.uint8:
        raise ValueError(f"image must be one RGB photograph (H, W, 3) of uint8, not {np.shape(image)} {stack.dtype}")
    threshold = check_int(threshold, "threshold", min_value=0, max_value=254)
    radius = check_int(closing_radius, "closing_radius", min_value=0)
    exposed = stack[0, ..., 0] > threshold
    if radius:
        yy, xx = np.mgrid[-radius : radius + 1, -radius : radius + 1]
        exposed = ndimage.binary_closing(exposed, structure=yy**2 + xx**2 <= radius**2, border_value=0)
    exposed = ndimage.binary_fill_holes(exposed)
    labels, n = ndimage.label(exposed)
    if n == 0:
        raise ValueError(f"image has no pixel with red above threshold={threshold}: is it a fundus photograph?")
    largest = np.argmax(np.bincount(labels.ravel())[1:]) + 1
    return labels == largest
