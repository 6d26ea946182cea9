"""New UIDs for the profile's action U: a keyed hash of the old UID, so that a series stays linked."""

from __future__ import annotations

import hashlib
import hmac
import uuid

__all__ = ["replace_uid"]


def replace_uid(uid: str, salt: str) -> str:
    """A new UID derived from ``uid`` and a secret ``salt``: the same pair always gives the same UID.

    The keyed hash HMAC-SHA-256 of the UID with the salt as its key, cut to 128 bits and marked as a
    version-8 UUID (RFC 9562's version for custom, here keyed-hash, UUIDs: not version 4, which says
    random), written as a UID under the root 2.25 (DICOM PS3.5 B.2). Nobody without the salt can
    compute it from the old UID, nor the old UID from it.

    Example:
        >>> new = replace_uid("1.2.3", salt="a s3cret salt")
        >>> new == replace_uid("1.2.3", salt="a s3cret salt") != replace_uid("1.2.4", salt="a s3cret salt")
        True
        >>> new.startswith("2.25.")
        True
    """
    digest = hmac.new(_check_salt(salt).encode(), str(uid).encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:16], "big")
    number = number & ~(0xF << 76) & ~(0x3 << 62) | 8 << 76 | 0b10 << 62  # version 8, RFC 9562 variant
    return f"2.25.{uuid.UUID(int=number).int}"


def _check_salt(salt: object) -> str:
    if not isinstance(salt, str) or len(salt) < 8:
        raise ValueError("salt must be a secret string of at least 8 characters")
    return salt
