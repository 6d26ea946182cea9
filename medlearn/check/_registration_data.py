"""The registration chapter's exercise data, now in :mod:`medlearn.check.registration._data`: this name stays for
the chapter's twin test (``tests/course/test_twins_registration.py``), which imports it."""

from __future__ import annotations

from .registration._data import _template, anatomical_affine, smooth_field, template

__all__ = ["_template", "anatomical_affine", "smooth_field", "template"]
