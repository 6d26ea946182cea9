"""medlearn.choice: one answer key judges a quiz question's answer and a letter task's, each letter by its hint."""

from __future__ import annotations

import numpy as np
import pytest

from medlearn.check._letters import letter_answer
from medlearn.check.core import Wrong
from medlearn.choice import AnswerKey, Feedback
from medlearn.quiz import Question

HINTS = {"a": "PPV is not the model's alone.", "c": "It falls, not rises.", "d": "Sensitivity does not move."}
KEY = AnswerKey(("a", "b", "c", "d"), "b", "PPV falls with prevalence.", HINTS)


@pytest.mark.parametrize("answer", ["b", "B", " b ", "\tB\n"])
def test_the_right_letter_in_any_case_and_with_spaces_earns_the_explanation(answer: str) -> None:
    assert KEY.judge(answer) == Feedback(True, "PPV falls with prevalence.")


@pytest.mark.parametrize("letter", sorted(HINTS))
def test_each_wrong_letter_earns_its_own_hint(letter: str) -> None:
    assert KEY.judge(f" {letter.upper()}") == Feedback(False, HINTS[letter])


def test_an_index_and_parentheses_are_read_only_where_the_caller_allows_them() -> None:
    assert KEY.judge(1, index=True).correct and KEY.judge(np.int64(0), index=True).text == HINTS["a"]
    assert KEY.judge(" (C)", parentheses=True).text == HINTS["c"]
    with pytest.raises(ValueError, match=r"answer must be one of 'a', 'b', 'c', 'd' \(a letter, as text\)"):
        KEY.judge(1)
    with pytest.raises(ValueError, match="answer must be one of 'a', 'b', 'c', 'd', not '\\(c\\)'"):
        KEY.judge("(c)")


@pytest.mark.parametrize(
    ("answer", "options", "message"),
    [
        ("e", {}, "response must be one of 'a', 'b', 'c', 'd', not 'e'"),
        ("", {}, "response must be one of 'a', 'b', 'c', 'd', not ''"),
        ("ab", {"parentheses": True}, "response must be one of 'a', 'b', 'c', 'd', not 'ab'"),
        (None, {}, "response must be one of 'a', 'b', 'c', 'd' \\(a letter, as text\\), not a value of type NoneType"),
        (4, {"index": True}, "response must be an integer in \\[0, 3\\], not 4"),
        (True, {"index": True}, "response must be an integer in \\[0, 3\\], not True"),
        (1.0, {"index": True}, "response must be an integer in \\[0, 3\\], not 1.0"),
        ("b", {"index": 1}, "index must be True or False, not 1"),
        ("b", {"parentheses": "yes"}, "parentheses must be True or False, not 'yes'"),
    ],
)
def test_an_invalid_answer_is_refused_by_the_name_it_was_given(answer: object, options: dict, message: str) -> None:
    with pytest.raises(ValueError, match=f"^{message}$"):
        KEY.judge(answer, name="response", **options)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"letters": ("a",)}, "letters must be two or more different letters"),
        ({"letters": ("a", "a", "b")}, "letters must be two or more different letters"),
        ({"letters": ("a", "B")}, "letters must be two or more different letters"),
        ({"letters": "ab"}, "letters must be two or more different letters"),
        ({"letters": (["a"], "b")}, "letters must be two or more different letters"),
        ({"right": "e"}, "right must be one of 'a', 'b', 'c', 'd', not 'e'"),
        ({"explanation": " "}, "explanation must be non-empty text"),
        ({"hints": {"a": "x", "c": "y"}}, "hints must map each wrong letter, a, c, d, to its hint"),
        ({"hints": {**HINTS, "b": "the right letter has no hint"}}, "hints must map each wrong letter"),
        ({"hints": [("a", "x")]}, "hints must map each wrong letter"),
        ({"hints": {**HINTS, "d": ""}}, "hints must give letter d non-empty text"),
    ],
)
def test_a_malformed_key_is_refused_by_the_argument_at_fault(arguments: dict, message: str) -> None:
    given = {"letters": KEY.letters, "right": KEY.right, "explanation": KEY.explanation, "hints": HINTS, **arguments}
    with pytest.raises(ValueError, match=message):
        AnswerKey(**given)


def test_the_quiz_and_the_letter_tasks_write_their_own_words_around_the_same_verdict() -> None:
    question = Question(
        "ppv", "choice", "?", 1, KEY.explanation, "1 · Sums", ("x", "y", "z", "w"), hints={0: HINTS["a"]}
    )
    assert question.grade("B").text == "✓ Right. PPV falls with prevalence."
    assert question.grade(0).text == f"✗ Not quite. {HINTS['a']} See § 1 · Sums."
    assert question.grade("c").text == "✗ Not quite. Read the section again. See § 1 · Sums."  # no hint written
    right = letter_answer(lambda: " B", right="b", wrong=HINTS, message=KEY.explanation)
    assert right == KEY.explanation
    with pytest.raises(Wrong, match="^It falls, not rises.$") as wrong:
        letter_answer(lambda: "C", right="b", wrong=HINTS, message=KEY.explanation)
    assert wrong.value.mistake == "answer c"
    for answer in ("(b)", 1, "e"):  # a letter task takes a bare letter only
        with pytest.raises(Wrong, match="^answer with one letter, one of a, b, c, d.$"):
            letter_answer(lambda answer=answer: answer, right="b", wrong=HINTS, message=KEY.explanation)
