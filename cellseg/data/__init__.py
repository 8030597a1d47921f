"""Real images with annotations, shipped with the package so that they work offline.

- :func:`nuclei_2d`: a 512 x 512 fluorescence image of nuclei and its
  instance annotation (125 nuclei), a crop of the 2018 Data Science Bowl
  training set (BBBC038).
- :func:`nuclei_2d_path`: the same image as a TIFF file, to open as you would
  open a file of your own microscope (:func:`cellseg.read_image`).

The arrays are stored in ``nuclei_2d.npz`` next to this file, exactly as they
were published (dtype and values unchanged); ``README.md`` in the same folder
records where they come from, their licence and their checksums.
"""

from functools import lru_cache
from importlib import resources

import numpy as np

__all__ = ["nuclei_2d", "nuclei_2d_path"]

_NUCLEI_FILE = "nuclei_2d.npz"
_NUCLEI_TIFF = "nuclei_2d.tif"


@lru_cache(maxsize=None)
def _load_nuclei():
    with resources.files(__name__).joinpath(_NUCLEI_FILE).open("rb") as f:
        with np.load(f) as stored:
            image, labels = stored["image"], stored["labels"]
    image.setflags(write=False)
    labels.setflags(write=False)
    return image, labels


def nuclei_2d():
    """A real fluorescence image of nuclei and its full instance annotation.

    A 512 x 512 crop of one image of the training set of the 2018 Data
    Science Bowl, a nucleus-segmentation challenge (Broad Bioimage Benchmark
    Collection BBBC038, released under CC0; Caicedo et al. 2019), as shipped
    in the test data of the StarDist package (``stardist/data/images/img2d.tif``
    and ``mask2d.tif``; Schmidt et al. 2018). The nuclei are stained with a
    DNA dye and imaged in one fluorescence channel.

    Returns
    -------
    image : ndarray of uint16, shape (512, 512)
        Intensities as published (values 0 to 235: the image was 8-bit before
        it was stored in a 16-bit file).
    labels : ndarray of uint16, shape (512, 512)
        Instance annotation: 0 = background, one id per nucleus. There are
        125 nuclei and their ids are *not* consecutive (1, 3, 6, 7, ...,
        183), as in the published file.

    Notes
    -----
    Every call returns new, writable copies: changing them never changes what
    the next call returns.

    References
    ----------
    J. C. Caicedo et al., "Nucleus segmentation across imaging experiments:
    the 2018 Data Science Bowl", Nature Methods 16, 1247-1253 (2019),
    doi:10.1038/s41592-019-0612-7. Data: https://bbbc.broadinstitute.org/BBBC038

    U. Schmidt, M. Weigert, C. Broaddus and G. Myers, "Cell detection with
    star-convex polygons", MICCAI 2018, doi:10.1007/978-3-030-00934-2_30.

    Examples
    --------
    >>> image, labels = nuclei_2d()
    >>> image.shape, image.dtype.name, labels.dtype.name
    ((512, 512), 'uint16', 'uint16')
    >>> len(np.unique(labels)) - 1, int(labels.max())
    (125, 183)
    """
    image, labels = _load_nuclei()
    return image.copy(), labels.copy()


def nuclei_2d_path():
    """The path of a TIFF file holding the image of :func:`nuclei_2d`.

    A file to practise on as on a file of your own: the same 512 x 512
    ``uint16`` pixels, one plain TIFF page written with ``tifffile``
    (zlib-compressed), and, like the published image, no pixel size in its
    metadata, so :func:`cellseg.read_image` asks for one.

    Returns
    -------
    pathlib.Path
        The installed file (read it, do not write to it).

    Examples
    --------
    >>> import cellseg
    >>> image, pixel_size = cellseg.read_image(nuclei_2d_path(), pixel_size=0.5)
    >>> image.shape, image.dtype.name, pixel_size
    ((512, 512), 'uint16', (0.5, 0.5))
    >>> bool((image == nuclei_2d()[0]).all())
    True
    """
    import pathlib

    return pathlib.Path(str(resources.files(__name__).joinpath(_NUCLEI_TIFF)))
