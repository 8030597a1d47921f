"""The size of the nuclei, estimated from the image alone, and a recipe in units of it.

A segmentation method's size parameters (smoothing widths, the smallest object
kept, the distance between two seeds) are lengths *of the objects*, not of the
pixel grid: tuned on nuclei 12 pixels across, they over-split nuclei 24 pixels
across. This module measures the objects first and scales everything by them:

- :func:`typical_radius`: the typical nucleus radius of a 2-D fluorescence
  image, from the scale-space Laplacian of Gaussian (no annotation needed);
- :func:`segment_nuclei`: the course's recommended recipe, whose parameters
  are fractions of that radius (:data:`RECIPE`), so it runs on an image of any
  magnification without touching a parameter.

Why the Laplacian of Gaussian
-----------------------------
The scale-normalised Laplacian of Gaussian, ``-sigma**2 * laplace(G_sigma * I)``,
answers most strongly at the centre of a bright disc of radius ``r`` when
``sigma = r / sqrt(2)`` (Lindeberg 1998; the derivation is in the Notes of
:func:`typical_radius`, and ``tests/test_scale.py`` checks it on drawn
discs). So each bright blob of the image picks its own scale, and the median
over the blobs is a typical radius that is robust to a few clumps or specks.
It is linear (one separable filter per scale), so it is fast on an image
pyramid and indifferent to the image's intensity units; a granulometry (grey
openings with discs of growing radius) measures the same thing with a
non-linear filter per radius, which is slower and more sensitive to noise
between touching nuclei. :func:`skimage.feature.blob_log` implements the same
detector; it finds local maxima in the whole scale-space stack at full
resolution, which costs about ten times more for large nuclei and needs an
absolute threshold.
"""

import math
import numbers

import numpy as np
from scipy import ndimage as ndi

from . import _validate

__all__ = ["typical_radius", "segment_nuclei", "RECIPE", "MIN_RADIUS_PX"]

#: Smallest radius looked for, in pixels: below it a nucleus is a few pixels and the
#: Laplacian answers to pixel noise.
MIN_RADIUS_PX = 2.5
#: Largest image typical_radius accepts, in pixels (its scale space would need gigabytes):
#: the nuclei have the same size all over an image, so a crop answers as well.
MAX_PIXELS = 50_000_000
#: Largest radius looked for, in pixels (a nucleus 200 pixels across needs no such detail).
MAX_RADIUS_PX = 100.0
#: Scales per doubling of the radius (the estimate is interpolated between them).
SCALES_PER_OCTAVE = 4
#: A blob counts if its response is at least this fraction of the strongest one.
RELATIVE_THRESHOLD = 0.2
#: Gaussian widths of the pyramid: each level is blurred by ``PRE_BLUR * step`` before
#: it is subsampled by ``step``, and a level serves scales from ``LEVEL_MIN_SIGMA * step``.
PRE_BLUR = 0.8
LEVEL_MIN_SIGMA = 1.5


def _pixel_size_2d(pixel_size):
    """A single pixel width (um) for square pixels, or None."""
    if pixel_size is None:
        return None
    if isinstance(pixel_size, (bool, np.bool_)):
        raise TypeError(f"pixel_size must be micrometres per pixel, e.g. 0.65; got {pixel_size!r}.")
    if isinstance(pixel_size, numbers.Real):
        values = [pixel_size, pixel_size]
    elif not _validate._sequence(pixel_size):
        raise TypeError(
            "pixel_size must be micrometres per pixel (one number, or (dy, dx) as "
            f"cellseg.read_image returns it); got {pixel_size!r}."
        )
    else:
        values = list(pixel_size)
    if len(values) != 2:
        raise ValueError(
            f"pixel_size has {len(values)} values for a 2-D image; pass one number or (dy, dx)."
        )
    values = [_validate.real_number(v, "pixel_size", minimum=0, strict=True) for v in values]
    if not math.isclose(values[0], values[1], rel_tol=0.01):
        raise ValueError(
            f"the pixels are not square (pixel_size={tuple(values)}); resample the image to "
            "square pixels first (skimage.transform.rescale with the ratio of the two sizes)."
        )
    return values[1]


