"""The smooth / threshold / label / size-filter pipeline (seed 004's test list and more)."""

import numpy as np
import pytest
from scipy import ndimage as ndi

import cellseg


def test_smooth_reduces_variance():
    noise = np.random.default_rng(7).normal(0, 1, (64, 64))
    assert cellseg.smooth(noise, sigma=2).var() < 0.1 * noise.var()


def test_smooth_keeps_the_shape():
    image = np.ones((37, 53))
    assert cellseg.smooth(image).shape == image.shape


def test_smooth_leaves_a_constant_image_unchanged_edges_included():
    image = np.full((50, 50), 0.7)
    np.testing.assert_allclose(cellseg.smooth(image, sigma=2), 0.7, rtol=1e-12)


def test_smooth_conserves_total_intensity_away_from_edges():
    image = np.zeros((64, 64))
    image[32, 32] = 5.0
    assert cellseg.smooth(image, sigma=3).sum() == pytest.approx(5.0, rel=1e-9)


def test_smooth_with_zero_sigma_is_identity():
    image = np.random.default_rng(0).random((8, 8))
    np.testing.assert_array_equal(cellseg.smooth(image, sigma=0), image)


def test_default_pipeline_finds_exactly_the_eight_cells():
    scene = cellseg.make_image()
    image, centers = scene.image, scene.centers
    labels, n = cellseg.segment(cellseg.smooth(image))
    assert n == cellseg.N_CELLS
    # and each true centre lies in a different detected cell
    hits = labels[centers[:, 0], centers[:, 1]]
    assert sorted(hits) == list(range(1, n + 1))


def test_cell_areas_are_plausible():
    # the model predicts about 148 px^2 per cell; seed 004 allows 50-350
    image = cellseg.make_image().image
    labels, _ = cellseg.segment(cellseg.smooth(image))
    sizes = cellseg.cell_sizes(labels)
    assert len(sizes) == cellseg.N_CELLS
    assert sizes.min() >= 50 and sizes.max() <= 350


def test_threshold_above_the_maximum_finds_nothing():
    image = cellseg.make_image().image
    smoothed = cellseg.smooth(image)
    labels, n = cellseg.segment(smoothed, threshold=smoothed.max())
    assert n == 0 and not labels.any()


def test_pure_noise_gives_false_cells_at_a_low_threshold_and_none_at_the_default():
    smoothed = cellseg.smooth(cellseg.make_pure_noise().image)
    _, n_low = cellseg.segment(smoothed, threshold=0.05)
    _, n_default = cellseg.segment(smoothed, threshold=cellseg.THRESHOLD)
    assert n_low > 0
    assert n_default == 0


def test_segment_matches_a_per_label_reference():
    rng = np.random.default_rng(5)
    image = cellseg.smooth(rng.random((80, 80)), sigma=1.5)
    threshold = np.quantile(image, 0.6)
    labels, n = cellseg.segment(image, threshold=threshold, min_size=12)
    raw, n_raw = ndi.label(image > threshold)
    expected = np.zeros_like(raw)
    new = 0
    for old in range(1, n_raw + 1):  # the straightforward loop of seed 004
        if (raw == old).sum() >= 12:
            new += 1
            expected[raw == old] = new
    assert n == new > 0
    np.testing.assert_array_equal(labels, expected)


def test_min_size_boundary_is_inclusive():
    image = np.zeros((10, 10))
    image[1:3, 1:3] = 1  # 4 px
    image[6:9, 6:9] = 1  # 9 px
    assert cellseg.segment(image, threshold=0.5, min_size=4)[1] == 2
    assert cellseg.segment(image, threshold=0.5, min_size=5)[1] == 1
    assert cellseg.segment(image, threshold=0.5, min_size=10)[1] == 0


def test_connectivity_changes_diagonal_neighbours():
    image = np.eye(4)
    assert cellseg.segment(image, threshold=0.5, min_size=0, connectivity=1)[1] == 4
    assert cellseg.segment(image, threshold=0.5, min_size=0, connectivity=2)[1] == 1


def test_cell_sizes_skips_missing_labels():
    labels = np.array([[0, 5, 5], [2, 0, 5]])
    np.testing.assert_array_equal(cellseg.cell_sizes(labels), [1, 3])
    assert cellseg.cell_sizes(np.zeros((3, 3), int)).size == 0


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: cellseg.smooth(np.zeros((4, 4, 3))), ValueError, "RGB"),
        (lambda: cellseg.smooth(np.zeros(5)), ValueError, "2-D array"),
        (lambda: cellseg.smooth(np.zeros((4, 4)), sigma=-1), ValueError, "sigma must be at least 0"),
        (lambda: cellseg.smooth(np.array([[np.nan]])), ValueError, "NaN"),
        (lambda: cellseg.smooth(np.array([["a"]])), TypeError, "numeric array"),
        (lambda: cellseg.segment(np.zeros((4, 4)), threshold=float("nan")), ValueError, "finite"),
        (lambda: cellseg.segment(np.zeros((4, 4)), min_size=-3), ValueError, "min_size must be at least 0"),
        (lambda: cellseg.segment(np.zeros((4, 4)), connectivity=4), ValueError, "connectivity must be 1"),
        (lambda: cellseg.cell_sizes(np.zeros((3, 3))), ValueError, "floating-point"),
        (lambda: cellseg.cell_sizes(-np.ones((3, 3), int)), ValueError, "negative"),
    ],
)
def test_bad_input_gets_a_clear_error(call, error, message):
    with pytest.raises(error, match=message):
        call()
