"""The peers' measures in cellseg.metrics, side by side with the peers' own code.

Part 1, on the 2048 x 2048 scene of ``bench_metrics.py`` (about 2000 cells, the
prediction found by the pipeline in the noisy image): each new measure against
its peer, with the ratio of the times (best of several runs) and whether the
two agree:

- ``matching(..., criterion="iot" / "iop")`` against StarDist's ``matching``;
- AJI against ``cellseg_metrics.aggregated_jaccard_index`` and ``dice2``
  against ``cellseg_metrics.dice2``. Both peers keep one full-image mask per
  object (2 x 2000 x 4 MiB = 16 GiB here), so they are run on the top-left
  1024 x 1024 quarter (about 500 cells), and so is ours for the ratio;
- AJI+ against the dense method of HoVer-Net (a full IoU matrix and
  ``scipy.optimize.linear_sum_assignment``), written here on our overlap table;
- COCO AP over 0.50:0.95 against ``cellseg_metrics.mean_average_precision``;
- per-class pixel scores of two class maps (classes 1-3 made from the ids)
  against ``cellseg_metrics``' six ``*_multiclass`` functions (ours gives all
  six scores of every class in one call).

Part 2, on an 8000 x 8000 image with 102,400 objects (a tiling of discs, the
prediction shifted, with 5 % of the objects split and 5 % merged): the time
(best of two runs) and the peak memory (``tracemalloc``, NumPy's allocations, above the two label
images) of each new measure of ours.

The peers are not course dependencies: install them in a throwaway environment
to compare, e.g.::

    python3 -m venv /tmp/peer-venv
    /tmp/peer-venv/bin/pip install cellseg-metrics==0.2.0 stardist scikit-image
    PYTHONPATH=. /tmp/peer-venv/bin/python benchmarks/bench_peer_metrics.py

Without them only our side is timed.
"""

import os
import tracemalloc

import numpy as np
from scipy.optimize import linear_sum_assignment

from bench_metrics import best_time, scene  # the 2048 x 2048 scene, and best-of-n timing
from cellseg import metrics


def confidences_for(pred, seed):
    ids = np.unique(pred)
    ids = ids[ids != 0]
    rng = np.random.default_rng(seed)
    return dict(zip(ids.tolist(), np.round(rng.random(len(ids)), 3).tolist()))


def class_map(labels):
    return np.where(labels > 0, 1 + labels % 3, 0).astype(np.int32)


def hovernet_aji_plus(truth, pred):
    """AJI+ the HoVer-Net way: a dense IoU matrix and one dense assignment."""
    t = metrics.overlap_table(truth, pred)
    iou = np.zeros((len(t.true_ids), len(t.pred_ids)))
    iou[t.true_index, t.pred_index] = t.iou
    inter = np.zeros_like(iou)
    inter[t.true_index, t.pred_index] = t.intersection
    r, c = linear_sum_assignment(-iou)
    keep = iou[r, c] > 0
    r, c = r[keep], c[keep]
    union = t.true_sizes[r] + t.pred_sizes[c] - inter[r, c]
    rest = np.delete(t.true_sizes, r).sum() + np.delete(t.pred_sizes, c).sum()
    return inter[r, c].sum() / (union.sum() + rest)


def ours_2048(truth, pred, conf, tcls, pcls, crop):
    ct, cp = truth[crop], pred[crop]
    return {
        "matching, criterion iot": lambda: metrics.matching(truth, pred, criterion="iot").tp,
        "matching, criterion iop": lambda: metrics.matching(truth, pred, criterion="iop").tp,
        "AJI (1024x1024 quarter)": lambda: metrics.aggregated_jaccard_index(ct, cp),
        "dice2 (1024x1024 quarter)": lambda: metrics.dice2(ct, cp),
        "AJI+": lambda: metrics.aggregated_jaccard_index(truth, pred, plus=True),
        "COCO AP 0.50:0.95": lambda: metrics.coco_average_precision(truth, pred, conf),
        "per-class scores, IoU only": lambda: metrics.class_pixel_scores(tcls, pcls),
        "per-class scores, all six": lambda: metrics.class_pixel_scores(tcls, pcls),
    }


def peers_2048(truth, pred, conf, tcls, pcls, crop):
    found = {"AJI+": ("HoVer-Net dense", lambda: hovernet_aji_plus(truth, pred))}
    try:
        from stardist.matching import matching as sd
    except ImportError:
        print("StarDist is not installed: its side is left empty.")
    else:
        sd(truth[:64, :64], pred[:64, :64])  # compile its numba kernel first
        for c in ("iot", "iop"):
            found[f"matching, criterion {c}"] = (
                "StarDist", lambda c=c: sd(truth, pred, thresh=0.5, criterion=c).tp)
    try:
        import cellseg_metrics as cm
    except ImportError:
        print("cellseg-metrics is not installed: its side is left empty.")
        return found
    ct, cp = truth[crop], pred[crop]
    six = ("iou", "dice", "f1score", "sensitivity", "specificity", "accuracy")
    found.update({
        "AJI (1024x1024 quarter)": ("cellseg-metrics", lambda: cm.aggregated_jaccard_index(ct, cp)),
        "dice2 (1024x1024 quarter)": ("cellseg-metrics", lambda: cm.dice2(ct, cp)),
        "COCO AP 0.50:0.95": ("cellseg-metrics",
                              lambda: cm.mean_average_precision(truth, pred, conf)),
        "per-class scores, IoU only": ("cellseg-metrics", lambda: cm.iou_multiclass(tcls, pcls, 4)),
        "per-class scores, all six": ("cellseg-metrics", lambda: [
            getattr(cm, f"{s}_multiclass")(tcls, pcls, 4) for s in six]),
    })
    return found


