"""medlearn.evaluation against scikit-learn and against cases worked out by hand."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import brier_score_loss, precision_score, recall_score, roc_auc_score

from medlearn.evaluation import (
    bootstrap_ci,
    cascading_randomisation,
    clinical_metrics,
    grad_cam,
    heatmap_similarity,
    overlay_heatmap,
    plot_calibration,
    plot_roc_pr,
    threshold_for_sensitivity,
    threshold_for_specificity,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _data(n: int = 300, seed: int = 0, prevalence: float = 0.3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prevalence).astype(int)
    return y, 1 / (1 + np.exp(-(2 * y - 1 + rng.normal(0, 1, n))))


# clinical_metrics -------------------------------------------------------------------------------

def test_clinical_metrics_by_hand() -> None:
    #               TP TP TP FN FN TN TN TN TN FP
    y_true = np.array([1, 1, 1, 1, 1, 0, 0, 0, 0, 0])
    y_pred = np.array([1, 1, 1, 0, 0, 0, 0, 0, 0, 1])
    m = clinical_metrics(y_true, y_pred)
    assert (m["tp"], m["fn"], m["tn"], m["fp"]) == (3, 2, 4, 1)
    assert m["sensitivity"] == pytest.approx(3 / 5) and m["specificity"] == pytest.approx(4 / 5)
    assert m["ppv"] == pytest.approx(3 / 4) and m["npv"] == pytest.approx(4 / 6)
    assert m["accuracy"] == pytest.approx(7 / 10) and m["prevalence"] == pytest.approx(0.5)
    assert m["f1"] == pytest.approx(2 * 0.75 * 0.6 / (0.75 + 0.6))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=1, max_size=60))
def test_clinical_metrics_agree_with_sklearn(pairs) -> None:
    y_true, y_pred = (np.array(v) for v in zip(*pairs))
    m = clinical_metrics(y_true, y_pred)
    assert m["tp"] + m["fp"] + m["tn"] + m["fn"] == len(y_true)
    if y_true.any():
        assert m["sensitivity"] == pytest.approx(recall_score(y_true, y_pred))
    else:
        assert np.isnan(m["sensitivity"])
    if y_pred.any():
        assert m["ppv"] == pytest.approx(precision_score(y_true, y_pred))
    else:
        assert np.isnan(m["ppv"])
    if (y_true == 0).any():
        assert m["specificity"] == pytest.approx(recall_score(y_true, y_pred, pos_label=0))


def test_clinical_metrics_accepts_booleans_from_a_threshold() -> None:
    y, p = _data()
    assert clinical_metrics(y, p >= 0.5) == clinical_metrics(y, (p >= 0.5).astype(int))


@pytest.mark.parametrize(("y_true", "y_pred", "word"), [
    ([0, 1, 2], [0, 1, 1], "y_true"),
    ([0, 1, 1], [0.2, 0.9, 0.7], "y_pred"),
    ([0, 1, 1], [0, 1], "y_pred has 2"),
    ([], [], "y_true"),
    ([[0, 1]], [[0, 1]], "y_true"),
])
def test_clinical_metrics_rejects_bad_input(y_true, y_pred, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        clinical_metrics(y_true, y_pred)


# thresholds -----------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.05, 1.0))
def test_threshold_for_sensitivity_is_the_highest_that_reaches_the_target(seed: int, target: float) -> None:
    y, p = _data(80, seed)
    if y.min() == y.max():
        return
    threshold = threshold_for_sensitivity(y, p, target)
    assert recall_score(y, p >= threshold) >= target - 1e-9
    higher = p[p > threshold]
    if higher.size:  # the next score up no longer reaches the target
        assert recall_score(y, p >= higher.min()) < target


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000), st.floats(0.05, 1.0))
def test_threshold_for_specificity_is_the_lowest_that_keeps_the_target(seed: int, target: float) -> None:
    y, p = _data(80, seed)
    if y.min() == y.max():
        return
    threshold = threshold_for_specificity(y, p, target)
    assert recall_score(y, p >= threshold, pos_label=0) >= target - 1e-9
    lower = p[p < threshold]
    if lower.size:
        assert recall_score(y, p >= lower.max(), pos_label=0) < target


def test_threshold_for_specificity_can_be_infinite() -> None:
    assert threshold_for_specificity([1, 0], [0.2, 0.9], 1.0) == np.inf


@pytest.mark.parametrize("function", [threshold_for_sensitivity, threshold_for_specificity])
@pytest.mark.parametrize(("y_true", "y_score", "target", "word"), [
    ([0, 1], [0.1, 0.9], 0.0, "target"),
    ([0, 1], [0.1, 0.9], 1.5, "target"),
    ([0, 1], [0.1, 0.9], "high", "target"),
    ([1, 1], [0.1, 0.9], 0.9, "both classes"),
    ([0, 1], [0.1, np.nan], 0.9, "y_score"),
    ([0, 1], [0.1], 0.9, "y_score"),
])
def test_thresholds_reject_bad_input(function, y_true, y_score, target, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        function(y_true, y_score, target)


# bootstrap_ci ---------------------------------------------------------------------------------

def test_bootstrap_ci_contains_the_estimate_is_seeded_and_narrows_with_more_cases() -> None:
    y_small, p_small = _data(150, seed=1)
    y_large, p_large = _data(1500, seed=1)
    small = bootstrap_ci(y_small, p_small, n_boot=400)
    large = bootstrap_ci(y_large, p_large, n_boot=400)
    assert small[0] < roc_auc_score(y_small, p_small) < small[1]
    assert large[1] - large[0] < 0.6 * (small[1] - small[0])        # about 1/sqrt(10)
    assert bootstrap_ci(y_small, p_small, n_boot=400) == small
    assert bootstrap_ci(y_small, p_small, n_boot=400, seed=1) != small
    wider = bootstrap_ci(y_small, p_small, n_boot=400, level=0.99)
    assert wider[0] <= small[0] and wider[1] >= small[1]


def test_bootstrap_ci_is_stratified() -> None:
    y = np.r_[np.ones(3, int), np.zeros(200, int)]          # 3 positives: plain resampling often draws none
    p = np.r_[np.full(3, 0.9), np.linspace(0, 0.95, 200)]
    seen = []

    def counting_auc(t, s):
        seen.append(int(t.sum()))
        return roc_auc_score(t, s)

    low, high = bootstrap_ci(y, p, metric=counting_auc, n_boot=200)
    assert set(seen) == {3} and 0 <= low <= high <= 1


def test_bootstrap_ci_of_sensitivity_from_predicted_labels() -> None:
    y, p = _data(400, seed=2)
    called = (p >= 0.5).astype(int)
    low, high = bootstrap_ci(y, called, metric=recall_score, n_boot=300)
    assert low < recall_score(y, called) < high


@pytest.mark.parametrize(("options", "word"), [
    ({"n_boot": 10}, "n_boot"), ({"n_boot": 200.0}, "n_boot"), ({"level": 95}, "level"),
    ({"level": 1.0}, "level"), ({"metric": "auc"}, "metric"),
])
def test_bootstrap_ci_rejects_bad_options(options: dict, word: str) -> None:
    y, p = _data(50)
    with pytest.raises(ValueError, match=word):
        bootstrap_ci(y, p, **options)


# plots ----------------------------------------------------------------------------------------

def test_plot_roc_pr_shows_the_auc_and_the_chance_levels() -> None:
    y, p = _data()
    q = np.clip(p + np.random.default_rng(3).normal(0, 0.3, len(p)), 0, 1)
    fig = plot_roc_pr(y, {"good": p, "noisy": q}, operating_point=0.5)
    roc_ax, pr_ax = fig.axes
    labels = [t.get_text() for t in roc_ax.get_legend().get_texts()]
    assert any(f"{roc_auc_score(y, p):.2f}" in label and "good" in label for label in labels)
    assert any(f"{y.mean():.2f}" in t.get_text() for t in pr_ax.get_legend().get_texts())
    m = clinical_metrics(y, p >= 0.5)
    marker = [line for line in roc_ax.get_lines() if line.get_marker() == "o"][0]
    assert marker.get_xdata()[0] == pytest.approx(1 - m["specificity"])
    assert marker.get_ydata()[0] == pytest.approx(m["sensitivity"])


def test_plot_calibration_reports_brier_and_counts() -> None:
    y, p = _data(500)
    fig = plot_calibration(y, p, n_bins=5)
    top, bottom = fig.axes
    assert f"{brier_score_loss(y, p):.3f}" in top.get_legend().get_texts()[1].get_text()
    assert sum(patch.get_height() for patch in bottom.patches) == len(y)
    assert bottom.get_xlabel() == "predicted probability"


@pytest.mark.parametrize(("call", "word"), [
    (lambda: plot_calibration([0, 1, 1], [0.2, 1.4, 0.5]), "probabilities"),
    (lambda: plot_calibration([0, 1, 1], [0.2, 0.4, 0.5], n_bins=1), "n_bins"),
    (lambda: plot_roc_pr([0, 1, 1], {}), "empty"),
    (lambda: plot_roc_pr([0, 1, 1], [0.1, 0.2]), "y_score"),
    (lambda: plot_roc_pr([1, 1, 1], [0.1, 0.2, 0.3]), "both classes"),
])
def test_plots_reject_bad_input(call, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        call()


# Grad-CAM -------------------------------------------------------------------------------------

def _region_model(maps_init: str = "glorot_uniform", out_init: str = "glorot_uniform", out_weight: float = 8.0):
    """A model whose output depends only on bright (positive) pixels; dark (negative) ones are ignored.

    Channel 0 of the feature map is relu(image), channel 1 is relu(-image); the
    output looks at channel 0 alone. Grad-CAM must light up the bright square
    and not the dark one, which is just as strong in the feature maps.
    """
    import keras

    inputs = keras.Input((16, 16, 1))
    maps = keras.layers.Conv2D(2, 1, use_bias=False, activation="relu", name="maps", kernel_initializer=maps_init)(inputs)
    pooled = keras.layers.GlobalAveragePooling2D()(maps)
    output = keras.layers.Dense(1, activation="sigmoid", name="out", kernel_initializer=out_init)(pooled)
    model = keras.Model(inputs, output)
    model.get_layer("maps").set_weights([np.array([1.0, -1.0], dtype="float32").reshape(1, 1, 1, 2)])
    model.get_layer("out").set_weights([np.array([[out_weight], [0.0]], dtype="float32"), np.array([-0.5], dtype="float32")])
    return model


def test_grad_cam_finds_the_region_the_answer_depends_on() -> None:
    image = np.zeros((16, 16), dtype="float32")
    image[2:6, 2:6] = 1.0          # what the model looks at
    image[10:14, 9:13] = -1.0      # as strong in the feature maps, but ignored by the output
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
    assert float(model(image[None, ..., None])[0, 0]) == 1.0          # saturated in float32
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


@pytest.mark.parametrize(("trained", "other", "word"), [
    (np.zeros((4, 4)), np.zeros((5, 5)), "one shape"),
    (np.zeros(1), np.zeros(1), "one shape"),
    (np.full((4, 4), np.nan), np.zeros((4, 4)), "finite"),
])
def test_heatmap_similarity_rejects_bad_input(trained: np.ndarray, other: np.ndarray, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        heatmap_similarity(trained, other)


def test_cascading_randomisation_passes_when_the_map_depends_on_the_weights() -> None:
    # re-initialised with zeros, the output layer no longer depends on any region: the map goes empty
    steps = cascading_randomisation(_region_model(out_init="zeros"), _squares(), class_index=1)
    assert list(steps) == ["out", "maps"] and steps["out"] == 0.0


def test_cascading_randomisation_fails_when_the_map_ignores_the_weights() -> None:
    # initialisers that give back the trained weights: the map cannot change, and the check must say so
    model = _region_model(maps_init=keras_constant([1.0, -1.0], (1, 1, 1, 2)), out_init=keras_constant([8.0, 0.0], (2, 1)))
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


@pytest.mark.parametrize(("options", "word"), [
    ({"layer_name": "nope"}, "layer_name 'nope'"),
    ({"layer_name": 3}, "layer_name"),
    ({"class_index": 2}, "class_index"),
    ({"image": np.zeros((20, 20))}, "image has shape"),
])
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
    artist = overlay_heatmap(np.zeros((28, 28, 1)), heat, ax=ax, title="why")
    assert len(ax.images) == 2 and artist.get_clim() == (0.0, 1.0)
    assert ax.get_title() == "why" and len(fig.axes) == 2


@pytest.mark.parametrize(("image", "heatmap", "word"), [
    (np.zeros((28, 28)), np.zeros((14, 14)), "match the image"),
    (np.zeros((28, 28)), np.full((28, 28), 2.0), r"\[0, 1\]"),
    (np.zeros((28, 28, 3)), np.zeros((28, 28)), "grayscale"),
])
def test_overlay_heatmap_rejects_bad_input(image, heatmap, word: str) -> None:
    with pytest.raises(ValueError, match=word):
        overlay_heatmap(image, heatmap)
