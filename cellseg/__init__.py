"""cellseg: the helper package of the course "Cell segmentation and its quality control".

Small functions on NumPy arrays, in the style of scikit-image:

- :mod:`cellseg.synthetic`: synthetic fluorescence images with known ground truth;
- :mod:`cellseg.acquisition`: a simulated camera (exposure, bit depth, clipping);
- :mod:`cellseg.pipeline`: smooth, threshold, label, filter, split, Voronoi-Otsu;
- :mod:`cellseg.theory`: closed-form predictions of the image model;
- :mod:`cellseg.labels`: checking, storing and loading label images;
- :mod:`cellseg.metrics`: pixel- and object-level quality measures;
- :mod:`cellseg.qc`: overlays, error maps, error tables and image reports;
- :mod:`cellseg.exercises`: the checkers used by the exercises;
- :mod:`cellseg.quiz`: the quizzes shown in the lessons.

Coordinates are ``(row, col)``; label images are integer arrays with 0 as background.
The most used functions are also available here, e.g. ``cellseg.segment``.
"""

from . import acquisition, exercises, labels, metrics, pipeline, qc, synthetic, theory
from .labels import check_label_image, describe_labels, load_labels, save_labels
from .metrics import average_precision, dice, jaccard, matching
from .pipeline import (
    MIN_CELL_SIZE,
    SMOOTH_SIGMA,
    THRESHOLD,
    cell_sizes,
    local_threshold,
    seeded_watershed,
    segment,
    smooth,
    split_touching,
    voronoi_otsu_labeling,
)
from .qc import classify_errors, error_map, image_report, overlay_boundaries, overlay_labels
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
    make_bright_dim,
    make_cluster,
    make_crowded_field,
    make_image,
    make_pair,
    make_pure_noise,
    make_uneven_illumination,
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
    # constants of the image model and the pipeline
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
    # synthetic images
    "ground_truth_labels",
    "make_bright_dim",
    "make_cluster",
    "make_crowded_field",
    "make_image",
    "make_pair",
    "make_pure_noise",
    "make_uneven_illumination",
    # segmentation
    "cell_sizes",
    "local_threshold",
    "seeded_watershed",
    "segment",
    "smooth",
    "split_touching",
    "voronoi_otsu_labeling",
    # theory
    "area_at_threshold",
    "midpoint_intensity",
    "min_separation",
    "smoothed_noise_mean",
    "smoothed_noise_std",
    "smoothed_peak",
    "smoothed_sigma",
    # label images
    "check_label_image",
    "describe_labels",
    "load_labels",
    "save_labels",
    # quality
    "average_precision",
    "classify_errors",
    "dice",
    "error_map",
    "image_report",
    "jaccard",
    "matching",
    "overlay_boundaries",
    "overlay_labels",
]
