"""Real data: MedMNIST files (downloaded and md5-checked), CHASE_DB1 retinal vessels and BCCD blood smears
(sha256 of every file), two FLT-PET slices and one ISLES'22 stroke case (each file pinned by its sha256),
DICOM examples, the Wisconsin selections of the SVM and random-forest chapters, and the patient cohorts with
follow-up of the prognosis chapter.

Files live in the data folder (:func:`data_dir`: ``root=``, else ``$MEDLEARN_DATA``, else the user cache). A file
that is missing is downloaded the first time it is needed, from its official site or, when a **data mirror** is
set, from the mirror: the environment variable ``MEDLEARN_MIRROR`` (or a loader's ``mirror=`` argument, or
``python -m medlearn data fetch --mirror URL``) names an ``http://`` or ``https://`` base address that serves
every file under its name in the data folder, side by side (``breastmnist.npz``, ``CHASEDB1.zip``,
``ACRIN-FLT-Breast_PT_1.dcm``, ``sub-strokecase0009_ses-0001_dwi.nii.gz``, ...). A folder made with
``python -m medlearn data copy`` (or a handout's ``data/``) is such a mirror as it is:
``python -m http.server 8000 --directory course-data``. Whatever a mirror sends is checked against the same md5
or sha256 as the official file, and lands in the data folder only when it matches (:func:`data_mirror`).

:data:`FILE_DATASETS` holds every data set beside MedMNIST by its command-line name (the archives of
:data:`ARCHIVE_DATASETS` and the pinned files of :data:`PINNED_DATASETS`): the command line
(``python -m medlearn data``), the machine check and the handout read it.

Example:
    >>> from medlearn.data import load_medmnist, medmnist_info
    >>> medmnist_info("breastmnist").label_names
    ('malignant', 'normal, benign')
    >>> list(FILE_DATASETS)
    ['chasedb1', 'bccd', 'pet', 'isles22']
"""

from types import MappingProxyType

from ._home import DATA_ENV, MIRROR_ENV, FileReport, data_dir, data_mirror, default_data_dir, download_url
from .archive import ArchiveDataset, checked_members
from .bccd import (
    BCCD,
    BCCD_ARCHIVE,
    BCCD_CLASSES,
    BCCD_COMMIT,
    BCCD_DATASET,
    BCCD_SHA256,
    BCCD_SPLITS,
    BCCD_URL,
    fetch_bccd,
    load_bccd,
    parse_voc,
    verify_bccd,
)
from .catalog import (
    COURSE_DATASETS,
    IMAGE_SIZE,
    SPLITS,
    ZENODO_RECORD,
    MedMNISTFile,
    MedMNISTInfo,
    medmnist_info,
    medmnist_names,
)
from .chasedb1 import (
    CHASEDB1_ARCHIVE,
    CHASEDB1_DATASET,
    CHASEDB1_SHA256,
    CHASEDB1_URL,
    ChaseDB1,
    fetch_chasedb1,
    load_chasedb1,
    verify_chasedb1,
)
from .cohorts import COHORTS, Cohort, CohortInfo, load_cohort
from .dicom import (
    CT_SLICES,
    DICOM_EXAMPLES,
    WINDOW_PRESETS,
    ct_slice,
    ct_soft_tissue,
    dicom_example,
    hounsfield,
    window,
)
from .download import download_file, md5sum
from .duplicates import NearDuplicates, near_duplicates
from .errors import DataError, DataNotFoundError
from .isles22 import ISLES22_CASE, StrokeCase, fetch_isles22, load_isles22, verify_isles22
from .medmnist import fetch_medmnist, load_medmnist, verify_medmnist
from .pet_slices import PET_SLICES, fetch_pet_slices, load_pet_slice, verify_pet_slices
from .pinned import PinnedFiles
from .wisconsin import PAIR, low_prevalence_subset, separable_pair, wisconsin_pair

#: The data sets published as zip archives, by their command-line name.
ARCHIVE_DATASETS: MappingProxyType[str, ArchiveDataset] = MappingProxyType(
    {dataset.name: dataset for dataset in (CHASEDB1_DATASET, BCCD_DATASET)}
)
#: The data sets published as single files pinned by their sha256 (the PET slices, the ISLES'22 case).
PINNED_DATASETS: MappingProxyType[str, PinnedFiles] = MappingProxyType(
    {dataset.name: dataset for dataset in (PET_SLICES, ISLES22_CASE)}
)
#: Every data set beside MedMNIST, by its command-line name: each has ``summary``, ``filenames`` (its files in the
#: data folder), ``fetch(root, mirror=, progress=, force=)``, ``reports(root)`` and ``copy(source, target)``. The
#: command line, the machine check and the handout's data read this one mapping; the course needs all of them.
FILE_DATASETS: MappingProxyType[str, ArchiveDataset | PinnedFiles] = MappingProxyType(
    {**ARCHIVE_DATASETS, **PINNED_DATASETS}
)

__all__ = [
    "ARCHIVE_DATASETS",
    "ArchiveDataset",
    "BCCD_DATASET",
    "CHASEDB1_DATASET",
    "BCCD",
    "BCCD_ARCHIVE",
    "BCCD_CLASSES",
    "BCCD_COMMIT",
    "BCCD_SHA256",
    "BCCD_SPLITS",
    "BCCD_URL",
    "checked_members",
    "fetch_bccd",
    "load_bccd",
    "parse_voc",
    "verify_bccd",
    "CHASEDB1_ARCHIVE",
    "CHASEDB1_SHA256",
    "CHASEDB1_URL",
    "ChaseDB1",
    "fetch_chasedb1",
    "load_chasedb1",
    "verify_chasedb1",
    "COHORTS",
    "COURSE_DATASETS",
    "Cohort",
    "CohortInfo",
    "DATA_ENV",
    "FILE_DATASETS",
    "MIRROR_ENV",
    "PINNED_DATASETS",
    "CT_SLICES",
    "DICOM_EXAMPLES",
    "DataError",
    "DataNotFoundError",
    "FileReport",
    "IMAGE_SIZE",
    "ISLES22_CASE",
    "MedMNISTFile",
    "MedMNISTInfo",
    "NearDuplicates",
    "PAIR",
    "PET_SLICES",
    "PinnedFiles",
    "SPLITS",
    "StrokeCase",
    "WINDOW_PRESETS",
    "ZENODO_RECORD",
    "ct_slice",
    "ct_soft_tissue",
    "data_dir",
    "data_mirror",
    "default_data_dir",
    "dicom_example",
    "download_file",
    "download_url",
    "fetch_isles22",
    "fetch_medmnist",
    "fetch_pet_slices",
    "hounsfield",
    "load_cohort",
    "load_isles22",
    "load_medmnist",
    "load_pet_slice",
    "low_prevalence_subset",
    "md5sum",
    "medmnist_info",
    "medmnist_names",
    "near_duplicates",
    "separable_pair",
    "verify_isles22",
    "verify_medmnist",
    "verify_pet_slices",
    "window",
    "wisconsin_pair",
]
