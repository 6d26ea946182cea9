"""The tasks of the cnn_training chapter's exercises that train a network, and the min-max scaling they compare:
:mod:`medlearn.check.cnn_training` gives them to the learner (``check.train_and_gap``, ...) with the chapter's other
tasks.

Every number a learner reports is compared with the learner's own model scored again on the same images, never
with stored digits: training moves in the third decimal from one processor to another.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..._messages import tr
from ...models import to_network_input as library_input
from .._keras_training import as_auc, auc_in_training_mode, near, recorded_fits, scored_auc, training_error_hint
from .._letters import letter_task
from ..core import Mistake, Wrong, as_array, call, task
from ._build import TABLE_PARAMETERS
from ._data import N_TRAIN, subset

__all__ = ["N_TRAIN", "break_it", "min_max_per_image", "train_and_gap", "what_changed"]

#: At most this many epochs in one fit: the exercise trains briefly.
MAX_EPOCHS = 10


def _reference_min_max(images: np.ndarray) -> np.ndarray:
    x = images.astype(np.float32)
    low, high = x.min(axis=(1, 2), keepdims=True), x.max(axis=(1, 2), keepdims=True)
    return ((x - low) / np.where(high > low, high - low, 1))[..., None].astype(np.float32)


def _run(function: Any, *args: Any) -> tuple[Any, list]:
    """Call the learner's training function, recording its fits; the usual errors get their hint."""
    try:
        with recorded_fits() as fits:
            result = call(function, *args)
    except Wrong as wrong:
        raise training_error_hint(wrong) from None
    return result, fits


def _result(value: Any, what: str) -> dict:
    if not isinstance(value, dict):
        raise Wrong(tr("{what} should be a dict with the keys 'model', 'train_auc', 'val_auc' and 'gap'.", what=what))
    missing = [key for key in ("model", "train_auc", "val_auc", "gap") if key not in value]
    if missing:
        raise Wrong(tr("{what} lacks the key(s) {keys}.", what=what, keys=", ".join(map(repr, missing))))
    return value


def _trained_model(model: Any, fits: list) -> Any:
    import keras

    if not isinstance(model, keras.Model):
        raise Wrong(tr("'model' should be the keras.Model you trained, not {kind}.", kind=type(model).__name__))
    if tuple(model.output_shape) != (None, 1) or model.count_params() != TABLE_PARAMETERS:
        raise Wrong(tr("train the network of the table: build it with your build_from_table()."))
    if not fits:
        raise Wrong(tr("the model was never trained: call model.fit(X_train, y_train, epochs=..., ...) after compile."))
    if max(f.epochs for f in fits) > MAX_EPOCHS:
        raise Wrong(
            tr(
                "{epochs} epochs: train briefly, a few epochs (3 to 5), so that it runs in seconds.",
                epochs=max(f.epochs for f in fits),
            )
        )
    return model


@task(
    tr(
        "Seed (keras.utils.set_random_seed(0)), prepare the images as in task 3, build the table's network, compile "
        "it (Adam, binary cross-entropy), fit it for a few epochs on the training images only, then score both "
        "splits with model.predict and sklearn.metrics.roc_auc_score."
    ),
    tr(
        "train_auc = roc_auc_score(y_train, model.predict(X_train, verbose=0)[:, 0]); the same for validation; "
        "gap = train_auc - val_auc. Keras' history['auc'] is measured during the epoch, with dropout on."
    ),
)
def train_and_gap(function: Any) -> None:
    images_train, y_train, images_val, y_val = subset()
    n_train, n_val = len(y_train), len(y_val)
    value, fits = _run(function, images_train.copy(), y_train.copy(), images_val.copy(), y_val.copy())
    result = _result(value, tr("your function's result"))
    train_auc, val_auc = as_auc(result["train_auc"], "'train_auc'"), as_auc(result["val_auc"], "'val_auc'")
    model = _trained_model(result["model"], fits)
    if any(f.n in (n_val, n_train + n_val) for f in fits):
        raise Wrong(
            tr(
                "the validation images went into training (model.fit saw them): fit on the training images only and "
                "keep validation for scoring, or the validation AUC is no longer a measure on unseen images."
            )
        )
    if any(f.largest is not None and f.largest > 1.5 for f in fits):
        raise Wrong(tr("the network trained on 0-255 values: prepare the images with your to_network_input (task 3)."))
    X_train, X_val = library_input(images_train), library_input(images_val)
    true_train, true_val = scored_auc(model, X_train, y_train), scored_auc(model, X_val, y_val)
    if near(train_auc, true_val) and near(val_auc, true_train) and not near(train_auc, true_train):
        raise Wrong(tr("'train_auc' and 'val_auc' are swapped."))
    if near(val_auc, true_train) and not near(val_auc, true_val):
        raise Wrong(tr("'val_auc' was scored on the training images: score the validation images (images_val, y_val)."))
    if not near(train_auc, true_train):
        low, high = auc_in_training_mode(model, X_train, y_train)
        aucs = dict(true=true_train, reported=train_auc)
        if low - 0.01 <= train_auc <= high + 0.01:
            raise Wrong(
                tr(
                    "your model, scored with model.predict on the training images, has a training AUC of "
                    "{true:.3f}; you reported {reported:.3f}. It lies where a scoring with dropout on falls. Keras' "
                    "history['auc'] and model(X, training=True) score with dropout on and batch statistics: score "
                    "the finished model with model.predict.",
                    **aucs,
                )
            )
        raise Wrong(
            tr(
                "your model, scored with model.predict on the training images, has a training AUC of {true:.3f}; "
                "you reported {reported:.3f}. Keras' history['auc'] and model(X, training=True) score with dropout "
                "on and batch statistics: score the finished model with model.predict.",
                **aucs,
            )
        )
    if not near(val_auc, true_val):
        raise Wrong(
            tr(
                "your model, scored with model.predict on the validation images, has a validation AUC of "
                "{true:.3f}; you reported {reported:.3f}.",
                true=true_val,
                reported=val_auc,
            )
        )
    gap = _number(result["gap"])
    if np.isclose(gap, val_auc - train_auc, atol=1e-6) and not np.isclose(gap, 0, atol=1e-6):
        raise Wrong(
            tr("the gap is training minus validation: train_auc - val_auc (positive when training scores higher).")
        )
    if not np.isclose(gap, train_auc - val_auc, atol=1e-6):
        raise Wrong(
            tr("'gap' should be train_auc - val_auc = {want:.4f}; it is {gap:.4f}.", want=train_auc - val_auc, gap=gap)
        )


