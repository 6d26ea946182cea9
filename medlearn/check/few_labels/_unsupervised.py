"""The few_labels chapter's tasks without labels: the variance PCA keeps, the adjusted Rand index and PCA's anomaly
scores, with their tables of mistakes."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Mistake, Wrong, as_array, as_number, call, task
from . import _answers as _ans
from . import _data

_NOT_ONE_NUMBER = Mistake(
    "every component",
    lambda images, k: np.ones(k),
    "return one number, the share of the variance the first k components keep together.",
)
_UNCENTRED = Mistake(
    "not centred",
    lambda images, k: _ans.variance(images, k, centre=False),
    "subtract the mean image before the decomposition: uncentred, the first component is the mean.",
)
_NOT_SQUARED = Mistake(
    "not squared",
    lambda images, k: _ans.variance(images, k, square=False),
    "a component's variance is its singular value SQUARED: square them before summing.",
)
_ONE_TOO_FEW = Mistake(
    "one too few",
    lambda images, k: _ans.variance(images, k, shift=1),
    "the first k components are indices 0 to k - 1: you kept one too few.",
)


@task(
    "PCA works on the images as rows of pixels, (N, H * W), with the mean image subtracted first: "
    "np.linalg.svd(rows - rows.mean(axis=0), full_matrices=False).",
    "A component's variance is its singular value squared. The share kept by the first k is the sum of "
    "the first k squares over the sum of all of them: one number between 0 and 1.",
    mistakes=[_NOT_ONE_NUMBER, _UNCENTRED, _NOT_SQUARED, _ONE_TOO_FEW],
    reference=_ans.variance,
)
def variance_kept(function: Any) -> None:
    from sklearn.decomposition import PCA

    for seed, k in ((1, 3), (0, 1), (2, 5)):
        images = _data.images(seed)
        rows = images.reshape(len(images), -1)
        want = float(PCA(n_components=k).fit(rows).explained_variance_ratio_.sum())
        got = call(function, images.copy(), k)
        if np.ndim(got) != 0:
            raise _NOT_ONE_NUMBER.wrong()
        got = as_number(got, "your share")
        if np.isclose(got, want, atol=1e-6):
            continue
        singular = np.linalg.svd(rows, compute_uv=False)
        if np.isclose(got, (singular[:k] ** 2).sum() / (singular**2).sum(), atol=1e-6):
            raise _UNCENTRED.wrong()
        centred = np.linalg.svd(rows - rows.mean(axis=0), compute_uv=False)
        if np.isclose(got, centred[:k].sum() / centred.sum(), atol=1e-6):
            raise _NOT_SQUARED.wrong()
        if k > 1 and np.isclose(got, (centred[: k - 1] ** 2).sum() / (centred**2).sum(), atol=1e-6):
            raise _ONE_TOO_FEW.wrong()
        raise Wrong(f"for k = {k} the share is {want:.4f}, yours is {got:.4f}.")


def _rand_index(a: np.ndarray, b: np.ndarray) -> float:
    same_a = a[:, None] == a[None, :]
    same_b = b[:, None] == b[None, :]
    upper = np.triu_indices(len(a), 1)
    return float((same_a == same_b)[upper].mean())


_PLAIN_RAND = Mistake(
    "plain Rand index",
    lambda a, b: _ans.ari(a, b, adjust=False),
    "that is the plain Rand index: ADJUST it for chance, (index - expected) / (max - expected).",
)
_LABELS_COMPARED = Mistake(
    "labels compared",
    lambda a, b: float((a == b).mean()),
    "cluster numbers are arbitrary names (cluster 0 may be the pneumonia group): compare PAIRS of items, "
    "not labels item by item.",
)


@task(
    "Build the contingency table n[i, j]: how many items partition a puts in group i and b puts in group j. "
    "Pairs together in both: sum of n[i, j] choose 2.",
    "ARI = (index - expected) / (max - expected), with index = sum C(n_ij, 2), expected = "
    "sum C(a_i, 2) * sum C(b_j, 2) / C(n, 2), max = (sum C(a_i, 2) + sum C(b_j, 2)) / 2, "
    "a_i and b_j the row and column sums.",
    mistakes=[_PLAIN_RAND, _LABELS_COMPARED],
    reference=_ans.ari,
)
def adjusted_rand(function: Any) -> None:
    from sklearn.metrics import adjusted_rand_score

    rng = np.random.default_rng(3)
    cases = [
        (np.array([0, 0, 1, 1, 2, 2]), np.array([1, 1, 0, 0, 2, 2])),  # the same partition, other names
        (rng.integers(0, 2, 50), rng.integers(0, 3, 50)),
        (np.r_[np.zeros(30, int), np.ones(20, int)], np.r_[np.zeros(25, int), np.ones(25, int)]),
    ]
    for a, b in cases:
        want = float(adjusted_rand_score(a, b))
        got = as_number(call(function, a.copy(), b.copy()), "your index")
        if np.isclose(got, want, atol=1e-9):
            continue
        if np.isclose(got, _rand_index(a, b), atol=1e-9):
            raise _PLAIN_RAND.wrong()
        if np.isclose(got, float((a == b).mean()), atol=1e-9):
            raise _LABELS_COMPARED.wrong()
        raise Wrong(f"for these two partitions the ARI is {want:.4f}, yours is {got:.4f}.")


_SHAPE = Mistake(
    "the first five",
    lambda normal, images, k: _ans.pca_scores(normal, images, k)[:5],
    lambda want, got: f"return one score per image: shape {want.shape}, not {got.shape}.",
)
_FIT_ON_IMAGES = Mistake(
    "fitted on the images to score",
    lambda normal, images, k: _ans.pca_scores(normal, images, k, fit_on_images=True),
    "fit the PCA on the NORMAL images only: fitted on the images to score, it learns the anomalies.",
)
_SUM = Mistake(
    "sum over the pixels",
    lambda normal, images, k: _ans.pca_scores(normal, images, k, total=True),
    "take the MEAN over the pixels, not the sum (the chapter's score is a mean squared error).",
)


@task(
    "Fit PCA with k components on the normal rows only, then for each image: project (transform), rebuild "
    "(inverse_transform), and take the mean of the squared differences over its pixels.",
    "By hand: mean = normal.mean(axis=0); V = the first k right singular vectors of normal - mean; "
    "rebuilt = mean + (x - mean) @ V.T @ V.",
    mistakes=[_SHAPE, _FIT_ON_IMAGES, _SUM],
    reference=_ans.pca_scores,
)
def pca_anomaly_scores(function: Any) -> None:
    from sklearn.decomposition import PCA

    normal = _data.images(4, n=80).reshape(80, -1)
    odd = np.random.default_rng(5).random((10, normal.shape[1]))  # unlike the normal images
    images = np.r_[normal[:10] + 0.01, odd]
    for k in (2, 4):
        pca = PCA(n_components=k).fit(normal)
        want = ((images - pca.inverse_transform(pca.transform(images))) ** 2).mean(axis=1)
        got = as_array(call(function, normal.copy(), images.copy(), k), "your scores")
        if got.shape != want.shape:
            raise _SHAPE.wrong(want, got)
        if np.allclose(got, want, atol=1e-9):
            continue
        wrong_fit = PCA(n_components=k).fit(images)
        if np.allclose(got, ((images - wrong_fit.inverse_transform(wrong_fit.transform(images))) ** 2).mean(axis=1)):
            raise _FIT_ON_IMAGES.wrong()
        if np.allclose(got, want * images.shape[1]):
            raise _SUM.wrong()
        raise Wrong("the scores differ from PCA's reconstruction error; check the projection and the rebuilt image.")
    scores = as_array(call(function, normal.copy(), images.copy(), 2), "your scores")
    if not scores[10:].min() > scores[:10].max():
        raise Wrong("the random images should score higher than the normal-looking ones.")
