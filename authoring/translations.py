"""The Chinese edition: English text kept once, its translations in gettext catalogs, Chinese notebooks generated.

    python -m authoring translations update [NAME]          # English units into the catalogs (and templates)
    python -m authoring translations status [NAME]          # per catalog: translated, fuzzy, untranslated
    python -m authoring translations status NAME --list     # the units without a current translation

**Catalogs, not copies.** Every learner-facing text lives once, in English, where it lives now. Its translation
lives in a standard gettext catalog, ``locale/zh_CN/LC_MESSAGES/<domain>.po`` (read and written with Babel, opened
by Poedit or Weblate), made from a template ``locale/templates/<domain>.pot`` that ``update`` writes. The domains:
one per chapter, named by its stable name (its notebook and its learner's exercise, whose units' context starts with
``exercise:``); ``quizzes`` (the quizzes of the chapters with a Chinese edition, and the quiz section's own words);
``generated`` (the lines the build writes into every chapter: the Colab line and the time lines, as templates with
their numbers and links as ``%(name)s``; the Colab line's translation can tell a reader who cannot reach Colab where
the README's edition says how to set up the course locally); ``glossary`` (``docs/glossary.md``), ``front``
(``README.md``, ``START_HERE.md``, the chapters' titles and one lines, and the templates of the pages' generated
lines) and ``instructors`` (the instructor guide's plans: ``instructors/labs.md`` and ``instructors/semester.md``),
made only when asked by name, or when a page they hold is published (:mod:`authoring.front_pages` writes the
pages' editions); ``medlearn``, the library's own messages (the exercise checks' lines, hints and messages, marked
``tr("...")``: :mod:`authoring.library_messages`), whose compiled catalog the package reads.

**A unit** is a paragraph-level block of a markdown cell (:func:`split`): blocks are separated by blank lines, but a
list, a table, a fenced block, a block quote (a pitfall box), a display formula and a ``<details>`` folded answer
are each one unit. Its msgid is the English exactly, its msgctxt the cell's id, so a changed sentence invalidates
one paragraph and two equal paragraphs in two cells stay apart. ``update`` merges with Babel: a new unit arrives
empty, a changed one fuzzy with its old translation kept (and the old English as ``#| msgid``), a vanished one
obsolete (``#~``). The build's own lines are not units of a chapter (:func:`generated_kind`): the Colab link, the
time lines (templates in ``generated``), the quiz section (from the quiz, in ``quizzes``); a Discuss prompt's folded
model answer, copied once into the chapter from the instructor notes, is chapter text like any other.

**Generated notebooks.** For a chapter whose entry in ``authoring/chapters.json`` declares ``"languages":
["zh_CN"]``, the build writes ``notebooks/zh_CN/NN_name.ipynb`` and ``exercises/zh_CN/NN_name.ipynb``: the same
cells with the same ids, code, metadata and stored outputs, each markdown unit replaced by its translation (the
English where none is current), relative links pointed from the new folder (to the Chinese edition of a notebook
that has one). The stored outputs stay the English ones, but for the learner's exercise's check lines, which are
translated through the ``medlearn`` catalog (:func:`authoring.library_messages.translated_output`). ``check`` fails
on a catalog that lacks a unit of its English, on a declared chapter with a unit without a current translation (of
its notebook, its exercise, its quiz, or a library message its checks use), and on a generated notebook that is not
current; ``tests/course/test_translations.py`` is the drift gate.

Example:
    >>> [text for text, unit in split("One.\\n\\n- a\\n\\n- b\\n\\n> **Pitfall.**\\n>\\n> x") if unit]
    ['One.', '- a\\n\\n- b', '> **Pitfall.**\\n>\\n> x']
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import nbformat
from babel.messages.catalog import Catalog
from babel.messages.pofile import denormalize, normalize, read_po, write_po

from authoring import chapters as chapter_list
from authoring._paths import REPO
from medlearn.quiz import Question

LOCALE = "zh_CN"
FOLDER = Path("locale")
TEMPLATES = FOLDER / "templates"
#: The domains that are not a chapter's, in the order ``update`` and ``status`` take them.
SHARED = ("quizzes", "generated", "glossary", "front", "instructors", "medlearn")
FRONT_PAGES = ("README.md", "START_HERE.md", "handout/README.md")
GLOSSARY = "docs/glossary.md"
#: The instructor guide's pages with an edition (catalog ``instructors``): the plans an instructor teaches from.
INSTRUCTOR_PAGES = ("instructors/labs.md", "instructors/semester.md")
UPDATE = "python -m authoring translations update"
STATUS = "python -m authoring translations status"
EXERCISE = "exercise:"
#: How many units the gate's message lists (``status NAME --list`` lists them all).
SHOWN = 20
PROJECT = "medlearn"
TEAM = "medlearn 中文版 <https://github.com/medlearn/medlearn/issues>"

# The build's own lines, rendered from templates of the `generated` domain.
COLAB_LINK = re.compile(r"^\[Open in Colab\]\((https://colab\.research\.google\.com/github/[^)]*)\)$")
TIME_LINE = re.compile(r'^_(Core|Optional) · about (\d+) min_( <a id="[^"]*"></a>)?$')
ESTIMATE = re.compile(
    r"^\*Estimated time: about (\d+) min for the core sections, (\d+) min with the optional ones, at a "
    r"newcomer's reading pace; the Discuss prompts and the exercises take longer\.\*$"
)
EXERCISE_ESTIMATE = re.compile(
    r"^\*Estimated time: about (\d+) min at a newcomer's pace: reading, writing each answer and running its check\.\*$"
)
GENERATED = {
    # The whole Colab line, so that a translation can add a sentence and a link after it: Colab cannot be reached
    # from mainland China, and the README's edition says how to run the course on one's own computer instead.
    "colab": "[Open in Colab](%(url)s) (or run the course on your own computer: see the [README](%(readme)s))",
    "time:Core": "_Core · about %(minutes)s min_",
    "time:Optional": "_Optional · about %(minutes)s min_",
    "estimate": (
        "*Estimated time: about %(core)s min for the core sections, %(every)s min with the optional ones, at a "
        "newcomer's reading pace; the Discuss prompts and the exercises take longer.*"
    ),
    "exercise-estimate": (
        "*Estimated time: about %(minutes)s min at a newcomer's pace: reading, writing each answer and running its "
        "check.*"
    ),
}
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s")
ONLY_MARKUP = re.compile(r"^(?:\s*(?:<!--.*?-->|<a id=\"[^\"]*\"></a>)\s*)+$", re.DOTALL)
LINK = re.compile(r"(\]\(|(?:href|src)=\")([^)\"#\s]+)")
#: A whole Markdown link (its text may hold one pair of brackets), its target the group.
MARKDOWN_LINK = re.compile(r"\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(([^)\s]+)\)")
#: A chapter's notebook or learner's exercise in English, as a path from the repository's root.
ENGLISH_NOTEBOOK = re.compile(r"^(?:notebooks|exercises)/(\d\d)_\w+\.ipynb$")
#: What an edition writes after a link to a chapter that has no edition in its language, and after a reference in
#: words to one (``第 03 章（英文）``): a reader then knows before clicking that the page will be English.
ENGLISH_ONLY = {"zh_CN": "（英文）"}
#: A reference in words to chapters in Chinese: "第 03 章", "第 02–04 章", "第 11、12 章" (and, wrongly, "第 7 章").
ZH_REFERENCE = re.compile(r"第\s*(\d{1,2}(?:(?:、\s*|\s*[-–至]\s*)\d{1,2})*)\s*章")


@dataclass(frozen=True)
class Unit:
    """One text to translate: its English (the msgid), its context (the cell id) and where it is."""

    text: str
    context: str
    where: str

    def words(self, count: int = 12) -> str:
        """The unit's first words, on one line."""
        words = self.text.split()
        return " ".join(words[:count]) + (" ..." if len(words) > count else "")


