"""The learner's workspace (cellseg_course.live): copies that read like the book, links that resolve,
a learner's work never overwritten, solutions only when asked. On a small course of its own."""

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from cellseg_course import live

TOC = """\
format: jb-book
root: book/intro
parts:
  - caption: Getting started
    chapters:
      - file: book/setup
  - caption: Lessons
    chapters:
      - file: lessons/alpha
        sections:
          - file: exercises/beta
            sections:
              - file: solutions/beta
      - file: lessons/gamma
  - caption: Reference
    chapters:
      - file: book/glossary
"""
GLUE_CELL = "from cellseg_course import glue\nglue('n_found', 40 + 2)\nglue('ratio', 0.12345)"
LESSON = """\
(alpha-top)=
# Alpha

Found {glue:text}`n_found` cells; the ratio is {glue:text}`ratio:.2f`. Each cell of a
{term}`label image` holds a number, as in {term}`the mask <Binary mask>` {cite:p}`otsu1979`.

:::{admonition} Try it
:class: tip
Practise in [the exercise](../exercises/beta.md), read [the next lesson](gamma.md#top)
or the [glossary](../book/glossary.md); see also [NumPy](https://numpy.org).
:::
"""
EXERCISE = """\
# Beta

Go back to [the lesson](../lessons/alpha.md) if stuck.

*When you have finished, compare with the [worked solution](../solutions/beta.md).*"""


def _notebook(path, *cells):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                           "language": "python"},
                                            "jupytext": {"formats": "ipynb,md:myst"}})
    for kind, text, *tags in cells:
        cell = (nbformat.v4.new_markdown_cell if kind == "md" else nbformat.v4.new_code_cell)(text)
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


@pytest.fixture
def course_root(root, tmp_path):
    """A course of two lessons (one glues numbers), one exercise and its solution."""
    course = tmp_path / "course"
    (course / "book").mkdir(parents=True)
    (course / "_toc.yml").write_text(TOC)
    for name in ("glossary.md", "references.bib"):
        shutil.copy(root / "book" / name, course / "book" / name)
    _notebook(course / "lessons" / "alpha.ipynb", ("code", GLUE_CELL, "remove-cell"), ("md", LESSON),
              ("code", "x = 1"))
    _notebook(course / "lessons" / "gamma.ipynb", ("md", "# Gamma\n\nBack to [alpha](alpha.md)."))
    _notebook(course / "exercises" / "beta.ipynb", ("md", EXERCISE), ("code", "answer = ..."))
    _notebook(course / "solutions" / "beta.ipynb", ("md", "# Beta, solved\n\n[Exercise](../exercises/beta.md)"),
              ("code", "answer = 42"))
    return course


def _links(workspace):
    """Every relative link of every copy: (copy, target, does the target exist)."""
    found = []
    for path in workspace.rglob("*.ipynb"):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                for target in re.findall(r"\]\(([^)\s]+)\)", cell.source):
                    if not re.match(r"^[a-z]+:", target):
                        found.append((path.name, target, (path.parent / target.split("#")[0]).exists()))
    return found


def _text(path):
    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")


def test_copies_read_like_the_book_and_their_links_resolve(course_root, tmp_path):
    workspace = tmp_path / "ws"
    said = []
    done = live.fill(workspace, root=course_root, say=said.append)
    assert sorted(done["new"]) == ["exercises/beta.ipynb", "lessons/alpha.ipynb", "lessons/gamma.ipynb"]
    assert said == ["running lesson alpha once, to fill in its numbers ..."]  # no execution was cached
    assert not (workspace / "solutions").exists()  # a solution only when asked
    text = _text(workspace / "lessons" / "alpha.ipynb")
    assert "Found 42 cells; the ratio is 0.12." in text
    assert re.search(r'<abbr title="An integer image of the same shape[^"]*">label image</abbr>', text), text
    assert re.search(r'<abbr title="An image with two values[^"]*">the mask</abbr>', text), text
    assert "(Otsu 1979)" in text
    assert "> **Try it**\n>\n> Practise in [the exercise](../exercises/beta.ipynb)" in text
    assert "[the next lesson](gamma.ipynb)" in text and "[NumPy](https://numpy.org)" in text
    assert "or the glossary;" in text  # a page the workspace does not hold: its words, no dead link
    for markup in ("{glue", "{term}", "{cite", ":::", ":class:", "(alpha-top)="):
        assert markup not in text
    nb = nbformat.read(workspace / "lessons" / "alpha.ipynb", as_version=4)
    assert "jupytext" not in nb.metadata
    assert nb.cells[0].metadata["jupyter"] == {"outputs_hidden": True, "source_hidden": True}  # the glue cell
    assert "jupyter" not in nb.cells[2].metadata
    exercise = _text(workspace / "exercises" / "beta.ipynb")
    assert "`python3 course.py lab --solution beta`" in exercise and "solutions/beta.ipynb" in exercise
    assert "](../solutions" not in exercise
    links = _links(workspace)
    assert len(links) == 4 and all(ok for *_, ok in links), links
    # the execution was stored in the course's book cache: the next fill (or the book) runs nothing
    shutil.rmtree(workspace)
    said.clear()
    live.fill(workspace, root=course_root, say=said.append)
    assert said == [] and "Found 42 cells" in _text(workspace / "lessons" / "alpha.ipynb")


