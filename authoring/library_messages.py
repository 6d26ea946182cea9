"""The library's own messages (domain ``medlearn``): the exercise checks' lines, hints and messages in Chinese.

    python -m authoring translations update medlearn    # the templates marked tr("...") into the catalog
    python -m authoring translations status medlearn --list

**Extraction.** Every English template that ``medlearn/`` passes to :func:`medlearn._messages.tr` (Babel's Python
extractor, keyword ``tr``) is a message of ``locale/zh_CN/LC_MESSAGES/medlearn.po``: its msgid is the template (values
as ``{name}`` fields, with their format: ``{got:.3g}``), with no context (one English, one translation), and its
references say where it is used. A template with fields is flagged ``python-brace-format``, so that ``msgfmt
--check-format`` (Poedit's check) finds a translation that lost or misspelt one.

**A message's chapter** is read from its references: ``medlearn/check/<chapter>/...`` is that chapter's, anything
else (``medlearn/check/core.py``: "not done yet", the hint lines) is every chapter's. The gate
(:func:`authoring.translations.drift`) fails on a message without a current translation (new, untranslated or
fuzzy) that a chapter with a Chinese edition uses, and on a translation whose fields are not the template's; the
messages of a chapter without an edition may wait.

**At run time** the package reads ``medlearn/locale/zh_CN/LC_MESSAGES/medlearn.mo`` (package data, in the wheel),
which the build compiles from the catalog (:func:`build_compiled`; only current translations) and ``check`` finds
stale (:func:`stale_compiled`, by what it holds, not by its bytes).

**The Chinese exercises' stored outputs** are the English exercises' with each check line translated through the
same catalog (:func:`translated_output`): a line ``<icon> <task>: <message>`` whose message is a template filled with
values is written again from the template's translation with the same values. No notebook is executed to make an
edition, so its other outputs stay the English ones byte for byte; a test runs one Chinese exercise in Chinese and
compares what the kernel prints with these lines (``tests/course/test_translations.py``).

Example:
    >>> chapter_of("medlearn/check/convolution/_output_size.py"), chapter_of("medlearn/check/core.py")
    ('convolution', None)
    >>> fields("you returned {got:.3g}; expected {want!r} ({{literal}})")
    ['got:.3g', 'want!r']
"""

from __future__ import annotations

import functools
import gettext
import io
import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo

DOMAIN = "medlearn"
LOCALE = "zh_CN"
KEYWORDS: dict[str, None] = {"tr": None}  # the first argument: the template
#: The compiled catalog the package reads, relative to the repository.
COMPILED = Path("medlearn") / "locale" / "{locale}" / "LC_MESSAGES" / f"{DOMAIN}.mo"
#: The icons that begin a check's line (``⏳ to_hounsfield: not done yet. ...``).
ICONS = ("✅", "❌", "⏳")


@dataclass(frozen=True)
class Message:
    """One template of the library: its English and where it is used (``path``, ``line``)."""

    text: str
    places: tuple[tuple[str, int], ...]

    @property
    def where(self) -> str:
        """Its places on one line, ``path:line`` each."""
        return " ".join(f"{path}:{line}" for path, line in self.places)


def extract(repo: Path) -> list[Message]:
    """Every template marked ``tr("...")`` under ``repo/medlearn``, each once, in the order first met, with every place.

    Example:
        >>> from authoring._paths import REPO
        >>> any(m.text == "correct." for m in extract(REPO))
        True
    """
    places: dict[str, list[tuple[str, int]]] = {}
    found = extract_from_dir(repo / "medlearn", method_map=[("**.py", "python")], keywords=KEYWORDS)
    for filename, line, text, _, _ in sorted(found, key=lambda item: (item[0], item[1])):
        if isinstance(text, str) and text:
            places.setdefault(text, []).append((f"medlearn/{Path(filename).as_posix()}", line))
    return [Message(text, tuple(where)) for text, where in places.items()]


def chapter_of(path: str) -> str | None:
    """The chapter whose checks hold ``path`` (``medlearn/check/<chapter>/...``), or None for a file every chapter uses.

    Example:
        >>> chapter_of("medlearn/check/medical_images/_deidentify.py:75")
        'medical_images'
    """
    parts = path.split(":")[0].split("/")
    return parts[2] if len(parts) > 3 and parts[:2] == ["medlearn", "check"] else None


def needed(where: str, chapters: Iterable[str]) -> bool:
    """True when a message used at ``where`` (places on one line) must be translated: a chapter of ``chapters`` (those
    with an edition) uses it, or a file that every chapter uses.

    Example:
        >>> needed("medlearn/check/core.py:90", []), needed("medlearn/check/scale/__init__.py:5", ["convolution"])
        (True, False)
    """
    wanted = set(chapters)
    return any(chapter_of(place) is None or chapter_of(place) in wanted for place in where.split())


def fields(template: str) -> list[str]:
    """The fields of a brace template, each with its conversion and format (``got:.3g``), in order."""
    return [
        name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
        for _, name, spec, conversion in string.Formatter().parse(template)
        if name is not None
    ]


