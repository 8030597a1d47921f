"""Cut touching cells apart, and clean up label images afterwards.

- :func:`split_touching`: cut merged objects of a mask apart with the distance
  transform and a watershed;
- :func:`seeded_watershed`: flood an image from given seeds (e.g. nuclei);
- :func:`voronoi_otsu_labeling`: blur, Otsu threshold, spot detection and
  Voronoi-like flooding in one call (the CPU equivalent of clEsperanto's);
- :func:`erode_labels`: shrink every object without merging any (use
  :func:`skimage.segmentation.expand_labels` to grow them).
"""

import numpy as np
from scipy import ndimage as ndi
from skimage.feature import peak_local_max
from skimage.filters import threshold_otsu
from skimage.measure import label as _label
from skimage.morphology import disk, local_maxima
from skimage.segmentation import watershed

from . import _validate
from .labels import check_label_image

__all__ = ["split_touching", "seeded_watershed", "voronoi_otsu_labeling", "erode_labels"]


def _mask_2d(mask, name="mask"):
    """Return ``mask`` as a 2-D boolean array (nonzero = foreground), or raise."""
    if mask is None or isinstance(mask, (str, bytes)):
        raise TypeError(f"{name} must be a 2-D boolean array, e.g. smooth(image) > threshold; got {mask!r}.")
    arr = _validate.array_like(mask, name, example="smooth(image) > threshold")
    if arr.dtype != bool and not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            f"{name} must be a boolean (or integer) array, got dtype {arr.dtype}. "
            "Pass a binary mask such as smooth(image) > threshold."
        )
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (rows, cols); got shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); pass a non-empty mask.")
    return arr != 0


def split_touching(mask, *, min_distance=7):
    """Cut the merged objects of a binary mask apart (distance-transform watershed).

    1. Every foreground pixel gets its distance to the nearest background pixel
       (:func:`scipy.ndimage.distance_transform_edt`): the distance map has a
       hill in the middle of each round part of an object and a valley (a
       saddle) where two parts meet at a waist.
    2. The hill tops are found with :func:`skimage.feature.peak_local_max`:
       pixels that are the highest within ``min_distance`` pixels, at least
       ``min_distance`` apart. A connected component with no such peak still
       gets one marker at its highest point, so no object is lost.
    3. The watershed (:func:`skimage.segmentation.watershed`) floods the
       inverted distance map from the peaks, restricted to the mask; where two
       floods meet it draws the cut.

    Only the *shape* of the mask is used, never the intensities, so two cells
    are separated only when the mask has a waist between them. Two equal
    Gaussian cells merged by a threshold have one only when they are far
    enough apart (in the course's images from about 17 px): closer pairs form
    a nearly straight-sided oval whose distance map is a flat ridge, and
    the cut, if any, is arbitrary. Use :func:`seeded_watershed` with seeds
    from the intensities then.

    Parameters
    ----------
    mask : 2-D array_like of bool
        Foreground pixels (nonzero counts as foreground).
    min_distance : int, optional
        Smallest distance in pixels between two markers, about the radius of
        the smallest cell (>= 1). Smaller values split more, and over-split
        elongated or irregular single cells. Values beyond the image's
        diagonal act as the diagonal (one marker per component).

    Returns
    -------
    labels : 2-D ndarray of int32
        0 = background, 1..n = objects.

    Examples
    --------
    Two overlapping discs form one component with a waist; the watershed cuts it:

    >>> rr, cc = np.mgrid[:20, :34]
    >>> mask = ((rr - 10)**2 + (cc - 10)**2 < 49) | ((rr - 10)**2 + (cc - 22)**2 < 49)
    >>> int(ndi.label(mask)[1])
    1
    >>> labels = split_touching(mask, min_distance=5)
    >>> int(labels.max()), int(labels[10, 10]), int(labels[10, 22])
    (2, 1, 2)
    """
    mask = _mask_2d(mask)
    min_distance = _validate.whole_number(min_distance, "min_distance", minimum=1)
    # No two pixels are farther apart than the diagonal: a larger min_distance means the same
    # (one marker per component) and would only make peak_local_max's filter huge.
    min_distance = min(min_distance, int(np.ceil(np.hypot(*mask.shape))))
    labels = np.zeros(mask.shape, dtype=np.int32)
    components, n = ndi.label(mask)
    if n == 0:
        return labels
    distance = ndi.distance_transform_edt(mask)
    peaks = peak_local_max(
        distance, min_distance=min_distance, labels=components, exclude_border=False
    )
    markers = np.zeros(mask.shape, dtype=np.int32)
    markers[tuple(peaks.T)] = np.arange(1, len(peaks) + 1)
    # A component without a peak gets one marker at its highest point.
    missing = np.setdiff1d(np.arange(1, n + 1), components[tuple(peaks.T)])
    if missing.size:
        extra = np.array(ndi.maximum_position(distance, components, missing)).reshape(-1, 2)
        markers[tuple(extra.T)] = np.arange(len(peaks) + 1, len(peaks) + len(extra) + 1)
    return watershed(-distance, markers, mask=mask).astype(np.int32)


