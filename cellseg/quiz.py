"""Multiple-choice quizzes that work in Jupyter and in the HTML book.

The questions live as JSON files in ``cellseg/quizzes/`` (one file per lesson)
in the format of `jupyterquiz <https://pypi.org/project/jupyterquiz/>`_, which
draws them with a little JavaScript: a reader clicks an answer and sees
whether it is right and why. Keeping the questions out of the notebook means a
learner does not see the answers in the code cell.
"""

import json
import random
from importlib import resources

__all__ = ["load_quiz", "show_quiz"]


def load_quiz(name):
    """Return the list of questions of quiz ``name`` (a file in ``cellseg/quizzes``).

    Each question is a dict with ``question``, ``type`` (``"multiple_choice"``)
    and ``answers``: a list of dicts with ``answer``, ``correct`` and
    ``feedback``. Exactly one answer is correct.
    """
    path = resources.files("cellseg").joinpath("quizzes", f"{name}.json")
    if not path.is_file():
        available = sorted(
            p.name[:-5] for p in resources.files("cellseg").joinpath("quizzes").iterdir()
            if p.name.endswith(".json")
        )
        raise ValueError(f"no quiz named {name!r}; available quizzes: {', '.join(available)}.")
    return json.loads(path.read_text(encoding="utf-8"))


def show_quiz(name):
    """Display quiz ``name`` in the notebook (answers in a fixed order).

    The quiz's HTML element gets an id derived from ``name`` so that the same
    build always produces the same page.
    """
    from jupyterquiz import display_quiz

    questions = load_quiz(name)
    state = random.getstate()
    random.seed(f"cellseg-quiz-{name}")  # jupyterquiz draws the element id from `random`
    try:
        display_quiz(questions, shuffle_answers=False)
    finally:
        random.setstate(state)
