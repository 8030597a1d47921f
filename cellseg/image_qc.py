"""Check an image before segmenting it: clipping, exposure, noise, uneven background.

:func:`image_report` measures one 2-D image and says in plain words what looks
wrong; :func:`batch_report` does the same for a batch and prints one row per
image. Both are also available as ``cellseg.qc.image_report`` and
``cellseg.qc.batch_report``.

The estimators
--------------
All of them are robust: a few bright cells or hot pixels do not move them much.

*Clipping.* A camera stores every value above its largest value (the *full
scale*) as the full scale, and every value below 0 as 0, so a clipped image has
a pile of pixels at exactly its highest (or lowest) value. The top is reported
as clipped when at least ``clip_fraction`` of the pixels sit at the highest
value **and** either that value is the full scale or there are more than twice
as many pixels there as at the next value below (a natural histogram thins out
towards its ends; a clipped one ends in a spike). The bottom is judged the same
way.

*Used dynamic range.* ``(p99.9 - p0.1) / full_scale``, where ``p`` are
percentiles of the pixel values: the fraction of the available grey levels that
the image spans, ignoring the 0.1% most extreme pixels at each end (hot
pixels). Below ``min_range`` the image is reported as under-exposed. The full
scale is ``2**bit_depth - 1``; by default the largest value of the integer
dtype. Floating-point images have no full scale unless ``bit_depth`` is given,
so their range is not judged.

*Noise.* The standard deviation of the noise is estimated from differences of
neighbouring pixels: for independent noise of standard deviation ``s`` a
difference has standard deviation ``s * sqrt(2)``, and its median absolute
deviation (MAD) times 1.4826 estimates that robustly (if most differences are
exactly 0, as in a coarsely quantised image, their plain standard deviation is
used instead). Bright objects have steep sides whose differences are not noise,
so once the objects are found (below) the estimate is made again from pairs of
background pixels only: it is the noise *of the background*.

*Background and trend.* The image is cut into a grid of tiles (8 x 8 by
default) and a second-order polynomial surface in ``(row, col)`` is fitted by
least squares to the median of each tile. Objects are then found on a smoothed
copy of the image (Gaussian of width 2 pixels, which divides the noise by
``2 sqrt(pi) * 2``, :func:`cellseg.theory.smoothed_noise_std`): pixels more than
two smoothed-noise standard deviations above the (equally smoothed) surface.
Each tile's background becomes the mean of its pixels that are not objects,
tiles more than half covered by objects are left out, and the surface is
fitted again (three rounds). The *background* is the median of the pixels that
are not objects (of all pixels in a tiny or crowded image). The *trend* is the
difference between the highest and lowest value of the surface over the image,
reported relative to the signal: above ``max_trend`` the illumination is called
uneven. On evenly lit images of the course's model it stays below about 6% of
the signal (8% when cells cover much of the image). A trend that only dims the
objects, on a black background, is not seen.

*Signal and SNR.* The signal is the 99th percentile minus the background (the
objects must cover more than 1% of the image) and the signal-to-noise ratio
(SNR) is signal / noise. On pure Gaussian noise it is about 2.3 (the 99th
percentile of a normal distribution), hence the default ``min_snr = 3``. When
the top is clipped the signal is underestimated, so the SNR is too low and the
relative trend too high: neither is then judged (re-acquire first).
"""

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage as ndi

from . import _table, _validate, theory
from .acquisition import full_scale as _full_scale

__all__ = ["ImageReport", "BatchReport", "image_report", "batch_report", "estimate_background"]

CLIP_FRACTION = 0.001  #: fraction of pixels at the extreme value that counts as clipping
MIN_RANGE = 0.2  #: smallest acceptable used fraction of the dynamic range
MIN_SNR = 3.0  #: smallest acceptable estimated signal-to-noise ratio
MAX_TREND = 0.1  #: largest acceptable background trend, as a fraction of the signal
N_TILES = 8  #: tiles per side for the background trend
TREND_SMOOTH = 2.0  #: Gaussian smoothing (pixels) before the background trend is estimated
PROGRESS_MIN = 20  #: batches at least this long get a progress bar by default

