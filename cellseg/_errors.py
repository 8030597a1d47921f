"""Object-level error classification and topology checks (re-exported by :mod:`cellseg.qc`)."""

import html
from dataclasses import dataclass

import numpy as np
from scipy import ndimage as ndi
from skimage.measure import label as connected_label

from . import _validate
from .labels import check_label_image
from .metrics import _matched_indices, _pair, _threshold, overlap_table

__all__ = ["ERROR_KINDS", "ObjectError", "ErrorTable", "classify_errors", "label_topology"]

#: Every kind of row :func:`classify_errors` can produce, in the order of its table.
ERROR_KINDS = ("correct", "split", "merge", "boundary", "missed", "spurious", "hole", "disconnected")


@dataclass(frozen=True)
class ObjectError:
    """One row of an :class:`ErrorTable`."""

    kind: str  #: one of :data:`ERROR_KINDS`
    true_ids: tuple  #: reference objects involved
    pred_ids: tuple  #: predicted objects involved
    iou: float  #: IoU of the pair (correct, boundary), else NaN
    detail: str  #: a short human-readable explanation


class ErrorTable:
    """The rows found by :func:`classify_errors`, with a readable display.

    Iterate over it (or index it) for :class:`ObjectError` rows; ``counts()``
    gives the number of rows of each kind; ``rows()`` gives plain dicts (for
    example for ``pandas.DataFrame(table.rows())``). In Jupyter it shows as a
    table.
    """

    def __init__(self, rows):
        order = {k: i for i, k in enumerate(ERROR_KINDS)}
        self._rows = sorted(rows, key=lambda r: (order[r.kind], r.true_ids, r.pred_ids))

    def __len__(self):
        return len(self._rows)

    def __iter__(self):
        return iter(self._rows)

    def __getitem__(self, index):
        return self._rows[index]

    def counts(self):
        """``{kind: number of rows}`` for every kind in :data:`ERROR_KINDS` (zeros included)."""
        out = dict.fromkeys(ERROR_KINDS, 0)
        for r in self._rows:
            out[r.kind] += 1
        return out

    def of_kind(self, kind):
        """The rows of one kind, as a list."""
        if kind not in ERROR_KINDS:
            raise ValueError(f"kind must be one of {', '.join(ERROR_KINDS)}; got {kind!r}.")
        return [r for r in self._rows if r.kind == kind]

    def rows(self):
        """The rows as a list of dicts."""
        return [dict(r.__dict__) for r in self._rows]

    def _cells(self, r):
        iou = "" if np.isnan(r.iou) else f"{r.iou:.3f}"
        ids = lambda t: ", ".join(map(str, t))  # noqa: E731
        return [r.kind, ids(r.true_ids), ids(r.pred_ids), iou, r.detail]

    def __repr__(self):
        head = ["kind", "true ids", "pred ids", "IoU", "detail"]
        body = [self._cells(r) for r in self._rows]
        widths = [max(len(str(x)) for x in col) for col in zip(head, *body)]
        line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
        return "\n".join([line(head)] + [line(c) for c in body])

    def _repr_html_(self):
        head = "".join(f"<th>{h}</th>" for h in ["kind", "true ids", "pred ids", "IoU", "detail"])
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in self._cells(r)) + "</tr>"
            for r in self._rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _structure(ndim, connectivity):
    if connectivity not in range(1, ndim + 1):
        raise ValueError(
            f"connectivity must be between 1 (face neighbours) and {ndim} (all neighbours) for "
            f"{ndim}-D labels, got {connectivity!r}."
        )
    return ndi.generate_binary_structure(ndim, connectivity)


