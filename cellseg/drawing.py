"""Draw a segmentation over its image, to check it by eye.

Every function takes the grey image first and returns an RGB float image in
[0, 1], ready for ``plt.imshow``; they are vectorised (one colour lookup for all
labels) and fast enough for an interactive slider on a 512x512 image.

- :func:`overlay_labels`, :func:`overlay_boundaries`: one segmentation over its image;
- :func:`overlay_comparison`: the outlines of a reference and a prediction together;
- :func:`error_map`: every pixel coloured as true positive, false positive or false negative;
- :func:`object_error_map`: every object coloured by the kind of error it takes part in
  (correct, boundary, split, merge, spurious, missed), with :func:`add_object_error_legend`;
- :func:`show_comparison`: image, reference, prediction and error map side by side
  (needs matplotlib, imported only when called).

All colours come from the Okabe-Ito palette, readable with every common form of
colour-vision deficiency: reference-only things are blue, prediction-only things
vermillion/orange, agreement yellow.
"""

import numpy as np
from skimage.segmentation import find_boundaries

from . import _validate
from .labels import check_label_image, check_label_pair

__all__ = [
    "OKABE_ITO",
    "ERROR_COLORS",
    "TRUTH_COLOR",
    "PRED_COLOR",
    "label_colors",
    "label_rgb",
    "label_rgba",
    "overlay_labels",
    "overlay_boundaries",
    "overlay_comparison",
    "error_map",
    "add_error_legend",
    "OBJECT_ERROR_COLORS",
    "object_error_map",
    "add_object_error_legend",
    "show_comparison",
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


#: Largest ``n_labels`` for which :func:`label_colors` builds a table (about 0.4 GB of colours).
MAX_COLOR_TABLE = 2**24


def label_colors(n_labels):
    """Return an ``(n_labels + 1, 3)`` colour table: black for 0, then the Okabe-Ito colours in turn.

    Label ``k`` gets ``OKABE_ITO[(k - 1) % 7]``. The table has one row per
    possible id, so it is meant for a few labels (a legend, a colour map); to
    colour a label image whatever its ids, use :func:`label_rgb`, which works on
    the ids present.

    Parameters
    ----------
    n_labels : int
        The largest label id the table must colour (at most ``MAX_COLOR_TABLE``).

    Returns
    -------
    table : (n_labels + 1, 3) ndarray of float
        RGB colours in [0, 1]; row ``k`` is the colour of label ``k``.

    Examples
    --------
    >>> label_colors(2).shape
    (3, 3)
    """
    n_labels = _validate.whole_number(n_labels, "n_labels")
    if n_labels > MAX_COLOR_TABLE:
        raise ValueError(
            f"n_labels={n_labels} would build a table of {n_labels + 1} colours "
            f"({(n_labels + 1) * 24 / 1e9:.1f} GB); to colour a label image with large ids, "
            "use cellseg.drawing.label_rgb(labels), which works on the ids present."
        )
    table = np.zeros((n_labels + 1, 3))
    if n_labels:
        table[1:] = OKABE_ITO[np.arange(n_labels) % len(OKABE_ITO)]
    return table


def label_rgb(labels):
    """Colour every pixel of a label image: black for 0, ``OKABE_ITO[(k - 1) % 7]`` for label ``k``.

    The same colours as ``label_colors(labels.max())[labels]``, computed on the
    ids present (one :func:`numpy.unique`), so the memory follows the image,
    never the largest id: an object labelled 2**63 costs no more than one
    labelled 1.

    Parameters
    ----------
    labels : array_like of int
        Label image (any shape, any integer dtype).

    Returns
    -------
    rgb : ndarray of float, shape ``labels.shape + (3,)``

    Examples
    --------
    >>> label_rgb([[0, 1, 8]]).tolist() == [label_colors(8)[[0, 1, 8]].tolist()]
    True
    """
    labels = check_label_image(labels)
    present, inverse = np.unique(labels, return_inverse=True)
    palette = OKABE_ITO[(present % len(OKABE_ITO) + len(OKABE_ITO) - 1) % len(OKABE_ITO)]
    palette[present == 0] = 0.0
    return palette[inverse.reshape(labels.shape)]


def label_rgba(labels, *, alpha=1.0):
    """Colour a label image with a transparent background, to lay it over an image.

    The colours of :func:`label_rgb` (``OKABE_ITO[(k - 1) % 7]`` for label
    ``k``) with opacity ``alpha``, and label 0 fully transparent, so that
    ``ax.imshow(image, cmap="gray"); ax.imshow(label_rgba(labels, alpha=0.5))``
    shows the image everywhere and tints only the objects (what napari's
    label layers and Fiji's ROI overlays do). Neighbours share a colour only
    when their ids differ by a multiple of 7.

    Parameters
    ----------
    labels : array_like of int
        Label image (any shape).
    alpha : float, optional
        Opacity of the objects, in [0, 1].

    Returns
    -------
    rgba : ndarray of float, shape ``labels.shape + (4,)``

    Examples
    --------
    >>> rgba = label_rgba([[0, 1]], alpha=0.5)
    >>> rgba[0, 0].tolist(), float(rgba[0, 1, 3])
    ([0.0, 0.0, 0.0, 0.0], 0.5)
    """
    alpha = _alpha(alpha)
    rgb = label_rgb(labels)
    opacity = np.where(np.asarray(check_label_image(labels)) != 0, alpha, 0.0)
    return np.concatenate([rgb, opacity[..., None]], axis=-1)


def _gray_rgb(image, name="image"):
    image = _validate.image_2d(image, name)
    lo, hi = np.percentile(image, [0.5, 99.5])
    scaled = np.clip((image - lo) / (hi - lo), 0, 1) if hi > lo else np.zeros_like(image)
    return np.repeat(scaled[..., None], 3, axis=2)


def _alpha(alpha):
    alpha = _validate.real_number(alpha, "alpha", minimum=0)
    if alpha > 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha:g}.")
    return alpha


