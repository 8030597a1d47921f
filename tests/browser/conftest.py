"""Fixtures of the browser tests: the system's Chromium and one walk through the built book."""

import book_browser
import notebooks  # tools/notebooks.py
import pytest
from book_browser import find_chromium


@pytest.fixture(scope="session")
def book_pages(root, built_book):
    """Every page of the table of contents, and the search page: name -> file:// URL."""
    html, _ = built_book  # the one build of the test run (tests/conftest.py)
    pages = {name: (html / f"{name}.html").as_uri() for name in notebooks.toc_entries(root)}
    pages["search"] = (html / "search.html").as_uri() + "?q=threshold"  # a word every lesson uses
    return pages


@pytest.fixture(scope="session")
def walk(book_pages, built_book):
    """Every page opened in Chromium (desktop and phone): name -> book_browser.PageResult."""
    chromium = find_chromium()
    if chromium is None:
        pytest.fail("no Chromium found: install one (Debian: apt-get install chromium), set "
                    "CELLSEG_CHROMIUM to its path, or deselect these tests with -m 'not browser'")
    results = book_browser.walk_book(chromium, book_pages)
    report = built_book[0].parent.parent / "browser-report.txt"
    report.write_text(book_browser.summary(results) + "\n")
    return results
