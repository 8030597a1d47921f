"""Synthetic z-stacks of nuclei with a known answer, in micrometres.

The 3-D model is the 2-D one of :mod:`cellseg.synthetic` with two additions:
a voxel size that differs between z and the plane, and a microscope that blurs
more along z than across.

The model
---------
- A stack has ``shape = (nz, ny, nx)`` voxels of size
  ``spacing = (dz, dy, dx)`` micrometres, z first (default 1.0 x 0.25 x 0.25:
  four times deeper than wide, typical of a confocal stack). Voxel
  ``(k, i, j)`` is centred at ``(k dz, i dy, j dx)`` um.
- Nucleus ``n`` is a 3-D Gaussian blob of peak ``B`` centred on a voxel. Its
  widths are ``sigma_z`` along z and ``sigma_a``, ``sigma_b`` along two
  perpendicular directions of the (y, x) plane turned by an angle ``theta``
  from the y axis: a flattened ellipsoid lying in the plane, as nuclei of
  cells grown on glass do. Widths are in micrometres.
- The microscope blurs every nucleus with its point-spread function, a
  Gaussian of widths ``psf_sigma = (p_z, p_xy)`` um, wider along z. A Gaussian
  blurred by a Gaussian is a Gaussian whose squared widths are the sums of
  the squared widths, so the image of a nucleus is again a Gaussian blob, of
  peak ``B sigma_z sigma_a sigma_b / sqrt((sigma_z^2 + p_z^2)(sigma_a^2 +
  p_xy^2)(sigma_b^2 + p_xy^2))`` (:func:`cellseg.theory.smoothed_peak`).
- The nuclei are added up, independent Gaussian noise of standard deviation
  ``noise_scale`` is added to every voxel and negative values are clipped at
  zero, as in 2-D.

Ground truth
------------
As in 2-D, voxel ``v`` belongs to nucleus ``n`` (label ``n + 1``) when the
nucleus's own intensity *before the blur of the microscope* is at least half
of its peak there: the ellipsoid of semi-axes ``sigma * sqrt(2 ln 2)`` (the
half-maximum ellipsoid, whose exact volume is
``4/3 pi a_z a_a a_b``). Where two ellipsoids overlap, the voxel goes to the
nucleus that is brighter there (the lower index on a tie). The nuclei are
described by their semi-axes ``(a_z, a_a, a_b)`` in micrometres
(:func:`draw_nuclei`), from which the widths follow.

Functions
---------
- :func:`make_volume`: a whole scene, a :class:`cellseg.synthetic.Scene`
  ``(image, labels, centers, classes=None, spacing=spacing)``;
- :func:`draw_nuclei`: the random nuclei (centres, semi-axes, angles) that
  :func:`make_volume` uses for a given seed;
- :func:`render_nuclei`, :func:`nuclei_labels`: the noise-free stack and
  the ground truth of given nuclei;
- :func:`ellipsoid_mask`: one voxelised ellipsoid, for testing measurements.
"""

import math

import numpy as np

from . import _validate
from .synthetic import NOISE_SCALE, Scene, _place

__all__ = [
    "VOLUME_SHAPE",
    "VOLUME_SPACING",
    "PSF_SIGMA",
    "NUCLEUS_RADIUS",
    "NUCLEUS_HEIGHT",
    "N_NUCLEI",
    "NUCLEUS_SEPARATION",
    "VOLUME_SEED",
    "FWHM_FACTOR",
    "draw_nuclei",
    "render_nuclei",
    "nuclei_labels",
    "make_volume",
    "ellipsoid_mask",
]


