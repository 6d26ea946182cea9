"""Errors raised when data is missing or damaged (bad arguments raise ValueError)."""

from __future__ import annotations


class DataError(RuntimeError):
    """A data file is damaged, incomplete or not the official one.

    The message says what was found and how to get a good copy.
    """


class DataNotFoundError(DataError, FileNotFoundError):
    """A data file is not on disk and could not be downloaded.

    The message names the download address and the folder to put the file in.
    """
