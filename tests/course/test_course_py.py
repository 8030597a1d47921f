"""course.py: the learner's workspace, the pre-flight check, the student edition, the bundle, page."""

import html
import json
import re
import subprocess
import sys
import zipfile

import pytest

import notebooks  # tools/notebooks.py


# --------------------------------------------------------------------------- the workspace
# (course.py lab itself: tests/course/test_lab.py and tests/course/test_workspace.py)


def test_the_workspace_is_ignored_by_git_and_the_book(root):
    assert "workspace/" in (root / ".gitignore").read_text().splitlines()
    assert '"workspace"' in (root / "_config.yml").read_text()


def test_course_py_starts_jupyterlab_and_finds_chromium_as_the_check_does(course, tmp_path, monkeypatch):
    # course.py runs before the course's environment exists, so it keeps its own copies of
    # labcheck's settings and Chromium search: they must not drift apart
    from cellseg_course import labcheck

    assert course.LAB_SETTINGS == labcheck.LAB_SETTINGS
    fake = tmp_path / "my-chromium"
    fake.write_text("")
    for given, found in ((str(fake), str(fake)), (str(tmp_path / "missing"), None)):
        monkeypatch.setenv("CELLSEG_CHROMIUM", given)
        assert course.find_chromium() == labcheck.find_chromium() == found
    monkeypatch.delenv("CELLSEG_CHROMIUM")
    monkeypatch.setenv("PATH", str(tmp_path))  # neither finds one where there is none
    assert course.find_chromium() is labcheck.find_chromium() is None


# --------------------------------------------------------------------------- check


