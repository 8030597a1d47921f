"""Tune ``cellseg.segment_nuclei``'s recipe once, in units of the nucleus radius, and check it.

The recipe's sizes are fractions of the typical nucleus radius ``r`` that
:func:`cellseg.typical_radius` estimates from the image. This script

1. sweeps two methods over a grid of settings in those units on the real image
   :func:`cellseg.nuclei_2d` (Otsu + distance-transform watershed: smoothing
   ``sigma * r``, seeds ``min_distance * r`` apart, smallest object
   ``min_area * pi r^2``; Voronoi-Otsu labelling: ``spot_sigma * r`` and
   ``outline_sigma * r``, same size filter), scored by the DSB score on the
   **tuning half** (the top four rows of 64-pixel tiles, as in the lesson "Tune and
   compare on real nuclei") of the image and of copies rescaled by 0.5 and 2 (the
   same nuclei at half and twice the magnification): a recipe meant for any
   magnification is chosen by its mean over the three;
2. checks that :data:`cellseg.scale.RECIPE` is the best setting of that sweep;
3. reports the recipe's DSB score on the **test half**, with a 95 % bootstrap
   interval over the test tiles, next to the best Voronoi-Otsu setting tuned the
   same way and the lesson's pixel-unit Voronoi-Otsu tuned on the same half;
4. repeats the test-half comparison on copies of the image rescaled by 0.5 and 2
   (a lower and a higher magnification of the same nuclei: not new data, but the
   same check a new microscope makes), where the pixel-unit setting no longer fits.

Run (about ten minutes on two cores)::

    .venv/bin/python tools/tune_recipe.py
"""

import math
import sys
from pathlib import Path

import numpy as np
from skimage.transform import rescale

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cellseg  # noqa: E402
from cellseg import pipeline, scoring, splitting, tuning  # noqa: E402
from cellseg.scale import RECIPE, typical_radius  # noqa: E402

TILE = 64
FACTORS = (1.0, 0.5, 2.0)
GRIDS = {
    "Otsu + watershed": {"sigma": [0.05, 0.1, 0.15, 0.2, 0.3],
                         "min_distance": [0.4, 0.5, 0.6, 0.7, 0.8, 1.0],
                         "min_area": [0.0, 0.1, 0.2, 0.3]},
    "Voronoi-Otsu": {"spot_sigma": [0.15, 0.2, 0.25, 0.3, 0.4, 0.5],
                     "outline_sigma": [0.05, 0.1, 0.15, 0.2, 0.3],
                     "min_area": [0.0, 0.1, 0.2, 0.3]},
}


def run(method, image, r, params):
    min_size = int(round(params["min_area"] * math.pi * r**2))
    if method == "Otsu + watershed":
        return tuning.threshold_watershed(
            image, sigma=params["sigma"] * r,
            min_distance=max(1, int(round(params["min_distance"] * r))), min_size=min_size)
    labels = splitting.voronoi_otsu_labeling(
        image, spot_sigma=params["spot_sigma"] * r, outline_sigma=params["outline_sigma"] * r)
    return pipeline.filter_by_size(labels, min_size=min_size)


def scaled(image, truth, factor):
    """The image and annotation rescaled by ``factor``, with their tiles and tuning half."""
    if factor != 1:
        image = rescale(image, factor, order=1, anti_aliasing=factor < 1)
        truth = rescale(truth, factor, order=0, preserve_range=True,
                        anti_aliasing=False).astype(truth.dtype)
    return (image, truth, *halves(truth.shape, int(TILE * factor)))


def halves(shape, tile):
    tiles = scoring.grid_regions(shape, tile_shape=(tile, tile))
    tune = np.arange(tiles.max() + 1) < (tiles.max() + 1) // 2
    return tiles, tune


def test_score(truth, labels, tiles, tune, seed=0):
    counts = scoring.count_by_region(truth, labels, regions=tiles).select(~tune)
    low, high = scoring.percentile_interval(scoring.bootstrap_scores(counts, seed=seed)["dsb"])
    return counts.pooled()["dsb"], low, high


def main():
    image, truth = cellseg.nuclei_2d()
    image = image.astype(float)
    tiles, tune = halves(truth.shape, TILE)
    copies = [scaled(image, truth, f) for f in FACTORS]
    radii = [typical_radius(img) for img, _, _, _ in copies]
    print("typical_radius: " + ", ".join(f"x{f:g}: {r:.2f} px" for f, r in zip(FACTORS, radii)))
    best = {}
    for method, grid in GRIDS.items():
        for params in tuning.parameter_grid(grid):
            score = np.mean([
                scoring.count_by_region(lab, run(method, img, r, params), regions=t)
                .select(tn).pooled()["dsb"]
                for (img, lab, t, tn), r in zip(copies, radii)])
            if score > best.get(method, (-1,))[0]:
                best[method] = (score, params)
    for method, (score, params) in best.items():
        print(f"best {method} on the tuning halves: mean DSB {score:.3f} with {params}")
    winner = max(best, key=lambda m: best[m][0])
    chosen = {"method": winner, **best[winner][1]}
    assert chosen == RECIPE, f"the sweep picks {chosen}, but RECIPE is {RECIPE}"
    print(f"RECIPE = {RECIPE} is the sweep's best setting")

    # the lesson's way: Voronoi-Otsu in pixels, tuned on the same half
    vo = tuning.BASELINES["Voronoi-Otsu"]
    pixel_best = max(
        tuning.parameter_grid(vo.grid),
        key=lambda p: scoring.count_by_region(truth, vo(image, **p), regions=tiles)
        .select(tune).pooled()["dsb"])
    print(f"Voronoi-Otsu in pixels, tuned on the tuning half: {pixel_best}")
    print()
    print(f"{'image':22s} {'r (px)':>7s} {'segment_nuclei':>24s} {'VO in radius units':>24s} "
          f"{'VO in pixels':>24s}")
    for factor, (img, lab, t, tn), rr in zip(FACTORS, copies, radii):
        cells = []
        vo_radius = run("Voronoi-Otsu", img, rr, best["Voronoi-Otsu"][1])
        for labels in (cellseg.segment_nuclei(img), vo_radius, vo(img, **pixel_best)):
            s, lo, hi = test_score(lab, labels, t, tn)
            cells.append(f"{s:.3f} [{lo:.2f}, {hi:.2f}]")
        name = "nuclei_2d" if factor == 1 else f"nuclei_2d rescaled x{factor:g}"
        print(f"{name:22s} {rr:7.2f} " + " ".join(f"{c:>24s}" for c in cells))


if __name__ == "__main__":
    main()
