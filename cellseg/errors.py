"""Name the errors of a segmentation, object by object, and make errors on purpose.

- :func:`classify_errors`: a table of every object-level agreement and error between
  a reference and a prediction (correct, split, merge, boundary, missed, spurious),
  plus topology checks (holes, disconnected objects; :func:`label_topology`);
- :func:`inject_error`: a copy of a label image with one known error put in, to see
  how each error looks and how each metric responds.
"""

from dataclasses import dataclass

import numpy as np
from scipy import ndimage as ndi
from skimage.measure import label as connected_label

from skimage.draw import line as draw_line
from skimage.segmentation import expand_labels

from . import _table, _validate
from .labels import check_label_image, check_label_pair
from .metrics import match_objects, overlap_table

__all__ = [
    "ERROR_KINDS",
    "ObjectError",
    "ErrorTable",
    "classify_errors",
    "label_topology",
    "INJECTABLE_ERRORS",
    "inject_error",
]

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

    _HEAD = ("kind", "true ids", "pred ids", "IoU", "detail")

    def _cells(self):
        ids = lambda t: ", ".join(map(str, t))  # noqa: E731
        return [
            (r.kind, ids(r.true_ids), ids(r.pred_ids), "" if np.isnan(r.iou) else f"{r.iou:.3f}", r.detail)
            for r in self._rows
        ]

    def __repr__(self):
        return _table.text_table(self._HEAD, self._cells())

    def _repr_html_(self):
        return _table.html_table(self._HEAD, self._cells())


def _structure(ndim, connectivity):
    connectivity = _validate.whole_number(connectivity, "connectivity", minimum=1)
    if connectivity not in range(1, ndim + 1):
        raise ValueError(
            f"connectivity must be between 1 (face neighbours) and {ndim} (all neighbours) for "
            f"{ndim}-D labels, got {connectivity!r}."
        )
    return ndi.generate_binary_structure(ndim, connectivity)


def label_topology(labels, *, connectivity=1):
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