def test_check_lists_each_failure_with_what_to_do(root, course, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(course, "VENV", tmp_path / "no-venv")
    monkeypatch.setattr(course, "STAMP", tmp_path / "no-venv" / "stamp")
    monkeypatch.setattr(course, "other_environment", lambda: None)  # nor a conda environment with the course
    with pytest.raises(SystemExit) as stop:
        course.check(None)
    assert stop.value.code == 1
    out = capsys.readouterr().out
    assert "PASS  Python" in out
    assert "FAIL  the course's environment" in out and "-> Run python3 course.py build" in out
    for what, _, todo in course.CHECKS:  # every check says what to do when it fails
        assert todo.endswith(".") and len(todo) > 20


# --------------------------------------------------------------------------- instructors


def _solution_only_texts(root):
    """Sentences and code lines that only a solution shows (none of them may reach a learner)."""
    public = "\n".join(p.read_text() for d in ("lessons", "exercises") for p in (root / d).glob("*.md"))
    public = " ".join(re.sub(r"[`*${}\\]", "", public).split())
    texts = set()
    for md in (root / "solutions").glob("*.md"):
        nb = notebooks.read(md)
        for cell in nb.cells:
            if "solution" in cell.metadata.get("tags", []) and cell.cell_type == "markdown":
                words = re.sub(r"[`*${}\\]", "", cell.source.split("\n")[0])[:40].strip()
                if len(words) > 25 and words not in public and "glue:" not in words and "^" not in words:
                    texts.add(" ".join(words.split()))
            if cell.cell_type == "code":
                for line in cell.source.splitlines():
                    if line.rstrip().endswith("# SOLUTION"):
                        rhs = line.split("=", 1)[1].rsplit("#", 1)[0].strip()
                        if len(rhs) > 12 and rhs not in public:
                            texts.add(" ".join(rhs.split()))
    return texts


@pytest.fixture(scope="module")
def student_html(root, course, tmp_path_factory):
    """The student edition, built once (without running the notebooks: only its pages and links count)."""
    tmp = tmp_path_factory.mktemp("student")
    source = course.student_edition(tmp / "source", execute=False)
    jupyter_book = course.venv_bin("jupyter-book")
    exe = str(jupyter_book) if jupyter_book.exists() else "jupyter-book"
    result = subprocess.run([exe, "build", str(source), "--builder", "html", "-q", "--path-output", str(tmp)],
                            capture_output=True, text=True, cwd=source)
    assert result.returncode == 0, (result.stdout + result.stderr)[-4000:]
    return tmp / "_build" / "html"


@pytest.mark.book
@pytest.mark.own_build
def test_student_edition_has_no_solution_page_link_or_text(root, student_html):
    pages = {p.relative_to(student_html).as_posix(): p.read_text(errors="replace")
             for p in student_html.rglob("*.html")}
    assert "exercises/watershed.html" in pages and "lessons/pipeline.html" in pages
    assert not [p for p in pages if p.startswith("solutions/")]
    assert not list(student_html.rglob("*solution*.ipynb"))
    leaks = {p for p, text in pages.items() if "solutions/" in text or "worked solution</a>" in text}
    assert not leaks, f"pages that point at the solutions: {sorted(leaks)}"
    texts = _solution_only_texts(root)
    assert len(texts) > 10  # the search below looks for something
    raw = "\n".join(pages.values()) + "\n".join(
        p.read_text(errors="replace") for p in student_html.rglob("*") if p.suffix in (".js", ".txt", ".ipynb", ".md"))
    everything = " ".join(html.unescape(re.sub(r"<[^>]+>", "", raw)).split())  # the text a reader sees
    found = sorted(t for t in texts if t in everything)
    assert not found, f"solution text in the student edition: {found}"
    # the search index and the navigation have no Solutions part
    assert "Solutions" not in pages["index.html"] + pages["lessons/pipeline.html"].split("</nav>")[0]


def test_student_edition_sources(course, tmp_path):
    source = course.student_edition(tmp_path / "s")
    assert not (source / "solutions").exists()
    assert "solutions/" not in (source / "_toc.yml").read_text()
    config = (source / "_config.yml").read_text()
    assert "use_repository_button: false" in config and "execute_notebooks: cache" in config
    nb = json.loads((source / "exercises" / "watershed.ipynb").read_text())
    assert "solutions/" not in json.dumps(nb)


def test_bundles_hold_the_notebooks_and_what_they_import(root, course, tmp_path):
    path = course.write_bundle(tmp_path / "cellseg-course-exercises.zip", "exercises")
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        zf.extractall(tmp_path)
        texts = [zf.read(n).decode() for n in names if n.endswith(".ipynb")]
    top = tmp_path / "cellseg-course-exercises"
    assert sorted(n.split("/")[-1] for n in names if n.endswith(".ipynb")) == sorted(
        p.name for p in (root / "exercises").glob("*.ipynb"))
    assert not [n for n in names if "solutions/" in n or n.endswith(".pyc")]
    assert not [t for t in texts if "solutions/" in t or "# SOLUTION" in t]
    assert (top / "README.txt").exists() and (top / "cellseg_course" / "quizzes").is_dir()
    # a notebook opened in the unpacked folder imports the packages next to it
    result = subprocess.run([sys.executable, "-E", "-s", "-c",
                             "import cellseg, cellseg_course.checkers; print(cellseg.__file__)"],
                            cwd=top, capture_output=True, text=True)
    assert result.returncode == 0 and str(top) in result.stdout, result.stderr
    solutions = course.write_bundle(tmp_path / "cellseg-course-solutions.zip", "solutions")
    with zipfile.ZipFile(solutions) as zf:
        assert sum(n.endswith(".ipynb") for n in zf.namelist()) == len(list((root / "solutions").glob("*.ipynb")))


# --------------------------------------------------------------------------- page


@pytest.mark.book
@pytest.mark.own_build
def test_page_prints_an_address_that_exists_with_links_terms_and_citations(root, course, tmp_path):
    if not course.venv_bin("jupyter-book").exists():
        pytest.skip("needs the course environment in .venv/ (python3 course.py build makes it)")
    result = subprocess.run(
        [sys.executable, str(root / "course.py"), "page", "lessons/pipeline.md", "--no-execute",
         "--output", str(tmp_path)],
        capture_output=True, text=True, cwd=root,
    )
    out = result.stdout + result.stderr
    assert result.returncode == 0, out[-4000:]
    address = re.search(r"file://\S+", out)[0]
    page = course.page_address(root / "lessons" / "pipeline.md", tmp_path)
    assert address == page.as_uri() and page.exists()
    html = page.read_text()
    assert 'href="../book/glossary.html#term-' in html  # glossary terms
    assert 'href="../book/references.html#' in html  # citations
    assert 'href="choosing-a-threshold.html' in html  # links to other pages
    # the output keeps what a user needs: no kernel chatter, no per-page progress, no glue noise
    assert "Kernel is running over TCP" not in out and "writing output" not in out
    assert "glue data" not in out
    assert len(out.splitlines()) < 30, out
