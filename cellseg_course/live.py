"""The learner's live copies of the course: lessons and exercises that read like the book in Jupyter.

``python3 course.py lab`` fills the learner's workspace with this module (run in the course's
environment)::

    workspace/lessons/NAME.ipynb      every lesson (episode) that _toc.yml lists
    workspace/exercises/NAME.ipynb    every exercise
    workspace/solutions/NAME.ipynb    a worked solution, only when asked (course.py lab --solution NAME)

Each copy reads like the book's page in plain JupyterLab (or VS Code, or Colab), with no
extension: the numbers the book glues into its prose are filled in from an execution of the
notebook (the book's jupyter-cache, else the notebook is run once and stored there), and the
markup only MyST knows becomes CommonMark: admonitions become quoted blocks with a bold title,
a glossary term shows its definition when the pointer rests on it, a citation reads
"(Otsu 1979)", links to other notebooks point at their copies (``.ipynb``), and cells the book
hides are collapsed. Copies are written once: a file the learner changed is never overwritten
(a copy the learner never touched is brought up to date when the course changes).

    python -m cellseg_course.live fill WORKSPACE [--solution NAME ...]
"""

import argparse
import ast
import copy
import hashlib
import html
import json
import os
import posixpath
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: where executions of the notebooks may already be (under the course's folder): the book's
#: cache (course.py build, and where an execution made here is stored, so the build reuses it),
#: the last test run's (course.py test); and the folder named by CELLSEG_NB_CACHE
CACHES = ("_build/.jupyter_cache", "_build/test/executions")
MANIFEST = ".course-copies.json"  #: what was written into the workspace (to tell the learner's edits)
FOLDERS = ("lessons", "exercises", "solutions")

GLUE_ROLE = re.compile(r"\{glue(?::(text|md|any|))?\}`([^`]+)`")
GLUE_BLOCK = re.compile(r"^(`{3,}|:{3,})\{glue(?::(md|any|figure|))?\}[ \t]*(\S+)[^\n]*\n(.*?)^\1[ \t]*$",
                        re.M | re.S)
TERM = re.compile(r"\{term\}`([^`<]+?)(?:\s*<([^>`]+)>)?`")
CITE = re.compile(r"\{cite(?::(p|t|ps|ts|author|year))?\}`([^`]+)`")
ANY_ROLE = re.compile(r"\{[a-z][a-z0-9:-]*\}`([^`]*)`")
FENCE_OPEN = re.compile(r"^(:{3,}|`{3,})\{([a-z][a-z0-9:-]*)\}[ \t]*(.*)$")
LABEL = re.compile(r"^\([\w-]+\)=[ \t]*$")
LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)\)")
SOLUTION_SENTENCE = re.compile(r"\*When you have finished, compare with the \[worked solution\]\(([^)]*)\)\.\*")
ADMONITION_TITLES = {"note": "Note", "tip": "Tip", "warning": "Warning", "important": "Important",
                     "hint": "Hint", "caution": "Caution", "attention": "Attention", "danger": "Danger",
                     "error": "Error", "seealso": "See also"}


# --------------------------------------------------------------------------- what the course holds


def course_pages(root=ROOT):
    """``{"lessons": [...], "exercises": [...]}``: the notebooks the workspace holds (paths).

    The lessons are the pages under ``lessons/`` that ``_toc.yml`` lists, in the book's order,
    whatever parts hold them (one Lessons part, or one part per theme once lessons are split
    into episodes); the exercises are every exercise notebook.
    """
    import yaml

    toc = yaml.safe_load((Path(root) / "_toc.yml").read_text(encoding="utf-8"))
    files = []

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    lessons = [Path(root) / f"{f}.ipynb" for f in files if f.startswith("lessons/")]
    if not lessons:
        raise ValueError("_toc.yml lists no page under lessons/")
    exercises = sorted((Path(root) / "exercises").glob("*.ipynb"))
    missing = [str(p) for p in lessons if not p.exists()]
    if missing:
        raise FileNotFoundError(f"lessons listed in _toc.yml have no notebook: {missing}")
    return {"lessons": lessons, "exercises": exercises}


