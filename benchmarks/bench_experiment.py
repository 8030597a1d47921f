"""Speed and memory of cellseg.experiment: a plate on Dask, and a mosaic segmented chunk by chunk.

1. Plate QC: 96 fields of 1024 x 1024 (cellseg.plate.make_plate) measured by
   ``run_experiment`` (image report, segmentation, object table, the per-field
   tables written) on Dask's threads with 1 and 2 workers, and by a plain
   serial loop over the same per-field function. Dask's overhead is the ratio
   (Dask, 1 worker) / (serial loop) - 1; it should stay under 10 %.
2. Tiled segmentation: a 16,384 x 16,384 mosaic (cellseg.plate.make_mosaic,
   512 MB of uint16 in Zarr) segmented by ``segment_tiled`` and written to Zarr,
   in a child process whose peak memory (maximum resident set size) is
   measured; against the untiled pipeline on a 4,096 x 4,096 image in memory,
   in megapixels per second.

Takes several minutes on 2 cores; run it when the machine is quiet::

    .venv/bin/python benchmarks/bench_experiment.py [--quick]

``--quick`` uses 24 fields and a 4,096 mosaic (a check that it runs).
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dask

from cellseg import experiment as ex
from cellseg import plate as pl

PIPELINE = dict(sigma=2.0, min_size=30, bit_depth=12)

CHILD = """
import sys, time, dask.array as da
from cellseg import experiment as ex
path, out, threshold = sys.argv[1], sys.argv[2], float(sys.argv[3])
start = time.perf_counter()
labels = ex.segment_tiled(da.from_zarr(path, component="0"), sigma=2.0, threshold=threshold, min_size=30)
labels.to_zarr(out, overwrite=True)
print(time.perf_counter() - start, int(da.from_zarr(out).max().compute()))
"""


def plate_qc(n_rows, n_cols, shape, folder, faults=None):
    plate = pl.make_plate(folder / "images", rows=n_rows, cols=n_cols, shape=shape, seed=1, faults=faults)
    options = dict(threshold=plate.threshold, **PIPELINE)
    times, cpu = {}, {}
    start, cpu_start = time.perf_counter(), time.process_time()
    for record in plate.layout.to_dict("records"):  # the plain loop: the same function per field
        out = folder / "serial"
        (out / "fields").mkdir(parents=True, exist_ok=True)
        (out / "objects").mkdir(parents=True, exist_ok=True)
        ex._process_field(record, str(plate.folder), out, options)
    ex._gather(folder / "serial", plate.layout)
    times["serial loop"] = time.perf_counter() - start
    cpu["serial loop"] = time.process_time() - cpu_start
    for workers in (1, 2):
        start, cpu_start = time.perf_counter(), time.process_time()
        with dask.config.set(num_workers=workers):
            result = ex.run_experiment(plate.layout, plate.folder, folder / f"dask{workers}", progress=False,
                                       scheduler="threads", **options)
        name = f"Dask threads, {workers} worker{'s' if workers > 1 else ''}"
        times[name], cpu[name] = time.perf_counter() - start, time.process_time() - cpu_start
        assert result.computed == len(plate.layout)
    scores = ex.score_flags(ex.flag_fields(result.fields), plate.truth)
    return times, cpu, scores, len(plate.layout)


def tiled(size, folder):
    path = folder / "mosaic.zarr"
    start = time.perf_counter()
    threshold = pl.make_mosaic(path, shape=size, chunks=1024, seed=2)
    made = time.perf_counter() - start
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    child = subprocess.run([sys.executable, "-c", CHILD, str(path), str(folder / "labels.zarr"), str(threshold)],
                           capture_output=True, text=True, check=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # kB on Linux; the largest child so far
    seconds, n = child.stdout.split()
    return float(seconds), int(n), max(peak, before) / 1024**2, made


def untiled(size):
    import dask.array as da

    centers = pl.mosaic_centers((size, size), seed=3)
    image = pl._mosaic_block(centers, 3, block_info={None: {"array-location": [(0, size), (0, size)],
                                                           "chunk-location": (0, 0)}})
    threshold = pl.OFFSET + pl.EXPOSURE * (pl.BACKGROUND + 0.5)
    start = time.perf_counter()
    labels = ex._segment(image, sigma=2.0, threshold=threshold, min_size=30)
    seconds = time.perf_counter() - start
    start = time.perf_counter()
    tiled_labels = ex.segment_tiled(da.from_array(image, chunks=1024), sigma=2.0, threshold=threshold,
                                    min_size=30).compute()
    tiled_seconds = time.perf_counter() - start
    assert ex.same_objects(labels, tiled_labels)
    return seconds, tiled_seconds, int(labels.max())


def main():
    quick = "--quick" in sys.argv
    rows, cols, shape, size = (4, 6, 512, 4096) if quick else (8, 12, 1024, 16384)
    faults = {f: 1 for f in pl.DEFAULT_FAULTS} if quick else None
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        times, cpu, scores, n = plate_qc(rows, cols, shape, Path(tmp), faults)
    print(f"\nPlate QC: {n} fields of {shape} x {shape} (report + segmentation + objects + tables)")
    print(f"{'run':<26}{'seconds':>9}{'fields/s':>10}{'vs serial':>11}{'CPU s':>8}{'CPU vs serial':>15}")
    for name, seconds in times.items():
        print(f"{name:<26}{seconds:9.1f}{n / seconds:10.2f}{seconds / times['serial loop']:11.3f}"
              f"{cpu[name]:8.1f}{cpu[name] / cpu['serial loop']:15.3f}")
    overhead = times["Dask threads, 1 worker"] / times["serial loop"] - 1
    print(f"Dask's overhead at 1 worker: {overhead:+.1%} of the time, "
          f"{cpu['Dask threads, 1 worker'] / cpu['serial loop'] - 1:+.1%} of the CPU time; "
          f"precision {scores['precision']:.2f}, recall {scores['recall']:.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        t_tiled, n_tiled, peak_gb, made = tiled(size, Path(tmp))
    t_untiled, t_tiled_small, n_small = untiled(4096)
    mp = size * size / 1e6
    print(f"\nTiled segmentation (sigma 2, chunks 1024, from Zarr to Zarr); mosaic written in {made:.0f} s")
    print(f"{'run':<40}{'Mpx':>7}{'seconds':>9}{'Mpx/s':>8}{'objects':>9}{'peak GB':>9}")
    print(f"{f'tiled {size} x {size}, child process':<40}{mp:7.0f}{t_tiled:9.1f}{mp / t_tiled:8.1f}"
          f"{n_tiled:9d}{peak_gb:9.2f}")
    small = 4096 * 4096 / 1e6
    print(f"{'untiled pipeline 4096 x 4096, in memory':<40}{small:7.0f}{t_untiled:9.1f}"
          f"{small / t_untiled:8.1f}{n_small:9d}{'-':>9}")
    print(f"{'tiled 4096 x 4096, in memory':<40}{small:7.0f}{t_tiled_small:9.1f}"
          f"{small / t_tiled_small:8.1f}{n_small:9d}{'-':>9}")


if __name__ == "__main__":
    main()
