"""From one image to an experiment: batch QC on Dask, outlier rules, and tiled segmentation.

- :func:`run_experiment`: the image report (:func:`cellseg.image_qc.image_report`),
  the segmentation (:mod:`cellseg.pipeline`) and a table of the objects, for every
  field of an experiment, as Dask tasks on whatever scheduler is active: Dask's
  threads by default (nothing to start), a ``dask.distributed`` cluster when a
  ``Client`` is passed or running. Each field writes its own small tables as it
  completes, so an interrupted run resumes where it stopped, and a field that
  fails (a corrupt file) is reported in the table without stopping the batch;
- :func:`flag_fields`: outlier rules, per plate (robust z-scores, the report's
  own flags, and a drift along the acquisition order); :func:`score_flags`:
  their precision and recall against a known truth;
- :func:`plate_heatmap`, :func:`flagged_gallery`: the plate as a heat map of one
  measure, and the flagged fields with their segmentation (matplotlib, imported
  only when they are called);
- :func:`segment_tiled`: the pipeline on an image larger than memory, chunk by
  chunk (:meth:`dask.array.Array.map_overlap`, then the labelling algorithm of
  :func:`dask_image.ndmeasure.label`), with globally consistent labels;
  :func:`overlap_depth` says how much overlap the chunks need and
  :func:`same_objects` compares two label images object for object.

This module imports Dask, pandas and scikit-image's measurements; ``import
cellseg`` does not import it (use ``import cellseg.experiment``).

Why the overlap is what it is
-----------------------------
A chunk's smoothed values are exact when the chunk sees every pixel the
Gaussian kernel reaches: SciPy cuts the kernel at ``truncate * sigma`` (4
widths), so a chunk needs ``round(truncate * sigma)`` extra pixels on every side
(:func:`overlap_depth`); with less, pixels near the chunk borders are smoothed
with a mirrored copy of the chunk instead of their real neighbours. Labelling
needs no overlap at all: :func:`segment_tiled` (like
:func:`dask_image.ndmeasure.label`) labels each chunk, then joins the labels that
touch across chunk borders into one, whatever the size of the objects. A step that
looks at whole objects inside each chunk (keeping the objects whose first pixel lies in the chunk, a watershed) would
instead need the filter's reach *plus* the largest object's diameter (twice its
radius), so that every object touching a chunk lies whole in its overlap.
"""

import math
import os
import re
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np
from scipy import ndimage as ndi

from . import _validate
from .image_qc import PROGRESS_MIN, image_report

__all__ = [
    "FIELD_COLUMNS",
    "OBJECT_PROPERTIES",
    "Experiment",
    "read_field",
    "sharpness",
    "measure_field",
    "run_experiment",
    "robust_z",
    "flag_fields",
    "score_flags",
    "plate_heatmap",
    "flagged_gallery",
    "overlap_depth",
    "segment_tiled",
    "same_objects",
]

#: what scikit-image measures of every object (:func:`skimage.measure.regionprops_table`)
OBJECT_PROPERTIES = ("label", "area", "centroid", "intensity_mean", "intensity_max", "eccentricity")
#: the numbers of the image report that go into the table of fields
REPORT_COLUMNS = ("background", "noise", "signal", "snr", "relative_trend", "fraction_at_max",
                  "used_range", "clipped_high", "clipped_low", "uneven", "low_snr")
#: the columns of the table of fields that :func:`run_experiment` adds to the layout's
FIELD_COLUMNS = ("status", "error", "n_objects", "median_area", "max_area", "sharpness",
                 "brightness") + REPORT_COLUMNS
Z_LIMIT = 3.5  #: a robust z-score beyond this is an outlier (Iglewicz and Hoaglin's rule)
DRIFT_WINDOW = 5  #: fields in the running median that follows the light along the acquisition
DRIFT_LOSS = 0.15  #: a field whose light fell by more than this (relative to the plate) is drifted


# ---------------------------------------------------------------- the pipeline, in one place


def _smooth(image, sigma):
    """The pipeline's smoothing (the one call to :func:`cellseg.pipeline.smooth`)."""
    from . import pipeline

    return pipeline.smooth(image, sigma=sigma)


def _segment(image, *, sigma, threshold, min_size, connectivity=1):
    """The pipeline on one image: smooth, threshold, label, filter by size; the labels."""
    from . import pipeline

    return pipeline.segment(_smooth(image, sigma), threshold=threshold, min_size=min_size,
                            connectivity=connectivity)


# ---------------------------------------------------------------- checks of tables and paths