def label_topology(labels, connectivity=1):
    """Count the holes and the separate pieces of every object of a label image.

    A *hole* is a region of background completely enclosed by one object (it
    touches no other object and not the image edge). An object is in several
    *pieces* when its pixels do not form one connected region.

    Parameters
    ----------
    labels : array_like of int
        Label image, 2-D or 3-D.
    connectivity : int, optional
        Connectivity of the objects (1: pixels sharing an edge/face; ``ndim``:
        corners too). The background uses the complementary connectivity, the
        usual rule that keeps a thin object's outline closed.

    Returns
    -------
    holes, pieces : dict
        ``{label id: number of holes}`` for the objects with at least one hole,
        ``{label id: number of pieces}`` for the objects in two or more pieces.

    Examples
    --------
    >>> lab = np.zeros((5, 8), int)
    >>> lab[0:3, 0:3] = 1; lab[1, 1] = 0          # a ring: one hole
    >>> lab[4, 0] = 2; lab[4, 5:7] = 2              # two pieces
    >>> label_topology(lab)
    ({1: 1}, {2: 2})
    """
    labels = check_label_image(labels, ndim=(2, 3))
    _structure(labels.ndim, connectivity)  # validates connectivity
    # Pieces: connected components of equal-valued pixels, counted per label.
    pieces_img = connected_label(labels, background=0, connectivity=connectivity)
    table = overlap_table(labels, pieces_img)
    n_pieces = np.bincount(table.true_index, minlength=len(table.true_ids))
    pieces = {int(i): int(n) for i, n in zip(table.true_ids, n_pieces) if n > 1}
    # Holes: background components away from the edge whose face neighbours all carry one label.
    bg_conn = labels.ndim if connectivity == 1 else 1
    comp, n_comp = ndi.label(labels == 0, ndi.generate_binary_structure(labels.ndim, bg_conn))
    if n_comp == 0:
        return {}, pieces
    edge = np.zeros(n_comp + 1, dtype=bool)
    for axis in range(labels.ndim):
        for end in (0, -1):
            edge[np.take(comp, end, axis=axis).ravel()] = True
    near_c, near_l = [], []
    for axis in range(labels.ndim):
        lo = [slice(None)] * labels.ndim
        hi = [slice(None)] * labels.ndim
        lo[axis], hi[axis] = slice(None, -1), slice(1, None)
        for a, b in ((tuple(lo), tuple(hi)), (tuple(hi), tuple(lo))):
            c, lab = comp[a], labels[b]
            keep = (c > 0) & (lab > 0)
            near_c.append(c[keep])
            near_l.append(lab[keep])
    near_c = np.concatenate(near_c)
    near_l = np.concatenate(near_l)
    inner = ~edge[near_c]
    near_c, near_l = near_c[inner], near_l[inner]
    if near_c.size == 0:
        return {}, pieces
    lab_ids, lab_index = np.unique(near_l, return_inverse=True)
    pairs = np.unique(near_c.astype(np.int64) * len(lab_ids) + lab_index.reshape(-1))
    pair_c, pair_l = pairs // len(lab_ids), pairs % len(lab_ids)
    single = np.bincount(pair_c, minlength=n_comp + 1)[pair_c] == 1
    ids, n_holes = np.unique(lab_ids[pair_l[single]], return_counts=True)
    holes = {int(i): int(n) for i, n in zip(ids, n_holes)}
    return holes, pieces


def _groups(keys, values):
    """``{key: sorted values}`` for parallel arrays (small: one entry per error)."""
    out = {}
    for k, v in zip(keys.tolist(), values.tolist()):
        out.setdefault(k, []).append(v)
    return out


