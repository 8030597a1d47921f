"""Speed of ``cellseg.measure_objects`` against a plain ``regionprops_table`` call.

``measure_objects`` is built on :func:`skimage.measure.regionprops_table`; what it
adds (renamed columns, physical units, border contact, QC flags, the DataFrame)
should cost little. We time both on the same label images, with the same
properties, and print the ratio:

- 2-D: the real 512 x 512 nuclei image (125 nuclei), tiled 4 x 4 (2,000 nuclei);
- 3-D: a synthetic stack of nuclei, without and with the per-object surfaces
  (the meshes are extra work regionprops does not do, so that row is not a ratio
  of equals).

The old 3-D version sorted every voxel (``np.unique``) to renumber the ids; the
new one uses the ids as they are (``find_objects`` inside regionprops).

Run::

    .venv/bin/python benchmarks/bench_measure.py
"""

import time

import numpy as np
from skimage.measure import regionprops_table

import cellseg
from cellseg.data import nuclei_2d


def paired_ms(first, second, repeat=5):
    """Best time of each of two functions (ms), run alternately so that load hits both alike."""
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        for i, func in enumerate((first, second)):
            start = time.perf_counter()
            func()
            best[i] = min(best[i], time.perf_counter() - start)
    return 1000 * best[0], 1000 * best[1]


def plain(labels, image, spacing, properties, extra=()):
    return regionprops_table(labels, image, spacing=spacing, properties=properties,
                             extra_properties=extra)


def main():
    image, labels = nuclei_2d()
    big_labels = np.block([[labels + 200 * (4 * i + j) * (labels > 0) for j in range(4)]
                           for i in range(4)]).astype(np.int32)
    big_image = np.tile(image, (4, 4)).astype(float)
    props_2d = ["label", "centroid", "num_pixels", "equivalent_diameter_area", "slice",
                "eccentricity", "solidity", "intensity_mean", "perimeter"]
    # the convexity column needs the perimeter of each hull: the same extra property for both
    from cellseg.measure import _convex_perimeter
    print(f"{'case':44s} {'regionprops':>11s} {'measure':>9s} {'ratio':>6s}")
    for name, lab, img in (("2-D nuclei 512x512, 125 objects", labels, image.astype(float)),
                           ("2-D nuclei 2048x2048, 2000 objects", big_labels, big_image)):
        base, ours = paired_ms(
            lambda: plain(lab, img, (0.5, 0.5), props_2d, [_convex_perimeter]),
            lambda: cellseg.measure_objects(lab, spacing=(0.5, 0.5), intensity_image=img))
        print(f"{name:44s} {base:9.1f}ms {ours:7.1f}ms {ours / base:6.2f}")
    scene = cellseg.make_volume(seed=3)
    spacing = scene.spacing
    props_3d = ["label", "centroid", "num_pixels", "equivalent_diameter_area", "slice",
                "solidity"]
    n3 = int(scene.labels.max())
    base, ours = paired_ms(
        lambda: plain(scene.labels, None, spacing, props_3d),
        lambda: cellseg.measure_objects(scene.labels, spacing=spacing, surface=False))
    name = f"3-D {'x'.join(map(str, scene.labels.shape))}, {n3} objects"
    print(f"{name:44s} {base:9.1f}ms {ours:7.1f}ms {ours / base:6.2f}")
    _, with_mesh = paired_ms(lambda: None,
                             lambda: cellseg.measure_objects(scene.labels, spacing=spacing))
    print(f"{'  ... with surfaces (one mesh per object)':44s} {base:9.1f}ms {with_mesh:7.1f}ms "
          f"{with_mesh / base:6.2f}")


if __name__ == "__main__":
    main()
