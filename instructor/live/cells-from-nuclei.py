import matplotlib.pyplot as plt
import cellseg

scene = cellseg.make_cells_and_nuclei(seed=0)
nuclei = cellseg.segment(cellseg.smooth(scene.nuclei_image, sigma=1), threshold=0.5,
                         min_size=10, connectivity=1)
membrane = cellseg.smooth(scene.membrane_image, sigma=0.5)
cells = cellseg.seeded_watershed(membrane, nuclei, mask=membrane > 0.1,
                                 bright_objects=False)   # the membrane is bright
print(nuclei.max(), "nuclei,", cells.max(), "cells")
print(cellseg.matching(scene.cells, cells))

plt.imshow(cellseg.label_rgb(cells), interpolation="nearest")
plt.show()
