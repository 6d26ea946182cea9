"""medlearn.models: the CNN builds and trains on every kind of MedMNIST image; augmentation; history plots."""

from __future__ import annotations

import importlib

import keras
import matplotlib.pyplot as plt
import numpy as np
import pytest

from medlearn.data import medmnist_info, medmnist_names
from medlearn.models import augmentation, small_cnn
from medlearn.plotting import plot_history

SHAPES = sorted(
    {
        (medmnist_info(n).n_channels, medmnist_info(n).n_classes)
        for n in medmnist_names(2)
        if not medmnist_info(n).multi_label
    }
)


@pytest.mark.parametrize(("channels", "n_classes"), SHAPES, ids=[f"{c}ch-{k}cls" for c, k in SHAPES])
def test_builds_and_fits_on_every_medmnist_shape(channels: int, n_classes: int) -> None:
    keras.utils.set_random_seed(0)
    model = small_cnn((28, 28, channels), n_classes)
    rng = np.random.default_rng(0)
    X = rng.random((32, 28, 28, channels)).astype("float32")
    y = rng.integers(0, n_classes, 32)
    if n_classes == 2:
        model.compile(optimizer="adam", loss="binary_crossentropy")
        assert model.output_shape == (None, 1)
    else:
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        assert model.output_shape == (None, n_classes)
    history = model.fit(X, y, epochs=2, batch_size=16, verbose=0)
    assert len(history.history["loss"]) == 2 and np.all(np.isfinite(history.history["loss"]))
    predicted = model.predict(X[:4], verbose=0)
    assert np.all((predicted >= 0) & (predicted <= 1))
    if n_classes > 2:
        np.testing.assert_allclose(predicted.sum(axis=1), 1.0, rtol=1e-5)


def test_architecture_and_parameter_count() -> None:
    model = small_cnn((28, 28, 1), 2, widths=(8, 16), dropout=0.1)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == [
        "InputLayer",
        "Conv2D",
        "BatchNormalization",
        "Activation",
        "MaxPooling2D",
        "Conv2D",
        "BatchNormalization",
        "Activation",
        "GlobalAveragePooling2D",
        "Dropout",
        "Dense",
    ]
    # conv1: 3*3*1*8 weights (no bias), bn1: 4*8, conv2: 3*3*8*16, bn2: 4*16, dense: 16 + 1
    assert model.count_params() == 72 + 32 + 1152 + 64 + 17


def test_the_same_network_in_three_dimensions_and_with_a_strided_start() -> None:
    model = small_cnn((28, 28, 28, 1), 2, widths=(8, 16), dropout=0.1, first_stride=2)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds[1:5] == ["Conv3D", "BatchNormalization", "Activation", "MaxPooling3D"]
    assert "GlobalAveragePooling3D" in kinds
    assert model.get_layer("conv1").output.shape == (None, 14, 14, 14, 8)  # stride 2 halves every side
    assert model.get_layer("pool1").output.shape == (None, 7, 7, 7, 8)
    # a 3 x 3 x 3 kernel has 27 weights per input and output channel, three times a 3 x 3 kernel's 9
    assert model.count_params() == 27 * 1 * 8 + 32 + 27 * 8 * 16 + 64 + 17
    flat = small_cnn((28, 28, 1), 2, widths=(8, 16), dropout=0.1, first_stride=2)
    assert flat.get_layer("conv1").output.shape == (None, 14, 14, 8)
    assert flat.count_params() == 9 * 1 * 8 + 32 + 9 * 8 * 16 + 64 + 17


def test_batch_norm_momentum_reaches_the_layers() -> None:
    assert {small_cnn((28, 28, 1), 2).get_layer(f"bn{i}").momentum for i in (1, 2, 3)} == {0.9}
    assert small_cnn((28, 28, 1), 2, bn_momentum=0.99).get_layer("bn1").momentum == 0.99


