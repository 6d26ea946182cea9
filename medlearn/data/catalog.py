"""What medlearn knows about every MedMNIST dataset: 12 in 2-D, 6 in 3-D, at every published size.

The names, labels, split sizes, licences, descriptions and md5 sums are the
official ones of MedMNIST v2 as published in Zenodo record 10519652 (the same
values the ``medmnist`` package checks). The 2-D entries were written by hand;
the 3-D entries and the md5 of the larger MedMNIST+ files (2-D: 64, 128 and
224 pixels; 3-D: 64 voxels a side) come from the ``medmnist`` package's own
metadata through ``medlearn/data/_medmnist_files.py``, and a test checks that
the two sources agree. Cite: Yang et al., "MedMNIST v2 - A
large-scale lightweight benchmark for 2D and 3D biomedical image
classification", Scientific Data 10, 41 (2023).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from .._validation import check_choice, check_int
from ._medmnist_files import MEDMNIST_FILES

#: The Zenodo record that publishes the MedMNIST v2 files.
ZENODO_RECORD = "10519652"
#: Where a machine that is online downloads ``{name}.npz``.
ZENODO_URL = "https://zenodo.org/records/" + ZENODO_RECORD + "/files/{name}.npz?download=1"
#: The three official splits, in the order they are used.
SPLITS = ("train", "val", "test")

#: The MedMNIST datasets that the chapters train on.
COURSE_DATASETS = ("breastmnist", "pneumoniamnist", "adrenalmnist3d")

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
    md5: str
    license: str
    description: str
    ndim: int = 2
    md5_by_size: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def sizes(self) -> tuple[int, ...]:
        """The published side lengths: ``(28, 64, 128, 224)`` in 2-D, ``(28, 64)`` in 3-D."""
        return tuple(sorted(self.md5_by_size)) or (IMAGE_SIZE,)

    def _size(self, size: int) -> int:
        return check_choice(check_int(size, "size"), f"size (published for {self.name})", self.sizes)

    def filename_for(self, size: int = IMAGE_SIZE) -> str:
        """Name of the official file at ``size``: ``breastmnist.npz``, ``breastmnist_64.npz``, ..."""
        size = self._size(size)
        return self.filename if size == IMAGE_SIZE else f"{self.name}_{size}.npz"

    def url_for(self, size: int = IMAGE_SIZE) -> str:
        """Official download address of the file at ``size``."""
        return ZENODO_URL.format(name=self.filename_for(size).removesuffix(".npz"))

    def md5_for(self, size: int = IMAGE_SIZE) -> str:
        """Official md5 of the file at ``size``."""
        size = self._size(size)
        return self.md5_by_size.get(size, self.md5)

    def image_shape_for(self, size: int = IMAGE_SIZE) -> tuple[int, ...]:
        """Shape of one image at ``size``: ``(s, s)``, ``(s, s, 3)``, or ``(s, s, s)`` for a volume."""
        size = self._size(size)
        if self.ndim == 3:
            return (size, size, size)
        if self.n_channels == 1:
            return (size, size)
        return (size, size, self.n_channels)

    @property
    def n_classes(self) -> int:
        """Number of classes (for multi-label ChestMNIST: number of labels)."""
        return len(self.label_names)

    @property
    def multi_label(self) -> bool:
        """True where one image can carry several labels at once (ChestMNIST)."""
        return self.task.startswith("multi-label")

    @property
    def filename(self) -> str:
        """Name of the official file, for example ``breastmnist.npz``."""
        return f"{self.name}.npz"

    @property
    def url(self) -> str:
        """Official download address on Zenodo."""
        return ZENODO_URL.format(name=self.name)

    @property
    def image_shape(self) -> tuple[int, ...]:
        """Shape of one image at 28 pixels: ``(28, 28)``, ``(28, 28, 3)`` or ``(28, 28, 28)``."""
        return self.image_shape_for(IMAGE_SIZE)


def _splits(train: int, val: int, test: int) -> Mapping[str, int]:
    return MappingProxyType({"train": train, "val": val, "test": test})


#: The 11 organ labels shared by OrganAMNIST, OrganCMNIST and OrganSMNIST (axial, coronal, sagittal views).
_ORGANS = (
    "bladder",
    "femur-left",
    "femur-right",
    "heart",
    "kidney-left",
    "kidney-right",
    "liver",
    "lung-left",
    "lung-right",
    "pancreas",
    "spleen",
)

_CATALOG: Mapping[str, MedMNISTInfo] = MappingProxyType(
    {
        "pathmnist": MedMNISTInfo(
            name="pathmnist",
            title="PathMNIST",
            modality="colon pathology (H&E histology)",
            task="multi-class",
            n_channels=3,
            label_names=(
                "adipose",
                "background",
                "debris",
                "lymphocytes",
                "mucus",
                "smooth muscle",
                "normal colon mucosa",
                "cancer-associated stroma",
                "colorectal adenocarcinoma epithelium",
            ),
            n_samples=_splits(89996, 10004, 7180),
            md5="a8b06965200029087d5bd730944a56c1",
            license="CC BY 4.0",
            description=(
                "The PathMNIST is based on a prior study for predicting survival from "
                "colorectal cancer histology slides, providing a dataset "
                "(NCT-CRC-HE-100K) of 100,000 non-overlapping image patches from "
                "hematoxylin & eosin stained histological images, and a test dataset "
                "(CRC-VAL-HE-7K) of 7,180 image patches from a different clinical center. "
                "The dataset is comprised of 9 types of tissues, resulting in a "
                "multi-class classification task. We resize the source images of "
                "3×224×224 into 3×28×28, and split NCT-CRC-HE-100K into training and "
                "validation set with a ratio of 9:1. The CRC-VAL-HE-7K is treated as the "
                "test set."
            ),
        ),
        "chestmnist": MedMNISTInfo(
            name="chestmnist",
            title="ChestMNIST",
            modality="chest X-ray",
            task="multi-label, binary-class",
            n_channels=1,
            label_names=(
                "atelectasis",
                "cardiomegaly",
                "effusion",
                "infiltration",
                "mass",
                "nodule",
                "pneumonia",
                "pneumothorax",
                "consolidation",
                "edema",
                "emphysema",
                "fibrosis",
                "pleural",
                "hernia",
            ),
            n_samples=_splits(78468, 11219, 22433),
            md5="02c8a6516a18b556561a56cbdd36c4a8",
            license="CC BY 4.0",
            description=(
                "The ChestMNIST is based on the NIH-ChestXray14 dataset, a dataset "
                "comprising 112,120 frontal-view X-Ray images of 30,805 unique patients "
                "with the text-mined 14 disease labels, which could be formulized as a "
                "multi-label binary-class classification task. We use the official data "
                "split, and resize the source images of 1×1024×1024 into 1×28×28."
            ),
        ),
        "dermamnist": MedMNISTInfo(
            name="dermamnist",
            title="DermaMNIST",
            modality="dermatoscope (skin lesion photograph)",
            task="multi-class",
            n_channels=3,
            label_names=(
                "actinic keratoses and intraepithelial carcinoma",
                "basal cell carcinoma",
                "benign keratosis-like lesions",
                "dermatofibroma",
                "melanoma",
                "melanocytic nevi",
                "vascular lesions",
            ),
            n_samples=_splits(7007, 1003, 2005),
            md5="0744692d530f8e62ec473284d019b0c7",
            license="CC BY-NC 4.0",
            description=(
                "The DermaMNIST is based on the HAM10000, a large collection of "
                "multi-source dermatoscopic images of common pigmented skin lesions. The "
                "dataset consists of 10,015 dermatoscopic images categorized as 7 "
                "different diseases, formulized as a multi-class classification task. We "
                "split the images into training, validation and test set with a ratio of "
                "7:1:2. The source images of 3×600×450 are resized into 3×28×28."
            ),
        ),
        "octmnist": MedMNISTInfo(
            name="octmnist",
            title="OCTMNIST",
            modality="retinal OCT",
            task="multi-class",
            n_channels=1,
            label_names=(
                "choroidal neovascularization",
                "diabetic macular edema",
                "drusen",
                "normal",
            ),
            n_samples=_splits(97477, 10832, 1000),
            md5="c68d92d5b585d8d81f7112f81e2d0842",
            license="CC BY 4.0",
            description=(
                "The OCTMNIST is based on a prior dataset of 109,309 valid optical "
                "coherence tomography (OCT) images for retinal diseases. The dataset is "
                "comprised of 4 diagnosis categories, leading to a multi-class "
                "classification task. We split the source training set with a ratio of "
                "9:1 into training and validation set, and use its source validation set "
                "as the test set. The source images are gray-scale, and their sizes are "
                "(384−1,536)×(277−512). We center-crop the images and resize them into "
                "1×28×28."
            ),
        ),
        "pneumoniamnist": MedMNISTInfo(
            name="pneumoniamnist",
            title="PneumoniaMNIST",
            modality="chest X-ray",
            task="binary-class",
            n_channels=1,
            label_names=(
                "normal",
                "pneumonia",
            ),
            n_samples=_splits(4708, 524, 624),
            md5="28209eda62fecd6e6a2d98b1501bb15f",
            license="CC BY 4.0",
            description=(
                "The PneumoniaMNIST is based on a prior dataset of 5,856 pediatric chest "
                "X-Ray images. The task is binary-class classification of pneumonia "
                "against normal. We split the source training set with a ratio of 9:1 "
                "into training and validation set and use its source validation set as "
                "the test set. The source images are gray-scale, and their sizes are "
                "(384−2,916)×(127−2,713). We center-crop the images and resize them into "
                "1×28×28."
            ),
        ),
        "retinamnist": MedMNISTInfo(
            name="retinamnist",
            title="RetinaMNIST",
            modality="fundus camera photograph",
            task="ordinal-regression",
            n_channels=3,
            label_names=(
                "0",
                "1",
                "2",
                "3",
                "4",
            ),
            n_samples=_splits(1080, 120, 400),
            md5="bd4c0672f1bba3e3a89f0e4e876791e4",
            license="CC BY 4.0",
            description=(
                "The RetinaMNIST is based on the DeepDRiD challenge, which provides a "
                "dataset of 1,600 retina fundus images. The task is ordinal regression "
                "for 5-level grading of diabetic retinopathy severity. We split the "
                "source training set with a ratio of 9:1 into training and validation "
                "set, and use the source validation set as the test set. The source "
                "images of 3×1,736×1,824 are center-cropped and resized into 3×28×28."
            ),
        ),
        "breastmnist": MedMNISTInfo(
            name="breastmnist",
            title="BreastMNIST",
            modality="breast ultrasound",
            task="binary-class",
            n_channels=1,
            label_names=(
                "malignant",
                "normal, benign",
            ),
            n_samples=_splits(546, 78, 156),
            md5="750601b1f35ba3300ea97c75c52ff8f6",
            license="CC BY 4.0",
            description=(
                "The BreastMNIST is based on a dataset of 780 breast ultrasound images. "
                "It is categorized into 3 classes: normal, benign, and malignant. As we "
                "use low-resolution images, we simplify the task into binary "
                "classification by combining normal and benign as positive and "
                "classifying them against malignant as negative. We split the source "
                "dataset with a ratio of 7:1:2 into training, validation and test set. "
                "The source images of 1×500×500 are resized into 1×28×28."
            ),
        ),
        "bloodmnist": MedMNISTInfo(
            name="bloodmnist",
            title="BloodMNIST",
            modality="blood cell microscopy",
            task="multi-class",
            n_channels=3,
            label_names=(
                "basophil",
                "eosinophil",
                "erythroblast",
                "immature granulocytes(myelocytes, metamyelocytes and promyelocytes)",
                "lymphocyte",
                "monocyte",
                "neutrophil",
                "platelet",
            ),
            n_samples=_splits(11959, 1712, 3421),
            md5="7053d0359d879ad8a5505303e11de1dc",
            license="CC BY 4.0",
            description=(
                "The BloodMNIST is based on a dataset of individual normal cells, "
                "captured from individuals without infection, hematologic or oncologic "
                "disease and free of any pharmacologic treatment at the moment of blood "
                "collection. It contains a total of 17,092 images and is organized into 8 "
                "classes. We split the source dataset with a ratio of 7:1:2 into "
                "training, validation and test set. The source images with resolution "
                "3×360×363 pixels are center-cropped into 3×200×200, and then resized "
                "into 3×28×28."
            ),
        ),
        "tissuemnist": MedMNISTInfo(
            name="tissuemnist",
            title="TissueMNIST",
            modality="kidney cortex microscopy",
            task="multi-class",
            n_channels=1,
            label_names=(
                "Collecting Duct, Connecting Tubule",
                "Distal Convoluted Tubule",
                "Glomerular endothelial cells",
                "Interstitial endothelial cells",
                "Leukocytes",
                "Podocytes",
                "Proximal Tubule Segments",
                "Thick Ascending Limb",
            ),
            n_samples=_splits(165466, 23640, 47280),
            md5="ebe78ee8b05294063de985d821c1c34b",
            license="CC BY 4.0",
            description=(
                "We use the BBBC051, available from the Broad Bioimage Benchmark "
                "Collection. The dataset contains 236,386 human kidney cortex cells, "
                "segmented from 3 reference tissue specimens and organized into 8 "
                "categories. We split the source dataset with a ratio of 7:1:2 into "
                "training, validation and test set. Each gray-scale image is 32×32×7 "
                "pixels, where 7 denotes 7 slices. We take maximum values across the "
                "slices and resize them into 28×28 gray-scale images."
            ),
        ),
        "organamnist": MedMNISTInfo(
            name="organamnist",
            title="OrganAMNIST",
            modality="abdominal CT (axial)",
            task="multi-class",
            n_channels=1,
            label_names=_ORGANS,
            n_samples=_splits(34561, 6491, 17778),
            md5="68e3f8846a6bd62f0c9bf841c0d9eacc",
            license="CC BY 4.0",
            description=(
                "The OrganAMNIST is based on 3D computed tomography (CT) images from "
                "Liver Tumor Segmentation Benchmark (LiTS). It is renamed from "
                "OrganMNIST_Axial (in MedMNIST v1) for simplicity. We use bounding-box "
                "annotations of 11 body organs from another study to obtain the organ "
                "labels. Hounsfield-Unit (HU) of the 3D images are transformed into "
                "gray-scale with an abdominal window. We crop 2D images from the center "
                "slices of the 3D bounding boxes in axial views (planes). The images are "
                "resized into 1×28×28 to perform multi-class classification of 11 body "
                "organs. 115 and 16 CT scans from the source training set are used as "
                "training and validation set, respectively. The 70 CT scans from the "
                "source test set are treated as the test set."
            ),
        ),
        "organcmnist": MedMNISTInfo(
            name="organcmnist",
            title="OrganCMNIST",
            modality="abdominal CT (coronal)",
            task="multi-class",
            n_channels=1,
            label_names=_ORGANS,
            n_samples=_splits(12975, 2392, 8216),
            md5="b9ceb9546e10131b32923c5bbeaea2b1",
            license="CC BY 4.0",
            description=(
                "The OrganCMNIST is based on 3D computed tomography (CT) images from "
                "Liver Tumor Segmentation Benchmark (LiTS). It is renamed from "
                "OrganMNIST_Coronal (in MedMNIST v1) for simplicity. We use bounding-box "
                "annotations of 11 body organs from another study to obtain the organ "
                "labels. Hounsfield-Unit (HU) of the 3D images are transformed into "
                "gray-scale with an abdominal window. We crop 2D images from the center "
                "slices of the 3D bounding boxes in coronal views (planes). The images "
                "are resized into 1×28×28 to perform multi-class classification of 11 "
                "body organs. 115 and 16 CT scans from the source training set are used "
                "as training and validation set, respectively. The 70 CT scans from the "
                "source test set are treated as the test set."
            ),
        ),
        "organsmnist": MedMNISTInfo(
            name="organsmnist",
            title="OrganSMNIST",
            modality="abdominal CT (sagittal)",
            task="multi-class",
            n_channels=1,
            label_names=_ORGANS,
            n_samples=_splits(13932, 2452, 8827),
            md5="9ab87b696fb54e2a387ebe992d6ed5f1",
            license="CC BY 4.0",
            description=(
                "The OrganSMNIST is based on 3D computed tomography (CT) images from "
                "Liver Tumor Segmentation Benchmark (LiTS). It is renamed from "
                "OrganMNIST_Sagittal (in MedMNIST v1) for simplicity. We use bounding-box "
                "annotations of 11 body organs from another study to obtain the organ "
                "labels. Hounsfield-Unit (HU) of the 3D images are transformed into "
                "gray-scale with an abdominal window. We crop 2D images from the center "
                "slices of the 3D bounding boxes in sagittal views (planes). The images "
                "are resized into 1×28×28 to perform multi-class classification of 11 "
                "body organs. 115 and 16 CT scans from the source training set are used "
                "as training and validation set, respectively. The 70 CT scans from the "
                "source test set are treated as the test set."
            ),
        ),
    }
)


#: What the medmnist package's metadata does not say: the imaging behind each 3-D dataset.
_MODALITY_3D = {
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
        modality=_MODALITY_3D[name],
        task=facts["task"],
        n_channels=facts["n_channels"],
        label_names=tuple(facts["label_names"]),
        n_samples=MappingProxyType(dict(facts["n_samples"])),
        md5=md5[IMAGE_SIZE],
        license=facts["license"],
        description=facts["description"],
        ndim=3,
        md5_by_size=md5,
    )


def _with_sizes(info: MedMNISTInfo) -> MedMNISTInfo:
    facts = MEDMNIST_FILES["datasets"][info.name]
    return replace(info, md5_by_size=MappingProxyType({int(size): md5 for size, md5 in facts["md5"].items()}))


_CATALOG = MappingProxyType(
    {name: _with_sizes(info) for name, info in _CATALOG.items()}
    | {name: _from_files(name, facts) for name, facts in MEDMNIST_FILES["datasets"].items() if facts["ndim"] == 3}
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