VOLUME_SHAPE = (32, 128, 128)  #: voxels (z, y, x) of the default stack
VOLUME_SPACING = (1.0, 0.25, 0.25)  #: voxel size (z, y, x) in micrometres
PSF_SIGMA = (1.0, 0.2)  #: Gaussian widths (z, xy) of the point-spread function, um
NUCLEUS_RADIUS = (3.0, 4.5)  #: range of the in-plane semi-axes of the nuclei, um
NUCLEUS_HEIGHT = (2.0, 3.0)  #: range of the z semi-axes of the nuclei, um
N_NUCLEI = 6  #: nuclei in the default stack
NUCLEUS_SEPARATION = 10.0  #: smallest centre-to-centre distance, um
VOLUME_SEED = 3141  #: seed of the default stack
#: Semi-axis of the half-maximum ellipsoid per unit of Gaussian width, sqrt(2 ln 2).
FWHM_FACTOR = math.sqrt(2.0 * math.log(2.0))


# --------------------------------------------------------------------------- checks


def _shape3(shape):
    if isinstance(shape, (str, bytes, dict, set)) or np.ndim(shape) != 1 or len(shape) != 3:
        raise ValueError(f"shape must be three whole numbers (nz, ny, nx), got {shape!r}.")
    shape = tuple(_validate.whole_number(n, "shape", minimum=1) for n in shape)
    return _validate.pixel_budget(shape, "shape")


def _pair(value, name):
    """A (low, high) range of positive numbers; one number means low == high."""
    if np.ndim(value) == 0:
        value = (value, value)
    if np.ndim(value) != 1 or len(value) != 2:
        raise ValueError(f"{name} must be a number or a (low, high) pair, got {value!r}.")
    low = _validate.real_number(value[0], f"{name}[0]", minimum=0, strict=True)
    high = _validate.real_number(value[1], f"{name}[1]", minimum=0, strict=True)
    if high < low:
        raise ValueError(f"{name} must be (low, high) with low <= high, got {value!r}.")
    return low, high


def _psf(psf_sigma):
    if np.ndim(psf_sigma) != 1 or len(psf_sigma) != 2:
        raise ValueError(
            f"psf_sigma must be the PSF's Gaussian widths (along z, in the plane) in um, "
            f"e.g. (1.0, 0.2); got {psf_sigma!r}."
        )
    pz = _validate.real_number(psf_sigma[0], "psf_sigma[0]", minimum=0)
    pxy = _validate.real_number(psf_sigma[1], "psf_sigma[1]", minimum=0)
    return pz, pxy


def _nuclei(centers, semi_axes, angles, shape):
    """Check given nuclei; return float (n, 3) centres, (n, 3) semi-axes, (n,) angles."""
    c = np.asarray(centers, dtype=float)
    if c.size == 0:
        c = c.reshape(0, 3)
    if c.ndim != 2 or c.shape[1] != 3 or not np.isfinite(c).all():
        raise ValueError(
            f"centers must be an (n, 3) array of finite (z, y, x) voxel positions, got shape "
            f"{c.shape}."
        )
    n = len(c)
    a = np.asarray(semi_axes, dtype=float)
    if a.ndim == 1 and a.shape == (3,):
        a = np.tile(a, (n, 1))
    if a.shape != (n, 3) or not np.isfinite(a).all() or (a <= 0).any():
        raise ValueError(
            f"semi_axes must be (a_z, a_a, a_b) in um, positive, one triple for all nuclei or "
            f"one per nucleus ({n}); got shape {a.shape}."
        )
    t = np.zeros(n) if angles is None else np.asarray(angles, dtype=float)
    if t.ndim == 0:
        t = np.full(n, float(t))
    if t.shape != (n,) or not np.isfinite(t).all():
        raise ValueError(f"angles must be one number or one per nucleus ({n}), in radians.")
    return c, a, t


# --------------------------------------------------------------------------- nuclei


