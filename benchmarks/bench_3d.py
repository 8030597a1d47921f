"""Time and memory of the 3-D pipeline on a 64 x 512 x 512 stack (issue 12, section 6).

The pipeline: smooth (Gaussian, 1 um), threshold, label (6-connectivity),
filter by volume (um^3), measure every object (volume, surface area,
sphericity, solidity), and the same work written with SciPy and scikit-image alone (the
"plain" variant: same smoothing, labelling, regionprops columns and surface method, no
checks, flags or renaming) for the ratio of issue 18. Each variant runs in a fresh Python process so that its peak
resident memory (``ru_maxrss``) is its own; the stack is made once and loaded
from a temporary ``.npy`` file.

Run it from the repository root::

    .venv/bin/python benchmarks/bench_3d.py            # the table
    .venv/bin/python benchmarks/bench_3d.py --quick    # a smaller stack, for a smoke test

It prints one row per variant and writes the figures to ``benchmarks/bench_3d.json``, which
the lesson "Cells in 3-D" quotes in its closing note (re-run it and commit the file when the
pipeline changes). Nothing is asserted: this is not a test.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SPACING = (1.0, 0.25, 0.25)
SIGMA_UM = 1.0
THRESHOLD = 0.4
MIN_VOLUME = 10.0  # um^3


def run_plain(path, variant):
    """The same work written with SciPy and scikit-image alone, for the ratio (issue 18).

    Smooth (the width in voxels per axis), threshold, label, drop small objects by one
    bincount, then per object the volume and the surface of the same smoothed-mask mesh
    that cellseg.measure uses (Gaussian of 0.75 of the deepest voxel side, at most a quarter
    of the object's thinnest extent, marching cubes at 0.5, the mesh scaled to the voxel
    volume), and the same per-object properties from one ``regionprops_table`` call
    (centroid, size, equivalent diameter, bounding box, solidity: scikit-image's voxel hull,
    the costliest column). No input checks, no renaming, no flags: the floor cellseg's
    ``measure_objects`` is measured against.
    """
    from scipy import ndimage as ndi
    from skimage.measure import marching_cubes, mesh_surface_area, regionprops_table

    image = np.load(path.replace(".npy", "32.npy") if variant.get("float32") else path)
    spacing = np.asarray(SPACING)
    times = {}
    t0 = t = time.perf_counter()
    smoothed = ndi.gaussian_filter(image, SIGMA_UM / spacing)
    times["smooth"] = time.perf_counter() - t
    del image
    t = time.perf_counter()
    raw, n_raw = ndi.label(smoothed > THRESHOLD)
    keep = np.bincount(raw.ravel(), minlength=n_raw + 1) * spacing.prod() >= MIN_VOLUME
    keep[0] = False
    new_id = np.zeros(n_raw + 1, np.int32)
    new_id[keep] = np.arange(1, keep.sum() + 1)
    labels = new_id[raw]
    n = int(keep.sum())
    times["label+filter"] = time.perf_counter() - t
    del smoothed, raw
    t = time.perf_counter()
    table = regionprops_table(labels, spacing=tuple(spacing), properties=(
        "label", "centroid", "num_pixels", "equivalent_diameter_area", "slice", "solidity"))
    volumes = table["num_pixels"] * spacing.prod()
    areas = []
    for i, box in enumerate(table["slice"]):
        mask = labels[box] == table["label"][i]
        volume = volumes[i]
        thinnest = (np.asarray(mask.shape) * spacing).min()
        voxels = min(0.75 * spacing.max(), 0.25 * thinnest) / spacing
        pad = np.ceil(4 * voxels).astype(int) + 1
        smooth = ndi.gaussian_filter(np.pad(mask, [(p, p) for p in pad]).astype(np.float32), voxels,
                                     mode="constant")
        verts, faces, _, _ = marching_cubes(smooth, 0.5, spacing=tuple(spacing))
        a, b, c = verts[faces[:, 0]], verts[faces[:, 1]], verts[faces[:, 2]]
        scale = (volume / (abs(np.einsum("ij,ij->", a, np.cross(b, c))) / 6)) ** (1 / 3)
        areas.append(mesh_surface_area(verts, faces) * scale**2)
    times["measure"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - t0
    return {
        "times": times,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "n": n,
        "voxels": int(labels.size),
        "mean_volume": float(np.mean(volumes)) if n else 0.0,
        "mean_area": float(np.mean(areas)) if n else 0.0,
    }


def run_pipeline(path, variant):
    """Child process: load the stack, run one variant, return timings (s) and peak RSS (MB).

    Both variants import their libraries (pandas included) before the clock starts: a
    one-off import is not the work being compared.
    """
    import pandas  # noqa: F401
    import skimage.measure  # noqa: F401
    if variant.get("plain"):
        return run_plain(path, variant)
    from cellseg import measure, pipeline

    image = np.load(path.replace(".npy", "32.npy") if variant.get("float32") else path)
    spacing = SPACING
    times = {}
    t0 = time.perf_counter()
    if variant.get("isotropic"):
        image, spacing = pipeline.resample_isotropic(image, spacing=spacing)
        times["resample"] = time.perf_counter() - t0
    t = time.perf_counter()
    smoothed = pipeline.smooth(image, sigma=SIGMA_UM, spacing=spacing)
    times["smooth"] = time.perf_counter() - t
    del image
    t = time.perf_counter()
    labels = pipeline.segment(smoothed, threshold=THRESHOLD, spacing=spacing,
                                   min_size=MIN_VOLUME, connectivity=variant.get("connectivity", 1))
    n = int(labels.max())
    times["label+filter"] = time.perf_counter() - t
    del smoothed
    t = time.perf_counter()
    table = measure.measure_objects(labels, spacing=spacing)
    times["measure"] = time.perf_counter() - t
    times["total"] = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "times": times,
        "peak_mb": peak_mb,
        "n": n,
        "voxels": int(labels.size),
        "mean_volume": float(table["volume"].mean()) if n else 0.0,
        "mean_area": float(table["surface_area"].mean()) if n else 0.0,
    }


VARIANTS = {
    "plain SciPy/skimage, float32": {"float32": True, "plain": True},
    "float64, 6-connectivity": {},
    "float32, 6-connectivity": {"float32": True},
    "float32, 26-connectivity": {"float32": True, "connectivity": 3},
    "float32, resampled to 0.25 um cubes": {"float32": True, "isotropic": True},
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a 32 x 256 x 256 stack")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_pipeline(args.child[0], VARIANTS[args.child[1]])))
        return

    from cellseg.synthetic3d import make_volume

    shape, n_nuclei = ((32, 256, 256), 30) if args.quick else ((64, 512, 512), 150)
    t = time.perf_counter()
    scene = make_volume(shape=shape, n_cells=n_nuclei, spacing=SPACING, seed=2026)
    make_time = time.perf_counter() - t
    print(f"stack {shape[0]} x {shape[1]} x {shape[2]} voxels of {SPACING} um, "
          f"{n_nuclei} nuclei (made in {make_time:.1f} s); CPUs: {os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "stack.npy")
        np.save(path, scene.image)
        np.save(path.replace(".npy", "32.npy"), scene.image.astype(np.float32))
        del scene
        header = (f"{'variant':38s}{'resample':>9s}{'smooth':>8s}{'label':>8s}{'measure':>9s}"
                  f"{'total':>8s}{'peak MB':>9s}{'objects':>9s}")
        print(header)
        print("-" * len(header))
        results = {}
        for name in VARIANTS:
            out = subprocess.run([sys.executable, __file__, "--child", path, name],
                                 capture_output=True, text=True, check=True,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
            r = results[name] = json.loads(out.stdout)
            tt = r["times"]
            print(f"{name:38s}{tt.get('resample', 0):9.2f}{tt['smooth']:8.2f}"
                  f"{tt['label+filter']:8.2f}{tt['measure']:9.2f}{tt['total']:8.2f}"
                  f"{r['peak_mb']:9.0f}{r['n']:9d}")
    print("times in seconds; peak MB = peak resident memory of the whole process "
          "(Python, NumPy and SciPy included)")
    plain, same = results["plain SciPy/skimage, float32"], results["float32, 6-connectivity"]
    print(f"cellseg / plain, float32: total {same['times']['total'] / plain['times']['total']:.2f}x, "
          f"measure {same['times']['measure'] / plain['times']['measure']:.2f}x, peak memory "
          f"{same['peak_mb'] / plain['peak_mb']:.2f}x; mean surface {same['mean_area']:.2f} against "
          f"{plain['mean_area']:.2f} um^2")
    if not args.quick:
        summary = {"shape": list(shape), "spacing": list(SPACING), "n_nuclei": n_nuclei,
                   "cpus": os.cpu_count(), "variants": results}
        (ROOT / "benchmarks" / "bench_3d.json").write_text(json.dumps(summary, indent=1) + "\n")


if __name__ == "__main__":
    main()
