"""medlearn.check.volumes: right answers written otherwise pass, the Conv3D and GRU formulas match Keras, and the
3-D CNN task's mistakes get their hint (tests/course/test_exercises.py checks that odd answers never raise; the other
tasks' typical mistakes are tested from the checks' own tables, in test_mistakes.py)."""

from __future__ import annotations

import functools
import math

import numpy as np
import pytest
from helpers import placeholders_test, right_answers_test, typical_mistakes_test

from medlearn.check import volumes
from medlearn.volumes import voxel_to_world


def _order(orientation, positions, numbers):
    normal = np.cross(orientation[:3], orientation[3:])
    return np.argsort([np.dot(p, normal) for p in positions])


def _conv3d(shape, filters, kernel, strides, padding):
    if padding == "same":
        return (*(math.ceil(n / strides) for n in shape[:3]), filters)
    return (*((n - kernel) // strides + 1 for n in shape[:3]), filters)


RIGHT = {
    volumes.voxel_to_world_by_hand: lambda affine, ijk: voxel_to_world(affine, ijk),
    volumes.slice_order: _order,
    volumes.volume_ml: lambda mask, spacing: mask.sum() * np.prod(spacing) / 1000,
    volumes.sphericity_by_hand: lambda v, a: np.pi ** (1 / 3) * (6 * v) ** (2 / 3) / a,
    volumes.conv3d_output_shape: _conv3d,
    volumes.gru_parameters: lambda d, u: 3 * (u * d + u * u + 2 * u),
}


test_right_answers_pass = right_answers_test(RIGHT)


@pytest.mark.parametrize(
    ("shape", "filters", "kernel", "strides", "padding"),
    [((28, 28, 28, 1), 8, 3, 1, "valid"), ((28, 28, 28, 1), 16, 3, 2, "same"), ((14, 14, 14, 8), 4, 5, 2, "valid")],
)
def test_conv3d_formula_matches_keras(shape, filters, kernel, strides, padding) -> None:
    import keras

    layer = keras.layers.Conv3D(filters, kernel, strides=strides, padding=padding)
    assert tuple(layer.compute_output_shape((1, *shape))[1:]) == volumes._reference_conv3d_shape(
        shape, filters, kernel, strides, padding
    )


@pytest.mark.parametrize(("input_dim", "units"), [(32, 16), (8, 4), (100, 1)])
def test_gru_formula_matches_keras(input_dim: int, units: int) -> None:
    import keras

    model = keras.Sequential([keras.Input((5, input_dim)), keras.layers.GRU(units)])
    assert model.count_params() == volumes._reference_gru_count(input_dim, units)


def test_gru_hints_count_two_gates_and_a_candidate() -> None:
    """A GRU has two gates (update, reset) and a candidate state (Cho et al. 2014): three weight blocks."""
    lstm = volumes.gru_parameters.run(lambda d, u: 4 * (u * d + u * u + u)).message
    text = " ".join(volumes.gru_parameters.hints) + " " + lstm
    assert "two gates (update and reset) and a candidate" in text and "two gates (update, reset)" in lstm
    assert "3 gates" not in text and "GRU has three gates" not in text and "each of the three gates" not in text


def test_reference_answers_are_private() -> None:
    """A learner's tab completion on ``check.`` offers the tasks, never the functions that compute the answers."""
    from medlearn.check.core import Task

    public = [name for name, value in vars(volumes).items() if not name.startswith("_") and callable(value)]
    written_here = [name for name in public if getattr(getattr(volumes, name), "__module__", None) == volumes.__name__]
    assert [name for name in written_here if not isinstance(getattr(volumes, name), Task)] == []


# The 3-D CNN task: one network is trained once; each typical mistake hands it back with one thing wrong, after a
# fit of a separate tiny network that the check records.


@functools.cache
def _trained_volume_cnn():
    import keras

    from medlearn.models import small_cnn, to_network_input

    volumes_train, y_train, _, _ = volumes.adrenal_subset()
    keras.utils.set_random_seed(0)
    model = small_cnn((28, 28, 28, 1), n_classes=2, widths=(4, 8, 16), first_stride=2)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy")
    model.fit(to_network_input(volumes_train, volumes=True), y_train, epochs=4, batch_size=32, verbose=0)
    return model


def _volume_answer(how, fit_n=None, epochs=1):
    def answer(volumes_train, y_train, volumes_val, y_val):
        import keras
        from sklearn.metrics import roc_auc_score

        from medlearn.models import to_network_input

        n = fit_n or len(y_train)
        tiny = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
        tiny.compile(loss="mse")
        tiny.fit(np.zeros((n, 4)), np.zeros(n), epochs=epochs, batch_size=n, verbose=0)
        model = _trained_volume_cnn()
        X_train, X_val = to_network_input(volumes_train, volumes=True), to_network_input(volumes_val, volumes=True)
        train_auc = roc_auc_score(y_train, model.predict(X_train, verbose=0)[:, 0])
        val_auc = roc_auc_score(y_val, model.predict(X_val, verbose=0)[:, 0])
        if how == "val on train":
            val_auc = train_auc
        if how == "train off":
            train_auc = max(0.0, train_auc - 0.05)
        return {"model": model, "train_auc": train_auc, "val_auc": val_auc}

    return answer


VOLUME_MISTAKES = [
    (volumes.train_volume_cnn, _volume_answer("val on train"), "scored on the training volumes"),
    (volumes.train_volume_cnn, _volume_answer("train off"), "history['auc']"),
    (volumes.train_volume_cnn, _volume_answer("right", fit_n=98), "validation volumes went into training"),
    (volumes.train_volume_cnn, _volume_answer("right", epochs=40), "train briefly"),
    (volumes.train_volume_cnn, lambda *d: [], "return a dict"),
]
test_volume_right_answer_passes = right_answers_test({volumes.train_volume_cnn: _volume_answer("right")})
test_volume_mistakes_fail_with_their_hint = typical_mistakes_test(VOLUME_MISTAKES)
test_volume_placeholder_is_todo = placeholders_test({volumes.train_volume_cnn: _volume_answer("right")})
