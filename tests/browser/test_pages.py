"""Every page of the built book in a real browser (Chromium), as a reader gets it.

One walk through the book (the ``walk`` fixture, tests/browser/book_browser.py) opens each
page on a desktop and on a phone screen, with the network refused; each test below asserts
one promise on every page and lists the pages that break it.
"""

import re

import pytest

# the second step of course.py test (with the book build), and only where a Chromium is
pytestmark = [pytest.mark.book, pytest.mark.browser]


def _failures(walk, attribute):
    return {name: getattr(r, attribute) for name, r in walk.items() if getattr(r, attribute)}


def _listing(failures):
    """One line per page: how many problems, and the first few."""
    return "\n" + "\n".join(f"{page} ({len(found)}): {found[:3]}" for page, found in failures.items())


def test_no_console_errors(walk):
    bad = _failures(walk, "console_errors")
    assert not bad, _listing(bad)


def test_no_request_leaves_the_machine(walk):
    bad = _failures(walk, "external_requests")
    assert not bad, _listing(bad)


def test_every_formula_is_typeset(walk):
    bad = _failures(walk, "untypeset")
    assert not bad, "formulas the browser did not lay out as MathML:" + _listing(bad)
    bad = _failures(walk, "raw_tex")
    assert not bad, "TeX shown as text:" + _listing(bad)
    missing = {n: r.math_elements for n, r in walk.items() if r.formulas < r.math_elements}
    assert not missing, "pages with fewer typeset formulas than formulas"
    assert sum(r.formulas for r in walk.values()) > 0, "no formula typeset anywhere"


def test_every_figure_has_loaded_and_has_alt_text(walk):
    bad = _failures(walk, "figure_problems")
    assert not bad, _listing(bad)
    lessons = {n: r.figures for n, r in walk.items() if n.startswith("lessons/")}
    assert all(lessons.values()), f"lessons without a figure: {lessons}"


def test_quizzes_give_the_right_feedback(walk, root):
    # the pages that show a quiz, from the sources: a cell calling show_quiz(...)
    expected = {
        str(path.relative_to(root).with_suffix("")).replace("\\", "/")
        for folder in ("lessons", "solutions", "exercises", "book")
        for path in (root / folder).glob("*.md")
        if re.search(r"^\s*show_quiz\(", path.read_text(encoding="utf-8"), re.M)
    } & set(walk)
    assert expected, "no page of the book shows a quiz"
    without = sorted(n for n in expected if walk[n].quiz_questions == 0)
    assert not without, f"pages whose quiz does not appear: {without}"
    bad = _failures(walk, "quiz_problems")
    assert not bad, _listing(bad)


def test_explorers_move_without_a_kernel(walk):
    # The contract (CONTRIBUTING.md): an element with class `cellseg-explorer` holding
    # <input type="range"> sliders, an <img> picture and `.cellseg-explorer-readout` numbers.
    explorers = {n: r.explorers for n, r in walk.items() if r.explorers}
    assert explorers, "no page of the book has an explorer (.cellseg-explorer)"
    bad = _failures(walk, "explorer_problems")
    assert not bad, _listing(bad)


def test_menus_open_on_a_phone(walk):
    bad = _failures(walk, "phone_menu_problems")
    assert not bad, _listing(bad)


def test_sidebar_collapses_on_a_desktop(walk):
    parts = {n.split("/")[0] for n in walk if "/" in n}
    checked = {n.split("/")[0] for n, r in walk.items() if r.sidebar_checked and "/" in n}
    assert checked == parts, f"parts where no page had its sidebar collapsed: {sorted(parts - checked)}"
    bad = _failures(walk, "desktop_sidebar_problems")
    assert not bad, _listing(bad)


def test_search_works_offline(walk):
    assert walk["search"].search_results > 0, "searching the book for 'threshold' finds nothing"
