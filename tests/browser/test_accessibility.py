"""Every page accessible (WCAG 2.1 A and AA), with a keyboard and with a screen reader.

axe-core audits every page in the walk (``accessibility.py``, hooked into
``book_browser.visit``) at desktop and at phone width, after quiz answers were opened and
sliders moved. The other tests here open a few pages of the built book themselves and use
them as a keyboard user and a screen reader would.
"""

import asyncio
import re
from collections import Counter

import accessibility
import book_browser
import pytest

pytestmark = pytest.mark.browser

STAGES = ("desktop", "phone")  # the audits of every page (accessibility.py)


# ------------------------------------------------------------------ axe on every page


@pytest.mark.book
def test_every_page_meets_wcag_21_aa(walk):
    missing = {n: sorted(set(STAGES) - set(r.accessibility)) for n, r in walk.items()
               if not set(STAGES) <= set(r.accessibility)}
    assert not missing, f"pages axe-core did not audit: {missing}"
    found = {n: [f for fs in r.accessibility.values() for f in fs if not accessibility.allowed(f)]
             for n, r in walk.items()}
    found = {n: fs for n, fs in found.items() if fs}
    per_rule = Counter(f.rule for fs in found.values() for f in fs)
    assert not found, (f"WCAG 2.1 A/AA violations per rule: {dict(per_rule)}\n"
                       + "\n".join(f"{n} ({len(fs)}): " + "; ".join(map(str, fs[:3]))
                                   for n, fs in found.items()))


def test_phone_styles_keep_colours():
    """The phone audit skips colour contrast (``accessibility.WIDTH_INDEPENDENT``): that holds
    only while no width-dependent style of the course's sheets sets a colour."""
    root = accessibility.AXE_JS.parents[4]
    sheets = sorted((root / "_static").glob("*.css"))
    assert sheets, "no style sheets found in _static/"
    for sheet in sheets:
        css = re.sub(r"/\*.*?\*/", "", sheet.read_text(encoding="utf-8"), flags=re.S)
        for match in re.finditer(r"@media[^{]*\{", css):
            depth, end = 1, match.end()
            while depth:
                depth += {"{": 1, "}": -1}.get(css[end], 0)
                end += 1
            block = css[match.end():end]
            colours = re.findall(r"(?<![-\w])(?:color|background(?:-color)?|border(?:-\w+)?-color|"
                                 r"fill|stroke|opacity)\s*:", block)
            assert not colours, f"{sheet.name}: {match.group(0)} sets {colours}: audit phones' contrast too"


def test_every_allowed_finding_says_why():
    for rule, pattern, why in accessibility.ALLOWED:
        assert rule and pattern and len(why.split()) >= 8, (rule, pattern, why)


DOT = "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'/>"


def _page(tmp_path, name, body):
    path = tmp_path / f"{name}.html"
    path.write_text(f"<!doctype html><html lang='en'><head><title>{name}</title></head>"
                    f"<body><main><h1>{name}</h1>{body}</main></body></html>")
    return path.as_uri()


def test_the_audit_finds_violations_and_their_fixes_pass(tmp_path):
    """The audit is not blind: a page with known faults fails, the same page fixed passes."""
    chromium = book_browser.find_chromium()
    if chromium is None:
        pytest.fail("no Chromium found (see tests/browser/book_browser.py)")
    bad = (f"<p style='color:#777'>grey text</p><img src=\"{DOT}\">"
           "<button aria-label='Search'>Search Ctrl+K</button>"  # 2.5.3, an 'experimental' rule
           "<div role='list'><div role='doc-biblioentry'>an entry</div></div>")
    good = (f"<p style='color:#595959'>grey text</p><img src=\"{DOT}\" alt='a dot'>"
            "<button>Search Ctrl+K</button><div role='list'><div role='listitem'>an entry</div></div>")
    pages = {"bad": _page(tmp_path, "bad", bad), "good": _page(tmp_path, "good", good)}
    results = book_browser.walk_book(chromium, pages)
    rules = {f.rule for fs in results["bad"].accessibility.values() for f in fs}
    assert {"color-contrast", "image-alt", "label-content-name-mismatch",
            "aria-deprecated-role"} <= rules, rules
    assert set(results["bad"].accessibility) == set(STAGES)
    assert results["good"].accessibility == {stage: [] for stage in STAGES}
    assert results["good"].console_errors == results["bad"].console_errors == []


