"""The shared argument checks: each accepts what it should and names the argument when it refuses."""

from __future__ import annotations

import ast

import numpy as np
import pytest
from helpers import REPO
from sklearn.linear_model import LogisticRegression
from sklearn.svm import SVC

from medlearn._validation import (
    check_array,
    check_base_url,
    check_bool,
    check_choice,
    check_fitted,
    check_images,
    check_int,
    check_int_sequence,
    check_number,
    check_outcome,
    check_spacing,
)

LIBRARY = REPO / "medlearn"


@pytest.mark.parametrize("value", [1, 7, np.int64(3), np.uint8(2)])
def test_check_int_accepts_integers(value: object) -> None:
    assert check_int(value, "n", min_value=1) == int(value)
    assert type(check_int(value, "n")) is int


@pytest.mark.parametrize(
    ("value", "bounds"),
    [
        (True, {}),
        (np.True_, {}),
        (1.0, {}),
        ("3", {}),
        (None, {}),
        (0, {"min_value": 1}),
        (11, {"max_value": 10}),
    ],
)
def test_check_int_refuses_and_names_the_argument(value: object, bounds: dict) -> None:
    with pytest.raises(ValueError, match=r"^n_boot must be an integer.*, not "):
        check_int(value, "n_boot", **bounds)


def test_check_int_message_states_the_range() -> None:
    with pytest.raises(ValueError, match=r"in \[2, 100\], not 1$"):
        check_int(1, "n_bins", min_value=2, max_value=100)


@pytest.mark.parametrize(
    ("value", "kwargs"),
    [
        (0.5, {"low": 0, "high": 1}),
        (1, {"low": 0, "high": 1}),
        (np.float32(0.25), {}),
        (0.0, {"low": 0.0}),
    ],
)
def test_check_number_accepts(value: object, kwargs: dict) -> None:
    assert check_number(value, "x", **kwargs) == float(value)


@pytest.mark.parametrize(
    ("value", "kwargs"),
    [
        (True, {}),
        ("0.5", {}),
        (float("nan"), {}),
        (float("inf"), {}),
        (np.array([0.5]), {}),
        (0.0, {"low": 0, "low_open": True}),
        (1.0, {"high": 1, "high_open": True}),
        (-0.1, {"low": 0}),
        (2, {"high": 1}),
    ],
)
def test_check_number_refuses(value: object, kwargs: dict) -> None:
    with pytest.raises(ValueError, match=r"^level must be a (finite )?number"):
        check_number(value, "level", **kwargs)


def test_check_number_shows_open_and_closed_bounds() -> None:
    with pytest.raises(ValueError, match=r"in \(0, 1\), not 1$"):
        check_number(1, "level", low=0, high=1, low_open=True, high_open=True)
    with pytest.raises(ValueError, match=r"in \(-1, 1\], not -1$"):
        check_number(-1, "threshold", low=-1, high=1, low_open=True)


def test_check_bool() -> None:
    assert check_bool(np.True_, "flag") is True
    for bad in (0, 1, None, "yes"):
        with pytest.raises(ValueError, match="^flag must be True or False"):
            check_bool(bad, "flag")


def test_check_choice() -> None:
    assert check_choice("val", "split", ("train", "val", "test")) == "val"
    with pytest.raises(ValueError, match=r"^split must be one of 'train', 'val', 'test', not 'valid'$"):
        check_choice("valid", "split", ("train", "val", "test"))
    with pytest.raises(ValueError, match="^mode must be one of"):
        check_choice(["a"], "mode", {"a", "b"})  # unhashable


def test_check_base_url() -> None:
    assert check_base_url("https://mirror.example.cn/medlearn/", "mirror") == "https://mirror.example.cn/medlearn"
    assert check_base_url("http://127.0.0.1:8000", "--mirror") == "http://127.0.0.1:8000"
    bad = (
        "",
        "lab:8000",
        "ftp://lab/data",
        "file:///srv/data",
        "http://",
        "http://lab?x=1",
        "http://lab:99999",
        None,
        3,
    )
    for value in (*bad, "http://[::1", " http://lab", "https://lab/#top", "http://lab:0"):
        with pytest.raises(ValueError, match="^MEDLEARN_MIRROR must be an http:// or https:// base address"):
            check_base_url(value, "MEDLEARN_MIRROR")


def test_check_array() -> None:
    assert check_array([[1, 2], [3, 4]], "kernel", ndim=2).shape == (2, 2)
    assert check_array(np.zeros((2, 0)), "kernel", empty=True).size == 0
    for bad, pattern in [
        (["a", "b"], "hold numbers"),
        (np.zeros(3), "2-D array"),
        (np.zeros((0, 2)), "empty"),
        (np.array([[np.nan]]), "finite"),
        ([[1, 2], [3]], "could not be turned into an array"),
    ]:
        with pytest.raises(ValueError, match=f"^kernel .*{pattern}"):
            check_array(bad, "kernel", ndim=2)