def _path(value, name, *, example):
    """A path (str or path-like), or a clear error."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (a str or pathlib.Path), e.g. {example}; got {value!r}.")
    return value


def _folder(value, name="folder"):
    """An existing folder (the images of a plate), or a clear error."""
    _path(value, name, example="plate.folder")
    if not os.path.isdir(value):
        raise FileNotFoundError(
            f"{name} {os.fspath(value)!r} is not a folder; pass the folder that holds the images "
            "(e.g. plate.folder, what make_plate returns)."
        )
    return value


def _table(value, name, columns, *, what):
    """A pandas DataFrame that has ``columns``, or a clear error (``what`` says where it comes from)."""
    import pandas as pd

    if not isinstance(value, pd.DataFrame):
        text = repr(value)
        text = text if len(text) <= 60 else text[:57] + "..."
        raise TypeError(f"{name} must be a pandas DataFrame, {what}; got {text} ({type(value).__name__}).")
    missing = [c for c in columns if c not in value.columns]
    if missing:
        raise ValueError(f"{name} has no column {', '.join(map(repr, missing))}; pass {what}.")
    return value


def _text_or_none(value, name, *, example):
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a text (or None), e.g. {example}; got {value!r}.")
    return value


# ---------------------------------------------------------------- one field


def read_field(path):
    """Read one field: a TIFF file, or an array inside a Zarr store (``plate.zarr/A/1/0/0``).

    Parameters
    ----------
    path : str or path-like
        A ``.tif``/``.tiff`` file, or ``STORE.zarr/...`` naming one array of a Zarr store.

    Returns
    -------
    image : ndarray
        The field's pixels as stored.

    Examples
    --------
    >>> import tempfile, tifffile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     tifffile.imwrite(os.path.join(tmp, "f.tif"), np.ones((4, 4), np.uint16))
    ...     read_field(os.path.join(tmp, "f.tif")).shape
    (4, 4)
    """
    path = os.fspath(_path(path, "path", example="'plate1_A01_0.tif'"))
    if path.lower().endswith((".tif", ".tiff")):
        import tifffile

        return tifffile.imread(path)
    if ".zarr" in path:
        import zarr

        store, _, component = path.partition(".zarr")
        return zarr.open_array(store + ".zarr", path=component.strip("/"), mode="r")[...]
    raise ValueError(f"path must name a .tif/.tiff file or an array inside a .zarr store "
                     f"(e.g. 'plate1.zarr/A/1/0/0'), got {path!r}.")


FOCUS_SIGMAS = (2.0, 6.0)  #: the narrow and the wide Gaussian (pixels) of the focus measure


def sharpness(image, *, sigmas=FOCUS_SIGMAS):
    """A focus measure and a brightness: how much of the cells' peaks a wide blur takes away.

    The image is smoothed with a narrow and a wide Gaussian (widths ``a < b``,
    :data:`FOCUS_SIGMAS`); the background is the 5th percentile of the widely
    smoothed image, and each peak is the 99.9th percentile above it. A Gaussian
    cell of width ``s`` smoothed to width ``sqrt(s**2 + a**2)`` keeps
    ``s**2 / (s**2 + a**2)`` of its peak, so the ratio of the two peaks is
    ``(s**2 + b**2) / (s**2 + a**2)``: whatever the brightness, wide (blurred)
    cells give a smaller ratio than sharp ones. The narrow peak is the
    brightness, proportional to the light that reached the field.

    Returns
    -------
    sharpness : float
        The ratio of the peaks (0 for a flat image).
    brightness : float
        The narrow peak above the background, in the image's units.

    Parameters
    ----------
    image : 2-D array_like
        One field.
    sigmas : (float, float), optional
        The narrow and the wide Gaussian widths in pixels, ``a < b``.

    Examples
    --------
    A cell of width 4, and the same cell blurred to width 8, against the
    predictions (the percentiles sit a little below the peaks):

    >>> from cellseg.synthetic import render_cells
    >>> sharp, _ = sharpness(render_cells([[64, 64]], shape=128, cell_sigma=4))
    >>> blurred, _ = sharpness(render_cells([[64, 64]], shape=128, cell_sigma=8))
    >>> round(sharp, 2), round((16 + 36) / (16 + 4), 2), round(blurred, 2), round((64 + 36) / (64 + 4), 2)
    (2.41, 2.6, 1.45, 1.47)
    """
    values = _validate.image_2d(image)
    narrow_sigma, wide_sigma = _focus_sigmas(sigmas, values)
    narrow, wide = (ndi.gaussian_filter(values, s) for s in (narrow_sigma, wide_sigma))
    background = np.percentile(wide, 5)
    brightness = float(np.percentile(narrow, 99.9) - background)
    spread = float(np.percentile(wide, 99.9) - background)
    return (brightness / spread if spread > 0 else 0.0), brightness


def _focus_sigmas(sigmas, image):
    """The narrow and the wide Gaussian of :func:`sharpness`: two widths ``0 < a < b``, ``b`` within the image."""
    if not _validate._sequence(sigmas) or len(sigmas) != 2:
        raise TypeError(f"sigmas must be two Gaussian widths in pixels, narrow then wide, e.g. "
                        f"sigmas={FOCUS_SIGMAS}; got {sigmas!r}.")
    narrow, wide = _validate.real_array(sigmas, "sigmas", example=f"sigmas={FOCUS_SIGMAS}").tolist()
    if not 0 < narrow < wide:
        raise ValueError(f"sigmas must be two widths 0 < narrow < wide, e.g. sigmas={FOCUS_SIGMAS}; "
                         f"got {sigmas!r}.")
    _validate.sigma(wide, "sigmas", image=image)
    return narrow, wide


def measure_field(image, *, sigma, threshold, min_size, bit_depth=None):
    """The numbers of one field (a dict) and the table of its objects (a dict of columns).

    Parameters
    ----------
    image : 2-D array_like
        One field.
    sigma, threshold, min_size : float, float, int
        The pipeline's parameters (:func:`cellseg.pipeline.smooth`,
        :func:`cellseg.pipeline.segment`); ``threshold`` is an intensity.
    bit_depth : int, optional
        The camera's bit depth, for the image report.

    Returns
    -------
    row : dict
        The field's numbers (:data:`FIELD_COLUMNS`).
    objects : dict of 1-D arrays
        One entry per object (:data:`OBJECT_PROPERTIES`).

    Examples
    --------
    >>> from cellseg.plate import plate_field
    >>> row, objects = measure_field(plate_field(seed=2), sigma=2, threshold=1100, min_size=30,
    ...                              bit_depth=12)
    >>> row["n_objects"] == len(objects["label"]), sorted(objects)[:3]
    (True, ['area', 'centroid-0', 'centroid-1'])
    """
    from skimage.measure import regionprops_table

    sigma, threshold, min_size, bit_depth = _options(sigma, threshold, min_size, bit_depth)
    if bit_depth is not None:
        _check_bit_depth(image, bit_depth)
    report = image_report(image, bit_depth=bit_depth)
    labels = _segment(image, sigma=sigma, threshold=threshold, min_size=min_size)
    objects = regionprops_table(labels, intensity_image=np.asarray(image), properties=OBJECT_PROPERTIES)
    area = objects["area"]
    row = {"n_objects": int(area.size),
           "median_area": float(np.median(area)) if area.size else 0.0,
           "max_area": float(area.max()) if area.size else 0.0}
    row["sharpness"], row["brightness"] = sharpness(image)
    row.update({name: getattr(report, name) for name in REPORT_COLUMNS})
    return row, objects


def _options(sigma, threshold, min_size, bit_depth=None):
    """The pipeline's parameters, checked (what every field of a run is measured with)."""
    sigma = _validate.sigma(sigma)
    threshold = _validate.real_number(threshold, "threshold")
    min_size = _validate.whole_number(min_size, "min_size")
    if bit_depth is not None:
        from .acquisition import full_scale

        full_scale(bit_depth)  # the camera's rule: a whole number of bits, 1 to 32
        bit_depth = int(bit_depth)
    return sigma, threshold, min_size, bit_depth


