"""medlearn.deploy: the bundle's hashes, DICOM checks on pydicom's real files, and the service through a real
HTTP client on 127.0.0.1 (valid, refused and concurrent requests)."""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import threading
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pydicom
import pytest
from helpers import free_port
from hypothesis import given, settings
from hypothesis import strategies as st
from pydicom.data import get_testdata_file
from pydicom.dataset import Dataset

from authoring.hostile_files import deflated_ct, element_flood, jpeg_ls_bomb, nested_sequences, sequence_bomb
from medlearn.deploy import (
    BundleError,
    InputRefused,
    dicom_to_input,
    image_to_dicom,
    load_bundle,
    read_dicom,
    read_structured_report,
    save_bundle,
    structured_report,
    to_bytes,
)


@pytest.fixture(scope="module")
def bundle_folder(tmp_path_factory) -> Path:
    import keras

    from medlearn.models import small_cnn

    keras.utils.set_random_seed(0)
    model = small_cnn((28, 28, 1), 2, widths=(4, 8))
    folder = tmp_path_factory.mktemp("bundle") / "pneumonia"
    return save_bundle(model, folder, threshold=0.4, calibration={"a": 1.3, "b": -0.2}, card="# Test model\n")


@pytest.fixture(scope="module")
def images() -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (6, 28, 28), dtype=np.uint8)


def test_bundle_round_trip_and_calibration(bundle_folder: Path, images: np.ndarray) -> None:
    bundle = load_bundle(bundle_folder)
    raw = bundle.raw_probability(images)
    want = 1 / (1 + np.exp(-(1.3 * np.log(raw / (1 - raw)) - 0.2)))
    np.testing.assert_allclose(bundle.predict(images), want, atol=1e-9)
    manifest = json.loads((bundle_folder / "manifest.json").read_text())
    assert len(bundle.version) == 12 and set(bundle.versions) == {"medlearn", "keras", "tensorflow"}
    # a new threshold or card (their files' hashes) is a new version
    for name in ("bundle.json", "card.md"):
        assert (
            dataclasses.replace(bundle, hashes={**bundle.hashes, name: "0" * 64}, _cache={}).version != bundle.version
        )
    # model.keras's own hash does not enter (Keras writes the save date into it): its weights do
    assert dataclasses.replace(bundle, hashes={**bundle.hashes, "model.keras": "0" * 64}, _cache={}).version == (
        bundle.version
    )
    assert manifest["model.keras"] == bundle.hashes["model.keras"]


def test_saving_again_gives_the_same_version_and_new_weights_a_new_one(bundle_folder: Path, tmp_path: Path) -> None:
    from medlearn.deploy.bundle import model_digest

    bundle = load_bundle(bundle_folder)
    settings = json.loads((bundle_folder / "bundle.json").read_text())
    card = (bundle_folder / "card.md").read_text()

    def save(model, name, threshold=settings["threshold"]):
        return load_bundle(
            save_bundle(
                model,
                tmp_path / name,
                threshold=threshold,
                calibration=settings["calibration"],
                reference_stats=settings["reference_stats"],
                card=card,
            )
        )

    again = save(bundle.model, "again")
    assert save(bundle.model, "later").version == again.version  # the same network and settings, saved later
    assert save(bundle.model, "v2", threshold=0.55).version != again.version
    weights = bundle.model.get_weights()
    changed = [w.copy() for w in weights]
    changed[0][(0,) * changed[0].ndim] += 0.01
    bundle.model.set_weights(changed)
    try:
        assert save(bundle.model, "retrained").version != again.version
        assert model_digest(bundle.model) != model_digest(again.model)
    finally:
        bundle.model.set_weights(weights)
    assert bundle.threshold == 0.4 and bundle.card.startswith("# Test model")


@pytest.mark.parametrize("damage", ["change", "remove", "add"])
def test_a_changed_bundle_is_refused_by_name(bundle_folder: Path, tmp_path: Path, damage: str) -> None:
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(bundle_folder, copy)
    if damage == "change":
        (copy / "bundle.json").write_text(
            (copy / "bundle.json").read_text().replace('"threshold": 0.4', '"threshold": 0.1')
        )
        words = "bundle.json: does not match its sha256"
    elif damage == "remove":
        (copy / "card.md").unlink()
        words = "card.md: missing"
    else:
        (copy / "extra.py").write_text("print('hello')")
        words = "files not in the manifest: extra.py"
    with pytest.raises(BundleError, match=words):
        load_bundle(copy)


def test_save_bundle_refuses_bad_arguments(bundle_folder: Path, tmp_path: Path) -> None:
    model = load_bundle(bundle_folder).model
    for kwargs, words in (
        ({"threshold": 1.5, "card": "x"}, "threshold must be a number"),
        ({"threshold": 0.5, "card": " "}, "card must be"),
        ({"threshold": 0.5, "card": "x", "calibration": {"a": 1.0}}, "calibration must be"),
        ({"threshold": 0.5, "card": "x", "preprocessing": {"height": 28}}, "preprocessing must give"),
    ):
        with pytest.raises(ValueError, match=words):
            save_bundle(model, tmp_path / "new", **kwargs)
    with pytest.raises(ValueError, match="must be a new or empty folder"):
        save_bundle(model, bundle_folder, threshold=0.5, card="x")


def test_a_course_image_as_dicom_gives_the_notebooks_probability(bundle_folder: Path, images: np.ndarray) -> None:
    bundle = load_bundle(bundle_folder)
    for index, image in enumerate(images):
        dataset = read_dicom(to_bytes(image_to_dicom(image, seed=str(index))))
        pixels, checks = dicom_to_input(dataset)
        assert np.array_equal(pixels, image) and "PhotometricInterpretation" in checks
        assert abs(bundle.predict(pixels[None])[0] - bundle.predict(image[None])[0]) < 1e-6
    inverted = read_dicom(to_bytes(image_to_dicom(images[0], photometric="MONOCHROME1")))
    assert np.array_equal(dicom_to_input(inverted)[0], images[0])  # MONOCHROME1 handled: the same picture
    with pytest.raises(InputRefused, match="PhotometricInterpretation: MONOCHROME1"):
        dicom_to_input(inverted, monochrome1="refuse")
    assert "not an original radiograph" in image_to_dicom(images[0]).DerivationDescription


