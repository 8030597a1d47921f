/*
 * Keyboard and screen-reader fixes for the book (WCAG 2.1 AA; tests/browser/ checks them
 * with axe-core and with the keyboard).
 *
 * 1. Quizzes (jupyterquiz draws each answer as a hidden radio button in a label): a radio
 *    group checks an option as soon as the arrow keys reach it, and jupyterquiz answers on
 *    that click, so browsing the options answered the question. Here the arrow keys only
 *    move the focus between the answers; Enter or Space answers. The feedback is a polite
 *    live region, so that a screen reader reads it once an answer is chosen.
 * 2. Explorers: a "Skip to the explorer" link for each explorer on the page joins the
 *    theme's "Skip to main content" link (the first thing Tab reaches); it moves the focus
 *    to the explorer's first slider.
 * 3. The theme's search buttons are named "Search" but show "Search Ctrl+K" (WCAG 2.5.3,
 *    label in name): their name is taken from what they show; the colour-mode button's
 *    icons carry titles ("Light", "Dark") that are not its name: they lose their titles
 *    and are hidden from assistive technology, the button keeps its name "Color mode".
 * 4. Toggles without a name: the sidebar's arrow that opens a lesson's exercises (a bare
 *    <summary> with an icon) is named after its entry ("Exercises of ..."), and the
 *    "Toggle hidden content" name of a folded code cell gives way to the text it shows
 *    ("Show the live explorer's code"), so that what is seen is what is announced.
 * 5. A table or output that scrolls sideways (on a phone) can be scrolled with the keyboard:
 *    it takes the focus (tabindex 0) while it overflows, checked on load and on every resize.
 */
(function () {
  "use strict";

  const ARROWS = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1 };

  function quizKeys(event) {
    const radio = event.target;
    if (!(radio instanceof HTMLInputElement) || radio.type !== "radio") return;
    if (!radio.closest(".Quiz label.MCButton")) return;
    if (event.key in ARROWS) {
      event.preventDefault(); // no selection (and so no answer) on arrow keys
      const group = Array.from(radio.closest(".Answer").querySelectorAll("input[type=radio]"));
      const next = group[(group.indexOf(radio) + ARROWS[event.key] + group.length) % group.length];
      next.focus();
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      radio.click(); // checks it; jupyterquiz answers on the click
    }
  }

  function quizLiveFeedback() {
    document.querySelectorAll(".Quiz .Feedback").forEach((fb) => {
      fb.setAttribute("aria-live", "polite");
    });
  }

  function explorerSkipLinks() {
    const bar = document.getElementById("pst-skip-link");
    const explorers = document.querySelectorAll(".cellseg-explorer[id]");
    if (!bar || explorers.length === 0) return;
    explorers.forEach((box, i) => {
      const link = document.createElement("a");
      link.href = "#" + box.id;
      link.className = "cellseg-skip-to-explorer";
      const name = box.getAttribute("aria-label") || "explorer";
      link.textContent = explorers.length > 1
        ? `Skip to explorer ${i + 1} of ${explorers.length}: ${name}`
        : `Skip to the ${name}`;
      link.addEventListener("click", (event) => {
        const slider = box.querySelector("input[type=range]");
        if (!slider) return;
        event.preventDefault();
        box.scrollIntoView({ block: "start" });
        slider.focus({ preventScroll: true });
      });
      bar.appendChild(link);
    });
  }

  function themeButtonNames() {
    document.querySelectorAll(".search-button-field[aria-label]").forEach((button) => {
      if (button.textContent.trim()) {
        button.removeAttribute("aria-label"); // named by its text: "Search Ctrl+K"
        button.setAttribute("aria-keyshortcuts", "Control+K");
      }
    });
    // Font Awesome turns each icon into an <svg> with a <title> from the icon's title:
    // drop the titles (before, or after, it does), the button's tooltip says "Color mode"
    document.querySelectorAll(".theme-switch-button .theme-switch").forEach((icon) => {
      icon.removeAttribute("title");
      icon.removeAttribute("aria-labelledby");
      icon.setAttribute("aria-hidden", "true");
      icon.querySelectorAll("title").forEach((title) => title.remove());
    });
  }

  function toggleNames() {
    document.querySelectorAll(".bd-sidenav li > details > summary").forEach((summary) => {
      if (summary.textContent.trim() || summary.hasAttribute("aria-label")) return;
      const link = summary.closest("li").querySelector(":scope > a");
      const entry = link ? link.textContent.trim() : "this entry";
      summary.setAttribute("aria-label", `Show or hide the pages under ${entry}`);
    });
    document.querySelectorAll('summary[aria-label="Toggle hidden content"]').forEach((summary) => {
      if (summary.textContent.trim()) summary.removeAttribute("aria-label"); // named by its text
    });
  }

  const SCROLLERS = "table, .cell_output .output, .pst-scrollable-table-container, .highlight pre, div.math > math";

  function focusableScrollers() {
    document.querySelectorAll(SCROLLERS).forEach((box) => {
      const style = getComputedStyle(box);
      const scrolls = /(auto|scroll)/.test(style.overflowX) && box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.cellsegScroller = "1";
      } else if (!scrolls && box.dataset.cellsegScroller) {
        box.removeAttribute("tabindex");
        delete box.dataset.cellsegScroller;
      }
    });
  }

  document.addEventListener("keydown", quizKeys, true);
  window.addEventListener("resize", focusableScrollers);

  function setUp() {
    quizLiveFeedback();
    explorerSkipLinks();
    themeButtonNames();
    toggleNames();
    focusableScrollers();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
