"""Synthetic fluorescence images with a known answer.

The model
---------
Each cell is a 2-D Gaussian blob of peak brightness ``B`` and width
``cell_sigma`` (``s`` below) centred on ``(r_c, c_c)``::

    I(r, c) = B * exp(-((r - r_c)**2 + (c - c_c)**2) / (2 * s**2))

The cells of an image are summed (the *signal*), an optional background is
added, then independent Gaussian noise of standard deviation ``noise_scale`` is
added to every pixel and negative values are set to zero (a detector cannot
count fewer than zero photons). Coordinates are ``(row, col)`` throughout.

Every scene is built from the same three steps, so a new scene is a few lines:

1. choose centres (:func:`place_cells`, or given explicitly);
2. draw the noise-free signal (:func:`render_cells`) plus any background;
3. add clipped noise (:func:`add_noise`).

The matching ground truth comes from :func:`ground_truth_labels`.

Scenes
------
Every scene maker returns a :class:`Scene`: the ``image``, its ground truth
``labels`` and the cell ``centers`` (plus the ``classes`` of the cells for
:func:`make_bright_dim`). Besides the default image (:func:`make_image`) and
pure noise (:func:`make_pure_noise`):

- :func:`make_pair`: two cells at a chosen distance (e.g. closer than
  :data:`MIN_SEPARATION`, so that a threshold merges them);
- :func:`make_cluster`: a tight hexagonal cluster of cells;
- :func:`make_bright_dim`: bright and dim cells, with the class of each;
- :func:`make_uneven_illumination`: cells on a background that rises from left
  to right;
- :func:`make_crowded_field`: a large field with hundreds of cells of varied
  sizes and brightnesses, some touching.

Which pixels belong to a cell
-----------------------------
In the ground truth a pixel belongs to cell ``k`` when cell ``k``'s own
noise-free intensity there is at least half of its peak: the disc of radius
``cell_sigma * sqrt(2 ln 2)`` (about ``1.18 * cell_sigma``) around its centre, the
full width at half maximum (FWHM) that microscopists use for the size of a
spot. Where two such discs overlap, the pixel goes to the cell that contributes
the larger intensity there (the lower index on an exact tie). Cell ``k`` of
``centers`` has label ``k + 1``.
"""

import math
from typing import NamedTuple, Optional

import numpy as np

from . import _validate

__all__ = [
    "SEED",
    "IMAGE_SIZE",
    "N_CELLS",
    "CELL_SIGMA",
    "CELL_BRIGHTNESS",
    "NOISE_SCALE",
    "MIN_SEPARATION",
    "EDGE_MARGIN",
    "place_cells",
    "render_cells",
    "add_noise",
    "ground_truth_labels",
    "make_image",
    "make_pure_noise",
    "make_pair",
    "make_cluster",
    "make_bright_dim",
    "Scene",
    "make_uneven_illumination",
    "make_crowded_field",
]

SEED = 7493418  #: seed of the random number generator
IMAGE_SIZE = 128  #: pixels per side
N_CELLS = 8  #: number of cells in the default image
CELL_SIGMA = 6.0  #: Gaussian width of a cell (pixels)
CELL_BRIGHTNESS = 1.0  #: peak intensity of a cell
NOISE_SCALE = 0.15  #: standard deviation of the additive noise, before clipping
MIN_SEPARATION = 24  #: smallest centre-to-centre distance between cells (pixels)
MAX_CELL_SIGMA = 1000  #: widest cell drawn (pixels): wider is a flat background, not a cell
EDGE_MARGIN = 12  #: smallest distance from a centre to the image edge (pixels)


class Scene(NamedTuple):
    """A synthetic image with its answer: what every scene maker returns.

    Use the fields by name (``scene.image``, ``scene.labels``); ``classes`` is
    set by the makers that give cells a class (:func:`make_bright_dim`) and
    ``spacing`` by those that work in physical units.
    """

    image: np.ndarray  #: the noisy image, float, all values >= 0
    labels: np.ndarray  #: the ground-truth label image (int32, 0 = background, cell k = k + 1)
    #: (n, ndim) positions of the cell centres, one column per axis: (row, col) in 2-D, (z, y, x) in 3-D
    centers: np.ndarray
    classes: Optional[np.ndarray] = None  #: (n,) class of each cell, or None
    spacing: Optional[tuple] = None  #: physical size of a pixel along each axis, or None (pixels)


