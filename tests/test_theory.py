"""Closed forms of cellseg.theory against hand calculations and simulations."""

import math

import numpy as np
import pytest
from scipy import ndimage as ndi

import cellseg
from cellseg import pipeline, synthetic, theory


@pytest.fixture(scope="module")
def big_noise():
    """Unclipped and clipped smoothed noise on a 1024^2 image (seeded)."""
    raw = np.random.default_rng(11).normal(0.0, 0.15, (1024, 1024))
    return ndi.gaussian_filter(raw, 2.0), ndi.gaussian_filter(np.maximum(raw, 0), 2.0)


def test_hand_values():
    assert theory.smoothed_peak(brightness=1.0, sigma=6, smooth_sigma=2) == pytest.approx(36 / 40)
    assert theory.smoothed_sigma(sigma=6, smooth_sigma=2) == pytest.approx(math.sqrt(40))
    assert theory.midpoint_intensity(24, sigma=6, brightness=1.0) == pytest.approx(2 * math.exp(-2))
    assert theory.min_separation(0.5, sigma=6, brightness=1.0) == pytest.approx(12 * math.sqrt(2 * math.log(4)))
    assert theory.area_at_threshold(0.5, peak=0.9, sigma=math.sqrt(40)) == pytest.approx(
        80 * math.pi * math.log(1.8)
    )
    assert theory.smoothed_noise_std(noise_scale=0.15, smooth_sigma=2) == pytest.approx(0.15 / (4 * math.sqrt(math.pi)))


def test_min_separation_inverts_midpoint_intensity():
    for t in (0.1, 0.5, 1.2):
        d = theory.min_separation(t, sigma=5.0, brightness=0.8)
        assert theory.midpoint_intensity(d, sigma=5.0, brightness=0.8) == pytest.approx(t)
    assert theory.min_separation(2.5, sigma=5.0, brightness=1.0) == 0.0  # threshold above twice the peak


def test_area_is_zero_when_the_peak_is_below_the_threshold():
    assert theory.area_at_threshold(0.9, peak=0.5, sigma=6) == 0.0


def test_smoothed_peak_matches_a_smoothed_blob():
    blob = synthetic.render_cells([[50, 50]], shape=101, sigma=6, brightness=1.0)
    measured = cellseg.smooth(blob, sigma=2).max()
    assert measured == pytest.approx(theory.smoothed_peak(brightness=1.0, sigma=6, smooth_sigma=2), rel=1e-3)


def test_smoothed_width_matches_a_smoothed_blob():
    blob = synthetic.render_cells([[50, 50]], shape=101, sigma=6, brightness=1.0)
    profile = cellseg.smooth(blob, sigma=2)[50]
    x = np.arange(101) - 50
    measured = math.sqrt((profile * x**2).sum() / profile.sum())
    assert measured == pytest.approx(theory.smoothed_sigma(sigma=6, smooth_sigma=2), rel=1e-3)


def test_unclipped_noise_std(big_noise):
    unclipped, _ = big_noise
    assert unclipped.std() == pytest.approx(theory.smoothed_noise_std(noise_scale=0.15, smooth_sigma=2), rel=0.02)


def test_clipped_noise_mean_and_std(big_noise):
    _, clipped = big_noise
    assert clipped.mean() == pytest.approx(theory.smoothed_noise_mean(noise_scale=0.15, clipped=True), rel=0.01)
    assert clipped.std() == pytest.approx(theory.smoothed_noise_std(noise_scale=0.15, smooth_sigma=2, clipped=True), rel=0.02)
    assert theory.smoothed_noise_mean(noise_scale=0.15) == 0.0


def test_exceedance_of_unclipped_noise(big_noise):
    unclipped, _ = big_noise
    for t in (0.02, 0.04, 0.05):
        measured = (unclipped > t).mean()
        assert measured == pytest.approx(theory.noise_exceedance(t, noise_scale=0.15, smooth_sigma=2), rel=0.1)


def test_exceedance_of_clipped_noise_near_the_mean(big_noise):
    # The normal approximation ignores the skew of clipped noise (its median lies a little
    # below its mean), so near the mean it is good to a few percentage points.
    _, clipped = big_noise
    for t in (0.05, 0.06, 0.07):
        measured = (clipped > t).mean()
        assert measured == pytest.approx(
            theory.noise_exceedance(t, noise_scale=0.15, smooth_sigma=2, clipped=True), abs=0.03
        )


