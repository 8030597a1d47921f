"""Read microscope images from TIFF and OME-TIFF files, with their pixel size.

A measurement in micrometres needs the size of a pixel, and the file usually
records it: OME-TIFF files (written by Bio-Formats, OMERO, most microscope
software) in the ``PhysicalSizeX/Y/Z`` attributes of their XML header, ImageJ
and Fiji TIFF files in the resolution tags (pixels per unit) with the unit and
the z-step (``spacing``) in their description. :func:`read_image` reads the
array and that pixel size; when the file does not say (a plain TIFF, a
screenshot, an export that dropped the metadata) it refuses with a message
saying how to give the size, rather than guessing.

- :func:`read_image`: one file -> ``(image, pixel_size)``;
- :func:`read_folder`: every TIFF file of a folder, in name order.

The pixel size is a tuple of floats in micrometres, one per axis of the
returned array, z first: ``(dy, dx)`` for a 2-D image, ``(dz, dy, dx)`` for a
z-stack (the ``spacing=`` that scikit-image and :mod:`cellseg` take).

Files are read with ``tifffile`` (C. Gohlke), which every scientific Python
stack installs with scikit-image.

Examples
--------
>>> import tempfile, pathlib, tifffile
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> stack = np.zeros((4, 32, 48), np.uint16)
>>> tifffile.imwrite(folder / "stack.ome.tif", stack, ome=True, metadata={
...     "axes": "ZYX", "PhysicalSizeZ": 2.0, "PhysicalSizeY": 0.5, "PhysicalSizeX": 0.5})
>>> image, pixel_size = read_image(folder / "stack.ome.tif")
>>> image.shape, pixel_size
((4, 32, 48), (2.0, 0.5, 0.5))
"""

import math
import numbers
import os
import pathlib
import struct
import xml.etree.ElementTree as ET

import numpy as np

from . import _validate

__all__ = ["read_image", "read_folder", "TIFF_SUFFIXES"]

#: The file name endings :func:`read_folder` picks up (case-insensitive).
TIFF_SUFFIXES = (".tif", ".tiff")

#: Micrometres per unit, for the units that microscope metadata uses.
_MICROMETRES_PER = {
    "um": 1.0,
    "µm": 1.0,  # micro sign
    "μm": 1.0,  # Greek mu
    "\\u00b5m": 1.0,  # ImageJ escapes the micro sign in its description
    "micron": 1.0,
    "microns": 1.0,
    "micrometer": 1.0,
    "micrometre": 1.0,
    "nm": 1e-3,
    "nanometer": 1e-3,
    "å": 1e-4,
    "angstrom": 1e-4,
    "mm": 1e3,
    "millimeter": 1e3,
    "cm": 1e4,
    "centimeter": 1e4,
    "m": 1e6,
    "meter": 1e6,
    "in": 25400.0,
    "inch": 25400.0,
}

#: A pixel larger than this (in micrometres) is not a microscope's: it is the 72 or 96
#: dots per inch that image editors and screenshot tools write by default (353 or 265 um).
MAX_PLAUSIBLE_PIXEL_UM = 50.0

_HOW = (
    "pass the pixel size yourself in micrometres, e.g. read_image(path, pixel_size=0.65) "
    "for a 2-D image or pixel_size=(2.0, 0.65, 0.65) (z first) for a z-stack; it is in the "
    "microscope's acquisition settings or the original file (.czi, .nd2, .lif), which "
    "Fiji's Bio-Formats can save as OME-TIFF with the size kept"
)


class _NoPixelSize(Exception):
    """Internal: the file's metadata holds no usable pixel size (the reason is the message)."""


# --------------------------------------------------------------------------- checks


def _check_path(path, name="path"):
    if isinstance(path, (bytes, bytearray)):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"{name} must be a file name (a string or pathlib.Path), got {path!r} "
            f"({type(path).__name__})."
        )
    return pathlib.Path(path)


