"""A synthetic multi-well plate with known faults, and a mosaic larger than memory.

The course's image model (:mod:`cellseg.synthetic`, recorded by the camera of
:mod:`cellseg.acquisition`) scaled up to an experiment:

- :func:`make_plate` writes one image per field of a plate (96 wells by default)
  as TIFF files, or as an OME-Zarr plate, with faults injected at known wells,
  and returns the layout with the ground truth of every field;
- :func:`plate_field` makes the image of one field (what :func:`make_plate` writes);
- :func:`make_mosaic` writes a large image chunk by chunk to (OME-)Zarr, never
  holding more than a few chunks in memory.

The faults
----------
Every field is a 12-bit camera image of cells (Gaussian blobs of width
:data:`cellseg.synthetic.CELL_SIGMA`) on a faint background light
(:data:`BACKGROUND`), recorded with :data:`EXPOSURE` counts per unit of light
and an offset of :data:`OFFSET` counts. A faulty field differs in one way:

- ``"out of focus"``: each cell is blurred by a Gaussian of width
  :data:`DEFOCUS_SIGMA`. Gaussian widths add in quadrature, so a cell becomes a
  blob of width ``sqrt(cell_sigma**2 + defocus**2)`` whose peak falls to keep the
  cell's total light (``peak * cell_sigma**2 / width**2``);
- ``"saturated"``: recorded with :data:`SATURATION_FACTOR` times the exposure, so
  the cells' tops are clipped at the camera's full scale;
- ``"nearly empty"``: at most one cell (a well where the cells did not attach);
- ``"uneven illumination"``: light falls off quadratically by
  :data:`UNEVEN_FALLOFF` towards one corner (:func:`cellseg.acquisition.illumination_field`);
- ``"debris"``: a bright fibre (a chain of small blobs) across the field;
- ``"drift"``: the lamp dims towards the end of the acquisition: from
  ``drift_start`` (a fraction of the fields, in acquisition order) the light
  falls linearly to ``1 - drift`` at the last field. A field counts as drifted
  when it lost more than :data:`DRIFT_TOLERANCE` of its light.

The single-field faults are placed at random (seeded) among the fields the
drift does not reach, so that every faulty field has one cause.
"""

import math
import numbers
import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import _validate
from .acquisition import acquire, full_scale, illumination_field
from .synthetic import CELL_SIGMA, MIN_SEPARATION, NOISE_SCALE, SEED, render_cells

__all__ = [
    "FAULTS",
    "Plate",
    "make_plate",
    "plate_layout",
    "plate_field",
    "well_name",
    "make_mosaic",
    "mosaic_centers",
]

BIT_DEPTH = 12  #: bits of the plate's camera (stored as uint16)
EXPOSURE = 1000.0  #: counts per unit of light
OFFSET = 100  #: camera offset, in counts
BACKGROUND = 0.5  #: background light, in the model's units (a cell adds up to 1)
CELL_DENSITY = 8 / 128**2  #: cells per pixel of a normal field (8 on 128 x 128, on average)
DEFOCUS_SIGMA = 5.0  #: width (pixels) of the blur of an out-of-focus field
SATURATION_FACTOR = 3.0  #: exposure of a saturated field, relative to a normal one
UNEVEN_FALLOFF = 0.6  #: light lost in the darkest corner of an unevenly lit field
DRIFT_TOLERANCE = 0.15  #: a field that lost more light than this to the drift counts as drifted
MOSAIC_TILE = 128  #: side of the tiles in which a chunk of the mosaic is drawn
MAX_ROWS = 26  #: rows of a plate are lettered A..Z
FIELD_BYTES = 64  #: bytes per pixel a field needs while it is drawn (56 measured with tracemalloc)
LAYOUT_BYTES = 256  #: bytes per field of the layout table (names, numbers, the fault's text)
#: bytes per pixel of a mosaic's cell centres (its image is drawn chunk by chunk): a node of the
#: jittered grid per (MIN_SEPARATION + 10)**2 pixels, a few float64 pairs each
MOSAIC_CENTER_BYTES = 128 / (MIN_SEPARATION + 10) ** 2

#: the faults a field can have ("" is a good field)
FAULTS = ("out of focus", "saturated", "nearly empty", "uneven illumination", "debris", "drift")
#: how many wells get each single-field fault by default
DEFAULT_FAULTS = {"out of focus": 3, "saturated": 3, "nearly empty": 3,
                  "uneven illumination": 3, "debris": 3}


