"""typical_radius (scale-space LoG) and segment_nuclei (the recipe in radius units)."""

import numpy as np
import pytest
from skimage.measure import regionprops_table
from skimage.transform import rescale

import cellseg
from cellseg import scoring
from cellseg.scale import RECIPE, segment_nuclei, typical_radius


def discs(radius, shape=(256, 256), spacing=None, seed=0, noise=0.0):
    """Bright discs of one radius on a grid, jittered, with optional noise."""
    rng = np.random.default_rng(seed)
    spacing = spacing or int(4 * radius)
    yy, xx = np.mgrid[: shape[0], : shape[1]]
    image = np.zeros(shape)
    for cy in range(spacing // 2, shape[0] - spacing // 4, spacing):
        for cx in range(spacing // 2, shape[1] - spacing // 4, spacing):
            dy, dx = rng.uniform(-0.5, 0.5, 2)
            image[(yy - cy - dy) ** 2 + (xx - cx - dx) ** 2 <= radius**2] = 100.0
    return image + noise * rng.standard_normal(shape)


def annotated_radius(labels):
    areas = regionprops_table(labels, properties=["area"])["area"]
    return float(np.median(np.sqrt(areas / np.pi)))


@pytest.mark.parametrize("radius", [3.0, 6.0, 11.0, 20.0])
def test_discs_peak_at_sqrt2_sigma(radius):
    """The normalised LoG of a disc of radius r is strongest at sigma = r / sqrt(2)."""
    assert typical_radius(discs(radius)) == pytest.approx(radius, rel=0.05)


def test_noise_and_intensity_units_do_not_matter():
    clean = typical_radius(discs(8.0))
    noisy = typical_radius(discs(8.0, noise=20.0))
    assert noisy == pytest.approx(clean, rel=0.05)
    assert typical_radius(3 * discs(8.0) + 1000) == pytest.approx(clean, rel=1e-4)


@pytest.mark.parametrize("factor", [1.0, 0.5])
def test_within_15_percent_on_the_real_image(factor):
    image, labels = cellseg.nuclei_2d()
    if factor != 1:  # the same nuclei at half the magnification
        image = rescale(image.astype(float), factor, order=1, anti_aliasing=True)
        labels = rescale(labels, factor, order=0, preserve_range=True,
                         anti_aliasing=False).astype(labels.dtype)
    truth = annotated_radius(labels)
    assert truth == pytest.approx(11.8 * factor, rel=0.02)  # the image is what we think
    assert abs(typical_radius(image) / truth - 1) < 0.15


def test_a_huge_image_is_refused_before_any_work():
    huge = np.broadcast_to(np.float32(0), (8000, 8000))  # no memory behind it
    with pytest.raises(ValueError, match="representative crop"):
        typical_radius(huge)


def test_pixel_size_gives_micrometres():
    image = discs(8.0, shape=(128, 128))
    in_pixels = typical_radius(image)
    assert typical_radius(image, pixel_size=0.325) == pytest.approx(0.325 * in_pixels)
    assert typical_radius(image, pixel_size=(0.5, 0.5)) == pytest.approx(0.5 * in_pixels)


@pytest.mark.parametrize(
    "image, kwargs, error, match",
    [
        (np.zeros((64, 64)), {}, ValueError, "uniform"),
        (np.zeros((12, 12)) + np.eye(12), {}, ValueError, "too small"),
        (np.zeros((4, 64, 64)), {}, ValueError, "2-D"),
        ("image", {}, TypeError, "NumPy array of intensities|numeric"),
        (discs(6.0), {"pixel_size": (0.5, 0.25)}, ValueError, "not square"),
        (discs(6.0), {"pixel_size": "0.5"}, TypeError, "micrometres per pixel"),
        (discs(6.0), {"pixel_size": -1}, ValueError, "greater than 0"),
        (discs(6.0), {"pixel_size": (1, 1, 1)}, ValueError, "3 values"),
    ],
)
def test_bad_input(image, kwargs, error, match):
    with pytest.raises(error, match=match):
        typical_radius(image, **kwargs)


@pytest.fixture(scope="module")
def real():
    image, labels = cellseg.nuclei_2d()
    return image.astype(float), labels


def test_segment_nuclei_on_the_real_image(real):
    image, truth = real
    labels = segment_nuclei(image)
    assert labels.shape == truth.shape and labels.dtype.kind == "i"
    result = cellseg.matching(truth, labels)
    assert result.f1 > 0.7
    assert abs(int(labels.max()) - 125) < 15  # about one object per annotated nucleus
    # the held-out half, as the recipe was tuned on the top half only
    tiles = scoring.grid_regions(truth.shape, tile_shape=(64, 64))
    test = np.arange(tiles.max() + 1) >= (tiles.max() + 1) // 2
    assert scoring.count_by_region(truth, labels, regions=tiles).select(test).pooled()["dsb"] > 0.3


def test_segment_nuclei_carries_across_magnification(real):
    """At half the magnification the recipe keeps its F1; pixel-unit settings lose it."""
    image, truth = real
    small = rescale(image, 0.5, order=1, anti_aliasing=True)
    small_truth = rescale(truth, 0.5, order=0, preserve_range=True,
                          anti_aliasing=False).astype(truth.dtype)
    full_f1 = cellseg.matching(truth, segment_nuclei(image)).f1
    small_f1 = cellseg.matching(small_truth, segment_nuclei(small)).f1
    assert abs(small_f1 - full_f1) < 0.06
    # Voronoi-Otsu with the lesson's setting, tuned in pixels on the same image
    in_pixels = cellseg.voronoi_otsu_labeling(small, spot_sigma=3.5, outline_sigma=1.0)
    assert small_f1 > cellseg.matching(small_truth, in_pixels).f1 + 0.1


def test_radius_in_pixels_or_micrometres(real):
    image = real[0][:256, :256]
    r = typical_radius(image)
    estimated = segment_nuclei(image)
    np.testing.assert_array_equal(estimated, segment_nuclei(image, radius=r))
    np.testing.assert_array_equal(segment_nuclei(image, radius=10.0),
                                  segment_nuclei(image, radius=5.0, pixel_size=0.5))
    assert set(RECIPE) == {"method", "sigma", "min_distance", "min_area"}


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"radius": "10"}, TypeError, "real number"),
        ({"radius": -3.0}, ValueError, "greater than 0"),
        ({"radius": 0.2}, ValueError, "between 1 pixel"),
        ({"radius": 500.0}, ValueError, "half the image"),
        ({"radius": 500.0, "pixel_size": 0.5}, ValueError, "micrometres"),
        ({"pixel_size": (0.5, 0.3)}, ValueError, "not square"),
    ],
)
def test_segment_nuclei_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        segment_nuclei(discs(6.0, shape=(96, 96)), **kwargs)


def test_segment_nuclei_wants_one_plane():
    with pytest.raises(ValueError, match="2-D"):
        segment_nuclei(np.zeros((3, 64, 64)))


@pytest.mark.parametrize("radius", [30, 40])
@pytest.mark.parametrize("shift", [0, 3, 6, 9])
def test_typical_radius_of_large_flat_nuclei_wherever_they_sit(radius, shift):
    """Large nuclei are found on a coarse pyramid level, their centres a few pixels off: the
    answers of their rims must still be suppressed by the nucleus's own blob."""
    from skimage.draw import disk

    image = np.zeros((400, 400))
    for row, col in ((100, 100), (100, 300), (300, 100), (300, 300)):
        image[disk((row + shift, col + shift), radius, shape=image.shape)] = 1
    assert cellseg.typical_radius(image) == pytest.approx(radius, rel=0.05)
