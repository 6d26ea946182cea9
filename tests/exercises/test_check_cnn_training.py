"""Exercise checks of the cnn_training chapter: the mistakes of the tasks that train a network, replayed.

The typical mistakes of the other tasks, build_from_table's among them, are tested from the checks' own tables
(``test_mistakes.py``). Training costs seconds, so the mistakes of train_and_gap and break_it are written here as
replays of one cached right training with one thing changed; each entry is a wrong answer and words of its hint.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from helpers import placeholders_test, right_answers_test, typical_mistakes_test

from medlearn.check import cnn_training
from medlearn.check.cnn_training._build import table_network
from medlearn.check.cnn_training._training import _reference_min_max as _min_max


def _scaled(images):
    return (images[..., None] / 255.0).astype("float32")


def _train_and_gap(images_train, y_train, images_val, y_val, prepare=_scaled, *, fit_on=None, epochs=5):
    import keras
    from sklearn.metrics import roc_auc_score

    keras.utils.set_random_seed(0)
    X_train, X_val = prepare(images_train), prepare(images_val)
    model = table_network()
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy")
    fit_X, fit_y = {"val": (X_val, y_val), None: (X_train, y_train)}[fit_on]
    model.fit(fit_X, fit_y, epochs=epochs, batch_size=32, verbose=0)
    train_auc = roc_auc_score(y_train, model.predict(X_train, verbose=0)[:, 0])
    val_auc = roc_auc_score(y_val, model.predict(X_val, verbose=0)[:, 0])
    return {"model": model, "train_auc": train_auc, "val_auc": val_auc, "gap": train_auc - val_auc}


def _break_it(images_train, y_train, images_val, y_val):
    baseline = _train_and_gap(images_train, y_train, images_val, y_val)
    min_max = _train_and_gap(images_train, y_train, images_val, y_val, prepare=_min_max)
    return {"baseline": baseline, "min_max": min_max, "change": min_max["val_auc"] - baseline["val_auc"]}


@functools.cache
def _runs() -> dict:
    """The right answers' results, trained once, while the checks record the fits (as they do for a learner)."""
    from medlearn.check._keras_training import recorded_fits

    with recorded_fits():
        return _break_it(*cnn_training.pneumonia_subset())


def _throwaway_fit(n, *, epochs=1, min_max=False):
    """A separate, tiny network fitted on n blank images (each with one white pixel, if min_max): the check records
    a fit, and the cached network stays as it was."""
    import keras

    tiny = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
    tiny.compile(loss="mse")
    images = np.zeros((n, 28, 28, 1), "float32")
    images[:, 0, 0, 0] = 1.0 if min_max else 0.0
    tiny.fit(images, np.zeros(n), epochs=epochs, batch_size=n, verbose=0)


def _replayed(change, *, fit=True, epochs=1):
    """A train_and_gap that trains nothing new: the cached right result with one thing changed."""

    def answer(images_train, y_train, images_val, y_val, prepare=None):
        if fit:
            _throwaway_fit(len(y_train), epochs=epochs)
        return change(dict(_runs()["baseline"]))

    return answer


def _broken_replayed(change, *, min_max=True):
    """A break_it that trains nothing new: the cached right results with one thing changed."""

    def answer(images_train, y_train, images_val, y_val):
        _throwaway_fit(len(y_train), min_max=min_max)
        runs = _runs()
        return change({"baseline": dict(runs["baseline"]), "min_max": dict(runs["min_max"]), "change": runs["change"]})

    return answer


def _min_max_scored_on_255(runs):
    from sklearn.metrics import roc_auc_score

    _, _, images_val, y_val = cnn_training.pneumonia_subset()
    scores = runs["min_max"]["model"].predict(_scaled(images_val), verbose=0)[:, 0]
    runs["min_max"]["val_auc"] = roc_auc_score(y_val, scores)
    runs["change"] = runs["min_max"]["val_auc"] - runs["baseline"]["val_auc"]
    return runs


def _one_hot_labels(images_train, y_train, images_val, y_val):

    model = table_network()
    model.compile(optimizer="adam", loss="binary_crossentropy")
    model.fit(_scaled(images_train[:64]), np.eye(2)[y_train[:64]], epochs=1, verbose=0)


