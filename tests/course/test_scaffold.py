"""A new lesson and exercise from one command each, in a copy of the course: they build and pass.

``python3 course.py new lesson NAME`` and ``new exercise NAME --lesson L`` (tools/scaffold.py)
write three files to edit (the lesson, the solution, the checker) and the toc line; everything
else is generated. This test does it in a temporary copy of the repository, then builds that
copy's book with warnings as errors (the new notebooks run; the others come from the test
run's executions) and feeds the new checker junk.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.book, pytest.mark.own_build]

LESSON, EXERCISE = "cell-counting", "count-the-cells"


@pytest.fixture(scope="module")
def copy(root, tmp_path_factory):
    dest = tmp_path_factory.mktemp("scaffold") / "course"
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=root,
                           capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, files):
        source = root / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    before = {p.relative_to(dest).as_posix(): p.read_bytes() for p in dest.rglob("*") if p.is_file()}
    env = dict(os.environ, PYTHONPATH=str(dest))
    for args in (["lesson", LESSON], ["exercise", EXERCISE, "--lesson", LESSON]):
        result = subprocess.run([sys.executable, str(dest / "tools" / "scaffold.py"), *args],
                                cwd=dest, capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
    after = {p.relative_to(dest).as_posix(): p.read_bytes() for p in dest.rglob("*") if p.is_file()}
    changed = {name for name in after if before.get(name) != after[name]}
    return dest, changed, env


def test_three_files_to_edit_and_the_rest_generated(copy):
    _, changed, _ = copy
    # what tools/notebooks.py derives: notebook twins, exercise pages, the book's generated blocks
    derived = {name for name in changed
               if name.endswith(".ipynb") or name.startswith(("exercises/", "book/"))}
    assert changed - derived == {f"lessons/{LESSON}.md", f"solutions/{EXERCISE}.md", "_toc.yml",
                                 "cellseg_course/checkers/cell_counting.py"}, changed - derived


def test_the_copy_builds_with_the_new_pages_and_the_checker_takes_junk(copy, tmp_path):
    dest, _, env = copy
    settings = yaml.safe_load((dest / "_config.yml").read_text(encoding="utf-8"))
    cache = os.environ.get("CELLSEG_NB_CACHE") or str(tmp_path / "cache")
    settings["execute"]["cache"] = str(Path(cache).resolve())  # only the new notebooks run
    config = tmp_path / "_config.yml"
    config.write_text(yaml.safe_dump(settings), encoding="utf-8")
    book = subprocess.run(
        [str(Path(sys.executable).with_name("jupyter-book")), "build", str(dest), "--builder", "html",
         "--config", str(config), "-W", "-n", "--keep-going", "--path-output", str(tmp_path)],
        cwd=dest, capture_output=True, text=True, env={k: v for k, v in env.items() if k != "MPLBACKEND"})
    assert book.returncode == 0, (book.stdout + book.stderr)[-5000:]
    html = tmp_path / "_build" / "html"
    lesson = (html / "lessons" / f"{LESSON}.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", lesson)
    assert re.search(r"The pipeline finds\s*8\s*cells", text), "the glued number is not on the page"
    assert (html / "exercises" / f"{EXERCISE}.html").exists()
    checks = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-n", "0",
         "--doctest-modules", "cellseg_course/checkers/cell_counting.py",
         "tests/course/test_checkers_junk.py", "-k", "count_the_cells or exported or cell_counting"],
        cwd=dest, capture_output=True, text=True, env=env)
    assert checks.returncode == 0, checks.stdout[-3000:] + checks.stderr[-2000:]
    assert " passed" in checks.stdout


def test_the_new_lesson_says_what_practises_its_objective(copy):
    """The template is a complete episode: its one objective is practised by its challenge."""
    import notebooks  # tools/notebooks.py

    dest, _, _ = copy
    structure = {lesson["name"]: (lesson, exercises) for lesson, exercises in notebooks.course_structure(dest)}
    lesson, exercises = structure[LESSON]
    text = (dest / "lessons" / f"{LESSON}.md").read_text(encoding="utf-8")
    rows = notebooks.lesson_practice(lesson, text, exercises, notebooks._quiz_sizes(dest))
    assert [(objective, [label for label, _ in refs]) for objective, refs in rows] == [
        ("Count the cells of an image with the course's pipeline.", ["Challenge: count them yourself"])]
