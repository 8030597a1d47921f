"""The segmentation pipeline in 3-D, with every length in micrometres.

The 2-D pipeline (:mod:`cellseg.pipeline`) counts in pixels. In a z-stack a
voxel is usually deeper than wide, so the same number of voxels is a
different length along z than across: a filter of "2 voxels" is 2 um wide
along z but 0.5 um across at spacing (1, 0.25, 0.25). The functions here
take ``spacing`` (``(dz, dy, dx)`` in um, z first) and every length or size
in physical units, and convert to voxels per axis:

- :func:`smooth`: a Gaussian filter of width ``sigma`` um (one width for all
  axes, or one per axis), i.e. ``sigma / spacing`` voxels per axis;
- :func:`segment`: threshold, label with 6-, 18- or 26-connectivity, and drop
  objects smaller than ``min_volume`` um^3;
- :func:`filter_by_volume`: the size filter alone;
- :func:`resample_isotropic`: interpolate a stack onto cubic voxels (the
  alternative to measuring in physical units: more voxels, same answer at
  best).
"""

import numpy as np
from scipy import ndimage as ndi

from . import _validate
from .labels import check_label_image
from .measure import check_spacing

__all__ = ["smooth", "segment", "filter_by_volume", "resample_isotropic", "CONNECTIVITY"]

#: scipy/scikit-image connectivity -> number of neighbours of a voxel in 3-D.
CONNECTIVITY = {1: 6, 2: 18, 3: 26}


def _stack(image, name="image"):
    """A 3-D stack as float (float32 kept, to halve the memory of large stacks), or a clear error."""
    return _validate.image_nd(image, name, ndim=3, keep_float32=True)


def _um_widths(sigma, name="sigma"):
    if isinstance(sigma, (str, bytes, dict)):
        raise TypeError(f"{name} must be a width in um or one per axis, got {sigma!r}.")
    arr = np.asarray(sigma, dtype=float)
    if arr.ndim == 0:
        arr = np.full(3, float(arr))
    if arr.shape != (3,) or not np.isfinite(arr).all() or (arr < 0).any():
        raise ValueError(
            f"{name} must be one width in um (>= 0) or one per axis (z, y, x), got {sigma!r}."
        )
    return arr


def smooth(image, *, sigma, spacing):
    """Smooth a stack with a Gaussian of width ``sigma`` micrometres.

    The width is converted to voxels axis by axis (``sigma / spacing``), so
    the filter has the same physical shape along z as across: with one width
    for all axes, a round blob stays round. (Passing a width in voxels, as
    ``scipy.ndimage.gaussian_filter(image, 2)`` does, smooths an anisotropic
    stack far more along z than across.)

    Parameters
    ----------
    image : 3-D array_like
        Intensities ``(z, y, x)``. ``float32`` stays ``float32`` (half the
        memory); anything else becomes ``float64``.
    sigma : float or sequence of 3 floats
        Width of the Gaussian in um, for all axes or per axis (z first).
    spacing : sequence of 3 floats
        Voxel size in um, z first.

    Returns
    -------
    smoothed : 3-D ndarray of float

    Examples
    --------
    >>> stack = np.zeros((9, 33, 33)); stack[4, 16, 16] = 1.0
    >>> out = smooth(stack, sigma=1.0, spacing=(1.0, 0.25, 0.25))   # 1 x 4 x 4 voxels
    >>> round(float(out.sum()), 6), out[:, 16, 16].argmax()
    (1.0, np.int64(4))
    """
    image = _stack(image)
    spacing = check_spacing(spacing, 3)
    voxels = _um_widths(sigma) / spacing
    return ndi.gaussian_filter(image, voxels)


def filter_by_volume(labels, *, spacing, min_volume=0.0, max_volume=None):
    """Remove objects smaller than ``min_volume`` or larger than ``max_volume`` um^3.

    Kept objects keep their labels. One :func:`numpy.bincount` gives all the
    sizes; one lookup table removes the objects.

    Parameters
    ----------
    labels : 3-D array_like of int
    spacing : sequence of 3 floats
        Voxel size in um, z first.
    min_volume, max_volume : float, optional
        Limits in um^3 (no upper limit by default).

    Returns
    -------
    filtered : ndarray, same shape and dtype as ``labels``

    Examples
    --------
    >>> labels = np.zeros((2, 4, 4), int); labels[:, :2, :2] = 1; labels[0, 3, 3] = 2
    >>> filter_by_volume(labels, spacing=(2, 0.5, 0.5), min_volume=1.0)[0]
    array([[1, 1, 0, 0],
           [1, 1, 0, 0],
           [0, 0, 0, 0],
           [0, 0, 0, 0]])
    """
    labels = check_label_image(labels, "labels", ndim=3)
    spacing = check_spacing(spacing, 3)
    min_volume = _validate.real_number(min_volume, "min_volume", minimum=0)
    voxel = float(np.prod(spacing))
    # The ids present (one sort), so that memory follows the image, not the largest id.
    ids, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    volumes = counts * voxel
    keep = volumes >= min_volume
    if max_volume is not None:
        max_volume = _validate.real_number(max_volume, "max_volume", minimum=min_volume)
        keep &= volumes <= max_volume
    keep[ids == 0] = True
    return np.where(keep[inverse.reshape(labels.shape)], labels, 0).astype(labels.dtype)


