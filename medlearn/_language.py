"""The learner's language, decided without a line of code to change: ``"zh_CN"`` or ``"en"``.

In this order:

1. the environment variable ``MEDLEARN_LANGUAGE``, when set to ``zh_CN`` or ``en`` (any other value is ignored);
2. Chinese when the kernel's notebook lies in a ``zh_CN`` folder (the Chinese exercises are in ``exercises/zh_CN/``).
   Two places name that notebook:

   - ``JPY_SESSION_NAME``, an environment variable of the kernel: jupyter_server 2 and later put the notebook's path
     there when it starts a kernel for it (``SessionManager.get_kernel_env`` in
     ``jupyter_server/services/sessions/sessionmanager.py``), and ipykernel copies it into the user's namespace as
     ``__session__`` (``ipykernel/ipkernel.py``). JupyterLab, Notebook 7 and nbclassic on jupyter_server do so;
   - ``__vsc_ipynb_file__``, a name that VS Code's Jupyter extension sets in the user's namespace to the notebook's
     path. The extension is not a Python package, so no installed source shows it: it is read as other tools read it,
     from IPython's user namespace, and only when it is there;
3. English otherwise (a script, a plain ``python`` session, Colab, a kernel that names no notebook).

The language is decided each time a message is shown, so setting ``MEDLEARN_LANGUAGE`` in a running session takes
effect at the next message.

Example:
    >>> language({"MEDLEARN_LANGUAGE": "zh_CN"})
    'zh_CN'
    >>> language({"JPY_SESSION_NAME": "/home/me/medlearn/exercises/zh_CN/medical_images.ipynb"})
    'zh_CN'
    >>> language({"JPY_SESSION_NAME": "/home/me/medlearn/exercises/medical_images.ipynb"})
    'en'
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import PurePath

__all__ = ["CHINESE", "ENGLISH", "LANGUAGES", "language"]

ENGLISH = "en"
CHINESE = "zh_CN"
LANGUAGES = (ENGLISH, CHINESE)
#: The environment variable that chooses the language outright.
VARIABLE = "MEDLEARN_LANGUAGE"


def _in_chinese_folder(path: object) -> bool:
    """True when ``path`` (a notebook's path, as text) has a folder named ``zh_CN`` above it."""
    if not isinstance(path, str) or not path:
        return False
    return CHINESE in PurePath(path.replace("\\", "/")).parts[:-1]


def _vscode_notebook() -> object:
    """The notebook path that VS Code put in IPython's user namespace, or None (no IPython, or not VS Code)."""
    ipython = sys.modules.get("IPython")  # only a running IPython has a notebook; importing it here would be costly
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "user_ns", {}).get("__vsc_ipynb_file__") if shell is not None else None


def language(environ: Mapping[str, str] | None = None, notebook: object = None) -> str:
    """The learner's language, ``"zh_CN"`` or ``"en"``: ``MEDLEARN_LANGUAGE`` when it names one, else Chinese for a
    notebook in a ``zh_CN`` folder (``JPY_SESSION_NAME``, or VS Code's ``__vsc_ipynb_file__``), else English.

    ``environ`` is the environment (default ``os.environ``) and ``notebook`` the VS Code notebook's path (default: read
    from IPython's user namespace); both are given by the tests.

    Example:
        >>> language({"MEDLEARN_LANGUAGE": "en", "JPY_SESSION_NAME": "exercises/zh_CN/convolution.ipynb"})
        'en'
        >>> language({"MEDLEARN_LANGUAGE": "fr"}, notebook="C:\\\\course\\\\exercises\\\\zh_CN\\\\convolution.ipynb")
        'zh_CN'
    """
    environ = os.environ if environ is None else environ
    chosen = environ.get(VARIABLE, "").strip()
    if chosen in LANGUAGES:
        return chosen
    if _in_chinese_folder(environ.get("JPY_SESSION_NAME")):
        return CHINESE
    if _in_chinese_folder(notebook if notebook is not None else _vscode_notebook()):
        return CHINESE
    return ENGLISH
