"""Hostile calls of every public function of ``cellseg``, each classified by what it did.

Used by ``tests/test_hostile_inputs.py`` (which fails on the bad outcomes) and by
``benchmarks/hostile_sweep.py`` (which prints the table of outcomes).

How the calls are made
----------------------
Every public function of every public module of ``cellseg`` (a name without a
leading underscore, defined in that module) is called once with a *valid
baseline* (:data:`BASELINE_OVERRIDES` and :data:`BASELINE_BY_NAME`, small arrays)
and then once per (parameter, hostile value): the baseline with that one
argument replaced. Every call runs in a worker process (reused for many calls,
restarted after a crash or a hang) whose address space is capped at its size
after start-up plus :data:`MEMORY_CAP` bytes (``resource.setrlimit(RLIMIT_AS)``),
and each call gets :data:`TIME_CAP` seconds.

What the outcomes mean
----------------------
- ``clear``: a ``TypeError`` or ``ValueError`` (or a subclass defined in
  ``cellseg``) raised by a ``raise`` statement in a ``cellseg`` source file,
  whose message names the parameter (as a whole word) and says what to do
  (it contains "must", "pass", "use", "expected" or "should").
- ``accepted``: the call returned.
- ``obscure``: any other exception: raised inside NumPy, SciPy, scikit-image
  or matplotlib (even as a ValueError from a C function called in a cellseg
  line), an ``AttributeError``/``IndexError``/``KeyError``..., or a clear type
  whose message neither names the parameter nor says what to pass.
- ``memory``: a ``MemoryError``, NumPy's own "array is too big"/"Maximum
  allowed dimension exceeded", a worker killed by the cap, or a call that
  raised the worker's peak memory by more than :data:`RSS_GROWTH` bytes.
- ``hang``: no answer within :data:`TIME_CAP` seconds.
- ``no-baseline``: the valid baseline call of a function failed (the sweep
  cannot judge that function until :data:`BASELINE_OVERRIDES` gives one).

Each hostile value is also judged *bad*, *valid* or *either* for the kind of
its parameter (:func:`verdict`), so ``accepted`` splits into ``silent`` (a bad
value accepted: a failure) and ``ok``, and ``clear`` into ``ok`` and
``refused-valid`` (a valid value refused, reported but not a failure).
"""

import inspect
import importlib
import json
import os
import pkgutil
import re
import resource
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEMORY_CAP = 2 * 2**30
TIME_CAP = 10.0
RSS_GROWTH = 1 * 2**30
FAILING = ("obscure", "silent", "memory", "hang", "no-baseline", "crash")

# --------------------------------------------------------------------------- kinds of parameters

