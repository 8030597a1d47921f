"""Sphinx extension: each inline script of the book's pages appears once.

Sphinx 7 registers an inline script (a script with a body and no file) that an extension
adds after the builder starts twice: once as it is added (file name ``None``) and once
again before writing (file name ``''``), and the two never compare equal. sphinx-thebe's
configuration, ``const THEBE_JS_URL = ...``, then runs twice on every page, and the second
run is a console error (``Identifier 'THEBE_JS_URL' has already been declared``);
sphinx-togglebutton's selector is set twice. This extension drops the later copies, just
before each page is written. ``tests/browser/`` checks that no page logs a console error.
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


def setup(app: Sphinx):
    # after every other extension has added its scripts for this page
    app.connect("html-page-context", drop_duplicate_inline_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
