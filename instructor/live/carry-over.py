import numpy as np
from skimage.transform import rescale
import cellseg

image, truth = cellseg.nuclei_2d()
image = image.astype(float)
for factor in (0.5, 1.0, 2.0):                 # the same field at three magnifications
    img = rescale(image, factor, order=1, anti_aliasing=factor < 1)
    radius = cellseg.typical_radius(img)
    print(f"x{factor:g}: typical radius {radius:.2f} px")

# parameters in units of the radius carry over; parameters in pixels do not
labels = cellseg.segment_nuclei(rescale(image, 2.0, order=1))
n_true = len(np.unique(truth)) - 1          # ids need not be consecutive: count them
print(f"at x2: {len(np.unique(labels)) - 1} objects; annotated: {n_true}")