def draw_nuclei(
    *,
    n_cells=N_NUCLEI,
    shape=VOLUME_SHAPE,
    spacing=VOLUME_SPACING,
    radius=NUCLEUS_RADIUS,
    height=NUCLEUS_HEIGHT,
    min_separation=NUCLEUS_SEPARATION,
    seed=VOLUME_SEED,
):
    """Draw random nuclei: integer voxel centres, semi-axes (um) and in-plane angles.

    Semi-axes: the two in-plane ones uniform in ``radius``, the z one uniform
    in ``height``; angles uniform in ``[0, pi)``. Centres are drawn uniformly
    (rejection sampling) among the voxels far enough from the edges for the
    largest nucleus to fit with 1 um to spare, and at least ``min_separation``
    um from every centre already placed. :func:`make_volume` with the same
    arguments and seed uses exactly these nuclei.

    Parameters
    ----------
    n_cells : int, optional
        Number of nuclei.
    shape : (int, int, int), optional
        Stack shape ``(nz, ny, nx)`` in voxels.
    spacing : (float, float, float), optional
        Voxel size ``(dz, dy, dx)`` in um.
    radius, height : (float, float) or float, optional
        Ranges of the in-plane and z semi-axes of the true nuclei, um.
    min_separation : float, optional
        Smallest centre-to-centre distance in um.
    seed : int, optional

    Returns
    -------
    centers : (n, 3) ndarray of int
        ``(z, y, x)`` voxel index of each centre.
    semi_axes : (n, 3) ndarray of float
        ``(a_z, a_a, a_b)`` in um.
    angles : (n,) ndarray of float
        Angle of the ``a`` axis from the y axis, radians.

    Examples
    --------
    >>> centers, semi_axes, angles = draw_nuclei(n_cells=4)
    >>> centers.shape, semi_axes.shape, angles.shape
    ((4, 3), (4, 3), (4,))
    """
    rng = _validate.rng(seed)
    return _draw(rng, n_cells, shape, spacing, radius, height, min_separation)


def _draw(rng, n_cells, shape, spacing, radius, height, min_separation):
    n_cells = _validate.whole_number(n_cells, "n_cells")
    shape = _shape3(shape)
    spacing = _validate.spacing(spacing, 3, required=True)
    r_low, r_high = _pair(radius, "radius")
    h_low, h_high = _pair(height, "height")
    min_separation = _validate.real_number(min_separation, "min_separation", minimum=0)
    margin_um = np.array([h_high, r_high, r_high]) + 1.0
    margin = np.ceil(margin_um / spacing).astype(int)
    low, high = margin, np.array(shape) - margin
    if n_cells and (high <= low).any():
        raise ValueError(
            f"a stack of shape {shape} at spacing {tuple(spacing)} um is too small for "
            f"nuclei of semi-axes up to {h_high:g} um (z) and {r_high:g} um (plane); use a "
            "larger shape or smaller nuclei."
        )
    # Balls of diameter min_separation around the centres do not overlap and lie in the
    # box of possible centres grown by half a diameter: refuse at once what cannot fit,
    # instead of throwing darts for minutes.
    if n_cells and min_separation > 0:
        box = (high - low - 1) * spacing + min_separation
        most = int(np.prod(box) / (math.pi / 6 * min_separation**3)) + 1
        if n_cells > most:
            raise ValueError(
                f"no room for {n_cells} nuclei {min_separation:g} um apart in a stack of "
                f"shape {shape} at spacing {tuple(spacing.tolist())} um: at most {most} "
                "fit. Ask for fewer nuclei, a smaller min_separation or a larger stack."
            )
    centers = _place(
        n_cells,
        lambda: rng.integers(low, high),
        min_separation,
        scale=np.asarray(spacing, dtype=float),
        what=lambda placed: (
            f"could place only {placed} of {n_cells} nuclei {min_separation:g} um apart "
            f"in a stack of shape {shape}; ask for fewer nuclei, a smaller "
            "min_separation or a larger stack."
        ),
    )
    semi_axes = np.column_stack([
        rng.uniform(h_low, h_high, n_cells),
        rng.uniform(r_low, r_high, n_cells),
        rng.uniform(r_low, r_high, n_cells),
    ])
    angles = rng.uniform(0.0, math.pi, n_cells)
    return centers, semi_axes, angles