def test_a_learners_copy_is_never_overwritten(course_root, tmp_path):
    workspace = tmp_path / "ws"
    live.fill(workspace, root=course_root)
    mine = workspace / "exercises" / "beta.ipynb"
    nb = nbformat.read(mine, as_version=4)
    nb.cells[1].source = "answer = 41  # my try"
    nbformat.write(nb, mine)
    edited = mine.read_bytes()
    assert live.fill(workspace, root=course_root) == {"new": [], "updated": [], "kept": [], "moved": []}
    # the course changes the exercise the learner edited and a lesson the learner never touched
    for name in ("exercises/beta.ipynb", "lessons/gamma.ipynb"):
        source = nbformat.read(course_root / name, as_version=4)
        source.cells[0].source += "\n\nA new hint."
        nbformat.write(source, course_root / name)
    done = live.fill(workspace, root=course_root)
    assert done["kept"] == ["exercises/beta.ipynb"] and mine.read_bytes() == edited
    assert done["updated"] == ["lessons/gamma.ipynb"] and "A new hint." in _text(workspace / "lessons/gamma.ipynb")
    # a workspace of the older layout (exercises at its top) keeps the learner's files
    old = tmp_path / "old"
    old.mkdir()
    (old / "beta.ipynb").write_bytes(edited)
    done = live.fill(old, root=course_root)
    assert done["moved"] == ["exercises/beta.ipynb"] and (old / "exercises" / "beta.ipynb").read_bytes() == edited
    assert done["kept"] == ["exercises/beta.ipynb"] and not (old / "beta.ipynb").exists()


def test_a_solution_is_copied_when_asked_and_links_back(course_root, tmp_path):
    workspace = tmp_path / "ws"
    with pytest.raises(ValueError, match="no worked solution is called gamma; the solutions are: beta"):
        live.fill(workspace, root=course_root, solutions=["gamma"])
    assert not workspace.exists()  # refused before any work
    done = live.fill(workspace, root=course_root, solutions=["beta"])
    assert "solutions/beta.ipynb" in done["new"]
    assert "[Exercise](../exercises/beta.ipynb)" in _text(workspace / "solutions" / "beta.ipynb")
    assert all(ok for *_, ok in _links(workspace))


def test_the_lessons_are_the_pages_of_the_lessons_part(root):
    pages = live.course_pages(root)
    toc = (root / "_toc.yml").read_text()
    listed = re.findall(r"- file: (lessons/[\w-]+)", toc)
    assert [f"lessons/{p.stem}" for p in pages["lessons"]] == listed and listed
    assert {p.name for p in pages["exercises"]} == {p.name for p in (root / "exercises").glob("*.ipynb")}


def test_every_role_and_directive_of_the_course_becomes_commonmark(root):
    """The conversion knows every piece of MyST markup the lessons and exercises use (no numbers
    needed: glue is filled with a stand-in)."""
    terms, refs = live.glossary(root), live.references(root)
    assert len(terms) > 20 and len(refs) > 5
    pages = live.course_pages(root)
    layout = {f"{p.parent.name}/{p.stem}": f"{p.parent.name}/{p.stem}" for ps in pages.values() for p in ps}
    for path in [*pages["lessons"], *pages["exercises"]]:
        nb = nbformat.read(path, as_version=4)
        names = set(re.findall(r"\{glue[^}]*\}`([^`:]+)", live._markdown_of(nb)))
        names |= set(re.findall(r"\{glue[^}]*\}[ \t]*(\S+)", live._markdown_of(nb)))
        values = {name: {"text/plain": "1.5"} for name in names}
        page = f"{path.parent.name}/{path.stem}"
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            text = live.markdown(cell.source, values=values, terms=terms, refs=refs, page=page, layout=layout)
            for markup in ("{glue", "{term}", "{cite", "{doc}", "{ref}", ":::", "`{"):
                assert markup not in text, (path.name, text[:300])
            for target in re.findall(r"\]\(([^)\s]+)\)", text):
                assert re.match(r"^(https?:|#)", target) or target.endswith(".ipynb"), (path.name, target)
        unknown = [t for t in re.findall(r"\{term\}`([^`<]+?)(?:\s*<([^>`]+)>)?`", live._markdown_of(nb))
                   if " ".join((t[1] or t[0]).split()).lower() not in terms]
        assert not unknown, f"{path.name}: terms missing from the glossary: {unknown}"


def test_fill_runs_from_the_command_line(course_root, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(live, "ROOT", course_root)
    assert live.main(["fill", str(tmp_path / "ws"), "--solution", "nope"]) == 2
    assert "no worked solution is called nope" in capsys.readouterr().err
    assert live.main(["fill", str(tmp_path / "ws")]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["new"]
    assert Path(tmp_path / "ws" / "lessons" / "gamma.ipynb").exists()
