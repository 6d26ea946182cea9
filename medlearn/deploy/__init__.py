"""From notebook to clinic: a model bundle with hashed files, DICOM in with the checks a real system needs.

- :mod:`medlearn.deploy.bundle`: ``save_bundle`` and ``load_bundle`` (model, preprocessing as data,
  threshold, calibration, reference statistics, model card, versions, sha256 of every file);
- :mod:`medlearn.deploy.dicom_input`: ``read_dicom`` (bytes from a network, its transfer syntax and
  structure checked before parsing) and ``dicom_to_input`` (the model's input, or a refusal that names the attribute);
- :mod:`medlearn.deploy.encoding`: the accepted transfer syntaxes, read from the file meta information
  without trusting a length, and a compressed frame's own size, read before it is decoded;
- :mod:`medlearn.deploy.structure`: a data set's elements, sequence items and nesting counted over its
  bytes before pydicom parses it;
- :mod:`medlearn.deploy.course_files`: ``image_to_dicom`` (a course image as a Secondary Capture object
  marked as derived) and ``to_bytes``;
- :mod:`medlearn.deploy.report`: ``structured_report`` (the answer as a DICOM SR, TID 1500, with highdicom)
  and ``read_structured_report`` (read back with pydicom);
- :mod:`medlearn.deploy.monitor`: input and output drift tests, selective prediction (risk-coverage, a
  deferral threshold for a target error rate);
- :mod:`medlearn.deploy.dimse`: a DICOM C-STORE listener (pynetdicom) that answers with a report;
- :mod:`medlearn.deploy.service`: the HTTP service (FastAPI), ``python -m medlearn serve BUNDLE``;
- :mod:`medlearn.deploy.audit`: the audit log both write (one JSON line per request, keyed hashes).
"""

from .bundle import BUNDLE_FILES, DEFAULT_PREPROCESSING, Bundle, BundleError, load_bundle, save_bundle
from .course_files import image_to_dicom, to_bytes
from .dicom_input import ACCEPTED_SOP_CLASSES, MAX_BYTES, MAX_PIXELS, InputRefused, dicom_to_input, read_dicom
from .encoding import ACCEPTED_TRANSFER_SYNTAXES
from .report import read_structured_report, structured_report

__all__ = [
    "ACCEPTED_SOP_CLASSES",
    "ACCEPTED_TRANSFER_SYNTAXES",
    "BUNDLE_FILES",
    "Bundle",
    "BundleError",
    "DEFAULT_PREPROCESSING",
    "InputRefused",
    "MAX_BYTES",
    "MAX_PIXELS",
    "dicom_to_input",
    "image_to_dicom",
    "load_bundle",
    "read_dicom",
    "read_structured_report",
    "save_bundle",
    "structured_report",
    "to_bytes",
]