def _precision(widths, angles):
    """Inverse covariance matrices (n, 3, 3) of Gaussians with widths (z, a, b) and angles."""
    n = len(widths)
    cos, sin = np.cos(angles), np.sin(angles)
    rot = np.zeros((n, 3, 3))  # columns: unit vectors of the z, a and b axes in (z, y, x)
    rot[:, 0, 0] = 1.0
    rot[:, 1, 1], rot[:, 2, 1] = cos, sin
    rot[:, 1, 2], rot[:, 2, 2] = -sin, cos
    return np.einsum("nij,nj,nkj->nik", rot, 1.0 / widths**2, rot)


def _boxes(centers, reach, spacing, shape):
    """Per nucleus, the slices of the box of half-size ``reach`` um around its centre."""
    half = np.ceil(reach[:, None] / spacing).astype(int)
    base = np.round(centers).astype(int)
    lo = np.clip(base - half, 0, np.array(shape))
    hi = np.clip(base + half + 1, 0, np.array(shape))
    return [tuple(slice(a, b) for a, b in zip(low, high)) for low, high in zip(lo, hi)]


def _offsets(box, center, spacing):
    """Physical offsets (um) of the voxels of ``box`` from ``center``, as sparse grids."""
    return [
        (np.arange(s.start, s.stop) - c) * d
        for s, c, d in zip(box, center, spacing)
    ]


def _quad(grids, precision):
    """``d^T P d`` on the sparse grids of offsets (z, y, x)."""
    z, y, x = np.meshgrid(*grids, indexing="ij", sparse=True)
    p = precision
    return (p[0, 0] * z * z + p[1, 1] * y * y + p[2, 2] * x * x
            + 2 * (p[0, 1] * z * y + p[0, 2] * z * x + p[1, 2] * y * x))


def render_nuclei(
    centers,
    *,
    semi_axes,
    angles=None,
    shape=VOLUME_SHAPE,
    spacing=VOLUME_SPACING,
    brightness=1.0,
    psf_sigma=PSF_SIGMA,
):
    """Return the noise-free stack: every nucleus blurred by the PSF, added up.

    Each nucleus is a Gaussian whose half-maximum ellipsoid has the given
    semi-axes; blurred by the Gaussian PSF it is a Gaussian with the squared
    widths added (see the module notes), drawn on the box of voxels within
    five widths of its centre. The loop runs over nuclei, each step a
    vectorised computation on its own box.

    Parameters
    ----------
    centers : (n, 3) array_like
        ``(z, y, x)`` voxel positions of the centres.
    semi_axes : (n, 3) or (3,) array_like
        ``(a_z, a_a, a_b)`` of the true nuclei, um.
    angles : (n,) array_like or float, optional
        Angle of each ``a`` axis from the y axis (radians); 0 by default.
    shape, spacing : optional
        Stack shape (voxels) and voxel size (um), z first.
    brightness : float or (n,) array_like, optional
        Peak ``B`` of each nucleus before the blur.
    psf_sigma : (float, float), optional
        PSF widths along z and in the plane, um.

    Returns
    -------
    signal : 3-D ndarray of float

    Examples
    --------
    >>> signal = render_nuclei([[8, 20, 20]], semi_axes=(2.0, 3.0, 3.0), shape=(16, 40, 40),
    ...                        psf_sigma=(0, 0))
    >>> float(signal[8, 20, 20])
    1.0
    """
    shape = _shape3(shape)
    spacing = _validate.spacing(spacing, 3, required=True)
    centers, semi_axes, angles = _nuclei(centers, semi_axes, angles, shape)
    n = len(centers)
    brightness = np.broadcast_to(np.asarray(brightness, dtype=float), (n,))
    if not np.isfinite(brightness).all() or (brightness < 0).any():
        raise ValueError("brightness must be finite and >= 0, one number or one per nucleus.")
    pz, pxy = _psf(psf_sigma)
    widths = semi_axes / FWHM_FACTOR
    blurred = np.sqrt(widths**2 + np.array([pz, pxy, pxy]) ** 2)
    peaks = brightness * np.prod(widths / blurred, axis=1)
    precision = _precision(blurred, angles)
    signal = np.zeros(shape)
    for k, box in enumerate(_boxes(centers, 5.0 * blurred.max(axis=1), spacing, shape)):
        q = _quad(_offsets(box, centers[k], spacing), precision[k])
        signal[box] += peaks[k] * np.exp(-0.5 * q)
    return signal


