"""Closed forms of cellseg.theory against hand calculations and simulations."""

import math

import numpy as np
import pytest
from scipy import ndimage as ndi

import cellseg
from cellseg import pipeline, synthetic, theory

from cellseg.synthetic3d import FWHM_FACTOR, make_volume, render_nuclei

@pytest.fixture(scope="module")
def big_noise():
    """Unclipped and clipped smoothed noise on a 1024^2 image (seeded)."""
    raw = np.random.default_rng(11).normal(0.0, 0.15, (1024, 1024))
    return ndi.gaussian_filter(raw, 2.0), ndi.gaussian_filter(np.maximum(raw, 0), 2.0)


def test_hand_values():
    assert theory.smoothed_peak(brightness=1.0, cell_sigma=6, sigma=2) == pytest.approx(36 / 40)
    assert theory.smoothed_sigma(cell_sigma=6, sigma=2) == pytest.approx(math.sqrt(40))
    assert theory.midpoint_intensity(24, cell_sigma=6, brightness=1.0) == pytest.approx(2 * math.exp(-2))
    assert theory.min_separation(0.5, cell_sigma=6, brightness=1.0) == pytest.approx(12 * math.sqrt(2 * math.log(4)))
    assert theory.area_at_threshold(0.5, peak=0.9, cell_sigma=math.sqrt(40)) == pytest.approx(
        80 * math.pi * math.log(1.8)
    )
    assert theory.smoothed_noise_std(noise_scale=0.15, sigma=2) == pytest.approx(0.15 / (4 * math.sqrt(math.pi)))


def test_min_separation_inverts_midpoint_intensity():
    for t in (0.1, 0.5, 1.2):
        d = theory.min_separation(t, cell_sigma=5.0, brightness=0.8)
        assert theory.midpoint_intensity(d, cell_sigma=5.0, brightness=0.8) == pytest.approx(t)
    assert theory.min_separation(2.5, cell_sigma=5.0, brightness=1.0) == 0.0  # threshold above twice the peak


def test_area_is_zero_when_the_peak_is_below_the_threshold():
    assert theory.area_at_threshold(0.9, peak=0.5, cell_sigma=6) == 0.0


def test_smoothed_peak_matches_a_smoothed_blob():
    blob = synthetic.render_cells([[50, 50]], shape=101, cell_sigma=6, brightness=1.0)
    measured = cellseg.smooth(blob, sigma=2).max()
    assert measured == pytest.approx(theory.smoothed_peak(brightness=1.0, cell_sigma=6, sigma=2), rel=1e-3)


def test_smoothed_width_matches_a_smoothed_blob():
    blob = synthetic.render_cells([[50, 50]], shape=101, cell_sigma=6, brightness=1.0)
    profile = cellseg.smooth(blob, sigma=2)[50]
    x = np.arange(101) - 50
    measured = math.sqrt((profile * x**2).sum() / profile.sum())
    assert measured == pytest.approx(theory.smoothed_sigma(cell_sigma=6, sigma=2), rel=1e-3)


def test_unclipped_noise_std(big_noise):
    unclipped, _ = big_noise
    assert unclipped.std() == pytest.approx(theory.smoothed_noise_std(noise_scale=0.15, sigma=2), rel=0.02)


def test_clipped_noise_mean_and_std(big_noise):
    _, clipped = big_noise
    assert clipped.mean() == pytest.approx(theory.smoothed_noise_mean(noise_scale=0.15, clipped=True), rel=0.01)
    assert clipped.std() == pytest.approx(theory.smoothed_noise_std(noise_scale=0.15, sigma=2, clipped=True), rel=0.02)
    assert theory.smoothed_noise_mean(noise_scale=0.15) == 0.0


def test_exceedance_of_unclipped_noise(big_noise):
    unclipped, _ = big_noise
    for t in (0.02, 0.04, 0.05):
        measured = (unclipped > t).mean()
        assert measured == pytest.approx(theory.noise_exceedance(t, noise_scale=0.15, sigma=2), rel=0.1)


