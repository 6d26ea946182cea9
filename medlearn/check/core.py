"""The machinery of exercise checks: a task runs the learner's answer and gives a pass or a hint.

A check never raises, whatever it is given: ``None``, a list, an array of the wrong shape, or a function that
raises. It reports one of three outcomes:

- ``pass``: the answer is right;
- ``fail``: something is wrong, with a hint aimed at the likely mistake;
- ``todo``: nothing has been written yet (the placeholder is still there).

A task's typical mistakes are data (:class:`Mistake`): :func:`compare` raises the hint of the one an answer makes;
``tests/exercises/test_mistakes.py`` feeds each mistake back as an answer and expects its hint. Every message is
written in English with :func:`medlearn._messages.tr` and printed in the learner's language.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from medlearn._messages import shown, tr

from ._comparing import close, copies, holds

ICONS = {"pass": "✅", "fail": "❌", "todo": "⏳"}


class Wrong(Exception):
    """Raised inside a checker with the hint to show the learner.

    ``mistake`` names the typical mistake the hint is for (:class:`Mistake`), if any: for the tests, never shown.
    """

    def __init__(self, message: str, mistake: str | None = None) -> None:
        super().__init__(message)
        self.message, self.mistake = message, mistake  # the message as written (a Text is shown translated)


class NotDone(Exception):
    """Raised inside a checker when the answer is still the placeholder."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check: ``status`` is ``"pass"``, ``"fail"`` or ``"todo"``.

    Example:
        >>> print(CheckResult("output_size", "pass", "correct."))
        ✅ output_size: correct.
    """

    task: str
    status: str
    message: str
    mistake: str | None = None  # the name of the typical mistake recognised, for the tests; never printed

    def __str__(self) -> str:
        return f"{ICONS[self.status]} {self.task}: {shown(self.message)}"

    @property
    def passed(self) -> bool:
        """True when the answer is right."""
        return self.status == "pass"


class Task:
    """One exercise task: a checker function plus hints that can be read before trying.

    Call the task with the learner's answer to print the outcome; ``run`` returns
    it as a :class:`CheckResult` instead; ``hint(n)`` prints hint ``n``.

    Example:
        >>> def check_double(f):
        ...     if call(f, 2) != 4:
        ...         raise Wrong("double(2) should be 4.")
        >>> double = Task("double", check_double, hints=["Multiply by 2."])
        >>> double(lambda x: 2 * x)
        ✅ double: correct.
        >>> double(lambda x: x + 1)
        ❌ double: double(2) should be 4.
    """

    def __init__(
        self,
        name: str,
        checker: Callable[[Any], str | None],
        hints: Sequence[str],
        mistakes: Sequence[Mistake] = (),
        reference: Callable[..., Any] | None = None,
    ) -> None:
        self.name = name
        self._checker = checker
        self.hints = tuple(hints)
        self.mistakes = tuple(mistakes)  # the typical mistakes the check names, each fed back by the tests
        self._reference = reference  # the right answer, when the check compares with one (private: not a hint)

    def run(self, answer: Any) -> CheckResult:
        """Check ``answer`` and return the outcome; never raises."""
        try:
            if answer is None or answer is Ellipsis:
                raise NotDone
            note = self._checker(answer)
        except NotDone:
            todo = tr(
                "not done yet. Write your code where it says 'your code here' and run the cell again. "
                "Stuck? Run check.{task}.hint()",
                task=self.name,
            )
            return CheckResult(self.name, "todo", todo)
        except Wrong as wrong:
            return CheckResult(self.name, "fail", wrong.message, wrong.mistake)
        except Exception as err:  # a checker must never crash, even on odd input
            error = dict(error=type(err).__name__, message=str(err))
            return CheckResult(
                self.name, "fail", tr("the check could not use your answer ({error}: {message}).", **error)
            )
        return CheckResult(self.name, "pass", tr("correct. {note}", note=note) if note else tr("correct."))

    def __call__(self, answer: Any) -> None:
        print(self.run(answer))

    def hint(self, n: int = 1) -> None:
        """Print hint ``n`` (1 = a nudge; the last one nearly gives the answer)."""
        count = len(self.hints)
        if not isinstance(n, (int, np.integer)) or not 1 <= n <= count:
            print(
                shown(
                    tr(
                        "There are hints 1 to {count} for {task}: try check.{task}.hint(1).",
                        count=count,
                        task=self.name,
                    )
                )
            )
            return
        values = dict(task=self.name, n=n, count=count, hint=self.hints[n - 1], next=n + 1)
        if n < count:
            print("💡 " + shown(tr("{task}, hint {n} of {count}: {hint} (more: check.{task}.hint({next}))", **values)))
        else:
            print("💡 " + shown(tr("{task}, hint {n} of {count}: {hint}", **values)))

    def __repr__(self) -> str:
        return f"<check task {self.name!r}: call it with your answer, or .hint()>"


def task(
    *hints: str, mistakes: Sequence[Mistake] = (), reference: Callable[..., Any] | None = None
) -> Callable[[Callable[[Any], str | None]], Task]:
    """Turn a checker function into a :class:`Task` named after the function: the name is written once.

    ``hints`` go from a nudge to nearly the answer; ``mistakes`` are the typical mistakes the checker names (it
    raises ``mistake.wrong(...)``), and ``reference`` a right answer, both for the tests.

    Example:
        >>> @task("Multiply by 2.")
        ... def double(f):
        ...     if call(f, 2) != 4:
        ...         raise Wrong("double(2) should be 4.")
        >>> double
        <check task 'double': call it with your answer, or .hint()>
        >>> double(lambda x: x * 2)
        ✅ double: correct.
    """

    def make(checker: Callable[[Any], str | None]) -> Task:
        return Task(checker.__name__, checker, hints, mistakes, reference)

    return make


def call(function: Any, *args: Any) -> Any:
    """Call the learner's function; turn its failures into a todo or a hint.

    Example:
        >>> call(lambda x: x + 1, 1)
        2
    """
    if not callable(function):
        got = type(function).__name__
        raise Wrong(tr("expected a function, but got {got}. Pass the function itself, without ().", got=got))
    try:
        # Warnings (say, numpy's divide by zero) are recorded, never raised or printed: the
        # check then judges the result the same way under any warnings filter.
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            return function(*args)
    except NotImplementedError:
        raise NotDone from None
    except Exception as err:
        raise Wrong(tr("your function raised {error}: {message}", error=type(err).__name__, message=str(err))) from None


def as_array(value: Any, what: str, shape: tuple[int, ...] | None = None) -> np.ndarray:
    """The learner's value as a float array with a hint when it is not one (or has the wrong shape).

    Example:
        >>> as_array([[1, 2], [3, 4]], "the kernel", shape=(2, 2)).dtype
        dtype('float64')
    """
    if value is None:
        raise Wrong(tr("{what} is None: did you forget to return it?", what=what))
    try:
        array = np.asarray(value)
    except Exception:
        kind = type(value).__name__
        raise Wrong(tr("{what} could not be turned into an array (it is a {kind}).", what=what, kind=kind)) from None
    if array.dtype.kind not in "biuf":
        raise Wrong(tr("{what} should hold numbers, but has dtype {dtype}.", what=what, dtype=array.dtype))
    if shape is not None and array.shape != shape:
        raise Wrong(tr("{what} has shape {shape}; expected {want}.", what=what, shape=array.shape, want=shape))
    return array.astype(np.float64)


def as_number(value: Any, what: str) -> float:
    """The learner's value as one float, with a hint when it is not a single number.

    Example:
        >>> as_number(np.float32(0.25), "the fraction")
        0.25
    """
    if isinstance(value, (bool, np.bool_)) or value is None:
        raise Wrong(tr("{what} should be a number, not {value!r}.", what=what, value=value))
    try:
        return float(value)
    except (TypeError, ValueError):
        raise Wrong(tr("{what} should be one number, not a {kind}.", what=what, kind=type(value).__name__)) from None


def as_result(value: Any, keys: Sequence[str]) -> dict:
    """The learner's returned dict, holding at least ``keys``; a hint that names them when it does not.

    Example:
        >>> as_result({"model": None, "test_auc": 0.9}, ("model", "test_auc"))["test_auc"]
        0.9
        >>> as_result([0.9], ("model", "test_auc"))
        Traceback (most recent call last):
        ...
        medlearn.check.core.Wrong: return a dict with the keys 'model', 'test_auc'.
    """
    if not isinstance(value, dict) or any(key not in value for key in keys):
        raise Wrong(tr("return a dict with the keys {keys}.", keys=", ".join(map(repr, keys))))
    return value


@dataclass(frozen=True)
class Mistake:
    """A typical wrong answer: its name, a function that makes it (called as the learner's is), and its hint.

    The answer is recognised when it equals the mistake's on a case; ``spot(value, want, *case)``, when given,
    recognises it instead (any wrong answer on an unsigned image, say), and ``answer`` is then one example of it.
    ``hint`` is the message, or a function that writes it from the learner's value and the case.

    Example:
        >>> share = Mistake("percentage", lambda n: 100 * n, "a share is between 0 and 1; this is a percentage.")
        >>> str(share.wrong())
        'a share is between 0 and 1; this is a percentage.'
    """

    name: str
    answer: Callable[..., Any]
    hint: str | Callable[..., str]
    spot: Callable[..., bool] | None = None

    def wrong(self, *args: Any) -> Wrong:
        """The :class:`Wrong` to raise for this mistake; ``args`` go to a hint written as a function."""
        return Wrong(self.hint if isinstance(self.hint, str) else self.hint(*args), self.name)

    def made(
        self, value: Any, want: Any, case: Sequence[Any], args: Sequence[Any], same: Callable[[Any, Any], bool]
    ) -> bool:
        """True when the learner's ``value`` on ``case`` is this mistake (one that cannot run is not made)."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if self.spot is not None:
                    return bool(self.spot(value, want, *case))
                return holds(same, value, self.answer(*copies(args)))
        except Exception:
            return False


def compare(
    function: Any,
    *,
    reference: Callable[..., Any],
    cases: Iterable[Sequence[Any]],
    mistakes: Sequence[Mistake] = (),
    otherwise: Callable[..., str],
    read: Callable[..., Any] = lambda value, *case: as_array(value, tr("your result")),
    same: Callable[[Any, Any], bool] = close,
    arguments: Callable[..., Sequence[Any]] | None = None,
) -> None:
    """Run the learner's ``function`` and ``reference`` on each case (a tuple of arguments; arrays are copied).

    ``arguments(*case)``, when given, picks the arguments from a case that also holds what only the messages need
    (a feature's name, say). ``read(value, *case)`` turns the learner's value into what is compared (an array by
    default, or a hint). Where it differs from the reference by ``same``, the first of ``mistakes`` it makes raises
    its hint (a mistake that cannot be compared with the value is not made), and otherwise
    ``otherwise(value, want, *case)`` is the message.

    Example:
        >>> mistakes = [Mistake("sum", lambda x: x.sum(), "that is the sum; divide by the count.")]
        >>> kwargs = dict(reference=np.mean, cases=[(np.arange(4.0),)], mistakes=mistakes)
        >>> compare(lambda x: x.mean(), **kwargs, otherwise=lambda got, want, x: "not the mean.")
        >>> compare(lambda x: x.sum(), **kwargs, otherwise=lambda got, want, x: "not the mean.")
        Traceback (most recent call last):
        ...
        medlearn.check.core.Wrong: that is the sum; divide by the count.
    """
    for case in cases:
        args = tuple(case if arguments is None else arguments(*case))
        want = reference(*copies(args))
        value = read(call(function, *copies(args)), *case)
        if same(value, want):
            continue
        for mistake in mistakes:
            if mistake.made(value, want, case, args, same):
                raise mistake.wrong(value, *case)
        raise Wrong(otherwise(value, want, *case))


def compared(
    *hints: str,
    cases: Callable[[], Iterable[Sequence[Any]]],
    mistakes: Sequence[Mistake] = (),
    otherwise: Callable[..., str],
    read: Callable[..., Any] = lambda value, *case: as_array(value, tr("your result")),
    same: Callable[[Any, Any], bool] = close,
    arguments: Callable[..., Sequence[Any]] | None = None,
    prepare: Callable[[Any], Any] | None = None,
) -> Callable[[Callable[..., Any]], Task]:
    """Turn a task's reference answer into a :class:`Task` with ``hints`` that compares (:func:`compare`) answers to it.

    ``cases()`` builds the cases when the check runs; ``prepare(function)`` is the learner's function as the check
    runs it (a wrapper that returns a typical error for ``read`` to name); the rest are :func:`compare`'s.

    Example:
        >>> @compared("Multiply by 2.", cases=lambda: [(1,), (2.5,)], otherwise=lambda got, want, x: "no.")
        ... def double(x):
        ...     return 2 * x
        >>> double(lambda x: x + x)
        ✅ double: correct.
    """

    def make(reference: Callable[..., Any]) -> Task:
        def checker(function: Any) -> None:
            compare(
                function if prepare is None else prepare(function),
                reference=reference,
                cases=cases(),
                mistakes=mistakes,
                otherwise=otherwise,
                read=read,
                same=same,
                arguments=arguments,
            )

        return Task(reference.__name__, checker, hints, mistakes, reference)

    return make
