"""Open every page of the built book in Chromium, as a reader would, and record what happens.

One browser, a few pages at a time (asyncio), each page in a fresh context (a first-time
reader: empty storage and cache). Each page is opened from the built files (``file://``, as
``python3 course.py build`` tells readers to open it) on a desktop screen (1280 x 900), where
its figures are loaded, its quizzes and explorers clicked through, its formulas checked and
on the first page of each part of the book (and the landing page), its sidebar collapsed and
restored; then the window is narrowed to a phone's (390 x 844) and its menus are opened and
closed. Every request that would leave the machine is refused and recorded. ``walk_book``
returns one :class:`PageResult` per page; the tests in ``test_pages.py`` assert on them."""

import asyncio
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import layout  # the learner-first measures (tests/browser/layout.py)
import accessibility  # axe-core's WCAG audits (tests/browser/accessibility.py)

#: Chromium: where it is looked for and what it starts with, as ``course.py check`` does
#: (cellseg_course/labcheck.py holds them, for both)
from cellseg_course.labcheck import CHROMIUM_ARGS, find_chromium  # noqa: F401 (the tests use both)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PARALLEL_PAGES = 4
TIMEOUT_MS = 20_000

LOCAL_SCHEMES = {"file", "data", "blob", "about"}
LOCAL_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1"}


def is_local(url):
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or (parts.hostname or "") in LOCAL_HOSTS


@dataclass
class PageResult:
    name: str
    console_errors: list = field(default_factory=list)
    external_requests: list = field(default_factory=list)
    math_elements: int = 0  # formulas in the HTML (span.math, div.math)
    formulas: int = 0  # formulas laid out by the browser (MathML)
    untypeset: list = field(default_factory=list)
    raw_tex: list = field(default_factory=list)
    figures: int = 0
    figure_problems: list = field(default_factory=list)
    quiz_questions: int = 0
    quiz_problems: list = field(default_factory=list)
    explorers: int = 0
    sliders: int = 0
    explorer_problems: list = field(default_factory=list)
    phone_menu_problems: list = field(default_factory=list)
    desktop_sidebar_problems: list = field(default_factory=list)
    sidebar_checked: bool = False  # the sidebar is collapsed on one page of each part
    search_results: int = -1  # results the search page lists (-1: not a search page)
    seconds: float = 0.0  # time the visit took
    accessibility: dict = field(default_factory=dict)  # axe-core audit -> its findings


# --------------------------------------------------------------------- in-page scripts

MATH_JS = r"""
async () => {
  // the book writes its formulas as MathML (cellseg_course/mathml.py): the browser lays them
  // out itself, no script; a formula is shown if its <math> is laid out as math and has a size
  const math = Array.from(document.querySelectorAll('.math'));
  const shown = el => {
    const m = el.querySelector('math');
    if (!m || m.querySelector('merror')) return false;
    const box = m.getBoundingClientRect();
    return getComputedStyle(m).display.includes('math') && box.width > 0 && box.height > 0;
  };
  const untypeset = math.filter(el => !shown(el)).map(el => el.textContent.trim().slice(0, 80));
  await document.fonts.ready;
  Array.from(document.fonts).filter(f => f.status === 'error')
       .forEach(f => untypeset.push(`font ${f.family} did not load`));
  // TeX left as text where a reader sees it (code may show TeX; a formula's TeX annotation
  // is not shown)
  const skip = 'pre, code, kbd, samp, script, style, textarea, annotation, .highlight';
  const tex = /\\[A-Za-z]{2,}|\\\(|\\\)|\\\[|\\\]|\$\$/;
  const raw = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) continue;
    const m = node.textContent.match(tex);
    if (m) {
      const i = Math.max(0, m.index - 30);
      raw.push(node.textContent.slice(i, m.index + 40).replace(/\s+/g, ' ').trim());
    }
  }
  return {math: math.length, formulas: math.filter(shown).length, untypeset, raw};
}
"""

FIGURES_JS = r"""
async () => {
  const imgs = Array.from(document.images);
  imgs.forEach(img => { img.loading = 'eager'; });
  await Promise.all(imgs.map(img => img.decode().catch(() => null)));
  return imgs.map(img => ({src: img.getAttribute('src') || '', alt: img.getAttribute('alt'),
                           width: img.naturalWidth}));
}
"""

