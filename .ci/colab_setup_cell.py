"""The chapters' Colab setup cell, run as on Colab (as far as it can be without Colab itself), by ``.ci/colab``.

In an environment with Colab's versions and no medlearn, this runs the cell that ``authoring.colab`` writes into
every chapter, in a fresh Python that believes it is on Colab (a ``google.colab`` module) and has already imported
what a notebook's kernel has, with this clone in place of the public repository. It checks that the cell installs
medlearn from the current release's commit (``authoring/release.json``), replaces none of Colab's packages
(.ci/colab.txt), fetches the data with their checksums, asks for a restart exactly when a package the session had
loaded was replaced, and installs nothing the second time (after the restart). What it cannot test: Colab's own
restart, its pip configuration and its network.

    python .ci/colab_setup_cell.py       # with the Colab-like environment's Python, medlearn not installed
"""

from __future__ import annotations

import importlib.metadata
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from authoring.colab import read_release, setup_cell_source  # noqa: E402

# What a notebook kernel has imported before its first cell runs (ipykernel's own imports) and what Colab's
# kernel adds (its display and widget support): a package among them that pip replaces is one Colab must reload.
PRELOADED = ("IPython", "ipykernel", "ipywidgets", "traitlets", "zmq", "tornado", "jupyter_client", "attr")


def run_cell(source: str, folder: Path) -> subprocess.CompletedProcess:
    """Run the cell's code in a new Python, as a Colab kernel would (the working folder holds no medlearn)."""
    program = "\n".join(
        [
            "import importlib, sys, types",
            "sys.modules['google.colab'] = types.ModuleType('google.colab')",
            f"for name in {PRELOADED!r}:",
            "    try:",
            "        importlib.import_module(name)",
            "    except ImportError:",
            "        pass",
            f"exec(compile({source!r}, 'setup cell', 'exec'))",
        ]
    )
    return subprocess.run([sys.executable, "-c", program], cwd=folder, capture_output=True, text=True)


def colab_versions_kept() -> list[str]:
    """The packages of .ci/colab.txt whose installed version is no longer Colab's."""
    lines = [line for line in (REPO / ".ci" / "colab.txt").read_text().splitlines() if line and line[0] != "#"]
    return [line for line in lines if importlib.metadata.version(line.split("==")[0]) != line.split("==")[1]]


def main() -> int:
    release = read_release(REPO)
    commit_id = release.commit
    source = setup_cell_source(
        release.version, commit_id, [("breastmnist", None), ("chasedb1", None)], f"file://{REPO}"
    )
    with tempfile.TemporaryDirectory() as folder:
        first = run_cell(source, Path(folder))
        print(first.stdout, first.stderr[-3000:], sep="\n")
        restarted = first.returncode == -signal.SIGKILL
        if first.returncode != 0 and not restarted:
            print(f"the cell failed (exit code {first.returncode})")
            return 1
        if restarted != ("Colab restarts the session now" in first.stdout):
            print("the cell stopped the session without saying so, or said so and went on")
            return 1
        second = run_cell(source, Path(folder))
        print(second.stdout, second.stderr[-3000:], sep="\n")
        if second.returncode != 0 or "medlearn installed" in second.stdout:
            print("the second run (after the restart) failed or installed again")
            return 1
        # Asked from the empty folder: from the clone, its own medlearn.egg-info (an editable install's) would answer.
        installed = subprocess.run(
            [
                sys.executable,
                "-c",
                "import importlib.metadata as m; print(m.distribution('medlearn').read_text('direct_url.json'))",
            ],
            cwd=folder,
            capture_output=True,
            text=True,
        ).stdout
    moved = colab_versions_kept()
    print(
        f"medlearn {release.version} installed from {commit_id[:12]}: {commit_id in installed}; "
        f"Colab's packages moved: {moved or 'none'}"
    )
    print(f"the first run {'asked for a restart' if restarted else 'needed no restart'}")
    return 0 if commit_id in installed and not moved else 1


if __name__ == "__main__":
    sys.exit(main())