class Plate(NamedTuple):
    """What :func:`make_plate` returns.

    ``layout`` is a :class:`pandas.DataFrame` with one row per field, in
    acquisition order: ``plate``, ``well`` (``"A01"``), ``row``, ``col``
    (0-based), ``field``, ``order``, ``path`` (relative to ``folder``),
    ``fault`` (``""`` for a good field; the ground truth) and ``light`` (the
    fraction of the light the drift left).
    """

    folder: Path
    layout: object
    threshold: float  #: an intensity threshold (counts) halfway up a normal cell, for the pipeline

    @property
    def truth(self):
        """The ground truth: ``{(well, field): fault}`` for every faulty field."""
        bad = self.layout[self.layout["fault"] != ""]
        return {(w, int(f)): fault for w, f, fault in zip(bad["well"], bad["field"], bad["fault"])}


def well_name(row, col):
    """Name of a well from its 0-based row and column, as printed on plates.

    Parameters
    ----------
    row, col : int
        0-based row (A = 0) and column (1 = 0).

    Returns
    -------
    str

    Examples
    --------
    >>> well_name(0, 0), well_name(7, 11)
    ('A01', 'H12')
    """
    row = _validate.whole_number(row, "row")
    col = _validate.whole_number(col, "col")
    if row >= MAX_ROWS:
        raise ValueError(f"row must be below {MAX_ROWS} (rows are lettered A..Z), got {row}.")
    return f"{chr(ord('A') + row)}{col + 1:02d}"


def _layout_faults(n_fields, faults, drift, drift_start, rng):
    """Fault of every field (acquisition order) and the light the drift left it."""
    order = np.arange(n_fields)
    first = int(math.ceil(drift_start * n_fields)) if drift > 0 else n_fields
    ramp = np.clip((order - first + 1) / max(n_fields - first, 1), 0, 1)
    light = 1.0 - drift * ramp
    fault = np.where(1.0 - light > DRIFT_TOLERANCE, "drift", "").astype(object)
    wanted = sum(faults.values())
    free = order[:first]
    if wanted > free.size:
        raise ValueError(
            f"{wanted} faulty fields do not fit in the {free.size} fields before the drift; "
            "pass fewer faults, a later drift_start or a larger plate (more rows, cols or "
            "fields_per_well)."
        )
    chosen = rng.permutation(free)[:wanted]
    kinds = np.repeat(list(faults), list(faults.values()))
    fault[chosen] = kinds
    return fault, light


def _check_faults(faults):
    if faults is None:
        return dict(DEFAULT_FAULTS)
    if not isinstance(faults, dict):
        raise TypeError(f"faults must be a dict such as {{'saturated': 2}}, got {type(faults).__name__}.")
    single = [f for f in FAULTS if f != "drift"]
    for name, count in faults.items():
        if name not in single:
            raise ValueError(f"unknown fault {name!r}; choose from {single} (the drift is set by drift=).")
        _validate.whole_number(count, f"faults[{name!r}]")
    return {name: int(count) for name, count in faults.items()}


def _field_shape(shape, *, minimum=64, bytes_per_pixel=FIELD_BYTES, what="a field"):
    """``(rows, cols)`` from one whole number or two, each at least ``minimum``, within the budget."""
    if isinstance(shape, np.ndarray) and shape.ndim == 0:
        shape = shape[()]
    if isinstance(shape, (numbers.Number, np.bool_)):
        rows = cols = _validate.whole_number(shape, "shape", minimum=minimum)
    elif _validate._sequence(shape) and len(shape) == 2:
        rows, cols = (_validate.whole_number(n, "shape", minimum=minimum) for n in shape)
    else:
        raise TypeError(f"shape must be one whole number or two (rows, cols), e.g. shape=128 or "
                        f"shape=(128, 256); got {shape!r}.")
    _validate.output_size(rows * cols, itemsize=bytes_per_pixel,
                          what=f"{what} of shape ({rows}, {cols})", hint="pass a smaller shape")
    return rows, cols


def _fault(fault):
    if not isinstance(fault, str) or fault not in ("",) + FAULTS:
        raise ValueError(f"fault must be '' (a good field) or one of {FAULTS}, got {fault!r}.")
    return fault


def _light(light):
    light = _validate.real_number(light, "light", minimum=0, strict=True)
    if light > 1:
        raise ValueError(f"light must be at most 1 (the fraction of the lamp's light left), got {light:g}.")
    return light


