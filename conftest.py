"""Loaded by pytest for every run in this repository, whatever paths it is given (the unit tests' fixtures are in
``tests/conftest.py``).

A chapter's claims (``medlearn.claims``) fail the tests; in a learner's kernel they only warn. The notebooks'
kernels are child processes of pytest, so they inherit this setting; it is made here, not in ``tests/``, so that
``pytest notebooks/12_detection.ipynb`` alone is strict too.
"""

import os

os.environ["MEDLEARN_STRICT_CLAIMS"] = "1"
