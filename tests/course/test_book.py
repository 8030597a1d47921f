"""The whole book builds with warnings as errors, from this run's notebook executions."""

import html as html_module
import json
import os
import re

import notebooks  # tools/notebooks.py
import pytest

from cellseg_course import live


@pytest.mark.book
def test_book_builds_cleanly(root, built_book):
    html, log = built_book
    # -W turns every Sphinx warning into a failure; also make sure none slipped through.
    assert "build succeeded" in log and ": WARNING:" not in log, log[-6000:]
    if os.environ.get("CELLSEG_NB_CACHE"):  # under course.py test: nbval has run every notebook
        assert "Executing notebook" not in log, "the build ran a notebook that nbval had already run"
    for page in notebooks.toc_entries(root):
        assert (html / f"{page}.html").exists(), page
    # the .ipynb twins are not built as pages of their own
    assert not list(html.glob("**/*.ipynb.html"))
    # every lesson shows its figures (a forced non-inline matplotlib backend once dropped them all)
    for lesson in sorted((html / "lessons").glob("*.html")):
        figures = lesson.read_text().count('src="../_images/')
        assert figures >= 2, f"{lesson.name} shows {figures} figures"
    # every lesson offers its notebook for download and launch
    lesson = (html / "lessons" / "pipeline.html").read_text()
    assert "colab.research.google.com/github/" in lesson
    assert "lessons/pipeline.ipynb" in lesson



@pytest.mark.book
def test_downloaded_notebooks_read_like_their_pages(root, built_book):
    """The .ipynb behind a page's download button holds the page's numbers, not MyST markup."""
    html, _ = built_book
    offered = sorted((html / "_sources").glob("*/*.ipynb"))
    assert {p.parent.name for p in offered} == {"lessons", "exercises", "solutions"}
    for path in offered:
        nb = json.loads(path.read_text(encoding="utf-8"))
        text = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        for markup in ("{glue", "{term}", ":::{", "{cite", "](../"):
            assert markup not in text, (path.name, markup)
        assert "jupytext" not in nb["metadata"], path.name  # not a twin of a source it lacks
    # a glued number reads in the download as on the page: the words before it, then the value
    source = (root / "lessons" / "pipeline.md").read_text(encoding="utf-8")
    download = json.loads((html / "_sources" / "lessons" / "pipeline.ipynb").read_text(encoding="utf-8"))
    text = " ".join(" ".join("".join(c["source"]) for c in download["cells"] if c["cell_type"] == "markdown").split())
    page = re.sub(r"<[^>]+>", "", (html / "lessons" / "pipeline.html").read_text(encoding="utf-8"))
    page = " ".join(html_module.unescape(page).split())
    checked = 0
    for match in live.GLUE_ROLE.finditer(source):
        words = re.search(r"(?:[A-Za-z]+[ ,]+){3}$", " ".join(source[:match.start()].split()[-6:]) + " ")
        if words is None:
            continue
        value = re.search(re.escape(words[0]) + r"(\S+)", text)
        assert value, words[0]
        assert words[0] + value[1] in page, (words[0], value[1])
        checked += 1
    assert checked >= 5
