"""Is every text in a figure large enough to read where the book shows it?

The book shows a figure at most :data:`PAGE_WIDTH` pixels wide, shrinking a
wider one. A font of ``F`` points in a figure saved at ``D`` dots per inch is
``F * D / 72`` pixels in the PNG, and the PNG of width ``P`` pixels is shown at
``min(P, PAGE_WIDTH)``; so it reads at ``F * D / 72 * min(P, PAGE_WIDTH) / P``
pixels. Below about :data:`MIN_TEXT_PX` (9) pixels a title or legend cannot be read.

:func:`text_sizes` measures a figure the way Jupyter saves it (tight bounding
box). :func:`watch_figures` makes ``plt.show()`` measure every figure it shows:
with the environment variable ``CELLSEG_FIGURE_CHECK=error`` it raises for
text too small (so a notebook run fails), with ``CELLSEG_FIGURE_CHECK=log:PATH``
it appends one JSON line per figure to ``PATH`` (``tools/figure_text.py`` runs
every notebook this way and prints the table). Without the variable nothing is
measured and nothing is patched.
"""

import io
import json
import os

__all__ = ["MIN_TEXT_PX", "PAGE_WIDTH", "PHONE_MIME", "phone_figure", "show_phone_figures", "smallest_text_px",
           "text_sizes", "watch_figures"]

PAGE_WIDTH = 688  #: widest a figure is shown in the book (pixels)
MIN_TEXT_PX = 9.0  #: smallest readable text at the displayed size (pixels)


def text_sizes(fig, *, page_width=PAGE_WIDTH, pad_inches=0.1):
    """The displayed size in pixels of every visible text in ``fig``.

    Returns a dict with ``width_px`` (of the saved PNG, tight bounding box),
    ``shown_px`` (its width on the page) and ``texts``: a list of
    ``(pixels, text)`` pairs, smallest first.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(figsize=(4, 3), dpi=100)
    >>> _ = ax.set_title("small", fontsize=6)
    >>> sizes = text_sizes(fig)
    >>> sizes["texts"][0][1], round(sizes["texts"][0][0], 1)
    ('small', 8.3)
    >>> plt.close(fig)
    """
    from matplotlib.text import Text

    dpi = fig.dpi
    renderer = fig.canvas.get_renderer()
    fig.draw_without_rendering()
    bbox = fig.get_tightbbox(renderer)
    width = (bbox.width + 2 * pad_inches) * dpi
    shown = min(width, page_width)
    texts = []
    for artist in fig.findobj(Text):
        label = artist.get_text().strip()
        if not label or not artist.get_visible() or artist.figure is None:
            continue
        axes = artist.axes
        if axes is not None and not axes.get_visible():
            continue
        if not artist.get_window_extent(renderer).overlaps(fig.bbox):
            continue  # a tick label outside the drawn range
        texts.append((float(artist.get_fontsize() * dpi / 72 * shown / width), label))
    texts.sort(key=lambda t: t[0])
    return {"width_px": width, "shown_px": shown, "texts": texts}


def watch_figures(mode=None):
    """Measure every figure ``plt.show()`` shows (see the module's description).

    ``mode`` is ``"error"`` or ``"log:PATH"``; by default it is read from the
    environment variable ``CELLSEG_FIGURE_CHECK``, and without it this does nothing.
    """
    mode = mode if mode is not None else os.environ.get("CELLSEG_FIGURE_CHECK", "")
    if not mode:
        return
    if mode != "error" and not mode.startswith("log:"):
        raise ValueError(f"CELLSEG_FIGURE_CHECK must be 'error' or 'log:PATH', got {mode!r}.")
    import matplotlib.pyplot as plt

    if getattr(plt.show, "_cellseg_watched", False):
        return
    real_show = plt.show

    def show(*args, **kwargs):
        for number in plt.get_fignums():
            fig = plt.figure(number)
            sizes = text_sizes(fig)
            small = [(round(px, 1), text) for px, text in sizes["texts"] if px < MIN_TEXT_PX]
            if mode.startswith("log:"):
                record = {"notebook": os.environ.get("CELLSEG_NOTEBOOK", ""), "width_px": round(sizes["width_px"]),
                          "smallest_px": round(sizes["texts"][0][0], 1) if sizes["texts"] else None,
                          "small": small[:5]}
                with open(mode[4:], "a", encoding="utf-8") as log:
                    log.write(json.dumps(record) + "\n")
            elif small:
                raise ValueError(
                    f"a figure {sizes['width_px']:.0f} px wide is shown at {sizes['shown_px']:.0f} px, so some of its "
                    f"text is smaller than {MIN_TEXT_PX:g} px: {small[:5]}. Use fewer panels per row, a narrower "
                    "figsize or larger fonts."
                )
        return real_show(*args, **kwargs)

    show._cellseg_watched = True
    show._cellseg_real_show = real_show  # to undo the watch (tests)
    plt.show = show