# ------------------------------------------------------------------ keyboard and screen reader


def _run(chromium, urls, check):
    """Open each of ``urls`` in one Chromium at desktop size; ``await check(page, cdp)`` each."""
    from playwright.async_api import async_playwright

    async def main():
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=chromium, args=book_browser.CHROMIUM_ARGS)
            results = []
            try:
                for url in urls:
                    context = await browser.new_context(viewport=book_browser.DESKTOP)
                    context.set_default_timeout(book_browser.TIMEOUT_MS)
                    page = await context.new_page()
                    await page.goto(url, wait_until="load")
                    results.append(await check(page, await context.new_cdp_session(page)))
                    await context.close()
            finally:
                await browser.close()
            return results

    return asyncio.run(main())


@pytest.fixture(scope="module")
def chromium():
    path = book_browser.find_chromium()
    if path is None:
        pytest.fail("no Chromium found (see tests/browser/book_browser.py)")
    return path


def _pages_with(root, book_pages, call):
    """The pages of the book whose source calls ``call`` (show_quiz, static_explorer)."""
    pattern = re.compile(rf"^[\w\s=]*{call}\(", re.M)
    names = sorted(name for name in book_pages if (root / f"{name}.md").is_file()
                   and pattern.search((root / f"{name}.md").read_text(encoding="utf-8")))
    assert names, f"no page of the book calls {call}"
    return names


QUIZ_STATE_JS = """q => ({
  focused: document.activeElement && document.activeElement.id,
  checked: Array.from(q.querySelectorAll('input[type=radio]')).filter(r => r.checked).length,
  feedback: q.querySelector('.Feedback').textContent.trim(),
  live: q.querySelector('.Feedback').getAttribute('aria-live'),
  classes: q.querySelector('.Feedback').className})"""


@pytest.mark.book
def test_quizzes_answer_on_enter_and_space_not_on_arrow_keys(root, book_pages, chromium):
    name = _pages_with(root, book_pages, "show_quiz")[0]

    async def check(page, cdp):
        quizzes = page.locator(".Quiz")
        assert await quizzes.count() >= 2
        for i, key in enumerate(("Enter", " ")):
            quiz = quizzes.nth(i)
            radios = quiz.locator("input[type=radio]")
            await radios.first.focus()
            for arrow in ("ArrowDown", "ArrowRight", "ArrowUp"):
                await page.keyboard.press(arrow)
            state = await quiz.evaluate(QUIZ_STATE_JS)
            assert state["checked"] == 0 and state["feedback"] == "", f"{arrow} answered: {state}"
            assert state["focused"] == await radios.nth(1).get_attribute("id"), state
            assert state["live"] == "polite", "the feedback is not a live region"
            await page.keyboard.press(key)
            state = await quiz.evaluate(QUIZ_STATE_JS)
            assert state["checked"] == 1 and state["feedback"], f"{key!r} did not answer: {state}"
            assert {"correct", "incorrect"} & set(state["classes"].split()), state

    _run(chromium, [book_pages[name]], check)


SKIP_STATE_JS = """() => {
  const el = document.activeElement;
  return {tag: el.tagName, href: el.getAttribute('href'), text: el.textContent.trim(),
          explorer: (el.closest('.cellseg-explorer') || {}).id || null};
}"""


# every element the Tab key reaches, focused as a keyboard would (focusVisible), with what
# shows the focus: an outline, a box shadow, or a change of border or background colour
FOCUS_RINGS_JS = r"""() => {
  const look = el => { const s = getComputedStyle(el);
    return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1
                     && !/rgba\(.*, 0\)$/.test(s.outlineColor) ? s.outlineColor : '',
            shadow: s.boxShadow, border: s.borderColor, background: s.backgroundColor}; };
  const controls = Array.from(document.querySelectorAll(
      'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])'))
    .filter(el => el.tabIndex >= 0 && !el.disabled);
  const missing = [];
  let checked = 0;
  for (const el of controls) {
    // a visually hidden control (a quiz answer's radio button) shows the focus on its label
    const shown = el.classList.contains('sr-only') ? el.closest('label') : el;
    if (!shown || !shown.checkVisibility({visibilityProperty: true}) ) continue;
    if (shown.getBoundingClientRect().width === 0) continue;
    el.blur();
    const before = look(shown);
    el.focus({focusVisible: true, preventScroll: true});
    if (document.activeElement !== el) continue;
    const after = look(shown);
    checked++;
    if (!after.outline && after.shadow === before.shadow && after.border === before.border
        && after.background === before.background) {
      missing.push(el.outerHTML.slice(0, 120));
    }
  }
  return {checked, missing};
}"""


