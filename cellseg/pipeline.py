"""The basic segmentation pipeline: smooth, threshold, label, filter by size.

Each step is one small function on arrays, for a 2-D image or a 3-D stack alike
(scikit-image's convention: ``spacing=None`` means pixel units; with ``spacing``,
the pixel (voxel) size per axis in micrometres, z first, every length and size is
physical and is converted to pixels axis by axis). :func:`segment` does steps 2-4
in one call and returns the label image (0 = background, 1..n = objects).

- :func:`smooth`: Gaussian smoothing;
- :func:`segment`: threshold, connected components, size filter;
- :func:`cell_sizes`, :func:`filter_by_size`: object sizes, and dropping objects by size;
- :func:`local_threshold`: a threshold that follows an uneven background;
- :func:`resample_isotropic`: interpolate a stack onto cubic voxels (the alternative
  to measuring in physical units: more voxels, same answer at best).

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
    "CONNECTIVITY",
    "smooth",
    "segment",
    "cell_sizes",
    "count_cells",
    "local_threshold",
    "filter_by_size",
    "resample_isotropic",
]

SMOOTH_SIGMA = 2.0  #: width of the Gaussian smoothing filter (pixels)
THRESHOLD = 0.5  #: intensity above which a smoothed pixel counts as cell
MIN_CELL_SIZE = 30  #: smallest object (pixels) kept as a cell

#: connectivity -> number of neighbours of a pixel, in 2-D and in 3-D.
CONNECTIVITY = {2: {1: 4, 2: 8}, 3: {1: 6, 2: 18, 3: 26}}

#: largest number of output pixels a resampling may make (about 2 GB of float64).
MAX_PIXELS = 2**28
#: widest square of local_threshold (pixels): the background changes more slowly than that
#: on no image, and scipy's filter overflows on squares near 2**62
MAX_SQUARE = 10_000


def _pixel_widths(sigma, spacing, image):
    """Gaussian widths in pixels per axis, refused when wider than the image."""
    ndim = image.ndim
    widths = _validate.widths(sigma, "sigma", ndim=ndim)
    if spacing is not None:
        widths = widths / spacing
    if (widths > max(image.shape)).any():
        unit = "pixels" if spacing is None else "micrometres (the units of spacing)"
        raise ValueError(
            f"sigma={sigma!r} is {np.round(widths, 3).tolist()} pixels along the axes, "
            f"wider than the image ({image.shape}); a Gaussian that wide flattens it to "
            f"its mean. Pass a width in {unit} about the size of the detail to keep "
            "(against pixel noise, below the cell radius), or use image.mean() if the "
            "mean is what you want."
        )
    return widths


def smooth(image, *, sigma=None, spacing=None):
    """Return the image smoothed with a Gaussian filter of width ``sigma``.

    A thin wrapper around :func:`scipy.ndimage.gaussian_filter` that checks its
    input and always works in floating point. Borders are handled by
    reflection (scipy's default ``mode='reflect'``), so a constant image stays
    exactly constant, edges included.

    With ``spacing``, the width is physical and is converted to pixels axis by
    axis (``sigma / spacing``), so the filter has the same physical shape along
    z as across: with one width for all axes, a round blob stays round.
    (Passing a width in voxels, as ``scipy.ndimage.gaussian_filter(image, 2)``
    does, smooths an anisotropic stack far more along z than across.)

    Parameters
    ----------
    image : 2-D or 3-D array_like
        Intensities. ``float32`` stays ``float32`` (half the memory); anything
        else becomes ``float64``.
    sigma : float or sequence of floats, optional
        Standard deviation of the Gaussian (>= 0; 0 returns a copy), one for
        all axes or one per axis: in pixels without ``spacing``
        (:data:`SMOOTH_SIGMA` by default), in the units of ``spacing`` with it
        (then required). At most the image's largest side.
    spacing : float or sequence of floats, optional
        Pixel (voxel) size per axis, z first, e.g. ``(2.0, 0.5, 0.5)`` um.

    Returns
    -------
    smoothed : ndarray of float
        Same shape as ``image``.

    See Also
    --------
    segment : the next step of the pipeline.
    cellseg.theory.smoothed_noise_std : how much noise the filter removes.

    Examples
    --------
    >>> img = np.zeros((5, 5)); img[2, 2] = 1.0
    >>> out = smooth(img, sigma=1)
    >>> out.shape, round(float(out.sum()), 6)
    ((5, 5), 1.0)

    In a stack with 1 x 0.25 x 0.25 um voxels, 1 um is 1 x 4 x 4 voxels:

    >>> stack = np.zeros((9, 33, 33)); stack[4, 16, 16] = 1.0
    >>> out = smooth(stack, sigma=1.0, spacing=(1.0, 0.25, 0.25))
    >>> round(float(out.sum()), 6), int(out[:, 16, 16].argmax())
    (1.0, 4)
    """
    image = _validate.image(image)
    spacing = _validate.spacing(spacing, image.ndim)
    if sigma is None:
        if spacing is not None:
            raise TypeError(
                "with spacing, pass sigma in the same units (micrometres), e.g. "
                "sigma=0.5; the default SMOOTH_SIGMA is in pixels."
            )
        sigma = SMOOTH_SIGMA
    widths = _pixel_widths(sigma, spacing, image)
    if np.ndim(sigma) == 0 and spacing is None:
        widths = float(widths[0])  # one width for all axes, exactly as scipy takes it
    return ndi.gaussian_filter(image, widths)


def _connectivity(connectivity, ndim):
    options = CONNECTIVITY[ndim]
    if (isinstance(connectivity, (bool, np.bool_)) or not isinstance(connectivity, (int, np.integer))
            or connectivity not in options):
        words = {
            2: "1 (edge neighbours, 4 in all) or 2 (edges and corners, 8)",
            3: "1 (6 face neighbours), 2 (18: faces and edges) or 3 (26: faces, edges "
               "and corners)",
        }[ndim]
        raise ValueError(f"connectivity must be {words}, got {connectivity!r}.")
    return int(connectivity)


def _min_size(min_size, spacing, name="min_size"):
    """A size limit in pixels (whole) or, with spacing, in physical units (real)."""
    if spacing is None:
        return _validate.whole_number(min_size, name)
    return _validate.real_number(min_size, name, minimum=0)


def segment(image, *, threshold=THRESHOLD, min_size=None, connectivity=1, spacing=None):
    """Threshold, label connected components and drop small ones.

    1. ``mask = image > threshold``;
    2. connected components of the mask get labels 1, 2, ... in raster order
       (:func:`scipy.ndimage.label`);
    3. components smaller than ``min_size`` are removed and the remaining
       ones renumbered 1..n in the same order.

    Steps 2-3 use one :func:`numpy.bincount` for all the sizes and one lookup
    table for the renumbering: no loop over objects. The number of objects is
    ``labels.max()``.

    Parameters
    ----------
    image : 2-D or 3-D array_like
        Usually the output of :func:`smooth`.
    threshold : float, optional
        Intensity: pixels strictly above it are foreground.
    min_size : int or float, optional
        Smallest component kept (0 keeps everything): a whole number of pixels
        without ``spacing`` (:data:`MIN_CELL_SIZE` by default), a size in
        physical units with it (um^2 or um^3; then required).
    connectivity : int, optional
        Which pixels touch. In 2-D: 1, those sharing an edge (4 neighbours);
        2, corners too (8). In 3-D: 1, the 6 that share a face; 2, also the 12
        that share an edge (18); 3, also the 8 that share only a corner (26).
        A larger connectivity joins more: thin or diagonal structures stay
        whole, but neighbours that touch at a corner merge.
    spacing : float or sequence of floats, optional
        Pixel (voxel) size per axis, z first.

    Returns
    -------
    labels : ndarray of int32
        0 = background, 1..n = objects, numbered in raster order.

    See Also
    --------
    smooth, filter_by_size, cellseg.splitting.split_touching

    Examples
    --------
    >>> img = np.zeros((6, 6)); img[1:3, 1:3] = 1; img[4, 4] = 1
    >>> labels = segment(img, threshold=0.5, min_size=2)
    >>> int(labels.max()), int(labels[1, 1]), int(labels[4, 4])
    (1, 1, 0)

    Two voxels touching only at a corner: two objects or one.

    >>> stack = np.zeros((3, 3, 3)); stack[0, 0, 0] = stack[1, 1, 1] = 1
    >>> int(segment(stack, threshold=0.5, min_size=0).max())
    2
    >>> int(segment(stack, threshold=0.5, min_size=0, connectivity=3).max())
    1
    """
    image = _validate.image(image)
    spacing = _validate.spacing(spacing, image.ndim)
    threshold = _validate.real_number(threshold, "threshold")
    if min_size is None:
        if spacing is not None:
            raise TypeError(
                "with spacing, pass min_size in physical units (um^2 or um^3), e.g. "
                "min_size=20.0, or 0 to keep every object; the default MIN_CELL_SIZE "
                "is in pixels."
            )
        min_size = MIN_CELL_SIZE
    min_size = _min_size(min_size, spacing)
    connectivity = _connectivity(connectivity, image.ndim)
    structure = ndi.generate_binary_structure(image.ndim, connectivity)
    raw, n_raw = ndi.label(image > threshold, structure=structure)
    sizes = np.bincount(raw.ravel(), minlength=n_raw + 1)
    if spacing is not None:
        sizes = sizes * float(np.prod(spacing))
    keep = sizes >= min_size
    keep[0] = False
    new_id = np.zeros(n_raw + 1, dtype=np.int32)
    new_id[keep] = np.arange(1, keep.sum() + 1, dtype=np.int32)
    return new_id[raw]


def _ids_and_sizes(labels):
    """The ids present (0 included if present), their pixel counts, and each pixel's index.

    A :func:`numpy.bincount` when the largest id is no larger than the image, a sort
    (:func:`numpy.unique`) otherwise: memory follows the image, never the largest id.
    """
    flat = labels.ravel()
    top = int(flat.max()) if flat.size else 0
    if 0 <= int(flat.min()) and top <= flat.size:
        counts = np.bincount(flat, minlength=top + 1)
        ids = np.flatnonzero(counts)
        return ids, counts[ids], None
    ids, inverse, counts = np.unique(flat, return_inverse=True, return_counts=True)
    return ids, counts, inverse.reshape(labels.shape)


def cell_sizes(labels, *, spacing=None):
    """Return the size of every object, in increasing label order.

    Labels absent from the image (gaps in the numbering) are skipped, so the
    result has one entry per object present.

    Parameters
    ----------
    labels : array_like of int
        Label image (0 = background), 2-D or 3-D.
    spacing : float or sequence of floats, optional
        Pixel size per axis: sizes in um^2 (um^3) instead of pixels.

    Returns
    -------
    sizes : 1-D ndarray
        Pixel counts (int), or physical sizes (float) with ``spacing``.

    Examples
    --------
    >>> cell_sizes(np.array([[0, 1, 1], [3, 3, 3]]))
    array([2, 3])
    >>> cell_sizes(np.array([[0, 1, 1], [3, 3, 3]]), spacing=0.5)
    array([0.5 , 0.75])
    """
    labels = check_label_image(labels)
    spacing = _validate.spacing(spacing, labels.ndim)
    ids, counts, _ = _ids_and_sizes(labels)
    counts = counts[ids != 0]
    return counts if spacing is None else counts * float(np.prod(spacing))


def count_cells(images, *, sigma=SMOOTH_SIGMA, threshold=THRESHOLD, min_size=MIN_CELL_SIZE):
    """The number of cells the pipeline finds in each of a batch of images.

    Each image is smoothed (:func:`smooth`) and segmented (:func:`segment`) with
    the given parameters, in pixels.

    Parameters
    ----------
    images : iterable of 2-D array_like, or a 3-D array (a stack of planes)
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
    if isinstance(images, np.ndarray):
        if images.ndim != 3:
            raise ValueError(f"images must be a list of 2-D images or a 3-D stack, got an array of "
                             f"shape {images.shape}; pass e.g. [image1, image2].")
    elif not isinstance(images, (list, tuple)) and not hasattr(images, "__next__"):
        raise TypeError(
            f"images must be a list of 2-D images or a 3-D stack, got {type(images).__name__}; "
            "pass e.g. [image1, image2]."
        )
    sigma = _validate.real_number(sigma, "sigma", minimum=0)
    min_size = _validate.whole_number(min_size, "min_size")
    counts = []
    for i, image in enumerate(images):
        image = _validate.image_2d(image, f"images[{i}]")
        labels = segment(smooth(image, sigma=sigma), threshold=threshold, min_size=min_size)
        counts.append(int(labels.max()))
    return np.array(counts, dtype=int)


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
    if size > MAX_SQUARE:
        raise ValueError(
            f"size={size} is a square wider than any image here (at most {MAX_SQUARE} pixels); "
            "pass a square a little larger than the largest object, e.g. size=51."
        )

    offset = _validate.real_number(offset, "offset")
    return ndi.grey_opening(image, size=(size, size)) + offset


def filter_by_size(labels, *, min_size=0, max_size=None, spacing=None):
    """Remove objects smaller than ``min_size`` or larger than ``max_size``.

    The kept objects keep their labels (no renumbering). Small objects are
    usually noise; very large ones are often several cells merged, or
    background picked up by a threshold that was too low.

    Parameters
    ----------
    labels : array_like of int
        Label image, 2-D or 3-D.
    min_size : int or float, optional
        Objects smaller than this are removed: a whole number of pixels without
        ``spacing``, um^2 (um^3) with it.
    max_size : float, optional
        Objects larger than this are removed (no upper limit by default).
    spacing : float or sequence of floats, optional
        Pixel (voxel) size per axis, z first.

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

    In a stack with 2 x 0.5 x 0.5 um voxels (0.5 um^3 each):

    >>> labels = np.zeros((2, 4, 4), int); labels[:, :2, :2] = 1; labels[0, 3, 3] = 2
    >>> filter_by_size(labels, min_size=1.0, spacing=(2, 0.5, 0.5))[0]
    array([[1, 1, 0, 0],
           [1, 1, 0, 0],
           [0, 0, 0, 0],
           [0, 0, 0, 0]])
    """
    labels = check_label_image(labels)
    spacing = _validate.spacing(spacing, labels.ndim)
    min_size = _min_size(min_size, spacing)
    if max_size is not None:
        max_size = _min_size(max_size, spacing, "max_size")
        if max_size < min_size:
            raise ValueError(
                f"max_size ({max_size}) must be at least min_size ({min_size})."
            )
    ids, sizes, inverse = _ids_and_sizes(labels)
    if spacing is not None:
        sizes = sizes * float(np.prod(spacing))
    keep = sizes >= min_size
    if max_size is not None:
        keep &= sizes <= max_size
    keep[ids == 0] = True  # background stays background
    if inverse is None:
        table = np.zeros(int(ids[-1]) + 1 if ids.size else 1, dtype=bool)
        table[ids] = keep
        kept = table[labels]
    else:
        kept = keep[inverse]
    return np.where(kept, labels, 0).astype(labels.dtype)


def resample_isotropic(image, *, spacing, voxel=None, order=1):
    """Interpolate a stack (or image) onto cubic (square) pixels of side ``voxel``.

    Parameters
    ----------
    image : 2-D or 3-D array_like
        Intensities (``order=1``, linear interpolation) or a label image (pass
        ``order=0``, nearest neighbour, which never invents labels).
    spacing : float or sequence of floats
        Pixel (voxel) size per axis in um, z first.
    voxel : float, optional
        Side of the new voxels, um; the smallest of ``spacing`` by default.
    order : {0, 1}, optional
        0 for labels (nearest neighbour), 1 for intensities (linear).

    Returns
    -------
    resampled : ndarray
        About ``prod(spacing) / voxel**ndim`` times as many voxels (16 times for
        (1, 0.25, 0.25)): the price of the method.
    new_spacing : tuple of floats
        The exact voxel size of the result (the shape is rounded to whole
        voxels, so it can differ slightly from ``voxel``).

    Examples
    --------
    >>> out, new = resample_isotropic(np.zeros((4, 8, 8)), spacing=(1.0, 0.25, 0.25))
    >>> out.shape, new
    ((16, 8, 8), (0.25, 0.25, 0.25))
    """
    arr = _validate.array_like(image, "image", example="image=np.zeros((4, 8, 8))")
    order = _validate.whole_number(order, "order")
    if order not in (0, 1):
        raise ValueError(
            f"order must be 0 (nearest neighbour, for labels) or 1 (linear, for "
            f"intensities), got {order}."
        )
    if order == 0 and arr.dtype.kind not in "biu":
        raise ValueError(
            f"order=0 (nearest neighbour) is for label images, but image has dtype {arr.dtype}; "
            "pass order=1 for intensities, or a label image (integers) with order=0."
        )
    if order == 0 and arr.dtype != bool:
        arr = check_label_image(arr, name="image")
    elif order == 1:
        arr = _validate.image(arr)
    spacing = _validate.spacing(spacing, arr.ndim, required=True)
    voxel = float(spacing.min()) if voxel is None else _validate.real_number(
        voxel, "voxel", minimum=0, strict=True)
    shape = np.maximum(np.round(np.array(arr.shape) * (spacing / voxel)), 1)
    n_out = float(np.prod(shape))
    if n_out > MAX_PIXELS:
        raise ValueError(
            f"resampling to voxel={voxel:g} would make {n_out:.3g} voxels (shape "
            f"{tuple(int(s) if s < 1e15 else s for s in shape)}), more than this helper "
            f"makes ({MAX_PIXELS:.3g}); pass a larger voxel, e.g. voxel={float(spacing.min()):g}, "
            "or crop the stack first."
        )
    shape = shape.astype(int)
    zoom = shape / np.array(arr.shape)
    out = ndi.zoom(arr, zoom, order=order, grid_mode=True, mode="nearest")
    return out, tuple(float(s) for s in spacing * np.array(arr.shape) / shape)