# The words of an answer's feedback that are not TeX, to find them in what the page shows.
FEEDBACK_WORDS_JS = r"""
(label) => {
  const div = document.createElement('div');
  div.innerHTML = label.dataset.feedback || '';
  const text = div.textContent.replace(/\\\(.*?\\\)|\\\[.*?\\\]|\$[^$]*\$/g, '\u0000');
  const runs = text.split('\u0000').map(s => s.replace(/\s+/g, ' ').trim());
  runs.sort((a, b) => b.length - a.length);
  return (runs[0] || '').slice(0, 40);
}
"""

EXPLORER_STATE_JS = r"""
(box) => ({
  pictures: Array.from(box.querySelectorAll('img')).map(img => img.currentSrc || img.src),
  loaded: Array.from(box.querySelectorAll('img')).every(img => img.complete && img.naturalWidth > 0),
  numbers: Array.from(box.querySelectorAll('.cellseg-explorer-readout'))
                .map(el => el.textContent.replace(/\s+/g, ' ').trim()).join(' | '),
})
"""


def _alt_problem(src, alt):
    if alt is None or not alt.strip():
        return "no alt text"
    alt = alt.strip()
    name = src.rsplit("/", 1)[-1]
    if alt in (src, name) or re.fullmatch(r"\S+\.(png|jpe?g|gif|svg|webp)", alt, re.I):
        return "alt text is the file name"
    return None


# --------------------------------------------------------------------- one page

async def _open(context, url, result):
    page = await context.new_page()
    page.on("console", lambda m: result.console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: result.console_errors.append(f"uncaught {e}"))
    page.on("request", lambda r: None if is_local(r.url) else result.external_requests.append(r.url))
    page.on("websocket", lambda ws: result.external_requests.append(ws.url))
    layout.record_requests(page, result)
    await page.goto(url, wait_until="load")
    return page


async def _check_quizzes(page, result):
    quizzes = page.locator(".Quiz")
    n = await quizzes.count()
    result.quiz_questions = n
    for i in range(n):
        quiz = quizzes.nth(i)
        feedback = quiz.locator(".Feedback")
        wrong = quiz.locator('label.MCButton[data-correct="false"]')
        right = quiz.locator('label.MCButton[data-correct="true"]')
        if await right.count() != 1 or await wrong.count() < 1:
            result.quiz_problems.append(
                f"question {i + 1}: {await right.count()} right and {await wrong.count()} wrong answers")
            continue
        for kind, label, cls in (("wrong", wrong.first, "incorrect"), ("right", right, "correct")):
            await label.click()
            classes = (await feedback.get_attribute("class") or "").split()
            shown = " ".join((await feedback.text_content() or "").split())
            words = await label.evaluate(FEEDBACK_WORDS_JS)
            if cls not in classes:
                result.quiz_problems.append(f"question {i + 1}: a {kind} answer shows feedback {classes}")
            if not shown or words not in shown:
                result.quiz_problems.append(
                    f"question {i + 1}: the {kind} answer's feedback ({words!r}) is not shown ({shown[:80]!r})")


async def _check_explorers(page, result):
    boxes = page.locator(".cellseg-explorer")
    result.explorers = await boxes.count()
    for b in range(result.explorers):
        box = boxes.nth(b)
        sliders = box.locator('input[type="range"]')
        n = await sliders.count()
        result.sliders += n
        if n == 0:
            result.explorer_problems.append(f"explorer {b + 1}: no slider")
        if await box.locator("img").count() == 0:
            result.explorer_problems.append(f"explorer {b + 1}: no picture (img)")
        if await box.locator(".cellseg-explorer-readout").count() == 0:
            result.explorer_problems.append(f"explorer {b + 1}: no number shown (.cellseg-explorer-readout)")
        start = [await sliders.nth(s).input_value() for s in range(n)]
        for s in range(n):
            slider = sliders.nth(s)
            name = await slider.get_attribute("name") or await slider.get_attribute("id") or f"slider {s + 1}"
            for other in range(n):  # every slider from where the page starts it, the others there too
                await sliders.nth(other).evaluate(
                    "(el, v) => { if (el.value !== v) { el.value = v;"
                    " el.dispatchEvent(new Event('input', {bubbles: true})); } }", start[other])
            await _settle(page, box, await box.evaluate(EXPLORER_STATE_JS), timeout=0.3)
            before = await box.evaluate(EXPLORER_STATE_JS)
            after, numbers_moved = await _move_until_the_picture_changes(page, box, slider, before)
            where = f"explorer {b + 1}, {name}"
            if after["pictures"] == before["pictures"]:
                result.explorer_problems.append(f"{where}: no position of it changes the picture")
            elif not after["loaded"]:
                result.explorer_problems.append(f"{where}: the new picture does not load")
            if not numbers_moved:
                result.explorer_problems.append(
                    f"{where}: moving it does not change the number shown ({before['numbers']!r})")


