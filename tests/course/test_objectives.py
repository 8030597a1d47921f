"""Every objective of every episode is practised (issue 20).

A lesson's front matter lists, next to its ``objectives:``, a ``practice:`` list of the same
length: entry i names what practises objective i, as ``quiz N`` (question N of the quiz the page
shows), ``challenge: TITLE`` (a ``:::{admonition} Challenge: TITLE`` block of the page) or
``exercise NAME`` (an exercise attached to the lesson). ``tools/notebooks.py`` checks the
references and writes the table objective -> practice into ``book/objectives.md``.
"""

import json
from pathlib import Path

import pytest

import notebooks  # tools/notebooks.py

ROOT = Path(__file__).resolve().parents[2]
LESSONS = sorted(p.stem for p in (ROOT / "lessons").glob("*.md"))


@pytest.fixture(scope="module")
def structure(root):
    return {lesson["name"]: (lesson, exercises) for lesson, exercises in notebooks.course_structure(root)}


@pytest.mark.parametrize("name", LESSONS)
def test_every_objective_has_practice_that_resolves(root, structure, name):
    lesson, exercises = structure[name]
    assert "practice" in lesson, (
        f"lessons/{name}.md lists no 'practice:' in its front matter: one list per objective of the "
        "quiz questions, challenges or exercises that practise it (CONTRIBUTING.md)")
    text = (root / "lessons" / f"{name}.md").read_text(encoding="utf-8")
    rows = notebooks.lesson_practice(lesson, text, exercises, notebooks._quiz_sizes(root))
    assert [objective for objective, _ in rows] == lesson["objectives"]
    for objective, refs in rows:
        assert refs, (name, objective)
        for label, target in refs:
            page, _, anchor = target.partition("#")
            assert (root / "book" / page).resolve().exists(), (name, label, target)
            if label.startswith(("Quiz", "Challenge")):  # a section of the episode, which has a heading
                assert anchor and anchor in {notebooks._anchor(m.group(2)) for m in notebooks.HEADING.finditer(text)}


def test_the_objectives_page_is_up_to_date_and_in_the_book(root, structure):
    text = (root / "book" / "objectives.md").read_text(encoding="utf-8")
    begin, end = notebooks._markers("objectives", "%")
    block = text[text.index(begin) + len(begin):text.index(end)].strip("\n")
    assert block == notebooks.objectives_page(notebooks.course_structure(root), root), (
        "book/objectives.md is out of date: run .venv/bin/python tools/notebooks.py")
    for name, (lesson, _) in structure.items():
        assert f"(../lessons/{name}.md)" in block, name
        for objective in lesson["objectives"]:
            assert " ".join(objective.split()) in block, (name, objective)
    entries = notebooks.toc_entries(root)
    assert entries.index("book/objectives") + 1 == entries.index("book/keypoints")


def test_the_page_gives_no_answer_away(root):
    """It names the practice, never its solution: no dropdown, no code, no quiz feedback."""
    block = (root / "book" / "objectives.md").read_text(encoding="utf-8")
    assert "dropdown" not in block and "```" not in block and "feedback" not in block.lower()


# --- the checks, on small fake front matters --------------------------------------------------

PAGE = """# A fake episode

## Try it

:::{admonition} Challenge: count by hand
:class: tip

Count the cells.

```{dropdown} Solution
Some.
```
:::

## Check your understanding

```{code-cell} ipython3
:tags: [remove-input]

show_quiz("fake", n=3)
```
"""


def _practice(practice, objectives=("Count cells.", "Name a threshold."), text=PAGE, exercises=("fake-ex",)):
    lesson = {"name": "fake", "objectives": list(objectives), "practice": practice}
    attached = [{"name": e, "title": e.title(), "lesson": "fake"} for e in exercises]
    return notebooks.lesson_practice(lesson, text, attached, {"fake": 2})


def test_a_good_practice_list_resolves_to_links():
    rows = _practice([["quiz 1", "challenge: count by hand"], ["exercise fake-ex", "quiz 2"]])
    assert rows == [
        ("Count cells.", [("Quiz, question 1", "../lessons/fake.md#check-your-understanding"),
                          ("Challenge: count by hand", "../lessons/fake.md#try-it")]),
        ("Name a threshold.", [("Exercise: Fake-Ex", "../exercises/fake-ex.md"),
                               ("Quiz, question 2", "../lessons/fake.md#check-your-understanding")]),
    ]


@pytest.mark.parametrize("practice, kwargs, message", [
    ([["quiz 1"]], {}, r"lessons/fake\.md: 'practice:' needs one list per objective \(2 objectives\)"),
    (None, {}, "one list per objective"),
    ([["quiz 1"], []], {}, r"objective 'Name a threshold\.' has no practice"),
    ([["quiz 1"], "quiz 2"], {}, r"objective 'Name a threshold\.' has no practice"),
    ([["quiz 3"], ["quiz 1"]], {}, r"objective 'Count cells\.'.*'quiz 3'.*has 2 questions"),
    ([["quiz 0"], ["quiz 1"]], {}, r"objective 'Count cells\.'.*'quiz 0'.*has 2 questions"),
    ([["quiz 1"], ["quiz 1"]], {"text": "# No quiz here\n"}, r"'quiz 1', but the page shows no quiz"),
    ([["quiz 1"], ["challenge: count by eye"]], {},
     r"objective 'Name a threshold\.': no ':::\{admonition\} Challenge: count by eye' in the page"),
    ([["exercise other"], ["quiz 1"]], {},
     r"objective 'Count cells\.': exercise 'other' is not one of this lesson's exercises"),
    ([["quiz one"], ["quiz 1"]], {}, r"objective 'Count cells\.': 'quiz one' is not 'quiz N'"),
    ([[3], ["quiz 1"]], {}, r"objective 'Count cells\.': 3 is not 'quiz N'"),
])
def test_a_broken_practice_list_is_refused_naming_page_and_objective(practice, kwargs, message):
    with pytest.raises(ValueError, match=message):
        _practice(practice, **kwargs)


def test_the_generator_refuses_a_broken_reference_in_a_real_tree(root, tmp_path):
    """The error reaches whoever runs tools/notebooks.py: the page is written from the same check."""
    import shutil

    for folder in ("lessons", "solutions", "book"):
        shutil.copytree(root / folder, tmp_path / folder)
    shutil.copytree(root / "cellseg_course" / "quizzes", tmp_path / "cellseg_course" / "quizzes")
    shutil.copy(root / "_toc.yml", tmp_path / "_toc.yml")
    path = tmp_path / "lessons" / "pipeline.md"
    text = path.read_text()
    quiz = json.loads((root / "cellseg_course" / "quizzes" / "pipeline.json").read_text())
    assert "    - - quiz 1\n" in text
    path.write_text(text.replace("    - - quiz 1\n", f"    - - quiz {len(quiz) + 1}\n", 1))
    with pytest.raises(ValueError, match=r"lessons/pipeline\.md: objective 'Run the four steps"):
        notebooks.objectives_page(notebooks.course_structure(tmp_path), tmp_path)
