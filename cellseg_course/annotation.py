"""Click nuclei centres on an image: in JupyterLab (a widget) and in the HTML book (no kernel).

- :func:`point_annotator` is the widget for JupyterLab, an ``anywidget`` whose few lines of
  JavaScript (``_ESM`` below) draw the image, take the clicks and draw a marker on each in
  the browser; the kernel only receives the list of points. Its ``points`` are ``(row, col)``
  pixel positions, ready for ``cellseg.objects_at_points``; ``seconds`` holds the time of
  each click, so the learner can measure how long annotation takes.
- :func:`static_annotator` is the same clicking in the HTML book, where there is no kernel:
  the page carries the image and the reference annotation (its label image, run-length
  coded, and each nucleus's centre) and ``_static/point-annotator.js`` scores the reader's
  clicks against it with :func:`click_scores`'s rule.
- :func:`click_scores` is that rule: a click counts when it lands inside an annotated
  nucleus that no earlier click has claimed.

``anywidget`` is imported only when a widget is made: the book, the tests and ``cellseg``
never need it.
"""

import base64
import html
import io
import json
import re

import numpy as np
from scipy import ndimage

import cellseg

__all__ = ["click_scores", "inner_points", "point_annotator", "run_lengths", "static_annotator"]


def _picture(image):
    """An 8-bit grey PNG of ``image`` (its own range stretched to 0-255), as a data URL."""
    from PIL import Image

    image = np.asarray(image, dtype=float)
    low, high = np.percentile(image, [0.5, 99.8])
    grey = np.clip((image - low) / max(high - low, 1e-12), 0, 1)
    buffer = io.BytesIO()
    Image.fromarray((grey * 255).round().astype(np.uint8)).save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def click_scores(truth, points):
    """Score clicked points against an annotated label image.

    A click is a hit when it lands inside an annotated object that no earlier click
    has claimed; a second click in the same object, or a click on background, is a
    false positive; an object without a click is missed.

    Parameters
    ----------
    truth : array_like of int
        The annotation (0 = background).
    points : (n, 2) array_like
        The clicks, ``(row, col)``; rounded to the nearest pixel.

    Returns
    -------
    dict
        ``hits``, ``repeats`` (second clicks in a claimed object), ``background``,
        ``n_objects``, ``precision`` (hits / clicks, 1 without clicks) and
        ``recall`` (hits / objects).

    Examples
    --------
    >>> truth = np.array([[1, 1, 0, 2, 2]])
    >>> s = click_scores(truth, [[0, 0], [0, 1], [0, 2]])
    >>> s["hits"], s["repeats"], s["background"], s["precision"], s["recall"]
    (1, 1, 1, 0.3333333333333333, 0.5)
    """
    truth = np.asarray(truth)
    ids = cellseg.objects_at_points(truth, np.reshape(np.asarray(points, dtype=float), (-1, truth.ndim)))
    on_object = ids[ids > 0]
    hits = len(np.unique(on_object))
    n_objects = len(np.unique(truth[truth > 0]))
    return {
        "hits": hits, "repeats": len(on_object) - hits, "background": int((ids == 0).sum()),
        "n_objects": n_objects,
        "precision": hits / len(ids) if len(ids) else 1.0,
        "recall": hits / n_objects if n_objects else 1.0,
    }


def run_lengths(labels):
    """A label image, row by row, as ``[value, count, value, count, ...]``.

    >>> run_lengths(np.array([[0, 0, 3], [3, 3, 0]]))
    [0, 2, 3, 3, 0, 1]
    """
    flat = np.asarray(labels).ravel()
    if flat.size == 0:
        return []
    starts = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
    counts = np.diff(np.r_[starts, flat.size])
    return np.column_stack([flat[starts], counts]).ravel().astype(int).tolist()


