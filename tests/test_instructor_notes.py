"""The instructor notes quote each lesson's time as the lesson itself states it."""

import re


def test_timings_match_the_lessons(root):
    notes = (root / "book" / "instructor-notes.md").read_text()
    rows = re.findall(r"^\| \[[^\]]+\]\(\.\./lessons/([\w-]+)\.md\) \| (\d+) \|", notes, re.MULTILINE)
    lessons = sorted(p.stem for p in (root / "lessons").glob("*.md"))
    assert sorted(name for name, _ in rows) == lessons, "every lesson needs a row in the table"
    for name, minutes in rows:
        text = (root / "lessons" / f"{name}.md").read_text()
        stated = re.search(r"\*\*Time:\*\* about (\d+) minutes", text)
        assert stated, f"{name}.md states no time"
        assert int(minutes) == int(stated[1]), name
