"""A DICOM data set's structure, walked over its bytes before pydicom parses anything.

pydicom builds every element and every sequence item it reads into Python objects, whatever their number:
a 19 MB request holding a private sequence of a million empty items cost 800 MB, and two million empty
elements 725 MB, before any check could see them. :func:`check_structure` walks the data set's elements,
and the items of its sequences, over the raw bytes, reading only tags, value representations and lengths,
and refuses the file when an element runs past its container, a sequence has more than :data:`MAX_ITEMS`
items, sequences nest more than :data:`MAX_DEPTH` deep, or the data set has more than :data:`MAX_ELEMENTS`
elements and items in all. It reads the bytes as pydicom will (PS3.5 section 7: the transfer syntax's
encoding, items whose first element says they are implicit VR, an undefined-length UN read as a sequence,
a defined-length sequence converted when it is first used) and refuses where the two could differ (an
unknown VR, elements out of order, a delimiter out of place), so that what it counted is what pydicom builds.

Example:
    >>> import numpy as np
    >>> from medlearn.deploy import image_to_dicom, to_bytes
    >>> from medlearn.deploy.encoding import file_meta_end
    >>> data = to_bytes(image_to_dicom(np.zeros((28, 28), np.uint8)))
    >>> check_structure(data, "1.2.840.10008.1.2.1", start=file_meta_end(data))
    32
"""

from __future__ import annotations

import re
import struct
from functools import cache

from ._header import InputRefused
from .encoding import _ALL_VRS, _LONG_LENGTH_VRS

__all__ = ["MAX_DEPTH", "MAX_ELEMENTS", "MAX_FRAGMENTS", "MAX_ITEMS", "check_structure"]

#: The most elements and sequence items a data set may hold in all (a radiograph's header has a few hundred).
MAX_ELEMENTS = 10_000
#: The most items one sequence may hold.
MAX_ITEMS = 1_000
#: The deepest nesting of sequences within sequences (a radiograph's header rarely goes past three).
MAX_DEPTH = 8
#: The most fragments compressed pixel data may come in (one frame is usually one fragment).
MAX_FRAGMENTS = 1_000
_UNDEFINED = 0xFFFFFFFF
_ITEM, _ITEM_END, _SEQUENCE_END, _PIXEL_DATA = 0xFFFEE000, 0xFFFEE00D, 0xFFFEE0DD, 0x7FE00010
_FIX = "Send the file as a PACS or modality stored it."
# The syntaxes whose pixel data is native (PS3.5 section A.4: only the others encapsulate it in fragments)
_NATIVE = ("1.2.840.10008.1.2", "1.2.840.10008.1.2.1", "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.2")


def check_structure(data: bytes | bytearray | memoryview, transfer_syntax: str, *, start: int = 0) -> int:
    """Walk the data set in ``data`` from ``start`` and return how many elements and items it holds, or refuse it.

    ``transfer_syntax`` is the data set's (an uncompressed or encapsulated little-endian syntax: implicit VR
    for ``1.2.840.10008.1.2``, explicit VR for the others; Pixel Data of undefined length, in fragments, only
    under an encapsulated, compressed syntax, PS3.5 section A.4); ``start`` is where the data set begins (after a
    Part 10 file's meta information, see :func:`medlearn.deploy.encoding.file_meta_end`; 0 for a data set
    received over DIMSE). Raises :class:`medlearn.deploy.InputRefused` naming the element at fault (its
    keyword, or its tag for a private one) when the data set is cut short, nests or repeats past the limits,
    or is encoded otherwise than its transfer syntax says. Nothing is decoded or copied.

    Example:
        >>> import struct
        >>> item = struct.pack("<HHI", 0xFFFE, 0xE000, 0)
        >>> data = struct.pack("<HH2sHI", 0x0009, 0x1010, b"SQ", 0, 8 * 1001) + item * 1001
        >>> try:
        ...     check_structure(data, "1.2.840.10008.1.2.1")
        ... except InputRefused as refused:
        ...     print(refused.attribute, "|", refused.problem)
        (0009,1010) | a sequence of more than 1,000 items
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValueError(f"data must be bytes, not {type(data).__name__}")
    if not isinstance(transfer_syntax, str):
        raise ValueError(f"transfer_syntax must be a UID string, not {type(transfer_syntax).__name__}")
    if not isinstance(start, int) or not 0 <= start <= len(data):
        raise ValueError(f"start must be a position in data (0 to {len(data)}), not {start!r}")
    walk = _Walk(data)
    implicit = str(transfer_syntax) == "1.2.840.10008.1.2"
    walk.encapsulated = str(transfer_syntax) not in _NATIVE
    if len(data) - start >= 8:
        group, first_vr = struct.unpack_from("<H", data, start)[0], bytes(data[start + 4 : start + 6])
        if group == 0x0000:  # pydicom reads a command group here in implicit VR, whatever the syntax
            raise InputRefused("file", "command elements (group 0000) in a data set", _FIX)
        if implicit and _looks_explicit(first_vr):  # pydicom would switch to explicit VR here
            raise InputRefused("TransferSyntaxUID", "an implicit VR data set that begins in explicit VR", _FIX)
    walk.dataset(start, len(data), implicit=implicit, depth=0, delimited=False)
    return walk.count


def _looks_explicit(vr: bytes) -> bool:
    """pydicom's test of whether an element is encoded in explicit VR (two capital letters where a VR stands)."""
    return len(vr) == 2 and 0x40 < vr[0] < 0x5B and 0x40 < vr[1] < 0x5B


