"""Sphinx extension: a page shows only the code a learner would type.

The notebooks keep the book honest with code a learner never types: ``glue(...)`` calls
that hand numbers to the prose, ``assert`` statements that stop the build when a sentence
stops being true, the calls that build the static explorers (``static_explorer``,
``prompt``), and, in the solutions, the ``# BEGIN SOLUTION`` / ``# END SOLUTION`` /
``# SOLUTION`` markers from which the exercises are made. Execution is unchanged; only
what the page *shows* of each code cell changes:

- each top-level statement that is machinery (see :func:`is_machinery`) is removed
  whole, by its exact line span (a statement over several lines goes entirely), with
  the comment lines right above it;
- an import whose names the shown code no longer uses, and that only machinery used,
  goes too (``from cellseg_course import glue``);
- the solution markers are removed (the marker lines, and ``# SOLUTION`` at a line's end);
- a cell left with no code loses its input; a cell left with neither input nor output
  is removed from the page;
- a progress bar (tqdm, on standard error) is removed from the outputs: it says how long
  the build took, nothing a reader needs;
- a cell of ipywidgets code (a live explorer, which needs a kernel) is folded away
  behind a toggle: a reader of the HTML book cannot run it, a curious one may open it.

:func:`learner_sources` does the work on plain strings, so tests can apply it to the
sources without building the book (``tests/course/test_learner_code.py``).
"""

import ast
import re

__all__ = ["MACHINERY_CALLS", "is_machinery", "learner_source", "learner_sources", "strip_solution_markers"]

#: Functions whose calls build the book, not the learner's understanding.
MACHINERY_CALLS = frozenset({"glue", "static_explorer", "prompt", "watch_figures"})
#: Modules whose imports are machinery when the shown code no longer uses them.
MACHINERY_MODULES = ("cellseg_course", "ipywidgets")

MARKER_LINE = re.compile(r"^\s*#\s*(BEGIN|END) SOLUTION\s*$")
MARKER_TAIL = re.compile(r"\s*#\s*SOLUTION\s*$")
MAX_LINE = 88  #: longest code line a page shows (characters)
MAGIC = re.compile(r"^(\s*)[%!]")


def strip_solution_markers(source):
    """``source`` without the exercise generator's solution markers.

    >>> strip_solution_markers("# BEGIN SOLUTION\\nx = 1  # SOLUTION\\n# END SOLUTION")
    'x = 1'
    """
    lines = [MARKER_TAIL.sub("", line) for line in source.split("\n") if not MARKER_LINE.match(line)]
    return "\n".join(lines)


def _called_name(call):
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def is_machinery(statement):
    """Is this statement there for the build (glue, assert, explorer building)?

    An expression that calls a function of :data:`MACHINERY_CALLS`, an assignment of such
    a call (``explorer = static_explorer(...)``), an ``assert``, or a loop or ``if`` whose
    whole body is machinery.

    >>> is_machinery(ast.parse("glue('n', len(cells))").body[0])
    True
    >>> is_machinery(ast.parse("for k, v in d.items():\\n    glue(k, v)").body[0])
    True
    >>> is_machinery(ast.parse("n = len(cells)").body[0])
    False
    """
    if isinstance(statement, ast.Assert):
        return True
    if isinstance(statement, (ast.Expr, ast.Assign, ast.AnnAssign)) and isinstance(statement.value, ast.Call):
        if _called_name(statement.value) in MACHINERY_CALLS:
            return True
    if isinstance(statement, (ast.Assign, ast.AnnAssign)) and isinstance(statement.value, (ast.List, ast.Tuple)):
        items = statement.value.elts
        return bool(items) and all(isinstance(e, ast.Call) and _called_name(e) in MACHINERY_CALLS for e in items)
    if isinstance(statement, (ast.For, ast.While, ast.If, ast.With)):
        body = list(statement.body) + list(getattr(statement, "orelse", []))
        return bool(body) and all(is_machinery(s) for s in body)
    return False