def _file(name: str) -> pydicom.Dataset:
    if not name.endswith(".dcm"):
        from medlearn.data import dicom_example

        return dicom_example(name)
    if name.startswith("chr"):  # pydicom's character-set test files (real 32 x 32 images)
        from pydicom.data import get_charset_files

        return pydicom.dcmread(get_charset_files(name)[0])
    return pydicom.dcmread(get_testdata_file(name))


@pytest.mark.parametrize(
    ("name", "attribute"),
    [
        ("CT_small.dcm", "SOPClassUID"),
        ("MR_small.dcm", "SOPClassUID"),
        ("rgb_color", "SOPClassUID"),  # ultrasound, from pydicom's examples
        ("chrGerm.dcm", "Modality"),  # a secondary capture that does not say it came from a radiograph
        ("chrJapMulti.dcm", "PatientAge"),  # a CR chest PA born 1800-01-01, studied 2008: an adult by its dates
    ],
)
def test_pydicoms_own_files_are_refused_by_attribute(name: str, attribute: str) -> None:
    dataset = _file(name)
    with pytest.raises(InputRefused) as refused:
        dicom_to_input(dataset)
    assert refused.value.attribute == attribute and refused.value.fix


def test_other_faults_are_refused_by_attribute(images: np.ndarray) -> None:
    good = image_to_dicom(images[0])
    cases = []
    no_pixels = image_to_dicom(images[0])
    del no_pixels.PixelData
    cases.append((no_pixels, "PixelData"))
    colour = image_to_dicom(images[0])
    colour.SamplesPerPixel = 3
    cases.append((colour, "SamplesPerPixel"))
    frames = image_to_dicom(images[0])
    frames.NumberOfFrames = 2
    cases.append((frames, "NumberOfFrames"))
    signed = image_to_dicom(images[0])
    signed.PixelRepresentation = 1
    cases.append((signed, "PixelRepresentation"))
    small = image_to_dicom(images[0][:20, :20].copy())
    cases.append((small, "Rows"))
    wide = image_to_dicom(np.zeros((28, 70), np.uint8))
    cases.append((wide, "Columns"))
    for keyword, value in [("BodyPartExamined", "KNEE"), ("ViewPosition", "LL"), ("PatientAge", "045Y")]:
        other = image_to_dicom(images[0])
        setattr(other, keyword, value)
        cases.append((other, keyword))
    garbled = image_to_dicom(images[0])
    with warnings.catch_warnings():  # pydicom warns of a text value in a US element: the fault under test
        warnings.simplefilter("ignore")
        garbled.SamplesPerPixel = "x"
    cases.append((garbled, "SamplesPerPixel"))
    cut = image_to_dicom(images[0])
    cut.PixelData = cut.PixelData[:-100]
    cases.append((cut, "PixelData"))
    huge = image_to_dicom(images[0])
    huge.Rows, huge.Columns = 60_000, 60_000  # refused from the header, before any decoding
    cases.append((huge, "Rows"))
    shifted = image_to_dicom(images[0])
    shifted.RescaleSlope, shifted.RescaleIntercept = 1, -1000
    cases.append((shifted, "RescaleIntercept"))
    for dataset, attribute in cases:
        with pytest.raises(InputRefused) as refused:
            dicom_to_input(dataset)
        assert refused.value.attribute == attribute, (attribute, str(refused.value))
    assert dicom_to_input(good)[0].shape == (28, 28)
    child = image_to_dicom(images[0])
    child.PatientAge = "003Y"
    assert np.array_equal(dicom_to_input(child)[0], images[0])


def test_a_cr_header_without_pixel_data_is_refused_by_pixel_data() -> None:
    dataset = _file("chrJapMulti.dcm")  # a CR header (MONOCHROME1, 12 bits) without its pixel data
    dataset.PatientBirthDate = ""  # its dates make the patient an adult, refused before the pixels
    with pytest.raises(InputRefused) as refused:
        dicom_to_input(dataset)
    assert refused.value.attribute == "PixelData"


def test_an_absent_body_part_view_or_age_is_named_as_not_checked(images: np.ndarray) -> None:
    # A de-identified file (the privacy chapter's profile removes Patient's Age) must not be reported as age-checked.
    dataset = image_to_dicom(images[0])
    _, checks = dicom_to_input(dataset)
    assert "BodyPartExamined" in checks and "ViewPosition" in checks
    assert "PatientAge (absent, not checked)" in checks and "PatientAge" not in checks
    dataset.BodyPartExamined, dataset.ViewPosition = "", "  "
    del dataset.PatientBirthDate
    _, checks = dicom_to_input(dataset)
    for keyword in ("BodyPartExamined", "ViewPosition", "PatientAge"):
        assert f"{keyword} (absent, not checked)" in checks and keyword not in checks, checks
    dataset.PatientAge = "003Y"
    assert "PatientAge" in dicom_to_input(dataset)[1]


@pytest.mark.parametrize("age", ["45Y", "045y", "045", "0045Y", "4X5Y", "045A"])
def test_a_malformed_age_is_refused_not_taken_for_no_age(images: np.ndarray, age: str) -> None:
    dataset = image_to_dicom(images[0])
    with warnings.catch_warnings():  # pydicom warns of a value that is not an AS: the fault under test
        warnings.simplefilter("ignore")
        dataset.PatientAge = age
    with pytest.raises(InputRefused, match="not a DICOM age string") as refused:
        dicom_to_input(dataset)
    assert refused.value.attribute == "PatientAge"


