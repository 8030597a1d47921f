"""The coverage table of the instructor notes: every place it names exists, it is up to date."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import coverage_table as coverage  # noqa: E402  (tools/coverage_table.py)


def test_every_place_resolves_to_a_label_or_heading():
    assert coverage.problems(coverage.load()) == []


def test_most_topics_are_taught_and_every_other_one_says_why():
    topics = coverage.load()
    total, taught = coverage.counts(topics)
    assert total >= 140 and taught >= 130, (total, taught)
    for item in (i for t in topics for i in t["items"]):
        assert ("at" in item) != ("omitted" in item), item
        if "omitted" in item:
            assert len(item["omitted"].split()) >= 6, item  # a reason, not a word


def test_the_table_in_the_instructor_notes_is_up_to_date():
    text = coverage.NOTES.read_text(encoding="utf-8")
    assert coverage.rendered(text, coverage.load()) == text, "run tools/coverage_table.py"


def test_a_missing_place_is_reported(tmp_path):
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "a.md").write_text(
        "# Title\n\n(my-label)=\n## A *real* heading\n\n```{code-cell} ipython3\n# not a heading\n```\n"
    )
    labels, headings = coverage.targets(tmp_path)
    assert set(labels) == {"my-label"} and set(headings) == {"Title", "A real heading"}
    topics = [{"topic": "t", "items": [
        {"item": "ok", "at": ["my-label", "A real heading"]},
        {"item": "bad", "at": ["not a heading"]},
        {"item": "both", "at": ["Title"], "omitted": "because of a good reason here"},
    ]}]
    found = coverage.problems(topics, tmp_path)
    assert len(found) == 2 and "'not a heading'" in found[0] and "either" in found[1]


def test_the_data_never_names_what_the_course_was_written_from():
    text = coverage.DATA.read_text(encoding="utf-8").lower()
    for phrase in ("source material", "the slides", "seeds/", "blog post", "lecture"):
        assert phrase not in text, phrase