def classify_errors(y_true, y_pred, *, iou_threshold=0.5, min_fraction=0.5, topology=True, connectivity=1):
    """List every object-level agreement and error between a reference and a prediction.

    The rules, applied to the overlap table of the two label images:

    - **split** (over-segmentation): a reference object that contains most
      (more than ``min_fraction``) of two or more predicted objects;
    - **merge** (under-segmentation): a predicted object that contains most of
      two or more reference objects;
    - **correct**: a pair matched by :func:`cellseg.metrics.matching` at
      ``iou_threshold`` (IoU >= threshold) that takes part in no split or merge;
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
    iou_threshold : float, optional
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
    a, b = check_label_pair(y_true, y_pred)
    iou_threshold = _validate.iou_cutoff(iou_threshold)
    min_fraction = _validate.real_number(min_fraction, "min_fraction", minimum=0, strict=True)
    if min_fraction >= 1:
        raise ValueError(f"min_fraction must be below 1, got {min_fraction:g}.")
    topology = _validate.boolean(topology, "topology")
    pairs = _Pairs(overlap_table(a, b), min_fraction)
    rows = _merges_and_splits(pairs)
    rows += _correct(pairs, iou_threshold)
    rows += _boundary(pairs, iou_threshold)
    rows += _missed_and_spurious(pairs)
    if topology:
        rows += _topology_rows(a, "reference", connectivity)
        rows += _topology_rows(b, "prediction", connectivity)
    return ErrorTable(rows)


class _Pairs:
    """The overlap table with what the rules need, and which objects are already explained."""

    def __init__(self, table, min_fraction):
        self.table = table
        self.ti, self.pi, self.inter = table.true_index, table.pred_index, table.intersection
        self.iou = table.iou
        self.tid, self.pid = table.true_ids, table.pred_ids
        self.frac_true = self.inter / table.true_sizes[self.ti]  # share of the reference object covered
        self.in_pred = self.frac_true > min_fraction  # reference object mostly inside this prediction
        self.in_true = self.inter / table.pred_sizes[self.pi] > min_fraction  # the other way round
        self.busy_true = np.zeros(len(self.tid), bool)  # explained by an error or a match
        self.busy_pred = np.zeros(len(self.pid), bool)

    def mark(self, edges):
        self.busy_true[self.ti[edges]] = True
        self.busy_pred[self.pi[edges]] = True


def _many_to_one(index, mostly_inside, n):
    """Edges where an object (by ``index``) mostly contains two or more objects of the other image."""
    crowded = np.flatnonzero(np.bincount(index[mostly_inside], minlength=n) >= 2)
    return mostly_inside & np.isin(index, crowded)


def _merges_and_splits(p):
    merge = _many_to_one(p.pi, p.in_pred, len(p.pid))
    split = _many_to_one(p.ti, p.in_true, len(p.tid))
    p.mark(merge | split)
    rows = []
    for j, members in _groups(p.pi[merge], np.flatnonzero(merge)).items():
        members = sorted(members, key=lambda e: p.tid[p.ti[e]])
        shares = ", ".join(f"{100 * p.frac_true[e]:.0f}%" for e in members)
        rows.append(ObjectError("merge", tuple(int(p.tid[p.ti[e]]) for e in members), (int(p.pid[j]),),
                                float("nan"), f"covers {shares} of the reference objects"))
    for i, members in _groups(p.ti[split], np.flatnonzero(split)).items():
        members = sorted(members, key=lambda e: p.pid[p.pi[e]])
        shares = ", ".join(f"{100 * p.frac_true[e]:.0f}%" for e in members)
        rows.append(ObjectError("split", (int(p.tid[i]),), tuple(int(p.pid[p.pi[e]]) for e in members),
                                float("nan"), f"{len(members)} pieces covering {shares}"))
    return rows


def _correct(p, iou_threshold):
    mt, mp, ms = match_objects(p.table, iou_threshold=iou_threshold)
    rows = [
        ObjectError("correct", (int(p.tid[i]),), (int(p.pid[j]),), s, "")
        for i, j, s in zip(mt.tolist(), mp.tolist(), ms.tolist())
        if not p.busy_true[i] and not p.busy_pred[j]
    ]
    p.busy_true[mt] = True  # a match inside a split or merge is explained by that error
    p.busy_pred[mp] = True
    return rows


def _boundary(p, iou_threshold):
    """Unmatched pairs, each the other's best overlap, one mostly inside the other."""
    free = ~p.busy_true[p.ti] & ~p.busy_pred[p.pi]
    best_for_true = np.zeros(len(p.tid))
    best_for_pred = np.zeros(len(p.pid))
    np.maximum.at(best_for_true, p.ti, p.iou)
    np.maximum.at(best_for_pred, p.pi, p.iou)
    mutual = (p.iou == best_for_true[p.ti]) & (p.iou == best_for_pred[p.pi])
    edges = np.flatnonzero(free & mutual & (p.in_pred | p.in_true))
    for index in (p.ti, p.pi):  # a pair can tie with another at the same IoU: keep one per object
        edges = edges[np.unique(index[edges], return_index=True)[1]]
    rows = []
    for e in edges.tolist():
        p_size, t_size = p.table.pred_sizes[p.pi[e]], p.table.true_sizes[p.ti[e]]
        if p_size > t_size and p.in_pred[e]:
            too = "too large"
        elif p_size < t_size and p.in_true[e]:
            too = "too small"
        else:
            too = "shifted"
        rows.append(ObjectError("boundary", (int(p.tid[p.ti[e]]),), (int(p.pid[p.pi[e]]),),
                                float(p.iou[e]), f"IoU below {iou_threshold:g}: prediction {too}"))
    p.mark(edges)
    return rows


def _missed_and_spurious(p):
    missed = [ObjectError("missed", (int(p.tid[i]),), (), float("nan"), "no prediction matches it")
              for i in np.flatnonzero(~p.busy_true).tolist()]
    spurious = [ObjectError("spurious", (), (int(p.pid[j]),), float("nan"), "matches no reference object")
                for j in np.flatnonzero(~p.busy_pred).tolist()]
    return missed + spurious


