"""The student edition's sources give no answer away (course.student_edition); built, in test_course_py.py."""

import importlib.util
import re

import pytest


@pytest.fixture(scope="module")
def student(root, tmp_path_factory):
    spec = importlib.util.spec_from_file_location("course_for_students", root / "course.py")
    course = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(course)
    return course.student_edition(tmp_path_factory.mktemp("student") / "source", execute=False)


def _answer_code(root):
    """Lines of the worked answers long enough to be recognised: the assigned expressions of
    ``name = expression  # SOLUTION`` and the code lines between BEGIN/END SOLUTION (not imports)."""
    found = set()
    for solution in (root / "solutions").glob("*.md"):
        text = solution.read_text(encoding="utf-8")
        found |= {m[1].strip() for m in re.finditer(r"^\s*[\w\[\], ]+ = (.+?)  # SOLUTION$", text, re.M)
                  if len(m[1].strip()) >= 15}
        for block in re.findall(r"# BEGIN SOLUTION\n(.*?)# END SOLUTION", text, re.S):
            found |= {line.strip() for line in block.splitlines()
                      if len(line.strip()) >= 25 and not line.strip().startswith(("#", "import ", "from "))}
    return found


def test_the_student_edition_has_no_instructors_page(root, student):
    assert (root / "book" / "instructor-notes.md").exists()  # the full book has it
    assert (root / "book" / "instructor-episodes.md").exists()  # and the notes per episode
    assert not [p for p in student.rglob("*") if "instructor" in p.name.lower()]
    toc = (student / "_toc.yml").read_text()
    assert "instructor" not in toc and "book/glossary" in toc
    # no link leads to a page that is not there; the sentences around it stay
    intro = (student / "book" / "intro.md").read_text()
    assert "instructor-notes.md" not in intro and "instructor notes" in intro


def test_the_student_edition_quotes_no_answer_and_no_way_to_the_solutions(root, student):
    answers = _answer_code(root)
    assert len(answers) > 20  # the search below looks for something
    notes = (root / "book" / "instructor-notes.md").read_text()
    assert "np.mean(img == top) > 0.001" in notes and "bundle --solutions" in notes  # what the notes give away
    pages = {p.relative_to(student).as_posix(): p.read_text(encoding="utf-8") for p in student.rglob("*.md")}
    for name, text in pages.items():
        assert "np.mean(img == top)" not in text and "bundle --solutions" not in text, name
        assert "instructor/live/" not in text and "What the checkers answer" not in text, name
        if name.startswith("book/"):  # the book's own pages (lessons teach code, and are checked elsewhere)
            quoted = sorted(a for a in answers if a in text)
            assert not quoted, f"{name} quotes worked answers: {quoted}"