def _check_bit_depth(image, bit_depth):
    """Refuse a ``bit_depth`` whose full scale is below the image's largest value (by its name)."""
    from .acquisition import full_scale

    arr = _validate.array_like(image, "image", example="plate_field()")
    if arr.size and arr.dtype.kind in "iuf" and arr.max() > full_scale(bit_depth):
        raise ValueError(
            f"bit_depth={bit_depth} gives a full scale of {full_scale(bit_depth)}, below the image's "
            f"largest value {arr.max():g}; pass the camera's real bit depth, e.g. bit_depth=12."
        )


def _key(path):
    """A file name for the tables of one field, from its path."""
    return re.sub(r"[^A-Za-z0-9]+", "_", os.fspath(path)).strip("_")


def _write_csv(columns, rows, path):
    """Write a table (a header and rows) so that a reader never sees half of it: a temporary file, then a rename."""
    import csv

    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        writer.writerows(rows)
    os.replace(tmp, path)


def _read_parts(paths):
    """Every part table as one DataFrame, parsed once by pandas (types inferred over all rows)."""
    import csv
    import io

    import pandas as pd

    records = []
    for path in paths:
        with open(path, newline="", encoding="utf-8") as f:
            records.extend(csv.DictReader(f))
    if not records:
        return pd.DataFrame()
    columns = list(dict.fromkeys(k for r in records for k in r))
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns)
    writer.writeheader()
    writer.writerows(records)
    text.seek(0)
    return pd.read_csv(text, keep_default_na=False, na_values=[""])


def _process_field(record, folder, out, options):
    """One Dask task: measure one field and write its two tables; never raises on bad data."""
    import time

    key = _key(record["path"])
    start = time.perf_counter()
    try:
        image = read_field(Path(folder) / record["path"])
        row, objects = measure_field(image, **options)
        status, error = "ok", ""
    except Exception as exc:  # noqa: BLE001 - one bad field is reported, the batch goes on
        row, objects = {}, None
        status, error = "failed", f"{type(exc).__name__}: {exc}"[:300]
    row = {**record, **row, "status": status, "error": error, "seconds": time.perf_counter() - start}
    if objects is not None:
        ids = [name for name in ("plate", "well", "field", "path") if name in record]
        values = [np.asarray(v).tolist() for v in objects.values()]
        rows = [[record[name] for name in ids] + list(r) for r in zip(*values)]
        _write_csv(ids + list(objects), rows, out / "objects" / f"{key}.csv")
    done = out / "fields" / f"{key}.csv"
    failed = out / "fields" / f"{key}.failed.csv"
    _write_csv(list(row), [list(row.values())], failed if status == "failed" else done)
    if status == "ok" and failed.exists():
        failed.unlink()
    return status


class Experiment(NamedTuple):
    """What :func:`run_experiment` returns: the two tables and what this run did."""

    fields: object  #: DataFrame, one row per field (the layout's columns and the measures)
    objects: object  #: DataFrame, one row per object of every field
    computed: int  #: fields measured by this run
    skipped: int  #: fields already measured by an earlier run, not redone


def _ticks(bar, prefix):
    """A Dask callback (local schedulers) that moves ``bar`` on when a task named ``prefix...`` ends."""
    from dask.callbacks import Callback

    def posttask(key, result, dsk, state, worker_id):
        name = key[0] if isinstance(key, tuple) else key
        if str(name).startswith(prefix):
            bar.update(1)

    return Callback(posttask=posttask)


def _active_client(client):
    """The distributed Client to use: the one passed, or a running default one, or None."""
    if client is not None:
        return client
    if "distributed" not in sys.modules:  # nobody started a cluster in this process
        return None
    from distributed import default_client

    try:
        return default_client()
    except ValueError:
        return None


def run_experiment(layout, folder, out, *, sigma, threshold, min_size, bit_depth=None,
                   client=None, scheduler=None, progress=None):
    """Measure every field of an experiment as Dask tasks; write and return the tables.

    Each field is one task: read the image, :func:`cellseg.image_qc.image_report`,
    segment it (:mod:`cellseg.pipeline`), measure its objects
    (:func:`skimage.measure.regionprops_table`) and write ``out/fields/KEY.csv``
    (one row) and ``out/objects/KEY.csv`` as soon as it is done. A field whose
    table exists is not redone, so running the same call again after an
    interruption only does what is left. A field that fails (a missing or
    corrupt file) gets ``status="failed"`` and the error in its row, is tried
    again by the next run, and never stops the others. Finally every part is
    gathered into ``out/fields.csv`` and ``out/objects.csv``.

    Parameters
    ----------
    layout : pandas.DataFrame
        One row per field with a ``path`` column (relative to ``folder``) and
        any columns that identify it (``plate``, ``well``, ``field``...), e.g.
        :attr:`cellseg.plate.Plate.layout`.
    folder, out : str or path-like
        Where the images are; where the tables go (created if needed).
    sigma, threshold, min_size : float, float, int
        The pipeline's parameters (:func:`cellseg.pipeline.smooth`, :func:`cellseg.pipeline.segment`):
        ``threshold`` is an intensity in the images' units.
    bit_depth : int, optional
        The camera's bit depth, for the image report.
    client : distributed.Client, optional
        Run on this cluster. By default a running ``dask.distributed`` client is
        used if there is one, else Dask's local scheduler.
    scheduler : str, optional
        Local scheduler when there is no client: ``"threads"`` (Dask's default),
        ``"processes"`` or ``"synchronous"`` (one task after another, for debugging).
    progress : bool, optional
        A plain-text progress bar (tqdm); by default from
        :data:`cellseg.image_qc.PROGRESS_MIN` fields on.

    Returns
    -------
    Experiment
        ``fields`` and ``objects`` (DataFrames), ``computed`` and ``skipped``.

    Examples
    --------
    Three fields of a tiny plate, one of them saturated:

    >>> import tempfile
    >>> from cellseg.plate import make_plate
    >>> plate = make_plate(tempfile.mkdtemp(), rows=1, cols=3, shape=64,
    ...                    faults={"saturated": 1}, drift=0)
    >>> run = run_experiment(plate.layout, plate.folder, tempfile.mkdtemp(), sigma=2.0,
    ...                      threshold=plate.threshold, min_size=30,
    ...                      scheduler="synchronous", progress=False)
    >>> len(run.fields), run.computed, run.skipped
    (3, 3, 0)
    """
    import dask

    if not hasattr(layout, "columns") or "path" not in layout.columns:
        raise TypeError("layout must be a pandas DataFrame with a 'path' column, e.g. make_plate(...).layout.")
    if layout["path"].duplicated().any():
        raise ValueError("every field needs its own path; layout['path'] has duplicates.")
    sigma, threshold, min_size, bit_depth = _options(sigma, threshold, min_size, bit_depth)
    _folder(folder)
    out = Path(_path(out, "out", example="'tables'"))
    if client is not None:
        _validate.has_method(client, "compute", "client",
                             what="a dask.distributed Client (e.g. Client()) or None")
    if scheduler is not None:
        _validate.choice(scheduler, "scheduler", ("threads", "processes", "synchronous"))
    if progress is not None:
        progress = _validate.boolean(progress, "progress")
    for part in ("fields", "objects"):
        (out / part).mkdir(parents=True, exist_ok=True)
    options = {"sigma": sigma, "threshold": threshold, "min_size": min_size, "bit_depth": bit_depth}
    records = layout.to_dict("records")
    todo = [r for r in records if not (out / "fields" / f"{_key(r['path'])}.csv").exists()]
    run = dask.base.tokenize(str(out), options)[:8]  # the same field in another run is another task
    tasks = [dask.delayed(_process_field)(r, str(folder), out, options,
                                          dask_key_name=f"field-{_key(r['path'])}-{run}") for r in todo]
    show = progress if progress is not None else len(todo) >= PROGRESS_MIN
    from tqdm import tqdm  # plain text; tqdm.auto would draw a widget

    with tqdm(total=len(todo), desc="fields", unit="field", disable=not show) as bar:
        client = _active_client(client)
        if client is not None:
            from distributed import as_completed

            for _ in as_completed(client.compute(tasks)):
                bar.update(1)
        elif tasks:
            with _ticks(bar, "field-"):
                dask.compute(*tasks, scheduler=scheduler)
    fields, objects = _gather(out, layout)
    return Experiment(fields, objects, computed=len(todo), skipped=len(records) - len(todo))


