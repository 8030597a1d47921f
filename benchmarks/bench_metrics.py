"""Speed of cellseg.metrics.matching on a large image, against StarDist and a bare np.bincount.

Scene: a 2048 x 2048 synthetic image with about 2000 cells (built with
cellseg.synthetic), its true labels, and the labels found by cellseg.pipeline
in the noisy image. We time

- one ``np.bincount`` pass over the true label image (the floor: any method
  must at least read every pixel once);
- ``cellseg.metrics.matching`` at one threshold and at ten (0.50 ... 0.95);
- ``stardist.matching.matching`` at the same thresholds, when StarDist is
  installed (it is not a course dependency: install it in a separate
  environment to compare; its numba compilation is excluded by a warm-up call);

check that both give the same counts, and print a table (best of several runs).

Run::

    .venv/bin/python benchmarks/bench_metrics.py
    PYTHONPATH=. /work/stardist-venv/bin/python benchmarks/bench_metrics.py   # with StarDist
"""

import time

import numpy as np

from cellseg.metrics import DSB_THRESHOLDS, matching
from cellseg.pipeline import segment, smooth
from cellseg.synthetic import add_noise, ground_truth_labels, place_cells, render_cells

SIZE = 2048
N_CELLS = 2000
SIGMA = 9.0
SEED = 20260


def scene():
    rng = np.random.default_rng(SEED)
    centers = place_cells(N_CELLS, shape=SIZE, min_separation=3.5 * SIGMA, seed=rng, margin=12)
    truth = ground_truth_labels(centers, shape=SIZE, cell_sigma=SIGMA)
    image = add_noise(render_cells(centers, shape=SIZE, cell_sigma=SIGMA), noise_scale=0.3, seed=rng)
    pred = segment(smooth(image, sigma=2.0), threshold=0.5, min_size=30)
    return truth, pred


def best_time(func, repeat=7):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main():
    truth, pred = scene()
    print(
        f"image {truth.shape[0]}x{truth.shape[1]}, {len(np.unique(truth)) - 1} true objects, "
        f"{len(np.unique(pred)) - 1} predicted objects"
    )
    one, ten = 0.5, list(DSB_THRESHOLDS)
    rows = [
        ("np.bincount(y_true.ravel())", best_time(lambda: np.bincount(truth.ravel()))),
        ("cellseg matching, 1 threshold", best_time(lambda: matching(truth, pred, iou_threshold=one))),
        ("cellseg matching, 10 thresholds", best_time(lambda: matching(truth, pred, iou_threshold=ten))),
    ]
    try:
        from stardist.matching import matching as sd_matching
    except ImportError:
        sd_matching = None
        print("StarDist is not installed: only cellseg is timed (see the docstring to compare).")
    if sd_matching is not None:
        sd_matching(truth[:64, :64], pred[:64, :64])  # compile the numba kernel first
        ours = matching(truth, pred, iou_threshold=ten)
        theirs = sd_matching(truth, pred, threshold=ten)
        same = all((a.tp, a.fp, a.fn) == (b.tp, b.fp, b.fn) for a, b in zip(ours, theirs))
        print(f"same tp/fp/fn as StarDist at all ten thresholds: {same}")
        rows += [
            ("stardist matching, 1 threshold", best_time(lambda: sd_matching(truth, pred, one), 3)),
            ("stardist matching, 10 thresholds", best_time(lambda: sd_matching(truth, pred, threshold=ten), 3)),
        ]
    floor = rows[0][1]
    print(f"\n| {'method':34s} | time (ms) | x bincount |")
    print(f"|{'-' * 36}|-----------|------------|")
    for name, ms in rows:
        print(f"| {name:34s} | {ms:9.1f} | {ms / floor:10.2f} |")
    times = dict(rows)
    if sd_matching is not None:
        for n in ("1 threshold", "10 thresholds"):
            ratio = times[f"stardist matching, {n}"] / times[f"cellseg matching, {n}"]
            print(f"cellseg is {ratio:.1f}x faster than StarDist at {n}")


if __name__ == "__main__":
    main()