@pytest.mark.book
def test_every_control_shows_the_keyboard_focus(root, book_pages, chromium):
    names = {_pages_with(root, book_pages, call)[0] for call in ("show_quiz", "static_explorer")}

    async def check(page, cdp):
        await page.keyboard.press("Tab")  # the page is now used with the keyboard
        return await page.evaluate(FOCUS_RINGS_JS)

    for name, result in zip(sorted(names), _run(chromium, [book_pages[n] for n in sorted(names)], check)):
        assert result["checked"] > 20, (name, result)
        assert not result["missing"], f"{name}: no visible focus on {result['missing'][:5]}"


async def _ax_node(cdp, selector):
    """The accessibility-tree node (Chromium's, as a screen reader gets it) of ``selector``."""
    document = await cdp.send("DOM.getDocument", {"depth": 0})
    node = await cdp.send("DOM.querySelector", {"nodeId": document["root"]["nodeId"], "selector": selector})
    tree = await cdp.send("Accessibility.getPartialAXTree",
                          {"nodeId": node["nodeId"], "fetchRelatives": False})
    ax = tree["nodes"][0]
    return {"role": ax.get("role", {}).get("value"), "name": ax.get("name", {}).get("value", ""),
            **{p["name"]: p["value"].get("value") for p in ax.get("properties", [])}}


@pytest.mark.book
def test_explorers_by_keyboard_and_screen_reader(root, book_pages, chromium):
    """From the top of the page, a skip link reaches each explorer in a few Tab presses; a
    slider moved with the keyboard changes the readout (a polite live region, announced in
    words) and the picture's alt text, as Chromium's accessibility tree gives them."""
    pages = _pages_with(root, book_pages, "static_explorer")

    async def tab_to_explorer(page, box, most):
        for n in range(1, most + 1):
            await page.keyboard.press("Tab")
            if (await page.evaluate(SKIP_STATE_JS))["href"] == f"#{box}":
                await page.keyboard.press("Enter")
                state = await page.evaluate(SKIP_STATE_JS)
                assert state["tag"] == "INPUT" and state["explorer"] == box, state
                return n + 1
        raise AssertionError(f"no skip link to {box} in the first {most} Tab presses")

    async def check(page, cdp):
        await cdp.send("Accessibility.enable")
        boxes = await page.eval_on_selector_all(".cellseg-explorer", "els => els.map(e => e.id)")
        presses = {}
        for k, box in enumerate(boxes):
            if k:  # from the top of the page again
                await page.reload(wait_until="load")
            # the theme's "Skip to main content", then one link per explorer
            presses[box] = await tab_to_explorer(page, box, most=len(boxes) + 1)
            group = await _ax_node(cdp, f"#{box}")
            assert group["role"] == "group" and group["name"].startswith("explorer of"), group
            slider = f"#{box} input[type=range]"
            slider_ax = await _ax_node(cdp, slider)
            assert slider_ax["role"] == "slider" and slider_ax["name"] and slider_ax["focused"], slider_ax
            readout, picture = f"#{box} .cellseg-explorer-readout", f"#{box} img"
            before = (await _ax_node(cdp, readout), await _ax_node(cdp, picture),
                      await page.text_content(readout))
            assert before[0]["live"] == "polite" and before[0]["atomic"] is True, before[0]
            at_start = await page.locator(slider).first.input_value() == "0"
            await page.keyboard.press("End" if at_start else "Home")
            value = await page.locator(slider).first.get_attribute("aria-valuetext")
            after = (await _ax_node(cdp, readout), await _ax_node(cdp, picture),
                     await page.text_content(readout))
            assert after[0]["live"] == "polite", after[0]
            assert after[2] != before[2] and value in after[2], (box, value, before[2], after[2])
            assert after[1]["role"] == "image" and after[1]["name"] != before[1]["name"], (box, after[1])
        return presses

    for name, presses in zip(pages, _run(chromium, [book_pages[n] for n in pages], check)):
        assert presses, f"{name}: no explorer found"
        assert max(presses.values()) <= len(presses) + 2, (name, presses)
