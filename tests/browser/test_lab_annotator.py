"""The click annotator in JupyterLab (an anywidget), driven in Chromium with no network.

A two-cell notebook shows ``point_annotator`` on a small image; three clicks on the picture
draw three markers in the browser, and the kernel then holds exactly those three
``(row, col)`` points, with a time for each click.
"""

import json

import lab
import pytest

# JupyterLab in Chromium: once per test command, in step 2, beside the book's build
pytestmark = [pytest.mark.browser, pytest.mark.book, pytest.mark.own_build, pytest.mark.lab]

WAIT_MS = 60_000  # a busy machine (the whole test run) can take its time
CLICKS = [(16, 16), (32, 48), (60, 4)]  # (row, col) pixels of the 64 x 64 image
NOTEBOOK = {
    "cells": [
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "import numpy as np\nfrom cellseg_course.annotation import point_annotator\n"
                   "w = point_annotator(np.random.default_rng(0).uniform(size=(64, 64)), width=320)\nw"},
        {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
         "source": "print(w.points, len(w.seconds))"},
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def test_clicks_on_the_widget_reach_the_kernel(tmp_path):
    if lab.book_browser.find_chromium() is None:
        pytest.fail("no Chromium found (see tests/browser/book_browser.py)")
    (tmp_path / "annotate.ipynb").write_text(json.dumps(NOTEBOOK))
    with lab.Lab(tmp_path) as server, lab.browser() as page:
        lab.open_notebook(page, server, "annotate.ipynb")
        lab.run_all(page)
        picture = page.locator(".jp-OutputArea-output img[src^='data:image/png']").first
        picture.wait_for(timeout=WAIT_MS)
        box = picture.bounding_box()
        for row, col in CLICKS:
            page.mouse.click(box["x"] + (col + 0.5) / 64 * box["width"], box["y"] + (row + 0.5) / 64 * box["height"])
        page.wait_for_function("() => document.querySelectorAll('.jp-OutputArea-output svg circle').length === 3",
                               timeout=WAIT_MS)
        # ipywidgets keeps one message to the kernel in flight and sends later clicks when the
        # kernel next turns idle, so a cell run at once can still see fewer points: run it again
        # (a learner reading the picture first never notices) until the third point has arrived.
        cell = page.locator(".jp-Notebook .jp-Cell").nth(1)
        for run in range(3, 3 + 10):  # runs 1 and 2 were the "run all"
            page.evaluate("""() => {
                const nb = window.jupyterapp.shell.currentWidget.content;
                nb.activeCellIndex = 1;
                window.jupyterapp.commands.execute('notebook:run-cell');
            }""")
            page.wait_for_function("([n]) => document.querySelectorAll('.jp-Notebook .jp-Cell')[1]"
                                   ".innerText.includes(`[${n}]:`)", arg=[run], timeout=WAIT_MS)
            lab.wait_idle(page, WAIT_MS)
            printed = cell.locator(".jp-OutputArea-output").first.inner_text().strip()
            if printed.endswith("]] 3"):
                break
            page.wait_for_timeout(500)
        assert printed == f"{[list(c) for c in CLICKS]} 3"