def _shape(shape):
    """Return ``(rows, cols)`` from an int (a square) or a pair, refusing what cannot fit."""
    if isinstance(shape, (str, bytes, dict, set)) or shape is None:
        raise TypeError(f"shape must be an int or a (rows, cols) pair, got {shape!r}.")
    if isinstance(shape, (list, tuple)) and any(np.ndim(n) != 0 for n in shape):
        raise ValueError(f"shape must be an int or a (rows, cols) pair of ints, got {shape!r}.")
    if np.ndim(shape) == 0:
        n = _validate.whole_number(shape, "shape", minimum=1)
        rows_cols = (n, n)
    elif np.ndim(shape) != 1 or len(shape) != 2:
        raise ValueError(
            f"shape must be an int or a (rows, cols) pair, got {shape!r}."
        )
    else:
        rows_cols = tuple(_validate.whole_number(n, "shape", minimum=1) for n in shape)
    _validate.pixel_budget(rows_cols, "shape")
    return rows_cols


def _per_cell(value, n, name, *, minimum, strict):
    """Broadcast a scalar or per-cell parameter to shape ``(n,)`` and check it."""
    arr = _validate.real_array(value, name, example=f"{name}=1.0")
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,):
        raise ValueError(
            f"{name} must be one number or one number per cell ({n}), got shape {arr.shape}."
        )
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite, got {arr}.")
    if name == "cell_sigma" and n and arr.max() > MAX_CELL_SIGMA:
        raise ValueError(
            f"cell_sigma={arr.max():g} pixels is wider than any image this model draws "
            f"(at most {MAX_CELL_SIGMA} pixels); pass a cell width in pixels, e.g. "
            f"cell_sigma={CELL_SIGMA:g}."
        )
    bad = arr <= minimum if strict else arr < minimum
    if bad.any():
        op = ">" if strict else ">="
        raise ValueError(f"every {name} must be {op} {minimum:g}, got {arr[bad][0]:g}.")
    return arr


def _centers(centers):
    arr = _validate.real_array(centers, "centers", example="centers=[[10, 20], [30, 40]]")
    if arr.size == 0:
        return arr.reshape(0, 2)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(
            f"centers must be an (n, 2) array of (row, col) positions, got shape {arr.shape}."
        )
    if not np.isfinite(arr).all():
        raise ValueError("centers must be finite.")
    return arr


def _most_cells(rows, cols, separation):
    """An upper bound on how many points ``separation`` apart fit on a ``rows x cols`` pixel grid.

    Oler's inequality for a convex region of area A and perimeter P (points at
    least 1 apart): n <= 2 A / sqrt(3) + P / 2 + 1, scaled to ``separation``;
    never more than the number of pixels. Checked before any dart is thrown.
    """
    if separation <= 1:
        return rows * cols
    a, b = (rows - 1) / separation, (cols - 1) / separation
    return min(rows * cols, int(2 * a * b / np.sqrt(3) + (a + b) + 1))


def _check_room(n, rows, cols, margin, min_separation, count="n_cells"):
    """Refuse at once more cells than fit ``min_separation`` apart (``count`` names the argument)."""
    most = _most_cells(rows - 2 * margin, cols - 2 * margin, min_separation)
    if n and n > most:
        raise ValueError(
            f"{count}={n}: no room for {n} cells {min_separation:g} px apart in a {rows}x{cols} "
            f"image with a {margin} px margin, at most {most} fit. Pass {count} of at most "
            f"{most}, a smaller min_separation or a larger shape."
        )


