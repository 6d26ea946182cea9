"""medlearn.models.autoencoder and medlearn.models.transfer: shapes, a short fit, the error by hand, freezing."""

from __future__ import annotations

import numpy as np
import pytest

from medlearn.models import (
    copy_weights,
    freeze_blocks,
    reconstruction_error,
    rotation_pretext,
    small_autoencoder,
    small_cnn,
)


def test_autoencoder_shapes_and_a_short_fit_lowers_the_reconstruction_error() -> None:
    import keras

    keras.utils.set_random_seed(0)
    model = small_autoencoder((16, 16, 1), widths=(8, 8), latent_channels=4)
    assert model.output_shape == (None, 16, 16, 1)
    assert model.get_layer("encoder").output_shape == (None, 4, 4, 4)
    assert model.get_layer("decoder").output_shape == (None, 16, 16, 1)
    yy, xx = np.mgrid[0:16, 0:16]
    rng = np.random.default_rng(0)
    images = np.stack([np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / 20) for cx, cy in rng.uniform(4, 12, (64, 2))])
    images = images[..., None].astype("float32")
    before = reconstruction_error(model, images).mean()
    model.compile(keras.optimizers.Adam(1e-2), "mse", jit_compile=False)
    model.fit(images, images, epochs=30, batch_size=16, verbose=0)
    errors = reconstruction_error(model, images)
    assert errors.shape == (64,) and errors.mean() < before / 2
    by_hand = ((model.predict(images, verbose=0) - images) ** 2).mean(axis=(1, 2, 3))
    np.testing.assert_allclose(errors, by_hand, rtol=1e-5)
    # an image unlike the training ones (a bright square) reconstructs worse than all of them
    square = np.zeros((1, 16, 16, 1), "float32")
    square[0, 2:14, 2:14] = 1.0
    assert reconstruction_error(model, square)[0] > errors.max()


def test_freeze_blocks_counts_the_frozen_weights() -> None:
    model = small_cnn((28, 28, 1), n_classes=2, widths=(8, 16, 32))

    def trainable_layers():
        return [layer.name for layer in model.layers if layer.trainable and layer.weights]

    everything = trainable_layers()
    assert freeze_blocks(model, 2) == ["conv1", "bn1", "conv2", "bn2"]
    assert trainable_layers() == ["conv3", "bn3", "probability"]
    assert not model.get_layer("bn2").trainable and model.get_layer("probability").trainable
    assert freeze_blocks(model, 3) == ["conv1", "bn1", "conv2", "bn2", "conv3", "bn3"]
    assert trainable_layers() == ["probability"]  # frozen features: only the head learns
    assert freeze_blocks(model, 0) == [] and trainable_layers() == everything


def test_rotation_pretext_turns_each_image_by_its_label() -> None:
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (40, 5, 5), dtype=np.uint8)
    turned, k = rotation_pretext(images, seed=3)
    assert turned.dtype == images.dtype and turned.shape == images.shape and k.dtype.kind == "i"
    assert set(k.tolist()) == {0, 1, 2, 3}  # every turn occurs in 40 draws
    for image, result, turns in zip(images, turned, k):
        np.testing.assert_array_equal(result, np.rot90(image, turns))
    channels, k_again = rotation_pretext(images[..., None], seed=3)  # a channel axis stays where it is
    np.testing.assert_array_equal(channels[..., 0], turned)
    np.testing.assert_array_equal(k_again, k)
    assert not np.array_equal(rotation_pretext(images, seed=4)[1], k)


def test_copy_weights_copies_shared_layers_only_and_by_name() -> None:
    import keras

    keras.utils.set_random_seed(0)
    source = small_cnn((16, 16, 1), n_classes=4, widths=(4, 8))
    for layer in source.layers:  # make every weight recognisable
        layer.set_weights([np.full(w.shape, i + 1.5, "float32") for i, w in enumerate(layer.get_weights())])
    target = small_cnn((16, 16, 1), n_classes=2, widths=(4, 8))
    head_before = target.get_layer("probability").get_weights()
    assert copy_weights(source, target) == ["conv1", "bn1", "conv2", "bn2"]
    for name in ("conv1", "bn1", "conv2", "bn2"):  # moving mean and variance included
        for mine, theirs in zip(target.get_layer(name).get_weights(), source.get_layer(name).get_weights()):
            np.testing.assert_array_equal(mine, theirs)
    for mine, before in zip(target.get_layer("probability").get_weights(), head_before):
        np.testing.assert_array_equal(mine, before)  # the head had another shape: untouched
    fresh = small_cnn((16, 16, 1), n_classes=2, widths=(4, 8))
    assert copy_weights(source, fresh, ["conv2"]) == ["conv2"]
    assert not np.array_equal(fresh.get_layer("conv1").get_weights()[0], source.get_layer("conv1").get_weights()[0])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: small_autoencoder((30, 28, 1)), "divisible by 4"),
        (lambda: small_autoencoder((28, 28)), "divisible by 4"),
        (lambda: small_autoencoder((28, 28, 1), widths=()), "widths"),
        (lambda: small_autoencoder((28, 28, 1), latent_channels=0), "latent_channels must be"),
        (lambda: reconstruction_error(lambda x: x, np.ones(4)), "images must be a stack"),
        (lambda: reconstruction_error("model", np.ones((2, 4, 4))), "model must be a Keras model"),
        (lambda: reconstruction_error(lambda x: x[:, :2], np.ones((2, 4, 4))), "input's shape"),
        (lambda: freeze_blocks("model", 1), "model must be a Keras model"),
        (lambda: rotation_pretext(np.zeros((2, 4, 5))), "images must be square"),
        (lambda: rotation_pretext(np.zeros((4, 4))), "images"),
        (lambda: rotation_pretext(np.zeros((2, 4, 4)), seed=-1), "seed"),
        (lambda: copy_weights("model", small_cnn((16, 16, 1), 2, widths=(4, 8))), "source must be a Keras model"),
        (lambda: copy_weights(small_cnn((16, 16, 1), 2, widths=(4, 8)), None), "target must be a Keras model"),
        (
            lambda: copy_weights(
                small_cnn((16, 16, 1), 4, widths=(4, 8)), small_cnn((16, 16, 1), 2, widths=(4, 8)), ["probabilities"]
            ),
            "'probabilities' is not a layer",
        ),
        (
            lambda: copy_weights(
                small_cnn((16, 16, 1), 2, widths=(4, 8)), small_cnn((16, 16, 1), 2, widths=(4, 16)), ["conv2"]
            ),
            "'conv2' has weights of other shapes",
        ),
        (
            lambda: copy_weights(
                small_cnn((16, 16, 1), 2, widths=(4, 8)), small_cnn((16, 16, 1), 2, widths=(4, 8)), "conv1"
            ),
            "layers must be a list",
        ),
        (lambda: freeze_blocks(small_cnn((28, 28, 1), n_classes=2), 4), "depth must be"),
    ],
)
def test_bad_input_names_the_argument(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()
