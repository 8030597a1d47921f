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

import json
import os

__all__ = ["MIN_TEXT_PX", "PAGE_WIDTH", "text_sizes", "watch_figures"]

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