# --------------------------------------------------------------------------- executions and glue


def cached_execution(nb, caches):
    """The executed notebook of ``nb`` (same code) from one of the jupyter-caches, or None."""
    from jupyter_cache import get_cache

    folders = list(caches)
    if os.environ.get("CELLSEG_NB_CACHE"):
        folders.insert(0, Path(os.environ["CELLSEG_NB_CACHE"]))
    for folder in folders:
        if not (Path(folder) / "global.db").exists():
            continue
        try:
            cache = get_cache(str(folder))
            record = cache.match_cache_notebook(nb)
            return cache.get_cache_bundle(record.pk).nb
        except KeyError:
            continue
    return None


def execute(path, nb, *, store=None, timeout=600):
    """Run ``nb`` (the notebook at ``path``) once; store the execution in the book's cache."""
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    from nbclient import NotebookClient

    ran = copy.deepcopy(nb)
    NotebookClient(ran, timeout=timeout, kernel_name="python3",
                   resources={"metadata": {"path": str(Path(path).parent)}}).execute()
    # the source with the outputs: the cache matches on the code and the metadata of the cells
    # and on the kernelspec, which running adds to (timings) or rewrites
    executed = copy.deepcopy(nb)
    for cell, done in zip(executed.cells, ran.cells):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = done.outputs, done.execution_count
    if store is not None:
        Path(store).mkdir(parents=True, exist_ok=True)
        get_cache(str(store)).cache_notebook_bundle(CacheBundleIn(executed, uri=str(Path(path).with_suffix(".md"))),
                                                    check_validity=False, overwrite=True)
    return executed


def glue_values(executed):
    """``name -> mime bundle`` of every value the executed notebook glued."""
    values = {}
    for cell in executed.cells:
        for out in cell.get("outputs", []):
            scrapbook = out.get("metadata", {}).get("scrapbook", {})
            if scrapbook.get("name"):
                prefix = scrapbook.get("mime_prefix", "")
                values[scrapbook["name"]] = {kind[len(prefix):] if kind.startswith(prefix) else kind: value
                                             for kind, value in out.get("data", {}).items()}
    return values


def _text(data, fmt):
    from myst_nb.core.variables import format_plain_text

    return format_plain_text(data["text/plain"], fmt or "s")


def _any(data):
    """A glued value as Markdown/HTML for a text cell (the richest form Jupyter shows in Markdown)."""
    if "text/markdown" in data:
        return data["text/markdown"]
    if "text/html" in data:
        return data["text/html"]
    for kind in ("image/png", "image/jpeg"):
        if kind in data:
            return f'<img src="data:{kind};base64,{"".join(data[kind]).strip()}" alt="">'
    text = data.get("text/plain", "")
    try:
        value = ast.literal_eval(text)
        return value if isinstance(value, str) else text
    except (ValueError, SyntaxError):
        return text


def fill_glue(text, values):
    """``text`` with every glue role and glue block replaced by its value.

    Raises KeyError naming a glued name the execution does not hold.
    """
    def block(match):
        return _any(values[match[3]])

    def role(match):
        kind, content = match[1], match[2]
        if kind == "text":
            name, _, fmt = content.partition(":")
            return _text(values[name], fmt)
        if kind == "md":
            return values[content].get("text/markdown", values[content].get("text/plain", ""))
        return _any(values[content])

    return GLUE_ROLE.sub(role, GLUE_BLOCK.sub(block, text))


# --------------------------------------------------------------------------- MyST -> CommonMark


def glossary(root=ROOT):
    """``term (lower case) -> definition`` from book/glossary.md."""
    path = Path(root) / "book" / "glossary.md"
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    body = re.search(r"^:::+\{glossary\}[^\n]*\n(.*?)^:::+", text, re.M | re.S)
    terms, term = {}, None
    for line in (body[1] if body else "").splitlines():
        if line and not line[0].isspace():
            term = line.strip().lower()
            terms[term] = ""
        elif term and line.strip():
            terms[term] = (terms[term] + " " + line.strip()).strip()
    return terms