def _gather(out, layout):
    """Read every field's part tables back, in the layout's order, and write the two totals."""
    keys = [_key(p) for p in layout["path"]]
    parts = []
    for key in keys:
        for name in (f"{key}.csv", f"{key}.failed.csv"):
            if (out / "fields" / name).exists():
                parts.append(out / "fields" / name)
    fields = _read_parts(parts)
    import pandas as pd

    text = [c for c in layout.columns if pd.api.types.is_string_dtype(layout[c])]  # object or str
    for name in ["error"] + text:
        if name in fields:  # an empty text reads back as NaN
            fields[name] = ["" if isinstance(v, float) and math.isnan(v) else str(v) for v in fields[name]]
    objects = _read_parts([out / "objects" / f"{k}.csv" for k in keys if (out / "objects" / f"{k}.csv").exists()])
    fields.to_csv(out / "fields.csv", index=False)
    objects.to_csv(out / "objects.csv", index=False)
    return fields, objects


# ---------------------------------------------------------------- outlier rules


def robust_z(values):
    """Robust z-scores: ``(x - median) / (1.4826 * MAD)``, the MAD being the median absolute deviation.

    For normal data the scaled MAD estimates the standard deviation, but a few
    outliers barely move the median and the MAD, while they inflate the mean and
    the standard deviation that an ordinary z-score uses. NaN stays NaN; when
    more than half of the values are equal (MAD 0), a value that differs gets
    an infinite score.

    Parameters
    ----------
    values : 1-D array_like of float
        The measure of every field (NaN allowed).

    Returns
    -------
    z : 1-D ndarray of float

    Examples
    --------
    >>> robust_z([10, 11, 9, 10, 30]).round(1)
    array([ 0. ,  0.7, -0.7,  0. , 13.5])
    """
    x = _values(values)
    middle = np.nanmedian(x)
    mad = 1.4826 * np.nanmedian(np.abs(x - middle))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (x - middle) / mad if mad > 0 else np.where(x == middle, 0.0, np.sign(x - middle) * np.inf)
    return np.where(np.isnan(x), np.nan, z)


def _values(values, name="values"):
    """A non-empty 1-D array of real numbers (NaN for a missing one; no infinities), as float."""
    example = f"{name}=[10.0, 11.0, 9.0, 30.0]"
    if isinstance(values, (str, bytes, dict, set)) or values is None:
        raise TypeError(f"{name} must be a sequence of numbers, e.g. {example}; got {values!r}.")
    x = _validate.array_like(values, name, example=example)
    if x.dtype == bool or x.dtype.kind not in "iuf":
        raise TypeError(f"{name} must be real numbers (not {x.dtype}), e.g. {example}.")
    if x.ndim != 1 or x.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D sequence of numbers, e.g. {example}; "
                         f"got shape {x.shape}.")
    x = x.astype(float)
    if np.isinf(x).any():
        raise ValueError(f"{name} must be finite numbers (NaN for a missing value), got an infinity.")
    return x


def _drift(signal, order, window, loss):
    """Light along the acquisition, relative to the plate: running median of signal / median."""
    light = np.asarray(signal, dtype=float) / np.nanmedian(signal)
    ranked = np.argsort(order, kind="stable")
    smooth = np.empty_like(light)
    filled = np.nan_to_num(light[ranked], nan=1.0)
    smooth[ranked] = ndi.median_filter(filled, size=_window(window, filled.size), mode="nearest")
    return smooth, smooth < 1 - loss


def _window(window, n):
    """A running-median window of the same result, no wider than about twice the ``n`` values.

    With ``mode="nearest"``, a window of ``2k + 1`` values at position ``i`` holds ``k - i + 1``
    copies of the first value and ``k - n + i + 2`` of the last: for ``k >= n`` they differ by
    ``n - 1 - 2i`` whatever ``k``, the other values are fixed, so the median no longer changes
    with ``k`` (an even window is the same with the window's centre one step off). Refusing
    a window wider than the plate would refuse a plate of a few fields; a window of 10**12
    would allocate a footprint of 10**12 values.
    """
    limit = 2 * n + 3
    return window if window <= limit else limit + (window - limit) % 2


