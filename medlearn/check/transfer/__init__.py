"""Checks for the exercises of the transfer chapter, pretraining and transfer.

In the exercise notebook::

    from medlearn.check import transfer as check
    check.frozen_layers(frozen_layers)

The answers are compared with ``medlearn.models.freeze_blocks`` and ``rotation_pretext``, with scikit-learn's
logistic regression and AUC, and with ``medlearn.metrics.bootstrap_ci``'s paired difference.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._comparing import built_once
from .._letters import letter_task
from ..core import Mistake, Wrong, as_array, as_number, call, compared, task
from . import _answers as _ans

__all__ = ["frozen_layers", "paired_difference", "probe_auc", "report_short_budget", "turn"]


_NO_NAMES = Mistake(
    "nothing returned", lambda names, depth: None, "return the list of names (for depth 0, an empty list [])."
)
_WEIGHTLESS = Mistake(
    "ReLU and pooling",
    lambda names, depth: _ans.frozen(names, depth, with_free=True),
    "ReLU and pooling layers have no weights: list only the layers that do (conv, bn).",
)
_NO_BN = Mistake(
    "no batch normalisation",
    lambda names, depth: _ans.frozen(names, depth, skip_bn=True),
    "batch normalisation layers have weights too (a scale, a shift, and moving statistics).",
)
_ONE_TOO_MANY = Mistake(
    "one block too many",
    lambda names, depth: _ans.frozen(names, depth, extra=1),
    lambda depth: (
        "depth 0 freezes nothing: you froze one block."
        if depth == 0
        else f"depth {depth} freezes {'block 1' if depth == 1 else f'blocks 1 to {depth}'} only: you froze one block "
        "too many."
    ),
)
_HEAD = Mistake(
    "the head",
    lambda names, depth: _ans.frozen(names, depth, head=True),
    "the head ('probability') stays trainable: it must learn the new task.",
)


@task(
    "Walk through the names in order and count the convolutions ('conv1', 'conv2', ...). "
    "Every layer that has weights and comes before the (depth + 1)-th convolution is frozen.",
    "In small_cnn, the layers with weights are the convolutions and the batch normalisations ('bn1', ...); "
    "ReLU and pooling layers have none. The head ('probability') is never frozen.",
    mistakes=[_NO_NAMES, _WEIGHTLESS, _NO_BN, _ONE_TOO_MANY, _HEAD],
    reference=_ans.frozen,
)
def frozen_layers(function: Any) -> None:
    for names, depth, want, deeper in _frozen_cases():
        got = call(function, list(names), depth)
        if got is None:
            raise _NO_NAMES.wrong()
        got = list(got)
        if got == want:
            continue
        if [n for n in got if not n.startswith(("relu", "pool"))] == want:
            raise _WEIGHTLESS.wrong()
        if want and got == [n for n in want if n.startswith("conv")]:
            raise _NO_BN.wrong()
        if deeper is not None and got == deeper:
            raise _ONE_TOO_MANY.wrong(depth)
        if "probability" in got:
            raise _HEAD.wrong()
        raise Wrong(f"for depth {depth} the frozen layers are {want}, yours are {got}.")


@built_once
def _frozen_cases() -> list[tuple[list[str], int, list[str], list[str] | None]]:
    """frozen_layers' cases: small_cnn's layer names with widths (4, 8, 16) and (4, 8), each depth, the layers
    freeze_blocks freezes at that depth and at the next (None past the last block)."""
    from ...models import freeze_blocks, small_cnn

    cases = []
    for widths in ((4, 8, 16), (4, 8)):
        model = small_cnn((16, 16, 1), n_classes=2, widths=widths)
        names = [layer.name for layer in model.layers]
        frozen = [freeze_blocks(model, depth) for depth in range(len(widths) + 1)]
        cases += [(names, depth, frozen[depth], (frozen + [None])[depth + 1]) for depth in range(len(widths) + 1)]
    return cases


def _turn_cases() -> list[tuple[np.ndarray, np.ndarray]]:
    """turn's cases: the images and turns of ``rotation_pretext`` on small random square images."""
    from ...models import rotation_pretext

    images = np.random.default_rng(11).integers(0, 255, size=(8, 5, 5, 1)).astype(np.uint8)
    turned, turns = rotation_pretext(images, seed=0)  # turns 3, 2, 2, 1, 1, 0, 0, 0: each of 0 to 3
    if not np.array_equal(_ans.turn(images[..., 0], turns), turned[..., 0]):  # the reference is the library's turn
        raise RuntimeError("the reference answer of turn no longer matches medlearn.models.rotation_pretext")
    if set(np.asarray(turns).tolist()) != {0, 1, 2, 3}:
        raise RuntimeError("turn's case must have every turn from 0 to 3")
    return [(images[..., 0], np.asarray(turns))]