async def _move_until_the_picture_changes(page, box, slider, before):
    """Move a slider to its far end, then step back along it, until the picture changes.

    At some settings a slider legitimately changes nothing (a size filter on an empty mask),
    so each slider gets every position before the test says it is dead.
    """
    at_max = await slider.evaluate("el => Number(el.value) >= Number(el.max || 100)")
    positions = await slider.evaluate("el => Math.round((Number(el.max) - Number(el.min)) / Number(el.step || 1))")
    await slider.focus()
    keys = ["Home" if at_max else "End"] + ["ArrowRight" if at_max else "ArrowLeft"] * max(int(positions), 0)
    after, numbers_moved = before, False
    for key in keys:
        await page.keyboard.press(key)
        after = await _settle(page, box, before, timeout=0.5 if key.startswith("Arrow") else 2.0)
        numbers_moved = numbers_moved or after["numbers"] != before["numbers"]
        if after["pictures"] != before["pictures"]:
            break
    return after, numbers_moved


async def _settle(page, box, before, timeout=2.0, step=0.05):
    """The explorer's state once its picture changed and loaded (or after ``timeout`` s)."""
    state = before
    for _ in range(int(timeout / step)):
        state = await box.evaluate(EXPLORER_STATE_JS)
        if state["pictures"] != before["pictures"] and state["loaded"]:
            return state
        await asyncio.sleep(step)
    return state


async def _check_desktop_sidebar(page, result):
    toggle = page.locator("button.primary-toggle:visible")
    if await toggle.count() == 0:
        result.desktop_sidebar_problems.append("no visible contents (sidebar) button")
        return
    visibility = "() => getComputedStyle(document.getElementById('pst-primary-sidebar')).visibility"
    for want in ("hidden", "visible"):
        await toggle.first.click()
        try:  # the sidebar slides away (or back) in a quarter of a second
            await page.wait_for_function(f"() => ({visibility})() === '{want}'", timeout=5000)
        except Exception:
            result.desktop_sidebar_problems.append(
                f"a click on the contents button leaves the sidebar {await page.evaluate(visibility)}"
                f" (wanted {want})")
            return


async def _check_figures(page, result):
    figures = await page.evaluate(FIGURES_JS)
    result.figures = len(figures)
    for fig in figures:
        name = fig["src"].rsplit("/", 1)[-1][:40]
        if fig["width"] == 0:
            result.figure_problems.append(f"{name}: not loaded")
        problem = _alt_problem(fig["src"], fig["alt"])
        if problem:
            result.figure_problems.append(f"{name}: {problem}")


async def _check_math(page, result):
    # jupyterquiz typesets its questions 500 ms after the page starts: look after that
    await page.wait_for_function("() => performance.now() > 800")
    math = await page.evaluate(MATH_JS)
    result.math_elements, result.formulas = math["math"], math["formulas"]
    result.untypeset, result.raw_tex = math["untypeset"], math["raw"]


async def _check_phone_menus(page, result):
    problems = result.phone_menu_problems
    for selector, dialog, what in (
        ("button.primary-toggle:visible", "#pst-primary-sidebar-modal", "contents menu"),
        ("button.secondary-toggle:visible", "#pst-secondary-sidebar-modal", "'on this page' menu"),
    ):
        button = page.locator(selector)
        if await button.count() == 0:
            if what == "contents menu":
                problems.append("no visible contents (hamburger) button")
            continue
        await button.first.click()
        try:
            await page.wait_for_selector(f"{dialog}[open]", timeout=5000)
        except Exception:
            problems.append(f"a tap on the button does not open the {what}")
            continue
        if await page.locator(f"{dialog} a:visible").count() == 0:
            problems.append(f"the {what} opens empty")
        await page.keyboard.press("Escape")
        try:
            await page.wait_for_selector(f"{dialog}:not([open])", state="attached", timeout=5000)
        except Exception:
            problems.append(f"Escape does not close the {what}")


