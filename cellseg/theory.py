"""Closed-form predictions of the Gaussian-blob image model, in 2-D and 3-D.

The lessons "A model of a fluorescence image" and "Cells in 3-D" derive each
formula and check it against a simulation. Symbols: ``B`` peak brightness,
``cell_sigma`` the width(s) of a cell (a Gaussian blob), ``sigma`` the width(s) of
the smoothing filter, ``sigma_n`` the noise standard deviation per pixel (before
clipping), ``t`` threshold, ``d`` centre-to-centre distance.

Widths are one number (the same along every axis) or one per axis, z first. In a
stack every width is best given in micrometres with ``spacing``, the voxel size;
without ``spacing`` lengths are in pixels. The functions that depend on the
number of dimensions take ``ndim`` (2 by default) when every width is a single
number; with widths per axis, their length says it.

- :func:`smoothed_sigma`, :func:`smoothed_peak`: a blob smoothed by a Gaussian
  filter (per axis: squared widths add; the total intensity stays);
- :func:`smoothed_noise_mean`, :func:`smoothed_noise_std`,
  :func:`noise_exceedance`: white noise after the filter;
- :func:`midpoint_intensity`, :func:`min_separation`: when two cells merge;
- :func:`area_at_threshold`, :func:`volume_at_threshold`: the size of a blob
  above a threshold;
- :func:`ellipsoid_volume`, :func:`ellipsoid_surface_area`: exact values that
  measurements of voxelised ellipsoids are compared with.
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
    "volume_at_threshold",
    "ellipsoid_volume",
    "ellipsoid_surface_area",
]

# Clipping N(0, s^2) at zero gives mean s / sqrt(2 pi) and variance
# s^2 (1/2 - 1/(2 pi)).
_CLIPPED_MEAN = 1.0 / math.sqrt(2.0 * math.pi)
_CLIPPED_STD = math.sqrt(0.5 - 1.0 / (2.0 * math.pi))


def _ndim(ndim, **values):
    """The number of axes: the length of any per-axis value, else ``ndim`` (2 by default)."""
    lengths = {}
    for name, value in values.items():
        if _validate._sequence(value):
            if not 1 <= len(value) <= 3:
                raise ValueError(f"{name} has {len(value)} values; pass one number, or one per "
                                 "axis (2 or 3, z first).")
            lengths[name] = len(value)
    if len(set(lengths.values())) > 1:
        raise ValueError(
            f"the per-axis values have different lengths ({lengths}); pass one number or the "
            "same number of values (one per axis) everywhere."
        )
    if lengths:
        found = next(iter(lengths.values()))
        if ndim is not None and _validate.whole_number(ndim, "ndim") != found:
            raise ValueError(f"ndim={ndim} but {', '.join(lengths)} has {found} values; pass one.")
        return found
    ndim = 2 if ndim is None else _validate.whole_number(ndim, "ndim")
    if ndim not in (1, 2, 3):
        raise ValueError(f"ndim must be 1, 2 or 3, got {ndim}; pass e.g. ndim=3 for a stack.")
    return ndim


def _scalar_or_array(values, *originals):
    """A float when every width was given as one number, else the per-axis array."""
    if all(np.ndim(v) == 0 for v in originals):
        return float(values[0])
    return values


def smoothed_sigma(*, cell_sigma, sigma):
    """Width of a Gaussian blob after Gaussian smoothing: ``sqrt(cell_sigma**2 + sigma**2)``.

    Per axis when the widths are given per axis (z first).

    Parameters
    ----------
    cell_sigma : float or sequence of floats
        Width of the blob (> 0).
    sigma : float or sequence of floats
        Width of the filter (>= 0).

    Returns
    -------
    float, or ndarray of float (one per axis) when any width is per axis

    Examples
    --------
    >>> smoothed_sigma(cell_sigma=6, sigma=2)**2
    40.00000000000001
    >>> smoothed_sigma(cell_sigma=(2.0, 3.0, 3.0), sigma=(1.5, 0.0, 0.0))
    array([2.5, 3. , 3. ])
    """
    ndim = _ndim(None, cell_sigma=cell_sigma, sigma=sigma)
    cell = _validate.widths(cell_sigma, "cell_sigma", ndim=ndim, strict=True)
    filt = _validate.widths(sigma, "sigma", ndim=ndim)
    return _scalar_or_array(np.hypot(cell, filt), cell_sigma, sigma)


def smoothed_peak(*, brightness, cell_sigma, sigma, ndim=None):
    """Peak of a Gaussian blob after Gaussian smoothing: ``B prod(cell_sigma / smoothed width)``.

    Smoothing keeps the blob's total intensity, ``B (2 pi)^(n/2) prod(cell_sigma)``,
    while every width grows to ``sqrt(cell_sigma_i^2 + sigma_i^2)``; the peak drops
    by the ratio of the products. In 2-D with one width each, that is
    ``B cell_sigma^2 / (cell_sigma^2 + sigma^2)``. Each axis contributes its own
    factor, so a filter that is wide along z but narrow in the plane lowers the
    peak mainly through z.

    Parameters
    ----------
    brightness : float
        Peak ``B`` before smoothing.
    cell_sigma : float or sequence of floats
        Width of the blob (> 0).
    sigma : float or sequence of floats
        Width of the filter (>= 0).
    ndim : int, optional
        Number of axes when both widths are single numbers (2 by default).

    Returns
    -------
    float
        The peak after smoothing, in the units of ``brightness``.

    Examples
    --------
    >>> round(smoothed_peak(brightness=1.0, cell_sigma=6, sigma=2), 2)
    0.9
    >>> round(smoothed_peak(brightness=1.0, cell_sigma=(2.0, 3.0, 3.0), sigma=(1.5, 0, 0)), 3)
    0.8
    """
    brightness = _validate.real_number(brightness, "brightness")
    ndim = _ndim(ndim, cell_sigma=cell_sigma, sigma=sigma)
    cell = _validate.widths(cell_sigma, "cell_sigma", ndim=ndim, strict=True)
    filt = _validate.widths(sigma, "sigma", ndim=ndim)
    if ndim == 2 and np.ndim(cell_sigma) == 0 and np.ndim(sigma) == 0:
        c, s = float(cell[0]), float(filt[0])
        return brightness * c**2 / (c**2 + s**2)
    return float(brightness * np.prod(cell / np.hypot(cell, filt)))


def smoothed_noise_mean(*, noise_scale, clipped=False):
    """Mean of the (smoothed) noise: 0, or ``sigma_n / sqrt(2 pi)`` when clipped at zero.

    Smoothing is an average, so it does not change the mean, in any number of
    dimensions. Clipping does: setting the negative half of the noise to zero
    leaves a positive offset, a background level of about ``0.4 sigma_n``.

    Parameters
    ----------
    noise_scale : float
        ``sigma_n``, standard deviation of the noise before clipping (>= 0).
    clipped : bool, optional
        Whether the noise was clipped at zero.

    Returns
    -------
    float

    Examples
    --------
    >>> round(smoothed_noise_mean(noise_scale=0.15, clipped=True), 4)
    0.0598
    """
    noise_scale = _validate.real_number(noise_scale, "noise_scale", minimum=0)
    clipped = _validate.boolean(clipped, "clipped")
    return noise_scale * _CLIPPED_MEAN if clipped else 0.0


def smoothed_noise_std(*, noise_scale, sigma, spacing=None, clipped=False, ndim=None):
    """Standard deviation of white noise after a Gaussian filter.

    A smoothed pixel is a weighted sum of independent noise values, so its
    variance is ``s^2 sum(w^2)``. The Gaussian weights are a product of one 1-D
    Gaussian per axis, of width ``g_i = sigma_i / spacing_i`` pixels, and the sum
    of the squared weights of a 1-D Gaussian of width ``g`` is
    ``1 / (2 sqrt(pi) g)``. Hence ``std = s / sqrt(prod_i 2 sqrt(pi) g_i)``: in
    2-D with one width, ``s / (2 sqrt(pi) sigma)``. In words: the filter averages
    about ``prod_i 2 sqrt(pi) g_i`` independent pixels; the same filter in
    micrometres removes *less* noise from a stack with larger voxels, because it
    covers fewer of them.

    With ``clipped=True`` the noise was clipped at zero before smoothing (as in
    :func:`cellseg.synthetic.make_pure_noise` and
    :func:`cellseg.synthetic3d.make_volume`): ``s`` is then
    ``sigma_n sqrt(1/2 - 1/(2 pi))``, about ``0.58 sigma_n``.

    The sum over pixels is replaced by an integral: better than 0.1 % for filters
    at least one pixel wide along every axis. Narrower filters make it too low,
    by a factor per axis: at 0.75 pixel 0.8 % in 2-D and 1.1 % in 3-D, at half a
    pixel 12 % in 2-D and 17 % in 3-D. An axis with width 0 is not smoothed and contributes a factor 1.

    It holds at least about ``4 sigma`` from the image border. Nearer the
    border, scipy's reflecting boundary counts some pixels twice, so the
    smoothed noise is stronger there and crosses a threshold more often: on
    the outermost rows (or columns) by the factor
    ``sqrt(sum_j (w_j + w_(-1-j))^2 / sum_j w_j^2)`` of the folded 1-D kernel
    ``w``, which grows from 1.33 at ``sigma = 1`` pixel to 1.39 at 2 and
    towards ``sqrt(2)`` for wide filters (in a corner, the square of it).

    Parameters
    ----------
    noise_scale : float
        ``sigma_n``, standard deviation of the noise per pixel (before clipping).
    sigma : float or sequence of floats
        Width of the filter: pixels, or the units of ``spacing``.
    spacing : float or sequence of floats, optional
        Pixel (voxel) size per axis, z first.
    clipped : bool, optional
    ndim : int, optional
        Number of axes when neither ``sigma`` nor ``spacing`` is per axis (2 by default).

    Returns
    -------
    float

    See Also
    --------
    noise_exceedance : how often the smoothed noise crosses a threshold.

    Examples
    --------
    >>> round(smoothed_noise_std(noise_scale=0.15, sigma=2), 4)
    0.0212
    >>> round(smoothed_noise_std(noise_scale=0.15, sigma=2, clipped=True), 4)
    0.0124
    >>> round(smoothed_noise_std(noise_scale=0.15, sigma=1.0, spacing=(1.0, 0.25, 0.25)), 4)
    0.0056
    """
    noise_scale = _validate.real_number(noise_scale, "noise_scale", minimum=0)
    clipped = _validate.boolean(clipped, "clipped")
    ndim = _ndim(ndim, sigma=sigma, spacing=spacing)
    widths = _validate.widths(sigma, "sigma", ndim=ndim)
    spacing = _validate.spacing(spacing, ndim)
    s = noise_scale * _CLIPPED_STD if clipped else noise_scale
    pixels = widths if spacing is None else widths / spacing
    if ndim == 2 and spacing is None and np.ndim(sigma) == 0:
        g = float(pixels[0])
        return s if g == 0 else s / (2.0 * math.sqrt(math.pi) * g)
    factors = np.where(pixels > 0, 2.0 * math.sqrt(math.pi) * pixels, 1.0)
    return float(s / math.sqrt(np.prod(factors)))


def noise_exceedance(threshold, *, noise_scale, sigma, spacing=None, clipped=False,
                     ndim=None):
    """Fraction of pure-noise pixels above ``threshold`` after smoothing.

    The smoothed noise is treated as normal with the mean and standard
    deviation above, so the fraction is ``1 - Phi((t - mean) / std)``. Without
    clipping this is exact; with clipping it is the central-limit approximation
    (the smoothed value averages about ``4 pi sigma^2`` pixels in 2-D), good near
    the mean and increasingly optimistic far in the upper tail, where the skewed
    clipped noise has more weight.

    ``threshold`` may be an array.

    Parameters
    ----------
    threshold : float or array_like
        Intensity threshold(s).
    noise_scale, sigma, spacing, clipped, ndim
        As in :func:`smoothed_noise_std`.

    Returns
    -------
    float or ndarray
        The fraction, the shape of ``threshold``.

    Examples
    --------
    >>> round(float(noise_exceedance(0.05, noise_scale=0.15, sigma=2)), 4)   # 2.4 sd
    0.0091
    """
    t = _validate.real_array(threshold, "threshold", example="threshold=[0.1, 0.2]")
    if t.ndim > 1:
        raise ValueError(f"threshold must be one number or a 1-D array of numbers, got shape {t.shape}.")
    mean = smoothed_noise_mean(noise_scale=noise_scale, clipped=clipped)
    std = smoothed_noise_std(noise_scale=noise_scale, sigma=sigma, spacing=spacing,
                             clipped=clipped, ndim=ndim)
    if std == 0:
        out = (mean > t).astype(float)
    else:
        out = special.ndtr(-(t - mean) / std)
    return out if out.ndim else float(out)


def midpoint_intensity(distance, *, brightness, cell_sigma):
    """Intensity halfway between two equal Gaussian cells ``d`` apart: ``2 B exp(-d^2 / (8 sigma^2))``.

    Each cell is ``d/2`` from the midpoint and contributes
    ``B exp(-(d/2)^2 / (2 sigma^2))``, ``sigma`` being ``cell_sigma`` along the
    line joining them. For ``d > 2 sigma`` the midpoint is the saddle between the
    two peaks, so two cells form one component at threshold ``t`` exactly when
    this value exceeds ``t``. The same in 2-D and 3-D.

    Parameters
    ----------
    distance : float
        Centre-to-centre distance (>= 0).
    brightness : float
        Peak ``B`` of each cell.
    cell_sigma : float
        Width of the cells along the line joining them (> 0).

    Returns
    -------
    float

    Examples
    --------
    >>> round(midpoint_intensity(24, cell_sigma=6, brightness=1.0), 4)   # 2 exp(-2)
    0.2707
    """
    distance = _validate.real_number(distance, "distance", minimum=0)
    cell_sigma = _validate.real_number(cell_sigma, "cell_sigma", minimum=0, strict=True)
    brightness = _validate.real_number(brightness, "brightness")
    return 2.0 * brightness * math.exp(-(distance**2) / (8.0 * cell_sigma**2))


def min_separation(threshold, *, brightness, cell_sigma):
    """Smallest distance at which two equal cells stay apart at ``threshold``.

    Solving ``2 B exp(-d^2 / (8 sigma^2)) = t`` for ``d`` gives
    ``d = 2 sigma sqrt(2 ln(2 B / t))``. Cells closer than this merge into one
    component. When ``t >= 2 B`` the midpoint can never exceed the threshold and
    the answer is 0.

    Pass the *smoothed* width and peak (:func:`smoothed_sigma`,
    :func:`smoothed_peak`) when the threshold is applied to a smoothed image.

    Parameters
    ----------
    threshold : float
        Intensity threshold (> 0).
    brightness : float
        Peak ``B`` of each cell (>= 0).
    cell_sigma : float
        Width of the cells (> 0).

    Returns
    -------
    float
        The distance, in the units of ``cell_sigma``.

    See Also
    --------
    midpoint_intensity : the intensity this solves for.

    Examples
    --------
    >>> round(min_separation(0.5, cell_sigma=6, brightness=1.0), 2)   # 2 * 6 * sqrt(2 ln 4)
    19.98
    """
    threshold = _validate.real_number(threshold, "threshold", minimum=0, strict=True)
    cell_sigma = _validate.real_number(cell_sigma, "cell_sigma", minimum=0, strict=True)
    brightness = _validate.real_number(brightness, "brightness", minimum=0)
    if threshold >= 2 * brightness:
        return 0.0
    return 2.0 * cell_sigma * math.sqrt(2.0 * math.log(2.0 * brightness / threshold))


def _size_above(threshold, peak, cell_sigma, ndim):
    """Size of the ellipsoid where a Gaussian blob exceeds ``threshold``, in ``ndim`` axes.

    The blob exceeds ``t`` inside the ellipsoid of semi-axes
    ``sigma_i sqrt(2 ln(peak / t))``; the unit ball has size
    ``pi^(n/2) / Gamma(n/2 + 1)`` (pi in 2-D, 4/3 pi in 3-D).
    """
    threshold = _validate.real_number(threshold, "threshold", minimum=0, strict=True)
    peak = _validate.real_number(peak, "peak")
    widths = _validate.widths(cell_sigma, "cell_sigma", ndim=ndim, strict=True)
    if peak <= threshold:
        return 0.0
    if ndim == 2:
        return 2.0 * math.pi * float(np.prod(widths)) * math.log(peak / threshold)
    ball = math.pi ** (ndim / 2) / math.gamma(ndim / 2 + 1)
    return float(ball * np.prod(widths) * (2.0 * math.log(peak / threshold)) ** (ndim / 2))


def area_at_threshold(threshold, *, peak, cell_sigma):
    """Area (pixels, or um^2) of a Gaussian blob above ``threshold``: ``2 pi sigma^2 ln(peak / t)``.

    The blob exceeds ``t`` inside the circle (ellipse) of radius
    ``r_t = sigma sqrt(2 ln(peak / t))``, of area ``pi r_t^2``. Zero when the
    peak does not exceed the threshold. Pass the *smoothed* peak and width when
    the threshold is applied to a smoothed image.

    Parameters
    ----------
    threshold, peak : float
    cell_sigma : float or (float, float)
        Width(s) of the blob.

    Returns
    -------
    float

    Examples
    --------
    >>> round(area_at_threshold(0.5, peak=0.9, cell_sigma=40**0.5), 1)
    147.7
    """
    return _size_above(threshold, peak, cell_sigma, 2)


def volume_at_threshold(threshold, *, peak, cell_sigma):
    """Volume (voxels, or um^3) of a Gaussian blob above ``threshold``.

    The 3-D counterpart of :func:`area_at_threshold`: the blob exceeds ``t``
    inside the ellipsoid of semi-axes ``sigma_i sqrt(2 ln(peak / t))``, of
    volume ``4/3 pi prod(sigma_i) (2 ln(peak / t))^(3/2)``.

    Parameters
    ----------
    threshold, peak : float
    cell_sigma : float or sequence of 3 floats
        Widths of the blob, z first.

    Returns
    -------
    float

    Examples
    --------
    >>> v = volume_at_threshold(0.5, peak=1.0, cell_sigma=(2.0, 3.0, 3.0))
    >>> round(v / (4 / 3 * np.pi * 18), 4)   # (2 ln 2)^1.5
    1.6322
    """
    return _size_above(threshold, peak, cell_sigma, 3)


def ellipsoid_volume(semi_axes):
    """Volume ``4/3 pi a b c`` of an ellipsoid with semi-axes ``(a, b, c)``.

    Parameters
    ----------
    semi_axes : float or sequence of 3 floats
        ``(a, b, c)``, each > 0.

    Returns
    -------
    float

    Examples
    --------
    >>> round(ellipsoid_volume((10, 10, 10)), 1)
    4188.8
    """
    axes = _validate.widths(semi_axes, "semi_axes", ndim=3, strict=True)
    return float(4.0 / 3.0 * math.pi * np.prod(axes))


def ellipsoid_surface_area(semi_axes):
    """Exact surface area of an ellipsoid with semi-axes ``(a, b, c)``.

    The surface of a general ellipsoid has no elementary formula; it is
    ``4 pi R_G(a^2 b^2, a^2 c^2, b^2 c^2)`` with Carlson's symmetric elliptic
    integral ``R_G`` (:func:`scipy.special.elliprg`), exact to machine
    precision. For a ball of radius ``r`` this is ``4 pi r^2``.

    Parameters
    ----------
    semi_axes : float or sequence of 3 floats
        ``(a, b, c)``, each > 0.

    Returns
    -------
    float

    Examples
    --------
    >>> round(ellipsoid_surface_area((10, 10, 10)) / (4 * np.pi * 100), 12)
    1.0
    >>> round(ellipsoid_surface_area((1, 1, 100)) / (np.pi**2 * 100), 3)   # a thin needle
    1.0
    """
    a, b, c = _validate.widths(semi_axes, "semi_axes", ndim=3, strict=True)
    return float(4.0 * math.pi * special.elliprg(a * a * b * b, a * a * c * c, b * b * c * c))