# --- units -----------------------------------------------------------------------------------------------------------


def split(source: str) -> list[tuple[str, bool]]:
    """``source`` cut into pieces whose concatenation is ``source`` exactly: its blocks (``True``) and the blank lines
    around them (``False``). Blank lines inside a fenced block, a ``<details>`` block or a ``$$`` formula do not cut,
    and a list stays one block across blank lines between its items.

    Example:
        >>> split("a\\n\\n```\\nx\\n\\ny\\n```\\n")
        [('a', True), ('\\n\\n', False), ('```\\nx\\n\\ny\\n```', True), ('\\n', False)]
    """
    lines = source.split("\n")
    starts, offset = [], 0
    for line in lines:
        starts.append(offset)
        offset += len(line) + 1
    blocks: list[list[int]] = []  # [first line, last line] of each block
    fence, depth, formula = None, 0, False
    for index, line in enumerate(lines):
        blank = not line.strip()
        if blank and fence is None and depth <= 0 and not formula:
            continue
        if blocks and blocks[-1][1] == index - 1:
            blocks[-1][1] = index
        elif blocks and (fence is not None or depth > 0 or formula):
            blocks[-1][1] = index
        else:
            blocks.append([index, index])
        opened = FENCE.match(line)
        if fence is None and opened:
            fence = opened.group(1)[0] * 3
        elif fence is not None and line.strip().startswith(fence):
            fence = None
        elif fence is None:
            depth += len(re.findall(r"<details\b", line)) - len(re.findall(r"</details>", line))
            formula ^= line.count("$$") % 2 == 1
    merged: list[list[int]] = []
    for block in blocks:
        first = lines[block[0]]
        if merged and LIST_ITEM.match(lines[merged[-1][0]]) and (LIST_ITEM.match(first) or first[:1] in (" ", "\t")):
            merged[-1][1] = block[1]
        else:
            merged.append(block)
    pieces, at = [], 0
    for first, last in merged:
        begin, end = starts[first], starts[last] + len(lines[last])
        if begin > at:
            pieces.append((source[at:begin], False))
        pieces.append((source[begin:end], True))
        at = end
    if at < len(source):
        pieces.append((source[at:], False))
    return pieces


def generated_kind(block: str) -> str | None:
    """Which of the build's own lines ``block`` is (``colab``, ``time``, ``estimate``, ``exercise-estimate``), or
    None for written text."""
    if COLAB_LINK.match(block):
        return "colab"
    if TIME_LINE.match(block):
        return "time"
    if ESTIMATE.match(block):
        return "estimate"
    if EXERCISE_ESTIMATE.match(block):
        return "exercise-estimate"
    return None


def translatable(block: str) -> bool:
    """A block a translator must see: not one of the build's lines, not markup alone, and with a letter in it."""
    return generated_kind(block) is None and not ONLY_MARKUP.match(block) and re.search(r"[A-Za-z]", block) is not None


def _is_quiz_cell(source: str) -> bool:
    from authoring.quizzes import START

    return START in source


def _is_quiz_heading(source: str) -> bool:
    from authoring.quizzes import HEADING

    return source.split("\n", 1)[0] == HEADING


def notebook_units(path: Path, repo: Path, prefix: str = "") -> list[Unit]:
    """The units of a notebook's markdown cells (the quiz section's aside: they belong to ``quizzes``)."""
    from authoring.quizzes import HEADING, INTRO

    cells = nbformat.read(path, as_version=4).cells
    where = path.relative_to(repo).as_posix()
    units = []
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown" or _is_quiz_cell(cell.source):
            continue
        quiz_heading = _is_quiz_heading(cell.source)
        for text, unit in split(cell.source):
            if unit and translatable(text) and not (quiz_heading and text in (HEADING, INTRO)):
                units.append(Unit(text, prefix + cell.id, f"{where}:{index}"))
    return units


def chapter_units(chapter: chapter_list.Chapter, repo: Path) -> list[Unit]:
    """A chapter's domain: its notebook's units, then its learner's exercise's (context ``exercise:<cell id>``)."""
    units = notebook_units(repo / chapter.notebook, repo)
    if (repo / chapter.exercise).exists():
        units += notebook_units(repo / chapter.exercise, repo, EXERCISE)
    return units


def quiz_units(chapters: list[chapter_list.Chapter], repo: Path) -> list[Unit]:
    """The quiz section's words, and every text of the quizzes of ``chapters`` (context ``<name>/<id>/<field>``)."""
    from authoring.quizzes import HEADING, INTRO, has_quiz
    from medlearn.quiz import load_quiz

    # A question's section is not a unit: its link shows the chapter's own translation of that heading.
    units = [Unit(HEADING, "quiz:heading", "authoring/quizzes.py"), Unit(INTRO, "quiz:intro", "authoring/quizzes.py")]
    units.append(Unit("Answer", "quiz:answer", "medlearn/quiz.py"))
    folder = repo / "medlearn" / "quizzes"
    for chapter in chapters:
        if not has_quiz(chapter.stem, repo):
            continue
        where = f"medlearn/quizzes/{chapter.stem}.json"
        for question in load_quiz(chapter.stem, folder).questions:
            key = f"{chapter.name}/{question.id}"
            texts = [("prompt", question.prompt), ("explanation", question.explanation)]
            texts += [(f"choice/{i}", choice) for i, choice in enumerate(question.choices)]
            texts += [(f"hint/{key}", hint) for key, hint in _hints(question)]
            units += [Unit(text, f"{key}/{field}", where) for field, text in texts]
    return units


