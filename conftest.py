"""Loaded by pytest for every run inside the repository, whether it is given the tests, the notebooks or one
exercise: the notebooks' kernels are reached over Unix sockets where the system has them, and with several test
workers each kernel computes on one thread (ONE_THREAD below).

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


#: With several test workers, each notebook's kernel (and each worker) computes on one thread: the workers already
#: fill the cores, and two kernels that each start a thread per core make four threads share two cores, which wastes
#: their time in switching (measured here: two training chapters side by side took 74 s, 65 s on one thread each).
#: One thread instead of several is also one more order of summation that the compared cells must survive; a run
#: with one worker (``-n 0``) keeps the libraries' own default, as a learner's kernel has it.
#: ``LOKY_MAX_CPU_COUNT`` is joblib's count of usable cores: with it at 1, ``n_jobs=-1`` (scikit-learn's
#: cross-validation and forests) and medlearn's feature extraction compute in the kernel itself instead of starting
#: a pool of worker processes on cores that are already full (measured: the random-forest chapter as a script took
#: 59.5 CPU-seconds with its pools and 43.9 without, with the same output).
ONE_THREAD = (
    "TF_NUM_INTRAOP_THREADS",
    "TF_NUM_INTEROP_THREADS",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "LOKY_MAX_CPU_COUNT",
)
if int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1")) > 1:
    for _variable in ONE_THREAD:
        os.environ.setdefault(_variable, "1")
    if os.environ["OMP_NUM_THREADS"] == "1":  # the worker's own BLAS, loaded before this file
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1)