#: What the learner's turn returned when np.rot90 was given every turn at once (it takes one k).
_EVERY_K = object()
_ONE_CALL = Mistake(
    "one call for every turn",
    lambda images, turns: np.rot90(images, turns, axes=(1, 2)),
    "np.rot90 takes one k, for all the images it is given: loop over zip(images, turns) and turn each image by "
    "its own k.",
    spot=lambda value, want, images, turns: value is _EVERY_K,
)


def _every_k(function: Any) -> Any:
    """The learner's turn, with np.rot90's error for an array of turns returned as a marker for the hint."""

    def run(images: Any, turns: Any) -> Any:
        try:
            return function(images, turns)
        except (TypeError, ValueError) as error:
            if "truth value" in str(error) or "only integer" in str(error) or "integer scalar" in str(error):
                return _EVERY_K
            raise

    return run


def _read_turned(value: Any, images: Any, turns: Any) -> Any:
    if value is _EVERY_K:
        raise _ONE_CALL.wrong()
    got = as_array(value, "your images")
    if got.shape != images.shape:
        raise Wrong(f"return the images in their shape, {images.shape}, not {got.shape}.")
    return got


@compared(
    "np.rot90(image, k) turns one image by k quarter turns, anticlockwise.",
    "Each image has its own turn: loop over zip(images, turns), turn each one, and np.stack the results.",
    cases=_turn_cases,
    mistakes=[
        Mistake(
            "clockwise",
            lambda images, turns: _ans.turn(images, turns, clockwise=True),
            "np.rot90 turns anticlockwise for a positive k: you turned clockwise.",
        ),
        Mistake(
            "degrees",
            lambda images, turns: _ans.turn(images, turns, degrees=True),
            "np.rot90's k counts quarter turns, not degrees: pass the turn itself (0 to 3).",
        ),
        _ONE_CALL,
        Mistake(
            "one turn for all",
            lambda images, turns: _ans.turn(images, turns, first=True),
            "each image has its own turn: turn the images one by one, not all by the first turn.",
        ),
    ],
    read=_read_turned,
    prepare=_every_k,
    otherwise=lambda got, want, images, turns: "your images differ from rotation_pretext's turned images.",
)
def turn(images: Any, turns: Any) -> Any:
    return _ans.turn(images, turns)


def _probe_cases() -> list[tuple[np.ndarray, ...]]:
    """probe_auc's cases: features of two overlapping groups on different scales, a quarter of them positive."""
    rng = np.random.default_rng(12)
    cases = []
    for n_train, n_test in ((60, 40), (80, 50)):
        x = rng.normal(size=(n_train + n_test, 6)) * np.array([1, 5, 0.2, 3, 1, 10])
        y = (rng.random(n_train + n_test) < 0.25).astype(int)
        x[y == 1, :2] += 1.5
        x[n_train:] = x[n_train:] * np.array([2, 0.5, 3, 1, 0.3, 2]) + 1  # the test features on other scales
        cases.append((x[:n_train], y[:n_train], x[n_train:], y[n_train:]))
    return cases


