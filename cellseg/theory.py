"""Closed-form predictions of the Gaussian-blob image model.

The lesson "A model of a fluorescence image" derives each formula and checks it
against a simulation. Symbols: ``B`` peak brightness, ``sigma`` cell width,
``sigma_s`` width of the smoothing filter, ``sigma_n`` noise standard deviation
(before clipping), ``t`` threshold, ``d`` centre-to-centre distance.
"""

import math

import numpy as np
from scipy import special

from . import _validate

__all__ = [
    "smoothed_sigma",
    "smoothed_peak",
    "smoothed_noise_mean",
    "smoothed_noise_std",
    "noise_exceedance",
    "midpoint_intensity",
    "min_separation",
    "area_at_threshold",
]

# Clipping N(0, s^2) at zero gives mean s / sqrt(2 pi) and variance
# s^2 (1/2 - 1/(2 pi)).
_CLIPPED_MEAN = 1.0 / math.sqrt(2.0 * math.pi)
_CLIPPED_STD = math.sqrt(0.5 - 1.0 / (2.0 * math.pi))


def smoothed_sigma(*, sigma, smooth_sigma):
    """Width of a Gaussian blob after Gaussian smoothing: ``sqrt(sigma**2 + sigma_s**2)``.

    Examples
    --------
    >>> smoothed_sigma(sigma=6, smooth_sigma=2)**2
    40.00000000000001
    """
    sigma = _validate.sigma(sigma)
    smooth_sigma = _validate.sigma(smooth_sigma, "smooth_sigma")
    return math.hypot(sigma, smooth_sigma)


def smoothed_peak(*, brightness, sigma, smooth_sigma):
    """Peak of a Gaussian blob after Gaussian smoothing: ``B sigma^2 / (sigma^2 + sigma_s^2)``.

    Smoothing keeps the blob's total intensity ``2 pi sigma^2 B`` while its
    squared width grows to ``sigma^2 + sigma_s^2``, so the peak drops by the
    ratio of the two.

    Parameters
    ----------
    brightness : float
        Peak ``B`` before smoothing.
    sigma : float
        Cell width (> 0).
    smooth_sigma : float
        Width of the smoothing filter (>= 0).

    Examples
    --------
    >>> round(smoothed_peak(brightness=1.0, sigma=6, smooth_sigma=2), 2)
    0.9
    """
    brightness = _validate.real_number(brightness, "brightness")
    sigma = _validate.real_number(sigma, "sigma", minimum=0, strict=True)
    smooth_sigma = _validate.sigma(smooth_sigma, "smooth_sigma")
    return brightness * sigma**2 / (sigma**2 + smooth_sigma**2)


def smoothed_noise_mean(*, noise_scale, clipped=False):
    """Mean of the (smoothed) noise: 0, or ``sigma_n / sqrt(2 pi)`` when clipped at zero.

    Smoothing is an average, so it does not change the mean. Clipping does:
    setting the negative half of the noise to zero leaves a positive offset, a
    background level of about ``0.4 sigma_n``.

    Examples
    --------
    >>> round(smoothed_noise_mean(noise_scale=0.15, clipped=True), 4)
    0.0598
    """
    noise_scale = _validate.real_number(noise_scale, "noise_scale", minimum=0)
    return noise_scale * _CLIPPED_MEAN if clipped else 0.0


def smoothed_noise_std(*, noise_scale, smooth_sigma, clipped=False):
    """Standard deviation of white noise after Gaussian smoothing.

    For independent pixels of standard deviation ``s`` the smoothed value is a
    weighted sum with weights ``w``, so its variance is ``s^2 sum(w^2)``; for a
    2-D Gaussian kernel of width ``sigma_s``, ``sum(w^2) = 1 / (4 pi sigma_s^2)``
    and the standard deviation is ``s / (2 sqrt(pi) sigma_s)``.

    With ``clipped=True`` the noise was clipped at zero before smoothing (as in
    :func:`cellseg.synthetic.make_pure_noise`): ``s`` is then the standard
    deviation of the clipped noise, ``sigma_n sqrt(1/2 - 1/(2 pi))``, about
    ``0.58 sigma_n``.

    The formula replaces the sum over pixels by an integral; for
    ``smooth_sigma >= 1`` pixel the two agree to better than 0.1 %.
    ``smooth_sigma = 0`` returns the unsmoothed standard deviation.

    It holds at least about ``4 * smooth_sigma`` pixels from the image border.
    Nearer the border, scipy's reflecting boundary averages some pixels twice,
    so the smoothed noise is stronger there (about ``sqrt(2)`` times on the
    outermost rows and columns) and noise crosses a threshold more often.

    Examples
    --------
    >>> round(smoothed_noise_std(noise_scale=0.15, smooth_sigma=2), 4)
    0.0212
    >>> round(smoothed_noise_std(noise_scale=0.15, smooth_sigma=2, clipped=True), 4)
    0.0124
    """
    noise_scale = _validate.real_number(noise_scale, "noise_scale", minimum=0)
    smooth_sigma = _validate.sigma(smooth_sigma, "smooth_sigma")
    s = noise_scale * _CLIPPED_STD if clipped else noise_scale
    if smooth_sigma == 0:
        return s
    return s / (2.0 * math.sqrt(math.pi) * smooth_sigma)


