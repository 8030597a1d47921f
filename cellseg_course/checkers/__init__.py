"""Checkers for the course's exercises.

Every exercise ends with a call such as ``check_smoothed_peak(answer)``. A
checker never raises on a wrong or missing answer: it returns a
:class:`Feedback` that the notebook displays (a green, red or grey box) and that
is truthy only when the answer is right, so a solution notebook can also
``assert`` it. An unanswered placeholder (``...`` or ``None``) gets a friendly
"not answered yet" message, which is why the exercise notebooks run from top to
bottom without errors before anyone has touched them.

One module per lesson holds its checkers; they compute the expected answer
with :mod:`cellseg`, never from a typed-in number.
"""

from .cells_in_3d import EXERCISE_STACK, check_surface_areas, check_voxel_factor, check_volumes
from .experiment import check_bad_wells
from .feedback import Feedback, check_number, is_placeholder, ready_to_plot
from .images import check_clipped, check_label_capacity, check_label_dtype, check_underexposed
from .metrics import (
    check_last_threshold,
    check_object_counts,
    check_object_scores,
    check_pixel_counts,
    check_pixel_scores,
    check_shift_limit,
)
from .model import check_smoothed_peak
from .real_nuclei import check_beat_the_baseline
from .splitting import (
    check_adaptive_labels,
    check_count_statistics,
    check_failure_level,
    check_global_count,
    check_intensity_classes,
    check_pair_split,
)

__all__ = [
    "Feedback",
    "check_number",
    "is_placeholder",
    "ready_to_plot",
    "check_smoothed_peak",
    "check_label_dtype",
    "check_label_capacity",
    "check_clipped",
    "check_underexposed",
    "check_pixel_counts",
    "check_pixel_scores",
    "check_object_counts",
    "check_object_scores",
    "check_last_threshold",
    "check_shift_limit",
    "check_pair_split",
    "check_intensity_classes",
    "check_count_statistics",
    "check_failure_level",
    "check_global_count",
    "check_adaptive_labels",
    "check_beat_the_baseline",
    "EXERCISE_STACK",
    "check_volumes",
    "check_surface_areas",
    "check_voxel_factor",
    "check_bad_wells",
]
