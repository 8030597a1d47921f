"""Explorers: sliders over a picture, live in Jupyter and static (kernel-free) in the HTML book.

An explorer is one *update function* ``update(**params) -> (picture, text)``:
``picture`` is an RGB array (floats in [0, 1] or ``uint8``) or a matplotlib
figure, and ``text`` is the readout shown with it (a cell count, a score). The
same function feeds both versions, so they can never disagree:

- :func:`static_explorer` calls it at build time for every point of a grid of
  parameter values, stores each frame as a small PNG and embeds the lot in the
  page with a few lines of plain JavaScript that swap the picture and the
  readout when a slider moves. It needs no kernel and no network.
- :func:`live_explorer` builds ipywidgets sliders; each move calls the update
  function once and feeds the new picture, encoded as JPEG, to one
  ``ipywidgets.Image`` that stays in place (no new figure is drawn).

The prompts a lesson asks about an explorer ("lower the threshold to 0.1")
are :func:`prompt` objects given to :func:`static_explorer`: their values are
added to the grid, so the grid always holds every value a prompt asks about,
and the prompts are printed under the explorer with a button that sets the
sliders.

In the HTML every static explorer is an element of class ``cellseg-explorer``
holding ``<input type="range">`` sliders, one ``<img>`` whose ``src`` changes
with the sliders and an element of class ``cellseg-explorer-readout`` whose
text changes with them (the browser tests rely on these names).
"""

import base64
import hashlib
import html
import io
import itertools
import json
import numbers
import re
import time
from dataclasses import dataclass, field

import numpy as np

__all__ = ["Prompt", "StaticExplorer", "encode_frame", "frames_to_files", "live_explorer", "prompt",
           "static_explorer"]

MAX_BYTES = 2_000_000  #: default budget of one static explorer's images (bytes)


@dataclass(frozen=True)
class Prompt:
    """A question asked about an explorer and the slider values that answer it."""

    text: str
    values: dict = field(default_factory=dict)


