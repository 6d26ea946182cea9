"""medlearn.check._letters.letter_task: a multiple-choice task written once, and a malformed one refused by the
argument at fault. (What its tasks say to a learner is tested from their tables, in ``test_mistakes.py``.)"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from medlearn.check._letters import letter_task
from medlearn.check.core import Task

HINTS = ("Which one hides nothing?", "Report what you measured.")
WRONG = {"a": "a hides the fault.", "c": "c invents a result."}


def _right() -> str:
    return "b"


def _make(reference: Callable[[], object] = _right, **arguments: object) -> Task:
    given = {"hints": HINTS, "wrong": WRONG, "message": "Right: b.", **arguments}
    return letter_task(*given.pop("hints"), **given)(reference)


def test_the_task_is_named_after_its_reference_and_holds_what_it_was_given() -> None:
    task = _make()
    assert (task.name, task.hints, task._reference) == ("_right", HINTS, _right)
    assert [(m.name, m.answer(), m.hint) for m in task.mistakes] == [
        ("answer a", "a", WRONG["a"]),
        ("answer c", "c", WRONG["c"]),
    ]
    assert task.run(lambda: " B").message == "correct. Right: b."


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"hints": ()}, r"^hints must be one or more non-empty texts, not \(\)$"),
        ({"hints": ("Look again.", " ")}, r"^hints must be one or more non-empty texts"),
        ({"message": ""}, r"^message must be non-empty text, not ''$"),
        ({"message": None}, r"^message must be non-empty text, not None$"),
        ({"wrong": {}}, r"^wrong must map one or more wrong letters to their hints, not \{\}$"),
        ({"wrong": [("a", "No.")]}, r"^wrong must map one or more wrong letters to their hints"),
        ({"wrong": {**WRONG, "b": "b is right."}}, r"^each letter of wrong \(not the right one, 'b'\) must be one of "),
        ({"wrong": {"A": "No."}}, r"^each letter of wrong \(not the right one, 'b'\) must be one of .*, not 'A'$"),
        ({"wrong": {"ac": "No."}}, r"^each letter of wrong \(not the right one, 'b'\) must be one of .*, not 'ac'$"),
        ({"wrong": {"a": " "}}, r"^wrong must give letter a non-empty text, not ' '$"),
        ({"reference": lambda: "B"}, r"^the letter <lambda>\(\) returns must be one of 'a', .*, 'h', not 'B'$"),
        ({"reference": lambda: "bc"}, r"^the letter <lambda>\(\) returns must be one of .*, not 'bc'$"),
        ({"reference": lambda: 1}, r"^the letter <lambda>\(\) returns must be one of .*, not 1$"),
    ],
)
def test_a_malformed_task_is_refused_by_the_argument_at_fault(arguments: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        _make(**arguments)
