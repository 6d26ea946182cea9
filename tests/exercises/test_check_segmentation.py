"""Exercise checks of the segmentation chapter: typical mistakes fail, with the hint written for them.

A check that accepts a typical mistake is useless; each entry is a wrong answer and words of its hint.
"""

from __future__ import annotations

import contextlib
import functools
import io

import numpy as np
import pytest
from helpers import REPO, one_code_cell, placeholders_test, right_answers_test, typical_mistakes_test
from scipy import ndimage
from skimage import measure

from authoring.chapters import by_name
from medlearn.check import segmentation
from medlearn.data import load_isles22
from medlearn.segmentation import dice, lesion_counts


def _dice(t, p):
    return 2 * np.sum(t & p) / (t.sum() + p.sum()) if t.sum() + p.sum() else 1.0


def _borders(a, b):
    return [m & ~ndimage.binary_erosion(m) for m in (a, b)]


MISTAKES = [
    (segmentation.dice_by_hand, lambda t, p: np.sum(t & p) / np.sum(t | p), "IoU"),
    (segmentation.dice_by_hand, lambda t, p: np.sum(t & p) / (t.sum() + p.sum()), "twice"),
    (segmentation.dice_by_hand, lambda t, p: 2 * np.sum(t & p) / max(t.sum() + p.sum(), 1), "empty"),
    (segmentation.iou_from_dice_by_hand, lambda d: 2 * d / (1 + d), "other way"),
    (segmentation.iou_from_dice_by_hand, lambda d: d / 2, "not half"),
    (segmentation.dice_inside, lambda t, p, m: _dice(t, p), "outside the mask"),
    (
        segmentation.hd95,
        lambda a, b: np.percentile(ndimage.distance_transform_edt(~_borders(a, b)[1])[_borders(a, b)[0]], 95),
        "one direction",
    ),
    (
        segmentation.hd95,
        lambda a, b: max(
            ndimage.distance_transform_edt(~_borders(a, b)[1])[_borders(a, b)[0]].max(),
            ndimage.distance_transform_edt(~_borders(a, b)[0])[_borders(a, b)[1]].max(),
        ),
        "maximum",
    ),
    (
        segmentation.dice_inside,
        lambda t, p, m: 2 * np.sum(t[m] & p[m]) / max(t[m].sum() + p[m].sum(), 1),
        "empty inside",
    ),
    (
        segmentation.hd95,
        lambda a, b: np.percentile(
            np.concatenate(
                [
                    ndimage.distance_transform_edt(~_borders(a, b)[1])[_borders(a, b)[0]],
                    ndimage.distance_transform_edt(~_borders(a, b)[0])[_borders(a, b)[1]],
                ]
            ),
            95,
        ),
        "medpy",
    ),
    (segmentation.patch_at, lambda im, m, r, c, s: (im[r : r + s, c : c + s], m[r : r + s, c : c + s]), "CENTRE"),
    (segmentation.split_by_child, lambda child, n, seed: np.isin(child, np.unique(child)[:n]), "same split"),
    (
        segmentation.split_by_child,
        lambda child, n, seed: np.isin(np.arange(len(child)), np.random.default_rng(seed).choice(len(child), 2 * n)),
        "split by child",
    ),
    (
        segmentation.split_by_child,
        lambda child, n, seed: np.isin(child, np.unique(child)[:n]).astype(int),
        "boolean",
    ),
]


test_typical_mistake_fails_with_its_hint = typical_mistakes_test(MISTAKES)


# The U-Net task: one network is trained once (a few seconds); each typical mistake hands it back with its Dice
# computed the wrong way, after a fit of a separate tiny network that the check records.


@functools.cache
def _trained_unet():
    import keras

    from medlearn.models import small_unet, weighted_binary_crossentropy

    x_train, y_train, _, _ = segmentation.vessel_patches()
    keras.utils.set_random_seed(0)
    model = small_unet(1, widths=(8, 16))
    weight = float((1 - y_train.mean()) / y_train.mean())
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss=weighted_binary_crossentropy(weight))
    model.fit(x_train, y_train, epochs=3, batch_size=16, verbose=0)
    return model


def _tiny_fit(x, y, epochs=1):
    import keras

    tiny = keras.Sequential([keras.Input(x.shape[1:]), keras.layers.Conv2D(1, 1)])
    tiny.compile(loss="mse")
    tiny.fit(x, y, epochs=epochs, batch_size=len(x), verbose=0)


def _hard_dice(truth, called):
    truth = truth > 0.5
    return 2 * np.sum(truth & called) / (truth.sum() + called.sum())