def nuclei_labels(centers, *, semi_axes, angles=None, shape=VOLUME_SHAPE,
                  spacing=VOLUME_SPACING, brightness=1.0):
    """Return the ground-truth label volume of given nuclei (see the module notes).

    Voxel ``v`` gets label ``n + 1`` when its centre lies inside nucleus
    ``n``'s half-maximum ellipsoid; where ellipsoids overlap, the nucleus whose
    own (unblurred) intensity is higher there wins, the lower index on a tie.

    Parameters
    ----------
    centers, semi_axes, angles, shape, spacing, brightness
        As in :func:`render_nuclei`.

    Returns
    -------
    labels : 3-D ndarray of int32

    Examples
    --------
    >>> labels = nuclei_labels([[8, 20, 20]], semi_axes=(2.0, 3.0, 3.0), shape=(16, 40, 40))
    >>> int(labels.max()), int((labels == 1).sum())   # 4/3 pi 2 3 3 um^3 is 1206 voxels
    (1, 1121)
    """
    shape = _shape3(shape)
    spacing = _validate.spacing(spacing, 3, required=True)
    centers, semi_axes, angles = _nuclei(centers, semi_axes, angles, shape)
    n = len(centers)
    brightness = np.broadcast_to(np.asarray(brightness, dtype=float), (n,))
    precision = _precision(semi_axes / FWHM_FACTOR, angles)
    limit = 2.0 * math.log(2.0)  # d^T P d at the half maximum
    labels = np.zeros(shape, dtype=np.int32)
    best = np.zeros(shape)
    for k, box in enumerate(_boxes(centers, semi_axes.max(axis=1) + 1e-9, spacing, shape)):
        q = _quad(_offsets(box, centers[k], spacing), precision[k])
        own = np.where(q <= limit, brightness[k] * np.exp(-0.5 * q), 0.0)
        better = own > best[box]
        labels[box][better] = k + 1
        best[box][better] = own[better]
    return labels


