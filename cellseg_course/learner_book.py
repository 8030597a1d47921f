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
  reader looks at. Every PNG is stored as its smallest lossless form (:func:`slim_png`).
  ``tests/browser/`` measures every page's weight.
- **Downloads that read like the page.** The ``.ipynb`` behind the download button is the
  learner's copy (:func:`cellseg_course.live.download_copies`): numbers, not glue markers.
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
#: The theme's "search as you type" tools, loaded on every page; unused with that option off
#: (the search button then opens a form that goes to search.html, which loads them itself).
SEARCH_TOOLS = re.compile(r'<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|'
                          r'searchindex\.js)"></script>\s*')
#: The icon fonts (Font Awesome 6, in the theme): the book uses a few dozen of their glyphs.
ICON_FONTS = {"fa-solid-900": ("Font Awesome 6 Free", 900), "fa-brands-400": ("Font Awesome 6 Brands", 400),
              "fa-regular-400": ("Font Awesome 6 Free", 400)}
#: A rule giving a character to some selectors: ``.fa-search:before,.fa-magnifying-glass:before
#: {content:"\f002"}``, or a theme's own icon such as ``.onthispage:after{content:"\f107";...}``.
ICON_RULE = re.compile(r'(?P<selectors>[^{}]+)\{[^{}]*?content:"\\(?P<code>f[0-9a-f]{3,4})"[^{}]*\}')
ICON_SELECTOR = re.compile(r'^\.(fa-[a-z0-9-]+):+before$')
ICON_CLASS = re.compile(r"\bfa-[a-z0-9-]+")
SUBSET_CSS = "_static/icon-subset.css"
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


def subset_icon_fonts(out):
    """Cut the icon fonts down to the glyphs the built book uses; returns their @font-face CSS.

    Font Awesome's solid and brands fonts weigh 274 KB as WOFF2 and each page loads them for a
    few arrows, a magnifier and a GitHub mark. The glyphs used are those of every ``fa-*``
    class named in the book's HTML and scripts (the theme's stylesheet maps each class to its
    character); fontTools' subsetter keeps only them, written as WOFF (zlib) files beside the
    originals. The returned CSS declares them under the same family names, after the theme's
    own declarations, so the browser loads the small files instead.
    """
    from fontTools import subset
    from fontTools.ttLib import TTFont

    css_file = out / "_static" / "styles" / "pydata-sphinx-theme.css"
    fonts = out / "_static" / "vendor" / "fontawesome" / "webfonts"
    if not css_file.exists() or not fonts.is_dir():
        return ""
    codes, always = {}, set()  # class -> character; characters the style sheets use themselves
    for sheet in (out / "_static").rglob("*.css"):
        text = sheet.read_text(encoding="utf-8", errors="replace")
        # icons written as the character itself (the theme's --pst-icon-* variables)
        always.update(ord(c) for c in set(text) if 0xE000 <= ord(c) <= 0xF8FF)
        for rule in ICON_RULE.finditer(text):
            code = int(rule["code"], 16)
            for selector in rule["selectors"].split(","):
                icon = ICON_SELECTOR.match(selector.strip())
                if icon:
                    codes.setdefault(icon.group(1), code)
                else:
                    always.add(code)
    used = set()
    for path in list(out.rglob("*.html")) + list((out / "_static").rglob("*.js")):
        used.update(ICON_CLASS.findall(path.read_text(encoding="utf-8", errors="replace")))
    wanted = sorted(always | {codes[name] for name in used if name in codes})
    _drop_unused_icon_rules(css_file, used)
    rules = []
    for stem, (family, weight) in ICON_FONTS.items():
        source = fonts / f"{stem}.ttf"
        if not source.exists():
            continue
        font = TTFont(source)
        present = [c for c in wanted if c in font.getBestCmap()]
        if not present:
            continue
        options = subset.Options()
        options.flavor = "woff"  # zlib: WOFF2 would need the brotli module
        options.layout_features = ["*"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=present)
        subsetter.subset(font)
        target = fonts / f"{stem}.subset.woff"
        font.flavor = "woff"
        font.save(target)
        rules.append(f'@font-face{{font-display:block;font-family:"{family}";font-style:normal;'
                     f'font-weight:{weight};src:url(vendor/fontawesome/webfonts/{target.name}) format("woff")}}')
    return "\n".join(rules) + "\n" if rules else ""


