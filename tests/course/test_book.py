"""The whole book builds, every notebook executed afresh, with warnings as errors.

The build itself is the session fixture ``book_build`` (tests/conftest.py), shared with the
browser tests in tests/browser/, so a test run builds the book once.
"""

import notebooks  # tools/notebooks.py
import pytest


@pytest.mark.book
def test_book_builds_cleanly(root, book_build):
    # A fresh output directory has an empty execution cache, so every notebook runs now,
    # with the cellseg that is installed now.
    log = book_build["log"]
    assert book_build["returncode"] == 0, log[-6000:]
    # -W turns every Sphinx warning into a failure; also make sure none slipped through.
    assert "build succeeded" in log and ": WARNING:" not in log, log[-6000:]
    html = book_build["html"]
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