def prompt(text, **values):
    """A question about an explorer, with the slider values a reader should try.

    Examples
    --------
    >>> p = prompt("Lower the threshold to 0.1: what happens to the count?", threshold=0.1)
    >>> p.values
    {'threshold': 0.1}
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError("a prompt needs its question as a non-empty string, "
                         "e.g. prompt('What happens ...?', threshold=0.1).")
    if not values:
        raise ValueError(f"prompt {text!r} names no slider value: pass one, e.g. threshold=0.1.")
    return Prompt(text, dict(values))


def _to_uint8(picture):
    """An (rows, cols, 3 or 4) uint8 array from an RGB(A) array or a matplotlib figure."""
    if hasattr(picture, "canvas") and hasattr(picture, "savefig"):  # a matplotlib figure
        import matplotlib.pyplot as plt

        picture.canvas.draw()
        rgba = np.asarray(picture.canvas.buffer_rgba())[..., :3].copy()
        plt.close(picture)
        return rgba
    array = np.asarray(picture)
    if array.ndim != 3 or array.shape[2] not in (3, 4):
        raise ValueError(
            f"an update function must return an RGB image of shape (rows, cols, 3) or a matplotlib figure, "
            f"got an array of shape {array.shape}."
        )
    if array.dtype == np.uint8:
        return array
    if not np.issubdtype(array.dtype, np.floating):
        raise TypeError(f"an RGB image must hold floats in [0, 1] or uint8, got dtype {array.dtype}.")
    return np.round(np.clip(array, 0.0, 1.0) * 255).astype(np.uint8)


def encode_frame(picture, *, format="png", colors=None):
    """Encode a picture (RGB array or matplotlib figure) as PNG or JPEG bytes.

    A PNG of an image with at most 256 distinct colours (a grey image with
    coloured outlines, say) is written with an exact palette, losslessly and
    about three times smaller than RGB. ``colors`` (an int <= 256) quantises any
    other image to that many colours, at a small loss, to fit a budget.

    Examples
    --------
    >>> frame = np.zeros((4, 4, 3)); frame[1, 1] = (1.0, 0.0, 1.0)
    >>> encode_frame(frame)[:4]
    b'\\x89PNG'
    """
    from PIL import Image

    rgb = _to_uint8(picture)[..., :3]
    buffer = io.BytesIO()
    if format == "jpeg":
        Image.fromarray(rgb).save(buffer, "jpeg", quality=90)
        return buffer.getvalue()
    if format != "png":
        raise ValueError(f"format must be 'png' or 'jpeg', got {format!r}.")
    packed = (rgb[..., 0].astype(np.uint32) << 16) | (rgb[..., 1].astype(np.uint32) << 8) | rgb[..., 2]
    palette, index = np.unique(packed, return_inverse=True)
    if len(palette) <= 256:  # exact palette: lossless and small
        image = Image.fromarray(index.reshape(packed.shape).astype(np.uint8), mode="L").convert("P")
        image.putpalette(
            np.stack([palette >> 16, (palette >> 8) & 255, palette & 255], axis=1).astype(np.uint8).tobytes())
    elif colors is not None:
        image = Image.fromarray(rgb).quantize(int(colors), method=Image.Quantize.MEDIANCUT)
    else:
        image = Image.fromarray(rgb)
    image.save(buffer, "png", optimize=True)
    return buffer.getvalue()


def _label(value, fmt):
    if isinstance(value, str):
        return value
    if fmt:
        return format(value, fmt)
    if isinstance(value, numbers.Real) and float(value).is_integer() and not isinstance(value, bool):
        return str(int(value)) if isinstance(value, numbers.Integral) else format(value, "g")
    return format(value, "g") if isinstance(value, numbers.Real) else str(value)


def _grid_with_prompts(grid, prompts):
    """The grid with every prompt's values added (numbers kept sorted)."""
    if not isinstance(grid, dict) or not grid:
        raise ValueError("grid must be a dict {parameter name: list of values}, e.g. {'threshold': [0.2, 0.5]}.")
    merged = {name: list(values) for name, values in grid.items()}
    for name, values in merged.items():
        if not values:
            raise ValueError(f"the grid of {name!r} is empty: give it at least one value.")
    for p in prompts:
        if not isinstance(p, Prompt):
            raise TypeError(f"prompts must be made with prompt(text, **values), got {p!r}.")
        for name, value in p.values.items():
            if name not in merged:
                raise ValueError(f"prompt {p.text!r} sets {name!r}, which is not a slider; sliders: {list(merged)}.")
            if value not in merged[name]:
                merged[name].append(value)
                if all(isinstance(v, numbers.Real) for v in merged[name]):
                    merged[name].sort()
    return merged