def flag_fields(fields, *, z_limit=Z_LIMIT, drift_loss=DRIFT_LOSS, window=DRIFT_WINDOW):
    """Flag the fields of each plate that break a rule; return a copy of the table with the reasons.

    Rules, applied per plate (the ``plate`` column, if any):

    - ``"failed"``: the field could not be measured;
    - ``"saturated"`` and ``"uneven illumination"``: the image report's own
      verdicts (clipped at the top; background trend above its limit);
    - ``"out of focus"``: robust z-score of :func:`sharpness` below ``-z_limit``,
      unless uneven light or debris (which lower it too) explain it;
    - ``"nearly empty"``: robust z-score of the number of objects below ``-z_limit``;
    - ``"debris"``: robust z-score of the largest object's area above ``z_limit``;
    - ``"drift"``: a running median (``window`` fields, in acquisition order:
      the ``order`` column, else the table's order) of the signal, relative to
      the plate's median, lower than ``1 - drift_loss``. A drift is smooth, so
      a robust z-score, which compares each field with the whole plate, misses
      it until it is extreme; the running median follows it and ignores single
      bad fields.

    Parameters
    ----------
    fields : pandas.DataFrame
        The field table of :func:`run_experiment`.
    z_limit : float, optional
        How many robust standard deviations from the plate's median make an outlier.
    drift_loss : float, optional
        The fraction of the plate's median signal a running median may lose before
        the fields are flagged as drifted.
    window : int, optional
        Fields in the running median, in acquisition order.

    Returns
    -------
    flagged : pandas.DataFrame
        ``fields`` with ``z_sharpness``, ``z_n_objects``, ``z_max_area``,
        ``brightness_trend`` (the running median), ``flags`` (the reasons, joined by
        ``", "``) and ``flagged``.

    Examples
    --------
    >>> import tempfile
    >>> from cellseg.plate import make_plate
    >>> plate = make_plate(tempfile.mkdtemp(), rows=1, cols=3, shape=64,
    ...                    faults={"saturated": 1}, drift=0)
    >>> run = run_experiment(plate.layout, plate.folder, tempfile.mkdtemp(), sigma=2.0,
    ...                      threshold=plate.threshold, min_size=30,
    ...                      scheduler="synchronous", progress=False)
    >>> flagged = flag_fields(run.fields)
    >>> flagged[["well", "flags"]].values.tolist()
    [['A01', ''], ['A02', ''], ['A03', 'saturated']]
    """
    import pandas as pd

    _table(fields, "fields", ("status", "sharpness", "n_objects", "max_area", "brightness"),
           what="the table of fields of run_experiment (e.g. run.fields)")
    z_limit = _validate.real_number(z_limit, "z_limit", minimum=0, strict=True)
    drift_loss = _validate.real_number(drift_loss, "drift_loss", minimum=0, strict=True)
    window = _validate.whole_number(window, "window", minimum=1)
    table = fields.copy()
    plates = table["plate"] if "plate" in table else pd.Series("", index=table.index)
    def truthy(name):
        return table[name].astype(str).str.lower().eq("true") if name in table else False

    ok = table["status"] == "ok"
    usable = ok & ~truthy("clipped_high")  # a clipped field's numbers mean nothing
    for name in ("z_sharpness", "z_n_objects", "z_max_area", "brightness_trend"):
        table[name] = np.nan
    for _, index in table[usable].groupby(plates[usable]).groups.items():
        part = table.loc[index]
        table.loc[index, "z_sharpness"] = robust_z(part["sharpness"])
        table.loc[index, "z_n_objects"] = robust_z(part["n_objects"])
        table.loc[index, "z_max_area"] = robust_z(part["max_area"])
        order = part["order"] if "order" in part else np.arange(len(part))
        table.loc[index, "brightness_trend"], _ = _drift(part["brightness"], order, window, drift_loss)
    rules = {
        "failed": ~ok,
        "saturated": ok & truthy("clipped_high"),
        "uneven illumination": ok & truthy("uneven"),
        "out of focus": table["z_sharpness"] < -z_limit,
        "nearly empty": table["z_n_objects"] < -z_limit,
        "debris": table["z_max_area"] > z_limit,
        "drift": table["brightness_trend"] < 1 - drift_loss,
    }
    hits = pd.DataFrame({name: np.asarray(rule, dtype=bool) for name, rule in rules.items()},
                        index=table.index)
    # Uneven light and debris lower the focus measure too: blame focus only when nothing else explains it.
    hits["out of focus"] &= ~(hits["uneven illumination"] | hits["debris"])
    table["flags"] = [", ".join(name for name in hits.columns if row[name]) for _, row in hits.iterrows()]
    table["flagged"] = hits.any(axis=1)
    return table


def score_flags(flagged, truth):
    """Precision and recall of the flags against the truth, and the recall of each fault.

    Parameters
    ----------
    flagged : pandas.DataFrame
        The output of :func:`flag_fields` (``well``, ``field``, ``flagged``).
    truth : dict
        ``{(well, field): fault}`` of every faulty field (:attr:`cellseg.plate.Plate.truth`).

    Returns
    -------
    scores : dict
        ``precision``, ``recall``, ``tp``, ``fp``, ``fn`` and ``by_fault``:
        ``{fault: (found, injected)}``.

    Examples
    --------
    >>> import tempfile
    >>> from cellseg.plate import make_plate
    >>> plate = make_plate(tempfile.mkdtemp(), rows=1, cols=3, shape=64,
    ...                    faults={"saturated": 1}, drift=0)
    >>> run = run_experiment(plate.layout, plate.folder, tempfile.mkdtemp(), sigma=2.0,
    ...                      threshold=plate.threshold, min_size=30,
    ...                      scheduler="synchronous", progress=False)
    >>> scores = score_flags(flag_fields(run.fields), plate.truth)
    >>> scores["precision"], scores["recall"], scores["by_fault"]
    (1.0, 1.0, {'saturated': (1, 1)})
    """
    _table(flagged, "flagged", ("well", "field", "flagged"),
           what="the table flag_fields returns (e.g. flag_fields(run.fields))")
    if not isinstance(truth, dict) or not all(isinstance(k, tuple) and len(k) == 2 for k in truth):
        raise TypeError("truth must be a dict {(well, field): fault}, e.g. plate.truth; "
                        f"got {type(truth).__name__}.")
    keys = list(zip(flagged["well"], flagged["field"].astype(int)))
    found = dict(zip(keys, flagged["flagged"].astype(bool)))
    unknown = set(truth) - set(found)
    if unknown:
        raise ValueError(f"the truth names fields the table does not have: {sorted(unknown)[:3]}...")
    tp = sum(found[k] for k in truth)
    fp = sum(v for k, v in found.items() if k not in truth)
    fn = len(truth) - tp
    by_fault = {}
    for key, fault in truth.items():
        hit, total = by_fault.get(fault, (0, 0))
        by_fault[fault] = (hit + int(found[key]), total + 1)
    return {"precision": tp / (tp + fp) if tp + fp else math.nan,
            "recall": tp / len(truth) if truth else math.nan,
            "tp": tp, "fp": fp, "fn": fn, "by_fault": by_fault}


