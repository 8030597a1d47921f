"""The Gaussian-blob image model."""

import math

import numpy as np
import pytest

import cellseg
from cellseg import synthetic


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
    out = synthetic.render_cells(centers, shape=(40, 33), sigma=sigma, brightness=brightness)
    r, c = np.mgrid[0:40, 0:33]
    expected = sum(
        b * np.exp(-((r - cr) ** 2 + (c - cc) ** 2) / (2 * s**2))
        for (cr, cc), s, b in zip(centers, sigma, brightness)
    )
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-15)


def test_render_cells_with_no_cells_is_black():
    assert not synthetic.render_cells(np.empty((0, 2)), shape=8).any()


def test_ground_truth_is_the_half_maximum_disc():
    labels = synthetic.ground_truth_labels([[32, 32]], shape=64, sigma=6)
    r, c = np.nonzero(labels)
    radius = 6 * math.sqrt(2 * math.log(2))
    dist = np.hypot(r - 32, c - 32)
    assert dist.max() <= radius
    # every pixel within the radius is in
    rr, cc = np.mgrid[0:64, 0:64]
    assert (labels[np.hypot(rr - 32, cc - 32) <= radius] == 1).all()


def test_ground_truth_overlap_goes_to_the_stronger_cell():
    # two cells 8 px apart: their half-maximum discs overlap
    labels = synthetic.ground_truth_labels([[20, 16], [20, 24]], shape=40, sigma=6, brightness=[1.0, 0.5])
    assert labels[20, 20] == 1  # equidistant: the brighter cell wins
    equal = synthetic.ground_truth_labels([[20, 16], [20, 24]], shape=40, sigma=6)
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
    centers = synthetic.place_cells(300, shape=512, min_separation=20, rng=rng)
    truth = synthetic.ground_truth_labels(centers, shape=512)
    assert truth.max() == 300
    sizes = np.bincount(truth.ravel())[1:]
    assert sizes.min() > 100  # 20 px apart: discs of radius 7 barely touch


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_cells": -1}, "n_cells must be at least 0"),
        ({"n_cells": 2.5}, "whole number"),
        ({"sigma": -1}, "sigma must be > 0"),
        ({"noise_scale": float("nan")}, "noise_scale must be a finite number"),
        ({"shape": (3, 4, 5)}, "rows, cols"),
        ({"n_cells": 50}, "could place only"),
    ],
)
def test_make_image_rejects_bad_parameters(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        cellseg.make_image(**kwargs)


def test_bad_centers_and_levels_are_rejected():
    with pytest.raises(ValueError, match=r"\(n, 2\) array"):
        synthetic.render_cells([1, 2, 3], shape=10)
    with pytest.raises(ValueError, match="one number per cell"):
        synthetic.render_cells([[1, 2]], shape=10, sigma=[1, 2])
    with pytest.raises(ValueError, match="level must be below 1"):
        synthetic.ground_truth_labels([[1, 2]], shape=10, level=1.5)
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        synthetic.add_noise(np.zeros((3, 3)), noise_scale=0.1, rng=7)