def _scores_first(images_train, y_train, images_val, y_val):
    from sklearn.metrics import roc_auc_score

    return roc_auc_score(np.linspace(0, 1, len(y_val)), y_val)


TRAINING_MISTAKES = [
    (cnn_training.train_and_gap, _replayed(lambda r: {**r, "gap": -r["gap"]}), "training minus validation"),
    (cnn_training.train_and_gap, _replayed(lambda r: {k: r[k] for k in ("model", "train_auc", "val_auc")}), "'gap'"),
    (cnn_training.train_and_gap, lambda *data: _train_and_gap(*data, fit_on="val", epochs=1), "validation images went"),
    (
        cnn_training.train_and_gap,
        lambda *data: _train_and_gap(*data, prepare=lambda im: im[..., None].astype("float32"), epochs=1),
        "0-255",
    ),
    (cnn_training.train_and_gap, _replayed(lambda r: r, fit=False), "never trained"),
    (cnn_training.train_and_gap, _replayed(lambda r: r, epochs=50), "train briefly"),
    (cnn_training.break_it, _broken_replayed(lambda r: r, min_max=False), "no training saw min-max"),
    (cnn_training.train_and_gap, _one_hot_labels, "labels' shape"),
    (cnn_training.train_and_gap, _scores_first, "labels first"),
    (cnn_training.break_it, _broken_replayed(_min_max_scored_on_255), "divided by 255"),
    (cnn_training.break_it, _broken_replayed(lambda r: {**r, "change": -r["change"]}), "min-max minus baseline"),
    (cnn_training.break_it, _broken_replayed(lambda r: {**r, "min_max": r["baseline"]}), "same model"),
]


test_training_mistake_fails_with_its_hint = typical_mistakes_test(TRAINING_MISTAKES)

RIGHT = {
    cnn_training.train_and_gap: _replayed(lambda r: r),
    cnn_training.break_it: _broken_replayed(lambda r: r),
}
test_right_training_answers_pass = right_answers_test(RIGHT)


def test_build_from_table_accepts_the_sigmoid_as_a_layer_of_its_own():
    assert cnn_training.build_from_table.run(lambda: table_network(sigmoid="layer")).passed


test_training_placeholders_are_todo = placeholders_test(RIGHT)


def test_the_right_answers_train_as_the_exercise_asks() -> None:
    """The cached right answers are real trainings (the replays above stand on them): they pass as they are."""
    assert cnn_training.break_it.run(_break_it).passed
    assert cnn_training.train_and_gap.run(_train_and_gap).passed


def test_recorded_fits_leave_keras_as_it_was() -> None:
    import keras

    from medlearn.check._keras_training import recorded_fits

    before = keras.Model.fit
    with recorded_fits() as fits:
        _throwaway_fit(8, epochs=2)
    assert keras.Model.fit is before and "fit" not in keras.Model.__dict__
    assert [(f.n, f.epochs, f.largest) for f in fits] == [(8, 2, 0.0)]


@pytest.mark.parametrize(
    ("train_auc", "val_auc", "hint"),
    [(0.85, 0.95, "swapped"), (0.95, 0.95, "scored on the training images"), (0.93, 0.85, "dropout on")],
    ids=["swapped", "validation on training images", "training AUC with dropout on"],
)
def test_wrong_split_or_mode_fails_with_its_hint(
    monkeypatch: pytest.MonkeyPatch, train_auc: float, val_auc: float, hint: str
) -> None:
    """The check's own scoring is fixed here (training 0.95, validation 0.85), so that the hints are told apart
    whatever gap a short training happens to leave."""
    from medlearn.check.cnn_training import _training as run

    monkeypatch.setattr(run, "scored_auc", lambda model, X, y_true: 0.95 if len(y_true) == run.N_TRAIN else 0.85)
    monkeypatch.setattr(run, "auc_in_training_mode", lambda model, X, y_true: (0.92, 0.94))
    answer = _replayed(lambda r: {**r, "train_auc": train_auc, "val_auc": val_auc, "gap": train_auc - val_auc})
    result = cnn_training.train_and_gap.run(answer)
    assert result.status == "fail" and hint in result.message, result.message
    assert ("where a scoring with dropout on falls" in result.message) == (hint == "dropout on")
