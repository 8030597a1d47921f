"""cellseg: the helper package of the course "Cell segmentation and its quality control".

Small functions on NumPy arrays, in the style of scikit-image:

- :mod:`cellseg.synthetic`: synthetic fluorescence images with known ground truth;
- :mod:`cellseg.acquisition`: a simulated camera (exposure, bit depth, clipping);
- :mod:`cellseg.theory`: closed-form predictions of the image model, in 2-D and 3-D;
- :mod:`cellseg.image_qc`: is the image fit to segment (exposure, clipping, noise, background)?
- :mod:`cellseg.pipeline`: smooth, threshold, label, filter by size, local threshold, for
  2-D images and 3-D stacks alike (``spacing=None`` means pixels; with ``spacing`` every
  length is physical);
- :mod:`cellseg.splitting`: split touching cells (watershed, Voronoi-Otsu), erode labels;
- :mod:`cellseg.cells`: whole cells from nuclei and a membrane channel (a synthetic
  two-channel scene), multi-class semantic masks, instances from a semantic mask
  (erode -> label -> expand) and smoothing labels;
- :mod:`cellseg.labels`: checking, storing and loading label images;
- :mod:`cellseg.drawing`: overlays and error maps, to check a segmentation by eye;
- :mod:`cellseg.metrics`: pixel- and object-level quality measures;
- :mod:`cellseg.errors`: the errors of a segmentation, object by object, and injected errors;
- :mod:`cellseg.scoring`: scores by region (tuning and test parts, tiles), bootstrap
  intervals, sparse scores and a simulated second annotator;
- :mod:`cellseg.scale`: the typical nucleus radius of an image and a recipe in units of it;
- :mod:`cellseg.tuning`: classical baselines for nuclei and a parameter sweep;
- :mod:`cellseg.io`: reading TIFF/OME-TIFF files with their pixel size;
- :mod:`cellseg.plate`, :mod:`cellseg.experiment`: a synthetic plate with known faults, batch
  QC of a whole experiment and tiled segmentation of a mosaic on Dask (Dask, zarr and pandas
  are imported only when these functions run);
- :mod:`cellseg.data`: real images with their annotations (:func:`nuclei_2d`);
- :mod:`cellseg.measure`: a table per object (2-D and 3-D, a DataFrame with QC flags), and
  volume, surface area and sphericity of 3-D objects, in micrometres;
- :mod:`cellseg.synthetic3d`: synthetic z-stacks of ellipsoidal nuclei blurred by an
  anisotropic point-spread function, with lengths in micrometres.

Coordinates are ``(row, col)`` in 2-D and ``(z, y, x)`` in 3-D; label images are integer arrays with 0 as background.
Every public name of every module (its ``__all__``) is also reachable as ``cellseg.NAME``:
one name, one object, whichever way it is reached (``tests/test_import_isolation.py``
checks it in both directions, and that no two modules use the same name). The course's
lessons use the short form, ``cellseg.NAME``.
The course's notebooks use a second package, ``cellseg_course`` (glue, quizzes,
checkers); this one never imports it.
"""

from . import (
    acquisition,
    cells,
    data,
    drawing,
    errors,
    experiment,
    image_qc,
    io,
    labels,
    measure,
    metrics,
    pipeline,
    plate,
    scale,
    scoring,
    splitting,
    synthetic,
    synthetic3d,
    theory,
    tuning,
)
from .acquisition import *  # noqa: F403
from .cells import *  # noqa: F403
from .data import *  # noqa: F403
from .drawing import *  # noqa: F403
from .errors import *  # noqa: F403
from .experiment import *  # noqa: F403
from .image_qc import *  # noqa: F403
from .io import *  # noqa: F403
from .labels import *  # noqa: F403
from .measure import *  # noqa: F403
from .metrics import *  # noqa: F403
from .pipeline import *  # noqa: F403
from .plate import *  # noqa: F403
from .scale import *  # noqa: F403
from .scoring import *  # noqa: F403
from .splitting import *  # noqa: F403
from .synthetic import *  # noqa: F403
from .synthetic3d import *  # noqa: F403
from .theory import *  # noqa: F403
from .tuning import *  # noqa: F403

__version__ = "0.1.0"

#: the modules whose public names make up the top-level namespace
MODULES = (acquisition, cells, data, drawing, errors, experiment, image_qc, io, labels, measure, metrics,
           pipeline, plate, scale, scoring, splitting, synthetic, synthetic3d, theory, tuning)

__all__ = [name for module in MODULES for name in module.__all__]
