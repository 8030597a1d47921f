"""The instructor notes per episode (instructor/notes.yml -> book/instructor-episodes.md)."""

import sys

import pytest

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[2] / "tools"))
import instructor_notes  # noqa: E402
import notebooks  # noqa: E402


@pytest.fixture(scope="module")
def structure(root):
    return notebooks.course_structure(root)


@pytest.fixture(scope="module")
def page(root):
    return (root / "book" / "instructor-episodes.md").read_text(encoding="utf-8")


def _section(page, lesson):
    start = page.index(f"### [{lesson['title']}](../lessons/{lesson['name']}.md)")
    end = page.find("\n### ", start + 1)
    return page[start:end if end > 0 else None]


def test_every_episode_has_notes_a_script_and_its_own_minutes(root, structure, page):
    notes = instructor_notes.read_notes(root / "instructor" / "notes.yml")
    assert set(notes) == {lesson["name"] for lesson, _ in structure}
    for lesson, exercises in structure:
        section = _section(page, lesson)
        assert f"Teaching {lesson['teaching']} min." in section  # minutes from the front matter only
        for e in exercises:
            assert f"[{e['title']}](../exercises/{e['name']}.md) ({e['minutes']} min)" in section
        script = (root / "instructor" / "live" / f"{lesson['name']}.py").read_text(encoding="utf-8")
        assert script.rstrip() in section
        assert notes[lesson["name"]]["live"] and notes[lesson["name"]]["stall"], lesson["name"]


def test_the_mistakes_quote_what_the_checkers_say(root, structure, page):
    notes = instructor_notes.read_notes(root / "instructor" / "notes.yml")
    mistakes = [(name, m) for name, entry in notes.items() for m in entry["mistakes"]]
    assert len(mistakes) >= 20
    for name, mistake in mistakes:
        lesson = next(les for les, _ in structure if les["name"] == name)
        message = instructor_notes.checker_says(mistake["call"])
        assert f"- {mistake['did']}: *{message}*" in _section(page, lesson)


def test_a_right_answer_listed_as_a_mistake_is_refused():
    with pytest.raises(ValueError, match="listed as a mistake"):
        instructor_notes.checker_says("c.check_label_capacity(65535, np.uint16)")


def test_notes_without_an_episode_are_refused(root, structure, tmp_path, monkeypatch):
    (tmp_path / "instructor").mkdir()
    text = (root / "instructor" / "notes.yml").read_text(encoding="utf-8")
    (tmp_path / "instructor" / "notes.yml").write_text(text.replace("\nexperiment:", "\nexperiments:"))
    with pytest.raises(ValueError, match="experiment"):
        instructor_notes.episode_notes(structure, tmp_path)


def test_the_page_is_for_instructors_only(root):
    toc = (root / "_toc.yml").read_text()
    assert "file: book/instructor-episodes" in toc[toc.index("caption: Reference"):]