def _hints(question: Question) -> list[tuple[str, str]]:
    """A question's hints by key: the wrong choice's index, or ``near/<n>`` for a number's usual wrong values."""
    if question.kind == "choice":
        return [(str(index), hint) for index, hint in sorted(question.hints.items())]
    return [(f"near/{n}", item[2]) for n, item in enumerate(question.near_misses)]


def page_blocks(
    page: str, repo: Path, context: Callable[[str, str], str] | None = None, text: str | None = None
) -> list[tuple[str, Unit | None]]:
    """A markdown page cut as :func:`split` cuts a cell: each piece with its unit, or None for what is not one (the
    blank lines, the generated blocks of times and chapters, the line of languages, markup alone). A unit's text is
    its block without HTML comments; its context is the page's name, or ``context(page, heading)`` of the heading
    above. ``text``: the page's text, when not the file's."""
    from authoring.front_pages import GENERATED_BLOCK, LANGUAGE_LINE

    text = (repo / page).read_text(encoding="utf-8") if text is None else text
    pieces: list[tuple[str, Unit | None]] = []
    heading = ""
    for block, unit in split(text):
        clean = re.sub(r"\n?<!--.*?-->", "", block, flags=re.DOTALL).strip("\n")
        if unit and clean.startswith("#"):
            heading = clean.split("\n", 1)[0].lstrip("#").strip()
        if unit and translatable(clean) and not GENERATED_BLOCK.search(block) and not LANGUAGE_LINE.match(block):
            pieces.append((block, Unit(clean, context(page, heading) if context else page, page)))
        else:
            pieces.append((block, None))
    return pieces


def page_units(page: str, repo: Path, context: Callable[[str, str], str] | None = None) -> list[Unit]:
    """The units of a markdown page (:func:`page_blocks`): not its generated tables of chapters and times, not its
    line of languages, not its HTML comments."""
    return [unit for _, unit in page_blocks(page, repo, context) if unit is not None]


def glossary_context(page: str, heading: str) -> str:
    """A glossary unit's context: its entry's term (``glossary:Accuracy``)."""
    return f"glossary:{heading}"


def front_units(repo: Path) -> list[Unit]:
    """The front pages' units, each chapter's title and one line (which their tables of chapters show), and the
    templates of the lines the build writes into the pages' editions (:mod:`authoring.front_pages`)."""
    from authoring.front_pages import TEMPLATES as PAGE_TEMPLATES
    from authoring.sections import READING_MODEL

    units = [u for page in FRONT_PAGES if (repo / page).exists() for u in page_units(page, repo)]
    for chapter in chapter_list.load(repo=repo):
        units.append(Unit(chapter.title, f"chapter:{chapter.name}/title", "authoring/chapters.json"))
        units.append(Unit(chapter.summary, f"chapter:{chapter.name}/summary", "authoring/chapters.json"))
    units += [Unit(text, key, "authoring/front_pages.py") for key, text in PAGE_TEMPLATES.items()]
    units.append(Unit(READING_MODEL, "times:model", "authoring/sections.py"))
    return units


def domain_units(domain: str, repo: Path = REPO) -> list[Unit]:
    """Every unit of ``domain`` (a chapter's name or one of :data:`SHARED`), each once, in order."""
    if domain == "quizzes":
        found = quiz_units(edition_chapters(repo), repo)
    elif domain == "generated":
        found = [Unit(text, key, "authoring/translations.py") for key, text in GENERATED.items()]
    elif domain == "glossary":
        found = page_units(GLOSSARY, repo, glossary_context)
    elif domain == "front":
        found = front_units(repo)
    elif domain == "instructors":
        found = [u for page in INSTRUCTOR_PAGES if (repo / page).exists() for u in page_units(page, repo)]
    elif domain == "medlearn":
        from authoring import library_messages

        found = [Unit(m.text, "", m.where) for m in library_messages.extract(repo)]  # no context: one English, one
    else:
        chapter = {c.name: c for c in chapter_list.load(repo=repo)}.get(domain)
        if chapter is None:
            raise ValueError(f"domain must be a chapter's name or one of {SHARED}, not {domain!r}")
        found = chapter_units(chapter, repo)
    return list({(u.text, u.context): u for u in found}.values())


# --- catalogs --------------------------------------------------------------------------------------------------------


def edition_chapters(repo: Path = REPO, locale: str = LOCALE) -> list[chapter_list.Chapter]:
    """The chapters that declare an edition in ``locale`` (``"languages"`` in ``authoring/chapters.json``)."""
    return [c for c in chapter_list.load(repo=repo) if locale in c.languages]


def catalog_path(domain: str, repo: Path = REPO, locale: str = LOCALE) -> Path:
    return repo / FOLDER / locale / "LC_MESSAGES" / f"{domain}.po"


def template_path(domain: str, repo: Path = REPO) -> Path:
    return repo / TEMPLATES / f"{domain}.pot"


def read_catalog(path: Path, locale: str | None = LOCALE) -> Catalog:
    """A catalog as Babel reads it, with each fuzzy message's previous English (``#| msgid``), which Babel does not
    read back (it takes the lines for a translator's comment): kept, a translator sees what changed until the unit is
    translated again. Both forms are read: a ``#| msgid`` in PO's own lines, as :func:`_write` writes it, and one that
    an older Babel wrapped inside the string (its words split at spaces, not quoted line by line)."""
    data = path.read_bytes()
    catalog = read_po(io.BytesIO(data), locale=locale, abort_invalid=True)
    lines = data.decode("utf-8").splitlines()
    for message in catalog:
        message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
        if not message.id or not message.fuzzy or not message.lineno:
            continue
        at, before = message.lineno - 2, []  # lineno: the msgid's line, counted from 1
        while at >= 0 and lines[at].strip() and not lines[at].startswith("msgstr"):
            before.insert(0, lines[at])
            at -= 1
        previous = [line[2:].strip() for line in before if line.startswith("#|")]
        start = next((k for k, line in enumerate(previous) if line.startswith("msgid ")), None)
        if start is None:
            continue
        first, rest = previous[start].removeprefix("msgid "), previous[start + 1 :]
        if all(line.startswith('"') for line in rest):
            message.previous_id = [denormalize("\n".join([first, *rest]))]
        else:  # wrapped at spaces, across and inside the quoted parts: rejoin, then take the parts one by one
            parts = re.findall(r'"(?:[^"\\]|\\.)*"', " ".join([first, *rest]))
            message.previous_id = [denormalize("\n".join(parts))]
    return catalog


def _header(catalog: Catalog) -> Catalog:
    catalog.project, catalog.version = PROJECT, "1"
    catalog.copyright_holder = "the medlearn authors"
    catalog.msgid_bugs_address = "https://github.com/medlearn/medlearn/issues"
    catalog.language_team = TEAM
    catalog.header_comment = (
        f"# {'Translations template' if catalog.locale is None else 'Chinese (Simplified) translations'} of the "
        "medlearn course.\n# Written by `python -m authoring translations update`; translate with Poedit or Weblate.\n"
        "# The English it translates lives in the notebooks, the quizzes and the pages it names.\n#"
    )
    return catalog