def _number(value: Any) -> float:
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise Wrong(tr("{what} should be a number, not {value!r}.", what="'gap'", value=value))
    try:
        return float(value)
    except (TypeError, ValueError):
        raise Wrong(tr("{what} should be one number, not a {kind}.", what="'gap'", kind=type(value).__name__)) from None


def _min_max_global(images: np.ndarray) -> np.ndarray:
    x = images.astype("float32")
    return ((x - x.min()) / (x.max() - x.min()))[..., None]


def _min_max_nan(images: np.ndarray) -> np.ndarray:
    x = images.astype("float32")
    low, high = x.min(axis=(1, 2), keepdims=True), x.max(axis=(1, 2), keepdims=True)
    with np.errstate(invalid="ignore"):
        return ((x - low) / (high - low))[..., None].astype("float32")


_MM_NO_CHANNEL = Mistake(
    "no channel axis",
    lambda images: _reference_min_max(images)[..., 0],
    tr("add the channel axis, shape (N, 28, 28, 1), as the network takes it."),
)
_MM_FLOAT64 = Mistake(
    "float64",
    lambda images: _reference_min_max(images).astype("float64"),
    lambda result: tr(
        "return float32, as the network takes it, not {kind}.", kind=getattr(result, "dtype", type(result).__name__)
    ),
)
_MM_NAN = Mistake(
    "0 / 0",
    _min_max_nan,
    tr(
        "a blank image (all pixels equal) gives 0 / 0 = NaN: divide by 1 where the highest value equals the "
        "lowest, so that it becomes all zeros."
    ),
)
_MM_GLOBAL = Mistake(
    "one range for the batch",
    _min_max_global,
    tr("that is one minimum and one maximum for the whole batch; each image needs its own."),
)
_MM_NO_MINIMUM = Mistake(
    "minimum not subtracted",
    lambda images: (images / images.max(axis=(1, 2), keepdims=True))[..., None].astype("float32"),
    tr("subtract each image's own minimum before dividing by its range (max - min)."),
)
_MM_OTHER = Mistake(
    "images reordered",
    lambda images: _reference_min_max(images)[::-1],
    tr("each image should run from 0 (its darkest pixel) to 1 (its brightest): (x - min) / (max - min)."),
)


@task(
    tr(
        "Each image gets its own lowest and highest value: min and max over axes (1, 2), with keepdims=True so "
        "that they broadcast against the images."
    ),
    tr(
        "(x - low) / (high - low) with x = images.astype('float32'); where high == low (a blank image) divide by 1 "
        "instead; then add the channel axis, [..., None]."
    ),
    mistakes=[_MM_NO_CHANNEL, _MM_FLOAT64, _MM_NAN, _MM_GLOBAL, _MM_NO_MINIMUM, _MM_OTHER],
    reference=_reference_min_max,
)
def min_max_per_image(function: Any) -> None:
    rng = np.random.default_rng(6)
    images = rng.integers(40, 200, size=(5, 28, 28), dtype=np.uint8)
    images[1] = images[1] // 4  # a dark image
    images[3] = 128  # a blank image: its lowest and highest values are equal
    want = _reference_min_max(images)
    result = call(function, images.copy())
    if isinstance(result, np.ndarray) and result.shape == images.shape:
        raise _MM_NO_CHANNEL.wrong()
    array = as_array(result, tr("the scaled images"), shape=want.shape)
    if not isinstance(result, np.ndarray) or result.dtype != np.float32:
        raise _MM_FLOAT64.wrong(result)
    if np.isnan(array).any():
        raise _MM_NAN.wrong()
    x = images.astype(np.float64)
    if np.allclose(array[..., 0], (x - x.min()) / (x.max() - x.min()), atol=1e-5):
        raise _MM_GLOBAL.wrong()
    if np.allclose(array[..., 0], x / x.max(axis=(1, 2), keepdims=True), atol=1e-5):
        raise _MM_NO_MINIMUM.wrong()
    if not np.allclose(array, want, atol=1e-5):
        raise _MM_OTHER.wrong()


