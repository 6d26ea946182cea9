"""The input path's pixel transforms: a VOI LUT looked up here, and a large image reduced to the model's size.

Private to :mod:`medlearn.deploy.dicom_input`, which documents the intensity handling as a whole.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def voi_lut(values: np.ndarray, sequence: Any, top: float) -> np.ndarray:
    """``values`` through the first item of a VOI LUT Sequence, its output mapped to ``0 .. top``.

    The lookup is done here, with whole-number indices clipped to the table (PS3.3 C.11.2.1.2: values below
    the first mapped one take the first entry, above the last the last): pydicom's builds its indices in
    the LUT's output type, so an 8-bit LUT wraps values above 255. A LUT's output has its own depth, which
    need not be BitsStored, and writers are known to declare 16 bits for 12-bit data, so its output is
    scaled by the largest entry it holds. Raises ``ValueError`` for a table that does not match its
    descriptor.

    Example:
        >>> from pydicom.dataset import Dataset
        >>> item = Dataset()
        >>> item.LUTDescriptor, item.LUTData = [4, 0, 8], [0, 50, 100, 200]
        >>> voi_lut(np.array([0.0, 1.0, 3.0, 9.0]), [item], 255.0).tolist()
        [0.0, 63.75, 255.0, 255.0]
    """
    if not len(sequence):
        raise ValueError("the VOI LUT Sequence has no item")
    item = sequence[0]
    descriptor, data = item.get("LUTDescriptor"), item.get("LUTData")
    if descriptor is None or len(descriptor) != 3 or data is None:
        raise ValueError("the VOI LUT has no three-valued descriptor and data")
    entries, first, bits = (int(v) for v in descriptor)
    entries = entries or 65536  # 0 means 2**16 entries (PS3.3 C.11.1.1)
    if not 8 <= bits <= 16:
        raise ValueError(f"a LUT output of {bits} bits (8 to 16 allowed)")
    if isinstance(data, (bytes, bytearray)):  # OW: 16-bit words, or 8-bit entries packed two a word
        table = np.frombuffer(data, "<u2") if len(data) == 2 * entries else np.frombuffer(data, np.uint8)
    else:
        table = np.atleast_1d(np.asarray(data, dtype=np.int64))
    if len(table) != entries:
        raise ValueError(f"the LUT holds {len(table)} entries, its descriptor says {entries}")
    largest = float(table.max())
    if largest <= 0:
        raise ValueError("the LUT's entries are all zero")
    indices = np.clip(np.rint(values).astype(np.int64) - first, 0, entries - 1)
    return table[indices].astype(np.float32) * np.float32(top / largest)


def reduce_to(values: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``values`` reduced to ``size``: the mean of k x k blocks where the image is at least twice as large (an
    area mean, cropped centrally to a multiple of k: milliseconds for a full radiograph), else scikit-image's
    anti-aliased ``resize``.

    Example:
        >>> reduce_to(np.arange(16.0).reshape(4, 4), (2, 2)).tolist()
        [[2.5, 4.5], [10.5, 12.5]]
    """
    from skimage.transform import resize

    height, width = size
    k = min(values.shape[0] // height, values.shape[1] // width)
    if k >= 2:
        top, left = (values.shape[0] - k * height) // 2, (values.shape[1] - k * width) // 2
        block = values[top : top + k * height, left : left + k * width]
        return block.reshape(height, k, width, k).mean(axis=(1, 3))
    return resize(values, size, order=1, anti_aliasing=True, preserve_range=True)
