"""Visual quality control: draw a segmentation over its image, and list its errors.

Overlays return RGB float images in [0, 1], ready for ``plt.imshow``; they are
vectorised (one lookup table for all labels) and fast enough for an interactive
slider on a 512x512 image.

- :func:`overlay_labels`, :func:`overlay_boundaries`: one segmentation over its image;
- :func:`overlay_comparison`: the outlines of a reference and a prediction together;
- :func:`error_map`: every pixel coloured as true positive, false positive or false negative;
- :func:`show_comparison`: image, reference, prediction and error map side by side;
- :func:`classify_errors`: a table of every object-level agreement and error (correct,
  split, merge, boundary, missed, spurious) plus topology checks (:func:`label_topology`).

All colours come from the Okabe-Ito palette, readable with every common form of
colour-vision deficiency: reference-only things are blue, prediction-only things
vermillion/orange, agreement yellow.
"""

import numpy as np
from scipy import ndimage as ndi
from skimage.draw import line as draw_line
from skimage.segmentation import expand_labels, find_boundaries

from . import _validate
from .image_qc import batch_report, image_report
from ._errors import ERROR_KINDS, ErrorTable, ObjectError, classify_errors, label_topology
from .labels import check_label_image

__all__ = [
    "OKABE_ITO",
    "ERROR_COLORS",
    "ERROR_KINDS",
    "ErrorTable",
    "ObjectError",
    "label_colors",
    "overlay_labels",
    "overlay_boundaries",
    "overlay_comparison",
    "error_map",
    "add_error_legend",
    "show_comparison",
    "classify_errors",
    "label_topology",
    "INJECTABLE_ERRORS",
    "inject_error",
    "image_report",
    "batch_report",
]

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

#: Colours of the pixel error map: agreement yellow, prediction only vermillion, reference only blue.
ERROR_COLORS = {
    "tp": OKABE_ITO[3],  # yellow: foreground in both
    "fp": OKABE_ITO[5],  # vermillion: predicted, not in the reference
    "fn": OKABE_ITO[4],  # blue: in the reference, not predicted
}
_ERROR_NAMES = {
    "tp": "true positive (both)",
    "fp": "false positive (prediction only)",
    "fn": "false negative (reference only)",
}
#: Outline colours of :func:`overlay_comparison`.
TRUTH_COLOR = OKABE_ITO[1]  # sky blue
PRED_COLOR = OKABE_ITO[0]  # orange


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


def _two(y_true, y_pred, image=None):
    a = check_label_image(y_true, "y_true", ndim=2)
    b = check_label_image(y_pred, "y_pred", ndim=2)
    if a.shape != b.shape:
        raise ValueError(
            f"y_true has shape {a.shape} but y_pred has shape {b.shape}; pass two label "
            "images of the same field of view."
        )
    if image is None:
        return a, b, np.zeros(a.shape + (3,))
    rgb = _gray_rgb(image)
    if rgb.shape[:2] != a.shape:
        raise ValueError(
            f"image has shape {rgb.shape[:2]} but the label images have shape {a.shape}; "
            "pass the image they were computed from."
        )
    return a, b, rgb


def error_map(y_true, y_pred, image=None, alpha=0.7):
    """Colour every pixel by agreement: true positive, false positive or false negative.

    Foreground in both images is yellow (TP), in the prediction only vermillion
    (FP), in the reference only blue (FN): the Okabe-Ito colours of
    :data:`ERROR_COLORS`, distinguishable by colour-blind readers and also by
    brightness. True negatives stay black, or show the grey image when one is
    given. Label images count as their foreground.

    Parameters
    ----------
    y_true, y_pred : 2-D array_like of int or bool
        Reference and prediction, same shape.
    image : 2-D array_like, optional
        Intensities to show underneath (grey, scaled as in :func:`overlay_labels`).
    alpha : float, optional
        Opacity of the colours over the image (ignored without an image).

    Returns
    -------
    rgb : (rows, cols, 3) ndarray of float in [0, 1]

    Examples
    --------
    >>> rgb = error_map([[1, 1, 0]], [[0, 1, 1]])       # FN, TP, FP
    >>> [rgb[0, c].tolist() == ERROR_COLORS[k].tolist() for c, k in enumerate(["fn", "tp", "fp"])]
    [True, True, True]
    """
    a, b, rgb = _two(y_true, y_pred, image)
    alpha = _validate.real_number(alpha, "alpha", minimum=0)
    if alpha > 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha:g}.")
    if image is None:
        alpha = 1.0
    fa, fb = a != 0, b != 0
    code = fa.astype(np.uint8) + 2 * fb.astype(np.uint8)  # 0 TN, 1 FN, 2 FP, 3 TP
    table = np.stack([np.zeros(3), ERROR_COLORS["fn"], ERROR_COLORS["fp"], ERROR_COLORS["tp"]])
    weight = np.where(code > 0, alpha, 0.0)[..., None]
    return (1 - weight) * rgb + weight * table[code]


