"""What a learner sees of a page's layout, measured in Chromium (used by book_browser.visit).

On the desktop screen (1280 px): the page's weight (every file Chromium loaded for it, the
page itself included, once every picture is loaded), the code shown (its longest line and
any line of machinery: ``glue(``, a build ``assert``, a solution marker), and the code
cells and outputs that scroll sideways. On the phone screen (390 px): the same machinery
lines, whether the page itself scrolls sideways and how much each figure is shrunk.
The results go to ``result.layout`` (a dict); ``test_learner_first.py`` asserts on them.
"""

import os
import re
from urllib.parse import unquote, urlsplit

#: A line of shown code that is there for the build, not for the learner (or that needs a
#: kernel the book does not have: a live explorer's ipywidgets, folded away on the page).
MACHINERY = re.compile(r"\bglue\(|^\s*assert\b|#\s*(BEGIN|END)\s+SOLUTION\b|#\s*SOLUTION\s*$"
                       r"|\blive_explorer\(|\bimport ipywidgets\b")

CODE_JS = r"""
() => {
  const shown = el => el.checkVisibility ? el.checkVisibility() : el.offsetParent !== null;
  const code = Array.from(document.querySelectorAll('div.cell_input pre, div.highlight-ipython3 pre'))
                    .filter(shown);
  const lines = [];
  code.forEach(pre => pre.innerText.replace(/\n$/, '').split('\n').forEach(l => lines.push(l)));
  const boxes = Array.from(document.querySelectorAll(
      'div.cell_input pre, div.cell_output pre, div.cell_output .output, div.cell_output table'))
      .filter(shown);
  const overflowing = boxes.filter(el => el.scrollWidth > el.clientWidth + 1)
      .map(el => (el.closest('.cell_output') ? 'output: ' : 'code: ') +
                 el.innerText.split('\n').sort((a, b) => b.length - a.length)[0].slice(0, 60));
  const searches = Array.from(document.querySelectorAll(
      '.search-button__button, .bd-search input, input[type=search]')).filter(shown).length;
  const progress = Array.from(document.querySelectorAll('div.cell_output')).filter(shown)
      .map(el => el.innerText).filter(t => /\d+%\|.*\|\s*\d+\/\d+/.test(t)).map(t => t.slice(0, 60));
  return {lines, overflowing, searches, progress};
}
"""


PATH_JS = r"""
() => {
  const page = href => href ? new URL(href, location.href).pathname.replace(/\.html$/, '') : null;
  const shown = el => el.checkVisibility ? el.checkVisibility() : el.offsetParent !== null;
  const nav = document.querySelector('#pst-primary-sidebar nav.bd-docs-nav') ||
              document.querySelector('#pst-primary-sidebar');
  const article = document.querySelector('article.bd-article');
  return {
    next: page(document.querySelector('.prev-next-area a.right-next')?.getAttribute('href')),
    prev: page(document.querySelector('.prev-next-area a.left-prev')?.getAttribute('href')),
    sidebar: nav ? Array.from(nav.querySelectorAll('a')).filter(shown).map(a => a.textContent.trim()) : [],
    links: article ? Array.from(article.querySelectorAll('a[href]')).map(a => page(a.getAttribute('href'))) : [],
    time: article ? (article.innerText.match(/Time:\s*about (\d+) minutes/) || [null, null])[1] : null,
  };
}
"""

