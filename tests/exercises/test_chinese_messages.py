"""The checks in the learner's language: in the chapters whose messages are marked for translation, every line a
check prints (the hints, each typical mistake's message, "not done yet", "correct") is shown in Chinese when the
language is Chinese, and in the same English as before otherwise."""

from __future__ import annotations

import pytest
from helpers import chapter_tasks

from medlearn import _messages
from medlearn._messages import Text, shown
from medlearn.check import (
    cnn_training,
    convolution,
    deployment,
    evaluation,
    how_networks_learn,
    medical_images,
    segmentation,
)
from medlearn.check.core import Mistake, Task

#: The chapters with a Chinese edition whose checks' messages are all marked ``tr(...)`` and translated.
TRANSLATED = (medical_images, convolution, how_networks_learn, cnn_training, evaluation, segmentation, deployment)
TASKS = [task for chapter in TRANSLATED for task in chapter_tasks(chapter)]


def translated(message: object) -> bool:
    """True when ``message`` is marked, its template has a translation in the package's catalog, and so have the
    messages among its values (``{what}``: "your result")."""
    held = _messages.catalog("zh_CN")._catalog  # the compiled catalog's messages, msgid to msgstr
    return (
        isinstance(message, Text)
        and message.template in held
        and all(translated(value) for value in message.values.values() if isinstance(value, Text))
    )


@pytest.mark.parametrize("task", TASKS, ids=lambda task: task.name)
def test_every_hint_is_translated(task: Task) -> None:
    assert all(translated(hint) for hint in task.hints), [str(h) for h in task.hints if not translated(h)]


@pytest.mark.parametrize(
    ("task", "mistake"), [(t, m) for t in TASKS for m in t.mistakes], ids=lambda x: getattr(x, "name", "")
)
def test_every_mistake_s_message_is_translated(task: Task, mistake: Mistake) -> None:
    result = task.run(mistake.answer)
    assert result.mistake == mistake.name and translated(result.message), str(result.message)
    assert shown(result.message, "en") == result.message  # the English, as the English exercises store it


def test_a_check_speaks_the_learner_s_language(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.setenv("MEDLEARN_LANGUAGE", "zh_CN")
    medical_images.to_hounsfield(None)
    medical_images.to_hounsfield.hint(1)
    medical_images.malignant_fraction(lambda labels: "a fraction")
    assert capsys.readouterr().out == (
        "⏳ to_hounsfield: 还没有完成。在写着 'your code here' 的地方写好代码，先运行那个单元格，再运行一次这个检查。"
        "卡住了？运行 check.to_hounsfield.hint()\n"
        "💡 to_hounsfield，提示 1/3：头信息给出两个数：RescaleSlope（重标斜率）和 RescaleIntercept（重标截距）。"
        "HU = 存储值 × 斜率 + 截距。（下一条：check.to_hounsfield.hint(2)）\n"
        "❌ malignant_fraction: 你的比例应当是一个数，而不是 str。\n"
    )
    monkeypatch.setenv("MEDLEARN_LANGUAGE", "en")
    medical_images.to_hounsfield.hint(3)
    assert capsys.readouterr().out == "💡 to_hounsfield, hint 3 of 3: return stored.astype(float) * slope + intercept\n"