def _image_and_labels(image, *labels, names=("labels",)):
    """The grey RGB image and the label images, checked to be 2-D and of one shape."""
    if len(labels) == 2:
        checked = check_label_pair(*labels, ndim=2)
    else:
        checked = (check_label_image(labels[0], name=names[0], ndim=2),)
    if image is None:
        return (np.zeros(checked[0].shape + (3,)), *checked)
    rgb = _gray_rgb(image)
    _validate.same_shape(rgb[..., 0], checked[0], ("image", names[0] if len(checked) == 1 else "y_true"),
                         hint="pass the label image(s) computed from this image")
    return (rgb, *checked)


def overlay_labels(image, labels, *, alpha=0.4):
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
    rgb, labels = _image_and_labels(image, labels)
    alpha = _alpha(alpha)
    colors = label_rgb(labels)
    weight = np.where(labels > 0, alpha, 0.0)[..., None]
    return (1 - weight) * rgb + weight * colors


def overlay_boundaries(image, labels, *, color=(1.0, 0.0, 1.0), mode="inner"):
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
    mode : {"inner", "outer", "thick"}, optional
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
    rgb, labels = _image_and_labels(image, labels)
    if not isinstance(mode, str) or mode not in ("inner", "outer", "thick"):
        raise ValueError(f"mode must be 'inner', 'outer' or 'thick', got {mode!r}.")
    color = _validate.array_like(color, "color", example="color=(1.0, 0.0, 1.0)")
    if color.dtype.kind not in "iuf" or color.shape != (3,) or not (
            (color >= 0) & (color <= 1)).all():
        raise ValueError(f"color must be three numbers in [0, 1] (R, G, B), got {color.tolist()}.")
    edges = find_boundaries(labels, mode=mode)
    rgb[edges] = color
    return rgb


def error_map(image, y_true, y_pred, *, alpha=0.7):
    """Colour every pixel by agreement: true positive, false positive or false negative.

    Foreground in both images is yellow (TP), in the prediction only vermillion
    (FP), in the reference only blue (FN): the Okabe-Ito colours of
    :data:`ERROR_COLORS`, distinguishable by colour-blind readers and also by
    brightness. True negatives stay black, or show the grey image when one is
    given. Label images count as their foreground.

    Parameters
    ----------
    image : 2-D array_like or None
        Intensities to show underneath (grey, scaled as in :func:`overlay_labels`);
        ``None`` draws on black.
    y_true, y_pred : 2-D array_like of int or bool
        Reference and prediction, same shape.
    alpha : float, optional
        Opacity of the colours over the image (ignored without an image).

    Returns
    -------
    rgb : (rows, cols, 3) ndarray of float in [0, 1]

    Examples
    --------
    >>> rgb = error_map(None, [[1, 1, 0]], [[0, 1, 1]])       # FN, TP, FP
    >>> [rgb[0, c].tolist() == ERROR_COLORS[k].tolist() for c, k in enumerate(["fn", "tp", "fp"])]
    [True, True, True]
    """
    rgb, a, b = _image_and_labels(image, y_true, y_pred)
    alpha = _alpha(alpha)
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
    rgb, a, b = _image_and_labels(image, y_true, y_pred)
    ea = find_boundaries(a, mode="inner")
    eb = find_boundaries(b, mode="inner")
    rgb[ea] = TRUTH_COLOR
    rgb[eb] = PRED_COLOR
    rgb[ea & eb] = ERROR_COLORS["tp"]
    return rgb