def place_cells(n_cells, *, shape, min_separation, seed, margin=EDGE_MARGIN):
    """Draw ``n_cells`` random integer centres at least ``min_separation`` apart.

    Candidates are drawn uniformly from the pixels at least ``margin`` pixels
    from every edge and kept when they are far enough from every centre kept so
    far (rejection sampling, also called dart throwing).

    Parameters
    ----------
    n_cells : int
        Number of centres.
    shape : int or (int, int)
        Image shape.
    min_separation : float
        Smallest allowed centre-to-centre distance in pixels.
    seed : int or numpy.random.Generator
        A whole number >= 0, or a generator to draw from (its state advances).
    margin : int, optional
        Smallest distance from a centre to the image edge.

    Returns
    -------
    centers : (n_cells, 2) ndarray of int
        ``(row, col)`` of each centre.

    Raises
    ------
    ValueError
        If the cells cannot be placed (too many for the area).

    Examples
    --------
    >>> centers = place_cells(5, shape=128, min_separation=24, seed=0)
    >>> centers.shape
    (5, 2)
    """
    n_cells = _validate.whole_number(n_cells, "n_cells")
    rows, cols = _shape(shape)
    min_separation = _validate.real_number(min_separation, "min_separation", minimum=0)
    margin = _validate.whole_number(margin, "margin")
    rng = _validate.rng(seed)
    if n_cells and (rows - 2 * margin < 1 or cols - 2 * margin < 1):
        raise ValueError(
            f"an image of shape {(rows, cols)} has no pixel {margin} px from every edge; "
            "use a larger image or a smaller margin."
        )
    _check_room(n_cells, rows, cols, margin, min_separation)
    return _place(
        n_cells,
        lambda: (rng.integers(margin, rows - margin), rng.integers(margin, cols - margin)),
        min_separation,
        scale=np.ones(2),
        what=lambda placed: (
            f"could place only {placed} of {n_cells} cells {min_separation:g} px apart in "
            f"a {rows}x{cols} image; pass fewer n_cells, a smaller min_separation or a "
            "larger shape."
        ),
    )


def _place(n, draw, min_separation, *, scale, what):
    """Rejection sampling: draw candidate centres until ``n`` lie ``min_separation`` apart.

    ``draw()`` gives one integer candidate; distances are measured after multiplying
    by ``scale`` (the pixel size per axis). After ``1000 + 1000 n`` tries it gives up
    with ``ValueError(what(placed))``. A loop over candidates, not pixels: each test
    is one vectorised distance to every centre kept so far.
    """
    centers = np.empty((n, len(scale)), dtype=np.int64)
    placed, tries, max_tries = 0, 0, 1000 + 1000 * n
    while placed < n:
        tries += 1
        if tries > max_tries:
            raise ValueError(what(placed))
        candidate = draw()
        d2 = (((centers[:placed] - candidate) * scale) ** 2).sum(axis=1)
        if placed == 0 or d2.min() >= min_separation**2:
            centers[placed] = candidate
            placed += 1
    return centers


def render_cells(centers, *, shape=IMAGE_SIZE, cell_sigma=CELL_SIGMA, brightness=CELL_BRIGHTNESS):
    """Return the noise-free image: the sum of one Gaussian blob per centre.

    A 2-D Gaussian is the product of a Gaussian in rows and one in columns, so
    the sum over cells is a single matrix product ``R.T @ C`` of two small
    tables (one row per cell), with no loop over cells or pixels.

    Parameters
    ----------
    centers : (n, 2) array_like
        ``(row, col)`` of each cell; need not be integers.
    shape : int or (int, int), optional
        Image shape.
    cell_sigma, brightness : float or (n,) array_like, optional
        Width (pixels, > 0) and peak intensity (>= 0), one for all cells or one per cell.

    Returns
    -------
    signal : 2-D ndarray of float

    Examples
    --------
    >>> signal = render_cells([[10, 20]], shape=32, cell_sigma=3, brightness=2.0)
    >>> float(signal[10, 20])
    2.0
    """
    centers = _centers(centers)
    rows, cols = _shape(shape)
    n = len(centers)
    cell_sigma = _per_cell(cell_sigma, n, "cell_sigma", minimum=0, strict=True)
    brightness = _per_cell(brightness, n, "brightness", minimum=0, strict=False)
    r = np.arange(rows)
    c = np.arange(cols)
    row_profiles = np.exp(-((r[None, :] - centers[:, :1]) ** 2) / (2 * cell_sigma[:, None] ** 2))
    col_profiles = np.exp(-((c[None, :] - centers[:, 1:]) ** 2) / (2 * cell_sigma[:, None] ** 2))
    return (row_profiles * brightness[:, None]).T @ col_profiles