def make_volume(
    *,
    n_cells=N_NUCLEI,
    shape=VOLUME_SHAPE,
    spacing=VOLUME_SPACING,
    radius=NUCLEUS_RADIUS,
    height=NUCLEUS_HEIGHT,
    min_separation=NUCLEUS_SEPARATION,
    brightness=1.0,
    psf_sigma=PSF_SIGMA,
    noise_scale=NOISE_SCALE,
    centers=None,
    semi_axes=None,
    angles=None,
    seed=VOLUME_SEED,
):
    """Return a synthetic z-stack of nuclei and its ground truth, as a ``Scene``.

    Nuclei are drawn by :func:`draw_nuclei` (or given by ``centers``,
    ``semi_axes`` and ``angles``), rendered and blurred by
    :func:`render_nuclei`, then clipped Gaussian noise is added; the ground
    truth is :func:`nuclei_labels`. The same ``seed`` always gives the same
    stack.

    Parameters
    ----------
    n_cells, shape, spacing, radius, height, min_separation : optional
        As in :func:`draw_nuclei` (ignored when ``centers`` is given).
    brightness : float or (n,) array_like, optional
        Peak intensity of each nucleus before the blur.
    psf_sigma : (float, float), optional
        Widths of the Gaussian PSF along z and in the plane, um.
    noise_scale : float, optional
        Standard deviation of the noise before clipping.
    centers : (n, 3) array_like, optional
        ``(z, y, x)`` voxel positions; with ``semi_axes`` (required then) and
        ``angles`` (0 by default) they replace the random nuclei.
    semi_axes : (n, 3) or (3,) array_like, optional
    angles : (n,) array_like or float, optional
    seed : int, optional

    Returns
    -------
    Scene
        ``image`` (3-D float, >= 0), ``labels`` (3-D int32 ground truth,
        nucleus ``n`` is label ``n + 1``), ``centers`` ((n, 3) voxel
        positions), ``classes=None`` and ``spacing`` (a tuple of floats).

    Examples
    --------
    >>> scene = make_volume()
    >>> scene.image.shape, int(scene.labels.max()), scene.spacing
    ((32, 128, 128), 6, (1.0, 0.25, 0.25))
    """
    rng = _validate.rng(seed)
    shape = _shape3(shape)
    spacing = tuple(float(s) for s in _validate.spacing(spacing, 3, required=True))
    if centers is None:
        if semi_axes is not None or angles is not None:
            raise ValueError("semi_axes and angles need centers; pass all three or none.")
        centers, semi_axes, angles = _draw(
            rng, n_cells, shape, spacing, radius, height, min_separation
        )
    elif semi_axes is None:
        raise ValueError("with centers, pass semi_axes too: (a_z, a_a, a_b) in um.")
    noise_scale = _validate.real_number(noise_scale, "noise_scale", minimum=0)
    signal = render_nuclei(centers, semi_axes=semi_axes, angles=angles, shape=shape,
                           spacing=spacing, brightness=brightness, psf_sigma=psf_sigma)
    image = np.clip(signal + rng.normal(0.0, noise_scale, shape), 0.0, None)
    labels = nuclei_labels(centers, semi_axes=semi_axes, angles=angles, shape=shape,
                           spacing=spacing, brightness=brightness)
    return Scene(image, labels, np.asarray(centers), None, spacing)


def ellipsoid_mask(semi_axes, *, spacing, offset=(0.0, 0.0, 0.0), angle=0.0, margin=2):
    """A voxelised ellipsoid: the voxels whose centres lie inside it.

    The array is just large enough (plus ``margin`` voxels on every side);
    the ellipsoid's centre is ``offset`` um away from the centre of the middle
    voxel, so that different offsets sample the same shape differently.

    Parameters
    ----------
    semi_axes : (float, float, float)
        ``(a_z, a_a, a_b)`` in um (``a`` turned by ``angle`` from the y axis).
    spacing : (float, float, float)
        Voxel size ``(dz, dy, dx)`` in um.
    offset : (float, float, float), optional
        Shift of the centre, um.
    angle : float, optional
        Radians.
    margin : int, optional
        Empty voxels on each side.

    Returns
    -------
    mask : 3-D ndarray of bool

    Examples
    --------
    >>> mask = ellipsoid_mask((10, 10, 10), spacing=(2, 0.5, 0.5))
    >>> mask.shape, int(mask.sum())
    ((15, 45, 45), 8235)
    """
    spacing = _validate.spacing(spacing, 3, required=True)
    axes = np.asarray(semi_axes, dtype=float)
    off = np.asarray(offset, dtype=float)
    if axes.shape != (3,) or not np.isfinite(axes).all() or (axes <= 0).any():
        raise ValueError(f"semi_axes must be three positive numbers (um), got {semi_axes!r}.")
    if off.shape != (3,) or not np.isfinite(off).all():
        raise ValueError(f"offset must be three finite numbers (um), got {offset!r}.")
    margin = _validate.whole_number(margin, "margin")
    angle = _validate.real_number(angle, "angle")
    reach = axes.max() + np.abs(off)
    half = np.ceil(reach / spacing) + margin
    _validate.pixel_budget(2 * half + 1, "the mask's shape")
    half = half.astype(int)
    grids = [(np.arange(-h, h + 1)) * d - o for h, d, o in zip(half, spacing, off)]
    precision = _precision(axes[None, :], np.array([angle]))[0]
    return _quad(grids, precision) <= 1.0
