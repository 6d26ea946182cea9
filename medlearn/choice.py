"""Multiple-choice answers: the letters offered, the right one, a hint for each wrong one, and the verdict.

One :class:`AnswerKey` judges every multiple-choice answer in the course: a quiz question's
(:mod:`medlearn.quiz`) and an exercise task whose function returns a letter (``letter_task`` in
:mod:`medlearn.check`). It reads the answer (a letter in any case, spaces around it ignored; where the caller
allows it, the letter in parentheses as the choices are shown, or a 0-based index), and gives a
:class:`Feedback`: right or not, with the explanation or the wrong letter's hint. The quiz and the tasks write
their own words around that text.

Example:
    >>> key = AnswerKey(("a", "b", "c"), "b", "PPV falls with prevalence.", {"a": "PPV is not the model's alone.",
    ...                 "c": "Prevalence moves it."})
    >>> key.judge(" B ")
    Feedback(correct=True, text='PPV falls with prevalence.')
    >>> key.judge("a").text
    "PPV is not the model's alone."
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from medlearn._validation import check_bool, check_choice, check_int

LETTERS = "abcdefgh"


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer: right or not, and the line a learner reads.

    Example:
        >>> Feedback(True, "✓ Right.").correct
        True
    """

    correct: bool
    text: str


@dataclass(frozen=True, eq=False)
class AnswerKey:
    """A multiple-choice question's key: its ``letters``, the ``right`` one, the ``explanation`` a right answer
    earns, and ``hints``, one for each wrong letter. Every argument is checked (a ``ValueError`` names it).

    Example:
        >>> key = AnswerKey(("a", "b"), "a", "One in four.", {"b": "That is the odds."})
        >>> key.read("(B)", parentheses=True), key.read(1, index=True)
        ('b', 'b')
        >>> AnswerKey(("a", "b"), "c", "One in four.", {"b": "That is the odds."})
        Traceback (most recent call last):
        ...
        ValueError: right must be one of 'a', 'b', not 'c'
    """

    letters: tuple[str, ...]
    right: str
    explanation: str
    hints: Mapping[str, str]

    def __post_init__(self) -> None:
        letters = self.letters
        if (
            not isinstance(letters, (tuple, list))
            or not all(isinstance(letter, str) and len(letter) == 1 and letter in LETTERS for letter in letters)
            or len(set(letters)) != len(letters)
            or len(letters) < 2
        ):
            raise ValueError(f"letters must be two or more different letters of {LETTERS!r}, not {letters!r}")
        object.__setattr__(self, "letters", tuple(letters))
        check_choice(self.right, "right", self.letters)
        if not isinstance(self.explanation, str) or not self.explanation.strip():
            raise ValueError(f"explanation must be non-empty text, not {self.explanation!r}")
        wrong = [letter for letter in self.letters if letter != self.right]
        if not isinstance(self.hints, Mapping) or set(self.hints) != set(wrong):
            raise ValueError(f"hints must map each wrong letter, {', '.join(wrong)}, to its hint, not {self.hints!r}")
        for letter in wrong:
            if not isinstance(self.hints[letter], str) or not self.hints[letter].strip():
                raise ValueError(f"hints must give letter {letter} non-empty text, not {self.hints[letter]!r}")
        object.__setattr__(self, "hints", dict(self.hints))

    def read(self, answer: Any, *, name: str = "answer", index: bool = False, parentheses: bool = False) -> str:
        """The letter ``answer`` gives: a letter in any case, spaces around it ignored; with ``parentheses``, also
        written in parentheses as the choices are shown, ``"(b)"``; with ``index``, also a 0-based index.

        Anything else raises a ``ValueError`` that names the answer as ``name``.

        Example:
            >>> key = AnswerKey(("a", "b", "c"), "c", "Right.", {"a": "No.", "b": "No."})
            >>> key.read(" C ")
            'c'
            >>> key.read(2)
            Traceback (most recent call last):
            ...
            ValueError: answer must be one of 'a', 'b', 'c' (a letter, as text), not a value of type int
        """
        check_bool(index, "index")
        check_bool(parentheses, "parentheses")
        if isinstance(answer, str):
            letter = answer.strip().lower()
            return check_choice(letter.strip("()") if parentheses else letter, name, self.letters)
        if index:
            return self.letters[check_int(answer, name, min_value=0, max_value=len(self.letters) - 1)]
        letters = ", ".join(map(repr, self.letters))
        raise ValueError(
            f"{name} must be one of {letters} (a letter, as text), not a value of type {type(answer).__name__}"
        )

    def judge(self, answer: Any, *, name: str = "answer", index: bool = False, parentheses: bool = False) -> Feedback:
        """The verdict on ``answer`` (read as :meth:`read` reads it): right with the explanation, or wrong with the
        hint of the letter chosen.

        Example:
            >>> key = AnswerKey(("a", "b", "c"), "c", "Right.", {"a": "Too small.", "b": "Too large."})
            >>> key.judge("b")
            Feedback(correct=False, text='Too large.')
            >>> key.judge(2, index=True).correct
            True
        """
        letter = self.read(answer, name=name, index=index, parentheses=parentheses)
        if letter == self.right:
            return Feedback(True, self.explanation)
        return Feedback(False, self.hints[letter])