def add_noise(signal, *, noise_scale, seed):
    """Add Gaussian noise of standard deviation ``noise_scale``, then clip at zero.

    Parameters
    ----------
    signal : 2-D array_like
        Noise-free intensities (signal plus background).
    noise_scale : float
        Standard deviation of the noise before clipping (>= 0).
    seed : int or numpy.random.Generator
        A whole number >= 0, or a generator to draw from (its state advances).

    Returns
    -------
    image : 2-D ndarray of float, all values >= 0

    Examples
    --------
    >>> img = add_noise(np.zeros((4, 4)), noise_scale=0.1, seed=1)
    >>> bool(img.min() >= 0)
    True
    """
    signal = _validate.image_2d(signal, "signal")
    noise_scale = _validate.real_number(noise_scale, "noise_scale", minimum=0)
    rng = _validate.rng(seed)
    noisy = signal + rng.normal(0.0, noise_scale, signal.shape)
    return np.clip(noisy, 0.0, None)


def ground_truth_labels(
    centers, *, shape=IMAGE_SIZE, cell_sigma=CELL_SIGMA, brightness=CELL_BRIGHTNESS, level=0.5
):
    """Return the true label image of a synthetic scene.

    Pixel ``(r, c)`` belongs to cell ``k`` (label ``k + 1``) when the cell's own
    noise-free intensity there is at least ``level`` times its peak, i.e. within
    ``cell_sigma * sqrt(-2 ln(level))`` of its centre (for the default ``level=0.5``
    this is the full width at half maximum). Where several cells qualify, the
    one contributing the highest intensity wins (the lower label on a tie).

    Parameters
    ----------
    centers : (n, 2) array_like
        ``(row, col)`` of each cell.
    shape : int or (int, int), optional
    cell_sigma, brightness : float or (n,) array_like, optional
        As in :func:`render_cells`.
    level : float, optional
        Fraction of the peak that defines a cell's edge, in (0, 1).

    Returns
    -------
    labels : 2-D ndarray of int32
        0 for background, ``k + 1`` for cell ``k``.

    Examples
    --------
    >>> labels = ground_truth_labels([[16, 16]], shape=32, cell_sigma=6)
    >>> int(labels.max()), int((labels == 1).sum())   # about pi * (6 * 1.177)**2
    (1, 149)
    """
    centers = _centers(centers)
    rows, cols = _shape(shape)
    n = len(centers)
    cell_sigma = _per_cell(cell_sigma, n, "cell_sigma", minimum=0, strict=True)
    brightness = _per_cell(brightness, n, "brightness", minimum=0, strict=False)
    level = _validate.real_number(level, "level", minimum=0, strict=True)
    if level >= 1:
        raise ValueError(f"level must be below 1 (a fraction of the peak), got {level:g}.")
    labels = np.zeros((rows, cols), dtype=np.int32)
    if n == 0:
        return labels
    # Every cell looks at the same square window of offsets around its centre.
    half = int(math.ceil(cell_sigma.max() * math.sqrt(-2 * math.log(level)))) + 1
    half = min(half, max(rows, cols))  # a window larger than the image finds nothing more
    _validate.output_size(6 * n * (2 * half + 1) ** 2, what=f"the windows of {n} cells of width up to "
                          f"{cell_sigma.max():g} pixels", hint="draw fewer or narrower cells")
    offsets = np.arange(-half, half + 1)
    dr, dc = [g.ravel() for g in np.meshgrid(offsets, offsets, indexing="ij")]
    base = np.round(centers).astype(np.int64)
    rr = base[:, :1] + dr  # (n, window) pixel rows
    cc = base[:, 1:] + dc
    own = np.exp(
        -((rr - centers[:, :1]) ** 2 + (cc - centers[:, 1:]) ** 2) / (2 * cell_sigma[:, None] ** 2)
    )
    keep = (own >= level) & (rr >= 0) & (rr < rows) & (cc >= 0) & (cc < cols)
    cell = np.broadcast_to(np.arange(n)[:, None], own.shape)[keep]
    pixel = (rr * cols + cc)[keep]
    strength = (own * brightness[:, None])[keep]
    # Sort by pixel, then by strength (descending), then by cell; keep the first per pixel.
    order = np.lexsort((cell, -strength, pixel))
    pixel, cell = pixel[order], cell[order]
    first = np.ones(len(pixel), dtype=bool)
    first[1:] = pixel[1:] != pixel[:-1]
    labels.ravel()[pixel[first]] = cell[first] + 1
    return labels