class StaticExplorer:
    """A precomputed explorer: every frame and readout of a grid, shown with sliders in HTML.

    Made by :func:`static_explorer`; displays itself in a notebook or the book
    (``_repr_html_``). Attributes: ``grid`` (dict of the values of each
    slider), ``frames`` (list of distinct PNGs), ``index`` (frame of each grid
    point, in ``itertools.product`` order over the grid), ``texts`` and
    ``alts`` (the update's text and the alt text of each grid point),
    ``readouts`` (what the page shows under the picture), ``nbytes``.
    """

    def __init__(self, name, grid, frames, index, texts, alts, readouts, *,
                 labels, start, prompts, width, formats, caption):
        self.name, self.grid, self.frames, self.index = name, grid, frames, index
        self.texts, self.alts, self.readouts = texts, alts, readouts
        self.labels, self.start = labels, start
        self.prompts, self.width, self.formats, self.caption = prompts, width, formats, caption

    @property
    def nbytes(self):
        """Total size of the distinct PNG frames (bytes)."""
        return sum(len(f) for f in self.frames)

    def position(self, **values):
        """The flat index of the grid point with these slider values (others at their start)."""
        pos = 0
        for name, options in self.grid.items():
            value = values.get(name, options[self.start[name]])
            pos = pos * len(options) + options.index(value)
        return pos

    def _slider_positions(self, values):
        """Position of every slider for a prompt: its values, the start for the others."""
        return [options.index(values[name]) if name in values else self.start[name]
                for name, options in self.grid.items()]

    def __repr__(self):
        return (f"StaticExplorer({self.name!r}: {len(self.texts)} grid points, {len(self.frames)} distinct frames, "
                f"{self.nbytes / 1e6:.2f} MB)")

    def _repr_html_(self):
        uid = "cellseg-explorer-" + re.sub(r"[^a-z0-9-]", "-", self.name.lower())
        first = self.position()
        sliders = []
        for k, (name, options) in enumerate(self.grid.items()):
            shown = [_label(v, self.formats.get(name)) for v in options]
            sliders.append(
                f'<div class="cellseg-explorer-control"><label for="{uid}-s{k}" '
                f'style="display:inline-block;min-width:9em">{html.escape(self.labels.get(name, name))}</label> '
                f'<input type="range" id="{uid}-s{k}" min="0" max="{len(options) - 1}" step="1" '
                f'value="{self.start[name]}" aria-valuetext="{html.escape(shown[self.start[name]])}" '
                f'data-values="{html.escape(json.dumps(shown))}"> '
                f'<output for="{uid}-s{k}" aria-live="off">{html.escape(shown[self.start[name]])}</output></div>'
            )
        tries = "".join(
            f'<li>{html.escape(p.text)} '
            f'<button type="button" data-set="{html.escape(json.dumps(self._slider_positions(p.values)))}">'
            f"set the sliders</button></li>"
            for p in self.prompts
        )
        data = {
            "frames": [base64.b64encode(f).decode("ascii") for f in self.frames],
            "index": self.index, "readouts": self.readouts, "alts": self.alts,
            "sizes": [len(v) for v in self.grid.values()],
        }
        prompt_list = f'<p>Try it:</p><ul class="cellseg-explorer-prompts">{tries}</ul>' if tries else ""
        payload = json.dumps(data).replace("</", "<\\/")  # never close the script element early
        caption = f'<p class="cellseg-explorer-caption">{html.escape(self.caption)}</p>' if self.caption else ""
        group = html.escape("explorer of " + ", ".join(self.labels.get(name, name) for name in self.grid))
        return f"""<div class="cellseg-explorer" id="{uid}" role="group" aria-label="{group}" \
style="max-width:{max(self.width, 560) + 40}px">
{caption}{"".join(sliders)}
<img src="data:image/png;base64,{data['frames'][self.index[first]]}" alt="{html.escape(self.alts[first])}" \
width="{self.width}" style="image-rendering:pixelated;max-width:100%;height:auto;display:block">
<p class="cellseg-explorer-readout" aria-live="polite" aria-atomic="true">{html.escape(self.readouts[first])}</p>
{prompt_list}
<script type="application/json">{payload}</script>
<script>(function () {{
  var root = document.getElementById("{uid}"), \
d = JSON.parse(root.querySelector("script[type='application/json']").textContent);
  var inputs = root.querySelectorAll("input[type=range]"), img = root.querySelector("img"), \
out = root.querySelector(".cellseg-explorer-readout");
  function show() {{
    var i = 0;
    inputs.forEach(function (s, k) {{ var v = JSON.parse(s.dataset.values)[+s.value]; i = i * d.sizes[k] + (+s.value);
      s.nextElementSibling.textContent = v; s.setAttribute("aria-valuetext", v); }});
    img.src = "data:image/png;base64," + d.frames[d.index[i]]; img.alt = d.alts[i]; out.textContent = d.readouts[i];
  }}
  inputs.forEach(function (s) {{ s.addEventListener("input", show); }});
  root.querySelectorAll("button[data-set]").forEach(function (b) {{ b.addEventListener("click", function () {{
    JSON.parse(b.dataset.set).forEach(function (v, k) {{ inputs[k].value = v; }}); show(); }}); }});
}})();</script>
</div>"""


_PAYLOAD = re.compile(r'(<div class="cellseg-explorer" id="[^"]+"[^>]*>.*?<script type="application/json">)'
                      r'(.*?)(</script>)', re.S)
_FIRST_FRAME = re.compile(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]*"')
_DATA_URL_JS = '"data:image/png;base64," + d.frames[d.index[i]]'


