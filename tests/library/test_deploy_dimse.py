"""medlearn.deploy.dimse against hostile peers: a data set refused by its structure, PDUs longer than advertised."""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from helpers import free_port

from authoring.hostile_files import sequence_bomb
from medlearn.deploy import image_to_dicom, load_bundle, save_bundle
from medlearn.deploy.dimse import CANNOT_UNDERSTAND, MAX_PDU_LENGTH, PDU_MARGIN, SUCCESS, send_image, start_listener

AUDIT_KEY = b"a key the hospital keeps secret"


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    from medlearn.models import small_cnn

    folder = tmp_path_factory.mktemp("bundle")
    save_bundle(small_cnn((28, 28, 1), 2, widths=(4,)), folder, threshold=0.5, card="# m")
    log = tmp_path_factory.mktemp("audit") / "audit.jsonl"
    listener = start_listener(load_bundle(folder), port=free_port(), audit_log=log, audit_key=AUDIT_KEY)
    yield listener, log
    listener.stop()


def _lines(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def _answers(listener) -> bool:
    image = image_to_dicom(np.full((28, 28), 100, np.uint8), seed="still serving")
    return send_image(image, "127.0.0.1", listener.port, listener.ae_title) == SUCCESS


def test_a_sequence_bomb_is_refused_by_its_structure_before_it_is_decoded(node, tmp_path: Path) -> None:
    """19 MB holding a million empty items (800 MB once decoded): 0xC000 naming the sequence, and an audit line."""
    from pynetdicom import AE, _config

    listener, log = node
    path = tmp_path / "bomb.dcm"
    path.write_bytes(sequence_bomb(1_200_000))
    before = len(_lines(log))
    scu = AE(ae_title="MEDLEARN_SCU")
    scu.add_requested_context("1.2.840.10008.5.1.4.1.1.1.1", "1.2.840.10008.1.2.1")
    sent_raw, _config.STORE_SEND_CHUNKED_DATASET = _config.STORE_SEND_CHUNKED_DATASET, True  # bytes as they are
    try:
        association = scu.associate("127.0.0.1", listener.port, ae_title=listener.ae_title)
        assert association.is_established
        status = association.send_c_store(path)
        association.release()
    finally:
        _config.STORE_SEND_CHUNKED_DATASET = sent_raw
    assert int(status.Status) == CANNOT_UNDERSTAND and "(0029,1010)" in str(status.ErrorComment)
    assert [(e["outcome"], e["attribute"]) for e in _lines(log)[before:]] == [("refused", "(0029,1010)")]
    assert listener.results[-1] == {"refused": "(0029,1010)", "problem": "a sequence of more than 1,000 items"}
    assert _answers(listener)


def test_a_p_data_pdu_longer_than_advertised_aborts_the_association_unread(node) -> None:
    from pynetdicom import AE

    listener, log = node
    before = len(_lines(log))
    scu = AE(ae_title="MEDLEARN_SCU")
    scu.add_requested_context("1.2.840.10008.5.1.4.1.1.1.1", "1.2.840.10008.1.2.1")
    association = scu.associate("127.0.0.1", listener.port, ae_title=listener.ae_title)
    assert association.is_established and association.acceptor.maximum_length == MAX_PDU_LENGTH
    raw = association.dul.socket.socket  # the real socket under pynetdicom's association
    raw.sendall(struct.pack(">BBL", 0x04, 0, 200 * 2**20) + b"\0" * 65536)  # a P-DATA PDU stating 200 MiB
    deadline = time.monotonic() + 10
    while not association.is_aborted and time.monotonic() < deadline:
        time.sleep(0.05)
    assert association.is_aborted
    raw.close()  # closed by the listener; pynetdicom's requestor leaves its end open
    assert [(e["outcome"], e["attribute"]) for e in _lines(log)[before:]] == [("refused", "PDU")]
    assert _answers(listener)


@pytest.mark.parametrize(("kind", "length"), [(0x01, 200 * 2**20), (0x04, MAX_PDU_LENGTH + PDU_MARGIN + 1)])
def test_a_pdu_stating_too_much_closes_a_raw_connection_at_once(node, kind: int, length: int) -> None:
    """On a bare TCP connection, before any association: the listener closes it having read 6 bytes."""
    listener, _ = node
    with socket.create_connection(("127.0.0.1", listener.port), timeout=10) as connection:
        connection.sendall(struct.pack(">BBL", kind, 0, length))
        started = time.monotonic()
        try:
            assert connection.recv(1024) == b""  # closed by the listener
        except ConnectionResetError:
            pass
        assert time.monotonic() - started < 5
    assert _answers(listener)


def _closed_within(connection: socket.socket, seconds: float) -> bool:
    connection.settimeout(seconds)
    try:
        return connection.recv(1024) == b""
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_an_unknown_pdu_type_cannot_desynchronise_the_bound(node) -> None:
    """An unknown type (pynetdicom reads no body for it) followed by an A-ASSOCIATE-RQ stating 150 MiB: the
    listener closes the connection at the first header, so the second is never taken for a body."""
    listener, _ = node
    with socket.create_connection(("127.0.0.1", listener.port), timeout=10) as connection:
        connection.sendall(struct.pack(">BBL", 0x09, 0, 0) + struct.pack(">BBL", 0x01, 0, 150 * 2**20))
        try:
            connection.sendall(b"\0" * 2**20)  # the start of the 150 MiB: refused long before
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert _closed_within(connection, 5)
    assert _answers(listener)


def test_a_peer_that_trickles_a_pdu_is_closed_after_the_pdu_deadline(node, monkeypatch: pytest.MonkeyPatch) -> None:
    import medlearn.deploy.dimse as dimse

    listener, _ = node
    monkeypatch.setattr(dimse, "PDU_SECONDS", 1.0)
    with socket.create_connection(("127.0.0.1", listener.port), timeout=10) as connection:
        connection.sendall(struct.pack(">BBL", 0x01, 0, 200) + b"\0" * 10)  # 10 of the 200 bytes it states
        started = time.monotonic()
        assert _closed_within(connection, 8)
        assert time.monotonic() - started < 6
    assert _answers(listener)


def test_send_image_names_each_way_of_getting_no_status(node) -> None:
    """Each cause has its own code: a CT's context rejected by the node, a caller the receiver does not accept,
    and an association aborted while the image is sent (nothing listening: the test below)."""
    import pydicom
    from pydicom.data import get_testdata_file
    from pynetdicom import AE, evt

    from medlearn.deploy import dimse

    listener, _ = node
    image = image_to_dicom(np.full((28, 28), 100, np.uint8), seed="each cause")
    ct = pydicom.dcmread(get_testdata_file("CT_small.dcm"))
    assert send_image(ct, "127.0.0.1", listener.port, listener.ae_title) == dimse.CONTEXT_REJECTED

    def abort(event):
        event.assoc.abort()
        return 0x0000

    receiver = AE(ae_title="RECEIVER")
    receiver.add_supported_context(image.SOPClassUID, image.file_meta.TransferSyntaxUID)
    receiver.require_calling_aet = ["SOMEONE_ELSE"]
    port = free_port()
    server = receiver.start_server(("127.0.0.1", port), block=False, evt_handlers=[(evt.EVT_C_STORE, abort)])
    try:
        assert send_image(image, "127.0.0.1", port, "RECEIVER") == dimse.ASSOCIATION_REJECTED
        receiver.require_calling_aet = []
        assert send_image(image, "127.0.0.1", port, "RECEIVER") == dimse.ABORTED
    finally:
        server.shutdown()
    assert _answers(listener)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # pynetdicom drops the refused socket
def test_send_image_to_a_port_where_nothing_listens_gets_no_association() -> None:
    from medlearn.deploy import dimse

    image = image_to_dicom(np.full((28, 28), 100, np.uint8), seed="nobody")
    assert send_image(image, "127.0.0.1", free_port(), "NOBODY") == dimse.NO_ASSOCIATION


def test_describe_status_says_what_a_send_came_to() -> None:
    from medlearn.deploy.dimse import ABORTED, ASSOCIATION_REJECTED, NO_ASSOCIATION, SEND_FAILURES, describe_status

    assert describe_status(SUCCESS) == "status 0x0000" and describe_status(CANNOT_UNDERSTAND) == "status 0xC000"
    words = [describe_status(code) for code in (ASSOCIATION_REJECTED, ABORTED, NO_ASSOCIATION)]
    assert words == [SEND_FAILURES[ASSOCIATION_REJECTED], SEND_FAILURES[ABORTED], SEND_FAILURES[NO_ASSOCIATION]]
    assert len(set(SEND_FAILURES.values())) == len(SEND_FAILURES) == 4
    for bad in (-5, 0x10000, 1.0, True, "0"):
        with pytest.raises(ValueError, match="status"):
            describe_status(bad)


def _raw_peer(answer: bytes | None) -> tuple[int, threading.Thread]:
    """A TCP peer on a free port that takes one connection, reads the association request, then sends ``answer``
    (None: closes at once) and closes."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)

    def serve() -> None:
        with server:
            connection, _ = server.accept()
            with connection:
                connection.settimeout(5)
                connection.recv(65536)
                if answer is not None:
                    connection.sendall(answer)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return server.getsockname()[1], thread


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # pynetdicom drops the socket
@pytest.mark.parametrize(
    "answer",
    [bytes.fromhex("07000000000400000200"), None],  # an A-ABORT PDU (PS3.8 9.3.8), or the connection closed
    ids=["aborted before answering", "closed before answering"],
)
def test_a_peer_that_aborts_or_closes_before_answering_gives_no_association(answer: bytes | None) -> None:
    from medlearn.deploy import dimse

    port, thread = _raw_peer(answer)
    image = image_to_dicom(np.full((28, 28), 100, np.uint8), seed="raw peer")
    assert send_image(image, "127.0.0.1", port, "ANYONE") == dimse.NO_ASSOCIATION
    thread.join(5)


def test_a_busy_receiver_rejects_the_association() -> None:
    """A receiver serving as many associations as it allows rejects another (transiently): the code is -1."""
    from pynetdicom import AE

    from medlearn.deploy import dimse

    image = image_to_dicom(np.full((28, 28), 100, np.uint8), seed="busy")
    receiver = AE(ae_title="RECEIVER")
    receiver.add_supported_context(image.SOPClassUID, image.file_meta.TransferSyntaxUID)
    receiver.maximum_associations = 1
    port = free_port()
    server = receiver.start_server(("127.0.0.1", port), block=False)
    caller = AE(ae_title="HOLDER")
    caller.add_requested_context(image.SOPClassUID, image.file_meta.TransferSyntaxUID)
    held = caller.associate("127.0.0.1", port, ae_title="RECEIVER")
    try:
        assert held.is_established
        assert send_image(image, "127.0.0.1", port, "RECEIVER") == dimse.ASSOCIATION_REJECTED
    finally:
        held.release()
        server.shutdown()
