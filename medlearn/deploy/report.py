"""Results back as DICOM: a Structured Report (TID 1500 Measurement Report, made with highdicom) that a PACS can
store next to the image it describes.

The report holds the finding (pneumonia, SNOMED CT 233604007, present or absent at the model's threshold),
the calibrated probability and the operating threshold as measurements (so that a viewer can show "0.85,
below 0.88": present and absent are relative to the threshold), the algorithm's name and version (the
bundle's hash), and a reference to the source image's SOP Instance UID, in the source's study. The
probability and the threshold are coded in a private coding scheme (``99MEDLEARN``; PS3.16 allows schemes
whose designator starts with 99), because no standard code names them. The finding is coded as a plain finding
(SNOMED CT "Pneumonia" = "Present"): only its place in a group with the algorithm's name and version, and the
report's UNVERIFIED flag, mark it as a model's output at a threshold, so a system that harvests coded findings
from reports could record it as a diagnosis.

Each report is a new instance with new UIDs (SOP Instance and Series Instance UID, random): two reports of one
image differ at least in their creation date and time, and may differ in the patient's attributes (after a
patient reconciliation, say), so they must not share a UID (PS3.5 section 9, PS3.3 C.12.1.1.1). What two reports
of one image share is the reference to it and the finding's Tracking UID, derived from the image's UID.

Example:
    >>> from medlearn.deploy import image_to_dicom
    >>> source = image_to_dicom(np.zeros((28, 28), np.uint8), seed="doc")
    >>> sr = structured_report(source, 0.73, threshold=0.5, model_version="abc123")
    >>> read_structured_report(sr)["finding"], sr.Modality
    ('present', 'SR')
"""

from __future__ import annotations

from typing import Any

import numpy as np
from pydicom.dataset import Dataset

from .._validation import check_number

__all__ = ["structured_report", "read_structured_report"]

MODEL_NAME = "medlearn chest radiograph pneumonia CNN"
PROBABILITY_CODE = ("PNEUMONIA-P", "99MEDLEARN", "Probability of pneumonia")
THRESHOLD_CODE = ("PNEUMONIA-T", "99MEDLEARN", "Operating threshold for pneumonia")


def _codes() -> dict[str, Any]:
    from highdicom.sr import CodedConcept

    return {
        "pneumonia": CodedConcept("233604007", "SCT", "Pneumonia"),
        "present": CodedConcept("52101004", "SCT", "Present"),
        "absent": CodedConcept("2667000", "SCT", "Absent"),
        "probability": CodedConcept(*PROBABILITY_CODE),
        "threshold": CodedConcept(*THRESHOLD_CODE),
        "no units": CodedConcept("1", "UCUM", "no units"),
        "procedure": CodedConcept("36554-4", "LN", "XR Chest Single view"),
    }


