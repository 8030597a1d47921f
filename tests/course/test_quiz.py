"""Every quiz file is well formed: each question has one right answer and feedback for all."""

from importlib import resources

import pytest

from cellseg_course.quiz import load_quiz

QUIZZES = sorted(
    p.name[: -len(".json")]
    for p in resources.files("cellseg_course").joinpath("quizzes").iterdir()
    if p.name.endswith(".json")
)


@pytest.mark.parametrize("name", QUIZZES)
def test_quiz_is_well_formed(name):
    questions = load_quiz(name)
    assert isinstance(questions, list) and questions
    for q in questions:
        assert q["type"] == "multiple_choice", q
        assert q["question"].strip()
        answers = q["answers"]
        assert len(answers) >= 2
        assert sum(a["correct"] is True for a in answers) == 1, q["question"]
        for a in answers:
            assert a["answer"].strip() and a["feedback"].strip(), a


def test_unknown_quiz_names_the_available_ones():
    with pytest.raises(ValueError, match="available quizzes"):
        load_quiz("no-such-quiz")