def _topology_rows(labels, which, connectivity):
    holes, pieces = label_topology(labels, connectivity=connectivity)
    ids = lambda lab: ((lab,), ()) if which == "reference" else ((), (lab,))  # noqa: E731
    rows = [ObjectError("hole", *ids(lab), float("nan"), f"{n} hole{'s' if n > 1 else ''} in the {which}")
            for lab, n in holes.items()]
    rows += [ObjectError("disconnected", *ids(lab), float("nan"), f"{n} pieces in the {which}")
             for lab, n in pieces.items()]
    return rows


def _centroid(mask):
    rows, cols = np.nonzero(mask)
    return rows.mean(), cols.mean()


def _new_id(labels):
    """The next free id, or a clear error when the dtype has no room for it."""
    top = int(labels.max()) + 1
    if top > np.iinfo(labels.dtype).max:
        wider = "np.int64" if top <= np.iinfo(np.int64).max else None
        hint = (f"pass labels.astype({wider}) instead" if wider and np.dtype(labels.dtype) != np.int64
                else "renumber it first with skimage.segmentation.relabel_sequential(labels)[0]")
        raise ValueError(
            f"labels has dtype {labels.dtype}, whose largest id {top - 1} is already used, so a "
            f"new object has no id; {hint}."
        )
    return top


def _amount(amount, default, kind, *, whole=False, minimum=0):
    if amount is None:
        return default
    if whole:
        return _validate.whole_number(amount, f"amount (for {kind!r})", minimum=minimum)
    return _validate.real_number(amount, f"amount (for {kind!r})", minimum=minimum)


def _split(labels, mask, label, amount, other):
    r0, _ = _centroid(mask)
    out = labels.copy()
    out[mask & (np.arange(labels.shape[0])[:, None] >= r0)] = _new_id(labels)
    return out


