"""The kernel-free click annotator (_static/point-annotator.js) scores clicks as Python does.

The first test needs no book: it writes a page with one annotator over a small label image,
clicks in it with the mouse and the keyboard in Chromium, and compares the precision and
recall the page reports with ``cellseg_course.annotation.click_scores`` of the same points.
The second clicks the annotator of the built lesson page at its own reference centres.
"""

import asyncio
import json
import re
from pathlib import Path

import book_browser
import numpy as np
import pytest

from cellseg_course.annotation import click_scores, static_annotator

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "_static" / "point-annotator.js"
READOUT = re.compile(r"(\d+) points?: (\d+) on annotated nuclei, (\d+) repeated, (\d+) on background\. "
                     r"Precision (\d+) %, recall (\d+) % \((\d+) of (\d+) nuclei\)")


def _chromium():
    chromium = book_browser.find_chromium()
    if chromium is None:
        pytest.fail("no Chromium found (see tests/browser/book_browser.py)")
    return chromium


async def _session(url, actions):
    """Open ``url`` offline, run ``actions(page, canvas_box, data)``, return what it returns."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=_chromium(), args=book_browser.CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport=book_browser.DESKTOP)
            errors = []

            async def refuse(route):
                if book_browser.is_local(route.request.url):
                    await route.continue_()
                else:
                    errors.append(route.request.url)
                    await route.abort("blockedbyclient")

            await context.route("**/*", refuse)
            page = await context.new_page()
            page.on("console", lambda m: m.type == "error" and errors.append(m.text))
            page.on("pageerror", lambda e: errors.append(str(e)))
            await page.goto(url)
            root = page.locator(".cellseg-annotator").first
            await root.scroll_into_view_if_needed()
            box = await root.locator(".cellseg-annotator-canvas").bounding_box()
            data = json.loads(await root.locator("script[type='application/json']").text_content())
            result = await actions(page, root, box, data)
            return result, errors
        finally:
            await browser.close()


def _at(box, data, row, col):
    rows, cols = data["shape"]
    return box["x"] + (col + 0.5) / cols * box["width"], box["y"] + (row + 0.5) / rows * box["height"]


async def _readout(root):
    return await root.locator(".cellseg-annotator-readout").text_content()


def _numbers(text):
    match = READOUT.search(text)
    assert match, f"the readout does not say precision and recall: {text!r}"
    n, hits, repeats, background, precision, recall, found, total = map(int, match.groups())
    return {"n": n, "hits": hits, "repeats": repeats, "background": background,
            "precision": precision, "recall": recall, "found": found, "total": total}


def _expected(truth, points):
    s = click_scores(truth, points)
    return {"n": len(points), "hits": s["hits"], "repeats": s["repeats"], "background": s["background"],
            "precision": round(100 * s["precision"]), "recall": round(100 * s["recall"]),
            "found": s["hits"], "total": s["n_objects"]}


def test_the_page_scores_mouse_and_keyboard_points_as_click_scores_does(tmp_path):
    truth = np.zeros((30, 48), int)
    truth[3:12, 4:14] = 5  # ids need not be consecutive: the page renumbers them
    truth[15:27, 20:30] = 9
    truth[4:10, 34:44] = 12
    image = (truth > 0) * 100.0
    page = tmp_path / "annotator.html"
    page.write_text("<!doctype html><html lang='en'><head><title>annotator</title></head><body>"
                    + static_annotator(image, truth, name="test", width=480)._repr_html_()
                    + f"<script src='{SCRIPT.as_uri()}'></script></body></html>")
    clicks = [(7, 8), (8, 10), (1, 1), (20, 25)]  # a hit, the same nucleus again, background, a hit

    async def actions(page, root, box, data):
        before = await _readout(root)
        seen = []
        for row, col in clicks:
            await page.mouse.click(*_at(box, data, row, col))
            seen.append(await _readout(root))
        canvas = root.locator(".cellseg-annotator-canvas")
        await canvas.focus()
        for _ in range(10):  # from the centre (15, 24) ten pixels to the right: (15, 34), background
            await page.keyboard.press("ArrowRight")
        for _ in range(2):  # five pixels up each: (5, 34), inside id 12
            await page.keyboard.press("Shift+ArrowUp")
        await page.keyboard.press("Enter")
        seen.append(await _readout(root))
        await root.locator("[data-action=undo]").click()
        seen.append(await _readout(root))
        await root.locator("[data-action=clear]").click()
        return before, seen, await _readout(root)

    (before, seen, cleared), errors = asyncio.run(_session(page.as_uri(), actions))
    assert errors == []
    assert before.startswith("No points yet") and cleared.startswith("No points yet")
    points = clicks + [(5, 34)]
    for k, text in enumerate(seen[:5]):
        assert _numbers(text) == _expected(truth, points[: k + 1]), text
    assert _numbers(seen[5]) == _expected(truth, points[:4])  # undo removed the keyboard point
    assert _numbers(seen[4])["recall"] == 100 and _numbers(seen[4])["precision"] == 60


@pytest.mark.book
def test_the_lesson_reports_the_readers_precision_and_recall(built_book):
    html, _ = built_book
    url = (html / "lessons" / "making-a-reference.html").as_uri()

    async def actions(page, root, box, data):
        for row, col in data["centres"]:
            await page.mouse.click(*_at(box, data, round(row), round(col)))
        every = await _readout(root)
        await page.mouse.click(*_at(box, data, 0, 0))  # one more point, on a corner
        return data, every, await _readout(root)

    (data, every, extra), errors = asyncio.run(_session(url, actions))
    assert errors == []
    n = data["n"]
    assert n >= 10 and len(data["centres"]) == n
    assert _numbers(every) == {"n": n, "hits": n, "repeats": 0, "background": 0, "precision": 100,
                               "recall": 100, "found": n, "total": n}
    after = _numbers(extra)
    assert after["n"] == n + 1 and after["hits"] == n and after["precision"] == round(100 * n / (n + 1))
