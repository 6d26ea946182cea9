"""``python -m medlearn.classroom FOLDER --out grades.csv``: see :mod:`medlearn.classroom.grade`."""

import sys

from .grade import main

sys.exit(main())