def inner_points(labels):
    """One point inside each object of ``labels`` (ids 1..n): the one farthest from its edge.

    A centroid can fall outside a curved nucleus; this point never does.

    >>> square = np.zeros((5, 9), int)
    >>> square[1:4, 1:4], square[1:4, 5:8] = 1, 2
    >>> inner_points(square).tolist()
    [[2, 2], [2, 6]]
    """
    from skimage.segmentation import find_boundaries

    labels = np.asarray(labels)
    inside = (labels > 0) & ~find_boundaries(labels, mode="inner")
    depth = ndimage.distance_transform_edt(inside) + (labels > 0)  # boundary pixels too, if nothing else
    ids = np.arange(1, int(labels.max()) + 1)
    return np.reshape(ndimage.maximum_position(depth, labels, ids), (len(ids), labels.ndim)).astype(int)


class StaticAnnotator:
    """The click annotator of the HTML book (see :func:`static_annotator`)."""

    def __init__(self, image, truth, *, name, width, alt):
        truth = np.asarray(truth)
        ids, compact = np.unique(truth, return_inverse=True)  # 0, 1, ..., n in this crop
        if ids[0] != 0:
            compact = compact + 1
        self.truth = compact.reshape(truth.shape)
        self.name, self.width, self.alt = name, width, alt
        self.src = _picture(image)
        self.centres = inner_points(self.truth)

    def _repr_html_(self):
        uid = "cellseg-annotator-" + re.sub(r"[^a-z0-9-]", "-", self.name.lower())
        rows, cols = self.truth.shape
        data = {"shape": [rows, cols], "labels": run_lengths(self.truth),
                "centres": self.centres.tolist(), "n": int(self.truth.max())}
        payload = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
        return f"""<div class="cellseg-annotator" id="{uid}" role="group" \
aria-label="annotate the nuclei: click the centre of each" style="max-width:{self.width}px">
<div class="cellseg-annotator-canvas" tabindex="0" role="application" aria-roledescription="annotation area" \
aria-label="Click, or press Enter at the cross that the arrow keys move, to mark a nucleus; Backspace removes \
the last point." style="position:relative;width:100%;aspect-ratio:{cols}/{rows}">
<img src="{self.src}" alt="{html.escape(self.alt)}" \
style="position:absolute;inset:0;width:100%;height:100%;image-rendering:pixelated">
<svg viewBox="-0.5 -0.5 {cols} {rows}" style="position:absolute;inset:0;width:100%;height:100%" \
aria-hidden="true"></svg>
</div>
<p class="cellseg-annotator-buttons"><button type="button" data-action="undo">Undo</button> \
<button type="button" data-action="clear">Start again</button> \
<button type="button" data-action="reveal" aria-pressed="false">Show the annotation</button></p>
<p class="cellseg-annotator-readout" aria-live="polite" aria-atomic="true">No points yet: \
click the centre of each nucleus.</p>
<script type="application/json">{payload}</script>
</div>"""


def static_annotator(image, truth, *, name, width=384, alt="A fluorescence image of nuclei."):
    """Click-to-annotate for the HTML book: the reader's precision and recall, no kernel.

    Parameters
    ----------
    image : (rows, cols) array
        The picture to annotate (stretched to its own 0.5-99.8 percentile range).
    truth : (rows, cols) array of int
        The reference annotation of the same pixels; the page embeds it and the centres
        of its objects, and ``_static/point-annotator.js`` scores each click with the
        rule of :func:`click_scores`.
    name : str
        Names the element (``id``), unique on its page.
    width : int, optional
        Largest displayed width in CSS pixels (it narrows on a phone).
    alt : str, optional
        What the picture shows, for a screen reader.

    Returns
    -------
    StaticAnnotator
        Shows itself as HTML in a notebook output.

    Examples
    --------
    >>> page = static_annotator(np.eye(4), np.eye(4, dtype=int), name="demo")._repr_html_()
    >>> 'class="cellseg-annotator"' in page and '"n":1' in page
    True
    """
    image, truth = np.asarray(image), np.asarray(truth)
    if image.ndim != 2 or truth.shape != image.shape:
        raise ValueError(f"image and truth must be 2-D and of one shape, got {image.shape} and {truth.shape}.")
    return StaticAnnotator(image, truth, name=name, width=width, alt=alt)


