"""The notebooks' kernels under the tests are reached over Unix sockets (see the repository's ``conftest.py``)."""

from __future__ import annotations

import glob
import os
import subprocess
from pathlib import Path

import pytest

nbval_kernel = pytest.importorskip("nbval.kernel")

posix_only = pytest.mark.skipif(os.name != "posix", reason="ZeroMQ's ipc transport exists only on POSIX systems")


@posix_only
def test_nbval_kernels_use_unix_sockets_with_an_absolute_path_and_leave_none_behind(tmp_path: Path) -> None:
    manager, client = nbval_kernel.start_new_kernel(
        kernel_name=nbval_kernel.CURRENT_ENV_KERNEL_NAME, cwd=str(tmp_path), stderr=subprocess.DEVNULL
    )
    try:
        assert manager.transport == "ipc"
        assert os.path.isabs(manager.ip)
        assert len(manager.ip) + len("-99999") < 100  # a Unix socket's path holds about 100 bytes
        assert len(glob.glob(manager.ip + "-*")) == 5  # shell, iopub, stdin, control, heartbeat
        reply = client.execute_interactive("x = 6 * 7", timeout=60)
        assert reply["content"]["status"] == "ok"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert glob.glob(manager.ip + "-*") == []
    assert list(tmp_path.iterdir()) == []  # nothing in the notebook's folder either


@posix_only
def test_each_kernel_gets_its_own_socket_path() -> None:
    first, second = nbval_kernel.KernelManager(), nbval_kernel.KernelManager()
    assert first.ip != second.ip


def test_a_chosen_transport_is_kept() -> None:
    manager = nbval_kernel.KernelManager(transport="tcp")
    assert manager.transport == "tcp"
    assert manager.ip in ("127.0.0.1", "localhost")


@posix_only
def test_the_graders_kernel_sockets_go_to_the_folder_the_runner_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from medlearn.classroom._child import _kernel_manager_class

    monkeypatch.setenv("MEDLEARN_KERNEL_SOCKETS", str(tmp_path))
    manager = _kernel_manager_class()(kernel_name="python3")
    assert manager.transport == "ipc"
    assert Path(manager.ip).parent == tmp_path
