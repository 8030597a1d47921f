"""Closed-form predictions of the 3-D model, in micrometres.

The 2-D formulas of :mod:`cellseg.theory` carry over to a z-stack once every
width is a vector, one value per axis ``(z, y, x)`` in micrometres, and the
voxel size enters wherever voxels are counted. Symbols: ``B`` peak brightness,
``sigma`` the widths of a Gaussian blob, ``sigma_s`` the widths of a Gaussian
filter (the microscope's PSF or the pipeline's smoothing), ``sigma_n`` the
noise standard deviation per voxel, ``spacing`` the voxel size. The lesson
"Cells in 3-D" checks every formula against a simulation.

- :func:`smoothed_sigma`, :func:`smoothed_peak`: a Gaussian blob smoothed by a
  Gaussian filter (per axis: squared widths add; the total intensity stays);
- :func:`smoothed_noise_std`: white noise after per-axis smoothing in um (its
  mean is :func:`cellseg.theory.smoothed_noise_mean`, the same in any dimension);
- :func:`volume_at_threshold`: the volume of a smoothed blob above a threshold;
- :func:`ellipsoid_volume`, :func:`ellipsoid_surface_area`: the exact values
  that measurements of voxelised ellipsoids are compared with.
"""

import math

import numpy as np
from scipy import special

from . import _validate

__all__ = [
    "smoothed_sigma",
    "smoothed_peak",
    "smoothed_noise_std",
    "volume_at_threshold",
    "ellipsoid_volume",
    "ellipsoid_surface_area",
]

_CLIPPED_STD = math.sqrt(0.5 - 1.0 / (2.0 * math.pi))


def _widths(value, name, *, ndim=3, strict=False):
    """One non-negative width per axis (a single number counts for every axis)."""
    if isinstance(value, (str, bytes, dict)):
        raise TypeError(f"{name} must be numbers (um), got {value!r}.")
    arr = np.asarray(value, dtype=float)
    if arr.ndim == 0:
        arr = np.full(ndim, float(arr))
    if arr.shape != (ndim,):
        raise ValueError(
            f"{name} must be one number or one per axis ({ndim}, z first), got {value!r}."
        )
    if not np.isfinite(arr).all() or (arr < 0).any() or (strict and (arr == 0).any()):
        op = "> 0" if strict else ">= 0"
        raise ValueError(f"every value of {name} must be finite and {op}, got {value!r}.")
    return arr


def smoothed_sigma(*, sigma, smooth_sigma):
    """Widths of a Gaussian blob after a Gaussian filter: ``sqrt(sigma**2 + sigma_s**2)`` per axis.

    Parameters
    ----------
    sigma, smooth_sigma : float or sequence of 3 floats
        Widths (um) of the blob and of the filter, z first.

    Returns
    -------
    (3,) ndarray of float

    Examples
    --------
    >>> smoothed_sigma(sigma=(2.0, 3.0, 3.0), smooth_sigma=(1.5, 0.0, 0.0))
    array([2.5, 3. , 3. ])
    """
    sigma = _widths(sigma, "sigma", strict=True)
    smooth_sigma = _widths(smooth_sigma, "smooth_sigma")
    return np.hypot(sigma, smooth_sigma)


def smoothed_peak(*, brightness, sigma, smooth_sigma):
    """Peak of a Gaussian blob after a Gaussian filter: ``B prod(sigma / sqrt(sigma^2 + sigma_s^2))``.

    The filter keeps the total intensity, ``B (2 pi)^(3/2) sigma_z sigma_y
    sigma_x``, while every width grows to ``sqrt(sigma_i^2 + sigma_s,i^2)``;
    the peak drops by the ratio of the products. Each axis contributes its own
    factor, so a filter that is wide along z but narrow in the plane lowers
    the peak mainly through z. (Widths in the plane may belong to any two
    perpendicular directions when the filter is the same along y and x.)

    Parameters
    ----------
    brightness : float
        Peak ``B`` before the filter.
    sigma, smooth_sigma : float or sequence of 3 floats
        Widths (um) of the blob (> 0) and of the filter (>= 0), z first.

    Examples
    --------
    >>> round(smoothed_peak(brightness=1.0, sigma=(2.0, 3.0, 3.0), smooth_sigma=(1.5, 0, 0)), 3)   # 2 / 2.5
    0.8
    """
    brightness = _validate.real_number(brightness, "brightness")
    sigma = _widths(sigma, "sigma", strict=True)
    smooth_sigma = _widths(smooth_sigma, "smooth_sigma")
    return float(brightness * np.prod(sigma / np.hypot(sigma, smooth_sigma)))


