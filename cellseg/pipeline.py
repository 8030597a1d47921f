"""The basic segmentation pipeline: smooth, threshold, label, filter by size.

Each step is one small function on arrays. :func:`segment` does steps 2-4 in
one call and returns a label image (0 = background, 1..n = cells) and ``n``.

- :func:`smooth`: Gaussian smoothing;
- :func:`segment`: threshold, connected components, size filter;
- :func:`cell_sizes`, :func:`filter_by_size`: object sizes, and dropping objects by size;
- :func:`local_threshold`: a threshold that follows an uneven background.

Cutting touching cells apart is in :mod:`cellseg.splitting`. Use
:func:`skimage.segmentation.clear_border` to drop objects at the border.
"""

import numpy as np
from scipy import ndimage as ndi

from . import _validate
from .labels import check_label_image

__all__ = [
    "SMOOTH_SIGMA",
    "THRESHOLD",
    "MIN_CELL_SIZE",
    "smooth",
    "segment",
    "cell_sizes",
    "count_cells",
    "local_threshold",
    "filter_by_size",
]

SMOOTH_SIGMA = 2.0  #: width of the Gaussian smoothing filter (pixels)
THRESHOLD = 0.5  #: intensity above which a smoothed pixel counts as cell
MIN_CELL_SIZE = 30  #: smallest object (pixels) kept as a cell


def smooth(image, *, sigma=SMOOTH_SIGMA):
    """Return the image smoothed with a Gaussian filter of width ``sigma``.

    A thin wrapper around :func:`scipy.ndimage.gaussian_filter` that checks its
    input and always works in floating point. Borders are handled by
    reflection (scipy's default ``mode='reflect'``), so a constant image stays
    exactly constant, edges included.

    Parameters
    ----------
    image : 2-D array_like
        Intensities.
    sigma : float, optional
        Standard deviation of the Gaussian in pixels (>= 0; 0 returns a copy;
        at most the image's largest side).

    Returns
    -------
    smoothed : 2-D ndarray of float
        Same shape as ``image``.

    Examples
    --------
    >>> img = np.zeros((5, 5)); img[2, 2] = 1.0
    >>> out = smooth(img, sigma=1)
    >>> out.shape, round(float(out.sum()), 6)
    ((5, 5), 1.0)
    """
    image = _validate.image_2d(image)
    sigma = _validate.sigma(sigma, image=image)
    return ndi.gaussian_filter(image, sigma=sigma)


def segment(image, *, threshold=THRESHOLD, min_size=MIN_CELL_SIZE, connectivity=1):
    """Threshold, label connected components and drop small ones.

    1. ``mask = image > threshold``;
    2. connected components of the mask get labels 1, 2, ... in raster order
       (:func:`scipy.ndimage.label`);
    3. components with fewer than ``min_size`` pixels are removed and the
       remaining ones renumbered 1..n in the same order.

    Steps 2-3 use one :func:`numpy.bincount` for all the sizes and one lookup
    table for the renumbering: no loop over objects.

    Parameters
    ----------
    image : 2-D array_like
        Usually the output of :func:`smooth`.
    threshold : float, optional
        Pixels strictly above it are foreground.
    min_size : int, optional
        Smallest component kept, in pixels (>= 0; 0 or 1 keeps everything).
    connectivity : {1, 2}, optional
        1: pixels touching by an edge are connected (4-connectivity);
        2: corners count too (8-connectivity).

    Returns
    -------
    labels : 2-D ndarray of int32
        0 = background, 1..n_cells = cells.
    n_cells : int

    Examples
    --------
    >>> img = np.zeros((6, 6)); img[1:3, 1:3] = 1; img[4, 4] = 1
    >>> labels, n = segment(img, threshold=0.5, min_size=2)
    >>> n, int(labels[1, 1]), int(labels[4, 4])
    (1, 1, 0)
    """
    image = _validate.image_2d(image)
    threshold = _validate.real_number(threshold, "threshold")
    min_size = _validate.whole_number(min_size, "min_size")
    if connectivity not in (1, 2):
        raise ValueError(
            f"connectivity must be 1 (edge neighbours) or 2 (edge and corner), got {connectivity!r}."
        )
    structure = ndi.generate_binary_structure(2, connectivity)
    raw, n_raw = ndi.label(image > threshold, structure=structure)
    sizes = np.bincount(raw.ravel(), minlength=n_raw + 1)
    keep = sizes >= min_size
    keep[0] = False
    new_id = np.zeros(n_raw + 1, dtype=np.int32)
    new_id[keep] = np.arange(1, keep.sum() + 1, dtype=np.int32)
    return new_id[raw], int(keep.sum())


def cell_sizes(labels):
    """Return the area in pixels of every object, in increasing label order.

    Labels absent from the image (gaps in the numbering) are skipped, so the
    result has one entry per object present.

    Parameters
    ----------
    labels : array_like of int
        Label image (0 = background).

    Returns
    -------
    sizes : 1-D ndarray of int

    Examples
    --------
    >>> cell_sizes(np.array([[0, 1, 1], [3, 3, 3]]))
    array([2, 3])
    """
    labels = check_label_image(labels)
    present, counts = np.unique(labels, return_counts=True)  # the ids present, whatever their size
    return counts[present != 0]


