"""myst-nb plugin: a figure shows its phone rendering on a narrow screen.

In a kernel, :func:`cellseg_course.figures.show_phone_figures` gives every figure a second
output type, :data:`~cellseg_course.figures.PHONE_MIME`: the usual PNG and the same figure
laid out for a phone (panels stacked, text at its size in points), with the size of the
smallest text of each. For the HTML book this plugin writes both PNGs and two images; the
build (:mod:`cellseg_course.learner_book`) then joins them into one ``<picture>`` whose
phone source a screen up to :data:`PHONE_MEDIA` wide loads instead of the desktop one, so
a phone reader gets figure text as large as a desktop reader, not shrunk to a third.
Other builders (and Jupyter) use the usual PNG.
"""

from .figures import PHONE_MIME

PHONE_MEDIA = "(max-width: 600px)"  #: the screens that get the phone rendering


class PhoneFigures:
    """The ``myst_nb.mime_renderers`` entry point (pyproject.toml)."""

    mime_priority_overrides = [(builder, PHONE_MIME, 1) for builder in ("html", "dirhtml", "singlehtml")]

    @staticmethod
    def handle_mime(renderer, data, inline):
        if data.mime_type != PHONE_MIME or not isinstance(data.content, dict):
            return None
        from myst_nb.core.render import MimeData

        images = []
        for key in ("desktop", "phone"):
            png = MimeData("image/png", data.content[key], cell_metadata=data.cell_metadata,
                           output_metadata={}, cell_index=data.cell_index,
                           output_index=data.output_index, line=data.line)
            (image,) = renderer.render_image(png)
            px = data.content.get(f"{key}_text_px")
            image["classes"] += [f"cellseg-figure-{key}", f"cellseg-text-{round(100 * px) if px else 0}"]
            images.append(image)
        return images
