"""cellseg.synthetic: the Gaussian-blob image model and every scene maker."""

import math

import numpy as np
import pytest

import cellseg
from cellseg import synthetic
from cellseg import synthetic as syn


def test_make_image_is_deterministic_and_has_the_documented_shape():
    scene = cellseg.make_image()
    a, ca = scene.image, scene.centers
    scene = cellseg.make_image()
    b, cb = scene.image, scene.centers
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ca, cb)
    assert a.shape == (cellseg.IMAGE_SIZE, cellseg.IMAGE_SIZE)
    assert ca.shape == (cellseg.N_CELLS, 2)
    other = cellseg.make_image(seed=1).image
    assert not np.array_equal(a, other)


def test_cells_respect_separation_and_margin():
    centers = cellseg.make_image().centers
    d = np.sqrt(((centers[:, None, :] - centers[None, :, :]) ** 2).sum(-1))
    d[np.diag_indices(len(centers))] = np.inf
    assert d.min() >= cellseg.MIN_SEPARATION
    assert centers.min() >= cellseg.EDGE_MARGIN
    assert centers.max() < cellseg.IMAGE_SIZE - cellseg.EDGE_MARGIN


def test_images_are_non_negative_and_noise_is_clipped():
    image = cellseg.make_image().image
    assert image.min() == 0.0
    noise = cellseg.make_pure_noise().image
    assert noise.min() == 0.0
    # about half of the noise pixels are clipped to exactly zero
    assert 0.45 < np.mean(noise == 0) < 0.55


def test_render_cells_matches_the_formula_pixel_by_pixel():
    centers = np.array([[10.3, 20.0], [30.0, 5.5]])
    sigma = np.array([3.0, 5.0])
    brightness = np.array([1.0, 0.4])
    out = synthetic.render_cells(centers, shape=(40, 33), cell_sigma=sigma, brightness=brightness)
    r, c = np.mgrid[0:40, 0:33]
    expected = sum(
        b * np.exp(-((r - cr) ** 2 + (c - cc) ** 2) / (2 * s**2))
        for (cr, cc), s, b in zip(centers, sigma, brightness)
    )
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-15)


def test_render_cells_with_no_cells_is_black():
    assert not synthetic.render_cells(np.empty((0, 2)), shape=8).any()


def test_ground_truth_is_the_half_maximum_disc():
    labels = synthetic.ground_truth_labels([[32, 32]], shape=64, cell_sigma=6)
    r, c = np.nonzero(labels)
    radius = 6 * math.sqrt(2 * math.log(2))
    dist = np.hypot(r - 32, c - 32)
    assert dist.max() <= radius
    # every pixel within the radius is in
    rr, cc = np.mgrid[0:64, 0:64]
    assert (labels[np.hypot(rr - 32, cc - 32) <= radius] == 1).all()


def test_ground_truth_overlap_goes_to_the_stronger_cell():
    # two cells 8 px apart: their half-maximum discs overlap
    labels = synthetic.ground_truth_labels([[20, 16], [20, 24]], shape=40, cell_sigma=6, brightness=[1.0, 0.5])
    assert labels[20, 20] == 1  # equidistant: the brighter cell wins
    equal = synthetic.ground_truth_labels([[20, 16], [20, 24]], shape=40, cell_sigma=6)
    assert equal[20, 19] == 1 and equal[20, 21] == 2
    assert equal[20, 20] == 1  # exact tie: lower label


def test_ground_truth_labels_follow_center_order():
    scene = cellseg.make_image()
    image, centers = scene.image, scene.centers
    truth = cellseg.ground_truth_labels(centers, shape=image.shape)
    assert truth.dtype == np.int32
    for k, (r, c) in enumerate(centers):
        assert truth[r, c] == k + 1
    assert set(np.unique(truth)) == set(range(cellseg.N_CELLS + 1))