def test_without_patient_age_the_age_comes_from_birth_and_study_dates(images: np.ndarray) -> None:
    adult = image_to_dicom(images[0])
    adult.PatientBirthDate, adult.StudyDate = "19800101", "20250601"
    with pytest.raises(InputRefused, match="adult") as refused:
        dicom_to_input(adult)
    assert refused.value.attribute == "PatientAge"
    child = image_to_dicom(images[0])
    child.PatientBirthDate, child.StudyDate = "20220301", "20250601"
    assert "PatientAge (from PatientBirthDate and StudyDate)" in dicom_to_input(child)[1]
    only_one = image_to_dicom(images[0])
    only_one.PatientBirthDate = "19800101"  # no StudyDate: the age cannot be worked out
    assert "PatientAge (absent, not checked)" in dicom_to_input(only_one)[1]
    stated = image_to_dicom(images[0])
    stated.PatientAge, stated.PatientBirthDate, stated.StudyDate = "004Y", "19800101", "20250601"
    assert "PatientAge" in dicom_to_input(stated)[1]  # the stated age wins
    backwards = image_to_dicom(images[0])
    backwards.PatientBirthDate, backwards.StudyDate = "20250601", "20220301"
    with pytest.raises(InputRefused, match="before the patient's birth"):
        dicom_to_input(backwards)
    for keyword, value in [("PatientBirthDate", "1980-01-01"), ("StudyDate", "20251301")]:
        odd = image_to_dicom(images[0])
        odd.PatientBirthDate, odd.StudyDate = "20220301", "20250601"
        with warnings.catch_warnings():  # pydicom warns of a value that is not a DA: the fault under test
            warnings.simplefilter("ignore")
            setattr(odd, keyword, value)
        with pytest.raises(InputRefused, match="not a DICOM date") as refused:
            dicom_to_input(odd)
        assert refused.value.attribute == keyword


def test_a_non_square_radiograph_is_cropped_to_its_centre_and_a_window_is_applied(images: np.ndarray) -> None:
    wider = np.random.default_rng(3).integers(0, 256, (28, 36), dtype=np.uint8)
    pixels, checks = dicom_to_input(image_to_dicom(wider))
    assert np.array_equal(pixels, wider[:, 4:32]) and "VOILUT" not in checks
    # a 12-bit radiograph with a window: the window is applied before the 12-bit range maps to 0-255
    raw = np.random.default_rng(4).integers(0, 4096, (56, 56)).astype(np.uint16)
    dataset = image_to_dicom(images[0])
    dataset.Rows = dataset.Columns = 56
    dataset.BitsAllocated, dataset.BitsStored, dataset.HighBit = 16, 12, 11
    dataset.PixelData = raw.tobytes()
    dataset.WindowCenter, dataset.WindowWidth = 2048, 1024
    pixels, checks = dicom_to_input(dataset)
    windowed = np.clip((raw - (2048 - 0.5)) / (1024 - 1) + 0.5, 0, 1) * 4095  # PS3.3 C.11.2.1.2.1, linear
    want = np.rint(windowed.reshape(28, 2, 28, 2).mean(axis=(1, 3)) * 255 / 4095)  # the mean of 2 x 2 blocks
    assert "VOILUT" in checks and np.abs(pixels.astype(int) - want).max() <= 1


def test_compressed_pixel_data_is_decoded_or_refused() -> None:
    dataset = _file("JPEG2000.dcm")  # a secondary capture of a nuclear-medicine image: refused before decoding
    with pytest.raises(InputRefused, match="Modality: NM"):
        dicom_to_input(dataset)
    rle = _file("MR_small_RLE.dcm")
    rle.SOPClassUID, rle.Modality = "1.2.840.10008.5.1.4.1.1.1", "CR"
    rle.PixelRepresentation = 0  # pretend: an RLE-compressed radiograph: not among the accepted syntaxes
    with pytest.raises(InputRefused, match="TransferSyntaxUID: 1.2.840.10008.1.2.5 .RLE Lossless. is not accepted"):
        dicom_to_input(rle, size=(64, 64))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b"\x00" * 200, "not a DICOM Part 10 file"),
        (np.random.default_rng(1).bytes(5000), "not a DICOM Part 10 file"),
        (b"\x00" * 128 + b"DICM" + b"\x02\x00\x10\x00UI\xff\xff", "could not be parsed|no transfer syntax"),
        ("text", "expected bytes"),
        (sequence_bomb(1001), "a sequence of more than 1,000 items"),
        (element_flood(10_001), "more than 10,000 elements and items"),
        (nested_sequences(9), "nested more than 8 deep"),
    ],
)
def test_hostile_bytes_are_refused_never_raised_otherwise(data, words: str) -> None:
    with pytest.raises(InputRefused, match=words):
        read_dicom(data)


def test_a_truncated_file_and_an_oversized_one_are_refused(images: np.ndarray) -> None:
    data = to_bytes(image_to_dicom(images[0]))
    with pytest.raises(InputRefused):
        dicom_to_input(read_dicom(data[: len(data) - 300]))
    with pytest.raises(InputRefused, match="over the limit"):
        read_dicom(data, max_bytes=100)


def _dark_codestream() -> bytes:
    """A JPEG-LS radiograph whose codestream holds 8-bit samples while its header says 12 bits stored."""
    import jpeg_ls
    from pydicom.encaps import encapsulate

    dataset = jpeg_ls_bomb(64, 64)  # 16 bits allocated, 12 stored, JPEG-LS Lossless
    ramp = np.tile(np.linspace(0, 255, 64).round().astype(np.uint16), (64, 1))
    dataset.PixelData = encapsulate([bytes(jpeg_ls.encode(ramp))])
    dataset["PixelData"].VR = "OB"
    return to_bytes(dataset)


