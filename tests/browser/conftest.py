"""Fixtures of the browser tests: the system's Chromium and one walk through the built book."""

import notebooks  # tools/notebooks.py
import book_browser
import pytest
from book_browser import find_chromium


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
    results = book_browser.walk_book(chromium, {n: p.as_uri() for n, p in book_pages.items()})
    report = book_build["html"].parent.parent / "browser-report.txt"
    report.write_text(book_browser.summary(results) + "\n")
    return results