@compared(
    "Standardise with a StandardScaler fitted on the training features only, then fit "
    "LogisticRegression(max_iter=2000, class_weight='balanced') on them.",
    "The AUC needs scores: roc_auc_score(test_y, model.predict_proba(test features)[:, 1]).",
    cases=_probe_cases,
    mistakes=[
        Mistake(
            "hard labels",
            lambda *case: _ans.probe_auc(*case, hard=True),
            "an AUC needs scores: use predict_proba(...)[:, 1], not predict's labels.",
        ),
        Mistake(
            "column 0",
            lambda *case: _ans.probe_auc(*case, column=0),
            "column 1 of predict_proba is the probability of label 1; column 0 turns the AUC upside down.",
        ),
        Mistake(
            "scaled on the test set",
            lambda *case: _ans.probe_auc(*case, scale_on_test=True),
            "fit the scaler on the training features only, then use it on both: fitted on the test features (or on "
            "all of them), it has seen the test images.",
        ),
        Mistake(
            "scaled separately",
            lambda *case: _ans.probe_auc(*case, scale="separately"),
            "fit the scaler once, on the training features, and use that same scaler on the test features: "
            "fit_transform on each set scales them differently.",
        ),
        Mistake(
            "no scaling",
            lambda *case: _ans.probe_auc(*case, scale="none"),
            "standardise the features first: a StandardScaler fitted on the training features.",
        ),
        Mistake(
            "no class weight",
            lambda *case: _ans.probe_auc(*case, balanced=False),
            "the chapter's probe weights the classes: class_weight='balanced'.",
        ),
    ],
    read=lambda value, *case: as_number(value, "your AUC"),
    otherwise=lambda got, want, *case: f"the probe's test AUC is {want:.4f}, yours is {got:.4f}.",
)
def probe_auc(train_x: Any, train_y: Any, test_x: Any, test_y: Any) -> float:
    return _ans.probe_auc(train_x, train_y, test_x, test_y)


def _paired_cases() -> list[tuple[np.ndarray, ...]]:
    """paired_difference's cases: labels and three runs of two models' scores, and the library's paired difference."""
    rng = np.random.default_rng(13)
    y = (rng.random(40) < 0.3).astype(int)
    runs_a = rng.random((3, 40)) + np.array([[0.9], [0.3], [0.6]]) * y  # the first run is not the median one
    runs_b = rng.random((3, 40)) + 0.2 * y
    return [(y, runs_a, runs_b), (y, runs_b, runs_a)]  # and a negative difference


def _library_difference(y: Any, runs_a: Any, runs_b: Any) -> float:
    from ...metrics import bootstrap_ci

    return float(bootstrap_ci(y, runs_a, runs_b, n_boot=200, seed=0)[0])


@compared(
    "Score each run on its own: roc_auc_score(y, runs_a[r]) - roc_auc_score(y, runs_b[r]) for each run r.",
    "Then average these differences over the runs: one number.",
    cases=_paired_cases,
    mistakes=[
        Mistake(
            "averaged scores",
            lambda *case: _ans.paired_difference(*case, averaged=True),
            "each run is a network of its own: score each run, then average the differences, not the scores.",
        ),
        Mistake(
            "b minus a",
            lambda *case: _ans.paired_difference(*case, swapped=True),
            "the difference is runs_a minus runs_b (pretrained minus scratch): you took it the other way round.",
        ),
        Mistake(
            "one run",
            lambda *case: _ans.paired_difference(*case, one=True),
            "average over all the runs (seeds), not the first one only.",
        ),
    ],
    read=lambda value, *case: as_number(value, "your difference"),
    otherwise=lambda got, want, *case: f"the mean paired difference is {want:+.4f}, yours is {got:+.4f}.",
)
def paired_difference(y: Any, runs_a: Any, runs_b: Any) -> float:
    return _library_difference(y, runs_a, runs_b)


#: The wrong letters of report_short_budget, each with its hint.
_SHORT_WRONG = {
    "b": "pretraining at another image size can still help; a size difference does not make a gain impossible.",
    "c": "Ke et al. found ImageNet pretraining's boost larger for the SMALLER architectures, not only for large ones.",
    "d": "in the chapter, a gain of +0.13 after a short, fixed training shrank to about +0.015 in a longer experiment "
    "(early stopping, augmentation, longer pretraining): a large gain after short training need not survive a fair "
    "training.",
}


@letter_task(
    "Ask what the two networks were given besides their start: how long did each train, and by which rule did "
    "training stop?",
    "A pretrained network learns faster. Under a short, fixed training, part of its gain can be a head start.",
    wrong=_SHORT_WRONG,
    message="Ask whether both starts were trained until they stopped improving, under the same rule.",
)
def report_short_budget() -> str:
    return "a"