KIND_BY_NAME = {
    "image": "image", "signal": "image", "values": "image", "images": "object",
    "labels": "labels", "y_true": "labels", "y_pred": "labels", "seeds": "labels",
    "regions": "labels", "mask": "labels", "predicted": "object",
    "seed": "seed",
    "strict": "flag", "plus": "flag", "surface": "flag", "topology": "flag", "clipped": "flag", "compact": "flag",
    "shot_noise": "flag", "bright_objects": "flag", "progress": "flag",
    "n_labels": "count", "n_cells": "count", "n_nuclei": "count", "n_bright": "count",
    "n_dim": "count", "min_size": "count", "max_size": "count", "connectivity": "count",
    "min_distance": "count", "boundary": "count", "n_merges": "count", "n_tiles": "count",
    "bit_depth": "count", "margin": "count", "order": "count", "n_resamples": "count",
    "label": "count", "radius": "count",
    "shape": "shape", "tile_shape": "shape", "pixel_size": "spacing",
    "spacing": "spacing",
    "threshold": "real", "thresholds": "iou", "iou_threshold": "iou", "iou_thresholds": "iou",
    "mode": "text", "method": "text", "criterion": "text", "kind": "text", "name": "object", "path": "text",
    "titles": "object", "names": "object",
}
# (function, parameter) -> kind, where a name means something else in one function
KIND_OVERRIDES = {
    ("metrics.matching", "threshold"): "iou",
    ("metrics.match_objects", "threshold"): "iou",
    ("metrics.centroid_distances", "threshold"): "iou",
    ("drawing.object_error_map", "threshold"): "iou",
    ("errors.classify_errors", "threshold"): "iou",
    ("scoring.bootstrap_scores", "other"): "object",
    ("errors.inject_error", "other"): "count",
    ("synthetic3d.draw_nuclei", "radius"): "object",
    ("synthetic3d.make_volume", "radius"): "object",
    ("drawing.show_comparison", "size"): "real",
    ("measure.measure_objects", "min_size"): "real",
    ("measure.measure_objects", "max_size"): "real",
    ("scale.segment_nuclei", "radius"): "real",
    ("pipeline.local_threshold", "size"): "count",
    ("tuning.local_threshold_components", "size"): "count",
    ("synthetic.make_image", "cell_sigma"): "real",
    ("pipeline.segment", "threshold"): "real",
    ("scoring.percentile_interval", "samples"): "object",
    ("acquisition.digitize", "values"): "object",
    # the plate and the experiment: tables, paths, counts of wells and panels, names of things
    **{(f, "fields"): "object" for f in ("experiment.flag_fields", "experiment.plate_heatmap")},
    **{(f, "flagged"): "object" for f in ("experiment.score_flags", "experiment.flagged_gallery")},
    ("experiment.run_experiment", "layout"): "object",
    ("experiment.run_experiment", "client"): "object",
    ("experiment.score_flags", "truth"): "object",
    **{(f, "faults"): "object" for f in ("plate.make_plate", "plate.plate_layout")},
    **{(f, "folder"): "text" for f in ("experiment.run_experiment", "experiment.flagged_gallery",
                                       "plate.make_plate")},
    ("experiment.run_experiment", "out"): "text",
    ("experiment.run_experiment", "scheduler"): "text",
    ("experiment.plate_heatmap", "column"): "text",
    ("experiment.plate_heatmap", "label"): "text",
    ("experiment.plate_heatmap", "cmap"): "text",
    ("experiment.plate_heatmap", "mark"): "text",
    ("plate.plate_field", "fault"): "text",
    ("plate.make_plate", "fmt"): "text",
    **{(f, "name"): "text" for f in ("plate.make_plate", "plate.plate_layout")},
    ("experiment.same_objects", "labels_a"): "labels",
    ("experiment.same_objects", "labels_b"): "labels",
    ("experiment.flag_fields", "window"): "count",
    ("experiment.flagged_gallery", "n_cols"): "count",
    ("experiment.flagged_gallery", "max_fields"): "count",
    **{(f, p): "count" for f in ("plate.make_plate", "plate.plate_layout")
       for p in ("rows", "cols", "fields_per_well")},
    ("plate.well_name", "row"): "count",
    ("plate.well_name", "col"): "count",
    ("plate.make_mosaic", "chunks"): "count",
    ("cells.semantic_classes", "cells"): "labels",
    ("cells.semantic_classes", "nuclei"): "labels",
}
OBJECT_NAMES = {
    "ax", "fig_or_ax", "counts", "table", "rng", "grid", "methods", "options", "centers",
    "semi_axes", "angles", "points", "classes", "dtype", "center", "at", "height",
    "sigma_range", "brightness_range", "psf_sigma", "offset", "amount", "other", "ndim",
    "kwargs", "color", "voxel", "angle",
}


def kind_of(func_key, param):
    if (func_key, param.name) in KIND_OVERRIDES:
        return KIND_OVERRIDES[(func_key, param.name)]
    if param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
        return "object"
    if param.name in KIND_BY_NAME:
        return KIND_BY_NAME[param.name]
    if param.name in OBJECT_NAMES:
        return "object"
    return "real"


# --------------------------------------------------------------------------- hostile values

# name -> (description); the values themselves are built in the worker by make_value
HOSTILE = [
    "None", "str", "truthy_str", "ragged", "True", "nan", "inf", "neg1", "zero", "one_half",
    "huge", "pow62", "zero_d", "np_int", "arr1d", "arr4d", "complex", "str_array", "empty",
    "bool_pair", "huge_ids", "u64_ids", "float_labels", "nan_image", "iou_array",
]


def make_value(key, ndim=2):
    import numpy as np

    shape = (6, 12, 12) if ndim == 3 else (12, 12)
    two = np.zeros(shape, np.int64)
    two[..., 1:5, 1:5] = 1
    two[..., 7:11, 6:11] = 9
    table = {
        "None": lambda: None,
        "str": lambda: "a",
        "truthy_str": lambda: "False",
        "ragged": lambda: [[1, 2], [3]],
        "True": lambda: True,
        "nan": lambda: float("nan"),
        "inf": lambda: float("inf"),
        "neg1": lambda: -1,
        "zero": lambda: 0,
        "one_half": lambda: 1.5,
        "huge": lambda: 10**12,
        "pow62": lambda: 2**62,
        "zero_d": lambda: np.array(0.5),
        "np_int": lambda: np.int64(2),
        "arr1d": lambda: np.zeros(5),
        "arr4d": lambda: np.zeros((2, 2, 2, 2)),
        "complex": lambda: np.ones(shape, complex),
        "str_array": lambda: np.full(shape, "a"),
        "empty": lambda: np.zeros((0,) + shape[1:]),
        "bool_pair": lambda: (True,) * ndim,
        "huge_ids": lambda: two * 10**9,
        "u64_ids": lambda: two.astype(np.uint64) * np.uint64(2**60),
        "float_labels": lambda: two.astype(float),
        "nan_image": lambda: np.where(two > 0, np.nan, 0.0),
        "iou_array": lambda: np.array([0.5, 0.6]),
    }
    return table[key]()


