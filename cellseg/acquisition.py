"""A simple camera: turn a model image into the integers a microscope records.

A camera does not store intensities, it stores whole numbers between 0 and a
largest value fixed by its *bit depth* ``b``: ``0 .. 2**b - 1`` (the *full
scale*). :func:`acquire` records a model image in four steps:

1. **exposure**: the intensity (in the units of :mod:`cellseg.synthetic`, a cell
   peak is 1) is multiplied by ``exposure``, the number of counts one unit of
   intensity produces. It grows with the exposure time and the light power.
   With ``shot_noise=True`` the counts are drawn from a Poisson distribution
   of that mean (photon shot noise: the image of ``N`` photons fluctuates by
   ``sqrt(N)``).
2. **offset**: a constant is added so that the dark noise is not cut at 0
   (real cameras do the same; the offset is part of the background, not of the
   signal).
3. **quantisation**: values are rounded to the nearest whole number.
4. **clipping**: values above the full scale are stored as the full scale
   (saturation) and values below 0 as 0.

The result is stored in the smallest unsigned type that holds the full scale
(``uint8`` for 8 bits, ``uint16`` for 12 and 16 bits: a 12-bit camera never
uses the top values of its ``uint16`` files).

The model's own noise (:func:`cellseg.synthetic.add_noise`) can be added first
with ``noise_scale``; everything is vectorised and seeded.
"""

import numpy as np

from . import _validate
from .labels import smallest_label_dtype
from .synthetic import SEED, add_noise

__all__ = ["full_scale", "storage_dtype", "default_offset", "digitize", "acquire", "illumination_field"]

MAX_BIT_DEPTH = 32  #: deepest camera simulated (stored as uint32)


def _bit_depth(bit_depth):
    bit_depth = _validate.whole_number(bit_depth, "bit_depth", minimum=1)
    if bit_depth > MAX_BIT_DEPTH:
        raise ValueError(
            f"bit_depth must be between 1 and {MAX_BIT_DEPTH}, got {bit_depth}; "
            "cameras record 8, 10, 12, 14 or 16 bits."
        )
    return bit_depth


def full_scale(bit_depth):
    """Return the largest value a ``bit_depth``-bit camera can record, ``2**bit_depth - 1``.

    Parameters
    ----------
    bit_depth : int
        Bits per pixel of the camera, 1 to ``MAX_BIT_DEPTH`` (32); cameras record 8 to 16.

    Returns
    -------
    int
        ``2**bit_depth - 1``.

    Examples
    --------
    >>> full_scale(8), full_scale(12), full_scale(16)
    (255, 4095, 65535)
    """
    return (1 << _bit_depth(bit_depth)) - 1


def storage_dtype(bit_depth):
    """Return the smallest unsigned type that stores ``bit_depth``-bit values.

    Parameters
    ----------
    bit_depth : int
        Bits per pixel of the camera, 1 to ``MAX_BIT_DEPTH`` (32); cameras record 8 to 16.

    Returns
    -------
    numpy.dtype
        ``uint8``, ``uint16`` or ``uint32``.

    Examples
    --------
    >>> storage_dtype(8), storage_dtype(12)
    (dtype('uint8'), dtype('uint16'))
    """
    return smallest_label_dtype(full_scale(bit_depth))


def default_offset(bit_depth):
    """Return the default camera offset: a 32nd of the range, ``2**bit_depth // 32``.

    Parameters
    ----------
    bit_depth : int
        Bits per pixel of the camera, 1 to ``MAX_BIT_DEPTH`` (32); cameras record 8 to 16.

    Returns
    -------
    int
        ``2**bit_depth // 32``.

    Examples
    --------
    >>> default_offset(8), default_offset(12)
    (8, 128)
    """
    return (full_scale(bit_depth) + 1) // 32


def digitize(values, bit_depth):
    """Round to whole numbers and clip to ``0 .. full_scale(bit_depth)``.

    Steps 3 and 4 of :func:`acquire`, for values already in camera counts.

    Parameters
    ----------
    values : array_like of float
        Camera counts before quantisation (any shape).
    bit_depth : int
        Bits per pixel, 1 to 32.

    Returns
    -------
    recorded : ndarray of :func:`storage_dtype` ``(bit_depth)``

    Examples
    --------
    >>> digitize([-3.0, 0.4, 0.6, 254.5, 300.0], 8)
    array([  0,   0,   1, 254, 255], dtype=uint8)

    (``np.rint`` rounds halves to the even neighbour: 254.5 becomes 254.)
    """
    bit_depth = _bit_depth(bit_depth)
    if values is None or isinstance(values, (str, bytes)):
        raise TypeError(f"values must be numbers (camera counts), e.g. an image; got {values!r}.")
    arr = _validate.array_like(values, "values", example="digitize(image, 12)")
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"values must be real numbers (camera counts), got dtype {arr.dtype}; pass an image.")
    arr = arr.astype(float)
    if not np.isfinite(arr).all():
        raise ValueError("values contain NaN or infinite numbers; a camera records finite counts: "
                         "replace them first, e.g. np.nan_to_num(values).")
    top = full_scale(bit_depth)
    return np.clip(np.rint(arr), 0, top).astype(storage_dtype(bit_depth))


