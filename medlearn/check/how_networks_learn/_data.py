"""Exercise data of the how_networks_learn chapter's checks: the chapter's tables from scikit-learn, standardised."""

from __future__ import annotations

import numpy as np

from .._comparing import built_once


@built_once
def diabetes_bmi() -> tuple[np.ndarray, np.ndarray]:
    """The diabetes table's body-mass index and disease progression, each standardised (mean 0, standard deviation 1).

    Example:
        >>> x, y = diabetes_bmi()
        >>> x.shape, round(float(x.std()), 6)
        ((442,), 1.0)
    """
    from sklearn.datasets import load_diabetes

    data = load_diabetes()
    bmi = data.data[:, data.feature_names.index("bmi")]
    return (bmi - bmi.mean()) / bmi.std(), (data.target - data.target.mean()) / data.target.std()


@built_once
def two_measurements() -> tuple[np.ndarray, np.ndarray]:
    """Mean radius and mean texture of the 426 Wisconsin masses outside the how_networks_learn chapter's test split,
    standardised; 1 = malignant.

    Example:
        >>> x, y = two_measurements()
        >>> x.shape, sorted(set(y.tolist()))
        ((426, 2), [0.0, 1.0])
    """
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    data = load_breast_cancer()
    label = (data.target == 0).astype(float)
    columns = [list(data.feature_names).index(name) for name in ("mean radius", "mean texture")]
    x_train, _, y_train, _ = train_test_split(
        data.data[:, columns], label, test_size=0.25, stratify=label, random_state=0
    )
    return (x_train - x_train.mean(axis=0)) / x_train.std(axis=0), y_train


@built_once
def tree_errors() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The how_networks_learn chapter's trees of depth 1 to 12 on the mean texture and the mean smoothness: each
    depth's error (the share of masses called wrong) on the chapter's training and validation masses.

    Example:
        >>> depths, train_error, val_error = tree_errors()
        >>> int(depths[np.argmin(val_error)]), float(train_error[-1])
        (4, 0.0)
    """
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.tree import DecisionTreeClassifier

    data = load_breast_cancer()
    label = (data.target == 0).astype(float)
    columns = [list(data.feature_names).index(name) for name in ("mean texture", "mean smoothness")]
    rest_x, _, rest_y, _ = train_test_split(data.data, label, test_size=0.25, stratify=label, random_state=0)
    x_train, x_val, y_train, y_val = train_test_split(rest_x, rest_y, test_size=0.25, stratify=rest_y, random_state=0)
    x_train, x_val = x_train[:, columns], x_val[:, columns]
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)  # from the training masses only, as in the chapter
    x_train, x_val = (x_train - mean) / std, (x_val - mean) / std
    depths = np.arange(1, 13)
    trees = [DecisionTreeClassifier(max_depth=d, random_state=0).fit(x_train, y_train) for d in depths]
    train_error = np.array([np.mean(tree.predict(x_train) != y_train) for tree in trees])
    val_error = np.array([np.mean(tree.predict(x_val) != y_val) for tree in trees])
    return depths, train_error, val_error
