"""cellseg.pipeline: smooth, threshold, label, filter by size, local threshold, counts."""

import numpy as np
import pytest
from scipy import ndimage as ndi

import cellseg
from cellseg import pipeline, synthetic
from cellseg.metrics import one_object_per_point

from cellseg import synthetic3d
from cellseg.measure import volume
from cellseg.synthetic3d import ellipsoid_mask, make_volume

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
    labels = cellseg.segment(cellseg.smooth(image))
    n = int(labels.max())
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

    s = theory.smoothed_sigma(cell_sigma=cellseg.CELL_SIGMA, sigma=cellseg.SMOOTH_SIGMA)
    peak = theory.smoothed_peak(brightness=cellseg.CELL_BRIGHTNESS, cell_sigma=cellseg.CELL_SIGMA,
                                sigma=cellseg.SMOOTH_SIGMA)
    area = theory.area_at_threshold(cellseg.THRESHOLD, peak=peak, cell_sigma=s)
    r0 = np.sqrt(area / np.pi)
    noise = theory.smoothed_noise_std(noise_scale=cellseg.NOISE_SCALE, sigma=cellseg.SMOOTH_SIGMA)
    edge_shift = 3 * noise / (cellseg.THRESHOLD * r0 / s**2)
    tolerance = 2 * np.pi * r0 * edge_shift
    labels = cellseg.segment(cellseg.smooth(cellseg.make_image().image))
    sizes = cellseg.cell_sizes(labels)
    assert len(sizes) == cellseg.N_CELLS
    assert np.abs(sizes - area).max() <= tolerance
    assert abs(sizes.mean() - area) <= tolerance / np.sqrt(len(sizes))


def test_threshold_above_the_maximum_finds_nothing():
    image = cellseg.make_image().image
    smoothed = cellseg.smooth(image)
    labels = cellseg.segment(smoothed, threshold=smoothed.max())
    n = int(labels.max())
    assert n == 0 and not labels.any()


def test_pure_noise_gives_false_cells_at_a_low_threshold_and_none_at_the_default():
    smoothed = cellseg.smooth(cellseg.make_pure_noise().image)
    n_low = int(cellseg.segment(smoothed, threshold=0.05).max())
    n_default = int(cellseg.segment(smoothed, threshold=cellseg.THRESHOLD).max())
    assert n_low > 0
    assert n_default == 0


def test_segment_matches_a_per_label_reference():
    rng = np.random.default_rng(5)
    image = cellseg.smooth(rng.random((80, 80)), sigma=1.5)
    threshold = np.quantile(image, 0.6)
    labels = cellseg.segment(image, threshold=threshold, min_size=12)
    n = int(labels.max())
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
    assert int(cellseg.segment(image, threshold=0.5, min_size=4).max()) == 2
    assert int(cellseg.segment(image, threshold=0.5, min_size=5).max()) == 1
    assert int(cellseg.segment(image, threshold=0.5, min_size=10).max()) == 0


def test_connectivity_changes_diagonal_neighbours():
    image = np.eye(4)
    assert int(cellseg.segment(image, threshold=0.5, min_size=0, connectivity=1).max()) == 4
    assert int(cellseg.segment(image, threshold=0.5, min_size=0, connectivity=2).max()) == 1


def test_cell_sizes_skips_missing_labels():
    labels = np.array([[0, 5, 5], [2, 0, 5]])
    np.testing.assert_array_equal(cellseg.cell_sizes(labels), [1, 3])
    assert cellseg.cell_sizes(np.zeros((3, 3), int)).size == 0


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: cellseg.smooth(np.zeros((4, 4, 3))), ValueError, "RGB"),
        (lambda: cellseg.smooth(np.zeros(5)), ValueError, "2-D \\(rows, cols\\) or 3-D"),
        (lambda: cellseg.smooth(np.zeros((4, 4)), sigma=-1), ValueError, "sigma must be finite and >= 0"),
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
    image, _truth, centers = scene.image, scene.labels, scene.centers
    smoothed = pipeline.smooth(image)
    labels_global = pipeline.segment(smoothed)
    n_global = int(labels_global.max())
    assert n_global != synthetic.N_CELLS  # the bright side merges into one big object
    labels = pipeline.segment(smoothed - pipeline.local_threshold(smoothed), threshold=0)
    n = int(labels.max())
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
    local = pipeline.segment(smoothed - t, threshold=0)
    glob = pipeline.segment(smoothed)
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