def frames_to_files(page, save):
    """A page's HTML with each static explorer's frames as image files, not base64 text.

    ``save(png_bytes) -> url`` writes one frame and returns the address the page loads it
    from. Each explorer's first picture and its list of frames then name files, so the page
    loads only the frames a reader shows (the book's build calls this on every page;
    in a notebook the frames stay inside the output, which has no files beside it).

    >>> def update(level):
    ...     return np.full((4, 4, 3), level), f"level {level}"
    >>> page = static_explorer(update, {"level": [0.0, 1.0]}, name="demo")._repr_html_()
    >>> saved = []
    >>> light = frames_to_files(page, lambda png: saved.append(png) or f"f{len(saved)}.png")
    >>> len(saved), "base64" in light, '<img src="f1.png"' in light
    (2, False, True)
    """
    def one(match):
        data = json.loads(match.group(2))  # JSON reads the escaped "<\\/" as "</"
        encoded = data["frames"]
        data["frames"] = [save(base64.b64decode(frame)) for frame in encoded]
        head = match.group(1)
        shown = _FIRST_FRAME.search(head)  # the picture shown before any slider moves
        if shown:
            first = shown.group(0)[len('<img src="data:image/png;base64,'):-1]
            url = data["frames"][encoded.index(first) if first in encoded else 0]
            head = head[: shown.start()] + f'<img src="{html.escape(url)}"' + head[shown.end():]
        return head + json.dumps(data).replace("</", "<\\/") + match.group(3)

    page = _PAYLOAD.sub(one, page)
    return page.replace(_DATA_URL_JS, "d.frames[d.index[i]]")


def static_explorer(update, grid, *, name, prompts=(), start=None, labels=None, formats=None,
                    alt="{params}: {text}", readout="{params}: {text}", caption=None, width=384, region=None,
                    colors=None, max_bytes=MAX_BYTES):
    """Precompute an explorer over a grid of slider values, for a page without a kernel.

    Parameters
    ----------
    update : callable
        ``update(**params) -> (picture, text)``, the function the live explorer
        calls: ``picture`` an RGB array or a matplotlib figure, ``text`` the readout.
    grid : dict
        ``{parameter: [values]}``, one slider per parameter (values may be
        numbers or names such as a scene's).
    name : str
        Names the HTML element (``id="cellseg-explorer-NAME"``); unique on a page.
    prompts : sequence of Prompt, optional
        Questions about the explorer (:func:`prompt`); their values join the grid.
    start : dict, optional
        The value each slider starts at (default: the first value of its grid).
    labels, formats : dict, optional
        The label shown before a slider, and a format spec for its values.
    alt : str, optional
        Alt text of each frame; ``{params}`` is replaced by "name = value, ..."
        and ``{text}`` by the update's text, ``{NAME}`` by the value of slider NAME.
    readout : str, optional
        What the page shows under the picture, with the same replacements; by
        default the sliders' values and the text, so that it changes with
        every slider (and a screen reader announces the whole state).
    caption : str, optional
        A line above the sliders.
    width : int, optional
        Displayed width of the picture in pixels.
    region : tuple of slice, optional
        Show only this part of each picture, e.g. ``np.s_[:160, :160]``: a detail
        of a large image keeps the frames small (the readout still describes
        the whole picture).
    colors : int, optional
        Quantise frames with more than 256 colours to this many (smaller PNGs).
    max_bytes : int, optional
        Budget for all frames together; a larger explorer raises a ValueError.

    Returns
    -------
    StaticExplorer
        Displays itself (HTML with sliders) as the cell's result.

    Examples
    --------
    >>> def update(level):
    ...     return np.full((8, 8, 3), level), f"level {level}"
    >>> explorer = static_explorer(update, {"level": [0.0, 0.5]}, name="demo", prompts=[prompt("Try 1.", level=1.0)])
    >>> explorer.grid, explorer.texts
    ({'level': [0.0, 0.5, 1.0]}, ['level 0.0', 'level 0.5', 'level 1.0'])
    >>> 'class="cellseg-explorer"' in explorer._repr_html_()
    True
    """
    if not callable(update):
        raise TypeError(f"update must be a function update(**params) -> (picture, text), got {update!r}.")
    prompts = list(prompts)
    grid = _grid_with_prompts(grid, prompts)
    start = dict(start or {})
    for key, value in start.items():
        if key not in grid or value not in grid[key]:
            raise ValueError(f"start value {key}={value!r} is not in the grid {grid.get(key)}.")
    start = {key: grid[key].index(start[key]) if key in start else 0 for key in grid}
    labels, formats = dict(labels or {}), dict(formats or {})
    frames, seen, index, texts, alts, readouts = [], {}, [], [], [], []
    for combo in itertools.product(*grid.values()):
        params = dict(zip(grid, combo))
        picture, text = update(**params)
        if region is not None:
            picture = _to_uint8(picture)[region]
        png = encode_frame(picture, colors=colors)
        digest = hashlib.sha1(png).hexdigest()
        if digest not in seen:
            seen[digest] = len(frames)
            frames.append(png)
        index.append(seen[digest])
        texts.append(str(text))
        shown = {k: _label(v, formats.get(k)) for k, v in params.items()}
        described = ", ".join(f"{labels.get(k, k)} = {v}" for k, v in shown.items())
        alts.append(alt.format(params=described, text=text, **shown))
        readouts.append(readout.format(params=described, text=text, **shown))
        total = sum(len(f) for f in frames)
        if total > max_bytes:
            raise ValueError(
                f"explorer {name!r} needs more than {max_bytes / 1e6:.1f} MB of frames ({len(frames)} frames so far "
                f"for {len(texts)} of {int(np.prod([len(v) for v in grid.values()]))} grid points): "
                "use fewer grid values, smaller frames, colors=256, or raise max_bytes."
            )
    return StaticExplorer(name, grid, frames, index, texts, alts, readouts, labels=labels, start=start,
                          prompts=prompts, width=width, formats=formats, caption=caption)


