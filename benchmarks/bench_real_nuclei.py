"""Speed of one evaluation and of the whole parameter sweep on the real 512 x 512 nuclei image.

One *evaluation* is what the lesson "Tune and compare on real nuclei" and its
explorer do for one setting: segment the image with a classical baseline, match
the result with the annotation and compute F1, panoptic quality and the DSB score
(ten IoU thresholds), counted by tile (:func:`cellseg.scoring.count_by_region`).
The target is under 100 ms per evaluation and under 20 s for the whole sweep
(:data:`cellseg.tuning.BASELINES`, 156 settings) on two cores.

We print, for each baseline at its default setting, the best time of several
runs of segmentation alone, of scoring alone, and of both; then the time of the
whole sweep (one run, as the lesson does it), of the bootstrap and the error
classification the lesson adds, and of one update of the lesson's explorer.

Run::

    .venv/bin/python benchmarks/bench_real_nuclei.py
"""

import time

import numpy as np
from bench_metrics import best_time as best_ms  # same folder: best of several runs, in ms

from cellseg import drawing, errors, scoring, tuning
from cellseg.data import nuclei_2d

TILE = 64


def main():
    image, truth = nuclei_2d()
    image = image.astype(float)
    tiles = scoring.grid_regions(image.shape, tile_shape=(TILE, TILE))
    print(f"image {image.shape[0]}x{image.shape[1]}, {len(np.unique(truth)) - 1} annotated nuclei, "
          f"{tiles.max() + 1} tiles of {TILE}x{TILE}")
    print()
    print(f"{'baseline (default setting)':28s} {'segment':>9s} {'score':>9s} {'both':>9s}")
    worst = 0.0
    for name, method in tuning.BASELINES.items():
        labels = method(image)
        seg = best_ms(lambda: method(image))
        score = best_ms(lambda: scoring.count_by_region(truth, labels, regions=tiles).pooled())
        both = best_ms(lambda: scoring.count_by_region(truth, method(image), regions=tiles).pooled())
        worst = max(worst, both)
        print(f"{name:28s} {seg:7.1f}ms {score:7.1f}ms {both:7.1f}ms")
    print(f"{'slowest evaluation':28s} {'':9s} {'':9s} {worst:7.1f}ms   (target < 100 ms)")
    print()
    n_settings = sum(len(tuning.parameter_grid(b.grid)) for b in tuning.BASELINES.values())
    start = time.perf_counter()
    results = tuning.sweep(image, truth, regions=tiles)
    sweep_s = time.perf_counter() - start
    assert len(results) == n_settings
    print(f"whole sweep: {n_settings} settings in {sweep_s:.2f} s "
          f"({1000 * sweep_s / n_settings:.1f} ms per setting; target < 20 s)")
    counts = results[0].counts
    boot = best_ms(lambda: scoring.bootstrap_scores(counts, n_resamples=2000, seed=0), repeat=3)
    print(f"bootstrap, 2000 resamples of {counts.n_regions} tiles: {boot:.1f} ms")
    labels = tuning.BASELINES["Voronoi-Otsu"](image)
    classify = best_ms(lambda: errors.classify_errors(truth, labels, topology=False), repeat=3)
    emap = best_ms(lambda: drawing.object_error_map(image, truth, labels), repeat=3)
    print(f"error classification: {classify:.1f} ms; object error map: {emap:.1f} ms")

    def explorer_update():  # what the lesson's explorer does for one slider position
        found = tuning.BASELINES["Voronoi-Otsu"](image, spot_sigma=3.5, outline_sigma=1.0)
        scoring.count_by_region(truth, found, regions=tiles).pooled()
        errors.classify_errors(truth, found, topology=False).counts()
        return drawing.object_error_map(image, truth, found)

    print(f"explorer update (segment, score, classify, draw): {best_ms(explorer_update, repeat=5):.1f} ms")


if __name__ == "__main__":
    main()