def _write(catalog: Catalog, path: Path) -> None:
    """Write ``catalog`` as a PO file. Each fuzzy message's previous English goes in as ``#| msgid`` in PO's own
    quoted lines: Babel's writer wraps that comment at 76 columns inside the string, which GNU msgfmt refuses. A unit
    of prose that Babel takes for a Python format string (``80 % should`` holds ``% s``) is flagged
    ``no-python-format`` instead (:func:`template`), or ``msgfmt --check`` refuses its translation."""
    buffer = io.BytesIO()
    plain = [m for m in catalog if m.id and {"python-format", "no-python-format"} <= m.flags]
    for message in plain:  # Babel adds the flag back on reading: the file says only what the text is
        message.flags.discard("python-format")
    write_po(buffer, catalog, width=0, include_previous=False, include_lineno=True)
    for message in plain:
        message.flags.add("python-format")
    text = buffer.getvalue().decode("utf-8")
    for message in catalog:
        if not (message.id and message.previous_id):
            continue
        head = f"msgctxt {normalize(message.context, width=0)}\n" if message.context else ""
        head += f"msgid {normalize(message.id, width=0)}\n"
        if text.count(head) != 1:
            raise ValueError(f"{path}: cannot place the previous English of {message.context or message.id!r}")
        written = f"msgid {normalize(message.previous_id[0], width=0)}".splitlines()
        text = text.replace(head, "".join(f"#| {line}\n" for line in written) + head)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))


def _state(catalog: Catalog) -> list[tuple[object, ...]]:
    """What a catalog says, dates aside: each message's id, context, translation, flags and places."""
    messages = [m for m in catalog if m.id]
    places = [[(path, line or 0) for path, line in m.locations] for m in messages]  # a line 0 is read back as None
    return [
        (m.id, m.context, m.string or "", sorted(m.flags), p, list(m.previous_id)) for m, p in zip(messages, places)
    ] + [(m.id, m.context, m.string) for m in catalog.obsolete.values()]


#: A template's placeholder, ``%(name)s``: a unit that holds one (the build's own lines, the front pages' tables) is a
#: Python format string, whose translation must keep its placeholders; any other ``%`` is prose.
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")
#: A field of a library message's template, ``{got:.3g}`` (not a doubled ``{{``).
BRACE_FIELD = re.compile(r"(?<!\{)\{\w+[^{}]*\}")


def template(domain: str, repo: Path = REPO) -> Catalog:
    """The template of ``domain``: every unit, untranslated, with where it is (a library message: every place, and
    ``python-brace-format`` when it has fields, for ``msgfmt --check-format``)."""
    catalog = _header(Catalog(domain=domain, fuzzy=False, creation_date=datetime(2026, 1, 1, tzinfo=UTC)))
    for unit in domain_units(domain, repo):
        locations = []
        for where in unit.where.split() if domain == "medlearn" else [unit.where]:
            path, _, line = where.rpartition(":")
            locations.append((path, int(line)) if line.isdigit() else (where, 0))
        message = catalog.add(unit.text, context=unit.context or None, locations=locations)
        if message.python_format and not PLACEHOLDER.search(unit.text):  # "80 % should" is prose, not a template
            message.flags.add("no-python-format")
        if domain == "medlearn" and BRACE_FIELD.search(unit.text):
            message.flags.add("python-brace-format")
    return catalog


def update(domain: str, repo: Path = REPO, locale: str = LOCALE) -> bool:
    """Merge ``domain``'s English units into its template and catalog (Babel: new units empty, changed ones fuzzy with
    the old translation kept, vanished ones obsolete); True when a file changed. Dates change only with the text."""
    now = datetime.now(UTC)
    new_template = template(domain, repo)
    changed = False
    pot = template_path(domain, repo)
    if not pot.exists() or _state(read_catalog(pot, None)) != _state(new_template):
        new_template.creation_date = now
        _write(new_template, pot)
        changed = True
    po = catalog_path(domain, repo, locale)
    if po.exists():
        catalog = read_catalog(po, locale)
    else:
        catalog = _header(Catalog(locale=locale, domain=domain, fuzzy=False, creation_date=now, revision_date=now))
    before = _state(catalog) if po.exists() else None
    previous = {(m.id, m.context): m.previous_id for m in catalog if m.id and m.previous_id}
    origin = {m.id: m.previous_id for m in catalog if m.id and m.previous_id}  # each fuzzy unit's first English
    catalog.update(new_template, update_creation_date=False)
    for message in catalog:
        if not (message.id and message.fuzzy):
            continue
        if not message.previous_id:  # Babel's update keeps a still-fuzzy unit's translation, not its previous English
            message.previous_id = previous.get((message.id, message.context), [])
        elif message.previous_id[0] in origin:  # changed again: keep the English that the translation was made from
            message.previous_id = origin[message.previous_id[0]]
    catalog.obsolete = {k: m for k, m in catalog.obsolete.items() if m.string}  # nothing to keep of an empty one
    if _state(catalog) != before:
        catalog.revision_date = now
        _write(_header(catalog), po)
        changed = True
    return changed


def catalog_domains(repo: Path = REPO, locale: str = LOCALE) -> list[str]:
    """The domains that have a catalog, or must have one: every chapter with an edition, and then ``quizzes`` and
    ``generated``, and the domain of each published page (:mod:`authoring.front_pages`)."""
    folder = repo / FOLDER / locale / "LC_MESSAGES"
    have = {p.stem for p in folder.glob("*.po")} if folder.exists() else set()
    names = [c.name for c in chapter_list.load(repo=repo)]
    from authoring.front_pages import PAGES, published

    must = {c.name for c in edition_chapters(repo, locale)}
    if must:
        must |= {"quizzes", "generated", "medlearn"}
    must |= {PAGES[page] for page in published(repo, locale)}
    wanted = have | must
    return (
        [n for n in names if n in wanted]
        + [d for d in SHARED if d in wanted]
        + sorted(wanted - set(names) - set(SHARED))
    )


@dataclass(frozen=True)
class Status:
    """A domain's units by state: translated, fuzzy (changed since translated), untranslated, and new (not yet in
    the catalog: ``update`` adds them)."""

    domain: str
    translated: list[Unit]
    fuzzy: list[Unit]
    untranslated: list[Unit]
    new: list[Unit]
    stale: list[str]  # in the catalog but no longer in the English

    @property
    def missing(self) -> list[tuple[str, Unit]]:
        """Every unit without a current translation, with its state."""
        return [
            (s, u)
            for s, units in (("new", self.new), ("fuzzy", self.fuzzy), ("untranslated", self.untranslated))
            for u in units
        ]


