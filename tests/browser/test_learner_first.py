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


def test_every_shown_code_line_fits_in_88_characters(walk):
    bad = _bad(_layout(walk), "long_lines")
    assert not bad, f"shown code lines over 88 characters: {bad}"


def test_no_code_cell_or_output_scrolls_sideways_on_a_desktop(walk):
    bad = _bad(_layout(walk), "overflowing")
    assert not bad, f"code cells or outputs wider than the page at 1280 px: {bad}"


def test_no_page_scrolls_sideways_on_a_phone(walk):
    bad = {name: found["phone_sideways"] for name, found in _layout(walk).items() if found["phone_sideways"]}
    assert not bad, f"pages wider than a 390 px phone (px too wide): {bad}"


def test_each_lesson_is_followed_by_its_exercises_and_solutions_are_off_the_path(walk, root):
    import notebooks  # tools/notebooks.py

    layouts = _layout(walk)
    chain = []
    for lesson, exercises in notebooks.course_structure(root):
        chain += [f"lessons/{lesson['name']}", *(f"exercises/{e['name']}" for e in exercises)]
    wrong = {page: (layouts[page]["next"], after) for page, after in zip(chain, chain[1:])
             if layouts[page]["next"] != after}
    assert not wrong, f"'next' on these pages (found, wanted): {wrong}"
    into_solutions = {name: (found["prev"], found["next"]) for name, found in layouts.items()
                      if not name.startswith("solutions/")
                      and any(str(link).startswith("solutions/") for link in (found["prev"], found["next"]))}
    assert not into_solutions, f"'previous' or 'next' leads into the solutions: {into_solutions}"
    for name in (n for n in layouts if n.startswith("solutions/")):
        exercise = "exercises/" + name.split("/", 1)[1]
        assert layouts[name]["next"] is None and layouts[name]["prev"] == exercise, (name, layouts[name])
        assert name in layouts[exercise]["links"], f"{exercise} does not link to its solution"


def test_the_sidebar_shows_the_path_not_every_page(walk):
    layouts = _layout(walk)
    lesson = next(n for n in layouts if n.startswith("lessons/"))
    shown = layouts[lesson]["sidebar"]
    assert shown, "no sidebar entries shown"
    assert not any(entry.startswith("Solution") for entry in shown), shown
    assert len(shown) <= 20, f"the sidebar shows {len(shown)} entries on {lesson}: {shown}"


def test_every_exercise_shows_its_time(walk, root):
    import notebooks  # tools/notebooks.py

    layouts = _layout(walk)
    for _, exercises in notebooks.course_structure(root):
        for e in exercises:
            assert layouts[f"exercises/{e['name']}"]["time"] == e["minutes"], e["name"]


def test_one_search_box_on_a_desktop_and_on_a_phone(walk):
    layouts = _layout(walk)
    bad = {name: (found["searches"], found["phone_searches"]) for name, found in layouts.items()
           if (found["searches"], found["phone_searches"]) != (1, 1)}
    assert not bad, f"search boxes shown (desktop, phone), not one each: {bad}"


def test_no_progress_bar_in_an_output(walk):
    bad = _bad(_layout(walk), "progress_bars")
    assert not bad, f"progress bars shown: {bad}"


def test_figure_text_is_at_least_8_px_on_a_phone(walk):
    layouts = _layout(walk)
    figures = {name: found["phone_figures"] for name, found in layouts.items() if found["phone_figures"]}
    assert figures, "no figure measured on a phone"
    unmeasured = {name: [f["src"] for f in figs if f["smallest"] is None] for name, figs in figures.items()}
    unmeasured = {name: srcs for name, srcs in unmeasured.items() if srcs}
    assert not unmeasured, f"figures without the size of their text (no phone rendering): {unmeasured}"
    small = {name: [(f["src"], f["smallest"]) for f in figs if f["smallest"] < 8] for name, figs in figures.items()}
    small = {name: found for name, found in small.items() if found}
    assert not small, f"figure text below 8 CSS px at 390 px (image, px): {small}"


#: what a page may weigh (bytes), without and with an explorer (issue 19)
BUDGET, BUDGET_EXPLORER = 1_500_000, 3_000_000


def test_pages_are_light(walk):
    """Every page within its budget, everything Chromium loaded for it counted.

    The theme, its fonts and scripts, the page, its figures and an explorer's frames (formulas
    are MathML, with no script: cellseg_course/mathml.py). A page never loads Font Awesome's
    1.5 MB script, MathJax, nor an explorer's frames inside its HTML.
    """
    bad = {}
    for name, found in _layout(walk).items():
        budget = BUDGET_EXPLORER if walk[name].explorers else BUDGET
        counted = sum(found["weights"].values())
        if counted > budget:
            bad[name] = (counted, budget, found["weights"])
    assert not bad, f"pages over their budget (bytes counted, budget, by kind): {bad}"


def test_pages_load_only_the_icon_glyphs_and_scripts_they_use(walk):
    """Font Awesome's full fonts (274 KB) give way to subsets of the glyphs the book shows,
    and the theme's search index (126 KB) loads on the search page only
    (cellseg_course/learner_book.py)."""
    full_fonts, index = {}, {}
    for name, result in walk.items():
        urls = [u.split("?")[0] for u in getattr(result, "requested", [])]
        assert urls, f"{name}: no request recorded"
        full = [u.rsplit("/", 1)[1] for u in urls if "/fontawesome/webfonts/" in u and ".subset." not in u]
        if full:
            full_fonts[name] = full
        if name != "search" and any(u.endswith("/searchindex.js") for u in urls):
            index[name] = True
    assert not full_fonts, f"pages loading a whole icon font (a glyph missing from the subset?): {full_fonts}"
    assert not index, f"pages loading the search index outside the search page: {sorted(index)}"
    assert any(".subset.woff" in u for r in walk.values() for u in getattr(r, "requested", []))
