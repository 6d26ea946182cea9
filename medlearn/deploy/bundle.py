"""A model bundle: everything a service needs to give the notebook's answer, in one folder, with a hash of
every file.

A bundle holds the Keras model (``model.keras``), the preprocessing written as data (the input size and
how intensities become the network's input), the operating threshold chosen on validation data, the
calibration, summary statistics of the training inputs and outputs (for watching drift), the model card
(``card.md``, from :func:`medlearn.reporting.model_card_markdown`), the versions of medlearn, Keras and
TensorFlow, and ``manifest.json`` with the sha256 of every other file. :func:`load_bundle` refuses a
bundle in which any file is missing, added or changed, and names the file.

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
    "load_bundle",
    "model_digest",
    "save_bundle",
]

#: The files of a bundle; ``manifest.json`` holds the sha256 of the others.
BUNDLE_FILES = ("model.keras", "bundle.json", "card.md")
MANIFEST = "manifest.json"

#: The course's preprocessing (chapter 05's ``to_network_input``): 28 x 28 uint8, divided by 255.
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
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def digest(self) -> str:
        """The bundle's identity in full: a sha256 (64 hex digits) over what decides its answers and says what
        it is: the network's architecture and weights (:func:`model_digest`), ``bundle.json`` (preprocessing,
        threshold, calibration, reference statistics, versions) and ``card.md``.

        Saving the same model with the same settings again gives the same digest, although Keras writes the
        save date into ``model.keras`` (so that file's own hash differs); a new threshold, calibration or card
        gives a new one, as new weights do. Pin this, not :attr:`version`, where an edit must be refused."""
        if not self.hashes:
            return ""
        if "digest" not in self._cache:
            parts = [f"model {model_digest(self.model)}"]
            parts += [f"{name} {self.hashes[name]}" for name in ("bundle.json", "card.md") if name in self.hashes]
            self._cache["digest"] = hashlib.sha256("\n".join(parts).encode()).hexdigest()
        return self._cache["digest"]

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


def calibrate(probability: np.ndarray, calibration: Mapping[str, float]) -> np.ndarray:
    """Platt scaling: ``sigmoid(a * logit(p) + b)``; ``a = 1, b = 0`` leaves ``p`` as it is.

    Example:
        >>> calibrate(np.array([0.5, 0.9]), {"a": 1.0, "b": 0.0}).round(3).tolist()
        [0.5, 0.9]
    """
    p = np.clip(np.asarray(probability, dtype=np.float64), 1e-7, 1 - 1e-7)
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
        model: a Keras model with one sigmoid output (chapter 05's ``small_cnn(..., 2)``).
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


def load_bundle(path: str | Path) -> Bundle:
    """Read a bundle written by :func:`save_bundle`, after checking every file against ``manifest.json``.

    Raises:
        BundleError: a file is missing, not in the manifest, or does not match its sha256 (named).

    Example:
        >>> import tempfile
        >>> load_bundle(tempfile.mkdtemp())  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        medlearn.deploy.bundle.BundleError: ...: no manifest.json; is this a bundle written by save_bundle?
    """
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
    for name in BUNDLE_FILES:
        if not (folder / name).is_file():
            raise BundleError(f"{folder / name}: missing")
        if _sha256(folder / name) != manifest[name]:
            raise BundleError(f"{folder / name}: does not match its sha256 in {MANIFEST} (changed after saving)")
    settings = json.loads((folder / "bundle.json").read_text(encoding="utf-8"))
    import keras

    model = keras.saving.load_model(folder / "model.keras", safe_mode=True)
    return Bundle(
        model=model,
        preprocessing=settings["preprocessing"],
        threshold=float(settings["threshold"]),
        calibration=settings["calibration"],
        reference_stats=settings["reference_stats"],
        card=(folder / "card.md").read_text(encoding="utf-8"),
        versions=settings["versions"],
        hashes=dict(manifest),
    )
