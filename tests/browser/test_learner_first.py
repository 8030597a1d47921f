"""Learner-first pages (issue 19), asserted on every page of the book in Chromium.

The measures come from ``layout.py`` (hooked into the walk of ``book_browser.py``), one dict
``result.layout`` per page, taken on the desktop screen (1280 px) and on the phone's (390 px).
"""

import pytest

pytestmark = [pytest.mark.book, pytest.mark.browser]


def _layout(walk):
    missing = [name for name, r in walk.items() if name != "search" and not getattr(r, "layout", None)]
    assert not missing, f"pages the walk did not measure: {missing}"
    return {name: r.layout for name, r in walk.items() if name != "search"}


def _bad(layouts, key):
    return {name: found[key][:3] for name, found in layouts.items() if found.get(key)}


def test_no_machinery_is_shown_on_a_desktop_or_a_phone(walk):
    layouts = _layout(walk)
    assert sum(found["code_lines"] for found in layouts.values()) > 0, "no code shown anywhere"
    for key in ("machinery", "phone_machinery"):
        bad = _bad(layouts, key)
        assert not bad, f"glue(, build assert or solution marker shown ({key}): {bad}"
