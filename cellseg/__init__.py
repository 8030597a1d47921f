"""cellseg: the helper package of the course "Cell segmentation and its quality control".

Small functions on NumPy arrays, in the style of scikit-image:

- :mod:`cellseg.synthetic`: synthetic fluorescence images with known ground truth;
- :mod:`cellseg.pipeline`: smooth, threshold, label and filter;
- :mod:`cellseg.theory`: closed-form predictions of the image model;
- :mod:`cellseg.labels`: checks for label images;
- :mod:`cellseg.qc`: overlays for visual quality control;
- :mod:`cellseg.exercises`: the checkers used by the exercises;
- :mod:`cellseg.quiz`: the quizzes shown in the lessons.

Coordinates are ``(row, col)``; label images are integer arrays with 0 as background.
"""

from . import exercises, labels, metrics, pipeline, qc, synthetic, theory
from .labels import check_label_image
from .pipeline import MIN_CELL_SIZE, SMOOTH_SIGMA, THRESHOLD, cell_sizes, segment, smooth
from .synthetic import (
    CELL_BRIGHTNESS,
    CELL_SIGMA,
    EDGE_MARGIN,
    IMAGE_SIZE,
    MIN_SEPARATION,
    N_CELLS,
    NOISE_SCALE,
    SEED,
    ground_truth_labels,
    make_image,
    make_pure_noise,
)
from .theory import (
    area_at_threshold,
    midpoint_intensity,
    min_separation,
    smoothed_noise_mean,
    smoothed_noise_std,
    smoothed_peak,
    smoothed_sigma,
)

__version__ = "0.1.0"

__all__ = [
    "CELL_BRIGHTNESS",
    "CELL_SIGMA",
    "EDGE_MARGIN",
    "IMAGE_SIZE",
    "MIN_CELL_SIZE",
    "MIN_SEPARATION",
    "N_CELLS",
    "NOISE_SCALE",
    "SEED",
    "SMOOTH_SIGMA",
    "THRESHOLD",
    "area_at_threshold",
    "cell_sizes",
    "check_label_image",
    "ground_truth_labels",
    "make_image",
    "make_pure_noise",
    "midpoint_intensity",
    "min_separation",
    "segment",
    "smooth",
    "smoothed_noise_mean",
    "smoothed_noise_std",
    "smoothed_peak",
    "smoothed_sigma",
]
