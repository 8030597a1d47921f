"""Write tests/fixtures/stardist_matching.npz: StarDist's matching counts on perturbed label images.

The test suite compares :func:`cellseg.metrics.matching` with these stored
numbers, so it never needs StarDist itself. Regenerate them (rarely) with a
Python that has StarDist, e.g. a separate virtual environment::

    python3.11 -m venv /work/stardist-venv
    /work/stardist-venv/bin/pip install stardist
    PYTHONPATH=. /work/stardist-venv/bin/python benchmarks/make_stardist_fixtures.py

Every case is a reference label image and a prediction made from it by one
deliberate perturbation (split, merge, shift, removal, spurious objects, grown
or shrunk boundaries, exact IoU = 0.5 ties, renumbered ids, 3-D, empty images)
plus random label images that create many competing pairs at low thresholds.
For each case and threshold we store StarDist's tp, fp, fn and its three
IoU-based scores.
"""

from pathlib import Path

import numpy as np
from scipy import ndimage as ndi

from cellseg.synthetic import ground_truth_labels, place_cells

THRESHOLDS = np.array([0.1, 0.3, 0.5, 0.55, 0.7, 0.9])
OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "stardist_matching.npz"
SIZE = 96


def base_truth(seed=3):
    rng = np.random.default_rng(seed)
    centers = place_cells(9, shape=SIZE, min_separation=22, rng=rng, margin=10)
    return ground_truth_labels(centers, shape=SIZE, sigma=6).astype(np.uint16)


def split(labels, ids):
    out = labels.copy()
    rows = np.arange(labels.shape[0])[:, None] * np.ones(labels.shape[1], int)
    new = labels.max() + 1
    for i in ids:
        rr = rows[labels == i]
        cut = labels == i
        cut &= rows >= np.median(rr)
        out[cut] = new
        new += 1
    return out


def merge(labels, a, b):
    out = labels.copy()
    out[out == b] = a
    return out


def merge_bridged(labels, a, b):
    """Grow a and b until they touch, then give them one id."""
    grown = ndi.grey_dilation(labels, size=(9, 9))
    region = (grown == a) | (grown == b) | (labels == a) | (labels == b)
    out = labels.copy()
    out[region & ((labels == 0) | (labels == a) | (labels == b))] = a
    return out


def remove(labels, ids):
    out = labels.copy()
    out[np.isin(out, ids)] = 0
    return out


def spurious(labels, spots):
    out = labels.copy()
    new = int(labels.max()) + 1
    for r, c in spots:
        out[r - 2 : r + 3, c - 2 : c + 3] = np.where(out[r - 2 : r + 3, c - 2 : c + 3] == 0, new, out[r - 2 : r + 3, c - 2 : c + 3])
        new += 1
    return out


def renumber(labels, seed):
    rng = np.random.default_rng(seed)
    ids = np.unique(labels)[1:]
    lut = np.zeros(int(labels.max()) + 1, np.uint16)
    lut[ids] = rng.choice(np.arange(1, 60000), len(ids), replace=False)
    return lut[labels]


def grow(labels, px):
    return ndi.grey_dilation(labels, size=(2 * px + 1, 2 * px + 1))


def shrink(labels, px):
    keep = ndi.binary_erosion(labels > 0, iterations=px)
    return np.where(keep, labels, 0).astype(labels.dtype)


def ties():
    """Exact IoU = 0.5 ties: a 4x4 object predicted as two 4x2 halves, and a 10x10 vs 10x5 pair."""
    t = np.zeros((32, 32), np.uint16)
    p = np.zeros_like(t)
    t[2:6, 2:6] = 1
    p[2:6, 2:4] = 1
    p[2:6, 4:6] = 2
    t[10:20, 10:20] = 2
    p[10:20, 10:15] = 3
    t[24:28, 2:4] = 3  # predicted by a twice-as-large object
    p[24:28, 2:6] = 4
    return t, p


def random_labels(seed, shape=(40, 40), n=25):
    """Voronoi-like label image of n random seeds, some background."""
    rng = np.random.default_rng(seed)
    seeds = np.zeros(shape, np.uint16)
    pts = rng.integers(0, shape[0], (n, 2))
    seeds[pts[:, 0], pts[:, 1]] = np.arange(1, n + 1)
    dist, (ri, ci) = ndi.distance_transform_edt(seeds == 0, return_indices=True)
    out = seeds[ri, ci]
    out[dist > 5] = 0
    return out


def cases():
    t = base_truth()
    ids = np.unique(t)[1:]
    yield "identical", t, t
    yield "split_one", t, split(t, [ids[0]])
    yield "split_three", t, split(t, ids[:3])
    yield "merge_disconnected", t, merge(t, ids[1], ids[2])
    yield "merge_bridged", t, merge_bridged(t, ids[3], ids[4])
    for s in (1, 2, 3, 4, 6):
        yield f"shift_{s}", t, np.roll(t, s, axis=1)
    yield "removed", t, remove(t, ids[::3])
    yield "spurious", t, spurious(t, [(5, 5), (90, 90), (48, 3)])
    yield "grown_2", t, grow(t, 2)
    yield "shrunk_2", t, shrink(t, 2)
    yield "renumbered", renumber(t, 1), renumber(np.roll(t, 2, axis=0), 2)
    yield "ties", *ties()
    yield "both_empty", np.zeros_like(t), np.zeros_like(t)
    yield "empty_pred", t, np.zeros_like(t)
    yield "empty_true", np.zeros_like(t), t
    mixed = remove(spurious(split(np.roll(t, 2, axis=0), [ids[5]]), [(4, 50)]), [ids[7]])
    yield "mixed", t, merge(mixed, ids[1], ids[2])
    t3 = np.stack([t, t, np.roll(t, 1, axis=0), t]).astype(np.uint16)
    yield "volume_3d", t3, np.roll(t3, 1, axis=2)
    for k in range(6):
        yield f"random_{k}", random_labels(100 + k), random_labels(200 + k)


def main():
    from stardist.matching import matching as sd_matching

    arrays = {"thresholds": THRESHOLDS}
    names = []
    for name, y_true, y_pred in cases():
        names.append(name)
        res = sd_matching(y_true, y_pred, threshold=THRESHOLDS)
        arrays[f"{name}/y_true"] = y_true
        arrays[f"{name}/y_pred"] = y_pred
        table = np.array(
            [[r.tp, r.fp, r.fn, r.mean_true_score, r.mean_matched_score, r.panoptic_quality] for r in res],
            dtype=float,
        )
        arrays[f"{name}/stardist"] = table
        print(f"{name:20s} tp per threshold: {table[:, 0].astype(int).tolist()}")
    arrays["names"] = np.array(names)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1024:.0f} KiB, {len(names)} cases)")


if __name__ == "__main__":
    main()