def references(root=ROOT):
    """``key -> (authors for the text, year)`` from book/references.bib."""
    path = Path(root) / "book" / "references.bib"
    if not path.exists():
        return {}
    refs = {}
    for entry in re.split(r"\n(?=@)", path.read_text(encoding="utf-8")):
        key = re.match(r"\s*@\w+\{([^,]+),", entry)
        if not key:
            continue
        author = re.search(r"author\s*=\s*\{(.*)\},?\s*$", entry, re.M)
        year = re.search(r"year\s*=\s*\{?(\d{4})", entry)
        names = [a.strip() for a in (author[1] if author else "").split(" and ") if a.strip()]
        last = [re.sub(r"[{}\\'\"`^~]", "", n.split(",")[0] if "," in n else n.split()[-1]) for n in names]
        who = (last[0] if len(last) == 1 else f"{last[0]} and {last[1]}" if len(last) == 2
               else f"{last[0]} et al." if last else key[1])
        refs[key[1].strip()] = (who, year[1] if year else "n.d.")
    return refs


def _term(match, terms):
    shown, target = match[1].strip(), " ".join((match[2] or match[1]).split())
    definition = terms.get(target.lower())
    if not definition:
        return f"*{shown}*"
    plain = re.sub(r"[`*$\\]", "", definition)
    return f'<abbr title="{html.escape(plain, quote=True)}">{html.escape(shown)}</abbr>'


def _cite(match, refs):
    kind, keys = match[1] or "p", [k.strip() for k in match[2].split(",")]
    found = [refs.get(k, (k, "")) for k in keys]
    if kind.startswith("t"):
        return "; ".join(f"{who} ({year})" for who, year in found)
    return "(" + "; ".join(f"{who} {year}".strip() for who, year in found) + ")"