# --------------------------------------------------------------------------- phones

PHONE_MIME = "application/vnd.cellseg.figure+json"  #: a figure's desktop and phone renderings
PHONE_WIDTH_IN = 3.6  #: width of a figure laid out for a phone (inches; ~360 CSS px)
PHONE_DPI = 150  #: its resolution (sharp on a phone's denser screen)


def _panel_heights(fig, axes):
    """Height / width of each panel as the desktop layout drew it."""
    w, h = fig.get_size_inches()
    out = []
    for ax in axes:
        box = ax.get_position()
        out.append(min(1.2, max(0.45, (box.height * h) / max(box.width * w, 1e-6))))
    return out


def _one_column(fig):
    """Set each figure legend of several columns in one column, no wider than a phone's figure.

    Returns the height (inches) the longer legends need in addition.
    """
    extra = 0.0
    for old in list(fig.legends):
        if getattr(old, "_ncols", 1) == 1:
            continue
        pairs = [pair for ax in fig.axes for pair in zip(*ax.get_legend_handles_labels())]
        shown = [text.get_text() for text in old.texts]
        pairs = [pair for pair in pairs if pair[1] in shown]
        if len(pairs) != len(shown):
            continue  # a legend of its own handles: left as it is
        where = {code: name for name, code in old.codes.items()}.get(old._loc, "best")
        loc = f"outside {where}" if getattr(old, "_outside_loc", None) else where
        old.remove()
        fig.legend(*zip(*pairs), loc=loc, fontsize=old.prop.get_size(), ncols=1)
        rows_before = -(-len(pairs) // old._ncols)
        extra += (len(pairs) - rows_before) * 1.6 * old.prop.get_size_in_points() / 72
    return extra


def phone_figure(fig, *, width_in=PHONE_WIDTH_IN, dpi=PHONE_DPI):
    """The figure laid out again for a phone: ``(png_bytes, smallest_text_px)``.

    The panels of a grid (one axes per cell: a row of images and plots) are stacked in one
    column ``width_in`` inches wide, each keeping the shape it had; a figure of one panel is
    narrowed to ``width_in``. Text keeps its size in points, so on a phone's screen it is as
    large as in a figure made for it, not shrunk with the whole picture; a figure legend is
    set in one column. ``smallest_text_px`` is
    :func:`smallest_text_px` of the result (pixels of the PNG). The figure itself
    is left as it is (a copy is laid out).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, axes = plt.subplots(1, 3, figsize=(9, 3), layout="constrained")
    >>> png, smallest = phone_figure(fig)
    >>> from PIL import Image; import io
    >>> w, h = Image.open(io.BytesIO(png)).size
    >>> h > w  # three panels, one under the other
    True
    >>> plt.close(fig)
    """
    import pickle

    import matplotlib.pyplot as plt

    heights_from = [ax for ax in fig.axes if ax.get_subplotspec() is not None and ax.get_label() != "<colorbar>"]
    heights = _panel_heights(fig, heights_from)
    phone = pickle.loads(pickle.dumps(fig))
    try:
        phone.set_dpi(dpi)
        main = [ax for ax in phone.axes if ax.get_subplotspec() is not None and ax.get_label() != "<colorbar>"]
        specs = [ax.get_subplotspec() for ax in main]
        one_grid = len({id(s.get_gridspec()) for s in specs}) == 1
        single_cells = all(len(s.rowspan) == 1 and len(s.colspan) == 1 for s in specs)
        legend_in = _one_column(phone)
        w, h = phone.get_size_inches()
        if len(main) >= 2 and one_grid and single_cells and specs[0].get_gridspec().ncols >= 2:
            order = sorted(range(len(main)), key=lambda i: (specs[i].rowspan.start, specs[i].colspan.start))
            ratios = [heights[i] for i in order]
            column = phone.add_gridspec(len(main), 1, height_ratios=ratios)
            for row, i in enumerate(order):
                main[i].set_subplotspec(column[row, 0])
            if (phone.get_layout_engine() is None
                    or type(phone.get_layout_engine()).__name__ != "ConstrainedLayoutEngine"):
                phone.set_layout_engine("constrained")
            phone.set_size_inches(width_in, sum(0.85 * width_in * r + 0.35 for r in ratios) + legend_in)
        elif w > width_in:
            phone.set_size_inches(width_in, max(h * width_in / w, min(h, 0.75 * width_in)) + legend_in)
        buffer = io.BytesIO()
        # no tight bounding box: constrained layout keeps everything inside the figure, and a
        # second layout pass would double the time (a phone rendering is made for every figure)
        phone.savefig(buffer, format="png", dpi=dpi)
        return buffer.getvalue(), smallest_text_px(phone, dpi=dpi)
    finally:
        plt.close(phone)


def smallest_text_px(fig, *, dpi=None):
    """The size in pixels of the smallest visible text of ``fig`` saved at ``dpi``, without drawing it.

    Unlike :func:`text_sizes` it does not lay the figure out (fast enough to run on every figure
    shown); a tick label outside the drawn range counts too, but it has the size of the others.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots(dpi=100)
    >>> _ = ax.set_title("small", fontsize=7.2)
    >>> smallest_text_px(fig)
    10.0
    >>> plt.close(fig)
    """
    from matplotlib.text import Text

    dpi = fig.dpi if dpi is None else dpi
    sizes = [t.get_fontsize() for t in fig.findobj(Text)
             if t.get_visible() and t.get_text().strip() and (t.axes is None or t.axes.get_visible())]
    return round(min(sizes) * dpi / 72, 2) if sizes else None


def _figure_bundle(fig, desktop):
    """The mime bundle of a figure: its usual PNG (``desktop``, base64), and both renderings."""
    import base64

    bundle = {"image/png": desktop}
    try:
        phone, phone_px = phone_figure(fig)
    except Exception:  # a figure that cannot be copied or laid out again: the PNG alone
        return bundle
    bundle[PHONE_MIME] = {
        "desktop": desktop,
        "desktop_text_px": smallest_text_px(fig),
        "phone": base64.b64encode(phone).decode("ascii"),
        "phone_text_px": phone_px,
    }
    return bundle


def show_phone_figures():
    """In a Jupyter kernel, give every figure shown a phone rendering too (:data:`PHONE_MIME`).

    Jupyter shows the usual PNG (it does not know the other type); the book's build
    (:mod:`cellseg_course.phone_figures`) shows the phone rendering on narrow screens. Outside
    a kernel (a script, the tests) this does nothing, nor with the environment variable
    ``CELLSEG_PHONE_FIGURES=0`` (a learner's session that will never be a book page: it saves
    the extra drawing, about three times a figure's, and the larger outputs).
    """
    if os.environ.get("CELLSEG_PHONE_FIGURES", "1") == "0":
        return
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None or not hasattr(shell, "display_formatter"):
        return
    formatters = shell.display_formatter
    bundles = getattr(formatters, "mimebundle_formatter", None)
    if bundles is None or "image/png" not in formatters.formatters:
        return
    png_of = {}

    def bundle(fig):
        png = formatters.formatters["image/png"]
        try:  # the inline backend's PNG of a figure; taken over, so that it runs once per figure
            png_of["printer"] = png.pop(type(fig))
        except KeyError:
            pass
        if "printer" not in png_of:
            return None  # no PNG for figures here (another backend): IPython's usual way
        desktop = png_of["printer"](fig)
        return None if desktop is None else _figure_bundle(fig, desktop)

    bundles.for_type_by_name("matplotlib.figure", "Figure", bundle)
