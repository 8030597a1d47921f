"""Classical nucleus-segmentation baselines and a parameter sweep to tune them.

Five classical ways to turn a fluorescence image of nuclei into a label image,
each one function ``image -> labels`` with keyword-only parameters, built
from :mod:`cellseg.pipeline` and scikit-image:

- :func:`threshold_components`: smooth, threshold (a fixed value, or Otsu's
  when ``threshold`` is None), connected components, drop small objects;
- :func:`threshold_watershed`: smooth, Otsu threshold, then cut touching
  objects apart with the distance transform and a watershed
  (:func:`cellseg.splitting.split_touching`);
- :func:`cellseg.splitting.voronoi_otsu_labeling`: Voronoi-Otsu labelling;
- :func:`local_threshold_components`: smooth, threshold against a local
  background (:func:`cellseg.pipeline.local_threshold`), connected components.

:data:`BASELINES` names them with a default setting and a grid of settings to
try; :func:`parameter_grid` lists the settings of a grid and :func:`sweep`
scores every setting against a reference, region by region
(:func:`cellseg.scoring.count_by_region`), so that a method can be tuned on
one part of an image and judged on another.

Intensities are in the image's own units (here 0..255 for an 8-bit image):
``threshold`` and ``offset`` are grey levels, ``sigma``, ``size`` and
``min_distance`` are pixels, ``min_size`` is an area in pixels.
"""

import itertools
import math
from dataclasses import dataclass

import numpy as np
from skimage.filters import threshold_otsu

from . import _validate, pipeline, splitting
from .metrics import DSB_THRESHOLDS
from .scoring import best_iou, count_by_region

__all__ = [
    "Baseline",
    "BASELINES",
    "SweepResult",
    "threshold_components",
    "threshold_watershed",
    "local_threshold_components",
    "parameter_grid",
    "sweep",
]


def _otsu(smoothed):
    if smoothed.min() == smoothed.max():
        return float(smoothed.max())  # a blank image: nothing above its only value
    return float(threshold_otsu(smoothed))


def threshold_components(image, *, sigma=1.0, threshold=None, min_size=20):
    """Smooth, threshold, label connected components and drop the small ones.

    Parameters
    ----------
    image : 2-D array_like
    sigma : float, optional
        Gaussian smoothing before the threshold, in pixels (0: none).
    threshold : float, optional
        Grey level above which a pixel is foreground; None: Otsu's threshold
        of the smoothed image.
    min_size : int, optional
        Smallest object kept, in pixels.

    Returns
    -------
    labels : 2-D ndarray of int32

    Examples
    --------
    >>> image = np.zeros((20, 20)); image[3:8, 3:8] = 100; image[12:18, 10:16] = 60
    >>> int(threshold_components(image, sigma=0, threshold=50, min_size=5).max())
    2
    >>> int(threshold_components(image, sigma=0, threshold=80, min_size=5).max())
    1
    """
    smoothed = pipeline.smooth(_validate.image_2d(image, "image"),
                               sigma=_validate.real_number(sigma, "sigma", minimum=0))
    if threshold is None:
        threshold = _otsu(smoothed)
    return pipeline.segment(smoothed, threshold=threshold,
                            min_size=_validate.whole_number(min_size, "min_size"))


def threshold_watershed(image, *, sigma=1.0, min_distance=7, min_size=20):
    """Smooth, Otsu threshold, then split touching objects at the waists of the mask.

    Parameters
    ----------
    image : 2-D array_like
    sigma : float, optional
        Gaussian smoothing before the threshold, in pixels.
    min_distance : int, optional
        Smallest distance between two markers of the distance-transform
        watershed (:func:`cellseg.splitting.split_touching`), about the radius of
        the smallest nucleus.
    min_size : int, optional
        Smallest object kept, in pixels.

    Returns
    -------
    labels : 2-D ndarray of int32

    Examples
    --------
    >>> rr, cc = np.mgrid[:24, :40]
    >>> image = 100.0 * (((rr - 12)**2 + (cc - 12)**2 < 64) | ((rr - 12)**2 + (cc - 26)**2 < 64))
    >>> int(threshold_components(image, sigma=0).max()), int(threshold_watershed(image, sigma=0).max())
    (1, 2)
    """
    smoothed = pipeline.smooth(_validate.image_2d(image, "image"),
                               sigma=_validate.real_number(sigma, "sigma", minimum=0))
    labels = splitting.split_touching(smoothed > _otsu(smoothed), min_distance=min_distance)
    return pipeline.filter_by_size(labels, min_size=_validate.whole_number(min_size, "min_size"))


