"""course.py's setup and what it installs: every test that runs course.py's setup (which writes .venv's
JupyterLab and server settings) or reads those settings, in one file, so that pytest-xdist's
``--dist loadfile`` runs them on one worker, one after the other. JupyterLab as course.py lab and Binder
start it: no news pop-up, Markdown (START_HERE.md) as a preview, and no medlearn.egg-info in the file browser;
``course.py doctor``; a handout with its data."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import REPO, free_port

from medlearn.data import FILE_DATASETS

OVERRIDES = REPO / "lab" / "overrides.json"
SERVER_CONFIG = REPO / "lab" / "jupyter_server_config.json"


def _ask_server(app: str, options: list[str], path: str, env: dict | None = None) -> object:
    """Start ``jupyter APP`` on a free local port with ``options``, return the JSON it serves at ``path``."""
    port = free_port()
    command = [sys.executable, "-m", "jupyter", app, "--no-browser", f"--ServerApp.port={port}"]
    command += ["--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", *options]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
                    return json.load(r)
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a server slow to stop under load: what it served above is the answer
            server.kill()
            server.wait(timeout=30)


def _settings(app_settings_dir: Path, plugin: str) -> dict:
    """The defaults JupyterLab serves for a plugin's settings (its schema's, after the overrides)."""
    options = [f"--LabApp.app_settings_dir={app_settings_dir}", f"--ServerApp.root_dir={REPO}"]
    properties = _ask_server("lab", options, f"/lab/api/settings/{plugin}")["schema"]["properties"]
    return {key: value.get("default") for key, value in properties.items()}


def test_the_shipped_overrides_turn_off_news_and_open_markdown_as_a_preview(tmp_path: Path) -> None:
    shutil.copyfile(OVERRIDES, tmp_path / "overrides.json")
    news = _settings(tmp_path, "@jupyterlab/apputils-extension:notification")
    assert news["fetchNews"] == "false" and news["checkForUpdates"] is False
    viewers = _settings(tmp_path, "@jupyterlab/docmanager-extension:plugin")["defaultViewers"]
    assert viewers["markdown"] == "Markdown Preview"


def test_without_the_overrides_jupyterlab_would_ask_about_news(tmp_path: Path) -> None:
    """The override is what changes it: JupyterLab's own default asks ("none")."""
    assert _settings(tmp_path, "@jupyterlab/apputils-extension:notification")["fetchNews"] == "none"


def _made_by_course_py() -> bool:
    """Whether this is the .venv that course.py's setup made (it leaves its stamp; a venv made by hand does not)."""
    venv = REPO / ".venv"
    return Path(sys.prefix).resolve() == venv.resolve() and (venv / "medlearn-installed.txt").exists()


def test_course_py_installs_the_overrides_where_jupyterlab_reads_them() -> None:
    if not _made_by_course_py():
        pytest.skip("not running in the .venv that course.py made")
    from jupyterlab.commands import get_app_dir

    installed = Path(get_app_dir()) / "settings" / "overrides.json"
    assert installed.read_text() == OVERRIDES.read_text()


def test_binder_and_course_py_open_the_start_page() -> None:
    assert "default_url=/lab/tree/START_HERE.md" in (REPO / "course.py").read_text()
    assert "lab/overrides.json" in (REPO / "postBuild").read_text()
    assert "lab/jupyter_server_config.json" in (REPO / "postBuild").read_text()  # Binder hides the egg-info too
    assert "lab/tree/START_HERE.md" in (REPO / "README.md").read_text()


