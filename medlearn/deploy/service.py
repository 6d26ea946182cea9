"""The model as an HTTP service (FastAPI on uvicorn): one DICOM file in, a probability and the checks out.

Endpoints:

- ``GET /health``: ``{"status": "ok", "model_version": ...}``;
- ``GET /v1/model``: the model card, versions, threshold, preprocessing and calibration;
- ``POST /v1/predict`` with one DICOM Part 10 file as the body (``Content-Type: application/dicom``):
  ``{"probability", "label", "threshold", "model_version", "checks"}``; a refused input gets a 4xx status
  with ``{"detail": {"attribute", "problem", "fix"}}`` (413 for a body over the limit, 415 for another
  content type, 422 for a file the model must not answer), never a 5xx for bad input, and the service
  keeps serving (a fault of the service itself, such as a non-finite model output, is a 500);
  with ``?format=sr`` the answer is a DICOM Structured Report instead (:mod:`medlearn.deploy.report`).

Nothing the request carried is written to disk. The log records, per request, the outcome and a keyed
hash of the SOP Instance UID (the privacy chapter: never the UID itself or any patient attribute). With
``audit_log`` (and its key, ``audit_key``) the service appends one line per request, once the answer is
ready, to the audit log of :mod:`medlearn.deploy.audit`, which says what a line holds and why the key
matters.

Run it with ``python -m medlearn serve BUNDLE --port 8000``.

Example:
    >>> import tempfile
    >>> from medlearn.models import small_cnn
    >>> from medlearn.deploy import save_bundle, load_bundle
    >>> folder = save_bundle(small_cnn((28, 28, 1), 2, widths=(4,)), tempfile.mkdtemp(), threshold=0.5, card="# m")
    >>> app = create_app(load_bundle(folder))
    >>> sorted(route.path for route in app.routes if route.path.startswith("/v1"))
    ['/v1/model', '/v1/predict']
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from .._validation import check_int, check_number
from .audit import AuditLog
from .bundle import Bundle
from .course_files import to_bytes
from .dicom_input import _TOO_LARGE, MAX_BYTES, InputRefused, dicom_to_input, read_dicom
from .report import structured_report

__all__ = ["DICOM_TYPES", "create_app", "serve"]

#: Content types accepted for a DICOM body (PS3.18's application/dicom, and a generic byte stream).
DICOM_TYPES = ("application/dicom", "application/octet-stream")
LOG = logging.getLogger("medlearn.deploy.service")
#: Requests read and answered at once; the others wait before their body is read, so that memory is bounded
#: by this many requests of at most ``max_bytes`` each (and what decoding them within the checks may take).
MAX_CONCURRENT = 2 * (os.cpu_count() or 1)


def _refusal(status: int, attribute: str, problem: str, fix: str) -> JSONResponse:
    return JSONResponse(
        status_code=status, content={"detail": {"attribute": attribute, "problem": problem, "fix": fix}}
    )


def create_app(
    bundle: Bundle,
    *,
    max_bytes: int = MAX_BYTES,
    monochrome1: str = "invert",
    audit_log: str | Path | None = None,
    audit_key: bytes | None = None,
    max_concurrent: int = MAX_CONCURRENT,
    read_seconds: float = 10.0,
) -> Any:
    """A FastAPI application that answers with ``bundle``; see the module's description for the endpoints.

    ``audit_log``: a file to which one JSON line per request is appended; ``audit_key``: the key of its
    hashes, at least 16 bytes (see the module's description; None: a random key for this process).
    ``max_concurrent``: how many prediction requests are read and answered at once (:data:`MAX_CONCURRENT`);
    ``read_seconds``: how long a request's body may take to arrive (a 408 after that).

    Example:
        >>> create_app("not a bundle")
        Traceback (most recent call last):
        ...
        ValueError: bundle must be a Bundle from load_bundle, not str
    """
    if not isinstance(bundle, Bundle):
        raise ValueError(f"bundle must be a Bundle from load_bundle, not {type(bundle).__name__}")
    max_concurrent = check_int(max_concurrent, "max_concurrent", min_value=1)
    read_seconds = check_number(read_seconds, "read_seconds", low=0.0, low_open=True)
    busy = asyncio.Semaphore(max_concurrent)
    try:
        log = AuditLog(audit_log, version=bundle.version, key=audit_key)
    except ValueError as error:
        raise ValueError(str(error).replace("key must", "audit_key must")) from None
    audit = log.write

    size = (int(bundle.preprocessing["height"]), int(bundle.preprocessing["width"]))
    app = FastAPI(title="medlearn model service", version=bundle.version, docs_url=None, redoc_url=None)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "model_version": bundle.version}

    @app.get("/v1/model")
    def model_information() -> dict[str, Any]:
        return {
            "model_version": bundle.version,
            "versions": dict(bundle.versions),
            "threshold": bundle.threshold,
            "preprocessing": dict(bundle.preprocessing),
            "calibration": dict(bundle.calibration),
            "card": bundle.card,
        }

    @app.post("/v1/predict")
    async def predict(request: Request) -> Any:
        async with busy:  # the body is read, parsed and answered by at most max_concurrent requests at once
            return await predict_now(request)

    async def predict_now(request: Request) -> Any:
        content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type not in DICOM_TYPES:
            audit("refused", attribute="Content-Type")
            return _refusal(415, "Content-Type", f"{content_type or 'none'} is not DICOM", "Send application/dicom.")
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            audit("refused", attribute="file")
            return _refusal(413, "file", f"{int(declared):,} bytes is over {max_bytes:,}", _TOO_LARGE)
        body = bytearray()
        try:  # a body that trickles in would hold its place among the max_concurrent requests
            async with asyncio.timeout(read_seconds):
                async for chunk in request.stream():
                    body += chunk
                    if len(body) > max_bytes:
                        audit("refused", attribute="file")
                        return _refusal(413, "file", f"over {max_bytes:,} bytes", _TOO_LARGE)
        except TimeoutError:
            audit("refused", attribute="file")
            return _refusal(408, "file", f"not received within {read_seconds:g} s", "Send the file at once.")

        def answer() -> tuple[Any, list[str], float]:
            dataset = read_dicom(bytes(body), max_bytes=max_bytes)
            pixels, checks = dicom_to_input(dataset, size=size, monochrome1=monochrome1)
            return dataset, checks, float(bundle.predict(pixels[None])[0])

        try:  # parsing and the model run in a worker thread: the event loop keeps accepting requests
            dataset, checks, probability = await run_in_threadpool(answer)
        except InputRefused as refused:
            LOG.info("refused: %s", refused.attribute)
            audit("refused", attribute=refused.attribute)
            return _refusal(422, refused.attribute, refused.problem, refused.fix)
        if not math.isfinite(probability):  # a fault of the model, never an answer
            raise ArithmeticError("the model's output is not a finite number")
        instance = log.instance(str(dataset.get("SOPInstanceUID", "")))
        label = int(probability >= bundle.threshold)
        if request.query_params.get("format", "json") == "sr":
            try:  # the report copies the study's identifiers and demographics, which the checks did not need
                report = structured_report(
                    dataset, probability, threshold=bundle.threshold, model_version=bundle.version
                )
            except (ValueError, AttributeError, TypeError) as error:  # by type only: values may identify
                audit("refused", attribute="StructuredReport")
                return _refusal(
                    422,
                    "StructuredReport",
                    f"the file's identifiers or demographics cannot be copied into a report ({type(error).__name__})",
                    "Check the UIDs, PatientSex and PatientBirthDate, or ask for the JSON answer.",
                )
            reply: Any = Response(content=to_bytes(report), media_type="application/dicom")
        else:
            reply = {
                "probability": probability,
                "label": label,
                "threshold": bundle.threshold,
                "model_version": bundle.version,
                "checks": checks,
            }
        LOG.info("answered: instance %s", instance)  # logged once the answer is ready, never before
        audit("answered", instance=instance, probability=round(probability, 6), label=label)
        return reply

    @app.middleware("http")
    async def unexpected(request: Request, call_next: Any) -> Any:
        # A bug must not leak a traceback or a patient's data: it is logged by type and answered 500. A middleware,
        # not an exception handler: Starlette re-raises after its 500 handler, and the server then logs the whole
        # traceback, values from the file included.
        try:
            return await call_next(request)
        except Exception as error:
            LOG.error("internal error: %s", type(error).__name__)
            audit("error", error=type(error).__name__)
            return _refusal(500, "service", "internal error", "Report it; the request was not stored.")

    return app


def serve(
    bundle_path: str,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    audit_log: str | None = None,
    audit_key_file: str | None = None,
    expect_digest: str | None = None,
) -> None:
    """Load the bundle (checking every file's hash) and serve it with uvicorn until interrupted.

    ``audit_log``: a file for the service's audit lines (see :func:`create_app`), or None;
    ``audit_key_file``: a file holding the audit hashes' key (its bytes); ``expect_digest``: the approved
    bundle's full digest (:attr:`Bundle.digest`, 64 hex digits): a bundle with any other (edited, even with
    its manifest rewritten) is refused at start. The 12-digit version is refused here: too short to pin.

    Example:
        >>> serve("/no/such/bundle")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        medlearn.deploy.bundle.BundleError: /no/such/bundle: no manifest.json; ...
    """
    import uvicorn

    from .bundle import load_bundle

    bundle = load_bundle(bundle_path, expect_digest=expect_digest)  # compared before Keras reads the model
    key = None if audit_key_file is None else Path(audit_key_file).read_bytes()
    app = create_app(bundle, audit_log=audit_log, audit_key=key)
    uvicorn.run(app, host=host, port=port, log_level="warning")