def test_seeded_training_is_reproducible() -> None:
    rng = np.random.default_rng(1)
    X, y = rng.random((24, 28, 28, 1)).astype("float32"), rng.integers(0, 2, 24)
    weights = []
    for _ in range(2):
        keras.utils.set_random_seed(3)
        model = small_cnn((28, 28, 1), 2)
        model.compile(optimizer="adam", loss="binary_crossentropy")
        model.fit(X, y, epochs=1, batch_size=8, verbose=0)
        weights.append(model.get_layer("conv1").get_weights()[0])
    np.testing.assert_array_equal(weights[0], weights[1])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"input_shape": (28, 28), "n_classes": 2}, "input_shape"),
        ({"input_shape": (2, 2, 1), "n_classes": 2}, "too small"),
        ({"input_shape": (28, 28, 1), "n_classes": 1}, "n_classes"),
        ({"input_shape": (28, 28, 1), "n_classes": 2, "dropout": 1.0}, "dropout"),
        ({"input_shape": (28, 28, 1), "n_classes": 2, "widths": ()}, "widths"),
        ({"input_shape": (28, 28, 1), "n_classes": 2, "bn_momentum": 1.0}, "bn_momentum"),
        ({"input_shape": (28, 28, 1), "n_classes": 2, "bn_momentum": True}, "bn_momentum"),
        ({"input_shape": (28, 28, 28, 28, 1), "n_classes": 2}, "input_shape"),
        ({"input_shape": (28, 28, 1), "n_classes": 2, "first_stride": 0}, "first_stride"),
        ({"input_shape": (8, 8, 1), "n_classes": 2, "first_stride": 4}, "too small"),
        ({"input_shape": (28, 28, 1), "n_classes": 2, "widths": "abc"}, "widths"),
    ],
)
def test_small_cnn_bad_input(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        small_cnn(**kwargs)


def test_augmentation_changes_training_images_only() -> None:
    layers = augmentation(seed=0)
    names = [layer.name for layer in layers.layers]
    assert names == ["rotation", "shift", "zoom"]  # no flips by default: chest X-rays have a left and a right
    assert "flip" in [layer.name for layer in augmentation(horizontal_flip=True).layers]
    assert layers.get_layer("rotation").factor == (-10 / 360, 10 / 360)
    image = np.zeros((1, 28, 28, 1), dtype="float32")
    image[0, 10:18, 4:12] = 1.0
    unchanged = keras.ops.convert_to_numpy(layers(image, training=False))
    changed = keras.ops.convert_to_numpy(layers(image, training=True))
    np.testing.assert_array_equal(unchanged, image)
    assert not np.allclose(changed, image)
    assert abs(changed.sum() - image.sum()) < 0.5 * image.sum()  # a plausible change, not a different image


def _changes(layers: keras.Sequential, n: int = 256) -> dict[str, np.ndarray]:
    """Each layer's change of n copies of one off-centre square, one number (or two) per image."""
    images = np.zeros((n, 28, 28, 1), dtype="float32")
    images[:, 6:12, 16:22] = 1.0  # the same off-centre square in every image
    rows, cols = np.mgrid[:28, :28]
    changes = {}
    for name in ["rotation", "shift", "zoom", "flip"]:
        out = keras.ops.convert_to_numpy(layers.get_layer(name)(images, training=True))[..., 0]
        mass = out.sum(axis=(1, 2))
        row, col = (out * rows).sum(axis=(1, 2)) / mass, (out * cols).sum(axis=(1, 2)) / mass
        if name == "rotation":
            changes["angle"] = np.arctan2(row - 13.5, col - 13.5)
        elif name == "shift":
            changes["shift_rows"], changes["shift_cols"] = row, col
        elif name == "zoom":
            changes["zoom"] = mass
        else:
            changes["flip"] = col
    assert all(np.std(change) > 0 for change in changes.values())  # every layer changed the images
    return changes


def test_augmentation_draws_each_change_independently() -> None:
    """One seed for all layers made rotation, shift, zoom and flip of an image move together (r = 1.00)."""
    changes = _changes(augmentation(seed=0, horizontal_flip=True))
    r = np.corrcoef(np.array(list(changes.values())))
    largest = np.max(np.abs(r[np.triu_indices_from(r, k=1)]))
    assert largest < 0.3, f"changes drawn together: largest |r| = {largest:.2f}"  # chance alone: |r| ~ 0.06


def test_augmentation_with_neighbouring_seeds_draws_independently() -> None:
    """Layer seeds seed, seed + 1, ... made seed 0's shift draw the numbers of seed 1's rotation."""
    first = np.array(list(_changes(augmentation(seed=0, horizontal_flip=True)).values()))
    second = np.array(list(_changes(augmentation(seed=1, horizontal_flip=True)).values()))
    r = np.corrcoef(first, second)[: len(first), len(first) :]  # every change of seed 0 against every one of seed 1
    largest = np.max(np.abs(r))
    assert largest < 0.3, f"seeds 0 and 1 share random numbers: largest |r| = {largest:.2f}"


def test_augmentation_seed_zero_keeps_its_layer_seeds() -> None:
    """Seed 0's layers keep seeds 0 to 3, so what the chapters stored with seed 0 stays as it was."""
    assert [layer.seed for layer in augmentation(seed=0, horizontal_flip=True).layers] == [0, 1, 2, 3]
    assert [layer.seed for layer in augmentation(seed=1, horizontal_flip=True).layers] == [4, 5, 6, 7]
    assert all(layer.seed is None for layer in augmentation().layers)
    assert augmentation(seed=2**29 - 2, horizontal_flip=True).layers[-1].seed == 2**31 - 5  # the largest seed


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"rotation_degrees": 90}, "rotation_degrees"),
        ({"shift": -0.1}, "shift"),
        ({"zoom": "big"}, "zoom"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**29 - 1}, "seed"),
        ({"seed": 1.5}, "seed"),
    ],
)
def test_augmentation_bad_input(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        augmentation(**kwargs)


def test_plot_history_from_a_real_fit() -> None:
    keras.utils.set_random_seed(0)
    model = small_cnn((28, 28, 1), 2, widths=(4, 8))
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=[keras.metrics.AUC(name="auc")])
    rng = np.random.default_rng(0)
    X, y = rng.random((40, 28, 28, 1)).astype("float32"), np.tile([0, 1], 20)
    history = model.fit(X, y, validation_split=0.25, epochs=2, verbose=0)
    axes = plot_history(history, metrics=["loss"])
    assert len(axes) == 1 and len(axes[0].figure.axes) == 1
    plt.close("all")