def _merge(labels, mask, label, amount, other):
    other = _validate.whole_number(other, "other", minimum=1)
    second = labels == other
    if other == label or not second.any():
        raise ValueError(f"other must be the id of a second object in the image (not label), got {other}.")
    width = _amount(amount, 3, "merge", whole=True, minimum=1)
    (r0, c0), (r1, c1) = _centroid(mask), _centroid(second)
    path = np.zeros(labels.shape, bool)
    path[draw_line(int(round(r0)), int(round(c0)), int(round(r1)), int(round(c1)))] = True
    bridge = ndi.binary_dilation(path, iterations=width // 2) if width > 1 else path
    out = labels.copy()
    out[second | (bridge & ((labels == 0) | mask | second))] = label
    return out


def _missed(labels, mask, label, amount, other):
    out = labels.copy()
    out[mask] = 0
    return out


def _shift(labels, mask, label, amount, other):
    step = _amount(amount, 3, "shift", whole=True)
    moved = np.zeros_like(mask)
    moved[:, step:] = mask[:, : mask.shape[1] - step]
    out = labels.copy()
    out[mask] = 0
    out[moved & (out == 0)] = label
    return out


def _grow(labels, mask, label, amount, other):
    step = _amount(amount, 2, "grow")
    out = labels.copy()
    out[expand_labels(mask.astype(np.uint8), step).astype(bool) & (labels == 0)] = label
    return out


def _shrink(labels, mask, label, amount, other):
    step = _amount(amount, 2, "shrink", whole=True)
    kept = ndi.binary_erosion(mask, iterations=step) if step else mask
    out = labels.copy()
    out[mask & ~kept] = 0
    return out


def _hole(labels, mask, label, amount, other):
    radius = _amount(amount, 2, "hole")
    r0, c0 = _centroid(mask)
    rows, cols = np.ogrid[: labels.shape[0], : labels.shape[1]]
    out = labels.copy()
    out[mask & ((rows - r0) ** 2 + (cols - c0) ** 2 <= radius**2)] = 0
    return out


def _fragment(labels, mask, label, amount, other):
    width = _amount(amount, 2, "fragment", whole=True, minimum=1)
    start = int(round(_centroid(mask)[1] - width / 2))
    cols = np.arange(labels.shape[1])[None, :]
    out = labels.copy()
    out[mask & (cols >= start) & (cols < start + width)] = 0
    return out


def _spurious(labels, at, amount):
    point = np.asarray(at, dtype=float) if at is not None and np.ndim(at) == 1 else None
    if point is None or point.shape != (2,) or not np.isfinite(point).all():
        raise ValueError(f"a spurious object needs at=(row, col), the centre of the new object; got {at!r}.")
    if not ((point >= 0) & (point < labels.shape)).all():
        raise ValueError(f"at={tuple(point.tolist())} lies outside the image of shape {labels.shape}.")
    radius = _amount(amount, 5, "spurious")
    rows, cols = np.ogrid[: labels.shape[0], : labels.shape[1]]
    disc = (rows - point[0]) ** 2 + (cols - point[1]) ** 2 <= radius**2
    out = labels.copy()
    out[disc & (labels == 0)] = _new_id(labels)
    return out


_INJECTORS = {
    "split": _split, "merge": _merge, "missed": _missed, "shift": _shift, "grow": _grow,
    "shrink": _shrink, "hole": _hole, "fragment": _fragment,
}

#: Kinds of error :func:`inject_error` can put into a label image.
INJECTABLE_ERRORS = ("split", "merge", "missed", "spurious", "shift", "grow", "shrink", "hole", "fragment")


def inject_error(labels, kind, *, label=None, other=None, amount=None, at=None):
    """Return a copy of a label image with one segmentation error put in on purpose.

    Used to build predictions whose errors are known exactly, to see how each
    error looks and how each metric responds.

    Parameters
    ----------
    labels : 2-D array_like of int
        A (correct) label image.
    kind : str
        One of :data:`INJECTABLE_ERRORS`:

        - ``"split"``: cut object ``label`` in two across its centroid row; the
          lower part gets a new id (``labels.max() + 1``);
        - ``"merge"``: give object ``other`` the id ``label`` and join the two
          with a bridge ``amount`` pixels wide (default 3) along the line between
          their centroids;
        - ``"missed"``: remove object ``label``;
        - ``"spurious"``: add a new object, a disc of radius ``amount``
          (default 5) centred at ``at`` = (row, col), on background pixels only;
        - ``"shift"``: move object ``label`` ``amount`` pixels (default 3) to
          the right (onto background only);
        - ``"grow"`` / ``"shrink"``: move the boundary of object ``label``
          ``amount`` pixels (default 2) outwards / inwards;
        - ``"hole"``: clear a disc of radius ``amount`` (default 2) at its centroid;
        - ``"fragment"``: clear a band ``amount`` pixels wide (default 2) across
          its centroid column, leaving two pieces with the same id.
    label : int
        The object to change (not used by ``"spurious"``).
    other, amount, at : optional
        See ``kind``.

    Returns
    -------
    ndarray
        A new label image (same dtype); ``labels`` is not changed.

    Examples
    --------
    >>> lab = np.zeros((6, 6), int); lab[1:5, 1:5] = 1
    >>> np.unique(inject_error(lab, "split", label=1)).tolist()
    [0, 1, 2]
    >>> int((inject_error(lab, "shrink", label=1, amount=1) == 1).sum())
    4
    """
    labels = check_label_image(labels, ndim=2)
    if not isinstance(kind, str) or kind not in INJECTABLE_ERRORS:
        raise ValueError(f"kind must be one of {', '.join(INJECTABLE_ERRORS)}; got {kind!r}.")
    if amount is not None and _validate.real_number(amount, "amount") > max(labels.shape):
        raise ValueError(
            f"amount is in pixels and must be at most the image's largest side ({max(labels.shape)}), "
            f"got {amount!r}; pass a few pixels, e.g. amount=3."
        )
    if kind == "spurious":
        return _spurious(labels, at, amount)
    label = _validate.whole_number(label, "label", minimum=1)
    mask = labels == label
    if not mask.any():
        raise ValueError(f"label {label} is not in the image (labels); pass the id of an existing object.")
    return _INJECTORS[kind](labels, mask, label, amount, other)
