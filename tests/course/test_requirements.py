"""medlearn's ranges (pyproject.toml) and the course's lock (constraints.txt) agree; Colab's versions fit the ranges.

A range runs from the oldest version tested to the next major version after the locked one; the lock pins one
version of every package the course installs, inside its range, and the install paths (course.py, environment.yml,
.ci/run through course.py) read it. ``.ci/colab.txt`` holds the versions Google Colab has: medlearn's ranges must hold
them, so that installing medlearn there changes none of them.
"""

from __future__ import annotations

import re
import tomllib

import pytest
from helpers import REPO
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

# Where the course is installed: the lock's markers choose TensorFlow's package per platform.
PLATFORMS = {
    "linux x86-64": {"sys_platform": "linux", "platform_machine": "x86_64"},
    "linux aarch64": {"sys_platform": "linux", "platform_machine": "aarch64"},
    "windows": {"sys_platform": "win32", "platform_machine": "AMD64"},
    "macos arm64": {"sys_platform": "darwin", "platform_machine": "arm64"},
}
PYTHONS = ("3.11", "3.12", "3.13")
# Calendar versions (year.month.day): no major version to stop before.
CALENDAR_VERSIONED = {"dask"}


def _project() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def _environment(python: str, platform: str) -> dict[str, str]:
    return default_environment() | PLATFORMS[platform] | {"python_version": python, "python_full_version": python}


def _applies(requirement: Requirement, env: dict[str, str], extra: str = "") -> bool:
    return requirement.marker is None or requirement.marker.evaluate(env | {"extra": extra})


def _lines(path: str) -> list[str]:
    text = (REPO / path).read_text()
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _lock(python: str, platform: str) -> dict[str, Version]:
    """The locked version of each package on one platform and Python (one pin each)."""
    pins: dict[str, Version] = {}
    for line in _lines("constraints.txt"):
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        assert spec.operator == "==" and not requirement.extras, f"a lock line pins one version: {line}"
        if _applies(requirement, _environment(python, platform)):
            name = canonicalize_name(requirement.name)
            assert name not in pins, f"{name} is pinned twice on {platform}"
            pins[name] = Version(spec.version)
    return pins


def _ranges(groups: tuple[str, ...] = ("", "tensorflow", "lab", "test", "site")) -> list[tuple[str, Requirement]]:
    """(extra, requirement) for medlearn's dependencies ("") and each extra in ``groups``."""
    project = _project()
    pairs = [("", Requirement(line)) for line in project["dependencies"]] if "" in groups else []
    for extra, lines in project["optional-dependencies"].items():
        pairs += [(extra, Requirement(line)) for line in lines if extra in groups]
    return pairs


def _colab() -> dict[str, Version]:
    pins = {}
    for line in _lines(".ci/colab.txt"):
        name, version = line.split("==")
        pins[canonicalize_name(name)] = Version(version)
    return pins


@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("platform", PLATFORMS)
def test_every_range_has_a_lock_entry_that_it_holds(platform: str, python: str) -> None:
    lock = _lock(python, platform)
    env = _environment(python, platform)
    for extra, requirement in _ranges():
        if not _applies(requirement, env, extra):
            continue
        name = canonicalize_name(requirement.name)
        assert name in lock, f"{name} ({extra or 'dependencies'}) has no version in constraints.txt"
        assert requirement.specifier.contains(lock[name]), f"{name}=={lock[name]} is outside {requirement.specifier}"


def test_runtime_ranges_run_from_a_minimum_to_the_next_major_version() -> None:
    lock = _lock("3.11", "linux x86-64") | _lock("3.11", "macos arm64")
    for extra, requirement in _ranges(("", "tensorflow", "lab")):
        name = canonicalize_name(requirement.name)
        bounds = {spec.operator: Version(spec.version) for spec in requirement.specifier}
        assert set(bounds) in ({">=", "<"}, {">="}), f"{name} ({extra or 'dependencies'}): {requirement.specifier}"
        if name in CALENDAR_VERSIONED:
            assert "<" not in bounds, name
        else:
            assert bounds["<"] == Version(str(lock[name].major + 1)), f"{name} stops at the next major version"


def test_colab_versions_lie_in_the_ranges_and_are_the_minimums() -> None:
    """Installing medlearn on Colab changes none of Colab's packages, and what Colab has is what is tested."""
    colab = _colab()
    shared = set()
    for _, requirement in _ranges(("", "tensorflow")):
        name = canonicalize_name(requirement.name)
        name = "tensorflow" if name == "tensorflow-cpu" else name  # Colab has the package with CUDA
        if name in colab:
            shared.add(name)
            minimum = next(Version(s.version) for s in requirement.specifier if s.operator == ">=")
            assert requirement.specifier.contains(colab[name]), f"Colab's {name}=={colab[name]} is outside the range"
            assert minimum == colab[name], f"{name}: the tested minimum is Colab's {colab[name]}, not {minimum}"
    assert shared == set(colab)  # every package of Colab's list is one medlearn needs


def test_tensorflow_is_an_extra_with_exactly_one_package_per_platform() -> None:
    """Colab's `tensorflow` and the course's `tensorflow-cpu` provide one module: a plain dependency would install
    the second beside the first."""
    assert not any(canonicalize_name(r.name).startswith("tensorflow") for _, r in _ranges(("",)))
    for platform in PLATFORMS:
        for python in PYTHONS:
            env = _environment(python, platform)
            chosen = [r.name for _, r in _ranges(("tensorflow",)) if _applies(r, env, "tensorflow")]
            assert len(chosen) == 1, (platform, python, chosen)
            lock = _lock(python, platform)
            assert ("tensorflow" in lock) != ("tensorflow-cpu" in lock), (platform, python)


def test_the_install_paths_read_the_lock() -> None:
    course = (REPO / "course.py").read_text()
    assert 'LOCK = HERE / "constraints.txt"' in course and '"-c", LOCK' in course
    assert 'COURSE_EXTRAS = ("lab", "tensorflow")' in course
    assert "- -c constraints.txt" in (REPO / "environment.yml").read_text()
    # CI installs through course.py (doctor, test); the Colab-like job installs with Colab's versions instead.
    assert "python3 course.py doctor" in (REPO / ".ci" / "run").read_text()


def test_the_lock_names_are_canonical_and_sorted() -> None:
    names = [re.split(r"[=;]", line)[0] for line in _lines("constraints.txt")]
    assert names == sorted(names) and all(n == canonicalize_name(n) for n in names)


@pytest.mark.parametrize(
    ("line", "version"),
    [("numpy>=2.1.3,<3", "3.0.0"), ("numpy>=2.1.3,<3", "2.1.2"), ("keras>=3.13.2,<4", "3.13.1")],
)
def test_a_version_outside_a_range_is_refused(line: str, version: str) -> None:
    """The check above can fail: a locked or Colab version outside the range is not contained."""
    assert not SpecifierSet(str(Requirement(line).specifier)).contains(Version(version))