def make_image(
    *,
    n_cells=N_CELLS,
    cell_sigma=CELL_SIGMA,
    brightness=CELL_BRIGHTNESS,
    noise_scale=NOISE_SCALE,
    shape=IMAGE_SIZE,
    seed=SEED,
    min_separation=MIN_SEPARATION,
):
    """Return a :class:`Scene`: a synthetic fluorescence image, its ground truth and cell centres.

    Cells are placed at random at least ``min_separation`` pixels apart and
    :data:`EDGE_MARGIN` pixels from the edges, drawn as Gaussian blobs, and
    clipped Gaussian noise is added (see the module docstring). The same
    ``seed`` always gives the same image.

    Parameters
    ----------
    n_cells : int, optional
    cell_sigma : float, optional
        Width of every cell in pixels.
    brightness : float, optional
        Peak intensity of every cell.
    noise_scale : float, optional
        Standard deviation of the noise before clipping.
    shape : int or (int, int), optional
    seed : int, optional
    min_separation : float, optional

    Returns
    -------
    Scene
        ``image``, ``labels`` (ground truth: cell ``k`` is label ``k + 1``) and ``centers``.

    Examples
    --------
    >>> scene = make_image()
    >>> scene.image.shape, scene.centers.shape, int(scene.labels.max())
    ((128, 128), (8, 2), 8)
    """
    rng, shape = _rng_and_shape(seed, shape)
    centers = place_cells(n_cells, shape=shape, min_separation=min_separation, seed=rng)
    return _scene(centers, shape, cell_sigma, brightness, noise_scale, rng)


def make_pure_noise(*, noise_scale=NOISE_SCALE, shape=IMAGE_SIZE, seed=SEED):
    """Return a :class:`Scene` without cells: clipped Gaussian noise only (and empty labels).

    Each pixel is ``max(0, n)`` with ``n`` drawn from a normal distribution of
    mean 0 and standard deviation ``noise_scale``, exactly the background of
    :func:`make_image`. Use it to see what a pipeline "finds" where there is
    nothing to find.

    Parameters
    ----------
    noise_scale : float, optional
        Standard deviation of the noise before clipping.
    shape : int or (int, int), optional
    seed : int or numpy.random.Generator, optional

    Returns
    -------
    Scene
        ``image`` (the noise) and ``labels`` (all 0); no ``centers``.

    Examples
    --------
    >>> noise = make_pure_noise().image
    >>> noise.shape, bool(noise.min() == 0.0)
    ((128, 128), True)
    """
    shape = _shape(shape)
    return _scene(np.zeros((0, 2)), shape, CELL_SIGMA, CELL_BRIGHTNESS, noise_scale,
                  _validate.rng(seed))


def _rng_and_shape(seed, shape):
    return _validate.rng(seed), _shape(shape)


def _scene(centers, shape, cell_sigma, brightness, noise_scale, rng, background=0.0, classes=None):
    """The model's last two steps for a scene, returned as a :class:`Scene`.

    Draws the cells, adds ``background`` (a number or an image), adds clipped
    noise, and pairs the noisy image with the ground-truth labels.
    """
    signal = render_cells(centers, shape=shape, cell_sigma=cell_sigma, brightness=brightness) + background
    image = add_noise(signal, noise_scale=noise_scale, seed=rng)
    labels = ground_truth_labels(centers, shape=shape, cell_sigma=cell_sigma, brightness=brightness)
    return Scene(image, labels, np.asarray(centers), classes)


