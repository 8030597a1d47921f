"""Speed and accuracy of ``cellseg.typical_radius`` against ``skimage.feature.blob_log``.

Both detect blobs with the scale-normalised Laplacian of Gaussian and give a
radius of ``sqrt(2) * sigma`` per blob; we take the median of each. ``blob_log``
filters the image at full resolution at every scale and searches the whole
scale-space stack for maxima; ``typical_radius`` filters large scales on a
Gaussian pyramid and interpolates between scales. We compare them on the real
nuclei image at three magnifications (copies rescaled by 0.5, 1 and 2), against
the median equivalent radius of the annotated nuclei.

Run::

    .venv/bin/python benchmarks/bench_scale.py
"""

import numpy as np
from bench_metrics import best_time as best_ms  # same folder: best of several runs, in ms
from skimage.feature import blob_log
from skimage.measure import regionprops_table
from skimage.transform import rescale

import cellseg


def blob_log_radius(image, largest):
    lo, hi = np.percentile(image, [1, 99.5])
    scaled = np.clip((image - lo) / (hi - lo), 0, 1)
    blobs = blob_log(scaled, min_sigma=2.5 / np.sqrt(2), max_sigma=largest / np.sqrt(2),
                     num_sigma=30, threshold=None, threshold_rel=0.2, log_scale=True)
    return float(np.median(blobs[:, 2]) * np.sqrt(2))


def main():
    image, labels = cellseg.nuclei_2d()
    image = image.astype(float)
    print(f"{'magnification':14s} {'annotated':>9s} {'typical_radius':>15s} {'blob_log':>9s} "
          f"{'time ours':>10s} {'blob_log':>9s} {'ratio':>6s}")
    for factor in (0.5, 1.0, 2.0):
        img = rescale(image, factor, order=1, anti_aliasing=factor < 1) if factor != 1 else image
        lab = rescale(labels, factor, order=0, preserve_range=True,
                      anti_aliasing=False).astype(int) if factor != 1 else labels
        truth = np.median(np.sqrt(regionprops_table(lab, properties=["area"])["area"] / np.pi))
        largest = min(min(img.shape) / 8, 100)
        ours = cellseg.typical_radius(img)
        theirs = blob_log_radius(img, largest)
        t_ours = best_ms(lambda: cellseg.typical_radius(img), repeat=3)
        t_theirs = best_ms(lambda: blob_log_radius(img, largest), repeat=1)
        print(f"x{factor:<13g} {truth:9.2f} {ours:15.2f} {theirs:9.2f} "
              f"{t_ours:8.0f}ms {t_theirs:7.0f}ms {t_ours / t_theirs:6.2f}")


if __name__ == "__main__":
    main()
