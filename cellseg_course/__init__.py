"""cellseg_course: what the course's notebooks and book need, apart from the science.

The science (images, pipeline, theory, metrics, drawing) is the package :mod:`cellseg`,
which a practitioner can use on its own. This package holds the course machinery:

- :func:`glue`: store a computed value for the book's prose;
- :func:`show_quiz`: multiple-choice quizzes, with numbers filled in from code;
- :mod:`cellseg_course.explorers`: sliders, live in Jupyter and precomputed for the HTML book;
- :mod:`cellseg_course.checkers`: the checkers of the exercises.
"""

from .book import glue
from .figures import show_phone_figures, watch_figures
from .quiz import load_quiz, show_quiz

watch_figures()  # measures figures only when CELLSEG_FIGURE_CHECK is set (tools/figure_text.py)
show_phone_figures()  # in a kernel: each figure also laid out for a phone, for the book

__all__ = ["glue", "load_quiz", "show_quiz"]
