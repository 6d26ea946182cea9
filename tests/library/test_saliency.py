"""medlearn.saliency: Grad-CAM on models whose answer is known, its sanity check, and the overlay."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest

from medlearn.saliency import cascading_randomisation, grad_cam, heatmap_similarity, overlay_heatmap

# Grad-CAM -------------------------------------------------------------------------------------


def _region_model(maps_init: str = "glorot_uniform", out_init: str = "glorot_uniform", out_weight: float = 8.0):
    """A model whose output depends only on bright (positive) pixels; dark (negative) ones are ignored.

    Channel 0 of the feature map is relu(image), channel 1 is relu(-image); the
    output looks at channel 0 alone. Grad-CAM must light up the bright square
    and not the dark one, which is just as strong in the feature maps.
    """
    import keras

    inputs = keras.Input((16, 16, 1))
    maps = keras.layers.Conv2D(2, 1, use_bias=False, activation="relu", name="maps", kernel_initializer=maps_init)(
        inputs
    )
    pooled = keras.layers.GlobalAveragePooling2D()(maps)
    output = keras.layers.Dense(1, activation="sigmoid", name="out", kernel_initializer=out_init)(pooled)
    model = keras.Model(inputs, output)
    model.get_layer("maps").set_weights([np.array([1.0, -1.0], dtype="float32").reshape(1, 1, 1, 2)])
    model.get_layer("out").set_weights(
        [np.array([[out_weight], [0.0]], dtype="float32"), np.array([-0.5], dtype="float32")]
    )
    return model


def test_grad_cam_finds_the_region_the_answer_depends_on() -> None:
    image = np.zeros((16, 16), dtype="float32")
    image[2:6, 2:6] = 1.0  # what the model looks at
    image[10:14, 9:13] = -1.0  # as strong in the feature maps, but ignored by the output
    heatmap = grad_cam(_region_model(), image, class_index=1)
    assert heatmap.shape == (16, 16)
    assert heatmap[2:6, 2:6].min() > 0.5 and heatmap.max() == pytest.approx(1.0)
    assert heatmap[10:14, 9:13].max() == pytest.approx(0.0, abs=1e-6)
    # explaining the other class (1 - p): the bright square lowers it, so nothing lights up
    assert grad_cam(_region_model(), image, class_index=0).max() == 0.0


def _squares() -> np.ndarray:
    image = np.zeros((16, 16), dtype="float32")
    image[2:6, 2:6] = 1.0
    image[10:14, 9:13] = -1.0
    return image


def test_grad_cam_explains_the_logit_where_the_probability_has_saturated() -> None:
    import keras
    import tensorflow as tf

    model = _region_model(out_weight=2000.0)
    image = _squares()
    assert float(model(image[None, ..., None])[0, 0]) == 1.0  # saturated in float32
    # Grad-CAM on the probability: its gradient has vanished, so the map would be empty
    probe = keras.Model(model.inputs, [model.get_layer("maps").output, model.output])
    with tf.GradientTape() as tape:
        maps, probability = probe(tf.convert_to_tensor(image[None, ..., None]))
    assert float(tf.reduce_max(tf.abs(tape.gradient(probability, maps)))) == 0.0
    # on the logit it still finds the bright square
    heatmap = grad_cam(model, image, class_index=1)
    assert heatmap[2:6, 2:6].min() > 0.5 and heatmap[10:14, 9:13].max() == pytest.approx(0.0, abs=1e-6)


def test_grad_cam_is_the_same_for_a_separate_sigmoid_layer() -> None:
    import keras

    inputs = keras.Input((16, 16, 1))
    maps = keras.layers.Conv2D(2, 1, use_bias=False, activation="relu", name="maps")(inputs)
    logit = keras.layers.Dense(1, name="logit")(keras.layers.GlobalAveragePooling2D()(maps))
    split = keras.Model(inputs, keras.layers.Activation("sigmoid")(logit))
    split.set_weights(_region_model().get_weights())
    assert np.allclose(grad_cam(split, _squares(), class_index=1), grad_cam(_region_model(), _squares(), class_index=1))


def test_heatmap_similarity_ranks_and_refuses_a_constant_map() -> None:
    ramp = np.arange(25.0).reshape(5, 5)
    assert heatmap_similarity(ramp, np.sqrt(ramp)) == pytest.approx(1.0)
    assert heatmap_similarity(ramp, -ramp) == pytest.approx(-1.0)
    assert heatmap_similarity(ramp, np.zeros((5, 5))) == 0.0
    noise = np.random.default_rng(0).random((28, 28))
    assert abs(heatmap_similarity(noise, np.random.default_rng(1).random((28, 28)))) < 0.1
    for constant in (np.zeros((5, 5)), np.full((5, 5), 0.7)):
        with pytest.raises(ValueError, match="trained is a constant heatmap"):
            heatmap_similarity(constant, ramp)


@pytest.mark.parametrize(
    ("trained", "other", "word"),
    [
        (np.zeros((4, 4)), np.zeros((5, 5)), "one shape"),
        (np.zeros(1), np.zeros(1), "one shape"),
        (np.full((4, 4), np.nan), np.zeros((4, 4)), "finite"),
    ],
)
def test_heatmap_similarity_rejects_bad_input(trained: np.ndarray, other: np.ndarray, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        heatmap_similarity(trained, other)


def test_cascading_randomisation_passes_when_the_map_depends_on_the_weights() -> None:
    # re-initialised with zeros, the output layer no longer depends on any region: the map goes empty
    steps = cascading_randomisation(_region_model(out_init="zeros"), _squares(), class_index=1)
    assert list(steps) == ["out", "maps"] and steps["out"] == 0.0


def test_cascading_randomisation_fails_when_the_map_ignores_the_weights() -> None:
    # initialisers that give back the trained weights: the map cannot change, and the check must say so
    model = _region_model(
        maps_init=keras_constant([1.0, -1.0], (1, 1, 1, 2)), out_init=keras_constant([8.0, 0.0], (2, 1))
    )
    steps = cascading_randomisation(model, _squares(), class_index=1)
    assert all(value == pytest.approx(1.0) for value in steps.values())


def test_cascading_randomisation_refuses_an_empty_trained_map() -> None:
    # explaining class 0 of the region model: nothing raises it, so the trained map is all zeros
    with pytest.raises(ValueError, match="constant"):
        cascading_randomisation(_region_model(), _squares(), class_index=0)
    with pytest.raises(ValueError, match="Keras model"):
        cascading_randomisation("model.keras", _squares())


def test_cascading_randomisation_leaves_the_model_unchanged() -> None:
    model = _region_model()
    before = [w.copy() for w in model.get_weights()]
    cascading_randomisation(model, _squares())
    assert all(np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def keras_constant(values: list[float], shape: tuple[int, ...]):
    import keras

    return keras.initializers.Constant(np.array(values, dtype="float32").reshape(shape))


def test_grad_cam_on_the_course_cnn() -> None:
    from medlearn.models import small_cnn

    image = np.random.default_rng(0).random((28, 28)).astype("float32")
    model = small_cnn((28, 28, 1), 2)
    heatmap = grad_cam(model, image)
    assert heatmap.shape == (28, 28) and 0 <= heatmap.min() and heatmap.max() <= 1
    assert np.array_equal(grad_cam(model, image[..., None], layer_name="relu3"), heatmap)


@pytest.mark.parametrize(
    ("options", "word"),
    [
        ({"layer_name": "nope"}, "layer_name 'nope'"),
        ({"layer_name": 3}, "layer_name"),
        ({"class_index": 2}, "class_index"),
        ({"image": np.zeros((20, 20))}, "image has shape"),
    ],
)
def test_grad_cam_rejects_bad_input(options: dict, word: str) -> None:
    arguments = {"model": _region_model(), "image": np.zeros((16, 16))} | options
    with pytest.raises(ValueError, match=word):
        grad_cam(**arguments)


def test_grad_cam_needs_a_model_with_feature_maps() -> None:
    import keras

    inputs = keras.Input((4,))
    with pytest.raises(ValueError, match="4-D output"):
        grad_cam(keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(inputs)), np.zeros(4))
    with pytest.raises(ValueError, match="Keras model"):
        grad_cam("model.keras", np.zeros((16, 16)))


def test_overlay_heatmap_draws_image_and_heatmap_with_a_colour_bar() -> None:
    fig, ax = plt.subplots()
    heat = np.linspace(0, 1, 28 * 28).reshape(28, 28)
    assert overlay_heatmap(np.zeros((28, 28, 1)), heat, ax=ax, title="why") is ax
    assert len(ax.images) == 2 and ax.images[-1].get_clim() == (0.0, 1.0)
    assert ax.get_title() == "why" and len(fig.axes) == 2


@pytest.mark.parametrize(
    ("image", "heatmap", "word"),
    [
        (np.zeros((28, 28)), np.zeros((14, 14)), "match the image"),
        (np.zeros((28, 28)), np.full((28, 28), 2.0), r"\[0, 1\]"),
        (np.zeros((28, 28, 3)), np.zeros((28, 28)), "grayscale"),
    ],
)
def test_overlay_heatmap_rejects_bad_input(image, heatmap, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        overlay_heatmap(image, heatmap)
