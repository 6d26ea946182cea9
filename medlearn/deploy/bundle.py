"""A model bundle: everything a service needs to give the notebook's answer, in one folder, with a hash of
every file.

A bundle holds the Keras model (``model.keras``), the preprocessing written as data (the input size and
how intensities become the network's input), the operating threshold chosen on validation data, the
calibration, summary statistics of the training inputs and outputs (for watching drift), the model card
(``card.md``, from :func:`medlearn.reporting.model_card_markdown`), the versions of medlearn, Keras and
TensorFlow, and ``manifest.json`` with the sha256 of every other file. :func:`load_bundle` refuses a
bundle in which any file is missing, added or changed, and names the file; given the approved bundle's
digest, it refuses one edited together with its manifest before Keras reads the model.

Example:
    >>> import tempfile, keras
    >>> from medlearn.models import small_cnn
    >>> model = small_cnn((28, 28, 1), 2, widths=(4,))
    >>> folder = Path(tempfile.mkdtemp()) / "bundle"
    >>> _ = save_bundle(model, folder, threshold=0.5, card="# A test model")
    >>> bundle = load_bundle(folder)
    >>> bundle.predict(np.zeros((2, 28, 28), np.uint8)).shape
    (2,)
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._validation import check_array, check_number

__all__ = [
    "BUNDLE_FILES",
    "Bundle",
    "BundleError",
    "DEFAULT_PREPROCESSING",
    "archive_digest",
    "bundle_digest",
    "load_bundle",
    "model_digest",
    "save_bundle",
]

#: The files of a bundle; ``manifest.json`` holds the sha256 of the others.
BUNDLE_FILES = ("model.keras", "bundle.json", "card.md")
MANIFEST = "manifest.json"

#: The course's preprocessing (the CNN-training chapter's ``to_network_input``): 28 x 28 uint8, divided by 255.
DEFAULT_PREPROCESSING: Mapping[str, Any] = {"height": 28, "width": 28, "scale": 1 / 255, "dtype": "uint8"}


class BundleError(ValueError):
    """A bundle that cannot be trusted: a file missing, added, or not matching its hash."""


@dataclass(frozen=True)
class Bundle:
    """A loaded bundle. :meth:`predict` takes uint8 images ``(N, H, W)`` and returns calibrated probabilities."""

    model: Any
    preprocessing: Mapping[str, Any]
    threshold: float
    calibration: Mapping[str, float]
    reference_stats: Mapping[str, Any]
    card: str
    versions: Mapping[str, str]
    hashes: Mapping[str, str] = field(default_factory=dict)
    model_archive: str = ""
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def digest(self) -> str:
        """The bundle's identity in full: a sha256 (64 hex digits) over what decides its answers and says what
        it is: the network's architecture and weights as stored in ``model.keras`` (:func:`archive_digest`),
        ``bundle.json`` (preprocessing, threshold, calibration, reference statistics, versions) and ``card.md``.

        It is computed from the files' bytes, so :func:`load_bundle` compares a pinned digest before Keras
        reads the model. Saving the same network with the same settings again gives the same digest, although
        Keras writes the save date into ``model.keras`` (so that file's own hash differs); a new threshold,
        calibration or card gives a new one, as new weights do. A network loaded and saved again may get
        another (Keras then leaves out which of its objects are shared, which the digest keeps). Pin this,
        not :attr:`version`, where an edit must be refused."""
        if not self.hashes or not self.model_archive:
            return ""
        return bundle_digest(self.model_archive, self.hashes)

    @property
    def version(self) -> str:
        """The first 12 hex digits of :attr:`digest`: a name for people and logs (48 bits, too few to pin
        against a deliberate edit: finding another card with the same 12 digits takes about 2**48 tries)."""
        return self.digest[:12]

    def network_input(self, images: object) -> np.ndarray:
        """uint8 images ``(N, H, W)`` of the bundle's size as the network's float32 input ``(N, H, W, 1)``."""
        stack = check_array(images, "images", ndim=3, kinds="u")
        if stack.dtype != np.uint8:
            raise ValueError(f"images must be uint8, as the course stores them, not {stack.dtype}")
        size = (int(self.preprocessing["height"]), int(self.preprocessing["width"]))
        if stack.shape[1:] != size:
            raise ValueError(f"images must be {size[0]} x {size[1]}, the bundle's input size, not {stack.shape[1:]}")
        return (stack.astype(np.float32) * np.float32(self.preprocessing["scale"]))[..., None]

    def raw_probability(self, images: object) -> np.ndarray:
        """The network's output before calibration, one value per image.

        The model runs as one compiled TensorFlow graph (``tf.function`` with a fixed input signature,
        traced once): in a service, a direct eager call costs several times more per image.
        """
        if "compiled" not in self._cache:
            import tensorflow as tf

            height, width = int(self.preprocessing["height"]), int(self.preprocessing["width"])
            signature = [tf.TensorSpec([None, height, width, 1], tf.float32)]
            self._cache["compiled"] = tf.function(lambda x: self.model(x, training=False), input_signature=signature)
        output = self._cache["compiled"](self.network_input(images))
        return np.asarray(output, dtype=np.float64).reshape(-1)

    def predict(self, images: object) -> np.ndarray:
        """Calibrated probabilities of the positive class, one per image (Platt scaling on the logit)."""
        return calibrate(self.raw_probability(images), self.calibration)


def calibrate(y_prob: np.ndarray, calibration: Mapping[str, float]) -> np.ndarray:
    """Platt scaling: ``sigmoid(a * logit(p) + b)``; ``a = 1, b = 0`` leaves ``p`` as it is.

    Example:
        >>> calibrate(np.array([0.5, 0.9]), {"a": 1.0, "b": 0.0}).round(3).tolist()
        [0.5, 0.9]
    """
    p = np.clip(np.asarray(y_prob, dtype=np.float64), 1e-7, 1 - 1e-7)
    z = float(calibration["a"]) * np.log(p / (1 - p)) + float(calibration["b"])
    return 1 / (1 + np.exp(-z))


def model_digest(model: Any) -> str:
    """sha256 of a Keras model's architecture (its JSON configuration) and weights (their bytes, in order).

    Example:
        >>> from medlearn.models import small_cnn
        >>> import keras
        >>> keras.utils.set_random_seed(0)
        >>> a = small_cnn((28, 28, 1), 2, widths=(4,))
        >>> model_digest(a) == model_digest(keras.models.clone_model(a)), len(model_digest(a))
        (False, 64)
    """
    digest = hashlib.sha256(json.dumps(model.get_config(), sort_keys=True, default=str).encode())
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "__array__ implementation doesn't accept a copy keyword", DeprecationWarning)
        for array in model.get_weights():
            array = np.ascontiguousarray(array)
            digest.update(f"{array.dtype.str}{array.shape}".encode())
            digest.update(array.tobytes())
    return digest.hexdigest()


#: The most bytes ``model.keras``'s members may hold once unpacked, and its configuration alone (a zip archive
#: is read member by member, and refused past these, before Keras reads it).
MAX_ARCHIVE_BYTES, MAX_CONFIG_BYTES = 2**30, 16 * 2**20


def bundle_digest(model_archive: str, hashes: Mapping[str, str]) -> str:
    """The digest of a bundle from its model's :func:`archive_digest` and the sha256 of its other files.

    Example:
        >>> bundle_digest("0" * 64, {"bundle.json": "1" * 64, "card.md": "2" * 64})[:12]
        'c134720a79be'
    """
    parts = [f"model {model_archive}"]
    parts += [f"{name} {hashes[name]}" for name in ("bundle.json", "card.md") if name in hashes]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def archive_digest(path: str | Path | bytes) -> str:
    """sha256 of what Keras reads from a ``.keras`` archive, without Keras: every member but the save date.

    Each member's name and bytes enter, in name order; ``config.json`` with Keras's ``shared_object_id``
    values (addresses of Python objects, which differ between two processes) numbered in order of first
    appearance, so that which objects are shared still counts (Keras gives a later object with the id of an
    earlier one that earlier object, whatever its own configuration says); ``metadata.json`` without
    ``date_saved``. Raises :class:`BundleError` for an
    archive that is not a zip file or unpacks to more than :data:`MAX_ARCHIVE_BYTES`.

    Example:
        >>> import tempfile
        >>> from medlearn.models import small_cnn
        >>> model = small_cnn((28, 28, 1), 2, widths=(4,))
        >>> a, b = (save_bundle(model, tempfile.mkdtemp(), threshold=0.5, card="# m") for _ in range(2))
        >>> archive_digest(a / "model.keras") == archive_digest(b / "model.keras")
        True
    """
    import io
    import zipfile

    source = io.BytesIO(path) if isinstance(path, bytes) else Path(path)
    path = "the archive" if isinstance(path, bytes) else Path(path)
    digest, total = hashlib.sha256(), 0
    try:
        with zipfile.ZipFile(source) as archive:
            for info in sorted(archive.infolist(), key=lambda member: member.filename):
                name = info.filename.encode()
                digest.update(len(name).to_bytes(8, "big") + name)  # lengths first: no two archives read alike
                if info.filename in ("config.json", "metadata.json"):
                    if info.file_size > MAX_CONFIG_BYTES:
                        raise BundleError(f"{path}: {info.filename} of {info.file_size:,} bytes is too large")
                    content = json.loads(archive.read(info).decode("utf-8"))
                    content = _without_addresses(content) if info.filename == "config.json" else content
                    if info.filename == "metadata.json" and isinstance(content, dict):
                        content.pop("date_saved", None)
                    digest.update(hashlib.sha256(json.dumps(content, sort_keys=True).encode()).digest())
                    continue
                member = hashlib.sha256()
                with archive.open(info) as stream:
                    for block in iter(lambda: stream.read(1 << 20), b""):
                        total += len(block)
                        if total > MAX_ARCHIVE_BYTES:
                            raise BundleError(f"{path}: unpacks to more than {MAX_ARCHIVE_BYTES:,} bytes")
                        member.update(block)
                digest.update(member.digest())  # each member's own digest, of fixed length
    except (zipfile.BadZipFile, json.JSONDecodeError, UnicodeDecodeError, OSError) as error:
        raise BundleError(f"{path}: not a Keras archive that can be read ({type(error).__name__})") from None
    return digest.hexdigest()


def _without_addresses(config: Any) -> Any:
    """``config`` with each ``shared_object_id`` replaced by the order in which its value first appears."""
    numbers: dict[Any, int] = {}

    def renumber(value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: numbers.setdefault(item, len(numbers)) if key == "shared_object_id" else renumber(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [renumber(item) for item in value]
        return value

    return renumber(config)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _versions() -> dict[str, str]:
    import keras
    import tensorflow as tf

    from .. import __version__

    return {"medlearn": __version__, "keras": keras.__version__, "tensorflow": tf.__version__}


def save_bundle(
    model: Any,
    path: str | Path,
    *,
    threshold: float,
    preprocessing: Mapping[str, Any] | None = None,
    calibration: Mapping[str, float] | None = None,
    reference_stats: Mapping[str, Any] | None = None,
    card: str,
) -> Path:
    """Write a bundle into the folder ``path`` (created; it must not exist or be empty) and return it.

    Args:
        model: a Keras model with one sigmoid output (the CNN-training chapter's ``small_cnn(..., 2)``).
        threshold: the operating threshold on the calibrated probability, chosen on validation data.
        preprocessing: the input size and scale (default :data:`DEFAULT_PREPROCESSING`).
        calibration: Platt scaling ``{"a": ..., "b": ...}`` fitted on validation data (default: none).
        reference_stats: JSON-serialisable statistics of the training inputs and outputs, for drift.
        card: the model card in Markdown.

    Example:
        >>> import tempfile
        >>> from medlearn.models import small_cnn
        >>> folder = save_bundle(small_cnn((28, 28, 1), 2, widths=(4,)), tempfile.mkdtemp(), threshold=0.3, card="# m")
        >>> sorted(p.name for p in folder.iterdir())
        ['bundle.json', 'card.md', 'manifest.json', 'model.keras']
    """
    threshold = check_number(threshold, "threshold", low=0.0, high=1.0)
    preprocessing = dict(DEFAULT_PREPROCESSING if preprocessing is None else preprocessing)
    for key in ("height", "width", "scale"):
        if key not in preprocessing:
            raise ValueError(f"preprocessing must give {key!r}, not {sorted(preprocessing)}")
    calibration = {"a": 1.0, "b": 0.0} if calibration is None else dict(calibration)
    if set(calibration) != {"a", "b"} or not all(math.isfinite(float(v)) for v in calibration.values()):
        raise ValueError(f"calibration must be {{'a': number, 'b': number}}, not {calibration!r}")
    if not isinstance(card, str) or not card.strip():
        raise ValueError("card must be the model card as non-empty Markdown text")
    folder = Path(path)
    if folder.exists() and any(folder.iterdir()):
        raise ValueError(f"path must be a new or empty folder, not {str(folder)!r}, which holds files")
    folder.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        # Keras reads TensorFlow variables whose __array__ lacks NumPy 2's copy keyword: an upstream
        # deprecation that nobody calling this function can act on (as in medlearn.models.training).
        warnings.filterwarnings("ignore", "__array__ implementation doesn't accept a copy keyword", DeprecationWarning)
        model.save(folder / "model.keras")
    settings = {
        "preprocessing": preprocessing,
        "threshold": threshold,
        "calibration": {k: float(v) for k, v in calibration.items()},
        "reference_stats": dict(reference_stats or {}),
        "versions": _versions(),
    }
    (folder / "bundle.json").write_text(json.dumps(settings, indent=2, sort_keys=True), encoding="utf-8")
    (folder / "card.md").write_text(card, encoding="utf-8")
    manifest = {name: _sha256(folder / name) for name in BUNDLE_FILES}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    return folder


def load_bundle(path: str | Path, *, expect_digest: str | None = None) -> Bundle:
    """Read a bundle written by :func:`save_bundle`, after checking every file against ``manifest.json``.

    ``expect_digest``: the approved bundle's :attr:`Bundle.digest` (64 hex digits), compared with the
    digest of the files before Keras reads the model, so that a bundle edited together with its manifest
    is refused without being deserialised.

    Raises:
        BundleError: a file is missing, not in the manifest, or does not match its sha256 (named), or the
            bundle's digest is not ``expect_digest``.

    Example:
        >>> import tempfile
        >>> load_bundle(tempfile.mkdtemp())  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        medlearn.deploy.bundle.BundleError: ...: no manifest.json; is this a bundle written by save_bundle?
    """
    if expect_digest is not None and not re.fullmatch(r"[0-9a-f]{64}", str(expect_digest)):
        raise ValueError(f"expect_digest must be a bundle's full digest, 64 hex digits, not {expect_digest!r}")
    folder = Path(path)
    if not (folder / MANIFEST).is_file():
        raise BundleError(f"{folder}: no {MANIFEST}; is this a bundle written by save_bundle?")
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise BundleError(f"{folder / MANIFEST}: not valid JSON ({error})") from None
    if not isinstance(manifest, dict) or set(manifest) != set(BUNDLE_FILES):
        raise BundleError(f"{folder / MANIFEST}: must list exactly {', '.join(BUNDLE_FILES)}")
    present = {p.name for p in folder.iterdir()}
    extra = sorted(present - set(BUNDLE_FILES) - {MANIFEST})
    if extra:
        raise BundleError(f"{folder}: files not in the manifest: {', '.join(extra)}")
    files = {}  # each file read once: what is checked is what is used, whatever the folder holds later
    for name in BUNDLE_FILES:
        if not (folder / name).is_file():
            raise BundleError(f"{folder / name}: missing")
        if (folder / name).stat().st_size > MAX_ARCHIVE_BYTES:
            raise BundleError(f"{folder / name}: more than {MAX_ARCHIVE_BYTES:,} bytes")
        files[name] = (folder / name).read_bytes()
        if hashlib.sha256(files[name]).hexdigest() != manifest[name]:
            raise BundleError(f"{folder / name}: does not match its sha256 in {MANIFEST} (changed after saving)")
    model_archive = archive_digest(files["model.keras"])
    digest = bundle_digest(model_archive, manifest)
    if expect_digest is not None and digest != expect_digest:  # before Keras reads anything
        raise BundleError(f"{folder}: digest {digest} is not the approved {expect_digest}")
    settings = json.loads(files["bundle.json"].decode("utf-8"))
    import tempfile

    import keras

    with tempfile.TemporaryDirectory() as private:  # Keras reads a path: a copy of the checked bytes, not the folder
        copy = Path(private) / "model.keras"
        copy.write_bytes(files["model.keras"])
        model = keras.saving.load_model(copy, safe_mode=True)
    return Bundle(
        model=model,
        preprocessing=settings["preprocessing"],
        threshold=float(settings["threshold"]),
        calibration=settings["calibration"],
        reference_stats=settings["reference_stats"],
        card=files["card.md"].decode("utf-8"),
        versions=settings["versions"],
        hashes=dict(manifest),
        model_archive=model_archive,
    )
