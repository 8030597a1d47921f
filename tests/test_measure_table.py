"""measure_objects as a table per object: agreement with regionprops, units, flags, errors."""

import numpy as np
import pandas as pd
import pytest
from skimage.measure import regionprops_table

import cellseg
from cellseg.measure import LARGE_FACTOR, MIN_SOLIDITY_3D, SMALL_FRACTION, measure_objects
from cellseg.synthetic3d import ellipsoid_mask


@pytest.fixture(scope="module")
def nuclei():
    return cellseg.nuclei_2d()


def test_agrees_with_regionprops_on_the_real_image(nuclei):
    image, labels = nuclei
    spacing = (0.4, 0.3)
    table = measure_objects(labels, spacing=spacing, intensity_image=image)
    assert isinstance(table, pd.DataFrame)
    ref = regionprops_table(labels, image, spacing=spacing, properties=[
        "label", "area", "centroid", "equivalent_diameter_area", "eccentricity", "solidity",
        "intensity_mean", "num_pixels"])
    np.testing.assert_array_equal(table["label"], ref["label"])
    assert len(table) == 125
    np.testing.assert_allclose(table["area"], ref["area"])
    np.testing.assert_allclose(table["centroid_y"], ref["centroid-0"])
    np.testing.assert_allclose(table["centroid_x"], ref["centroid-1"])
    for ours, theirs in (("equivalent_diameter", "equivalent_diameter_area"),
                         ("eccentricity", "eccentricity"), ("solidity", "solidity"),
                         ("mean_intensity", "intensity_mean")):
        np.testing.assert_allclose(table[ours], ref[theirs])
    # integrated intensity is the sum of the pixel values of each nucleus
    sums = np.bincount(labels.ravel(), weights=image.ravel().astype(float))
    np.testing.assert_allclose(table["integrated_intensity"], sums[table["label"]])


def test_touches_border(nuclei):
    _, labels = nuclei
    table = measure_objects(labels)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    expected = np.isin(table["label"], edge[edge > 0])
    np.testing.assert_array_equal(table["touches_border"], expected)
    assert 0 < expected.sum() < len(table)


def test_units_on_an_anisotropic_2d_image():
    """An ellipse of 30 x 15 pixels at pixels of 0.5 x 1 um is a circle of radius 15 um."""
    yy, xx = np.mgrid[:80, :80]
    labels = (((yy - 40) / 30) ** 2 + ((xx - 40) / 15) ** 2 <= 1).astype(np.uint8)
    um = measure_objects(labels, spacing=(0.5, 1.0)).iloc[0]
    px = measure_objects(labels).iloc[0]
    assert um["area"] == pytest.approx(np.pi * 15**2, rel=0.01)
    assert um["equivalent_diameter"] == pytest.approx(30, rel=0.01)
    assert um["eccentricity"] < 0.2 < 0.8 < px["eccentricity"]
    assert px["area"] == labels.sum() == pytest.approx(2 * um["area"])
    assert um["centroid_y"] == pytest.approx(20) and um["centroid_x"] == pytest.approx(40)


def test_units_on_an_anisotropic_stack():
    spacing = (2.0, 0.25, 0.25)
    rng = np.random.default_rng(1)
    ball = ellipsoid_mask((6, 6, 6), spacing=spacing, offset=rng.uniform(0, 1, 3) * spacing)
    labels = np.pad(ball, 1).astype(np.int32) * 5
    row = measure_objects(labels, spacing=spacing).iloc[0]
    volume = 4 / 3 * np.pi * 6**3
    assert row["label"] == 5
    assert row["volume"] == pytest.approx(volume, rel=0.03)
    assert row["equivalent_diameter"] == pytest.approx(12, rel=0.01)
    assert row["volume"] == ball.sum() * np.prod(spacing)
    assert row["surface_area"] == pytest.approx(4 * np.pi * 36, rel=0.03)
    assert row["sphericity"] == pytest.approx(1, abs=0.03)
    assert row["solidity"] > MIN_SOLIDITY_3D and not row["flagged"]
    assert not row["touches_border"]
    centre = (np.array(labels.shape) - 1) / 2 * spacing
    found = row[["centroid_z", "centroid_y", "centroid_x"]].to_numpy(float)
    assert (np.abs(found - centre) <= np.array(spacing)).all()  # the offset is < 1 voxel
    # the same stack "in voxels" is a different, wrong volume
    voxels = measure_objects(labels, spacing=(1, 1, 1), surface=False).iloc[0]
    assert voxels["volume"] == pytest.approx(row["volume"] / np.prod(spacing))


