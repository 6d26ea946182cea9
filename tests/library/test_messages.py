"""The library's messages (``medlearn._messages``): written in English, shown in the learner's language."""

from __future__ import annotations

import copy
import gettext
import pickle

import numpy as np
import pytest

from medlearn import _messages
from medlearn._messages import Text, shown, tr


def test_a_message_is_its_english_text_with_its_template_and_values() -> None:
    message = tr(
        "you returned {value:.3g}; expected {want!r} in {shape}.", value=np.float64(1 / 3), want="a", shape=(2,)
    )
    assert message == "you returned 0.333; expected 'a' in (2,)." and isinstance(message, str)
    assert message.template == "you returned {value:.3g}; expected {want!r} in {shape}."
    for copied in (copy.deepcopy(message), pickle.loads(pickle.dumps(message))):
        assert copied == message and copied.template == message.template and copied.values == message.values


def test_a_message_is_shown_in_the_language_asked_and_its_values_too() -> None:
    message = tr("{what} is None: did you forget to return it?", what=tr("your result"))
    assert shown(message, "en") == "your result is None: did you forget to return it?"
    assert shown(message, "zh_CN") == "你的结果是 None：是不是忘了用 return 返回？"
    assert shown(tr("correct."), "zh_CN") == "正确。"
    assert shown("plain text", "zh_CN") == "plain text" and shown(3, "en") == "3"


def test_the_learner_s_language_is_read_when_the_message_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    message = tr("correct.")
    monkeypatch.setenv("MEDLEARN_LANGUAGE", "zh_CN")
    assert shown(message) == "正确。"
    monkeypatch.setenv("MEDLEARN_LANGUAGE", "en")
    assert shown(message) == "correct."


def test_a_message_without_a_fitting_translation_is_shown_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return {"{n} of {count}": "第 {m} 个"}.get(message, message)

    monkeypatch.setattr(_messages, "catalog", lambda lang: Broken())
    assert shown(tr("{n} of {count}", n=1, count=3), "zh_CN") == "1 of 3"  # a field misspelt
    assert shown(tr("not in the catalog"), "zh_CN") == "not in the catalog"


def test_the_compiled_catalog_is_read_from_the_package() -> None:
    assert (_messages.LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "medlearn.mo").is_file()
    assert _messages.catalog("en").gettext("correct.") == "correct."
    assert _messages.catalog("zh_CN").gettext("correct.") == "正确。"
    assert isinstance(Text("a"), str) and Text("a").values == {}