_MAD_TO_STD = 1.4826  # 1 / Phi^-1(3/4): MAD of a normal distribution -> its sd


@dataclass(frozen=True)
class ImageReport:
    """What :func:`image_report` measured in one image.

    Intensities are in the units of the image. ``problems`` lists short names of
    what is wrong, empty for a good image (``"blank"``, ``"clipped low"``,
    ``"clipped high"``, ``"under-exposed"``, ``"low SNR"``, ``"uneven
    background"``); ``warnings`` explains each in a sentence; ``str(report)``
    prints everything.
    """

    dtype: str
    shape: tuple
    minimum: float
    maximum: float
    full_scale: float | None
    fraction_at_min: float
    fraction_at_max: float
    used_range: float | None
    n_levels: int
    background: float
    noise: float
    signal: float
    snr: float
    trend: float
    relative_trend: float
    blank: bool
    clipped_low: bool
    clipped_high: bool
    underexposed: bool
    low_snr: bool
    uneven: bool
    warnings: tuple = field(default=())

    @property
    def problems(self):
        """Short names of the problems found, e.g. ``('clipped high',)``."""
        names = ("blank", "clipped low", "clipped high", "under-exposed", "low SNR", "uneven background")
        flags = (
            self.blank, self.clipped_low, self.clipped_high, self.underexposed, self.low_snr, self.uneven
        )
        return tuple(n for n, f in zip(names, flags) if f)

    @property
    def ok(self):
        """True when no problem was found."""
        return not self.problems

    def __str__(self):
        scale = "unknown (float image)" if self.full_scale is None else f"{self.full_scale:g}"
        used = "not judged" if self.used_range is None else f"{self.used_range:.1%}"
        lines = [
            f"dtype {self.dtype}, shape {self.shape}, full scale {scale}",
            f"range {self.minimum:g} .. {self.maximum:g} ({self.n_levels} distinct values), "
            f"used dynamic range {used}",
            f"pixels at the lowest value {self.fraction_at_min:.2%}, "
            f"at the highest value {self.fraction_at_max:.2%}",
            f"background {self.background:.4g}, noise {self.noise:.3g}, "
            f"signal {self.signal:.4g}, SNR {self.snr:.3g}",
            f"background trend {self.trend:.3g} ({self.relative_trend:.1%} of the signal)",
        ]
        lines += [f"WARNING: {w}" for w in self.warnings] or ["no problem found"]
        return "\n".join(lines)


def _as_image(image):
    arr = _validate.array_like(image, "image", example="skimage.io.imread(path)")
    if arr.dtype == bool:
        raise TypeError(
            "image is boolean, i.e. a mask; image_report checks intensity images as "
            "recorded by the camera (integers or floats): pass the image itself."
        )
    values = _validate.image_2d(arr)  # checks type, 2-D, finite; float copy
    return arr, values


def _scale(arr, bit_depth):
    """Full scale from ``bit_depth`` or from the integer dtype (None for floats)."""
    if bit_depth is not None:
        top = float(_full_scale(bit_depth))
        if arr.max() > top:
            raise ValueError(
                f"image has values up to {arr.max()}, above the full scale {top:g} of a "
                f"{bit_depth}-bit camera; pass the camera's real bit depth."
            )
        return top
    if np.issubdtype(arr.dtype, np.integer):
        return float(np.iinfo(arr.dtype).max)
    return None


def _pile_up(values, at, side):
    """Pixels at value ``at``, and at the nearest other value on ``side`` ("below"/"above")."""
    n_at = int(np.count_nonzero(values == at))
    rest = values[values < at] if side == "below" else values[values > at]
    if rest.size == 0:
        return n_at, 0
    nearest = rest.max() if side == "below" else rest.min()
    return n_at, int(np.count_nonzero(rest == nearest))