# ---------------------------------------------------------------- figures


def _plate_grid(fields, column):
    """The mean of ``column`` per well as a (rows, cols) array, and the flagged wells."""
    rows, cols = int(fields["row"].max()) + 1, int(fields["col"].max()) + 1
    grid = np.full((rows, cols), np.nan)
    means = fields.groupby(["row", "col"])[column].mean()
    r, c = np.array(means.index.tolist()).T
    grid[r, c] = means.to_numpy(dtype=float)
    return grid


def plate_heatmap(fields, column, *, ax=None, label=None, cmap="viridis", mark="flagged"):
    """Draw one measure over the plate's layout, one square per well; mark the flagged wells.

    Parameters
    ----------
    fields : pandas.DataFrame
        With ``row`` and ``col`` (0-based) and ``column``; several fields of a
        well are averaged.
    column : str
    ax : matplotlib Axes, optional
    label : str, optional
        Colour bar label (``column`` by default).
    cmap : str, optional
        Matplotlib colour map.
    mark : str or None, optional
        A boolean column whose true wells get a ring (None for no marks).

    Returns
    -------
    ax : matplotlib Axes

    Examples
    --------
    >>> import tempfile
    >>> from cellseg.plate import make_plate
    >>> plate = make_plate(tempfile.mkdtemp(), rows=1, cols=3, shape=64,
    ...                    faults={"saturated": 1}, drift=0)
    >>> run = run_experiment(plate.layout, plate.folder, tempfile.mkdtemp(), sigma=2.0,
    ...                      threshold=plate.threshold, min_size=30,
    ...                      scheduler="synchronous", progress=False)
    >>> ax = plate_heatmap(run.fields, "n_objects", mark=None)
    >>> ax.images[0].get_array().shape   # one square per well: 1 row, 3 columns
    (1, 3)
    """
    import matplotlib
    import matplotlib.pyplot as plt

    _table(fields, "fields", ("row", "col"), what="a table of fields (e.g. run.fields)")
    if not isinstance(column, str) or column not in fields:
        raise ValueError(f"column must be one of the table's columns {list(fields.columns)}, "
                         f"e.g. column='n_objects'; got {column!r}.")
    if ax is not None:
        _validate.has_method(ax, "imshow", "ax", what="a matplotlib Axes (e.g. plt.subplots()[1]) or None")
    _text_or_none(label, "label", example="label='objects'")
    if not isinstance(cmap, matplotlib.colors.Colormap) and (
            not isinstance(cmap, str) or cmap not in matplotlib.colormaps):
        raise ValueError(f"cmap must be a matplotlib colormap or its name, e.g. cmap='viridis'; got {cmap!r}.")
    _text_or_none(mark, "mark", example="mark='flagged'")
    grid = _plate_grid(fields, column)
    if ax is None:
        _, ax = plt.subplots(figsize=(5, 3.2), layout="constrained")
    image = ax.imshow(grid, cmap=cmap)
    ax.figure.colorbar(image, ax=ax, label=label or column, shrink=0.8)
    rows, cols = grid.shape
    ax.set_xticks(range(cols), [str(c + 1) for c in range(cols)])
    ax.set_yticks(range(rows), [chr(65 + r) for r in range(rows)])
    ax.tick_params(length=0)
    if mark is not None and mark in fields:
        bad = fields[fields[mark].astype(bool)]
        ax.scatter(bad["col"], bad["row"], s=120, facecolors="none", edgecolors="white", linewidths=2.2)
        ax.scatter(bad["col"], bad["row"], s=120, facecolors="none", edgecolors="black", linewidths=1.0)
    return ax


