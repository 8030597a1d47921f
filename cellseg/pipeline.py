"""The basic segmentation pipeline: smooth, threshold, label, filter by size.

Each step is one small function on arrays. :func:`segment` does steps 2-4 in
one call and returns a label image (0 = background, 1..n = cells) and ``n``.
"""

import numpy as np
from scipy import ndimage as ndi

from . import _validate
from .labels import check_label_image

__all__ = ["SMOOTH_SIGMA", "THRESHOLD", "MIN_CELL_SIZE", "smooth", "segment", "cell_sizes"]

SMOOTH_SIGMA = 2.0  #: width of the Gaussian smoothing filter (pixels)
THRESHOLD = 0.5  #: intensity above which a smoothed pixel counts as cell
MIN_CELL_SIZE = 30  #: smallest object (pixels) kept as a cell


def smooth(image, sigma=SMOOTH_SIGMA):
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
        Standard deviation of the Gaussian in pixels (>= 0; 0 returns a copy).

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
    sigma = _validate.sigma(sigma)
    return ndi.gaussian_filter(image, sigma=sigma)


def segment(image, threshold=THRESHOLD, min_size=MIN_CELL_SIZE, connectivity=1):
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
    counts = np.bincount(labels.ravel())
    present = np.flatnonzero(counts)
    return counts[present[present > 0]]
