"""The whole book builds, every notebook executed afresh, with warnings as errors."""

import os
import subprocess
import sys
from pathlib import Path

import notebooks  # tools/notebooks.py
import pytest


def _jupyter_book():
    exe = Path(sys.executable).with_name("jupyter-book.exe" if os.name == "nt" else "jupyter-book")
    return str(exe) if exe.exists() else "jupyter-book"


@pytest.mark.book
def test_book_builds_cleanly(root, tmp_path):
    # A fresh output directory has an empty execution cache, so every notebook runs now,
    # with the cellseg that is installed now.
    result = subprocess.run(
        [_jupyter_book(), "build", str(root), "--builder", "html",
         "-W", "-n", "--keep-going", "--path-output", str(tmp_path)],
        capture_output=True, text=True, cwd=root,
        env={k: v for k, v in os.environ.items() if k != "MPLBACKEND"},
    )
    log = result.stdout + result.stderr
    assert result.returncode == 0, log[-6000:]
    # -W turns every Sphinx warning into a failure; also make sure none slipped through.
    assert "build succeeded" in log and ": WARNING:" not in log, log[-6000:]
    html = tmp_path / "_build" / "html"
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