def overlay_comparison(image, y_true, y_pred):
    """Draw the outlines of the reference (sky blue) and the prediction (orange) on the image.

    Pixels where the two outlines coincide are yellow. Outlines are each
    object's own outermost pixels (:func:`~skimage.segmentation.find_boundaries`,
    ``mode="inner"``), so touching objects keep separate outlines.

    Parameters
    ----------
    image : 2-D array_like
    y_true, y_pred : 2-D array_like of int
        Label images of the same shape as the image.

    Returns
    -------
    rgb : (rows, cols, 3) ndarray of float in [0, 1]

    Examples
    --------
    >>> t = np.zeros((6, 6), int); t[1:5, 1:5] = 1
    >>> p = np.zeros((6, 6), int); p[1:5, 1:4] = 1
    >>> rgb = overlay_comparison(np.zeros((6, 6)), t, p)
    >>> rgb[1, 1].tolist() == ERROR_COLORS["tp"].tolist(), rgb[2, 4].tolist() == TRUTH_COLOR.tolist()
    (True, True)
    """
    a, b, rgb = _two(y_true, y_pred, image)
    ea = find_boundaries(a, mode="inner")
    eb = find_boundaries(b, mode="inner")
    rgb[ea] = TRUTH_COLOR
    rgb[eb] = PRED_COLOR
    rgb[ea & eb] = ERROR_COLORS["tp"]
    return rgb


def add_error_legend(ax, **kwargs):
    """Add the legend of :func:`error_map` (three coloured squares) to a matplotlib axes.

    Keyword arguments go to :meth:`matplotlib.axes.Axes.legend`.
    """
    from matplotlib.patches import Patch

    handles = [Patch(color=ERROR_COLORS[k], label=_ERROR_NAMES[k]) for k in ("tp", "fp", "fn")]
    kwargs.setdefault("loc", "upper left")
    kwargs.setdefault("bbox_to_anchor", (1.02, 1.0))
    kwargs.setdefault("borderaxespad", 0.0)
    return ax.legend(handles=handles, **kwargs)