def plate_field(*, shape=128, fault="", light=1.0, seed=SEED):
    """Return one field of the plate: a 12-bit camera image (``uint16``) with the given fault.

    Parameters
    ----------
    shape : int or (int, int), optional
        Pixels of the field.
    fault : str, optional
        One of :data:`FAULTS` or ``""`` for a good field (``"drift"`` is set by ``light``).
    light : float, optional
        Fraction of the lamp's light that reaches the field (the drift), in (0, 1].
    seed : int, optional
        The same seed gives the same field.

    Returns
    -------
    image : 2-D ndarray of uint16

    Examples
    --------
    >>> good = plate_field(seed=1)
    >>> bright = plate_field(fault="saturated", seed=1)
    >>> good.dtype, int(good.max()) < 4095, int(bright.max())
    (dtype('uint16'), True, 4095)
    """
    fault = _fault(fault)
    light = _light(light)
    rows, cols = _field_shape(shape)
    rng = np.random.default_rng(_validate.seed(seed))
    mean_cells = CELL_DENSITY * rows * cols
    low, high = round(0.875 * mean_cells), round(1.125 * mean_cells) + 1
    n_cells = 1 if fault == "nearly empty" else int(rng.integers(low, high))
    centers = _jittered_centers(rows, cols, n_cells, rng)
    sigma, brightness = CELL_SIGMA, 1.0
    if fault == "out of focus":
        sigma = math.hypot(CELL_SIGMA, DEFOCUS_SIGMA)
        brightness = (CELL_SIGMA / sigma) ** 2
    signal = render_cells(centers, shape=(rows, cols), cell_sigma=sigma, brightness=brightness) + BACKGROUND
    if fault == "debris":
        signal += _fibre(rows, cols, rng)
    if fault == "uneven illumination":
        corners = [(0, 0), (0, cols - 1), (rows - 1, 0), (rows - 1, cols - 1)]
        signal *= illumination_field((rows, cols), falloff=UNEVEN_FALLOFF,
                                     center=corners[rng.integers(4)])
    exposure = EXPOSURE * light * (SATURATION_FACTOR if fault == "saturated" else 1.0)
    return acquire(signal, exposure, bit_depth=BIT_DEPTH, offset=OFFSET, noise_scale=NOISE_SCALE,
                   seed=int(rng.integers(2**31)))


def _jittered_centers(rows, cols, n_cells, rng, *, margin=12):
    """``n_cells`` centres at least :data:`MIN_SEPARATION` apart: random nodes of a jittered grid.

    A grid of pitch ``MIN_SEPARATION + 2 * jitter`` whose nodes move by at most
    ``jitter`` keeps every pair apart without the quadratic cost of dart
    throwing; a random subset of the nodes is kept.
    """
    jitter = 4.0
    pitch = MIN_SEPARATION + 2 * jitter
    r = np.arange(margin + jitter, rows - margin - jitter + 1e-9, pitch)
    c = np.arange(margin + jitter, cols - margin - jitter + 1e-9, pitch)
    nodes = np.stack(np.meshgrid(r, c, indexing="ij"), axis=-1).reshape(-1, 2)
    if n_cells > len(nodes):
        raise ValueError(f"{n_cells} cells do not fit in a {rows}x{cols} field; pass a larger shape.")
    keep = rng.permutation(len(nodes))[:n_cells]
    return nodes[keep] + rng.uniform(-jitter, jitter, (n_cells, 2))


def _fibre(rows, cols, rng):
    """A bright fibre: a chain of small blobs along a random segment through the middle part."""
    length = 0.5 * min(rows, cols)
    angle = rng.uniform(0, np.pi)
    middle = np.array([rows, cols]) / 2 + rng.uniform(-0.15, 0.15, 2) * np.array([rows, cols])
    t = np.linspace(-length / 2, length / 2, int(length / 1.5))
    points = middle + t[:, None] * np.array([np.sin(angle), np.cos(angle)])
    return render_cells(points, shape=(rows, cols), cell_sigma=2.5, brightness=0.35)


def _field_seed(seed, index):
    return int(np.random.SeedSequence([seed, index]).generate_state(1)[0])


