"""How the registration chapter's checks name a mistake: a hint that follows the sentence saying where the answer went
wrong, and the first mistake of a table an answer makes."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import Mistake


def then(text: str) -> Any:
    """A hint that follows the sentence saying where the answer went wrong.

    Example:
        >>> then("Take the square root.")("Your error is 4.")
        'Your error is 4. Take the square root.'
    """
    return lambda where: f"{where} {text}"


def first_made(got: Any, mistakes: list[Mistake], args: tuple, tolerance: float) -> Mistake | None:
    """The first of ``mistakes`` whose answer on ``args`` ``got`` equals (relative and absolute ``tolerance``).

    Example:
        >>> first_made(4.0, [Mistake("squared", lambda x: x**2, "Square root.")], (2.0,), 1e-6).name
        'squared'
    """
    for mistake in mistakes:
        with np.errstate(all="ignore"):
            if np.allclose(got, mistake.answer(*args), rtol=tolerance, atol=tolerance):
                return mistake
    return None
