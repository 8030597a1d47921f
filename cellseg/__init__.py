"""cellseg: the helper package of the course "Cell segmentation and its quality control".

Small functions on NumPy arrays, in the style of scikit-image:

- :mod:`cellseg.synthetic`: synthetic fluorescence images with known ground truth;
- :mod:`cellseg.acquisition`: a simulated camera (exposure, bit depth, clipping);
- :mod:`cellseg.theory`: closed-form predictions of the image model;
- :mod:`cellseg.image_qc`: is the image fit to segment (exposure, clipping, noise, background)?
- :mod:`cellseg.pipeline`: smooth, threshold, label, filter by size, local threshold;
- :mod:`cellseg.splitting`: split touching cells (watershed, Voronoi-Otsu), erode labels;
- :mod:`cellseg.labels`: checking, storing and loading label images;
- :mod:`cellseg.drawing`: overlays and error maps, to check a segmentation by eye;
- :mod:`cellseg.metrics`: pixel- and object-level quality measures;
- :mod:`cellseg.errors`: the errors of a segmentation, object by object, and injected errors;
- :mod:`cellseg.scoring`: scores by region (tuning and test parts, tiles), bootstrap
  intervals, sparse scores and a simulated second annotator;
- :mod:`cellseg.scale`: the typical nucleus radius of an image and a recipe in units of it;
- :mod:`cellseg.tuning`: classical baselines for nuclei and a parameter sweep;
- :mod:`cellseg.io`: reading TIFF/OME-TIFF files with their pixel size;
- :mod:`cellseg.data`: real images with their annotations (:func:`nuclei_2d`);
- :mod:`cellseg.measure`: a table per object (2-D and 3-D, a DataFrame with QC flags), and
  volume, surface area and sphericity of 3-D objects, in micrometres;
- :mod:`cellseg.synthetic3d`, :mod:`cellseg.theory3d`, :mod:`cellseg.pipeline3d`: the image
  model, its theory and the pipeline for z-stacks, with lengths in micrometres (their
  ``smooth``/``segment``/``smoothed_*`` share names with the 2-D ones, so they are reached
  through their modules, e.g. ``cellseg.pipeline3d.smooth``).

Coordinates are ``(row, col)``; label images are integer arrays with 0 as background.
Every public function is reachable as ``cellseg.NAME`` and as ``cellseg.MODULE.NAME``.
The course's notebooks use a second package, ``cellseg_course`` (glue, quizzes,
checkers); this one never imports it.
"""

from . import (
    acquisition,
    data,
    drawing,
    errors,
    image_qc,
    io,
    labels,
    measure,
    metrics,
    pipeline,
    scale,
    scoring,
    pipeline3d,
    splitting,
    synthetic,
    synthetic3d,
    theory,
    tuning,
    theory3d,
)
from .labels import check_label_image, describe_labels, load_labels, save_labels
from .measure import measure_objects, sphericity, surface_area, surface_mesh, volume
from .metrics import average_precision, dice, jaccard, jaccard_index_sparse, matching
from .data import nuclei_2d
from .drawing import (
    error_map,
    object_error_map,
    overlay_boundaries,
    overlay_comparison,
    overlay_labels,
    show_comparison,
)
from .errors import classify_errors, inject_error
from .image_qc import batch_report, image_report
from .io import read_folder, read_image
from .scale import segment_nuclei, typical_radius
from .scoring import bootstrap_scores, count_by_region, percentile_interval, simulate_annotator
from .tuning import BASELINES, sweep
from .pipeline import (
    MIN_CELL_SIZE,
    SMOOTH_SIGMA,
    THRESHOLD,
    cell_sizes,
    filter_by_size,
    local_threshold,
    segment,
    smooth,
)
from .pipeline3d import filter_by_volume, resample_isotropic
from .splitting import erode_labels, seeded_watershed, split_touching, voronoi_otsu_labeling
from .synthetic import (
    CELL_BRIGHTNESS,
    Scene,
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
from .synthetic3d import draw_nuclei, ellipsoid_mask, make_volume
from .theory3d import ellipsoid_surface_area, ellipsoid_volume, volume_at_threshold

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
    "Scene",
    "ground_truth_labels",
    "make_bright_dim",
    "make_cluster",
    "make_crowded_field",
    "make_image",
    "make_pair",
    "make_pure_noise",
    "make_uneven_illumination",
    # real images and files
    "nuclei_2d",
    "read_folder",
    "read_image",
    "draw_nuclei",
    "ellipsoid_mask",
    "make_volume",
    # segmentation
    "cell_sizes",
    "erode_labels",
    "filter_by_size",
    "local_threshold",
    "seeded_watershed",
    "segment",
    "smooth",
    "split_touching",
    "voronoi_otsu_labeling",
    "BASELINES",
    "sweep",
    "segment_nuclei",
    "typical_radius",
    "filter_by_volume",
    "resample_isotropic",
    # measuring objects (a table per object; volumes and surfaces in 3-D)
    "measure_objects",
    "sphericity",
    "surface_area",
    "surface_mesh",
    "volume",
    # theory
    "area_at_threshold",
    "midpoint_intensity",
    "min_separation",
    "smoothed_noise_mean",
    "smoothed_noise_std",
    "smoothed_peak",
    "smoothed_sigma",
    "ellipsoid_surface_area",
    "ellipsoid_volume",
    "volume_at_threshold",
    # label images
    "check_label_image",
    "describe_labels",
    "load_labels",
    "save_labels",
    # quality
    "average_precision",
    "batch_report",
    "classify_errors",
    "dice",
    "error_map",
    "image_report",
    "inject_error",
    "jaccard",
    "jaccard_index_sparse",
    "matching",
    "overlay_boundaries",
    "overlay_comparison",
    "overlay_labels",
    "show_comparison",
    "object_error_map",
    "count_by_region",
    "bootstrap_scores",
    "percentile_interval",
    "simulate_annotator",
]
