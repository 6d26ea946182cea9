"""The generated tables of medlearn.privacy, read from the package's data files on first use, once.

``data/profile.json`` is DICOM PS3.15 Annex E's Basic Profile (written by ``python -m authoring.deid_profile``)
and ``data/iods.json.gz`` the types of each IOD's attributes from PS3.3 (``python -m authoring.iod_types``).
Each loader is cached, so the file is read once per process, and nothing is read at import. The tables
are shared: callers read them and never change them (the public functions return copies).
"""

from __future__ import annotations

import functools
import gzip
import json
from importlib import resources
from typing import Any

__all__ = ["iod_table", "profile_table"]


def _data(name: str) -> bytes:
    return resources.files(__package__).joinpath("data", name).read_bytes()


@functools.cache
def profile_table() -> dict[str, Any]:
    """The Basic Profile table: ``edition``, ``attributes`` by ``"GGGGEEEE"``, ``repeating_groups``.

    Example:
        >>> profile_table()["attributes"]["00100010"]["action"]
        'Z'
    """
    return json.loads(_data("profile.json"))


@functools.cache
def iod_table() -> dict[str, Any]:
    """The IOD table: ``sop_classes`` (UID to IOD), ``iods`` (IOD to ``[module, usage]``) and ``modules``
    (module to path to keyword to type; the path ``""`` is the top level, deeper paths join sequence
    keywords with ``/``).

    Example:
        >>> iod_table()["modules"]["waveform-annotation"]["WaveformAnnotationSequence"]["ReferencedWaveformChannels"]
        '1'
    """
    return json.loads(gzip.decompress(_data("iods.json.gz")))