def make_plate(folder, *, rows=8, cols=12, fields_per_well=1, shape=128, faults=None, drift=0.5,
               drift_start=0.75, seed=SEED, fmt="tiff", name="plate1"):
    """Write a synthetic plate with faults at known fields, and return its layout and truth.

    Parameters
    ----------
    folder : str or path-like
        Where to write (created if needed). TIFF fields are written as
        ``NAME_A01_0.tif``; an OME-Zarr plate as ``NAME.zarr`` (the OME-NGFF 0.4
        layout of a plate: ``row/column/field/0``).
    rows, cols : int, optional
        The plate's layout (8 x 12 = 96 wells, 16 x 24 = 384).
    fields_per_well : int, optional
    shape : int or (int, int), optional
        Pixels of each field (at least 64).
    faults : dict, optional
        How many fields get each single-field fault, e.g. ``{"saturated": 2}``;
        by default three of each (:data:`DEFAULT_FAULTS`).
    drift : float, optional
        Fraction of the light lost at the last field (0 for no drift, below 1).
    drift_start : float, optional
        Where the drift starts, as a fraction of the fields in acquisition order.
    seed : int, optional
    fmt : {"tiff", "ome-zarr"}, optional
    name : str, optional
        Name of the plate (the ``plate`` column, and the files' prefix).

    Returns
    -------
    Plate
        ``folder``, ``layout`` (a DataFrame, one row per field, with the truth
        in ``fault``) and ``threshold``.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     plate = make_plate(tmp, rows=2, cols=3, faults={"saturated": 1}, drift=0)
    ...     n_files = len(os.listdir(tmp))
    >>> n_files, list(plate.truth.values())
    (6, ['saturated'])
    """
    fmt = _validate.choice(fmt, "fmt", ("tiff", "ome-zarr"))
    if not isinstance(folder, (str, os.PathLike)):
        raise TypeError(f"folder must be a path (a str or pathlib.Path), e.g. folder='plate'; got {folder!r}.")
    _field_shape(shape)
    layout = plate_layout(rows=rows, cols=cols, fields_per_well=fields_per_well, faults=faults, drift=drift,
                          drift_start=drift_start, seed=seed, name=name)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "tiff":
        layout["path"] = [f"{name}_{w}_{f}.tif" for w, f in zip(layout["well"], layout["field"])]
    else:
        layout["path"] = [f"{name}.zarr/{chr(65 + r)}/{c + 1}/{f}/0"
                          for r, c, f in zip(layout["row"], layout["col"], layout["field"])]
    rows, cols, fields_per_well = int(layout["row"].max()) + 1, int(layout["col"].max()) + 1, \
        int(layout["field"].max()) + 1
    writer = _write_tiff if fmt == "tiff" else _zarr_writer(folder / f"{name}.zarr", rows, cols, fields_per_well)
    for i, (f, lt, path) in enumerate(zip(layout["fault"], layout["light"], layout["path"])):
        image = plate_field(shape=shape, fault="" if f == "drift" else f, light=float(lt),
                            seed=_field_seed(seed, i))
        writer(folder / path, image)
    threshold = OFFSET + EXPOSURE * (BACKGROUND + 0.5)
    return Plate(folder, layout, float(threshold))


def plate_layout(*, rows=8, cols=12, fields_per_well=1, faults=None, drift=0.5, drift_start=0.75, seed=SEED,
                 name="plate1"):
    """The layout and truth of the plate :func:`make_plate` writes, without writing anything.

    Parameters
    ----------
    rows, cols, fields_per_well, faults, drift, drift_start, seed, name : optional
        As in :func:`make_plate`.

    Returns
    -------
    layout : pandas.DataFrame
        One row per field (``plate``, ``well``, ``row``, ``col``, ``field``,
        ``order``, ``fault``, ``light``), as in :class:`Plate`, without ``path``.

    Examples
    --------
    >>> layout = plate_layout(rows=2, cols=3, faults={"debris": 1}, drift=0)
    >>> list(layout["well"]), sorted(layout["fault"])
    (['A01', 'A02', 'A03', 'B01', 'B02', 'B03'], ['', '', '', '', '', 'debris'])
    """
    import pandas as pd

    rows = _validate.whole_number(rows, "rows", minimum=1)
    if rows > MAX_ROWS:
        raise ValueError(f"rows must be at most {MAX_ROWS} (rows are lettered A..Z), got {rows}.")
    cols = _validate.whole_number(cols, "cols", minimum=1)
    fields_per_well = _validate.whole_number(fields_per_well, "fields_per_well", minimum=1)
    n_fields = rows * cols * fields_per_well
    _validate.output_size(n_fields, itemsize=LAYOUT_BYTES,
                          what=f"the layout of {rows} x {cols} wells of {fields_per_well} fields",
                          hint="pass fewer rows, cols or fields_per_well")
    faults = _check_faults(faults)
    drift = _validate.real_number(drift, "drift", minimum=0)
    drift_start = _validate.real_number(drift_start, "drift_start", minimum=0)
    if drift >= 1 or drift_start > 1:
        raise ValueError("drift (the fraction of light lost) must be below 1 and drift_start at most 1.")
    seed = _validate.seed(seed)
    if not isinstance(name, str) or not name or "/" in name or "\\" in name:
        raise ValueError(f"name must be a non-empty text without slashes (it starts every file name), "
                         f"e.g. name='plate1'; got {name!r}.")
    fault, light = _layout_faults(n_fields, faults, drift, drift_start, np.random.default_rng(seed))
    order = np.arange(n_fields)
    well_index, field = np.divmod(order, fields_per_well)
    row, col = np.divmod(well_index, cols)
    return pd.DataFrame({
        "plate": name, "well": [well_name(r, c) for r, c in zip(row, col)], "row": row, "col": col,
        "field": field, "order": order, "fault": fault.astype(str), "light": light,
    })


