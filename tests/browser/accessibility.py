"""WCAG 2.1 A/AA audits with axe-core, run by the browser walk (``book_browser.visit``).

axe-core (Deque's rules engine, vendored in ``vendor/axe-core/``, MPL-2.0) is injected into
the page and run twice, once the walk has opened quiz answers (their feedback and coloured
buttons exist only after a click), moved the explorers' sliders and MathJax has typeset the
page: at desktop width, every rule (every other question showing a wrong answer, the others
the right one), and at phone width the rules that depend on the width (colour contrast,
most of an audit's time, does not: the phone styles change no colour). Each audit's
violations are recorded in the page's ``PageResult.accessibility`` (a dict: the audit's
name -> a list of :class:`Finding`); ``test_accessibility.py`` fails on any that ``ALLOWED`` does not list.

Each audit takes a second or more on a long lesson (axe's colour-contrast rule is most of
it): the two per page nearly double the CPU time of the walk (measured: 70 s of browser CPU
without them, 130 s with them, for the 40 pages). Leaving out parts of the page (axe's
``exclude``) makes an audit slower, not faster, so every audit looks at the whole page.
"""

import re
from dataclasses import dataclass
from pathlib import Path

AXE_JS = Path(__file__).with_name("vendor") / "axe-core" / "axe.min.js"

#: The success criteria checked: WCAG 2.0 and 2.1, levels A and AA (axe's tags).
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")

#: Findings that are not the course's to fix: (rule id, regular expression searched in the
#: element's CSS selector, why). Every entry names the upstream issue or says exactly why
#: the course cannot fix it. Keep it empty where possible; add an entry only with its reason.
ALLOWED = [
    # (empty: every finding so far was fixable from the course's _static/ files,
    #  its Sphinx extension or its notebooks)
]


@dataclass(frozen=True)
class Finding:
    stage: str  # desktop, quiz (wrong answer), quiz (right answer), explorer, phone
    rule: str  # axe's rule id, e.g. color-contrast
    impact: str
    target: str  # CSS selector of the element
    html: str  # the element's markup (shortened)
    summary: str  # what axe says is wrong

    def __str__(self):
        return f"[{self.stage}] {self.rule} at {self.target}: {self.summary[:160]}"


def allowed(finding, allow_list=None):
    """True if ``finding`` is listed in ``ALLOWED`` (or in ``allow_list``)."""
    return any(rule == finding.rule and re.search(pattern, finding.target)
               for rule, pattern, _ in (ALLOWED if allow_list is None else allow_list))


# axe.run with only the WCAG 2.x A/AA rules. Rules axe marks "experimental" (such as
# label-content-name-mismatch, WCAG 2.5.3) are off unless named, so the rules are named one
# by one: every rule carrying one of the tags, experimental or not.
RUN_JS = r"""
async ([tags, skip]) => {
  const rules = axe.getRules(tags).map(r => r.ruleId).filter(r => !skip.includes(r));
  // the quiz buttons' colour animations jump to their end: axe measures the colours shown
  document.getAnimations().forEach(a => {
    if (Number.isFinite(a.effect && a.effect.getComputedTiming().endTime)) a.finish(); });
  // preload: false, or axe fetches every style sheet again (refused from file://: console errors)
  const result = await axe.run(document, {runOnly: {type: 'rule', values: rules},
                                         resultTypes: ['violations'], preload: false});
  return result.violations.flatMap(v => v.nodes.map(n => ({
    rule: v.id, impact: v.impact || '', target: n.target.join(' '),
    html: n.html.slice(0, 200), summary: (n.failureSummary || v.help).replace(/\s+/g, ' ')})));
}
"""

# pydata-sphinx-theme makes every region that scrolls sideways focusable (tabindex 0), so
# that a keyboard can scroll it, 300 ms after the window is resized: wait for it (up to 2 s)
# after narrowing the page, as a reader's phone loads the page narrow.
SCROLLABLE_FOCUSABLE_JS = r"""
() => Array.from(document.querySelectorAll(
    'pre, .nboutput > .output_area, .cell_output > .output, .jp-RenderedHTMLCommon, '
    + '.pst-scrollable-table-container'))
  .every(el => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight
               || el.tabIndex === 0)
"""

_source = None


#: Rules whose outcome does not depend on the width of the window, run at desktop width only.
#: Colour contrast is most of an audit's time; the course's style sheets change sizes and
#: layout for phones, never colours (``test_phone_styles_keep_colours`` checks that).
WIDTH_INDEPENDENT = ("color-contrast",)


async def audit(page, result, stage, *, skip=()):
    """Run axe on ``page`` and record its findings as ``result.accessibility[stage]``."""
    global _source
    if _source is None:
        _source = AXE_JS.read_text(encoding="utf-8")
    if not await page.evaluate("() => typeof window.axe === 'object'"):
        await page.evaluate(_source)
    found = await page.evaluate(RUN_JS, [list(TAGS), list(skip)])
    result.accessibility[stage] = [Finding(stage=stage, **f) for f in found]


async def audit_desktop(page, result):
    """Audit at desktop width, its quizzes answered and sliders moved.

    The walk has clicked every question's wrong and then its right answer and moved every
    slider. Here every other question is given a wrong answer again, so that this audit sees
    both kinds of feedback and of coloured answer button.
    """
    await page.evaluate(
        "() => document.querySelectorAll('.Quiz .Answer').forEach((answers, i) => {"
        " const wrong = answers.querySelector('label.MCButton[data-correct=\"false\"]');"
        " if (i % 2 === 0 && wrong) wrong.click(); })")
    await audit(page, result, "desktop")


async def audit_phone(page, result):
    """Audit the page narrowed to a phone's width: the rules that depend on the width."""
    try:
        await page.wait_for_function(SCROLLABLE_FOCUSABLE_JS, timeout=2000)
    except Exception:
        pass  # then axe reports the regions a keyboard cannot scroll
    await audit(page, result, "phone", skip=WIDTH_INDEPENDENT)


def count_by_rule(results, allow_list=()):
    """{rule: number of findings} over the pages of a walk, without the allowed ones."""
    counts = {}
    for r in results.values():
        for f in (f for found in r.accessibility.values() for f in found):
            if not allowed(f, allow_list):
                counts[f.rule] = counts.get(f.rule, 0) + 1
    return dict(sorted(counts.items()))