def test_to_network_input_scales_every_image_by_255() -> None:
    from medlearn.models import to_network_input

    images = np.array([[[0, 100], [200, 255]], [[0, 10], [20, 50]]], dtype=np.uint8)
    out = to_network_input(images)
    assert out.shape == (2, 2, 2, 1) and out.dtype == np.float32
    np.testing.assert_allclose(out[..., 0], images / 255.0, rtol=1e-6)
    assert out[1].max() < 0.2  # a dark image stays dark
    for bad, word in [(images.astype(float), "uint8"), (np.zeros((2, 4, 4, 3), np.uint8), "shape")]:
        with pytest.raises(ValueError, match=f"^images .*{word}"):
            to_network_input(bad)


def test_to_network_input_keeps_colour_channels_when_asked() -> None:
    from medlearn.models import to_network_input

    rgb = np.arange(2 * 3 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3, 3)
    out = to_network_input(rgb, colour=True)
    assert out.shape == (2, 3, 3, 3) and out.dtype == np.float32
    np.testing.assert_allclose(out, rgb / 255.0, rtol=1e-6)
    for bad, kwargs, word in [
        (np.zeros((2, 3, 3, 4), np.uint8), {"colour": True}, "^images .*colour"),
        (np.zeros((2, 3, 3), np.uint8), {"colour": True}, "^images"),
        (rgb.astype(float), {"colour": True}, "^images .*uint8"),
        (rgb, {"colour": 1}, "^colour"),
        (rgb, {"colour": True, "volumes": True}, "^volumes and colour"),
    ]:
        with pytest.raises(ValueError, match=word):
            to_network_input(bad, **kwargs)


def test_balanced_class_weight_matches_scikit_learn() -> None:
    from sklearn.utils.class_weight import compute_class_weight

    from medlearn.models import balanced_class_weight

    y = np.array([0, 1, 1, 1, 2, 2])
    weights = balanced_class_weight(y)
    np.testing.assert_allclose(list(weights.values()), compute_class_weight("balanced", classes=np.arange(3), y=y))
    assert sum(w * c for w, c in zip(weights.values(), np.bincount(y))) == pytest.approx(len(y))
    for bad in (np.array([0, 2]), np.array([0.0, 1.0]), np.zeros((2, 2), int)):
        with pytest.raises(ValueError, match="^labels"):
            balanced_class_weight(bad)


