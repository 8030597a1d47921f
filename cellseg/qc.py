"""Visual quality control: draw a segmentation over its image.

Overlays return RGB float images in [0, 1], ready for ``plt.imshow``; they are
vectorised (one lookup table for all labels) and fast enough for an interactive
slider on a 512x512 image.
"""

import numpy as np
from skimage.segmentation import find_boundaries

from . import _validate
from .labels import check_label_image

__all__ = ["label_colors", "overlay_labels", "overlay_boundaries"]

# Okabe & Ito's palette: distinguishable by readers with colour-vision deficiency.
OKABE_ITO = np.array(
    [
        [230, 159, 0],  # orange
        [86, 180, 233],  # sky blue
        [0, 158, 115],  # bluish green
        [240, 228, 66],  # yellow
        [0, 114, 178],  # blue
        [213, 94, 0],  # vermillion
        [204, 121, 167],  # reddish purple
    ],
    dtype=float,
) / 255.0


def label_colors(n_labels):
    """Return an ``(n_labels + 1, 3)`` colour table: black for 0, then the Okabe-Ito colours in turn.

    Examples
    --------
    >>> label_colors(2).shape
    (3, 3)
    """
    n_labels = _validate.whole_number(n_labels, "n_labels")
    table = np.zeros((n_labels + 1, 3))
    if n_labels:
        table[1:] = OKABE_ITO[np.arange(n_labels) % len(OKABE_ITO)]
    return table


def _gray_rgb(image, name="image"):
    image = _validate.image_2d(image, name)
    lo, hi = np.percentile(image, [0.5, 99.5])
    scaled = np.clip((image - lo) / (hi - lo), 0, 1) if hi > lo else np.zeros_like(image)
    return np.repeat(scaled[..., None], 3, axis=2)


def _matching(image, labels):
    labels = check_label_image(labels, ndim=2)
    rgb = _gray_rgb(image)
    if labels.shape != rgb.shape[:2]:
        raise ValueError(
            f"image has shape {rgb.shape[:2]} but labels has shape {labels.shape}; "
            "pass the label image computed from this image."
        )
    return rgb, labels


def overlay_labels(image, labels, alpha=0.4):
    """Tint every labelled object with its own colour over the grey image.

    Parameters
    ----------
    image : 2-D array_like
        Intensities; shown in grey, scaled between the 0.5th and 99.5th percentiles.
    labels : 2-D array_like of int
        Label image of the same shape (0 = background, left untinted).
    alpha : float, optional
        Opacity of the colours, from 0 (invisible) to 1 (opaque).

    Returns
    -------
    rgb : (rows, cols, 3) ndarray of float in [0, 1]

    Examples
    --------
    >>> rgb = overlay_labels(np.ones((4, 4)), np.eye(4, dtype=int))
    >>> rgb.shape
    (4, 4, 3)
    """
    rgb, labels = _matching(image, labels)
    alpha = _validate.real_number(alpha, "alpha", minimum=0)
    if alpha > 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha:g}.")
    colors = label_colors(int(labels.max()))[labels]
    weight = np.where(labels > 0, alpha, 0.0)[..., None]
    return (1 - weight) * rgb + weight * colors


def overlay_boundaries(image, labels, color=(1.0, 0.0, 1.0), mode="inner"):
    """Draw the outline of every object in one colour over the grey image.

    Outlines come from :func:`skimage.segmentation.find_boundaries`; the default
    ``mode="inner"`` draws them on the objects' own outermost pixels, so the
    outline never hides background pixels the object does not cover.

    Parameters
    ----------
    image : 2-D array_like
    labels : 2-D array_like of int
    color : (3,) sequence of float, optional
        RGB in [0, 1]; magenta by default, visible on grey.
    mode : str, optional
        Passed to :func:`~skimage.segmentation.find_boundaries`.

    Returns
    -------
    rgb : (rows, cols, 3) ndarray of float in [0, 1]

    Examples
    --------
    >>> lab = np.zeros((5, 5), int); lab[1:4, 1:4] = 1
    >>> rgb = overlay_boundaries(np.zeros((5, 5)), lab)
    >>> rgb[2, 2].tolist(), rgb[1, 1].tolist()
    ([0.0, 0.0, 0.0], [1.0, 0.0, 1.0])
    """
    rgb, labels = _matching(image, labels)
    color = np.asarray(color, dtype=float)
    if color.shape != (3,) or not ((color >= 0) & (color <= 1)).all():
        raise ValueError(f"color must be three numbers in [0, 1] (R, G, B), got {color.tolist()}.")
    edges = find_boundaries(labels, mode=mode)
    rgb[edges] = color
    return rgb
from .image_qc import batch_report, image_report  # noqa: E402,F401
