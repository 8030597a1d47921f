"""Whole cells from nuclei and a second channel; instances from a semantic mask.

- :func:`make_cells_and_nuclei`: a synthetic two-channel image (a nuclear
  stain and a membrane stain) with the true cells, nuclei and class map;
- :func:`semantic_classes`: the multi-class semantic mask of cells and nuclei
  (0 background, 1 nucleus, 2 cytoplasm, 3 membrane);
- :func:`instances_from_semantic`: objects from a foreground mask by erosion,
  labelling and expansion (erode -> label -> expand);
- :func:`smooth_labels`: round off ragged outlines of a label image with a
  majority (mode) filter, without merging objects.

The two-channel recipe itself needs no new function: the nuclei are
segmented (:func:`cellseg.segment`) and used as the seeds of
:func:`cellseg.seeded_watershed` on the membrane channel with
``bright_objects=False`` (the membranes are the bright ridges between cells).

Examples
--------
>>> scene = make_cells_and_nuclei(n_cells=4, shape=64, seed=1)
>>> scene.nuclei_image.shape, int(scene.cells.max()), int(scene.nuclei.max())
((64, 64), 4, 4)
>>> sorted(np.unique(scene.classes).tolist())
[0, 1, 2, 3]
"""

from dataclasses import dataclass

import numpy as np
from scipy import ndimage as ndi

from . import _validate
from .labels import check_label_image
from .synthetic import _shape, place_cells

__all__ = [
    "CLASS_NAMES",
    "CellsAndNuclei",
    "make_cells_and_nuclei",
    "semantic_classes",
    "instances_from_semantic",
    "smooth_labels",
]

#: The classes of :func:`semantic_classes`, in the order of their values 0..3.
CLASS_NAMES = ("background", "nucleus", "cytoplasm", "membrane")

@dataclass(frozen=True, eq=False)
class CellsAndNuclei:
    """A synthetic two-channel scene (see :func:`make_cells_and_nuclei`)."""

    nuclei_image: np.ndarray  #: the nuclear stain: a bright disc per cell
    membrane_image: np.ndarray  #: the membrane stain: bright outlines, dim cytoplasm
    cells: np.ndarray  #: true cell labels, cell k is label k + 1
    nuclei: np.ndarray  #: true nucleus labels, the nucleus of cell k is label k + 1
    classes: np.ndarray  #: the class map of :func:`semantic_classes`
    centers: np.ndarray  #: (n, 2) centres of the nuclei, (row, col)


def make_cells_and_nuclei(
    *,
    n_cells=12,
    shape=128,
    cell_radius=14.0,
    nucleus_radius=5.0,
    noise_scale=0.05,
    seed=0,
):
    """Draw cells with their nuclei in two channels: a nuclear stain and a membrane stain.

    Nuclei are discs of radius ``nucleus_radius`` around random centres at
    least ``1.5 * cell_radius`` apart. Each cell is the set of pixels nearer
    its own centre than any other (a Voronoi cell) and within ``cell_radius``
    of it, so neighbours touch along straight walls and lone cells are round.
    The nuclear channel is 1 in the nuclei; the membrane channel is 1 on
    the one-pixel outline of every cell and 0.2 in the cytoplasm. Both are
    blurred (sigma 0.7 pixel), and Gaussian noise is added and clipped at 0.

    Parameters
    ----------
    n_cells : int, optional
    shape : int or (int, int), optional
    cell_radius, nucleus_radius : float, optional
        In pixels; ``nucleus_radius`` must be below ``cell_radius``.
    noise_scale : float, optional
        Standard deviation of the noise of both channels.
    seed : int, optional

    Returns
    -------
    CellsAndNuclei
        ``nuclei_image``, ``membrane_image``, true ``cells`` and ``nuclei``
        (the same label for a cell and its nucleus), the ``classes`` map
        (0..3, :data:`CLASS_NAMES`) and the ``centers``.

    Examples
    --------
    >>> scene = make_cells_and_nuclei(n_cells=3, shape=64, seed=2)
    >>> bool(np.all(scene.nuclei[scene.nuclei > 0] == scene.cells[scene.nuclei > 0]))
    True
    """
    n_cells = _validate.whole_number(n_cells, "n_cells")
    rows, cols = _shape(shape)
    # about ten float64 arrays of the image's size (distances, their indices, two channels)
    _validate.output_size(10 * rows * cols, what=f"two channels of {rows}x{cols} pixels",
                          hint="pass a smaller shape (e.g. 128)")
    cell_radius = _validate.real_number(cell_radius, "cell_radius", minimum=0, strict=True)
    nucleus_radius = _validate.real_number(nucleus_radius, "nucleus_radius", minimum=0, strict=True)
    if cell_radius > max(rows, cols):
        raise ValueError(
            f"cell_radius={cell_radius:g} pixels is larger than the image ({rows}x{cols}); "
            "pass a radius in pixels of one cell (e.g. 14) or a larger shape."
        )
    if nucleus_radius >= cell_radius:
        raise ValueError(
            f"nucleus_radius ({nucleus_radius:g}) must be smaller than cell_radius "
            f"({cell_radius:g}): a nucleus lies inside its cell."
        )
    noise_scale = _validate.real_number(noise_scale, "noise_scale", minimum=0)
    rng = _validate.rng(seed)
    margin = int(np.ceil(nucleus_radius)) + 1
    centers = place_cells(n_cells, shape=(rows, cols), min_separation=1.5 * cell_radius,
                          seed=rng, margin=margin)
    markers = np.zeros((rows, cols), dtype=np.int32)
    markers[tuple(centers.T)] = np.arange(1, n_cells + 1)
    if n_cells:
        # distance to the nearest centre, and which centre it is: one Euclidean distance transform
        distance, (ri, ci) = ndi.distance_transform_edt(markers == 0, return_indices=True)
        nearest = markers[ri, ci]
    else:
        distance, nearest = np.full((rows, cols), np.inf), markers
    cells = np.where(distance <= cell_radius, nearest, 0).astype(np.int32)
    nuclei = np.where(distance <= nucleus_radius, nearest, 0).astype(np.int32)
    classes = semantic_classes(cells, nuclei=nuclei)
    membrane = np.where(classes == 3, 1.0, np.where(classes == 0, 0.0, 0.2))
    nucleus_signal = (nuclei > 0).astype(float)
    channels = []
    for signal in (nucleus_signal, membrane):
        blurred = ndi.gaussian_filter(signal, 0.7)
        channels.append(np.clip(blurred + rng.normal(0.0, noise_scale, blurred.shape), 0.0, None))
    return CellsAndNuclei(nuclei_image=channels[0], membrane_image=channels[1], cells=cells,
                          nuclei=nuclei, classes=classes, centers=centers)


