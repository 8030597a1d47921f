"""The right answer of a quiz cannot be guessed from its length (issue 19).

A reader who learns that the right answer is often the shortest (or the longest) option
stops reading the options. Over all the quizzes, the right answer is strictly the shortest
option in at most a quarter of the questions, and strictly the longest in at most a quarter.
A slot (``[[name:.2f]]``, filled with a number when the lesson runs) counts as 4 characters.
"""

import json
import re
from importlib import resources

SLOT = re.compile(r"\[\[[^\]]*\]\]")


def _length(text):
    return len(SLOT.sub("0000", text))


def _questions():
    folder = resources.files("cellseg_course").joinpath("quizzes")
    for path in sorted(p for p in folder.iterdir() if p.name.endswith(".json")):
        for k, question in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            yield f"{path.name} question {k + 1}", question


def test_the_right_answer_is_rarely_the_shortest_or_the_longest():
    shortest, longest, n = [], [], 0
    for where, question in _questions():
        right = [_length(a["answer"]) for a in question["answers"] if a["correct"]]
        wrong = [_length(a["answer"]) for a in question["answers"] if not a["correct"]]
        assert len(right) == 1 and wrong, where
        n += 1
        if right[0] < min(wrong):
            shortest.append(where)
        if right[0] > max(wrong):
            longest.append(where)
    assert n >= 8, f"only {n} quiz questions found"
    assert len(shortest) <= n / 4, f"the right answer is the shortest in {len(shortest)} of {n}: {shortest}"
    assert len(longest) <= n / 4, f"the right answer is the longest in {len(longest)} of {n}: {longest}"


def test_no_quiz_file_gives_its_answers_away_by_length():
    """The same rule, file by file: a short quiz (one episode's) cannot lean on the others."""
    by_file = {}
    for where, question in _questions():
        name = where.split(" question ")[0]
        right = [_length(a["answer"]) for a in question["answers"] if a["correct"]]
        wrong = [_length(a["answer"]) for a in question["answers"] if not a["correct"]]
        counts = by_file.setdefault(name, [0, 0, 0])  # questions, right shortest, right longest
        counts[0] += 1
        counts[1] += right[0] < min(wrong)
        counts[2] += right[0] > max(wrong)
    assert len(by_file) >= 8, f"only {len(by_file)} quiz files found"
    bad = {name: f"{short} shortest and {long} longest of {n}" for name, (n, short, long) in by_file.items()
           if short > n / 4 or long > n / 4}
    assert not bad, f"quiz files whose right answer is too often the shortest or the longest option: {bad}"
