"""The glossary (``docs/glossary.md``) and the order of ideas: no term used before the chapter that teaches it.

Each entry of the glossary is a ``### Term`` heading, a comment with the forms in which the chapters write it,
and a line or two of meaning with a link to the chapter section that teaches it (the first link into
``notebooks/``; later links point to where a chapter goes deeper)::

    ### AUC
    <!-- forms: AUC; AUROC; area under the ROC curve | not: -->
    The probability that ... [NN · § 7 · MedMNIST](../notebooks/NN_medical_images.ipynb#7--medmnist-...).

Forms are separated by ``;``. A form with a capital letter is matched as written (``AUC``, ``ReLU``), one in
lower case in any case (a sentence may start with it); a form matches whole words only, with an optional
plural ``s`` or ``es``, and a space in a form also matches a hyphen or a line break. Where forms of two
entries overlap (``gradient descent`` and ``gradient``), the longer one wins. Phrases after ``not:`` are
another sense of a form (``by recall``, ``calibrated scanner``) and are never matched. An entry without forms
(``forms: -``) is in the glossary for the reader but not checked: its word is too common in other senses.

A chapter that comes before the teaching chapter may use a term only if its first use in that chapter is
covered: a link to the term's glossary entry or to its teaching section stands earlier in the chapter or in
the same sentence. Links are written as the site resolves them: the heading's slug as MyST makes it
(``myst_heading_anchors``), from the page's own folder.

    python -m authoring.glossary          # every early use, one a line; exit status 1 if there is one

Example:
    >>> section_anchor("7 · MedMNIST: the datasets this course trains on")
    '7--medmnist-the-datasets-this-course-trains-on'
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from authoring._paths import REPO
from medlearn.quiz import section_anchor

GLOSSARY = REPO / "docs" / "glossary.md"
NOTEBOOKS = REPO / "notebooks"
ENTRY = re.compile(r"^### (?P<term>.+)\n<!-- forms: (?P<forms>.*?)(?: \| not: (?P<not>.*?))? -->\n", re.M)
LINK = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^)\s]+)\)")
SENTENCE_END = re.compile(r"[.!?](?=\s)|\n\n")
# Text no learner reads as prose: code, maths, HTML comments and tags, link targets.
HIDDEN = re.compile(r"```.*?```|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$|<!--.*?-->|<[^>\n]*>", re.S)


@dataclass(frozen=True)
class Entry:
    """One glossary entry: its term, its slug in the glossary, the forms to match and its teaching section."""

    term: str
    slug: str
    forms: tuple[str, ...]
    other_senses: tuple[str, ...]
    notebook: str  # the teaching chapter's file name, NN_name.ipynb (its Chapter.stem)
    anchor: str  # the teaching section's slug in that notebook

    @property
    def chapter(self) -> int:
        return int(self.notebook[:2])


@dataclass(frozen=True)
class EarlyUse:
    """A term used in a chapter before the one that teaches it, with nothing that links it."""

    notebook: str
    cell: int
    term: str
    text: str
    teaching: str

    def __str__(self) -> str:
        return f"{self.notebook} cell {self.cell}: '{self.text}' ({self.term}) is taught in {self.teaching}"


def _heading_text(line: str) -> str:
    """The text of a Markdown heading line as MyST reads it: no markers, emphasis, code ticks or link targets."""
    text = re.sub(r"^#+\s+", "", line).strip()
    text = LINK.sub(r"\1", text)
    return re.sub(r"[*_`]", "", text)


def anchors(markdown_texts: list[str]) -> dict[str, str]:
    """The slugs of the headings (levels 1 to 3) of a page made of these Markdown texts: slug -> heading.

    A repeated slug gets ``-1``, ``-2``, ... as MyST does.
    """
    found: dict[str, str] = {}
    for text in markdown_texts:
        text = re.sub(r"```.*?```", "", text, flags=re.S)
        for line in text.split("\n"):
            if re.match(r"#{1,3} \S", line):
                heading = _heading_text(line)
                slug, n = section_anchor(heading), 1
                while slug in found:
                    slug, n = f"{section_anchor(heading)}-{n}", n + 1
                found[slug] = heading
    return found


def markdown_cells(path: Path) -> list[str]:
    """The sources of a notebook's cells, markdown ones as they are and code cells as empty strings."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) if c["cell_type"] == "markdown" else "" for c in cells]


def notebook_anchors(path: Path) -> dict[str, str]:
    """The heading slugs of a notebook, as the site makes them."""
    return anchors(markdown_cells(path))


def _split(field: str | None) -> tuple[str, ...]:
    if field is None or field.strip() in ("", "-"):
        return ()
    return tuple(part.strip() for part in field.split(";") if part.strip())