def test_qc_flags():
    labels = np.zeros((60, 200), np.int32)
    for k, x in enumerate(range(5, 150, 20)):  # seven 10 x 10 squares
        labels[10:20, x:x + 10] = k + 1
    labels[40:42, 5:7] = 20  # a speck
    labels[35:55, 60:80] = 21  # four times a square
    yy, xx = np.mgrid[:60, :200]  # two touching discs, merged into one object
    labels[((yy - 45) ** 2 + (xx - 120) ** 2 <= 49) | ((yy - 45) ** 2 + (xx - 133) ** 2 <= 49)] = 22
    table = measure_objects(labels, spacing=(0.5, 0.5)).set_index("label")
    median = np.median(table["area"])
    assert median == 25.0
    assert table.index[table["too_small"]].tolist() == [20]
    assert table.index[table["too_large"]].tolist() == [21, 22]
    assert table.index[table["low_solidity"]].tolist() == [22]
    assert table.index[table["flagged"]].tolist() == [20, 21, 22]
    assert table.loc[20, "area"] < SMALL_FRACTION * median
    assert table.loc[21, "area"] > LARGE_FACTOR * median
    # limits in um^2 instead of relative to the median
    custom = measure_objects(labels, spacing=(0.5, 0.5), min_size=0.5, max_size=200,
                             min_solidity=0.5).set_index("label")
    assert not custom[["too_small", "too_large", "low_solidity"]].any().any()


def test_merged_balls_have_low_solidity_in_3d():
    spacing = (1.0, 0.25, 0.25)
    ball = ellipsoid_mask((4, 4, 4), spacing=spacing)
    two = np.concatenate([ball, ball[:, :, 1:]], axis=2)  # touching along x
    one = np.pad(ball, ((0, 0), (0, 0), (0, ball.shape[2] - 1)))  # as wide as the pair
    labels = np.concatenate([two, np.zeros_like(two), 2 * one], axis=1)
    labels = np.pad(labels, 1).astype(np.int32)
    table = measure_objects(labels, spacing=spacing, surface=False)
    assert table["low_solidity"].tolist() == [True, False]


def test_solidity_is_nan_where_3d_has_no_hull():
    labels = np.zeros((4, 10, 10), np.int32)
    labels[1, 1, 1] = 1
    labels[1, 3, 3:6] = 2
    labels[1:3, 1:4, 6:9] = 3
    table = measure_objects(labels, spacing=(1, 1, 1), surface=False)
    assert np.isnan(table["solidity"][:2]).all()
    assert table["solidity"][2] == 1.0
    assert not table["low_solidity"][:2].any()


def test_large_ids_are_kept_and_cost_no_memory():
    import tracemalloc

    small = np.zeros((64, 64), np.int64)
    small[5:15, 5:15] = 1
    small[30:40, 30:45] = 2
    big = np.where(small == 2, 2**62 + 3, small)
    expected = measure_objects(small)
    tracemalloc.start()
    table = measure_objects(big)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 5_000_000
    assert table["label"].tolist() == [1, 2**62 + 3]
    np.testing.assert_allclose(table["area"], expected["area"])


def test_empty_and_csv(tmp_path):
    empty = measure_objects(np.zeros((8, 8), np.uint8), spacing=(0.5, 0.5))
    assert len(empty) == 0 and "area" in empty.columns
    labels = np.zeros((8, 8), np.uint8)
    labels[2:5, 2:5] = 3
    path = tmp_path / "nuclei.csv"
    measure_objects(labels, spacing=(0.5, 0.5)).to_csv(path, index=False)
    back = pd.read_csv(path)
    assert back["label"].tolist() == [3] and back["area"].tolist() == [2.25]


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"labels": np.zeros((4, 4)), "spacing": (1, 1)}, ValueError, "floating-point"),
        ({"labels": np.zeros((2, 2, 2, 2), int)}, ValueError, "2-D or 3-D"),
        ({"labels": np.zeros((4, 4, 4), int)}, TypeError, "spacing is required"),
        ({"labels": np.zeros((4, 4), int), "spacing": (1, 1, 1)}, ValueError, "3 values"),
        ({"labels": np.zeros((4, 4), int), "intensity_image": np.zeros((4, 5))},
         ValueError, "the image the labels were made from"),
        ({"labels": np.zeros((4, 4), int), "intensity_image": "image"},
         TypeError, "NumPy array of intensities|numeric"),
        ({"labels": np.zeros((4, 4), int), "min_size": "big"}, TypeError, "square micrometres"),
        ({"labels": np.zeros((4, 4), int), "max_size": -1}, ValueError, "at least 0"),
        ({"labels": np.zeros((4, 4), int), "surface": True}, ValueError, "2-D image has none"),
        ({"labels": np.zeros((4, 4), int), "min_solidity": "0.9"}, TypeError, "real number"),
        ({"labels": np.zeros((4, 4, 4), int), "spacing": (1, 1, 1), "method": "x"},
         ValueError, "'smooth'"),
    ],
)
def test_bad_input(kwargs, error, match):
    labels = kwargs.pop("labels")
    with pytest.raises(error, match=match):
        measure_objects(labels, **kwargs)