def _sub_bodies(statement):
    bodies = [getattr(statement, name, None) for name in ("body", "orelse", "finalbody")]
    bodies += [handler.body for handler in getattr(statement, "handlers", [])]
    return [b for b in bodies if isinstance(b, list) and b and isinstance(b[0], ast.stmt)]


def machinery_in(body):
    """The statements of ``body`` (a list of statements) that are machinery, at any depth.

    Inside a loop, ``if`` or function that also does a learner's work, its machinery
    statements go and the rest stays; a block is never left empty.
    """
    found = []
    for statement in body:
        if is_machinery(statement):
            found.append(statement)
            continue
        for sub in _sub_bodies(statement):
            inner = machinery_in(sub)
            if len([s for s in inner if s in sub]) < len(sub):  # the block keeps a statement
                found += inner
    return found


def _parse(source):
    """The module of ``source`` with IPython magics read as ``pass``; None if not Python."""
    lines = [MAGIC.sub(lambda m: m.group(1) + "pass  #", line) for line in source.split("\n")]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _names_used(tree, skip=()):
    """The names ``tree`` reads or writes, not counting those inside the ``skip`` nodes."""
    skip = set(map(id, skip))
    names, todo = set(), [tree]
    while todo:
        node = todo.pop()
        if id(node) in skip:
            continue
        if isinstance(node, ast.Name):
            names.add(node.id)
        todo.extend(ast.iter_child_nodes(node))
    return names


def _bound_names(statement):
    """The names an import statement binds."""
    return [(alias.asname or alias.name).split(".")[0] for alias in statement.names]


def _import_module(statement):
    if isinstance(statement, ast.ImportFrom):
        return statement.module or ""
    return ",".join(alias.name for alias in statement.names)


def _drop_lines(lines, statements):
    """Line numbers (0-based) covered by ``statements`` and by comment lines right above each."""
    gone = set()
    for statement in statements:
        first = statement.lineno - 1
        gone.update(range(first, statement.end_lineno))
        above = first - 1
        while above >= 0 and lines[above].strip().startswith("#"):
            gone.add(above)
            above -= 1
    return gone


def _longest_blank_run(lines):
    longest = run = 0
    for line in lines:
        run = run + 1 if not line.strip() else 0
        longest = max(longest, run)
    return longest


def _tidy(lines, blanks=2):
    """No leading or trailing blank lines, at most ``blanks`` blank lines in a row."""
    out = []
    for line in lines:
        if not line.strip() and len(out) >= blanks and not any(o.strip() for o in out[-blanks:]):
            continue
        out.append(line.rstrip() if not line.strip() else line)
    while out and not out[0].strip():
        out.pop(0)
    while out and not out[-1].strip():
        out.pop()
    return out


def _rewritten_import(statement, keep):
    """The import statement keeping only the names in ``keep``, on one line."""
    aliases = [a for a, bound in zip(statement.names, _bound_names(statement)) if bound in keep]
    new = ast.ImportFrom(module=statement.module, names=aliases, level=statement.level) \
        if isinstance(statement, ast.ImportFrom) else ast.Import(names=aliases)
    return ast.unparse(new)