def entries(text: str) -> list[Entry]:
    """The glossary's entries, in order. Raises ValueError for an entry without a link into notebooks/."""
    found = []
    matches = list(ENTRY.finditer(text))
    for match, after in zip(matches, [*matches[1:], None]):
        body = text[match.end() : after.start() if after else len(text)]
        links = [t for _, t in LINK.findall(body) if t.startswith("../notebooks/") and "#" in t]
        if not links:
            raise ValueError(f"glossary entry {match['term']!r} must link the section that teaches it")
        notebook, anchor = links[0][len("../notebooks/") :].split("#", 1)
        term = match["term"].strip()
        found.append(Entry(term, section_anchor(term), _split(match["forms"]), _split(match["not"]), notebook, anchor))
    return found


@functools.cache
def pattern(form: str) -> re.Pattern[str]:
    """A form as a pattern: whole words, an optional plural, any case unless the form has a capital letter."""
    words = r"[\s-]+".join(re.escape(word) for word in re.split(r"[\s-]+", form))
    flags = 0 if any(ch.isupper() for ch in form) else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){words}(?:s|es)?(?![\w])", flags)


@functools.cache
def _first_word(form: str) -> str:
    """A form's first word in lower case, which every match of :func:`pattern` holds."""
    return re.split(r"[\s-]+", form.strip())[0].lower()


def prose(source: str) -> str:
    """A markdown cell with what is not prose blanked out (same length, so offsets still point into it)."""
    blank = HIDDEN.sub(lambda m: " " * len(m.group(0)), source)
    # Link targets are addresses, not words: keep the link text, blank the target.
    return LINK.sub(lambda m: "[" + m.group(1) + "]" + " " * (len(m.group(0)) - len(m.group(1)) - 2), blank)


def uses(source: str, glossary: list[Entry]) -> list[tuple[int, int, Entry]]:
    """Where a cell uses a glossary term: (start, end, entry), the longest form winning where forms overlap."""
    text = prose(source)
    for entry in glossary:
        for phrase in entry.other_senses:
            text = pattern(phrase).sub(lambda m: " " * len(m.group(0)), text)
    lowered = text.lower()
    candidates = [
        (m.start(), m.end(), entry)
        for entry in glossary
        for form in entry.forms
        if _first_word(form) in lowered  # a quick sieve: a form's pattern can only match where its first word is
        for m in pattern(form).finditer(text)
    ]
    candidates.sort(key=lambda c: (c[0] - c[1], c[0]))  # longest first
    taken: list[tuple[int, int, Entry]] = []
    for start, end, entry in candidates:
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, entry))
    return sorted(taken, key=lambda c: c[0])


def _covering_links(links: list[tuple[int, str]], entry: Entry, glossary_path: str) -> list[int]:
    """Offsets of the links (offset, target) of a cell that point to the entry or to its teaching section."""
    section = f"{entry.notebook}#{entry.anchor}"
    targets = {f"{glossary_path}#{entry.slug}", section, f"./{section}", f"../notebooks/{section}"}
    return [offset for offset, target in links if target in targets]


def _sentence_end(text: str, offset: int) -> int:
    match = SENTENCE_END.search(text, offset)
    return match.start() if match else len(text)


def early_uses(
    notebooks: list[Path], glossary: list[Entry], glossary_path: str = "../docs/glossary.md"
) -> list[EarlyUse]:
    """The first use of each term in each chapter before its teaching chapter, unless a link covers it.

    ``notebooks`` are the chapters in the course's order; a link covers a use when it points to the term's
    glossary entry (``glossary_path`` seen from the notebooks' folder) or to its teaching section, and stands
    earlier in the chapter or in the same sentence as the use.
    """
    order = {path.name: k for k, path in enumerate(notebooks)}
    problems = []
    for path in notebooks:
        cells = markdown_cells(path)
        seen: set[str] = set()
        linked: set[str] = set()
        for index, source in enumerate(cells):
            links = [(m.start(), m.group(2)) for m in LINK.finditer(source)]
            found = uses(source, glossary) if source else []
            for start, end, entry in found:
                if entry.term in seen:
                    continue
                seen.add(entry.term)
                if order.get(entry.notebook, -1) <= order[path.name] or entry.term in linked:
                    continue
                stop = _sentence_end(source, end)
                if any(offset < stop for offset in _covering_links(links, entry, glossary_path)):
                    continue
                text = " ".join(source[start:end].split())
                teaching = f"{entry.notebook}#{entry.anchor}"
                problems.append(EarlyUse(path.name, index, entry.term, text, teaching))
            for entry in glossary if links else []:  # a link anywhere in this cell covers the later cells
                if _covering_links(links, entry, glossary_path):
                    linked.add(entry.term)
    return problems


def chapters(repo: Path = REPO) -> list[Path]:
    """The chapters in the course's order (``authoring/chapters.json``)."""
    from authoring.chapters import read

    return [repo / chapter.notebook for chapter in read(repo / "authoring" / "chapters.json")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    problems = early_uses(chapters(), entries(GLOSSARY.read_text(encoding="utf-8")))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
