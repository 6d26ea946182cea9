"""medlearn.scale: the Zarr store round-trips, an interrupted write is refused, and dask_features equals
extract_features on real images under every Dask scheduler."""

from __future__ import annotations

import dask
import dask.array as da
import numpy as np
import pytest
import zarr

from medlearn.data import DataError, load_medmnist
from medlearn.features import extract_features
from medlearn.scale import COMPLETE, dask_features, open_zarr, to_zarr

RNG = np.random.default_rng(0)
IMAGES = RNG.integers(0, 256, (37, 28, 28), dtype=np.uint8)
LABELS = RNG.integers(0, 2, (37, 1), dtype=np.uint8)


def test_store_round_trips_images_and_labels_in_whole_image_chunks(tmp_path) -> None:
    store = to_zarr(IMAGES, tmp_path / "s.zarr", labels=LABELS, chunk_size=10, progress=False)
    lazy, labels = open_zarr(store)
    assert isinstance(lazy, da.Array) and lazy.chunks == ((10, 10, 10, 7), (28,), (28,))
    np.testing.assert_array_equal(lazy.compute(), IMAGES)
    np.testing.assert_array_equal(labels, LABELS)
    colour = RNG.integers(0, 256, (5, 16, 16, 3), dtype=np.uint8)
    np.testing.assert_array_equal(open_zarr(to_zarr(colour, tmp_path / "c.zarr", progress=False))[0], colour)


def test_an_existing_store_is_replaced_only_when_asked(tmp_path) -> None:
    to_zarr(IMAGES, tmp_path / "s.zarr", progress=False)
    with pytest.raises(ValueError, match="^path .* exists"):
        to_zarr(IMAGES[:5], tmp_path / "s.zarr", progress=False)
    to_zarr(IMAGES[:5], tmp_path / "s.zarr", overwrite=True, progress=False)
    assert open_zarr(tmp_path / "s.zarr")[0].shape[0] == 5


def test_a_folder_that_is_not_a_store_is_never_replaced(tmp_path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "keep.txt").write_text("a learner's work")
    with pytest.raises(ValueError, match="is not an image store"):
        to_zarr(IMAGES, tmp_path / "notes", overwrite=True, progress=False)
    assert (tmp_path / "notes" / "keep.txt").exists()
    (tmp_path / "empty").mkdir()
    to_zarr(IMAGES, tmp_path / "empty", overwrite=True, progress=False)  # an empty folder may be used
    assert open_zarr(tmp_path / "empty")[0].shape == IMAGES.shape


def test_an_interrupted_write_is_detected_not_read_as_data(tmp_path, monkeypatch) -> None:
    import medlearn.scale

    def stop_after_first(iterable, **_):
        for index, item in enumerate(iterable):
            if index == 1:
                raise KeyboardInterrupt  # the learner stops the cell, or the kernel dies
            yield item

    monkeypatch.setattr(medlearn.scale, "tqdm", stop_after_first)
    with pytest.raises(KeyboardInterrupt):
        to_zarr(IMAGES, tmp_path / "half.zarr", chunk_size=10)
    with pytest.raises(DataError, match="half-written"):
        open_zarr(tmp_path / "half.zarr")
    monkeypatch.undo()
    store = to_zarr(IMAGES, tmp_path / "edited.zarr", progress=False)
    zarr.open_group(str(store), mode="r+").attrs[COMPLETE] = False
    with pytest.raises(DataError, match="half-written"):
        open_zarr(store)
    zarr.open_group(str(store), mode="r+").attrs.update({COMPLETE: True, "n_images": 36})
    with pytest.raises(DataError, match="half-written"):  # the mark must also agree with the images' count
        open_zarr(store)
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="not an image store"):
        open_zarr(tmp_path / "empty")


@pytest.mark.parametrize(
    ("kwargs", "word"),
    [
        ({"images": IMAGES.astype(float)}, "^images .*uint8"),
        ({"images": np.zeros((2, 8, 8, 4), np.uint8)}, "^images"),
        ({"labels": LABELS[:-1]}, "^labels must have one row per image"),
        ({"labels": np.full(37, 0.5)}, "^labels"),
        ({"chunk_size": 0}, "^chunk_size"),
        ({"overwrite": "yes"}, "^overwrite"),
        ({"path": None}, "^path"),
    ],
)
def test_to_zarr_bad_input(tmp_path, kwargs, word) -> None:
    arguments = {"images": IMAGES, "path": tmp_path / "s.zarr", "progress": False} | kwargs
    with pytest.raises(ValueError, match=word):
        to_zarr(**arguments)


@pytest.fixture(scope="module")
def pneumonia() -> np.ndarray:
    return load_medmnist("pneumoniamnist", "val")[0][:300]


def test_dask_features_equal_extract_features_on_real_images_with_threads_and_processes(pneumonia) -> None:
    want, names = extract_features(pneumonia, n_jobs=1, progress=False)
    lazy = da.from_array(pneumonia, chunks=(64, 28, 28))
    for scheduler in ("threads", "processes", "synchronous"):
        with dask.config.set(scheduler=scheduler):
            got, got_names = dask_features(lazy)
        assert got_names == names and got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


def test_dask_features_on_a_distributed_cluster_and_from_a_zarr_array(pneumonia, tmp_path) -> None:
    from distributed import Client, LocalCluster

    want, _ = extract_features(pneumonia[:100], groups=["intensity", "glcm"], n_jobs=1, progress=False)
    stored = zarr.open_group(str(to_zarr(pneumonia[:100], tmp_path / "p.zarr", progress=False)), mode="r")["images"]
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with Client(cluster):
            got, _ = dask_features(stored, groups=["intensity", "glcm"])  # a Zarr array, read on the cluster
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-9)


def test_dask_features_can_stay_lazy_and_be_stored_chunk_by_chunk(pneumonia, tmp_path) -> None:
    lazy, names = dask_features(da.from_array(pneumonia[:90], chunks=(32, 28, 28)), ["intensity"], compute=False)
    assert isinstance(lazy, da.Array) and lazy.chunks == ((32, 32, 26), (len(names),))
    lazy.to_zarr(str(tmp_path / "table.zarr"))
    np.testing.assert_allclose(
        zarr.open_array(str(tmp_path / "table.zarr"), mode="r")[:],
        extract_features(pneumonia[:90], ["intensity"])[0],
        rtol=0,
        atol=1e-9,
    )
    with pytest.raises(ValueError, match="^compute"):
        dask_features(lazy, compute="no")


def test_dask_features_bad_input() -> None:
    with pytest.raises(ValueError, match="^images must be a Dask array or a Zarr array, not ndarray"):
        dask_features(IMAGES)
    with pytest.raises(ValueError, match="^images must be chunked along the first axis only"):
        dask_features(da.from_array(IMAGES, chunks=(10, 14, 28)))
    with pytest.raises(ValueError, match="^images must be uint8"):
        dask_features(da.from_array(IMAGES.astype(np.int16), chunks=10))
    with pytest.raises(ValueError, match="^images must have shape"):
        dask_features(da.zeros((4, 28, 28, 4), chunks=(2, 28, 28, 4)))
    with pytest.raises(ValueError, match="^images must hold at least one image"):
        dask_features(da.zeros((0, 28, 28), dtype=np.uint8, chunks=(1, 28, 28)))
    with pytest.raises(ValueError, match="group"):
        dask_features(da.from_array(IMAGES, chunks=10), groups=["colour"])