def test_fit_small_cnn_learns_restores_the_best_epoch_and_is_seeded(medmnist_dir) -> None:
    """On 600 real PneumoniaMNIST images the recipe beats chance clearly; the same seed gives the same model."""
    from sklearn.metrics import roc_auc_score

    from medlearn.data import load_medmnist
    from medlearn.models import fit_small_cnn, to_network_input

    images, labels = load_medmnist("pneumoniamnist", "train", root=medmnist_dir)
    X, y = to_network_input(images[:600]), labels[:600]
    val_images, val_labels = load_medmnist("pneumoniamnist", "val", root=medmnist_dir)
    Xv, yv = to_network_input(val_images[:300]), val_labels[:300]
    model, history = fit_small_cnn(X, y, Xv, yv, epochs=4, patience=2)
    p = model.predict(Xv, verbose=0)[:, 0]
    assert roc_auc_score(yv, p) > 0.8
    restored = model.evaluate(Xv, yv, verbose=0, return_dict=True)["auc"]  # Keras' own (binned) AUC, as in training
    assert restored == pytest.approx(max(history.history["val_auc"]), abs=1e-4)  # the best epoch's weights
    again, _ = fit_small_cnn(X, y, Xv, yv, epochs=4, patience=2)
    np.testing.assert_allclose(again.predict(Xv, verbose=0)[:, 0], p, atol=1e-5)


def test_fit_small_cnn_with_augmentation_and_weight_decay() -> None:
    import keras

    from medlearn.models import fit_small_cnn

    rng = np.random.default_rng(0)
    X = rng.random((64, 16, 16, 1)).astype("float32")
    y = (X.mean(axis=(1, 2, 3)) > 0.5).astype(int)
    model, history = fit_small_cnn(X, y, X, y, epochs=1, augment={}, weight_decay=0.01, batch_size=32)
    assert model.get_layer("augmentation") is not None
    assert isinstance(model.optimizer, keras.optimizers.AdamW) and len(history.history["loss"]) == 1
    for options, word in [({"epochs": 0}, "epochs"), ({"weight_decay": -1}, "weight_decay"), ({"seed": -1}, "seed")]:
        with pytest.raises(ValueError, match=f"^{word}"):
            fit_small_cnn(X, y, X, y, **options)
    with pytest.raises(ValueError, match="^X_train"):
        fit_small_cnn(X[..., 0], y, X, y)