# value -> verdict for each kind: "bad", "valid" or "either"; missing means "either"
_BAD_SCALARS = ("nan", "inf", "zero_d", "np_int", "neg1", "zero", "one_half", "huge", "pow62", "True")
VERDICTS = {
    "image": dict.fromkeys(("str", "truthy_str", "ragged", "complex", "str_array", "empty",
                            "nan_image", "bool_pair") + _BAD_SCALARS, "bad"),
    "labels": {**dict.fromkeys(("str", "truthy_str", "ragged", "complex", "str_array", "empty",
                                "float_labels", "nan_image") + _BAD_SCALARS, "bad"),
               "huge_ids": "valid", "u64_ids": "valid"},
    "seed": {**dict.fromkeys(("str", "truthy_str", "ragged", "True", "nan", "inf", "neg1",
                              "one_half", "zero_d", "arr1d", "arr4d", "complex", "str_array",
                              "empty", "bool_pair", "iou_array"), "bad"),
             "zero": "valid", "huge": "valid", "pow62": "valid", "np_int": "valid"},
    "flag": {**dict.fromkeys(("str", "truthy_str", "ragged", "nan", "inf", "neg1", "zero",
                              "one_half", "huge", "pow62", "zero_d", "np_int", "arr1d",
                              "arr4d", "complex", "str_array", "empty", "bool_pair",
                              "iou_array"), "bad"),
             "True": "valid"},
    "count": {**dict.fromkeys(("str", "truthy_str", "ragged", "True", "nan", "neg1", "one_half",
                               "zero_d", "arr1d", "arr4d", "complex", "str_array", "empty",
                               "bool_pair", "iou_array"), "bad"),
              },
    "real": {**dict.fromkeys(("str", "truthy_str", "ragged", "True", "nan", "arr4d", "complex",
                              "str_array", "empty", "bool_pair"), "bad"),
             },
    "iou": {**dict.fromkeys(("str", "truthy_str", "ragged", "True", "nan", "inf", "neg1",
                             "one_half", "huge", "pow62", "np_int", "arr1d", "arr4d", "complex",
                             "str_array", "empty", "bool_pair"), "bad"),
            "zero_d": "valid"},
    "shape": dict.fromkeys(("str", "truthy_str", "ragged", "True", "nan", "inf", "neg1",
                            "one_half", "zero_d", "complex", "str_array", "bool_pair",
                            "iou_array"), "bad"),
    "spacing": dict.fromkeys(("str", "truthy_str", "ragged", "True", "nan", "inf", "neg1", "zero",
                              "arr1d", "arr4d", "complex", "str_array", "empty", "bool_pair"),
                             "bad"),
    "text": dict.fromkeys(("ragged", "True", "nan", "inf", "neg1", "zero", "one_half", "huge",
                           "complex", "str_array", "bool_pair", "arr4d"), "bad"),
    "object": {},
}
# values tried only for some kinds (the others would say nothing new)
ONLY_FOR = {
    "huge_ids": ("labels",), "u64_ids": ("labels",), "float_labels": ("labels",),
    "nan_image": ("image",), "iou_array": ("iou", "real", "count", "seed", "flag", "shape"),
    "truthy_str": ("flag", "seed", "count", "real", "iou", "spacing", "shape"),
    "bool_pair": ("spacing", "shape", "image", "labels", "object"),
    "complex": ("image", "labels", "real", "spacing"),
    "str_array": ("image", "labels"),
    "empty": ("image", "labels", "spacing", "object"),
    "arr4d": ("image", "labels", "real", "spacing", "count", "object"),
}


# (function, parameter) documented to take None although it has no default
NONE_VALID = {(f"drawing.{f}", "image") for f in (
    "overlay_labels", "overlay_boundaries", "error_map", "overlay_comparison", "show_comparison",
    "object_error_map")} | {("experiment.plate_heatmap", "mark")}


def verdict(kind, key, default, func_key=None, param=None):
    """Is the hostile value ``key`` bad, valid or either for a parameter of this kind?"""
    if key == "None" and (func_key, param) in NONE_VALID:
        return "valid"
    if key == "None":
        return "valid" if default is None else ("either" if kind in ("object", "seed") else "bad")
    return VERDICTS[kind].get(key, "either")


# --------------------------------------------------------------------------- the functions


def public_functions():
    """``{"module.name": function}`` for every public function of every public module."""
    import cellseg

    found = {}
    for info in pkgutil.iter_modules(cellseg.__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"cellseg.{info.name}")
        for name, obj in vars(module).items():
            if (name.startswith("_") or not inspect.isfunction(obj)
                    or obj.__module__ != module.__name__):
                continue
            found[f"{info.name}.{name}"] = obj
    return found


def _ndim_of(func_key):
    module = func_key.split(".")[0]
    return 3 if module.endswith("3d") or module == "measure" else 2