def local_threshold_components(image, *, sigma=1.0, size=51, offset=10.0, min_size=20):
    """Smooth, keep what is ``offset`` above the local background, connected components.

    The local background is a grey-level opening of the smoothed image over a
    ``size`` x ``size`` square (:func:`cellseg.pipeline.local_threshold`).

    Parameters
    ----------
    image : 2-D array_like
    sigma : float, optional
        Gaussian smoothing, in pixels.
    size : int, optional
        Side of the square, larger than the largest nucleus (or clump).
    offset : float, optional
        Grey levels above the local background.
    min_size : int, optional
        Smallest object kept, in pixels.

    Returns
    -------
    labels : 2-D ndarray of int32

    Examples
    --------
    >>> image = np.tile(np.linspace(0, 60, 40), (40, 1))      # a bright ramp
    >>> image[5:10, 5:10] += 30; image[30:35, 30:35] += 30     # two dim squares on it
    >>> int(local_threshold_components(image, sigma=0, size=11, offset=15, min_size=5).max())
    2
    """
    image = _validate.image_2d(image, "image")
    size = _validate.whole_number(size, "size", minimum=1)
    # A window twice as wide as the image already sees all of it (and its mirror image) from
    # every pixel, so any wider one gives the same result: cap it rather than filter for ever.
    size = min(size, 2 * max(image.shape) + 1)
    smoothed = pipeline.smooth(image, sigma=_validate.real_number(sigma, "sigma", minimum=0))
    above = smoothed - pipeline.local_threshold(smoothed, size=size, offset=offset)
    return pipeline.segment(above, threshold=0.0, min_size=_validate.whole_number(min_size, "min_size"))


@dataclass(frozen=True)
class Baseline:
    """A segmentation method with its default setting and a grid of settings to try.

    Calling it segments with the default setting, updated by any keyword given.

    Examples
    --------
    >>> fixed = Baseline(threshold_components, {"sigma": 0.0, "threshold": 50.0}, {"threshold": [30.0, 50.0]})
    >>> image = np.zeros((8, 8)); image[2:5, 2:5] = 40.0
    >>> int(fixed(image, min_size=1).max()), int(fixed(image, threshold=30.0, min_size=1).max())
    (0, 1)
    """

    function: object  #: ``function(image, **params) -> labels``
    default: dict  #: the untuned setting
    grid: dict  #: ``{parameter: list of values}``; every combination is one setting

    def __call__(self, image, **params):
        """Segment ``image`` with the default setting, updated by ``params``."""
        return self.function(image, **{**self.default, **params})


#: The classical baselines of the lesson "Tune and compare on real nuclei", for
#: 8-bit fluorescence images of nuclei about 20 pixels across. 156 settings in all.
BASELINES = {
    "fixed threshold": Baseline(
        threshold_components,
        default={"sigma": 1.0, "threshold": 40.0},
        grid={"sigma": [0.0, 1.0, 2.0, 3.0], "threshold": [25.0, 30.0, 35.0, 40.0, 45.0, 50.0, 55.0, 60.0]},
    ),
    "Otsu + components": Baseline(
        threshold_components,
        default={"sigma": 1.0, "min_size": 20},
        grid={"sigma": [0.0, 0.5, 1.0, 1.5, 2.0, 3.0], "min_size": [0, 20, 50, 100]},
    ),
    "Otsu + watershed": Baseline(
        threshold_watershed,
        default={"sigma": 1.0, "min_distance": 7},
        grid={"sigma": [0.5, 1.0, 1.5, 2.0, 3.0], "min_distance": [3, 5, 7, 9, 11, 13]},
    ),
    "Voronoi-Otsu": Baseline(
        splitting.voronoi_otsu_labeling,
        default={"spot_sigma": 2.0, "outline_sigma": 2.0},
        grid={"spot_sigma": [1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0], "outline_sigma": [0.5, 1.0, 1.5, 2.0, 3.0]},
    ),
    "local threshold": Baseline(
        local_threshold_components,
        default={"size": 51, "offset": 10.0},
        grid={"size": [15, 25, 41, 51, 81], "offset": [0.0, 5.0, 10.0, 15.0, 20.0, 25.0]},
    ),
}