def semantic_classes(cells, *, nuclei):
    """The class map of cells and their nuclei: 0 background, 1 nucleus, 2 cytoplasm, 3 membrane.

    A semantic mask gives every pixel a class, not an object: all nuclei are 1,
    however many there are. The membrane is the one-pixel inner outline of
    every cell (:func:`skimage.segmentation.find_boundaries` with
    ``mode="inner"``, which also draws the wall between two touching cells),
    the nucleus wins where it reaches the outline, and the rest of a cell is
    cytoplasm.

    Parameters
    ----------
    cells : 2-D or 3-D array_like of int
        Cell labels (0 = background).
    nuclei : array_like of int or bool
        Nuclei (any nonzero value), same shape.

    Returns
    -------
    classes : ndarray of uint8
        Values in 0..3, names in :data:`CLASS_NAMES`.

    Examples
    --------
    >>> cells = np.zeros((5, 7), int); cells[:, :4] = 1; cells[:, 4:] = 2
    >>> nuclei = np.zeros((5, 7), int); nuclei[2, 1] = 1
    >>> semantic_classes(cells, nuclei=nuclei)
    array([[3, 3, 3, 3, 3, 3, 3],
           [3, 2, 2, 3, 3, 2, 3],
           [3, 1, 2, 3, 3, 2, 3],
           [3, 2, 2, 3, 3, 2, 3],
           [3, 3, 3, 3, 3, 3, 3]], dtype=uint8)
    """
    from skimage.segmentation import find_boundaries

    cells = check_label_image(cells, name="cells", ndim=(2, 3))
    nuclei = check_label_image(nuclei, name="nuclei", ndim=(2, 3))
    _validate.same_shape(cells, nuclei, ("cells", "nuclei"), hint="pass the nuclei of the same image")
    classes = np.zeros(cells.shape, dtype=np.uint8)
    classes[cells != 0] = 2
    # the image's edge counts as an outline too: a cell cut by the edge is closed there
    padded = np.pad(cells, 1)
    outline = find_boundaries(padded, mode="inner")[(slice(1, -1),) * cells.ndim]
    classes[outline & (cells != 0)] = 3
    classes[(nuclei != 0) & (cells != 0)] = 1
    return classes


def _footprint(radius, ndim):
    from skimage.morphology import ball, disk

    return (disk(radius) if ndim == 2 else ball(radius)).astype(bool)


