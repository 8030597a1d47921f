"""Multiple-choice quizzes that work in Jupyter and in the HTML book.

The questions live as JSON files in ``cellseg_course/quizzes/`` (one file per
lesson) in the format of `jupyterquiz <https://pypi.org/project/jupyterquiz/>`_,
which draws them with a little JavaScript: a reader clicks an answer and sees
whether it is right and why. Keeping the questions out of the notebook means a
learner does not see the answers in the code cell.

Numbers are never typed into a quiz: a quiz holds named *slots*, ``[[name]]``
or ``[[name:.2f]]`` (any Python format spec), and the lesson fills them with the
values it computed: ``show_quiz("pipeline", saddle=0.30, ...)``.
"""

import json
import random
import re
import zlib
from importlib import resources

__all__ = ["arrange_answers", "load_quiz", "quiz_slots", "show_quiz"]

#: jupyterquiz's colours that fall below WCAG AA's 4.5:1: its green (#009113) is the text of
#: the feedback on white (4.15:1) and the background of a right answer under light text
#: (3.98:1); this green gives 5.5:1 and 5.3:1. (Dark mode: _static/accessibility.css.)
COLORS = {"--jq-correct-color": "#007a11"}

SLOT = re.compile(r"\[\[(?P<name>[A-Za-z_]\w*)(?::(?P<spec>[^\]]*))?\]\]")


def _texts(questions):
    for q in questions:
        yield q["question"]
        for a in q["answers"]:
            yield a["answer"]
            yield a["feedback"]


def quiz_slots(questions):
    """The names of the slots used in a list of questions (see :func:`load_quiz`)."""
    return sorted({m["name"] for text in _texts(questions) for m in SLOT.finditer(text)})


def _fill(text, values):
    return SLOT.sub(lambda m: format(values[m["name"]], m["spec"] or ""), text)


def load_quiz(name, **values):
    """Return the questions of quiz ``name``, with its slots filled from ``values``.

    Each question is a dict with ``question``, ``type`` (``"multiple_choice"``)
    and ``answers``: a list of dicts with ``answer``, ``correct`` and
    ``feedback``. Exactly one answer is correct. Without ``values`` the slots
    are left as they are; with ``values`` every slot must be given.

    Examples
    --------
    >>> questions = load_quiz("pipeline")
    >>> all(len(q["answers"]) >= 2 for q in questions)
    True
    """
    folder = resources.files("cellseg_course").joinpath("quizzes")
    path = folder.joinpath(f"{name}.json")
    if not path.is_file():
        available = sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".json"))
        raise ValueError(f"no quiz named {name!r}; available quizzes: {', '.join(available)}.")
    questions = json.loads(path.read_text(encoding="utf-8"))
    if not values:
        return questions
    needed = set(quiz_slots(questions))
    missing, extra = needed - set(values), set(values) - needed
    if missing or extra:
        raise ValueError(
            f"quiz {name!r} has the slots {sorted(needed)}; missing values: {sorted(missing)}, "
            f"values for no slot: {sorted(extra)}."
        )
    for q in questions:
        q["question"] = _fill(q["question"], values)
        for a in q["answers"]:
            a["answer"] = _fill(a["answer"], values)
            a["feedback"] = _fill(a["feedback"], values)
    return questions


def arrange_answers(questions, name):
    """Move each question's right answer to a position that varies from question to question.

    The files are written with the answers in any order; a reader must not
    learn that the first (or last) answer tends to be right. Question ``i`` of
    quiz ``name`` gets its right answer at position ``(i + offset) % n`` (``n``
    answers, ``offset`` fixed per quiz from its name), the wrong answers keep
    their order around it. The result is the same on every build.

    Examples
    --------
    >>> qs = [{"answers": [{"answer": a, "correct": a == "yes"} for a in ("yes", "no", "maybe")]}] * 3
    >>> [[a["answer"] for a in q["answers"]].index("yes") for q in arrange_answers(qs, "demo")]
    [0, 1, 2]
    """
    offset = zlib.crc32(name.encode("utf-8"))
    arranged = []
    for i, q in enumerate(questions):
        right = [a for a in q["answers"] if a["correct"]]
        wrong = [a for a in q["answers"] if not a["correct"]]
        position = (i + offset) % len(q["answers"])
        arranged.append({**q, "answers": wrong[:position] + right + wrong[position:]})
    return arranged


def _as_mathml(questions):
    """The questions with their ``$...$`` formulas written as MathML (:mod:`.mathml`).

    The book loads no MathJax: the browser lays out MathML itself, in the book and in Jupyter.
    """
    from .mathml import math_in_text

    return [{**q, "question": math_in_text(q["question"]),
             "answers": [{**a, "answer": math_in_text(a["answer"]), "feedback": math_in_text(a["feedback"])}
                         for a in q["answers"]]}
            for q in questions]


def show_quiz(name, **values):
    """Display quiz ``name`` in the notebook, its slots filled from ``values``.

    The quiz's HTML element gets an id derived from ``name`` so that the same
    build always produces the same page.
    """
    from jupyterquiz import display_quiz

    questions = load_quiz(name, **values)
    if not values and quiz_slots(questions):
        raise ValueError(f"quiz {name!r} has slots {quiz_slots(questions)}: pass their values.")
    questions = arrange_answers(_as_mathml(questions), name)
    state = random.getstate()
    random.seed(f"cellseg-quiz-{name}")  # jupyterquiz draws the element id from `random`
    try:
        display_quiz(questions, shuffle_answers=False, colors=COLORS)
    finally:
        random.setstate(state)