def _listing(tmp_path: Path, *options: str) -> list[str]:
    """What Jupyter's file browser lists in a folder like the course's, with no configuration but ``options``."""
    root = tmp_path / "course"
    for folder in ("notebooks", "medlearn.egg-info", "__pycache__"):
        (root / folder).mkdir(parents=True)
    (root / "medlearn.egg-info" / "PKG-INFO").write_text("Name: medlearn\n")
    # No user, environment or system configuration: only what the options give.
    env = {**os.environ, "JUPYTER_NO_CONFIG": "1", "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    content = _ask_server("server", [f"--ServerApp.root_dir={root}", *options], "/api/contents", env)["content"]
    return sorted(item["name"] for item in content)


def test_the_shipped_server_config_hides_the_egg_info_and_what_jupyter_hides_anyway(tmp_path: Path) -> None:
    assert _listing(tmp_path, f"--config={SERVER_CONFIG}") == ["notebooks"]


def test_without_the_server_config_the_file_browser_lists_the_egg_info(tmp_path: Path) -> None:
    """The config is what hides it: Jupyter's own default lists it (and hides __pycache__)."""
    assert _listing(tmp_path) == ["medlearn.egg-info", "notebooks"]


def test_course_py_installs_the_server_config_where_jupyter_reads_it() -> None:
    from jupyter_server.serverapp import ServerApp

    assert ServerApp().config_file_name == SERVER_CONFIG.stem  # the name Jupyter's server looks for
    if not _made_by_course_py():
        pytest.skip("not running in the .venv that course.py made")
    from jupyter_core.paths import jupyter_config_path

    folder = Path(sys.prefix) / "etc" / "jupyter"
    assert str(folder) in jupyter_config_path()
    assert (folder / SERVER_CONFIG.name).read_text() == SERVER_CONFIG.read_text()


def test_course_py_doctor_runs_the_report() -> None:
    """The classroom command, as the README gives it (CI runs it too, in .ci/run)."""
    result = subprocess.run(
        [sys.executable, "course.py", "doctor", "--quick"], capture_output=True, text=True, cwd=REPO, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All checks passed" in result.stdout


def test_a_handout_with_data_copies_the_verified_files(tmp_path: Path) -> None:
    from test_handout import handout_command, leaks  # the handout's own checks (tests/ is on sys.path)

    target = tmp_path / "with-data"
    result = handout_command(target, "--with-data")
    assert result.returncode == 0, result.stdout + result.stderr
    names = sorted(p.name for p in (target / "data").iterdir())
    assert {"CHASEDB1.zip", "BCCD_Dataset.zip", "breastmnist.npz", "retinamnist.npz"} <= set(names)
    assert {file for dataset in FILE_DATASETS.values() for file in dataset.filenames} <= set(names)  # pet, isles22 too
    assert not any((target / "data" / name).is_symlink() for name in names)  # copies, each checked as it landed
    assert result.stdout.count("ok ") >= len(names)  # medlearn data verify, file by file
    assert leaks(target) == []


def test_the_two_commands_keep_pip_settings_and_data_mirror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's set-up from mainland China: ``course.py lab`` and ``course.py test`` pass no package index and no
    environment of their own to pip, JupyterLab or pytest. So a PyPI mirror named in pip's own settings (``pip config
    set global.index-url``, or ``PIP_INDEX_URL``) reaches every pip they run, and ``MEDLEARN_MIRROR`` reaches every
    kernel (tests/library/test_data_mirror.py serves a mirror from a local server)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("course_under_test", REPO / "course.py")
    assert spec is not None and spec.loader is not None
    course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course)
    python = tmp_path / "venv" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.touch()
    calls: list[tuple[list[str], dict]] = []

    def record(command: list[str], **options: object) -> subprocess.CompletedProcess:
        calls.append((command, options))
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(course, "venv_python", lambda: python)
    monkeypatch.setattr(course, "STAMP", tmp_path / "venv" / "stamp")
    monkeypatch.setattr(course, "install_file", lambda source, folder: None)
    monkeypatch.setattr(course.subprocess, "run", record)
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")
    monkeypatch.setenv("MEDLEARN_MIRROR", "http://127.0.0.1:9")
    monkeypatch.setenv("MEDLEARN_STRICT_CLAIMS", "1")  # restored after the test, as course.py test sets it
    course.main(["lab"])
    course.main(["test", "-q"])
    installs = [command for command, _ in calls if command[1:4] == ["-m", "pip", "install"]]
    assert len(installs) == 4, calls  # pip itself, then the course (again for test's extra "site")
    # The course is installed without pip's one-core compiling, and byte-compiled on every core right after.
    after = [calls[i + 1][0] for i, (c, _) in enumerate(calls) if c[1:4] == ["-m", "pip", "install"] and "-e" in c]
    assert len(after) == 2 and all("--no-compile" in c for c in installs if "-e" in c), calls
    assert all(c[1:] == ["-c", course.COMPILE] for c in after), after
    rest = [c[1:4] for c, _ in calls if "pip" not in c and c[1:] != ["-c", course.COMPILE]]
    assert rest == [["-m", "jupyter", "lab"], ["-m", "pytest", "-n"]]
    overriding = ("--index-url", "-i", "--extra-index-url", "--no-index", "--isolated", "--find-links", "--config")
    for command, options in calls:
        assert not [a for a in command if a.startswith(overriding)], command
        assert set(options) <= {"cwd"}, options  # the environment is inherited
    assert os.environ["PIP_INDEX_URL"] == "http://127.0.0.1:9/simple" and os.environ["MEDLEARN_MIRROR"]