def _noise_std(values, background=None):
    """Noise sd from the MAD of horizontal and vertical neighbour differences.

    With a boolean ``background`` mask, only pairs of background pixels are
    used (when there are enough of them).
    """
    pairs = [np.diff(values, axis=0), np.diff(values, axis=1)]
    if background is not None:
        both = [background[1:, :] & background[:-1, :], background[:, 1:] & background[:, :-1]]
        if sum(int(b.sum()) for b in both) >= 0.1 * values.size:
            pairs = [d[b] for d, b in zip(pairs, both)]
    diffs = np.concatenate([d.ravel() for d in pairs])
    if diffs.size == 0:
        return 0.0
    mad = np.median(np.abs(diffs - np.median(diffs)))
    if mad > 0:
        return float(_MAD_TO_STD * mad / math.sqrt(2))
    # Coarsely quantised or constant: most differences are exactly 0.
    return float(diffs.std() / math.sqrt(2))


def _surface(coef, basis_r, basis_c):
    """The quadratic ``c0 + c1 r + c2 c + c3 r^2 + c4 r c + c5 c^2`` on the whole pixel grid.

    ``basis_r`` is ``(rows, 3)``: the columns 1, r, r^2 (possibly smoothed), and
    ``basis_c`` likewise for the columns of the image. Every term is a product
    of a function of ``r`` and one of ``c``, so the surface is one small
    matrix product, and so is its Gaussian-smoothed version (a Gaussian filter
    acts on each factor separately).
    """
    m = np.array([
        [coef[0], coef[2], coef[5]],
        [coef[1], coef[4], 0.0],
        [coef[3], 0.0, 0.0],
    ])
    return basis_r @ m @ basis_c.T


