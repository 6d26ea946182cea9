"""De-identify a DICOM dataset by the Basic Application Level Confidentiality Profile, on pydicom alone."""

from __future__ import annotations

import copy
from typing import Any

from .._validation import check_bool
from ._dummies import DUMMY, content_item, dummy_item
from ._file_meta import replaced_file_meta
from ._overlays import drop_overlay_groups, zero_overlay_bits
from ._uids import _check_salt, replace_uid
from .dates import DateShift, _days_for, shift_date, shift_element
from .iods import attribute_type, iod_name, item_types, only_in_optional_modules
from .profile import EDITION, profile_action

__all__ = ["DUMMY", "DateShift", "deidentify", "replace_uid", "shift_date"]  # all but deidentify from their modules

#: How the combined codes of Table E.1-1 are applied to an attribute that is not Type 1 in the object's IOD
#: (at its path, inside sequences too): the least that keeps an attribute an object may need (Type 2:
#: present, possibly empty), never an invented value.
_COMBINED = {"Z/D": "Z", "X/Z": "Z", "X/D": "X", "X/Z/D": "Z", "X/Z/U*": "U*"}
#: The codes that remove an attribute the IOD does not require (Type 3): X, and the combined codes with X but U*.
_REMOVES_TYPE_3 = frozenset({"X", "X/Z", "X/D", "X/Z/D"})
_DATE_VRS = ("DA", "DT")
_DICOMDIR = "1.2.840.10008.1.3.10"  # Media Storage Directory Storage
#: Left to the profile's own action even with the date-shift option: a shifted birth date still gives the age.
_NOT_SHIFTED = frozenset({0x00100030, 0x00100032})


def _new_value(element: Any, action: str, salt: str, where: tuple[str | None, tuple[str, ...]] = (None, ())) -> Any:
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    if element.VR == "SQ":  # Z: no items; D: one dummy item that keeps its own Type 1 and 2 attributes
        sop_class, path = where
        if action == "Z":
            return Sequence([])
        if element.keyword == "ContentSequence":  # an SR's content: one item valid by construction
            return Sequence([content_item(sop_class or "")])
        first = element.value[0] if element.value else Dataset()
        return Sequence([dummy_item(sop_class or "", (*path, element.keyword), first, salt)])
    if action == "U" or (action == "D" and element.VR == "UI"):  # a dummy UID must still be a UID
        values = element.value if element.VM > 1 else [element.value]
        new = [replace_uid(v, salt) if v else v for v in values]
        return new if element.VM > 1 else new[0]
    if action == "Z":
        return None if element.VR in ("US", "SS", "UL", "SL", "FL", "FD", "OB", "OW", "UN") else ""
    if element.VR in ("OB", "OW", "UN"):
        return b"\x00\x00"  # D needs a non-zero length: two zero bytes
    return DUMMY.get(element.VR, "ANONYMIZED")


def _combined(action: str | None, kind: str | None, known_iod: bool = False, optional: bool = False) -> str | None:
    """A combined code resolved for an attribute of type ``kind`` ("1", "1C", "2", "2C" or None) in the object's IOD.

    The attribute is present in the input (the caller walks the input's attributes), so a 1C or 2C
    attribute is treated as 1 or 2: whatever condition made the original carry it, a dummy value keeps it met.
    With ``known_iod`` (the table knows the object's IOD), an attribute of no type there is Type 3 or not in
    the IOD, so X/Z and X/Z/D remove it, as PS3.15 says ("X unless Z is required", Type 3 versus Type 2).
    With ``optional`` (it sits only in modules the IOD makes C or U, and nothing else of them stays:
    :func:`~medlearn.privacy.iods.only_in_optional_modules`), a code with X removes it, and its module with it.
    Z on a Type 1 attribute gives a dummy, which Z allows ("or a non-zero length value that may be a dummy").
    """
    kind = {"1C": "1", "2C": "2"}.get(kind, kind) if kind else kind
    if optional and action in ("X/D", "X/Z", "X/Z/D"):
        return "X"  # the module is not required: removing it keeps the object valid
    if action == "Z" and kind == "1":
        return "D"
    if action in ("Z/D", "X/D", "X/Z/D") and (kind == "1" or (kind == "2" and action == "X/D")):
        return "D"  # the standard's D "where needed for IOD conformance": a Type 1 needs a value
    if known_iod and kind is None and action in ("X/Z", "X/Z/D"):
        return "X"  # not required by the IOD: removed
    return _COMBINED.get(action, action)


