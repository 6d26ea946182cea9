"""Loaded by pytest for every run inside the repository, whether it is given the tests, the notebooks or one
exercise: the notebooks' kernels are reached over Unix sockets where the system has them.

nbval starts each kernel on five TCP ports that jupyter_client chose by binding and releasing them. Between that
choice and the kernel's own bind, an outgoing connection anywhere on the machine (another test worker's client
socket, say) can be given one of those ports from the same ephemeral range; the kernel then fails with "Address
already in use" and pytest reports "Kernel died before replying to kernel_info" for every cell of the notebook.
Unix sockets live under the kernel's own connection-file name, so no other process can take them.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from typing import Any

import nbval.kernel
from jupyter_client.manager import KernelManager


class UnixSocketKernelManager(KernelManager):
    """jupyter_client's kernel manager, with the ``ipc`` transport (Unix domain sockets) unless told otherwise.

    The sockets' path is absolute (the kernel runs in its notebook's folder, the client in pytest's) and short (a
    Unix socket's path holds about 100 bytes): the temporary folder and a random name, then ``-1`` to ``-5``.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("transport", "ipc")
        if kwargs["transport"] == "ipc":
            kwargs.setdefault("ip", os.path.join(tempfile.gettempdir(), f"medlearn-kernel-{uuid.uuid4().hex[:12]}"))
        super().__init__(**kwargs)


#: The Chinese editions (``notebooks/zh_CN/``, ``exercises/zh_CN/``) hold the English notebooks' code and stored outputs
#: unchanged (``tests/course/test_translations.py`` checks it), so nbval runs the English ones only.
collect_ignore_glob = ["notebooks/zh_CN/*", "exercises/zh_CN/*"]


if os.name == "posix":  # Windows has no ipc transport in ZeroMQ; its kernels keep TCP
    nbval.kernel.KernelManager = UnixSocketKernelManager