def seeded_watershed(image, seeds, *, mask=None, bright_objects=True):
    """Flood ``image`` from given seeds: one object per seed.

    The classic use is to segment cells from a cell stain using their nuclei
    (found in another channel) as seeds: every cell grows from its own
    nucleus and stops where it meets a neighbour, so the number of cells is
    decided by the seeds, not by the threshold.

    With ``bright_objects=True`` (cells brighter in the middle, as in the
    course's images) the flooding runs on ``-image``: from each seed downhill
    in intensity, and two neighbours meet along the darkest path between them.
    With ``bright_objects=False`` the image itself is flooded, which suits a
    membrane stain where the boundaries are the bright lines.

    Parameters
    ----------
    image : 2-D array_like
        Intensities, usually smoothed (:func:`smooth`).
    seeds : 2-D label image of ``image``'s shape, or (n, 2) array_like
        Either a label image of seeds (each nonzero label one seed region; the
        labels are kept), or the ``(row, col)`` of ``n`` seed points, which
        become labels ``1..n`` in the given order (rounded to whole pixels).
    mask : 2-D array_like of bool, optional
        Pixels that may be flooded, e.g. ``smooth(image) > threshold``. Without
        a mask the whole image is divided among the seeds. Seeds outside the
        mask get no pixels.
    bright_objects : bool, optional
        True when objects are bright and boundaries dark (flood ``-image``).

    Returns
    -------
    labels : 2-D ndarray
        With seed points, int32 labels ``1..n``; with a seed label image, its
        own labels in its own dtype (any id, e.g. 2**40 in int64, is kept).

    Examples
    --------
    >>> image = np.array([[5, 4, 1, 4, 5], [5, 4, 1, 4, 5]], dtype=float)
    >>> seeded_watershed(image, [[0, 0], [0, 4]])
    array([[1, 1, 1, 2, 2],
           [1, 1, 1, 2, 2]], dtype=int32)
    >>> seeded_watershed(image, [[0, 0], [0, 4]], mask=image > 2)
    array([[1, 1, 0, 2, 2],
           [1, 1, 0, 2, 2]], dtype=int32)
    """
    image = _validate.image_2d(image, "image")
    if not isinstance(bright_objects, (bool, np.bool_)):
        raise TypeError(f"bright_objects must be True or False, got {bright_objects!r}.")
    if seeds is None or isinstance(seeds, (str, bytes)):
        raise TypeError(f"seeds must be a label image or an (n, 2) array of (row, col) points, got {seeds!r}.")
    seeds_arr = _validate.array_like(seeds, "seeds", example="seeds=[[10, 12], [30, 40]]")
    if seeds_arr.size == 0:
        raise ValueError("seeds is empty: pass at least one seed, as a label image or (row, col) points; "
                         "with no seed the watershed has nothing to flood from.")
    ids = None
    if seeds_arr.shape == image.shape and seeds_arr.ndim == 2 and seeds_arr.dtype != object:
        # Flood the ids present, numbered 0, 1, ... (0 stays background), then put the ids
        # back: seeds labelled 2**32 or 2**63 keep their label, whatever the dtype.
        seeds_arr = check_label_image(seeds_arr, name="seeds")
        ids, markers = np.unique(seeds_arr, return_inverse=True)
        markers = markers.reshape(image.shape)
        if ids[0] != 0:
            ids = np.concatenate([np.zeros(1, ids.dtype), ids])
            markers = markers + 1
    elif seeds_arr.ndim == 2 and seeds_arr.shape[1] == 2 or seeds_arr.size == 0:
        points = seeds_arr.reshape(-1, 2)
        if not np.issubdtype(points.dtype, np.number) or not np.isfinite(points).all():
            raise ValueError("seed points must be finite (row, col) numbers.")
        points = np.round(points).astype(np.int64)
        inside = (points >= 0).all(axis=1) & (points < np.array(image.shape)).all(axis=1)
        if not inside.all():
            raise ValueError(
                f"seed point {points[~inside][0].tolist()} lies outside the image of shape "
                f"{image.shape}; pass (row, col) positions inside the image."
            )
        markers = np.zeros(image.shape, dtype=np.int32)
        markers[tuple(points.T)] = np.arange(1, len(points) + 1)
    else:
        raise ValueError(
            f"seeds must be a label image of shape {image.shape} or an (n, 2) array of "
            f"(row, col) points; got shape {seeds_arr.shape}."
        )
    if mask is not None:
        mask = _mask_2d(mask)
        _validate.same_shape(mask, image, ("mask", "image"), hint="pass a mask of the same image")
    landscape = -image if bright_objects else image
    flooded = watershed(landscape, markers, mask=mask)
    return flooded.astype(np.int32) if ids is None else ids[flooded]