def learner_sources(sources):
    """What a page shows of each of its code cells: ``sources`` with the machinery removed.

    ``sources`` is the list of the page's shown code cells, in order. Returns a list of the
    same length: each cell's learner code, or ``""`` where nothing is left. Imports are
    judged over the whole page (a name imported in one cell and used in another stays).

    >>> learner_sources(["import numpy as np\\nfrom cellseg_course import glue",
    ...                  "n = np.sum([1, 2])\\nglue('n', n)\\nassert n == 3"])
    ['import numpy as np', 'n = np.sum([1, 2])']
    """
    cells = []
    for source in sources:
        source = strip_solution_markers(source)
        lines = source.split("\n")
        tree = _parse(source)
        if tree is None:
            cells.append((lines, None, set(), []))
            continue
        dropped = machinery_in(tree.body)
        cells.append((lines, tree, _drop_lines(lines, dropped), dropped))

    kept_used, dropped_used = set(), set()
    for lines, tree, gone, dropped in cells:
        if tree is None:
            continue
        for statement in dropped:
            dropped_used |= _names_used(statement)
        for statement in tree.body:
            if statement not in dropped and not isinstance(statement, (ast.Import, ast.ImportFrom)):
                kept_used |= _names_used(statement, skip=dropped)

    results = []
    for lines, tree, gone, dropped in cells:
        if tree is None:
            results.append("\n".join(_tidy(lines)))
            continue
        replace = {}
        for statement in tree.body:
            if not isinstance(statement, (ast.Import, ast.ImportFrom)) or statement in dropped:
                continue
            module = _import_module(statement)
            machinery_module = any(module == m or module.startswith(m + ".") for m in MACHINERY_MODULES)
            bound = _bound_names(statement)
            unused = [b for b in bound if b not in kept_used and (b in dropped_used or machinery_module)]
            if not unused:
                continue
            span = range(statement.lineno - 1, statement.end_lineno)
            if len(unused) == len(bound):
                gone.update(span)
            else:
                replace[statement.lineno - 1] = _rewritten_import(statement, set(bound) - set(unused))
                gone.update(span[1:])
        shown = [replace.get(i, line) for i, line in enumerate(lines) if i not in gone]
        if not any(line.strip() and not line.strip().startswith("#") for line in shown):
            shown = []  # nothing but comments left: no code to show
        results.append(reflow("\n".join(_tidy(shown, max(1, _longest_blank_run(lines))))))
    return results


DOCSTRING = re.compile(r'^(?P<indent>\s*)(?P<quote>"""|\'\'\')(?P<body>.*)(?P=quote)\s*$')


def _wrap_docstring(line, width):
    """A one-line docstring too long for the page, as a wrapped docstring of several lines."""
    import textwrap

    m = DOCSTRING.match(line)
    indent, quote = m["indent"], m["quote"]
    body = textwrap.wrap(m["body"].strip(), width=width - len(indent) - 3, break_long_words=False,
                         break_on_hyphens=False)
    return [indent + quote + body[0], *(indent + b for b in body[1:]), indent + quote]


def _comments_above(source, width):
    """Move the end-of-line comment of each line longer than ``width`` to a line of its own above."""
    import io
    import tokenize

    lines = source.split("\n")
    moves = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            row, col = token.start
            if token.type != tokenize.COMMENT:
                continue
            line = lines[row - 1]
            if len(line) > width and line[:col].strip():
                moves[row - 1] = col
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return source
    out = []
    for i, line in enumerate(lines):
        if i in moves:
            indent = line[: len(line) - len(line.lstrip())]
            out.append(indent + line[moves[i]:].strip())
            line = line[: moves[i]].rstrip()
        out.append(line)
    return "\n".join(out)


def _wrap_comment(line, width):
    import textwrap

    indent = line[: len(line) - len(line.lstrip())]
    body = line.strip().lstrip("#").strip()
    return textwrap.wrap(body, width=width, initial_indent=indent + "# ", subsequent_indent=indent + "# ",
                         break_long_words=False, break_on_hyphens=False) or [line]