def _module_keepers(dataset: Any, sop_class: str) -> set[str]:
    """The top-level keywords that can keep their module in the copy: each attribute the IOD requires somewhere,
    and each other attribute whose code does not remove a Type 3 one (none, or Z, D, U: kept, emptied, replaced)."""
    return {
        e.keyword
        for e in dataset
        if e.keyword and (attribute_type(sop_class, e.keyword) or profile_action(e.tag) not in _REMOVES_TYPE_3)
    }


def _clean(dataset: Any, salt: str, days: int | None, sop_class: str | None = None, path: tuple[str, ...] = ()) -> list:
    """Clean ``dataset`` in place, at every level; return the overlays kept in its pixel bits (top level only)."""
    dataset.remove_private_tags()
    embedded = drop_overlay_groups(dataset) if not path else []
    known_iod = bool(sop_class) and iod_name(sop_class) is not None
    types = item_types(sop_class, path, dataset) if path and known_iod else {}  # the original item's types
    present = _module_keepers(dataset, sop_class) if not path and known_iod else set()
    for tag in list(dataset.keys()):
        if tag not in dataset:
            continue  # removed with the content it described
        element = dataset[tag]
        optional = False
        if path:
            kind = types.get(element.keyword) if element.keyword else None
        else:
            kind = attribute_type(sop_class, element.keyword) if sop_class and element.keyword else None
            optional = bool(present and element.keyword) and only_in_optional_modules(
                sop_class, element.keyword, present
            )
        action = _combined(profile_action(tag), kind, known_iod and not path and bool(element.keyword), optional)
        if action == "D" and element.VR == "SQ" and not known_iod and element.keyword != "ContentSequence":
            action = "X"  # an unknown IOD: no item can be built that is known to be valid, so the sequence goes
        shiftable = days is not None and element.VR in (*_DATE_VRS, "TM") and tag not in _NOT_SHIFTED
        if shiftable and (action not in (None, "U") or element.VR in _DATE_VRS):
            action = "shift"  # dates and times kept, the dates moved: every DA and DT, listed or not (E.1.1 Note 4)
        if action == "X":
            del dataset[tag]
            continue
        if not path and element.keyword == "ContentSequence" and action == "D" and element.value:
            dataset.pop("ContentTemplateSequence", None)  # the new content follows no template (TID 2000, 1500...)
        if action in ("Z", "D", "U") and not (action == "D" and element.is_empty):  # an empty value stays empty
            element.value = _new_value(element, action, salt, (sop_class, path))
        if shiftable and element.VR in _DATE_VRS:
            shift_element(element, days)  # a date-time's UTC offset goes, as (0008,0201) does
        if element.VR == "SQ" and element.value and action != "D":  # a dummy item holds dummies already
            for item in element.value:
                _clean(item, salt, days, sop_class, (*path, element.keyword))
    return embedded