def classify_errors(y_true, y_pred, thresh=0.5, *, min_fraction=0.5, topology=True, connectivity=1):
    """List every object-level agreement and error between a reference and a prediction.

    The rules, applied to the overlap table of the two label images:

    - **split** (over-segmentation): a reference object that contains most
      (more than ``min_fraction``) of two or more predicted objects;
    - **merge** (under-segmentation): a predicted object that contains most of
      two or more reference objects;
    - **correct**: a pair matched by :func:`cellseg.metrics.matching` at
      ``thresh`` (IoU >= thresh) that takes part in no split or merge;
    - **boundary**: an unmatched pair, each the other's best overlap, with one
      mostly inside the other: the right object, with a boundary too far off
      for the match;
    - **missed** (false negative): a reference object in none of the above;
    - **spurious** (false positive): a predicted object in none of the above;
    - with ``topology=True`` also **hole** (an object enclosing background) and
      **disconnected** (an object made of several separate pieces), for either
      image (see :func:`label_topology`).

    Parameters
    ----------
    y_true, y_pred : array_like of int
        Reference and predicted label images, same shape, 2-D or 3-D.
    thresh : float, optional
        IoU threshold for a correct match.
    min_fraction : float, optional
        "Most of" an object, in (0, 1): the fraction of its pixels that must lie
        inside the other object. At 0.5 or more each object can be "mostly
        inside" at most one other.
    topology : bool, optional
        Also check both images for holes and disconnected objects.
    connectivity : int, optional
        Object connectivity for the topology checks.

    Returns
    -------
    ErrorTable
        One row per finding: ``kind``, ``true_ids``, ``pred_ids``, ``iou``, ``detail``.

    Examples
    --------
    >>> truth = np.zeros((6, 12), int)
    >>> truth[1:5, 0:4], truth[1:5, 4:8], truth[1:5, 9:12] = 1, 2, 3
    >>> pred = np.zeros_like(truth)
    >>> pred[1:5, 0:8] = 7                       # 1 and 2 merged, 3 missed
    >>> pred[0, 10:12] = 8                       # something that is not a cell
    >>> table = classify_errors(truth, pred)
    >>> [(r.kind, r.true_ids, r.pred_ids) for r in table]
    [('merge', (1, 2), (7,)), ('missed', (3,), ()), ('spurious', (), (8,))]
    """
    a, b = _pair(y_true, y_pred)
    thresh = _threshold(thresh, False)
    min_fraction = _validate.real_number(min_fraction, "min_fraction", minimum=0, strict=True)
    if min_fraction >= 1:
        raise ValueError(f"min_fraction must be below 1, got {min_fraction:g}.")
    table = overlap_table(a, b)
    tid, pid = table.true_ids, table.pred_ids
    ti, pi, inter = table.true_index, table.pred_index, table.intersection
    iou = table.iou
    frac_true = inter / table.true_sizes[ti]  # share of the reference object inside the prediction
    frac_pred = inter / table.pred_sizes[pi]  # share of the prediction inside the reference object
    n_true, n_pred = len(tid), len(pid)
    rows = []

    in_pred = frac_true > min_fraction  # reference object mostly inside this prediction
    merges = np.flatnonzero(np.bincount(pi[in_pred], minlength=n_pred) >= 2)
    edge_merge = in_pred & np.isin(pi, merges)
    in_true = frac_pred > min_fraction  # prediction mostly inside this reference object
    splits = np.flatnonzero(np.bincount(ti[in_true], minlength=n_true) >= 2)
    edge_split = in_true & np.isin(ti, splits)
    busy_true = np.zeros(n_true, bool)
    busy_pred = np.zeros(n_pred, bool)
    busy_true[ti[edge_merge | edge_split]] = True
    busy_pred[pi[edge_merge | edge_split]] = True

    for j, members in _groups(pi[edge_merge], np.flatnonzero(edge_merge)).items():
        members = sorted(members, key=lambda e: tid[ti[e]])
        shares = ", ".join(f"{100 * frac_true[e]:.0f}%" for e in members)
        rows.append(ObjectError("merge", tuple(int(tid[ti[e]]) for e in members), (int(pid[j]),),
                                float("nan"), f"covers {shares} of the reference objects"))
    for i, members in _groups(ti[edge_split], np.flatnonzero(edge_split)).items():
        members = sorted(members, key=lambda e: pid[pi[e]])
        shares = ", ".join(f"{100 * inter[e] / table.true_sizes[i]:.0f}%" for e in members)
        rows.append(ObjectError("split", (int(tid[i]),), tuple(int(pid[pi[e]]) for e in members),
                                float("nan"), f"{len(members)} pieces covering {shares}"))

    mt, mp, ms = _matched_indices(table, thresh, False)
    matched_true = np.zeros(n_true, bool)
    matched_pred = np.zeros(n_pred, bool)
    matched_true[mt] = True
    matched_pred[mp] = True
    for i, j, s in zip(mt.tolist(), mp.tolist(), ms.tolist()):
        if not busy_true[i] and not busy_pred[j]:
            rows.append(ObjectError("correct", (int(tid[i]),), (int(pid[j]),), s, ""))

    # Boundary errors: unmatched, not busy, mutual best IoU, one mostly inside the other.
    free = ~(matched_true | busy_true)[ti] & ~(matched_pred | busy_pred)[pi]
    best_for_true = np.zeros(n_true)
    best_for_pred = np.zeros(n_pred)
    np.maximum.at(best_for_true, ti, iou)
    np.maximum.at(best_for_pred, pi, iou)
    mutual = (iou == best_for_true[ti]) & (iou == best_for_pred[pi])
    boundary = np.flatnonzero(free & mutual & (in_pred | in_true))
    # a pair can tie with another at the same IoU: keep one per object
    _, first = np.unique(ti[boundary], return_index=True)
    boundary = boundary[first]
    _, first = np.unique(pi[boundary], return_index=True)
    boundary = boundary[first]
    for e in boundary.tolist():
        p_size, t_size = table.pred_sizes[pi[e]], table.true_sizes[ti[e]]
        if p_size > t_size and in_pred[e]:
            too = "too large"
        elif p_size < t_size and in_true[e]:
            too = "too small"
        else:
            too = "shifted"
        rows.append(ObjectError("boundary", (int(tid[ti[e]]),), (int(pid[pi[e]]),), float(iou[e]),
                                f"IoU below {thresh:g}: prediction {too}"))
        busy_true[ti[e]] = busy_pred[pi[e]] = True

    for i in np.flatnonzero(~(matched_true | busy_true)).tolist():
        rows.append(ObjectError("missed", (int(tid[i]),), (), float("nan"), "no prediction matches it"))
    for j in np.flatnonzero(~(matched_pred | busy_pred)).tolist():
        rows.append(ObjectError("spurious", (), (int(pid[j]),), float("nan"), "matches no reference object"))

    if topology:
        for which, labels in (("reference", a), ("prediction", b)):
            holes, pieces = label_topology(labels, connectivity)
            for lab, n in holes.items():
                ids = ((lab,), ()) if which == "reference" else ((), (lab,))
                rows.append(ObjectError("hole", *ids, float("nan"),
                                        f"{n} hole{'s' if n > 1 else ''} in the {which}"))
            for lab, n in pieces.items():
                ids = ((lab,), ()) if which == "reference" else ((), (lab,))
                rows.append(ObjectError("disconnected", *ids, float("nan"), f"{n} pieces in the {which}"))
    return ErrorTable(rows)