def test_exceedance_of_clipped_noise_near_the_mean(big_noise):
    # The normal approximation ignores the skew of clipped noise (its median lies a little
    # below its mean), so near the mean it is good to a few percentage points.
    _, clipped = big_noise
    for t in (0.05, 0.06, 0.07):
        measured = (clipped > t).mean()
        assert measured == pytest.approx(
            theory.noise_exceedance(t, noise_scale=0.15, sigma=2, clipped=True), abs=0.03
        )


def test_exceedance_accepts_arrays_and_is_monotone():
    t = np.linspace(0, 0.2, 9)
    p = theory.noise_exceedance(t, noise_scale=0.15, sigma=2, clipped=True)
    assert p.shape == t.shape and (np.diff(p) < 0).all()


def test_two_noise_free_cells_merge_exactly_below_the_predicted_distance():
    # threshold the noise-free smoothed pair: merged iff the midpoint exceeds t
    sig_eff = theory.smoothed_sigma(cell_sigma=6, sigma=2)
    peak = theory.smoothed_peak(brightness=1.0, cell_sigma=6, sigma=2)
    d_pred = theory.min_separation(0.5, cell_sigma=sig_eff, brightness=peak)
    for d, merged in ((math.floor(d_pred) - 1, True), (math.ceil(d_pred) + 1, False)):
        pair = synthetic.render_cells([[40, 40 - d / 2], [40, 40 + d / 2]], shape=(80, 100), cell_sigma=6,
                                      brightness=1.0)
        n = int(cellseg.segment(cellseg.smooth(pair, sigma=2), threshold=0.5, min_size=0).max())
        assert n == (1 if merged else 2), (d, d_pred)


def test_area_at_threshold_matches_the_default_image():
    image = cellseg.make_image().image
    labels = cellseg.segment(cellseg.smooth(image))
    predicted = theory.area_at_threshold(
        cellseg.THRESHOLD,
        peak=theory.smoothed_peak(brightness=1.0, cell_sigma=6, sigma=2),
        cell_sigma=theory.smoothed_sigma(cell_sigma=6, sigma=2),
    )
    assert cellseg.cell_sizes(labels).mean() == pytest.approx(predicted, rel=0.05)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: theory.smoothed_peak(brightness=1.0, cell_sigma=0, sigma=2), "cell_sigma must be finite and > 0"),
        (lambda: theory.smoothed_noise_std(noise_scale=0.1, sigma=-2), "sigma must be finite and >= 0"),
        (lambda: theory.min_separation(float("nan"), cell_sigma=6, brightness=1), "threshold must be a finite number"),
        (lambda: theory.min_separation(0, cell_sigma=6, brightness=1), "threshold must be greater than 0"),
        (lambda: theory.area_at_threshold(0.5, peak=0.9, cell_sigma=-1), "cell_sigma must be finite and > 0"),
        (lambda: theory.midpoint_intensity(-1, cell_sigma=6, brightness=1), "distance must be at least 0"),
        (lambda: theory.noise_exceedance([0.1, np.nan], noise_scale=0.1, sigma=2), "finite"),
    ],
)
def test_bad_arguments_are_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_non_numbers_are_rejected():
    with pytest.raises(TypeError, match="real number"):
        theory.smoothed_peak(brightness="1", cell_sigma=6, sigma=2)


def test_smoothed_noise_is_stronger_on_the_border_as_documented(big_noise):
    unclipped, _ = big_noise
    interior = unclipped[8:-8, 8:-8].std()
    edge_rows = np.concatenate([unclipped[0, 8:-8], unclipped[-1, 8:-8]]).std()
    assert interior == pytest.approx(theory.smoothed_noise_std(noise_scale=0.15, sigma=2), rel=0.02)
    assert edge_rows / interior == pytest.approx(math.sqrt(2), rel=0.1)


