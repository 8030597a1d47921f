"""Lessons are episodes (issue 19): 20-40 measured minutes, with their Carpentries blocks.

A lesson's front matter is ``course: {kind: lesson, part, teaching, questions, objectives,
keypoints}``; ``tools/notebooks.py`` writes from it the overview under the title and the key
points at the end of the page, and ``book/keypoints.md``. The teaching time is measured as
prose words / 100 plus one minute per code cell a learner sees.
"""

from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml

import notebooks  # tools/notebooks.py

LESSONS = sorted(p.stem for p in (Path(__file__).resolve().parents[2] / "lessons").glob("*.md"))
SHORTEST, LONGEST = 20, 40  #: an episode's measured minutes (Carpentries: one sitting)
SLACK = 5  #: how far the stated teaching time may be from the measured one


@pytest.fixture(scope="module")
def structure(root):
    return {lesson["name"]: (lesson, exercises) for lesson, exercises in notebooks.course_structure(root)}


@pytest.mark.parametrize("name", LESSONS)
def test_each_lesson_is_an_episode_of_20_to_40_minutes(root, structure, name):
    lesson, _ = structure[name]
    assert "minutes" not in notebooks.read(root / "lessons" / f"{name}.md").metadata["course"], (
        f"lessons/{name}.md still has the former front matter (minutes:); give it teaching, "
        "questions, objectives and keypoints (CONTRIBUTING.md)")
    words, cells, measured = notebooks.measure(notebooks.read(root / "lessons" / f"{name}.md"))
    assert SHORTEST <= measured <= LONGEST, (
        f"lessons/{name}.md measures {measured} minutes ({words} words of prose, {cells} shown code "
        f"cells), not {SHORTEST}-{LONGEST}: split it into episodes (or join it to one)")
    assert abs(lesson["teaching"] - measured) <= SLACK, (
        f"lessons/{name}.md states teaching: {lesson['teaching']} but measures {measured} minutes "
        f"({words} words, {cells} shown code cells)")


def _text(lesson):
    return " ".join(" ".join(lesson[key]) for key in ("questions", "objectives", "keypoints"))


def test_the_blocks_say_what_the_front_matter_says(root, structure):
    episodes = {name: found for name, found in structure.items() if "teaching" in found[0]}
    assert episodes, "no lesson uses the episode front matter"
    keypoints_page = (root / "book" / "keypoints.md").read_text()
    for name, (lesson, exercises) in episodes.items():
        text = (root / "lessons" / f"{name}.md").read_text()
        nb = jupytext.reads(text, fmt="md:myst")
        title_cell = nb.cells[0].source
        # the overview is in the title's cell, right under the title: seen first, in the book and live
        assert title_cell.split("\n", 2)[2].startswith("<!-- BEGIN GENERATED overview"), name
        expected = f"Teaching: {lesson['teaching']} min · Exercises: {sum(e['minutes'] for e in exercises)} min"
        assert expected in title_cell, name
        for key in ("questions", "objectives"):
            for item in lesson[key]:
                assert notebooks._items([item]) in title_cell, (name, key, item)
        begin = text.index("<!-- BEGIN GENERATED keypoints")
        assert begin > text.rindex("```{code-cell}"), f"{name}: the key points are not at the end"
        for item in lesson["keypoints"]:
            assert notebooks._items([item]) in text[begin:], (name, item)
            assert notebooks._items([item]) in keypoints_page, (name, item)
        assert f"(../lessons/{name}.md)" in keypoints_page
        # the hand-written boxes of the former schema are gone
        assert ":::{admonition} Learning objectives" not in text and ":::{admonition} Key points" not in text, name
        assert "**Time:** about" not in text, name


def test_the_key_points_page_is_in_the_book_by_the_glossary(root):
    assert "book/keypoints" in notebooks.toc_entries(root)
    reference = notebooks.toc_entries(root)
    assert reference.index("book/keypoints") + 1 == reference.index("book/glossary")


def test_the_sidebar_parts_come_from_the_front_matter(root, structure):
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    captions = {}
    for part in toc["parts"]:
        captions.setdefault(part["caption"], []).extend(c["file"] for c in part["chapters"])
    for name, (lesson, _) in structure.items():
        assert f"lessons/{name}" in captions[lesson["part"]], (name, lesson["part"])


def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    for kind, source, tags in cells:
        new = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(new(source, metadata={"tags": tags} if tags else {}))
    return nb


def test_measure_counts_prose_and_shown_code_only():
    generated = ("<!-- BEGIN GENERATED overview (tools/notebooks.py writes this block; do not edit it) -->\n"
                 + "many words here " * 100 + "\n<!-- END GENERATED overview -->")
    nb = _notebook(
        ("markdown", "# Title\n\n" + generated + "\n\n" + "word " * 248, []),  # 250 words besides the block
        ("code", "x = 1", []),
        ("code", "glue('x', x)", ["remove-cell"]),
        ("code", "show_quiz('q')", ["remove-input"]),
        ("code", "plot()", ["hide-input"]),
        ("code", "y = 2", ["hide-output"]),  # the code shows: it counts
        ("markdown", "% BEGIN GENERATED exercises (x)\n" + "w " * 500 + "\n% END GENERATED exercises", []),
    )
    assert notebooks.measure(nb) == (250, 2, 4)  # 2.5 + 2 minutes, rounded


@pytest.mark.parametrize("change, message", [
    (("teaching: 38", "teaching: half an hour"), "teaching"),
    (("teaching: 38", "minutes: 38"), "teaching"),  # the former schema: minutes are defined once
    (("teaching: 38", "teaching: 38\n  minutes: 38"), "not 'minutes:'"),
    (("  questions:\n", "  questions: []\n  former_questions:\n"), "questions"),
    (("  keypoints:\n", "  keypoint:\n"), "keypoints"),
])
def test_episode_front_matter_is_checked(root, tmp_path, change, message):
    import shutil

    for folder in ("lessons", "solutions"):
        shutil.copytree(root / folder, tmp_path / folder)
    shutil.copy(root / "_toc.yml", tmp_path / "_toc.yml")
    path = tmp_path / "lessons" / "images-and-labels.md"
    assert change[0] in path.read_text()
    path.write_text(path.read_text().replace(*change, 1))
    if message is None:
        structure = dict((les["name"], les) for les, _ in notebooks.course_structure(tmp_path))
        assert structure["images-and-labels"]["minutes"] == 38
    else:
        with pytest.raises(ValueError, match=message):
            notebooks.course_structure(tmp_path)
