"""Sphinx extension: each inline script of the book's pages appears once.

Sphinx 7 registers an inline script (a script with a body and no file) that an extension
adds after the builder starts twice: once as it is added (file name ``None``) and once
again before writing (file name ``''``), and the two never compare equal. sphinx-thebe's
configuration, ``const THEBE_JS_URL = ...``, then runs twice on every page, and the second
run is a console error (``Identifier 'THEBE_JS_URL' has already been declared``);
sphinx-togglebutton's selector is set twice. This extension drops the later copies, just
before each page is written. ``tests/browser/`` checks that no page logs a console error.

It also gives the bibliography's entries a role that assistive technology knows: docutils
marks each citation ``role="doc-biblioentry"`` inside a ``role="list"``, a role that
WAI-ARIA (DPUB-ARIA 1.1) deprecated; a list's items must be ``listitem``s (axe-core's
rules aria-deprecated-role and aria-required-children, checked by ``tests/browser/``).
"""

from sphinx.application import Sphinx


def _inline_key(script):
    """What makes two inline scripts the same; None for a script loaded from a file."""
    filename = getattr(script, "filename", script)
    if filename:
        return None
    attributes = getattr(script, "attributes", {})
    return tuple(sorted((k, str(v)) for k, v in attributes.items()))


def drop_duplicate_inline_scripts(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen = set()
    unique = []
    for script in scripts:
        key = _inline_key(script)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        unique.append(script)
    # the builder reuses this list object for every page: change it in place
    scripts[:] = unique


def citations_as_list_items(app, pagename, templatename, context, doctree):
    body = context.get("body")
    if body and 'role="doc-biblioentry"' in body:
        context["body"] = body.replace('role="doc-biblioentry"', 'role="listitem"')


def setup(app: Sphinx):
    # after every other extension has added its scripts for this page
    app.connect("html-page-context", drop_duplicate_inline_scripts, priority=900)
    app.connect("html-page-context", citations_as_list_items)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
