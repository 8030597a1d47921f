"""The whole book builds with warnings as errors, from this run's notebook executions."""

import os

import notebooks  # tools/notebooks.py
import pytest


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

