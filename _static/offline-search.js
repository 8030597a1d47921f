/*
 * Search from the files on disk: on a page opened as file://, Sphinx's search would fetch
 * every result page to show a few lines of it, and the browser refuses such requests (a
 * console error per result). There, list the results without those lines; served over
 * http(s) (Binder, a web site), search shows them as usual. tests/browser/ checks it.
 */
if (window.location.protocol === "file:" && typeof DOCUMENTATION_OPTIONS !== "undefined") {
  DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;
}