def segment(image, *, threshold, spacing, min_volume=0.0, connectivity=1):
    """Threshold a stack, label its connected components, drop the small ones.

    Parameters
    ----------
    image : 3-D array_like
        Usually the output of :func:`smooth`.
    threshold : float
        Voxels strictly above it are foreground.
    spacing : sequence of 3 floats
        Voxel size in um, z first.
    min_volume : float, optional
        Smallest object kept, in um^3 (0 keeps everything).
    connectivity : {1, 2, 3}, optional
        Which voxels touch: 1, the 6 that share a face (the default); 2, also
        the 12 that share an edge (18 in all); 3, also the 8 that share only a
        corner (26 in all). A larger connectivity joins more: thin or
        diagonal structures stay whole, but neighbours that touch at a corner
        merge. With deep voxels, a diagonal step between two slices is long.

    Returns
    -------
    labels : 3-D ndarray of int32
        0 = background, 1..n objects, numbered in raster order.
    n : int

    Examples
    --------
    Two voxels touching only at a corner: two objects or one.

    >>> stack = np.zeros((3, 3, 3)); stack[0, 0, 0] = stack[1, 1, 1] = 1
    >>> segment(stack, threshold=0.5, spacing=(1, 1, 1))[1]
    2
    >>> segment(stack, threshold=0.5, spacing=(1, 1, 1), connectivity=3)[1]
    1
    """
    image = _stack(image)
    spacing = check_spacing(spacing, 3)
    threshold = _validate.real_number(threshold, "threshold")
    min_volume = _validate.real_number(min_volume, "min_volume", minimum=0)
    if connectivity not in CONNECTIVITY:
        raise ValueError(
            "connectivity must be 1 (6 face neighbours), 2 (18: faces and edges) or 3 (26: "
            f"faces, edges and corners), got {connectivity!r}."
        )
    structure = ndi.generate_binary_structure(3, connectivity)
    raw, n_raw = ndi.label(image > threshold, structure=structure)
    volumes = np.bincount(raw.ravel(), minlength=n_raw + 1) * float(np.prod(spacing))
    keep = volumes >= min_volume
    keep[0] = False
    new_id = np.zeros(n_raw + 1, dtype=np.int32)
    new_id[keep] = np.arange(1, keep.sum() + 1, dtype=np.int32)
    return new_id[raw], int(keep.sum())


def resample_isotropic(image, *, spacing, voxel=None, order=1):
    """Interpolate a stack onto cubic voxels of side ``voxel`` um.

    Parameters
    ----------
    image : 3-D array_like
        Intensities (``order=1``, linear interpolation) or a label volume
        (pass ``order=0``, nearest neighbour, which never invents labels).
    spacing : sequence of 3 floats
        Voxel size in um, z first.
    voxel : float, optional
        Side of the new voxels, um; the smallest of ``spacing`` by default.
    order : int, optional
        Spline order of :func:`scipy.ndimage.zoom` (0 or 1 are sensible).

    Returns
    -------
    resampled : 3-D ndarray
        About ``prod(spacing) / voxel**3`` times as many voxels (16 times for
        (1, 0.25, 0.25)): the price of the method.
    new_spacing : tuple of 3 floats
        The exact voxel size of the result (the shape is rounded to whole
        voxels, so it can differ slightly from ``voxel``).

    Examples
    --------
    >>> out, new = resample_isotropic(np.zeros((4, 8, 8)), spacing=(1.0, 0.25, 0.25))
    >>> out.shape, new
    ((16, 8, 8), (0.25, 0.25, 0.25))
    """
    spacing = check_spacing(spacing, 3)
    arr = np.asarray(image)
    if order == 0:
        arr = check_label_image(arr, "image", ndim=3) if arr.dtype != bool else arr
    else:
        arr = _stack(arr)
    voxel = float(spacing.min()) if voxel is None else _validate.real_number(
        voxel, "voxel", minimum=0, strict=True)
    order = _validate.whole_number(order, "order")
    shape = np.maximum(np.round(np.array(arr.shape) * spacing / voxel).astype(int), 1)
    zoom = shape / np.array(arr.shape)
    out = ndi.zoom(arr, zoom, order=order, grid_mode=True, mode="nearest")
    return out, tuple(float(s) for s in spacing * np.array(arr.shape) / shape)
