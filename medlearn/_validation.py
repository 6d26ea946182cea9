"""Argument validation shared by every medlearn module: one rule, one message format.

(Not to be confused with the exercise checks, ``medlearn.check``, or the machine check, ``medlearn.doctor``.)
Each function returns the checked value (converted where that is safe) or raises
``ValueError`` with a message that names the argument and shows what was given,
in one form: ``"<name> must be <what>, not <given>"``. Modules import these
instead of writing their own checks, so that, for example, every integer
argument rejects ``True`` the same way.

Example:
    >>> check_int(3, "n_boot", min_value=1)
    3
    >>> check_int(True, "n_boot")
    Traceback (most recent call last):
    ...
    ValueError: n_boot must be an integer, not True
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from typing import Any
from urllib.parse import urlsplit

import numpy as np

__all__ = [
    "check_array",
    "check_base_url",
    "check_binary_labels",
    "check_bool",
    "check_choice",
    "check_fitted",
    "check_images",
    "check_int",
    "check_int_sequence",
    "check_mask",
    "check_number",
    "check_scores",
]


def _given(value: object) -> str:
    """A short description of a bad value for an error message."""
    if isinstance(value, np.ndarray):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    text = repr(value)
    return text if len(text) <= 60 else f"a {type(value).__name__}"


def _range_text(low: float | None, high: float | None, low_open: bool = False, high_open: bool = False) -> str:
    if low is not None and high is not None:
        return f" in {'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
    if low is not None:
        return f" greater than {low:g}" if low_open else f" of at least {low:g}"
    if high is not None:
        return f" less than {high:g}" if high_open else f" of at most {high:g}"
    return ""


def check_int(value: object, name: str, *, min_value: int | None = None, max_value: int | None = None) -> int:
    """An integer (Python or NumPy, never ``bool``) within optional bounds, as ``int``.

    Example:
        >>> check_int(np.int64(5), "size", min_value=1, max_value=9)
        5
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer{_range_text(min_value, max_value)}, not {_given(value)}")
    if (min_value is not None and value < min_value) or (max_value is not None and value > max_value):
        raise ValueError(f"{name} must be an integer{_range_text(min_value, max_value)}, not {_given(value)}")
    return int(value)


def check_int_sequence(value: object, name: str, *, min_length: int = 1, min_value: int | None = None) -> list[int]:
    """A sequence (list, tuple, array) of at least ``min_length`` integers, each at least ``min_value``, as a list.

    A string is refused, although Python counts it as a sequence. A bad item is named by its place.

    Example:
        >>> check_int_sequence((8, 16, 32), "widths", min_length=2, min_value=1)
        [8, 16, 32]
        >>> check_int_sequence([8], "widths", min_length=2)
        Traceback (most recent call last):
        ...
        ValueError: widths must be a sequence of at least 2 integers, not [8]
    """
    items = list(value) if isinstance(value, (Sequence, np.ndarray)) and not isinstance(value, (str, bytes)) else None
    if items is None or len(items) < min_length:
        plural = "integer" if min_length == 1 else "integers"
        raise ValueError(f"{name} must be a sequence of at least {min_length} {plural}, not {_given(value)}")
    return [check_int(item, f"{name}[{i}]", min_value=min_value) for i, item in enumerate(items)]


def check_number(
    value: object,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """A finite real number (never ``bool``) within optional bounds, as ``float``.

    ``low_open`` and ``high_open`` exclude the bound itself.

    Example:
        >>> check_number(0.95, "level", low=0, high=1, low_open=True, high_open=True)
        0.95
    """
    bounds = _range_text(low, high, low_open, high_open)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number{bounds}, not {_given(value)}")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be a finite number{bounds}, not {_given(value)}")
    too_low = low is not None and (number <= low if low_open else number < low)
    too_high = high is not None and (number >= high if high_open else number > high)
    if too_low or too_high:
        raise ValueError(f"{name} must be a number{bounds}, not {_given(value)}")
    return number


