"""A chapter's claims about its own results, checked quietly.

A chapter says what its cells found ("the pretrained start is ahead at every seed"). The cell that backs
such a sentence calls :func:`claim` once per statement: it prints one line, what the sentence teaches in
its own words with the value measured in this run, and a mark, ``✓`` or ``✗``. The condition checks at
least what the words promise; the line shows the words, never the condition's margin. On a learner's
computer a statement that does not hold there (a network trained on another processor lands on slightly
different weights) gives a warning and the notebook runs on; under the course's test suite, which sets
``MEDLEARN_STRICT_CLAIMS=1``, it raises :class:`ClaimFailed`, so a chapter whose text no longer matches
its results cannot be stored.

The line ends with its mark, so a comparison of stored outputs can mask the digits of a line that ends
in ``✓`` and compare the verdict alone (the course's tests do: ``tests/nbval_sanitize.cfg``).
"""

from __future__ import annotations

import os
import warnings

from medlearn._validation import check_bool, check_choice

STRICT_VARIABLE = "MEDLEARN_STRICT_CLAIMS"
HOLDS, FAILS = "✓", "✗"


class ClaimFailed(AssertionError):
    """A chapter's statement that its own results do not bear out (raised in strict mode only)."""


class ClaimWarning(UserWarning):
    """A chapter's statement that the results on this computer do not bear out (the notebook runs on)."""


def strict() -> bool:
    """Whether a claim that fails raises (the test suite) or warns (a learner's kernel).

    Example:
        >>> import os
        >>> strict() == (os.environ.get("MEDLEARN_STRICT_CLAIMS") == "1")
        True
    """
    value = os.environ.get(STRICT_VARIABLE, "")
    check_choice(value, STRICT_VARIABLE, ("", "0", "1"))
    return value == "1"


def claim(statement: str, holds: bool) -> None:
    """Print ``statement`` with its mark; a false claim raises in strict mode and warns otherwise.

    ``statement`` says what the sentence above teaches, in its words, with the value measured:
    ``"test AUC 0.91: well above chance"``, not the test's bound. ``holds`` is the comparison itself (a
    bool, or a numpy bool). Returns nothing, so that a cell's last claim adds no ``True`` below its line.

    Example:
        >>> claim("two is more than one: 2 > 1", 2 > 1)
        two is more than one: 2 > 1 ✓
    """
    if not isinstance(statement, str) or not statement.strip() or "\n" in statement:
        raise ValueError(f"statement must be one non-empty line of text, not {statement!r}")
    verdict = check_bool(holds, "holds")
    print(f"{statement} {HOLDS if verdict else FAILS}", flush=True)
    if not verdict:
        if strict():
            raise ClaimFailed(statement)
        warnings.warn(
            f"On this computer the result differs from what the text above says: {statement}. "
            "The rest of the notebook still runs; compare with the stored outputs.",
            ClaimWarning,
            stacklevel=2,
        )