def _fragments_uncompressed(data: bytes) -> bytes:
    """An Explicit VR Little Endian file whose Pixel Data is encapsulated in fragments (PS3.5 A.4 forbids it)."""
    import struct

    start = data.rindex(b"\xe0\x7f\x10\x00")  # Pixel Data, the last element: tag, OB/OW, 0000, length, value
    item = struct.pack("<HHI", 0xFFFE, 0xE000, len(data) - start - 12) + data[start + 12 :]
    fragments = struct.pack("<HHI", 0xFFFE, 0xE000, 0) + item + struct.pack("<HHI", 0xFFFE, 0xE0DD, 0)
    return data[:start] + struct.pack("<HH2sHI", 0x7FE0, 0x0010, b"OB", 0, 0xFFFFFFFF) + fragments


AUDIT_KEY = b"a key the hospital keeps secret"


@pytest.fixture(scope="module")
def audit_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("audit") / "audit.jsonl"


@pytest.fixture(scope="module")
def server(bundle_folder: Path, audit_file: Path):
    import uvicorn

    from medlearn.deploy.service import create_app

    port = free_port()
    app = create_app(load_bundle(bundle_folder), max_bytes=1_000_000, audit_log=audit_file, audit_key=AUDIT_KEY)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    for _ in range(200):
        if instance.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


def test_the_service_answers_refuses_and_keeps_serving(server: str, bundle_folder: Path, images: np.ndarray) -> None:
    import httpx

    bundle = load_bundle(bundle_folder)
    headers = {"Content-Type": "application/dicom"}
    with httpx.Client(base_url=server, timeout=30) as client:
        assert client.get("/health").json()["model_version"] == bundle.version
        assert client.get("/v1/model").json()["card"].startswith("# Test model")
        good = to_bytes(image_to_dicom(images[1]))
        answer = client.post("/v1/predict", content=good, headers=headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert abs(body["probability"] - bundle.predict(images[1][None])[0]) < 1e-6  # no training-serving skew
        assert body["label"] == int(body["probability"] >= 0.4) and "Modality" in body["checks"]
        ct = Path(get_testdata_file("CT_small.dcm")).read_bytes()
        bad = {
            "random bytes": (np.random.default_rng(2).bytes(3000), headers, 422),
            "empty": (b"", headers, 422),
            "truncated": (good[:-300], headers, 422),
            "wrong modality": (ct, headers, 422),
            "too large": (b"\x00" * 1_500_000, headers, 413),
            "not DICOM type": (good, {"Content-Type": "image/png"}, 415),
            "deflated bomb": (deflated_ct(150 * 2**20), headers, 422),  # 150 MiB once inflated
            "codestream bomb": (to_bytes(jpeg_ls_bomb(100, 6000)), headers, 422),  # 72 MB once decoded
            "8-bit codestream, 12 bits stored": (_dark_codestream(), headers, 422),  # decoded almost black
            "fragments, uncompressed syntax": (_fragments_uncompressed(good), headers, 422),  # item tags as pixels
        }
        for name, (data, kind, status) in bad.items():
            reply = client.post("/v1/predict", content=data, headers=kind)
            assert reply.status_code == status, (name, reply.status_code, reply.text)
            detail = reply.json()["detail"]
            assert detail["attribute"] and detail["fix"], name
        assert client.post("/v1/predict", content=good, headers=headers).status_code == 200  # still serving
        sr = client.post("/v1/predict?format=sr", content=good, headers=headers)
        assert sr.status_code == 200 and sr.headers["content-type"] == "application/dicom"
        report = read_structured_report(pydicom.dcmread(io.BytesIO(sr.content)))
        assert abs(report["probability"] - body["probability"]) < 1e-6 and report["model_version"] == bundle.version
        assert report["image"] == pydicom.dcmread(io.BytesIO(good)).SOPInstanceUID
        assert report["finding"] == ("present" if body["label"] else "absent")


def test_the_audit_log_says_which_model_answered_what_and_holds_no_identifier(
    server: str, audit_file: Path, bundle_folder: Path, images: np.ndarray
) -> None:
    import httpx

    bundle = load_bundle(bundle_folder)
    dataset = image_to_dicom(images[2], patient_id="AUDIT-PATIENT-7", seed="audit")
    headers = {"Content-Type": "application/dicom"}
    with httpx.Client(base_url=server, timeout=30) as client:
        before = audit_file.read_text().count("\n") if audit_file.exists() else 0
        answer = client.post("/v1/predict", content=to_bytes(dataset), headers=headers).json()
        client.post("/v1/predict", content=b"not dicom", headers=headers)
    text = audit_file.read_text()
    lines = [json.loads(line) for line in text.splitlines()[before:]]
    answered = [e for e in lines if e["outcome"] == "answered" and abs(e["probability"] - answer["probability"]) < 1e-6]
    assert answered and answered[0]["model_version"] == bundle.version and answered[0]["label"] == answer["label"]
    assert any(e["outcome"] == "refused" for e in lines)
    # whoever holds the key finds the study's answers; the UID itself is nowhere in the log
    from medlearn.deploy.audit import instance_hash

    assert answered[0]["instance"] == instance_hash(str(dataset.SOPInstanceUID), AUDIT_KEY)
    assert instance_hash(str(dataset.SOPInstanceUID), b"another key of 16 bytes") != answered[0]["instance"]
    assert "AUDIT-PATIENT-7" not in text and str(dataset.SOPInstanceUID) not in text
    from medlearn.deploy.service import create_app

    with pytest.raises(ValueError, match="audit_log"):
        create_app(bundle, audit_log=Path("/no/such/folder/audit.jsonl"))
    with pytest.raises(ValueError, match="audit_log"):
        create_app(bundle, audit_log=3)
    with pytest.raises(ValueError, match="audit_key"):
        create_app(bundle, audit_log=audit_file, audit_key=b"short")
    for bad in (0, 1.5, "2"):
        with pytest.raises(ValueError, match="max_concurrent"):
            create_app(bundle, max_concurrent=bad)


def test_a_fault_of_the_model_is_a_500_in_the_audit_log_never_an_answer(
    bundle_folder: Path, images: np.ndarray, tmp_path: Path
) -> None:
    import httpx

    from medlearn.deploy.service import create_app

    bundle = load_bundle(bundle_folder)
    broken = dataclasses.replace(bundle, calibration={"a": float("nan"), "b": 0.0}, _cache={})
    log = tmp_path / "audit.jsonl"
    transport = httpx.ASGITransport(app=create_app(broken, audit_log=log), raise_app_exceptions=False)

    async def ask() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            return await client.post(
                "/v1/predict",
                content=to_bytes(image_to_dicom(images[0])),
                headers={"Content-Type": "application/dicom"},
            )

    import asyncio

    reply = asyncio.run(ask())
    assert reply.status_code == 500 and "probability" not in reply.text
    assert [json.loads(line)["outcome"] for line in log.read_text().splitlines()] == ["error"]


def test_a_fault_reaches_no_server_log_as_a_traceback(bundle_folder: Path, images: np.ndarray) -> None:
    """Starlette re-raises after a 500 handler, and the server then logs the traceback with the file's values;
    the service's own middleware answers 500 and raises nothing (the transport re-raises what the app raises)."""
    import asyncio

    import httpx

    from medlearn.deploy.service import create_app

    broken = dataclasses.replace(load_bundle(bundle_folder), calibration={"a": float("nan"), "b": 0.0}, _cache={})
    transport = httpx.ASGITransport(app=create_app(broken))  # raise_app_exceptions=True

    async def ask() -> httpx.Response:
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            body = to_bytes(image_to_dicom(images[0]))
            return await client.post("/v1/predict", content=body, headers={"Content-Type": "application/dicom"})

    assert asyncio.run(ask()).status_code == 500


@pytest.mark.parametrize(
    ("attribute", "value"),
    [("PatientSex", "Q"), ("PatientBirthDate", "19XX0101"), ("StudyInstanceUID", None)],
)
def test_a_header_that_cannot_go_into_a_report_is_refused_by_name(
    server: str, images: np.ndarray, attribute: str, value: str | None
) -> None:
    import httpx

    dataset = image_to_dicom(images[4], seed=f"report {attribute}")
    with warnings.catch_warnings():  # pydicom warns of the invalid value it is asked to write: that is the point
        warnings.simplefilter("ignore")
        if value is None:
            delattr(dataset, attribute)
        else:
            setattr(dataset, attribute, value)
        body = to_bytes(dataset)
    headers = {"Content-Type": "application/dicom"}
    with httpx.Client(base_url=server, timeout=30) as client:
        assert client.post("/v1/predict", content=body, headers=headers).status_code == 200
        reply = client.post("/v1/predict?format=sr", content=body, headers=headers)
    assert reply.status_code == 422, reply.text
    assert reply.json()["detail"]["attribute"] == "StructuredReport" and (value or "XX") not in reply.text


def test_the_service_under_concurrent_requests(server: str, bundle_folder: Path, images: np.ndarray) -> None:
    import httpx

    bundle = load_bundle(bundle_folder)
    files = [to_bytes(image_to_dicom(image, seed=str(k))) for k, image in enumerate(images)]
    want = bundle.predict(images)

    def ask(k: int) -> float:
        with httpx.Client(base_url=server, timeout=60) as client:
            reply = client.post("/v1/predict", content=files[k % 6], headers={"Content-Type": "application/dicom"})
            assert reply.status_code == 200, reply.text
            return reply.json()["probability"]

    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(ask, range(48)))
    np.testing.assert_allclose(got, [want[k % 6] for k in range(48)], atol=1e-6)