def test_ground_truth_is_vectorised_on_a_large_scene():
    rng = np.random.default_rng(3)
    centers = synthetic.place_cells(300, shape=512, min_separation=20, seed=rng)
    truth = synthetic.ground_truth_labels(centers, shape=512)
    assert truth.max() == 300
    sizes = np.bincount(truth.ravel())[1:]
    assert sizes.min() > 100  # 20 px apart: discs of radius 7 barely touch


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_cells": -1}, "n_cells must be at least 0"),
        ({"n_cells": 2.5}, "whole number"),
        ({"cell_sigma": -1}, "cell_sigma must be > 0"),
        ({"noise_scale": float("nan")}, "noise_scale must be a finite number"),
        ({"shape": (3, 4, 5)}, "rows, cols"),
        ({"n_cells": 50}, "no room for 50 cells.*at most 30 fit"),
        ({"n_cells": 30}, "could place only"),  # within the bound, beyond dart throwing
    ],
)
def test_make_image_rejects_bad_parameters(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        cellseg.make_image(**kwargs)


def test_bad_centers_and_levels_are_rejected():
    with pytest.raises(ValueError, match=r"\(n, 2\) array"):
        synthetic.render_cells([1, 2, 3], shape=10)
    with pytest.raises(ValueError, match="one number per cell"):
        synthetic.render_cells([[1, 2]], shape=10, cell_sigma=[1, 2])
    with pytest.raises(ValueError, match="level must be below 1"):
        synthetic.ground_truth_labels([[1, 2]], shape=10, level=1.5)
    with pytest.raises(TypeError, match="whole number >= 0"):
        synthetic.add_noise(np.zeros((3, 3)), noise_scale=0.1, seed=7.5)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        synthetic.add_noise(np.zeros((3, 3)), noise_scale=0.1, seed=-1)


# --- the scene makers ---------------------------------------------------------------


def _pixel(center):
    return tuple(np.round(center).astype(int))


def test_make_image_is_unchanged_by_the_new_scenes():
    # The uneven-illumination scene with no ramp must be the default image, bit for bit:
    # same seed, same centres, same noise draws.
    scene = syn.make_uneven_illumination(gradient=0.0)
    image, labels, centers = scene.image, scene.labels, scene.centers
    scene = syn.make_image()
    default, default_centers = scene.image, scene.centers
    np.testing.assert_array_equal(image, default)
    np.testing.assert_array_equal(centers, default_centers)
    np.testing.assert_array_equal(labels, syn.ground_truth_labels(default_centers))


@pytest.mark.parametrize("distance", [0.0, 10.0, 14.0, 21.5, 30.0])
@pytest.mark.parametrize("angle", [0.0, 90.0, 33.0])
def test_pair_centres_are_the_requested_distance_apart(distance, angle):
    centers = syn.make_pair(distance=distance, angle=angle).centers
    assert math.dist(*centers) == pytest.approx(distance, abs=1e-9)
    np.testing.assert_allclose(centers.mean(axis=0), [32, 32], atol=1e-9)


def test_pair_axis_follows_the_angle():
    horizontal = syn.make_pair(distance=14).centers
    vertical = syn.make_pair(distance=14, angle=90).centers
    np.testing.assert_array_equal(horizontal, [[32, 25], [32, 39]])
    np.testing.assert_array_equal(vertical, [[39, 32], [25, 32]])


def test_pair_without_noise_is_the_two_blobs_and_its_truth_has_two_labels():
    scene = syn.make_pair(distance=14, noise_scale=0)
    image, labels, centers = scene.image, scene.labels, scene.centers
    np.testing.assert_allclose(image, syn.render_cells(centers, shape=64))
    assert set(np.unique(labels)) == {0, 1, 2}
    assert labels[_pixel(centers[0])] == 1 and labels[_pixel(centers[1])] == 2
    # 14 px apart, each FWHM disc (radius 7.06 px) reaches the midpoint: the cells touch.
    assert labels[32, 31] == 1 and labels[32, 33] == 2


def test_pair_is_seeded():
    a = syn.make_pair(distance=14, seed=3).image
    np.testing.assert_array_equal(a, syn.make_pair(distance=14, seed=3).image)
    assert not np.array_equal(a, syn.make_pair(distance=14, seed=4).image)


def test_cluster_without_jitter_is_a_hexagon_of_the_given_pitch():
    scene = syn.make_cluster(n_cells=7, pitch=15, jitter=0, noise_scale=0)
    labels, centers = scene.labels, scene.centers
    middle = np.array([64, 64])
    distances = np.hypot(*(centers - middle).T)
    assert sorted(np.round(distances, 9)) == [0] + [15] * 6
    # every pair of neighbours on the ring is also 15 px apart: a regular hexagon
    pairwise = np.hypot(*(centers[:, None] - centers[None]).transpose(2, 0, 1))
    assert np.isclose(pairwise, 15).sum() == 2 * 12
    assert labels.max() == 7


@pytest.mark.parametrize("n", [1, 2, 7, 8, 19, 20])
def test_cluster_has_the_requested_number_of_cells(n):
    scene = syn.make_cluster(n_cells=n, pitch=14, shape=160)
    labels, centers = scene.labels, scene.centers
    assert centers.shape == (n, 2)
    assert labels.max() == n
    # The n lattice points nearest the middle: a compact cluster.
    radius = np.hypot(*(centers - 80).T).max()
    assert radius <= 14 * (1 + math.sqrt(n))


def test_bright_dim_classes_match_the_brightness_of_each_cell():
    scene = syn.make_bright_dim(n_bright=5, n_dim=3, noise_scale=0)
    image, labels, centers, classes = scene.image, scene.labels, scene.centers, scene.classes
    assert sorted(classes) == ["bright"] * 5 + ["dim"] * 3
    peaks = image[tuple(centers.T)]
    # Cells are >= 24 px apart, so a neighbour adds at most 8 * exp(-24**2 / 72) < 0.003.
    np.testing.assert_allclose(peaks, np.where(classes == "bright", 1.0, 0.4), atol=3e-3)
    assert labels.max() == 8
    for k, center in enumerate(centers):
        assert labels[tuple(center)] == k + 1


def test_bright_dim_uses_the_centres_of_make_image():
    centers = syn.make_bright_dim().centers
    np.testing.assert_array_equal(centers, syn.make_image().centers)


def test_uneven_illumination_adds_the_ramp_to_the_cells():
    scene = syn.make_uneven_illumination(gradient=0.3, n_cells=2, noise_scale=0, shape=(40, 80))
    image, _labels, centers = scene.image, scene.labels, scene.centers
    ramp = image - syn.render_cells(centers, shape=(40, 80))
    np.testing.assert_allclose(ramp[:, 0], 0, atol=1e-12)
    np.testing.assert_allclose(ramp[:, 40], 0.15, atol=1e-12)
    np.testing.assert_allclose(np.diff(ramp, axis=1), 0.3 / 80, atol=1e-12)
    np.testing.assert_allclose(np.diff(ramp, axis=0), 0, atol=1e-12)


def test_crowded_field_is_large_crowded_and_varied():
    scene = syn.make_crowded_field()
    image, labels, centers = scene.image, scene.labels, scene.centers
    assert image.shape == labels.shape == (512, 512)
    assert len(centers) == labels.max() == 400
    separations = np.hypot(*(centers[:, None] - centers[None]).transpose(2, 0, 1))
    np.fill_diagonal(separations, np.inf)
    assert separations.min() >= 12
    assert separations.min() < syn.MIN_SEPARATION  # crowded: closer than the default image allows
    sizes = np.bincount(labels.ravel())[1:]
    # FWHM discs of sigma 4..8 hold about 2 ln 2 pi sigma^2 = 70..279 pixels; overlaps only shrink them.
    assert sizes.max() <= 2 * math.log(2) * math.pi * 8**2 * 1.1
    assert np.percentile(sizes, 90) > 1.5 * np.percentile(sizes, 10)


def test_crowded_field_without_noise_has_the_drawn_brightness_range():
    scene = syn.make_crowded_field(n_cells=60, shape=300, noise_scale=0,
                                               min_separation=30, brightness_range=(0.5, 0.7))
    image, centers = scene.image, scene.centers
    peaks = image[tuple(centers.T)]
    # Neighbours 30+ px away add a little; the peak itself lies in [0.5, 0.7].
    assert peaks.min() >= 0.5 and peaks.max() <= 0.7 + 0.05


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: syn.make_pair(distance=-1), ValueError),
        (lambda: syn.make_pair(distance="14"), TypeError),
        (lambda: syn.make_cluster(n_cells=0), ValueError),
        (lambda: syn.make_cluster(n_cells=7, pitch=0), ValueError),
        (lambda: syn.make_cluster(n_cells=50, pitch=20, shape=64), ValueError),
        (lambda: syn.make_bright_dim(bright=0.4, dim=0.4), ValueError),
        (lambda: syn.make_uneven_illumination(gradient=-0.1), ValueError),
        (lambda: syn.make_crowded_field(cell_sigma_range=(8, 4)), ValueError),
        (lambda: syn.make_crowded_field(cell_sigma_range=(0, 4)), ValueError),
        (lambda: syn.make_crowded_field(brightness_range=1.0), ValueError),
        (lambda: syn.make_crowded_field(n_cells=30, shape=40), ValueError),
    ],
)
def test_bad_arguments_are_refused(call, error):
    with pytest.raises(error):
        call()


def test_cluster_error_says_what_to_do():
    with pytest.raises(ValueError, match="larger shape or fewer cells"):
        syn.make_cluster(n_cells=50, pitch=20, shape=64)


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        ({"cell_sigma": 1e9}, ValueError, "wider than any image"),
        ({"shape": 10**6}, ValueError, "more than this helper makes"),
        ({"seed": -1}, ValueError, "seed must be >= 0"),
        ({"seed": 1.5}, TypeError, "whole number >= 0"),
        ({"seed": "a"}, TypeError, "whole number >= 0"),
        ({"seed": True}, TypeError, "whole number >= 0"),
    ],
)
def test_make_image_refuses_what_would_exhaust_memory_or_is_not_a_seed(kwargs, error, words):
    with pytest.raises(error, match=words):
        synthetic.make_image(**kwargs)


def test_a_generator_can_be_passed_as_the_seed():
    a = synthetic.place_cells(4, shape=64, min_separation=10, seed=np.random.default_rng(3))
    b = synthetic.place_cells(4, shape=64, min_separation=10, seed=3)
    assert np.array_equal(a, b)