def _scales(shape):
    """Gaussian widths (pixels) for radii from MIN_RADIUS_PX to MAX_RADIUS_PX or shape / 8."""
    largest = min(min(shape) / 8.0, MAX_RADIUS_PX)
    smallest = MIN_RADIUS_PX
    if largest <= smallest:
        raise ValueError(
            f"the image ({shape[0]} x {shape[1]} pixels) is too small to estimate a nucleus "
            f"size from: it must be at least 8 nucleus radii across and the radius at least "
            f"{MIN_RADIUS_PX} pixels, so at least {int(8 * smallest) + 1} pixels on each side."
        )
    n = int(math.ceil(SCALES_PER_OCTAVE * math.log2(largest / smallest))) + 1
    return np.geomspace(smallest, largest, n) / math.sqrt(2)


def _level_of(sigma):
    """The subsampling step of the pyramid level that computes scale ``sigma``."""
    step = 1
    while sigma >= 2 * LEVEL_MIN_SIGMA * step:
        step *= 2
    return step


def _levels(image, sigmas):
    """Per pyramid level: ``(step, best, position)`` at the level's own resolution.

    Each level serves the scales of :func:`_level_of`, plus one on each side
    (the neighbours of the parabolic refinement). ``best`` is the strongest
    normalised LoG response over the level's scales at each of its pixels and
    ``position`` the scale index where it peaks, refined by a parabola through
    the neighbouring scales (in units of scale steps). A level is the previous
    one blurred and subsampled by 2, so the image is never blurred at full size
    with a wide Gaussian.
    """
    steps = [_level_of(s) for s in sigmas]
    out = []
    level, step, pre = image, 1, 0.0
    for wanted in sorted(set(steps)):
        while step < wanted:  # next level: total pre-blur PRE_BLUR * step, in original pixels
            new_pre = PRE_BLUR * 2 * step
            level = ndi.gaussian_filter(level, math.sqrt(new_pre**2 - pre**2) / step)[::2, ::2]
            step, pre = 2 * step, new_pre
        own = [i for i, s in enumerate(steps) if s == step]
        span = range(max(own[0] - 1, 0), min(own[-1] + 2, len(sigmas)))
        stack = np.empty((len(span),) + level.shape, np.float32)
        for j, i in enumerate(span):
            inner = math.sqrt(sigmas[i] ** 2 - pre**2) / step
            stack[j] = -(sigmas[i] ** 2 / step**2) * ndi.gaussian_laplace(level, inner)
        first = own[0] - span.start
        k = stack[first : first + len(own)].argmax(axis=0) + first  # index into the stack
        peak = np.take_along_axis(stack, k[None], 0)[0]
        lo = np.take_along_axis(stack, np.maximum(k - 1, 0)[None], 0)[0]
        hi = np.take_along_axis(stack, np.minimum(k + 1, len(span) - 1)[None], 0)[0]
        curvature = lo - 2 * peak + hi
        index = k + span.start
        interior = (index > 0) & (index < len(sigmas) - 1) & (curvature < 0)
        shift = np.where(interior, 0.5 * (lo - hi) / np.where(interior, curvature, -1.0), 0.0)
        out.append((step, peak, (index + np.clip(shift, -0.5, 0.5)).astype(np.float32)))
    return out