def check_bool(value: object, name: str) -> bool:
    """``True`` or ``False`` (not 0, 1 or None).

    Example:
        >>> check_bool(False, "skip_self")
        False
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, not {_given(value)}")
    return bool(value)


def check_choice(value: object, name: str, choices: Collection[Any]) -> Any:
    """One of ``choices``; the message lists them.

    Example:
        >>> check_choice("val", "split", ("train", "val", "test"))
        'val'
    """
    try:
        ok = value in choices
    except TypeError:  # an unhashable value asked of a set or dict
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, not {_given(value)}")
    return value


def check_base_url(value: object, name: str) -> str:
    """An ``http://`` or ``https://`` address with a host (a server's base address), without its final slash.

    Example:
        >>> check_base_url("http://classroom.local:8000/data/", "mirror")
        'http://classroom.local:8000/data'
    """
    try:
        parts = urlsplit(value) if isinstance(value, str) else None
        ok = parts is not None and parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
        ok = ok and not parts.query and not parts.fragment and value == value.strip()
    except ValueError:  # a malformed address: a bad port, an unclosed bracket
        ok = False
    if not ok:
        raise ValueError(
            f"{name} must be an http:// or https:// base address such as 'http://classroom.local:8000/data', "
            f"not {_given(value)}"
        )
    return value.rstrip("/")


def check_array(
    values: object,
    name: str,
    *,
    ndim: int | Collection[int] | None = None,
    kinds: str = "biuf",
    finite: bool = True,
    empty: bool = False,
) -> np.ndarray:
    """An array of numbers with a given number of dimensions, checked and returned.

    Args:
        values: anything ``np.asarray`` accepts.
        name: the argument's name, for the message.
        ndim: the allowed number(s) of dimensions, or None for any.
        kinds: allowed ``dtype.kind`` letters (default: bool, integers, floats).
        finite: reject NaN and infinity.
        empty: allow an array with no elements.

    Example:
        >>> check_array([[1, 2], [3, 4]], "kernel", ndim=2).shape
        (2, 2)
    """
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as err:  # ragged lists and the like
        raise ValueError(f"{name} could not be turned into an array: {err}") from None
    if array.dtype.kind not in kinds:
        raise ValueError(f"{name} must hold numbers, not values of dtype {array.dtype}")
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim) if ndim is not None else None
    if allowed is not None and array.ndim not in allowed:
        wanted = " or ".join(f"{n}-D" for n in allowed)
        raise ValueError(f"{name} must be a {wanted} array, not of shape {array.shape}")
    if not empty and array.size == 0:
        raise ValueError(f"{name} must not be empty (shape {array.shape})")
    if finite and array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must hold finite values (found NaN or infinity)")
    return array


def check_spacing(values: object, name: str, ndim: int) -> np.ndarray:
    """A voxel or pixel size: one positive finite number for every axis, or one per axis, as ``(ndim,)`` floats.

    Example:
        >>> check_spacing(2.0, "spacing", 3)
        array([2., 2., 2.])
    """
    try:
        size = np.atleast_1d(np.asarray(values, dtype=float))
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be positive numbers, one or one per axis, not {values!r}") from None
    if size.size == 1:
        size = np.repeat(size, ndim)
    if size.shape != (ndim,) or not np.all(np.isfinite(size) & (size > 0)):
        raise ValueError(f"{name} must be positive numbers, one or one per axis ({ndim}), not {values!r}")
    return size


def check_mask(values: object, name: str, *, shape: tuple[int, ...] | None = None, like: str = "") -> np.ndarray:
    """A binary mask (bool, or integers 0 and 1) as a bool array, of ``shape`` when given.

    ``like`` names the argument whose shape it must match, for the message.

    Example:
        >>> check_mask([[0, 1], [1, 1]], "y_pred").dtype
        dtype('bool')
    """
    array = check_array(values, name, kinds="biu")
    if array.dtype != bool and not np.isin(array, (0, 1)).all():
        raise ValueError(
            f"{name} must be a binary mask (bool, or 0 and 1), not values from {array.min()} to {array.max()}"
        )
    if shape is not None and array.shape != tuple(shape):
        raise ValueError(f"{name} must have the shape of {like or 'the other masks'} {tuple(shape)}, not {array.shape}")
    return array.astype(bool)


def check_images(
    values: object, name: str = "images", *, min_size: int = 1, colours: tuple[int, ...] = (3,)
) -> np.ndarray:
    """A stack of images: ``(N, H, W)`` grey or ``(N, H, W, C)`` colour, with ``C`` in ``colours``.

    One image, ``(H, W)`` grey or ``(H, W, C)`` colour, becomes a stack of one;
    a 3-D array is read as one colour image when its last axis is a colour count.

    Example:
        >>> check_images(np.zeros((28, 28))).shape, check_images(np.zeros((5, 28, 28))).shape
        ((1, 28, 28), (5, 28, 28))
    """
    stack = check_array(values, name, ndim=(2, 3, 4))
    if stack.ndim == 2 or (stack.ndim == 3 and stack.shape[-1] in colours):
        stack = stack[np.newaxis]
    if stack.ndim == 4 and stack.shape[-1] not in colours:
        shapes = "".join(f" or (N, H, W, {c})" for c in colours)
        raise ValueError(f"{name} must have shape (N, H, W){shapes}, not {np.shape(values)}")
    if min(stack.shape[1:3]) < min_size:
        raise ValueError(
            f"{name} must be at least {min_size} x {min_size} pixels, not {stack.shape[1]} x {stack.shape[2]}"
        )
    return stack


def check_fitted(estimator: object, name: str, *, kind: type | tuple[type, ...] | None = None) -> Any:
    """A fitted scikit-learn estimator (of ``kind``, if given).

    Example:
        >>> from sklearn.linear_model import LogisticRegression
        >>> check_fitted(LogisticRegression(), "model")
        Traceback (most recent call last):
        ...
        ValueError: model must be a fitted LogisticRegression; call .fit first
    """
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    if kind is not None and not isinstance(estimator, kind):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        wanted = " or ".join(k.__name__ for k in kinds)
        raise ValueError(f"{name} must be a fitted {wanted}, not {type(estimator).__name__}")
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        raise ValueError(f"{name} must be a fitted {type(estimator).__name__}; call .fit first") from None
    except TypeError:
        raise ValueError(f"{name} must be a fitted scikit-learn estimator, not {type(estimator).__name__}") from None
    return estimator


def check_binary_labels(values: object, name: str = "y_true", *, both_classes: bool = False) -> np.ndarray:
    """Labels 0 and 1 (1 = the condition) as a 1-D int array; ``both_classes`` requires each at least once.

    Example:
        >>> check_binary_labels([True, False, True])
        array([1, 0, 1])
    """
    array = check_array(values, name, ndim=1)
    if not np.all(np.isin(array, (0, 1))):
        raise ValueError(f"{name} must hold only 0 and 1 (1 = the condition)")
    labels = array.astype(int)
    if both_classes and labels.min() == labels.max():
        raise ValueError(f"{name} must contain both classes, 0 and 1")
    return labels


def check_scores(values: object, name: str, n: int) -> np.ndarray:
    """``n`` finite scores, one per case, as a float array.

    Example:
        >>> check_scores([0.2, 0.9], "y_score", 2)
        array([0.2, 0.9])
    """
    array = check_array(values, name, ndim=1).astype(float)
    if array.shape != (n,):
        raise ValueError(f"{name} must be {n} numbers, one per case, not of shape {array.shape}")
    return array


def check_outcome(event: object, time: object) -> tuple[np.ndarray, np.ndarray]:
    """Checked event indicators (0/1 or bool) and follow-up times (finite, not negative) of one length.

    The event is checked first, so that arguments given in the order (time, event) are refused with a word on
    the order (the survival functions, the Cox diagnostics and the survival plots share this check).

    Example:
        >>> check_outcome([1, 0], [5.0, 7.5])
        (array([ True, False]), array([5. , 7.5]))
    """
    events = check_array(event, "event", ndim=1, kinds="biuf")
    if events.dtype != bool and not np.isin(events, (0, 1)).all():
        raise ValueError(
            f"event must hold 0/1 or True/False, not the values {np.unique(events)[:5].tolist()} "
            "(the order is event, then time, as in scikit-survival)"
        )
    times = check_array(time, "time", ndim=1, kinds="iuf")
    if len(events) != len(times):
        raise ValueError(f"event has {len(events)} patients but time has {len(times)}")
    if np.any(times < 0):
        raise ValueError(f"time must not be negative, not {float(times.min())!r}")
    return events.astype(bool), times.astype(float)