def tasks():
    """Every call of the sweep: ``(function key, parameter or None, value key, kind, verdict)``."""
    out = []
    for key, func in sorted(public_functions().items()):
        out.append((key, None, None, None, "valid"))
        for param in inspect.signature(func).parameters.values():
            if param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
                continue
            kind = kind_of(key, param)
            default = param.default  # param.empty when the argument is required
            for value in HOSTILE:
                if value in ONLY_FOR and kind not in ONLY_FOR[value]:
                    continue
                out.append((key, param.name, value, kind,
                            verdict(kind, value, default, key, param.name)))
    return out


# --------------------------------------------------------------------------- valid baselines


def _baseline_values(ndim):
    import numpy as np

    shape = (6, 12, 12) if ndim == 3 else (12, 12)
    two = np.zeros(shape, np.int64)
    two[..., 1:5, 1:5] = 1
    two[..., 7:11, 6:11] = 2
    if ndim == 3:
        two[0] = two[-1] = 0
    image = np.where(two > 0, 1.0, 0.0) + 0.05 * np.random.default_rng(0).standard_normal(shape)
    return {
        "image": image, "signal": image, "values": np.array([0.1, 0.5]),
        "labels": two, "y_true": two, "y_pred": np.roll(two, 1, axis=-1),
        "mask": two > 0, "seeds": np.where(two > 0, two, 0) * 0 + (two == 1) * 1,
        "regions": (np.arange(shape[-1]) >= shape[-1] // 2).astype(int)[None, :].repeat(shape[-2], 0)
        if ndim == 2 else np.zeros(shape, int),
        "seed": 0,
        "spacing": (1.0, 0.5, 0.5) if ndim == 3 else None,
    }


def _named(name):
    """A baseline built by another call (e.g. a RegionCounts), evaluated in the worker."""
    return ("__call__", name)


#: the pipeline's parameters for the fields of cellseg.plate (threshold: Plate.threshold)
_PIPELINE = {"sigma": 2.0, "threshold": 1100.0, "min_size": 30}

BASELINE_OVERRIDES = {
    "acquisition.full_scale": {"bit_depth": 12},
    "acquisition.storage_dtype": {"bit_depth": 12},
    "acquisition.default_offset": {"bit_depth": 12},
    "acquisition.digitize": {"bit_depth": 8},
    "acquisition.acquire": {"signal": _named("positive_image"), "exposure": 100.0},
    "acquisition.illumination_field": {"shape": (12, 12)},
    "drawing.label_colors": {"n_labels": 3},
    "cells.make_cells_and_nuclei": {"n_cells": 3, "shape": 64},
    "cells.semantic_classes": {"cells": [[1, 1, 0, 2], [1, 1, 0, 2]],
                               "nuclei": [[0, 1, 0, 0], [0, 0, 0, 1]]},
    "cells.instances_from_semantic": {"radius": 1},
    "cells.smooth_labels": {"radius": 1},
    "drawing.add_error_legend": {"ax": _named("axes")},
    "drawing.add_object_error_legend": {"fig_or_ax": _named("axes")},
    "drawing.object_error_map": {"image": None},
    "errors.inject_error": {"kind": "merge", "label": 1, "other": 2},
    "image_qc.batch_report": {"images": _named("image_list")},
    "labels.check_label_image": {},
    "labels.label_capacity": {"dtype": "uint16"},
    "labels.smallest_label_dtype": {"n_labels": 300},
    "labels.save_labels": {"path": _named("tif_path")},
    "labels.load_labels": {"path": _named("saved_tif")},
    "measure.volume": {"mask": _named("ball")},
    "measure.surface_area": {"mask": _named("ball")},
    "measure.surface_mesh": {"mask": _named("ball")},
    "measure.sphericity": {"mask": _named("ball")},
    "measure.measure_objects": {"labels": _named("ball_labels"), "spacing": (1.0, 0.5, 0.5)},
    "scale.typical_radius": {"image": _named("discs")},
    "scale.segment_nuclei": {"image": _named("discs")},
    "metrics.match_objects": {"table": _named("overlap_table")},
    "metrics.objects_at_points": {"points": [[2, 2], [8, 8]]},
    "metrics.one_object_per_point": {"points": [[2, 2], [8, 8]]},
    "metrics.class_scores": {"predicted": ["a", "b"], "centers": [[2, 2], [8, 8]],
                             "classes": ["a", "b"]},
    "pipeline.count_cells": {"images": _named("image_list")},
    "metrics.coco_average_precision": {"confidences": _named("confidences")},
    "io.read_image": {"path": _named("saved_tif"), "pixel_size": 0.5},
    "io.read_folder": {"folder": _named("tif_folder"), "pixel_size": 0.5},
    "pipeline.resample_isotropic": {"spacing": 0.5},
    "scoring.grid_regions": {"shape": (12, 12), "tile_shape": (6, 6)},
    "scoring.bootstrap_scores": {"counts": _named("region_counts"), "n_resamples": 20},
    "scoring.percentile_interval": {"samples": [0.1, 0.2, 0.3]},
    "splitting.seeded_watershed": {},
    "synthetic.place_cells": {"n_cells": 3, "shape": 64, "min_separation": 10.0,
                              "rng": _named("rng")},
    "synthetic.render_cells": {"centers": [[20.0, 20.0]], "shape": 48},
    "synthetic.add_noise": {"signal": _named("image2"), "noise_scale": 0.1, "rng": _named("rng")},
    "synthetic.ground_truth_labels": {"centers": [[20.0, 20.0]], "shape": 48},
    "synthetic.make_image": {"shape": 64, "n_cells": 3},
    "synthetic.make_pure_noise": {"shape": 32},
    "synthetic.make_pair": {"shape": 48},
    "synthetic.make_cluster": {"shape": 96, "n_cells": 3},
    "synthetic.make_bright_dim": {"shape": 96, "n_bright": 1, "n_dim": 1},
    "synthetic.make_uneven_illumination": {"shape": 64, "n_cells": 3},
    "synthetic.make_crowded_field": {"shape": 96, "n_cells": 10},
    "synthetic3d.draw_nuclei": {"n_cells": 2, "shape": (12, 64, 64), "spacing": (1.0, 0.5, 0.5)},
    "synthetic3d.render_nuclei": {"centers": [[4.0, 6.0, 6.0]], "semi_axes": [[2.0, 3.0, 3.0]],
                                  "shape": (8, 48, 48)},
    "synthetic3d.nuclei_labels": {"centers": [[4.0, 6.0, 6.0]], "semi_axes": [[2.0, 3.0, 3.0]],
                                  "shape": (8, 48, 48)},
    "synthetic3d.make_volume": {"n_cells": 2, "shape": (12, 64, 64), "spacing": (1.0, 0.5, 0.5)},
    "synthetic3d.ellipsoid_mask": {"semi_axes": (2.0, 3.0, 3.0), "spacing": (1.0, 0.5, 0.5)},
    "theory.smoothed_sigma": {"cell_sigma": 6.0, "sigma": 2.0},
    "theory.smoothed_peak": {"brightness": 1.0, "cell_sigma": 6.0, "sigma": 2.0},
    "theory.smoothed_noise_mean": {"noise_scale": 0.15},
    "theory.smoothed_noise_std": {"noise_scale": 0.15, "sigma": 2.0},
    "theory.noise_exceedance": {"threshold": 0.2, "noise_scale": 0.15, "sigma": 2.0},
    "theory.midpoint_intensity": {"distance": 14.0, "brightness": 1.0, "cell_sigma": 6.0},
    "theory.min_separation": {"threshold": 0.5, "brightness": 1.0, "cell_sigma": 6.0},
    "theory.area_at_threshold": {"threshold": 0.5, "peak": 1.0, "cell_sigma": 6.0},
    "theory.volume_at_threshold": {"threshold": 0.5, "peak": 1.0, "cell_sigma": (1.0, 2.0, 2.0)},
    "theory.ellipsoid_volume": {"semi_axes": (2.0, 3.0, 4.0)},
    "theory.ellipsoid_surface_area": {"semi_axes": (2.0, 3.0, 4.0)},
    "tuning.parameter_grid": {"grid": {"sigma": [1.0, 2.0], "min_size": [5]}},
    "tuning.sweep": {"regions": _named("regions2"), "y_true": _named("labels2"),
                     "methods": _named("methods"), "thresholds": [0.5]},
    # the plate and the experiment: a 1 x 2 plate of 64 x 64 fields (one saturated), written
    # once per worker, measured once into a table of fields; each run_experiment call is a
    # whole (synchronous) Dask run of it into a folder of its own
    "plate.well_name": {"row": 1, "col": 2},
    "plate.plate_field": {"shape": 64},
    "plate.plate_layout": {"rows": 1, "cols": 2, "faults": {"saturated": 1}, "drift": 0},
    "plate.make_plate": {"folder": _named("new_folder"), "rows": 1, "cols": 2, "shape": 64,
                         "faults": {"saturated": 1}, "drift": 0},
    "plate.mosaic_centers": {"shape": (128, 128)},
    "plate.make_mosaic": {"path": _named("mosaic_path"), "shape": 128, "chunks": 64},
    "experiment.read_field": {"path": _named("field_path")},
    "experiment.measure_field": {"image": _named("field"), **_PIPELINE, "bit_depth": 12},
    "experiment.run_experiment": {"layout": _named("plate_layout"), "folder": _named("plate_folder"),
                                  "out": _named("new_folder"), **_PIPELINE, "bit_depth": 12,
                                  "scheduler": "synchronous", "progress": False},
    "experiment.robust_z": {"values": [10.0, 11.0, 9.0, 10.0, 30.0]},
    "experiment.flag_fields": {"fields": _named("fields")},
    "experiment.score_flags": {"flagged": _named("flagged"), "truth": _named("truth")},
    "experiment.plate_heatmap": {"fields": _named("flagged"), "column": "sharpness",
                                 "ax": _named("axes")},
    "experiment.flagged_gallery": {"flagged": _named("flagged"), "folder": _named("plate_folder"),
                                   **_PIPELINE},
    "experiment.overlap_depth": {"sigma": 2.0},
    "experiment.segment_tiled": {"image": _named("dask_field"), **_PIPELINE},
    "experiment.same_objects": {"labels_a": _named("labels2"), "labels_b": _named("labels2")},
}


def _named_value(name, ndim):
    import numpy as np

    base = _baseline_values(2)
    if name == "axes":
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        plt.close("all")
        return plt.subplots()[1]
    if name == "image_list":
        return [base["image"], base["image"]]
    if name == "tif_path":
        return os.path.join(_tmpdir(), "labels.tif")
    if name == "saved_tif":
        import cellseg

        path = os.path.join(_tmpdir(), "saved.tif")
        if not os.path.exists(path):
            cellseg.labels.save_labels(path, base["labels"])
        return path
    if name in ("ball", "ball_labels"):
        z, y, x = np.mgrid[:10, :20, :20]
        ball = (z - 4.5) ** 2 / 9 + ((y - 9.5) ** 2 + (x - 9.5) ** 2) / 36 <= 1
        return ball if name == "ball" else ball.astype(np.int32)
    if name == "overlap_table":
        import cellseg

        return cellseg.metrics.overlap_table(base["y_true"], base["y_pred"])
    if name == "region_counts":
        import cellseg

        return cellseg.scoring.count_by_region(base["y_true"], base["y_pred"], regions=base["regions"])
    if name == "rng":
        return np.random.default_rng(0)
    if name == "discs":  # nuclei large enough for the scale functions: discs of radius 5 px
        yy, xx = np.mgrid[:64, :64]
        image = np.zeros((64, 64))
        for cy, cx in ((16, 16), (16, 46), (46, 16), (46, 46)):
            image[(yy - cy) ** 2 + (xx - cx) ** 2 <= 25] = 1.0
        return image
    if name == "tif_folder":
        import cellseg

        folder = os.path.join(_tmpdir(), "fields")
        if not os.path.isdir(folder):
            os.makedirs(folder)
            cellseg.labels.save_labels(os.path.join(folder, "a.tif"), base["labels"])
        return folder
    if name == "confidences":
        ids = np.unique(base["y_pred"])
        return {int(i): 1.0 / (1 + k) for k, i in enumerate(ids[ids != 0])}
    if name == "positive_image":
        return np.abs(base["image"])
    if name == "image2":
        return base["image"]
    if name == "regions2":
        return base["regions"]
    if name == "labels2":
        return base["labels"]
    if name == "methods":
        import cellseg

        return {"components": cellseg.tuning.Baseline(
            cellseg.tuning.threshold_components, {"sigma": 1.0}, {"min_size": [2]})}
    if name in _PLATE_VALUES:
        return _plate_value(name)
    raise KeyError(name)


_PLATE_VALUES = ("new_folder", "mosaic_path", "plate_folder", "plate_layout", "field_path", "field",
                 "dask_field", "fields", "flagged", "truth")
_PLATE = {}


def _plate_value(name):
    """Baselines of cellseg.plate and cellseg.experiment, from one tiny plate made once per worker."""
    import cellseg.experiment
    import cellseg.plate

    if name == "new_folder":  # a folder of its own for every call that writes
        _PLATE["folders"] = _PLATE.get("folders", 0) + 1
        return os.path.join(_tmpdir(), f"out{_PLATE['folders']}")
    if name == "mosaic_path":
        return os.path.join(_tmpdir(), "mosaic.zarr")
    if "plate" not in _PLATE:
        _PLATE["plate"] = cellseg.plate.make_plate(
            os.path.join(_tmpdir(), "plate"), rows=1, cols=2, shape=64, faults={"saturated": 1},
            drift=0, seed=0)
    plate = _PLATE["plate"]
    if name == "plate_folder":
        return str(plate.folder)
    if name == "plate_layout":
        return plate.layout.copy()
    if name == "truth":
        return dict(plate.truth)
    if name == "field_path":
        return str(plate.folder / plate.layout["path"][1])
    if name in ("field", "dask_field"):
        field = cellseg.experiment.read_field(plate.folder / plate.layout["path"][1])
        if name == "field":
            return field
        import dask.array as da

        return da.from_array(field, chunks=32)
    if "fields" not in _PLATE:
        _PLATE["fields"] = cellseg.experiment.run_experiment(
            plate.layout, plate.folder, os.path.join(_tmpdir(), "tables"), **_PIPELINE, bit_depth=12,
            scheduler="synchronous", progress=False).fields
        _PLATE["flagged"] = cellseg.experiment.flag_fields(_PLATE["fields"])
    return _PLATE[name].copy()  # "fields" or "flagged"


_TMP = []


def _tmpdir():
    if not _TMP:
        import tempfile

        _TMP.append(tempfile.mkdtemp(prefix="hostile-"))
    return _TMP[0]


def baseline_kwargs(func_key, func, skip=None):
    """The valid call of ``func``: ``(args, kwargs)`` built from the overrides and the names.

    The argument named ``skip`` (about to be replaced by a hostile value) is not built.
    """
    ndim = _ndim_of(func_key)
    by_name = _baseline_values(ndim)
    overrides = BASELINE_OVERRIDES.get(func_key, {})
    args, kwargs = [], {}
    for param in inspect.signature(func).parameters.values():
        if param.kind in (param.VAR_KEYWORD, param.VAR_POSITIONAL):
            continue
        if param.name in overrides:
            value = overrides[param.name]
            if param.name == skip:
                value = None  # a placeholder: the hostile value takes its place
            elif isinstance(value, tuple) and len(value) == 2 and value[0] == "__call__":
                value = _named_value(value[1], ndim)
        elif param.default is not param.empty:
            continue
        elif param.name in by_name:
            value = by_name[param.name]
        else:
            raise LookupError(f"no baseline value for {func_key}({param.name}=...)")
        if param.kind == param.KEYWORD_ONLY:
            kwargs[param.name] = value
        else:
            args.append((param.name, value))
    return args, kwargs


# --------------------------------------------------------------------------- the worker


_HINT = re.compile(r"\b(must|pass|use|expected|should|replace|convert|give|call)\b|e\.g\.",
                   re.IGNORECASE)
_TOO_BIG = ("array is too big", "Maximum allowed dimension exceeded", "Unable to allocate")


def classify_exception(err, param):
    """``("clear" | "obscure" | "memory", where)`` for an exception raised by a call."""
    import cellseg

    if isinstance(err, MemoryError) or any(s in str(err) for s in _TOO_BIG):
        return "memory", ""
    tb = err.__traceback__
    while tb.tb_next is not None:
        tb = tb.tb_next
    filename = tb.tb_frame.f_code.co_filename
    package = os.path.dirname(os.path.abspath(cellseg.__file__))
    where = f"{os.path.relpath(filename, ROOT) if filename.startswith(str(ROOT)) else filename}:{tb.tb_lineno}"
    # FileNotFoundError is the clear answer to a path that names no file
    kind_ok = type(err) in (TypeError, ValueError, FileNotFoundError) or (
        isinstance(err, (TypeError, ValueError)) and type(err).__module__.startswith("cellseg"))
    if not kind_ok or not os.path.abspath(filename).startswith(package):
        return "obscure", where
    import linecache

    line = linecache.getline(filename, tb.tb_lineno).strip()
    if not line.startswith("raise"):
        return "obscure", where
    message = str(err)
    if param is not None and not re.search(rf"\b{re.escape(param)}\b", message):
        return "obscure", where
    if not _HINT.search(message):
        return "obscure", where
    return "clear", where


def _peak_rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _cap_memory():
    with open("/proc/self/status") as status:
        size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize"))
    resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY_CAP, size + MEMORY_CAP))


