"""How a PACS sends images to an AI node: a DICOM C-STORE listener (pynetdicom) that runs the same checks and
model as the HTTP service and sends a Structured Report back.

A PACS (or a router) is configured to forward chest radiographs to the node's AE title, host and port.
For each image received, the listener runs :func:`medlearn.deploy.dicom_to_input` and the bundle, and,
when a destination is given, sends the :func:`medlearn.deploy.structured_report` to it with C-STORE.
The listener negotiates only what it accepts (PS3.8 sections 7.1.1.13-14, 9.3.2.2 and 9.3.3.2): the SOP classes of
:data:`medlearn.deploy.ACCEPTED_SOP_CLASSES` in the transfer syntaxes of
:data:`medlearn.deploy.ACCEPTED_TRANSFER_SYNTAXES` that this installation can decode, so a CT, or a
deflated data set (which pynetdicom would inflate whole, unbounded), never has its presentation context
accepted (the association is accepted, and the sender aborts it).
Its bytes are bounded before they are read: pynetdicom reads each PDU whole, whatever the length it
states, so the listener closes the connection, unread, when a P-DATA PDU states more than the
:data:`MAX_PDU_LENGTH` it advertises (plus :data:`PDU_MARGIN`), or another PDU more than
:data:`OTHER_PDU_LIMIT`; once the bytes received for one image pass :data:`medlearn.deploy.MAX_BYTES` (counted as
they arrive) it drops the rest of that image as it arrives and answers it with status 0xA700 (refused: out of
resources, PS3.4 Annex B.2.3), so the sender learns why instead of seeing the association aborted, unless the
image goes on past :data:`DISCARD_LIMIT`, when the connection is closed; and it walks each
data set's structure over its bytes (:func:`medlearn.deploy.structure.check_structure`) before pynetdicom
decodes it. An accepted image that fails a check is answered with status 0xC000 (failure: cannot
understand, PS3.4 Annex B.2.3) and the refusal in the Error Comment; nothing is written to disk.
DICOMweb's STOW-RS (PS3.18 section 10.5) is the HTTP alternative to C-STORE.

A teaching simplification: the report is built and sent inside the C-STORE handler, so the sender's status
waits for the model and the archive, and a report the archive does not take is logged, not queued or sent
again; a production node answers once the image is received and queues inference and delivery with
retries. Each report has new UIDs, so an image sent again (a router's retry) gets a second report. And an AE
title (``callers``) is a name, not a credential: access control is TLS (PS3.15 Annex B) or a network allow-list.

Example:
    >>> hex(SUCCESS), hex(CANNOT_UNDERSTAND)
    ('0x0', '0xc000')
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pynetdicom.transport import RequestHandler

from .._validation import check_int
from .audit import AuditLog
from .bundle import Bundle
from .dicom_input import ACCEPTED_SOP_CLASSES, MAX_BYTES, InputRefused, dicom_to_input
from .encoding import decodable_transfer_syntaxes
from .report import structured_report
from .structure import check_structure

__all__ = ["Listener", "describe_status", "send_image", "start_listener"]

#: C-STORE status codes (PS3.4 Annex B.2.3, PS3.7 Annex C): success, failure "cannot understand",
#: "processing failure" (a fault of the node itself) and "out of resources" (an image over the size limit).
SUCCESS, CANNOT_UNDERSTAND, PROCESSING_FAILURE, OUT_OF_RESOURCES = 0x0000, 0xC000, 0x0110, 0xA700
#: What :func:`send_image` returns when no status came back, one code per cause.
ASSOCIATION_REJECTED, CONTEXT_REJECTED, ABORTED, NO_ASSOCIATION = -1, -2, -3, -4
SEND_FAILURES = {
    ASSOCIATION_REJECTED: "association rejected, nothing sent",
    CONTEXT_REJECTED: "presentation context rejected, association aborted, nothing sent",
    ABORTED: "association aborted while sending, no status",
    NO_ASSOCIATION: "no association: no answer, or the connection closed or aborted before one",
}
#: The longest P-DATA PDU the listener accepts, as it advertises in its association (PS3.8 section D.1:
#: "Maximum Length Received"); pynetdicom's default. A peer sends an image in as many PDUs as it needs.
MAX_PDU_LENGTH = 16_382
#: What a P-DATA PDU may exceed :data:`MAX_PDU_LENGTH` by before the connection is closed unread.
PDU_MARGIN = 1024
#: The longest other PDU accepted (an association request with 128 presentation contexts is a few tens of kB).
OTHER_PDU_LIMIT = 256 * 1024
_P_DATA = 0x04
#: Seconds within which a PDU, once its first byte has come, must arrive whole (a peer cannot trickle).
PDU_SECONDS = 30.0
#: Associations served at once; more are rejected (pynetdicom's default is 10).
MAX_ASSOCIATIONS = 8
#: Bytes of one image (its commands included) past which the listener stops dropping them and closes the
#: connection: an image a little over :data:`medlearn.deploy.MAX_BYTES` gets its refusal status, a sender that
#: streams without end does not hold the association.
DISCARD_LIMIT = 4 * MAX_BYTES
#: How many of the latest images' results a listener keeps in memory.
MAX_RESULTS = 10_000


@dataclass
class Listener:
    """A running C-STORE listener: ``results`` holds one entry per image received (answer or refusal), the
    latest :data:`MAX_RESULTS` (the audit log keeps them all)."""

    server: Any
    port: int
    ae_title: str
    results: deque[dict[str, Any]] = field(default_factory=lambda: deque(maxlen=MAX_RESULTS))

    def stop(self) -> None:
        """Stop listening and close the port."""
        self.server.shutdown()


def start_listener(
    bundle: Bundle,
    *,
    port: int,
    ae_title: str = "MEDLEARN_AI",
    host: str = "127.0.0.1",
    destination: tuple[str, int, str] | None = None,
    callers: tuple[str, ...] | None = None,
    audit_log: str | Path | None = None,
    audit_key: bytes | None = None,
) -> Listener:
    """Listen for C-STORE on ``host:port`` in a background thread; answer each image with the bundle.

    Args:
        bundle: from :func:`medlearn.deploy.load_bundle`.
        port: the TCP port to listen on.
        ae_title: the node's application entity title (up to 16 characters).
        host: the address to listen on (127.0.0.1: this machine only).
        destination: ``(host, port, ae_title)`` of the archive that receives each report, or None.
        callers: the AE titles allowed to send (an association from any other is rejected), or None (any).
        audit_log, audit_key: the audit log and its key, as for the HTTP service
            (:class:`medlearn.deploy.audit.AuditLog`); each line says ``"channel": "dimse"``, and an answer
            whether its report reached the destination.

    Example:
        >>> start_listener("not a bundle", port=11112)
        Traceback (most recent call last):
        ...
        ValueError: bundle must be a Bundle from load_bundle, not str
    """
    from pydicom.dataset import Dataset
    from pynetdicom import AE, evt
    from pynetdicom.transport import ThreadedAssociationServer

    if not isinstance(bundle, Bundle):
        raise ValueError(f"bundle must be a Bundle from load_bundle, not {type(bundle).__name__}")
    port = check_int(port, "port", min_value=1, max_value=65535)
    if not isinstance(ae_title, str) or not 0 < len(ae_title) <= 16:
        raise ValueError(f"ae_title must be 1 to 16 characters, not {ae_title!r}")
    if callers is not None and (
        not isinstance(callers, (tuple, list)) or not all(isinstance(c, str) and 0 < len(c) <= 16 for c in callers)
    ):
        raise ValueError(f"callers must be AE titles of 1 to 16 characters, or None, not {callers!r}")
    log = AuditLog(audit_log, version=bundle.version, key=audit_key)
    size = (int(bundle.preprocessing["height"]), int(bundle.preprocessing["width"]))
    results: deque[dict[str, Any]] = deque(maxlen=MAX_RESULTS)
    lock = threading.Lock()

    def on_store(event: Any) -> Any:
        key = id(event.assoc)
        with lock:
            stored.add(key)
            received[key] = 0  # the limit counts each image's bytes anew
            too_large = key in discarding
            discarding.discard(key)
        if too_large:  # its bytes were read and dropped as they arrived: answered, not decoded
            status = Dataset()
            status.Status = OUT_OF_RESOURCES
            status.ErrorComment = f"over this node's limit of {MAX_BYTES:,} bytes"[:64]
            return status
        try:
            return answer(event)
        except Exception as error:  # a fault of the node: logged by type (values may identify), never raised
            with lock:
                results.append({"error": type(error).__name__})
            log.write("error", error=type(error).__name__, channel="dimse")
            return PROCESSING_FAILURE

    def answer(event: Any) -> Any:
        try:  # the data set's structure is walked over its bytes before pynetdicom decodes it (event.dataset)
            check_structure(event.request.DataSet.getbuffer(), str(event.context.transfer_syntax))
            dataset = event.dataset
            dataset.file_meta = event.file_meta
            pixels, checks = dicom_to_input(dataset, size=size)
        except InputRefused as refused:
            with lock:
                results.append({"refused": refused.attribute, "problem": refused.problem})
            log.write("refused", attribute=refused.attribute, channel="dimse")
            status = Dataset()
            status.Status, status.ErrorComment = CANNOT_UNDERSTAND, str(refused)[:64]
            return status
        probability = float(bundle.predict(pixels[None])[0])
        entry: dict[str, Any] = {"probability": probability, "checks": checks, "sent": False}
        if destination is not None:
            try:  # the report copies identifiers and demographics the checks did not need
                report = structured_report(
                    dataset, probability, threshold=bundle.threshold, model_version=bundle.version
                )
                entry["sent"] = send_image(report, *destination, calling_ae=ae_title) == SUCCESS
            except (ValueError, AttributeError, TypeError) as error:
                entry["report_error"] = type(error).__name__
        with lock:
            results.append(entry)
        instance = log.instance(str(dataset.get("SOPInstanceUID", "")))
        label = int(probability >= bundle.threshold)
        log.write(
            "answered",
            instance=instance,
            probability=round(probability, 6),
            label=label,
            channel="dimse",
            report_sent=entry["sent"],
        )
        return SUCCESS

    received: dict[int, int] = {}  # bytes received since the last image was handled, per association
    stored: set[int] = set()  # associations that delivered an image
    oversized: set[int] = set()  # associations closed for a PDU over the limit
    discarding: set[int] = set()  # associations whose current image is over the limit: its bytes are dropped

    def on_data(event: Any) -> None:
        key = id(event.assoc)
        with lock:
            received[key] = received.get(key, 0) + len(event.data)
            over = received[key] > MAX_BYTES + 1024 * 1024 and key not in discarding  # one image and its commands
            if over:
                discarding.add(key)
            dropping = key in discarding
            endless = dropping and received[key] > DISCARD_LIMIT
            if endless:
                oversized.add(key)  # its close is this refusal, not another line
        if over:
            log.write("refused", attribute="file", channel="dimse")
        if endless:  # the socket closes the connection before it reads another PDU
            event.assoc.dul.socket.medlearn_cut = True
        if dropping:  # what pynetdicom has gathered of this image so far goes (its queue of PDUs may hold more)
            _drop_received(event.assoc)

    def on_rejected(event: Any) -> None:  # a caller that is not allowed
        log.write("refused", attribute="association", channel="dimse")

    def on_close(event: Any) -> None:
        key = id(event.assoc)
        with lock:
            received.pop(key, None)
            silent = key not in stored and key not in oversized
            stored.discard(key)
            oversized.discard(key)
            discarding.discard(key)
        if silent and event.event is evt.EVT_ABORTED:  # the caller found nothing it offered accepted here
            log.write("refused", attribute="association", channel="dimse")

    def on_long_pdu(association: Any, kind: int, length: int) -> None:
        with lock:
            oversized.add(id(association))  # its close is this refusal, not another line
        log.write("refused", attribute="PDU", channel="dimse")

    ae = AE(ae_title=ae_title)
    ae.maximum_pdu_size = MAX_PDU_LENGTH
    ae.maximum_associations = MAX_ASSOCIATIONS
    if callers is not None:
        ae.require_calling_aet = list(callers)
    for sop_class in ACCEPTED_SOP_CLASSES:
        ae.add_supported_context(sop_class, decodable_transfer_syntaxes())
    handlers = [(evt.EVT_C_STORE, on_store), (evt.EVT_DATA_RECV, on_data)]
    handlers += [(evt.EVT_RELEASED, on_close), (evt.EVT_ABORTED, on_close), (evt.EVT_REJECTED, on_rejected)]
    server = ae.make_server(
        (host, port), evt_handlers=handlers, server_class=ThreadedAssociationServer, request_handler=_BoundedHandler
    )
    server.long_pdu = on_long_pdu
    ae._servers.append(server)  # as AE.start_server does: the server's shutdown removes it from there
    threading.Thread(target=server.serve_forever, name=f"medlearn-dimse-{port}", daemon=True).start()
    return Listener(server=server, port=port, ae_title=ae_title, results=results)


def _drop_received(association: Any) -> None:
    """Empty the data set pynetdicom is gathering for the association's current message (its bytes are read on,
    so that the sender gets a status, not an abort)."""
    buffer = getattr(getattr(getattr(association, "dimse", None), "message", None), "data_set", None)
    if hasattr(buffer, "truncate"):
        buffer.seek(0)
        buffer.truncate()


class _BoundedHandler(RequestHandler):
    """pynetdicom's connection handler, with a socket that reads no PDU longer than the listener accepts."""

    def _create_association(self) -> Any:
        association = super()._create_association()
        _bound_pdus(association, getattr(self.server, "long_pdu", None))
        return association