def reflow(source, width=MAX_LINE):
    """``source`` with each top-level statement that has a line over ``width`` characters
    laid out again by Black, and each long comment line wrapped; the rest untouched.

    >>> print(reflow("total = first_value + second_value", width=20))
    total = (
        first_value
        + second_value
    )
    """
    if all(len(line) <= width for line in source.split("\n")):
        return source
    source = _comments_above(source, width)
    lines = source.split("\n")
    tree = _parse(source)
    if tree is None:
        return source
    import black

    # string_processing splits a long string literal into adjacent ones (implicit concatenation)
    mode = black.Mode(line_length=width, string_normalization=False,
                      enabled_features={black.mode.Preview.string_processing})
    out, done = [], 0
    for statement in tree.body:
        first, last = statement.lineno - 1, statement.end_lineno
        if hasattr(statement, "decorator_list") and statement.decorator_list:
            first = min(d.lineno for d in statement.decorator_list) - 1
        out += lines[done:first]
        span = lines[first:last]
        if any(len(line) > width for line in span):
            try:
                span = black.format_str("\n".join(span), mode=mode).rstrip("\n").split("\n")
            except Exception:  # black refuses it (a magic inside): show it as written
                pass
        out += span
        done = last
    out += lines[done:]
    wrapped = []
    for line in out:
        if len(line) > width and line.lstrip().startswith("#"):
            wrapped += _wrap_comment(line, width)
        elif len(line) > width and DOCSTRING.match(line):
            wrapped += _wrap_docstring(line, width)
        else:
            wrapped.append(line)
    return "\n".join(wrapped)


def learner_source(source):
    """One cell's learner code (imports judged within the cell alone)."""
    return learner_sources([source])[0]


def needs_a_kernel(source):
    """Does this cell build ipywidgets (it imports them, or calls ``live_explorer``)?

    Such a cell needs a kernel, which the HTML book does not have.
    """
    tree = _parse(source)
    if tree is None:
        return False
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)) and _import_module(node).split(".")[0] == "ipywidgets":
            return True
        if isinstance(node, ast.Call) and _called_name(node) == "live_explorer":
            return True
    return False


# --------------------------------------------------------------------------- Sphinx

LIVE_PROMPT_SHOW = "Show the live explorer's code (it runs in Jupyter)"
LIVE_PROMPT_HIDE = "Hide the live explorer's code"


def _code_cells(document):
    from docutils import nodes

    for node in document.findall(nodes.container):
        if node.get("nb_element") == "cell_code":
            yield node


def _source_block(cell):
    from docutils import nodes

    for child in cell.children:
        if child.get("nb_element") == "cell_code_source":
            blocks = list(child.findall(nodes.literal_block))
            return child, (blocks[0] if blocks else None)
    return None, None


#: A progress bar (tqdm) in a cell's standard error: "noise levels: 100%|#####| 6/6 [00:01<00:00]".
PROGRESS_BAR = re.compile(r"\d+%\|.*\|\s*\d+/\d+")


def show_learner_code(document):
    """Apply :func:`learner_sources` to every code cell of a page's doctree; drop progress bars."""
    from docutils import nodes

    for block in list(document.findall(nodes.literal_block)):
        if "stderr" in block.get("classes", []) and PROGRESS_BAR.search(block.astext()):
            output = block.parent
            block.parent.remove(block)
            if output.get("nb_element") == "cell_code_output" and not output.children:
                output.parent.remove(output)

    cells = []
    for cell in _code_cells(document):
        wrapper, block = _source_block(cell)
        if block is not None:
            cells.append((cell, wrapper, block))
    shown = learner_sources([block.astext() for _, _, block in cells])
    for (cell, wrapper, block), text in zip(cells, shown):
        original = block.astext()
        if needs_a_kernel(original) and not cell.get("hide_mode"):
            cell["hide_mode"] = "input"
            cell["prompt_show"], cell["prompt_hide"] = LIVE_PROMPT_SHOW, LIVE_PROMPT_HIDE
        if text == original:
            continue
        if text:
            block.children = [nodes.Text(text)]
            block.rawsource = text
            continue
        wrapper.parent.remove(wrapper)
        if not any(c.get("nb_element") == "cell_code_output" for c in cell.children):
            cell.parent.remove(cell)


def setup(app):
    from sphinx.transforms.post_transforms import SphinxPostTransform

    class LearnerCode(SphinxPostTransform):
        """Before myst-nb folds hidden cells (its priority 199) and before highlighting."""

        default_priority = 150
        formats = ("html",)

        def run(self, **kwargs):
            show_learner_code(self.document)

    app.add_post_transform(LearnerCode)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
