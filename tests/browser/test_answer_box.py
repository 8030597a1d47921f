"""The slider exercises' answer boxes answer in the page, without a kernel, as the checkers do.

``test_the_answer_box_says_what_the_checker_says`` puts the six answer boxes on one page (no book
build needed) and types into each, in Chromium, a right answer, typical wrong ones and junk: the
box's verdict and words must be the Python checker's (``str(feedback)``) for every number typed.
``test_the_books_answer_boxes_answer`` does the same on the exercise pages of the built book
(the second step of ``course.py test``).
"""

import pytest
from book_browser import CHROMIUM_ARGS, find_chromium

from cellseg_course.answer_box import answer_box
from cellseg_course.checkers import sliders

pytestmark = pytest.mark.browser

CHECKERS = {
    "count-range": sliders.check_count_range,
    "smooth-away-noise": sliders.check_noise_sigma,
    "name-the-errors": sliders.check_error_names,
    "tune-voronoi-otsu": sliders.check_vo_setting,
    "slice-spacing": sliders.check_slice_spacing,
    "iou-range": sliders.check_iou_range,
}


def _right(name):
    """One accepted answer per field, read from the first accepting rule (as text to type)."""
    rule = next(r for r in sliders.SLIDER_EXERCISES[name].rules if r["ok"])
    values = {}
    for c in rule["when"]:
        if c[0] == "range":  # a value of two decimals inside [lo, hi), as read off a slider
            lo, hi = c[2], c[3]
            values[c[1]] = next(v for v in (round(lo, 2), round(hi, 2), round(lo + 0.01, 2), round(hi - 0.01, 2))
                                if lo <= v < hi)
        else:
            values.setdefault(c[1], [None] * 5)[c[2]] = c[3]
    return [values[f[0]] for f in sliders.SLIDER_EXERCISES[name].fields]


#: typical wrong answers, one list of field values each (numbers as typed)
WRONG = {
    "count-range": [[0.06, 0.78], [0.25, 0.78], [0.31, 0.9], [0.78, 0.31], [31, 78], [0.5, 0.5],
                    [100000.0, 0.78], [1e-05, 0.78], [-0.5, 0.78]],
    "smooth-away-noise": [[0], [0.4], [3], [-1], [1.0]],
    "name-the-errors": [[["split", "merge", "missed", "spurious", "boundary"]],
                        [["merge", "split", "spurious", "boundary", "missed"]]],
    "tune-voronoi-otsu": [[2.0, 2.0], [6.0, 3.0], [1.5, 0.5], [2.2, 1.0], [9, 1]],
    "slice-spacing": [[0.5], [3.0], [0], [1.25]],
    "iou-range": [[0.5, 0.73], [0.7, 0.73], [0.65, 0.7], [65, 73], [0.9, 0.4]],
}


def _type(box, name, values):
    """Fill the box of exercise ``name`` with ``values`` and press Check; return (verdict, text)."""
    for (field, kind, _), value in zip(sliders.SLIDER_EXERCISES[name].fields, values):
        if kind == "number":
            box.locator(f"input[name='{field}']").fill(str(value))
        else:
            for i, item in enumerate(value):
                box.locator(f"select[name='{field}-{i}']").select_option(item)
    box.get_by_role("button", name="Check").click()
    out = box.locator(".cellseg-answer-feedback")
    return out.get_attribute("data-verdict"), out.inner_text().strip()


def _expected(name, values):
    feedback = CHECKERS[name](*values)
    verdict = {True: "correct", False: "wrong", None: "empty"}[feedback.correct]
    return verdict, str(feedback)


def _check_boxes(page, names):
    for name in names:
        box = page.locator(f"#cellseg-answer-{name}")
        right = _right(name)
        assert _type(box, name, right) == _expected(name, right)
        assert _expected(name, right)[0] == "correct"
        for wrong in WRONG[name]:
            got = _type(box, name, wrong)
            assert got == _expected(name, wrong), (name, wrong)
            assert got[0] == "wrong"


def _browser():
    from playwright.sync_api import sync_playwright

    chromium = find_chromium()
    if chromium is None:
        pytest.fail("no Chromium found (see tests/browser/book_browser.py)")
    return sync_playwright(), chromium


@pytest.fixture(autouse=True)
def no_live_sliders():
    """The book has no live sliders: a checker compared with the box must not read any."""
    sliders.LIVE.clear()


def test_the_answer_box_says_what_the_checker_says(tmp_path):
    page_file = tmp_path / "boxes.html"
    page_file.write_text("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>boxes</title></head>"
                         "<body>" + "".join(answer_box(n)._repr_html_() for n in CHECKERS) + "</body></html>",
                         encoding="utf-8")
    manager, chromium = _browser()
    with manager as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri())
            _check_boxes(page, CHECKERS)
            box = page.locator("#cellseg-answer-smooth-away-noise")
            box.locator("input").fill("")
            box.get_by_role("button", name="Check").click()
            assert box.locator(".cellseg-answer-feedback").get_attribute("data-verdict") == "empty"
            for junk, says in (("abc", "the text 'abc'"), ("0,75", "not a comma"), ("75%", "per cent")):
                box.locator("input").fill(junk)
                box.locator("input").press("Enter")  # Enter checks too
                out = box.locator(".cellseg-answer-feedback")
                assert out.get_attribute("data-verdict") == "wrong" and says in out.inner_text(), junk
            assert errors == []
        finally:
            browser.close()


@pytest.mark.book
def test_the_books_answer_boxes_answer(built_book):
    html, _ = built_book
    manager, chromium = _browser()
    with manager as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            for name in CHECKERS:
                for folder in ("exercises", "solutions"):
                    page = browser.new_page()
                    page.goto((html / folder / f"{name}.html").as_uri())
                    assert page.locator(".cellseg-explorer").count() == 1, (folder, name)
                    _check_boxes(page, [name])
                    page.close()
        finally:
            browser.close()
