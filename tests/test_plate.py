"""cellseg.plate: a synthetic plate with faults at known fields, and a mosaic written chunk by chunk."""

import numpy as np
import pytest

tifffile = pytest.importorskip("tifffile")  # the experiment extra; the course always installs it
zarr = pytest.importorskip("zarr")

from cellseg import plate as pl  # noqa: E402
from cellseg.experiment import read_field, sharpness  # noqa: E402


def _images(folder, layout):
    return [read_field(folder / p) for p in layout["path"]]


def test_the_same_seed_writes_the_same_plate_and_another_seed_another(tmp_path):
    options = dict(rows=2, cols=3, faults={"saturated": 1}, drift=0)
    a = pl.make_plate(tmp_path / "a", seed=5, **options)
    b = pl.make_plate(tmp_path / "b", seed=5, **options)
    c = pl.make_plate(tmp_path / "c", seed=6, **options)
    for x, y in zip(_images(a.folder, a.layout), _images(b.folder, b.layout)):
        np.testing.assert_array_equal(x, y)
    assert a.truth == b.truth
    assert not all(np.array_equal(x, y) for x, y in zip(_images(a.folder, a.layout), _images(c.folder, c.layout)))


def test_the_truth_holds_the_faults_asked_for_and_the_drift_at_the_end(tmp_path):
    plate = pl.make_plate(tmp_path, rows=4, cols=6, faults={"saturated": 2, "debris": 1}, drift=0.5,
                          drift_start=0.75)
    layout = plate.layout
    assert len(layout) == 24 and list(layout["order"]) == list(range(24))
    assert list(layout["well"][:3]) == ["A01", "A02", "A03"] and layout["well"].iloc[-1] == "D06"
    counts = layout["fault"].value_counts()
    assert counts["saturated"] == 2 and counts["debris"] == 1
    drifted = layout[layout["fault"] == "drift"]
    # light falls linearly to 0.5 over the last quarter; drifted = lost more than the tolerance
    assert (1 - drifted["light"] > pl.DRIFT_TOLERANCE).all()
    assert drifted["order"].min() >= 18 and drifted["order"].max() == 23
    assert layout["light"].iloc[-1] == pytest.approx(0.5)
    single = layout[layout["fault"].isin(["saturated", "debris"])]
    assert (single["light"] == 1).all()  # single-field faults never fall in the drift
    assert set(plate.truth.values()) == {"saturated", "debris", "drift"}


def test_each_fault_changes_its_field_as_described():
    good = pl.plate_field(seed=1)
    top = 2**pl.BIT_DEPTH - 1
    assert good.dtype == np.uint16 and good.max() < top
    assert (pl.plate_field(fault="saturated", seed=1) == top).mean() > 0.01
    # a defocus widens the cells, so the ratio of the narrow to the wide peak falls
    assert sharpness(pl.plate_field(fault="out of focus", seed=1))[0] < 0.9 * sharpness(good)[0]
    dim = pl.plate_field(light=0.5, seed=1)
    assert sharpness(dim)[1] == pytest.approx(0.5 * sharpness(good)[1], rel=0.05)
    uneven = pl.plate_field(fault="uneven illumination", seed=1).astype(float)
    corners = [uneven[:16, :16].mean(), uneven[:16, -16:].mean(), uneven[-16:, :16].mean(), uneven[-16:, -16:].mean()]
    assert max(corners) - min(corners) > 200  # counts; the background is 600


def test_the_ome_zarr_plate_holds_the_same_fields_as_the_tiff_one(tmp_path):
    options = dict(rows=2, cols=2, fields_per_well=2, faults={"debris": 1}, drift=0, seed=3)
    tiff = pl.make_plate(tmp_path / "t", **options)
    omez = pl.make_plate(tmp_path / "z", fmt="ome-zarr", **options)
    for x, y in zip(_images(tiff.folder, tiff.layout), _images(omez.folder, omez.layout)):
        np.testing.assert_array_equal(x, y)
    root = zarr.open_group(str(tmp_path / "z" / "plate1.zarr"), mode="r")
    attrs = root.attrs.asdict()["plate"]
    assert attrs["field_count"] == 2 and len(attrs["wells"]) == 4
    assert root["A/2"].attrs["well"]["images"] == [{"path": "0"}, {"path": "1"}]
    assert root["B/1/1"].attrs["multiscales"][0]["axes"][0]["name"] == "y"


@pytest.mark.parametrize(
    "options, message",
    [
        ({"faults": {"blurry": 1}}, "unknown fault"),
        ({"faults": {"saturated": 50}, "rows": 2, "cols": 3}, "do not fit"),
        ({"fmt": "png"}, "fmt"),
        ({"drift": 1.0}, "below 1"),
        ({"shape": 10}, "at least 64"),
    ],
)
def test_bad_plates_are_refused_before_any_file_is_written(tmp_path, options, message):
    with pytest.raises(ValueError, match=message):
        pl.make_plate(tmp_path / "p", **options)
    assert not any((tmp_path / "p").glob("*.tif")) if (tmp_path / "p").exists() else True


