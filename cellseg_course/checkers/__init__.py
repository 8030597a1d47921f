"""Checkers for the course's exercises.

Every exercise ends with a call such as ``check_smoothed_peak(answer)``. A
checker never raises on a wrong or missing answer: it returns a
:class:`Feedback` that the notebook displays (a green, red or grey box) and that
is truthy only when the answer is right, so a solution notebook can also
``assert`` it. An unanswered placeholder (``...`` or ``None``) gets a friendly
"not answered yet" message, which is why the exercise notebooks run from top to
bottom without errors before anyone has touched them.

One module per lesson holds its checkers (each found here by itself: a new module needs
no list); they compute the expected answer
with :mod:`cellseg`, never from a typed-in number.
"""

import importlib
import pkgutil

from .feedback import Feedback, check_number, is_placeholder, ready_to_plot

#: the modules of checkers, one per lesson: every module in this folder but ``feedback``
MODULES = tuple(
    importlib.import_module(f"{__name__}.{info.name}")
    for info in pkgutil.iter_modules(__path__)
    if info.name != "feedback"
)

__all__ = ["Feedback", "check_number", "is_placeholder", "ready_to_plot"]
for _module in MODULES:  # every checker module's public names, so a new module needs no list here
    globals().update({name: getattr(_module, name) for name in _module.__all__})
    __all__ += list(_module.__all__)
del _module