def add_error_legend(ax, **kwargs):
    """Add the legend of :func:`error_map` (three coloured squares) to a matplotlib axes.

    Keyword arguments go to :meth:`matplotlib.axes.Axes.legend`.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes that shows the error map.
    **kwargs
        Passed to :meth:`matplotlib.axes.Axes.legend`; by default the legend
        sits outside the axes, at its top right (``loc="upper left"``,
        ``bbox_to_anchor=(1.02, 1.0)``, ``borderaxespad=0.0``).

    Returns
    -------
    legend : matplotlib.legend.Legend

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> legend = add_error_legend(ax)
    >>> [text.get_text() for text in legend.get_texts()]
    ['true positive (both)', 'false positive (prediction only)', 'false negative (reference only)']
    >>> plt.close(fig)
    """
    _validate.has_method(ax, "legend", "ax", what="a matplotlib axes, e.g. fig, ax = plt.subplots()")
    from matplotlib.patches import Patch

    handles = [Patch(color=ERROR_COLORS[k], label=_ERROR_NAMES[k]) for k in ("tp", "fp", "fn")]
    kwargs.setdefault("loc", "upper left")
    kwargs.setdefault("bbox_to_anchor", (1.02, 1.0))
    kwargs.setdefault("borderaxespad", 0.0)
    return ax.legend(handles=handles, **kwargs)


#: Widest panel of :func:`show_comparison`, in inches (four of them at 100 dpi: 8000 px).
MAX_PANEL_INCHES = 20.0


