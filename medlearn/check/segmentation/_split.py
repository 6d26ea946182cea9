"""The segmentation chapter's tasks that cut the data: a patch around a pixel and a split by child, with their tables of
mistakes."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..._messages import tr
from ..core import Mistake, Wrong, as_array, call, task
from . import _data


def _patch(image: np.ndarray, mask: np.ndarray, row: int, col: int, size: int) -> tuple[np.ndarray, np.ndarray]:
    top, left = row - size // 2, col - size // 2
    return image[top : top + size, left : left + size], mask[top : top + size, left : left + size]


_NOT_A_PAIR = Mistake(
    "the image patch only",
    lambda image, mask, row, col, size: _patch(image, mask, row, col, size)[0],
    tr("return a pair: (the image patch, the mask patch)."),
)
_FROM_THE_CENTRE = Mistake(
    "starts at the centre",
    lambda image, mask, row, col, size: (
        image[row : row + size, col : col + size],
        mask[row : row + size, col : col + size],
    ),
    tr("your patch starts at the centre: (row, col) is the patch's CENTRE, so start size // 2 before."),
)
_SWAPPED = Mistake(
    "rows and columns swapped",
    lambda image, mask, row, col, size: _patch(image.T, mask.T, col, row, size),
    tr("rows and columns are swapped: the first index of an image is the row."),
)


@task(
    tr("A patch of side size centred at (row, col) starts size // 2 pixels above and left of the centre."),
    tr(
        "top, left = row - size // 2, col - size // 2; return image[top:top + size, left:left + size] and the same "
        "slice of the mask."
    ),
    mistakes=[_NOT_A_PAIR, _FROM_THE_CENTRE, _SWAPPED],
    reference=_patch,
)
def patch_at(function: Any) -> None:
    image = np.arange(30 * 40, dtype=float).reshape(30, 40)
    mask = image % 7 == 0
    for (row, col), size in (((12, 20), 8), ((15, 9), 5)):
        top, left = row - size // 2, col - size // 2
        result = call(function, image.copy(), mask.copy(), row, col, size)
        if not isinstance(result, tuple) or len(result) != 2:
            raise _NOT_A_PAIR.wrong()
        got_image = as_array(result[0], tr("your image patch"), shape=(size, size))
        got_mask = as_array(result[1], tr("your mask patch"), shape=(size, size))
        if np.array_equal(got_image, image[top : top + size, left : left + size]) and np.array_equal(
            got_mask, mask[top : top + size, left : left + size]
        ):
            continue
        if np.array_equal(got_image, image[row : row + size, col : col + size]):
            raise _FROM_THE_CENTRE.wrong()
        if np.array_equal(got_image, image.T[col - size // 2 : col - size // 2 + size, top : top + size]):
            raise _SWAPPED.wrong()
        raise Wrong(
            tr(
                "for the centre ({row}, {col}) and size {size}, the patch is image[{top}:{bottom}, {left}:{right}].",
                row=row,
                col=col,
                size=size,
                top=top,
                bottom=top + size,
                left=left,
                right=left + size,
            )
        )


def _by_child(child: np.ndarray, n_test: int, seed: Any) -> np.ndarray:
    return np.isin(child, np.random.default_rng(seed).choice(np.unique(child), n_test, replace=False))


_NOT_BOOLEAN = Mistake(
    "ones and zeros",
    lambda child, n_test, seed: _by_child(child, n_test, seed).astype(int),
    tr("return a boolean mask, True for the test images (one value per image)."),
)
_BY_IMAGE = Mistake(
    "images, not children",
    lambda child, n_test, seed: np.isin(
        np.arange(len(child)), np.random.default_rng(seed).choice(len(child), 2 * n_test)
    ),
    lambda shared: tr("children {shared} have one eye in test and one in training: split by child.", shared=shared),
)
_COUNT = Mistake(
    "one child too many",
    lambda child, n_test, seed: _by_child(child, n_test + 1, seed),
    lambda n_test, count: tr(
        "the test set should hold {n_test} children (all their images); yours holds {count}.",
        n_test=n_test,
        count=count,
    ),
)
_UNSEEDED = Mistake(
    "no seed",
    lambda child, n_test, seed: _by_child(child, n_test, None),
    tr("use the seed: the same seed must give the same split (np.random.default_rng(seed))."),
)
_SEED_IGNORED = Mistake(
    "the first children",
    lambda child, n_test, seed: np.isin(child, np.unique(child)[:n_test]),
    tr("seeds 0 to 5 all give the same split: draw the test children at random with the seed."),
)


@task(
    tr("Choose CHILDREN for the test set, not images: np.unique(child), then a seeded rng.choice of n_test of them."),
    tr("test = np.isin(child, chosen_children): both eyes of a chosen child land in the test set together."),
    mistakes=[_NOT_BOOLEAN, _BY_IMAGE, _COUNT, _UNSEEDED, _SEED_IGNORED],
    reference=_by_child,
)
def split_by_child(function: Any) -> None:
    child = _data.children()  # images not sorted by child, as in many real folders
    for n_test, seed in ((4, 0), (3, 1)):
        answer = call(function, child.copy(), n_test, seed)
        as_array(answer, tr("your test mask"), shape=child.shape)
        if np.asarray(answer).dtype != bool:
            raise _NOT_BOOLEAN.wrong()
        test = np.asarray(answer)
        in_test, in_train = set(child[test].tolist()), set(child[~test].tolist())
        if in_test & in_train:
            raise _BY_IMAGE.wrong(sorted(in_test & in_train))
        if len(in_test) != n_test:
            raise _COUNT.wrong(n_test, len(in_test))
    # An unseeded draw of 4 of 14 children repeats itself once in 1,001 calls: four calls with one seed must agree
    # (an unseeded answer passes about once in 10^9 checks).
    again = as_array(call(function, child.copy(), 4, 0), tr("your test mask"), shape=child.shape)
    for _ in range(3):
        if not np.array_equal(
            again, as_array(call(function, child.copy(), 4, 0), tr("your test mask"), shape=child.shape)
        ):
            raise _UNSEEDED.wrong()
    others = [
        as_array(call(function, child.copy(), 4, seed), tr("your test mask"), shape=child.shape) for seed in range(1, 6)
    ]
    if all(np.array_equal(again, other) for other in others):
        raise _SEED_IGNORED.wrong()