def test_well_names():
    assert pl.well_name(0, 0) == "A01" and pl.well_name(15, 23) == "P24"
    with pytest.raises(ValueError, match="below 26"):
        pl.well_name(26, 0)


def test_the_mosaic_is_drawn_chunk_by_chunk_with_cells_whole_across_the_borders(tmp_path, monkeypatch):
    da = pytest.importorskip("dask.array")
    from cellseg.acquisition import acquire
    from cellseg.synthetic import render_cells

    monkeypatch.setattr(pl, "NOISE_SCALE", 0.0)  # without noise, the chunks must tile the whole image
    pl.make_mosaic(tmp_path / "m.zarr", shape=(384, 512), chunks=128, seed=2)
    mosaic = da.from_zarr(str(tmp_path / "m.zarr"), component="0")
    assert mosaic.shape == (384, 512) and mosaic.chunksize == (128, 128) and mosaic.dtype == np.uint16
    centers = pl.mosaic_centers((384, 512), seed=2)
    assert (np.abs(centers % 128 - 64) > 56).any()  # some cells sit on chunk borders
    whole = acquire(render_cells(centers, shape=(384, 512)) + pl.BACKGROUND, pl.EXPOSURE,
                    bit_depth=pl.BIT_DEPTH, offset=pl.OFFSET)
    assert np.abs(mosaic.compute().astype(int) - whole).max() <= 1  # rounding of sums in another order
    with pytest.raises(ValueError, match=".zarr"):
        pl.make_mosaic(tmp_path / "m.tif")


# ---------------------------------------------------------------- bad input, refused at once


def test_sizes_that_would_exhaust_memory_are_refused_before_anything_is_made(tmp_path):
    with pytest.raises(ValueError, match=r"shape.*GiB"):
        pl.plate_field(shape=10**6)  # 56 bytes per pixel while it is drawn
    with pytest.raises(ValueError, match=r"GiB.*rows, cols or fields_per_well"):
        pl.plate_layout(rows=8, cols=10**12)
    with pytest.raises(ValueError, match="rows must be at most 26"):
        pl.plate_layout(rows=27)  # rows are lettered A..Z
    with pytest.raises(ValueError, match=r"shape.*GiB"):
        pl.mosaic_centers((10**12, 10**12))
    with pytest.raises(ValueError, match=r"shape.*GiB"):
        pl.make_mosaic(tmp_path / "m.zarr", shape=10**12)
    with pytest.raises(ValueError, match=r"shape.*GiB"):
        pl.make_plate(tmp_path / "p", rows=1, cols=2, shape=10**6, faults={}, drift=0)
    assert not (tmp_path / "p").exists() and not (tmp_path / "m.zarr").exists()
    # a long thin field is still drawn: the budget counts pixels
    assert pl.plate_field(shape=(64, 2048), seed=1).shape == (64, 2048)


def test_seeds_follow_the_shared_rule():
    for call in (pl.plate_field, pl.plate_layout, lambda seed: pl.mosaic_centers(128, seed=seed)):
        with pytest.raises(ValueError, match="seed must be a whole number >= 0"):
            call(seed=-1)
        with pytest.raises(TypeError, match="seed"):
            call(seed=True)
        with pytest.raises(TypeError, match="seed"):
            call(seed=[1, 2])
    np.testing.assert_array_equal(pl.plate_field(shape=64, seed=np.int64(3)), pl.plate_field(shape=64, seed=3))


def test_choices_texts_and_shapes_get_messages_that_name_them(tmp_path):
    with pytest.raises(ValueError, match="fault must be"):
        pl.plate_field(fault=np.zeros(3))  # not NumPy's "truth value of an array is ambiguous"
    with pytest.raises(TypeError, match="fmt must be one of"):
        pl.make_plate(tmp_path / "p", fmt=None)
    with pytest.raises(TypeError, match="folder must be a path"):
        pl.make_plate(None)
    with pytest.raises(ValueError, match="name must be"):
        pl.plate_layout(name=["a", "b"])
    with pytest.raises(TypeError, match="shape must be a whole number"):
        pl.plate_field(shape=[[64, 64], [64]])  # not NumPy's "inhomogeneous shape"
    with pytest.raises(TypeError, match="shape must be one whole number or two"):
        pl.mosaic_centers(np.zeros(5))
    with pytest.raises(ValueError, match="light must be at most 1"):
        pl.plate_field(light=1.5)
    with pytest.raises(ValueError, match="fill must be"):
        pl.mosaic_centers((128, 128), fill=1.5)
    with pytest.raises(TypeError, match="fill must be a real number"):
        pl.mosaic_centers((128, 128), fill="half")
    with pytest.raises(ValueError, match="path must be a folder name ending in .zarr"):
        pl.make_mosaic(None)
    # the message of a plate too small for its faults says which arguments to change
    with pytest.raises(ValueError, match="pass fewer faults.*cols"):
        pl.plate_layout(cols=2)
    assert not (tmp_path / "p").exists()
    # one number is a square, as in plate_field
    np.testing.assert_array_equal(pl.mosaic_centers(256, seed=3), pl.mosaic_centers((256, 256), seed=3))
