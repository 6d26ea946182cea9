"""``python -m medlearn``: see :mod:`medlearn.cli`."""

import sys

from .cli import main

sys.exit(main())