def show_comparison(image, y_true, y_pred, *, titles=("image", "reference", "prediction", "errors"),
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

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> truth = np.zeros((8, 8), int); truth[2:6, 2:6] = 1
    >>> pred = np.zeros((8, 8), int); pred[2:6, 3:7] = 1
    >>> fig = show_comparison(np.zeros((8, 8)), truth, pred)
    >>> [ax.get_title() for ax in fig.axes]
    ['image', 'reference', 'prediction', 'errors']
    >>> plt.close(fig)
    """
    rgb, a, b = _image_and_labels(image, y_true, y_pred)
    if (isinstance(titles, str) or not isinstance(titles, (list, tuple))
            or len(titles) != 4 or not all(isinstance(t, str) for t in titles)):
        raise ValueError(
            f"titles must be 4 strings (one per panel), e.g. ('image', 'reference', "
            f"'prediction', 'errors'); got {titles!r}."
        )
    size = _validate.real_number(size, "size", minimum=0, strict=True)
    if size > MAX_PANEL_INCHES:
        raise ValueError(
            f"size is the width of one panel in inches and must be at most {MAX_PANEL_INCHES:g} "
            f"(a figure that wide would not fit in memory or on a screen), got {size:g}; "
            "pass e.g. size=3."
        )
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 4, figsize=(4 * size + 2.2, size + 0.4), sharex=True, sharey=True)
    panels = [
        rgb,
        overlay_labels(image, a),
        overlay_labels(image, b),
        error_map(image, a, b),
    ]
    for ax, panel, title in zip(axes, panels, titles):
        ax.imshow(panel, interpolation="nearest")
        ax.set_title(title)
        ax.set_axis_off()
    add_error_legend(axes[-1], fontsize="small")
    fig.tight_layout()
    return fig


#: Colours of :func:`object_error_map`, one per kind of :func:`cellseg.errors.classify_errors` row.
OBJECT_ERROR_COLORS = {
    "correct": OKABE_ITO[2],  # bluish green
    "boundary": OKABE_ITO[3],  # yellow
    "split": OKABE_ITO[0],  # orange
    "merge": OKABE_ITO[6],  # reddish purple
    "spurious": OKABE_ITO[5],  # vermillion
    "missed": OKABE_ITO[1],  # sky blue
}


def object_error_map(image, y_true, y_pred, *, iou_threshold=0.5, alpha=0.6):
    """Colour every object by the kind of error it takes part in, over the grey image.

    Predicted objects are filled with the colour of their row in
    :func:`cellseg.errors.classify_errors` (correct, boundary, split, merge,
    spurious); reference objects that no prediction found (missed) are filled
    with the "missed" colour where no predicted object covers them. The colours
    are :data:`OBJECT_ERROR_COLORS`; :func:`add_object_error_legend` draws
    their legend.

    Parameters
    ----------
    image : 2-D array_like or None
        Intensities shown in grey underneath (``None``: black).
    y_true, y_pred : 2-D array_like of int
        Reference and prediction, same shape as ``image``.
    iou_threshold : float, optional
        IoU for a correct match.
    alpha : float, optional
        Opacity of the colours, in [0, 1].

    Returns
    -------
    rgb : (rows, cols, 3) ndarray of float in [0, 1]

    Examples
    --------
    >>> truth = np.zeros((4, 9), int); truth[:, :4] = 1; truth[:, 5:] = 2
    >>> pred = np.zeros((4, 9), int); pred[:, :4] = 3                # 2 missed
    >>> rgb = object_error_map(None, truth, pred)
    >>> rgb[0, 0].tolist() == OBJECT_ERROR_COLORS["correct"].tolist()
    True
    >>> rgb[0, 6].tolist() == OBJECT_ERROR_COLORS["missed"].tolist()
    True
    """
    from .errors import classify_errors

    rgb, a, b = _image_and_labels(image, y_true, y_pred)
    alpha = _alpha(alpha)
    if image is None:
        alpha = 1.0
    iou_threshold = _validate.iou_cutoff(iou_threshold)
    kinds = list(OBJECT_ERROR_COLORS)
    # Work on the ids present (one sort each), so memory follows the image, never the largest id.
    true_ids, a_index = np.unique(a, return_inverse=True)
    pred_ids, b_index = np.unique(b, return_inverse=True)
    pred_kind = np.full(len(pred_ids), -1)
    true_missed = np.zeros(len(true_ids), bool)
    for row in classify_errors(a, b, iou_threshold=iou_threshold, topology=False):  # one row per object or group
        if row.kind == "missed":
            true_missed[np.searchsorted(true_ids, np.asarray(row.true_ids, true_ids.dtype))] = True
        else:
            pred_kind[np.searchsorted(pred_ids, np.asarray(row.pred_ids, pred_ids.dtype))] = kinds.index(row.kind)
    code = pred_kind[b_index.reshape(b.shape)]
    missed = true_missed[a_index.reshape(a.shape)]
    code = np.where((code < 0) & missed, kinds.index("missed"), code)
    table = np.stack([OBJECT_ERROR_COLORS[k] for k in kinds])
    weight = np.where(code >= 0, alpha, 0.0)[..., None]
    return (1 - weight) * rgb + weight * table[np.maximum(code, 0)]


def add_object_error_legend(fig_or_ax, **kwargs):
    """Add the legend of :func:`object_error_map` (one coloured square per kind) to a figure or axes.

    Keyword arguments go to ``legend`` (by default one row of six entries).

    Parameters
    ----------
    fig_or_ax : matplotlib.figure.Figure or matplotlib.axes.Axes
        Where the legend goes.
    **kwargs
        Passed to its ``legend`` method; by default ``ncol`` is the number of
        kinds (one row), ``handlelength=1.2`` and ``columnspacing=1.0``.

    Returns
    -------
    legend : matplotlib.legend.Legend

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> legend = add_object_error_legend(fig)
    >>> [text.get_text() for text in legend.get_texts()]
    ['correct', 'boundary', 'split', 'merge', 'spurious', 'missed']
    >>> plt.close(fig)
    """
    _validate.has_method(fig_or_ax, "legend", "fig_or_ax",
                         what="a matplotlib figure or axes, e.g. fig, ax = plt.subplots()")
    from matplotlib.patches import Patch

    handles = [Patch(color=color, label=kind) for kind, color in OBJECT_ERROR_COLORS.items()]
    kwargs.setdefault("ncol", len(handles))
    kwargs.setdefault("handlelength", 1.2)
    kwargs.setdefault("columnspacing", 1.0)
    return fig_or_ax.legend(handles=handles, **kwargs)