def test_structured_report_refuses_bad_arguments_and_foreign_datasets(images: np.ndarray) -> None:
    source = image_to_dicom(images[0], seed="sr")
    with pytest.raises(ValueError, match="y_prob must be a number"):
        structured_report(source, 1.5, threshold=0.5, model_version="v")
    with pytest.raises(ValueError, match="model_version must be"):
        structured_report(source, 0.5, threshold=0.5, model_version="")
    with pytest.raises(ValueError, match="must be a DICOM Structured Report"):
        read_structured_report(source)
    absent = read_structured_report(structured_report(source, 0.2, threshold=0.5, model_version="v1"))
    assert absent["finding"] == "absent" and absent["image"] == source.SOPInstanceUID
    assert absent["threshold"] == 0.5  # present and absent are relative to it: a viewer can show both


def _tracking_uids(report: pydicom.Dataset) -> list[str]:
    found = []
    for item in report.iterall():
        if getattr(item, "VR", "") == "SQ" and item.keyword == "ContentSequence":
            for entry in item.value:
                name = entry.ConceptNameCodeSequence[0].CodeValue if "ConceptNameCodeSequence" in entry else ""
                if entry.ValueType == "UIDREF" and name == "112040":  # Tracking Unique Identifier
                    found.append(str(entry.UID))
    return found


