"""Splitting touching cells, seeded watershed, Voronoi-Otsu labelling, local threshold, label clean-up."""

import math

import numpy as np
import pytest
from scipy import ndimage as ndi
from skimage.feature import peak_local_max

from cellseg import pipeline, splitting, synthetic
from cellseg.metrics import one_object_per_point


def _discs(shape, centers, radius):
    rr, cc = np.indices(shape)
    return np.any([(rr - r) ** 2 + (cc - c) ** 2 <= radius**2 for r, c in centers], axis=0)


# --- the threshold merges close cells, as the midpoint formula predicts -------------------


# --- split_touching -------------------------------------------------------------------------


def test_split_touching_cuts_two_discs_at_their_waist():
    mask = _discs((24, 40), [(12, 12), (12, 26)], 8)
    assert ndi.label(mask)[1] == 1
    labels = splitting.split_touching(mask, min_distance=5)
    assert labels.max() == 2 and labels.dtype == np.int32
    assert labels[12, 12] != labels[12, 26]
    # the cut runs through the waist, halfway between the centres
    assert set(np.unique(labels[:, :19])) <= {0, labels[12, 12]}
    assert set(np.unique(labels[:, 20:])) <= {0, labels[12, 26]}
    np.testing.assert_array_equal(labels > 0, mask)


def test_split_touching_keeps_a_single_disc_and_separate_objects_whole():
    mask = _discs((40, 40), [(10, 10)], 6) | _discs((40, 40), [(28, 28)], 9)
    labels = splitting.split_touching(mask)
    assert labels.max() == 2
    np.testing.assert_array_equal(labels > 0, mask)


def test_split_touching_keeps_tiny_objects_that_have_no_peak():
    mask = np.zeros((10, 10), bool)
    mask[2, 2] = mask[6:8, 6:8] = True
    labels = splitting.split_touching(mask, min_distance=3)
    assert labels.max() == 2 and (labels > 0).sum() == 5


def test_split_touching_of_empty_mask_is_empty():
    labels = splitting.split_touching(np.zeros((5, 6), bool))
    assert labels.shape == (5, 6) and labels.max() == 0


@pytest.mark.parametrize("distance", [18, 19])
def test_split_touching_separates_pairs_merged_by_the_threshold(distance):
    scene = synthetic.make_pair(distance=distance)
    image, _truth, centers = scene.image, scene.labels, scene.centers
    mask = pipeline.smooth(image) > pipeline.THRESHOLD
    assert ndi.label(mask)[1] == 1
    assert one_object_per_point(splitting.split_touching(mask), centers)


# --- the 14 px pair: markers from the intensities, then a seeded watershed -----------------


def test_fourteen_pixel_pair_is_split_by_a_seeded_watershed():
    scene = synthetic.make_pair(distance=14)
    image, _truth, centers = scene.image, scene.labels, scene.centers
    smoothed = pipeline.smooth(image)
    mask = smoothed > pipeline.THRESHOLD
    assert ndi.label(mask)[1] == 1  # the threshold alone sees one cell
    blobs = -ndi.gaussian_laplace(image, 4)
    seeds = peak_local_max(blobs, min_distance=5, labels=mask.astype(int), exclude_border=False)
    labels = splitting.seeded_watershed(smoothed, seeds, mask=mask)
    assert one_object_per_point(labels, centers)
    found = np.array(ndi.center_of_mass(mask, labels, [1, 2]))
    distances = np.hypot(*(found[:, None] - centers[None]).transpose(2, 0, 1)).min(axis=1)
    assert distances.max() < 2.0


# --- seeded_watershed -----------------------------------------------------------------------


def test_seeded_watershed_meets_at_the_darkest_line():
    image = np.array([[3.0, 2, 1, 0, 1, 2, 3, 4]] * 3)
    labels = splitting.seeded_watershed(image, [[1, 0], [1, 7]])
    # the darkest column (3) is where the floods meet; it may go either way
    assert (labels[:, :3] == 1).all() and (labels[:, 4:] == 2).all()


def test_seeded_watershed_for_membranes_floods_the_image_itself():
    membrane = np.array([[0.0, 0, 5, 0, 0, 0]] * 2)
    labels = splitting.seeded_watershed(membrane, [[0, 0], [0, 5]], bright_objects=False)
    assert (labels[:, :2] == 1).all() and (labels[:, 3:] == 2).all()