def status(domain: str, repo: Path = REPO, locale: str = LOCALE) -> Status:
    units = domain_units(domain, repo)
    path = catalog_path(domain, repo, locale)
    catalog = read_catalog(path, locale) if path.exists() else Catalog(locale=locale)
    groups: dict[str, list[Unit]] = {"translated": [], "fuzzy": [], "untranslated": [], "new": []}
    for unit in units:
        message = catalog.get(unit.text, context=unit.context or None)
        state = (
            "new"
            if message is None
            else "fuzzy"
            if message.fuzzy
            else "translated"
            if message.string
            else "untranslated"
        )
        groups[state].append(unit)
    keys = {(u.text, u.context or None) for u in units}
    stale = [f"{m.context}: {m.id[:60]!r}" for m in catalog if m.id and (m.id, m.context) not in keys]
    return Status(domain, stale=stale, **groups)


def lookup(repo: Path = REPO, locale: str = LOCALE) -> Callable[[str, str, str], str | None]:
    """A function ``(domain, text, context)`` to the current translation (not fuzzy, not empty), or None."""
    cache: dict[str, Catalog | None] = {}

    def translate(domain: str, text: str, context: str) -> str | None:
        if domain not in cache:
            path = catalog_path(domain, repo, locale)
            cache[domain] = read_catalog(path, locale) if path.exists() else None
        catalog = cache[domain]
        message = catalog.get(text, context=context) if catalog is not None else None
        return message.string if message is not None and message.string and not message.fuzzy else None

    return translate


# --- generated notebooks ---------------------------------------------------------------------------------------------


def edition_path(relative: str, locale: str = LOCALE) -> str:
    """Where the edition of a notebook lives: ``notebooks/zh_CN/00_x.ipynb`` for ``notebooks/00_x.ipynb``."""
    folder, _, name = relative.rpartition("/")
    return f"{folder}/{locale}/{name}"


def _relink(text: str, english: str, edition: str, editions: set[str] | dict[str, str]) -> str:
    """``text``'s relative links, written in the notebook or page at ``english``, as seen from ``edition`` (pointing
    to the edition of a notebook that has one, or of a page: ``editions`` maps an English path to its edition's)."""

    def moved(match: re.Match[str]) -> str:
        target = match.group(2)
        if re.match(r"^[a-z][a-z+.-]*:", target) or target.startswith("/"):
            return match.group(0)
        resolved = os.path.normpath(os.path.join(os.path.dirname(english), target))
        if resolved.startswith(".."):
            return match.group(0)
        if resolved in editions:
            resolved = editions[resolved] if isinstance(editions, dict) else edition_path(resolved)
        return match.group(1) + os.path.relpath(resolved, os.path.dirname(edition)).replace(os.sep, "/")

    return LINK.sub(moved, text)


def label_english_links(text: str, edition: str, locale: str = LOCALE) -> str:
    """``text`` (an edition's, at ``edition``, its links already pointed from there) with :data:`ENGLISH_ONLY` after
    each link to a chapter's notebook or exercise that has no edition in ``locale``, unless a label follows already.

    Example:
        >>> label_english_links("[第 03 章](../03_svm.ipynb#4)，[第 05 章](05_x.ipynb)。", "notebooks/zh_CN/05_x.ipynb")
        '[第 03 章](../03_svm.ipynb#4)（英文），[第 05 章](05_x.ipynb)。'
    """
    label = ENGLISH_ONLY.get(locale)
    if not label:
        return text

    def one(match: re.Match[str]) -> str:
        target = match.group(1).split("#", 1)[0]
        if not target or re.match(r"^[a-z][a-z+.-]*:", target) or target.startswith("/"):
            return match.group(0)
        resolved = os.path.normpath(os.path.join(os.path.dirname(edition), target)).replace(os.sep, "/")
        labelled = match.string[match.end() :].startswith(label[:-1]) or label[:-1] in match.group(0)
        return match.group(0) + ("" if labelled or not ENGLISH_NOTEBOOK.match(resolved) else label)

    return MARKDOWN_LINK.sub(one, text)


def _numbers(found: str) -> list[str]:
    """The chapter numbers of a reference in words: ``02–04`` is 02, 03 and 04."""
    numbers: list[str] = []
    for part in re.split(r"、\s*", found):
        ends = [int(n) for n in re.findall(r"\d+", part)]
        span = range(ends[0], ends[-1] + 1) if len(ends) == 2 else ends
        numbers += [f"{n:02d}" for n in span]
    return numbers


def reference_problems(text: str, with_edition: set[str], locale: str = LOCALE) -> list[str]:
    """What a translated text says wrongly of the chapters it names in words (``第 03 章``): a number not written
    with two digits, as a chapter move renders it (:mod:`authoring.renumber` renders ``第 07 章``, never ``第 7 章``);
    a chapter without an edition (not in ``with_edition``) whose reference is not followed by :data:`ENGLISH_ONLY` (or
    by a note in brackets that says ``英文``, by the rest of a bracket that says it (``（第 02 章，英文）``), or by
    ``为英文``; a range ``第 02 章至第 04 章`` by its last reference);
    and a label after chapters that all have an edition now. A link to a chapter's notebook counts as labelled: the
    build labels it (:func:`label_english_links`).

    Example:
        >>> for problem in reference_problems("见第 7 章、第 03 章和第 10 章（英文）。第 05 章（英文）", {"05", "07"}):
        ...     print(problem)
        第 7 章: write the chapter number with two digits
        第 03 章: no edition: write 第 03 章（英文）
        第 05 章（英文）: every chapter named has an edition now: drop （英文）
    """
    label = ENGLISH_ONLY.get(locale)
    if not label:
        return []

    def linked(match: re.Match[str]) -> str:
        stem = match.group(1).split("#", 1)[0].rsplit("/", 1)[-1]
        number = re.match(r"(\d\d)_\w+\.ipynb$", stem)
        inner = match.group(0)[1 : match.group(0).rindex("](")]
        if not number or number.group(1) in with_edition:
            return inner
        return ZH_REFERENCE.sub(lambda found: found.group(0) + label, inner) + label

    text = MARKDOWN_LINK.sub(linked, text)
    problems = []
    for match in ZH_REFERENCE.finditer(text):
        reference, after = match.group(0), text[match.end() :]
        numbers = _numbers(match.group(1))
        if re.search(r"(?<!\d)\d(?!\d)", match.group(1)):
            problems.append(f"{reference}: write the chapter number with two digits")
        marked = re.match(rf"\s*(?:{re.escape(label[:-1])}|（[^）]*英文|[，；][^。；）]*英文|为英文)", after)
        if any(n not in with_edition for n in numbers):
            if not marked and not re.match(r"\s*[至到–-]\s*第", after):
                english = [n for n in numbers if n not in with_edition]
                problems.append(f"{reference}: no edition: write 第 {'、'.join(english)} 章{label}")
        elif after.startswith(label[:-1]):
            problems.append(f"{reference}{label}: every chapter named has an edition now: drop {label}")
    return problems


