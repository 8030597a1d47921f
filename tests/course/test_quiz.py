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


# --- numbers come from the lessons; answers do not give themselves away -----------------------

import ast  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

from cellseg_course.quiz import SLOT, arrange_answers, quiz_slots  # noqa: E402

LESSONS = Path(__file__).resolve().parents[2] / "lessons"

# Digits allowed outside slots: definitions, not results (type names, bit counts, formulas).
DEFINITIONS = [
    "F1", "2-D", "3-D", "uint16", "uint8", "int16", "4-connectivity", "8-connectivity",
    "connectivity=1", "connectivity=2",
    "16 bits", "lowest 8 bits", "2^16 - 1", "2^[[bits]] - 1", "0 to", "labels 1 to", "np.unique(labels)) - 1",
    "D / (2 - D)", "(2 - D) / D", "sqrt(2 pi)", "2 pi sigma_eff^2", "[[sigma:g]]² + [[sigma_s:g]]²",
]


def quiz_texts(questions):
    for q in questions:
        yield q["question"]
        for a in q["answers"]:
            yield a["answer"]
            yield a["feedback"]


def show_quiz_keywords(name):
    """The keywords of the lesson's show_quiz("NAME", ...) call (parsed, not run)."""
    source = (LESSONS / f"{name}.md").read_text(encoding="utf-8")
    calls = []
    for block in source.split("```{code-cell} ipython3")[1:]:
        code = "\n".join(line for line in block.split("\n```", 1)[0].splitlines() if not line.startswith(":tags:"))
        if "show_quiz(" not in code:
            continue
        for node in ast.walk(ast.parse(code)):
            if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "show_quiz"
                    and node.args and getattr(node.args[0], "value", None) == name):
                calls.append({k.arg for k in node.keywords})
    assert len(calls) == 1, f"lessons/{name}.md must show quiz {name!r} exactly once, found {len(calls)}"
    return calls[0]


@pytest.mark.parametrize("name", QUIZZES)
def test_every_slot_is_filled_by_its_lesson(name):
    slots = set(quiz_slots(load_quiz(name)))
    keywords = show_quiz_keywords(name)
    assert keywords == slots, f"missing: {sorted(slots - keywords)}, unused: {sorted(keywords - slots)}"


@pytest.mark.parametrize("name", QUIZZES)
def test_no_number_is_typed_into_a_quiz(name):
    for text in quiz_texts(load_quiz(name)):
        for phrase in DEFINITIONS:
            text = text.replace(phrase, " ")
        text = SLOT.sub(" ", text)
        assert not re.search(r"[0-9]", text), f"a typed number in quiz {name!r}: {text!r}"


def test_the_right_answer_is_neither_in_one_place_nor_the_longest():
    positions, longest, n = {}, 0, 0
    for name in QUIZZES:
        for q in arrange_answers(load_quiz(name), name):
            answers = q["answers"]
            right = [a["correct"] for a in answers].index(True)
            positions[right] = positions.get(right, 0) + 1
            lengths = [len(SLOT.sub("xx", a["answer"])) for a in answers]
            longest += lengths[right] > max(length for k, length in enumerate(lengths) if k != right)
            n += 1
    assert max(positions.values()) <= 0.4 * n, positions
    assert longest <= n / 5, f"the right answer is the longest in {longest} of {n} questions"


def test_arranging_keeps_every_answer():
    for name in QUIZZES:
        for before, after in zip(load_quiz(name), arrange_answers(load_quiz(name), name)):
            assert sorted(a["answer"] for a in before["answers"]) == sorted(a["answer"] for a in after["answers"])