def _write_tiff(path, image):
    import tifffile

    tifffile.imwrite(path, image, photometric="minisblack", compression="zlib")


def _zarr_writer(root, rows, cols, fields_per_well):
    """Create an OME-NGFF 0.4 plate group and return a function that writes one field into it."""
    plate = _new_group(root)
    wells = [{"path": f"{chr(65 + r)}/{c + 1}", "rowIndex": r, "columnIndex": c}
             for r in range(rows) for c in range(cols)]
    plate.attrs["plate"] = {
        "version": "0.4", "field_count": fields_per_well, "wells": wells,
        "rows": [{"name": chr(65 + r)} for r in range(rows)],
        "columns": [{"name": str(c + 1)} for c in range(cols)],
    }

    def write(path, image):
        field_path = os.path.relpath(path, root).replace(os.sep, "/").rsplit("/", 1)[0]
        well = plate.require_group(field_path.rsplit("/", 1)[0])
        well.attrs["well"] = {"version": "0.4",
                              "images": [{"path": str(f)} for f in range(fields_per_well)]}
        group = plate.require_group(field_path)
        group.attrs["multiscales"] = [_multiscales()]
        if hasattr(group, "create_array"):  # zarr 3
            group.create_array("0", data=image, chunks=image.shape, overwrite=True)
        else:  # zarr 2 (Python 3.10)
            group.create_dataset("0", data=image, chunks=image.shape, overwrite=True)

    return write


def _new_group(path):
    """An empty Zarr group in the format of OME-NGFF 0.4 (Zarr format 2), with zarr 3 or zarr 2."""
    import zarr

    if int(zarr.__version__.split(".")[0]) >= 3:
        return zarr.open_group(str(path), mode="w", zarr_format=2)
    return zarr.open_group(str(path), mode="w")


def _multiscales(scale=(1.0, 1.0)):
    return {"version": "0.4", "axes": [{"name": "y", "type": "space"}, {"name": "x", "type": "space"}],
            "datasets": [{"path": "0", "coordinateTransformations": [{"type": "scale",
                                                                      "scale": list(scale)}]}]}


# ---------------------------------------------------------------- the mosaic


def mosaic_centers(shape, *, seed=SEED, fill=0.6):
    """Cell centres of :func:`make_mosaic`: a random ``fill`` of the nodes of a jittered grid.

    Parameters
    ----------
    shape : int or (int, int)
        The mosaic's shape in pixels.
    seed : int, optional
    fill : float, optional
        The fraction of the grid's nodes that hold a cell.

    Returns
    -------
    centers : (n, 2) ndarray of float

    Examples
    --------
    >>> c = mosaic_centers((256, 256), seed=3)
    >>> c.shape[1], bool(len(c) > 20)
    (2, True)
    """
    rows, cols = _field_shape(shape, minimum=0, bytes_per_pixel=MOSAIC_CENTER_BYTES,
                              what="the cell centres of a mosaic")
    fill = _validate.real_number(fill, "fill", minimum=0)
    if fill > 1:
        raise ValueError(f"fill must be at most 1 (the fraction of the grid's nodes with a cell), got {fill:g}.")
    rng = np.random.default_rng(_validate.seed(seed))
    jitter = 5.0  # a pitch of 34 px: no power of two is a multiple of it, so cells fall on chunk borders
    pitch = MIN_SEPARATION + 2 * jitter
    r = np.arange(jitter + 8, rows - jitter - 8, pitch)
    c = np.arange(jitter + 8, cols - jitter - 8, pitch)
    nodes = np.stack(np.meshgrid(r, c, indexing="ij"), axis=-1).reshape(-1, 2)
    nodes = nodes[rng.random(len(nodes)) < fill]
    return nodes + rng.uniform(-jitter, jitter, nodes.shape)


