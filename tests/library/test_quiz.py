"""medlearn.quiz: loading a quiz, judging answers, and writing it as static text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medlearn.quiz import Question, Quiz, answer_paragraph, load_quiz, section_anchor

CHOICE = {
    "id": "ppv",
    "kind": "choice",
    "prompt": "What happens to the PPV at 5 % prevalence?",
    "choices": ["It stays", "It falls below one half", "It rises", "It equals the sensitivity"],
    "answer": 1,
    "explanation": "PPV moves with prevalence.",
    "mistakes": {"0": "PPV is not the model's alone.", "3": "Sensitivity does not move with prevalence."},
    "section": "1 · The numbers clinicians use",
}
NUMBER = {
    "id": "npv",
    "kind": "number",
    "prompt": "NPV at sensitivity 0.9, specificity 0.8, prevalence 0.1?",
    "answer": 0.986,
    "tolerance": 0.005,
    "explanation": "0.72 / 0.73.",
    "mistakes": [{"value": 0.333, "tolerance": 0.005, "hint": "That is the PPV."}],
    "section": "1 · The numbers clinicians use",
}


def _write(folder: Path, questions: list[dict], chapter: str = "99_demo") -> Path:
    (folder / f"{chapter}.json").write_text(json.dumps({"chapter": chapter, "questions": questions}), "utf-8")
    return folder


def test_a_quiz_judges_choices_and_numbers_with_targeted_hints(tmp_path: Path, capsys) -> None:
    quiz = load_quiz("99_demo", _write(tmp_path, [CHOICE, NUMBER]))
    assert quiz.check(1, "a").text == "✗ Not quite. PPV is not the model's alone. See § 1 · The numbers clinicians use."
    assert quiz.check(1, "(c)").text.startswith("✗ Not quite. Read the section again.")  # no hint written
    assert quiz.score() == "0 of 2 right"
    assert quiz.check(1, 1).correct and quiz.check(1, "B").correct
    assert quiz.check(2, 0.333).text.startswith("✗ Not quite. That is the PPV.")
    assert quiz.check(2, 0.5).text.startswith("✗ Not quite: work it through again.")
    assert quiz.check(2, 0.985).correct
    assert quiz.score() == "2 of 2 right"
    assert "✓ Right. 0.72 / 0.73." in capsys.readouterr().out


def test_static_text_folds_each_answer_with_a_link_to_its_section(tmp_path: Path) -> None:
    text = load_quiz("99_demo", _write(tmp_path, [CHOICE, NUMBER])).markdown()
    assert text.count("<details><summary>Answer</summary>") == 2
    assert "- (b) It falls below one half" in text
    assert "(b) It falls below one half. PPV moves with prevalence. [§ 1 · The numbers clinicians use]" in text
    assert "0.986 (± 0.005)" in text
    assert "(#1--the-numbers-clinicians-use)" in text
    assert section_anchor("3 · Choosing a threshold, honestly") == "3--choosing-a-threshold-honestly"


def test_a_whole_number_answer_shows_as_a_whole_number_without_a_tolerance(tmp_path: Path) -> None:
    count = NUMBER | {"id": "count", "answer": 513, "tolerance": 0.5, "mistakes": []}
    steps = NUMBER | {"id": "steps", "answer": 10, "tolerance": 0, "mistakes": []}
    wide = NUMBER | {"id": "wide", "answer": 40, "tolerance": 2, "mistakes": []}
    quiz = load_quiz("99_demo", _write(tmp_path, [count, steps, wide, NUMBER]))
    text = quiz.markdown()
    assert "513\\. 0.72 / 0.73." in text and "± 0.5" not in text  # escaped: not a numbered list
    assert "10\\. 0.72 / 0.73." in text
    assert "40 (± 2). 0.72 / 0.73." in text  # a tolerance of 1 or more is part of the answer
    assert "0.986 (± 0.005)" in text  # a decimal keeps its tolerance
    assert [q.answer_text() for q in quiz.questions] == ["513", "10", "40 (± 2)", "0.986 (± 0.005)"]
    assert quiz.questions[0].grade(512.6).correct  # what is shown changes, not what is accepted
    assert not quiz.questions[1].grade(9.97).correct


def test_an_answer_never_renders_as_a_numbered_list_or_with_two_full_stops(tmp_path: Path) -> None:
    from markdown_it import MarkdownIt

    one = NUMBER | {"id": "one", "answer": 1, "tolerance": 0.001, "explanation": "The ARI counts pairs."}
    count = NUMBER | {"id": "count", "answer": 42449, "tolerance": 0.5, "mistakes": []}
    zero = NUMBER | {"id": "zero", "answer": 0, "tolerance": 0.005, "mistakes": []}
    stop = CHOICE | {"id": "stop", "choices": ["Report both.", "Report one.", "Report none."], "answer": 0}
    stop["mistakes"] = {"1": "Both.", "2": "Both."}
    quiz = load_quiz("99_demo", _write(tmp_path, [one, count, zero, stop, NUMBER]))
    html = MarkdownIt("commonmark").render(quiz.markdown())
    assert "<ol" not in html and "<li>" in html  # the choices are a bulleted list; no answer is a numbered one
    assert "1. The ARI counts pairs." in html and "42449. 0.72" in html and "0. 0.72" in html
    assert "(a) Report both. PPV moves" in html and ".." not in html
    assert "0.986 (± 0.005). 0.72" in html  # a decimal is no list marker: nothing to escape
    assert answer_paragraph("513", "Why.", "[§ 1](#1)") == "513\\. Why. [§ 1](#1)"
    assert answer_paragraph("12.5", "Why.", "[§ 1](#1)") == "12.5. Why. [§ 1](#1)"


def test_the_buttons_record_answers_and_keep_the_score(tmp_path: Path) -> None:
    quiz = load_quiz("99_demo", _write(tmp_path, [CHOICE, NUMBER]))
    box = quiz.show()
    first, score = box.children[0], box.children[-1]
    entry, (button, verdict) = first.children[1], first.children[2].children
    button.click()
    assert verdict.value == "Choose an answer first."
    entry.value = 1
    button.click()
    assert verdict.value.startswith("✓ Right.") and "1 of 2 right" in score.value


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "essay"}, "question 1.kind must be one of"),
        ({"answer": 4}, "question 1.answer must be"),
        ({"choices": ["only", "two"]}, "question 1.choices must be a list of 3 to 5 texts"),
        ({"mistakes": {"1": "the right answer cannot have a hint"}}, "question 1.mistakes must map wrong choices"),
        ({"mistakes": ["a list"]}, "question 1.mistakes must map wrong choices"),
        ({"section": ""}, "question 1.section must be non-empty text"),
        ({"prompt": None}, "question 1.prompt must be non-empty text"),
    ],
)
def test_a_malformed_question_is_refused_by_name(tmp_path: Path, change: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_quiz("99_demo", _write(tmp_path, [{**CHOICE, **change}]))


def test_a_malformed_quiz_file_or_answer_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="chapter must be a chapter's stem"):
        load_quiz("../etc/passwd")
    with pytest.raises(ValueError, match="there is no quizzes/98_none.json"):
        load_quiz("98_none", tmp_path)
    with pytest.raises(ValueError, match="its own id"):
        load_quiz("99_demo", _write(tmp_path, [CHOICE, CHOICE]))
    (tmp_path / "96_wrong.json").write_text(json.dumps({"chapter": "95_x", "questions": []}), "utf-8")
    with pytest.raises(ValueError, match="this chapter's name"):
        load_quiz("96_wrong", tmp_path)
    quiz = load_quiz("99_demo", _write(tmp_path, [CHOICE, NUMBER]))
    with pytest.raises(ValueError, match="number must be"):
        quiz.check(3, "a")
    with pytest.raises(ValueError, match="response must be one of 'a', 'b', 'c', 'd'"):
        quiz.check(1, "e")
    with pytest.raises(ValueError, match="response must be"):
        quiz.check(2, "many")


def test_a_question_can_be_built_and_graded_directly() -> None:
    question = Question("q", "choice", "2 + 2?", 1, "Count.", "1 · Sums", ("3", "4", "5"))
    assert Quiz("demo", (question,)).check(1, "b").correct