def _blobs(image, sigmas):
    """Centres (full-grid pixels) and refined scale positions of the bright blobs.

    A blob is a local maximum of a level's ``best`` that reaches
    :data:`RELATIVE_THRESHOLD` of the strongest response anywhere, and whose
    response is not beaten by another level's at the same place (so each blob
    is counted once, at the scale where it answers most). Returns the centres,
    the refined scale positions and the responses.
    """
    from skimage.feature import peak_local_max

    levels = _levels(image, sigmas)
    strongest = max(float(best.max()) for _, best, _ in levels)
    if strongest <= 0:
        return np.empty((0, 2), int), np.empty(0), np.empty(0)
    centres, positions, values = [], [], []
    for step, best, position in levels:
        found = peak_local_max(best, min_distance=1, threshold_abs=RELATIVE_THRESHOLD * strongest,
                               exclude_border=False)
        value = best[found[:, 0], found[:, 1]]
        full = found * step
        keep = np.ones(len(found), bool)
        for other_step, other_best, _ in levels:
            if other_step != step:
                there = np.minimum(full // other_step, np.array(other_best.shape) - 1)
                keep &= value >= other_best[there[:, 0], there[:, 1]]
        centres.append(full[keep])
        positions.append(position[found[keep, 0], found[keep, 1]])
        values.append(value[keep])
    return (np.concatenate(centres), np.concatenate(positions).astype(float),
            np.concatenate(values).astype(float))


def _strongest_of_neighbours(centres, radius, strength, slack=0):
    """Keep a blob unless a stronger one lies within the larger of their two radii.

    The flat top of a large nucleus also answers at small scales near its rim
    (a third as strongly as at its centre, at the right scale); those answers
    lie inside the nucleus, so the nucleus's own, stronger blob removes them.
    A large blob's centre comes from a coarse pyramid level and may be off by
    up to its step: ``slack`` (pixels, per blob) widens its reach by that much,
    or rim answers just beyond it would survive and pull the median down.
    Two touching nuclei (centres two radii apart) both stay.
    """
    from scipy.spatial import cKDTree

    if len(centres) < 2:
        return np.ones(len(centres), bool)
    reach = radius + slack
    pairs = cKDTree(centres).query_pairs(r=float(reach.max()), output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    distance = np.hypot(*(centres[i] - centres[j]).T)
    close = distance < np.maximum(reach[i], reach[j])
    i, j = i[close], j[close]
    weaker = np.where(strength[i] < strength[j], i, j)
    keep = np.ones(len(centres), bool)
    keep[weaker] = False
    return keep


def typical_radius(image, *, pixel_size=None):
    """The typical radius of the bright nuclei of a 2-D image, from the image alone.

    Parameters
    ----------
    image : 2-D array_like
        A fluorescence image with bright nuclei on a dark background (any
        intensity units). Nuclei must be between 2.5 pixels and an eighth
        of the image's shorter side (at most 100 pixels) in radius: shrink an
        image of larger nuclei first (``skimage.transform.rescale``).
    pixel_size : float or (float, float), optional
        Micrometres per pixel (square pixels): the radius is then returned
        in micrometres. By default it is in pixels.

    Returns
    -------
    float
        The median, over the bright blobs of the image, of ``sqrt(2)`` times
        the Gaussian width at which each blob's scale-normalised Laplacian of
        Gaussian is strongest: the radius of a disc of the blob's size. On
        the course's real images it is within 15 % of the median equivalent
        radius ``sqrt(area / pi)`` of the annotated nuclei
        (``tests/test_scale.py``).

    Notes
    -----
    For a disc of radius ``r`` blurred to width ``sigma`` (variance
    ``t = sigma**2``), the value at the centre is ``u = 1 - exp(-r**2 / 2t)``
    and, since a Gaussian blur solves the heat equation ``du/dt = laplace(u)/2``,
    the normalised Laplacian there is ``t * laplace(u) = -(r**2 / t) exp(-r**2 / 2t)``,
    largest in size at ``t = r**2 / 2``: ``r = sqrt(2) * sigma``.

    The scales run from 2.5 pixels to an eighth of the shorter side (at most 100), four per
    doubling, the best one interpolated by a parabola through its
    neighbours. Large scales are computed on a subsampled copy of the image
    (a Gaussian pyramid), so the cost grows with the number of pixels, not
    with the radius. A blob is a local maximum of the strongest response
    over scales that reaches a fifth of the image's strongest and has no
    stronger blob within its radius (the rim of a large flat nucleus answers
    at small scales too, more weakly); blobs nearer the edge than their
    radius (cut nuclei) are left out.

    Examples
    --------
    >>> yy, xx = np.mgrid[:256, :256]
    >>> image = np.zeros((256, 256))
    >>> for cy in range(32, 256, 64):
    ...     for cx in range(32, 256, 64):
    ...         image[(yy - cy) ** 2 + (xx - cx) ** 2 <= 12**2] = 100.0
    >>> round(typical_radius(image), 1)
    12.0
    >>> round(typical_radius(image, pixel_size=0.5), 1)   # micrometres
    6.0
    """
    if isinstance(image, np.ndarray) and image.size > MAX_PIXELS:
        raise ValueError(
            f"the image has {np.size(image):,} pixels; estimating the nucleus size over all of "
            f"them would need several gigabytes. Pass a representative crop of at most "
            f"{MAX_PIXELS:,} pixels (e.g. image[:4096, :4096]): the nuclei are the same size "
            "all over the image."
        )
    image = _validate.image_2d(image)
    size = _pixel_size_2d(pixel_size)
    sigmas = _scales(image.shape)
    if image.min() == image.max():
        raise ValueError(
            "the image is uniform (every pixel has the same value), so it has no nuclei to "
            "measure; check that you passed the right channel."
        )
    work = ((image - image.mean()) / image.std()).astype(np.float32)
    peaks, where, strength = _blobs(work, sigmas)
    if len(peaks) == 0:
        raise ValueError(
            "no bright blob found: the image has no nuclei brighter than their surroundings. "
            "If the nuclei are dark on a bright background, pass the inverted image "
            "(image.max() - image)."
        )
    log_step = math.log(sigmas[1] / sigmas[0])
    radius = math.sqrt(2) * sigmas[0] * np.exp(where * log_step)
    steps = np.array([_level_of(r / math.sqrt(2)) for r in radius], float)
    keep = _strongest_of_neighbours(peaks, radius, strength, slack=steps)
    peaks, radius = peaks[keep], radius[keep]
    distance = np.minimum(peaks, np.array(image.shape) - 1 - peaks).min(axis=1)
    keep = distance >= radius
    if not keep.any():
        keep = np.ones_like(keep)
    estimate = float(np.median(radius[keep]))
    return estimate if size is None else estimate * size


#: The recommended recipe, in units of the typical nucleus radius ``r`` (pixels):
#: smooth with a Gaussian of ``sigma * r``, threshold with Otsu's method, cut touching
#: nuclei apart with a distance-transform watershed whose seeds are at least
#: ``min_distance * r`` apart, and drop objects smaller than ``min_area * pi * r**2``.
#: Chosen once, by the DSB score on the tuning half of :func:`cellseg.data.nuclei_2d`, over a
#: grid of this method and of Voronoi-Otsu labelling in the same units
#: (``tools/tune_recipe.py`` reruns the sweep and checks these values).
RECIPE = {"method": "Otsu + watershed", "sigma": 0.1, "min_distance": 0.6, "min_area": 0.2}


def segment_nuclei(image, *, radius=None, pixel_size=None):
    """Segment the nuclei of a 2-D fluorescence image with the course's recipe, no tuning.

    The recipe (:data:`RECIPE`) is smoothing, Otsu's threshold, a
    distance-transform watershed to cut touching nuclei apart and a size
    filter, with every size in units of the typical nucleus radius. That
    radius is estimated from the image (:func:`typical_radius`) unless you
    give it, so the same call works at any magnification.

    Parameters
    ----------
    image : 2-D array_like
        Bright nuclei on a dark background (any intensity units).
    radius : float, optional
        The typical nucleus radius: in micrometres if ``pixel_size`` is
        given, else in pixels. Estimated from the image by default.
    pixel_size : float or (float, float), optional
        Micrometres per pixel (square pixels), e.g. from
        :func:`cellseg.read_image`; only needed to give ``radius`` in
        micrometres.

    Returns
    -------
    labels : 2-D ndarray of int32
        0 = background, one id per nucleus.

    Examples
    --------
    >>> yy, xx = np.mgrid[:200, :200]
    >>> image = np.zeros((200, 200))
    >>> for cy, cx in [(50, 50), (50, 150), (150, 60), (150, 78)]:   # the last two touch
    ...     image[(yy - cy) ** 2 + (xx - cx) ** 2 <= 10**2] = 100.0
    >>> int(segment_nuclei(image).max())
    4
    >>> int(segment_nuclei(image, radius=5.0, pixel_size=0.5).max())   # 10 pixels
    4
    """
    from .tuning import threshold_watershed

    image = _validate.image_2d(image)
    size = _pixel_size_2d(pixel_size)
    if radius is None:
        radius_px = typical_radius(image)
    else:
        unit = "micrometres" if size is not None else "pixels"
        radius = _validate.real_number(radius, f"radius (in {unit})", minimum=0, strict=True)
        radius_px = radius / size if size is not None else radius
        if not 1.0 <= radius_px <= min(image.shape) / 2:
            raise ValueError(
                f"radius is {radius_px:g} pixels, but a nucleus must be between 1 pixel and "
                f"half the image ({min(image.shape) / 2:g} pixels) in radius; "
                + ("check pixel_size and that radius is in micrometres."
                   if size is not None else
                   "radius is in pixels here (pass pixel_size= to give it in micrometres).")
            )
    return threshold_watershed(
        image,
        sigma=RECIPE["sigma"] * radius_px,
        min_distance=max(1, int(round(RECIPE["min_distance"] * radius_px))),
        min_size=int(round(RECIPE["min_area"] * math.pi * radius_px**2)),
    )
