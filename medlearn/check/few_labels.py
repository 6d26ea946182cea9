"""Checks for the exercises of chapter 15, learning with few labels.

In the exercise notebook::

    from medlearn.check import few_labels as check
    check.variance_kept(variance_kept)

The answers are compared with scikit-learn (PCA, the adjusted Rand index), with ``medlearn.active.query``,
``medlearn.models.freeze_blocks``, and cleanlab's self-confidence.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..active import query
from .core import Wrong, as_array, as_number, call, letter_answer, task

__all__ = [
    "adjusted_rand",
    "frozen_layers",
    "pca_anomaly_scores",
    "report_anomaly_finder",
    "self_confidence_order",
    "uncertainty_pick",
    "variance_kept",
]


def _images(seed: int, n: int = 60, side: int = 6) -> np.ndarray:
    """Small images with structure: a brightness, a left-right gradient, and noise."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(-1, 1, side)[None, None, :]
    images = rng.normal(0.5, 0.1, (n, 1, 1)) + rng.normal(0, 0.2, (n, 1, 1)) * ramp
    return images + rng.normal(0, 0.05, (n, side, side))


@task(
    hints=[
        "PCA works on the images as rows of pixels, (N, H * W), with the mean image subtracted first: "
        "np.linalg.svd(rows - rows.mean(axis=0), full_matrices=False).",
        "A component's variance is its singular value squared. The share kept by the first k is the sum of "
        "the first k squares over the sum of all of them: one number between 0 and 1.",
    ]
)
def variance_kept(function: Any) -> None:
    from sklearn.decomposition import PCA

    for seed, k in ((1, 3), (0, 1), (2, 5)):
        images = _images(seed)
        rows = images.reshape(len(images), -1)
        want = float(PCA(n_components=k).fit(rows).explained_variance_ratio_.sum())
        got = call(function, images.copy(), k)
        if np.ndim(got) != 0:
            raise Wrong("return one number, the share of the variance the first k components keep together.")
        got = as_number(got, "your share")
        if np.isclose(got, want, atol=1e-6):
            continue
        singular = np.linalg.svd(rows, compute_uv=False)
        if np.isclose(got, (singular[:k] ** 2).sum() / (singular**2).sum(), atol=1e-6):
            raise Wrong("subtract the mean image before the decomposition: uncentred, the first component is the mean.")
        centred = np.linalg.svd(rows - rows.mean(axis=0), compute_uv=False)
        if np.isclose(got, centred[:k].sum() / centred.sum(), atol=1e-6):
            raise Wrong("a component's variance is its singular value SQUARED: square them before summing.")
        if k > 1 and np.isclose(got, (centred[: k - 1] ** 2).sum() / (centred**2).sum(), atol=1e-6):
            raise Wrong("the first k components are indices 0 to k - 1: you kept one too few.")
        raise Wrong(f"for k = {k} the share is {want:.4f}, yours is {got:.4f}.")


def _rand_index(a: np.ndarray, b: np.ndarray) -> float:
    same_a = a[:, None] == a[None, :]
    same_b = b[:, None] == b[None, :]
    upper = np.triu_indices(len(a), 1)
    return float((same_a == same_b)[upper].mean())


