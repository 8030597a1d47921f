"""Sphinx extension: a learner's path through the book, and light pages.

- **The path.** ``_toc.yml`` (written by ``tools/notebooks.py``) puts each lesson's
  exercises under it, so "next" after a lesson opens its exercises; the solutions come in
  a part of their own, which this extension takes out of the "next" chain: no page's
  "next" opens a solution, and a solution's "previous" is its exercise (from which it is
  linked) and it has no "next".
- **Figures for phones.** The two images of a figure with a phone rendering
  (:mod:`cellseg_course.phone_figures`) become one ``<picture>``: a narrow screen loads the
  phone rendering, a wide one the desktop rendering, never both.
- **Light pages.** Font Awesome's JavaScript (1.5 MB on every page) is not loaded: the
  theme's stylesheet already draws the same icons with the Font Awesome web fonts, which a
  page loads only for the icons it shows. Each static explorer's frames are written as
  image files beside the page instead of base64 text inside it
  (:func:`cellseg_course.explorers.frames_to_files`), so a page loads only the frames a
  reader looks at. ``tests/browser/`` measures every page's weight.
"""

import hashlib
import re
from pathlib import Path

FONTAWESOME_JS = re.compile(r'<script\b[^>]*\bsrc="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*>\s*</script>\s*'
                            r'|<link\b[^>]*\bhref="[^"]*_static/scripts/fontawesome\.js[^"]*"[^>]*>\s*')
FRAMES_FOLDER = "_images/explorers"
#: the two images of a figure with a phone rendering (cellseg_course.phone_figures)
FIGURE_PAIR = re.compile(r'(?P<desktop><img\b[^>]*\bcellseg-figure-desktop\b[^>]*>)\s*'
                         r'(?P<phone><img\b[^>]*\bcellseg-figure-phone\b[^>]*>)')
SRC = re.compile(r'\bsrc="([^"]*)"')
TEXT_PX = re.compile(r"\bcellseg-text-(\d+)\b")


def _picture(match):
    """One <picture>: the phone rendering on a narrow screen, the desktop one elsewhere."""
    from .phone_figures import PHONE_MEDIA

    desktop, phone = match["desktop"], match["phone"]
    sizes = {key: int(TEXT_PX.search(tag).group(1)) / 100 if TEXT_PX.search(tag) else 0
             for key, tag in (("desktop", desktop), ("phone", phone))}
    img = desktop.replace("<img ", f'<img data-text-px="{sizes["desktop"]:g}" '
                                   f'data-phone-text-px="{sizes["phone"]:g}" '
                                   f'data-phone-src="{SRC.search(phone).group(1)}" ', 1)
    return (f'<picture><source media="{PHONE_MEDIA}" srcset="{SRC.search(phone).group(1)}">'
            f"{img}</picture>")


def _is_solution(pagename):
    return pagename.startswith("solutions/")


def _link(app, pagename, target):
    return {"link": app.builder.get_relative_uri(pagename, target), "title": app.env.titles[target].astext()}


def learners_path(app, pagename, templatename, context, doctree):
    """No "next" or "previous" leads into the solutions; a solution's "previous" is its exercise."""
    if _is_solution(pagename):
        exercise = "exercises/" + pagename.split("/", 1)[1]
        context["prev"] = _link(app, pagename, exercise) if exercise in app.env.all_docs else None
        context["next"] = None
        return
    relations = app.env.collect_relations()
    for key, step in (("prev", 1), ("next", 2)):
        if not context.get(key):
            continue
        target = relations.get(pagename, [None, None, None])[step]
        while target and _is_solution(target):  # over the solutions, to the page after (or before) them
            target = relations.get(target, [None, None, None])[step]
        context[key] = _link(app, pagename, target) if target else None


def light_pages(app, exception):
    """After the build: drop Font Awesome's script, write explorer frames as files."""
    if exception is not None or app.builder.format != "html":
        return
    from .explorers import frames_to_files

    out = Path(app.outdir)
    folder = out / FRAMES_FOLDER
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        light = FIGURE_PAIR.sub(_picture, FONTAWESOME_JS.sub("", text))
        if 'class="cellseg-explorer"' in light and "data:image/png;base64," in light:
            depth = len(page.relative_to(out).parts) - 1
            prefix = "../" * depth + FRAMES_FOLDER

            def save(png):
                name = hashlib.sha1(png).hexdigest()[:16] + ".png"
                folder.mkdir(parents=True, exist_ok=True)
                target = folder / name
                if not target.exists():
                    target.write_bytes(png)
                return f"{prefix}/{name}"

            light = frames_to_files(light, save)
        if light != text:
            page.write_text(light, encoding="utf-8")


def setup(app):
    app.connect("html-page-context", learners_path, priority=800)
    app.connect("build-finished", light_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
