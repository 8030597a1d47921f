"""cellseg.pipeline: smooth, threshold, label, filter by size, local threshold, counts."""

import numpy as np
import pytest
from scipy import ndimage as ndi

import cellseg
from cellseg import pipeline, synthetic
from cellseg.metrics import one_object_per_point


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


def test_cell_areas_agree_with_the_theory_within_the_noise():
    # Prediction: the area inside the threshold of the smoothed blob. Tolerance from the noise:
    # at the edge (radius r0) the smoothed cell falls by |dI/dr| = T r0 / s^2 per pixel, so noise
    # of sd sigma_n moves the edge by sigma_n / |dI/dr|; allow 3 sd along the whole perimeter for
    # one cell, and 3 sd / sqrt(n) for the mean of n independent cells.
    from cellseg import theory

    s = theory.smoothed_sigma(sigma=cellseg.CELL_SIGMA, smooth_sigma=cellseg.SMOOTH_SIGMA)
    peak = theory.smoothed_peak(brightness=cellseg.CELL_BRIGHTNESS, sigma=cellseg.CELL_SIGMA,
                                smooth_sigma=cellseg.SMOOTH_SIGMA)
    area = theory.area_at_threshold(cellseg.THRESHOLD, peak=peak, sigma=s)
    r0 = np.sqrt(area / np.pi)
    noise = theory.smoothed_noise_std(noise_scale=cellseg.NOISE_SCALE, smooth_sigma=cellseg.SMOOTH_SIGMA)
    edge_shift = 3 * noise / (cellseg.THRESHOLD * r0 / s**2)
    tolerance = 2 * np.pi * r0 * edge_shift
    labels, _ = cellseg.segment(cellseg.smooth(cellseg.make_image().image))
    sizes = cellseg.cell_sizes(labels)
    assert len(sizes) == cellseg.N_CELLS
    assert np.abs(sizes - area).max() <= tolerance
    assert abs(sizes.mean() - area) <= tolerance / np.sqrt(len(sizes))


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
    for old in range(1, n_raw + 1):  # the straightforward loop over labels, as a reference
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


def test_local_threshold_of_a_ramp_is_the_ramp_plus_offset():
    ramp = np.tile(np.arange(30.0) / 30, (20, 1))
    threshold = pipeline.local_threshold(ramp, size=7, offset=0.2)
    np.testing.assert_allclose(threshold[:, :-3], ramp[:, :-3] + 0.2)
    # within half a window of the bright edge the opening falls short of the ramp
    assert (threshold[:, -3:] <= ramp[:, -3:] + 0.2).all()
    assert (threshold[:, -3:] >= ramp[:, -3:] + 0.2 - 3 / 30 - 1e-12).all()


def test_local_threshold_restores_the_count_under_the_gradient():
    scene = synthetic.make_uneven_illumination(gradient=0.6)
    image, truth, centers = scene.image, scene.labels, scene.centers
    smoothed = pipeline.smooth(image)
    labels_global, n_global = pipeline.segment(smoothed)
    assert n_global != synthetic.N_CELLS  # the bright side merges into one big object
    labels, n = pipeline.segment(smoothed - pipeline.local_threshold(smoothed), threshold=0)
    assert n == synthetic.N_CELLS and one_object_per_point(labels, centers)


def test_local_threshold_on_an_even_background_follows_the_lower_envelope_of_the_noise():
    scene = synthetic.make_image()
    smoothed = pipeline.smooth(scene.image)
    t = pipeline.local_threshold(smoothed)
    background = pipeline.smooth(synthetic.render_cells(scene.centers, shape=scene.image.shape)) < 1e-3
    # the opening sits below the background's mean everywhere (its lower envelope) ...
    assert t.max() - 0.44 < smoothed[background].mean()
    assert t.max() < pipeline.THRESHOLD
    # ... so the same cells come out no smaller, and at most 10 % larger
    local = pipeline.segment(smoothed - t, threshold=0)[0]
    glob = pipeline.segment(smoothed)[0]
    assert local.max() == glob.max() == synthetic.N_CELLS
    ratio = np.bincount(local.ravel())[1:] / np.bincount(glob.ravel())[1:]
    assert np.all((ratio >= 1) & (ratio < 1.1))


@pytest.mark.parametrize("kwargs, error", [({"size": 0}, ValueError), ({"size": 2.5}, TypeError),
                                          ({"offset": "0.4"}, TypeError)])
def test_local_threshold_refuses_bad_arguments(kwargs, error):
    with pytest.raises(error):
        pipeline.local_threshold(np.zeros((8, 8)), **kwargs)


def test_filter_by_size_keeps_objects_within_the_bounds():
    labels = np.array([[1, 0, 2, 2, 0, 3, 3, 3, 0, 4, 4, 4, 4]])
    np.testing.assert_array_equal(
        pipeline.filter_by_size(labels, min_size=2, max_size=3),
        [[0, 0, 2, 2, 0, 3, 3, 3, 0, 0, 0, 0, 0]],
    )
    np.testing.assert_array_equal(pipeline.filter_by_size(labels), labels)


# --------------------------------------------------------------------------- any dtype, any id

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from label_strategies import label_images  # noqa: E402


@settings(max_examples=80, deadline=None)
@given(label_images(shape=(5, 6)), st.integers(0, 12), st.integers(0, 30))
def test_sizes_and_size_filter_with_ids_up_to_the_dtype_maximum(labels, low, extra):
    ids = [i for i in np.unique(labels) if i]
    sizes = [int(np.sum(labels == i)) for i in ids]
    assert pipeline.cell_sizes(labels).tolist() == sizes
    out = pipeline.filter_by_size(labels, min_size=low, max_size=low + extra)
    assert out.dtype == labels.dtype
    kept = {i for i, n in zip(ids, sizes) if low <= n <= low + extra}
    np.testing.assert_array_equal(out, np.where(np.isin(labels, list(kept)), labels, 0))


def test_size_functions_memory_follows_the_image_not_the_largest_id():
    import tracemalloc

    labels = np.zeros((8, 8), np.int64)
    labels[1:4, 1:4] = 2**31 - 1
    labels[5:7, 5:7] = 2**62
    tracemalloc.start()
    sizes = pipeline.cell_sizes(labels)
    kept = pipeline.filter_by_size(labels, min_size=5)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 100_000  # a bincount up to the id would be 8 * 2**62 bytes
    assert sizes.tolist() == [9, 4]
    assert set(np.unique(kept).tolist()) == {0, 2**31 - 1}


@pytest.mark.parametrize("sigma", [1e7, 129.0])
def test_smooth_refuses_a_gaussian_wider_than_the_image(sigma):
    with pytest.raises(ValueError, match="wider than the image.*Pass a width"):
        pipeline.smooth(np.zeros((128, 64)), sigma=sigma)
