"""Multiple-choice exercise tasks, for the checks (:mod:`medlearn.check.core`): the learner's function returns a
letter, and each wrong letter earns its own hint.

:func:`letter_task` makes such a task from its right answer, written once: the decorated function, named after the
task, returns the right letter, and ``wrong`` gives each wrong letter its hint. It checks answers with
:func:`letter_answer` and names its typical mistakes with :func:`letter_mistakes`. The answer is judged by
:class:`medlearn.choice.AnswerKey`, as a quiz's is.

Example:
    >>> @letter_task("Which one hides nothing?", wrong={"a": "a hides the fault."}, message="Right: b.")
    ... def report():
    ...     return "b"
    >>> report(lambda: "a")
    ❌ report: a hides the fault.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from medlearn._messages import tr
from medlearn._validation import check_choice
from medlearn.choice import LETTERS, AnswerKey

from .core import Mistake, Task, Wrong, call

__all__ = ["letter_answer", "letter_mistakes", "letter_task"]


def letter_answer(function: Any, *, right: str, wrong: dict[str, str], message: str) -> str:
    """Check a multiple-choice answer: ``function()`` must return the letter ``right``; each letter in
    ``wrong`` fails with its own hint (the mistake named ``"answer <letter>"``), anything else asks for one of the
    letters. Returns ``message``. The answer is judged by :class:`medlearn.choice.AnswerKey`, as a quiz's is.

    Example:
        >>> letter_answer(lambda: "B", right="b", wrong={"a": "a hides the fault."}, message="Right: b.")
        'Right: b.'
    """
    key = AnswerKey(tuple(sorted({right, *wrong})), right, message, wrong)
    try:
        letter = key.read(call(function))
    except ValueError:
        raise Wrong(tr("answer with one letter, one of {letters}.", letters=", ".join(key.letters))) from None
    if not (verdict := key.judge(letter)).correct:
        raise Wrong(verdict.text, f"answer {letter}")
    return verdict.text


def letter_mistakes(wrong: dict[str, str]) -> list[Mistake]:
    """The table of a :func:`letter_answer` task: each wrong letter, answered, earns its hint.

    Example:
        >>> [m.name for m in letter_mistakes({"a": "a hides the fault."})]
        ['answer a']
    """
    return [Mistake(f"answer {letter}", lambda letter=letter: letter, hint) for letter, hint in wrong.items()]


def letter_task(*hints: str, wrong: Mapping[str, str], message: str) -> Callable[[Callable[[], str]], Task]:
    """Turn a multiple-choice task's right answer into a :class:`Task` with ``hints``: the right letter and the
    table of wrong ones are written once.

    The decorated function is named after the task and returns the right letter, as the learner's function should;
    it is the task's reference. ``wrong`` maps each wrong letter to its hint (the named mistake
    ``"answer <letter>"``), and ``message`` is what the right letter earns. A bad argument raises a ``ValueError``
    that names it: no hint, an empty text, a letter that is not one of ``"abcdefgh"``, or the right letter in
    ``wrong``.

    Example:
        >>> @letter_task("Which one hides nothing?", wrong={"a": "a hides the fault."}, message="Right: b.")
        ... def report():
        ...     return "b"
        >>> report(lambda: " B")
        ✅ report: correct. Right: b.
        >>> [mistake.name for mistake in report.mistakes]
        ['answer a']
        >>> letter_task("Which one?", wrong={"b": "b hides the fault."}, message="Right: b.")(lambda: "b")
        Traceback (most recent call last):
        ...
        ValueError: each letter of wrong (not the right one, 'b') must be one of 'a', 'c', ..., 'h', not 'b'
    """
    if not hints or not all(_is_text(hint) for hint in hints):
        raise ValueError(f"hints must be one or more non-empty texts, not {hints!r}")
    if not _is_text(message):
        raise ValueError(f"message must be non-empty text, not {message!r}")
    if not isinstance(wrong, Mapping) or not wrong:
        raise ValueError(f"wrong must map one or more wrong letters to their hints, not {wrong!r}")
    table = dict(wrong)

    def make(reference: Callable[[], str]) -> Task:
        right = check_choice(reference(), f"the letter {reference.__name__}() returns", tuple(LETTERS))
        others = tuple(letter for letter in LETTERS if letter != right)
        for letter, hint in table.items():
            check_choice(letter, f"each letter of wrong (not the right one, {right!r})", others)
            if not _is_text(hint):
                raise ValueError(f"wrong must give letter {letter} non-empty text, not {hint!r}")

        def checker(function: Any) -> str:
            return letter_answer(function, right=right, wrong=table, message=message)

        return Task(reference.__name__, checker, hints, letter_mistakes(table), reference)

    return make


def _is_text(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip())