def voronoi_otsu_labeling(image, *, spot_sigma=2.0, outline_sigma=2.0):
    """Label bright objects in one call: the CPU version of clEsperanto's Voronoi-Otsu labelling.

    Two copies of the image are blurred, each for one job:

    - **spot_sigma** decides *how many* objects there are. The image is
      blurred with a Gaussian of this width and every local maximum
      (:func:`skimage.morphology.local_maxima`; a flat top counts once)
      becomes a seed. A small ``spot_sigma`` keeps every bump, so noise and
      lumpy cells give several seeds each (over-splitting); a large one melts
      the peaks of close neighbours into one (under-splitting). A value below
      the width of the smallest cells usually works best.
    - **outline_sigma** decides *where the edges are*. The image is blurred
      with this width and thresholded with Otsu's method
      (:func:`skimage.filters.threshold_otsu`), which picks the intensity that
      best separates the histogram into two classes. A small
      ``outline_sigma`` gives a noisy, ragged outline; a large one rounds the
      outlines and lets close objects bleed into each other.

    The seeds outside the Otsu mask are dropped and the remaining ones are
    grown inside the mask until they meet (a watershed on the flat mask
    (:func:`skimage.segmentation.watershed`), i.e. a Voronoi partition of the
    mask measured along paths that stay inside it). Unlike
    :func:`split_touching` the cut between two objects does not need a waist
    in the mask; it falls halfway between their seeds.

    Parameters
    ----------
    image : 2-D array_like
        Raw intensities (the function does its own blurring).
    spot_sigma : float, optional
        Width of the blur used to find the seeds (>= 0).
    outline_sigma : float, optional
        Width of the blur used for the Otsu mask (>= 0).

    Returns
    -------
    labels : 2-D ndarray of int32
        0 = background, 1..n = objects, numbered in raster order of their seeds.

    Notes
    -----
    clEsperanto's ``voronoi_otsu_labeling(source, spot_sigma=spot_sigma, outline_sigma=outline_sigma)``
    runs the same steps on the GPU; its spot detection and the exact shape of
    its Voronoi growth differ slightly, so the two can disagree by a few
    boundary pixels. Like the original it assumes square (isotropic) pixels.

    Examples
    --------
    >>> from cellseg.synthetic import make_image
    >>> image = make_image().image
    >>> labels = voronoi_otsu_labeling(image, spot_sigma=4, outline_sigma=2)
    >>> int(labels.max())
    8
    """
    image = _validate.image_2d(image, "image")
    spot_sigma = _validate.sigma(spot_sigma, "spot_sigma", image=image)
    outline_sigma = _validate.sigma(outline_sigma, "outline_sigma", image=image)
    outline = ndi.gaussian_filter(image, outline_sigma)
    if outline.min() == outline.max():
        return np.zeros(image.shape, dtype=np.int32)
    mask = outline > threshold_otsu(outline)
    spots = local_maxima(ndi.gaussian_filter(image, spot_sigma)) & mask
    seeds = _label(spots, connectivity=2)
    return watershed(np.zeros(image.shape), seeds, mask=mask).astype(np.int32)


def erode_labels(labels, *, radius=1):
    """Shrink every object by ``radius`` pixels without letting neighbours invade it.

    A pixel keeps its label only when every pixel within ``radius`` (a disc,
    :func:`skimage.morphology.disk`) has the same label, so objects shrink
    from the background *and* from each other, and objects thinner than
    ``2 * radius + 1`` disappear. The edge of the image does not erode.
    (A plain grey-level erosion of a label image would instead let the lower
    label of two touching objects spill into the higher one.)

    Dilation without merging is :func:`skimage.segmentation.expand_labels`;
    opening is ``expand_labels(erode_labels(labels, radius=r), r)`` and closing is
    ``erode_labels(expand_labels(labels, r), radius=r)``.

    Parameters
    ----------
    labels : 2-D array_like of int
    radius : int, optional
        Radius of the disc in pixels (>= 0; 0 returns a copy).

    Returns
    -------
    eroded : ndarray
        Same shape and dtype as ``labels``.

    Examples
    --------
    >>> labels = np.zeros((7, 9), dtype=int); labels[1:6, 1:4] = 1; labels[1:6, 4:8] = 2
    >>> erode_labels(labels, radius=1)
    array([[0, 0, 0, 0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0, 0, 0],
           [0, 0, 1, 0, 0, 2, 2, 0, 0],
           [0, 0, 1, 0, 0, 2, 2, 0, 0],
           [0, 0, 1, 0, 0, 2, 2, 0, 0],
           [0, 0, 0, 0, 0, 0, 0, 0, 0],
           [0, 0, 0, 0, 0, 0, 0, 0, 0]])
    """
    labels = check_label_image(labels, ndim=2)
    radius = _validate.whole_number(radius, "radius")
    if radius > max(labels.shape):
        raise ValueError(
            f"radius={radius} is larger than the image ({labels.shape}): every object would "
            "vanish. Pass a radius in pixels smaller than half the width of the objects "
            "(1 to 3 removes a rim; objects thinner than 2 * radius + 1 disappear)."
        )
    if radius == 0:
        return labels.copy()
    footprint = disk(radius).astype(bool)
    low = ndi.minimum_filter(labels, footprint=footprint, mode="nearest")
    high = ndi.maximum_filter(labels, footprint=footprint, mode="nearest")
    return np.where(low == high, labels, 0).astype(labels.dtype)