def _bound_pdus(association: Any, refused: Any) -> None:
    """Make the association's socket refuse, unread, a PDU whose header is not one to read.

    pynetdicom's DUL reads a PDU's 6-byte header (type and length), then asks the socket for the length it
    states. Here the header is read and judged first: a type that is not a PDU's, or a length over the listener's
    limits, raises, and an error here closes the connection (pynetdicom's event 17) before any of the body is
    read; an unknown type is closed too, since pynetdicom would read no body for it and the next header would
    then be taken for one. A PDU must also arrive within :data:`PDU_SECONDS`, so that a peer that trickles bytes
    cannot hold an association. Once the listener sets the socket's ``medlearn_cut`` (an image past
    :data:`DISCARD_LIMIT`), the next read closes the connection the same way.
    """
    import struct
    import time

    sock = association.dul.socket
    read, expected = sock.recv, []
    sock.medlearn_cut = False

    def timed_read(count: int, deadline: float) -> bytearray:
        data, before = bytearray(), sock.socket.gettimeout()
        try:
            while len(data) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise OSError(f"a PDU not received within {PDU_SECONDS} s")
                sock.socket.settimeout(left)
                try:
                    data += read(min(4096, count - len(data)))
                except TimeoutError:
                    raise OSError(f"a PDU not received within {PDU_SECONDS} s") from None
        finally:
            sock.socket.settimeout(before)
        return data

    def recv(count: int) -> bytearray:
        if getattr(sock, "medlearn_cut", False):  # the listener closed it: an image past DISCARD_LIMIT
            raise OSError("an image's bytes went on past the discard limit")
        if expected and count == expected[0]:  # the body of the header just judged
            expected.pop()
            return timed_read(count, time.monotonic() + PDU_SECONDS)
        expected.clear()
        header = timed_read(count, time.monotonic() + PDU_SECONDS)
        if count != 6 or len(header) != 6:
            return header
        kind, _, length = struct.unpack(">BBL", bytes(header))
        limit = MAX_PDU_LENGTH + PDU_MARGIN if kind == _P_DATA else OTHER_PDU_LIMIT
        if kind not in range(1, 8) or length > limit:
            if refused is not None:
                refused(association, kind, length)
            raise OSError(f"a PDU of type {kind} stating {length:,} bytes is refused (limit {limit:,})")
        expected.append(length)
        return header

    sock.recv = recv