def test_two_reports_of_one_image_never_share_a_uid(images: np.ndarray) -> None:
    # After a patient reconciliation the PACS sends the image again with the corrected patient: the new report is
    # another instance, whose content differs, so it needs its own UIDs (PS3.5 section 9, PS3.3 C.12.1.1.1).
    source = image_to_dicom(images[0], seed="reconciled")
    corrected = copy.deepcopy(source)
    corrected.PatientID, corrected.PatientName = "CORRECTED-ID", "Corrected^Name"
    first = structured_report(source, 0.7, threshold=0.5, model_version="v1")
    again = structured_report(source, 0.7, threshold=0.5, model_version="v1")  # the same image asked twice
    second = structured_report(corrected, 0.7, threshold=0.5, model_version="v1")
    assert (first.PatientID, second.PatientID) == (source.PatientID, "CORRECTED-ID")
    reports = (first, again, second)
    assert len({str(report.SOPInstanceUID) for report in reports}) == 3
    assert len({str(report.SeriesInstanceUID) for report in reports}) == 3
    assert all(report.StudyInstanceUID == source.StudyInstanceUID for report in reports)  # in the image's study
    written = [pydicom.dcmread(io.BytesIO(to_bytes(report))) for report in reports]
    assert all(r.file_meta.MediaStorageSOPInstanceUID == r.SOPInstanceUID for r in written)
    # what they share: the image they describe, and the finding's Tracking UID
    assert {read_structured_report(r)["image"] for r in written} == {str(source.SOPInstanceUID)}
    tracking = [_tracking_uids(r) for r in written]
    assert len(tracking[0]) == 1 and tracking[0] == tracking[1] == tracking[2]


def test_a_refusal_echoes_at_most_a_short_piece_of_a_header_value() -> None:
    dataset = image_to_dicom(np.zeros((28, 28), np.uint8))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydicom warns of a value longer than its VR allows: the fault under test
        dataset.BodyPartExamined = "KNEE" + "X" * 10_000
    with pytest.raises(InputRefused, match="BodyPartExamined") as refused:
        dicom_to_input(dataset)
    assert len(refused.value.problem) < 120


def test_the_c_store_listener_answers_with_a_report_and_refuses_a_ct(
    bundle_folder: Path, images: np.ndarray, tmp_path: Path
) -> None:
    from pynetdicom import AE, evt
    from pynetdicom.sop_class import Comprehensive3DSRStorage

    from medlearn.deploy import MAX_BYTES
    from medlearn.deploy.dimse import (
        ASSOCIATION_REJECTED,
        CANNOT_UNDERSTAND,
        CONTEXT_REJECTED,
        OUT_OF_RESOURCES,
        SUCCESS,
        send_image,
        start_listener,
    )

    archive_port, node_port = free_port(), free_port()
    received = []

    def keep(event):
        dataset = event.dataset
        dataset.file_meta = event.file_meta
        received.append(dataset)
        return 0x0000

    archive = AE(ae_title="ARCHIVE")
    archive.add_supported_context(Comprehensive3DSRStorage)
    archive_server = archive.start_server(
        ("127.0.0.1", archive_port), block=False, evt_handlers=[(evt.EVT_C_STORE, keep)]
    )
    bundle = load_bundle(bundle_folder)
    log = tmp_path / "audit.jsonl"
    node = start_listener(
        bundle,
        port=node_port,
        destination=("127.0.0.1", archive_port, "ARCHIVE"),
        callers=("MEDLEARN_SCU",),
        audit_log=log,
        audit_key=AUDIT_KEY,
    )
    try:
        image = image_to_dicom(images[2], seed="c-store")
        assert send_image(image, "127.0.0.1", node_port, "MEDLEARN_AI") == SUCCESS
        ct = _file("CT_small.dcm")  # a CT: its presentation context is rejected, so the sender aborts
        assert send_image(ct, "127.0.0.1", node_port, "MEDLEARN_AI") == CONTEXT_REJECTED
        assert send_image(image, "127.0.0.1", node_port, "MEDLEARN_AI", calling_ae="STRANGER") == ASSOCIATION_REJECTED
        wrong = image_to_dicom(images[3], seed="refused")
        wrong.BodyPartExamined = "KNEE"  # accepted for negotiation, refused by the checks
        assert send_image(wrong, "127.0.0.1", node_port, "MEDLEARN_AI") == CANNOT_UNDERSTAND
        odd = image_to_dicom(images[5], seed="odd sex")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            odd.PatientSex = "Q"  # passes the checks, cannot be copied into a report
        assert send_image(odd, "127.0.0.1", node_port, "MEDLEARN_AI") == SUCCESS
        deflated = image_to_dicom(images[3], seed="deflated")
        deflated.file_meta.TransferSyntaxUID = "1.2.840.10008.1.2.1.99"  # never negotiated: inflated unbounded
        assert send_image(deflated, "127.0.0.1", node_port, "MEDLEARN_AI") == CONTEXT_REJECTED
        too_large = image_to_dicom(images[3], seed="too large")
        too_large.add_new(0x00091010, "OB", b"\0" * (MAX_BYTES + 2 * 2**20))  # a private element, zeros
        assert send_image(too_large, "127.0.0.1", node_port, "MEDLEARN_AI") == OUT_OF_RESOURCES  # read and dropped
        assert send_image(image, "127.0.0.1", node_port, "MEDLEARN_AI") == SUCCESS  # and it keeps serving
        # the limit holds for every image of an association, not only the first
        scu = AE(ae_title="MEDLEARN_SCU")
        scu.add_requested_context(image.SOPClassUID, image.file_meta.TransferSyntaxUID)
        association = scu.associate("127.0.0.1", node_port, ae_title="MEDLEARN_AI")
        assert association.is_established
        first = association.send_c_store(image_to_dicom(images[1], seed="first of two"))
        second = association.send_c_store(too_large)
        third = association.send_c_store(image_to_dicom(images[4], seed="after the large one"))
        association.release()
        assert int(first.Status) == SUCCESS and int(second.Status) == OUT_OF_RESOURCES  # a status, no abort
        assert "limit" in second.ErrorComment and int(third.Status) == SUCCESS  # and the association goes on
    finally:
        node.stop()
        archive_server.shutdown()
    from medlearn.deploy.audit import instance_hash

    lines = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(e["outcome"], e.get("attribute"), e["channel"]) for e in lines] == [
        ("answered", None, "dimse"),
        ("refused", "association", "dimse"),
        ("refused", "association", "dimse"),
        ("refused", "BodyPartExamined", "dimse"),
        ("answered", None, "dimse"),
        ("refused", "association", "dimse"),
        ("refused", "file", "dimse"),
        ("answered", None, "dimse"),
        ("answered", None, "dimse"),
        ("refused", "file", "dimse"),
        ("answered", None, "dimse"),
    ]
    assert lines[0]["report_sent"] and lines[0]["instance"] == instance_hash(str(image.SOPInstanceUID), AUDIT_KEY)
    assert str(image.SOPInstanceUID) not in log.read_text()
    answered, refused, odd_answer, again, first_of_two, after_large = node.results
    assert answered["sent"] and abs(answered["probability"] - bundle.predict(images[2][None])[0]) < 1e-6
    assert refused["refused"] == "BodyPartExamined" and again["sent"]
    assert not odd_answer["sent"] and odd_answer["report_error"] == "ValueError"
    assert [e.get("report_sent") for e in lines if e["outcome"] == "answered"] == [True, False, True, True, True]
    assert first_of_two["sent"] and after_large["sent"]
    report = received[0]
    content = read_structured_report(report)
    assert content["image"] == image.SOPInstanceUID and abs(content["probability"] - answered["probability"]) < 1e-6