def tiling_scene(n=320, s=25, seed=7):
    """n x n discs of radius 11 in tiles of s pixels; the prediction shifted, 5 % split, 5 % merged."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:s, :s] - (s - 1) / 2
    disc = (yy**2 + xx**2 <= 11**2).astype(np.int32)
    ids = np.arange(1, n * n + 1, dtype=np.int32).reshape(n, n)
    truth = np.kron(ids, disc)
    pred = np.roll(truth, (2, 1), axis=(0, 1))
    lut = np.arange(n * n + 1, dtype=np.int32)
    merged = rng.choice(np.arange(1, n * n), n * n // 20, replace=False)
    lut[merged] = merged + 1  # merged with the next disc in the row
    pred = lut[pred]
    split = np.zeros(n * n + 1, bool)
    split[rng.choice(np.arange(1, n * n + 1), n * n // 20, replace=False)] = True
    lower = (np.arange(n * s) % s >= s // 2)[:, None]
    pred = np.where(split[pred] & lower, pred + n * n, pred)
    return truth, pred


def ours_large(truth, pred, conf, tcls, pcls):
    return {
        "matching, criterion iou": lambda: metrics.matching(truth, pred).tp,
        "matching, criterion iot": lambda: metrics.matching(truth, pred, criterion="iot").tp,
        "matching, criterion iop": lambda: metrics.matching(truth, pred, criterion="iop").tp,
        "AJI": lambda: metrics.aggregated_jaccard_index(truth, pred),
        "AJI+": lambda: metrics.aggregated_jaccard_index(truth, pred, plus=True),
        "dice2": lambda: metrics.dice2(truth, pred),
        "COCO AP 0.50:0.95": lambda: metrics.coco_average_precision(truth, pred, conf),
        "per-class scores": lambda: metrics.class_pixel_scores(tcls, pcls),
    }


def same(a, b):
    if isinstance(a, dict):  # our per-class scores against the peer's IoU list (or six lists)
        b = b if isinstance(b, list) else [b]
        fields = ("jaccard", "dice", "f1", "recall", "specificity", "accuracy")[: len(b)]
        return all(np.isclose(getattr(a[c], f), v[c], atol=1e-7)
                   for f, v in zip(fields, b) for c in a)
    return bool(np.isclose(float(a), float(b), rtol=1e-6))


def part_one():
    truth, pred = scene()
    conf = confidences_for(pred, seed=1)
    tcls, pcls = class_map(truth), class_map(pred)
    crop = (slice(0, 1024), slice(0, 1024))
    print(f"Part 1: {truth.shape[0]}x{truth.shape[1]}, {len(np.unique(truth)) - 1} true and "
          f"{len(np.unique(pred)) - 1} predicted objects "
          f"({len(np.unique(truth[crop])) - 1} and {len(np.unique(pred[crop])) - 1} in the quarter)")
    ours = ours_2048(truth, pred, conf, tcls, pcls, crop)
    peers = peers_2048(truth, pred, conf, tcls, pcls, crop)
    print(f"\n| {'measure':28s} | cellseg (ms) | {'peer':16s} | peer (ms) | peer / cellseg | agree |")
    print(f"|{'-' * 30}|--------------|{'-' * 18}|-----------|----------------|-------|")
    for name, func in ours.items():
        ms = best_time(func, 5)
        if name not in peers:
            print(f"| {name:28s} | {ms:12.1f} | {'-':16s} | {'-':>9s} | {'-':>14s} | {'-':>5s} |")
            continue
        peer_name, peer_func = peers[name]
        peer_ms = best_time(peer_func, 2)
        agree = same(func(), peer_func())
        print(f"| {name:28s} | {ms:12.1f} | {peer_name:16s} | {peer_ms:9.1f} | "
              f"{peer_ms / ms:14.1f} | {str(agree):5s} |")


def part_two():
    truth, pred = tiling_scene()
    conf = confidences_for(pred, seed=2)
    tcls, pcls = class_map(truth), class_map(pred)
    print(f"\nPart 2: {truth.shape[0]}x{truth.shape[1]}, {len(conf)} predicted objects, "
          f"{truth.max()} true; label images {2 * truth.nbytes / 2**20:.0f} MiB together")
    print(f"\n| {'measure':28s} | seconds | peak MiB | value |")
    print(f"|{'-' * 30}|---------|----------|-------|")
    for name, func in ours_large(truth, pred, conf, tcls, pcls).items():
        value = func()
        seconds = best_time(func, 2) / 1000
        tracemalloc.start()
        func()
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        shown = f"{value:.4f}" if isinstance(value, float) else (
            str(value) if not isinstance(value, dict) else f"{len(value)} classes")
        print(f"| {name:28s} | {seconds:7.2f} | {peak:8.0f} | {shown} |")


if __name__ == "__main__":
    print(f"load average at the start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    part_one()
    part_two()
