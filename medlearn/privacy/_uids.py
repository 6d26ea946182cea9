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
    compute it from the old UID, nor the old UID from it. The salt must have at least 16 characters;
    draw it at random (``secrets.token_urlsafe(32)``), since a phrase can be guessed.

    Example:
        >>> new = replace_uid("1.2.3", salt="a long s3cret salt")
        >>> new == replace_uid("1.2.3", salt="a long s3cret salt") != replace_uid("1.2.4", salt="a long s3cret salt")
        True
        >>> new.startswith("2.25.")
        True
    """
    digest = hmac.new(_check_salt(salt).encode(), str(uid).encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:16], "big")
    number = number & ~(0xF << 76) & ~(0x3 << 62) | 8 << 76 | 0b10 << 62  # version 8, RFC 9562 variant
    return f"2.25.{uuid.UUID(int=number).int}"


def _check_salt(salt: object) -> str:
    """The salt, refused when it is not a string of at least 16 characters.

    Anyone who holds a copy and knows one original UID (from a referral letter, say) can try salts offline, as
    fast as HMAC-SHA-256 runs, until one maps that UID to its new one. The floor stops an exhaustive search of
    short salts; it does not stop a guess: a phrase, however long, can be found from a word list. Draw the salt
    at random (``secrets.token_urlsafe(32)``).
    """
    if not isinstance(salt, str) or len(salt) < 16:
        raise ValueError(
            f"salt must be a secret string of at least 16 characters, for example secrets.token_urlsafe(32), "
            f"not {'a string of ' + str(len(salt)) + ' characters' if isinstance(salt, str) else type(salt).__name__}"
        )
    return salt