def test_merging_distance_predicted_by_the_midpoint_formula():
    sigma_s = theory.smoothed_sigma(cell_sigma=synthetic.CELL_SIGMA, sigma=pipeline.SMOOTH_SIGMA)
    peak = theory.smoothed_peak(brightness=1.0, cell_sigma=synthetic.CELL_SIGMA, sigma=pipeline.SMOOTH_SIGMA)
    d_merge = theory.min_separation(pipeline.THRESHOLD, cell_sigma=sigma_s, brightness=peak)
    assert 20 < d_merge < 20.5
    # No clipping offset at the saddle: the raw signal there is about 3 noise standard
    # deviations above zero, so the noise is almost never clipped (the 0.06 offset of the
    # background would move the prediction to 21.2 px, which the simulation refutes).
    for seed in range(5):
        apart = int(pipeline.segment(
            pipeline.smooth(synthetic.make_pair(distance=d_merge + 1.0, seed=seed).image)).max())
        merged = int(pipeline.segment(
            pipeline.smooth(synthetic.make_pair(distance=d_merge - 1.0, seed=seed).image)).max())
        assert (apart, merged) == (2, 1)


# --- 3-D: every width per axis, in micrometres --------------------------------


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
    smoothed = pipeline.smooth(blob, sigma=smooth_sigma, spacing=SPACING)
    assert smoothed[tuple(center)] == pytest.approx(
        theory.smoothed_peak(brightness=1.0, cell_sigma=sigma, sigma=smooth_sigma), rel=2e-3)
    # widths from the second moments of the profiles through the centre, in um
    widths = theory.smoothed_sigma(cell_sigma=sigma, sigma=smooth_sigma)
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
        predicted = theory.smoothed_peak(brightness=1.0, cell_sigma=a / FWHM_FACTOR, sigma=psf)
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
    smoothed = pipeline.smooth(noise, sigma=sigma_um, spacing=spacing)
    reach = np.ceil(4 * np.broadcast_to(sigma_um, 3) / np.array(spacing)).astype(int)
    inner = smoothed[tuple(slice(r, -r) for r in reach)]
    predicted = theory.smoothed_noise_std(noise_scale=0.15, sigma=sigma_um, spacing=spacing,
                                           clipped=clipped)
    assert inner.std() == pytest.approx(predicted, rel=0.05)
    assert inner.mean() == pytest.approx(theory.smoothed_noise_mean(noise_scale=0.15, clipped=clipped),
                                         abs=predicted / 10)


def test_noise_formula_fails_below_one_voxel_as_documented():
    rng = np.random.default_rng(5)
    noise = rng.normal(0.0, 1.0, (64, 64, 64))
    smoothed = pipeline.smooth(noise, sigma=0.5, spacing=(1.0, 1.0, 1.0))[4:-4, 4:-4, 4:-4]
    ratio = smoothed.std() / theory.smoothed_noise_std(noise_scale=1.0, sigma=0.5,
                                                         spacing=(1.0, 1.0, 1.0))
    assert 1.12 < ratio < 1.28  # (1.07)^3: about 7 % per axis


def test_unsmoothed_axis_contributes_nothing():
    assert theory.smoothed_noise_std(noise_scale=0.2, sigma=0, spacing=(1, 1, 1)) == 0.2


def test_volume_at_threshold_against_a_thresholded_blob():
    semi_axes = np.array([3.0, 4.0, 2.5])
    sigma = semi_axes / FWHM_FACTOR
    fine = (0.2, 0.2, 0.2)  # fine voxels: the count measures the volume precisely
    shape = (61, 61, 61)
    blob = render_nuclei([[30, 30, 30]], semi_axes=semi_axes, shape=shape, spacing=fine,
                         psf_sigma=(0, 0))
    for t in [0.3, 0.5, 0.8]:
        measured = (blob > t).sum() * np.prod(fine)
        assert measured == pytest.approx(theory.volume_at_threshold(t, peak=1.0, cell_sigma=sigma), rel=0.01)
    # at half the peak: the true (half-maximum) ellipsoid
    assert theory.volume_at_threshold(0.5, peak=1.0, cell_sigma=sigma) == pytest.approx(
        theory.ellipsoid_volume(semi_axes))
    assert theory.volume_at_threshold(1.5, peak=1.0, cell_sigma=sigma) == 0.0


