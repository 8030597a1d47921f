"""Each 3-D formula of cellseg.theory3d checked against a simulation (or a closed form)."""

import math

import numpy as np
import pytest

from cellseg import pipeline3d, theory, theory3d
from cellseg.synthetic3d import FWHM_FACTOR, make_volume, render_nuclei

SPACING = (1.0, 0.25, 0.25)


def _blob(semi_axes, shape=(41, 121, 121)):
    center = np.array(shape) // 2
    return center, render_nuclei([center], semi_axes=semi_axes, shape=shape, spacing=SPACING,
                                 psf_sigma=(0.0, 0.0))


def test_smoothed_peak_and_widths_against_a_smoothed_blob():
    semi_axes = np.array([3.0, 4.0, 2.5])
    sigma = semi_axes / FWHM_FACTOR
    smooth_sigma = (1.5, 0.5, 1.0)  # um: 1.5, 2 and 4 voxels
    center, blob = _blob(semi_axes)
    smoothed = pipeline3d.smooth(blob, sigma=smooth_sigma, spacing=SPACING)
    assert smoothed[tuple(center)] == pytest.approx(
        theory3d.smoothed_peak(brightness=1.0, sigma=sigma, smooth_sigma=smooth_sigma), rel=2e-3)
    # widths from the second moments of the profiles through the centre, in um
    widths = theory3d.smoothed_sigma(sigma=sigma, smooth_sigma=smooth_sigma)
    for axis in range(3):
        index = list(center)
        index[axis] = slice(None)
        profile = smoothed[tuple(index)]
        x = (np.arange(len(profile)) - center[axis]) * SPACING[axis]
        measured = math.sqrt((profile * x**2).sum() / profile.sum())
        assert measured == pytest.approx(widths[axis], rel=5e-3)


def test_peak_of_the_microscope_image():
    """The PSF is a Gaussian filter: the image peak is smoothed_peak(B, sigma, psf)."""
    scene = make_volume(noise_scale=0.0)
    from cellseg.synthetic3d import draw_nuclei

    centers, semi_axes, _ = draw_nuclei()
    psf = (1.0, 0.2, 0.2)
    for c, a in zip(centers, semi_axes):
        predicted = theory3d.smoothed_peak(brightness=1.0, sigma=a / FWHM_FACTOR, smooth_sigma=psf)
        # neighbouring nuclei add a little light; nothing else differs
        assert predicted <= scene.image[tuple(c)] < predicted + 0.02


@pytest.mark.parametrize("clipped", [False, True])
@pytest.mark.parametrize("sigma_um, spacing", [(1.0, (1.0, 0.25, 0.25)), ((2.0, 0.5, 0.5), (1.0, 0.5, 0.5)),
                                               (1.0, (1.0, 1.0, 1.0))])
def test_smoothed_noise_std_against_simulated_noise(sigma_um, spacing, clipped):
    rng = np.random.default_rng(2024)
    noise = rng.normal(0.0, 0.15, (96, 96, 96))
    if clipped:
        noise = np.clip(noise, 0, None)
    smoothed = pipeline3d.smooth(noise, sigma=sigma_um, spacing=spacing)
    reach = np.ceil(4 * np.broadcast_to(sigma_um, 3) / np.array(spacing)).astype(int)
    inner = smoothed[tuple(slice(r, -r) for r in reach)]
    predicted = theory3d.smoothed_noise_std(noise_scale=0.15, smooth_sigma=sigma_um, spacing=spacing,
                                           clipped=clipped)
    assert inner.std() == pytest.approx(predicted, rel=0.05)
    assert inner.mean() == pytest.approx(theory.smoothed_noise_mean(noise_scale=0.15, clipped=clipped),
                                         abs=predicted / 10)