def noise_exceedance(threshold, *, noise_scale, smooth_sigma, clipped=False):
    """Fraction of pure-noise pixels above ``threshold`` after smoothing.

    The smoothed noise is treated as normal with the mean and standard
    deviation above, so the fraction is ``1 - Phi((t - mean) / std)``. Without
    clipping this is exact; with clipping it is the central-limit approximation
    (the smoothed value averages about ``4 pi sigma_s^2`` pixels), good near the
    mean and increasingly optimistic far in the upper tail, where the skewed
    clipped noise has more weight.

    ``threshold`` may be an array.

    Examples
    --------
    >>> round(float(noise_exceedance(0.05, noise_scale=0.15, smooth_sigma=2)), 4)   # 2.4 standard deviations
    0.0091
    """
    t = np.asarray(threshold, dtype=float)
    if not np.isfinite(t).all():
        raise ValueError("threshold must be finite (no NaN or infinity).")
    mean = smoothed_noise_mean(noise_scale=noise_scale, clipped=clipped)
    std = smoothed_noise_std(noise_scale=noise_scale, smooth_sigma=smooth_sigma, clipped=clipped)
    if std == 0:
        out = (mean > t).astype(float)
    else:
        out = special.ndtr(-(t - mean) / std)
    return out if out.ndim else float(out)


def midpoint_intensity(distance, *, brightness, sigma):
    """Intensity halfway between two equal Gaussian cells ``d`` apart: ``2 B exp(-d^2 / (8 sigma^2))``.

    Each cell is ``d/2`` from the midpoint and contributes
    ``B exp(-(d/2)^2 / (2 sigma^2))``. For ``d > 2 sigma`` the midpoint is the
    saddle between the two peaks, so two cells form one component at
    threshold ``t`` exactly when this value exceeds ``t``.

    Examples
    --------
    >>> round(midpoint_intensity(24, sigma=6, brightness=1.0), 4)   # 2 exp(-2)
    0.2707
    """
    distance = _validate.real_number(distance, "distance", minimum=0)
    sigma = _validate.real_number(sigma, "sigma", minimum=0, strict=True)
    brightness = _validate.real_number(brightness, "brightness")
    return 2.0 * brightness * math.exp(-(distance**2) / (8.0 * sigma**2))


def min_separation(threshold, *, brightness, sigma):
    """Smallest distance at which two equal cells stay apart at ``threshold``.

    Solving ``2 B exp(-d^2 / (8 sigma^2)) = t`` for ``d`` gives
    ``d = 2 sigma sqrt(2 ln(2 B / t))``. Cells closer than this merge into one
    component. When ``t >= 2 B`` the midpoint can never exceed the threshold and
    the answer is 0.

    Pass the *smoothed* width and peak (:func:`smoothed_sigma`,
    :func:`smoothed_peak`) when the threshold is applied to a smoothed image.

    Examples
    --------
    >>> round(min_separation(0.5, sigma=6, brightness=1.0), 2)   # 2 * 6 * sqrt(2 ln 4)
    19.98
    """
    threshold = _validate.real_number(threshold, "threshold", minimum=0, strict=True)
    sigma = _validate.real_number(sigma, "sigma", minimum=0, strict=True)
    brightness = _validate.real_number(brightness, "brightness", minimum=0)
    if threshold >= 2 * brightness:
        return 0.0
    return 2.0 * sigma * math.sqrt(2.0 * math.log(2.0 * brightness / threshold))


def area_at_threshold(threshold, *, peak, sigma):
    """Area (pixels) of a Gaussian blob above ``threshold``: ``2 pi sigma^2 ln(peak / t)``.

    The blob exceeds ``t`` inside the circle of radius
    ``r_t = sigma sqrt(2 ln(peak / t))``, of area ``pi r_t^2``. Zero when the
    peak does not exceed the threshold.

    Examples
    --------
    >>> round(area_at_threshold(0.5, peak=0.9, sigma=40**0.5), 1)
    147.7
    """
    threshold = _validate.real_number(threshold, "threshold", minimum=0, strict=True)
    peak = _validate.real_number(peak, "peak")
    sigma = _validate.real_number(sigma, "sigma", minimum=0, strict=True)
    if peak <= threshold:
        return 0.0
    return 2.0 * math.pi * sigma**2 * math.log(peak / threshold)