def test_ellipsoid_surface_against_the_spheroid_closed_forms():
    a, c = 5.0, 2.0  # oblate: equatorial radius a, polar semi-axis c
    e = math.sqrt(1 - c**2 / a**2)
    oblate = 2 * math.pi * a**2 * (1 + (1 - e**2) / e * math.atanh(e))
    assert theory.ellipsoid_surface_area((c, a, a)) == pytest.approx(oblate, rel=1e-12)
    a, c = 2.0, 5.0  # prolate
    e = math.sqrt(1 - a**2 / c**2)
    prolate = 2 * math.pi * a**2 * (1 + c / (a * e) * math.asin(e))
    assert theory.ellipsoid_surface_area((a, c, a)) == pytest.approx(prolate, rel=1e-12)
    assert theory.ellipsoid_volume((2, 3, 4)) == pytest.approx(32 * math.pi)


@pytest.mark.parametrize(
    "call, error",
    [
        (lambda: theory.smoothed_peak(brightness=1.0, cell_sigma=(1.0, 2.0), sigma=(1, 1, 1)), ValueError),
        (lambda: theory.smoothed_peak(brightness=1, cell_sigma=(0.0, 2.0, 2.0), sigma=1), ValueError),
        (lambda: theory.smoothed_sigma(cell_sigma=(1, 1, 1), sigma=(-1, 0, 0)), ValueError),
        (lambda: theory.smoothed_noise_std(noise_scale=0.1, sigma=1, spacing="1"), TypeError),
        (lambda: theory.smoothed_noise_std(noise_scale=0.1, sigma=(1, 1, 1), spacing=(1, 1)), ValueError),
        (lambda: theory.smoothed_noise_std(noise_scale=0.1, sigma=1, spacing=(1, 1, 1),
                                            clipped="yes"), TypeError),
        (lambda: theory.smoothed_noise_std(noise_scale=0.1, sigma="1", spacing=(1, 1, 1)),
         TypeError),
        (lambda: theory.volume_at_threshold(0.0, peak=1.0, cell_sigma=1.0), ValueError),
        (lambda: theory.ellipsoid_surface_area((1, np.nan, 1)), ValueError),
    ],
)
def test_errors(call, error):
    with pytest.raises(error):
        call()


def test_noise_near_the_border_is_stronger_by_the_folded_kernel():
    # the docstring's factors for the outermost rows: 1.33 at sigma 1, 1.39 at sigma 2
    n = 128
    for sigma, factor in ((1.0, 1.33), (2.0, 1.39)):
        # exact: each input pixel's weight in the first and in a middle output pixel
        first = [ndi.gaussian_filter1d(np.eye(1, n, k).ravel(), sigma)[0] for k in range(n)]
        middle = [ndi.gaussian_filter1d(np.eye(1, n, k).ravel(), sigma)[n // 2] for k in range(n)]
        exact = math.sqrt(np.sum(np.square(first)) / np.sum(np.square(middle)))
        w = np.array(middle)  # the folded kernel: w_k + w_(-1-k) on pixel k
        folded = w[n // 2:] + w[n // 2 - 1::-1]
        assert exact == pytest.approx(math.sqrt(np.sum(folded**2) / np.sum(w**2)))
        assert round(exact, 2) == factor
        # and a simulation agrees
        noise = np.random.default_rng(11).normal(0, 1, (20000, 64))
        smoothed = ndi.gaussian_filter1d(noise, sigma, axis=1)
        assert smoothed[:, 0].std() / smoothed[:, 24:40].std() == pytest.approx(exact, abs=0.03)
