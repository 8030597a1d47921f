"""Speed of the segmentation pipeline: cellseg.segment against a per-label loop, and one explorer update.

Two measurements, printed as one table (best and median of several runs):

(a) ``cellseg.segment`` (threshold, label, size filter, renumbering with one
    ``np.bincount`` and one lookup table) on a 2048 x 2048 image with about 2000
    cells, against the straightforward version that loops over the labels and
    compares the whole label image with each one (the usual first attempt).
    Both must give identical label images. Target: segment at least 50 times
    faster.
(b) One update of the lesson's explorer (smooth, threshold, label, size filter,
    colour overlay) on a 512 x 512 image. Target: under 50 ms.

The images follow the course's model (cellseg.synthetic: centres at least
``MIN_SEPARATION`` apart, Gaussian cells, clipped noise) with the default
parameters, only larger. Run::

    .venv/bin/python benchmarks/bench_pipeline.py

The loop takes tens of seconds per run, so it is repeated only a few times. The
targets are judged on the best time, the usual measure of what the code costs
(timeit's advice: slower runs are other processes interfering); the median shows
how much a busy machine adds.
"""

import statistics
import timeit

import numpy as np
from scipy import ndimage as ndi

import cellseg
from cellseg.synthetic import add_noise, place_cells, render_cells

SEED = 2026
LARGE, N_LARGE = 2048, 2000
SMALL, N_SMALL = 512, 125  # the same density of cells as the large image


def make_scene(size, n_cells, seed):
    """A size x size image of the course's model with n_cells cells."""
    rng = np.random.default_rng(seed)
    centers = place_cells(n_cells, shape=size, min_separation=cellseg.MIN_SEPARATION, seed=rng)
    signal = render_cells(centers, shape=size, cell_sigma=cellseg.CELL_SIGMA, brightness=cellseg.CELL_BRIGHTNESS)
    return add_noise(signal, noise_scale=cellseg.NOISE_SCALE, seed=rng)


def segment_loop(image, threshold=cellseg.THRESHOLD, min_size=cellseg.MIN_CELL_SIZE):
    """Threshold, label, then keep and renumber the large components one label at a time."""
    raw, n_raw = ndi.label(image > threshold)
    out = np.zeros(raw.shape, dtype=np.int32)
    next_id = 1
    for old in range(1, n_raw + 1):
        pixels = raw == old
        if pixels.sum() >= min_size:
            out[pixels] = next_id
            next_id += 1
    return out, next_id - 1


# The same lines as the update function of lessons/choosing-a-threshold.md (its explorer calls it).
def explorer_update(image, smooth_sigma, threshold, min_size):
    """Run the pipeline with the sliders' values; return the overlay (RGB) and the cell count."""
    labels = cellseg.segment(cellseg.smooth(image, sigma=smooth_sigma), threshold=threshold, min_size=min_size)
    n_cells = int(labels.max())
    return cellseg.drawing.overlay_labels(image, labels), n_cells


def timings(func, repeat):
    """Best and median wall time of ``repeat`` single calls, in milliseconds."""
    times = timeit.Timer(func).repeat(repeat=repeat, number=1)
    return 1000 * min(times), 1000 * statistics.median(times)


def main():
    rows = []

    # (a) segment against the per-label loop on a large image.
    smoothed = cellseg.smooth(make_scene(LARGE, N_LARGE, SEED))
    fast_labels = cellseg.segment(smoothed)
    n_fast = int(fast_labels.max())
    loop_labels, n_loop = segment_loop(smoothed)
    assert n_fast == n_loop and np.array_equal(fast_labels, loop_labels), "segment and the loop disagree"
    # The default image has no small components; check the size filter's path too, on an
    # unsmoothed crop where thresholding leaves thousands of specks.
    crop = make_scene(SMALL, N_SMALL, SEED + 1)
    crop_fast = cellseg.segment(crop)
    n_crop = int(crop_fast.max())
    crop_loop, _ = segment_loop(crop)
    n_specks = ndi.label(crop > cellseg.THRESHOLD)[1] - n_crop
    assert n_specks > 0 and np.array_equal(crop_fast, crop_loop), "disagreement on the speckled crop"

    fast = timings(lambda: cellseg.segment(smoothed), repeat=15)
    loop = timings(lambda: segment_loop(smoothed), repeat=3)
    name = f"{LARGE}x{LARGE}, {n_fast} cells"
    rows.append((f"cellseg.segment ({name})", *fast, ""))
    rows.append((f"per-label loop ({name})", *loop, ""))
    speedup = loop[0] / fast[0]
    rows.append(("  speed-up (best / best)", None, None, f"{speedup:.0f}x (target >= 50x)"))

    # (b) one explorer update on a 512 x 512 image, and its parts.
    image = make_scene(SMALL, N_SMALL, SEED + 2)
    args = (cellseg.SMOOTH_SIGMA, cellseg.THRESHOLD, cellseg.MIN_CELL_SIZE)
    _, n_small = explorer_update(image, *args)
    small_smoothed = cellseg.smooth(image)
    small_labels = cellseg.segment(small_smoothed)
    name = f"{SMALL}x{SMALL}, {n_small} cells"
    update = timings(lambda: explorer_update(image, *args), repeat=50)
    rows.append((f"explorer update ({name})", *update,
                 f"target < 50 ms (best): {'met' if update[0] < 50 else 'MISSED'}"))
    rows.append(("  of which smooth", *timings(lambda: cellseg.smooth(image), repeat=50), ""))
    rows.append(("  of which segment", *timings(lambda: cellseg.segment(small_smoothed), repeat=50), ""))
    rows.append(("  of which overlay_labels",
                 *timings(lambda: cellseg.drawing.overlay_labels(image, small_labels), repeat=50), ""))

    print(f"identical label images: yes ({n_fast} cells on {LARGE}x{LARGE}; "
          f"{n_specks} specks removed on an unsmoothed {SMALL}x{SMALL} check)")
    print()
    print(f"| {'what':<44} | {'best (ms)':>10} | {'median (ms)':>11} | note")
    print(f"|{'-' * 46}|{'-' * 12}|{'-' * 13}|------")
    for label, best, median, note in rows:
        cells = (f"{best:10.1f}", f"{median:11.1f}") if best is not None else (" " * 10, " " * 11)
        print(f"| {label:<44} | {cells[0]} | {cells[1]} | {note}")
    if speedup < 50 or update[0] >= 50:
        raise SystemExit("a target was missed")


if __name__ == "__main__":
    main()
