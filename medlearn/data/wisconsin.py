"""The Wisconsin breast-mass cases (scikit-learn's ``load_breast_cancer``) as the SVM and random-forest chapters and
their checks use them.

Each function here is the one place where a chapter's data selection is made,
so that a notebook and the exercise check that reuses its data cannot drift
apart. Labels are scikit-learn's: 0 = malignant, 1 = benign.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_array, check_int

__all__ = ["PAIR", "low_prevalence_subset", "separable_pair", "wisconsin_pair"]

#: The two features of the SVM chapter's pictures.
PAIR: tuple[str, str] = ("worst radius", "worst concave points")


def wisconsin_pair() -> tuple[np.ndarray, np.ndarray]:
    """All 569 cases in the two features of :data:`PAIR`, each scaled to mean 0 and standard deviation 1.

    The scaler is fitted on all cases: fine for pictures of geometry, where no
    model is evaluated (the SVM chapter, sections 2 and 3); never for evaluation.

    Example:
        >>> Z, y = wisconsin_pair()
        >>> Z.shape, round(float(Z[:, 0].std()), 6), int((y == 0).sum())
        ((569, 2), 1.0, 212)
    """
    from sklearn.datasets import load_breast_cancer  # here, not at the top: `python -m medlearn` starts faster
    from sklearn.preprocessing import StandardScaler

    data = load_breast_cancer()
    names = list(data.feature_names)
    columns = [names.index(name) for name in PAIR]
    return StandardScaler().fit_transform(data.data[:, columns]), data.target.copy()


def separable_pair(n: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` cases of :func:`wisconsin_pair` that a line separates.

    A soft-margin linear SVM (``C=1``) is fitted on all 569 cases, and ``n``
    cases are drawn at random from those it places beyond the edge of its
    margin on the correct side (``y f(x) > 1``). The SVM chapter, section 2, draws
    its hard margin on them, and its exercise's ``refit_on_support_vectors``
    check tests the learner's code on them.

    Example:
        >>> from sklearn.svm import SVC
        >>> X, y = separable_pair()
        >>> X.shape, SVC(kernel="linear", C=1e6).fit(X, y).score(X, y)
        ((60, 2), 1.0)
    """
    from sklearn.svm import SVC

    n = check_int(n, "n", min_value=2)
    Z, y = wisconsin_pair()
    soft = SVC(kernel="linear", C=1.0).fit(Z, y)
    clear = np.flatnonzero((2 * y - 1) * soft.decision_function(Z) > 1.0)
    if n > len(clear):
        raise ValueError(f"n must be at most {len(clear)}, the cases beyond the margin, not {n}")
    chosen = np.random.default_rng(seed).choice(clear, size=n, replace=False)
    return Z[chosen], y[chosen]


def low_prevalence_subset(labels: np.ndarray, n_malignant: int = 20, seed: int = 0) -> np.ndarray:
    """Indices of every benign case (label 1) and ``n_malignant`` malignant ones (label 0) drawn at random.

    The random-forest chapter, section 6, builds its 5 % subset this way (20 of 377 cases
    malignant), one draw per seed; its exercise's ``balanced_forest`` check
    uses the draw with seed 0.

    Example:
        >>> from sklearn.datasets import load_breast_cancer
        >>> y = load_breast_cancer().target
        >>> subset = low_prevalence_subset(y)
        >>> len(subset), int((y[subset] == 0).sum())
        (377, 20)
    """
    labels = check_array(labels, "labels", ndim=1, kinds="iub")
    n_malignant = check_int(n_malignant, "n_malignant", min_value=1)
    malignant, benign = np.flatnonzero(labels == 0), np.flatnonzero(labels == 1)
    if n_malignant > len(malignant):
        raise ValueError(f"n_malignant must be at most {len(malignant)}, the malignant cases, not {n_malignant}")
    return np.r_[np.random.default_rng(seed).choice(malignant, n_malignant, replace=False), benign]