def field_problems(catalog: Catalog) -> list[str]:
    """Translations whose fields are not their template's (a value would be lost, or the message fail to format).

    Example:
        >>> catalog = Catalog(locale="zh_CN")
        >>> _ = catalog.add("{n} of {count}", "第 {n} 个")
        >>> field_problems(catalog)
        ["'{n} of {count}': the translation's fields ['n'] are not the template's ['count', 'n']"]
    """
    problems = []
    for message in catalog:
        if not message.id or not message.string or message.fuzzy:
            continue
        try:
            want, got = sorted(fields(message.id)), sorted(fields(message.string))
        except ValueError as error:
            problems.append(f"{message.id[:60]!r}: {error}")
            continue
        if want != got:
            problems.append(f"{message.id[:60]!r}: the translation's fields {got} are not the template's {want}")
    return problems


# --- the compiled catalog --------------------------------------------------------------------------------------------


def compiled_path(repo: Path, locale: str = LOCALE) -> Path:
    return repo / str(COMPILED).format(locale=locale)


def current(catalog: Catalog) -> dict[str, str]:
    """The current translations of a catalog: msgid to msgstr, not fuzzy, not empty."""
    return {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}


def build_compiled(repo: Path, locale: str = LOCALE) -> bool:
    """Compile the catalog into the package's ``.mo`` when what it holds differs; True when written."""
    from authoring import translations

    po = translations.catalog_path(DOMAIN, repo, locale)
    if not po.exists() or not stale_compiled(repo, locale):
        return False
    buffer = io.BytesIO()
    write_mo(buffer, translations.read_catalog(po, locale), use_fuzzy=False)
    path = compiled_path(repo, locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return True


def stale_compiled(repo: Path, locale: str = LOCALE) -> list[str]:
    """The compiled catalog, when it is missing or holds other translations than the catalog's current ones."""
    from authoring import translations

    po = translations.catalog_path(DOMAIN, repo, locale)
    path = compiled_path(repo, locale)
    if not po.exists():
        return [f"{path.relative_to(repo)}: left from a catalog that is gone"] if path.exists() else []
    if not path.exists():
        return [f"{path.relative_to(repo)}: missing"]
    with path.open("rb") as file:
        held = {k: v for k, v in gettext.GNUTranslations(file)._catalog.items() if k}  # msgid: msgstr, no header
    if held != current(translations.read_catalog(po, locale)):
        return [f"{path.relative_to(repo)}: not what {po.relative_to(repo)} compiles to"]
    return []


# --- the Chinese exercises' stored outputs ---------------------------------------------------------------------------


@functools.cache  # the same few hundred templates are tried on every check line: compile each once
def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression that matches what ``template`` makes, each field a named group."""
    pattern, names = "", set()
    for literal, name, _, _ in string.Formatter().parse(template):
        pattern += re.escape(literal)
        if name is not None:
            group = re.sub(r"\W", "_", name)
            pattern += f"(?P={group})" if group in names else f"(?P<{group}>.+?)"
            names.add(group)
    return re.compile(pattern + r"\Z", re.DOTALL)


@functools.cache
def _plain(template: str) -> str:
    """``template`` with each field's conversion and format dropped: the values it is filled with are already text."""
    return "".join(
        literal.replace("{", "{{").replace("}", "}}") + ("" if name is None else "{" + re.sub(r"\W", "_", name) + "}")
        for literal, name, _, _ in string.Formatter().parse(template)
    )


def translate_message(message: str, translations: dict[str, str]) -> str | None:
    """``message`` (what an English template made) in the translation of its template, with the same values; None
    when no translated template makes it, or when two make it in different words.

    Example:
        >>> translate_message("hint 2 of 3", {"hint {n} of {count}": "提示 {n}/{count}"})
        '提示 2/3'
    """
    found = set()
    for template, translation in translations.items():
        match = _pattern(template).match(message)
        if match is None or _plain(template).format(**match.groupdict()) != message:
            continue
        # A value that is itself a message (``{what}``: "your result") is shown translated too, as medlearn shows it.
        values = {k: translations.get(v, v) for k, v in match.groupdict().items()}
        found.add(_plain(translation).format(**values))
    return found.pop() if len(found) == 1 else None


def _check_lines(text: str) -> list[tuple[int, str, str]]:
    """Each check line of an output's text: its index, its head (icon and task) and its message."""
    found = []
    for index, line in enumerate(text.split("\n")):
        head, colon, message = line.partition(": ")
        if colon and head[:1] in ICONS and " " in head:
            found.append((index, head, message))
    return found


def untranslated_lines(text: str, translations: dict[str, str]) -> list[str]:
    """The check lines of an English output's text that no translated template makes.

    Example:
        >>> untranslated_lines("✅ f: correct.\\n❌ f: no.\\n", {"correct.": "正确。"})
        ['❌ f: no.']
    """
    return [
        f"{head}: {message}"
        for _, head, message in _check_lines(text)
        if translate_message(message, translations) is None
    ]


def translated_output(text: str, translations: dict[str, str]) -> str:
    """A stored output's text with each check line (``⏳ to_hounsfield: not done yet. ...``) translated; the other
    lines, and a check line no translation makes, as they are.

    Example:
        >>> translated_output("⏳ f: not done yet.\\n42\\n", {"not done yet.": "尚未完成。"})
        '⏳ f: 尚未完成。\\n42\\n'
    """
    lines = text.split("\n")
    for index, head, message in _check_lines(text):
        translated = translate_message(message, translations)
        if translated is not None:
            lines[index] = f"{head}: {translated}"
    return "\n".join(lines)