def _generated(
    block: str, translate: Callable[[str, str, str], str | None], edition: str, readme: str = "README.md"
) -> str:
    """One of the build's lines, from its template in the ``generated`` domain (English where it has none). The
    Colab line links the edition on Colab (``%(url)s``) and the README's edition (``readme``, seen from the
    repository's root; ``%(readme)s``, seen from the edition)."""
    from authoring.colab import colab_url

    def t(key: str) -> str:
        return translate("generated", GENERATED[key], key) or GENERATED[key]

    if match := COLAB_LINK.match(block):
        values = {
            "url": colab_url(edition),
            "readme": os.path.relpath(readme, os.path.dirname(edition)).replace(os.sep, "/"),
        }
        try:
            return t("colab") % values
        except (KeyError, ValueError, TypeError):  # a translation that lost or misspelt a placeholder
            return GENERATED["colab"] % values
    if match := TIME_LINE.match(block):
        level, minutes, anchor = match.groups()
        return t(f"time:{level}") % {"minutes": minutes} + (anchor or "")
    if match := ESTIMATE.match(block):
        return t("estimate") % {"core": match.group(1), "every": match.group(2)}
    if match := EXERCISE_ESTIMATE.match(block):
        return t("exercise-estimate") % {"minutes": match.group(1)}
    return block


def answer_paragraph(right: str, explanation: str, link: str) -> str:
    """A folded answer's paragraph in an edition: the right answer, a Chinese full stop (none after its own), the
    explanation and the section's link. (:func:`medlearn.quiz.answer_paragraph` writes the English one; a number
    followed by a Chinese full stop is not a list marker, so nothing is escaped.)

    Example:
        >>> answer_paragraph("(b) 两者都报告", "重叠也要报告。", "[§ 5](#5)")
        '(b) 两者都报告。重叠也要报告。 [§ 5](#5)'
        >>> answer_paragraph("513", "两层都要数。", "[§ 5](#5)")
        '513。两层都要数。 [§ 5](#5)'
    """
    end = "" if right.endswith(("。", "？", "！", ".", "?", "!")) else "。"
    return f"{right}{end}{explanation} {link}"


def quiz_markdown(
    chapter: chapter_list.Chapter,
    translate: Callable[[str, str, str], str | None],
    repo: Path,
    sections: dict[str, str] | None = None,
) -> str:
    """The quiz cell of a chapter's edition: :meth:`medlearn.quiz.Quiz.markdown` with every text translated, each
    question's section named as the edition's heading names it (``sections``: English heading to translated) and
    linked by the English anchor, which the edition's headings keep. A folded answer's right answer ends in a Chinese
    full stop (:func:`answer_paragraph`), not in the English one after Chinese words."""
    from authoring.quizzes import END, START
    from medlearn.quiz import LETTERS, load_quiz, section_anchor

    def t(text: str, context: str) -> str:
        return translate("quizzes", text, context) or text

    blocks = []
    for number, q in enumerate(load_quiz(chapter.stem, repo / "medlearn" / "quizzes").questions, start=1):
        key = f"{chapter.name}/{q.id}"
        lines = [f"**{number}.** {t(q.prompt, f'{key}/prompt')}"]
        if q.kind == "choice":
            choices = [t(c, f"{key}/choice/{i}") for i, c in enumerate(q.choices)]
            lines += [""] + [f"- ({LETTERS[i]}) {c}" for i, c in enumerate(choices)]
            right = f"({LETTERS[int(q.answer)]}) {choices[int(q.answer)]}"
        else:
            right = q.answer_text()
        link = f"[§ {(sections or {}).get(q.section, q.section)}](#{section_anchor(q.section)})"
        summary = t("Answer", "quiz:answer")
        explanation = t(q.explanation, f"{key}/explanation")
        paragraph = answer_paragraph(right, explanation, link)
        lines += ["", f"<details><summary>{summary}</summary>\n\n{paragraph}\n\n</details>"]
        blocks.append("\n".join(lines))
    return f"{START}\n\n" + "\n\n".join(blocks) + f"\n\n{END}"


def edition(chapter: chapter_list.Chapter, english: str, repo: Path = REPO, locale: str = LOCALE) -> str:
    """The text of the edition of ``english`` (a chapter's notebook or learner's exercise, relative to ``repo``): the
    same notebook with its markdown translated."""
    from authoring.front_pages import edition_map
    from authoring.quizzes import HEADING, INTRO

    translate = lookup(repo, locale)
    target = edition_path(english, locale)
    editions = edition_map(repo, locale)
    prefix = EXERCISE if english == chapter.exercise else ""
    notebook = nbformat.read(repo / english, as_version=4)
    sections: dict[str, str] = {}  # each "## " heading's English and translation, for the quiz's links
    messages = library_translations(repo, locale) if prefix else {}
    for cell in notebook.cells:
        if cell.cell_type == "code" and messages:
            _translate_check_lines(cell, messages)
        if cell.cell_type != "markdown":
            continue
        if _is_quiz_cell(cell.source):
            cell.source = quiz_markdown(chapter, translate, repo, sections)
            continue
        quiz_heading = _is_quiz_heading(cell.source)
        pieces = []
        for text, unit in split(cell.source):
            if unit and generated_kind(text):
                text = _generated(text, translate, target, editions.get("README.md", "README.md"))
            elif unit and quiz_heading and text in (HEADING, INTRO):
                text = translate("quizzes", text, "quiz:heading" if text == HEADING else "quiz:intro") or text
            elif unit and translatable(text):
                english_text = text
                translated = translate(chapter.name, text, prefix + cell.id)
                text = _relink(translated or text, english, target, editions)
                if translated:
                    text = label_english_links(text, target, locale)
                if english_text.startswith("## ") and "\n" not in english_text:
                    sections[english_text[3:]] = text.removeprefix("## ")
            pieces.append(text)
        cell.source = "".join(pieces)
    notebook.metadata["medlearn"] = {**notebook.metadata.get("medlearn", {}), "language": locale, "english": english}
    text = nbformat.writes(notebook)
    return text if text.endswith("\n") else text + "\n"


def library_translations(repo: Path = REPO, locale: str = LOCALE) -> dict[str, str]:
    """The current translations of the library's messages (``medlearn`` domain): template to translation."""
    from authoring import library_messages

    path = catalog_path("medlearn", repo, locale)
    return library_messages.current(read_catalog(path, locale)) if path.exists() else {}