# --- 3-D stacks, lengths in micrometres ---------------------------------------


def test_smooth_converts_micrometres_per_axis():
    stack = np.zeros((21, 41, 41))
    stack[10, 20, 20] = 1.0
    out = pipeline.smooth(stack, sigma=1.0, spacing=(1.0, 0.25, 0.25))
    from scipy import ndimage as ndi

    assert np.allclose(out, ndi.gaussian_filter(stack, (1.0, 4.0, 4.0)))
    assert pipeline.smooth(stack.astype(np.float32), sigma=1.0, spacing=(1, 1, 1)).dtype == np.float32


def test_segment_connectivity_and_volume_filter():
    stack = np.zeros((4, 6, 6))
    stack[1, 1, 1] = stack[2, 2, 2] = 1.0  # corner neighbours
    stack[1, 4, 4] = stack[2, 4, 4] = 1.0  # face neighbours
    spacing = (2.0, 0.5, 0.5)
    assert int(pipeline.segment(stack, threshold=0.5, spacing=spacing, min_size=0).max()) == 3
    assert int(pipeline.segment(stack, threshold=0.5, spacing=spacing, min_size=0, connectivity=2).max()) == 3
    assert int(pipeline.segment(stack, threshold=0.5, spacing=spacing, min_size=0, connectivity=3).max()) == 2
    # one voxel is 0.5 um^3; the pair 1.0 um^3
    labels = pipeline.segment(stack, threshold=0.5, spacing=spacing, min_size=0.75)
    n = int(labels.max())
    assert n == 1 and labels[1, 4, 4] == 1 and labels[1, 1, 1] == 0
    with pytest.raises(ValueError, match="connectivity"):
        pipeline.segment(stack, threshold=0.5, spacing=spacing, min_size=0, connectivity=26)


def test_pipeline_finds_the_default_nuclei():
    scene = make_volume()
    smoothed = pipeline.smooth(scene.image, sigma=1.0, spacing=scene.spacing)
    labels = pipeline.segment(smoothed, threshold=0.4, spacing=scene.spacing, min_size=10)
    n = int(labels.max())
    assert n == synthetic3d.N_NUCLEI
    m = cellseg.matching(scene.labels, labels)
    assert m.tp == synthetic3d.N_NUCLEI


def test_filter_by_volume():
    labels = np.zeros((2, 4, 4), np.int32)
    labels[:, :2, :2] = 3
    labels[0, 3, 3] = 5
    out = pipeline.filter_by_size(labels, spacing=(1, 1, 1), min_size=2, max_size=8)
    assert np.unique(out).tolist() == [0, 3]
    assert out.dtype == labels.dtype
    with pytest.raises(ValueError):
        pipeline.filter_by_size(labels, spacing=(1, 1, 1), min_size=3, max_size=2)


def test_resample_isotropic_keeps_the_volume():
    spacing = (1.0, 0.25, 0.25)
    mask = ellipsoid_mask((3.0, 4.0, 4.0), spacing=spacing, offset=(0.3, 0.1, 0.05))
    iso, new = pipeline.resample_isotropic(mask.astype(np.uint8), spacing=spacing, order=0)
    assert new == pytest.approx((0.25, 0.25, 0.25), rel=0.05)
    assert volume(iso, spacing=new) == pytest.approx(volume(mask, spacing=spacing), rel=0.02)
    image, _ = pipeline.resample_isotropic(mask.astype(float), spacing=spacing)
    assert image.shape == iso.shape


@pytest.mark.parametrize("bad", [np.zeros((4, 4)), np.full((2, 2, 2), np.nan), np.array([[["x"]]])])
def test_the_pipeline_rejects_bad_stacks(bad):
    with pytest.raises((TypeError, ValueError)):
        pipeline.smooth(bad, sigma=1.0, spacing=(1, 1, 1))


def test_filter_by_volume_works_on_the_ids_present_of_any_dtype():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from label_strategies import label_images

    @settings(max_examples=60, deadline=None)
    @given(label_images(shape=(2, 3, 4)), st.floats(0, 10), st.floats(0, 20))
    def check(labels, low, extra):
        out = pipeline.filter_by_size(labels, spacing=(1.0, 0.5, 0.5), min_size=low,
                                          max_size=low + extra)
        ids = [i for i in np.unique(labels) if i]
        kept = [i for i in ids if low <= np.sum(labels == i) * 0.25 <= low + extra]
        np.testing.assert_array_equal(out, np.where(np.isin(labels, kept), labels, 0))
        assert out.dtype == labels.dtype

    check()