def test_the_c_store_listener_closes_an_image_that_goes_on_past_the_discard_limit(
    bundle_folder: Path, images: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    from medlearn.deploy import MAX_BYTES, dimse

    # the limit, lowered so that a 23 MB image is past it: refused after 21 MB, cut after 22 MB
    monkeypatch.setattr(dimse, "DISCARD_LIMIT", MAX_BYTES + 2 * 2**20)
    node_port = free_port()
    node = dimse.start_listener(load_bundle(bundle_folder), port=node_port)
    try:
        endless = image_to_dicom(images[3], seed="endless")
        endless.add_new(0x00091010, "OB", b"\0" * (MAX_BYTES + 3 * 2**20))
        assert (
            dimse.send_image(endless, "127.0.0.1", node_port, "MEDLEARN_AI") == dimse.ABORTED
        )  # the connection closed
        image = image_to_dicom(images[2], seed="after the cut")
        assert dimse.send_image(image, "127.0.0.1", node_port, "MEDLEARN_AI") == dimse.SUCCESS  # it keeps serving
    finally:
        node.stop()
    assert len(node.results) == 1 and node.results[0]["probability"] >= 0


HEADER = ["SamplesPerPixel", "Rows", "Columns", "BitsAllocated", "BitsStored", "PixelRepresentation", "NumberOfFrames"]


@settings(max_examples=60, deadline=None)
@given(
    keyword=st.sampled_from(HEADER),
    value=st.one_of(st.integers(-(2**16), 2**16), st.text(max_size=6), st.none()),
)
def test_any_header_value_is_answered_or_refused_never_raised_otherwise(keyword: str, value) -> None:
    dataset = image_to_dicom(np.full((28, 28), 100, np.uint8))
    with warnings.catch_warnings():  # pydicom warns of values that do not fit the element: the fault under test
        warnings.simplefilter("ignore")
        try:
            setattr(dataset, keyword, value)
        except (ValueError, OverflowError, TypeError):
            return  # pydicom itself would not store it
        try:
            pixels, _ = dicom_to_input(dataset)
        except InputRefused as refused:
            assert refused.attribute and refused.fix
        else:
            assert pixels.shape == (28, 28) and pixels.dtype == np.uint8


def test_the_service_starts_only_with_the_approved_digest(bundle_folder: Path) -> None:
    from medlearn.deploy.bundle import BundleError
    from medlearn.deploy.service import serve

    bundle = load_bundle(bundle_folder)
    assert len(bundle.digest) == 64 and bundle.version == bundle.digest[:12]
    for short in (bundle.version, "abc", bundle.digest.upper(), 3):
        with pytest.raises(ValueError, match="expect_digest must be a bundle's full digest"):
            serve(str(bundle_folder), expect_digest=short)  # type: ignore[arg-type]
    with pytest.raises(BundleError, match="is not the approved"):
        serve(str(bundle_folder), expect_digest="0" * 64)


@pytest.mark.parametrize("swap", ["another network", "not an archive"])
def test_a_tampered_bundle_is_refused_by_its_digest_before_keras_reads_it(
    bundle_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, swap: str
) -> None:
    """model.keras swapped and the manifest rewritten to match: the pinned digest refuses it unread by Keras."""
    import shutil

    import keras

    from medlearn.deploy.bundle import BundleError, _sha256
    from medlearn.models import small_cnn

    approved = load_bundle(bundle_folder).digest
    copy = tmp_path / "copy"
    shutil.copytree(bundle_folder, copy)
    if swap == "another network":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # Keras and NumPy 2, as in save_bundle
            small_cnn((28, 28, 1), 2, widths=(4, 8)).save(copy / "model.keras")  # new weights, same architecture
    else:
        (copy / "model.keras").write_bytes(b"PK\x03\x04 not what Keras wrote")
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["model.keras"] = _sha256(copy / "model.keras")
    (copy / "manifest.json").write_text(json.dumps(manifest))
    deserialised = []
    monkeypatch.setattr(keras.saving, "load_model", lambda *a, **k: deserialised.append(a))
    with pytest.raises(BundleError, match="is not the approved|not a Keras archive"):
        load_bundle(copy, expect_digest=approved)
    assert deserialised == []  # Keras never saw the file
    monkeypatch.undo()
    assert load_bundle(bundle_folder, expect_digest=approved).digest == approved
    with pytest.raises(ValueError, match="expect_digest must be"):
        load_bundle(bundle_folder, expect_digest=approved[:12])


def test_the_archive_digest_ignores_the_save_date_and_object_addresses(bundle_folder: Path, tmp_path: Path) -> None:
    import time

    import keras

    from medlearn.deploy.bundle import archive_digest
    from medlearn.models import small_cnn

    keras.utils.set_random_seed(0)
    model = small_cnn((28, 28, 1), 2, widths=(4, 8))  # the fixture's network, built again: other Python objects
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Keras and NumPy 2, as in save_bundle
        model.save(tmp_path / "again.keras")
        time.sleep(1.1)  # another save date
        model.save(tmp_path / "later.keras")
        weights = model.get_weights()
        weights[-1] = weights[-1] + 0.01
        model.set_weights(weights)
        model.save(tmp_path / "changed.keras")
    original = archive_digest(bundle_folder / "model.keras")
    assert archive_digest(tmp_path / "again.keras") == archive_digest(tmp_path / "later.keras") == original
    assert archive_digest(tmp_path / "changed.keras") != original


def test_a_body_that_trickles_in_is_refused_in_time(bundle_folder: Path) -> None:
    """A client that sends a byte and stops would hold one of the service's few places: a 408 frees it."""
    import asyncio

    from medlearn.deploy.service import create_app

    app = create_app(load_bundle(bundle_folder), max_concurrent=1, read_seconds=0.2)
    sent: list[dict] = []

    async def call() -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/v1/predict",
            "raw_path": b"/v1/predict",
            "query_string": b"",
            "headers": [(b"content-type", b"application/dicom"), (b"content-length", b"1000")],
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
        }
        chunks = [{"type": "http.request", "body": b"D", "more_body": True}]

        async def receive() -> dict:
            if chunks:
                return chunks.pop()
            await asyncio.sleep(3600)  # the rest never comes
            return {"type": "http.disconnect"}

        async def send(message: dict) -> None:
            sent.append(message)

        await asyncio.wait_for(app(scope, receive, send), timeout=5)

    asyncio.run(call())
    assert sent[0]["status"] == 408
    with pytest.raises(ValueError, match="read_seconds"):
        create_app(load_bundle(bundle_folder), read_seconds=0)


