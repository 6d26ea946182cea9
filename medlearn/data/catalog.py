"""What medlearn knows about every MedMNIST dataset: 12 in 2-D, 6 in 3-D, at every published size.

The names, labels, split sizes, licences, descriptions and md5 sums are the
official ones of MedMNIST v2 as published in Zenodo record 10519652 (the same
values the ``medmnist`` package checks), read from that package's own metadata
through the package data ``medlearn/data/medmnist_files.json`` for every size (2-D: 28, 64, 128
and 224 pixels; 3-D: 28 and 64 voxels a side); only the imaging modality is
written here. Tests check the md5s and split sizes against the real files. Cite: Yang et al., "MedMNIST v2 - A
large-scale lightweight benchmark for 2D and 3D biomedical image
classification", Scientific Data 10, 41 (2023).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from .._validation import check_choice, check_int
from ._tables import medmnist_files

#: The Zenodo record that publishes the MedMNIST v2 files.
ZENODO_RECORD = "10519652"
#: Where a machine that is online downloads ``{name}.npz``.
ZENODO_URL = "https://zenodo.org/records/" + ZENODO_RECORD + "/files/{name}.npz?download=1"
#: The three official splits, in the order they are used.
SPLITS = ("train", "val", "test")

#: The MedMNIST datasets that the chapters train on.
COURSE_DATASETS = ("breastmnist", "pneumoniamnist", "retinamnist", "adrenalmnist3d", "vesselmnist3d")

#: Side length in pixels of the original MedMNIST images (the default size).
IMAGE_SIZE = 28


@dataclass(frozen=True)
class MedMNISTInfo:
    """Facts about one MedMNIST dataset (immutable).

    Example:
        >>> info = medmnist_info("breastmnist")
        >>> info.label_names
        ('malignant', 'normal, benign')
        >>> info.n_samples["test"]
        156
    """

    name: str
    title: str
    modality: str
    task: str
    n_channels: int
    label_names: tuple[str, ...]
    n_samples: Mapping[str, int]
    license: str
    description: str
    ndim: int = 2
    md5_by_size: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def sizes(self) -> tuple[int, ...]:
        """The published side lengths: ``(28, 64, 128, 224)`` in 2-D, ``(28, 64)`` in 3-D."""
        return tuple(sorted(self.md5_by_size))

    def file(self, size: int = IMAGE_SIZE) -> MedMNISTFile:
        """The official file at ``size`` (28 by default): its name, address, md5 and image shape.

        The size is checked here, once; fetching, loading and verifying all take this record.

        Example:
            >>> medmnist_info("breastmnist").file(64).filename
            'breastmnist_64.npz'
        """
        size = check_choice(check_int(size, "size"), f"size (published for {self.name})", self.sizes)
        return MedMNISTFile(self, size)

    @property
    def n_classes(self) -> int:
        """Number of classes (for multi-label ChestMNIST: number of labels)."""
        return len(self.label_names)

    @property
    def multi_label(self) -> bool:
        """True where one image can carry several labels at once (ChestMNIST)."""
        return self.task.startswith("multi-label")


@dataclass(frozen=True)
class MedMNISTFile:
    """One official MedMNIST file: a dataset at one published size. Make it with :meth:`MedMNISTInfo.file`.

    Example:
        >>> record = medmnist_info("adrenalmnist3d").file(64)
        >>> record.filename, record.image_shape, record.label
        ('adrenalmnist3d_64.npz', (64, 64, 64), 'adrenalmnist3d (64)')
    """

    info: MedMNISTInfo
    size: int

    @property
    def filename(self) -> str:
        """``breastmnist.npz`` at 28 pixels, ``breastmnist_64.npz`` at 64, ..."""
        return f"{self.info.name}.npz" if self.size == IMAGE_SIZE else f"{self.info.name}_{self.size}.npz"

    @property
    def url(self) -> str:
        """Official download address on Zenodo."""
        return ZENODO_URL.format(name=self.filename.removesuffix(".npz"))

    @property
    def md5(self) -> str:
        """Official md5 of the file."""
        return self.info.md5_by_size[self.size]

    @property
    def image_shape(self) -> tuple[int, ...]:
        """Shape of one image: ``(s, s)``, ``(s, s, 3)``, or ``(s, s, s)`` for a volume."""
        if self.info.ndim == 3:
            return (self.size,) * 3
        if self.info.n_channels == 1:
            return (self.size, self.size)
        return (self.size, self.size, self.info.n_channels)

    @property
    def label(self) -> str:
        """How reports name it: the dataset's name, with the size when it is not 28."""
        return self.info.name if self.size == IMAGE_SIZE else f"{self.info.name} ({self.size})"