#: Most combinations :func:`parameter_grid` lists (a sweep segments the image once for each).
MAX_SETTINGS = 100_000


def parameter_grid(grid):
    """Every combination of a grid's values, as a list of dicts (first parameter slowest).

    Parameters
    ----------
    grid : dict
        ``{parameter: list of values}``, at least one parameter.

    Returns
    -------
    list of dict
        One ``{parameter: value}`` per combination.

    Examples
    --------
    >>> parameter_grid({"a": [1, 2], "b": [0.5]})
    [{'a': 1, 'b': 0.5}, {'a': 2, 'b': 0.5}]
    """
    if not isinstance(grid, dict) or not grid:
        raise TypeError(f"grid must be a non-empty dict {{parameter: list of values}}, got {grid!r}.")
    names = list(grid)
    values = []
    for n in names:
        if isinstance(grid[n], (str, bytes)) or grid[n] is None:
            raise TypeError(f"grid[{n!r}] must be a list of values to try, e.g. [1.0, 2.0]; got {grid[n]!r}.")
        values.append(list(np.atleast_1d(_validate.array_like(grid[n], f"grid[{n!r}]", dtype=object)).tolist()))
    n_settings = math.prod(len(v) for v in values)
    if n_settings > MAX_SETTINGS:
        raise ValueError(
            f"grid has {n_settings} combinations, more than the {MAX_SETTINGS} a sweep can run in "
            "reasonable time (each one segments the image); pass fewer values per parameter."
        )
    return [dict(zip(names, combo)) for combo in itertools.product(*values)]


@dataclass(frozen=True, eq=False)
class SweepResult:
    """One setting of a sweep: its parameters, its counts by region, its best IoU per reference object."""

    method: str
    params: dict
    counts: object  #: :class:`cellseg.scoring.RegionCounts`
    best_iou: np.ndarray  #: for each reference object (increasing id), its best IoU


def sweep(image, y_true, *, regions, methods=None, iou_thresholds=DSB_THRESHOLDS):
    """Segment ``image`` with every setting of every method and score each against ``y_true``.

    Each segmentation is matched once with the reference on the whole image and
    counted region by region (:func:`cellseg.scoring.count_by_region`), so one
    sweep gives the scores of any part of the image (a tuning part, a test
    part, tiles).

    Parameters
    ----------
    image : 2-D array_like
    y_true : 2-D array_like of int
        The reference annotation.
    regions : 2-D array_like of int
        Region of each pixel (e.g. :func:`cellseg.scoring.grid_regions`).
    methods : dict, optional
        ``{name: Baseline}``; by default :data:`BASELINES`.
    iou_thresholds : sequence of float, optional
        IoU thresholds (must include 0.5).

    Returns
    -------
    list of SweepResult
        In the order of the methods and of :func:`parameter_grid`.

    Examples
    --------
    >>> image = np.zeros((32, 32)); image[4:12, 4:12] = 100; image[20:28, 18:26] = 50
    >>> truth = (image > 0).astype(int); truth[20:28, 18:26] = 2
    >>> tiny = {"fixed": Baseline(threshold_components, {"sigma": 0.0}, {"threshold": [25, 75]})}
    >>> results = sweep(image, truth, regions=np.zeros((32, 32), int), methods=tiny)
    >>> [(r.params["threshold"], r.counts.pooled()["f1"]) for r in results]
    [(25, 1.0), (75, 0.6666666666666666)]
    """
    methods = BASELINES if methods is None else methods
    if not isinstance(methods, dict) or not methods or not all(
            isinstance(m, Baseline) for m in methods.values()):
        raise TypeError(
            "methods must be a non-empty dict {name: Baseline}, e.g. {'Otsu': BASELINES['Otsu + components']}; "
            f"got {methods!r}."
        )
    image = _validate.image_2d(image, "image")
    # Check everything the scoring needs before the first segmentation runs.
    count_by_region(y_true, np.zeros(image.shape, np.int32), regions=regions, iou_thresholds=iou_thresholds)
    results = []
    for name, method in methods.items():
        for params in parameter_grid(method.grid):
            labels = method(image, **params)
            counts = count_by_region(y_true, labels, regions=regions, iou_thresholds=iou_thresholds)
            results.append(SweepResult(name, {**method.default, **params}, counts,
                                       best_iou(y_true, labels)[1]))
    return results
