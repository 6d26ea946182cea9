"""CHASE_DB1: colour fundus photographs of children with two observers' manual vessel masks.

28 photographs (999 x 960 pixels) of the left and right eyes of 14 school children
from the Child Heart and Health Study in England, each with two independent manual
vessel segmentations (first observer ``*_1stHO.png``, second ``*_2ndHO.png``).
Licence CC BY 4.0; cite Fraz et al., IEEE Trans. Biomed. Eng. 59(9):2538-2548 (2012)
and Owen et al., Invest. Ophthalmol. Vis. Sci. 50(5):2004-2010 (2009).

Kingston University publishes the archive without a checksum, and copies of it
differ in their zip metadata, so medlearn checks every file *inside* the archive
against :data:`CHASEDB1_SHA256` instead of the archive's own checksum. The archive
lives where the MedMNIST files live (:func:`medlearn.data.data_dir`).
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from ._home import FileReport
from .archive import ArchiveDataset
from .errors import DataError

__all__ = [
    "CHASEDB1_ARCHIVE",
    "CHASEDB1_SHA256",
    "CHASEDB1_URL",
    "CHASEDB1_DATASET",
    "ChaseDB1",
    "fetch_chasedb1",
    "load_chasedb1",
    "verify_chasedb1",
]

#: The official download address (Kingston University research data repository).
CHASEDB1_URL = "https://researchdata.kingston.ac.uk/96/1/CHASEDB1.zip"
#: The archive's file name in the data folder.
CHASEDB1_ARCHIVE = "CHASEDB1.zip"
#: sha256 of each of the 84 files in the official archive; the same bytes are in
#: independent copies of the data set published since 2019.
CHASEDB1_SHA256: MappingProxyType[str, str] = MappingProxyType(
    {
        "Image_01L.jpg": "9fc072bff4d4f64ed0be448f576526c9aeb9d17dd618a17112a64ac35fae8343",
        "Image_01L_1stHO.png": "b7f30cf206efe550e4df135782ee4470b67fcd2b088fab4285c3bf2f4b7c61e3",
        "Image_01L_2ndHO.png": "7c244339efc7014c2feb3b19fbe2f352eaa1c643358afec666bef7b615b5f4c9",
        "Image_01R.jpg": "90ae4101ef4313f1c08fae2114d03364d9ee860c641281b1a47f33a6c5442d86",
        "Image_01R_1stHO.png": "b7817217539f7ff10d9e26b596a95d174ef010561c0d91470f9816f7e5d40ce5",
        "Image_01R_2ndHO.png": "302ef09d38aeea67c02a80ec2e134cdb201e43aeaf60db987b7f77ffc01ae565",
        "Image_02L.jpg": "952de8dc2b15fcb4c34a200b5ce4b12d7d8875892b6c2a362a83bf997b761716",
        "Image_02L_1stHO.png": "f832df82a60695661885d0e858c17dd6c698a2349dfbe7acf17c230c45f2f012",
        "Image_02L_2ndHO.png": "f7f61d237ef0ee977bdd8b3788685d641f098b2b25e8ec54f5dacd5cc1c90b06",
        "Image_02R.jpg": "100df384241515d45337462adb13328b8dbcfdacf956545b317bc2b7a359f042",
        "Image_02R_1stHO.png": "41abd2213b0b0d96f434afc64545904a8108073174537b359546f5fe506c20a7",
        "Image_02R_2ndHO.png": "6b8a155ea92a33e218b05ce6aaf646416cfe44161683a3ff2d58371bae0b1e92",
        "Image_03L.jpg": "db4bc8514041302ad66a283d83a331e88b2a7ffb156ae5ed4de84ad3aa0660c8",
        "Image_03L_1stHO.png": "592badbd3effdc8c7c15e1b5f22c02b9818da2b54170e4e0fff36051164a3a23",
        "Image_03L_2ndHO.png": "1f24545ca88dbe008208bbca8e71c100f198bf2de82f409025029f024011cb15",
        "Image_03R.jpg": "373ab58feec4495d3bc19414326c85205f6f59db7230d0ef3a693b81c91025f8",
        "Image_03R_1stHO.png": "d19aa90d611867b9dd39d4ffdbabbe76cfe965b569bbebf51e82c4929874c39c",
        "Image_03R_2ndHO.png": "1eb06b0f6054bcfc99dd7ea9a8f1001b289b983a630013c4befb826c5842c91f",
        "Image_04L.jpg": "70784a305852db76880e69677b191ba79a46df8f0621082d9b19c3205082b514",
        "Image_04L_1stHO.png": "1299a20b742c0f293628fb0c95f480278b34e0aeffe8a4c1f49fde21fface853",
        "Image_04L_2ndHO.png": "7e04a227d2fe6ac6e7e02f44a23b614d90ddb47717dcb44eb0e60a56fb6ea359",
        "Image_04R.jpg": "5bd387c84af95f9f007d90ceba3b7b232c9ffa557e12c4f74ebc9570439c334f",
        "Image_04R_1stHO.png": "403babedf3b36b67d9ade850a521438a610ec30e84db8c79673afcac34d25bfa",
        "Image_04R_2ndHO.png": "e6bedd5f1b756abea891c869e9a0a687a598ac6863cd891e4d42cdd503fc9c78",
        "Image_05L.jpg": "98b887bb669c08668e36e43da58e0bdd231fcd272ef24a93a18103e7d1cc27b1",
        "Image_05L_1stHO.png": "b86d9fca852d611cb837c33ea9fa9566bc714d78873f6c6038ec7f0fe24b6d32",
        "Image_05L_2ndHO.png": "dea12673e8c9ae044f81a943f6adc6b3e9028ceb506c7897fb38be9c9a7fb6d4",
        "Image_05R.jpg": "2422c65852966d99c65adf3423549a982b8ca67442cc1fae10b6c8606f30bd72",
        "Image_05R_1stHO.png": "ce2c3ae87a9df9654cf61f196d6f94ca98e567ee56965a7f063d8805edb58ddc",
        "Image_05R_2ndHO.png": "b3f61d8f0c8de7e1dc916f6bad3af01cd0657258eebd6b9c5f726cc3d25f74f8",
        "Image_06L.jpg": "b9224b4fc7d1f753eac7e8d00827c8e0e2db625ac2f0e5e46a31d2d14c5ee400",
        "Image_06L_1stHO.png": "22b38d9e560684398b12ea07085820937a61de298976dc22663a1a41d33583ee",
        "Image_06L_2ndHO.png": "e79cfd0e60c9d0315000d5ffa41574aba517099de2d5996217b77d6d80363f77",
        "Image_06R.jpg": "825c782fdb95c39c7a540e8c54860c4549ab76a728c1280a9b9e29acfa1551e8",
        "Image_06R_1stHO.png": "f7a3881b21d1ce2e9ba8163d948450df035b10156a45a4865f5ed848e178af53",
        "Image_06R_2ndHO.png": "681064a6f20e002eff1e5852c956526057bf48f4d54eece8296fee5ca14a53b2",
        "Image_07L.jpg": "f07c7ba37041ff88646eaa075c5607c4ce09bc98dcfbd4052084fe1ed6eb5932",
        "Image_07L_1stHO.png": "eeec598b49802232c8ea421b55821184ea59af6278a80d6361547c1c5decdd31",
        "Image_07L_2ndHO.png": "31a557ca3ca997234207b87e9084281db81cf6f09a7e822cc394ad6f19a4ddf5",
        "Image_07R.jpg": "8abd74be8f1cd7f8049499557c639bb7e6eca0e4686be2379a60743cb153b41f",
        "Image_07R_1stHO.png": "aab70f66c15b8cb167baa2ae8a78a1c91945da10611ef361069e4182d4a56d03",
        "Image_07R_2ndHO.png": "eecd3129ae23953be04b670a90cefc49701fabef9efb54ce23a4f7ea2d6b13b7",
        "Image_08L.jpg": "be0fad1dc97c11139b5c573bbc8b922c3fd650ca61512653b350f1d0ef68b1fe",
        "Image_08L_1stHO.png": "307e8ff3d89e4d1da0f2c48798aa89d0460eab2bc21d48ec79afb2bb6bf87245",
        "Image_08L_2ndHO.png": "d1824582d075c8eb4cba2e11ecf3001e06c28869cf57b291204266a8afddc8c2",
        "Image_08R.jpg": "f1d505dc4b48b0a0895ea8b71d183c9ada54cd818f835f68e93f9dbe44b8214d",
        "Image_08R_1stHO.png": "8088c60295ef622d51423fc965fb86c370064ebe2bce234b85916335e45ad8de",
        "Image_08R_2ndHO.png": "292781a7611a055be81120864c5bb7abb005bcb5a634bbd47a81b5e1a2903801",
        "Image_09L.jpg": "f42510f1840d3778603cf52073cf1fa4cb6c49e6d41c62fef16a0fd7de6e46e4",
        "Image_09L_1stHO.png": "f0bd1ba80eee6a882180f2082a30ee6add8064b01cad925b855376c969d511ea",
        "Image_09L_2ndHO.png": "52ff6d4118e9d09f0494f9b5838afac3acdfb8057c081ea2ed9daf528260099f",
        "Image_09R.jpg": "fe69322c857948d1573a616bc03f2fb547e01c1162ae0baf5c077b9e083f7dc9",
        "Image_09R_1stHO.png": "fd43f841884c8b723f3c76b5902a132298ec8ebbf62dd680af6b9129ff870cff",
        "Image_09R_2ndHO.png": "18bab51de246dc5fc29b4f59042b40cbc4fa792df92ff244a0240e096d9f51c1",
        "Image_10L.jpg": "82c78fd9874cb493daa85bd4cbb566a8b69000ef40462b3ede0d8729f5850502",
        "Image_10L_1stHO.png": "9d645dd71fb6496dfff2e2eb237efa9b6ec0f9a01e352bd814ef922fb5a53c19",
        "Image_10L_2ndHO.png": "9b6e98853436848ad20e5de9233efeecea4be865751d7c319e4bcc4bc940bc8f",
        "Image_10R.jpg": "2846f819cd411be09d0c4fc975e93e9f66846790205128eca219c6a42589d67c",
        "Image_10R_1stHO.png": "8135d7343eb457d31b94055e663a1eae6e6a0b8bd711baa832c2219b6276e92f",
        "Image_10R_2ndHO.png": "e837b60bcdbb5c39d3970b4158f93df1bb21aa323ee1bdfc0f14edfbdf8d6133",
        "Image_11L.jpg": "3ae12edbf4a874c503b60b4400f9e1b829c68f4a0a13120845210d053573494b",
        "Image_11L_1stHO.png": "72f4385a986eb536119fa6d2613efb867339df6763182ef2aee0b93c508668ae",
        "Image_11L_2ndHO.png": "c58ce3ed8cf58390453250245a044887ff196ab043b6e6db8b0a6e3e5b721063",
        "Image_11R.jpg": "6430383a04421fd8f5855d569f15e227915b815d822a4ef44d7b169837b13410",
        "Image_11R_1stHO.png": "a5d1e6bdf9e2bdefdf63047fe5a72ea462f8ac02d3cf600ca7da70b63d5f88d7",
        "Image_11R_2ndHO.png": "d8f715b8e4e5681e0a143765a8bb8ad021767185a8b9c870a7bf938e98e42fed",
        "Image_12L.jpg": "31aa960ff0f7f55bc3f034b02430da264e711506fa377e31b13f4dbc7f5e6237",
        "Image_12L_1stHO.png": "256e96fb65dfe007e54a6415da44d0dc53f2a464a03f7bf9ede5676da07e5b59",
        "Image_12L_2ndHO.png": "5fe6f817fa149a035ee510090e41b6f46069f2e86acef9a52559f1237c22c073",
        "Image_12R.jpg": "22597bfbeaa013092be2b16d473ae9f4f3965b7c97fdfd171b713a8f610bca02",
        "Image_12R_1stHO.png": "904e318c1d3b13d6dd8fc856d647682aef30f7b373e847225e62492b869e062e",
        "Image_12R_2ndHO.png": "32798868910beeffbae8d7a6ca089c4f3206463fb77ef7be4a115bf384340925",
        "Image_13L.jpg": "d22441ff8e395ff8e8ad2e803f350b414c3538c07e0ac1773978345b53501d24",
        "Image_13L_1stHO.png": "439289eefdef6156f2836311a75cff058346c7ec4552d6a61b61adceb65531cb",
        "Image_13L_2ndHO.png": "ff4ff27917756479639a6d406e11189a1cd1cb89d683a99947ad8f7cfc828b05",
        "Image_13R.jpg": "e8fa895b9b1ce610eae6bb59d9db135fbeab261855d6f98066c961893546dc33",
        "Image_13R_1stHO.png": "1f5d0f2b414575f29f99c5a92197829306deac6ead02aaaff71c6483b6d4fe0e",
        "Image_13R_2ndHO.png": "ddc80fd8b89c96d78ff19a81fa10c63a87a38c40da8e8531acb052a0b1c54aca",
        "Image_14L.jpg": "f21a30c787cd60dd4ff12c04bbbbe804a891e0efffcaee6a80643b7bae2ce2c1",
        "Image_14L_1stHO.png": "00362181c093ba82216ef5ab58a918ee0d6d758aa9c42c54fef31d73327b77bd",
        "Image_14L_2ndHO.png": "e75e6031ee69bff5d7243e152f157c70a9a42828500150635e9d855bf60e7c66",
        "Image_14R.jpg": "a720aa1fd81dcf282d512ce73663d57ab613c381b0c07b0450c4bbf7fb7c0373",
        "Image_14R_1stHO.png": "a5b6755d04398d349aa1b04141e3eed6ccf12fa3184deb7845a5b4fc5e647140",
        "Image_14R_2ndHO.png": "cca4239f59a59b960d9540ff27bcb14b4270f3b0bf284cd41521be576618f586",
    }
)
#: Image height and width in pixels (the photographs are 999 pixels wide and 960 high).
SHAPE = (960, 999)
#: How CHASE_DB1 is fetched, verified and read: every file of the archive by its base name.
CHASEDB1_DATASET = ArchiveDataset(
    name="chasedb1",
    title="CHASE_DB1",
    filename=CHASEDB1_ARCHIVE,
    url=CHASEDB1_URL,
    sha256=CHASEDB1_SHA256,
    key=lambda member: Path(member).name,
    summary=f"2-D {'colour fundus photograph, 999 x 960':44} {'vessel segmentation':26}  2 observers 28 images",
)


class ChaseDB1(NamedTuple):
    """CHASE_DB1 in arrays, one entry per photograph, in the order Image_01L, Image_01R, ..., Image_14R."""

    images: np.ndarray  #: uint8 (28, 960, 999, 3), RGB
    first_observer: np.ndarray  #: bool (28, 960, 999), True = vessel
    second_observer: np.ndarray  #: bool (28, 960, 999), True = vessel
    child: np.ndarray  #: int (28,), the child's number 1 to 14
    eye: np.ndarray  #: str (28,), "L" (left) or "R" (right)
    names: tuple[str, ...]  #: "Image_01L", ...


def _photographs() -> list[str]:
    return sorted(name[: -len(".jpg")] for name in CHASEDB1_SHA256 if name.endswith(".jpg"))


def fetch_chasedb1(
    root: str | os.PathLike[str] | None = None,
    *,
    url: str | None = None,
    progress: bool = True,
    force: bool = False,
) -> Path:
    """Make sure a verified CHASE_DB1 archive is in the data folder; download it if not.

    The download streams to a temporary file (with a progress bar) and lands
    only when every file inside it has the right sha256.

    Args:
        root: the data folder (see :func:`medlearn.data.data_dir`).
        url: where to download from: a mirror's URL of ``CHASEDB1.zip``; None (the default) means the data
            mirror's when one is set (``$MEDLEARN_MIRROR``, :func:`medlearn.data.data_mirror`), else the
            official address.
        progress: show a progress bar.
        force: download again even when a good archive is there.

    Returns:
        The path of the verified archive.

    Raises:
        DataNotFoundError: offline, or the server has no such file (the message gives the URL and the folder).
        DataError: a file inside the archive is missing, extra, truncated or altered (the message names it).

    Example:
        >>> fetch_chasedb1().name  # doctest: +SKIP
        'CHASEDB1.zip'
    """
    return CHASEDB1_DATASET.fetch(root, url=url, progress=progress, force=force)


def verify_chasedb1(root: str | os.PathLike[str] | None = None) -> FileReport:
    """Check the CHASE_DB1 archive in a folder, file by file.

    Example:
        >>> verify_chasedb1().status
        'ok'
    """
    return CHASEDB1_DATASET.verify(root)


def _decode(content: bytes, name: str, mode: str) -> np.ndarray:
    from PIL import Image  # pillow: a dependency of matplotlib

    with Image.open(io.BytesIO(content)) as image:
        array = np.asarray(image.convert(mode))
    if array.shape[:2] != SHAPE:
        raise DataError(f"{name} is {array.shape[1]} x {array.shape[0]} pixels, expected {SHAPE[1]} x {SHAPE[0]}.")
    return array


def load_chasedb1(
    root: str | os.PathLike[str] | None = None, download: bool = True, *, url: str | None = None
) -> ChaseDB1:
    """Load CHASE_DB1: the 28 photographs, both observers' vessel masks, and each image's child and eye.

    Every file is checked against its sha256 before it is decoded. The data set
    has no field-of-view masks; the segmentation chapter computes one.

    Args:
        root: the data folder (see :func:`medlearn.data.data_dir`).
        download: download the archive when it is not in the folder.
        url: the address to download from (None: as :func:`fetch_chasedb1` says).

    Returns:
        A :class:`ChaseDB1`.

    Raises:
        DataNotFoundError: the archive is not there and cannot be downloaded.
        DataError: a file inside it is missing, extra, truncated or altered.

    Example:
        >>> data = load_chasedb1()
        >>> data.images.shape, data.first_observer.dtype, data.child[:3].tolist(), data.eye[:2].tolist()
        ((28, 960, 999, 3), dtype('bool'), [1, 1, 2], ['L', 'R'])
    """
    members = CHASEDB1_DATASET.read(root, download, url)
    names = tuple(_photographs())
    images = np.stack([_decode(members[f"{n}.jpg"], f"{n}.jpg", "RGB") for n in names])
    first, second = (
        np.stack([_decode(members[f"{n}_{observer}.png"], f"{n}_{observer}.png", "L") > 0 for n in names])
        for observer in ("1stHO", "2ndHO")
    )
    return ChaseDB1(
        images=images,
        first_observer=first,
        second_observer=second,
        child=np.array([int(n[6:8]) for n in names]),
        eye=np.array([n[8] for n in names]),
        names=names,
    )