_CHARACTER_SET, _CHARACTER_SET_LIMIT = 0x00080005, 1024  # a few terms of 16 characters at most (PS3.3 C.12.1.1.2)


def _short_in_explicit(tag: int) -> bool:
    """Whether the dictionary gives ``tag`` a VR whose length explicit VR states in 16 bits (AE, CS, UI, ...)."""
    from pydicom.datadict import dictionary_VR

    try:
        vr = dictionary_VR(tag)
    except KeyError:  # private or unknown: pydicom reads it as UN, kept as bytes, not converted
        return False
    return vr.encode() in _ALL_VRS - _LONG_LENGTH_VRS


def _name(tag: int) -> str:
    from pydicom.datadict import keyword_for_tag

    return keyword_for_tag(tag) or f"({tag >> 16:04X},{tag & 0xFFFF:04X})"


@cache
def _sequence_creators() -> dict[str, str]:
    """The private creators of pydicom's private dictionary that define a sequence, by their letters and digits."""
    from pydicom._private_dict import private_dictionaries

    return {
        re.sub(r"[^A-Z0-9]", "", creator.upper()): creator
        for creator, entries in private_dictionaries.items()
        if any(entry[0] == "SQ" for entry in entries.values())
    }


class _Walk:
    """One walk over a data set: the bytes, and the elements and items counted so far."""

    def __init__(self, data: bytes | bytearray | memoryview) -> None:
        self.data, self.count, self.encapsulated = data, 0, True

    def counted(self, tag: int) -> None:
        self.count += 1
        if self.count > MAX_ELEMENTS:
            raise InputRefused(_name(tag), f"more than {MAX_ELEMENTS:,} elements and items in the data set", _FIX)

    def dataset(self, position: int, end: int, *, implicit: bool, depth: int, delimited: bool, owner: int = -1) -> int:
        """Walk elements from ``position`` to ``end`` (or to an item delimiter); return the position after them.

        ``owner`` is the tag of the sequence whose item this is (-1 for the data set itself)."""
        data, previous, creators = self.data, -1, {}
        while True:
            if position == end and not delimited:
                return position
            if position + 8 > end:
                at = previous if previous >= 0 else owner
                raise InputRefused(_name(at) if at >= 0 else "file", "the data set is cut short", _FIX)
            group, element = struct.unpack_from("<HH", data, position)
            tag = group << 16 | element
            if tag == _ITEM_END and delimited and struct.unpack_from("<I", data, position + 4)[0] == 0:
                return position + 8
            if group == 0xFFFE or tag <= previous:
                raise InputRefused(_name(tag), "an element repeated, out of order, or a delimiter out of place", _FIX)
            previous = tag
            self.counted(tag)
            vr: bytes | None = None
            if implicit:
                (length,), value = struct.unpack_from("<I", data, position + 4), position + 8
            else:
                vr = bytes(data[position + 4 : position + 6])
                if vr in _LONG_LENGTH_VRS:
                    if position + 12 > end:
                        raise InputRefused(_name(tag), "the data set is cut short", _FIX)
                    (length,), value = struct.unpack_from("<I", data, position + 8), position + 12
                elif vr in _ALL_VRS:
                    (length,), value = struct.unpack_from("<H", data, position + 6), position + 8
                else:  # pydicom would guess a length of its own
                    raise InputRefused(_name(tag), f"an unknown value representation {vr!r}", _FIX)
            sequence = self.is_sequence(tag, vr, length, value, end, creators)
            if length == _UNDEFINED:
                if sequence:
                    position = self.sequence(tag, value, None, outer=end, implicit=implicit, depth=depth + 1)
                elif tag == _PIXEL_DATA and depth == 0 and not implicit and self.encapsulated:
                    position = self.fragments(value, end)
                elif tag == _PIXEL_DATA and depth == 0:  # native pixel data has a length (PS3.5 section A.4)
                    raise InputRefused(
                        "PixelData", "an undefined length (fragments) under an uncompressed transfer syntax", _FIX
                    )
                else:
                    raise InputRefused(_name(tag), "an undefined length for a value that is not a sequence", _FIX)
                continue
            if value + length > end:
                raise InputRefused(_name(tag), f"a length of {length:,} bytes runs past the end of its data", _FIX)
            if implicit and length > 0xFFFF and _short_in_explicit(tag):  # explicit VR could not even state it
                raise InputRefused(_name(tag), f"a value of {length:,} bytes, more than its VR allows", _FIX)
            if tag == _CHARACTER_SET and length > _CHARACTER_SET_LIMIT:
                raise InputRefused(_name(tag), f"a character set of {length:,} bytes", _FIX)
            if sequence:
                self.sequence(tag, value, value + length, outer=end, implicit=implicit, depth=depth + 1)
            elif group % 2 and 0 < element < 0x100:  # a private creator (or what pydicom would read as one)
                if length > 256:
                    raise InputRefused(_name(tag), f"a private creator of {length:,} bytes", _FIX)
                creators[element] = bytes(data[value : value + length])
            position = value + length

    def is_sequence(self, tag: int, vr: bytes | None, length: int, value: int, end: int, creators: dict) -> bool:
        """Whether pydicom reads this element as a sequence, now or when it is first used."""
        from pydicom.datadict import dictionary_VR, private_dictionary_VR
        from pydicom.tag import Tag

        if vr == b"SQ" or (vr == b"UN" and length == _UNDEFINED):
            return True
        if vr not in (None, b"UN"):
            return False
        group, element = tag >> 16, tag & 0xFFFF
        if group % 2 == 0:  # public: the dictionary's VR (an explicit UN of less than 64 kB is replaced by it)
            if vr == b"UN" and length >= 0xFFFF:
                return False
            try:
                return dictionary_VR(tag) == "SQ"
            except KeyError:  # unknown: pydicom looks for an item where the value starts
                return length == _UNDEFINED and value + 4 <= end and self.tag_at(value) == _ITEM
        if vr is None and length == _UNDEFINED and value + 4 <= end and self.tag_at(value) == _ITEM:
            return True
        creator = creators.get(element >> 8)
        if element < 0x100 or creator is None:
            return False
        letters = re.sub(r"[^A-Z0-9]", "", creator.decode("latin-1").upper())
        for key, name in _sequence_creators().items():  # compared loosely: a near match is walked, never missed
            if key and key in letters:
                try:
                    if private_dictionary_VR(Tag(tag), name) == "SQ":
                        return True
                except KeyError:
                    pass
        return False

    def tag_at(self, position: int) -> int:
        group, element = struct.unpack_from("<HH", self.data, position)
        return group << 16 | element

    def sequence(self, tag: int, position: int, end: int | None, *, outer: int, implicit: bool, depth: int) -> int:
        """Walk a sequence's items (to ``end``, or to its delimiter before ``outer``); return the position after."""
        if depth > MAX_DEPTH:
            raise InputRefused(_name(tag), f"sequences nested more than {MAX_DEPTH} deep", _FIX)
        data, limit, items = self.data, outer if end is None else end, 0
        while end is None or position < end:
            if position + 8 > limit:
                raise InputRefused(_name(tag), "a sequence cut short", _FIX)
            item, length = self.tag_at(position), struct.unpack_from("<I", data, position + 4)[0]
            if item == _SEQUENCE_END and end is None and length == 0:
                return position + 8
            if item != _ITEM:
                raise InputRefused(_name(tag), "a sequence holds something other than items", _FIX)
            items += 1
            if items > MAX_ITEMS:
                raise InputRefused(_name(tag), f"a sequence of more than {MAX_ITEMS:,} items", _FIX)
            self.counted(tag)
            content = position + 8
            # pydicom reads an item in implicit VR when its parent is, or when its first element has no VR
            item_implicit = implicit or not _looks_explicit(bytes(data[content + 4 : content + 6]))
            if length == _UNDEFINED:
                position = self.dataset(content, limit, implicit=item_implicit, depth=depth, delimited=True, owner=tag)
            elif content + length > limit:
                raise InputRefused(_name(tag), f"an item of {length:,} bytes runs past the end of its data", _FIX)
            else:
                position = self.dataset(
                    content, content + length, implicit=item_implicit, depth=depth, delimited=False, owner=tag
                )
        if position != end:
            raise InputRefused(_name(tag), "a sequence whose items run past its length", _FIX)
        return position

    def fragments(self, position: int, end: int) -> int:
        """Walk encapsulated pixel data (PS3.5 section A.4): an offset table and fragments, then the delimiter."""
        data, fragments = self.data, 0
        while True:
            if position + 8 > end:
                raise InputRefused("PixelData", "the compressed pixel data is cut short", "Send the complete file.")
            item, length = self.tag_at(position), struct.unpack_from("<I", data, position + 4)[0]
            if item == _SEQUENCE_END and length == 0:
                return position + 8
            if item != _ITEM or length == _UNDEFINED or position + 8 + length > end:
                raise InputRefused("PixelData", "the compressed pixel data holds something other than fragments", _FIX)
            fragments += 1
            if fragments > MAX_FRAGMENTS + 1:  # the fragments and the basic offset table
                raise InputRefused("PixelData", f"more than {MAX_FRAGMENTS} fragments", "Send the image whole.")
            position += 8 + length
