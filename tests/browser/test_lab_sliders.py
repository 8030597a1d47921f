"""A slider exercise in JupyterLab, driven in Chromium as a learner would.

The exercise notebook runs top to bottom; its live slider moves (keyboard) and the picture and
the readout follow; then the answer cell, filled in, gets the checker's verdict: a right answer
is accepted, a wrong one explained, in the words of the Python checker.
"""

import shutil
from pathlib import Path

import lab
import pytest

from cellseg_course.checkers import sliders

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
NAME = "count-range"


def _accepted():
    """A right answer (two decimals, as on the slider), read from the rules the checker uses."""
    rule = next(r for r in sliders.SLIDER_EXERCISES[NAME].rules if r["ok"])
    low, high = rule["when"][0], rule["when"][1]
    return round(low[3], 2), round(high[2], 2)


def _set_answer_and_run(page, source):
    """Replace the answer cell (the one calling the checker) with ``source``, run it, return its output."""
    index = page.evaluate(
        """(source) => {
            const nb = window.jupyterapp.shell.currentWidget.content;
            const i = nb.widgets.findIndex(c => c.model.sharedModel.getSource().includes('check_count_range('));
            nb.widgets[i].model.sharedModel.setSource(source);
            nb.activeCellIndex = i;
            return i;
        }""", source)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-cell')")
    lab.wait_idle(page)
    output = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-OutputArea-output")
    output.first.wait_for()
    return output.first.inner_text().strip()


def test_a_slider_exercise_in_jupyterlab(tmp_path):
    if lab.book_browser.find_chromium() is None:
        pytest.fail("no Chromium found (see tests/browser/book_browser.py)")
    (tmp_path / "exercises").mkdir()
    shutil.copy(ROOT / "exercises" / f"{NAME}.ipynb", tmp_path / "exercises")
    with lab.Lab(tmp_path) as server, lab.browser() as page:
        lab.open_notebook(page, server, f"exercises/{NAME}.ipynb")
        lab.run_all(page)
        readout = page.locator(".cellseg-explorer-readout.widget-html")
        readout.wait_for()
        picture = page.locator(".jp-OutputArea-output img.widget-image").first
        before = (readout.inner_text(), picture.get_attribute("src"))
        assert "the image has" in before[0]  # the count and the true count, at the start value

        handle = page.locator(".widget-slider .noUi-handle").first
        handle.focus()
        for _ in range(30):  # 30 steps of 0.01 down: from the standard threshold into the merges
            handle.press("ArrowLeft")
        page.wait_for_function(
            "(old) => document.querySelector('.cellseg-explorer-readout.widget-html').innerText !== old",
            arg=before[0], timeout=10_000)
        after = (readout.inner_text(), picture.get_attribute("src"))
        assert after[0] != before[0] and after[1] != before[1], (before[0], after[0])

        low, high = _accepted()
        right = _set_answer_and_run(page, f"lowest = {low}\nhighest = {high}\ncheck_count_range(lowest, highest)")
        assert right == str(sliders.check_count_range(low, high)) and right.startswith("\u2714 Correct.")
        wrong = _set_answer_and_run(page, f"lowest = 0.06\nhighest = {high}\ncheck_count_range(lowest, highest)")
        sliders.LIVE.clear()  # the learner's kernel has a live slider; this process has none
        assert wrong.startswith(str(sliders.check_count_range(0.06, high))) and "they are not the cells" in wrong
        assert "(Your sliders now: threshold = 0.2;" in wrong  # the checker read the slider moved above