def _check_pixel_size(pixel_size, ndim):
    """``pixel_size`` as a tuple of ``ndim`` positive floats (um), or a clear error.

    ``ndim=None`` checks a sequence before the image is read: 2 or 3 values.
    """
    example = "0.65" if ndim == 2 else "(2.0, 0.65, 0.65)"
    if isinstance(pixel_size, (bool, np.bool_)):
        raise TypeError(
            f"pixel_size must be micrometres per pixel, e.g. {example}; got {pixel_size!r}."
        )
    if isinstance(pixel_size, numbers.Real):
        if ndim != 2:
            raise ValueError(
                f"the image has {ndim} axes, so one number cannot be its pixel size: the z "
                "step of a stack usually differs from the pixel width. Pass one size per "
                f"axis in micrometres, z first, e.g. pixel_size={example}."
            )
        values = [pixel_size, pixel_size]
    elif not _validate._sequence(pixel_size):
        raise TypeError(
            f"pixel_size must be a number of micrometres (2-D images) or one number per axis, "
            f"z first, e.g. pixel_size={example}; got {pixel_size!r}."
        )
    else:
        values = list(pixel_size)
        if ndim is None and len(values) not in (2, 3):
            raise ValueError(
                f"pixel_size has {len(values)} values; pass 2 for a 2-D image (dy, dx) or 3 "
                "for a z-stack (dz, dy, dx), in micrometres, or one number for square pixels."
            )
        if ndim is not None and len(values) != ndim:
            raise ValueError(
                f"pixel_size has {len(values)} values but the image has {ndim} axes; pass "
                f"one size per axis in micrometres, z first, e.g. pixel_size={example}."
            )
    for value in values:
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"pixel_size must contain numbers (micrometres), got {value!r}.")
        if not math.isfinite(value) or value <= 0:
            raise ValueError(
                f"every value of pixel_size must be a finite number of micrometres greater "
                f"than 0, got {value!r}; pass e.g. pixel_size={example}."
            )
    return tuple(float(v) for v in values)


# --------------------------------------------------------------------------- metadata


def _unit_factor(unit, where):
    key = str(unit).strip().lower()
    if key in _MICROMETRES_PER:
        return _MICROMETRES_PER[key]
    raise _NoPixelSize(f"{where} gives the unit {unit!r}, which is not a length")


def _positive(sizes, where):
    for size in sizes:
        if not (math.isfinite(size) and size > 0):
            raise _NoPixelSize(f"{where}: a pixel size of {size!r}")
    return sizes


def _plausible(sizes, where):
    for size in _positive(sizes, where):
        if size > MAX_PLAUSIBLE_PIXEL_UM:
            raise _NoPixelSize(
                f"{where}: a pixel of {size:.0f} um, far larger than a microscope's; it is the "
                "screen or print resolution that image editors write by default"
            )
    return sizes