def _translate_check_lines(cell: nbformat.NotebookNode, messages: dict[str, str]) -> None:
    """The check lines a code cell printed (``⏳ to_hounsfield: not done yet. ...``), in the learner's language."""
    from authoring import library_messages

    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream":
            output["text"] = library_messages.translated_output(output["text"], messages)


def edition_files(repo: Path = REPO, locale: str = LOCALE) -> dict[str, tuple[chapter_list.Chapter, str]]:
    """Every generated notebook (relative path) with its chapter and the English notebook it is made from."""
    files = {}
    for chapter in edition_chapters(repo, locale):
        for english in (chapter.notebook, chapter.exercise):
            if (repo / english).exists():
                files[edition_path(english, locale)] = (chapter, english)
    return files


def _present(repo: Path, locale: str) -> set[str]:
    found = set()
    for folder in ("notebooks", "exercises"):
        found |= {p.relative_to(repo).as_posix() for p in (repo / folder / locale).glob("*.ipynb")}
    return found


def build_editions(repo: Path = REPO, locale: str = LOCALE) -> list[str]:
    """Write every generated notebook that is not current, and delete those of chapters without an edition; return
    the paths written or deleted."""
    wanted = edition_files(repo, locale)
    changed = []
    for relative, (chapter, english) in wanted.items():
        path = repo / relative
        text = edition(chapter, english, repo, locale)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(relative)
    for relative in sorted(_present(repo, locale) - set(wanted)):
        (repo / relative).unlink()
        changed.append(relative)
    return changed


def stale_editions(repo: Path = REPO, locale: str = LOCALE) -> list[str]:
    """The generated notebooks that are missing, not what the build writes now, or left from a chapter without an
    edition."""
    wanted = edition_files(repo, locale)
    problems = []
    for relative, (chapter, english) in wanted.items():
        path = repo / relative
        if not path.exists():
            problems.append(f"{relative}: missing")
        elif path.read_text(encoding="utf-8") != edition(chapter, english, repo, locale):
            problems.append(f"{relative}: not what the English notebook and its catalog make")
    problems += [f"{r}: its chapter declares no {locale} edition" for r in sorted(_present(repo, locale) - set(wanted))]
    return problems + untranslated_check_lines(repo, locale)


def untranslated_check_lines(repo: Path = REPO, locale: str = LOCALE) -> list[str]:
    """The check lines stored in a learner's exercise with an edition that the ``medlearn`` catalog cannot translate
    (a message not marked ``tr``, or without a current translation)."""
    from authoring import library_messages

    messages = library_translations(repo, locale)
    problems = []
    for relative, (chapter, english) in edition_files(repo, locale).items():
        if english != chapter.exercise:
            continue
        for cell in nbformat.read(repo / english, as_version=4).cells:
            for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
                if output.get("output_type") == "stream":
                    for line in library_messages.untranslated_lines(output["text"], messages):
                        problems.append(f"{relative}: a check line without a translation: {line[:80]!r}")
    return problems


# --- the drift gate --------------------------------------------------------------------------------------------------


def _units(items: list[object]) -> str:
    return f"{len(items)} unit{'' if len(items) == 1 else 's'}"


def drift(repo: Path = REPO, locale: str = LOCALE) -> list[str]:
    """What the gate fails on, each with the command that shows or fixes it: a catalog that is not current with its
    English (a unit it lacks, or one the English no longer has), and, for the chapters with an edition (and the
    quizzes and lines their editions show) and the published pages, every unit without a current translation."""
    problems = []
    complete = {c.name for c in edition_chapters(repo, locale)}
    chapters_with_edition = set(complete)
    numbers_with_edition = {c.number for c in edition_chapters(repo, locale)}
    if complete:
        complete |= {"quizzes", "generated"}
    known = {c.name for c in chapter_list.load(repo=repo)} | set(SHARED)
    for domain in catalog_domains(repo, locale):
        path = catalog_path(domain, repo, locale).relative_to(repo)
        if domain not in known:
            problems.append(
                f"{path}: no chapter or shared domain has this name (rename it to its chapter's, or delete it)"
            )
            continue
        if not catalog_path(domain, repo, locale).exists():
            problems.append(f"{path}: missing (run {UPDATE} {domain})")
            continue
        found = status(domain, repo, locale)
        new, stale = found.new, found.stale
        if domain == "front":  # a chapter added or removed leaves its title and one line for the next update
            new = [u for u in new if not u.context.startswith("chapter:")]
            stale = [s for s in stale if not s.startswith("chapter:")]
        if new or stale:
            problems.append(
                f"{path}: not current with its English ({_units(new)} new, {_units(stale)} gone): run {UPDATE} {domain}"
            )
        missing, pages = (found.missing, []) if domain in complete else _page_missing(domain, found, repo, locale)
        if domain == "medlearn":  # the messages that a chapter with an edition, or every chapter, uses
            from authoring import library_messages

            missing = [(s, u) for s, u in found.missing if library_messages.needed(u.where, chapters_with_edition)]
            catalog = read_catalog(catalog_path(domain, repo, locale), locale)
            problems += [f"{path}: {problem}" for problem in library_messages.field_problems(catalog)]
        if missing:
            listed = "".join(f"\n    [{state}] {u.context or u.where}: {u.words()}" for state, u in missing[:SHOWN])
            if len(missing) > SHOWN:
                listed += f"\n    ... and {len(missing) - SHOWN} more"
            problems.append(
                f"{path}: {_units(missing)} without a current translation (new, changed or fuzzy"
                + (f"; published: {', '.join(pages)}" if pages else "")
                + f"; list them with {STATUS} {domain} --list):{listed}"
            )
        if domain != "medlearn":
            catalog = read_catalog(catalog_path(domain, repo, locale), locale)
            problems += [f"{path}: {problem}" for problem in repeated_paragraphs(catalog)]
        if domain != "medlearn" and (domain in complete or pages):  # what an edition or a published page shows
            problems += [
                f"{path}: {message.context or message.id[:40]}: {problem}"
                for message in catalog
                if message.id and isinstance(message.string, str) and message.string and not message.fuzzy
                for problem in reference_problems(message.string, numbers_with_edition, locale)
            ]
    return problems