@task(
    hints=[
        "Build the contingency table n[i, j]: how many items partition a puts in group i and b puts in group j. "
        "Pairs together in both: sum of n[i, j] choose 2.",
        "ARI = (index - expected) / (max - expected), with index = sum C(n_ij, 2), expected = "
        "sum C(a_i, 2) * sum C(b_j, 2) / C(n, 2), max = (sum C(a_i, 2) + sum C(b_j, 2)) / 2, "
        "a_i and b_j the row and column sums.",
    ]
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
            raise Wrong("that is the plain Rand index: ADJUST it for chance, (index - expected) / (max - expected).")
        if np.isclose(got, float((a == b).mean()), atol=1e-9):
            raise Wrong(
                "cluster numbers are arbitrary names (cluster 0 may be the pneumonia group): compare PAIRS of items, "
                "not labels item by item."
            )
        raise Wrong(f"for these two partitions the ARI is {want:.4f}, yours is {got:.4f}.")


@task(
    hints=[
        "Fit PCA with k components on the normal rows only, then for each image: project (transform), rebuild "
        "(inverse_transform), and take the mean of the squared differences over its pixels.",
        "By hand: mean = normal.mean(axis=0); V = the first k right singular vectors of normal - mean; "
        "rebuilt = mean + (x - mean) @ V.T @ V.",
    ]
)
def pca_anomaly_scores(function: Any) -> None:
    from sklearn.decomposition import PCA

    normal = _images(4, n=80).reshape(80, -1)
    odd = np.random.default_rng(5).random((10, normal.shape[1]))  # unlike the normal images
    images = np.r_[normal[:10] + 0.01, odd]
    for k in (2, 4):
        pca = PCA(n_components=k).fit(normal)
        want = ((images - pca.inverse_transform(pca.transform(images))) ** 2).mean(axis=1)
        got = as_array(call(function, normal.copy(), images.copy(), k), "your scores")
        if got.shape != want.shape:
            raise Wrong(f"return one score per image: shape {want.shape}, not {got.shape}.")
        if np.allclose(got, want, atol=1e-9):
            continue
        wrong_fit = PCA(n_components=k).fit(images)
        if np.allclose(got, ((images - wrong_fit.inverse_transform(wrong_fit.transform(images))) ** 2).mean(axis=1)):
            raise Wrong(
                "fit the PCA on the NORMAL images only: fitted on the images to score, it learns the anomalies."
            )
        if np.allclose(got, want * images.shape[1]):
            raise Wrong("take the MEAN over the pixels, not the sum (the chapter's score is a mean squared error).")
        raise Wrong("the scores differ from PCA's reconstruction error; check the projection and the rebuilt image.")
    scores = as_array(call(function, normal.copy(), images.copy(), 2), "your scores")
    if not scores[10:].min() > scores[:10].max():
        raise Wrong("the random images should score higher than the normal-looking ones.")


@task(
    hints=[
        "Walk through the names in order and count the convolutions ('conv1', 'conv2', ...). "
        "Every layer before the (depth + 1)-th convolution that has weights is frozen.",
        "In small_cnn, the layers with weights are the convolutions and the batch normalisations ('bn1', ...); "
        "ReLU and pooling layers have none. The head ('probability') is never frozen.",
    ]
)
def frozen_layers(function: Any) -> None:
    from ..models import freeze_blocks, small_cnn

    for widths in ((4, 8, 16), (4, 8)):
        model = small_cnn((16, 16, 1), n_classes=2, widths=widths)
        names = [layer.name for layer in model.layers]
        for depth in range(len(widths) + 1):
            want = freeze_blocks(model, depth)
            got = call(function, list(names), depth)
            if got is None:
                raise Wrong("return the list of names.")
            got = list(got)
            if got == want:
                continue
            if [n for n in got if not n.startswith(("relu", "pool"))] == want:
                raise Wrong("ReLU and pooling layers have no weights: list only the layers that do (conv, bn).")
            if want and got == [n for n in want if n.startswith("conv")]:
                raise Wrong("batch normalisation layers have weights too (a scale, a shift, and moving statistics).")
            if depth < len(widths) and got == freeze_blocks(model, depth + 1):
                raise Wrong(f"depth {depth} freezes {depth} blocks: you froze one block too many.")
            if "probability" in got:
                raise Wrong("the head ('probability') stays trainable: it must learn the new task.")
            raise Wrong(f"for depth {depth} the frozen layers are {want}, yours are {got}.")
        freeze_blocks(model, 0)


@task(
    hints=[
        "Uncertainty is closeness to 0.5: rank the images by abs(p - 0.5), smallest first.",
        "Leave out the images already labelled (labelled[i] is True) before you take the n smallest.",
    ]
)
def uncertainty_pick(function: Any) -> None:
    rng = np.random.default_rng(6)
    p = rng.random(40)
    labelled = np.zeros(40, bool)
    labelled[np.argsort(np.abs(p - 0.5))[:3]] = True  # the three most uncertain are already labelled
    for n in (5, 1):
        want = set(query(p, n, labelled=labelled).tolist())
        got = call(function, p.copy(), labelled.copy(), n)
        got = as_array(got, "your indices")
        if got.shape != (n,):
            raise Wrong(f"return {n} indices, not an array of shape {got.shape}.")
        chosen = set(got.astype(int).tolist())
        if chosen == want:
            continue
        if chosen == set(np.argsort(np.abs(p - 0.5), kind="stable")[:n].tolist()):
            raise Wrong("never ask for a label you already have: leave out the images with labelled True.")
        lowest = np.flatnonzero(~labelled)[np.argsort(p[~labelled], kind="stable")[:n]]
        if chosen in (set(np.argsort(p, kind="stable")[:n].tolist()), set(lowest.tolist())):
            raise Wrong("a low probability is a confident 'no': uncertainty is closeness to 0.5, abs(p - 0.5).")
        far = np.flatnonzero(~labelled)[np.argsort(-np.abs(p[~labelled] - 0.5), kind="stable")[:n]]
        if chosen == set(far.tolist()):
            raise Wrong("those are the model's most CONFIDENT images; ask for the ones closest to 0.5.")
        raise Wrong(f"the {n} most uncertain unlabelled images are {sorted(want)}, you picked {sorted(chosen)}.")


@task(
    hints=[
        "Self-confidence is the probability the model gives the label the image carries: probabilities[i, labels[i]].",
        "Most suspect first: np.argsort(self_confidence, kind='stable') puts the lowest first.",
    ]
)
def self_confidence_order(function: Any) -> None:
    from cleanlab.rank import get_label_quality_scores

    rng = np.random.default_rng(7)
    p1 = rng.random(30)
    probabilities = np.c_[1 - p1, p1]
    labels = rng.integers(0, 2, 30)
    scores = get_label_quality_scores(labels, probabilities, method="self_confidence")
    want = np.argsort(scores, kind="stable")
    got = as_array(call(function, labels.copy(), probabilities.copy()), "your order")
    if got.shape != want.shape:
        raise Wrong(f"return every index once, most suspect first: shape {want.shape}, not {got.shape}.")
    got = got.astype(int)
    if np.array_equal(got, want):
        return
    if np.array_equal(got, want[::-1]):
        raise Wrong("most suspect FIRST: the lowest self-confidence comes first.")
    if np.array_equal(got, np.argsort(p1, kind="stable")) or np.array_equal(got, np.argsort(-p1, kind="stable")):
        raise Wrong("use the probability of the label the image CARRIES, probabilities[i, labels[i]], not of class 1.")
    raise Wrong("the order differs from cleanlab's self-confidence ranking; check ties (kind='stable').")


@task(
    hints=[
        "Ask where the flip was decided, and what the autoencoder's error was shown to follow in the chapter.",
        "A score that follows sharpness will follow the scanner and the processing as well; a disease finder "
        "is trained with disease labels and tested on images from elsewhere.",
    ]
)
def report_anomaly_finder(function: Any) -> str:
    return letter_answer(
        function,
        right="b",
        wrong={
            "a": "the direction of the score was chosen after seeing the test set's result, and the score was shown "
            "to follow fine detail, not disease: on another scanner the order may flip again.",
            "c": "a threshold from validation fixes the operating point, not what the score measures: it still ranks "
            "sharpness, and the validation set shares this data set's acquisition.",
            "d": "training longer makes the autoencoder rebuild every image better, sharp or not; nothing in its "
            "objective knows about pneumonia.",
        },
        message="The score measures sharpness, not disease: detect disease with labels, tested on images from "
        "elsewhere.",
    )
