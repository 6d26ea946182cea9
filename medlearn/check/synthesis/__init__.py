"""Checks for the exercises of the chapter `synthesis` (images from models).

In the exercise notebook::

    from medlearn.check import synthesis as check
"""

from __future__ import annotations

__all__: list[str] = []