def _unet_answer(how, fit_on="train", epochs=1):
    def answer(x_train, y_train, x_val, y_val):
        x, y = (x_train, y_train) if fit_on == "train" else (x_val, y_val)
        _tiny_fit(x, y, epochs)
        model = _trained_unet()
        p_val, p_train = model.predict(x_val, verbose=0), model.predict(x_train, verbose=0)
        dice = {
            "right": lambda: _hard_dice(y_val, p_val >= 0.5),
            "soft": lambda: 2 * np.sum(y_val * p_val) / (y_val.sum() + p_val.sum()),
            "per patch": lambda: np.mean(
                [_hard_dice(t, p >= 0.5) for t, p in zip(y_val, p_val) if (t > 0.5).sum() + (p >= 0.5).sum()]
            ),
            "training": lambda: _hard_dice(y_train, p_train >= 0.5),
        }[how]()
        return {"model": model, "val_dice": dice}

    return answer


UNET_MISTAKES = [
    (segmentation.train_unet, _unet_answer("soft"), "soft Dice"),
    (segmentation.train_unet, _unet_answer("per patch"), "mean of the patches"),
    (segmentation.train_unet, _unet_answer("training"), "training patches"),
    (segmentation.train_unet, _unet_answer("right", fit_on="val"), "validation patches went into training"),
    (segmentation.train_unet, _unet_answer("right", epochs=50), "train briefly"),
    (segmentation.train_unet, lambda *d: {"model": _trained_unet(), "val_dice": 0.5}, "never trained"),
    (segmentation.train_unet, lambda *d: 0.5, "return a dict"),
]
test_unet_right_answer_passes = right_answers_test({segmentation.train_unet: _unet_answer("right")})
test_unet_mistakes_fail_with_their_hint = typical_mistakes_test(UNET_MISTAKES)
test_unet_placeholder_is_todo = placeholders_test({segmentation.train_unet: _unet_answer("right")})


# The lesion-wise task: its reference must count as the chapter's § 10 does on the real stroke case. The chapter's
# own cells run here (load the case, cut the lesions, score the rules), so a change to the chapter's rule shows.


def _chapter_stroke_section() -> dict:
    chapter = REPO / by_name("segmentation").notebook
    names = {"np": np, "ndimage": ndimage, "measure": measure, "dice": dice, "load_isles22": load_isles22}
    with contextlib.redirect_stdout(io.StringIO()):
        for start in ("case = load_isles22()", "def lesions(mask):", "def lesion_scores(", "three_largest = "):
            exec(one_code_cell(chapter, start), names)
    return names


@pytest.mark.usefixtures("pet_and_stroke_files")
def test_lesion_counts_agree_with_the_chapter_on_the_real_case() -> None:
    chapter = _chapter_stroke_section()
    expert, scores = chapter["expert"], chapter["lesion_scores"]
    masks = {**chapter["rules"], "three largest": chapter["three_largest"]}  # rules 1 to 3 and the expert's own
    for name, mask in masks.items():
        got, want = lesion_counts(expert, mask), scores(mask, expert)
        assert got == {key: want[key] for key in got}, name
    # The chapter's own function, given the masks in the task's order (expert first), passes the check.
    assert segmentation.lesion_counts.run(lambda y_true, y_pred: scores(y_pred, y_true)).passed


@pytest.mark.parametrize("grown", ["y_true", "y_pred"])
def test_lesion_counts_with_one_mask_grown_gets_the_next_to_hint(grown: str) -> None:
    """Growing one mask only before looking for overlaps is the "next to" mistake too, not the background label's
    (on the first case both give the same four numbers)."""
    near = np.ones((3, 3, 3), bool)

    def one_grown(y_true, y_pred):
        truth, n_truth = ndimage.label(y_true, structure=near)
        pred, n_pred = ndimage.label(y_pred, structure=near)
        grown_true = ndimage.binary_dilation(y_true, structure=near) if grown == "y_true" else y_true
        grown_pred = ndimage.binary_dilation(y_pred, structure=near) if grown == "y_pred" else y_pred
        found = np.count_nonzero(np.unique(truth[grown_pred & (truth > 0)]))
        pieces = np.count_nonzero(np.unique(pred[grown_true & (pred > 0)]))
        missed, false_alarms = n_truth - found, n_pred - pieces
        return {
            "found": found,
            "missed": missed,
            "false alarms": false_alarms,
            "lesion F1": found / (found + (missed + false_alarms) / 2),
        }

    result = segmentation.lesion_counts.run(one_grown)
    assert result.mistake == "next to counted as overlap", result.message