def smoothed_noise_std(*, noise_scale, smooth_sigma, spacing, clipped=False):
    """Standard deviation of white noise after a Gaussian filter given in micrometres.

    A smoothed voxel is a weighted sum of independent noise values, so its
    variance is ``s^2 sum(w^2)``. The 3-D Gaussian weights are a product of
    one 1-D Gaussian per axis, of width ``sigma_s,i / spacing_i`` voxels, and
    the sum of the squared weights of a 1-D Gaussian of width ``g`` voxels is
    ``1 / (2 sqrt(pi) g)``. Hence::

        std = s / sqrt(prod_i 2 sqrt(pi) sigma_s,i / spacing_i)
            = s * sqrt(voxel volume / ((2 sqrt(pi))^3 sigma_z sigma_y sigma_x))

    In words: the filter averages about ``(2 sqrt(pi))^3 prod(sigma_s) /
    voxel volume`` independent voxels. The same filter in micrometres removes
    *less* noise from a stack with larger voxels, because it covers fewer of
    them.

    With ``clipped=True`` the noise was clipped at zero before smoothing (as in
    :func:`cellseg.synthetic3d.make_volume`): ``s`` is then
    ``sigma_n sqrt(1/2 - 1/(2 pi))``, about ``0.58 sigma_n``.

    The sum over voxels is replaced by an integral, which is exact to 0.1 %
    for filters at least one voxel wide along every axis, 1 % off in the
    standard deviation at 0.75 voxel and 7 % at half a voxel (a Gaussian
    narrower than a voxel is hardly a Gaussian any more). An axis with
    ``sigma_s = 0`` is not smoothed and contributes a factor 1.

    Parameters
    ----------
    noise_scale : float
        ``sigma_n``, standard deviation of the noise per voxel (before clipping).
    smooth_sigma : float or sequence of 3 floats
        Widths of the filter in um, z first.
    spacing : sequence of 3 floats
        Voxel size in um, z first.
    clipped : bool, optional

    Examples
    --------
    >>> round(smoothed_noise_std(noise_scale=0.15, smooth_sigma=1.0, spacing=(1.0, 0.25, 0.25)), 4)
    0.0056
    >>> round(smoothed_noise_std(noise_scale=0.15, smooth_sigma=1.0, spacing=(1, 1, 1)), 4)
    0.0225
    """
    from .measure import check_spacing

    noise_scale = _validate.real_number(noise_scale, "noise_scale", minimum=0)
    spacing = check_spacing(spacing, 3)
    smooth_sigma = _widths(smooth_sigma, "smooth_sigma")
    clipped = _validate.flag(clipped, "clipped")
    s = noise_scale * _CLIPPED_STD if clipped else noise_scale
    voxels = smooth_sigma / spacing
    factors = np.where(voxels > 0, 2.0 * math.sqrt(math.pi) * voxels, 1.0)
    return float(s / math.sqrt(np.prod(factors)))


def volume_at_threshold(threshold, *, peak, sigma):
    """Volume (um^3) of a Gaussian blob above ``threshold``.

    The blob ``peak * exp(-sum(x_i^2 / (2 sigma_i^2)))`` exceeds ``t`` inside
    the ellipsoid of semi-axes ``sigma_i sqrt(2 ln(peak / t))``, of volume
    ``4/3 pi prod(sigma_i) (2 ln(peak / t))^(3/2)``. Zero when the peak does
    not exceed the threshold. Pass the *smoothed* peak and widths when the
    threshold is applied to a smoothed stack.

    Parameters
    ----------
    threshold : float
    peak : float
    sigma : float or sequence of 3 floats
        Widths of the blob in um.

    Examples
    --------
    >>> round(volume_at_threshold(0.5, peak=1.0, sigma=(2.0, 3.0, 3.0)) / (4 / 3 * np.pi * 18), 4)   # (2 ln 2)^1.5
    1.6322
    """
    threshold = _validate.real_number(threshold, "threshold", minimum=0, strict=True)
    peak = _validate.real_number(peak, "peak")
    sigma = _widths(sigma, "sigma", strict=True)
    if peak <= threshold:
        return 0.0
    return float(4.0 / 3.0 * math.pi * np.prod(sigma) * (2.0 * math.log(peak / threshold)) ** 1.5)


def ellipsoid_volume(semi_axes):
    """Volume ``4/3 pi a b c`` of an ellipsoid with semi-axes ``(a, b, c)``.

    Examples
    --------
    >>> round(ellipsoid_volume((10, 10, 10)), 1)
    4188.8
    """
    axes = _widths(semi_axes, "semi_axes", strict=True)
    return float(4.0 / 3.0 * math.pi * np.prod(axes))


def ellipsoid_surface_area(semi_axes):
    """Exact surface area of an ellipsoid with semi-axes ``(a, b, c)``.

    The surface of a general ellipsoid has no elementary formula; it is
    ``4 pi R_G(a^2 b^2, a^2 c^2, b^2 c^2)`` with Carlson's symmetric elliptic
    integral ``R_G`` (:func:`scipy.special.elliprg`), exact to machine
    precision. For a ball of radius ``r`` this is ``4 pi r^2``.

    Examples
    --------
    >>> round(ellipsoid_surface_area((10, 10, 10)) / (4 * np.pi * 100), 12)
    1.0
    >>> round(ellipsoid_surface_area((1, 1, 100)) / (np.pi**2 * 100), 3)   # a thin needle
    1.0
    """
    a, b, c = _widths(semi_axes, "semi_axes", strict=True)
    return float(4.0 * math.pi * special.elliprg(a * a * b * b, a * a * c * c, b * b * c * c))