def run_one(func_key, param, value_key):
    """Make one call in this process; return a dict describing the outcome."""
    import warnings

    funcs = run_one.funcs
    func = funcs[func_key]
    start = time.perf_counter()
    try:
        args, kwargs = baseline_kwargs(func_key, func, skip=param)
        if param is not None:
            value = make_value(value_key, _ndim_of(func_key))
            names = [n for n, _ in args]
            if param in names:
                args[names.index(param)] = (param, value)
            else:
                kwargs[param] = value
    except Exception as err:  # noqa: BLE001 - a broken baseline is reported, not raised
        return {"outcome": "no-baseline", "type": type(err).__name__, "message": str(err)[:300]}
    peak = _peak_rss()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            func(*[v for _, v in args], **kwargs)
        outcome, where, etype, message = "accepted", "", "", ""
    except BaseException as err:  # noqa: BLE001 - every exception is what we classify
        if isinstance(err, KeyboardInterrupt):
            raise
        outcome, where = classify_exception(err, param)
        etype, message = type(err).__name__, str(err)[:300]
    grew = _peak_rss() - peak
    if grew > RSS_GROWTH:
        outcome = "memory"
    return {"outcome": outcome, "type": etype, "message": message, "where": where,
            "seconds": round(time.perf_counter() - start, 4), "grew": grew}


