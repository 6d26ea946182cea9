"""What identifying information a de-identified DICOM dataset still holds, compared with its original."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from ._dummies import DUMMY
from ._file_meta import IMPLEMENTATION_CLASS_UID, IMPLEMENTATION_VERSION_NAME, KEPT_FILE_META
from .profile import profile_action

__all__ = ["Leftovers", "phi_leftovers"]

#: Attributes whose original values are searched for anywhere in the output (with every person name).
_IDENTIFIERS = {
    0x00100020: "Patient ID",
    0x00101000: "Other Patient IDs",
    0x00080080: "Institution Name",
    0x00080081: "Institution Address",
    0x00181000: "Device Serial Number",
}
#: Equipment descriptions, not searched: a manufacturer's name that happens to equal an institution's is not a leak.
_NOT_SEARCHED = frozenset({0x00080070, 0x00081090})
_TEXT_VRS = ("AE", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT")


class Leftovers(NamedTuple):
    """Findings of :func:`phi_leftovers`; true when anything was found."""

    profile_values: list[str]
    private_tags: list[str]
    identifiers: list[str]
    file_meta: list[str]

    @property
    def count(self) -> int:
        return len(self.profile_values) + len(self.private_tags) + len(self.identifiers) + len(self.file_meta)

    def __bool__(self) -> bool:
        return self.count > 0


def _values(element: Any, meta_bytes: bool = False) -> list[str]:
    """The text values of an element; with ``meta_bytes``, a bytes value (the file meta's OB) read as Latin-1 text."""
    if meta_bytes and isinstance(element.value, bytes):
        text = element.value.decode("latin-1").strip("\x00 ")
        return [text] if text else []
    if element.VR == "SQ" or element.value is None or element.VR not in _TEXT_VRS:
        return []
    values = element.value if element.VM > 1 else [element.value]
    return [str(v).strip() for v in values if str(v).strip()]


def phi_leftovers(original: Any, deidentified: Any) -> Leftovers:
    """What a de-identified copy still holds of its original, at every nesting level.

    - ``profile_values``: attributes of the Basic Profile whose action is not K
      or C and that still hold one of their original values (with the date-shift
      option, recorded as LongitudinalTemporalInformationModified = MODIFIED,
      times are kept by design and not counted);
    - ``private_tags``: private attributes left anywhere;
    - ``file_meta``: elements of the file meta information (group 0002), which
      PS3.15 E.1.1 (item 7) replaces whole, that still hold their original value:
      any but the version, SOP class and transfer syntax (the writer's
      implementation UID and name, the nodes' titles and addresses, Private
      Information; its instance UID, a profile attribute, counts with ``profile_values``);
    - ``identifiers``: an original person name, patient ID, institution name or
      address, or device serial number found inside any text value of the copy,
      its file meta information included (Private Information, bytes, read as text)
      (as whole words, ignoring case; the manufacturer and model name are not
      searched, and values equal to a dummy value are not identifiers).

    Example:
        >>> from pydicom import examples
        >>> from medlearn.privacy import deidentify
        >>> phi_leftovers(examples.ct, deidentify(examples.ct, salt="a long s3cret salt")).count
        0
        >>> phi_leftovers(examples.ct, examples.ct).count > 0
        True
    """
    from pydicom.dataset import Dataset

    for name, value in (("original", original), ("deidentified", deidentified)):
        if not isinstance(value, Dataset):
            raise ValueError(f"{name} must be a pydicom Dataset, not {type(value).__name__}")
    times_kept = deidentified.get("LongitudinalTemporalInformationModified", "") == "MODIFIED"

    def profile_pairs(dataset: Any) -> dict[tuple[int, str], str]:
        pairs = {}
        for element in dataset.iterall():
            action = profile_action(element.tag)
            if action is None or action in ("K", "C") or (times_kept and element.VR == "TM"):
                continue
            for value in _values(element):
                pairs[(int(element.tag), value)] = element.name
        return pairs

    before = profile_pairs(original) | _meta_pairs(original)
    after = profile_pairs(deidentified) | _meta_pairs(deidentified)
    kept = [f"{_tag(tag)} {after[(tag, value)]}: {value!r}" for tag, value in sorted(before.keys() & after.keys())]
    in_meta = [k for k in kept if k.startswith("(0002,") and not k.startswith("(0002,0003)")]  # 0003: profile's U
    private = sorted({f"{_tag(int(e.tag))} {e.name}" for e in deidentified.iterall() if e.tag.is_private})
    dummies = {v.lower() for v in DUMMY.values()}
    secrets = {}
    for element in original.iterall():
        if element.VR == "PN" or int(element.tag) in _IDENTIFIERS:
            for value in _values(element):
                if len("".join(_words(value))) >= 3 and value.lower() not in dummies:  # "OB" names nobody
                    secrets[value] = element.name
    meta = getattr(deidentified, "file_meta", None)
    searched = [*deidentified.iterall(), *(meta if meta is not None else [])]
    found = sorted(
        {
            f"original {secrets[s]} {s!r} in {_tag(int(e.tag))} {e.name}"
            for e in searched
            if int(e.tag) not in _NOT_SEARCHED
            for text in _values(e, meta_bytes=e.tag.group == 2)
            for s in secrets
            if _contains_words(text, s)
        }
    )
    return Leftovers([k for k in kept if k not in in_meta], private, found, in_meta)


def _meta_pairs(dataset: Any) -> dict[tuple[int, str], str]:
    """The file meta information's values that E.1.1 (item 7) replaces: all but the group length, the version,
    the SOP class, the transfer syntax, and this package's own implementation UID and name."""
    meta = getattr(dataset, "file_meta", None)
    ours = {(0x00020012, IMPLEMENTATION_CLASS_UID), (0x00020013, IMPLEMENTATION_VERSION_NAME)}
    pairs = {}
    for element in meta if meta is not None else []:
        tag = int(element.tag)
        if tag == 0x00020000 or tag in KEPT_FILE_META:
            continue
        for value in _values(element, meta_bytes=True):
            if (tag, value) not in ours:
                pairs[(tag, value)] = element.name
    return pairs


def _words(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", text.lower())


def _contains_words(text: str, secret: str) -> bool:
    """True when the words of ``secret`` appear, in order and side by side, among the words of ``text``."""
    haystack, needle = _words(text), _words(secret)
    return bool(needle) and any(haystack[i : i + len(needle)] == needle for i in range(len(haystack) - len(needle) + 1))


def _tag(tag: int) -> str:
    return f"({tag >> 16:04X},{tag & 0xFFFF:04X})"