def flagged_gallery(flagged, folder, *, sigma, threshold, min_size, n_cols=4, max_fields=8, width=8.0):
    """Show the flagged fields with the outlines of their segmentation, titled with the reasons.

    Parameters
    ----------
    flagged : pandas.DataFrame
        The output of :func:`flag_fields`.
    folder : str or path-like
        Where the images are (the ``path`` column is relative to it).
    sigma, threshold, min_size : float, float, int
        The pipeline's parameters, as in :func:`run_experiment`.
    n_cols : int, optional
        Panels per row.
    max_fields : int, optional
        At most this many flagged fields are shown.
    width : float, optional
        Figure width in inches.

    Returns
    -------
    fig : matplotlib Figure

    Examples
    --------
    >>> import tempfile
    >>> from cellseg.plate import make_plate
    >>> plate = make_plate(tempfile.mkdtemp(), rows=1, cols=3, shape=64,
    ...                    faults={"saturated": 1}, drift=0)
    >>> run = run_experiment(plate.layout, plate.folder, tempfile.mkdtemp(), sigma=2.0,
    ...                      threshold=plate.threshold, min_size=30,
    ...                      scheduler="synchronous", progress=False)
    >>> fig = flagged_gallery(flag_fields(run.fields), plate.folder, sigma=2.0,
    ...                       threshold=plate.threshold, min_size=30)
    >>> len([ax for ax in fig.axes if ax.get_title()])
    1
    """
    import matplotlib.pyplot as plt

    from .drawing import overlay_boundaries

    _table(flagged, "flagged", ("flagged", "flags", "status", "well", "path"),
           what="the table flag_fields returns (e.g. flag_fields(run.fields))")
    _folder(folder)
    sigma, threshold, min_size, _ = _options(sigma, threshold, min_size)
    max_fields = _validate.whole_number(max_fields, "max_fields", minimum=1)
    width = _validate.real_number(width, "width", minimum=0, strict=True)
    n_cols = _validate.whole_number(n_cols, "n_cols", minimum=1)
    if n_cols > 2 * width:
        raise ValueError(f"n_cols={n_cols} panels in width={width:g} inches would each be narrower "
                         "than half an inch; pass fewer n_cols or a larger width.")
    bad = flagged[flagged["flagged"].astype(bool)].head(max_fields)
    if bad.empty:
        raise ValueError("no field is flagged: there is nothing to show.")
    n_rows = math.ceil(len(bad) / n_cols)
    dpi = plt.rcParams["figure.dpi"]
    _validate.output_size(width * dpi * width / n_cols * n_rows * 1.2 * dpi, itemsize=4,
                          what=f"a figure {width:g} inches wide", hint="pass a smaller width")
    fig, axes = plt.subplots(n_rows, n_cols, figsize=(width, width / n_cols * n_rows * 1.2),
                             layout="constrained", squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    for ax, (_, row) in zip(axes.ravel(), bad.iterrows()):
        if row["status"] != "ok":
            ax.set_title(f"{row['well']}: failed", fontsize=10)
            continue
        image = read_field(Path(folder) / row["path"]).astype(float)
        labels = _segment(image, sigma=sigma, threshold=threshold, min_size=min_size)
        low, high = np.percentile(image, [0.5, 99.5])
        shown = np.clip((image - low) / max(high - low, 1e-9), 0, 1)
        ax.imshow(overlay_boundaries(shown, labels, color=(0.9, 0.6, 0.0)), interpolation="nearest")
        ax.set_title(f"{row['well']}: {row['flags']}", fontsize=10, wrap=True)
    return fig


# ---------------------------------------------------------------- tiled segmentation


def overlap_depth(sigma, *, truncate=4.0):
    """Pixels of overlap a chunk needs for its smoothed values to equal the untiled ones.

    SciPy's Gaussian kernel reaches ``int(truncate * sigma + 0.5)`` pixels on
    each side (it is cut at ``truncate`` widths), so that is what a chunk must
    see beyond its border.

    Parameters
    ----------
    sigma : float
        Width of the Gaussian in pixels (>= 0).
    truncate : float, optional
        Where SciPy cuts the kernel, in widths.

    Returns
    -------
    int
        Pixels of overlap on each side.

    Examples
    --------
    >>> overlap_depth(2.0), overlap_depth(1.3)
    (8, 5)
    """
    sigma = _validate.sigma(sigma)
    truncate = _validate.real_number(truncate, "truncate", minimum=0, strict=True)
    return int(truncate * sigma + 0.5)


def _label_block(block, structure):
    return ndi.label(block, structure=structure)[0].astype(np.int32, copy=False)


def _block_max(block):
    return np.full((1,) * block.ndim, block.max(initial=0), dtype=np.int64)


def _add_offset(block, offsets, block_info=None):
    """Local labels 1..n of one block become global ones: add the labels of the blocks before it."""
    offset = offsets[tuple(block_info[0]["chunk-location"])]
    return np.where(block > 0, block + offset, 0).astype(np.int64)


def _lookup(block, table):
    return table[block]


def _face_pairs(face, axis, connectivity):
    """Pairs of labels that touch across a chunk border (``face``: the 2 pixels either side)."""
    a, b = np.moveaxis(face, axis, 0)
    pairs = [(a, b)]
    if connectivity == 2:  # corners touch too
        pairs += [(a[:-1], b[1:]), (a[1:], b[:-1])]
    both = [np.stack([x[(x > 0) & (y > 0)], y[(x > 0) & (y > 0)]]) for x, y in pairs]
    return np.unique(np.concatenate(both, axis=1), axis=1)


def _global_table(n_labels, pairs, sizes, min_size):
    """Final id of every global label: labels joined across borders, small objects dropped, 1..n."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    edges = np.concatenate(pairs, axis=1) if pairs else np.zeros((2, 0), dtype=np.int64)
    graph = coo_matrix((np.ones(edges.shape[1]), (edges[0], edges[1])), shape=(n_labels + 1,) * 2)
    _, component = connected_components(graph, directed=False)  # label 0 is component 0
    size = np.bincount(component, weights=sizes, minlength=component.max() + 1)
    keep = size >= min_size
    keep[component[0]] = False  # the background
    new_id = np.zeros(keep.size, dtype=np.int32)
    new_id[keep] = np.arange(1, int(keep.sum()) + 1, dtype=np.int32)
    return new_id[component]


def segment_tiled(image, *, sigma, threshold, min_size, connectivity=1):
    """The pipeline on an image larger than memory, chunk by chunk; lazy, globally consistent labels.

    1. smooth each chunk with :func:`cellseg.pipeline.smooth` through
       :meth:`dask.array.Array.map_overlap`, with :func:`overlap_depth` pixels
       of overlap (mirrored at the image's edges, as SciPy does), so that the
       smoothed values equal those of the whole image; threshold; keep the mask
       (one byte per pixel; store it with ``to_zarr`` for still larger images);
    2. label each chunk (:func:`scipy.ndimage.label`) and count its labels,
       so that adding the counts of the chunks before it makes every chunk's
       labels unique;
    3. find the pairs of labels that touch across each chunk border, join
       them (:func:`scipy.sparse.csgraph.connected_components`), add up each
       object's pixels over its chunks and drop those below ``min_size``;
    4. return the lazy relabelled image: each chunk is labelled again and
       looked up in the table of step 3.

    This is the algorithm of :func:`dask_image.ndmeasure.label`, written as
    three explicit passes: with dask 2026.8 that function labels each chunk
    again for every chunk after it (500 labellings for a 4 x 4 grid of chunks),
    which grows with the square of the number of chunks.

    Parameters
    ----------
    image : dask.array.Array or array_like
        E.g. ``dask.array.from_zarr(path)``; every chunk at least
        :func:`overlap_depth` pixels wide.
    sigma, threshold, min_size, connectivity :
        As in :func:`cellseg.pipeline.smooth` and :func:`cellseg.pipeline.segment`.

    Returns
    -------
    labels : dask.array.Array of int32
        0 for the background, objects 1..n. Write it with ``labels.to_zarr(path)``
        or compute a part of it.

    Examples
    --------
    >>> from cellseg.plate import plate_field
    >>> import dask.array as da
    >>> image = plate_field(shape=256, seed=4)
    >>> tiled = segment_tiled(da.from_array(image, chunks=64), sigma=2, threshold=1100, min_size=30)
    >>> same_objects(tiled.compute(), _segment(image, sigma=2, threshold=1100, min_size=30))
    True
    """
    import dask
    import dask.array as da

    image = _tiled_image(image)
    sigma, threshold, min_size, _ = _options(sigma, threshold, min_size)
    connectivity = _validate.whole_number(connectivity, "connectivity", minimum=1)
    if connectivity not in (1, 2):
        raise ValueError(f"connectivity must be 1 or 2, got {connectivity!r}.")
    depth = overlap_depth(sigma)
    smallest = min(min(c) for c in image.chunks)
    if smallest < max(depth, 2):
        raise ValueError(
            f"chunks of {smallest} pixels are narrower than the overlap of {depth} pixels that "
            f"smoothing with sigma={sigma:g} needs; rechunk, e.g. image.rechunk(1024)."
        )
    structure = ndi.generate_binary_structure(2, connectivity)
    smoothed = image.map_overlap(_smooth, depth=depth, boundary="reflect", sigma=sigma, dtype=float)
    mask = smoothed > threshold
    if image.dtype.kind == "f":  # NaN or infinity, read with the same chunks as the mask (pass 1)
        mask, finite = dask.persist(mask, da.isfinite(image).all())
        if not finite.compute():
            raise ValueError("image contains NaN or infinite values; replace them first, "
                             "e.g. da.nan_to_num(image).")
    else:
        mask = mask.persist()  # pass 1
    local = mask.map_blocks(_label_block, structure=structure, dtype=np.int32)
    counts = local.map_blocks(_block_max, chunks=(1, 1), dtype=np.int64).compute()  # pass 2
    offsets = (np.cumsum(counts.ravel()) - counts.ravel()).reshape(counts.shape)
    labels = local.map_blocks(_add_offset, offsets=offsets, dtype=np.int64)
    faces = []
    for axis in (0, 1):
        for border in np.cumsum(labels.chunks[axis])[:-1]:
            face = labels[border - 1: border + 1] if axis == 0 else labels[:, border - 1: border + 1]
            faces.append(dask.delayed(_face_pairs)(face, axis, connectivity))
    n_labels = int(counts.sum())
    parts = [dask.delayed(np.unique)(block, return_counts=True) for block in labels.to_delayed().ravel()]
    pairs, parts = dask.compute(faces, parts)  # pass 3
    ids, counts = (np.concatenate(x) for x in zip(*parts))
    sizes = np.bincount(ids, weights=counts, minlength=n_labels + 1)
    table = _global_table(n_labels, pairs, sizes, min_size)
    return labels.map_blocks(_lookup, table=table, dtype=np.int32)


def _tiled_image(image):
    """A 2-D Dask array of real numbers (NumPy input checked for NaN at once), or a clear error."""
    import dask.array as da

    if not isinstance(image, da.Array):
        if isinstance(image, (str, bytes, dict, set)) or image is None:
            raise TypeError(f"image must be a 2-D array of intensities, e.g. dask.array.from_zarr(path); "
                            f"got {image!r}.")
        image = _validate.array_like(image, "image", example="dask.array.from_zarr(path)")
    if image.dtype == object or not (np.issubdtype(image.dtype, np.number) or image.dtype == bool) \
            or np.iscomplexobj(image):
        raise TypeError(f"image must be real intensities, got dtype {image.dtype}; pass a 2-D array "
                        "of numbers, e.g. dask.array.from_zarr(path).")
    if image.ndim != 2:
        raise ValueError(f"image must be 2-D (rows, cols), got shape {image.shape}.")
    if image.size == 0:
        raise ValueError(f"image is empty (shape {image.shape}); pass a non-empty image.")
    if isinstance(image, np.ndarray) and image.dtype.kind == "f" and not np.isfinite(image).all():
        raise ValueError("image contains NaN or infinite values; replace them first, e.g. np.nan_to_num(image).")
    return da.asarray(image)


def _label_image(value, name):
    """An integer array of at least one dimension (a label image), or a clear error."""
    if isinstance(value, (str, bytes, dict, set)) or value is None:
        raise TypeError(f"{name} must be a label image (an integer array), got {value!r}.")
    arr = _validate.array_like(value, name, example=f"{name}=cellseg.segment(...)")
    if arr.dtype.kind not in "iu" or arr.ndim == 0:
        raise TypeError(f"{name} must be a label image: an integer array of 1 or more dimensions, got "
                        f"{arr.dtype} of shape {arr.shape}; pass labels such as cellseg.segment(...) "
                        "(cast float labels with .astype(int)).")
    return arr


def same_objects(labels_a, labels_b):
    """True when two label images hold the same objects, whatever their numbers.

    Same background, and a one-to-one match between the labels of ``a`` and
    those of ``b`` in which every pixel agrees: found with one
    :func:`numpy.unique` of the pairs ``(a, b)`` over the pixels.

    Parameters
    ----------
    labels_a, labels_b : array_like of int
        Two label images of the same shape.

    Returns
    -------
    bool

    Examples
    --------
    >>> a = np.array([[1, 1, 0, 2]]); b = np.array([[5, 5, 0, 3]])
    >>> same_objects(a, b), same_objects(a, np.array([[1, 1, 0, 1]]))
    (True, False)
    """
    a, b = _label_image(labels_a, "labels_a"), _label_image(labels_b, "labels_b")
    if a.shape != b.shape:
        return False
    if not np.array_equal(a == 0, b == 0):
        return False
    fg = a != 0
    if not fg.any():
        return True
    # labels as 0..n-1 (any ids, uint64 too, without overflow), then one number per (a, b) pair
    ids_a, a = np.unique(a[fg], return_inverse=True)
    ids_b, b = np.unique(b[fg], return_inverse=True)
    pairs = np.unique(a.astype(np.int64) * ids_b.size + b)
    return pairs.size == ids_a.size == ids_b.size