def make_pair(
    *,
    distance=14.0,
    angle=0.0,
    cell_sigma=CELL_SIGMA,
    brightness=CELL_BRIGHTNESS,
    noise_scale=NOISE_SCALE,
    shape=64,
    seed=SEED,
):
    """Return a :class:`Scene`: two equal cells ``distance`` pixels apart.

    The pair is centred on pixel ``(rows // 2, cols // 2)``. Its axis points
    ``angle`` degrees counter-clockwise from the horizontal, as the image is
    displayed (rows grow downwards, so 90 puts the second cell above the
    first). With the default horizontal axis and an even ``distance`` both
    centres are whole pixels.

    Parameters
    ----------
    distance : float, optional
        Centre-to-centre distance in pixels (>= 0).
    angle : float, optional
        Direction of the pair's axis in degrees; 0 is horizontal, 90 vertical.
    cell_sigma, brightness : float or (2,) array_like, optional
        Width and peak of the cells, as in :func:`render_cells`.
    noise_scale : float, optional
        Standard deviation of the noise before clipping.
    shape : int or (int, int), optional
    seed : int, optional

    Returns
    -------
    Scene
        ``image``, ``labels`` (ground truth: cell ``k`` is label ``k + 1``) and ``centers``.

    Examples
    --------
    >>> scene = make_pair(distance=14)
    >>> scene.centers
    array([[32., 25.],
           [32., 39.]])
    >>> scene.image.shape, int(scene.labels.max())
    ((64, 64), 2)
    """
    distance = _validate.real_number(distance, "distance", minimum=0)
    angle = _validate.real_number(angle, "angle")
    rng, shape = _rng_and_shape(seed, shape)
    middle = np.array([shape[0] // 2, shape[1] // 2], dtype=float)
    theta = math.radians(angle)
    # (row, col) step; rows grow downwards, so a positive angle points up.
    half = 0.5 * distance * np.array([-math.sin(theta), math.cos(theta)])
    centers = np.round(np.stack([middle - half, middle + half]), 12) + 0.0
    return _scene(centers, shape, cell_sigma, brightness, noise_scale, rng)


def make_cluster(
    *,
    n_cells=7,
    pitch=14.0,
    jitter=1.0,
    cell_sigma=CELL_SIGMA,
    brightness=CELL_BRIGHTNESS,
    noise_scale=NOISE_SCALE,
    shape=IMAGE_SIZE,
    seed=SEED,
):
    """Return a :class:`Scene`: a dense cluster of touching cells.

    The centres are the ``n_cells`` points of a hexagonal lattice of pitch
    ``pitch`` nearest to the middle of the image (a cell and its ring of six
    neighbours for the default 7), each moved by a random offset of standard
    deviation ``jitter`` pixels in each direction so that the cluster is not
    perfectly regular.

    Parameters
    ----------
    n_cells : int, optional
        Number of cells (>= 1).
    pitch : float, optional
        Distance between neighbouring lattice points in pixels (> 0).
    jitter : float, optional
        Standard deviation of the random displacement of each centre (>= 0).
    cell_sigma, brightness : float or (n_cells,) array_like, optional
    noise_scale : float, optional
    shape : int or (int, int), optional
    seed : int, optional

    Returns
    -------
    Scene
        ``image``, ``labels`` (ground truth: cell ``k`` is label ``k + 1``) and ``centers``.

    Raises
    ------
    ValueError
        If a centre would fall outside the image.

    Examples
    --------
    >>> scene = make_cluster()
    >>> scene.centers.shape, int(scene.labels.max())
    ((7, 2), 7)
    """
    n_cells = _validate.whole_number(n_cells, "n_cells", minimum=1)
    pitch = _validate.real_number(pitch, "pitch", minimum=0, strict=True)
    jitter = _validate.real_number(jitter, "jitter", minimum=0)
    rng, shape = _rng_and_shape(seed, shape)
    # A hexagonal cell of the lattice covers sqrt(3)/2 pitch^2: refuse at once a cluster
    # larger than the image, before building its lattice.
    if n_cells * math.sqrt(3) / 2 * pitch**2 > shape[0] * shape[1]:
        raise ValueError(
            f"n_cells={n_cells} cells at pitch={pitch:g} px cover more than a {shape[0]}x{shape[1]} "
            "image; pass fewer n_cells, a smaller pitch or a larger shape."
        )
    # Enough lattice rings to hold n_cells points (ring k holds 6k points).
    rings = max(1, math.ceil((math.sqrt(12 * n_cells - 3) - 3) / 6))
    i, j = np.meshgrid(np.arange(-rings, rings + 1), np.arange(-rings, rings + 1), indexing="ij")
    i, j = i.ravel(), j.ravel()
    points = pitch * np.stack([i * math.sqrt(3) / 2, j + 0.5 * i], axis=1)
    nearest = np.lexsort((points[:, 1], points[:, 0], np.hypot(*points.T).round(9)))
    middle = np.array([shape[0] // 2, shape[1] // 2], dtype=float)
    centers = middle + points[nearest[:n_cells]] + rng.normal(0.0, jitter, (n_cells, 2))
    if (centers < 0).any() or (centers > np.array(shape) - 1).any():
        raise ValueError(
            f"a cluster of {n_cells} cells {pitch:g} px apart (jitter {jitter:g} px) does not fit "
            f"in a {shape[0]}x{shape[1]} image; pass a larger shape, fewer n_cells, a smaller "
            "pitch or a smaller jitter."
        )
    return _scene(centers, shape, cell_sigma, brightness, noise_scale, rng)


def make_bright_dim(
    *,
    n_bright=4,
    n_dim=4,
    bright=1.0,
    dim=0.4,
    cell_sigma=CELL_SIGMA,
    noise_scale=NOISE_SCALE,
    shape=IMAGE_SIZE,
    seed=SEED,
    min_separation=MIN_SEPARATION,
):
    """Return a :class:`Scene`: bright and dim cells mixed.

    ``n_bright + n_dim`` centres are placed as in :func:`make_image`; the
    brightness of each is then drawn by a random permutation of the classes, so
    the class of a cell does not depend on its position in ``centers``.

    Parameters
    ----------
    n_bright, n_dim : int, optional
        Number of cells of each class.
    bright, dim : float, optional
        Peak brightness of the two classes (``bright > dim >= 0``).
    cell_sigma : float, optional
    noise_scale : float, optional
    shape : int or (int, int), optional
    seed : int, optional
    min_separation : float, optional

    Returns
    -------
    Scene
        ``image``, ``labels`` (ground truth: cell ``k`` is label ``k + 1``) and ``centers``, ``classes``.

    Examples
    --------
    >>> scene = make_bright_dim()
    >>> sorted(scene.classes.tolist()).count("dim"), int(scene.labels.max())
    (4, 8)
    """
    n_bright = _validate.whole_number(n_bright, "n_bright")
    n_dim = _validate.whole_number(n_dim, "n_dim")
    bright = _validate.real_number(bright, "bright", minimum=0)
    dim = _validate.real_number(dim, "dim", minimum=0)
    if not bright > dim:
        raise ValueError(f"bright must be greater than dim, got bright={bright:g}, dim={dim:g}.")
    rng, shape = _rng_and_shape(seed, shape)
    min_separation = _validate.real_number(min_separation, "min_separation", minimum=0)
    _check_room(n_bright + n_dim, *shape, EDGE_MARGIN, min_separation, count="n_bright + n_dim")
    centers = place_cells(n_bright + n_dim, shape=shape, min_separation=min_separation, seed=rng)
    classes = rng.permutation(np.array(["bright"] * n_bright + ["dim"] * n_dim))
    brightness = np.where(classes == "bright", bright, dim)
    return _scene(centers, shape, cell_sigma, brightness, noise_scale, rng, classes=classes)


def make_uneven_illumination(
    *,
    gradient=0.6,
    n_cells=N_CELLS,
    cell_sigma=CELL_SIGMA,
    brightness=CELL_BRIGHTNESS,
    noise_scale=NOISE_SCALE,
    shape=IMAGE_SIZE,
    seed=SEED,
    min_separation=MIN_SEPARATION,
):
    """Return a :class:`Scene`: cells on a background that rises to the right.

    The background is the ramp ``gradient * col / cols``: 0 in the first
    column, just under ``gradient`` in the last. It is added to the cells
    before the noise, so it models light that reaches the detector unevenly
    (stray light, autofluorescence, an uneven field), not a change of the
    cells' own brightness. With the same ``seed`` the cells are those of
    :func:`make_image` (the same centres), only the background differs; and
    ``gradient=0`` gives exactly :func:`make_image`'s image.

    The default ramp of 0.6 is deliberately strong: on its right-hand part the
    smoothed background (ramp plus the clipped-noise offset of about
    ``0.4 * noise_scale``) is above the default threshold of 0.5.

    Parameters
    ----------
    gradient : float, optional
        Background added at the right edge (>= 0).
    n_cells, cell_sigma, brightness, noise_scale, shape, seed, min_separation : optional
        As in :func:`make_image`.

    Returns
    -------
    Scene
        ``image``, ``labels`` (ground truth: cell ``k`` is label ``k + 1``) and ``centers``.

    Examples
    --------
    >>> flat = make_uneven_illumination(gradient=0.0)
    >>> bool(np.array_equal(flat.image, make_image().image))
    True
    """
    gradient = _validate.real_number(gradient, "gradient", minimum=0)
    rng, shape = _rng_and_shape(seed, shape)
    centers = place_cells(n_cells, shape=shape, min_separation=min_separation, seed=rng)
    ramp = gradient * np.arange(shape[1]) / shape[1]
    return _scene(centers, shape, cell_sigma, brightness, noise_scale, rng, ramp[None, :])


def make_crowded_field(
    *,
    n_cells=400,
    shape=512,
    cell_sigma_range=(4.0, 8.0),
    brightness_range=(0.6, 1.0),
    min_separation=12.0,
    noise_scale=NOISE_SCALE,
    seed=SEED,
):
    """Return a :class:`Scene`: a large field crowded with cells of varied sizes.

    The centres are placed as in :func:`make_image` but much closer together
    (``min_separation`` defaults to half of :data:`MIN_SEPARATION`), so many
    cells touch; each cell draws its width and peak brightness uniformly from
    ``cell_sigma_range`` and ``brightness_range``. The default field has 400 cells
    on 512 x 512 pixels: a realistic size for timing a pipeline and a hard case
    for tuning it.

    Parameters
    ----------
    n_cells : int, optional
    shape : int or (int, int), optional
    cell_sigma_range : (float, float), optional
        Smallest and largest cell width in pixels (``0 < low <= high``).
    brightness_range : (float, float), optional
        Smallest and largest peak brightness (``0 <= low <= high``).
    min_separation : float, optional
    noise_scale : float, optional
    seed : int, optional

    Returns
    -------
    Scene
        ``image``, ``labels`` (ground truth: cell ``k`` is label ``k + 1``) and ``centers``.

    Examples
    --------
    >>> scene = make_crowded_field(n_cells=50, shape=200)
    >>> scene.image.shape, int(scene.labels.max())
    ((200, 200), 50)
    """

    def _range(value, name, minimum, strict):
        if not _validate._sequence(value) or len(value) != 2 or any(
                np.ndim(v) != 0 for v in value):
            raise ValueError(f"{name} must be a (low, high) pair, got {value!r}.")
        low = _validate.real_number(value[0], f"{name}[0]", minimum=minimum, strict=strict)
        high = _validate.real_number(value[1], f"{name}[1]", minimum=minimum, strict=strict)
        if high < low:
            raise ValueError(f"{name} must be (low, high) with low <= high, got {value!r}.")
        return low, high

    sigma_low, sigma_high = _range(cell_sigma_range, "cell_sigma_range", 0, True)
    b_low, b_high = _range(brightness_range, "brightness_range", 0, False)
    rng, shape = _rng_and_shape(seed, shape)
    centers = place_cells(n_cells, shape=shape, min_separation=min_separation, seed=rng)
    cell_sigma = rng.uniform(sigma_low, sigma_high, len(centers))
    brightness = rng.uniform(b_low, b_high, len(centers))
    return _scene(centers, shape, cell_sigma, brightness, noise_scale, rng)