PHONE_JS = r"""
async () => {
  const root = document.scrollingElement || document.documentElement;
  const imgs = Array.from(document.querySelectorAll('div.cell_output img'))
      .filter(img => !img.closest('.cellseg-explorer, .cellseg-annotator'));  // widgets: micrographs, no text
  // A <picture> switches to its phone source some time after the window narrows (later on a busy
  // machine): until then the desktop rendering is shown, shrunk. Wait (up to 10 s) until every
  // picture shows the source its media query selects, as a reader's phone does once loaded.
  const wanted = img => {
    const source = img.parentElement && img.parentElement.tagName === 'PICTURE'
        && img.parentElement.querySelector('source[media]');
    return source && matchMedia(source.media).matches && img.dataset.phoneSrc
        ? img.dataset.phoneSrc.replace(/^(\.\.\/)+/, '') : null;
  };
  for (let waited = 0; waited < 10000; waited += 100) {
    if (imgs.every(img => !wanted(img) || (img.currentSrc || '').endsWith(wanted(img)))) break;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  await Promise.all(imgs.map(img => img.decode().catch(() => null)));  // the phone source, once loaded
  const figures = imgs.filter(img => img.naturalWidth > 0 && img.getBoundingClientRect().width > 0)
      .map(img => {
        const phone = img.dataset.phoneSrc && img.currentSrc.endsWith(img.dataset.phoneSrc.replace(/^(\.\.\/)+/, ''));
        const px = Number(phone ? img.dataset.phoneTextPx : img.dataset.textPx) || null;
        const shown = img.getBoundingClientRect().width;
        return {src: (img.currentSrc || img.src).split('/').pop().slice(0, 24), shown, natural: img.naturalWidth,
                phone, smallest: px && Math.round(px * shown / img.naturalWidth * 10) / 10};
      });
  return {sideways: Math.max(0, root.scrollWidth - root.clientWidth), figures};
}
"""


def _file_size(url):
    parts = urlsplit(url)
    if parts.scheme != "file":
        return 0
    path = unquote(parts.path)
    return os.path.getsize(path) if os.path.isfile(path) else 0


def _page_name(path):
    """``lessons/pipeline`` from a page's path (``/tmp/.../html/lessons/pipeline``)."""
    if not path:
        return None
    parts = path.strip("/").split("/")
    for k, part in enumerate(parts):
        if part in ("book", "lessons", "exercises", "solutions") and k == len(parts) - 2:
            return "/".join(parts[k:])
    return parts[-1]


def _kind(url):
    """What a file is to a page: MathJax, a figure, an explorer frame, or the rest."""
    path = urlsplit(url).path
    if "/mathjax/" in path:
        return "mathjax"
    if "/_images/explorers/" in path:
        return "frames"
    if "/_images/" in path:
        return "figures"
    return "rest"


def _machinery(lines):
    return [line.strip()[:80] for line in lines if MACHINERY.search(line)]


def record_requests(page, result):
    """Note every file the page asks for (called as the page opens)."""
    result.requested = []
    page.on("request", lambda request: result.requested.append(request.url))


async def measure_desktop(page, result):
    """After the figures are loaded, on the desktop screen (before any click)."""
    code = await page.evaluate(CODE_JS)
    urls = sorted(set(u.split("#")[0] for u in result.requested))
    kinds = {"mathjax": 0, "figures": 0, "frames": 0, "rest": 0}
    for url in urls:
        kinds[_kind(url)] += _file_size(url)
    result.layout = {
        "weight": sum(kinds.values()),
        "weights": kinds,
        "files": len(urls),
        "longest_line": max((len(line) for line in code["lines"]), default=0),
        "code_lines": len(code["lines"]),
        "long_lines": [line for line in code["lines"] if len(line) > 88][:5],
        "machinery": _machinery(code["lines"]),
        "overflowing": code["overflowing"],
        "searches": code["searches"],
        "progress_bars": code["progress"],
    }
    path = await page.evaluate(PATH_JS)
    for key in ("next", "prev"):
        result.layout[key] = _page_name(path[key])
    result.layout["sidebar"] = path["sidebar"]
    result.layout["links"] = sorted({_page_name(p) for p in path["links"] if p} - {None})
    result.layout["time"] = int(path["time"]) if path["time"] else None


async def measure_phone(page, result):
    """Once the window is narrowed to a phone's."""
    code = await page.evaluate(CODE_JS)
    phone = await page.evaluate(PHONE_JS)
    layout = getattr(result, "layout", None) or {}
    layout["phone_machinery"] = _machinery(code["lines"])
    layout["phone_searches"] = code["searches"]
    layout["phone_sideways"] = phone["sideways"]
    layout["phone_figures"] = phone["figures"]
    result.layout = layout