def test_seeded_watershed_keeps_the_labels_of_a_seed_image_and_respects_the_mask():
    image = np.zeros((4, 6))
    seeds = np.zeros((4, 6), int)
    seeds[0, 0] = 7
    seeds[3, 5] = 3
    mask = np.ones((4, 6), bool)
    mask[:, 3] = False
    labels = splitting.seeded_watershed(image, seeds, mask=mask)
    assert (labels[:, :3] == 7).all() and (labels[:, 3] == 0).all() and (labels[:, 4:] == 3).all()


@pytest.mark.parametrize(
    "seeds, mask, error",
    [
        ([[0, 9]], None, ValueError),  # outside the image
        ([[0, 0, 0]], None, ValueError),  # not (row, col)
        (np.zeros((4, 5)), None, ValueError),  # float label image
        ([[0, 0]], np.zeros((3, 3), bool), ValueError),  # mask of another shape
        ([[0, 0]], np.zeros((4, 5)), TypeError),  # float mask
    ],
)
def test_seeded_watershed_refuses_bad_input(seeds, mask, error):
    with pytest.raises(error):
        splitting.seeded_watershed(np.zeros((4, 5)), seeds, mask=mask)


def test_seeded_watershed_bright_objects_must_be_a_bool():
    with pytest.raises(TypeError):
        splitting.seeded_watershed(np.zeros((4, 5)), [[0, 0]], bright_objects="yes")


# --- voronoi_otsu_labeling ------------------------------------------------------------------


def test_voronoi_otsu_finds_the_eight_default_cells():
    scene = synthetic.make_image()
    image, centers = scene.image, scene.centers
    labels = splitting.voronoi_otsu_labeling(image, spot_sigma=4, outline_sigma=2)
    assert labels.dtype == np.int32
    assert one_object_per_point(labels, centers)


def test_voronoi_otsu_splits_the_fourteen_pixel_pair_without_a_waist():
    scene = synthetic.make_pair(distance=14)
    image, centers = scene.image, scene.centers
    labels = splitting.voronoi_otsu_labeling(image, spot_sigma=2, outline_sigma=2)
    assert one_object_per_point(labels, centers)
    # with a large spot_sigma the two peaks melt into one seed: one object
    assert splitting.voronoi_otsu_labeling(image, spot_sigma=5, outline_sigma=2).max() == 1


def test_voronoi_otsu_cut_lies_halfway_between_the_seeds():
    image = synthetic.render_cells([[20, 20], [20, 36]], shape=(40, 56), cell_sigma=5)
    labels = splitting.voronoi_otsu_labeling(image, spot_sigma=1, outline_sigma=1)
    assert labels.max() == 2
    row = labels[20]
    left = row[:28][row[:28] > 0]
    right = row[29:][row[29:] > 0]
    assert len(set(left)) == 1 and len(set(right)) == 1 and left[0] != right[0]


def test_voronoi_otsu_small_spot_sigma_oversplits_noise():
    image = synthetic.make_image().image
    assert splitting.voronoi_otsu_labeling(image, spot_sigma=0.5, outline_sigma=2).max() > 8


def test_voronoi_otsu_of_a_constant_image_is_empty():
    assert splitting.voronoi_otsu_labeling(np.full((8, 8), 3.0)).max() == 0


@pytest.mark.parametrize("kwargs", [{"spot_sigma": -1}, {"outline_sigma": math.nan}])
def test_voronoi_otsu_refuses_bad_sigmas(kwargs):
    with pytest.raises(ValueError):
        splitting.voronoi_otsu_labeling(np.zeros((8, 8)), **kwargs)


def test_voronoi_otsu_refuses_a_colour_image():
    with pytest.raises(ValueError, match="RGB"):
        splitting.voronoi_otsu_labeling(np.zeros((8, 8, 3)))


# --- local_threshold ------------------------------------------------------------------------


# --- label post-processing ------------------------------------------------------------------


