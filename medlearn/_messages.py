"""The library's messages in the learner's language: an English template, its values, and a gettext catalog.

A message is written once, in English, as a template with named values: ``tr("you returned {got:.3g}.", got=x)``.
:func:`tr` is the one marker: ``python -m authoring translations update medlearn`` extracts every template it is
called with (Babel's extractor, keyword ``tr``) into the catalog ``locale/zh_CN/LC_MESSAGES/medlearn.po``, whose
msgid is the English template exactly. The build compiles it into ``medlearn/locale/zh_CN/LC_MESSAGES/medlearn.mo``,
shipped in the wheel, which the standard library's :mod:`gettext` reads here.

``tr`` returns a :class:`Text`: a ``str`` that holds the English message (so an English output, a comparison in a
test or an exception's message stays what it was), and that keeps its template and values, so that :func:`shown`
writes it in the learner's language (:func:`medlearn._language.language`) when it is printed. The values are put
into the translated template after translation, formatted as the template says (``{got:.3g}``); a value that is
itself a :class:`Text` is shown in the same language. A template without a current translation is shown in English.

Example:
    >>> message = tr("your fraction is {value:.3g}; expected {want:.3g}.", value=0.25, want=1 / 3)
    >>> message
    'your fraction is 0.25; expected 0.333.'
    >>> shown(message, "en")
    'your fraction is 0.25; expected 0.333.'
    >>> shown("a plain text stays as it is", "zh_CN")
    'a plain text stays as it is'
"""

from __future__ import annotations

import gettext
from functools import cache
from pathlib import Path
from typing import Any

from medlearn._language import CHINESE, ENGLISH, language

__all__ = ["LOCALE_DIR", "Text", "shown", "tr"]

#: Where the compiled catalogs live, inside the package: ``<language>/LC_MESSAGES/medlearn.mo``.
LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "medlearn"


class Text(str):
    """A message: the English text (its ``str`` value), with the template and values it was made from.

    Example:
        >>> text = Text("{n} of {count}", {"n": 1, "count": 3})
        >>> text, text.template, text.values
        ('1 of 3', '{n} of {count}', {'n': 1, 'count': 3})
    """

    template: str
    values: dict[str, Any]

    def __new__(cls, template: str, values: dict[str, Any] | None = None) -> Text:
        values = dict(values or {})
        text = super().__new__(cls, template.format(**values))
        text.template, text.values = template, values
        return text

    def __getnewargs__(self) -> tuple[str, dict[str, Any]]:  # type: ignore[override]  # a copy keeps the template
        return self.template, self.values


def tr(template: str, /, **values: Any) -> Text:
    """Mark ``template`` (English, with ``{name}`` fields) for translation and fill it with ``values``.

    The template must be a string literal at the call, so that the catalog's extractor finds it.

    Example:
        >>> tr("hint {n} of {count}", n=1, count=3)
        'hint 1 of 3'
    """
    return Text(template, values)


@cache
def catalog(lang: str) -> gettext.NullTranslations:
    """The compiled catalog of ``lang`` (an empty one for English, or when none is installed).

    Example:
        >>> catalog("en").gettext("correct.")
        'correct.'
    """
    if lang == ENGLISH:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang], fallback=True)


def shown(text: object, lang: str | None = None) -> str:
    """``text`` as the learner reads it: a :class:`Text` in ``lang`` (default: the learner's language), anything else
    as ``str`` makes it. A translation whose fields do not fit its values falls back to the English.

    Example:
        >>> shown(tr("{task}: correct.", task="output_size"), "en")
        'output_size: correct.'
    """
    if not isinstance(text, Text):
        return str(text)
    lang = language() if lang is None else lang
    if lang != CHINESE:
        return str.__str__(text)
    values = {name: shown(value, lang) if isinstance(value, Text) else value for name, value in text.values.items()}
    translated = catalog(lang).gettext(text.template)
    try:
        return translated.format(**values)
    except (KeyError, IndexError, ValueError):
        return str.__str__(text)