def _mosaic_block(centers, seed, block_info=None):
    """Render one chunk of the mosaic from the centres near it (a ``map_blocks`` function).

    The chunk is drawn in tiles of :data:`MOSAIC_TILE` pixels, each from the
    cells within reach of it: :func:`cellseg.synthetic.render_cells` costs
    rows x cells x columns, and a cell farther than 5 widths adds nothing.
    """
    (r0, r1), (c0, c1) = block_info[None]["array-location"]
    reach = 5 * CELL_SIGMA
    signal = np.full((r1 - r0, c1 - c0), BACKGROUND)
    for tr in range(r0, r1, MOSAIC_TILE):
        for tc in range(c0, c1, MOSAIC_TILE):
            er, ec = min(tr + MOSAIC_TILE, r1), min(tc + MOSAIC_TILE, c1)
            near = ((centers[:, 0] > tr - reach) & (centers[:, 0] < er + reach)
                    & (centers[:, 1] > tc - reach) & (centers[:, 1] < ec + reach))
            signal[tr - r0: er - r0, tc - c0: ec - c0] += render_cells(
                centers[near] - [tr, tc], shape=(er - tr, ec - tc))
    index = block_info[None]["chunk-location"]
    return acquire(signal, EXPOSURE, bit_depth=BIT_DEPTH, offset=OFFSET, noise_scale=NOISE_SCALE,
                   seed=_field_seed(seed, index[0] * 100_003 + index[1]))


def make_mosaic(path, *, shape=4096, chunks=1024, seed=SEED):
    """Write a large mosaic of cells to an OME-Zarr image, one chunk at a time; return its threshold.

    The cells are placed on a jittered grid over the whole mosaic
    (:func:`mosaic_centers`) and every chunk is drawn from the centres near it
    with noise of its own seed, so the image never has to fit in memory and
    cells cut by chunk borders are drawn whole. The array is at ``path/0``.

    Parameters
    ----------
    path : str or path-like
        A folder name ending in ``.zarr``.
    shape : int or (int, int), optional
    chunks : int, optional
        Side of the square chunks (at least 64).
    seed : int, optional

    Returns
    -------
    threshold : float
        An intensity threshold (counts) halfway up a cell, for the pipeline.

    Examples
    --------
    >>> import os, tempfile, zarr
    >>> path = os.path.join(tempfile.mkdtemp(), "mosaic.zarr")
    >>> threshold = make_mosaic(path, shape=128, chunks=64, seed=1)
    >>> threshold > 0
    True
    """
    import dask.array as da

    rows, cols = _field_shape(shape, bytes_per_pixel=MOSAIC_CENTER_BYTES,
                              what="the cell centres of a mosaic")
    chunks = _validate.whole_number(chunks, "chunks", minimum=64)
    seed = _validate.seed(seed)
    if not isinstance(path, (str, os.PathLike)) or not os.fspath(path).endswith(".zarr"):
        raise ValueError(f"path must be a folder name ending in .zarr, e.g. 'mosaic.zarr'; got {path!r}.")
    centers = mosaic_centers((rows, cols), seed=seed)
    dtype = np.dtype(np.uint16) if BIT_DEPTH <= 16 else np.dtype(np.uint32)
    mosaic = da.map_blocks(_mosaic_block, centers=centers, seed=seed, dtype=dtype,
                           chunks=da.core.normalize_chunks(chunks, (rows, cols)))
    group = _new_group(path)
    group.attrs["multiscales"] = [_multiscales()]
    mosaic.to_zarr(str(path), component="0", overwrite=True)
    assert full_scale(BIT_DEPTH) <= np.iinfo(dtype).max
    return float(OFFSET + EXPOSURE * (BACKGROUND + 0.5))