def test_exceedance_accepts_arrays_and_is_monotone():
    t = np.linspace(0, 0.2, 9)
    p = theory.noise_exceedance(t, noise_scale=0.15, smooth_sigma=2, clipped=True)
    assert p.shape == t.shape and (np.diff(p) < 0).all()


def test_two_noise_free_cells_merge_exactly_below_the_predicted_distance():
    # threshold the noise-free smoothed pair: merged iff the midpoint exceeds t
    sig_eff = theory.smoothed_sigma(sigma=6, smooth_sigma=2)
    peak = theory.smoothed_peak(brightness=1.0, sigma=6, smooth_sigma=2)
    d_pred = theory.min_separation(0.5, sigma=sig_eff, brightness=peak)
    for d, merged in ((math.floor(d_pred) - 1, True), (math.ceil(d_pred) + 1, False)):
        pair = synthetic.render_cells([[40, 40 - d / 2], [40, 40 + d / 2]], shape=(80, 100), sigma=6, brightness=1.0)
        n = cellseg.segment(cellseg.smooth(pair, sigma=2), threshold=0.5, min_size=0)[1]
        assert n == (1 if merged else 2), (d, d_pred)


def test_area_at_threshold_matches_the_default_image():
    image = cellseg.make_image().image
    labels, _ = cellseg.segment(cellseg.smooth(image))
    predicted = theory.area_at_threshold(
        cellseg.THRESHOLD,
        peak=theory.smoothed_peak(brightness=1.0, sigma=6, smooth_sigma=2),
        sigma=theory.smoothed_sigma(sigma=6, smooth_sigma=2),
    )
    assert cellseg.cell_sizes(labels).mean() == pytest.approx(predicted, rel=0.05)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: theory.smoothed_peak(brightness=1.0, sigma=0, smooth_sigma=2), "sigma must be greater than 0"),
        (lambda: theory.smoothed_noise_std(noise_scale=0.1, smooth_sigma=-2), "smooth_sigma must be at least 0"),
        (lambda: theory.min_separation(float("nan"), sigma=6, brightness=1), "threshold must be a finite number"),
        (lambda: theory.min_separation(0, sigma=6, brightness=1), "threshold must be greater than 0"),
        (lambda: theory.area_at_threshold(0.5, peak=0.9, sigma=-1), "sigma must be greater than 0"),
        (lambda: theory.midpoint_intensity(-1, sigma=6, brightness=1), "distance must be at least 0"),
        (lambda: theory.noise_exceedance([0.1, np.nan], noise_scale=0.1, smooth_sigma=2), "finite"),
    ],
)
def test_bad_arguments_are_rejected(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_non_numbers_are_rejected():
    with pytest.raises(TypeError, match="real number"):
        theory.smoothed_peak(brightness="1", sigma=6, smooth_sigma=2)


def test_smoothed_noise_is_stronger_on_the_border_as_documented(big_noise):
    unclipped, _ = big_noise
    interior = unclipped[8:-8, 8:-8].std()
    edge_rows = np.concatenate([unclipped[0, 8:-8], unclipped[-1, 8:-8]]).std()
    assert interior == pytest.approx(theory.smoothed_noise_std(noise_scale=0.15, smooth_sigma=2), rel=0.02)
    assert edge_rows / interior == pytest.approx(math.sqrt(2), rel=0.1)


def test_merging_distance_predicted_by_the_midpoint_formula():
    sigma_s = theory.smoothed_sigma(sigma=synthetic.CELL_SIGMA, smooth_sigma=pipeline.SMOOTH_SIGMA)
    peak = theory.smoothed_peak(brightness=1.0, sigma=synthetic.CELL_SIGMA, smooth_sigma=pipeline.SMOOTH_SIGMA)
    d_merge = theory.min_separation(pipeline.THRESHOLD, sigma=sigma_s, brightness=peak)
    assert 20 < d_merge < 20.5
    # No clipping offset at the saddle: the raw signal there is about 3 noise standard
    # deviations above zero, so the noise is almost never clipped (the 0.06 offset of the
    # background would move the prediction to 21.2 px, which the simulation refutes).
    for seed in range(5):
        apart = pipeline.segment(pipeline.smooth(synthetic.make_pair(d_merge + 1.0, seed=seed).image))[1]
        merged = pipeline.segment(pipeline.smooth(synthetic.make_pair(d_merge - 1.0, seed=seed).image))[1]
        assert (apart, merged) == (2, 1)
