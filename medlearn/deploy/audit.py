"""The audit log of a model service: one JSON line per request, with keyed hashes instead of identifiers.

Each line holds the time (UTC), the model version, the outcome (``answered``; ``refused`` with the
attribute; ``error`` for a fault of the service) and, for an answer, a keyed hash (HMAC-SHA256) of the
SOP Instance UID, the probability and the label. Whoever holds the key (the hospital, under access
control) can compute the hash of an image's SOP Instance UID and find what every version of the model said about it,
across restarts and channels (HTTP and DICOM); without the key the hashes link nothing to a patient.
They are pseudonymous, not anonymous (the privacy chapter): keep the key as carefully as the records.

Example:
    >>> import tempfile, json
    >>> path = Path(tempfile.mkdtemp()) / "audit.jsonl"
    >>> log = AuditLog(path, version="abc123", key=b"a key of sixteen bytes")
    >>> log.write("answered", instance=log.instance("1.2.3"), probability=0.7, label=1)
    >>> entry = json.loads(path.read_text())
    >>> entry["outcome"], entry["model_version"], entry["instance"] == instance_hash("1.2.3", b"a key of sixteen bytes")
    ('answered', 'abc123', True)
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = ["AuditLog", "instance_hash"]


def instance_hash(uid: str, key: bytes) -> str:
    """The audit log's keyed hash of a SOP Instance UID: the first 16 hex digits of HMAC-SHA256.

    Example:
        >>> instance_hash("1.2.3", b"hospital key"), instance_hash("1.2.3", b"another key")
        ('eab67abb06d1cfe7', '653e5d41cb6c873e')
    """
    return hmac.new(key, uid.encode(), hashlib.sha256).hexdigest()[:16]


class AuditLog:
    """Appends audit lines to ``path`` (None: writes nothing, but still hashes), safely from several threads.

    Args:
        path: the file (its folder must exist), or None.
        version: the model version every line names.
        key: the hashes' key, at least 16 bytes; None draws a random one for this process, whose lines
            can then be linked only within the run.

    Example:
        >>> AuditLog(None, version="v1", key=b"short")
        Traceback (most recent call last):
        ...
        ValueError: key must be bytes, at least 16 of them (a secret the hospital keeps), or None
    """

    def __init__(self, path: str | Path | None, *, version: str, key: bytes | None = None) -> None:
        if path is not None and not isinstance(path, (str, Path)):
            raise ValueError(f"audit_log must be a file path or None, not {type(path).__name__}")
        self.path = None if path is None else Path(path)
        if self.path is not None and not self.path.parent.is_dir():
            raise ValueError(f"audit_log's folder {self.path.parent} does not exist")
        if key is not None and (not isinstance(key, bytes) or len(key) < 16):
            raise ValueError("key must be bytes, at least 16 of them (a secret the hospital keeps), or None")
        self._key = key if key is not None else secrets.token_bytes(32)
        self.version = version
        self._lock = threading.Lock()

    def instance(self, uid: str) -> str:
        """The keyed hash of a SOP Instance UID (:func:`instance_hash` with this log's key)."""
        return instance_hash(uid, self._key)

    def write(self, outcome: str, **fields: Any) -> None:
        """Append one line: the time, the model version, ``outcome`` and ``fields`` (JSON values)."""
        if self.path is None:
            return
        entry = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), "model_version": self.version}
        line = json.dumps({**entry, "outcome": outcome, **fields}, sort_keys=True)
        with self._lock, self.path.open("a", encoding="utf-8") as log:
            log.write(line + "\n")