async def _check_search(page, result):
    if await page.locator("#search-results").count() == 0:
        return
    try:
        await page.wait_for_function(
            "() => /finished|did not match/.test(document.querySelector('#search-results').innerText)",
            timeout=10_000)
    except Exception:
        result.console_errors.append("the search did not finish in 10 s")
    result.search_results = await page.locator("#search-results li").count()


async def visit(context, url, result, *, sidebar=True):
    """Read one page on a desktop screen, click through it, then narrow it to a phone's.

    With ``sidebar`` the desktop sidebar is also collapsed and restored (the same theme and
    script on every page: ``walk_book`` does it on the first page of each part).
    """
    page = await _open(context, url, result)
    try:
        await _check_search(page, result)
        await _check_figures(page, result)
        await layout.measure_desktop(page, result)
        await _check_quizzes(page, result)
        await _check_explorers(page, result)
        await _check_math(page, result)  # after the clicks: the feedback shown is laid out too
        await accessibility.audit_desktop(page, result)  # typeset, answers open, sliders moved
        if sidebar:
            await _check_desktop_sidebar(page, result)
            result.sidebar_checked = True
        await page.set_viewport_size(PHONE)
        await layout.measure_phone(page, result)
        await accessibility.audit_phone(page, result)
        await _check_phone_menus(page, result)
    finally:
        await page.close()


# --------------------------------------------------------------------- the whole book

async def _walk(chromium, pages):
    from playwright.async_api import async_playwright  # a course dependency (pyproject.toml)

    results = {name: PageResult(name) for name in pages}
    gate = asyncio.Semaphore(PARALLEL_PAGES)
    firsts = {}  # part (the folder: book, lessons, ...) -> its first page
    for name in pages:
        firsts.setdefault(name.rsplit("/", 1)[0] if "/" in name else name, name)

    async def refuse_the_network(route):
        if is_local(route.request.url):
            await route.continue_()
        else:
            await route.abort("blockedbyclient")

    async with async_playwright() as p:
        # launch() starts Chromium with a fresh, empty profile (user-data-dir) of its own
        browser = await p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            async def one(name, url):
                async with gate:
                    start = time.perf_counter()
                    # a fresh context per page: a first-time reader (empty storage, no cache)
                    context = await browser.new_context(viewport=DESKTOP, service_workers="block")
                    context.set_default_timeout(TIMEOUT_MS)
                    await context.route("**/*", refuse_the_network)
                    try:
                        await visit(context, url, results[name], sidebar=name in firsts.values())
                    except Exception as error:  # a page that cannot be read is a failure
                        results[name].console_errors.append(f"{type(error).__name__}: {error}")
                    finally:
                        await context.close()
                    results[name].seconds = round(time.perf_counter() - start, 2)

            await asyncio.gather(*(one(name, url) for name, url in pages.items()))
        finally:
            await browser.close()
    return results


def walk_book(chromium, pages):
    """Visit ``pages`` (a dict: page name -> URL) in Chromium; return name -> PageResult."""
    return asyncio.run(_walk(chromium, pages))


def summary(results):
    """A table, one line per page: what the walk found, and the page's layout (weight in KB,
    the longest shown code line, code cells or outputs overflowing at 1280 px, the smallest
    figure text at 390 px in CSS px, build machinery lines shown)."""
    lines = [f"{'page':38} {'formulas':>8} {'external':>8} {'figures':>7} {'quiz Qs':>7} "
             f"{'explorers':>9} {'sliders':>7} {'errors':>6} {'seconds':>7} {'KB':>6} {'line':>4} "
             f"{'over':>4} {'fig px':>6} {'mach':>4}"]
    for r in results.values():
        layout = getattr(r, "layout", None) or {}
        sizes = [f["smallest"] for f in layout.get("phone_figures", []) if f.get("smallest") is not None]
        lines.append(
            f"{r.name:38} {r.formulas:>3}/{r.math_elements:<4} {len(r.external_requests):>8} "
            f"{r.figures:>7} {r.quiz_questions:>7} {r.explorers:>9} {r.sliders:>7} "
            f"{len(r.console_errors):>6} {r.seconds:>7.1f} {layout.get('weight', 0) / 1000:>6.0f} "
            f"{layout.get('longest_line', 0):>4} {len(layout.get('overflowing', [])):>4} "
            f"{min(sizes) if sizes else float('nan'):>6.1f} {len(layout.get('machinery', [])):>4}")
    return "\n".join(lines)
