"""medlearn.features: names and shapes, known values, agreement with scikit-image, bad input."""

from __future__ import annotations

import numpy as np
import pytest
from joblib import Parallel, cpu_count
from skimage.color import rgb2gray
from skimage.feature import graycomatrix, graycoprops, hog, local_binary_pattern

from medlearn.data import load_medmnist
from medlearn.features import FEATURE_GROUPS, extract_features, feature_group, feature_names


@pytest.fixture(scope="module")
def xrays(medmnist_dir):
    images, labels = load_medmnist("pneumoniamnist", "val", root=medmnist_dir)
    return images[:40], labels[:40]


def _column(X: np.ndarray, names: list[str], name: str) -> np.ndarray:
    return X[:, names.index(name)]


def test_names_and_shapes(xrays) -> None:
    images, _ = xrays
    X, names = extract_features(images)
    assert X.shape == (40, len(names)) and X.dtype == np.float64
    assert names == feature_names() and len(set(names)) == len(names)
    assert [feature_group(n) for n in names] == sorted((feature_group(n) for n in names), key=FEATURE_GROUPS.index)
    counts = {g: sum(feature_group(n) == g for n in names) for g in FEATURE_GROUPS}
    assert counts == {"intensity": 10, "edges": 5, "glcm": 48, "lbp": 28, "hog": 324}
    assert np.all(np.isfinite(X))


def test_groups_select_columns(xrays) -> None:
    images, _ = xrays
    full, names = extract_features(images)
    part, part_names = extract_features(images, groups=["hog", "intensity"])  # order follows FEATURE_GROUPS
    assert part_names == feature_names(["intensity"]) + feature_names(["hog"])
    np.testing.assert_array_equal(part, full[:, [names.index(n) for n in part_names]])
    _, only = extract_features(images[:2], groups="lbp")
    assert all(n.startswith("lbp_") for n in only)


def test_uint8_and_float_input_agree(xrays) -> None:
    images, _ = xrays
    from_uint8, _ = extract_features(images[:5])
    from_float, _ = extract_features(images[:5] / 255.0)
    np.testing.assert_allclose(from_uint8, from_float, atol=1e-12)


def test_single_image_and_rgb(xrays) -> None:
    images, _ = xrays
    one, _ = extract_features(images[0])
    np.testing.assert_array_equal(one, extract_features(images[:1])[0])
    rgb = np.repeat(images[:3, :, :, None], 3, axis=-1)
    from_rgb, _ = extract_features(rgb)
    expected, _ = extract_features(rgb2gray(rgb / 255.0))
    np.testing.assert_allclose(from_rgb, expected)
    assert extract_features(rgb[0])[0].shape == (1, len(feature_names()))


def test_constant_image() -> None:
    X, names = extract_features(np.full((1, 28, 28), 128, dtype=np.uint8))
    value = lambda name: _column(X, names, name)[0]  # noqa: E731
    assert value("intensity_mean") == pytest.approx(128 / 255)
    assert value("intensity_std") == 0 and value("intensity_skewness") == 0 and value("intensity_kurtosis") == 0
    assert value("intensity_entropy") == 0
    assert value("edges_sobel_mean") == 0 and value("edges_canny_density_s1") == 0
    glcm = {
        p: [value(f"glcm_{p}_d{d}_{a}deg") for d in (1, 2, 3) for a in (0, 45, 90, 135)]
        for p in ("contrast", "homogeneity", "energy")
    }
    assert glcm == {"contrast": [0.0] * 12, "homogeneity": [1.0] * 12, "energy": [1.0] * 12}
    # Every neighbour equals the centre: the all-ones uniform pattern, except within the radius
    # of the border, where scikit-image counts the outside as darker.
    assert value("lbp_p8r1_8") == pytest.approx(26**2 / 28**2)
    assert value("lbp_p16r2_16") == pytest.approx(24**2 / 28**2)
    assert np.all(X[:, [n.startswith("hog_") for n in names]] == 0)


def test_checkerboard() -> None:
    board = (np.indices((28, 28)).sum(axis=0) % 2 * 255).astype(np.uint8)
    X, names = extract_features(board)
    value = lambda name: _column(X, names, name)[0]  # noqa: E731
    assert value("intensity_mean") == pytest.approx(0.5) and value("intensity_entropy") == pytest.approx(1.0)
    assert value("glcm_contrast_d1_0deg") == pytest.approx(31**2)  # neighbours always differ by the full range
    assert value("glcm_contrast_d1_45deg") == 0  # diagonal neighbours are equal
    assert value("glcm_contrast_d2_0deg") == 0  # two steps away: equal again
    assert value("glcm_correlation_d1_0deg") == pytest.approx(-1.0)
    assert value("edges_sobel_mean") > 0


