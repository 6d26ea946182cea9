"""Answers to the transfer chapter's task written as a learner would, with options that make the typical mistakes:
the table of mistakes calls them (and the default options give the right answer)."""

from __future__ import annotations

from typing import Any

import numpy as np


def frozen(
    names: list[str], depth: int, skip_bn: bool = False, extra: int = 0, with_free: bool = False, head: bool = False
) -> list[str]:
    """The layers with weights in the first ``depth`` blocks of a small_cnn; the options make the mistakes.

    Example:
        >>> frozen(["image", "conv1", "bn1", "relu1", "pool1", "conv2", "bn2", "global", "probability"], 1)
        ['conv1', 'bn1']
    """
    frozen, seen = [], 0
    for name in names:
        if name.startswith("conv"):
            seen += 1
        if name.startswith(("global", "dropout", "probability")):
            if head and depth == sum(n.startswith("conv") for n in names):
                frozen.append("probability")
            break
        if depth > 0 and seen <= depth + extra:
            if name.startswith("conv") or (name.startswith("bn") and not skip_bn) or with_free:
                if name != "image":
                    frozen.append(name)
    return frozen


def turn(images: Any, turns: Any, clockwise: bool = False, degrees: bool = False, first: bool = False) -> Any:
    """Each image turned by its own number of quarter turns, anticlockwise; the options make the mistakes.

    Example:
        >>> turn(np.array([[[1, 2], [3, 4]]]), np.array([1])).tolist()
        [[[2, 4], [1, 3]]]
    """
    if first:
        return np.rot90(images, int(turns[0]), axes=(1, 2))
    sign = -1 if clockwise else 1
    return np.stack([np.rot90(image, sign * int(k) * (90 if degrees else 1)) for image, k in zip(images, turns)])


def probe_auc(
    train_x: Any,
    train_y: Any,
    test_x: Any,
    test_y: Any,
    hard: bool = False,
    column: int = 1,
    scale_on_test: bool = False,
    balanced: bool = True,
    scale: str = "train",
) -> float:
    """The test AUC of a logistic regression on standardised features; the options make the mistakes.

    Example:
        >>> x = np.r_[np.zeros((5, 1)), np.ones((5, 1))] + np.arange(10)[:, None] * 0.01
        >>> y = np.r_[np.zeros(5), np.ones(5)]
        >>> probe_auc(x, y, x, y)
        1.0
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.preprocessing import StandardScaler

    if scale == "none":
        train, test = np.asarray(train_x, float), np.asarray(test_x, float)
    elif scale == "separately":
        train, test = StandardScaler().fit_transform(train_x), StandardScaler().fit_transform(test_x)
    else:
        scaler = StandardScaler().fit(test_x if scale_on_test else train_x)
        train, test = scaler.transform(train_x), scaler.transform(test_x)
    model = LogisticRegression(max_iter=2000, class_weight="balanced" if balanced else None)
    model.fit(train, train_y)
    scores = model.predict(test) if hard else model.predict_proba(test)[:, column]
    return float(roc_auc_score(test_y, scores))


def paired_difference(
    y: Any, runs_a: Any, runs_b: Any, averaged: bool = False, swapped: bool = False, one: bool = False
) -> float:
    """The mean over runs of AUC(run of a) minus AUC(run of b); the options make the mistakes.

    Example:
        >>> y = np.array([0, 0, 1, 1])
        >>> paired_difference(y, np.array([[0.1, 0.2, 0.8, 0.9]]), np.array([[0.9, 0.1, 0.8, 0.2]]))
        0.5
    """
    from sklearn.metrics import roc_auc_score

    a, b = (runs_b, runs_a) if swapped else (runs_a, runs_b)
    if averaged:
        return float(roc_auc_score(y, np.mean(a, axis=0)) - roc_auc_score(y, np.mean(b, axis=0)))
    pairs = list(zip(a, b))[:1] if one else list(zip(a, b))
    return float(np.mean([roc_auc_score(y, ra) - roc_auc_score(y, rb) for ra, rb in pairs]))