def show_comparison(image, y_true, y_pred, titles=("image", "reference", "prediction", "errors"),
                    size=3.0):
    """Show image, reference, prediction and error map side by side (one row of panels).

    The reference and the prediction are drawn with :func:`overlay_labels`, the
    errors with :func:`error_map`; the panels share their axes, so zooming one
    zooms all (in an interactive matplotlib backend).

    Parameters
    ----------
    image : 2-D array_like
    y_true, y_pred : 2-D array_like of int
    titles : sequence of 4 str, optional
    size : float, optional
        Width of each panel in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    a, b, _ = _two(y_true, y_pred, image)
    if len(titles) != 4:
        raise ValueError(f"titles must have 4 entries (one per panel), got {len(titles)}.")
    fig, axes = plt.subplots(1, 4, figsize=(4 * size + 2.2, size + 0.4), sharex=True, sharey=True)
    panels = [
        _gray_rgb(image),
        overlay_labels(image, a),
        overlay_labels(image, b),
        error_map(a, b, image),
    ]
    for ax, panel, title in zip(axes, panels, titles):
        ax.imshow(panel, interpolation="nearest")
        ax.set_title(title)
        ax.set_axis_off()
    add_error_legend(axes[-1], fontsize="small")
    fig.tight_layout()
    return fig


#: Kinds of error :func:`inject_error` can put into a label image.
INJECTABLE_ERRORS = ("split", "merge", "missed", "spurious", "shift", "grow", "shrink", "hole", "fragment")


def _centroid(mask):
    rows, cols = np.nonzero(mask)
    return rows.mean(), cols.mean()


def inject_error(labels, kind, label=None, *, other=None, amount=None, at=None):
    """Return a copy of a label image with one segmentation error put in on purpose.

    Used to build predictions whose errors are known exactly, to see how each
    error looks and how each metric responds.

    Parameters
    ----------
    labels : 2-D array_like of int
        A (correct) label image.
    kind : str
        One of :data:`INJECTABLE_ERRORS`:

        - ``"split"``: cut object ``label`` in two across its centroid row; the
          lower part gets a new id (``labels.max() + 1``);
        - ``"merge"``: give object ``other`` the id ``label`` and join the two
          with a bridge ``amount`` pixels wide (default 3) along the line between
          their centroids;
        - ``"missed"``: remove object ``label``;
        - ``"spurious"``: add a new object, a disc of radius ``amount``
          (default 5) centred at ``at`` = (row, col), on background pixels only;
        - ``"shift"``: move object ``label`` ``amount`` pixels (default 3) to
          the right (onto background only);
        - ``"grow"`` / ``"shrink"``: move the boundary of object ``label``
          ``amount`` pixels (default 2) outwards / inwards;
        - ``"hole"``: clear a disc of radius ``amount`` (default 2) at its centroid;
        - ``"fragment"``: clear a band ``amount`` pixels wide (default 2) across
          its centroid column, leaving two pieces with the same id.
    label : int
        The object to change (not used by ``"spurious"``).
    other, amount, at : optional
        See ``kind``.

    Returns
    -------
    ndarray
        A new label image (same dtype); ``labels`` is not changed.

    Examples
    --------
    >>> lab = np.zeros((6, 6), int); lab[1:5, 1:5] = 1
    >>> np.unique(inject_error(lab, "split", 1)).tolist()
    [0, 1, 2]
    >>> int((inject_error(lab, "shrink", 1, amount=1) == 1).sum())
    4
    """
    labels = check_label_image(labels, ndim=2)
    if kind not in INJECTABLE_ERRORS:
        raise ValueError(f"kind must be one of {', '.join(INJECTABLE_ERRORS)}; got {kind!r}.")
    out = labels.copy()
    if kind == "spurious":
        if at is None or len(at) != 2:
            raise ValueError("a spurious object needs at=(row, col), the centre of the new object.")
        radius = 5 if amount is None else _validate.real_number(amount, "amount", minimum=0)
        rr, cc = np.ogrid[: labels.shape[0], : labels.shape[1]]
        disc = (rr - at[0]) ** 2 + (cc - at[1]) ** 2 <= radius**2
        out[disc & (labels == 0)] = int(labels.max()) + 1
        return out
    label = _validate.whole_number(label, "label", minimum=1)
    mask = labels == label
    if not mask.any():
        raise ValueError(f"label {label} is not in the image; pass the id of an existing object.")
    r0, c0 = _centroid(mask)
    rows = np.arange(labels.shape[0])[:, None]
    cols = np.arange(labels.shape[1])[None, :]
    if kind == "split":
        out[mask & (rows >= r0)] = int(labels.max()) + 1
    elif kind == "merge":
        other = _validate.whole_number(other, "other", minimum=1)
        second = labels == other
        if other == label or not second.any():
            raise ValueError(f"other must be the id of a second object in the image, got {other}.")
        width = 3 if amount is None else _validate.whole_number(amount, "amount", minimum=1)
        r1, c1 = _centroid(second)
        path = np.zeros(labels.shape, bool)
        path[draw_line(int(round(r0)), int(round(c0)), int(round(r1)), int(round(c1)))] = True
        bridge = ndi.binary_dilation(path, iterations=max(width // 2, 0)) if width > 1 else path
        out[second | (bridge & ((labels == 0) | mask | second))] = label
    elif kind == "missed":
        out[mask] = 0
    elif kind == "shift":
        step = 3 if amount is None else _validate.whole_number(amount, "amount")
        moved = np.zeros_like(mask)
        moved[:, step:] = mask[:, : mask.shape[1] - step]
        out[mask] = 0
        out[moved & (out == 0)] = label
    elif kind == "grow":
        step = 2 if amount is None else _validate.real_number(amount, "amount", minimum=0)
        out[expand_labels(mask.astype(np.uint8), step).astype(bool) & (labels == 0)] = label
    elif kind == "shrink":
        step = 2 if amount is None else _validate.whole_number(amount, "amount")
        kept = ndi.binary_erosion(mask, iterations=step) if step else mask
        out[mask & ~kept] = 0
    elif kind == "hole":
        radius = 2 if amount is None else _validate.real_number(amount, "amount", minimum=0)
        out[mask & ((rows - r0) ** 2 + (cols - c0) ** 2 <= radius**2)] = 0
    elif kind == "fragment":
        width = 2 if amount is None else _validate.whole_number(amount, "amount", minimum=1)
        start = int(round(c0 - width / 2))
        out[mask & (cols >= start) & (cols < start + width)] = 0
    return out