def test_fit_small_cnn_on_volumes_and_train_binary_on_any_network() -> None:
    from medlearn.models import fit_small_cnn, to_network_input, train_binary

    rng = np.random.default_rng(0)
    volumes = (rng.random((48, 8, 8, 8)) < 0.3).astype(np.uint8) * 255
    X = to_network_input(volumes, volumes=True)
    assert X.shape == (48, 8, 8, 8, 1) and X.dtype == np.float32 and X.max() == 1.0
    y = (volumes.mean(axis=(1, 2, 3)) > np.median(volumes.mean(axis=(1, 2, 3)))).astype(int)
    model, history = fit_small_cnn(X, y, X, y, epochs=2, widths=(4, 8), batch_size=16)
    assert model.get_layer("conv1").__class__.__name__ == "Conv3D" and len(history.history["val_auc"]) == 2
    with pytest.raises(ValueError, match="^augment"):
        fit_small_cnn(X, y, X, y, epochs=1, augment={})
    keras.utils.set_random_seed(0)
    network = keras.Sequential([keras.Input((8, 8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(1, "sigmoid")])
    trained, history = train_binary(network, X, y, X, y, epochs=3, patience=3, batch_size=16)
    assert trained is network and len(history.history["loss"]) == 3
    assert trained.evaluate(X, y, verbose=0, return_dict=True)["auc"] == pytest.approx(
        max(history.history["val_auc"]), abs=1e-4
    )  # the best epoch's weights are restored
    two = keras.Sequential([keras.Input((8, 8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(2, "softmax")])
    for bad, word in [(two, "one sigmoid output"), ("model", "keras.Model")]:
        with pytest.raises(ValueError, match=word):
            train_binary(bad, X, y, X, y)
    for options, word in [
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 0}, "batch_size"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"callbacks": ["stop"]}, "callbacks"),
    ]:
        with pytest.raises(ValueError, match=f"^{word}"):
            train_binary(network, X, y, X, y, **options)

    class StopAfterOne(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            self.model.stop_training = True

    _, history = train_binary(network, X, y, X, y, epochs=3, patience=3, batch_size=16, callbacks=[StopAfterOne()])
    assert len(history.history["loss"]) == 1  # an extra callback is run
    with pytest.raises(ValueError, match="uint8"):
        to_network_input(np.zeros((2, 8, 8, 8)), volumes=True)
    with pytest.raises(ValueError, match="^images"):
        to_network_input(volumes[0], volumes=True)  # one volume is not a stack
    with pytest.raises(ValueError, match="^volumes"):
        to_network_input(volumes, volumes="yes")


def _conv_bn(c_in: int, width: int) -> int:
    """Parameters of a 3 x 3 convolution without bias and its batch normalisation (4 per channel)."""
    return 3 * 3 * c_in * width + 4 * width


def test_small_unet_parameters_by_hand() -> None:
    from medlearn.models import small_unet

    model = small_unet(1, widths=(16, 32, 64))
    down1 = _conv_bn(1, 16) + _conv_bn(16, 16)
    down2 = _conv_bn(16, 32) + _conv_bn(32, 32)
    bottom = _conv_bn(32, 64) + _conv_bn(64, 64)
    up2 = _conv_bn(64 + 32, 32) + _conv_bn(32, 32)  # upsampled bottom joined with down2's output
    up1 = _conv_bn(32 + 16, 16) + _conv_bn(16, 16)
    head = 16 + 1
    assert model.count_params() == down1 + down2 + bottom + up2 + up1 + head == 118945
    assert small_unet(3).count_params() == model.count_params() + 3 * 3 * 2 * 16  # two more input channels


def test_small_unet_keeps_the_image_size_and_uses_its_skips() -> None:
    from medlearn.models import small_unet

    model = small_unet(1, widths=(8, 16, 32))
    image = np.random.default_rng(0).random((2, 64, 48, 1)).astype("float32")
    probabilities = np.asarray(model(image, training=False))
    assert probabilities.shape == (2, 64, 48, 1) and np.all((probabilities > 0) & (probabilities < 1))
    names = [layer.name for layer in model.layers]
    assert names.count("up1_skip") == names.count("up2_skip") == 1
    joined = model.get_layer("up1_skip")
    assert {t.name for t in joined.input} >= {model.get_layer("down1_relu_b").output.name}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"channels": 0}, "channels must be"),
        ({"channels": True}, "channels must be an integer"),
        ({"widths": (16,)}, "widths must be a sequence of at least 2 integers"),
        ({"widths": "16"}, "widths must be a sequence of at least 2 integers"),
        ({"widths": (16, 0)}, r"widths\[1\] must be"),
        ({"bn_momentum": 1.0}, "bn_momentum must be"),
    ],
)
def test_small_unet_bad_input(kwargs: dict, message: str) -> None:
    from medlearn.models import small_unet

    with pytest.raises(ValueError, match=message):
        small_unet(**kwargs)


def test_soft_dice_loss_is_one_minus_dice_on_binary_masks() -> None:
    from medlearn.models import soft_dice_loss
    from medlearn.segmentation import dice

    rng = np.random.default_rng(0)
    y, p = rng.random((4, 16, 16, 1)) < 0.1, rng.random((4, 16, 16, 1)) < 0.2
    assert float(soft_dice_loss(y, p, smooth=0)) == pytest.approx(1 - dice(y, p), abs=1e-6)
    # smooth keeps an empty reference and an empty prediction at a loss of 0, not NaN
    empty = np.zeros((1, 4, 4, 1))
    assert float(soft_dice_loss(empty, empty)) == 0.0
    # a perfect probability map scores lower than a half-sure one
    assert float(soft_dice_loss(y, y.astype(float))) < float(soft_dice_loss(y, 0.5 * y))


