/*
 * Make the book's sidebar buttons work: the contents (hamburger) button on a phone and
 * on a desktop, and the "on this page" button on a phone.
 *
 * Why: pydata-sphinx-theme 0.17 puts its own `.primary-toggle` and `.secondary-toggle`
 * buttons in its (hidden) header, and sphinx-book-theme 1.3 shows its own buttons with the
 * same classes in the article header. Both themes bind their click handlers with
 * `document.querySelector`, that is to the first, hidden button only, so the buttons a
 * reader sees do nothing: no menu opens at 390 px and the sidebar never collapses on a
 * desktop (upstream: pydata-sphinx-theme issue #2451).
 *
 * What: a click on a visible duplicate is passed on to the first button of its class, the
 * one that has the themes' handlers (a modal menu on narrow screens, collapse on wide).
 * Themes that do not have the bug are left alone: with a single button of each class, or
 * with the older checkbox-and-label markup (pydata-sphinx-theme < 0.16, used on Python
 * 3.10), this does nothing. Delete this file once the upstream fix is released and pinned.
 * tests/browser/ checks the menu at 390 px and the collapse on a desktop.
 */
(function () {
  "use strict";

  function forwardDuplicateToggles(selector, dialogId) {
    if (!document.getElementById(dialogId)) return; // not the dialog-based markup
    const buttons = Array.from(document.querySelectorAll(selector)).filter(
      (el) => el.tagName === "BUTTON",
    );
    if (buttons.length < 2) return; // nothing duplicated
    const wired = buttons[0];
    buttons.slice(1).forEach((button) => {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        wired.click();
      });
    });
  }

  function setUp() {
    forwardDuplicateToggles(".primary-toggle", "pst-primary-sidebar-modal");
    forwardDuplicateToggles(".secondary-toggle", "pst-secondary-sidebar-modal");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
