"""The file meta information of a de-identified copy: what a Part 10 file needs, and who wrote it.

PS3.15 E.1.1 (item 7): "the File Meta Information including the 128 byte preamble, if present, shall be
replaced with a description of the de-identifying application". The original's group 0002 can say which
nodes sent and received the file (the Source, Sending and Receiving Application Entity Titles and
Presentation Addresses, PS3.10 7.1) and hold anything in Private Information (0002,0102); none of it is kept.

Example:
    >>> from pydicom import examples
    >>> meta = replaced_file_meta(examples.ct.file_meta, "2.25.1")
    >>> [f"{tag:08X}" for tag in meta.keys()]
    ['00020001', '00020002', '00020003', '00020010', '00020012', '00020013']
"""

from __future__ import annotations

from typing import Any

from .. import __version__

__all__ = ["IMPLEMENTATION_CLASS_UID", "IMPLEMENTATION_VERSION_NAME", "KEPT_FILE_META", "replaced_file_meta"]

#: The de-identifier's Implementation Class UID (0002,0012), under the course's DICOM root
#: (``medlearn.deploy.course_files.UID_PREFIX``; a test keeps the two together).
IMPLEMENTATION_CLASS_UID = "1.2.826.0.1.3680043.10.1372.1"
#: Its Implementation Version Name (0002,0013), at most 16 characters (VR SH).
IMPLEMENTATION_VERSION_NAME = f"MEDLEARN_{__version__}"
#: The elements of the original's file meta information that a copy carries over, as a Part 10 file needs them:
#: the version, the SOP class and the transfer syntax (the instance UID is the copy's new one).
KEPT_FILE_META = (0x00020001, 0x00020002, 0x00020010)


def replaced_file_meta(meta: Any, sop_instance_uid: str) -> Any:
    """New file meta information for a de-identified copy of the file that ``meta`` heads.

    It holds the File Meta Information Version (00H 01H), the original's Media Storage SOP Class UID and
    Transfer Syntax UID (where present), ``sop_instance_uid`` as Media Storage SOP Instance UID, and this
    package's Implementation Class UID and Version Name; nothing else of the original.

    Example:
        >>> from pydicom import examples
        >>> meta = replaced_file_meta(examples.ct.file_meta, "2.25.1")
        >>> meta.MediaStorageSOPInstanceUID, meta.ImplementationVersionName == IMPLEMENTATION_VERSION_NAME
        ('2.25.1', True)
        >>> "SourceApplicationEntityTitle" in examples.ct.file_meta, "SourceApplicationEntityTitle" in meta
        (True, False)
    """
    from pydicom.dataset import Dataset, FileMetaDataset

    if not isinstance(meta, Dataset):
        raise ValueError(f"meta must be a pydicom Dataset, not {type(meta).__name__}")
    new = FileMetaDataset()
    new.FileMetaInformationVersion = b"\x00\x01"
    if "MediaStorageSOPClassUID" in meta:
        new.MediaStorageSOPClassUID = meta.MediaStorageSOPClassUID
    if sop_instance_uid:
        new.MediaStorageSOPInstanceUID = sop_instance_uid
    if "TransferSyntaxUID" in meta:
        new.TransferSyntaxUID = meta.TransferSyntaxUID
    new.ImplementationClassUID = IMPLEMENTATION_CLASS_UID
    new.ImplementationVersionName = IMPLEMENTATION_VERSION_NAME
    return new
