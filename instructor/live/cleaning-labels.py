import matplotlib.pyplot as plt
import cellseg

scene = cellseg.make_crowded_field(n_cells=20, shape=128, seed=1)
labels = cellseg.voronoi_otsu_labeling(scene.image, spot_sigma=3, outline_sigma=2)
print(labels.max(), "objects, sizes", cellseg.cell_sizes(labels))

clean = cellseg.filter_by_size(labels, min_size=150)
print(len(cellseg.cell_sizes(clean)), "objects of at least 150 px")   # not clean.max()
thin = cellseg.erode_labels(clean, radius=1)  # keeps touching cells apart
plt.imshow(cellseg.label_rgb(thin), interpolation="nearest")
plt.show()