@task(
    tr("Call your train_and_gap twice on the same images: once as it is, once with prepare=min_max_per_image."),
    tr(
        "baseline = train_and_gap(*data); min_max = train_and_gap(*data, prepare=min_max_per_image); "
        "change = min_max['val_auc'] - baseline['val_auc']."
    ),
)
def break_it(function: Any) -> None:
    images_train, y_train, images_val, y_val = subset()
    value, fits = _run(function, images_train.copy(), y_train.copy(), images_val.copy(), y_val.copy())
    if not isinstance(value, dict) or not {"baseline", "min_max", "change"} <= set(value):
        raise Wrong(tr("return a dict with the keys 'baseline', 'min_max' (train_and_gap's two results) and 'change'."))
    baseline, broken = _result(value["baseline"], "'baseline'"), _result(value["min_max"], "'min_max'")
    if broken["model"] is baseline["model"]:
        raise Wrong(
            tr("'baseline' and 'min_max' hold the same model: train a second one on the min-max scaled images.")
        )
    for run in (baseline, broken):
        _trained_model(run["model"], fits)
    if not any(f.per_image_min_max for f in fits):
        raise Wrong(tr("no training saw min-max scaled images: train the second model on min_max_per_image(images)."))
    base_val, broken_val = (
        as_auc(baseline["val_auc"], tr("the baseline's 'val_auc'")),
        as_auc(broken["val_auc"], "'val_auc'"),
    )
    true_base = scored_auc(baseline["model"], library_input(images_val), y_val)
    true_broken = scored_auc(broken["model"], _reference_min_max(images_val), y_val)
    mismatched = scored_auc(broken["model"], library_input(images_val), y_val)
    if near(broken_val, mismatched) and not near(broken_val, true_broken):
        raise Wrong(
            tr(
                "the min-max model was scored on validation images divided by 255: scale the validation images the "
                "way its training images were scaled, or it meets inputs it never saw."
            )
        )
    if not near(broken_val, true_broken):
        raise Wrong(
            tr(
                "the min-max model, scored on min-max scaled validation images, has an AUC of {true:.3f}; "
                "you reported {reported:.3f}.",
                true=true_broken,
                reported=broken_val,
            )
        )
    if not near(base_val, true_base):
        raise Wrong(
            tr(
                "the baseline's validation AUC is {true:.3f}; you reported {reported:.3f}.",
                true=true_base,
                reported=base_val,
            )
        )
    change = _number(value["change"])
    if np.isclose(change, base_val - broken_val, atol=1e-6) and not np.isclose(change, 0, atol=1e-6):
        raise Wrong(tr("'change' is min-max minus baseline: negative when min-max scaling lowered the AUC."))
    if not np.isclose(change, broken_val - base_val, atol=1e-6):
        raise Wrong(
            tr("'change' should be min_max['val_auc'] - baseline['val_auc'] = {want:.4f}.", want=broken_val - base_val)
        )


#: The wrong letters of what_changed, each with its hint.
_WRONG_LETTERS = {
    "a": tr(
        "look at your own 'min_max' validation AUC: the network still learns from min-max images; the shapes "
        "inside each image are all still there."
    ),
    "c": tr(
        "your run is one seed on 600 images; 'always better' needs many runs and many data sets, and the "
        "chapter's advice is the opposite: one scale for every image."
    ),
    "d": tr("scaling changes the pixels, never the labels: y_train and y_val are the same in both runs."),
}


@letter_task(
    tr(
        "What does an image lose when its darkest pixel becomes 0 and its brightest 1? And how far would a second "
        "seed move your numbers?"
    ),
    tr(
        "Two things are true: the scaling erases each image's overall brightness and contrast, and one seed on 600 "
        "images shows a drop in AUC, not its size."
    ),
    wrong=_WRONG_LETTERS,
    message=tr(
        "Min-max scaling per image throws away how bright and how contrasted each image is overall; one seed "
        "shows a drop in validation AUC; how large it is takes several seeds."
    ),
)
def what_changed() -> str:
    return "b"
