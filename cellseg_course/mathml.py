"""Formulas as MathML, written when the book is built: no MathJax on any page.

Browsers lay out MathML themselves (MathML Core: Chromium from version 109, Firefox, Safari),
so a page with formulas needs no script to show them: the 1.2 MB of MathJax and its fonts
are gone from every page, a formula is there before any script runs, works without a
network, and a screen reader reads it as mathematics. The conversion from LaTeX is
:mod:`latex2mathml`'s; this module only hands Sphinx's math nodes (and the quizzes' ``$...$``
text, :func:`math_in_text`) to it.

A Sphinx extension (``_config.yml``): it registers the HTML math renderer ``mathml``, which
``html_math_renderer: mathml`` selects.
"""

import html
import re

from docutils import nodes

#: ``$$...$$`` (display) or ``$...$`` (inline, on one line, not after a backslash).
MATH = re.compile(r"\$\$(?P<display>.+?)\$\$|(?<![\\$])\$(?P<inline>[^$\n]+?)\$", re.S)


def to_mathml(latex, *, display=False):
    """The MathML of a LaTeX formula (``<math>...</math>``), with the LaTeX as its annotation.

    Examples
    --------
    >>> print(to_mathml(r"\\sigma^2")[:60])
    <math xmlns="http://www.w3.org/1998/Math/MathML" display="in
    >>> "<msup>" in to_mathml(r"\\sigma^2"), 'display="block"' in to_mathml("x", display=True)
    (True, True)
    """
    from latex2mathml.converter import convert

    latex = latex.strip()
    out = convert(latex, display="block" if display else "inline")
    # the source as an annotation: copied with the formula, read by tools that know TeX
    semantics = ('<semantics><mrow>{}</mrow><annotation encoding="application/x-tex">{}</annotation>'
                 "</semantics>")
    head, _, rest = out.partition(">")
    body = rest[: -len("</math>")]
    return f"{head}>{semantics.format(body, html.escape(latex))}</math>"


def math_in_text(text):
    """``text`` with each ``$...$`` and ``$$...$$`` formula replaced by its MathML.

    Examples
    --------
    >>> out = math_in_text("a width $\\\\sigma$ of 2 px")
    >>> out.startswith("a width <math"), out.endswith("</math> of 2 px")
    (True, True)
    """
    return MATH.sub(lambda m: to_mathml(m["display"] or m["inline"], display=bool(m["display"])), text)


def _visit_math(self, node):
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight"))
    self.body.append(to_mathml(node.astext()) + "</span>")
    raise nodes.SkipNode


def _visit_displaymath(self, node):
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node.get("number"):
        number = self.builder.env.domaindata.get("math", {}).get("objects", {})
        label = node.get("label")
        shown = node["number"]
        if label and label in number:
            shown = number[label][1]
        self.body.append(f'<span class="eqno">({shown})')
        self.add_permalink_ref(node, "Link to this equation")
        self.body.append("</span>")
    self.body.append(to_mathml(node.astext(), display=True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app):
    """Register the ``mathml`` HTML math renderer."""
    app.add_html_math_renderer("mathml", (_visit_math, None), (_visit_displaymath, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
