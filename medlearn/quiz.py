"""End-of-chapter quizzes: questions with targeted feedback, a score, and the same quiz as static text.

Each chapter's questions live in ``medlearn/quizzes/<chapter>.json`` (see :func:`load_quiz` for the format).
In JupyterLab a learner answers them with :meth:`Quiz.show` (buttons, ipywidgets) or with plain calls,
:meth:`Quiz.check`; either way each answer gets a verdict, a one-line explanation, a hint aimed at the
mistake a wrong choice usually comes from, and the section that teaches it (a choice is judged by
:class:`medlearn.choice.AnswerKey`, as a letter task of the exercise checks is). :meth:`Quiz.markdown` writes the
same questions with their answers folded behind a toggle, for the site and the handout, where no kernel runs.

Example:
    >>> first = min(path.name for path in (resources.files("medlearn") / "quizzes").iterdir())
    >>> quiz = load_quiz(first.removesuffix(".json"))  # the first chapter's quiz
    >>> 5 <= len(quiz.questions) <= 9
    True
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from medlearn._validation import check_choice, check_int, check_number
from medlearn.choice import LETTERS, AnswerKey, Feedback

KINDS = ("choice", "number")
_SLUG_CLEAN = re.compile(r"[^\w\u4e00-\u9fff\- ]")  # MyST's own rule (its default_slugify), GitHub's style
_LIST_MARKER = re.compile(r"^(\d{1,9})\.(?=\s|$)")  # what CommonMark reads as a numbered list's item


def section_anchor(heading: str) -> str:
    """The anchor of a section heading, as the course's site writes it (GitHub-style, like MyST's).

    Example:
        >>> section_anchor("3 · Choosing a threshold, honestly")
        '3--choosing-a-threshold-honestly'
    """
    return _SLUG_CLEAN.sub("", heading.lower().replace(" ", "-"))


def answer_paragraph(right: str, explanation: str, link: str) -> str:
    r"""A folded answer's paragraph: the right answer, a full stop, its explanation and the section's link.

    A paragraph that begins with a whole number and a full stop is a numbered list in Markdown (``513. ...``
    shows as item 513 of a list), so that full stop is escaped; an answer that ends in its own full stop (or a
    question or exclamation mark) gets no second one.

    Example:
        >>> answer_paragraph("513", "Count both layers.", "[§ 5 · Keras](#5--keras)")
        '513\\. Count both layers. [§ 5 · Keras](#5--keras)'
        >>> answer_paragraph("(b) Report both.", "The overlap too.", "[§ 5](#5)")
        '(b) Report both. The overlap too. [§ 5](#5)'
    """
    end = "" if right.endswith((".", "?", "!")) else "."
    return _LIST_MARKER.sub(r"\1\\.", f"{right}{end}", count=1) + f" {explanation} {link}"


@dataclass(frozen=True)
class Question:
    """One quiz question: multiple choice (``answer`` is a 0-based index) or a number (within ``tolerance``)."""

    id: str
    kind: str
    prompt: str
    answer: float
    explanation: str
    section: str
    choices: tuple[str, ...] = ()
    tolerance: float = 0.0
    hints: dict[int, str] = field(default_factory=dict)  # wrong choice -> its hint ("choice")
    near_misses: tuple[tuple[float, float, str], ...] = ()  # (value, tolerance, hint) ("number")

    def grade(self, response: object) -> Feedback:
        """Judge ``response``: a letter or 0-based index for a choice, a number for a number.

        Example:
            >>> q = Question("q", "choice", "2 + 2?", 1, "Count.", "1 · Sums", ("3", "4"), hints={0: "One short."})
            >>> q.grade("a").text
            '✗ Not quite. One short. See § 1 · Sums.'
            >>> q.grade(1).correct
            True
        """
        where = f"See § {self.section}."
        if self.kind == "choice":
            verdict = self._answer_key().judge(response, name="response", index=True, parentheses=True)
            if verdict.correct:
                return Feedback(True, f"✓ Right. {verdict.text}")
            return Feedback(False, f"✗ Not quite. {verdict.text} {where}")
        value = check_number(response, "response")
        if abs(value - self.answer) <= self.tolerance:
            return Feedback(True, f"✓ Right. {self.explanation}")
        for near, tolerance, hint in self.near_misses:
            if abs(value - near) <= tolerance:
                return Feedback(False, f"✗ Not quite. {hint} {where}")
        return Feedback(False, f"✗ Not quite: work it through again. {where}")

    def answer_text(self) -> str:
        """The right answer as the static quiz shows it: a choice's letter and words, or the number with its
        tolerance; a whole number accepted only as itself (tolerance below 1) shows without one.

        Example:
            >>> Question("q", "number", "How many?", 513, "Count.", "1 · Sums", tolerance=0.5).answer_text()
            '513'
            >>> Question("q", "number", "1/4?", 0.25, "One in four.", "1 · Sums", tolerance=0.005).answer_text()
            '0.25 (± 0.005)'
        """
        if self.kind == "choice":
            return f"({LETTERS[int(self.answer)]}) {self.choices[int(self.answer)]}"
        if float(self.answer).is_integer() and self.tolerance < 1:
            return f"{int(self.answer)}"
        return f"{self.answer:g}" + (f" (± {self.tolerance:g})" if self.tolerance else "")

    def _answer_key(self) -> AnswerKey:
        """A choice question's key: its letters, the right one, and each wrong choice's hint (a wrong choice
        without one sends the learner back to the section)."""
        letters, right = tuple(LETTERS[: len(self.choices)]), int(self.answer)
        hints = {letters[i]: self.hints.get(i, "Read the section again.") for i in range(len(letters)) if i != right}
        return AnswerKey(letters, letters[right], self.explanation, hints)


def _question(raw: dict[str, Any], where: str) -> Question:
    """One question read from its JSON object, every field checked."""
    if not isinstance(raw, dict):
        raise ValueError(f"{where} must be a JSON object, not {type(raw).__name__}")
    for key in ("id", "kind", "prompt", "answer", "explanation", "section"):
        if key not in raw:
            raise ValueError(f"{where} must have a {key!r}")
    kind = check_choice(raw["kind"], f"{where}.kind", KINDS)
    for key in ("id", "prompt", "explanation", "section"):
        if not isinstance(raw[key], str) or not raw[key].strip():
            raise ValueError(f"{where}.{key} must be non-empty text, not {raw[key]!r}")
    if kind == "choice":
        choices = raw.get("choices")
        if not isinstance(choices, list) or not 3 <= len(choices) <= 5 or not all(isinstance(c, str) for c in choices):
            raise ValueError(f"{where}.choices must be a list of 3 to 5 texts, not {choices!r}")
        answer = check_int(raw["answer"], f"{where}.answer", min_value=0, max_value=len(choices) - 1)
        hints = {}
        mistakes = raw.get("mistakes", {})
        if not isinstance(mistakes, dict):
            raise ValueError(f"{where}.mistakes must map wrong choices to hints, not {mistakes!r}")
        for key, hint in mistakes.items():
            index = check_int(int(key) if str(key).isdigit() else key, f"{where}.mistakes key", min_value=0)
            if index >= len(choices) or index == answer or not isinstance(hint, str):
                raise ValueError(f"{where}.mistakes must map wrong choices to hints, not {key!r}: {hint!r}")
            hints[index] = hint
        return Question(
            raw["id"], kind, raw["prompt"], answer, raw["explanation"], raw["section"], tuple(choices), hints=hints
        )
    answer = check_number(raw["answer"], f"{where}.answer")
    tolerance = check_number(raw.get("tolerance", 0.0), f"{where}.tolerance", low=0)
    near = []
    mistakes = raw.get("mistakes", [])
    if not isinstance(mistakes, list):
        raise ValueError(f"{where}.mistakes must be a list of {{value, tolerance, hint}}, not {mistakes!r}")
    for item in mistakes:
        if not isinstance(item, dict) or not isinstance(item.get("hint"), str):
            raise ValueError(f"{where}.mistakes must be a list of {{value, tolerance, hint}}, not {item!r}")
        near.append((check_number(item.get("value"), f"{where}.mistakes value"),
                     check_number(item.get("tolerance", 0.0), f"{where}.mistakes tolerance", low=0),
                     item["hint"]))  # fmt: skip
    return Question(
        raw["id"], kind, raw["prompt"], answer, raw["explanation"], raw["section"],
        tolerance=tolerance, near_misses=tuple(near),
    )  # fmt: skip


class Quiz:
    """A chapter's questions and a learner's answers so far (kept in this object, nowhere else)."""

    def __init__(self, chapter: str, questions: tuple[Question, ...]) -> None:
        self.chapter, self.questions = chapter, questions
        self.answers: dict[int, Feedback] = {}

    def check(self, number: int, response: object) -> Feedback:
        """Answer question ``number`` (counted from 1) and print the verdict.

        Example:
            >>> quiz = Quiz("demo", (Question("q", "number", "1/4 as a decimal?", 0.25, "One in four.", "1 · Sums",
            ...                      tolerance=0.001),))
            >>> _ = quiz.check(1, 0.25)
            ✓ Right. One in four.
            >>> quiz.score()
            '1 of 1 right'
        """
        index = check_int(number, "number", min_value=1, max_value=len(self.questions)) - 1
        feedback = self.questions[index].grade(response)
        self.answers[index] = feedback
        print(feedback.text)
        return feedback

    def score(self) -> str:
        """How many answers are right, out of the questions (an unanswered question counts as not right)."""
        right = sum(feedback.correct for feedback in self.answers.values())
        return f"{right} of {len(self.questions)} right"

    def markdown(self) -> str:
        """The questions as markdown, each answer folded behind a toggle with its explanation and section link.

        Example:
            >>> first = min(path.name for path in (resources.files("medlearn") / "quizzes").iterdir())
            >>> print(load_quiz(first.removesuffix(".json")).markdown().splitlines()[0])
            **1.** ...
        """
        blocks = []
        for number, question in enumerate(self.questions, start=1):
            lines = [f"**{number}.** {question.prompt}"]
            if question.kind == "choice":
                lines += [""] + [f"- ({LETTERS[i]}) {choice}" for i, choice in enumerate(question.choices)]
            right = question.answer_text()
            link = f"[§ {question.section}](#{section_anchor(question.section)})"
            paragraph = answer_paragraph(right, question.explanation, link)
            lines += ["", f"<details><summary>Answer</summary>\n\n{paragraph}\n\n</details>"]
            blocks.append("\n".join(lines))
        return "\n\n".join(blocks)

    def show(self) -> Any:
        """The quiz as buttons (ipywidgets): choose or type, press Check, read the verdict; the score below.

        Returns the widget (a notebook displays it). Works with ipywidgets 7 and 8.
        """
        import ipywidgets as widgets

        score = widgets.HTML(value=f"<b>Score:</b> {self.score()}")
        rows = []
        for index, question in enumerate(self.questions):
            if question.kind == "choice":
                options = [(f"({LETTERS[i]}) {c}", i) for i, c in enumerate(question.choices)]
                entry = widgets.RadioButtons(options=options, value=None, layout=widgets.Layout(width="auto"))
            else:
                entry = widgets.FloatText(value=0.0, description="answer")
            verdict, button = widgets.HTML(), widgets.Button(description="Check")

            def on_click(_: object, index: int = index, entry: Any = entry, verdict: Any = verdict) -> None:
                if entry.value is None:
                    verdict.value = "Choose an answer first."
                    return
                feedback = self.questions[index].grade(entry.value)
                self.answers[index] = feedback
                verdict.value, score.value = feedback.text, f"<b>Score:</b> {self.score()}"

            button.on_click(on_click)
            prompt = widgets.HTML(value=f"<b>{index + 1}.</b> {question.prompt}")
            rows.append(widgets.VBox([prompt, entry, widgets.HBox([button, verdict])]))
        return widgets.VBox([*rows, score])


def load_quiz(chapter: str, folder: Path | None = None) -> Quiz:
    """A chapter's quiz, read from ``medlearn/quizzes/<chapter>.json`` and checked field by field.

    The file holds ``{"chapter": ..., "questions": [...]}``; each question has ``id``, ``kind`` ("choice" or
    "number"), ``prompt``, ``answer`` (a 0-based index, or a number with ``tolerance``), ``explanation``
    (one line), ``section`` (the heading that teaches it), ``choices`` (3 to 5) for a choice, and
    ``mistakes``: a hint for each wrong choice, or ``{value, tolerance, hint}`` for a number's usual mistakes.
    ``folder`` reads the file from another folder instead of the installed package (an author's draft).

    Example:
        >>> first = min(path.name for path in (resources.files("medlearn") / "quizzes").iterdir())
        >>> load_quiz(first.removesuffix(".json")).chapter == first.removesuffix(".json")
        True
    """
    if not isinstance(chapter, str) or not re.fullmatch(r"\d\d_[a-z0-9_]+", chapter):
        raise ValueError(f"chapter must be a chapter's stem such as '00_medical_images', not {chapter!r}")
    source = (folder if folder is not None else resources.files("medlearn") / "quizzes") / f"{chapter}.json"
    if not source.is_file():
        raise ValueError(f"chapter must be a chapter with a quiz; there is no quizzes/{chapter}.json")
    data = json.loads(source.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or data.get("chapter") != chapter or not isinstance(data.get("questions"), list):
        raise ValueError(f"quizzes/{chapter}.json must hold this chapter's name and a list of questions")
    questions = tuple(_question(raw, f"question {i + 1}") for i, raw in enumerate(data["questions"]))
    if len({q.id for q in questions}) != len(questions):
        raise ValueError(f"quizzes/{chapter}.json must give each question its own id")
    return Quiz(chapter, questions)
