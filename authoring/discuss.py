"""A model answer, folded, under every **Discuss.** prompt of a chapter.

A learner alone needs an answer to compare with once they have thought about a prompt. Each prompt of a
chapter is followed, in its own markdown cell, by a folded block::

    <details><summary>A model answer</summary>

    ...

    </details>

JupyterLab and the site show only the summary line until it is clicked. The instructor guide
(``instructors/<name>.md``, "Discussion prompts and answers") keeps its own answers, which may say more
(notes for a class, pointers to longer runs); ``python -m authoring.discuss`` copies an instructor answer into
a chapter where a prompt has no folded answer yet, and never overwrites one. ``tests/course/test_discuss.py`` checks
that every prompt has one, and ``authoring.learner_text`` that the learner's copy speaks of the subject only.

Example:
    >>> prompts_and_answers("> **Discuss.** Why?\\n\\n**Model answer.** Because.\\n\\n## Exercise notes\\n")
    {'why?': 'Because.'}
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

from authoring import chapters as chapter_list
from authoring._paths import REPO

PROMPT = "**Discuss.**"
SUMMARY = "<details><summary>A model answer</summary>"
FOLDED = re.compile(r"<details><summary>A model answer</summary>\s*(.*?)\s*</details>", re.DOTALL)


def _key(prompt: str) -> str:
    """A prompt's words, lower case, without markdown emphasis, quotes or line breaks."""
    return " ".join(re.sub(r"[*`>_]", "", prompt).lower().split())


def prompts_and_answers(guide: str) -> dict[str, str]:
    """An instructor guide's prompts (by their words) and model answers (Markdown, without the label)."""
    found: dict[str, str] = {}
    blocks = re.split(r"(?m)^> \*\*Discuss\.\*\*", guide)[1:]
    for block in blocks:
        prompt, _, rest = block.partition("\n")
        answer = rest.split("**Model answer.**", 1)
        if len(answer) < 2:
            continue
        text = re.split(r"(?m)^(?:#{2,3} |> \*\*Discuss\.\*\*)", answer[1], maxsplit=1)[0]
        found[_key(prompt)] = text.strip()
    return found


def prompt_of(source: str) -> str | None:
    """The words of a markdown cell's Discuss prompt (to the end of its paragraph), or None."""
    if PROMPT not in source:
        return None
    after = source.split(PROMPT, 1)[1]
    return _key(after.split("\n\n", 1)[0])


def fold(answer: str) -> str:
    """An answer as a folded block."""
    return f"{SUMMARY}\n\n{answer.strip()}\n\n</details>"


def add_answers(notebook: Path, guide: Path) -> list[str]:
    """Fold the guide's answer under each prompt of ``notebook`` that has none; return the prompts left without."""
    nb = nbformat.read(notebook, as_version=4)
    answers = prompts_and_answers(guide.read_text(encoding="utf-8")) if guide.exists() else {}
    missing, changed = [], False
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        prompt = prompt_of(cell.source)
        if prompt is None or FOLDED.search(cell.source):
            continue
        answer = answers.get(prompt)
        if answer is None:
            missing.append(prompt[:80])
            continue
        cell.source = cell.source.rstrip() + "\n\n" + fold(answer)
        changed = True
    if changed:
        nbformat.write(nb, notebook)
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    names = {chapter.stem: chapter.name for chapter in chapter_list.read()}  # the notes are keyed by name
    status = 0
    for path in paths:
        for prompt in add_answers(path, REPO / "instructors" / f"{names[path.stem]}.md"):
            print(f"{path.name}: no model answer for the prompt '{prompt}...'")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