def test_erode_labels_shrinks_each_object_and_separates_touching_ones():
    labels = np.zeros((9, 12), np.int32)
    labels[1:8, 1:6] = 1
    labels[1:8, 6:11] = 2
    eroded = splitting.erode_labels(labels, radius=1)
    assert eroded.dtype == labels.dtype
    np.testing.assert_array_equal(eroded[4], [0, 0, 1, 1, 1, 0, 0, 2, 2, 2, 0, 0])
    assert (eroded[[1, 7]] == 0).all() and (eroded[2:7, 2:5] == 1).all()
    assert splitting.erode_labels(labels, radius=3).max() == 0  # 5 px wide objects vanish at radius 3
    np.testing.assert_array_equal(splitting.erode_labels(labels, radius=0), labels)


def test_erode_labels_at_the_image_edge_does_not_erode():
    labels = np.ones((5, 5), int)
    np.testing.assert_array_equal(splitting.erode_labels(labels, radius=2), labels)


def test_opening_of_labels_removes_thin_parts():
    from skimage.segmentation import expand_labels

    labels = np.zeros((15, 30), int)
    labels[3:12, 3:12] = 1  # a 9x9 square ...
    labels[7, 12:25] = 1  # ... with a one-pixel tail
    opened = expand_labels(splitting.erode_labels(labels, radius=2), 2)
    assert (opened[7, 14:] == 0).all()
    assert (opened[5:10, 5:10] == 1).all()


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: pipeline.filter_by_size(np.ones((3, 3)), min_size=1), ValueError),
        (lambda: pipeline.filter_by_size(np.ones((3, 3), int), min_size=5, max_size=2), ValueError),
        (lambda: splitting.erode_labels(np.ones((3, 3), int), radius=-1), ValueError),
        (lambda: splitting.erode_labels(-np.ones((3, 3), int), radius=1), ValueError),
        (lambda: splitting.split_touching(np.ones((3, 3))), TypeError),
        (lambda: splitting.split_touching(np.ones((3, 3, 3), bool)), ValueError),
        (lambda: splitting.split_touching(np.ones((3, 3), bool), min_distance=0), ValueError),
    ],
)
def test_post_processing_refuses_bad_input(call, error):
    with pytest.raises(error):
        call()


# --------------------------------------------------------------------------- any dtype, any id, sizes

from hypothesis import given, settings  # noqa: E402

from label_strategies import label_images, ranks  # noqa: E402


@settings(max_examples=60, deadline=None)
@given(label_images(shape=(5, 6), background=True))
def test_seeded_watershed_keeps_every_seed_id_of_any_dtype(seeds):
    image = np.random.default_rng(0).random(seeds.shape)
    out = splitting.seeded_watershed(image, seeds)
    twin = splitting.seeded_watershed(image, ranks(seeds))
    # the same partition as with ids 1, 2, ..., each region carrying its own seed's id
    np.testing.assert_array_equal(ranks(out), twin)
    assert set(np.unique(out).tolist()) <= set(np.unique(seeds).tolist())
    np.testing.assert_array_equal(out[seeds != 0], seeds[seeds != 0])


def test_seeded_watershed_keeps_a_seed_labelled_two_to_the_32():
    image = np.array([[5, 4, 1, 4, 5]], float)
    seeds = np.array([[2**32, 0, 0, 0, 3]], np.int64)
    assert splitting.seeded_watershed(image, seeds).tolist() == [[2**32, 2**32, 2**32, 3, 3]]


def test_voronoi_otsu_refuses_a_blur_wider_than_the_image():
    image = synthetic.make_image().image
    with pytest.raises(ValueError, match="spot_sigma=1e\\+07 is wider than the image"):
        splitting.voronoi_otsu_labeling(image, spot_sigma=1e7)


def test_erode_labels_refuses_a_radius_beyond_the_image():
    labels = np.ones((20, 30), int)
    with pytest.raises(ValueError, match="radius=2000 is larger than the image"):
        splitting.erode_labels(labels, radius=2000)


def test_split_touching_with_a_huge_min_distance_keeps_one_marker_per_component():
    rr, cc = np.mgrid[:20, :34]
    mask = ((rr - 10) ** 2 + (cc - 10) ** 2 < 49) | ((rr - 10) ** 2 + (cc - 22) ** 2 < 49)
    mask[0, 0] = True
    huge = splitting.split_touching(mask, min_distance=10**6)
    np.testing.assert_array_equal(huge, splitting.split_touching(mask, min_distance=40))
    assert huge.max() == 2  # the two components, each whole
