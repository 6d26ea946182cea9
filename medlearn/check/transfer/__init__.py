"""Checks for the exercises of the chapter `transfer` (pretraining and transfer).

In the exercise notebook::

    from medlearn.check import transfer as check
"""

from __future__ import annotations

__all__: list[str] = []