def count_cells(images, *, sigma=SMOOTH_SIGMA, threshold=THRESHOLD, min_size=MIN_CELL_SIZE):
    """The number of cells the pipeline finds in each of a batch of images.

    Each image is smoothed (:func:`smooth`) and segmented (:func:`segment`) with
    the given parameters.

    Parameters
    ----------
    images : iterable of 2-D array_like, or a 3-D array (a stack)
    sigma, threshold, min_size : optional
        As in :func:`smooth` and :func:`segment`.

    Returns
    -------
    counts : 1-D ndarray of int

    Examples
    --------
    >>> from cellseg.synthetic import make_image
    >>> count_cells([make_image(seed=s).image for s in (1, 2)])
    array([8, 8])
    """
    return np.array(
        [segment(smooth(image, sigma=sigma), threshold=threshold, min_size=min_size)[1] for image in images],
        dtype=int,
    )


def local_threshold(image, *, size=51, offset=0.44):
    """Return a threshold *image* that follows a slowly varying background.

    The background is estimated by a grey-level opening
    (:func:`scipy.ndimage.grey_opening` with a ``size`` x ``size`` square): a
    minimum filter, which removes every bright object narrower than the
    square, followed by a maximum filter of the same size, which undoes the
    shrinking of everything else. What is left is the background, including a
    gradient (the opening of a linear ramp is the ramp itself). The threshold
    is that background plus ``offset``; use it as ``mask = image > T``.
    Within ``size // 2`` pixels of the image edge on the bright side of a
    gradient the opening falls short of the background (by at most the rise
    of the background over half the square), so the threshold is a little low
    there.

    The default ``offset`` of 0.44 is the course's global threshold 0.5 minus
    the mean background of about 0.06 that the clipped noise leaves in a
    smoothed image (:func:`cellseg.theory.smoothed_noise_mean`). The opening,
    though, follows the *lower envelope* of a noisy background, not its mean
    (its minimum filter picks the lowest noise value in each square), so on an
    evenly lit image the local threshold sits a little below the global one and
    objects come out slightly larger: on the course's standard image it lies
    between 0.46 and 0.49 (see the last example).

    Why an opening and not a local percentile: a percentile filter
    (:func:`scipy.ndimage.percentile_filter`, or
    :func:`scipy.ndimage.generic_filter` with :func:`numpy.percentile`) sorts
    ``size**2`` values for every pixel, while the minimum and maximum filters
    of a square are separable (one pass along the rows and one along the
    columns) and take a few operations per pixel whatever the ``size``. On a
    512 x 512 image with ``size=51`` the opening takes about 15 ms, the
    percentile filter several seconds (see ``benchmarks/bench_splitting.py``),
    and ``generic_filter``, which calls Python for every pixel, longer still.
    Both estimate the background well when the square is larger than any
    object.

    Parameters
    ----------
    image : 2-D array_like
        Intensities, usually smoothed (:func:`smooth`).
    size : int, optional
        Side of the square in pixels (>= 1); larger than the largest object
        (cell or cluster of touching cells), smaller than the scale on which
        the background changes.
    offset : float, optional
        How far above the local background a pixel must be to count as cell.

    Returns
    -------
    threshold : 2-D ndarray of float
        Same shape as ``image``.

    Examples
    --------
    A ramp with one bright square: the threshold follows the ramp.

    >>> image = np.tile(np.linspace(0, 1, 40), (40, 1))
    >>> image[15:20, 15:20] += 2
    >>> t = local_threshold(image, size=11, offset=0.5)
    >>> bool(np.allclose(t[:, :10], image[:, :10] + 0.5))
    True
    >>> int((image > t).sum())
    25

    On the evenly lit standard image: below the global 0.5, everywhere.

    >>> from cellseg.synthetic import make_image
    >>> t = local_threshold(smooth(make_image().image))
    >>> round(float(t.min()), 2), round(float(t.max()), 2)
    (0.46, 0.49)
    """
    image = _validate.image_2d(image)
    size = _validate.whole_number(size, "size", minimum=1)
    offset = _validate.real_number(offset, "offset")
    return ndi.grey_opening(image, size=(size, size)) + offset


def filter_by_size(labels, *, min_size=0, max_size=None):
    """Remove objects smaller than ``min_size`` or larger than ``max_size`` pixels.

    The kept objects keep their labels (no renumbering). Small objects are
    usually noise; very large ones are often several cells merged, or
    background picked up by a threshold that was too low.

    Parameters
    ----------
    labels : array_like of int
    min_size : int, optional
        Objects with fewer pixels are removed.
    max_size : int, optional
        Objects with more pixels are removed (no upper limit by default).

    Returns
    -------
    filtered : ndarray
        Same shape and dtype as ``labels``.

    Examples
    --------
    >>> labels = np.array([[1, 2, 2, 0], [3, 3, 3, 3]])
    >>> filter_by_size(labels, min_size=2, max_size=3)
    array([[0, 2, 2, 0],
           [0, 0, 0, 0]])
    """
    labels = check_label_image(labels)
    min_size = _validate.whole_number(min_size, "min_size")
    if max_size is not None:
        max_size = _validate.whole_number(max_size, "max_size")
        if max_size < min_size:
            raise ValueError(
                f"max_size ({max_size}) must be at least min_size ({min_size})."
            )
    # Work on the ids present (one sort), so that memory follows the image, not the largest id.
    present, inverse, sizes = np.unique(labels, return_inverse=True, return_counts=True)
    keep = sizes >= min_size
    if max_size is not None:
        keep &= sizes <= max_size
    keep[present == 0] = True  # background stays background
    return np.where(keep[inverse.reshape(labels.shape)], labels, 0).astype(labels.dtype)