def send_image(dataset: Any, host: str, port: int, ae_title: str, *, calling_ae: str = "MEDLEARN_SCU") -> int:
    """Send one dataset with C-STORE; returns the receiver's status (0 for success), or, when no status came back,
    a negative code that says why (:data:`SEND_FAILURES` names each): :data:`ASSOCIATION_REJECTED` (the receiver
    rejected the association: a caller it does not accept, or a receiver busy with as many associations as it
    serves, a transient rejection that a router retries later); :data:`CONTEXT_REJECTED` (it accepted the association
    but not the dataset's SOP class in its transfer syntax, PS3.8 section 9.3.3.2, so this side aborted it before
    any of the dataset was sent); :data:`ABORTED` (the association was aborted or the connection closed while the
    dataset was sent: a PDU over the receiver's limit, say); :data:`NO_ASSOCIATION` (no association: nothing
    listening, a timeout, or a receiver that aborted or closed the connection before answering).

    Example:
        >>> send_image(None, "127.0.0.1", 9, "NOBODY")
        Traceback (most recent call last):
        ...
        ValueError: dataset must be a pydicom Dataset, not NoneType
    """
    from pydicom.dataset import Dataset
    from pynetdicom import AE

    if not isinstance(dataset, Dataset):
        raise ValueError(f"dataset must be a pydicom Dataset, not {type(dataset).__name__}")
    ae = AE(ae_title=calling_ae)
    ae.add_requested_context(dataset.SOPClassUID, dataset.file_meta.TransferSyntaxUID)
    association = ae.associate(host, port, ae_title=ae_title)
    if not association.is_established:
        if association.is_rejected:
            return ASSOCIATION_REJECTED
        return CONTEXT_REJECTED if association.rejected_contexts else NO_ASSOCIATION
    connection = association.dul.socket.socket  # pynetdicom leaves it open when the peer closed first
    try:
        status = association.send_c_store(dataset)
        return int(status.Status) if status else ABORTED
    finally:
        association.release()
        connection.close()


def describe_status(status: int) -> str:
    """What a :func:`send_image` result means, in words: a DICOM status in hex, or why no status came back.

    Example:
        >>> describe_status(0xC000), describe_status(CONTEXT_REJECTED)
        ('status 0xC000', 'presentation context rejected, association aborted, nothing sent')
    """
    status = check_int(status, "status", min_value=min(SEND_FAILURES), max_value=0xFFFF)
    return SEND_FAILURES.get(status, f"status 0x{status:04X}")
