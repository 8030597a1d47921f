import matplotlib.pyplot as plt
import numpy as np
import cellseg

scene = cellseg.make_image(seed=7)
image = scene.image
print(image.shape, image.dtype, image.min().round(2), image.max().round(2))

labels = cellseg.ground_truth_labels(scene.centers, shape=image.shape)
print(labels.dtype, np.unique(labels))   # 0 is the background, 1..n the cells
print(labels.max(), "cells")

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 4))
ax1.imshow(image, cmap="gray")
ax2.imshow(cellseg.label_rgb(labels), interpolation="nearest")
plt.show()
