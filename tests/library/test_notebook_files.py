"""medlearn._notebook_files: nbformat without jsonschema's IRI grammar reads and checks the course's notebooks."""

from __future__ import annotations

import subprocess
import sys

from helpers import REPO

from authoring.chapters import by_name

SCRIPT = """
import sys
from medlearn._notebook_files import skip_iri_grammar
skip_iri_grammar()
import nbformat
nb = nbformat.read(sys.argv[1], as_version=4)
nbformat.validate(nb)
broken = nbformat.v4.new_notebook()
broken.cells.append({"cell_type": "code", "source": "1"})  # no outputs, no metadata: not a valid cell
try:
    nbformat.validate(broken)
except nbformat.ValidationError:
    print("refused")
print(sys.modules["rfc3987_syntax"] is None, len(nb.cells) > 0)
"""


def test_a_notebook_is_read_and_checked_without_the_iri_grammar() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(REPO / by_name("medical_images").notebook)],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
    )
    assert done.stdout.split() == ["refused", "True", "True"], done.stdout + done.stderr


def test_a_grammar_already_loaded_stays() -> None:
    script = (
        "import sys, types; sys.modules['rfc3987_syntax'] = loaded = types.ModuleType('rfc3987_syntax')\n"
        "from medlearn._notebook_files import skip_iri_grammar; skip_iri_grammar()\n"
        "print(sys.modules['rfc3987_syntax'] is loaded)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, check=True)
    assert done.stdout.strip() == "True"