#: What the medmnist package's metadata does not say: the imaging behind each dataset.
_MODALITY = {
    "pathmnist": "colon pathology (H&E histology)",
    "chestmnist": "chest X-ray",
    "dermamnist": "dermatoscope (skin lesion photograph)",
    "octmnist": "retinal OCT",
    "pneumoniamnist": "chest X-ray",
    "retinamnist": "fundus camera photograph",
    "breastmnist": "breast ultrasound",
    "bloodmnist": "blood cell microscopy",
    "tissuemnist": "kidney cortex microscopy",
    "organamnist": "abdominal CT (axial)",
    "organcmnist": "abdominal CT (coronal)",
    "organsmnist": "abdominal CT (sagittal)",
    "organmnist3d": "abdominal CT (organ crops)",
    "nodulemnist3d": "chest CT (lung nodules)",
    "adrenalmnist3d": "abdominal CT (adrenal gland shape masks)",
    "fracturemnist3d": "chest CT (rib fractures)",
    "vesselmnist3d": "brain MR angiography (vessel segment shapes)",
    "synapsemnist3d": "electron microscopy (synapses)",
}


def _from_files(name: str, facts: Mapping) -> MedMNISTInfo:
    md5 = MappingProxyType({int(size): value for size, value in facts["md5"].items()})
    return MedMNISTInfo(
        name=name,
        title=facts["title"],
        modality=_MODALITY[name],
        task=facts["task"],
        n_channels=facts["n_channels"],
        label_names=tuple(facts["label_names"]),
        n_samples=MappingProxyType(dict(facts["n_samples"])),
        license=facts["license"],
        description=facts["description"],
        ndim=facts["ndim"],
        md5_by_size=md5,
    )


_CATALOG: Mapping[str, MedMNISTInfo] = MappingProxyType(
    {name: _from_files(name, facts) for name, facts in medmnist_files()["datasets"].items()}
)


def medmnist_names(ndim: int | None = None) -> tuple[str, ...]:
    """Names of the MedMNIST datasets that medlearn can load: all, or only 2-D or 3-D ones.

    Example:
        >>> "pneumoniamnist" in medmnist_names(2), "adrenalmnist3d" in medmnist_names(3)
        (True, True)
    """
    if ndim is not None:
        ndim = check_choice(check_int(ndim, "ndim"), "ndim", (2, 3))
    return tuple(name for name, info in _CATALOG.items() if ndim is None or info.ndim == ndim)


def medmnist_info(name: str) -> MedMNISTInfo:
    """Task type, label names, channels, split sizes, sizes and md5s of one dataset.

    Args:
        name: a dataset name such as ``"breastmnist"`` (case-insensitive).

    Returns:
        A frozen :class:`MedMNISTInfo`.

    Raises:
        ValueError: ``name`` is not a MedMNIST dataset.

    Example:
        >>> info = medmnist_info("PneumoniaMNIST")
        >>> info.task, info.n_channels, info.label_names
        ('binary-class', 1, ('normal', 'pneumonia'))
    """
    if not isinstance(name, str):
        raise ValueError(f"name must be a string such as 'breastmnist', not {type(name).__name__}")
    key = name.strip().lower()
    if key.endswith(".npz"):
        key = key[: -len(".npz")]
    if key not in _CATALOG:
        raise ValueError(f"name={name!r} is not a MedMNIST dataset; choose one of: " + ", ".join(_CATALOG))
    return _CATALOG[key]