def _ome_pixel_size(xml, axes):
    """Pixel size (um) per axis in ``axes`` ('ZYX' or 'YX') from the OME-XML header."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as error:
        raise _NoPixelSize(f"the OME-XML header is not valid XML ({error})") from None
    pixels = next((el for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "Pixels"), None)
    if pixels is None:
        raise _NoPixelSize("the OME-XML header has no Pixels element")
    sizes = []
    for axis in axes:
        value = pixels.get(f"PhysicalSize{axis}")
        if value is None:
            raise _NoPixelSize(f"the OME-XML header has no PhysicalSize{axis}")
        try:
            size = float(value)
        except ValueError:
            raise _NoPixelSize(f"the OME-XML header has PhysicalSize{axis}={value!r}") from None
        unit = pixels.get(f"PhysicalSize{axis}Unit", "µm")  # the OME schema's default
        sizes.append(size * _unit_factor(unit, f"PhysicalSize{axis}Unit"))
    return _positive(sizes, "the OME-XML header")


def _tag_pixel_size(meta):
    """(dy, dx) in um from the TIFF resolution tags, or None when the unit is not a length."""
    factor = {2: 25400.0, 3: 1e4}.get(meta["resolutionunit"])  # 2 inch, 3 cm, 1 no unit
    if factor is None:
        return None
    xres, yres = meta["resolution"]
    if xres <= 0 or yres <= 0:
        raise _NoPixelSize("the resolution tags are zero")
    return _plausible([factor / yres, factor / xres], "the TIFF resolution tags")


def _imagej_pixel_size(meta, resolution, axes):
    unit = meta.get("unit")
    if unit is None or str(unit).strip().lower() in ("pixel", "pixels", ""):
        raise _NoPixelSize("the ImageJ header has no length unit (the image is 'in pixels')")
    factor = _unit_factor(unit, "the ImageJ header")
    xres, yres = resolution
    if xres <= 0 or yres <= 0:
        raise _NoPixelSize("the resolution tags are zero")
    sizes = [factor / yres, factor / xres]
    if "Z" in axes:
        if "spacing" not in meta:
            raise _NoPixelSize("the ImageJ header has no z step ('spacing')")
        sizes.insert(0, float(meta["spacing"]) * factor)
    return _positive(sizes, "the ImageJ header")


def _metadata_pixel_size(meta, axes):
    if meta["ome"] is not None:
        return _ome_pixel_size(meta["ome"], axes)
    if meta["imagej"] is not None:
        return _imagej_pixel_size(meta["imagej"], meta["resolution"], axes)
    sizes = _tag_pixel_size(meta)
    if sizes is None:
        raise _NoPixelSize("the file has no pixel size in its metadata")
    if "Z" in axes:
        raise _NoPixelSize(
            "the resolution tags give the pixel width but a TIFF has no tag for the z step"
        )
    return sizes


# --------------------------------------------------------------------------- reading


def _spatial(data, axes, path, channel):
    """Drop length-1 axes and the channel, keep ZYX/YX; refuse what is not one image."""
    axes = axes.upper()
    if "S" in axes and data.shape[axes.index("S")] > 1:  # RGB(A) samples
        if channel is None:
            raise ValueError(
                f"{path.name} is a colour (RGB) image; a fluorescence channel is one of its "
                "colours: pass channel=0, 1 or 2 (red, green, blue)."
            )
        axes = axes.replace("S", "C")
    keep = []
    shape = data.shape
    for i, axis in enumerate(axes):
        n = shape[i]
        if axis == "C" and n > 1:
            if channel is None:
                raise ValueError(
                    f"{path.name} has {n} channels; pass the one to read, e.g. "
                    f"read_image(path, channel=0) (channels are numbered from 0)."
                )
            if isinstance(channel, (bool, np.bool_)) or not isinstance(channel, numbers.Integral):
                raise TypeError(
                    f"channel must be a whole number from 0 to {n - 1}, got {channel!r}."
                )
            if not 0 <= channel < n:
                raise ValueError(f"{path.name} has channels 0 to {n - 1}; got channel={channel}.")
            data = np.take(data, int(channel), axis=len(keep))
            continue
        if axis in "YXZ" and (axis != "Z" or n > 1):
            keep.append(axis)
            continue
        if n == 1:
            data = np.take(data, 0, axis=len(keep))
            continue
        what = {"T": "time points", "Q": "images", "I": "images"}.get(axis, f"'{axis}' planes")
        raise ValueError(
            f"{path.name} holds {n} {what} (axes {axes}); read_image reads one 2-D image or one "
            "z-stack. Read the file with tifffile.imread and pass one image at a time."
        )
    if channel is not None and "C" not in axes:
        raise ValueError(f"{path.name} has a single channel; pass channel=None.")
    axes_kept = "".join(keep)
    if axes_kept not in ("YX", "ZYX"):
        raise ValueError(
            f"{path.name} has axes {axes}; expected a 2-D image (YX) or a stack (ZYX)."
        )
    return data, axes_kept


def read_image(path, *, pixel_size=None, channel=None):
    """Read a TIFF or OME-TIFF file: the image and its pixel size in micrometres.

    Parameters
    ----------
    path : str or pathlib.Path
        A ``.tif``/``.tiff`` file (OME-TIFF, ImageJ/Fiji TIFF or plain TIFF)
        holding one 2-D image or one z-stack (axes of length 1 are dropped).
    pixel_size : float or sequence of floats, optional
        The pixel size in micrometres, if the file does not record it (or
        records it wrongly): one number for a 2-D image with square pixels,
        or one per axis, z first (``(dz, dy, dx)``). When given it is used
        as is, whatever the file says.
    channel : int, optional
        For a file with several channels (or an RGB image), the one to read,
        numbered from 0.

    Returns
    -------
    image : ndarray
        The pixel values as stored (dtype unchanged), axes ``(y, x)`` or
        ``(z, y, x)``.
    pixel_size : tuple of float
        Micrometres per pixel along each axis of ``image``, z first.

    Raises
    ------
    FileNotFoundError
        If there is no such file.
    ValueError
        If the file is not a readable TIFF, holds more than one image (time
        points, channels without ``channel=``), or records no usable pixel
        size and none was passed: the message says what to pass.

    Notes
    -----
    Where the pixel size comes from, in this order:

    1. OME-TIFF: the ``PhysicalSizeX``, ``PhysicalSizeY`` (and, for a stack,
       ``PhysicalSizeZ``) attributes of the ``Pixels`` element, converted
       from their ``PhysicalSize*Unit`` (micrometres if absent, as the OME
       schema says);
    2. ImageJ/Fiji TIFF: the ``XResolution``/``YResolution`` tags (pixels per
       unit), the ``unit`` and, for a stack, the z step ``spacing`` of the
       ImageJ description;
    3. plain TIFF: the resolution tags, if their ``ResolutionUnit`` is a
       length (centimetre or inch); a plain TIFF cannot record a z step.

    A plain TIFF's size above 50 um per pixel is refused: it is the 72 or 96
    dots per inch that image editors write by default, not a microscope's pixel.

    Examples
    --------
    >>> import tempfile, pathlib, tifffile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "nuclei.tif"
    >>> tifffile.imwrite(path, np.zeros((64, 64), np.uint8), imagej=True,
    ...                  resolution=(1 / 0.325, 1 / 0.325), metadata={"unit": "um"})
    >>> image, pixel_size = read_image(path)
    >>> image.shape, pixel_size
    ((64, 64), (0.325, 0.325))
    >>> tifffile.imwrite(path, np.zeros((64, 64), np.uint8))   # no metadata
    >>> read_image(path)
    Traceback (most recent call last):
    ...
    ValueError: nuclei.tif records no pixel size (...); pass the pixel size yourself ...
    >>> read_image(path, pixel_size=0.325)[1]
    (0.325, 0.325)
    """
    import tifffile

    path = _check_path(path)
    if channel is not None:
        channel = _validate.whole_number(channel, "channel")
    if pixel_size is not None:  # check what can be checked before reading
        _check_pixel_size(pixel_size, 2 if isinstance(pixel_size, numbers.Real) else None)
    if not path.exists():
        raise FileNotFoundError(f"path {str(path)!r} names no file; check the name and the folder, "
                                "and pass the path of a TIFF file.")
    if path.is_dir():
        raise ValueError(
            f"{str(path)!r} is a folder; use read_folder(path) to read every TIFF in it."
        )
    if not path.name.lower().endswith(TIFF_SUFFIXES):
        raise ValueError(
            f"{path.name} is not a TIFF file (.tif or .tiff); read other formats with "
            "skimage.io.imread(path) and give the pixel size yourself, or save the image as "
            "OME-TIFF in Fiji (File > Save As > OME-TIFF) to keep its pixel size."
        )
    try:
        with tifffile.TiffFile(path) as tif:
            series = tif.series[0]
            data, axes = series.asarray(), series.axes
            page = tif.pages.first if hasattr(tif.pages, "first") else tif.pages[0]
            meta = {
                "ome": tif.ome_metadata if tif.is_ome else None,
                "imagej": (tif.imagej_metadata or {}) if tif.is_imagej else None,
                "resolution": tuple(float(r) for r in page.resolution),
                "resolutionunit": int(page.resolutionunit),
            }
    except (tifffile.TiffFileError, OSError, struct.error, EOFError, ValueError,
            IndexError, KeyError) as error:
        raise ValueError(
            f"{path.name} could not be read as a TIFF file ({type(error).__name__}: {error}); "
            "it may be damaged or cut short (an interrupted copy) or not a TIFF at all: "
            "open it in Fiji to check, or copy it again."
        ) from None
    data, axes = _spatial(data, axes, path, channel)
    if pixel_size is None:
        try:
            found = _metadata_pixel_size(meta, axes)
        except _NoPixelSize as reason:
            raise ValueError(f"{path.name} records no pixel size ({reason}); {_HOW}.") from None
    if pixel_size is not None:
        return data, _check_pixel_size(pixel_size, data.ndim)
    return data, tuple(float(s) for s in found)


def read_folder(folder, *, pixel_size=None, channel=None):
    """Read every TIFF file of a folder (not its sub-folders), in name order.

    Parameters
    ----------
    folder : str or pathlib.Path
        The folder; files ending in ``.tif`` or ``.tiff`` (any case) are read.
    pixel_size, channel : optional
        As in :func:`read_image`, the same for every file.

    Returns
    -------
    list of (name, image, pixel_size)
        One tuple per file, sorted by file name.

    Raises
    ------
    ValueError
        If the folder holds no TIFF file, or one of its files cannot be read
        (the message names the file).

    Examples
    --------
    >>> import tempfile, pathlib, tifffile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> for name in ("b.tif", "a.tif"):
    ...     tifffile.imwrite(folder / name, np.zeros((8, 8), np.uint8))
    >>> [(name, image.shape) for name, image, _ in read_folder(folder, pixel_size=0.5)]
    [('a.tif', (8, 8)), ('b.tif', (8, 8))]
    """
    folder = _check_path(folder, "folder")
    if not folder.is_dir():
        raise ValueError(
            f"{str(folder)!r} is not a folder; use read_image(path) for a single file."
        )
    files = sorted(
        p for p in folder.iterdir() if p.is_file() and p.name.lower().endswith(TIFF_SUFFIXES)
    )
    if not files:
        raise ValueError(
            f"{str(folder)!r} holds no TIFF file (.tif, .tiff); convert the images to TIFF "
            "(Fiji: File > Save As > OME-TIFF keeps the pixel size) or check the folder."
        )
    return [
        (p.name, *read_image(p, pixel_size=pixel_size, channel=channel)) for p in files
    ]