def _background_model(values, noise, n_tiles, smoothed=None):
    """Fit the background: return ``(surface, objects)`` or ``(None, None)`` if the image is too small.

    ``surface`` is a quadratic fitted to the object-free part of each tile and
    ``objects`` marks the pixels whose smoothed value lies more than two smoothed
    noise standard deviations above the equally smoothed surface (see the
    module docstring). ``smoothed`` may pass in the Gaussian-smoothed image.
    """
    rows, cols = values.shape
    n_r, n_c = min(n_tiles, rows // 4), min(n_tiles, cols // 4)
    if n_r < 3 or n_c < 3:
        return None, None
    th, tw = rows // n_r, cols // n_c
    if smoothed is None:
        smoothed = ndi.gaussian_filter(values, TREND_SMOOTH)
    threshold = 2 * theory.smoothed_noise_std(noise_scale=noise, sigma=TREND_SMOOTH)

    def tiles(x):  # (n_tiles, pixels per tile); the last rows/cols that do not fill a tile are left out
        x = x[: n_r * th, : n_c * tw].reshape(n_r, th, n_c, tw)
        return x.transpose(0, 2, 1, 3).reshape(n_r * n_c, th * tw)

    # Tile centres and image pixels in coordinates scaled to [-1, 1].
    rc = (np.arange(n_r) * th + (th - 1) / 2) / max(rows - 1, 1) * 2 - 1
    cc = (np.arange(n_c) * tw + (tw - 1) / 2) / max(cols - 1, 1) * 2 - 1
    tr, tc = (g.ravel() for g in np.meshgrid(rc, cc, indexing="ij"))
    design = np.stack([np.ones_like(tr), tr, tc, tr**2, tr * tc, tc**2], axis=1)
    r, c = np.linspace(-1, 1, rows), np.linspace(-1, 1, cols)
    basis_r = np.stack([np.ones_like(r), r, r**2], axis=1)
    basis_c = np.stack([np.ones_like(c), c, c**2], axis=1)
    # The surface is smoothed like the image, so that both bend alike at the edges.
    smooth_r = ndi.gaussian_filter1d(basis_r, TREND_SMOOTH, axis=0)
    smooth_c = ndi.gaussian_filter1d(basis_c, TREND_SMOOTH, axis=0)

    raw_tiles = tiles(values)  # tile levels come from the raw pixels: smoothing bends the edges
    level = np.median(raw_tiles, axis=1)  # first guess
    use = np.ones(level.size, dtype=bool)
    min_tiles = min(10, level.size)
    for _ in range(3):
        coef = np.linalg.lstsq(design[use], level[use], rcond=None)[0]
        objects = smoothed - _surface(coef, smooth_r, smooth_c) > threshold
        in_tiles = tiles(objects)
        n_background = (~in_tiles).sum(axis=1)
        level = np.where(in_tiles, 0.0, raw_tiles).sum(axis=1) / np.maximum(n_background, 1)
        use = n_background >= 0.5 * th * tw
        if use.sum() < min_tiles:  # crowded image: keep the least covered tiles
            use = n_background >= np.sort(n_background)[-min_tiles]
    coef = np.linalg.lstsq(design[use], level[use], rcond=None)[0]
    objects = smoothed - _surface(coef, smooth_r, smooth_c) > threshold
    return _surface(coef, basis_r, basis_c), objects


def estimate_background(image, *, n_tiles=N_TILES):
    """Return the smooth background of ``image``: the surface behind the trend of :func:`image_report`.

    A second-order polynomial in ``(row, col)`` fitted to the object-free part
    of a grid of tiles (see the module docstring). Subtracting it flattens an
    unevenly lit background; dividing by it (after the offset is removed) is a
    rough flat-field correction when no flat-field image was recorded.

    Parameters
    ----------
    image : 2-D array_like
    n_tiles : int, optional
        Tiles per side (>= 3); the image needs at least 4 pixels per tile.

    Returns
    -------
    background : 2-D ndarray of float, same shape as ``image``

    Examples
    --------
    >>> ramp = np.tile(np.linspace(10.0, 20.0, 64), (64, 1))
    >>> bg = estimate_background(ramp)
    >>> round(float(bg[0, 0]), 3), round(float(bg[0, -1]), 3)
    (10.0, 20.0)
    """
    _, values = _as_image(image)
    n_tiles = _validate.whole_number(n_tiles, "n_tiles", minimum=3)
    surface, _ = _background_model(values, _noise_std(values), n_tiles)
    if surface is None:
        raise ValueError(
            f"image of shape {values.shape} is too small for a {n_tiles} x {n_tiles} grid of "
            "tiles of at least 4 pixels; pass a larger image or a smaller n_tiles (>= 3)."
        )
    return surface


def image_report(
    image,
    *,
    bit_depth=None,
    clip_fraction=CLIP_FRACTION,
    min_range=MIN_RANGE,
    min_snr=MIN_SNR,
    max_trend=MAX_TREND,
    n_tiles=N_TILES,
):
    """Measure a 2-D image and warn about clipping, under-exposure, noise and uneven background.

    The estimators and their limits are described in the module docstring
    (:mod:`cellseg.image_qc`).

    Parameters
    ----------
    image : 2-D array_like
        The image as recorded (integers from a camera, or floats).
    bit_depth : int, optional
        Bits per pixel of the camera, e.g. 12 for a 12-bit camera whose images
        are stored as ``uint16``. By default the full scale is the largest value
        of the integer dtype; float images then have none.
    clip_fraction : float, optional
        Fraction of pixels at the highest (lowest) value from which a pile-up
        counts as clipping.
    min_range : float, optional
        Smallest acceptable used fraction of the dynamic range.
    min_snr : float, optional
        Smallest acceptable estimated signal-to-noise ratio.
    max_trend : float, optional
        Largest acceptable background trend, as a fraction of the signal.
    n_tiles : int, optional
        Tiles per side used to estimate the background trend.

    Returns
    -------
    report : ImageReport

    Raises
    ------
    TypeError
        If ``image`` is not numeric or is boolean (a mask).
    ValueError
        If ``image`` is not 2-D, has NaN/inf, or exceeds ``bit_depth``.

    Examples
    --------
    >>> from cellseg.synthetic import render_cells
    >>> from cellseg.acquisition import acquire
    >>> signal = render_cells([[32, 32], [32, 96], [96, 64]]) + 0.5
    >>> good = acquire(signal, exposure=1500, bit_depth=12, noise_scale=0.1)
    >>> image_report(good, bit_depth=12).problems
    ()
    >>> image_report(good).problems   # judged as 16-bit: only a 16th of the range is possible
    ('under-exposed',)
    >>> bright = acquire(signal, exposure=4000, bit_depth=12, noise_scale=0.1)
    >>> image_report(bright, bit_depth=12).problems
    ('clipped high',)
    """
    arr, values = _as_image(image)
    clip_fraction = _validate.real_number(clip_fraction, "clip_fraction", minimum=0, strict=True)
    min_range = _validate.real_number(min_range, "min_range", minimum=0)
    min_snr = _validate.real_number(min_snr, "min_snr", minimum=0)
    max_trend = _validate.real_number(max_trend, "max_trend", minimum=0)
    n_tiles = _validate.whole_number(n_tiles, "n_tiles", minimum=3)
    top = _scale(arr, bit_depth)
    found = {"dtype": str(arr.dtype), "shape": tuple(arr.shape), "full_scale": top}
    warnings = []
    for check in (
        lambda: _check_clipping(values, top, clip_fraction),
        lambda: _check_exposure(values, arr.dtype, top, bit_depth, min_range),
        lambda: _check_snr(values, n_tiles, min_snr, judged=not (found["blank"] or found["clipped_high"])),
        lambda: _check_background(found, max_trend),
    ):
        numbers, found_warnings = check()
        found.update(numbers)
        warnings += found_warnings
    found.pop("_surface")
    return ImageReport(**found, warnings=tuple(warnings))


def _check_clipping(values, top, clip_fraction):
    """Blank image, and values piled up at the lowest or highest value."""
    n = values.size
    lo, hi = float(values.min()), float(values.max())
    n_min, n_below_next = _pile_up(values, lo, "above")
    n_max, n_above_next = _pile_up(values, hi, "below")
    frac_min, frac_max = n_min / n, n_max / n
    constant = lo == hi
    high = not constant and frac_max >= clip_fraction and (
        (top is not None and hi >= top) or n_max > 2 * n_above_next)
    low = not constant and frac_min >= clip_fraction and (
        (top is not None and lo <= 0) or n_min > 2 * n_below_next)
    numbers = {"minimum": lo, "maximum": hi, "fraction_at_min": frac_min, "fraction_at_max": frac_max,
               "blank": bool(constant), "clipped_low": bool(low), "clipped_high": bool(high)}
    warnings = []
    if constant:
        warnings.append(f"every pixel has the value {lo:g}: the image is empty or blank.")
    if high:
        warnings.append(
            f"{frac_max:.1%} of the pixels sit at the highest value {hi:g}: the image is clipped "
            "(saturated) at the top. The brightest parts of the objects are flattened, so their "
            "intensities and any area measured above a threshold are wrong. Re-acquire with a "
            "shorter exposure or less light."
        )
    if low:
        warnings.append(
            f"{frac_min:.1%} of the pixels sit at the lowest value {lo:g}: the image is clipped "
            "at the bottom, so the dark background and its noise are cut off and the background "
            "level is biased. Raise the camera offset, or check any background subtraction."
        )
    return numbers, warnings


def _check_exposure(values, dtype, top, bit_depth, min_range):
    """How much of the available range the image uses (not judged for float images)."""
    p_lo, p_hi = np.percentile(values, [0.1, 99.9])
    used = None if top is None else float((p_hi - p_lo) / top)
    underexposed = used is not None and used < min_range
    n_levels = int(np.unique(values).size)
    numbers = {"used_range": used, "n_levels": n_levels, "underexposed": bool(underexposed)}
    if not underexposed:
        return numbers, []
    hint = ""
    if np.issubdtype(dtype, np.integer) and bit_depth is None and np.dtype(dtype).itemsize > 1:
        hint = (
            f" If the camera records fewer bits than {dtype} holds (e.g. a 12-bit "
            "camera), pass bit_depth=12 or the right number."
        )
    return numbers, [
        f"the image spans only {used:.1%} of the available range 0..{top:g} "
        f"(values {p_lo:.4g}..{p_hi:.4g}, {n_levels} distinct values): it is under-exposed. "
        "The grey levels are coarse compared with the signal and, with real light, the "
        "signal-to-noise ratio is lower than it could be. Increase the exposure if the "
        "sample allows it." + hint
    ]


def _check_snr(values, n_tiles, min_snr, judged):
    """Background, noise and signal; the SNR is judged unless the image is blank or clipped high."""
    noise = _noise_std(values)
    smoothed = ndi.gaussian_filter(values, TREND_SMOOTH)
    surface, objects = _background_model(values, noise, n_tiles, smoothed)
    if objects is not None:  # again, on the background only (bright objects have steep sides)
        noise = _noise_std(values, ~objects)
        surface, objects = _background_model(values, noise, n_tiles, smoothed)
    if objects is not None and (~objects).sum() >= 0.1 * values.size:
        background = float(np.median(values[~objects]))
    else:  # tiny or crowded image
        background = float(np.median(values))
    signal = float(np.percentile(values, 99) - background)
    if noise > 0:
        snr = signal / noise
    else:
        snr = math.inf if signal > 0 else 0.0
    low_snr = judged and snr < min_snr
    numbers = {"background": background, "noise": noise, "signal": signal, "snr": float(snr),
               "low_snr": bool(low_snr), "_surface": surface}
    if not low_snr:
        return numbers, []
    return numbers, [
        f"the estimated signal-to-noise ratio is {snr:.2g}, below {min_snr:g}: the brightest "
        "pixels hardly stand out from the noise (pure noise gives about 2.3). Objects will be "
        "hard to separate from the background; check focus, staining and exposure."
    ]


def _check_background(found, max_trend):
    """How much the fitted background varies, relative to the signal (needs _check_snr first)."""
    surface, signal = found["_surface"], found["signal"]
    trend = math.nan if surface is None else float(surface.max() - surface.min())
    relative = trend / signal if signal > 0 and math.isfinite(trend) else math.nan
    # A clipped top truncates the signal: the relative trend is then not judged.
    uneven = (not found["blank"] and not found["clipped_high"] and math.isfinite(relative)
              and relative > max_trend)
    numbers = {"trend": trend, "relative_trend": float(relative), "uneven": bool(uneven)}
    if not uneven:
        return numbers, []
    return numbers, [
        f"the background varies by {trend:.3g} across the image, {relative:.0%} of the "
        "signal: the illumination is uneven. One global threshold will treat the bright and "
        "dark sides differently. Correct it with a flat-field image, or subtract a fitted "
        "background, or use a local threshold."
    ]


class BatchReport:
    """The reports of a batch of images, shown as a table (one row per image).

    Attributes
    ----------
    names : list of str
    reports : list of ImageReport
    """

    columns = ("image", "dtype", "min", "max", "at min", "at max", "range used", "SNR", "trend", "problems")

    def __init__(self, names, reports):
        self.names = list(names)
        self.reports = list(reports)

    def __len__(self):
        return len(self.reports)

    def __getitem__(self, i):
        return self.reports[i]

    @property
    def flagged(self):
        """Names of the images with at least one problem."""
        return [n for n, r in zip(self.names, self.reports) if not r.ok]

    def rows(self):
        """The table as a list of tuples of strings, one per image (no header)."""
        out = []
        for name, r in zip(self.names, self.reports):
            used = "-" if r.used_range is None else f"{r.used_range:.0%}"
            trend = "-" if math.isnan(r.relative_trend) else f"{r.relative_trend:.0%}"
            out.append((
                str(name), r.dtype, f"{r.minimum:g}", f"{r.maximum:g}",
                f"{r.fraction_at_min:.1%}", f"{r.fraction_at_max:.1%}", used,
                f"{r.snr:.3g}", trend, ", ".join(r.problems) or "ok",
            ))
        return out

    def to_records(self):
        """One dict per image with the numbers of its report (e.g. for ``pandas.DataFrame``)."""
        records = []
        for name, r in zip(self.names, self.reports):
            rec = {"image": name}
            rec.update({k: v for k, v in vars(r).items() if k != "warnings"})
            rec["problems"] = ", ".join(r.problems)
            records.append(rec)
        return records

    def __str__(self):
        return _table.text_table(self.columns, self.rows())

    __repr__ = __str__

    def _repr_html_(self):
        return _table.html_table(self.columns, self.rows())


def _report_of(i, image, options):
    """The report of ``images[i]``; a bad image is named by its place in the batch."""
    try:
        return image_report(image, **options)
    except (TypeError, ValueError) as err:
        raise type(err)(f"images[{i}] cannot be checked: {err}") from None


def batch_report(images, *, names=None, progress=None, **options):
    """Run :func:`image_report` on every image of a batch and return a table.

    Parameters
    ----------
    images : iterable of 2-D array_like
        A list of images, a 3-D array (one image per plane) or a generator (for
        example one that reads files one at a time).
    names : sequence of str, optional
        One name per image; ``0, 1, 2, ...`` by default.
    progress : bool, optional
        Show a progress line (:mod:`tqdm`, plain text on standard error, so it
        needs no widget in Jupyter nor in the HTML book). By default only for
        batches of at least :data:`PROGRESS_MIN` images.
    **options
        Passed to :func:`image_report` (``bit_depth``, thresholds).

    Returns
    -------
    report : BatchReport
        ``print(report)`` shows the table; ``report.flagged`` lists the images
        with problems; ``report.reports[i]`` is the full report of image ``i``.

    Examples
    --------
    >>> from cellseg.synthetic import render_cells
    >>> from cellseg.acquisition import acquire
    >>> signal = render_cells([[32, 32], [96, 64]]) + 0.5
    >>> batch = [acquire(signal, e, bit_depth=8, noise_scale=0.1, seed=s)
    ...          for s, e in enumerate([100, 400])]
    >>> report = batch_report(batch, names=["ok", "bright"], bit_depth=8)
    >>> report.flagged
    ['bright']
    """
    if isinstance(images, np.ndarray) and images.ndim == 2:
        raise ValueError(
            "images is a single 2-D image; pass a list of images (or use image_report)."
        )
    if (images is None or isinstance(images, (str, bytes)) or not hasattr(images, "__iter__")
            or (isinstance(images, np.ndarray) and images.ndim < 2)):
        raise TypeError(f"images must be a list of images (or a 3-D array, or a generator), got {images!r}.")
    try:
        total = len(images)
    except TypeError:
        total = None
    if names is not None:
        if (isinstance(names, (str, bytes)) or not hasattr(names, "__iter__")
                or (isinstance(names, np.ndarray) and names.ndim != 1)):
            raise TypeError("names must be a list of names, one per image, e.g. names=['a.tif', 'b.tif']; "
                            f"got {names!r}.")
        names = list(names)
        if total is not None and len(names) != total:
            raise ValueError(f"got {len(names)} names for {total} images; pass one name per image.")
    show = (_validate.boolean(progress, "progress") if progress is not None
            else (total is not None and total >= PROGRESS_MIN))
    iterator = iter(images)
    if show:
        from tqdm import tqdm  # plain text; tqdm.auto would draw an ipywidget in Jupyter

        iterator = tqdm(iterator, total=total, desc="image QC", unit="image")
    reports = [_report_of(i, img, options) for i, img in enumerate(iterator)]
    if names is None:
        names = [str(i) for i in range(len(reports))]
    elif len(names) != len(reports):
        raise ValueError(f"got {len(names)} names for {len(reports)} images; pass one name per image.")
    return BatchReport(names, reports)
