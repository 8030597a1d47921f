"""Speed of cellseg.image_qc.image_report and batch_report.

Scenes follow the course's model (cellseg.synthetic cells on a background,
recorded by cellseg.acquisition.acquire as 12-bit images). We time one
``image_report`` on images of 128 x 128 up to 2048 x 2048 pixels and a
``batch_report`` of 50 images of 256 x 256 (without the progress bar), best
and median of several runs. The report is run once per image before
segmentation, not inside a slider, so a fraction of a second on a large image
is fine. Run::

    .venv/bin/python benchmarks/bench_image_qc.py
"""

import statistics
import time

import numpy as np

from cellseg.acquisition import acquire
from cellseg.image_qc import batch_report, image_report
from cellseg.synthetic import place_cells, render_cells


def camera_image(size, seed=0):
    rng = np.random.default_rng(seed)
    n_cells = max(1, int(8 * (size / 128) ** 2 * 0.9))
    centers = place_cells(n_cells, shape=size, min_separation=24, seed=rng)
    signal = render_cells(centers, shape=size) + 0.6
    return acquire(signal, 2000, bit_depth=12, noise_scale=0.15, seed=seed)


def timed(fn, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main():
    print("| what | pixels | best (ms) | median (ms) |")
    print("|---|---|---|---|")
    for size, repeats in [(128, 20), (512, 10), (1024, 5), (2048, 3)]:
        img = camera_image(size)
        best, med = timed(lambda: image_report(img, bit_depth=12), repeats)
        print(f"| image_report | {size} x {size} | {best * 1e3:.1f} | {med * 1e3:.1f} |")
    batch = [camera_image(256, seed=s) for s in range(50)]
    best, med = timed(lambda: batch_report(batch, bit_depth=12, progress=False), 3)
    print(f"| batch_report, 50 images | 256 x 256 each | {best * 1e3:.0f} | {med * 1e3:.0f} |")


if __name__ == "__main__":
    main()
