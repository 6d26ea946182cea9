"""Overlays and curves in a DICOM dataset being de-identified: the repeating groups 60xx and 50xx (PS3.5 7.6).

The Basic Profile removes an overlay's Overlay Data (60xx,3000) and Overlay Comments (60xx,4000) and every
curve attribute (50xx). An Overlay Plane module without its Type 1 Overlay Data is invalid (PS3.3 C.9.2), and its
Overlay Description (60xx,0022) and Overlay Label (60xx,1500), which the profile does not list, are free text:
so every overlay group that holds an Overlay Plane attribute goes whole. A group that holds only a Group Length
and the Overlay Activation Layer (60xx,1001, a presentation state's Overlay Activation module) is kept.

An old file can keep its overlay in the unused high bits of Pixel Data instead (no Overlay Data, Overlay Bit
Position not 0), a form retired from the standard, whose Overlay Plane module (PS3.3 C.9.2) now asks for Overlay
Data: removing the group leaves those bits, which a viewer that knows the old rule still draws.
:func:`zero_overlay_bits` clears them where the pixel data is native and the bit lies outside the stored bits;
otherwise the file needs the Clean Pixel Data Option (PS3.15 E.3.1).
"""

from __future__ import annotations

from typing import Any

__all__ = ["drop_overlay_groups", "zero_overlay_bits"]

_CURVES, _OVERLAYS, _ACTIVATION, _BIT_POSITION, _DATA = 0x5000, 0x6000, 0x1001, 0x0102, 0x3000


def drop_overlay_groups(dataset: Any) -> list[tuple[int, int]]:
    """Remove every curve group and every overlay group with an Overlay Plane attribute; return ``(group, bit)``
    for each overlay that was kept in the pixel bits (no Overlay Data, Overlay Bit Position not 0).

    Example:
        >>> from pydicom.dataset import Dataset
        >>> ds = Dataset()
        >>> ds.add_new(0x60000022, "LO", "Mr Smith's lesion")  # Overlay Description
        >>> ds.add_new(0x60000102, "US", 12)  # Overlay Bit Position: the overlay is in the pixel bits
        >>> ds.add_new(0x60021001, "CS", "LAYER1")  # Overlay Activation Layer, alone in its group: kept
        >>> drop_overlay_groups(ds), [hex(t) for t in ds.keys()]
        ([(24576, 12)], ['0x60021001'])
    """
    embedded = []
    groups = sorted({tag.group for tag in dataset.keys() if tag.group & 0xFF01 in (_CURVES, _OVERLAYS)})
    for group in groups:
        tags = [tag for tag in dataset.keys() if tag.group == group]
        if group & 0xFF00 == _OVERLAYS and all(tag.element in (0x0000, _ACTIVATION) for tag in tags):
            continue
        bit = dataset.get(group << 16 | _BIT_POSITION)
        if group & 0xFF00 == _OVERLAYS and group << 16 | _DATA not in dataset and bit is not None and bit.value:
            embedded.append((group, int(bit.value)))
        for tag in tags:
            del dataset[tag]
    return embedded


def zero_overlay_bits(dataset: Any, overlays: list[tuple[int, int]]) -> list[int]:
    """Clear each overlay's bit in native Pixel Data; return the groups whose bit could not be cleared.

    A bit can be cleared when Pixel Data is native (not compressed), of 8, 16 or 32 bits allocated, and the
    bit lies above High Bit or below the stored bits, so that no image value changes.

    Example:
        >>> from pydicom.dataset import Dataset
        >>> ds = Dataset()
        >>> ds.BitsAllocated, ds.BitsStored, ds.HighBit = 16, 12, 11
        >>> ds.PixelData = (0x1ABC).to_bytes(2, "little")  # image value 0xABC, overlay bit 12 set
        >>> zero_overlay_bits(ds, [(0x6000, 12)]), hex(int.from_bytes(ds.PixelData, "little"))
        ([], '0xabc')
    """
    import numpy as np

    meta = getattr(dataset, "file_meta", None)
    syntax = getattr(meta, "TransferSyntaxUID", None) if meta is not None else None
    if syntax is not None:  # another VR (a damaged header) gives a plain str, not a UID
        from pydicom.uid import UID

        syntax = UID(str(syntax))
    native = syntax is None or not syntax.is_compressed
    big = syntax is not None and syntax == "1.2.840.10008.1.2.2"  # Explicit VR Big Endian
    allocated = int(dataset.get("BitsAllocated", 0) or 0)
    stored = int(dataset.get("BitsStored", allocated) or allocated)
    high = int(dataset.get("HighBit", stored - 1) if dataset.get("HighBit") is not None else stored - 1)
    failed = []
    for group, bit in overlays:
        outside = bit > high or bit < high - stored + 1
        if not (native and "PixelData" in dataset and allocated in (8, 16, 32) and bit < allocated and outside):
            failed.append(group)
            continue
        dtype = np.dtype(f"u{allocated // 8}").newbyteorder(">" if big else "<")
        raw = bytes(dataset.PixelData)
        usable = len(raw) // dtype.itemsize * dtype.itemsize
        pixels = np.frombuffer(raw[:usable], dtype=dtype).copy()
        pixels &= np.array(~(1 << bit) & (2**allocated - 1), dtype=dtype)
        dataset.PixelData = pixels.tobytes() + raw[usable:]
    return failed