def _drop_unused_icon_rules(css_file, used):
    """Take out of the theme's stylesheet the ~2,500 icon rules (90 KB, on every page) of
    classes no page names; a class the book does not use has no glyph in the subset font."""

    def keep(rule):
        icons = [ICON_SELECTOR.match(s.strip()) for s in rule["selectors"].split(",")]
        if all(icons) and not any(icon.group(1) in used for icon in icons):
            return ""
        return rule[0]

    text = css_file.read_text(encoding="utf-8")
    slim = ICON_RULE.sub(keep, text)
    if slim != text:
        css_file.write_text(slim, encoding="utf-8")


def slim_png(data):
    """The same picture as a smaller PNG: opaque RGBA stored as RGB, 256 colours or fewer as
    a palette, and the best of zlib's filters (lossless: every pixel keeps its value).
    Returns ``data`` itself when nothing is gained."""
    import io

    import numpy as np
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    if image.mode not in ("RGB", "RGBA"):
        return data
    pixels = np.asarray(image)
    if pixels.shape[2] == 4 and pixels[..., 3].min() == 255:
        pixels = pixels[..., :3]
    channels = pixels.shape[2]
    packed = np.ascontiguousarray(pixels).reshape(-1, channels).view(f"V{channels}").ravel()
    colours, index = np.unique(packed, return_inverse=True)
    if len(colours) <= 256:
        palette = colours.view(np.uint8).reshape(-1, channels)
        slim = Image.fromarray(index.reshape(pixels.shape[:2]).astype(np.uint8), "P")
        slim.putpalette(palette[:, :3].ravel().tolist(), rawmode="RGB")
        if channels == 4:
            slim.info["transparency"] = bytes(palette[:, 3])
    else:
        slim = Image.fromarray(np.ascontiguousarray(pixels))
    buffer = io.BytesIO()
    slim.save(buffer, "PNG", optimize=True)
    return buffer.getvalue() if buffer.tell() < len(data) else data


def slim_images(out):
    """Every PNG figure of the book rewritten by :func:`slim_png` (about a sixth lighter)."""
    for path in (out / "_images").glob("*.png"):
        data = path.read_bytes()
        slim = slim_png(data)
        if slim is not data:
            path.write_bytes(slim)


def light_pages(app, exception):
    """After the build: no Font Awesome script, icon fonts cut to the glyphs used, the theme's
    unused search tools left out, explorer frames written as files."""
    if exception is not None or app.builder.format != "html":
        return
    from .explorers import frames_to_files

    out = Path(app.outdir)
    folder = out / FRAMES_FOLDER
    subset_css = subset_icon_fonts(out)
    slim_images(out)
    if subset_css:
        (out / SUBSET_CSS).write_text(subset_css, encoding="utf-8")
    search_as_you_type = (app.config.html_theme_options or {}).get("search_as_you_type")
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        light = FIGURE_PAIR.sub(_picture, FONTAWESOME_JS.sub("", text))
        if page.name != "search.html" and not search_as_you_type:
            light = SEARCH_TOOLS.sub("", light)
        if subset_css and "</head>" in light:
            href = "../" * (len(page.relative_to(out).parts) - 1) + SUBSET_CSS
            light = light.replace("</head>", f'<link rel="stylesheet" href="{href}" />\n</head>', 1)
        if 'class="cellseg-explorer"' in light and "data:image/png;base64," in light:
            depth = len(page.relative_to(out).parts) - 1
            prefix = "../" * depth + FRAMES_FOLDER

            def save(png):
                name = hashlib.sha1(png).hexdigest()[:16] + ".png"
                folder.mkdir(parents=True, exist_ok=True)
                target = folder / name
                if not target.exists():
                    target.write_bytes(slim_png(png))
                return f"{prefix}/{name}"

            light = frames_to_files(light, save)
        if light != text:
            page.write_text(light, encoding="utf-8")


def readable_downloads(app, exception):
    """After the build: the notebooks offered for download read like their pages
    (:func:`cellseg_course.live.download_copies`), not like MyST sources with glue markers."""
    if exception is not None or app.builder.format != "html":
        return
    from .live import download_copies

    cache = getattr(app.config, "nb_execution_cache_path", "") or ""
    download_copies(app.outdir, app.srcdir, [Path(app.srcdir, cache)] if cache else [])


def setup(app):
    app.connect("html-page-context", learners_path, priority=800)
    app.connect("build-finished", light_pages)
    app.connect("build-finished", readable_downloads)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