def test_check_spacing() -> None:
    assert check_spacing(2, "spacing", 3).tolist() == [2.0, 2.0, 2.0]
    assert check_spacing((1, 0.5), "spacing", 2).tolist() == [1.0, 0.5]
    for bad in ((1.0, 2.0), 0, -1.0, np.nan, np.inf, "abc", [[1, 2, 3]], None):
        with pytest.raises(ValueError, match="spacing"):
            check_spacing(bad, "spacing", 3)


def test_check_images_shapes() -> None:
    assert check_images(np.zeros((28, 28))).shape == (1, 28, 28)
    assert check_images(np.zeros((28, 28, 3))).shape == (1, 28, 28, 3)
    assert check_images(np.zeros((5, 28, 28))).shape == (5, 28, 28)
    assert check_images(np.zeros((5, 8, 8, 4)), colours=(3, 4)).shape == (5, 8, 8, 4)
    with pytest.raises(ValueError, match=r"^images must have shape \(N, H, W\) or \(N, H, W, 3\)"):
        check_images(np.zeros((5, 8, 8, 2)))
    with pytest.raises(ValueError, match="^batch must be at least 16 x 16 pixels, not 8 x 8"):
        check_images(np.zeros((5, 8, 8)), "batch", min_size=16)
    with pytest.raises(ValueError, match="^images must not be empty"):
        check_images(np.zeros((0, 8, 8)))


def test_check_outcome_takes_event_then_time_and_names_what_is_wrong() -> None:
    events, times = check_outcome([1, 0, True], [2, 3.5, 0])
    assert events.dtype == bool and times.dtype == float and events.tolist() == [True, False, True]
    with pytest.raises(ValueError, match="the order is event, then time"):
        check_outcome([5.0, 7.5], [1, 0])  # (time, event): refused by a word on the order
    with pytest.raises(ValueError, match="event has 2 patients but time has 3"):
        check_outcome([1, 0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="time must not be negative"):
        check_outcome([1, 0], [1.0, -2.0])
    with pytest.raises(ValueError, match="time"):
        check_outcome([1, 0], [1.0, np.nan])


def test_check_fitted() -> None:
    X, y = np.array([[0.0], [1.0], [2.0], [3.0]]), np.array([0, 0, 1, 1])
    model = LogisticRegression().fit(X, y)
    assert check_fitted(model, "model") is model
    with pytest.raises(ValueError, match="^clf must be a fitted SVC, not LogisticRegression"):
        check_fitted(model, "clf", kind=SVC)
    with pytest.raises(ValueError, match="^clf must be a fitted SVC; call .fit first"):
        check_fitted(SVC(), "clf", kind=SVC)
    with pytest.raises(ValueError, match="^model must be a fitted scikit-learn estimator, not str"):
        check_fitted("model", "model")


def test_no_module_writes_its_own_integer_check() -> None:
    """The integer rule lives in _validation only: no other module tests isinstance(..., bool) itself."""
    offenders = []
    for path in sorted(LIBRARY.rglob("*.py")):
        if path.name == "_validation.py" or "check" in path.relative_to(LIBRARY).parts[:1]:
            continue  # check/ grades a learner's answers with hints; it validates no arguments
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "isinstance"
                and len(node.args) == 2
                and "bool" in ast.unparse(node.args[1])
            ):
                offenders.append(f"{path.relative_to(LIBRARY)}:{node.lineno}")
    assert not offenders, "use medlearn._validation instead of a local bool check: " + ", ".join(offenders)


@pytest.mark.parametrize("value", [(8, 16), [8, 16, 32], np.array([4, 8])])
def test_check_int_sequence_accepts_sequences_of_integers(value: object) -> None:
    assert check_int_sequence(value, "widths", min_length=2, min_value=1) == [int(v) for v in value]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ab", r"widths must be a sequence of at least 2 integers, not 'ab'"),
        ([8], r"widths must be a sequence of at least 2 integers, not \[8\]"),
        (None, r"widths must be a sequence of at least 2 integers, not None"),
        (8, r"widths must be a sequence"),
        ([8, True], r"widths\[1\] must be an integer of at least 1, not True"),
        ([8, 0], r"widths\[1\] must be an integer of at least 1, not 0"),
        ([8, 2.5], r"widths\[1\] must be an integer"),
    ],
)
def test_check_int_sequence_refuses_and_names_the_argument_or_item(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}"):
        check_int_sequence(value, "widths", min_length=2, min_value=1)


def test_the_networks_check_their_widths_with_the_shared_helper() -> None:
    from medlearn.models import small_cnn, small_unet

    with pytest.raises(ValueError, match="widths must be a sequence of at least 1 integer"):
        small_cnn((28, 28, 1), 2, widths=())
    with pytest.raises(ValueError, match="widths must be a sequence of at least 2 integers"):
        small_unet(1, widths=(8,))
    with pytest.raises(ValueError, match=r"widths\[0\] must be an integer of at least 1"):
        small_unet(1, widths=(0, 8))
