"""Patient privacy: DICOM de-identification by the standard's profile, and checks of what is left.

- :mod:`medlearn.privacy.profile`: DICOM PS3.15 Annex E's Basic Profile as data (``profile_action``);
- :mod:`medlearn.privacy.deidentify`: ``deidentify`` a dataset (``replace_uid``), its file meta information
  replaced with a description of the de-identifier;
- :mod:`medlearn.privacy.dates`: ``shift_date`` and ``shift_element``, for the option that keeps a patient's
  intervals with modified dates;
- :mod:`medlearn.privacy.iods`: the Type 1 and 2 attributes of each IOD, inside sequence items too (``attribute_type``,
  ``item_types``, ``iod_problems``);
- :mod:`medlearn.privacy.leftovers`: ``phi_leftovers``, what identifying information a copy still holds.
"""

from .dates import shift_date
from .deidentify import DUMMY, deidentify, replace_uid
from .iods import VALUE_TYPE_ATTRIBUTES, attribute_type, iod_name, iod_problems, item_types
from .leftovers import Leftovers, phi_leftovers
from .profile import ACTION_MEANINGS, EDITION, profile_action, profile_attributes

__all__ = [
    "ACTION_MEANINGS",
    "DUMMY",
    "EDITION",
    "Leftovers",
    "VALUE_TYPE_ATTRIBUTES",
    "attribute_type",
    "deidentify",
    "iod_name",
    "iod_problems",
    "item_types",
    "phi_leftovers",
    "profile_action",
    "profile_attributes",
    "replace_uid",
    "shift_date",
]