def worker_main():
    """Read one JSON task per line on stdin, answer one JSON line per task on stdout."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # nothing a function (or a C library) prints can break the protocol
    sys.stdout = sys.stderr
    import numpy  # noqa: F401
    import cellseg  # noqa: F401

    run_one.funcs = public_functions()
    os.chdir(_tmpdir())  # a relative path a hostile call writes to (out="a") lands in the temp folder
    _cap_memory()
    out.write("ready\n")
    out.flush()
    for line in sys.stdin:
        func_key, param, value_key = json.loads(line)
        try:
            result = run_one(func_key, param, value_key)
        except MemoryError:
            result = {"outcome": "memory", "type": "MemoryError", "message": "", "where": ""}
        out.write(json.dumps(result, default=str) + "\n")
        out.flush()


# --------------------------------------------------------------------------- the parent


class Worker:
    """One worker process, restarted after a hang or a crash."""

    def __init__(self):
        self.proc = None

    def start(self):
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                   MKL_NUM_THREADS="1", MPLBACKEND="Agg",
                   PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "tests")]))
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "import hostile_calls; hostile_calls.worker_main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, bufsize=1, cwd=str(ROOT), env=env)
        line = self._read(60.0)
        if line != "ready":
            raise RuntimeError(f"the hostile-call worker did not start: {line!r}")

    def _read(self, timeout):
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            return None
        return self.proc.stdout.readline().strip()

    def stop(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            for pipe in (self.proc.stdin, self.proc.stdout):
                try:
                    pipe.close()
                except OSError:  # a pipe to a dead worker may refuse its last flush
                    pass
            self.proc = None

    def call(self, func_key, param, value_key, time_cap):
        if self.proc is None:
            self.start()
        start = time.perf_counter()
        try:
            self.proc.stdin.write(json.dumps([func_key, param, value_key]) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.stop()
            return {"outcome": "crash", "type": "", "message": "worker died", "where": ""}
        line = self._read(time_cap)
        if line is None:
            self.stop()
            return {"outcome": "hang", "type": "", "message": f"no answer in {time_cap:g} s",
                    "where": "", "seconds": round(time.perf_counter() - start, 2)}
        if not line:
            code = self.proc.wait()
            self.stop()
            return {"outcome": "memory" if code in (-9, -6) else "crash", "type": "",
                    "message": f"worker died (exit {code})", "where": ""}
        result = json.loads(line)
        if result.get("grew", 0) > RSS_GROWTH / 4:
            self.stop()  # start afresh: its peak memory would hide the next blow-up
        return result


def judge(outcome, verdict_):
    """The class of a call: the outcome, with acceptances and refusals judged by the verdict."""
    if outcome == "accepted":
        return "silent" if verdict_ == "bad" else "ok-accepted"
    if outcome == "clear":
        return "refused-valid" if verdict_ == "valid" else "ok-clear"
    return outcome


def sweep(n_workers=2, time_cap=TIME_CAP, only=None):
    """Run every task; return a list of dicts (the task, its outcome and its class).

    The baseline of every function runs first; a function whose baseline fails gets
    no hostile calls (its row says ``no-baseline``). The workers live for the whole sweep.
    """
    everything = [t for t in tasks() if only is None or t[0].split(".")[0] in only or t[0] in only]
    workers = [Worker() for _ in range(n_workers)]
    try:
        baselines = _run([t for t in everything if t[1] is None], workers, time_cap)
        broken = {r["function"] for r in baselines if r["class"] != "ok-accepted"}
        rest = [t for t in everything if t[1] is not None and t[0] not in broken]
        return baselines + _run(rest, workers, time_cap)
    finally:
        for worker in workers:
            worker.stop()


def _run(todo, workers, time_cap):
    results = [None] * len(todo)
    lock = threading.Lock()
    position = [0]

    def work(worker):
        while True:
            with lock:
                if position[0] >= len(todo):
                    return
                i = position[0]
                position[0] += 1
            func_key, param, value_key, kind, verdict_ = todo[i]
            result = worker.call(func_key, param, value_key, time_cap)
            result.update(function=func_key, param=param, value=value_key, kind=kind,
                          verdict=verdict_)
            if param is None and result["outcome"] != "accepted":
                result["class"] = "no-baseline"
            else:
                result["class"] = judge(result["outcome"], verdict_)
            results[i] = result

    threads = [threading.Thread(target=work, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def table(results):
    """``{class: count}`` over the results, every class listed."""
    classes = ["ok-clear", "ok-accepted", "refused-valid", *FAILING]
    counts = dict.fromkeys(classes, 0)
    for r in results:
        counts[r["class"]] = counts.get(r["class"], 0) + 1
    return counts


def describe(r):
    where = f" at {r['where']}" if r.get("where") else ""
    arg = f"{r['param']}={r['value']}" if r["param"] else "(baseline)"
    text = f"{r['type']}: {r['message']}" if r.get("type") else r.get("message", "")
    return f"{r['class']:>13}  {r['function']}({arg}){where}  {text[:160]}"