def instances_from_semantic(mask, *, radius):
    """Objects from a foreground mask: erode by ``radius``, label, expand by ``radius`` within the mask.

    Two touching objects form one connected piece of a mask; eroding the mask
    by more than half the width of the neck between them cuts it, so
    labelling the eroded mask finds one core per object.
    :func:`skimage.segmentation.expand_labels` then grows every core back by
    ``radius`` pixels without letting two cores merge (a pixel reached by two
    goes to the nearer), and the result is cut back to the original mask.
    Objects thinner than ``2 * radius + 1`` pixels vanish with the erosion.

    Parameters
    ----------
    mask : 2-D or 3-D array_like of bool
        The semantic (foreground) mask; nonzero = foreground.
    radius : int
        Radius in pixels of the disc (ball in 3-D) of the erosion and the
        distance of the expansion: about half the width of the necks to
        cut, and less than the radius of the smallest object to keep.

    Returns
    -------
    labels : ndarray of int32
        0 = background, 1..n = objects, in raster order of their cores.

    Examples
    --------
    Two discs of radius 5, 9 pixels apart: one piece of the mask (the neck is
    7 pixels wide), two objects after erosion by 4; the expansion gives back
    all but the 8 pixels of the mask farther than 4 pixels from both cores:

    >>> yy, xx = np.mgrid[:17, :30]
    >>> mask = ((yy - 8) ** 2 + (xx - 8) ** 2 <= 25) | ((yy - 8) ** 2 + (xx - 17) ** 2 <= 25)
    >>> from skimage.measure import label
    >>> objects = instances_from_semantic(mask, radius=4)
    >>> int(label(mask).max()), int(objects.max()), int(np.sum(mask & (objects == 0)))
    (1, 2, 8)
    """
    from skimage.measure import label
    from skimage.segmentation import expand_labels

    mask = check_label_image(mask, name="mask", ndim=(2, 3)) != 0
    radius = _validate.whole_number(radius, "radius")
    if radius > max(mask.shape):
        raise ValueError(
            f"radius={radius} is larger than the mask ({mask.shape}): every object would "
            "vanish. Pass a radius in pixels, about half the width of the necks to cut."
        )
    if radius == 0:
        return label(mask).astype(np.int32)
    cores = ndi.binary_erosion(mask, structure=_footprint(radius, mask.ndim))
    labels = expand_labels(label(cores), distance=radius)
    labels[~mask] = 0
    return labels.astype(np.int32)


def smooth_labels(labels, *, radius):
    """Round off ragged outlines: every pixel takes the most frequent label within ``radius``.

    A majority (mode) filter over a disc (ball in 3-D) of ``radius`` pixels,
    :func:`skimage.filters.rank.majority`, with the background as one more
    label. Spikes and notches narrower than the disc disappear, holes close,
    and two objects never merge (a pixel only ever takes a label that is
    already there). Objects much smaller than the disc may vanish.

    Parameters
    ----------
    labels : 2-D or 3-D array_like of int
    radius : int
        Radius of the disc in pixels (0 returns a copy); 1 to 3 is typical.

    Returns
    -------
    smoothed : ndarray
        Same shape and dtype as ``labels``, the same ids.

    Notes
    -----
    The rank filters of scikit-image work on 8- or 16-bit images, so the ids
    present are numbered 0..n first (one :func:`numpy.unique`) and put back
    afterwards; an image with more than 65535 objects is refused.

    Examples
    --------
    A square with a one-pixel spike and a one-pixel notch:

    >>> labels = np.zeros((9, 9), int); labels[2:7, 2:7] = 5
    >>> labels[4, 7] = 5; labels[2, 4] = 0
    >>> smoothed = smooth_labels(labels, radius=1)
    >>> int(smoothed[4, 7]), int(smoothed[2, 4]), sorted(np.unique(smoothed).tolist())
    (0, 5, [0, 5])
    """
    from skimage.filters.rank import majority

    labels = check_label_image(labels, ndim=(2, 3))
    radius = _validate.whole_number(radius, "radius")
    if radius > max(labels.shape):
        raise ValueError(
            f"radius={radius} is larger than the image ({labels.shape}); pass a radius in "
            "pixels smaller than the objects (1 to 3 is typical)."
        )
    if radius == 0:
        return labels.copy()
    ids, inverse = np.unique(labels, return_inverse=True)
    if len(ids) > 2**16:
        raise ValueError(
            f"labels has {len(ids) - 1} objects; smooth_labels handles at most 65535 at once: "
            "pass a crop (or smooth the image before labelling instead)."
        )
    compact = inverse.reshape(labels.shape).astype(np.uint16)
    smoothed = majority(compact, _footprint(radius, labels.ndim).astype(np.uint8))
    return ids[smoothed].astype(labels.dtype)