# The widget's JavaScript in JupyterLab: an image, an SVG layer for the markers, and the
# clicks sent to the kernel as (row, col) pixel positions with their time in seconds.
_ESM = r"""
const NS = "http://www.w3.org/2000/svg";
function render({ model, el }) {
  const [rows, cols] = model.get("shape");
  const box = document.createElement("div");
  box.style.cssText = `position:relative;width:${model.get("width")}px;aspect-ratio:${cols}/${rows};cursor:crosshair`;
  const img = document.createElement("img");
  img.src = model.get("src");
  img.style.cssText = "position:absolute;inset:0;width:100%;height:100%;image-rendering:pixelated";
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", `-0.5 -0.5 ${cols} ${rows}`);
  svg.style.cssText = "position:absolute;inset:0;width:100%;height:100%";
  const info = document.createElement("div");
  function draw() {
    svg.replaceChildren();
    const r = Math.max(cols, rows) / 80;
    for (const [y, x] of model.get("points")) {
      const c = document.createElementNS(NS, "circle");
      c.setAttribute("cx", x); c.setAttribute("cy", y); c.setAttribute("r", r);
      c.setAttribute("fill", "#ffd700"); c.setAttribute("stroke", "black"); c.setAttribute("stroke-width", r / 3);
      svg.appendChild(c);
    }
    info.textContent = `${model.get("points").length} points (click a nucleus to add one; ` +
      "shift-click to remove the nearest)";
  }
  box.addEventListener("click", (event) => {
    const rect = box.getBoundingClientRect();
    const x = Math.round((event.clientX - rect.left) / rect.width * cols - 0.5);
    const y = Math.round((event.clientY - rect.top) / rect.height * rows - 0.5);
    const inside = Math.min(Math.max(y, 0), rows - 1), across = Math.min(Math.max(x, 0), cols - 1);
    let points = model.get("points").slice(), seconds = model.get("seconds").slice();
    if (event.shiftKey && points.length) {
      let best = 0, dist = Infinity;
      points.forEach(([py, px], i) => {
        const d = (py - inside) ** 2 + (px - across) ** 2;
        if (d < dist) { dist = d; best = i; }
      });
      points.splice(best, 1); seconds.splice(best, 1);
    } else {
      points.push([inside, across]); seconds.push(performance.now() / 1000);
    }
    model.set("points", points); model.set("seconds", seconds); model.save_changes();
  });
  model.on("change:points", draw);
  box.append(img, svg); el.append(box, info); draw();
}
export default { render };
"""


def point_annotator(image, *, width=512):
    """A widget for JupyterLab: click nuclei centres on ``image``; read them from ``.points``.

    Each click adds a ``(row, col)`` point (shift-click removes the nearest one); the
    markers are drawn by the browser, so a click costs the kernel nothing. It needs a
    running kernel: in the HTML book use :func:`static_annotator`.

    Parameters
    ----------
    image : (rows, cols) array
        The picture to annotate.
    width : int, optional
        Displayed width in pixels.

    Returns
    -------
    anywidget.AnyWidget
        With ``points`` (a list of ``[row, col]``) and ``seconds`` (the time of each
        click, in seconds); ``numpy.array(widget.points)`` is ready for
        ``cellseg.objects_at_points``.

    Examples
    --------
    >>> w = point_annotator(np.zeros((8, 8)))
    >>> w.points = [[2, 3], [5, 5]]        # what two clicks send
    >>> cellseg.objects_at_points(np.eye(8, dtype=int), w.points).tolist()
    [0, 1]
    """
    import anywidget
    import traitlets

    image = np.asarray(image)
    if image.ndim != 2:
        raise ValueError(f"point_annotator shows one 2-D image, got shape {image.shape}.")

    class PointAnnotator(anywidget.AnyWidget):
        _esm = _ESM
        src = traitlets.Unicode().tag(sync=True)
        shape = traitlets.List().tag(sync=True)
        width = traitlets.Int().tag(sync=True)
        points = traitlets.List().tag(sync=True)
        seconds = traitlets.List().tag(sync=True)

    return PointAnnotator(src=_picture(image), shape=list(image.shape), width=int(width), points=[], seconds=[])