# --- one N-D pipeline: the same results as the plain SciPy steps ------------------------


def _plain_segment(image, threshold, min_size, connectivity, voxel=1.0):
    """The pipeline's segment step written with SciPy alone (what the 2-D and 3-D twins did)."""
    raw, n = ndi.label(image > threshold, ndi.generate_binary_structure(image.ndim, connectivity))
    keep = np.bincount(raw.ravel(), minlength=n + 1) * voxel >= min_size
    keep[0] = False
    new_id = np.zeros(n + 1, np.int32)
    new_id[keep] = np.arange(1, keep.sum() + 1)
    return new_id[raw]


def test_default_image_and_stack_are_segmented_exactly_as_by_plain_scipy():
    image = cellseg.make_image().image
    smoothed = cellseg.smooth(image)
    assert np.array_equal(smoothed, ndi.gaussian_filter(image, cellseg.SMOOTH_SIGMA))
    labels = cellseg.segment(smoothed)
    assert labels.dtype == np.int32 and labels.max() == cellseg.N_CELLS
    assert np.array_equal(labels, _plain_segment(smoothed, 0.5, cellseg.MIN_CELL_SIZE, 1))

    scene = make_volume()
    spacing = np.array(scene.spacing)
    stack = cellseg.smooth(scene.image, sigma=0.5, spacing=scene.spacing)
    assert np.array_equal(stack, ndi.gaussian_filter(scene.image, 0.5 / spacing))
    labels3 = cellseg.segment(stack, threshold=0.3, spacing=scene.spacing, min_size=5.0)
    plain = _plain_segment(stack, 0.3, 5.0, 1, voxel=float(np.prod(spacing)))
    assert np.array_equal(labels3, plain) and labels3.max() == synthetic3d.N_NUCLEI


def test_physical_units_need_physical_sizes():
    stack = np.zeros((4, 8, 8))
    with pytest.raises(TypeError, match="pass sigma in the same units"):
        cellseg.smooth(stack, spacing=(2, 0.5, 0.5))
    with pytest.raises(TypeError, match="pass min_size in physical units"):
        cellseg.segment(stack, spacing=(2, 0.5, 0.5))
    # the same spacing rule everywhere: one number for every axis is fine
    assert cellseg.smooth(stack, sigma=1.0, spacing=0.5).shape == stack.shape


@pytest.mark.parametrize(
    "call, error, words",
    [
        # a width that covers the image is refused at once (it took 68 s in the 3-D twin)
        (lambda: cellseg.smooth(np.zeros((8, 24, 24)), sigma=1e6, spacing=(2, 0.5, 0.5)),
         ValueError, "wider than the image"),
        (lambda: cellseg.smooth(np.zeros((8, 24, 24)), sigma=1.0, spacing=(1e-300, 1, 1)),
         ValueError, "wider than the image"),
        (lambda: cellseg.resample_isotropic(np.zeros((4, 8, 8)), spacing=(1, 1, 1), voxel=1e-4),
         ValueError, "pass a larger voxel"),
        (lambda: cellseg.resample_isotropic(np.zeros((4, 8, 8)), spacing=(1, 1, 1), order=7),
         ValueError, "order must be 0"),
        (lambda: cellseg.smooth(np.zeros((16, 16, 3))), ValueError, "RGB"),
        (lambda: cellseg.segment(np.zeros((4, 4)), connectivity=True), ValueError, "connectivity"),
        (lambda: cellseg.segment(np.zeros((4, 4)), spacing=(True, True), min_size=0), TypeError,
         "numbers"),
        (lambda: cellseg.filter_by_size(np.zeros((4, 4), int), spacing="1"), TypeError,
         "one number or one per axis"),
    ],
)
def test_extreme_parameters_are_refused_at_once(call, error, words):
    import time

    start = time.perf_counter()
    with pytest.raises(error, match=words):
        call()
    assert time.perf_counter() - start < 1.0


def test_sizes_follow_the_image_not_the_largest_id():
    labels = np.zeros((6, 6), np.uint64)
    labels[:2, :2] = 2**63 + 5  # a huge id: a bincount would need 2**63 bins
    labels[4:, 4:] = 1
    assert cellseg.cell_sizes(labels).tolist() == [4, 4]
    assert cellseg.filter_by_size(labels, min_size=5).max() == 0
