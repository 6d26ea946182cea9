"""environment.yml installs what pyproject.toml asks for (medlearn's ranges and the extras the course installs), with
constraints.txt, the course's lock, as pip's constraints (tests/course/test_requirements.py checks the lock)."""

from __future__ import annotations

import tomllib

import pytest
import yaml
from helpers import REPO
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

PLATFORMS = {
    "linux x86-64": {"sys_platform": "linux", "platform_machine": "x86_64"},
    "linux aarch64": {"sys_platform": "linux", "platform_machine": "aarch64"},
    "windows": {"sys_platform": "win32", "platform_machine": "AMD64"},
    "macos arm64": {"sys_platform": "darwin", "platform_machine": "arm64"},
}


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def _environment() -> dict:
    return yaml.safe_load((REPO / "environment.yml").read_text())


def _conda_python(env: dict) -> str:
    (spec,) = [d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python=")]
    return spec.split("=", 1)[1]


def _pins(lines: list[str], python: str, platform: dict[str, str]) -> dict[str, str]:
    env = default_environment() | platform | {"python_version": python, "python_full_version": python + ".0"}
    pins = {}
    for line in lines:
        if line.startswith("-"):  # a pip option line (-c constraints.txt)
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate(env):
            pins[canonicalize_name(req.name)] = str(req.specifier)
    return pins


@pytest.mark.parametrize("platform", PLATFORMS)
def test_environment_yml_pins_what_pyproject_pins(platform: str) -> None:
    project = _pyproject()["project"]
    env = _environment()
    python = _conda_python(env)
    (pip_lines,) = [d["pip"] for d in env["dependencies"] if isinstance(d, dict)]
    extras = project["optional-dependencies"]
    from_pyproject = _pins(
        project["dependencies"] + extras["tensorflow"] + extras["lab"] + extras["test"], python, PLATFORMS[platform]
    )
    from_conda = _pins(pip_lines, python, PLATFORMS[platform])
    assert from_conda == from_pyproject


def test_environment_yml_installs_with_the_lock() -> None:
    (pip_lines,) = [d["pip"] for d in _environment()["dependencies"] if isinstance(d, dict)]
    assert pip_lines[0] == "-c constraints.txt"
    assert (REPO / "constraints.txt").is_file()


def test_test_and_site_tools_are_compatible_release_pins() -> None:
    """The tools that only test and build the course keep bug-fix ranges; medlearn's own needs are wider ranges
    (tests/course/test_requirements.py)."""
    extras = _pyproject()["project"]["optional-dependencies"]
    for line in extras["test"] + extras["site"]:
        specifier = str(Requirement(line).specifier)
        assert specifier.startswith("~=") and specifier.count(".") >= 2, line


def test_conda_python_is_supported() -> None:
    python = _conda_python(_environment())
    from packaging.specifiers import SpecifierSet

    assert python in SpecifierSet(_pyproject()["project"]["requires-python"])


def test_exactly_one_tensorflow_everywhere() -> None:
    project = _pyproject()["project"]
    for platform in PLATFORMS.values():
        for python in ("3.11", "3.12", "3.13"):
            pins = _pins(project["dependencies"] + project["optional-dependencies"]["tensorflow"], python, platform)
            assert ("tensorflow" in pins) != ("tensorflow-cpu" in pins), (platform, python)
            assert {"numpy", "keras", "scikit-learn"} <= set(pins)


def test_supported_pythons_are_3_11_to_3_13_with_no_older_branch() -> None:
    from packaging.specifiers import SpecifierSet

    supported = SpecifierSet(_pyproject()["project"]["requires-python"])
    assert [f"3.{m}" for m in range(8, 16) if f"3.{m}" in supported] == ["3.11", "3.12", "3.13"]
    text = (REPO / "pyproject.toml").read_text()
    assert "python_version <" not in text and "python_version >=" not in text  # one pin per package
    course = (REPO / "course.py").read_text()
    assert "SUPPORTED = ((3, 11), (3, 13))" in course and "Python 3.11 to 3.13" in course