def acquire(
    signal,
    exposure,
    *,
    bit_depth=12,
    offset=None,
    noise_scale=0.0,
    shot_noise=False,
    seed=SEED,
):
    """Record a model image with a simulated ``bit_depth``-bit camera.

    ``recorded = clip(round(counts + offset), 0, 2**bit_depth - 1)`` where
    ``counts`` is ``exposure * intensity`` (or a Poisson draw of that mean when
    ``shot_noise`` is true) and ``intensity`` is ``signal``, optionally with the
    model's clipped Gaussian noise (:func:`cellseg.synthetic.add_noise`) added
    first.

    Parameters
    ----------
    signal : 2-D array_like of float
        Model intensities, >= 0: the output of
        :func:`cellseg.synthetic.render_cells` plus any background, or an
        already noisy model image.
    exposure : float
        Counts per unit of intensity (> 0). A cell of peak 1 reaches
        ``exposure`` counts above the offset.
    bit_depth : int, optional
        Bits per pixel (8, 12 and 16 are common; 1 to 32 allowed).
    offset : float, optional
        Constant added to every pixel, in counts (>= 0). Default
        :func:`default_offset` ``(bit_depth)``.
    noise_scale : float, optional
        Standard deviation of the model noise added to ``signal`` before the
        exposure, in intensity units (0: none).
    shot_noise : bool, optional
        Draw the counts from a Poisson distribution (photon shot noise).
    seed : int, optional
        Seed of the random numbers (used only when there is noise).

    Returns
    -------
    recorded : 2-D ndarray of uint8, uint16 or uint32

    Examples
    --------
    >>> from cellseg.synthetic import render_cells
    >>> signal = render_cells([[32, 32]], shape=64)
    >>> img = acquire(signal, exposure=1000, bit_depth=8, offset=10)
    >>> img.dtype, int(img.min()), int(img.max())
    (dtype('uint8'), 10, 255)

    The peak would be 1010 counts; every pixel where ``1000 * exp(-d**2 / 72)
    + 10`` rounds to 255 or more (``d`` up to about 10 pixels) is saturated,
    and the cell's top is flat:

    >>> int((img == 255).sum())
    325
    """
    signal = _validate.image_2d(signal, "signal")
    if signal.min() < 0:
        raise ValueError(
            f"signal has negative values (minimum {signal.min():g}); a model intensity is "
            "a light level >= 0. Add a background or clip it with np.clip(signal, 0, None)."
        )
    exposure = _validate.real_number(exposure, "exposure", minimum=0, strict=True)
    bit_depth = _bit_depth(bit_depth)
    offset = default_offset(bit_depth) if offset is None else offset
    offset = _validate.real_number(offset, "offset", minimum=0)
    noise_scale = _validate.real_number(noise_scale, "noise_scale", minimum=0)
    if not isinstance(shot_noise, (bool, np.bool_)):
        raise TypeError(f"shot_noise must be True or False, got {shot_noise!r}.")
    rng = _validate.rng(seed)
    intensity = add_noise(signal, noise_scale=noise_scale, seed=rng) if noise_scale > 0 else signal
    mean_counts = exposure * intensity
    counts = rng.poisson(mean_counts).astype(float) if shot_noise else mean_counts
    return digitize(counts + offset, bit_depth)


def illumination_field(shape, *, falloff=0.3, center=None):
    """Return a smooth illumination pattern: 1 at ``center``, dimmer towards the edges.

    ``field(r, c) = 1 - falloff * d**2 / d_max**2`` where ``d`` is the distance
    to ``center`` and ``d_max`` the largest such distance in the image (a
    corner), so the darkest corner receives ``1 - falloff`` of the light. This
    quadratic fall-off is the usual first approximation of vignetting and of an
    off-centre lamp. Multiply the signal *and* the background by it.

    Parameters
    ----------
    shape : int or (int, int)
        Image shape.
    falloff : float, optional
        Fraction of the light lost in the darkest corner, in [0, 1).
    center : (float, float), optional
        ``(row, col)`` of the brightest point; the image centre by default.

    Returns
    -------
    field : 2-D ndarray of float, values in ``(1 - falloff, 1]``

    Examples
    --------
    >>> field = illumination_field((5, 9), falloff=0.5, center=(0, 0))
    >>> float(field[0, 0]), float(field[4, 8])
    (1.0, 0.5)
    """
    if isinstance(shape, (str, bytes)) or shape is None:
        raise TypeError(f"shape must be an int or a (rows, cols) pair, got {shape!r}.")
    shape = _validate.array_like(shape, "shape", dtype=object, example="shape=(512, 512)")
    if shape.ndim == 0:
        shape = shape.reshape(1).repeat(2)
    if shape.shape != (2,):
        raise ValueError(f"shape must be an int or a (rows, cols) pair, got {shape.tolist()!r}.")
    rows, cols = (_validate.whole_number(n, "shape", minimum=1) for n in shape.tolist())
    _validate.output_size(rows * cols, what=f"an illumination field of shape ({rows}, {cols})",
                          hint="pass the shape of an image that fits in memory, e.g. shape=(512, 512)")
    falloff = _validate.real_number(falloff, "falloff", minimum=0)
    if falloff >= 1:
        raise ValueError(f"falloff must be below 1 (the fraction of light lost), got {falloff:g}.")
    if center is None:
        center = ((rows - 1) / 2, (cols - 1) / 2)
    if isinstance(center, (str, bytes)) or _validate.array_like(center, "center").shape != (2,):
        raise ValueError(f"center must be a (row, col) pair, got {center!r}.")
    r0, c0 = (_validate.real_number(v, "center") for v in center)
    dr2 = (np.arange(rows) - r0) ** 2
    dc2 = (np.arange(cols) - c0) ** 2
    d2 = dr2[:, None] + dc2[None, :]
    d2_max = dr2.max() + dc2.max()  # the farthest pixel is a corner
    if d2_max == 0:
        return np.ones((rows, cols))
    return 1.0 - falloff * d2 / d2_max
