"""The explorer check itself, on two small pages: one explorer that works, one that does not.

The book's explorers are checked in test_pages.py; this shows that the check tells a working
explorer (picture and number follow the slider) from a broken one (the number moves, the
picture does not), whatever the book contains today.
"""

import book_browser
import pytest
from book_browser import find_chromium

pytestmark = pytest.mark.browser

FRAME = ("data:image/svg+xml," "<svg xmlns='http://www.w3.org/2000/svg' width='8' height='8'>"
         "<rect width='8' height='8' fill='%23{}'/></svg>")
PAGE = """<!doctype html><html><body>
<div class="cellseg-explorer">
  <input type="range" name="threshold" min="0" max="2" step="1" value="0">
  <img alt="the mask at the chosen threshold" src="{first}">
  <span class="cellseg-explorer-readout">threshold 0: 3 cells</span>
</div>
<script>
  const box = document.querySelector('.cellseg-explorer');
  const frames = {frames};
  box.querySelector('input').addEventListener('input', (e) => {{
    const i = Number(e.target.value);
    {swap}
    box.querySelector('.cellseg-explorer-readout').textContent = 'threshold ' + i + ': ' + (3 + i) + ' cells';
  }});
</script></body></html>"""


def test_the_explorer_check_tells_a_working_explorer_from_a_broken_one(tmp_path):
    chromium = find_chromium()
    if chromium is None:
        pytest.fail("no Chromium found (see tests/browser/book_browser.py)")
    frames = [FRAME.format(c) for c in ("000000", "777777", "ffffff")]
    pages = {}
    for name, swap in (("working", "box.querySelector('img').src = frames[i];"), ("broken", "")):
        path = tmp_path / f"{name}.html"
        path.write_text(PAGE.format(first=frames[0], frames=frames, swap=swap))
        pages[name] = path.as_uri()
    results = book_browser.walk_book(chromium, pages)
    assert results["working"].explorers == 1 and results["working"].sliders == 1
    assert results["working"].explorer_problems == []
    assert results["broken"].explorer_problems == [
        "explorer 1, threshold: no position of it changes the picture"]
    assert results["working"].figure_problems == results["working"].console_errors == []
