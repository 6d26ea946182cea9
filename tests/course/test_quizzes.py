"""Every chapter's quiz: its size, its links, its answers not given away, and its section in the chapter."""

from __future__ import annotations

import pytest

from authoring import chapters, quizzes
from authoring._paths import REPO
from authoring.rules import quiz_problems
from medlearn.quiz import Question, load_quiz

WITH_QUIZ = [c.stem for c in chapters.load() if quizzes.has_quiz(c.stem)]


@pytest.mark.parametrize("stem", WITH_QUIZ)
def test_a_quiz_has_five_to_nine_questions_each_linked_to_a_section_without_giveaways(stem: str) -> None:
    assert quiz_problems(stem) == []


def test_right_answers_cannot_be_found_by_position_or_length_across_the_course() -> None:
    questions = [q for stem in WITH_QUIZ for q in load_quiz(stem).questions]
    assert quizzes.answer_giveaways(questions, "the course", share=0.35) == []


def test_a_giveaway_is_caught() -> None:
    def make(answer: int, choices: tuple[str, ...]) -> Question:
        return Question("q", "choice", "?", answer, ".", "1 · A", choices)

    fair = [make(i % 3, ("one", "two", "six")) for i in range(6)]
    assert quizzes.answer_giveaways(fair, "x") == []
    by_position = [make(1, ("one", "two", "six"))] * 6
    assert "6 of 6 right answers are choice (b)" in quizzes.answer_giveaways(by_position, "x")[0]
    by_length = [make(i % 3, tuple("the right one" if j == i % 3 else "no" for j in range(3))) for i in range(6)]
    assert quizzes.answer_giveaways(by_length, "x") == ["x: 6 of 6 right answers are the longest choice"]
    by_brevity = [make(i % 3, tuple("no" if j == i % 3 else "the wrong one" for j in range(3))) for i in range(6)]
    assert quizzes.answer_giveaways(by_brevity, "x") == ["x: 6 of 6 right answers are the shortest choice"]
    two_shortest = by_brevity[:2] + fair[2:]  # 2 of 6 is within the 40 % allowed
    assert quizzes.answer_giveaways(two_shortest, "x") == []


def test_every_quiz_section_in_the_chapters_is_up_to_date() -> None:
    stale = [stem for stem in WITH_QUIZ if quizzes.update(REPO / "notebooks" / f"{stem}.ipynb", check=True)]
    assert not stale, "run: python -m authoring.quizzes, then store these chapters: " + ", ".join(stale)
