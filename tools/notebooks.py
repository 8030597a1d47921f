"""Keep the course's notebooks consistent: pair them and generate the exercises.

The MyST-markdown files (``.md``) are the sources. This script

1. writes every ``exercises/NAME.md`` from ``solutions/NAME.md`` (the solution is
   the single source of an exercise; see CONTRIBUTING.md for the markers), and
2. writes every ``.ipynb`` from its ``.md`` twin, without outputs.

Run it after editing any notebook::

    .venv/bin/python tools/notebooks.py          # rewrite what is out of date
    .venv/bin/python tools/notebooks.py --check  # only report (exit 1 if out of date)
    .venv/bin/python tools/notebooks.py solutions/do-the-math.md   # only this notebook's files

Unlike ``jupytext --sync`` it never looks at modification times: the ``.md``
always wins, so an edit of a ``.md`` can never be silently reverted.
"""

import argparse
import copy
import hashlib
import re
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIRS = ("lessons", "exercises", "solutions")
FORMATS = "ipynb,md:myst"

SOLUTION_TITLE = re.compile(r"^# Solution: ", re.MULTILINE)
BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
INLINE = re.compile(r"^(?P<indent>\s*)(?P<lhs>[^=#]+?)\s*=\s*.*?#\s*SOLUTION\s*$")


def toc_entries(root=ROOT):
    """Every page listed in ``_toc.yml`` (the root first), as paths without suffix."""
    import yaml

    toc = yaml.safe_load((root / "_toc.yml").read_text())

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                yield node["file"]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    return [toc["root"], *walk(toc)]


def read(path):
    return jupytext.read(path)


def _tags(cell):
    return list(cell.get("metadata", {}).get("tags", []))


def exercise_from_solution(solution, name):
    """Return the exercise notebook made from a solution notebook.

    - The first line ``# Solution: X`` becomes ``# Exercise: X`` followed by a
      pointer to the solution page.
    - Cells tagged ``solution`` are dropped.
    - In code cells, the lines between ``# BEGIN SOLUTION`` and
      ``# END SOLUTION`` become ``...  # your code here``, and a line
      ``name = expression  # SOLUTION`` becomes ``name = ...  # your answer``.
    """
    nb = copy.deepcopy(solution)
    cells = []
    titled = False
    for cell in nb.cells:
        if "solution" in _tags(cell):
            continue
        if cell.cell_type == "markdown" and not titled:
            if not SOLUTION_TITLE.match(cell.source):
                raise ValueError(
                    f"solutions/{name}.md: the first markdown cell must start with "
                    "'# Solution: <title>' (the exercise gets '# Exercise: <title>')."
                )
            cell.source = (
                SOLUTION_TITLE.sub("# Exercise: ", cell.source, count=1).rstrip()
                + f"\n\n*When you have finished, compare with the "
                f"[worked solution](../solutions/{name}.md).*"
            )
            titled = True
        elif cell.cell_type == "code":
            cell.source = _strip_code(cell.source, name)
        cells.append(cell)
    nb.cells = cells
    return nb


def _strip_code(source, name):
    out, inside = [], False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"solutions/{name}.md: nested '{BEGIN}'.")
            inside = True
            out.append(line[: len(line) - len(line.lstrip())] + "...  # your code here")
            continue
        if stripped == END:
            if not inside:
                raise ValueError(f"solutions/{name}.md: '{END}' without '{BEGIN}'.")
            inside = False
            continue
        if inside:
            continue
        match = INLINE.match(line)
        if match:
            out.append(f"{match['indent']}{match['lhs'].strip()} = ...  # your answer")
        elif re.search(r"#\s*SOLUTION\s*$", line):
            raise ValueError(
                f"solutions/{name}.md: '# SOLUTION' only marks an assignment line "
                f"'name = expression  # SOLUTION', not: {line.strip()!r}"
            )
        else:
            out.append(line)
    if inside:
        raise ValueError(f"solutions/{name}.md: '{BEGIN}' without '{END}'.")
    return "\n".join(out)


def _set_formats(nb):
    nb.metadata.setdefault("jupytext", {})["formats"] = FORMATS
    return nb


def ipynb_text(nb):
    """The .ipynb text for a notebook: no outputs, no execution counts."""
    nb = copy.deepcopy(nb)
    seen = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        # Stable ids (jupytext makes random ones): a hash of the cell's text.
        cell_id = hashlib.sha1(cell.source.encode("utf-8")).hexdigest()[:8]
        while cell_id in seen:
            cell_id = hashlib.sha1(cell_id.encode()).hexdigest()[:8]
        seen.add(cell_id)
        cell.id = cell_id
    return jupytext.writes(_set_formats(nb), fmt="ipynb")


def md_text(nb):
    return jupytext.writes(_set_formats(copy.deepcopy(nb)), fmt="md:myst")


def expected_files():
    """Map every generated path to its expected text."""
    files = {}
    for path in sorted((ROOT / "solutions").glob("*.md")):
        exercise = exercise_from_solution(read(path), path.stem)
        files[ROOT / "exercises" / path.name] = md_text(exercise)
    sources = {p for folder in NOTEBOOK_DIRS for p in (ROOT / folder).glob("*.md")}
    for path in sorted(sources | set(files)):
        if path.suffix == ".md":
            text = files.get(path)
            nb = jupytext.reads(text, fmt="md:myst") if text is not None else read(path)
            files[path.with_suffix(".ipynb")] = ipynb_text(nb)
    return files


def _same(path, text):
    if not path.exists():
        return False
    current = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":  # compare content, not JSON formatting or jupytext version
        a, b = nbformat.reads(current, 4), nbformat.reads(text, 4)
        for nb in (a, b):
            nb.metadata.get("jupytext", {}).pop("text_representation", None)
        return a == b
    strip = lambda s: re.sub(r"\n\s*jupytext_version: .*", "", s)  # noqa: E731
    return strip(current) == strip(text)


def out_of_date():
    """Paths whose content differs from what this script would write."""
    return [path for path, text in expected_files().items() if not _same(path, text)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="report only; exit 1 if anything is out of date")
    parser.add_argument("notebooks", nargs="*", help="limit to these notebooks (any of their files)")
    args = parser.parse_args(argv)
    stale = out_of_date()
    if args.notebooks:
        names = {Path(p).stem for p in args.notebooks}
        stale = [path for path in stale if path.stem in names]
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)}")
        if stale:
            print("run: .venv/bin/python tools/notebooks.py")
        return 1 if stale else 0
    expected = expected_files()
    for path in stale:
        path.write_text(expected[path], encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    if not stale:
        print("all notebooks up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