def repeated_paragraphs(catalog: Catalog) -> list[str]:
    """The paragraphs that a cell's translations say twice: in two of its units, or twice in one. A unit is one
    paragraph of the English, but a translation may hold more (a translator's note after it); when a cell's one unit
    is cut in two and each half keeps the old translation of both, the edition shows both paragraphs twice, and a
    later change to one copy leaves the other behind.

    Example:
        >>> from babel.messages.catalog import Catalog
        >>> catalog = Catalog(locale="zh_CN")
        >>> _ = catalog.add("One.", "第一段说的话。\\n\\n第二段说的话。", context="a")
        >>> _ = catalog.add("Two.", "第一段说的话。\\n\\n第二段说的话。", context="a")
        >>> _ = catalog.add("One.", "第一段说的话。", context="b")
        >>> for problem in repeated_paragraphs(catalog):
        ...     print(problem)
        a: a paragraph translated twice in the cell ('第一段说的话。')
        a: a paragraph translated twice in the cell ('第二段说的话。')
    """
    seen: dict[tuple[str | None, str], int] = {}
    for message in catalog:
        if message.id and isinstance(message.string, str) and message.string and not message.fuzzy:
            for paragraph in re.split(r"\n\s*\n", message.string):
                key = (message.context, paragraph.strip())
                if len(key[1]) >= 5:
                    seen[key] = seen.get(key, 0) + 1
    return [
        f"{context}: a paragraph translated twice in the cell ({paragraph[:40]!r})"
        for (context, paragraph), count in seen.items()
        if count > 1
    ]


def _page_missing(domain: str, found: Status, repo: Path, locale: str) -> tuple[list[tuple[str, Unit]], list[str]]:
    """The units without a current translation that a published page of ``domain`` shows, and those pages."""
    from authoring import front_pages

    if domain not in front_pages.PAGES.values():
        return [], []
    pages, needed = front_pages.required(domain, repo, locale)
    return [(state, unit) for state, unit in found.missing if needed(unit)], pages


# --- the term base ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """A glossary term and its standard Chinese form, with the form's source and whether it has been checked;
    ``other_senses`` are the English phrases in which the word means something else (the ``not:`` phrases of its
    glossary entry), which the check skips."""

    english: str
    chinese: str
    source: str
    note: str
    checked: bool
    other_senses: tuple[str, ...] = ()


def terms(repo: Path = REPO, locale: str = LOCALE) -> list[Term]:
    """The term base, ``locale/zh_CN/terms.csv`` (columns: english, chinese, source, status, note), each row with
    the other senses its glossary entry names (``<!-- forms: margin | not: a margin taken -->``: a tile's margin is
    not an SVM's)."""
    from authoring import glossary

    path = repo / FOLDER / locale / "terms.csv"
    with path.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    senses: dict[str, tuple[str, ...]] = {}
    text = (repo / GLOSSARY).read_text(encoding="utf-8")
    for entry in glossary.entries(text):
        for form in (entry.term, *entry.forms):
            senses[form.lower()] = senses.get(form.lower(), ()) + entry.other_senses
    return [
        Term(
            r["english"],
            r["chinese"],
            r["source"],
            r["note"],
            r["status"] == "checked",
            senses.get(r["english"].lower(), ()),
        )
        for r in rows
    ]


def term_pattern(english: str) -> re.Pattern[str]:
    """The English term as a whole word or phrase, in any case, singular or plural.

    Example:
        >>> found = term_pattern("loss function").search("Two Loss functions.")
        >>> bool(found), bool(term_pattern("loss").search("lossy"))
        (True, False)
    """
    words = r"\s+".join(re.escape(w) for w in english.split())
    return re.compile(rf"(?<![\w-]){words}(?:s|es)?(?![\w-])", re.IGNORECASE)


def term_problems(catalog: Catalog, base: list[Term], where: str = "", code_kept: bool = False) -> list[str]:
    """Translated units whose English prose holds a checked term and whose translation lacks its Chinese form. Code
    is not prose: a term in a fenced block or in backticks (``padding=0``) is an identifier, kept as written. A term
    inside one of its other senses (``tiles images with a margin taken from the receptive field``) is not the term.
    ``code_kept``: the library's messages, whose code is not in backticks (``output_size(n=28, padding=1)``): a term
    that the translation keeps as written, each time the English has it, is an identifier.

    Example:
        >>> from babel.messages.catalog import Catalog
        >>> catalog = Catalog(locale="zh_CN")
        >>> _ = catalog.add("Tiles with a margin taken from the field.", "分块时四周多取一圈。", context="a")
        >>> _ = catalog.add("The widest margin.", "最宽的边界。", context="b")
        >>> term_problems(catalog, [Term("margin", "间隔", "", "", True, ("a margin taken",))])
        ["b: 'margin' is not translated '间隔'"]
    """
    from authoring.glossary import pattern as phrase_pattern

    problems = []
    patterns = [(t, term_pattern(t.english), [phrase_pattern(p) for p in t.other_senses]) for t in base if t.checked]
    for message in catalog:
        if not message.id or not message.string or message.fuzzy:
            continue
        prose = re.sub(r"^\s*(`{3,}|~{3,}).*?^\s*\1|`[^`\n]*`", "", message.id, flags=re.DOTALL | re.MULTILINE)
        for term, pattern, others in patterns:
            text = prose
            for other in others:
                text = other.sub(" ", text)
            found = pattern.findall(text)
            if not found or term.chinese in message.string:
                continue
            if code_kept and all(message.string.count(word) >= found.count(word) for word in found):
                continue
            problems.append(f"{where}{message.context or message.id[:40]}: {term.english!r} is not translated "
                            f"{term.chinese!r}")  # fmt: skip
    return problems


# --- the command -----------------------------------------------------------------------------------------------------


def _domains(name: str | None, repo: Path) -> list[str]:
    if name is None:
        return catalog_domains(repo)
    domain_units(name, repo)  # an unknown name raises
    return [name]


def main(argv: list[str] | None = None, repo: Path = REPO) -> int:
    parser = argparse.ArgumentParser(prog="python -m authoring translations", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="action", required=True)
    up = commands.add_parser("update", help="merge the English units into the templates and catalogs")
    up.add_argument("name", nargs="?", help=f"a chapter's name or one of {', '.join(SHARED)} (default: every catalog)")
    st = commands.add_parser("status", help="translated, fuzzy and untranslated units of each catalog")
    st.add_argument("name", nargs="?", help="a chapter's name or a shared domain (default: every catalog)")
    st.add_argument("--list", action="store_true", help="list the units without a current translation")
    args = parser.parse_args(argv)
    try:
        domains = _domains(args.name, repo)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not domains:
        print(f"no catalogs yet: start one with {UPDATE} NAME (a chapter's name, or one of {', '.join(SHARED)})")
        return 0
    if args.action == "update":
        for domain in domains:
            changed = update(domain, repo)
            print(f"{catalog_path(domain, repo).relative_to(repo)}: {'updated' if changed else 'already current'}")
        return 0
    for domain in domains:
        found = status(domain, repo)
        print(
            f"{domain:32} {len(found.translated):4} translated  {len(found.fuzzy):4} fuzzy  "
            f"{len(found.untranslated) + len(found.new):4} untranslated"
            + (f"  ({len(found.new)} not in the catalog yet: run {UPDATE} {domain})" if found.new else "")
        )
        if args.list:
            for state, unit in found.missing:
                print(f"    [{state}] {unit.context} ({unit.where}): {unit.words()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
