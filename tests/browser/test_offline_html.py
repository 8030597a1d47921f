"""The built book loads nothing from the network: checked in its HTML and CSS (no browser)."""

import re

import pytest

# A tag that makes the browser fetch something as the page loads, with its address.
LOADS = re.compile(
    r"<(?:script|img|iframe|audio|video|source|embed)\b[^>]*?\bsrc\s*=\s*[\"']?(?P<src>[^\"'\s>]+)"
    r"|<link\b[^>]*?\bhref\s*=\s*[\"']?(?P<href>[^\"'\s>]+)[^>]*>",
    re.I,
)
CSS_URL = re.compile(r"(?:@import\s+(?:url\()?|url\()\s*[\"']?(?P<url>[^\"')\s]+)", re.I)
REMOTE = re.compile(r"^(?:https?:)?//", re.I)
WIDGET = "application/vnd.jupyter.widget-view+json"


def _is_resource_link(tag):
    # <link rel="canonical|next|prev|index|search"> only names a page; the rest load something
    rel = re.search(r"\brel\s*=\s*[\"']?([^\"'>]+)", tag, re.I)
    return not rel or not set(rel.group(1).lower().split()) <= {
        "canonical", "next", "prev", "index", "search", "author", "license", "alternate"}


pytestmark = pytest.mark.book  # needs the book built (the second step of course.py test)


@pytest.fixture(scope="module")
def built(built_book):
    return built_book[0]


def test_no_page_loads_anything_from_the_network(built):
    remote = {}
    for page in sorted(built.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        for m in LOADS.finditer(text):
            url = m["src"] or m["href"]
            if REMOTE.match(url) and (m["src"] or _is_resource_link(m.group(0))):
                remote.setdefault(str(page.relative_to(built)), []).append(url)
    assert not remote, "scripts, style sheets or fonts from the network"


def test_no_style_sheet_loads_anything_from_the_network(built):
    remote = {}
    for sheet in sorted(built.rglob("*.css")):
        for m in CSS_URL.finditer(sheet.read_text(encoding="utf-8", errors="replace")):
            if REMOTE.match(m["url"]):
                remote.setdefault(str(sheet.relative_to(built)), []).append(m["url"])
    assert not remote


def test_no_page_shows_a_live_widget(built):
    # A widget output (a tqdm.auto progress bar, an interact) shows nothing without a kernel
    # and would need a widget manager from a CDN: the book shows plain text and static HTML.
    pages = sorted(str(p.relative_to(built)) for p in built.rglob("*.html")
                   if WIDGET in p.read_text(encoding="utf-8", errors="replace"))
    assert not pages


def test_formulas_are_mathml_and_no_page_loads_mathjax(built):
    """Formulas are written as MathML when the book is built (cellseg_course/mathml.py)."""
    pages_with_math = [p for p in built.rglob("*.html") if 'class="math' in p.read_text(encoding="utf-8")]
    assert pages_with_math
    for page in pages_with_math:
        text = page.read_text(encoding="utf-8")
        assert "<math " in text, f"{page.name} has formulas but no MathML"
        assert "annotation-xml" not in text and not re.search(r"\\\(|\\\[", text.split("<math", 1)[0][-200:])
        assert not re.search(r'<script[^>]*src="[^"]*(?:mathjax|tex-mml|tex-chtml)', text, re.I), page.name
    assert not (built / "mathjax").exists(), "MathJax is still copied into the book"
