"""The one bootstrap behind medlearn's three intervals: one return type, one order of arguments, one way to ask
for a paired difference, one policy for a resample on which the metric is undefined, and the draws each public
interval made before it shared the core."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from helpers import scored_labels
from sklearn.metrics import accuracy_score, roc_auc_score

from medlearn._resample import MAX_UNDEFINED, Interval, bootstrap, resamples
from medlearn.grading import grade_bootstrap_ci
from medlearn.metrics import bootstrap_ci
from medlearn.survival import concordance_index, survival_bootstrap_ci

INTERVALS = [bootstrap_ci, grade_bootstrap_ci, survival_bootstrap_ci]


def _calls() -> dict:
    """Each interval, alone and paired, on data where the two models differ."""
    y, p = scored_labels(200, seed=3)
    rng = np.random.default_rng(0)
    time = rng.exponential(1.0, 200)
    q, risk = p + rng.normal(0, 0.3, 200), -time + rng.normal(0, 1.0, 200)
    event = np.ones(200, bool)
    return {
        "bootstrap_ci": lambda **o: bootstrap_ci(y, p, **o),
        "bootstrap_ci, paired": lambda **o: bootstrap_ci(y, p, q, **o),
        "grade_bootstrap_ci": lambda **o: grade_bootstrap_ci(
            y, (p > 0.5).astype(int), **{"metric": accuracy_score, **o}
        ),
        "grade_bootstrap_ci, paired": lambda **o: grade_bootstrap_ci(
            y, (p > 0.5).astype(int), (q > 0.5).astype(int), **{"metric": accuracy_score, **o}
        ),
        "survival_bootstrap_ci": lambda **o: survival_bootstrap_ci(event, time, risk, **o),
        "survival_bootstrap_ci, paired": lambda **o: survival_bootstrap_ci(event, time, risk, -time, **o),
    }


CALLS = list(_calls())


@pytest.mark.parametrize("call", CALLS)
def test_every_interval_returns_value_low_high_and_is_seeded(call: str) -> None:
    interval = _calls()[call]
    result = interval(n_boot=200)
    assert isinstance(result, Interval) and result.low <= result.value <= result.high
    assert interval(n_boot=200) == result
    assert interval(n_boot=200, seed=1) != result


@pytest.mark.parametrize("interval", INTERVALS, ids=lambda f: f.__name__)
def test_every_interval_takes_its_options_by_keyword_with_the_same_defaults(interval) -> None:
    parameters = inspect.signature(interval).parameters
    for name, default in (("n_boot", 1000), ("level", 0.95), ("seed", 0)):
        assert parameters[name].kind is inspect.Parameter.KEYWORD_ONLY and parameters[name].default == default
    assert parameters["metric"].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("interval", INTERVALS, ids=lambda f: f.__name__)
def test_every_interval_asks_for_a_paired_difference_one_way(interval) -> None:
    """The argument after the scores is a second model's, named as they are with ``_b``, optional, and taken by
    position or keyword: ``interval(..., y_score, y_score_b)`` is the paired difference, ``interval(..., y_score)``
    the metric alone. Nothing else in the signature takes scores (no ``*y_pred``)."""
    parameters = list(inspect.signature(interval).parameters.values())
    positional = [p for p in parameters if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
    scores, second = positional[-2:]
    assert second.name == f"{scores.name}_b" and second.default is None and scores.default is inspect.Parameter.empty
    assert all(p.kind is not inspect.Parameter.VAR_POSITIONAL for p in parameters)
    assert [p.name for p in parameters if p.kind is inspect.Parameter.KEYWORD_ONLY] == [
        "metric",
        "n_boot",
        "level",
        "seed",
    ]


@pytest.mark.parametrize("interval", INTERVALS, ids=lambda f: f.__name__)
def test_every_paired_interval_is_the_difference_and_zero_for_a_model_against_itself(interval) -> None:
    y, p = scored_labels(200, seed=3)
    rng = np.random.default_rng(0)
    time = rng.exponential(1.0, 200)
    q = p + rng.normal(0, 0.3, 200)
    truth, a, b, metric = {
        bootstrap_ci: ((y,), p, q, roc_auc_score),
        grade_bootstrap_ci: ((y,), (p > 0.5).astype(int), (q > 0.5).astype(int), accuracy_score),
        survival_bootstrap_ci: ((np.ones(200, bool), time), -time + rng.normal(0, 1.0, 200), -time, concordance_index),
    }[interval]
    paired = interval(*truth, a, b, metric=metric, n_boot=100)
    alone = [interval(*truth, scores, metric=metric, n_boot=100).value for scores in (a, b)]
    assert paired.value != 0 and paired.value == pytest.approx(alone[0] - alone[1])
    assert interval(*truth, a, a, metric=metric, n_boot=100) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("call", CALLS)
@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"n_boot": 99}, "n_boot"),
        ({"level": 1.0}, "level"),
        ({"seed": -1}, "seed"),
        ({"metric": "auc"}, "metric must be a function"),
    ],
)
def test_every_interval_refuses_the_same_bad_options(call: str, options: dict, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        _calls()[call](**options)


def test_an_undefined_resample_is_left_out_up_to_the_limit_and_refused_beyond_it() -> None:
    y = np.arange(100.0)

    def mean_unless(every: int):
        counter = iter(range(10**6))
        return lambda sample: np.nan if next(counter) % every == 0 else float(y[sample].mean())

    kept = bootstrap(mean_unless(50), 100, n_boot=1000, level=0.9, seed=0)  # 2 % undefined
    assert np.isfinite([kept.low, kept.high]).all()
    with pytest.raises(ValueError, match=r"undefined on 100 of 1000 resamples"):
        bootstrap(mean_unless(10), 100, n_boot=1000, level=0.9, seed=0)  # 10 % undefined
    assert MAX_UNDEFINED == 0.05


def test_an_undefined_resample_widens_the_interval_never_narrows_it() -> None:
    """Undefined resamples are the extreme ones (too few cases of a kind): leaving them out would narrow the
    interval, so they count at the most extreme defined value on each side."""
    y = np.arange(100.0)

    def statistic(sample: np.ndarray) -> float:
        mean = float(y[sample].mean())
        return np.nan if abs(mean - 49.5) > 6.5 else mean  # the extreme resamples are undefined (a few %)

    every = bootstrap(lambda sample: float(y[sample].mean()), 100, n_boot=1000, level=0.9, seed=0)
    some = bootstrap(statistic, 100, n_boot=1000, level=0.9, seed=0)
    values = np.array([float(y[sample].mean()) for sample in resamples(100, 1000, 0)])
    dropped = np.percentile(values[np.abs(values - 49.5) <= 6.5], [5, 95])
    assert 0 < np.mean(np.abs(values - 49.5) > 6.5) <= MAX_UNDEFINED
    assert some.low <= dropped[0] and some.high >= dropped[1]
    assert some.high - some.low > dropped[1] - dropped[0]
    assert every.low < every.high  # the interval had every resample been defined, for the reader's comparison


def test_survival_bootstrap_decides_undefined_from_the_resample_not_from_an_error_message() -> None:
    """A metric that raises its own error for a resample without events (as scikit-survival's does) still gets
    an interval; any error on a resample that has a comparable pair is raised."""
    rng = np.random.default_rng(1)
    time = rng.exponential(1.0, 60)
    event = np.zeros(60, bool)
    event[:4] = True

    def strict_c(event_, time_, score_):
        if not event_.any():
            raise ValueError("All samples are censored")
        return concordance_index(event_, time_, score_)

    with_strict = survival_bootstrap_ci(event, time, -time, metric=strict_c, n_boot=200)
    assert with_strict == survival_bootstrap_ci(event, time, -time, n_boot=200)

    def broken(event_, time_, score_):
        raise ValueError("a real bug")

    with pytest.raises(ValueError, match="a real bug"):
        survival_bootstrap_ci(event, time, -time, metric=broken, n_boot=200)


def test_survival_bootstrap_leaves_out_resamples_without_a_comparable_pair() -> None:
    event = np.zeros(40, bool)
    event[:2] = True  # two events: a resample often draws neither
    time = np.arange(40.0)
    with pytest.raises(ValueError, match="undefined on"):
        survival_bootstrap_ci(event, time, -time, n_boot=200)
    assert concordance_index(event, time, -time) == 1.0


def test_the_draws_are_those_the_intervals_made_before_they_shared_one_core() -> None:
    """Stratified: rng.choice within each class, the positives first; plain: rng.integers over all cases."""
    y = np.r_[np.zeros(5, int), np.ones(3, int)]
    rng = np.random.default_rng(4)
    want = [np.concatenate([rng.choice(np.arange(5, 8), 3), rng.choice(np.arange(5), 5)]) for _ in range(3)]
    assert [s.tolist() for s in resamples(8, 3, 4, strata=y)] == [s.tolist() for s in want]
    rng = np.random.default_rng(4)
    assert [s.tolist() for s in resamples(8, 3, 4)] == [rng.integers(0, 8, 8).tolist() for _ in range(3)]


def test_the_value_is_the_exact_metric_where_the_resamples_use_its_fast_twin(monkeypatch: pytest.MonkeyPatch) -> None:
    import medlearn.metrics

    y, p = scored_labels(120, seed=9)
    broken = lambda y_true, y_score: np.zeros(np.shape(y_score)[:-1])  # noqa: E731  the fast twin, broken
    monkeypatch.setattr(medlearn.metrics, "_rank_auc", broken)
    interval = bootstrap_ci(y, p, n_boot=100)
    assert interval.value == roc_auc_score(y, p) and interval.high == 0.0


def test_a_statistic_of_blocks_gives_the_loops_interval_and_needs_the_exact_value() -> None:
    y = np.random.default_rng(5).normal(size=150)
    one_by_one = bootstrap(lambda i: float(y[i].mean()), 150, n_boot=200, level=0.9, seed=2)
    in_blocks = bootstrap(
        lambda block: y[block].mean(axis=1),
        150,
        n_boot=200,
        level=0.9,
        seed=2,
        exact=lambda i: float(y[i].mean()),
        blocks=True,
    )
    assert in_blocks == one_by_one
    with pytest.raises(ValueError, match="exact"):
        bootstrap(lambda block: y[block].mean(axis=1), 150, n_boot=200, level=0.9, seed=2, blocks=True)
