#!/usr/bin/env python3
"""How long a chapter's sentences are: the measure of the plain-English rule, with its sentence splitter.

    python -m authoring.readability                 # every chapter: mean words, share over 30, longest
    python -m authoring.readability notebooks/<stem>.ipynb --longest 10   # one chapter, with its 10 longest

What is measured: the prose of a chapter's markdown cells, without the quiz section that the build writes from
the quiz file (the quizzes are measured as quizzes). Code blocks, display maths (``$$...$$``), tables, headings,
HTML tags and comments, and link targets are left out; a link keeps its words, and inline code or maths
(```fit```, ``$x^2$``) counts as one word of its sentence. Each list item is a sentence of its own (or several),
and so is a block quote's line.

The splitter: a sentence ends at ``.``, ``?`` or ``!`` (with closing quotes, brackets or ``*`` after it), followed
by white space and a capital letter, a digit, an opening bracket or quote, or the end of the text. A full stop
does not end a sentence after a known abbreviation (``e.g.``, ``i.e.``, ``et al.``, ``Fig.``, ``vs.``, ``approx.``,
a single capital letter as in initials, and the like), nor inside a number (``0.95``). A colon or a semicolon does
not end a sentence. Words are the white-space-separated tokens that hold a letter or a digit, so "1.5 mm" is
two words and a lone dash none.

Example:
    >>> sentences("The AUC is 0.95. Fig. 2 shows it, e.g. for the test set; see Smith et al. 2020.")
    ['The AUC is 0.95.', 'Fig. 2 shows it, e.g. for the test set; see Smith et al. 2020.']
    >>> [word_count(s) for s in sentences("One idea. Then another one!")]
    [2, 3]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

from authoring._paths import REPO

#: Abbreviations after which a full stop does not end a sentence (compared in lower case, without the stop).
ABBREVIATIONS = frozenset(
    "e.g i.e et al al fig figs vs approx cf eq eqs ref refs no nos vol pp ch sec resp etc dr prof st mr mrs ms jr "
    "min max avg std var incl esp".split()
)
_QUIZ = re.compile(r"<!-- quiz:start -->.*?<!-- quiz:end -->", re.DOTALL)
_FENCE = re.compile(r"```.*?```|~~~.*?~~~", re.DOTALL)
_DISPLAY_MATHS = re.compile(r"\$\$.*?\$\$", re.DOTALL)
_INLINE_MATHS = re.compile(r"(?<!\\)\$[^$\n]+?(?<!\\)\$")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_DETAILS_SUMMARY = re.compile(r"</?(details|summary)[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>\n]+>")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)|(?<=\S)(\*\*|__|\*|_)")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_QUOTE_MARK = re.compile(r"^\s*>\s?")
_END = re.compile(r"""([.?!])(["'”’)\]*]*)\s+(?=["'“‘(\[*]*[A-Z0-9(“"'])""")


def prose_units(markdown: str) -> list[str]:
    """The prose of one markdown cell, as units that sentences never cross: paragraphs, list items, quote lines.

    Example:
        >>> prose_units("# A title\\n\\nText with `code` and $x^2$.\\n\\n- one item\\n- two items\\n\\n| a | b |")
        ['Text with x and x.', 'one item', 'two items']
    """
    text = _QUIZ.sub(" ", markdown)
    text = _COMMENT.sub(" ", text)
    text = _FENCE.sub("\n\n", text)
    text = _DISPLAY_MATHS.sub(" ", text)
    units: list[str] = []
    current: list[str] = []

    def close() -> None:
        if current:
            units.append(" ".join(current))
            current.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith(("#", "|")) or set(line.strip()) <= set("-=*_ "):
            close()
            continue
        if _QUOTE_MARK.match(line):
            line = _QUOTE_MARK.sub("", line)
            close()
        if _LIST_MARK.match(line):
            close()
            line = _LIST_MARK.sub("", line)
        current.append(line.strip())
    close()
    cleaned = []
    for unit in units:
        unit = _INLINE_MATHS.sub("x", _INLINE_CODE.sub("x", unit))  # one word each
        unit = _DETAILS_SUMMARY.sub(" ", unit)
        unit = _TAG.sub(" ", unit)
        unit = _LINK.sub(r"\1", _IMAGE.sub(r"\1", unit))
        unit = _EMPHASIS.sub("", unit)
        unit = re.sub(r"\s+([.,;:!?])", r"\1", re.sub(r"\s+", " ", unit)).strip()
        if word_count(unit):
            cleaned.append(unit)
    return cleaned


def _ends_here(text: str, stop: int) -> bool:
    """Whether the mark at ``text[stop]`` ends a sentence: not a full stop after an abbreviation or an initial."""
    if text[stop] != ".":
        return True
    before = re.search(r"(\S+)$", text[:stop])
    if not before:
        return True
    token = before.group(1).strip("(\"'“‘*_").lower()
    if token in ABBREVIATIONS:
        return False
    return not (len(token) == 1 and token.isalpha() and before.group(1)[-1].isupper())  # an initial: "J. Smith"


def sentences(unit: str) -> list[str]:
    """The sentences of one prose unit (see the module's docstring for the rule)."""
    found, start = [], 0
    for match in _END.finditer(unit):
        if _ends_here(unit, match.start(1)):
            found.append(unit[start : match.end(2)].strip())
            start = match.end()
    rest = unit[start:].strip()
    if rest:
        found.append(rest)
    return [s for s in found if word_count(s)]


def word_count(sentence: str) -> int:
    """The number of words: white-space-separated tokens that hold a letter or a digit."""
    return sum(1 for token in sentence.split() if re.search(r"\w", token))


@dataclass(frozen=True)
class Figures:
    """One chapter's figures: its sentences' count, mean length in words, share over 30 words, and the longest."""

    path: str
    count: int
    mean: float
    over_30: float
    longest: int

    def __str__(self) -> str:
        share = f"{self.over_30:5.1%}"
        return (
            f"{self.path:52} {self.count:5} sentences  mean {self.mean:5.1f}  over 30: {share}  longest {self.longest}"
        )


def chapter_sentences(path: Path) -> list[str]:
    """Every sentence of a notebook's markdown cells, in order."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    markdown = ("".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown")
    return [s for cell in markdown for unit in prose_units(cell) for s in sentences(unit)]


def figures(path: Path) -> Figures:
    """The figures of one notebook (see :class:`Figures`)."""
    lengths = [word_count(s) for s in chapter_sentences(path)]
    name = path.relative_to(REPO).as_posix() if path.is_relative_to(REPO) else str(path)
    if not lengths:
        return Figures(name, 0, 0.0, 0.0, 0)
    return Figures(
        name, len(lengths), statistics.fmean(lengths), sum(n > 30 for n in lengths) / len(lengths), max(lengths)
    )


#: The course's goal for a notebook's prose: a mean sentence of at most 18 words, at most 5 % of sentences over 30
#: words, and none over 50.
GOAL_MEAN, GOAL_SHARE_OVER_30, GOAL_LONGEST = 18.0, 0.05, 50


def above_goal(found: Figures) -> list[str]:
    """What in a notebook's figures is above the goal (empty when it meets it).

    Example:
        >>> above_goal(Figures("notebooks/x.ipynb", 10, 20.0, 0.0, 30))
        ['mean sentence 20.0 words, above 18.0']
    """
    problems = []
    if found.mean > GOAL_MEAN:
        problems.append(f"mean sentence {found.mean:.1f} words, above {GOAL_MEAN}")
    if found.over_30 > GOAL_SHARE_OVER_30:
        problems.append(f"{found.over_30:.1%} of sentences over 30 words, above {GOAL_SHARE_OVER_30:.0%}")
    if found.longest > GOAL_LONGEST:
        problems.append(f"a sentence of {found.longest} words, above {GOAL_LONGEST}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: every chapter)")
    parser.add_argument("--longest", type=int, default=0, metavar="N", help="also print each one's N longest sentences")
    args = parser.parse_args(argv)
    paths = args.paths or sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    status = 0
    for path in paths:
        found = figures(path.resolve())
        problems = above_goal(found)
        print(found, *(f"\n    above the goal: {problem}" for problem in problems), sep="")
        status |= bool(problems)
        if args.longest:
            for sentence in sorted(chapter_sentences(path), key=word_count, reverse=True)[: args.longest]:
                print(f"    {word_count(sentence):4}  {sentence[:200]}")
    return status


if __name__ == "__main__":
    sys.exit(main())