def test_two_archives_that_split_a_member_differently_have_different_digests() -> None:
    """Each member enters the digest by its name's length, its name and its own sha256: no concatenation of
    members can read as another."""
    import zipfile

    from medlearn.deploy.bundle import archive_digest

    def archive(members: dict[str, bytes]) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zipped:
            for name, content in members.items():
                zipped.writestr(name, content)
        return buffer.getvalue()

    whole = archive({"model.weights.h5": b"HDF\0vars\0WEIGHTS"})
    split = archive({"model.weights.h5": b"HDF", "vars": b"WEIGHTS"})
    assert archive_digest(whole) != archive_digest(split)
    assert archive_digest(whole) == archive_digest(archive({"model.weights.h5": b"HDF\0vars\0WEIGHTS"}))


def test_keras_reads_a_private_copy_of_the_checked_bytes(
    bundle_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the digest covered is what Keras loads: a file swapped in the folder after the check is not read."""
    import shutil

    import keras

    copy = tmp_path / "copy"
    shutil.copytree(bundle_folder, copy)
    load = keras.saving.load_model
    read_from = []

    def spy(path, **kwargs):
        read_from.append(Path(path))
        (copy / "model.keras").write_bytes(b"swapped after the check")  # too late: the copy is private
        return load(path, **kwargs)

    monkeypatch.setattr(keras.saving, "load_model", spy)
    bundle = load_bundle(copy)
    assert read_from and copy not in read_from[0].parents
    assert bundle.model is not None


def _code(value: str, scheme: str, meaning: str) -> Dataset:
    item = Dataset()
    item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, scheme, meaning
    return item


def test_coded_body_part_and_view_are_read_where_the_text_is_absent(images: np.ndarray) -> None:
    from pydicom.sr.codedict import codes

    chest, pa = codes.SCT.Chest, codes.SCT.PosteroAnterior  # the library's codes, not ours retyped
    coded = image_to_dicom(images[0])
    coded.BodyPartExamined, coded.ViewPosition = "", ""
    coded.AnatomicRegionSequence = [_code(chest.value, chest.scheme_designator, chest.meaning)]
    coded.ViewCodeSequence = [_code(pa.value, pa.scheme_designator, pa.meaning)]
    checks = dicom_to_input(coded)[1]
    assert "AnatomicRegionSequence" in checks and "ViewCodeSequence" in checks, checks
    assert not any(check.startswith(("BodyPartExamined", "ViewPosition")) for check in checks), checks
    legacy = image_to_dicom(images[0])
    legacy.AnatomicRegionSequence = [_code("T-D3000", "SRT", "Chest")]
    legacy.ViewCodeSequence = [_code("R-10206", "SRT", "antero-posterior")]  # the header says AP too
    assert {"BodyPartExamined", "AnatomicRegionSequence", "ViewCodeSequence"} <= set(dicom_to_input(legacy)[1])


@pytest.mark.parametrize(
    ("keyword", "items", "message"),
    [
        ("AnatomicRegionSequence", [("72696002", "SCT", "Knee")], "is not the chest"),
        ("ViewCodeSequence", [("399067008", "SCT", "lateral")], "is not a frontal view"),
        ("ViewCodeSequence", [("272479007", "SCT", "postero-anterior")], "contradicts ViewPosition"),
        ("AnatomicRegionSequence", [("816094009", "SCT", "Chest")] * 2, "2 items where the standard permits one"),
    ],
)
def test_a_coded_body_part_or_view_outside_the_intended_use_is_refused(
    images: np.ndarray, keyword: str, items: list[tuple[str, str, str]], message: str
) -> None:
    dataset = image_to_dicom(images[0])  # its ViewPosition is AP
    setattr(dataset, keyword, [_code(*item) for item in items])
    with pytest.raises(InputRefused, match=message) as refused:
        dicom_to_input(dataset)
    assert refused.value.attribute == keyword