def test_weighted_binary_crossentropy_matches_keras_with_sample_weights() -> None:
    from medlearn.models import weighted_binary_crossentropy

    rng = np.random.default_rng(1)
    y = (rng.random((3, 8, 8, 1)) < 0.2).astype("float32")
    p = rng.uniform(0.01, 0.99, (3, 8, 8, 1)).astype("float32")
    weights = np.where(y == 1, 7.0, 1.0)[..., 0]
    reference = keras.losses.BinaryCrossentropy(reduction="sum")(y, p, sample_weight=weights) / y.size
    assert float(weighted_binary_crossentropy(7.0)(y, p)) == pytest.approx(float(reference), rel=1e-4)
    # weight 1 is the ordinary binary cross-entropy
    plain = keras.losses.BinaryCrossentropy()(y, p)
    assert float(weighted_binary_crossentropy(1.0)(y, p)) == pytest.approx(float(plain), rel=1e-4)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: __import__("medlearn.models").models.weighted_binary_crossentropy(0), "positive_weight"),
        (lambda: __import__("medlearn.models").models.weighted_binary_crossentropy("x"), "positive_weight"),
        (lambda: __import__("medlearn.models").models.soft_dice_loss(np.ones(2), np.ones(2), smooth=-1), "smooth"),
    ],
)
def test_losses_bad_input(call, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_small_cnn_without_a_head_returns_the_features_for_a_head_of_ones_own() -> None:
    from medlearn.models import small_cnn

    body = small_cnn((28, 28, 3), n_classes=None, widths=(8, 16))
    assert body.output_shape == (None, 16) and body.layers[-1].name == "dropout"
    with pytest.raises(ValueError, match="^n_classes"):
        small_cnn((28, 28, 3), n_classes=1)


def test_the_training_recipe_is_written_once() -> None:
    """Both functions take their defaults from RECIPE: change it and they change together."""
    import inspect

    from medlearn.models import RECIPE, fit_small_cnn, train_binary

    for function in (fit_small_cnn, train_binary):
        defaults = {k: p.default for k, p in inspect.signature(function).parameters.items() if k in RECIPE}
        assert defaults == RECIPE, function.__name__
    source = inspect.getsource(importlib.import_module("medlearn.models.training"))
    assert source.count("= 12,") == 0 and source.count('"epochs": 12') == 1  # the literal once, in RECIPE


def test_each_model_module_has_one_job_and_the_package_exports_every_name() -> None:
    import medlearn.models as models

    jobs = {
        "inputs": {"to_network_input", "balanced_class_weight"},
        "networks": {"small_cnn", "small_unet"},
        "losses": {"soft_dice_loss", "weighted_binary_crossentropy"},
        "augment": {"augmentation"},
        "centernet": {"small_centernet", "centernet_targets", "centernet_loss", "decode_centernet"},
        "autoencoder": {"small_autoencoder", "reconstruction_error"},
        "transfer": {"copy_weights", "freeze_blocks", "rotation_pretext"},
        "vae": {"conditional_vae", "generate", "kl_divergence", "reparameterised_sample"},
        "training": {"RECIPE", "fit_small_cnn", "train_binary"},
    }
    for module, names in jobs.items():
        assert set(importlib.import_module(f"medlearn.models.{module}").__all__) == names
    assert set(models.__all__) == set().union(*jobs.values())
    assert not hasattr(models, "plot_history")  # a figure helper: medlearn.plotting


def test_keras_fit_with_a_seed_keeps_one_order_in_every_epoch() -> None:
    """The CNN-training chapter says "in a random order", and its instructors' note that, with the seed set, Keras on
    TensorFlow keeps the same order in every epoch and every later fit. This fails when a Keras or TensorFlow release
    changes that, so that the note can follow."""
    seen: list[tuple[int, ...]] = []

    class Record(keras.layers.Layer):
        def call(self, x, training=None):
            if training:
                seen.append(tuple(keras.ops.convert_to_numpy(x[:, 0]).astype(int).tolist()))
            return x

    keras.utils.set_random_seed(0)
    x, y = np.arange(10, dtype="float32")[:, None], np.zeros(10, dtype="float32")
    model = keras.Sequential([keras.Input((1,)), Record(), keras.layers.Dense(1)])
    model.compile("sgd", "mse", run_eagerly=True)
    model.fit(x, y, epochs=3, batch_size=5, verbose=0)
    model.fit(x, y, epochs=1, batch_size=5, verbose=0)
    epochs = [seen[i : i + 2] for i in range(0, len(seen), 2)]
    assert len(epochs) == 4 and sorted(sum(epochs[0], ())) == list(range(10))
    assert epochs[0] != [tuple(range(5)), tuple(range(5, 10))]  # shuffled, not in the stored order
    assert all(epoch == epochs[0] for epoch in epochs), f"the order now changes between epochs: {epochs}"