class LiveExplorer:
    """Sliders and one picture updated in place (see :func:`live_explorer`).

    ``widget`` is the ipywidgets box to display; ``refresh()`` runs one update
    and returns its time in seconds (update, encoding and hand-over to the
    widget), the end-to-end cost in the kernel of one slider move.
    """

    def __init__(self, update, controls, *, width, format):
        import ipywidgets as widgets

        self.update, self.controls, self.format = update, controls, format
        self.image = widgets.Image(format=format, width=width)
        self.readout = widgets.HTML()
        self.readout.add_class("cellseg-explorer-readout")
        for control in controls.values():
            control.observe(lambda change: self.refresh(), names="value")
        self.widget = widgets.VBox([*controls.values(), self.image, self.readout])
        self.refresh()

    def refresh(self):
        tic = time.perf_counter()
        picture, text = self.update(**{name: c.value for name, c in self.controls.items()})
        self.image.value = encode_frame(picture, format=self.format)
        self.readout.value = html.escape(str(text))
        return time.perf_counter() - tic

    def _ipython_display_(self):
        from IPython.display import display

        display(self.widget)


def live_explorer(update, controls, *, width=512, format="jpeg"):
    """Sliders that update one picture in place in Jupyter (ipywidgets).

    Parameters
    ----------
    update : callable
        ``update(**params) -> (picture, text)``, the same function as for
        :func:`static_explorer`.
    controls : dict
        ``{parameter: ipywidgets control}`` (a ``FloatSlider``, ``IntSlider``,
        ``Dropdown``...); each one's ``value`` is passed to ``update``.
    width : int, optional
        Displayed width of the picture in pixels.
    format : {"jpeg", "png"}, optional
        How each frame is sent to the browser: JPEG encodes a 512 x 512 frame in
        a few milliseconds, PNG (lossless) in tens of milliseconds.

    Returns
    -------
    LiveExplorer
        Displays itself as the sliders, the picture and the readout.
    """
    if not callable(update):
        raise TypeError(f"update must be a function update(**params) -> (picture, text), got {update!r}.")
    if not isinstance(controls, dict) or not controls:
        raise ValueError("controls must be a dict {parameter name: ipywidgets slider}, "
                         "e.g. {'threshold': FloatSlider(...)}.")
    for name, control in controls.items():
        if not hasattr(control, "observe") or not hasattr(control, "value"):
            raise TypeError(f"control {name!r} must be an ipywidgets control with a value, got {control!r}.")
    return LiveExplorer(update, controls, width=width, format=format)