def deidentify(
    dataset: Any,
    *,
    salt: str,
    date_shift_days: DateShift | None = None,
    pixels_checked: bool = False,
) -> Any:
    """A de-identified copy of a pydicom dataset, by DICOM PS3.15's Basic Profile; the input is unchanged.

    At every nesting level (the items of sequences too): each attribute of the
    profile gets its action (:mod:`medlearn.privacy.profile`): X removed, Z
    emptied, D given a dummy value (:data:`DUMMY`), U given a new UID from
    :func:`replace_uid` (so a series stays linked and references between files
    still resolve, for anyone who uses the same ``salt``). A combined code
    (Z/D, X/D, X/Z/D) becomes D, a dummy value of the attribute's VR, where the
    attribute is Type 1 in the IOD of the dataset's SOP class, at its path in
    the items of sequences too (:mod:`medlearn.privacy.iods`), or Type 1C (the input carries it, so its
    condition is treated as met), so that the copy still conforms: the
    standard's "D where required to maintain IOD conformance"; X/D also becomes
    D for a Type 2 or 2C attribute, which must stay present. X/Z and X/Z/D
    remove a top-level attribute that is Type 3 in a known IOD, or not in it. Otherwise
    a combined code takes the least that keeps an attribute an object may
    need, never an invented value (Z/D, X/Z, X/Z/D: emptied; X/D: removed;
    X/Z/U*: its items cleaned, their UIDs replaced, also where the standard
    would allow X for a Type 3 sequence). A code with X removes a top-level
    attribute that sits only in modules the IOD makes conditional or optional,
    when nothing else of those modules stays in the copy (the ECG's Waveform
    Annotation Sequence: the module goes with it); where another attribute of
    the module stays (a required one, or a Type 3 one the profile keeps), the
    module stays, valid, and the code keeps the attribute (Z: emptied). Z on a Type 1 attribute gives a dummy,
    which Z allows. D keeps an empty value empty. D on an SR's Content
    Sequence leaves one content item built by construction (CONTAINS, TEXT,
    the concept (121106, DCM, "Comment"), a dummy text) and removes the root's
    Content Template Sequence, as the content follows no template any more; D
    on another sequence leaves one dummy item that keeps its own Type 1 and 2
    attributes (``_dummies``: a code of a standard scheme whole, a code of any
    other scheme a dummy code), or, for a SOP class the table does not know,
    removes the sequence. Every overlay group with an Overlay Plane attribute
    goes whole, as the profile removes its Type 1 Overlay Data (PS3.3 C.9.2),
    and an old overlay kept in the pixel bits has its bits cleared where the
    pixel data allow it, else the copy says the Clean Pixel Data Option is
    needed (``_overlays``); curves go too. Private
    attributes are removed. The SOP Class, the pixels and everything the
    profile does not list are kept (a block list: the profile's way).

    Pixels can hold burned-in text, which this function does not look at.
    PS3.15 E.1.1 says that "the Attribute Patient Identity Removed (0012,0062)
    shall be replaced or added to the Dataset with a value of YES". Its item 2,
    Note 5, asks the de-identifier to ensure that no identifying information is
    burned in to the pixel data, because the modality writes none or by the
    Clean Pixel Data Option, and leaves the means outside the standard; faces
    that a head CT or MR can reconstruct are the Clean Recognizable Visual
    Features Option's (E.3.2). This function departs from E.1.1 on purpose: PatientIdentityRemoved is YES only when
    ``pixels_checked`` says a person has checked the pixels for burned-in text
    and recognisable features (and cleaned or defaced where needed), and NO
    otherwise, as PS3.3 defines YES: removed from the attributes and the pixel
    data. The source's own BurnedInAnnotation and RecognizableVisualFeatures
    are not taken on trust: the device's software writes them, and they say
    nothing of what a person has seen. A receiver must read NO
    together with code 113100 as "header de-identified, pixels not checked";
    DeidentificationMethod then says "pixel data not checked" too (PS3.3
    requires it with YES when the code sequence is absent; this function
    always writes both). With ``pixels_checked``, the copy also says
    BurnedInAnnotation NO and RecognizableVisualFeatures NO and records the
    Clean Pixel Data and Clean Recognizable Visual Features Options (DCM 113101
    and 113102), as PS3.15 E.3.1 and E.3.2 ask.

    With ``date_shift_days``, the profile's "Retain Longitudinal Temporal
    Information with Modified Dates" option: every date and date-time anywhere
    in the dataset is moved by the offset (:func:`shift_date`), whether the
    profile's table lists it or not (by its VR, DA or DT, as E.1.1's Note 4
    suggests: one real date beside its shifted siblings would give the offset
    away), times are kept, and intervals between one patient's dates survive;
    a date-time's UTC offset goes, with (0008,0201). The offset is one
    integer for every dataset, or per patient: a mapping from the original
    Patient ID to days (a key table kept by the data holder), or a function of
    the original Patient ID that returns the days. One offset for a whole
    release is undone for every patient by one known date; per-patient offsets
    are not. The patient's birth date and time still get the profile's action
    (a shifted birth date would still give the age at every visit).

    The file meta information is replaced with a description of the
    de-identifying application (PS3.15 E.1.1 item 7): the copy's holds only
    what a Part 10 file needs (version, SOP class, the new instance UID,
    transfer syntax) and this package's Implementation Class UID and Version
    Name; the original's writer, sending and receiving nodes (titles and
    presentation addresses) and Private Information go. The 128-byte preamble
    is zeroed, and the copy forgets the original's file name.

    The copy records what was done: PatientIdentityRemoved,
    DeidentificationMethod, DeidentificationMethodCodeSequence (DCM 113100;
    113101 and 113102 with ``pixels_checked``; 113107 with the date option) and
    LongitudinalTemporalInformationModified.

    Args:
        dataset: a pydicom ``Dataset`` or ``FileDataset`` (not a DICOMDIR, which is refused: its file
            and folder names can hold patient IDs, and no profile action covers them).
        salt: the secret that the new UIDs are derived from, at least 16 characters (best drawn at random:
            ``secrets.token_urlsafe(32)``); keep it, and keep it secret.
        date_shift_days: days to move every date by (an int, a mapping from Patient ID to days, or a
            function of the Patient ID), or None to treat dates as the profile says.
        pixels_checked: True when a person has checked that the pixels show nothing identifying: no
            burned-in text and no recognisable features such as a face (removed or obscured where needed).

    Example:
        >>> from pydicom import examples
        >>> clean = deidentify(examples.ct, salt="a long s3cret salt")
        >>> clean.PatientName, clean.PatientIdentityRemoved, examples.ct.PatientName != clean.PatientName
        ('', 'NO', True)
        >>> offsets = {"1CT1": -137}  # the key table: original Patient ID -> days
        >>> deidentify(examples.ct, salt="a long s3cret salt", date_shift_days=offsets).StudyDate
        '20030904'
    """
    from pydicom.dataset import Dataset

    if not isinstance(dataset, Dataset):
        raise ValueError(f"dataset must be a pydicom Dataset, not {type(dataset).__name__}")
    _check_salt(salt)
    sop_class = str(dataset.get("SOPClassUID", getattr(dataset.get("file_meta"), "MediaStorageSOPClassUID", "")))
    if sop_class == _DICOMDIR:
        raise ValueError(
            "dataset is a DICOMDIR: its Referenced File IDs are file and folder names, which can hold patient IDs;"
            " de-identify the files, give them new names, and write a new DICOMDIR (pydicom.fileset.FileSet)"
        )
    days = _days_for(dataset, date_shift_days)
    checked = check_bool(pixels_checked, "pixels_checked")
    clean = copy.deepcopy(dataset)
    embedded = _clean(clean, salt, days, sop_class or None)
    uncleaned = zero_overlay_bits(clean, embedded)
    if uncleaned and checked:
        raise ValueError(
            f"pixels_checked: the overlay of group {uncleaned[0]:04X} is kept in bits of Pixel Data that could not be"
            " cleared (compressed, or inside the stored bits), and a viewer may not show it: clean it first"
        )
    meta = getattr(clean, "file_meta", None)
    if meta is not None:  # the file's own header, replaced (E.1.1 item 7): its UID follows the image's
        old_uid = meta.get("MediaStorageSOPInstanceUID", "")
        new_uid = clean.SOPInstanceUID if "SOPInstanceUID" in clean else replace_uid(old_uid, salt) if old_uid else ""
        clean.file_meta = replaced_file_meta(meta, new_uid)
    if (
        "EncapsulatedDocumentLength" in clean and "EncapsulatedDocument" in clean
    ):  # the length would tell the original's
        clean.EncapsulatedDocumentLength = len(clean.EncapsulatedDocument or b"")  # size (PS3.3 C.24.2): the new one
    if hasattr(clean, "preamble") and clean.preamble is not None:
        clean.preamble = b"\x00" * 128  # a dual-format file can hold another format's header here
    if hasattr(clean, "filename"):
        clean.filename = None  # the original path can name the patient; and saving must not overwrite it
    pixels_clean = checked and not uncleaned  # a person's check, never the source's own flags
    clean.PatientIdentityRemoved = "YES" if pixels_clean else "NO"  # a local policy, departing from E.1.1
    if checked:
        clean.BurnedInAnnotation = "NO"
        clean.RecognizableVisualFeatures = "NO"
    method = ["DICOM PS3.15 Basic Application Confidentiality Profile", f"table of edition {EDITION}"]
    codes = [("113100", "Basic Application Confidentiality Profile")]
    if checked:
        method += ["Clean Pixel Data Option", "Clean Recognizable Visual Features Option"]
        codes += [("113101", "Clean Pixel Data Option"), ("113102", "Clean Recognizable Visual Features Option")]
    if embedded and len(uncleaned) < len(embedded):
        method.append("overlay bits in pixel data cleared")
    if uncleaned:
        method.append("overlay left in pixel data: Clean Pixel Data Option needed")
    if not pixels_clean:
        method.append("pixel data not checked")  # with NO: header de-identified, pixels not checked
    if days is not None:
        method.append("Retain Longitudinal Temporal Information Modified Dates")
        codes.append(("113107", "Retain Longitudinal Temporal Information Modified Dates Option"))
    clean.DeidentificationMethod = method
    items = []
    for value, meaning in codes:
        item = Dataset()
        item.CodeValue, item.CodingSchemeDesignator, item.CodeMeaning = value, "DCM", meaning
        items.append(item)
    clean.DeidentificationMethodCodeSequence = items
    clean.LongitudinalTemporalInformationModified = "MODIFIED" if days is not None else "REMOVED"
    return clean
