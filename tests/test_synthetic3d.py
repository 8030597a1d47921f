"""Tests of cellseg.synthetic3d (the 3-D scene maker) and cellseg.pipeline."""

import numpy as np
import pytest

from cellseg import synthetic3d
from cellseg.measure import volume
from cellseg.synthetic import Scene
from cellseg.synthetic3d import (
    draw_nuclei,
    ellipsoid_mask,
    make_volume,
    nuclei_labels,
    render_nuclei,
)
from cellseg.theory import ellipsoid_volume


def test_default_scene():
    scene = make_volume()
    assert isinstance(scene, Scene)
    assert scene.image.shape == scene.labels.shape == synthetic3d.VOLUME_SHAPE
    assert scene.spacing == synthetic3d.VOLUME_SPACING
    assert scene.classes is None
    assert scene.labels.dtype == np.int32
    assert scene.image.min() >= 0
    assert np.unique(scene.labels).tolist() == list(range(synthetic3d.N_NUCLEI + 1))
    # cell k is label k + 1, centred on its own centre
    for k, c in enumerate(scene.centers):
        assert scene.labels[tuple(c)] == k + 1


def test_seed_reproduces_and_differs():
    a, b, c = make_volume(seed=1), make_volume(seed=1), make_volume(seed=2)
    assert np.array_equal(a.image, b.image) and np.array_equal(a.labels, b.labels)
    assert not np.array_equal(a.image, c.image)


def test_draw_nuclei_gives_the_nuclei_of_make_volume():
    centers, semi_axes, angles = draw_nuclei(seed=5)
    scene = make_volume(seed=5)
    assert np.array_equal(scene.centers, centers)
    assert np.array_equal(scene.labels, nuclei_labels(centers, semi_axes=semi_axes, angles=angles))
    noise_free = make_volume(seed=5, noise_scale=0.0).image
    assert np.allclose(noise_free, render_nuclei(centers, semi_axes=semi_axes, angles=angles))


def test_nuclei_respect_separation_ranges_and_margins():
    spacing = np.array(synthetic3d.VOLUME_SPACING)
    centers, semi_axes, angles = draw_nuclei(n_cells=20, shape=(40, 200, 200), seed=3)
    d = np.sqrt((((centers[:, None] - centers[None]) * spacing) ** 2).sum(-1))
    assert d[np.triu_indices(len(d), 1)].min() >= synthetic3d.NUCLEUS_SEPARATION
    assert (semi_axes[:, 0] >= 2.0).all() and (semi_axes[:, 0] <= 3.0).all()
    assert (semi_axes[:, 1:] >= 3.0).all() and (semi_axes[:, 1:] <= 4.5).all()
    assert ((angles >= 0) & (angles < np.pi)).all()
    scene = make_volume(n_cells=20, shape=(40, 200, 200), seed=3)
    # every true nucleus lies wholly inside the stack: no label on the outer faces
    for axis in range(3):
        assert not np.take(scene.labels, [0, -1], axis=axis).any()


def test_ground_truth_volumes_are_the_half_maximum_ellipsoids():
    centers, semi_axes, angles = draw_nuclei(seed=9)
    labels = nuclei_labels(centers, semi_axes=semi_axes, angles=angles)
    spacing = synthetic3d.VOLUME_SPACING
    for k, a in enumerate(semi_axes):
        assert volume(labels == k + 1, spacing=spacing) == pytest.approx(ellipsoid_volume(a), rel=0.08)


def test_rotated_nucleus_matches_ellipsoid_mask():
    spacing = (1.0, 0.25, 0.25)
    mask = ellipsoid_mask((2.5, 4.0, 3.0), spacing=spacing, angle=0.6, margin=0)
    center = np.array(mask.shape) // 2
    labels = nuclei_labels([center], semi_axes=(2.5, 4.0, 3.0), angles=0.6, shape=mask.shape,
                           spacing=spacing)
    assert np.array_equal(labels == 1, mask)


def test_psf_is_wider_in_z():
    """A round nucleus looks longer in z than across once blurred."""
    shape, spacing = (40, 120, 120), (0.25, 0.25, 0.25)
    img = render_nuclei([[20, 60, 60]], semi_axes=(2.0, 2.0, 2.0), shape=shape, spacing=spacing,
                        psf_sigma=(1.5, 0.2))
    profile_z, profile_x = img[:, 60, 60], img[20, 60, :]
    assert (profile_z > img.max() / 2).sum() > 1.2 * (profile_x > img.max() / 2).sum()  # 2.27 vs 1.71 um


def test_overlapping_nuclei_go_to_the_brighter():
    labels = nuclei_labels([[8, 20, 20], [8, 20, 30]], semi_axes=(2.0, 3.0, 3.0), shape=(16, 40, 50),
                           spacing=(1.0, 0.25, 0.25), brightness=[1.0, 2.0])
    assert labels[8, 20, 25] == 2  # midway: the brighter one


@pytest.mark.parametrize(
    "kwargs, error, words",
    [
        (dict(shape=(10, 10)), ValueError, "three whole numbers"),
        (dict(spacing=(1.0, 0.25)), ValueError, "spacing"),
        (dict(spacing=(1.0, 0.0, 0.25)), ValueError, "greater than 0"),
        (dict(radius=(4, 3)), ValueError, "low <= high"),
        (dict(psf_sigma=1.0), ValueError, "psf_sigma"),
        (dict(noise_scale=-1), ValueError, "noise_scale"),
        (dict(n_cells=50), ValueError, "could place only"),
        (dict(shape=(4, 20, 20)), ValueError, "too small"),
        (dict(centers=[[5, 5, 5]]), ValueError, "semi_axes"),
        (dict(semi_axes=(1, 1, 1)), ValueError, "need centers"),
        (dict(centers=[[5, 5]], semi_axes=(1, 1, 1)), ValueError, "(n, 3)"),
        (dict(centers=[[5, 5, 5]], semi_axes=(1, -1, 1)), ValueError, "positive"),
    ],
)
def test_make_volume_errors(kwargs, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        make_volume(**kwargs)


@pytest.mark.parametrize(
    "call, error, words",
    [
        # clear error at once (the dart thrower took 89 s to give up on 10**4 nuclei)
        (lambda: synthetic3d.make_volume(n_cells=10**4), ValueError, "no room for 10000"),
        (lambda: synthetic3d.draw_nuclei(n_cells=10**4), ValueError, "at most"),
        # an integer overflow once made a (5, 11, 11) mask from this without a word
        (lambda: synthetic3d.ellipsoid_mask((2, 3, 3), spacing=(1e-300, 1, 1)), ValueError,
         "more than this helper makes"),
        (lambda: synthetic3d.make_volume(shape=(10**4, 10**4, 10**4)), ValueError,
         "more than this helper makes"),
        (lambda: synthetic3d.make_volume(seed=-1), ValueError, "seed must be >= 0"),
        (lambda: synthetic3d.make_volume(seed="a"), TypeError, "whole number"),
    ],
)
def test_impossible_requests_are_refused_at_once(call, error, words):
    import time

    start = time.perf_counter()
    with pytest.raises(error, match=words):
        call()
    assert time.perf_counter() - start < 1.0
