"""Images that outgrow memory: a chunked, compressed Zarr store on disk, and the feature table of the chapter on
preprocessing and features computed chunk by chunk with Dask, on whatever scheduler is current (threads, processes,
or a ``dask.distributed`` cluster on one laptop or a thousand nodes).

The scale chapter teaches the ideas; this module holds the three calls a learner should not retype:
:func:`to_zarr` writes a stack of images (and their labels) chunk by chunk, :func:`open_zarr`
opens it again as a lazy Dask array after checking that the writing finished, and
:func:`dask_features` maps :func:`medlearn.features.extract_features` over the chunks.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from tqdm.auto import tqdm

from ._validation import check_array, check_bool, check_images, check_int
from .data.errors import DataError
from .features import extract_features, feature_names

if TYPE_CHECKING:  # pragma: no cover
    import dask.array

__all__ = ["COMPLETE", "dask_features", "open_zarr", "to_zarr"]

#: The store's attribute that says every chunk was written; False (or absent) means an interrupted run.
COMPLETE = "medlearn_complete"


def _path(path: object) -> Path:
    if not isinstance(path, (str, os.PathLike)) or not str(path):
        raise ValueError(f"path must be a folder name (str or Path), not {path!r}")
    return Path(path)


def _new_array(group: Any, name: str, shape: tuple[int, ...], chunk: int, dtype: Any) -> Any:
    """An empty array in the group, compressed with Zstandard at level 3 (lossless)."""
    from zarr.codecs import ZstdCodec

    return group.create_array(
        name=name, shape=shape, chunks=(chunk, *shape[1:]), dtype=dtype, compressors=ZstdCodec(level=3)
    )


def _is_store(folder: Path) -> bool:
    """Whether a folder holds a store written by :func:`to_zarr` (finished or not)."""
    import zarr

    try:
        return COMPLETE in zarr.open_group(str(folder), mode="r").attrs
    except Exception:  # any failure to open it means it is not one of ours
        return False


def to_zarr(
    images: np.ndarray,
    path: str | os.PathLike[str],
    *,
    labels: np.ndarray | None = None,
    chunk_size: int = 256,
    overwrite: bool = False,
    progress: bool = True,
) -> Path:
    """Write a stack of images (and their labels) to a chunked, compressed Zarr store, chunk by chunk.

    Each chunk holds ``chunk_size`` whole images, compressed losslessly with
    Zstandard (level 3), so a reader loads one chunk to get one image and never
    needs the rest. The store is marked complete (attribute :data:`COMPLETE`)
    only after the last chunk is written, so a run that is interrupted leaves a
    store that :func:`open_zarr` refuses. The images are written from memory; a
    local folder is the target (object storage needs Zarr's own URL handling).

    Args:
        images: ``(N, H, W)`` grey or ``(N, H, W, 3)`` colour images, uint8 (as MedMNIST stores them).
        path: the store's folder (created; an existing store is replaced only with ``overwrite=True``, and
            a folder that is not a store, unless empty, never).
        labels: optional labels, one per image (a MedMNIST split's ``(N,)`` or ``(N, 1)`` labels).
        chunk_size: images per chunk, at least 1.
        overwrite: replace an existing store.
        progress: show a progress bar over the chunks.

    Returns:
        The store's path.

    Example:
        >>> import tempfile
        >>> folder = tempfile.mkdtemp()
        >>> images = np.zeros((10, 28, 28), dtype=np.uint8)
        >>> store = to_zarr(images, f"{folder}/demo.zarr", labels=np.arange(10), chunk_size=4, progress=False)
        >>> lazy, labels = open_zarr(store)
        >>> lazy.shape, lazy.chunks[0], labels[:3]
        ((10, 28, 28), (4, 4, 2), array([0, 1, 2]))
    """
    import zarr

    stack = check_images(images, "images", colours=(3,))
    if stack.dtype != np.uint8:
        raise ValueError(f"images must be 8-bit (uint8, 0 to 255) as MedMNIST stores them, not {stack.dtype}")
    if np.ndim(images) not in (3, 4) or len(stack) == 0:
        raise ValueError(
            f"images must be a stack (N, H, W) or (N, H, W, 3) of at least one image, not {np.shape(images)}"
        )
    chunk_size = check_int(chunk_size, "chunk_size", min_value=1)
    overwrite, progress = check_bool(overwrite, "overwrite"), check_bool(progress, "progress")
    if labels is not None:
        labels = check_array(labels, "labels", ndim=(1, 2), kinds="iub")
        if len(labels) != len(stack):
            raise ValueError(f"labels must have one row per image ({len(stack)}), not {len(labels)}")
    folder = _path(path)
    if folder.exists():
        if not overwrite:
            raise ValueError(f"path {str(folder)!r} exists: pass overwrite=True to replace it")
        if not (folder.is_dir() and (not any(folder.iterdir()) or _is_store(folder))):
            raise ValueError(f"path {str(folder)!r} is not an image store written by to_zarr: it is not replaced")
    # "w-" fails if another writer created the store in the meantime; "w" replaces a store we checked above.
    group = zarr.open_group(str(folder), mode="w" if folder.exists() else "w-")
    group.attrs[COMPLETE] = False
    stored = _new_array(group, "images", stack.shape, chunk_size, "uint8")
    if labels is not None:
        _new_array(group, "labels", labels.shape, chunk_size, labels.dtype)
        group["labels"][:] = labels
    starts = range(0, len(stack), chunk_size)
    for start in tqdm(starts, desc="chunks", unit="chunk", disable=not progress):
        stored[start : start + chunk_size] = stack[start : start + chunk_size]
    group.attrs.update({COMPLETE: True, "n_images": int(len(stack))})
    return folder


def open_zarr(path: str | os.PathLike[str]) -> tuple[dask.array.Array, np.ndarray | None]:
    """Open a store written by :func:`to_zarr`: the images as a lazy Dask array, and the labels (or None).

    Nothing is read but the store's metadata and the labels; the images load
    chunk by chunk when a computation needs them. The mark is checked now: a
    store rewritten while a computation runs on it is not detected.

    Raises:
        medlearn.data.DataError: the folder is not a store written by :func:`to_zarr`, or its writing
            did not finish (an interrupted run): write it again with ``overwrite=True``.

    Example:
        >>> import tempfile
        >>> store = to_zarr(np.ones((3, 16, 16), np.uint8), f"{tempfile.mkdtemp()}/x.zarr", progress=False)
        >>> lazy, labels = open_zarr(store)
        >>> int(lazy.sum().compute()), labels is None
        (768, True)
    """
    import dask.array as da
    import zarr

    folder = _path(path)
    try:
        group = zarr.open_group(str(folder), mode="r")
        images = group["images"]
    except Exception as error:  # any failure to open it means it is not a store of ours; the cause is kept
        raise DataError(f"{str(folder)!r} is not an image store written by medlearn.scale.to_zarr ({error})") from error
    if group.attrs.get(COMPLETE) is not True or group.attrs.get("n_images") != images.shape[0]:
        raise DataError(
            f"the store {str(folder)!r} is half-written (an interrupted run?): its data cannot be trusted. "
            "Write it again with to_zarr(..., overwrite=True)."
        )
    labels = group["labels"][:] if "labels" in group else None
    return da.from_zarr(images), labels


def dask_features(
    images: Any, groups: Sequence[str] | None = None, *, compute: bool = True
) -> tuple[np.ndarray | dask.array.Array, list[str]]:
    """The feature table of the preprocessing-and-features chapter (:func:`medlearn.features.extract_features`),
    computed chunk by chunk.

    Each chunk of whole images becomes one task; the tasks run on the current
    Dask scheduler (threads by default, processes, or a ``distributed.Client``),
    and only a few chunks are in memory at once. The table equals
    ``extract_features`` on the same images.

    Args:
        images: a Dask array (or a Zarr array) of ``(N, H, W)`` or ``(N, H, W, 3)`` images, uint8
            or float in [0, 1], chunked along the first axis only (each chunk holds whole images).
        groups: feature groups, as for ``extract_features`` (default: all).
        compute: compute the table now (a NumPy array in memory); ``False`` returns the lazy Dask
            array instead, to store chunk by chunk (``X.to_zarr(path)``) when even the table is too
            large for memory, or to look at its task graph.

    Returns:
        ``(X, names)``: a float64 array ``(N, len(names))`` (lazy with ``compute=False``) and the column names.

    Example:
        >>> import dask.array as da
        >>> stack = np.random.default_rng(0).integers(0, 256, (6, 28, 28), dtype=np.uint8)
        >>> X, names = dask_features(da.from_array(stack, chunks=(4, 28, 28)), groups=["intensity"])
        >>> X.shape, bool(np.allclose(X, extract_features(stack, groups=["intensity"])[0]))
        ((6, 10), True)
    """
    import dask.array as da

    names = feature_names(groups)
    compute = check_bool(compute, "compute")
    if not isinstance(images, da.Array):
        if hasattr(images, "chunks") and hasattr(images, "shape") and not isinstance(images, np.ndarray):
            images = da.from_zarr(images)
        else:
            raise ValueError(
                f"images must be a Dask array or a Zarr array, not {type(images).__name__}; for an array in memory "
                "use medlearn.features.extract_features, or dask.array.from_array(images, chunks=...)"
            )
    colour = images.ndim == 4 and images.shape[-1] == 3
    if images.ndim not in (3, 4) or (images.ndim == 4 and not colour):
        raise ValueError(f"images must have shape (N, H, W) or (N, H, W, 3), not {images.shape}")
    if images.dtype.kind not in "uif" or (images.dtype.kind in "ui" and images.dtype != np.uint8):
        raise ValueError(f"images must be uint8 (0 to 255) or float (0 to 1), not {images.dtype}")
    if images.shape[0] == 0:
        raise ValueError("images must hold at least one image")
    if any(len(axis) != 1 for axis in images.chunks[1:]):
        raise ValueError(
            f"images must be chunked along the first axis only (whole images in each chunk), not {images.chunksize}; "
            "rechunk with images.rechunk({" + ", ".join(f"{a}: -1" for a in range(1, images.ndim)) + "})"
        )

    def table(block: np.ndarray) -> np.ndarray:
        return extract_features(block, groups, n_jobs=1, progress=False)[0]

    lazy = images.map_blocks(
        table,
        dtype=np.float64,
        drop_axis=list(range(2, images.ndim)),
        chunks=(images.chunks[0], (len(names),)),
        meta=np.empty((0, len(names)), dtype=np.float64),
    )
    return (np.asarray(lazy.compute()) if compute else lazy), names