def test_agreement_with_direct_scikit_image_calls(xrays) -> None:
    images, _ = xrays
    image = images[7]
    X, names = extract_features(image)
    row = X[0]
    matrix = graycomatrix(image // 8, [1, 2, 3], np.deg2rad([0, 45, 90, 135]), levels=32, symmetric=True, normed=True)
    for prop in ("contrast", "homogeneity", "energy", "correlation"):
        got = row[[names.index(f"glcm_{prop}_d{d}_{a}deg") for d in (1, 2, 3) for a in (0, 45, 90, 135)]]
        np.testing.assert_allclose(got, graycoprops(matrix, prop).ravel())
    expected_hog = hog(image / 255.0, orientations=9, pixels_per_cell=(7, 7), cells_per_block=(2, 2))
    np.testing.assert_allclose(row[[n.startswith("hog_") for n in names]], expected_hog)
    codes = local_binary_pattern(image, 16, 2, method="uniform")
    np.testing.assert_allclose(
        row[[n.startswith("lbp_p16r2_") for n in names]], np.bincount(codes.astype(int).ravel(), minlength=18) / 784
    )
    assert row[names.index("intensity_median")] == pytest.approx(np.median(image / 255.0))


def test_parallel_equals_serial(xrays) -> None:
    images, _ = xrays
    many = np.concatenate([images] * 7)  # 280 images in two chunks and more
    serial, _ = extract_features(many, n_jobs=1)
    parallel, _ = extract_features(many, n_jobs=2)
    np.testing.assert_array_equal(serial, parallel)


def test_the_default_processes_are_the_cores_joblib_allows(monkeypatch) -> None:
    """A large batch uses joblib's count of usable cores: LOKY_MAX_CPU_COUNT=1 (or a one-core container) runs it
    in this process, with no pool of workers to start."""
    import medlearn.features as features

    asked = []  # the pool sizes asked for; the work then runs here, in one process
    monkeypatch.setattr(features, "Parallel", lambda n_jobs, **kw: asked.append(n_jobs) or Parallel(1, **kw))
    many = np.zeros((features.PARALLEL_FROM, 16, 16), np.uint8)
    monkeypatch.setenv("LOKY_MAX_CPU_COUNT", "1")
    alone, _ = extract_features(many, groups=["glcm"], progress=False)
    assert asked == []
    monkeypatch.setenv("LOKY_MAX_CPU_COUNT", "2")
    pooled, _ = extract_features(many, groups=["glcm"], progress=False)
    assert asked == ([2] if cpu_count() >= 2 else [])
    np.testing.assert_array_equal(alone, pooled)


def test_features_separate_the_classes(xrays) -> None:
    """A sanity check on real data: pneumonia changes the X-ray's texture and intensity."""
    from sklearn.metrics import roc_auc_score

    images, labels = load_medmnist("pneumoniamnist", "val")
    X, names = extract_features(images)
    aucs = [max(a, 1 - a) for a in (roc_auc_score(labels, X[:, j]) for j in range(X.shape[1]) if X[:, j].std() > 0)]
    assert max(aucs) > 0.75


@pytest.mark.parametrize(
    ("images", "kwargs", "message"),
    [
        (np.zeros((0, 28, 28)), {}, "empty"),
        (np.zeros((2, 8, 8)), {}, "at least 16"),
        (np.zeros((2, 28, 28, 4)), {}, "shape"),
        (np.zeros((2, 28, 28)) + 2.0, {}, r"\[0, 1\]"),
        (np.full((2, 28, 28), np.nan), {}, "NaN"),
        (np.zeros((2, 28, 28), dtype=np.int32), {}, "uint8"),
        (np.array([["a"]]), {}, "numbers"),
        (np.zeros((2, 28, 28)), {"groups": ["colour"]}, "groups"),
        (np.zeros((2, 28, 28)), {"groups": []}, "groups"),
        (np.zeros((2, 28, 28)), {"groups": 3}, "groups"),
        (np.zeros((2, 28, 28)), {"n_jobs": 0}, "n_jobs"),
    ],
)
def test_bad_input(images, kwargs, message) -> None:
    with pytest.raises(ValueError, match=message):
        extract_features(images, **kwargs)


def test_feature_group_rejects_unknown_names() -> None:
    with pytest.raises(ValueError, match="name"):
        feature_group("colour_hue")
