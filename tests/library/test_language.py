"""The learner's language (``medlearn._language``): the variable first, then the notebook's folder, then English."""

from __future__ import annotations

import sys
import types

import pytest

from medlearn import _language
from medlearn._language import language

CHINESE_NOTEBOOK = "/home/learner/medlearn/exercises/zh_CN/medical_images.ipynb"
ENGLISH_NOTEBOOK = "/home/learner/medlearn/exercises/medical_images.ipynb"


@pytest.mark.parametrize(
    ("environ", "notebook", "expected"),
    [
        ({"MEDLEARN_LANGUAGE": "zh_CN"}, None, "zh_CN"),
        ({"MEDLEARN_LANGUAGE": " zh_CN "}, None, "zh_CN"),
        ({"MEDLEARN_LANGUAGE": "en", "JPY_SESSION_NAME": CHINESE_NOTEBOOK}, CHINESE_NOTEBOOK, "en"),  # it wins
        ({"MEDLEARN_LANGUAGE": "chinese", "JPY_SESSION_NAME": ENGLISH_NOTEBOOK}, None, "en"),  # unknown: ignored
        ({"MEDLEARN_LANGUAGE": "", "JPY_SESSION_NAME": CHINESE_NOTEBOOK}, None, "zh_CN"),
        ({"JPY_SESSION_NAME": CHINESE_NOTEBOOK}, None, "zh_CN"),  # jupyter_server 2+
        ({"JPY_SESSION_NAME": "exercises/zh_CN/convolution.ipynb"}, None, "zh_CN"),  # a path from the server root
        ({"JPY_SESSION_NAME": ENGLISH_NOTEBOOK}, None, "en"),
        ({"JPY_SESSION_NAME": "/home/learner/zh_CN.ipynb"}, None, "en"),  # a file's name is not its folder
        ({}, CHINESE_NOTEBOOK, "zh_CN"),  # VS Code
        ({}, "C:\\Users\\learner\\medlearn\\exercises\\zh_CN\\how_networks_learn.ipynb", "zh_CN"),
        ({"JPY_SESSION_NAME": ENGLISH_NOTEBOOK}, CHINESE_NOTEBOOK, "zh_CN"),
        ({}, ENGLISH_NOTEBOOK, "en"),
        ({}, "", "en"),
    ],
)
def test_the_language_comes_from_the_variable_then_the_notebook_s_folder(
    environ: dict[str, str], notebook: str | None, expected: str
) -> None:
    assert language(environ, notebook if notebook is not None else "") == expected


def test_the_default_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.setenv("MEDLEARN_LANGUAGE", "zh_CN")
    assert language() == "zh_CN"
    monkeypatch.delenv("MEDLEARN_LANGUAGE")
    monkeypatch.setenv("JPY_SESSION_NAME", CHINESE_NOTEBOOK)
    assert language() == "zh_CN"
    monkeypatch.setenv("JPY_SESSION_NAME", ENGLISH_NOTEBOOK)
    assert language() == "en"


def test_vs_code_s_notebook_is_read_from_ipython_s_namespace(monkeypatch: pytest.MonkeyPatch) -> None:
    """VS Code's Jupyter extension sets ``__vsc_ipynb_file__`` in the user's namespace; without IPython running, or
    without the name, the notebook is unknown and the language English."""
    monkeypatch.delenv("MEDLEARN_LANGUAGE", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    shell = types.SimpleNamespace(user_ns={"__vsc_ipynb_file__": CHINESE_NOTEBOOK})
    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: shell  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert _language._vscode_notebook() == CHINESE_NOTEBOOK and language() == "zh_CN"
    shell.user_ns = {}
    assert language() == "en"
    fake.get_ipython = lambda: None  # type: ignore[attr-defined]
    assert _language._vscode_notebook() is None and language() == "en"
    monkeypatch.delitem(sys.modules, "IPython")
    assert _language._vscode_notebook() is None
