"""Speed of the visual-QC helpers on a 512 x 512 image (the slider budget is well under 100 ms).

Times cellseg.drawing.error_map, cellseg.drawing.overlay_comparison, cellseg.drawing.overlay_labels,
the swipe update of the visual-QC lesson (array slicing of two precomputed overlays) and
cellseg.errors.classify_errors, best of several runs. Run::

    .venv/bin/python benchmarks/bench_qc.py
"""

import numpy as np

import cellseg
from bench_metrics import best_time  # same folder: best of several runs, in ms

from cellseg.pipeline import segment, smooth
from cellseg.synthetic import add_noise, ground_truth_labels, place_cells, render_cells

SIZE = 512


def main():
    rng = np.random.default_rng(512)
    centers = place_cells(120, shape=SIZE, min_separation=30, seed=rng, margin=12)
    image = add_noise(render_cells(centers, shape=SIZE, cell_sigma=7.0), noise_scale=0.3, seed=rng)
    truth = ground_truth_labels(centers, shape=SIZE, cell_sigma=7.0)
    pred = segment(smooth(image))
    left = cellseg.drawing.overlay_labels(image, truth)
    right = cellseg.drawing.overlay_labels(image, pred)

    def swipe(column=200):
        shown = right.copy()
        shown[:, :column] = left[:, :column]
        return shown

    rows = [
        ("cellseg.drawing.error_map (with image)", best_time(lambda: cellseg.drawing.error_map(image, truth, pred))),
        ("cellseg.drawing.overlay_comparison",
         best_time(lambda: cellseg.drawing.overlay_comparison(image, truth, pred))),
        ("cellseg.drawing.overlay_labels", best_time(lambda: cellseg.drawing.overlay_labels(image, pred))),
        ("swipe update (slicing)", best_time(swipe)),
        ("cellseg.errors.classify_errors", best_time(lambda: cellseg.errors.classify_errors(truth, pred))),
    ]
    print(f"{SIZE}x{SIZE} image, {len(centers)} cells")
    print(f"| {'step':28s} | time (ms) |")
    print(f"|{'-' * 30}|-----------|")
    for name, ms in rows:
        print(f"| {name:28s} | {ms:9.1f} |")


if __name__ == "__main__":
    main()