def structured_report(
    source: Dataset, y_prob: float, *, threshold: float, model_version: str, model_name: str = MODEL_NAME
) -> Dataset:
    """A Comprehensive 3D SR (TID 1500) of the model's answer for ``source``, in the source's study.

    Every call makes a new instance: its SOP Instance and Series Instance UIDs are new random UIDs, never derived
    from the source's alone (a second report of the same image, with other patient attributes or another creation
    time, would otherwise repeat a UID). The finding's Tracking UID is derived from the source's SOP Instance UID,
    so the reports of one image track one finding.

    Example:
        >>> from medlearn.deploy import image_to_dicom
        >>> sr = structured_report(image_to_dicom(np.zeros((28, 28), np.uint8)), 0.2, threshold=0.5, model_version="v1")
        >>> sr.SOPClassUID.name, sr.CompletionFlag, sr.VerificationFlag
        ('Comprehensive 3D SR Storage', 'COMPLETE', 'UNVERIFIED')
    """
    import highdicom as hd
    from pydicom.sr.codedict import codes
    from pydicom.uid import generate_uid

    probability = check_number(y_prob, "y_prob", low=0.0, high=1.0)
    threshold = check_number(threshold, "threshold", low=0.0, high=1.0)
    if not isinstance(model_version, str) or not model_version:
        raise ValueError(f"model_version must be a non-empty string, not {model_version!r}")
    concept = _codes()
    algorithm = hd.sr.AlgorithmIdentification(name=model_name, version=model_version)
    device = hd.sr.DeviceObserverIdentifyingAttributes(
        uid=generate_uid(entropy_srcs=[model_name, model_version]), name=model_name
    )
    context = hd.sr.ObservationContext(
        observer_device_context=hd.sr.ObserverContext(
            observer_type=codes.DCM.Device, observer_identifying_attributes=device
        )
    )
    group = hd.sr.MeasurementsAndQualitativeEvaluations(
        tracking_identifier=hd.sr.TrackingIdentifier(
            uid=generate_uid(entropy_srcs=[str(source.SOPInstanceUID), "tracking"]), identifier="chest radiograph"
        ),
        measurements=[
            hd.sr.Measurement(
                name=concept["probability"], value=probability, unit=concept["no units"], algorithm_id=algorithm
            ),
            hd.sr.Measurement(
                name=concept["threshold"], value=threshold, unit=concept["no units"], algorithm_id=algorithm
            ),
        ],
        qualitative_evaluations=[
            hd.sr.QualitativeEvaluation(
                name=concept["pneumonia"], value=concept["present" if probability >= threshold else "absent"]
            )
        ],
        algorithm_id=algorithm,
        source_images=[hd.sr.SourceImageForMeasurementGroup.from_source_image(source)],
    )
    report = hd.sr.MeasurementReport(
        observation_context=context, procedure_reported=concept["procedure"], imaging_measurements=[group]
    )
    return hd.sr.Comprehensive3DSR(
        evidence=[source],
        content=report,
        series_instance_uid=generate_uid(),  # random: a new instance, never a UID another report holds
        series_number=900,
        sop_instance_uid=generate_uid(),
        instance_number=1,
        manufacturer="medlearn course",
        is_complete=True,
        is_final=False,  # a model's output is preliminary until a reader signs it off
        series_description="AI result, not verified",
    )


def read_structured_report(dataset: Dataset) -> dict[str, Any]:
    """The finding, probability, threshold, algorithm version and referenced image from a report of this module.

    Read with plain pydicom (no highdicom), as a receiving system would.

    Example:
        >>> from medlearn.deploy import image_to_dicom
        >>> sr = structured_report(image_to_dicom(np.zeros((28, 28), np.uint8)), 0.2, threshold=0.5, model_version="v1")
        >>> sorted(read_structured_report(sr).items())[:3]
        [('finding', 'absent'), ('image', '...'), ('model_version', 'v1')]
    """
    found: dict[str, Any] = {}

    def walk(items: Any) -> None:
        for item in items:
            name = item.ConceptNameCodeSequence[0].CodeValue if "ConceptNameCodeSequence" in item else ""
            if item.ValueType == "NUM" and name in (PROBABILITY_CODE[0], THRESHOLD_CODE[0]):
                key = "probability" if name == PROBABILITY_CODE[0] else "threshold"
                found[key] = float(item.MeasuredValueSequence[0].NumericValue)
            elif item.ValueType == "CODE" and name == "233604007":
                found["finding"] = item.ConceptCodeSequence[0].CodeMeaning.lower()
            elif item.ValueType == "TEXT" and name == "111003":  # Algorithm Version
                found["model_version"] = str(item.TextValue)
            elif item.ValueType == "IMAGE":
                found["image"] = str(item.ReferencedSOPSequence[0].ReferencedSOPInstanceUID)
            if "ContentSequence" in item:
                walk(item.ContentSequence)

    if getattr(dataset, "Modality", "") != "SR" or "ContentSequence" not in dataset:
        raise ValueError("dataset must be a DICOM Structured Report with content")
    walk(dataset.ContentSequence)
    missing = {"probability", "finding", "model_version", "image"} - set(found)
    if missing:
        raise ValueError(f"dataset lacks {sorted(missing)}: not a report written by medlearn.deploy")
    found["probability"] = float(np.round(found["probability"], 12))
    if "threshold" in found:  # reports written before the threshold was added hold none
        found["threshold"] = float(np.round(found["threshold"], 12))
    return found