def admonitions(text):
    """MyST directives (``:::{note}``, ``:::{admonition} Title``, ...) as quoted blocks."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        opening = FENCE_OPEN.match(lines[i])
        if not opening or opening[2] in ("glue", "glue:", "glue:md", "glue:any", "code-cell"):
            out.append(lines[i])
            i += 1
            continue
        fence, name, argument = opening[1], opening[2], opening[3].strip()
        depth, j, body = 1, i + 1, []
        while j < len(lines):  # the matching closing fence (directives of the same fence nest)
            if FENCE_OPEN.match(lines[j]) and FENCE_OPEN.match(lines[j])[1] == fence:
                depth += 1
            elif lines[j].strip() == fence:
                depth -= 1
                if depth == 0:
                    break
            body.append(lines[j])
            j += 1
        while body and re.match(r"^:[\w-]+:", body[0]):  # directive options (:class:, :name:)
            body.pop(0)
        title = argument if name == "admonition" else ADMONITION_TITLES.get(name, name.capitalize())
        inner = admonitions("\n".join(body)).strip("\n").split("\n")
        out += [f"> **{title}**", ">"] + [f"> {line}" if line else ">" for line in inner]
        i = j + 1
    return "\n".join(out)


def links(text, page, layout):
    """Links to other notebooks point at their workspace copies; links out of the workspace
    keep only their text. ``page`` is the notebook's page in the course (``lessons/x``),
    ``layout`` maps a page of the course to the path of its copy in the workspace."""
    def link(match):
        words, target = match[1], match[2]
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            return match[0]  # a web address, or a place in this notebook
        path = posixpath.normpath(posixpath.join(posixpath.dirname(page), target.split("#")[0]))
        other = posixpath.splitext(path)[0]
        if other in layout:
            there = posixpath.relpath(layout[other], posixpath.dirname(layout[page]))
            return f"[{words}]({there}.ipynb)"
        return words  # a page of the book that the workspace does not hold

    return LINK.sub(link, text)


def solution_sentence(text, name, *, download=False):
    """The exercise's pointer to its worked solution, as the command that copies it (or, in a
    notebook downloaded from the book, as where the book shows it)."""
    if download:
        return SOLUTION_SENTENCE.sub(
            "*When you have finished, compare with the worked solution: the book's page of this "
            "exercise links to it.*", text)
    return SOLUTION_SENTENCE.sub(
        f"*When you have finished, compare with the worked solution: run `python3 course.py lab "
        f"--solution {name}` in a terminal; it copies it into `solutions/{name}.ipynb` here.*", text)


def markdown(text, *, values, terms, refs, page, layout, download=False):
    """One text cell of the course (of ``page``, e.g. ``lessons/x``) as it should read in plain Jupyter."""
    text = fill_glue(text, values)
    text = "\n".join(line for line in text.split("\n") if not LABEL.match(line))
    text = admonitions(text)
    text = TERM.sub(lambda m: _term(m, terms), text)
    text = CITE.sub(lambda m: _cite(m, refs), text)
    text = ANY_ROLE.sub(lambda m: m[1], text)  # any other role: its text
    if page.startswith("exercises/"):
        text = solution_sentence(text, posixpath.basename(page), download=download)
    return links(text, page, layout)


LANGUAGE_INFO = {"name": "python", "codemirror_mode": {"name": "ipython", "version": 3}, "file_extension": ".py",
                 "mimetype": "text/x-python", "nbconvert_exporter": "python", "pygments_lexer": "ipython3"}
HIDE = {"remove-cell": ("source_hidden", "outputs_hidden"), "remove-input": ("source_hidden",),
        "hide-input": ("source_hidden",), "remove-output": ("outputs_hidden",), "hide-output": ("outputs_hidden",)}


def live_notebook(source, *, values, terms, refs, layout, download=False):
    """The learner's copy of the notebook at ``source`` (a NotebookNode, no outputs); with
    ``download``, the copy the book offers for download (its solution sentence points at the book)."""
    import nbformat

    page = f"{Path(source).parent.name}/{Path(source).stem}"
    nb = nbformat.read(source, as_version=4)
    nb.metadata.pop("jupytext", None)  # a copy is no twin of a source
    # what the kernel reports when it connects: without it, JupyterLab marks the notebook as
    # changed the moment it is opened (and asks to save it on closing)
    nb.metadata.setdefault("language_info", LANGUAGE_INFO | {"version": sys.version.split()[0]})
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = markdown(cell.source, values=values, terms=terms, refs=refs, page=page, layout=layout,
                                   download=download)
        elif cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            hidden = {flag for tag in cell.metadata.get("tags", []) for flag in HIDE.get(tag, ())}
            if hidden:
                cell.metadata["jupyter"] = {flag: True for flag in sorted(hidden)}
    return nb


# --------------------------------------------------------------------------- the workspace


def _digest(data):
    return hashlib.sha256(data).hexdigest()


def fill(workspace, *, root=ROOT, solutions=(), say=print, run=True):
    """Bring ``workspace`` up to date with the course; return ``{"new": [...], "updated": [...],
    "kept": [...], "moved": [...]}`` (paths relative to the workspace).

    A copy is written when it is missing, or when the course changed and the learner never
    edited the copy (its bytes are those written last time, kept in MANIFEST). A copy the
    learner changed is kept as it is. ``solutions`` names the worked solutions to copy too.
    Exercise copies at the top of an older workspace are moved into ``exercises/``.
    """
    import nbformat

    workspace, root = Path(workspace), Path(root)
    caches = [root / folder for folder in CACHES]
    pages = course_pages(root)
    unknown = [name for name in solutions if not (root / "solutions" / f"{name}.ipynb").exists()]
    if unknown:
        names = ", ".join(sorted(p.stem for p in (root / "solutions").glob("*.ipynb")))
        raise ValueError(f"no worked solution is called {', '.join(unknown)}; the solutions are: {names}")
    pages["solutions"] = [root / "solutions" / f"{name}.ipynb" for name in solutions]
    layout = {f"{kind}/{p.stem}": f"{kind}/{p.stem}" for kind, paths in pages.items() for p in paths}
    for p in (root / "solutions").glob("*.ipynb"):  # links to a solution resolve once it is copied
        layout.setdefault(f"solutions/{p.stem}", f"solutions/{p.stem}")
    terms, refs = glossary(root), references(root)
    manifest_path = workspace / MANIFEST
    manifest = json.loads(manifest_path.read_text(encoding="utf-8")) if manifest_path.exists() else {}
    done = {"new": [], "updated": [], "kept": [], "moved": []}
    for kind, paths in pages.items():
        for source in paths:
            rel = f"{kind}/{source.name}"
            dest = workspace / rel
            old = workspace / source.name  # an exercise copy of an older workspace
            if kind == "exercises" and old.exists() and not dest.exists():
                dest.parent.mkdir(parents=True, exist_ok=True)
                old.rename(dest)
                done["moved"].append(rel)
            nb = nbformat.read(source, as_version=4)
            executed = cached_execution(nb, caches) if GLUE_ROLE.search(_markdown_of(nb)) else nb
            if executed is None:
                if dest.exists():
                    continue  # the learner's copy stays; no need to run anything
                if not run:
                    raise LookupError(f"no execution of {source} is cached")
                say(f"running {kind[:-1]} {source.stem} once, to fill in its numbers ...")
                executed = execute(source, nb, store=caches[0])
            copy_ = live_notebook(source, values=glue_values(executed), terms=terms, refs=refs, layout=layout)
            data = (json.dumps(copy_, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
            if dest.exists():
                mine = dest.read_bytes()
                if mine == data or manifest.get(rel) == _digest(data):
                    continue  # as the course has it, or the course has not changed since
                if manifest.get(rel) != _digest(mine):
                    done["kept"].append(rel)  # the learner changed it: theirs
                    continue
                done["updated"].append(rel)
            else:
                done["new"].append(rel)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data)
            manifest[rel] = _digest(data)
    workspace.mkdir(parents=True, exist_ok=True)
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return done


def download_copies(html, source, caches=()):
    """Replace the notebooks the book offers for download (``HTML/_sources/<folder>/NAME.ipynb``)
    by copies that read like the page: numbers filled in, admonitions, terms and citations in
    plain Markdown, links to other pages as their words (a downloaded file has no neighbours).

    ``source`` is the book's source folder; ``caches`` the jupyter-caches that may hold the
    executions (with CELLSEG_NB_CACHE and the course's own). A notebook whose execution is in
    none of them keeps its source form: nothing is run here. Returns the pages replaced.
    """
    import nbformat

    html, source = Path(html), Path(source)
    caches = [*caches, *(source / folder for folder in CACHES)]
    terms, refs = glossary(source), references(source)
    done = []
    for folder in FOLDERS:
        for offered in sorted((html / "_sources" / folder).glob("*.ipynb")):
            original = source / folder / offered.name
            if not original.exists():
                continue
            nb = nbformat.read(original, as_version=4)
            executed = cached_execution(nb, caches) if GLUE_ROLE.search(_markdown_of(nb)) else nb
            if executed is None:
                continue
            copy_ = live_notebook(original, values=glue_values(executed), terms=terms, refs=refs, layout={},
                                  download=True)
            offered.write_text(json.dumps(copy_, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
            done.append(f"{folder}/{offered.stem}")
    return done


def _markdown_of(nb):
    return "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Fill the learner's workspace with live copies of the course.")
    parser.add_argument("command", choices=["fill"])
    parser.add_argument("workspace")
    parser.add_argument("--solution", action="append", default=[], help="also copy this worked solution")
    args = parser.parse_args(argv)
    try:
        done = fill(args.workspace, root=ROOT, solutions=args.solution,
                    say=lambda message: print(f"[course] {message}", file=sys.stderr, flush=True))
    except (ValueError, FileNotFoundError) as error:
        print(f"[course] ERROR: {error}", file=sys.stderr)
        return 2
    print(json.dumps(done))  # for course.py; what a learner reads went to stderr
    return 0


if __name__ == "__main__":
    sys.exit(main())