def test_noise_formula_fails_below_one_voxel_as_documented():
    rng = np.random.default_rng(5)
    noise = rng.normal(0.0, 1.0, (64, 64, 64))
    smoothed = pipeline3d.smooth(noise, sigma=0.5, spacing=(1.0, 1.0, 1.0))[4:-4, 4:-4, 4:-4]
    ratio = smoothed.std() / theory3d.smoothed_noise_std(noise_scale=1.0, smooth_sigma=0.5,
                                                         spacing=(1.0, 1.0, 1.0))
    assert 1.12 < ratio < 1.28  # (1.07)^3: about 7 % per axis


def test_unsmoothed_axis_contributes_nothing():
    assert theory3d.smoothed_noise_std(noise_scale=0.2, smooth_sigma=0, spacing=(1, 1, 1)) == 0.2


def test_volume_at_threshold_against_a_thresholded_blob():
    semi_axes = np.array([3.0, 4.0, 2.5])
    sigma = semi_axes / FWHM_FACTOR
    fine = (0.2, 0.2, 0.2)  # fine voxels: the count measures the volume precisely
    shape = (61, 61, 61)
    blob = render_nuclei([[30, 30, 30]], semi_axes=semi_axes, shape=shape, spacing=fine,
                         psf_sigma=(0, 0))
    for t in [0.3, 0.5, 0.8]:
        measured = (blob > t).sum() * np.prod(fine)
        assert measured == pytest.approx(theory3d.volume_at_threshold(t, peak=1.0, sigma=sigma), rel=0.01)
    # at half the peak: the true (half-maximum) ellipsoid
    assert theory3d.volume_at_threshold(0.5, peak=1.0, sigma=sigma) == pytest.approx(
        theory3d.ellipsoid_volume(semi_axes))
    assert theory3d.volume_at_threshold(1.5, peak=1.0, sigma=sigma) == 0.0


def test_ellipsoid_surface_against_the_spheroid_closed_forms():
    a, c = 5.0, 2.0  # oblate: equatorial radius a, polar semi-axis c
    e = math.sqrt(1 - c**2 / a**2)
    oblate = 2 * math.pi * a**2 * (1 + (1 - e**2) / e * math.atanh(e))
    assert theory3d.ellipsoid_surface_area((c, a, a)) == pytest.approx(oblate, rel=1e-12)
    a, c = 2.0, 5.0  # prolate
    e = math.sqrt(1 - a**2 / c**2)
    prolate = 2 * math.pi * a**2 * (1 + c / (a * e) * math.asin(e))
    assert theory3d.ellipsoid_surface_area((a, c, a)) == pytest.approx(prolate, rel=1e-12)
    assert theory3d.ellipsoid_volume((2, 3, 4)) == pytest.approx(32 * math.pi)


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: theory3d.smoothed_peak(brightness=1.0, sigma=(1.0, 2.0), smooth_sigma=1.0), ValueError),
        (lambda: theory3d.smoothed_peak(brightness=1, sigma=(0.0, 2.0, 2.0), smooth_sigma=1), ValueError),
        (lambda: theory3d.smoothed_sigma(sigma=(1, 1, 1), smooth_sigma=(-1, 0, 0)), ValueError),
        (lambda: theory3d.smoothed_noise_std(noise_scale=0.1, smooth_sigma=1, spacing=None), TypeError),
        (lambda: theory3d.smoothed_noise_std(noise_scale=0.1, smooth_sigma=1, spacing=(1, 1)), ValueError),
        (lambda: theory3d.smoothed_noise_std(noise_scale=0.1, smooth_sigma=1, spacing=(1, 1, 1),
                                            clipped="yes"), TypeError),
        (lambda: theory3d.smoothed_noise_std(noise_scale=0.1, smooth_sigma="1", spacing=(1, 1, 1)),
         TypeError),
        (lambda: theory3d.volume_at_threshold(0.0, peak=1.0, sigma=1.0), ValueError),
        (lambda: theory3d.ellipsoid_surface_area((1, np.nan, 1)), ValueError),
    ],
)
def test_errors(call, error):
    with pytest.raises(error):
        call()
