"""Fixtures of the browser tests: the system's Chromium and one walk through the built book."""

import os
import shutil

import notebooks  # tools/notebooks.py
import pytest

#: Where to find a Chromium. `python3 course.py test` looks for the same names and passes
#: the one it found in CELLSEG_CHROMIUM; Playwright never downloads a browser here.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium():
    given = os.environ.get("CELLSEG_CHROMIUM")
    if given:
        return given if os.path.exists(given) else None
    return next((path for path in map(shutil.which, CHROMIUM_NAMES) if path), None)


@pytest.fixture(scope="session")
def book_pages(root, book_build):
    """Every page of the table of contents: name -> path of its built HTML file."""
    assert book_build["returncode"] == 0, "the book did not build: see test_book_builds_cleanly"
    html = book_build["html"]
    return {name: html / f"{name}.html" for name in notebooks.toc_entries(root)}


@pytest.fixture(scope="session")
def walk(book_pages, book_build):
    """Every page opened in Chromium (desktop and phone): name -> book_browser.PageResult."""
    chromium = find_chromium()
    if chromium is None:
        pytest.fail("no Chromium found: install one (Debian: apt-get install chromium), set "
                    "CELLSEG_CHROMIUM to its path, or deselect these tests with -m 'not browser'")
    import book_browser

    results = book_browser.walk_book(chromium, {n: p.as_uri() for n, p in book_pages.items()})
    report = book_build["html"].parent.parent / "browser-report.txt"
    report.write_text(book_browser.summary(results) + "\n")
    return results
