"""Speed of the splitting lesson's operations on realistic image sizes.

Measurements, printed as one table (best and median of several runs):

(a) ``voronoi_otsu_labeling`` on the crowded field (``make_crowded_field()``:
    512 x 512 pixels, 400 cells), and one update of the lesson's explorer
    (the labelling plus ``drawing.overlay_boundaries``, what every slider move
    recomputes). Target: well under 100 ms.
(b) The noise-vs-count computation of the exercise: 50 images at each of the
    5 noise levels, smoothed and segmented (``cellseg.pipeline.count_cells``
    without its cache), and the vectorised variant the solution shows (cells and
    noise drawn once per seed and reused for every level, all levels smoothed and
    labelled as one stack). Target: well under a minute (a few seconds).
(c) The background estimate of ``local_threshold`` (a grey opening of a 51 x 51
    square) against a local 20th percentile (a common alternative), with ``scipy.ndimage.percentile_filter`` and with
    ``scipy.ndimage.generic_filter`` + ``numpy.percentile`` (a Python call per
    pixel; timed once, on a 128 x 128 image only, because it is so slow).

Run::

    .venv/bin/python benchmarks/bench_splitting.py

The best time is the usual measure of what the code costs (slower runs are other
processes interfering); the median shows how much a busy machine adds.
"""

import statistics
import timeit

import numpy as np
from scipy import ndimage as ndi

from cellseg import drawing, pipeline, splitting, synthetic

NOISE_LEVELS = (0.05, 0.10, 0.15, 0.20, 0.25)  #: the levels of the noise-vs-count exercise
N_IMAGES = 50  #: images per level; image i uses seed SEED + i


def _times(func, repeat, number=1):
    runs = [t / number for t in timeit.repeat(func, repeat=repeat, number=number)]
    return min(runs), statistics.median(runs)


def counts_loop(levels=NOISE_LEVELS, n_images=N_IMAGES):
    """The plain version: one image at a time."""
    return np.array([
        pipeline.count_cells(synthetic.make_image(noise_scale=v, seed=synthetic.SEED + i).image
                             for i in range(n_images))
        for v in levels
    ])


def counts_vectorised(levels=NOISE_LEVELS, n_images=N_IMAGES):
    """Cells and standard-normal noise drawn once per seed, every level from them."""
    levels = np.asarray(levels, dtype=float)
    structure = np.zeros((3, 3, 3), bool)
    structure[1] = ndi.generate_binary_structure(2, 1)  # no connections between images
    counts = np.empty((len(levels), n_images), dtype=int)
    for i in range(n_images):
        rng = np.random.default_rng(synthetic.SEED + i)
        centers = synthetic.place_cells(
            synthetic.N_CELLS,
            shape=synthetic.IMAGE_SIZE,
            min_separation=synthetic.MIN_SEPARATION,
            seed=rng,
        )
        signal = synthetic.render_cells(centers)
        z = rng.standard_normal(signal.shape)
        stack = np.clip(signal + levels[:, None, None] * z, 0, None)
        smoothed = ndi.gaussian_filter(stack, sigma=(0, pipeline.SMOOTH_SIGMA, pipeline.SMOOTH_SIGMA))
        raw, n_raw = ndi.label(smoothed > pipeline.THRESHOLD, structure=structure)
        sizes = np.bincount(raw.ravel(), minlength=n_raw + 1)
        big = sizes >= pipeline.MIN_CELL_SIZE
        big[0] = False
        # the plane of every component: its first pixel's index divided by the plane size
        first = ndi.minimum(np.arange(raw.size).reshape(raw.shape), raw, np.arange(1, n_raw + 1))
        plane = (np.asarray(first) // signal.size).astype(int)
        counts[:, i] = np.bincount(plane[big[1:]], minlength=len(levels))
    return counts


def main():
    rows = []
    image = synthetic.make_crowded_field().image
    best, median = _times(lambda: splitting.voronoi_otsu_labeling(image, spot_sigma=3, outline_sigma=2), repeat=15)
    rows.append(("voronoi_otsu_labeling, crowded field 512x512", best, median))
    best, median = _times(
        lambda: drawing.overlay_boundaries(image,
                                           splitting.voronoi_otsu_labeling(image, spot_sigma=3, outline_sigma=2)),
        repeat=15
    )
    rows.append(("explorer update (labelling + outline overlay), 512x512", best, median))

    assert np.array_equal(counts_loop(), counts_vectorised()), "the two versions must agree"
    best, median = _times(counts_loop, repeat=3)
    rows.append(("noise vs count, 5 x 50 images, loop", best, median))
    best, median = _times(counts_vectorised, repeat=3)
    rows.append(("noise vs count, 5 x 50 images, vectorised", best, median))

    for size in (128, 512):
        img = pipeline.smooth(synthetic.make_crowded_field(
            n_cells=size * size // 650, shape=size).image)
        best, median = _times(lambda: pipeline.local_threshold(img, size=51), repeat=7)
        rows.append((f"local_threshold (grey opening 51), {size}x{size}", best, median))
        best, median = _times(lambda: ndi.percentile_filter(img, 20, size=51), repeat=2)
        rows.append((f"percentile_filter 20 %, 51x51, {size}x{size}", best, median))
    img = pipeline.smooth(synthetic.make_uneven_illumination().image)
    best, median = _times(
        lambda: ndi.generic_filter(img, lambda v: np.percentile(v, 20), size=51), repeat=1
    )
    rows.append(("generic_filter + np.percentile, 51x51, 128x128", best, median))

    width = max(len(r[0]) for r in rows)
    print(f"{'operation':<{width}}  {'best (ms)':>10}  {'median (ms)':>11}")
    for name, best, median in rows:
        print(f"{name:<{width}}  {best * 1e3:10.1f}  {median * 1e3:11.1f}")


if __name__ == "__main__":
    main()
